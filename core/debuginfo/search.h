/* core/debuginfo/search.h - find the debug vmlinux of a dump where
 * distributions install it, by release and GNU build-id.
 *
 * Order: every directory of $KDLVIEW_DEBUG_PATH (colon-separated) first, each
 * tried as DIR/vmlinux-REL, DIR/REL/vmlinux, DIR/boot/vmlinux-REL,
 * DIR/lib/modules/REL/vmlinux, DIR/.build-id/xx/rest.debug, DIR/vmlinux; then
 *   /usr/lib/debug/boot/vmlinux-REL
 *   /usr/lib/debug/lib/modules/REL/vmlinux
 *   /usr/lib/debug/.build-id/xx/rest.debug
 *   /boot/vmlinux-REL
 *   /lib/modules/REL/build/vmlinux
 * A candidate is used only when its NT_GNU_BUILD_ID note equals the dump's
 * BUILD-ID (or, when the dump has none, when it was found under a name that
 * carries the release). The first match wins.
 *
 * Ownership: the returned path is malloc'd; the caller frees it.
 */
#ifndef KDL_DEBUGINFO_SEARCH_H
#define KDL_DEBUGINFO_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

/* The search order above, one path per line, into buf (for --help-like
 * messages and tests). */
void kdl_debuginfo_search_order(const char *release, const char *build_id, char *buf,
				size_t len);

/* The first matching vmlinux, or NULL. `build_id` is hex (NULL when the dump
 * has none); `release` may be NULL (then only build-id paths are tried).
 * *rejected counts candidates that exist but do not match (may be NULL). */
char *kdl_debuginfo_find_vmlinux(const char *release, const char *build_id,
				 size_t *rejected);

/* The GNU build-id of an ELF file as hex into buf; false when none. */
bool kdl_elf_build_id(const char *path, char *buf, size_t len);

#endif
