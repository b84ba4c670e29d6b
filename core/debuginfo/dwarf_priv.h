/* core/debuginfo/dwarf_priv.h - the DWARF type source (typesrc.h) inside:
 * shared by dwarf_types.c (names, types, members, enumerators), dwarf_lines.c
 * (line info and inlined callers) and moddebug.c (module DWARF). Private to
 * core/debuginfo/: it pulls in libdw.
 *
 * Types are found by scanning the top-level DIEs of one compilation unit at a
 * time, only as far as needed, remembering every name seen on the way: the
 * first lookups touch a few CUs, and the whole DWARF is never indexed up
 * front.
 *
 * Ownership: the source owns its Dwarf session (on the debuginfo's Elf), the
 * module DWARF set and the strings it hands out as line info.
 */
#ifndef KDL_DWARF_PRIV_H
#define KDL_DWARF_PRIV_H

#include <elfutils/libdw.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/moddebug.h"
#include "core/debuginfo/strmap.h"

enum { KDL_DW_TYPE = 1, KDL_DW_ENUMERATOR, KDL_DW_VAR };

struct kdl_dwarf_src {
	struct kdl_debuginfo *owner; /* KASLR offset and symbols, for line info */
	Elf *elf;
	Dwarf *dwarf;
	struct kdl_moddebug *mods; /* DWARF of modules (.ko), NULL until loaded */
	struct kdl_strmap names;   /* "s:task_struct", "u:..", "e:..", "t:..",
				    * "E:enumerator" (value), "v:var" -> DIE offset */
	Dwarf_Off next_cu;         /* scan position in .debug_info */
	bool scan_done;
	const char *dstr;          /* .debug_str, for absent-name checks (NULL: none) */
	size_t dstr_len;
	int dstr_state;            /* 0 not looked up, 1 usable, -1 unusable */
	struct kdl_strmap absent;  /* keys name_may_exist() ruled out */
	char **strings;            /* owned strings handed out (line info) */
	size_t nstrings, cap_strings;
};

/* dwarf_types.c: every name a CU defines at its top level, as a key of
 * `names` above, in DIE order: add(arg, "E:name", KDL_DW_ENUMERATOR, value)
 * for each enumerator, add(arg, "s:name", KDL_DW_TYPE or KDL_DW_VAR, DIE
 * offset) for each type or variable (struct/union/enum declarations skipped). */
typedef void (*kdl_dwarf_name_fn)(void *arg, const char *key, int kind, uint64_t value);
void kdl_dwarf_cu_names(Dwarf_Die *cu, kdl_dwarf_name_fn add, void *arg);

/* dwarf_lines.c: the typesrc `lines` op. */
size_t kdl_dwarf_lines(void *priv, uint64_t pc, struct kdl_srcloc *out, size_t max);
void kdl_dwarf_free_strings(struct kdl_dwarf_src *src);

/* moddebug.c: the CU DIE containing runtime address pc in a loaded module;
 * *bias is what to subtract from pc for DWARF addresses. */
bool kdl_moddebug_addrdie(struct kdl_moddebug *md, uint64_t pc, Dwarf_Die *cu, uint64_t *bias);
/* moddebug.c: a top-level DIE by key as names above ("s:kdl_obj" for a
 * struct, "u:", "e:", "t:" typedef/base, "v:" variable, "E:" enumerator with
 * *value set). */
bool kdl_moddebug_find(struct kdl_moddebug *md, const char *key, Dwarf_Die *die, int64_t *value);

#endif
