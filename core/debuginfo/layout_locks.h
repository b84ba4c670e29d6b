/* core/debuginfo/layout_locks.h - every kernel structure offset the lock analysis uses.
 *
 * Resolved once from DWARF by kdl_layout_locks_resolve(); each field says
 * whether the running kernel has it (`ok`), so decoders handle version
 * differences by testing presence, never by comparing version numbers.
 * Tests fill the same table by hand to emulate older or newer kernels over a
 * synthetic target (see kdl_layout_locks_synthetic()).
 *
 * The table is plain data owned by whoever declared it; nothing in it is
 * allocated.
 */
#ifndef KDL_LAYOUT_LOCKS_H
#define KDL_LAYOUT_LOCKS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/base/error.h"

struct kdl_debuginfo;

/* One member: byte offset inside its struct, size in bytes, present or not. */
struct kdl_lfield {
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

struct kdl_layout_locks {
	bool resolved;
	bool preempt_rt;          /* struct mutex is rt_mutex based */
	enum kdl_rwsem_style rwsem_style;
	bool mutex_owner_atomic;  /* 4.10+: owner word with flag bits; before
	                             that: count (1 free, <=0 held) + task ptr */
	bool completion_swait;    /* 5.7+: completion.wait is a swait_queue_head */

	struct { struct kdl_lfield owner, count, wait_list, dep_map, rtmutex, magic; uint32_t size; } mutex;
	struct { struct kdl_lfield list, task; } mutex_waiter;
	struct { struct kdl_lfield count, owner, wait_list, dep_map, rwbase; uint32_t size; } rwsem;
	struct { struct kdl_lfield readers, rtmutex; } rwbase_rt;
	struct { struct kdl_lfield list, task, type; } rwsem_waiter;
	struct { struct kdl_lfield count, wait_list; } semaphore;
	struct { struct kdl_lfield list, task; } semaphore_waiter;
	/* rt_mutex_base (5.15+) or rt_mutex (older) */
	struct { struct kdl_lfield owner, waiters; } rt_mutex;
	struct { struct kdl_lfield task, lock; } rt_mutex_waiter;
	struct { struct kdl_lfield done, wait; } completion;
	struct { struct kdl_lfield task_list; } swait_head;
	struct { struct kdl_lfield task, task_list; } swait;
	struct { struct kdl_lfield head; } wq_head;
	struct { struct kdl_lfield private_, func, entry; } wq_entry;
	struct { struct kdl_lfield data, entry, func; } work;
	struct { struct kdl_lfield work, done, task; } wq_barrier;
	struct { struct kdl_lfield current_work, current_func, scheduled, task; } worker;
	struct { struct kdl_lfield data; } kthread;
	struct { struct kdl_lfield waiters, writer, block; } percpu_rwsem;
	struct { struct kdl_lfield task; } rcuwait;
	/* raw_spinlock_t: arch lock at raw_lock; owner/owner_cpu/magic with
	 * DEBUG_SPINLOCK; dep_map with lockdep */
	struct { struct kdl_lfield raw_lock, magic, owner, owner_cpu, dep_map; } raw_spinlock;
	struct { struct kdl_lfield raw_lock, magic, owner, owner_cpu, dep_map; } rwlock;
	struct { struct kdl_lfield cnts, wait_lock; } qrwlock;
	struct {
		struct kdl_lfield state;   /* `state` (long, < 5.14) or `__state` (u32) */
		struct kdl_lfield pi_blocked_on, blocked_on, blocker, blocker_mutex;
		struct kdl_lfield held_locks, lockdep_depth;
		struct kdl_lfield mm, stack, worker_private, flags, exit_state, pid, comm;
	} task;
	struct { struct kdl_lfield instance, class_idx; uint32_t size; } held_lock;
	struct { struct kdl_lfield name, wait_type_inner; } lockdep_map;
	int64_t ld_wait_spin, ld_wait_config, ld_wait_sleep; /* enum lockdep_wait_type, -1 */
	struct { struct kdl_lfield mmap_lock; } mm;  /* mmap_lock, or mmap_sem < 5.8 */
	struct { struct kdl_lfield s_umount, s_type, s_id; } sb;
	struct { struct kdl_lfield name; } fstype;
	/* slab lookup */
	struct { struct kdl_lfield flags, compound_head, slab_cache; uint32_t size; } page;
	struct { struct kdl_lfield slab_cache; } slab;    /* struct slab, 5.17+ */
	struct { struct kdl_lfield name, size, object_size, red_left_pad; } kmem_cache;

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

/* Resolve the table from DWARF. Missing members are marked absent; only a
 * kernel without struct mutex at all is an error (KDL_ERR_VMLINUX). Global
 * values that live in memory (page_offset_base, vmemmap_base) are read through
 * `t` when given (may be NULL). */
struct kdl_target;
struct kdl_error *kdl_layout_locks_resolve(struct kdl_debuginfo *di, struct kdl_target *t,
					   struct kdl_layout_locks *out);

/* Kernel generations the unit tests emulate by hand. */
enum kdl_kgen {
	KDL_KGEN_3_10 = 0, /* mutex count + owner ptr, xadd rwsem, wait_queue completion */
	KDL_KGEN_4_19,     /* atomic mutex owner, xadd rwsem, wq completion */
	KDL_KGEN_5_10,     /* atomic rwsem owner + new count, swait completion */
	KDL_KGEN_6_1,      /* as built for the 6.1 samples (no debug options) */
	KDL_KGEN_6_16,     /* task->blocker (hung-task blocker tracking) */
	KDL_KGEN_6_12_RT,  /* PREEMPT_RT: rt_mutex based mutex/rwsem/spinlock_t */
};
/* Fill a hand-made layout for a generation (x86_64, no debug options). */
void kdl_layout_locks_synthetic(enum kdl_kgen gen, struct kdl_layout_locks *out);

#endif
