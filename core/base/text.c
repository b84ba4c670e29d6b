/* core/base/text.c - see text.h. */
#include "core/base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
