/* core/base/error.h - error objects for every fallible core function.
 *
 * A fallible function returns `struct kdl_error *`: NULL means success, anything
 * else is an error that the caller owns and frees with kdl_error_destroy() (or
 * hands on, possibly wrapped with more context). The message says what failed and
 * where, e.g. "read task_struct at 0xffff888003a1c000: page not in dump".
 * Only main() turns an error into an exit code (kdl_error_exit_code()).
 */
#ifndef KDL_ERROR_H
#define KDL_ERROR_H

#include <stdarg.h>

enum kdl_errcode {
	KDL_ERR_INTERNAL = 1, /* a bug or an impossible state */
	KDL_ERR_NOMEM,        /* allocation failed */
	KDL_ERR_USAGE,        /* bad command line or argument (exit 2) */
	KDL_ERR_INPUT,        /* file missing/unreadable, not a dump, unsupported
	                         format or architecture (exit 3) */
	KDL_ERR_VMLINUX,      /* no debug info, not a vmlinux, does not match the
	                         dump (exit 4) */
	KDL_ERR_FAULT,        /* a dump address could not be read (not in dump,
	                         no translation) */
	KDL_ERR_EXCLUDED,     /* page filtered out by makedumpfile */
	KDL_ERR_CORRUPT,      /* data read from the dump makes no sense */
	KDL_ERR_NOTFOUND,     /* symbol, type or member not found */
	KDL_ERR_IO,           /* writing an output file failed */
};

struct kdl_error {
	enum kdl_errcode code;
	char msg[480];
};

/* Create an error with a printf-style message. Never returns NULL: when memory
 * is short it returns a static "out of memory" error that destroy ignores. */
struct kdl_error *kdl_error_create(enum kdl_errcode code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix the message of `err` with "<context>: " and return err (takes it). */
struct kdl_error *kdl_error_wrap(struct kdl_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Free an error. Accepts NULL and the static out-of-memory error. */
void kdl_error_destroy(struct kdl_error *err);

/* The process exit code for an error that ends the program (2, 3, 4, or 1). */
int kdl_error_exit_code(const struct kdl_error *err);

#endif
