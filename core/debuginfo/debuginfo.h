/* core/debuginfo/debuginfo.h - symbols (libelf), types, member offsets, enum values and
 * line info (libdw) of a vmlinux, plus module symbols.
 *
 * Addresses passed in and returned are *runtime* addresses: the KASLR offset
 * set with kdl_debuginfo_set_kaslr() is applied inside, to kernel-image
 * addresses only: per-CPU symbols (e.g. "current_task", "runqueues") are
 * offsets into a CPU's per-CPU area and come back unshifted. Module symbols
 * are added with their runtime addresses. Types are looked up by
 * name on demand and cached; the whole DWARF is never indexed at start-up.
 * Strings returned are owned by the debuginfo and live until destroy.
 */
#ifndef KDL_DEBUGINFO_H
#define KDL_DEBUGINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"

struct kdl_debuginfo;

/* Open a vmlinux. KDL_ERR_VMLINUX when it is not an x86_64 ELF vmlinux or has
 * no .debug_info; KDL_ERR_INPUT when unreadable. */
struct kdl_error *kdl_debuginfo_open(const char *path, struct kdl_debuginfo **out);
void kdl_debuginfo_destroy(struct kdl_debuginfo *di);

void kdl_debuginfo_set_kaslr(struct kdl_debuginfo *di, uint64_t offset);
uint64_t kdl_debuginfo_kaslr(const struct kdl_debuginfo *di);
/* OSRELEASE and GNU build-id of the vmlinux (build-id hex, NULL if none). */
const char *kdl_debuginfo_release(const struct kdl_debuginfo *di);
const char *kdl_debuginfo_build_id(const struct kdl_debuginfo *di);

/* Symbols. */
struct kdl_symbol {
	const char *name;
	uint64_t addr;     /* runtime address */
	uint64_t size;
	const char *module; /* NULL for vmlinux */
	bool is_function;
};
/* The symbol containing addr (functions and objects); false when none. */
bool kdl_debuginfo_symbol_at(const struct kdl_debuginfo *di, uint64_t addr,
			     struct kdl_symbol *out);
/* Runtime address of a named symbol; false when none. */
bool kdl_debuginfo_symbol_addr(const struct kdl_debuginfo *di, const char *name,
			       uint64_t *addr);
/* Add symbols of a module read from the dump (name copied). */
struct kdl_error *kdl_debuginfo_add_symbol(struct kdl_debuginfo *di, const char *module,
					   const char *name, uint64_t addr, uint64_t size,
					   bool is_function);
/* Remove every symbol added with kdl_debuginfo_add_symbol() (used when one
 * debuginfo serves several analyses, e.g. the fuzzer). */
void kdl_debuginfo_drop_module_symbols(struct kdl_debuginfo *di);

/* A loaded section of a module as the dump records it. */
struct kdl_module_section {
	const char *name; /* ".text", ".data", ... */
	uint64_t addr;    /* runtime address */
};
/* DWARF of a module from DIR/<module>.ko, its sections placed at the runtime
 * addresses the dump records. Afterwards line info covers the module's code
 * and type/variable/enumerator lookups fall back to its DWARF. KDL_ERR_NOTFOUND
 * when there is no such .ko or it has no DWARF (or the type source has no
 * per-module info). */
struct kdl_error *kdl_debuginfo_load_module(struct kdl_debuginfo *di, const char *dir,
					    const char *module,
					    const struct kdl_module_section *secs, size_t nsecs);
size_t kdl_debuginfo_modules_with_dwarf(const struct kdl_debuginfo *di);

/* Types. `type` is a C type name: "struct task_struct", "struct mutex", a
 * typedef name, or "union ..."; for member lookups also "var NAME", the type
 * of a global variable (for anonymous struct types such as tk_core's).
 * `member` is a path: "thread.sp", "se.sum_exec_runtime", "node[0].boost_mtx". */
struct kdl_error *kdl_debuginfo_type_size(struct kdl_debuginfo *di, const char *type,
					  uint64_t *size);
struct kdl_error *kdl_debuginfo_member_offset(struct kdl_debuginfo *di, const char *type,
					      const char *member, uint64_t *offset);
/* Size of a member; and whether it exists at all (for version differences). */
struct kdl_error *kdl_debuginfo_member_size(struct kdl_debuginfo *di, const char *type,
					    const char *member, uint64_t *size);
bool kdl_debuginfo_has_member(struct kdl_debuginfo *di, const char *type, const char *member);
/* Value of an enumerator or a macro-like constant known to DWARF. */
struct kdl_error *kdl_debuginfo_enum_value(struct kdl_debuginfo *di, const char *enumerator,
					   int64_t *value);
/* The type name of a global variable ("struct rw_semaphore"), into buf. */
struct kdl_error *kdl_debuginfo_var_type(struct kdl_debuginfo *di, const char *var,
					 char *buf, size_t len);
/* The member path at `offset` inside `type` (deepest member containing it), e.g.
 * "mmap_lock" or "node[0].boost_mtx"; writes "+0x18" style when none. */
struct kdl_error *kdl_debuginfo_member_path(struct kdl_debuginfo *di, const char *type,
					    uint64_t offset, char *buf, size_t len);

/* Line info for a runtime pc: file (basename-relative path) and line. Inlined
 * callers, innermost first, up to max entries. Returns the count (0: unknown). */
struct kdl_srcloc {
	const char *function; /* inlined function name, or the outer function */
	const char *file;
	int line;
};
size_t kdl_debuginfo_lines(struct kdl_debuginfo *di, uint64_t pc, struct kdl_srcloc *out,
			   size_t max);

/* Raw ELF section of the vmlinux (e.g. ".orc_unwind"). *data is NULL and the
 * function returns false when the section is absent or NOBITS. `addr` is the
 * link-time (not KASLR-shifted) address. */
bool kdl_debuginfo_section(const struct kdl_debuginfo *di, const char *name,
			   const void **data, size_t *size, uint64_t *addr);

/* The version of the libdw (elfutils) loaded at run time, e.g. "0.188"; a
 * static string of the library. */
const char *kdl_debuginfo_lib_version(void);

#endif
