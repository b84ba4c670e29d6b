/* core/debuginfo/layout.h - the ONE layout table: every kernel structure offset
 * that the decoders read (tasks, CPUs, run queues, stacks, printk ring buffer,
 * modules, the unwinder's frames and the lock primitives), resolved once from
 * DWARF by kdl_layout_resolve().
 *
 * Each field says whether the running kernel has it (`ok`), so code handles
 * version differences by testing presence (e.g. task.state vs task.__state,
 * signal->thread_head vs task->thread_group, module mem[] vs core_layout),
 * never by comparing version numbers. The lock part is a named sub-struct
 * (struct kdl_layout_locks, member `lk`) so that the lock decoders keep a
 * pointer to just their part; tests fill it by hand to emulate older or
 * newer kernels over a synthetic target (kdl_layout_locks_synthetic(), in
 * layout_synth.c), and fill the rest of the table by hand too.
 *
 * Ownership: plain data owned by whoever declared it; nothing in it is
 * allocated.
 */
#ifndef KDL_LAYOUT_H
#define KDL_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/base/error.h"

struct kdl_debuginfo;
struct kdl_target;

/* One member: byte offset inside its struct, size in bytes, present or not.
 * A bit-field's is its storage unit (debuginfo.h): the decoder knows where
 * its bits lie in it. */
struct kdl_field {
	uint32_t off;
	uint32_t size;
	bool ok;
};

/* How an rw_semaphore records its holders. */
enum kdl_rwsem_style {
	/* before 5.3: count is the xadd "active/waiting bias" word; owner is a
	 * task pointer, bit 0 meaning reader-owned (exactly 1 before 4.20,
	 * last reader | 1 after) */
	KDL_RWSEM_XADD = 0,
	/* 5.3+: count bit 0 = writer locked, readers << 8; owner is an
	 * atomic_long_t: writer task, or last reader | READER_OWNED(bit 0) */
	KDL_RWSEM_ATOMIC,
	/* PREEMPT_RT: rw_semaphore is an rwbase_rt (reader count + rt_mutex) */
	KDL_RWSEM_RT,
};

/* What the lock analysis (core/locks) reads. */
struct kdl_layout_locks {
	bool resolved;            /* false: the kernel has no struct mutex */
	bool preempt_rt;          /* struct mutex is rt_mutex based */
	enum kdl_rwsem_style rwsem_style;
	bool mutex_owner_atomic;  /* 4.10+: owner word with flag bits; before
	                             that: count (1 free, <=0 held) + task ptr */
	bool completion_swait;    /* 5.7+: completion.wait is a swait_queue_head */

	struct { struct kdl_field owner, count, wait_list, dep_map, rtmutex, magic; uint32_t size; } mutex;
	struct { struct kdl_field list, task; } mutex_waiter;
	struct { struct kdl_field count, owner, wait_list, dep_map, rwbase; uint32_t size; } rwsem;
	struct { struct kdl_field readers, rtmutex; } rwbase_rt;
	struct { struct kdl_field list, task, type; } rwsem_waiter;
	struct { struct kdl_field count, wait_list; } semaphore;
	struct { struct kdl_field list, task; } semaphore_waiter;
	/* rt_mutex_base (5.15+) or rt_mutex (older) */
	struct { struct kdl_field owner, waiters; } rt_mutex;
	struct { struct kdl_field task, lock; } rt_mutex_waiter;
	struct { struct kdl_field done, wait; } completion;
	struct { struct kdl_field task_list; } swait_head;
	struct { struct kdl_field task, task_list; } swait;
	struct { struct kdl_field head; } wq_head;
	struct { struct kdl_field private_, func, entry; } wq_entry;
	struct { struct kdl_field data, entry, func; } work;
	struct { struct kdl_field work, done, task; } wq_barrier;
	struct { struct kdl_field current_work, current_func, scheduled, task; } worker;
	struct { struct kdl_field data; } kthread;
	struct { struct kdl_field waiters, writer, block; } percpu_rwsem;
	struct { struct kdl_field task; } rcuwait;
	/* raw_spinlock_t: arch lock at raw_lock; owner/owner_cpu/magic with
	 * DEBUG_SPINLOCK; dep_map with lockdep */
	struct { struct kdl_field raw_lock, magic, owner, owner_cpu, dep_map; } raw_spinlock;
	struct { struct kdl_field raw_lock, magic, owner, owner_cpu, dep_map; } rwlock;
	struct { struct kdl_field cnts, wait_lock; } qrwlock;
	struct {
		struct kdl_field state;   /* `state` (long, < 5.14) or `__state` (u32) */
		struct kdl_field pi_blocked_on, blocked_on, blocker, blocker_mutex;
		struct kdl_field held_locks, lockdep_depth;
		struct kdl_field mm, stack, worker_private, flags, exit_state, pid, comm;
	} task;
	struct { struct kdl_field instance, class_idx; uint32_t size; } held_lock;
	struct { struct kdl_field name, wait_type_inner; } lockdep_map;
	int64_t ld_wait_spin, ld_wait_config, ld_wait_sleep; /* enum lockdep_wait_type, -1 */
	struct { struct kdl_field mmap_lock; } mm;  /* mmap_lock, or mmap_sem < 5.8 */
	struct { struct kdl_field s_umount, s_type, s_id; } sb;
	struct { struct kdl_field name; } fstype;
	/* Locks that people know by their struct, found inside objects of the
	 * generic kmalloc caches (core/locks/names.c): the struct, its size (0
	 * when the kernel has no such struct) and the lock member's field. */
#define KDL_LAYOUT_KNOWN_LOCKS 5
	struct kdl_known_lock {
		const char *type;   /* "struct super_block" (static string) */
		const char *member; /* "s_umount" (static string) */
		uint32_t size;
		struct kdl_field lock;
	} known[KDL_LAYOUT_KNOWN_LOCKS];
	/* slab lookup */
	struct { struct kdl_field flags, compound_head, slab_cache; uint32_t size; } page;
	struct { struct kdl_field slab_cache; } slab;    /* struct slab, 5.17+ */
	struct { struct kdl_field name, size, object_size, red_left_pad; } kmem_cache;

