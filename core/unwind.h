/* core/unwind.h - kernel stack unwinding for x86_64.
 *
 * ORC first (tables from vmlinux, relocated by the KASLR offset), frame pointers
 * as the fallback, and a stack scan (frames marked unreliable) as last resort.
 * Crosses IRQ, softirq, NMI and exception stacks through pt_regs, marking each
 * context change, and stops cleanly at user-mode entry.
 *
 * The unwinder knows nothing about tasks: the caller supplies memory reads (a
 * kdl_target), symbols (for frame names and for validating return addresses) and
 * a stack classifier that says which stack an address lies on.
 */
#ifndef KDL_UNWIND_H
#define KDL_UNWIND_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "model.h"
#include "target.h"

struct kdl_debuginfo;
struct kdl_unwinder;

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

/* Create an unwinder for a vmlinux (ORC tables are read from debuginfo's ELF
 * file; KASLR offset from debuginfo). The unwinder borrows t and di, which must
 * outlive it. */
struct kdl_error *kdl_unwinder_create(struct kdl_target *t, struct kdl_debuginfo *di,
				      kdl_stack_classify_fn classify, void *classify_arg,
				      struct kdl_unwinder **out);
void kdl_unwinder_destroy(struct kdl_unwinder *u);

/* Unwind a sleeping task whose saved stack pointer is task->thread.sp (it points
 * at struct inactive_task_frame). Appends at most max frames to *frames (the
 * caller frees with free()). *quality says whether the trace is complete. */
struct kdl_error *kdl_unwind_sleeping(struct kdl_unwinder *u, int cpu, uint64_t thread_sp,
				      struct kdl_frame **frames, size_t *nframes,
				      enum kdl_quality *quality);

/* Unwind from a full register set (a CPU's registers from the dump notes). */
struct kdl_error *kdl_unwind_regs(struct kdl_unwinder *u, int cpu, const struct kdl_regs *regs,
				  struct kdl_frame **frames, size_t *nframes,
				  enum kdl_quality *quality);

#endif
