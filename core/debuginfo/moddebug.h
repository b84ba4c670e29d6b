/* core/debuginfo/moddebug.h - DWARF of loaded kernel modules (.ko files from
 * --modules DIR), relocated to the section addresses the dump records, so that
 * module frames get file:line and module types (struct kdl_obj ...) resolve.
 *
 * Used by core/debuginfo only: kdl_debuginfo_* falls back to these lookups
 * when vmlinux has no answer. Ownership: the set owns its Dwfl sessions; DIEs
 * it returns stay valid until kdl_moddebug_destroy().
 */
#ifndef KDL_MODDEBUG_H
#define KDL_MODDEBUG_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"

struct kdl_moddebug;

struct kdl_module_section {
	const char *name; /* ".text", ".data", ... */
	uint64_t addr;    /* runtime address */
};

struct kdl_error *kdl_moddebug_create(struct kdl_moddebug **out);
void kdl_moddebug_destroy(struct kdl_moddebug *md);

/* Load DIR/<module>.ko (also with '-' and '_' swapped) with its sections at
 * the given runtime addresses. KDL_ERR_NOTFOUND when there is no such file or
 * it has no DWARF; the module's other lookups then simply fail. */
struct kdl_error *kdl_moddebug_add(struct kdl_moddebug *md, const char *dir, const char *module,
				   const struct kdl_module_section *secs, size_t nsecs);
size_t kdl_moddebug_count(const struct kdl_moddebug *md);

/* The CU DIE containing runtime address pc in a loaded module; *bias is what
 * to subtract from pc for DWARF addresses. */
bool kdl_moddebug_addrdie(struct kdl_moddebug *md, uint64_t pc, Dwarf_Die *cu, uint64_t *bias);

/* A top-level DIE by key as core/debuginfo names them ("s:kdl_obj" for a
 * struct, "u:", "e:", "t:" typedef/base, "v:" variable, "E:" enumerator with
 * *value set). */
bool kdl_moddebug_find(struct kdl_moddebug *md, const char *key, Dwarf_Die *die, int64_t *value);

#endif
