/* core/unwind/unwind.h - kernel stack unwinding for x86_64.
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

#include "core/base/error.h"
#include "core/base/model.h"
#include "core/base/regs.h"
#include "core/debuginfo/layout.h"
#include "core/target/target.h"

struct kdl_debuginfo;
struct kdl_unwinder;

/* Frames returned by one unwind, at most. */
#define KDL_UNWIND_MAX_FRAMES 128

/* Create an unwinder for a vmlinux (ORC tables are read from debuginfo's ELF
 * file, relocated by kdl_debuginfo_kaslr(), so set the KASLR offset first; a
 * vmlinux without .orc_unwind is unwound with frame pointers). Module ORC
 * tables are read from the dump on first use (struct module's arch.orc_*).
 * Structure offsets (struct inactive_task_frame, sizeof(struct pt_regs),
 * struct module) come from the layout table L. The unwinder borrows t, di and
 * L, which must outlive it.
 *
 * The classifier must know every stack of the CPU/task being unwound: the
 * task stack (ctx TASK), the CPU's hardirq stack (IRQ; x86_64 runs softirqs on
 * it too, frames at/inside __do_softirq/handle_softirqs are marked SOFTIRQ),
 * and the exception stacks (NMI for the NMI stack, EXCEPTION for #DF/#DB/#MC...).
 * Every stack read of the unwinder must lie on one of them; a stack once left
 * is never re-entered. */
struct kdl_error *kdl_unwinder_create(struct kdl_target *t, struct kdl_debuginfo *di,
				      const struct kdl_layout *L, kdl_stack_classify_fn classify,
				      void *classify_arg, struct kdl_unwinder **out);
void kdl_unwinder_destroy(struct kdl_unwinder *u);

/* Frames: index 0 is the innermost. pc is a return address for call frames
 * (named by pc - 1, so `offset` matches the kernel's "func+0x1a/0x40"); sp is
 * the stack pointer of the frame at pc (for a call frame: just above the slot
 * that held pc), so the locals of frame i's function (e.g. a mutex_waiter in
 * __mutex_lock) lie in [frames[i].sp, frames[i + 1].sp - 8) when both frames
 * are on the same stack. `context` is the context of the stack sp lies on. A frame
 * reached through a user-mode pt_regs ends the trace: context USER, function
 * NULL, pc/sp the user registers. function/module point into the debuginfo
 * (valid while it lives); file is NULL and line 0 (resolved later). Frames of
 * the stack scan have reliable == false.
 *
 * On success *frames is a new array (the caller frees it with free(); it may
 * be non-NULL with *nframes == 0) and *quality says how the walk ended:
 * KDL_Q_OK (end of stack or user mode reached), KDL_Q_PARTIAL (stopped early:
 * unreadable or inconsistent stack, frame limit), KDL_Q_UNRELIABLE (contains
 * guessed frames). Errors (out-parameters untouched): KDL_ERR_NOMEM, or
 * KDL_ERR_FAULT when not even the first frame could be read. */

/* Unwind a sleeping task whose saved stack pointer is task->thread.sp (it points
 * at struct inactive_task_frame); the first frame is its ret_addr (in
 * __schedule). cpu is the task's CPU (for the classifier). */
struct kdl_error *kdl_unwind_sleeping(struct kdl_unwinder *u, int cpu, uint64_t thread_sp,
				      struct kdl_frame **frames, size_t *nframes,
				      enum kdl_quality *quality);

/* Unwind from a full register set (a CPU's registers from the dump notes).
 * The first frame is regs->ip itself (a single USER frame when cs says user
 * mode). */
struct kdl_error *kdl_unwind_regs(struct kdl_unwinder *u, int cpu, const struct kdl_regs *regs,
				  struct kdl_frame **frames, size_t *nframes,
				  enum kdl_quality *quality);

#endif
