/* core/base/str.h - strings read from a dump, made safe to print.
 *
 * Every string that comes out of dump memory (task names, module and symbol
 * names, section names, uts fields, lock class names) passes through
 * kdl_sanitize() before it reaches the model or a report. No allocation: the
 * caller owns both buffers.
 */
#ifndef KDL_STR_H
#define KDL_STR_H

#include <stddef.h>

/* Copy at most n-1 bytes of a string from the dump into out, sanitised (no
 * control characters; bytes >= 0x7f and '\' as \xNN); stops at the first NUL
 * or after inlen bytes. */
void kdl_sanitize(const char *in, size_t inlen, char *out, size_t n);

#endif
