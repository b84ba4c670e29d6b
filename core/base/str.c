/* core/base/str.c - see str.h. */
#include <stdio.h>

#include "core/base/str.h"

void kdl_sanitize(const char *in, size_t inlen, char *out, size_t n)
{
	size_t o = 0;

	if (!n)
		return;
	for (size_t i = 0; i < inlen && in[i]; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= n)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= n)
				break;
			snprintf(out + o, n - o, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
}
