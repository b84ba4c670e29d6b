/* core/unwind/unwind_di.c - create an unwinder from a vmlinux's debuginfo and the
 * layout table: ORC tables, struct inactive_task_frame layout, ret_from_fork,
 * .text bytes. */
#include "core/debuginfo/debuginfo.h"
#include "core/unwind/orc.h"
#include "core/unwind/unwind.h"
#include "core/unwind/unwind_priv.h"

static bool di_symbol_at(void *arg, uint64_t addr, struct kdl_symbol *out)
{
	return kdl_debuginfo_symbol_at(arg, addr, out);
}

struct kdl_error *kdl_unwinder_create(struct kdl_target *t, struct kdl_debuginfo *di,
				      const struct kdl_layout *L, kdl_stack_classify_fn classify_fn,
				      void *classify_arg, struct kdl_unwinder **out)
{
	struct kdl_orc *orc = NULL;
	struct kdl_error *err;

	if (!di || !L)
		return kdl_error_create(KDL_ERR_INTERNAL, "unwinder: no debuginfo");
	err = kdl_orc_load(t, di, L, &orc);
	if (err)
		return kdl_error_wrap(err, "unwinder");
	return kdl_unwinder_create_orc(t, di, L, orc, classify_fn, classify_arg, out);
}

struct kdl_error *kdl_unwinder_create_orc(struct kdl_target *t, struct kdl_debuginfo *di,
					  const struct kdl_layout *L, struct kdl_orc *orc,
					  kdl_stack_classify_fn classify_fn, void *classify_arg,
					  struct kdl_unwinder **out)
{
	struct kdl_unwind_parts parts = {
		.symbol_at = di_symbol_at,
		.symbol_arg = di,
		.orc = orc,
		/* x86_64 layout since 4.9: r15 r14 r13 r12 bx bp ret_addr */
		.itf_bp = 40, .itf_ret = 48, .itf_size = 56,
	};
	const void *text;
	size_t text_size;
	uint64_t text_addr;

	if (!di || !L) {
		kdl_orc_destroy(orc);
		return kdl_error_create(KDL_ERR_INTERNAL, "unwinder: no debuginfo");
	}
	{
		/* Missing DWARF only means "use the default layout". */
		uint64_t a = L->unwind.itf_bp.off, b = L->unwind.itf_ret.off;

		if (L->unwind.itf_bp.ok && L->unwind.itf_ret.ok && L->unwind.itf_size &&
		    b == a + 8 && L->unwind.itf_size >= b + 8) {
			parts.itf_bp = a;
			parts.itf_ret = b;
			parts.itf_size = L->unwind.itf_size;
		}
	}
	if (!kdl_debuginfo_symbol_addr(di, "ret_from_fork_asm", &parts.ret_from_fork))
		(void)kdl_debuginfo_symbol_addr(di, "ret_from_fork", &parts.ret_from_fork);
	parts.pt_regs_size = L->unwind.pt_regs_size; /* 0 when absent: the default */
	if (kdl_debuginfo_section(di, ".text", &text, &text_size, &text_addr)) {
		parts.text = text;
		parts.text_size = text_size;
		parts.text_addr = text_addr + kdl_debuginfo_kaslr(di);
	}
	return kdl_unwinder_create_parts(t, &parts, classify_fn, classify_arg, out);
}