	/* globals (runtime addresses, 0 when absent) */
	uint64_t debug_locks_addr;
	uint64_t per_cpu_offset_addr; /* __per_cpu_offset[] */
	uint64_t per_cpu_start, per_cpu_end;
	uint64_t page_offset_base;    /* value, not address */
	uint64_t vmemmap_base;        /* value */
	/* SPARSEMEM: &mem_section; an array of roots (pointer, EXTREME) or the
	 * static two-level array; a section's section_mem_map encodes its
	 * page array (vmemmap or not). 0 when absent: vmemmap_base is used. */
	uint64_t mem_section_addr;
	bool mem_section_extreme;
	uint32_t mem_section_size;    /* sizeof(struct mem_section) */
	int64_t pg_slab_bit;          /* PG_slab bit in page->flags, -1 none */
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

	/* struct uts_namespace: name.sysname, name.release, ... */
	struct { struct kdl_field sysname, nodename, release, version, machine, domainname; } uts;

	/* struct module: the module list walk, module kallsyms, sysfs section
	 * addresses (module DWARF) and the modules' ORC tables */
	struct {
		struct kdl_field list, name, kallsyms, sect_attrs;
		struct kdl_field orc_unwind_ip, orc_unwind, num_orcs; /* arch.* (ORC kernels) */
		struct kdl_field mem;                          /* 6.4+: mem[MOD_TEXT] */
		struct kdl_field mem_text_base, mem_text_size; /* mem[0].base, mem[0].size */
		struct kdl_field core_base, core_text_size;    /* core_layout.base, .text_size */
	} module;
	struct { struct kdl_field symtab, num_symtab, strtab, typetab; } mod_kallsyms;
	struct { struct kdl_field nsections, attrs; } sect_attrs; /* module_sect_attrs */
	/* struct module_sect_attr; name is battr.attr.name; size 0 when absent */
	struct { struct kdl_field address, name; uint32_t size; } sect_attr;

	/* what the unwinder reads: struct inactive_task_frame (bp, ret_addr and
	 * its size, 0 when absent) and sizeof(struct pt_regs) (0 when absent:
	 * the unwinder's default) */
	struct {
		struct kdl_field itf_bp, itf_ret;
		uint32_t itf_size;
		uint32_t pt_regs_size;
	} unwind;

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
	uint64_t modules;            /* &modules, the head of the module list */

	/* the lock primitives (core/locks reads only this part) */
	struct kdl_layout_locks lk;
};

/* Resolve the whole table from DWARF (symbols must already carry the KASLR
 * offset). Missing members are marked absent; a vmlinux without struct
 * task_struct or init_task is KDL_ERR_VMLINUX. A kernel without struct mutex
 * leaves lk.resolved false (the lock analysis reports it). Global values that
 * live in memory (page_offset_base, vmemmap_base) are read through `t` when
 * given (may be NULL: then their constants without KASLR). */
struct kdl_error *kdl_layout_resolve(struct kdl_debuginfo *di, struct kdl_target *t,
				     struct kdl_layout *out);

/* Kernel generations the unit tests emulate by hand. */
enum kdl_kgen {
	KDL_KGEN_3_10 = 0, /* mutex count + owner ptr, xadd rwsem, wait_queue completion */
	KDL_KGEN_4_19,     /* atomic mutex owner, xadd rwsem, wq completion */
	KDL_KGEN_5_10,     /* atomic rwsem owner + new count, swait completion */
	KDL_KGEN_6_1,      /* as built for the 6.1 samples (no debug options) */
	KDL_KGEN_6_16,     /* task->blocker (hung-task blocker tracking) */
	KDL_KGEN_6_12_RT,  /* PREEMPT_RT: rt_mutex based mutex/rwsem/spinlock_t */
};
/* Fill a hand-made lock layout for a generation (x86_64, no debug options;
 * core/debuginfo/layout_synth.c). */
void kdl_layout_locks_synthetic(enum kdl_kgen gen, struct kdl_layout_locks *out);

#endif
