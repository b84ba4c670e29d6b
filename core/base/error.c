#include "core/base/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct kdl_error kdl_nomem_error = { KDL_ERR_NOMEM, "out of memory" };

struct kdl_error *kdl_error_create(enum kdl_errcode code, const char *fmt, ...)
{
	struct kdl_error *err = malloc(sizeof(*err));
	va_list ap;

	if (!err)
		return &kdl_nomem_error;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return err;
}

struct kdl_error *kdl_error_wrap(struct kdl_error *err, const char *fmt, ...)
{
	char buf[sizeof(err->msg)];
	size_t n;
	va_list ap;

	if (!err || err == &kdl_nomem_error)
		return err;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* "<prefix>: <old message>", truncated to the buffer */
	n = strlen(buf);
	if (n + 2 < sizeof(buf)) {
		memcpy(buf + n, ": ", 2);
		n += 2;
		memcpy(buf + n, err->msg, sizeof(buf) - n - 1);
		buf[sizeof(buf) - 1] = '\0';
	}
	memcpy(err->msg, buf, sizeof(err->msg));
	return err;
}

void kdl_error_destroy(struct kdl_error *err)
{
	if (err != &kdl_nomem_error)
		free(err);
}

int kdl_error_exit_code(const struct kdl_error *err)
{
	if (!err)
		return 0;
	switch (err->code) {
	case KDL_ERR_USAGE:
		return 2;
	case KDL_ERR_INPUT:
		return 3;
	case KDL_ERR_VMLINUX:
		return 4;
	default:
		return 1;
	}
}
