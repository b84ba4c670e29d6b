/* core/debuginfo/layout_locks.c - resolve the lock analysis' structure offsets once. */
#include "core/debuginfo/layout_locks.h"

#include <string.h>

#include "core/debuginfo/debuginfo.h"
#include "core/target/target.h"

static void fld(struct kdl_debuginfo *di, const char *type, const char *member,
		struct kdl_lfield *f)
{
	uint64_t off = 0, size = 0;
	struct kdl_error *err;

	memset(f, 0, sizeof(*f));
	err = kdl_debuginfo_member_offset(di, type, member, &off);
	if (err) {
		kdl_error_destroy(err);
		return;
	}
	err = kdl_debuginfo_member_size(di, type, member, &size);
	if (err) {
		kdl_error_destroy(err);
		size = 8;
	}
	f->off = (uint32_t)off;
	f->size = (uint32_t)size;
	f->ok = true;
}

/* First of two spellings that exists (a member renamed across versions). */
static void fld2(struct kdl_debuginfo *di, const char *type, const char *m1, const char *m2,
		 struct kdl_lfield *f)
{
	fld(di, type, m1, f);
	if (!f->ok && m2)
		fld(di, type, m2, f);
}

static uint32_t tsize(struct kdl_debuginfo *di, const char *type)
{
	uint64_t size = 0;
	struct kdl_error *err = kdl_debuginfo_type_size(di, type, &size);

	if (err) {
		kdl_error_destroy(err);
		return 0;
	}
	return (uint32_t)size;
}

static uint64_t sym(struct kdl_debuginfo *di, const char *name)
{
	uint64_t addr = 0;

	if (!kdl_debuginfo_symbol_addr(di, name, &addr))
		return 0;
	return addr;
}

struct kdl_error *kdl_layout_locks_resolve(struct kdl_debuginfo *di, struct kdl_target *t,
					   struct kdl_layout_locks *out)
{
	struct kdl_layout_locks L;
	const char *rtm;
	int64_t v;
	uint64_t a;
	struct kdl_error *err;

	memset(&L, 0, sizeof(L));
	L.mutex.size = tsize(di, "struct mutex");
	if (!L.mutex.size)
		return kdl_error_create(KDL_ERR_VMLINUX, "no struct mutex in the debug info");

	fld(di, "struct mutex", "owner", &L.mutex.owner);
	fld(di, "struct mutex", "count", &L.mutex.count);
	fld(di, "struct mutex", "wait_list", &L.mutex.wait_list);
	fld(di, "struct mutex", "dep_map", &L.mutex.dep_map);
	fld(di, "struct mutex", "rtmutex", &L.mutex.rtmutex);
	fld(di, "struct mutex", "magic", &L.mutex.magic);
	L.preempt_rt = L.mutex.rtmutex.ok;
	L.mutex_owner_atomic = !L.mutex.count.ok;
	fld(di, "struct mutex_waiter", "list", &L.mutex_waiter.list);
	fld(di, "struct mutex_waiter", "task", &L.mutex_waiter.task);

	L.rwsem.size = tsize(di, "struct rw_semaphore");
	fld(di, "struct rw_semaphore", "count", &L.rwsem.count);
	fld(di, "struct rw_semaphore", "owner", &L.rwsem.owner);
	fld(di, "struct rw_semaphore", "wait_list", &L.rwsem.wait_list);
	fld(di, "struct rw_semaphore", "dep_map", &L.rwsem.dep_map);
	fld(di, "struct rw_semaphore", "rwbase", &L.rwsem.rwbase);
	fld(di, "struct rwbase_rt", "readers", &L.rwbase_rt.readers);
	fld(di, "struct rwbase_rt", "rtmutex", &L.rwbase_rt.rtmutex);
	if (L.rwsem.rwbase.ok)
		L.rwsem_style = KDL_RWSEM_RT;
	else if (kdl_debuginfo_has_member(di, "struct rw_semaphore", "owner.counter"))
		L.rwsem_style = KDL_RWSEM_ATOMIC;
	else
		L.rwsem_style = KDL_RWSEM_XADD;
	fld(di, "struct rwsem_waiter", "list", &L.rwsem_waiter.list);
	fld(di, "struct rwsem_waiter", "task", &L.rwsem_waiter.task);
	fld(di, "struct rwsem_waiter", "type", &L.rwsem_waiter.type);

	fld(di, "struct semaphore", "count", &L.semaphore.count);
	fld(di, "struct semaphore", "wait_list", &L.semaphore.wait_list);
	fld(di, "struct semaphore_waiter", "list", &L.semaphore_waiter.list);
	fld(di, "struct semaphore_waiter", "task", &L.semaphore_waiter.task);

