/* core/debuginfo/debuginfo.h - symbols (libelf), types, member offsets, enum values and
 * line info of a vmlinux, plus module symbols. Types come from one of two
 * sources: the vmlinux DWARF (libdw, with line info) or the kernel's BTF
 * (libbpf: the vmlinux's .BTF section, or BTF read from the dump; no line
 * info, no types of global variables but per-CPU ones).
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

/* Where the types of an opened vmlinux come from. */
enum kdl_debuginfo_mode {
	KDL_DEBUGINFO_AUTO = 0, /* its DWARF when it has .debug_info, else its .BTF */
	KDL_DEBUGINFO_DWARF,    /* its DWARF, or KDL_ERR_VMLINUX without .debug_info */
	KDL_DEBUGINFO_BTF,      /* its .BTF section (and ELF symbols), even when it
				 * has DWARF; KDL_ERR_VMLINUX without .BTF */
};
/* Open a vmlinux. KDL_ERR_VMLINUX when it is not an x86_64 ELF vmlinux or
 * lacks what the mode needs (AUTO: neither .debug_info nor .BTF; the message
 * names what is missing); KDL_ERR_INPUT when unreadable. The debuginfo maps
 * the file and keeps it open until destroy. */
struct kdl_error *kdl_debuginfo_open_mode(const char *path, enum kdl_debuginfo_mode mode,
					  struct kdl_debuginfo **out);
/* kdl_debuginfo_open_mode(path, KDL_DEBUGINFO_AUTO, out). */
struct kdl_error *kdl_debuginfo_open(const char *path, struct kdl_debuginfo **out);
/* A debuginfo with no ELF file at all, for a dump analysed without vmlinux:
 * `release` (copied, may be NULL) is what kdl_debuginfo_release() answers; no
 * build-id, no sections. Its type source is BTF, empty (every type query
 * answers KDL_ERR_NOTFOUND) until kdl_debuginfo_set_btf(). Symbols are added
 * with kdl_debuginfo_add_symbol() (module NULL for the kernel's own, e.g.
 * from the dump's kallsyms): in a bare debuginfo EVERY symbol is a runtime
 * address, stored and answered as given; the KASLR offset (set or not) is
 * never applied to them. */
struct kdl_error *kdl_debuginfo_create_bare(const char *release, struct kdl_debuginfo **out);
/* The kernel's BTF (raw .BTF bytes, e.g. read from dump memory between
 * __start_BTF and __stop_BTF) as the type source of a bare debuginfo. The
 * bytes are copied (the caller keeps its buffer); parsed once, names indexed
 * on first use. KDL_ERR_VMLINUX when the bytes are not valid BTF; KDL_ERR_USAGE
 * when the debuginfo's source is not an empty BTF one. */
struct kdl_error *kdl_debuginfo_set_btf(struct kdl_debuginfo *di, const void *data, size_t len);
/* A module's BTF (split BTF on top of the kernel's, as the kernel keeps it on
 * its btf_modules list): afterwards type and enumerator lookups fall back to
 * it. Bytes copied; `module` copied. KDL_ERR_USAGE when the source is not BTF
 * or has no kernel BTF yet; KDL_ERR_INPUT when the bytes are not valid. */
struct kdl_error *kdl_debuginfo_add_module_btf(struct kdl_debuginfo *di, const char *module,
					       const void *data, size_t len);
void kdl_debuginfo_destroy(struct kdl_debuginfo *di);

/* Which type source answers: "dwarf" or "btf" (static string). */
const char *kdl_debuginfo_source_name(const struct kdl_debuginfo *di);
/* What the source lacks: line info (false for BTF: kdl_debuginfo_lines()
 * answers 0), types of global variables (BTF: only per-CPU ones; others
 * answer KDL_ERR_NOTFOUND from kdl_debuginfo_var_type() and "var NAME"). */
bool kdl_debuginfo_has_lines(const struct kdl_debuginfo *di);
bool kdl_debuginfo_has_var_types(const struct kdl_debuginfo *di);
/* One line for a person saying what is missing because of the source, e.g.
 * "BTF: no line numbers, no types of global variables" (the source first: a
 * narrow TUI header cuts the end); NULL when nothing (DWARF). Static string. */
const char *kdl_debuginfo_missing(const struct kdl_debuginfo *di);

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
/* Add a symbol read from the dump (name copied) at its runtime address: of a
 * module, or of the vmlinux when module is NULL (kallsyms, System.map). In a
 * debuginfo opened from a vmlinux, set the KASLR offset first: such symbols are
 * kept link-time inside like the vmlinux's own; in a bare one
 * (kdl_debuginfo_create_bare) every address is kept and answered as given. */
struct kdl_error *kdl_debuginfo_add_symbol(struct kdl_debuginfo *di, const char *module,
					   const char *name, uint64_t addr, uint64_t size,
					   bool is_function);
/* Remove every module symbol added with kdl_debuginfo_add_symbol() (used when one
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
 * `member` is a path: "thread.sp", "se.sum_exec_runtime", "node[0].boost_mtx".
 * A bit-field's offset and size are those of the storage unit holding its
 * first bit (its type's size, aligned to it: held_lock.read:2 is in the
 * unsigned int at 32, at bit 16 of it), from DWARF and BTF alike. */
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
 * "mmap_lock" or "node[0].boost_mtx"; writes "+0x18" style when none. A
 * bit-field contains the bytes its bits touch (the first one named wins). */
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
 * function returns false when the section is absent or NOBITS, or the
 * debuginfo is bare. `addr` is the
 * link-time (not KASLR-shifted) address. */
bool kdl_debuginfo_section(const struct kdl_debuginfo *di, const char *name,
			   const void **data, size_t *size, uint64_t *addr);

/* The version of the libdw (elfutils) loaded at run time, e.g. "0.188"; a
 * static string of the library. */
const char *kdl_debuginfo_lib_version(void);

#endif
