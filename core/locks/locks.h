/* core/locks/locks.h - lock analysis: what each blocked or spinning context waits on
 * and who holds it. Fills the lock parts of the model (core/base/model.h):
 * locks[], tasks[].waits_on/wait_mode/waits_how/other/holds/involved and
 * cpus[].spinning_on. The wait-for graph, cycles and findings are the next
 * stage (core/graph/graph.h), which core/analysis.c runs over what this one
 * filled; this stage knows nothing of it.
 *
 * Inside: core/locks/locks.c (registry, entry point), core/locks/locks_waits.c (waits-on),
 * core/locks/locks_owners.c (holders and inference), core/locks/names.c (display names),
 * all offsets from the lock part of core/debuginfo/layout.h (struct kdl_layout_locks).
 * KDL_DEBUG_LOCKS=1 in the environment prints what the analysis saw on stderr.
 *
 * HOW core/analysis.c CALLS IT (contract with the core engineer):
 *   After the tasks and CPUs are in the model and the tasks that matter are
 *   unwound, fill a struct kdl_locks_ctx and call kdl_locks_analyse() once:
 *     - model->tasks[]: addr, pid, comm, state/state_raw/rtlock_wait,
 *       exit_state, cpu, on_cpu, stack_base, mm, kthread filled; frames
 *       (frames_done) for every task in state UN / IN / rtlock_wait and every
 *       task current on a CPU (frame.sp must be the stack pointer *in* that
 *       frame, i.e. the lowest address of its locals' area; frame.context set).
 *       Tasks without frames are still analysed through direct fields and lock
 *       wait lists, just with less evidence.
 *     - model->cpus[]: cpu, task, context and frames (from the saved registers)
 *       filled; ctx->cpus[i] (same index as model->cpus) carries the raw
 *       registers so the slowpath's first argument (rdi) can be read.
 *   The lock fields of the model must be empty (waits_on = -1 etc. are set
 *   here, first of all). On error the model may hold a partial lock analysis,
 *   which is still consistent (every index it holds is valid, so the graph
 *   stage may run over it); the caller keeps it and marks the dump partial.
 *   Running out of memory halfway (a lock, or a wait or hold edge, that
 *   could not be recorded) does not stop the analysis: it finishes with what
 *   it could record, then returns KDL_ERR_NOMEM saying how many it dropped.
 *
 * Ownership: kdl_locks_analyse() allocates everything it adds to the model;
 * kdl_model_destroy() frees it (lock names/parts, owners, waiters, holds and
 * other-wait strings are all malloc'd).
 */
#ifndef KDL_LOCKS_H
#define KDL_LOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"
#include "core/debuginfo/layout.h"
#include "core/base/model.h"
#include "core/target/target.h"
#include "core/base/regs.h"

struct kdl_debuginfo;

/* Raw registers of one CPU, as saved in the dump notes. */
struct kdl_locks_cpu_raw {
	bool regs_valid;
	struct kdl_regs regs;
};

struct kdl_locks_ctx {
	struct kdl_target *target;          /* required */
	struct kdl_debuginfo *di;           /* NULL in synthetic tests: names fall
	                                       back to addresses and stacks */
	const struct kdl_layout_locks *layout; /* required: the `lk` part of the
	                                          one layout table */
	uint64_t thread_size;               /* task stack size; 0 means 16 KiB */
	const struct kdl_locks_cpu_raw *cpus; /* indexed like model->cpus; may be NULL */
	size_t ncpus;
};

/* Run the whole lock analysis into m (see above). */
struct kdl_error *kdl_locks_analyse(struct kdl_locks_ctx *ctx, struct kdl_model *m);

/* The function a blocked context's frames show it waiting in (the caller of
 * the lock primitive or sleep), or NULL; f[0] is the innermost frame. The
 * string is the frame's own. Used by the graph stage for its summaries. */
const char *kdl_locks_blocking_fn(const struct kdl_frame *f, size_t n);

/* Read a task's state word as the kernel version stores it (`state` long
 * before 5.14, `__state` u32 after); exposed for the version tests. */
bool kdl_locks_read_task_state(struct kdl_target *t, const struct kdl_layout_locks *L,
			       uint64_t task, uint64_t *state);

#endif