	rtm = tsize(di, "struct rt_mutex_base") ? "struct rt_mutex_base" : "struct rt_mutex";
	fld(di, rtm, "owner", &L.rt_mutex.owner);
	fld(di, rtm, "waiters", &L.rt_mutex.waiters);
	fld(di, "struct rt_mutex_waiter", "task", &L.rt_mutex_waiter.task);
	fld(di, "struct rt_mutex_waiter", "lock", &L.rt_mutex_waiter.lock);

	fld(di, "struct completion", "done", &L.completion.done);
	fld(di, "struct completion", "wait", &L.completion.wait);
	L.completion_swait = tsize(di, "struct swait_queue_head") != 0 &&
			     kdl_debuginfo_has_member(di, "struct completion", "wait.task_list");
	fld(di, "struct swait_queue_head", "task_list", &L.swait_head.task_list);
	fld(di, "struct swait_queue", "task", &L.swait.task);
	fld(di, "struct swait_queue", "task_list", &L.swait.task_list);
	fld2(di, "struct wait_queue_head", "head", "task_list", &L.wq_head.head);
	fld(di, "struct wait_queue_entry", "private", &L.wq_entry.private_);
	fld(di, "struct wait_queue_entry", "func", &L.wq_entry.func);
	fld(di, "struct wait_queue_entry", "entry", &L.wq_entry.entry);

	fld(di, "struct work_struct", "data", &L.work.data);
	fld(di, "struct work_struct", "entry", &L.work.entry);
	fld(di, "struct work_struct", "func", &L.work.func);
	fld(di, "struct wq_barrier", "work", &L.wq_barrier.work);
	fld(di, "struct wq_barrier", "done", &L.wq_barrier.done);
	fld(di, "struct wq_barrier", "task", &L.wq_barrier.task);
	fld(di, "struct worker", "current_work", &L.worker.current_work);
	fld(di, "struct worker", "current_func", &L.worker.current_func);
	fld(di, "struct worker", "scheduled", &L.worker.scheduled);
	fld(di, "struct worker", "task", &L.worker.task);
	fld(di, "struct kthread", "data", &L.kthread.data);

	fld(di, "struct percpu_rw_semaphore", "waiters", &L.percpu_rwsem.waiters);
	fld(di, "struct percpu_rw_semaphore", "writer", &L.percpu_rwsem.writer);
	fld(di, "struct percpu_rw_semaphore", "block", &L.percpu_rwsem.block);
	fld(di, "struct rcuwait", "task", &L.rcuwait.task);

	fld(di, "struct raw_spinlock", "raw_lock", &L.raw_spinlock.raw_lock);
	fld(di, "struct raw_spinlock", "magic", &L.raw_spinlock.magic);
	fld(di, "struct raw_spinlock", "owner", &L.raw_spinlock.owner);
	fld(di, "struct raw_spinlock", "owner_cpu", &L.raw_spinlock.owner_cpu);
	fld(di, "struct raw_spinlock", "dep_map", &L.raw_spinlock.dep_map);
	fld(di, "rwlock_t", "raw_lock", &L.rwlock.raw_lock);
	fld(di, "rwlock_t", "magic", &L.rwlock.magic);
	fld(di, "rwlock_t", "owner", &L.rwlock.owner);
	fld(di, "rwlock_t", "owner_cpu", &L.rwlock.owner_cpu);
	fld(di, "rwlock_t", "dep_map", &L.rwlock.dep_map);
	fld(di, "struct qrwlock", "cnts", &L.qrwlock.cnts);
	fld(di, "struct qrwlock", "wait_lock", &L.qrwlock.wait_lock);

