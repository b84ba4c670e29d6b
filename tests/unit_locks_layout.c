/* tests/unit_locks_layout.c - the hand-made 6.1 layout table the synthetic
 * tests use must equal what DWARF resolves from the 6.1 sample kernels, and
 * the 6.12 samples must resolve the fields the decoders need. */
#include <stdio.h>
#include <string.h>

#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/layout.h"
#include "tests/lib/kdltest.h"

#define FIELD(path) { #path, offsetof(struct kdl_layout_locks, path) }

static const struct { const char *name; size_t off; } fields[] = {
	FIELD(mutex.owner), FIELD(mutex.wait_list), FIELD(mutex_waiter.list),
	FIELD(mutex_waiter.task), FIELD(rwsem.count), FIELD(rwsem.owner),
	FIELD(rwsem.wait_list), FIELD(rwsem_waiter.list), FIELD(rwsem_waiter.task),
	FIELD(rwsem_waiter.type), FIELD(semaphore.count), FIELD(semaphore.wait_list),
	FIELD(semaphore_waiter.list), FIELD(semaphore_waiter.task), FIELD(rt_mutex.owner),
	FIELD(rt_mutex.waiters), FIELD(rt_mutex_waiter.task), FIELD(rt_mutex_waiter.lock),
	FIELD(completion.done), FIELD(completion.wait), FIELD(swait_head.task_list),
	FIELD(swait.task), FIELD(swait.task_list), FIELD(wq_head.head), FIELD(wq_entry.private_),
	FIELD(wq_entry.func), FIELD(wq_entry.entry), FIELD(work.data), FIELD(work.entry),
	FIELD(work.func), FIELD(wq_barrier.work), FIELD(wq_barrier.done), FIELD(wq_barrier.task),
	FIELD(worker.current_work), FIELD(worker.current_func), FIELD(worker.scheduled),
	FIELD(worker.task), FIELD(kthread.data), FIELD(percpu_rwsem.writer),
	FIELD(percpu_rwsem.waiters), FIELD(percpu_rwsem.block), FIELD(rcuwait.task),
	FIELD(raw_spinlock.raw_lock), FIELD(qrwlock.cnts), FIELD(qrwlock.wait_lock),
	FIELD(task.state), FIELD(task.stack), FIELD(task.flags), FIELD(task.mm),
	FIELD(task.exit_state), FIELD(task.pid), FIELD(task.worker_private), FIELD(task.comm),
	FIELD(task.pi_blocked_on), FIELD(mm.mmap_lock), FIELD(page.flags),
	FIELD(page.compound_head), FIELD(slab.slab_cache), FIELD(kmem_cache.size),
	FIELD(kmem_cache.object_size), FIELD(kmem_cache.name), FIELD(kmem_cache.red_left_pad),
};

static const struct kdl_field *at(const struct kdl_layout_locks *L, size_t off)
{
	return (const struct kdl_field *)((const char *)L + off);
}

/* The lock part of the one layout table, resolved from DWARF (t may be NULL). */
static struct kdl_error *resolve_lk(struct kdl_debuginfo *di, struct kdl_target *t,
				    struct kdl_layout_locks *out)
{
	static struct kdl_layout full;
	struct kdl_error *err = kdl_layout_resolve(di, t, &full);

	if (!err && !full.lk.resolved)
		err = kdl_error_create(KDL_ERR_VMLINUX, "no struct mutex in the debug info");
	if (!err)
		*out = full.lk;
	return err;
}

static struct kdl_debuginfo *open_variant(const char *v)
{
	const char *dir = kdl_test_sample_dir(v);
	char path[4096];
	struct kdl_debuginfo *di = NULL;

	if (!dir) {
		kdl_test_skip("%s: sample not unpacked (make samples)", v);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	if (!kdl_test_ok(kdl_debuginfo_open(path, &di), "%s: open vmlinux", v))
		return NULL;
	return di;
}

static void check_61(void)
{
	struct kdl_layout_locks hand, dw;
	struct kdl_debuginfo *di = open_variant("6.1-orc");

	if (!di)
		return;
	kdl_layout_locks_synthetic(KDL_KGEN_6_1, &hand);
	if (kdl_test_ok(resolve_lk(di, NULL, &dw), "6.1-orc: resolve")) {
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			const struct kdl_field *a = at(&hand, fields[i].off), *b = at(&dw, fields[i].off);

			KDL_CHECK(a->ok == b->ok && (!a->ok || (a->off == b->off && a->size == b->size)),
				  "6.1-orc: hand table %s = DWARF (hand %d/%u/%u, dwarf %d/%u/%u)",
				  fields[i].name, a->ok, a->off, a->size, b->ok, b->off, b->size);
		}
		KDL_CHECK(hand.rwsem_style == dw.rwsem_style, "6.1-orc: rwsem style");
		KDL_CHECK(hand.mutex_owner_atomic == dw.mutex_owner_atomic, "6.1-orc: mutex owner word");
		KDL_CHECK(hand.completion_swait == dw.completion_swait, "6.1-orc: swait completions");
		KDL_CHECK(hand.mutex.size == dw.mutex.size, "6.1-orc: sizeof(struct mutex)");
		KDL_CHECK(!dw.preempt_rt && !dw.task.blocked_on.ok && !dw.task.held_locks.ok,
			  "6.1-orc: no RT, no DEBUG_MUTEXES, no lockdep");
	}
	kdl_debuginfo_destroy(di);
}

