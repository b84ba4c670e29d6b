/* core/base/str.h - strings: those read from a dump made safe to print, and
 * the copies the model keeps.
 *
 * Every string that comes out of dump memory (task names, module and symbol
 * names, section names, uts fields, lock class names) passes through
 * kdl_sanitize() before it reaches the model or a report; it allocates
 * nothing (the caller owns both buffers). Every string the model holds (lock
 * names and parts, finding summaries, other-wait labels) is a malloc'd copy
 * made with kdl_strdup()/kdl_strndup() and freed by kdl_model_destroy(); the
 * caller owns what these return.
 */
#ifndef KDL_STR_H
#define KDL_STR_H

#include <stddef.h>

/* Copy at most n-1 bytes of a string from the dump into out, sanitised (no
 * control characters; bytes >= 0x7f and '\' as \xNN); stops at the first NUL
 * or after inlen bytes. */
void kdl_sanitize(const char *in, size_t inlen, char *out, size_t n);

/* A malloc'd copy of at most `max` bytes of s, always NUL-terminated; NULL
 * when s is NULL or memory runs out. */
char *kdl_strndup(const char *s, size_t max);

/* A malloc'd copy of all of s (NULL when s is NULL or memory runs out). */
char *kdl_strdup(const char *s);

#endif