	fld2(di, "struct task_struct", "__state", "state", &L.task.state);
	fld(di, "struct task_struct", "pi_blocked_on", &L.task.pi_blocked_on);
	fld(di, "struct task_struct", "blocked_on", &L.task.blocked_on);
	fld(di, "struct task_struct", "blocker", &L.task.blocker);
	fld(di, "struct task_struct", "blocker_mutex", &L.task.blocker_mutex);
	fld(di, "struct task_struct", "held_locks", &L.task.held_locks);
	fld(di, "struct task_struct", "lockdep_depth", &L.task.lockdep_depth);
	fld(di, "struct task_struct", "mm", &L.task.mm);
	fld(di, "struct task_struct", "stack", &L.task.stack);
	fld(di, "struct task_struct", "worker_private", &L.task.worker_private);
	fld(di, "struct task_struct", "flags", &L.task.flags);
	fld(di, "struct task_struct", "exit_state", &L.task.exit_state);
	fld(di, "struct task_struct", "pid", &L.task.pid);
	fld(di, "struct task_struct", "comm", &L.task.comm);
	L.held_lock.size = tsize(di, "struct held_lock");
	fld(di, "struct held_lock", "instance", &L.held_lock.instance);
	fld(di, "struct held_lock", "class_idx", &L.held_lock.class_idx);
	fld(di, "struct lockdep_map", "name", &L.lockdep_map.name);
	fld(di, "struct lockdep_map", "wait_type_inner", &L.lockdep_map.wait_type_inner);
	L.ld_wait_spin = L.ld_wait_config = L.ld_wait_sleep = -1;
	if (!(err = kdl_debuginfo_enum_value(di, "LD_WAIT_SPIN", &v)))
		L.ld_wait_spin = v;
	kdl_error_destroy(err);
	if (!(err = kdl_debuginfo_enum_value(di, "LD_WAIT_CONFIG", &v)))
		L.ld_wait_config = v;
	kdl_error_destroy(err);
	if (!(err = kdl_debuginfo_enum_value(di, "LD_WAIT_SLEEP", &v)))
		L.ld_wait_sleep = v;
	kdl_error_destroy(err);

	fld2(di, "struct mm_struct", "mmap_lock", "mmap_sem", &L.mm.mmap_lock);
	fld(di, "struct super_block", "s_umount", &L.sb.s_umount);
	fld(di, "struct super_block", "s_type", &L.sb.s_type);
	fld(di, "struct super_block", "s_id", &L.sb.s_id);
	fld(di, "struct file_system_type", "name", &L.fstype.name);

	L.page.size = tsize(di, "struct page");
	fld(di, "struct page", "flags", &L.page.flags);
	fld(di, "struct page", "compound_head", &L.page.compound_head);
	fld(di, "struct page", "slab_cache", &L.page.slab_cache);
	fld(di, "struct slab", "slab_cache", &L.slab.slab_cache);
	fld(di, "struct kmem_cache", "name", &L.kmem_cache.name);
	fld(di, "struct kmem_cache", "size", &L.kmem_cache.size);
	fld(di, "struct kmem_cache", "object_size", &L.kmem_cache.object_size);
	fld(di, "struct kmem_cache", "red_left_pad", &L.kmem_cache.red_left_pad);

	L.debug_locks_addr = sym(di, "debug_locks");
	L.per_cpu_offset_addr = sym(di, "__per_cpu_offset");
	L.per_cpu_start = sym(di, "__per_cpu_start");
	L.per_cpu_end = sym(di, "__per_cpu_end");
	/* Without KASLR of the memory layout these are constants. */
	L.page_offset_base = 0xffff888000000000ULL;
	L.vmemmap_base = 0xffffea0000000000ULL;
	if (t && (a = sym(di, "page_offset_base")))
		kdl_target_peek_u64(t, a, &L.page_offset_base);
	if (t && (a = sym(di, "vmemmap_base")))
		kdl_target_peek_u64(t, a, &L.vmemmap_base);
	{
		struct kdl_symbol ms;

		L.mem_section_size = tsize(di, "struct mem_section");
		if (L.mem_section_size && kdl_debuginfo_symbol_addr(di, "mem_section", &a) &&
		    kdl_debuginfo_symbol_at(di, a, &ms)) {
			L.mem_section_addr = a;
			L.mem_section_extreme = ms.size == 8;
		}
	}
	L.pg_slab_bit = -1;
	err = kdl_debuginfo_enum_value(di, "PG_slab", &v);
	if (!err)
		L.pg_slab_bit = v;
	kdl_error_destroy(err);

	L.resolved = true;
	*out = L;
	return NULL;
}

#define F(o, s) ((struct kdl_lfield){ (o), (s), true })

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
		L.task.worker_private = (struct kdl_lfield){ 0, 0, false };
		L.slab.slab_cache = (struct kdl_lfield){ 0, 0, false };
		L.page.slab_cache = F(48, 8);
		L.page.compound_head = (struct kdl_lfield){ 0, 0, false };
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
			L.mutex.owner = (struct kdl_lfield){ 0, 0, false };
			L.mutex.wait_list = (struct kdl_lfield){ 0, 0, false };
			L.rwsem_style = KDL_RWSEM_RT;
			L.rwsem.rwbase = F(0, 40);
			L.rwsem.count = (struct kdl_lfield){ 0, 0, false };
			L.rwsem.owner = (struct kdl_lfield){ 0, 0, false };
			L.rwsem.wait_list = (struct kdl_lfield){ 0, 0, false };
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