static void check_612(const char *v, bool lockdep, bool rt)
{
	struct kdl_layout_locks dw;
	struct kdl_debuginfo *di = open_variant(v);

	if (!di)
		return;
	if (kdl_test_ok(resolve_lk(di, NULL, &dw), "%s: resolve", v)) {
		KDL_CHECK(dw.preempt_rt == rt, "%s: PREEMPT_RT %s", v, rt ? "on" : "off");
		KDL_CHECK(dw.task.state.ok && dw.task.state.size == 4, "%s: task.__state is a u32", v);
		KDL_CHECK(dw.task.pi_blocked_on.ok && dw.rt_mutex_waiter.lock.ok && dw.rt_mutex.owner.ok,
			  "%s: rt_mutex waiter/owner fields", v);
		KDL_CHECK(dw.slab.slab_cache.ok && dw.slab.slab_cache.off == 8,
			  "%s: struct slab.slab_cache at 8 (6.12 layout)", v);
		if (lockdep)
			KDL_CHECK(dw.task.held_locks.ok && dw.task.lockdep_depth.ok &&
				  dw.held_lock.instance.ok && dw.mutex.dep_map.ok && dw.debug_locks_addr,
				  "%s: lockdep held_locks resolved", v);
		if (rt) {
			struct kdl_layout_locks hand;
			static const struct { const char *name; size_t off; } rtf[] = {
				FIELD(mutex.rtmutex), FIELD(rwsem.rwbase), FIELD(rwbase_rt.readers),
				FIELD(rwbase_rt.rtmutex), FIELD(rt_mutex.owner), FIELD(rt_mutex.waiters),
				FIELD(rt_mutex_waiter.task), FIELD(rt_mutex_waiter.lock),
			};

			KDL_CHECK(dw.rwsem_style == KDL_RWSEM_RT && dw.mutex.rtmutex.ok &&
				  dw.rwbase_rt.rtmutex.ok, "%s: rt-based mutex and rwsem", v);
			kdl_layout_locks_synthetic(KDL_KGEN_6_12_RT, &hand);
			for (size_t i = 0; i < sizeof(rtf) / sizeof(rtf[0]); i++) {
				const struct kdl_field *a = at(&hand, rtf[i].off), *b = at(&dw, rtf[i].off);

				KDL_CHECK(a->ok && b->ok && a->off == b->off,
					  "%s: hand RT table %s = DWARF (hand %u, dwarf %u)", v,
					  rtf[i].name, a->off, b->off);
			}
		}
		else
			KDL_CHECK(dw.rwsem_style == KDL_RWSEM_ATOMIC && dw.mutex_owner_atomic,
				  "%s: atomic owner words", v);
	}
	kdl_debuginfo_destroy(di);
}

static void check_61_fp(void)
{
	struct kdl_layout_locks dw;
	struct kdl_debuginfo *di = open_variant("6.1-fp");

	if (!di)
		return;
	if (kdl_test_ok(resolve_lk(di, NULL, &dw), "6.1-fp: resolve")) {
		KDL_CHECK(dw.task.blocked_on.ok && dw.mutex.magic.ok,
			  "6.1-fp: DEBUG_MUTEXES task->blocked_on and mutex.magic");
		KDL_CHECK(dw.raw_spinlock.owner.ok && dw.raw_spinlock.magic.ok &&
			  dw.rwlock.owner.ok && dw.rwlock.magic.ok,
			  "6.1-fp: DEBUG_SPINLOCK owner and magic fields");
		KDL_CHECK(!dw.task.held_locks.ok, "6.1-fp: no lockdep");
	}
	kdl_debuginfo_destroy(di);
}

int main(void)
{
	check_61();
	check_61_fp();
	check_612("6.12-lockdep", true, false);
	check_612("6.12-rt", false, true);
	return kdl_test_done();
}
