/* core/base/text.h - copies of strings for the model.
 *
 * Every string the model holds (lock names and parts, finding summaries,
 * other-wait labels) is malloc'd and freed by kdl_model_destroy(); the stages
 * make those copies here. The caller owns what these return.
 */
#ifndef KDL_TEXT_H
#define KDL_TEXT_H

#include <stddef.h>

/* A malloc'd copy of at most `max` bytes of s, always NUL-terminated; NULL
 * when s is NULL or memory runs out. */
char *kdl_strndup(const char *s, size_t max);

/* A malloc'd copy of all of s (NULL when s is NULL or memory runs out). */
char *kdl_strdup(const char *s);

#endif
