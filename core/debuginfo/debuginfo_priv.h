/* core/debuginfo/debuginfo_priv.h - the insides of struct kdl_debuginfo,
 * shared by the rooms of the debuginfo stage only (never include it from
 * outside core/debuginfo/: it pulls in libelf).
 *
 *   debuginfo.c - open (ELF checks, OSRELEASE, build-id), raw sections, KASLR,
 *                 and the dispatch of the type and line queries to the type
 *                 source (typesrc.h), with the member and line caches;
 *   symbols.c   - vmlinux (ELF .symtab) and module symbols, both ways;
 *   dwarf_types.c, dwarf_lines.c, moddebug.c - the DWARF type source;
 *   btf_types.c - the BTF type source (libbpf).
 *
 * A bare debuginfo (kdl_debuginfo_create_bare) has no ELF file (elf NULL,
 * fd -1): every symbol in it is a runtime address.
 *
 * Ownership: the debuginfo owns the ELF handle, its symbols (vmlinux names
 * point into the ELF data, module symbols are copied), the caches and the
 * type source.
 */
#ifndef KDL_DEBUGINFO_PRIV_H
#define KDL_DEBUGINFO_PRIV_H

#include <libelf.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/hash.h"
#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/strmap.h"
#include "core/debuginfo/typesrc.h"

/* Kernel image and module addresses are shifted by KASLR; per-CPU symbols
 * (offsets into the per-CPU area, small numbers) are not. */
#define KDL_KERNEL_IMAGE_START 0xffffffff80000000ull

struct kdl_di_sym {
	const char *name;
	uint64_t addr; /* link-time for vmlinux, runtime for modules */
	uint64_t size;
	const char *module;
	bool is_function;
	bool owned; /* name/module malloc'd (module symbols) */
};

/* Tasks blocked in the same place share return addresses: line lookups
 * (dwarf_getscopes walks the CU) are done once per pc. */
#define KDL_LINE_CACHE_MAX 16
struct kdl_di_lines {
	unsigned char n;
	struct kdl_srcloc loc[KDL_LINE_CACHE_MAX];
};

struct kdl_debuginfo {
	char *path;
	int fd;
	Elf *elf;
	uint64_t kaslr;
	char release[128];
	char build_id[128];
	bool has_build_id;
	bool bare;         /* no ELF: symbols are runtime addresses, no sections */

	struct kdl_di_sym *syms; /* sorted by addr */
	size_t nsyms, cap_syms;
	bool sorted;
	struct kdl_hash by_name; /* kdl_hash_str(name) -> index into syms */

	struct kdl_typesrc types; /* answers the type and line queries */
	struct kdl_strmap members; /* "type\x01member" -> offset (a), size (b) */
	struct kdl_hash lines_by_pc; /* runtime pc -> index into lines */
	struct kdl_di_lines *lines;
	size_t lines_n, lines_cap;
};

/* symbols.c */
struct kdl_error *kdl_di_load_symtab(struct kdl_debuginfo *di);
/* The vmlinux or module symbol of that name (addresses as stored). */
const struct kdl_di_sym *kdl_di_symbol_named(const struct kdl_debuginfo *di, const char *name);
void kdl_di_free_symbols(struct kdl_debuginfo *di);

/* search.c: the GNU build-id note of an ELF as hex into buf; false when none. */
bool kdl_di_elf_build_id(Elf *elf, char *buf, size_t len);

/* debuginfo.c: the key under which a type source indexes a C type name:
 * "struct x" -> "s:x", "union x" -> "u:x", "enum x" -> "e:x", else "t:name"
 * (typedefs and base types). */
void kdl_di_type_key(const char *type, char *key, size_t size);

/* debuginfo.c: the line cache holds runtime pcs and symbol names; forget it
 * when either changes. */
void kdl_di_lines_forget(struct kdl_debuginfo *di);

/* dwarf_types.c: the DWARF type source of the vmlinux `elf`; line info asks
 * `owner` for the KASLR offset and for symbols. */
struct kdl_error *kdl_dwarf_types_open(struct kdl_debuginfo *owner, Elf *elf, const char *path,
				       struct kdl_typesrc *out);

/* btf_types.c: the BTF type source, empty until kdl_btf_types_set() gives
 * it the kernel's BTF (copied); module BTF is split on top of that. */
struct kdl_error *kdl_btf_types_create(struct kdl_typesrc *out);
bool kdl_btf_types_is(const struct kdl_typesrc *ts);
struct kdl_error *kdl_btf_types_set(void *priv, const void *data, size_t len, const char *what);
struct kdl_error *kdl_btf_types_add_module(void *priv, const char *module, const void *data,
					   size_t len);
/* Takes the parsed module BTF `b` (a struct btf *), freeing it on failure. */
struct kdl_error *kdl_btf_add_module(void *priv, const char *module, void *b);

#endif
