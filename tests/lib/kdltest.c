#include "kdltest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What kdl_test_done() prints on the closing line (tests/run.sh checks it
 * against the PASS/FAIL/SKIP lines). */
static int passes, failures, skips;

static void emit(const char *tag, const char *fmt, va_list ap)
{
	fputs(tag, stdout);
	fputc(' ', stdout);
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void kdl_test_pass(const char *fmt, ...)
{
	va_list ap;

	passes++;
	va_start(ap, fmt);
	emit("PASS", fmt, ap);
	va_end(ap);
}

void kdl_test_fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	va_start(ap, fmt);
	emit("FAIL", fmt, ap);
	va_end(ap);
}

void kdl_test_skip(const char *fmt, ...)
{
	va_list ap;

	skips++;
	va_start(ap, fmt);
	emit("SKIP", fmt, ap);
	va_end(ap);
}

bool kdl_test_check(bool ok, const char *file, int line, const char *expr,
		    const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (ok)
		kdl_test_pass("%s", name);
	else
		kdl_test_fail("%s: %s:%d: check failed: %s", name, file, line, expr);
	return ok;
}

bool kdl_test_ok(struct kdl_error *err, const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (!err) {
		kdl_test_pass("%s", name);
		return true;
	}
	kdl_test_fail("%s: %s", name, err->msg);
	kdl_error_destroy(err);
	return false;
}

const char *kdl_test_sample_dir(const char *variant)
{
	static char buf[4096];
	const char *root = getenv("KDL_SAMPLES");
	struct stat st;

	if (!root || !*root)
		root = "build/samples";
	snprintf(buf, sizeof(buf), "%s/%s", root, variant);
	if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
		return NULL;
	return buf;
}

int kdl_test_done(void)
{
	if (skips)
		printf("%d passed, %d failed, %d skipped\n", passes, failures, skips);
	else
		printf("%d passed, %d failed\n", passes, failures);
	fflush(stdout);
	return failures ? 1 : 0;
}
