/* core/unwind/orc.h - ORC unwind tables (private to core/unwind/unwind.c).
 *
 * Reads the kernel's ORC tables (.orc_unwind_ip: s32 self-relative ips,
 * .orc_unwind: 6-byte struct orc_entry) from the vmlinux ELF or the dump's
 * memory, and module ORC
 * tables from the dump (struct module's arch.orc_unwind_ip/orc_unwind/num_orcs),
 * and normalises both entry formats:
 *   - up to 6.2: sp_reg:4 bp_reg:4 type:2 end:1, types CALL=0 REGS=1
 *     REGS_PARTIAL=2; "undefined" and "end of stack" are sp_reg == UNDEFINED
 *     with end clear / set;
 *   - 6.3+ (the vmlinux has .orc_header): sp_reg:4 bp_reg:4 type:3 signal:1,
 *     types UNDEFINED=0 END_OF_STACK=1 CALL=2 REGS=3 REGS_PARTIAL=4.
 * Lookups take runtime addresses (the KASLR offset is applied inside).
 */
#ifndef KDL_ORC_H
#define KDL_ORC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"
#include "core/target/target.h"

struct kdl_debuginfo;
struct kdl_layout;
struct kdl_orc;

/* Base registers (same numbers in both formats). */
enum {
	KDL_ORC_REG_UNDEFINED = 0,
	KDL_ORC_REG_PREV_SP = 1,
	KDL_ORC_REG_DX = 2,
	KDL_ORC_REG_DI = 3,
	KDL_ORC_REG_BP = 4,
	KDL_ORC_REG_SP = 5,
	KDL_ORC_REG_R10 = 6,
	KDL_ORC_REG_R13 = 7,
	KDL_ORC_REG_BP_INDIRECT = 8,
	KDL_ORC_REG_SP_INDIRECT = 9,
};

/* Normalised entry types. */
enum kdl_orc_type {
	KDL_ORC_UNDEFINED = 0,
	KDL_ORC_END_OF_STACK,
	KDL_ORC_CALL,
	KDL_ORC_REGS,
	KDL_ORC_REGS_PARTIAL,
};

struct kdl_orc_entry {
	int16_t sp_offset;
	int16_t bp_offset;
	uint8_t sp_reg;
	uint8_t bp_reg;
	uint8_t type;   /* enum kdl_orc_type */
	bool signal;    /* the frame it leads to is a signal (regs) frame */
};

/* Entry format of the raw 6 bytes. */
enum kdl_orc_format { KDL_ORC_FMT_OLD = 0, KDL_ORC_FMT_NEW };

/* Decode one raw 6-byte entry. */
void kdl_orc_decode(enum kdl_orc_format fmt, const uint8_t raw[6], struct kdl_orc_entry *out);

/* Load vmlinux ORC (core/unwind/orc_load.c). *out is NULL (and no error) when the vmlinux has no ORC
 * tables (a frame-pointer kernel). t may be NULL (then no module lookups);
 * module tables are found with the struct module offsets of L. t, di and L
 * are borrowed and must outlive the tables. */
struct kdl_error *kdl_orc_load(struct kdl_target *t, struct kdl_debuginfo *di,
			       const struct kdl_layout *L, struct kdl_orc **out);

/* The vmlinux tables from the dump's memory (core/unwind/orc_load.c): between
 * the symbols __start_orc_unwind_ip/__stop_orc_unwind_ip and
 * __start_orc_unwind/__stop_orc_unwind (from kallsyms when there is no
 * vmlinux); the format from __start_orc_header, else probed from the entries;
 * the lookup by binary search over the sorted ips (the kernel's orc_lookup
 * is not needed). kdl_orc_load() falls back to it when the vmlinux has no ORC
 * sections. *out NULL (no error) when the symbols are absent. Same borrowing
 * as kdl_orc_load(). */
struct kdl_error *kdl_orc_load_memory(struct kdl_target *t, struct kdl_debuginfo *di,
				      const struct kdl_layout *L, struct kdl_orc **out);

/* The format of n raw entries, by the type bits of their defined entries:
 * CALL, by far the most common, is 0 in the old and 2 in the new format. */
enum kdl_orc_format kdl_orc_probe_format(const uint8_t *raw, size_t n);

/* Entry i of the vmlinux table in lookup order (runtime ip); false past the
 * end. For tests comparing tables. */
bool kdl_orc_entry_at(const struct kdl_orc *orc, size_t i, uint64_t *ip,
		      struct kdl_orc_entry *out);

/* Build tables from raw data (for tests): ips are link-time absolute
 * addresses (unsorted is fine), raw holds n 6-byte entries; kaslr is added
 * to ips at lookup. */
struct kdl_error *kdl_orc_create_raw(enum kdl_orc_format fmt, const uint64_t *ips,
				     const uint8_t *raw, size_t n, uint64_t kaslr,
				     struct kdl_orc **out);

void kdl_orc_destroy(struct kdl_orc *orc);

/* Text ranges covered by the vmlinux table (runtime; an empty range is
 * ignored). By default the table covers [first ip, last ip]. */
void kdl_orc_set_text(struct kdl_orc *orc, uint64_t lo, uint64_t hi, uint64_t init_lo,
		      uint64_t init_hi);

/* Module tables: `scan` is called once, on the first lookup outside the
 * vmlinux text, and registers modules with kdl_orc_add_module(); their tables
 * are read from t (borrowed) on first use. */
typedef void (*kdl_orc_scan_fn)(void *arg, struct kdl_orc *orc);
void kdl_orc_set_modules(struct kdl_orc *orc, struct kdl_target *t, kdl_orc_scan_fn scan,
			 void *arg);
bool kdl_orc_add_module(struct kdl_orc *orc, uint64_t text_lo, uint64_t text_hi,
			uint64_t ip_ptr, uint64_t ent_ptr, uint32_t num);
struct kdl_target *kdl_orc_target(const struct kdl_orc *orc);

/* Find the entry covering runtime address ip (vmlinux, then modules).
 * Returns false when no table covers ip. */
bool kdl_orc_find(struct kdl_orc *orc, uint64_t ip, struct kdl_orc_entry *out);

enum kdl_orc_format kdl_orc_format(const struct kdl_orc *orc);
size_t kdl_orc_count(const struct kdl_orc *orc);

#endif
