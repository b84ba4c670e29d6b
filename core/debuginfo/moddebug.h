/* core/debuginfo/moddebug.h - DWARF of loaded kernel modules (.ko files from
 * --modules DIR), relocated to the section addresses the dump records, so that
 * module frames get file:line and module types (struct kdl_obj ...) resolve.
 *
 * Used by the DWARF type source only: it falls back to these lookups when
 * vmlinux has no answer. The lookups that hand out DIEs are declared in
 * dwarf_priv.h, so that this header stays free of libdw (struct
 * kdl_module_section, which callers outside core/debuginfo/ need, lives in
 * debuginfo.h). Ownership: the set owns its Dwfl sessions; DIEs it returns
 * stay valid until kdl_moddebug_destroy().
 */
#ifndef KDL_MODDEBUG_H
#define KDL_MODDEBUG_H

#include <stddef.h>

#include "core/base/error.h"
#include "core/debuginfo/debuginfo.h"

struct kdl_moddebug;

struct kdl_error *kdl_moddebug_create(struct kdl_moddebug **out);
void kdl_moddebug_destroy(struct kdl_moddebug *md);

/* Load DIR/<module>.ko (also with '-' and '_' swapped) with its sections at
 * the given runtime addresses. KDL_ERR_NOTFOUND when there is no such file or
 * it has no DWARF; the module's other lookups then simply fail. */
struct kdl_error *kdl_moddebug_add(struct kdl_moddebug *md, const char *dir, const char *module,
				   const struct kdl_module_section *secs, size_t nsecs);
size_t kdl_moddebug_count(const struct kdl_moddebug *md);

#endif
