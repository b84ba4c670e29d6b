/* core/debuginfo/layout_synth.c - hand-made lock layouts of several kernel
 * generations, for the synthetic tests (kdl_layout_locks_synthetic()). */
#include <string.h>

#include "core/debuginfo/layout.h"

#define F(o, s) ((struct kdl_field){ (o), (s), true })

/* Hand tables. The 6.1 one is the sample kernels' layout (checked against
 * DWARF by tests/unit_locks_layout); the others follow the kernel sources of
 * those versions (x86_64, SMP, no debug options) for the lock structures,
 * struct page's slab_cache, PG_slab and task_struct state/stack; the task_struct
 * fields further down keep the 6.1 offsets, which the synthetic tests only
 * need to be self-consistent. */
void kdl_layout_locks_synthetic(enum kdl_kgen gen, struct kdl_layout_locks *out)
{
	struct kdl_layout_locks L;

	memset(&L, 0, sizeof(L));
	L.resolved = true;
	/* common to every generation */
	L.mutex_waiter.list = F(0, 16);
	L.mutex_waiter.task = F(16, 8);
	L.rwsem_waiter.list = F(0, 16);
	L.rwsem_waiter.task = F(16, 8);
	L.rwsem_waiter.type = F(24, 4);
	L.semaphore.count = F(4, 4);
	L.semaphore.wait_list = F(8, 16);
	L.semaphore_waiter.list = F(0, 16);
	L.semaphore_waiter.task = F(16, 8);
	L.wq_head.head = F(8, 16);
	L.wq_entry.private_ = F(8, 8);
	L.wq_entry.func = F(16, 8);
	L.wq_entry.entry = F(24, 16);
	L.work.data = F(0, 8);
	L.work.entry = F(8, 16);
	L.work.func = F(24, 8);
	L.wq_barrier.work = F(0, 32);
	L.wq_barrier.done = F(32, 32);
	L.wq_barrier.task = F(64, 8);
	L.worker.current_work = F(16, 8);
	L.worker.current_func = F(24, 8);
	L.worker.scheduled = F(48, 16);
	L.worker.task = F(64, 8);
	L.kthread.data = F(24, 8);
	L.raw_spinlock.raw_lock = F(0, 4);
	L.rwlock.raw_lock = F(0, 8);
	L.qrwlock.cnts = F(0, 4);
	L.qrwlock.wait_lock = F(4, 4);
	L.task.state = F(24, 4);
	L.task.stack = F(32, 8);
	L.task.flags = F(44, 4);
	L.task.mm = F(1056, 8);
	L.task.exit_state = F(1092, 4);
	L.task.pid = F(1200, 4);
	L.task.worker_private = F(1424, 8);
	L.task.comm = F(1552, 16);
	L.task.pi_blocked_on = F(1800, 8);
	L.mm.mmap_lock = F(88, 40);
	L.rwsem.size = 40;
	L.mutex.size = 32;
	L.page.size = 64;
	L.page.flags = F(0, 8);
	L.page.compound_head = F(8, 8);
	L.kmem_cache.size = F(24, 4);
	L.kmem_cache.object_size = F(28, 4);
	L.kmem_cache.name = F(96, 8);
	L.kmem_cache.red_left_pad = F(88, 4);
	L.page_offset_base = 0xffff888000000000ULL;
	L.vmemmap_base = 0xffffea0000000000ULL;
	L.pg_slab_bit = 9;
	L.ld_wait_spin = L.ld_wait_config = L.ld_wait_sleep = -1;

	switch (gen) {
	case KDL_KGEN_3_10:
		L.mutex_owner_atomic = false;
		L.mutex.count = F(0, 4);
		L.mutex.wait_list = F(8, 16);
		L.mutex.owner = F(24, 8);
		L.mutex.size = 40;
		L.rwsem_style = KDL_RWSEM_XADD;
		L.rwsem.count = F(0, 8);
		L.rwsem.wait_list = F(16, 16);
		L.rwsem.size = 32; /* no owner field before 3.16 */
		L.rt_mutex.owner = F(24, 8);
		L.rt_mutex_waiter.task = F(80, 8);
		L.rt_mutex_waiter.lock = F(88, 8);
		L.completion.done = F(0, 4);
		L.completion.wait = F(8, 24);
		L.completion_swait = false;
		L.task.state = F(0, 8); /* volatile long state */
		L.task.stack = F(8, 8);
		L.task.worker_private = (struct kdl_field){ 0, 0, false };
		L.slab.slab_cache = (struct kdl_field){ 0, 0, false };
		L.page.slab_cache = F(48, 8);
		L.page.compound_head = (struct kdl_field){ 0, 0, false };
		L.pg_slab_bit = 7;
		break;
	case KDL_KGEN_4_19:
		L.mutex_owner_atomic = true;
		L.mutex.owner = F(0, 8);
		L.mutex.wait_list = F(16, 16);
		L.rwsem_style = KDL_RWSEM_XADD;
		L.rwsem.count = F(0, 8);
		L.rwsem.wait_list = F(8, 16);
		L.rwsem.owner = F(32, 8);
		L.rt_mutex.waiters = F(8, 16);
		L.rt_mutex.owner = F(24, 8);
		L.rt_mutex_waiter.task = F(48, 8);
		L.rt_mutex_waiter.lock = F(56, 8);
		L.completion.done = F(0, 4);
		L.completion.wait = F(8, 24);
		L.completion_swait = false;
		/* thread_info (16 bytes) comes first since 4.9 */
		L.task.state = F(16, 8);
		L.task.stack = F(24, 8);
		L.page.slab_cache = F(24, 8);
		/* PG_locked, PG_error, PG_referenced, PG_uptodate, PG_dirty,
		 * PG_lru, PG_active, PG_waiters, PG_slab (PG_workingset came in 4.20) */
		L.pg_slab_bit = 8;
		break;
	case KDL_KGEN_5_10:
	case KDL_KGEN_6_1:
	case KDL_KGEN_6_16:
	case KDL_KGEN_6_12_RT:
		L.mutex_owner_atomic = true;
		L.mutex.owner = F(0, 8);
		L.mutex.wait_list = F(16, 16);
		L.rwsem_style = KDL_RWSEM_ATOMIC;
		L.rwsem.count = F(0, 8);
		L.rwsem.owner = F(8, 8);
		L.rwsem.wait_list = F(24, 16);
		L.rt_mutex.waiters = F(8, 16);
		L.rt_mutex.owner = F(24, 8);
		L.rt_mutex_waiter.task = F(80, 8);
		L.rt_mutex_waiter.lock = F(88, 8);
		L.completion.done = F(0, 4);
		L.completion.wait = F(8, 24);
		L.completion_swait = true;
		L.swait_head.task_list = F(8, 16);
		L.swait.task = F(0, 8);
		L.swait.task_list = F(8, 16);
		L.percpu_rwsem.writer = F(56, 8);
		L.percpu_rwsem.waiters = F(64, 24);
		L.percpu_rwsem.block = F(88, 4);
		L.rcuwait.task = F(0, 8);
		if (gen == KDL_KGEN_5_10) {
			L.task.state = F(16, 8);
			L.task.stack = F(24, 8);
			L.rt_mutex_waiter.task = F(48, 8);
			L.rt_mutex_waiter.lock = F(56, 8);
			L.page.slab_cache = F(24, 8);
			L.pg_slab_bit = 9;
		} else {
			L.slab.slab_cache = F(24, 8);
		}
		if (gen == KDL_KGEN_6_12_RT) {
			/* struct mutex { struct rt_mutex_base rtmutex; ... };
			 * struct rw_semaphore { struct rwbase_rt rwbase; ... };
			 * struct rwbase_rt { atomic_t readers; struct rt_mutex_base rtmutex; } */
			L.preempt_rt = true;
			L.mutex.rtmutex = F(0, 32);
			L.mutex.owner = (struct kdl_field){ 0, 0, false };
			L.mutex.wait_list = (struct kdl_field){ 0, 0, false };
			L.rwsem_style = KDL_RWSEM_RT;
			L.rwsem.rwbase = F(0, 40);
			L.rwsem.count = (struct kdl_field){ 0, 0, false };
			L.rwsem.owner = (struct kdl_field){ 0, 0, false };
			L.rwsem.wait_list = (struct kdl_field){ 0, 0, false };
			L.rwbase_rt.readers = F(0, 4);
			L.rwbase_rt.rtmutex = F(8, 32);
			L.slab.slab_cache = F(8, 8);
		}
		if (gen == KDL_KGEN_6_16) {
			L.task.blocker = F(2400, 8);
			L.pg_slab_bit = -1; /* slab is a page type now */
		}
		break;
	}
	*out = L;
}
