/* core/debuginfo/layout.h - every kernel structure offset that core/kernel uses (tasks,
 * CPUs, run queues, stacks, printk ring buffer), resolved once from DWARF.
 *
 * Each field says whether the running kernel has it (`ok`), so code handles
 * version differences by testing presence (e.g. task.state vs task.__state,
 * signal->thread_head vs task->thread_group). Tests fill the same table by hand
 * over a synthetic target. Plain data: nothing in it is allocated, except what
 * the lock analysis hangs on `locks` (theirs to fill and free).
 */
#ifndef KDL_LAYOUT_H
#define KDL_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/base/error.h"

struct kdl_debuginfo;
struct kdl_layout_locks; /* core/debuginfo/layout_locks.h, filled by the lock analysis */

/* One member: byte offset inside its struct, size in bytes, present or not. */
struct kdl_field {
	uint32_t off;
	uint32_t size;
	bool ok;
};

struct kdl_layout {
	struct {
		uint32_t size;
		struct kdl_field state;      /* __state (u32, 5.14+) or state (long) */
		bool state_is_new;           /* __state */
		struct kdl_field exit_state, flags, on_cpu, cpu; /* cpu: thread_info.cpu or cpu */
		struct kdl_field pid, tgid, real_parent, comm, mm, stack;
		struct kdl_field thread_sp;  /* thread.sp */
		struct kdl_field tasks;      /* list_head of all processes (group leaders) */
		struct kdl_field thread_group; /* < 6.7: list of threads of a group */
		struct kdl_field signal, thread_node; /* signal->thread_head / task.thread_node */
		struct kdl_field last_arrival;   /* sched_info.last_arrival (SCHED_INFO) */
		struct kdl_field last_switch_time; /* hung-task detector */
		struct kdl_field se_exec_start;  /* se.exec_start */
	} task;
	struct { struct kdl_field thread_head; } signal;
	struct { struct kdl_field clock, clock_task, curr, idle, cpu; } rq;
	/* cea_exception_stacks: [DF, NMI, DB, MCE] stack offsets and size */
	struct {
		bool ok;
		uint32_t df, nmi, db, mce, stksz;
	} estacks;

	/* printk ring buffer (5.10+): struct printk_ringbuffer and parts */
	struct {
		bool ok;
		struct kdl_field desc_ring, text_data_ring;
		struct kdl_field dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
		struct kdl_field tr_size_bits, tr_data, tr_head_lpos, tr_tail_lpos;
		uint32_t desc_size, info_size;
		struct kdl_field desc_state_var, desc_text_blk_lpos; /* lpos: begin, next */
		struct kdl_field blk_begin, blk_next;
		struct kdl_field info_seq, info_ts_nsec, info_text_len, info_caller_id;
		struct kdl_field blk_id_off; /* prb_data_block.data offset (after id) */
	} prb;

	/* timekeeping for the crash time (tk_core.timekeeper.xtime_sec) */
	struct kdl_field tk_xtime_sec; /* offset from &tk_core */

	uint32_t thread_size;    /* task stack size (union thread_union) */
	uint32_t irq_stack_size; /* hardirq stack size */

	/* globals (runtime addresses, 0 when absent); per-CPU ones are offsets
	 * into each CPU's area (add __per_cpu_offset[cpu]) */
	uint64_t init_task, per_cpu_offset, runqueues, nr_cpu_ids, cpu_online_mask;
	uint64_t pcpu_current_task;  /* current_task or pcpu_hot.current_task */
	uint64_t pcpu_hardirq_stack_ptr;
	uint64_t pcpu_cea_exception_stacks;
	uint64_t pcpu_irq_count;     /* irq_count (or pcpu_hot.irq_count) */
	uint64_t prb_ptr;            /* &prb (holds a pointer to the ring buffer) */
	uint64_t tk_core;
	uint64_t jiffies;

	struct kdl_layout_locks *locks; /* filled and owned by the lock analysis */
};

/* Resolve the table from DWARF (symbols must already carry the KASLR offset).
 * Missing members are marked absent; a vmlinux without struct task_struct or
 * init_task is KDL_ERR_VMLINUX. */
struct kdl_error *kdl_layout_resolve(struct kdl_debuginfo *di, struct kdl_layout *out);

#endif
