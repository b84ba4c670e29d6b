/* core/kernel/kernel.h - a typed view of the kernel in a dump: every thread of every
 * process, their states as crash prints them, the per-CPU current tasks and
 * stacks, module symbols and the kernel log.
 *
 * Everything is read through a kdl_target with offsets from a kdl_layout, so
 * the same code runs over a real dump and over a synthetic image. Every walk
 * over dump memory is bounded and loop-checked; strings are sanitised
 * (core/base/str.h). Rooms: kernel.c (create/destroy), cpus.c (per-CPU data,
 * stacks, the stack classifier), tasks.c (task lists and states), modules.c
 * (module symbols and DWARF), log.c (printk ring buffer, uts, crash time);
 * what they share is in kernel_priv.h.
 *
 * Ownership: the kernel borrows the target, debuginfo and layout (they must
 * outlive it). Arrays it returns are owned by the caller (free()).
 */
#ifndef KDL_KERNEL_H
#define KDL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"
#include "core/debuginfo/layout.h"
#include "core/base/model.h"
#include "core/target/target.h"
#include "core/base/regs.h"

struct kdl_debuginfo;
struct kdl_kernel;

/* Task state bits (x86_64, 4.14+; __state/state) and exit_state bits. */
enum {
	KDL_TASK_RUNNING = 0x0,
	KDL_TASK_INTERRUPTIBLE = 0x1,
	KDL_TASK_UNINTERRUPTIBLE = 0x2,
	KDL_TASK_STOPPED = 0x4,
	KDL_TASK_TRACED = 0x8,
	KDL_EXIT_DEAD = 0x10,
	KDL_EXIT_ZOMBIE = 0x20,
	KDL_TASK_PARKED = 0x40,
	KDL_TASK_DEAD = 0x80,
	KDL_TASK_WAKEKILL = 0x100,
	KDL_TASK_WAKING = 0x200,
	KDL_TASK_NOLOAD = 0x400,
	KDL_TASK_NEW = 0x800,
	KDL_TASK_RTLOCK_WAIT = 0x1000,
	KDL_TASK_IDLE = KDL_TASK_UNINTERRUPTIBLE | KDL_TASK_NOLOAD,
	KDL_PF_IDLE = 0x2,
	KDL_PF_KTHREAD = 0x00200000,
};

/* crash's two-letter state ("RU", "IN", "UN", "ID", "ZO", "DE", "ST", "TR",
 * "WA", "PA", "NE", or "??") into out[3]; *rtlock says TASK_RTLOCK_WAIT (shown
 * as "UN"). */
void kdl_task_state_letters(uint32_t state, uint32_t exit_state, char out[3], bool *rtlock);

/* Create the view. Reads the per-CPU offsets, run queues, current tasks and
 * per-CPU stacks. KDL_ERR_CORRUPT/FAULT only when nothing usable is there. */
struct kdl_error *kdl_kernel_create(struct kdl_target *t, struct kdl_debuginfo *di,
				    const struct kdl_layout *layout, int ncpus,
				    struct kdl_kernel **out);
void kdl_kernel_destroy(struct kdl_kernel *k);

/* Read all tasks (threads) into a new array sorted by pid (idle tasks, pid 0,
 * one per CPU, first). Unreadable tasks are kept with quality set; a corrupt
 * list ends the walk (*partial set). frames/lock fields are left empty
 * (waits_on = -1). */
struct kdl_error *kdl_kernel_read_tasks(struct kdl_kernel *k, struct kdl_task **tasks,
					size_t *ntasks, bool *partial);

int kdl_kernel_ncpus(const struct kdl_kernel *k);
/* Per-CPU area offset of a CPU (0 when unknown). */
uint64_t kdl_kernel_cpu_offset(const struct kdl_kernel *k, int cpu);
/* The task current on a CPU at dump time (task_struct address, 0 unknown). */
uint64_t kdl_kernel_cpu_current(const struct kdl_kernel *k, int cpu);
/* Saved stack pointer of a sleeping task (task->thread.sp); false if unreadable. */
bool kdl_kernel_task_thread_sp(struct kdl_kernel *k, uint64_t task, uint64_t *sp);

/* Tell the view which task stacks exist (from kdl_kernel_read_tasks) so that
 * the stack classifier knows them. The array is copied. */
struct kdl_error *kdl_kernel_set_task_stacks(struct kdl_kernel *k, const struct kdl_task *tasks,
					     size_t ntasks);

/* kdl_stack_classify_fn for the unwinder; arg is the struct kdl_kernel.
 * Task stacks are KDL_CTX_TASK; the per-CPU hardirq stack is KDL_CTX_IRQ (x86_64
 * runs softirqs on it too: the unwinder tells them apart by the frames);
 * the NMI exception stack is KDL_CTX_NMI, the #DF/#DB/#MC stacks
 * KDL_CTX_EXCEPTION. */
bool kdl_kernel_classify_stack(void *arg, int cpu, uint64_t addr, struct kdl_stack_region *out);

/* Add the symbols of loaded modules, read from the dump's own kallsyms, to
 * the debuginfo. Returns the number of modules through *nmodules. */
struct kdl_error *kdl_kernel_load_module_symbols(struct kdl_kernel *k, size_t *nmodules);

/* Load the DWARF of every loaded module found as DIR/<name>.ko, placing its
 * sections where the dump's module->sect_attrs say they were loaded. Modules
 * without a .ko are skipped; *nloaded counts those loaded. */
struct kdl_error *kdl_kernel_load_module_dwarf(struct kdl_kernel *k, const char *dir,
					       size_t *nloaded);

/* The kernel log (printk ring buffer, 5.10+) as text lines
 * "[    1.234567] message\n", sanitised; *text is malloc'd (caller frees). */
struct kdl_error *kdl_kernel_read_log(struct kdl_kernel *k, char **text, size_t *len);

/* A field of init_uts_ns.name ("release", "version", "nodename", "machine")
 * read from the dump's memory, sanitised into buf; false when unreadable. */
bool kdl_kernel_uts(struct kdl_kernel *k, const char *field, char *buf, size_t len);

/* Wall-clock seconds at dump time (timekeeper), -1 when unknown. */
int64_t kdl_kernel_crash_time(struct kdl_kernel *k);

#endif
