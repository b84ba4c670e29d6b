/* core/debuginfo/kallsyms.h - the kernel's own symbol table without a vmlinux:
 * kallsyms decoded from the dump's memory, or a System.map file.
 *
 * kallsyms tables (kernel/kallsyms.c, scripts/kallsyms.c):
 *   kallsyms_num_syms      u32 (an unsigned int) count;
 *   kallsyms_names         per symbol [len][len token bytes]; len >= 0x80 takes
 *                          a second byte: (b0 & 0x7f) | b1 << 7 ("big" symbols,
 *                          6.1+; smaller names read the same before); the first
 *                          expanded character is the nm type (t/T, d/D ...);
 *   kallsyms_token_table   256 NUL-terminated tokens;
 *   kallsyms_token_index   256 u16 offsets of the tokens in the table;
 *   kallsyms_offsets       s32 per symbol, relative to kallsyms_relative_base
 *                          (x86_64 up to 6.14: KALLSYMS_ABSOLUTE_PERCPU, a
 *                          non-negative value is absolute (per-CPU offsets),
 *                          a negative one is base - 1 - value); or
 *   kallsyms_addresses     u64 per symbol (kernels without BASE_RELATIVE).
 * kallsyms_markers and kallsyms_seqs_of_names (6.2+) are indexes for the
 * kernel's own lookups and are not needed to decode the whole table once.
 * VMCOREINFO names the tables since 6.0 (SYMBOL(kallsyms_names) ...).
 *
 * Everything read is untrusted: the count, token offsets, name lengths and
 * characters are bounded and checked; a damaged table is KDL_ERR_CORRUPT.
 *
 * Ownership: a struct kdl_kallsyms owns its names; kdl_kallsyms_destroy()
 * frees it. kdl_kallsyms_feed() copies into the debuginfo.
 */
#ifndef KDL_KALLSYMS_H
#define KDL_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"
#include "core/target/target.h"

struct kdl_debuginfo;

/* Runtime addresses of the tables; 0 when unknown. */
struct kdl_kallsyms_addrs {
	uint64_t num_syms, names, token_table, token_index;
	uint64_t offsets, relative_base; /* base-relative tables */
	uint64_t addresses;              /* absolute tables */
};

struct kdl_ksym {
	const char *name;
	uint64_t addr; /* runtime address (per-CPU symbols: offsets, unshifted) */
	char type;     /* nm type: 't', 'T', 'd', 'D', 'b', 'r', 'A' ... */
};

struct kdl_kallsyms {
	struct kdl_ksym *syms; /* in table order (kallsyms: by address) */
	size_t n;
	char *blob;            /* the names, NUL-separated */
	size_t blob_len, blob_cap;
	const char *source;    /* "kallsyms" or "System.map" */
};

/* The table addresses from VMCOREINFO lines (`get` returns the value of a key
 * such as "SYMBOL(kallsyms_names)", or NULL). False when the kernel does not
 * name them (before 6.0). */
bool kdl_kallsyms_addrs_from(const char *(*get)(void *arg, const char *key), void *arg,
			     struct kdl_kallsyms_addrs *out);

/* Decode the tables at `a` through `t`. KDL_ERR_NOTFOUND when `a` lacks an
 * address, KDL_ERR_CORRUPT when the bytes make no sense, read errors as the
 * target gives them. *out untouched on failure. */
struct kdl_error *kdl_kallsyms_read(struct kdl_target *t, const struct kdl_kallsyms_addrs *a,
				    struct kdl_kallsyms **out);

/* A System.map ("ADDR TYPE NAME" lines, link-time addresses); kernel-image
 * addresses are shifted by `kaslr`. */
struct kdl_error *kdl_kallsyms_read_map(const char *path, uint64_t kaslr,
					struct kdl_kallsyms **out);

/* The runtime address of a named symbol; false when none. Linear: for the few
 * start-up lookups before the symbols are fed to a debuginfo. */
bool kdl_kallsyms_lookup(const struct kdl_kallsyms *ks, const char *name, uint64_t *addr);

/* Add every symbol to di as a vmlinux symbol (kdl_debuginfo_add_symbol with
 * module NULL; di's KASLR offset must be set first). The size of a symbol is
 * the gap to the next higher address (as the kernel's own lookup does); t/T/w/W
 * are functions. */
struct kdl_error *kdl_kallsyms_feed(const struct kdl_kallsyms *ks, struct kdl_debuginfo *di);

void kdl_kallsyms_destroy(struct kdl_kallsyms *ks);

#endif
