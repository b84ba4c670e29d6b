/* core/base/str.c - see str.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

char *kdl_strndup(const char *s, size_t max)
{
	size_t n = 0;
	char *p;

	if (!s)
		return NULL;
	while (n < max && s[n])
		n++;
	if (n == SIZE_MAX)
		return NULL;
	p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *kdl_strdup(const char *s)
{
	return kdl_strndup(s, SIZE_MAX);
}
