/* tests/lib/kdltest.h - the tiny test protocol shared by every C test.
 *
 * A test program prints one line per check: "PASS name", "FAIL name: why" or
 * "SKIP name: why", and returns kdl_test_done() from main(), which prints the
 * closing line "N passed, N failed[, N skipped]". tests/run.sh counts the lines,
 * fails a test whose closing line is missing or disagrees with them, and with
 * CI=true counts a SKIP as a failure. See tests/README.md.
 */
#ifndef KDL_TEST_H
#define KDL_TEST_H

#include <stdbool.h>

#include "core/base/error.h"

void kdl_test_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kdl_test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kdl_test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* PASS or FAIL `name` depending on ok; returns ok. */
bool kdl_test_check(bool ok, const char *file, int line, const char *expr,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define KDL_CHECK(cond, ...) kdl_test_check(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

/* PASS when err is NULL, else FAIL with its message; destroys err. */
bool kdl_test_ok(struct kdl_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Directory of an unpacked sample variant ("6.1-orc"), or NULL when it is not
 * there (the caller then SKIPs, which CI turns into a failure). Honours
 * $KDL_SAMPLES (default build/samples). The result is a static buffer. */
const char *kdl_test_sample_dir(const char *variant);

/* Prints the closing line "N passed, N failed[, N skipped]" and returns the
 * exit status for main(): 0 when nothing failed. Call it once, last. */
int kdl_test_done(void);

#endif
