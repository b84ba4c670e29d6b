/* core/unwind/unwind_priv.h - unwinder internals exposed for unit tests only.
 *
 * kdl_unwinder_create() takes everything from a kdl_debuginfo and the layout
 * table; tests build an
 * unwinder from hand-made parts instead: a symbol lookup callback, hand-made
 * ORC tables (core/unwind/orc.h, or NULL for a frame-pointer kernel) and the layout of
 * struct inactive_task_frame.
 */
#ifndef KDL_UNWIND_PRIV_H
#define KDL_UNWIND_PRIV_H

#include "core/debuginfo/debuginfo.h"
#include "core/unwind/orc.h"
#include "core/unwind/unwind.h"

typedef bool (*kdl_unwind_symbol_fn)(void *arg, uint64_t addr, struct kdl_symbol *out);

struct kdl_unwind_parts {
	kdl_unwind_symbol_fn symbol_at;  /* required */
	void *symbol_arg;
	struct kdl_orc *orc;             /* taken (destroyed with the unwinder); NULL: FP */
	uint64_t itf_bp, itf_ret, itf_size; /* struct inactive_task_frame layout */
	uint64_t ret_from_fork;          /* runtime address of ret_from_fork(_asm), or 0 */
	uint64_t pt_regs_size;           /* sizeof(struct pt_regs); 0: 168 */
	/* vmlinux .text bytes (borrowed) at runtime address text_addr, used to
	 * check call sites when the dump lacks a text page; may be NULL. */
	const uint8_t *text;
	size_t text_size;
	uint64_t text_addr;
};

/* Create an unwinder from parts. On failure parts->orc is still destroyed. */
struct kdl_error *kdl_unwinder_create_parts(struct kdl_target *t,
					    const struct kdl_unwind_parts *parts,
					    kdl_stack_classify_fn classify, void *classify_arg,
					    struct kdl_unwinder **out);

/* kdl_unwinder_create() with the given vmlinux ORC tables (taken, also on
 * failure; NULL: frame pointers), e.g. tables read from the dump's memory
 * (kdl_orc_load_memory()) to compare with the vmlinux file's. */
struct kdl_error *kdl_unwinder_create_orc(struct kdl_target *t, struct kdl_debuginfo *di,
					  const struct kdl_layout *L, struct kdl_orc *orc,
					  kdl_stack_classify_fn classify, void *classify_arg,
					  struct kdl_unwinder **out);

/* Is `ret` a plausible return address: inside a function and right after a
 * call instruction (read from target memory)? Used by the stack scan. */
bool kdl_unwind_is_return_address(struct kdl_unwinder *u, uint64_t ret);

#endif
