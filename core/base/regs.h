/* core/base/regs.h - register sets and stack regions, shared by the stages
 * that produce them (core/target reads a CPU's registers from the dump's
 * notes, core/kernel knows the stacks) and those that consume them
 * (core/unwind, core/locks). Plain data, nothing allocated.
 */
#ifndef KDL_REGS_H
#define KDL_REGS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/base/model.h"

/* x86_64 registers in pt_regs order of use. */
struct kdl_regs {
	uint64_t r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
	uint64_t orig_ax, ip, cs, flags, sp, ss;
};

/* A stack region: [base, base + size), and the context that runs on it. */
struct kdl_stack_region {
	uint64_t base;
	uint64_t size;
	enum kdl_ctx ctx;   /* TASK for a task stack, IRQ for the hardirq stack,
	                       SOFTIRQ for a softirq stack, NMI/EXCEPTION ... */
};

/* Say which stack `addr` lies on; return false when it is on no known stack.
 * Supplied by core/kernel, which knows the task stacks and per-CPU stacks. */
typedef bool (*kdl_stack_classify_fn)(void *arg, int cpu, uint64_t addr,
				      struct kdl_stack_region *out);

#endif
