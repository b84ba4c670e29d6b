/* tests/unit_locks.c - lock analysis over synthetic memory, with hand-filled
 * layout tables of several kernel generations (core/debuginfo/layout.h). Every
 * scenario is built the way the kernel builds it: waiter records on the
 * waiting task's stack linked into the lock's wait list, owner words encoded
 * as that generation encodes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/graph/graph.h"
#include "core/debuginfo/layout.h"
#include "core/locks/locks.h"
#include "core/locks/locks_priv.h"
#include "core/base/model.h"
#include "core/target/target.h"
#include "tests/lib/kdltest.h"

#define BASE 0xffff888001000000ULL
#define MEMSZ (1u << 20)
#define TASKS (BASE)                /* 4 KiB per task */
#define STACKS (BASE + 0x40000)     /* 16 KiB per task */
#define DATA (BASE + 0xc0000)
#define NT 24

static unsigned char *mem;
static const struct kdl_layout_locks *L;
static struct kdl_layout_locks Lbuf;
static struct kdl_model *m;
static const char *gname;

static void w64(uint64_t a, uint64_t v)
{
	if (a < BASE || a + 8 > BASE + MEMSZ) {
		fprintf(stderr, "w64 out of range %llx\n", (unsigned long long)a);
		abort();
	}
	memcpy(mem + (a - BASE), &v, 8);
}

static void w32(uint64_t a, uint32_t v)
{
	memcpy(mem + (a - BASE), &v, 4);
}

static uint64_t r64(uint64_t a)
{
	uint64_t v;

	memcpy(&v, mem + (a - BASE), 8);
	return v;
}

static void wf(uint64_t base, const struct kdl_field *f, uint64_t v)
{
	if (!f->ok)
		return;
	if (f->size == 4)
		w32(base + f->off, (uint32_t)v);
	else
		w64(base + f->off, v);
}

static void list_init(uint64_t h)
{
	w64(h, h);
	w64(h + 8, h);
}

static void list_add_tail(uint64_t h, uint64_t n)
{
	uint64_t prev = r64(h + 8);

	w64(n, h);
	w64(n + 8, prev);
	w64(prev, n);
	w64(h + 8, n);
}

static uint64_t task_addr(int i) { return TASKS + (uint64_t)i * 0x1000; }
static uint64_t stack_lo(int i) { return STACKS + (uint64_t)i * 0x4000; }

static int ntask;
static uint64_t data_next;
static uint64_t stack_c;
static int stack_w;

static uint64_t alloc_data(size_t n)
{
	uint64_t a = data_next;

	data_next += (n + 63) & ~63ULL;
	return a;
}

static int new_task(const char *comm, int pid, const char *state)
{
	struct kdl_task *t = &m->tasks[ntask];

	memset(t, 0, sizeof(*t));
	t->addr = task_addr(ntask);
	t->pid = t->tgid = pid;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	snprintf(t->state, sizeof(t->state), "%s", state);
	t->stack_base = stack_lo(ntask);
	t->cpu = -1;
	t->waits_on = -1;
	t->blocked_for_ns = -1;
	wf(t->addr, &L->task.pid, (uint64_t)pid);
	m->ntasks = (size_t)++ntask;
	return ntask - 1;
}

/* Frames: blocking functions then the caller; sp grows by 0x40 per frame. */
static void set_frames(int ti, const char *const *fns, size_t n, uint64_t sp0)
{
	struct kdl_task *t = &m->tasks[ti];

	t->frames = calloc(n, sizeof(*t->frames));
	for (size_t i = 0; i < n; i++) {
		t->frames[i].function = fns[i];
		t->frames[i].pc = 0xffffffff81000000ULL + i;
		t->frames[i].sp = sp0 + 0x40 * i;
		t->frames[i].reliable = true;
	}
	t->nframes = n;
	t->frames_done = true;
}

static uint64_t new_mutex(void)
{
	uint64_t a = alloc_data(L->mutex.size ? L->mutex.size : 64);

	list_init(a + L->mutex.wait_list.off);
	if (!L->mutex_owner_atomic)
		wf(a, &L->mutex.count, 1);
	return a;
}

static void mutex_own(uint64_t mx, int ti)
{
	if (L->mutex_owner_atomic) {
		wf(mx, &L->mutex.owner, m->tasks[ti].addr | 1);
	} else {
		wf(mx, &L->mutex.count, (uint32_t)-1);
		wf(mx, &L->mutex.owner, m->tasks[ti].addr);
	}
}

/* Task ti blocks in mutex_lock(mx) called from fn. */
static void mutex_wait(int ti, uint64_t mx, const char *fn)
{
	static const char *fns[6];
	uint64_t sp0 = stack_lo(ti) + 0x3c00, rec = sp0 + 0xa0;

	fns[0] = "__schedule";
	fns[1] = "schedule";
	fns[2] = "schedule_preempt_disabled";
	fns[3] = "__mutex_lock.constprop.0";
	fns[4] = fn;
	fns[5] = "kthread";
	set_frames(ti, fns, 6, sp0);
	w64(rec + L->mutex_waiter.task.off, m->tasks[ti].addr);
	list_add_tail(mx + L->mutex.wait_list.off, rec + L->mutex_waiter.list.off);
}

static uint64_t new_rwsem(void)
{
	uint64_t a = alloc_data(64);

	list_init(a + L->rwsem.wait_list.off);
	return a;
}

static void rwsem_own_write(uint64_t s, int ti)
{
	if (L->rwsem_style == KDL_RWSEM_ATOMIC) {
		wf(s, &L->rwsem.count, 1 | 2);
		wf(s, &L->rwsem.owner, m->tasks[ti].addr);
	} else {
		/* ACTIVE_WRITE_BIAS + WAITING_BIAS */
		wf(s, &L->rwsem.count, 0xfffffffe00000001ULL);
		wf(s, &L->rwsem.owner, m->tasks[ti].addr);
	}
}

static void rwsem_wait(int ti, uint64_t s, bool read, const char *fn)
{
	static const char *fr[5] = { "__schedule", "schedule", "rwsem_down_read_slowpath",
				     "down_read", NULL };
	static const char *fw[5] = { "__schedule", "schedule", "rwsem_down_write_slowpath",
				     "down_write", NULL };
	const char **fns = read ? fr : fw;
	uint64_t sp0 = stack_lo(ti) + 0x3c00, rec = sp0 + 0x90;

	fns[4] = fn;
	set_frames(ti, fns, 5, sp0);
	/* set_frames keeps the pointer array, copy the names it points to */
	m->tasks[ti].frames[4].function = fn;
	w64(rec + L->rwsem_waiter.task.off, m->tasks[ti].addr);
	wf(rec, &L->rwsem_waiter.type, read ? 1 : 0);
	list_add_tail(s + L->rwsem.wait_list.off, rec + L->rwsem_waiter.list.off);
}

/* A completion waiter (swait since 5.7, wait_queue before) at rec. */
static void completion_link(int ti, uint64_t c, uint64_t rec)
{
	if (L->completion_swait) {
		w64(rec + L->swait.task.off, m->tasks[ti].addr);
		list_add_tail(c + L->completion.wait.off + L->swait_head.task_list.off,
			      rec + L->swait.task_list.off);
	} else {
		w64(rec + L->wq_entry.private_.off, m->tasks[ti].addr);
		w64(rec + L->wq_entry.func.off, 0xffffffff81234567ULL);
		list_add_tail(c + L->completion.wait.off + L->wq_head.head.off,
			      rec + L->wq_entry.entry.off);
	}
}

static void completion_init(uint64_t c)
{
	if (L->completion_swait)
		list_init(c + L->completion.wait.off + L->swait_head.task_list.off);
	else
		list_init(c + L->completion.wait.off + L->wq_head.head.off);
}

/* The lock stage, then the graph stage over what it filled (even after an
 * error), as core/analysis.c runs them; the first error. */
static struct kdl_error *analyse(struct kdl_locks_ctx *ctx)
{
	struct kdl_error *err = kdl_locks_analyse(ctx, m), *gerr = kdl_graph_build(m);

	if (!err)
		return gerr;
	kdl_error_destroy(gerr);
	return err;
}

static int lock_of(uint64_t a)
{
	return kdl_model_lock_by_addr(m, a);
}

static bool owned_by(uint64_t a, int ti, enum kdl_confidence conf)
{
	int li = lock_of(a);

	if (li < 0)
		return false;
	for (size_t i = 0; i < m->locks[li].nowners; i++)
		if (m->locks[li].owners[i].who.task == ti &&
		    m->locks[li].owners[i].confidence == conf)
			return true;
	return false;
}

static int finding_of(enum kdl_finding_kind k, int ti)
{
	for (size_t i = 0; i < m->nfindings; i++) {
		if (m->findings[i].kind != k)
			continue;
		for (size_t j = 0; j < m->findings[i].ntasks; j++)
			if (m->findings[i].tasks[j] == ti)
				return (int)i;
	}
	return -1;
}

static int cycle_with(int ti, enum kdl_finding_kind cls)
{
	for (size_t c = 0; c < m->ncycles; c++) {
		if (m->cycles[c].cls != cls)
			continue;
		for (size_t i = 0; i < m->cycles[c].n; i++)
			if (m->cycles[c].nodes[i].task == ti)
				return (int)c;
	}
	return -1;
}

static void run_generation(enum kdl_kgen gen, const char *name)
{
	struct kdl_target *t = NULL;
	struct kdl_locks_ctx ctx;
	struct kdl_locks_cpu_raw cpu;
	struct kdl_error *err;
	int a1, a2, a3, rw1, rw2, co, sd1, sd2, ih, fl, kw, orr, cvh, cv[3];
	uint64_t A, B, R, C, M, S, WM, W, O, CV;
	bool modern = gen >= KDL_KGEN_5_10;

	gname = name;
	kdl_layout_locks_synthetic(gen, &Lbuf);
	L = &Lbuf;
	mem = calloc(1, MEMSZ);
	m = calloc(1, sizeof(*m));
	m->tasks = calloc(NT, sizeof(*m->tasks));
	ntask = 0;
	data_next = DATA;

	/* ABBA on two mutexes, a third task queued on A */
	A = new_mutex();
	B = new_mutex();
	a1 = new_task("abba1", 101, "UN");
	a2 = new_task("abba2", 102, "UN");
	a3 = new_task("cat", 103, "UN");
	mutex_own(A, a1);
	mutex_own(B, a2);
	if (gen == KDL_KGEN_6_16) {
		/* the hung-task blocker word says it directly */
		wf(m->tasks[a1].addr, &L->task.blocker, B | 0);
		mutex_wait(a1, B, "abba1_fn");
	} else {
		mutex_wait(a1, B, "abba1_fn");
	}
	mutex_wait(a2, A, "abba2_fn");
	mutex_wait(a3, A, "abba_read");

	/* rwsem held for write, a reader waits */
	R = new_rwsem();
	rw1 = new_task("rw_w", 110, "IN");
	rw2 = new_task("rw_r", 111, "UN");
	rwsem_own_write(R, rw1);
	rwsem_wait(rw2, R, true, "reader_fn");
	if (gen == KDL_KGEN_6_16)
		wf(m->tasks[rw2].addr, &L->task.blocker, R | 2); /* BLOCKER_TYPE_RWSEM_READER */

	/* completion nobody completes */
	C = alloc_data(64);
	completion_init(C);
	co = new_task("compl", 120, "UN");
	{
		static const char *fns[] = { "__schedule", "schedule", "schedule_timeout",
					     "__wait_for_common", "wait_for_completion",
					     "compl_fn", "kthread" };
		uint64_t sp0 = stack_lo(co) + 0x3c00;

		set_frames(co, fns, 7, sp0);
		completion_link(co, C, sp0 + 0x150);
	}

	/* a completion that lives on another task's stack */
	{
		static const char *fns[] = { "__schedule", "schedule", "schedule_timeout",
					     "__wait_for_common", "wait_for_completion",
					     "stackwait_fn", "kthread" };
		int owner_stack = new_task("stack_owner", 125, "IN");
		int sw = new_task("stack_waiter", 126, "UN");
		uint64_t sc = stack_lo(owner_stack) + 0x3e00, sp0 = stack_lo(sw) + 0x3c00;

		completion_init(sc);
		set_frames(sw, fns, 7, sp0);
		completion_link(sw, sc, sp0 + 0x150);
		stack_c = sc;
		stack_w = sw;
	}

	/* recursive self-deadlock + one waiter */
	M = new_mutex();
	sd1 = new_task("rec1", 130, "UN");
	sd2 = new_task("rec2", 131, "UN");
	mutex_own(M, sd1);
	mutex_wait(sd1, M, "rec1_fn");
	mutex_wait(sd2, M, "rec2_fn");

	/* softirq spinning on a spinlock its interrupted task holds (CPU 0) */
	S = alloc_data(64);
	w32(S, 1);
	ih = new_task("tmr_hold", 140, "RU");
	m->tasks[ih].on_cpu = true;
	m->tasks[ih].cpu = 0;
	m->cpus = calloc(1, sizeof(*m->cpus));
	m->ncpus = 1;
	m->cpus[0].cpu = 0;
	m->cpus[0].task = ih;
	m->cpus[0].pid = 140;
	m->cpus[0].context = KDL_CTX_SOFTIRQ;
	{
		static const char *fns[] = { "native_queued_spin_lock_slowpath", "_raw_spin_lock",
					     "kdl_timer_fn", "call_timer_fn", "__do_softirq",
					     "irq_exit_rcu", "tmr_hold_fn", "kthread" };
		static const enum kdl_ctx cx[] = { KDL_CTX_SOFTIRQ, KDL_CTX_SOFTIRQ, KDL_CTX_SOFTIRQ,
						   KDL_CTX_SOFTIRQ, KDL_CTX_SOFTIRQ, KDL_CTX_IRQ,
						   KDL_CTX_TASK, KDL_CTX_TASK };

		m->cpus[0].frames = calloc(8, sizeof(struct kdl_frame));
		m->cpus[0].nframes = 8;
		for (int i = 0; i < 8; i++) {
			m->cpus[0].frames[i].function = fns[i];
			m->cpus[0].frames[i].context = cx[i];
			m->cpus[0].frames[i].sp = stack_lo(ih) + 0x3000 + 0x40 * (uint64_t)i;
		}
		m->cpus[0].regs_valid = true;
	}
	memset(&cpu, 0, sizeof(cpu));
	cpu.regs_valid = true;
	cpu.regs.di = S;
	cpu.regs.si = 0x101;

	/* flush_work deadlock: fl holds WM and flushes W; kworker runs W and waits WM */
	WM = new_mutex();
	W = alloc_data(64);
	fl = new_task("wqflush", 150, "UN");
	kw = new_task("kworker/0:1", 151, "UN");
	m->tasks[kw].kthread = true;
	mutex_own(WM, fl);
	mutex_wait(kw, WM, "kdl_work_fn");
	{
		uint64_t kt = alloc_data(64), wk = alloc_data(128);
		uint64_t sp0 = stack_lo(fl) + 0x3c00, barr = sp0 + 0x100, rec = sp0 + 0xc0;
		static const char *fns[] = { "__schedule", "schedule", "schedule_timeout",
					     "__wait_for_common", "wait_for_completion",
					     "__flush_work", "wqflush_fn", "kthread" };

		wf(m->tasks[kw].addr, &L->task.worker_private, kt);
		wf(kt, &L->kthread.data, wk);
		wf(wk, &L->worker.task, m->tasks[kw].addr);
		wf(wk, &L->worker.current_work, W);
		list_init(wk + L->worker.scheduled.off);
		list_add_tail(wk + L->worker.scheduled.off,
			      barr + L->wq_barrier.work.off + L->work.entry.off);
		wf(barr, &L->wq_barrier.task, m->tasks[fl].addr);
		completion_init(barr + L->wq_barrier.done.off);
		set_frames(fl, fns, 8, sp0);
		completion_link(fl, barr + L->wq_barrier.done.off, rec);
	}

	/* orphaned rwsem: its writer's task_struct is gone; a reader waits */
	O = new_rwsem();
	orr = new_task("orphan_rd", 160, "UN");
	{
		uint64_t dead = alloc_data(4096);

		if (L->rwsem_style == KDL_RWSEM_ATOMIC)
			wf(O, &L->rwsem.count, 3);
		else
			wf(O, &L->rwsem.count, 0xfffffffe00000001ULL);
		wf(O, &L->rwsem.owner, dead);
		wf(dead, &L->task.pid, 99);
	}
	rwsem_wait(orr, O, true, "orphan_rd_fn");

	/* convoy: three waiters behind a holder sleeping in msleep */
	CV = new_mutex();
	cvh = new_task("convoy_h", 170, "UN");
	{
		static const char *fns[] = { "__schedule", "schedule", "schedule_timeout", "msleep",
					     "convoy_h_fn", "kthread" };

		set_frames(cvh, fns, 6, stack_lo(cvh) + 0x3c00);
	}
	mutex_own(CV, cvh);
	for (int i = 0; i < 3; i++) {
		cv[i] = new_task("convoy_w", 171 + i, "UN");
		mutex_wait(cv[i], CV, "convoy_w_fn");
	}

	/* map the image and analyse */
	err = kdl_target_create_synthetic(&t);
	if (!err)
		err = kdl_target_synthetic_map(t, BASE, mem, MEMSZ);
	memset(&ctx, 0, sizeof(ctx));
	ctx.target = t;
	ctx.layout = L;
	ctx.cpus = &cpu;
	ctx.ncpus = 1;
	if (!err)
		err = analyse(&ctx);
	kdl_test_ok(err, "%s: analyse", name);

	/* ABBA */
	KDL_CHECK(m->tasks[a1].waits_on == lock_of(B) && lock_of(B) >= 0, "%s: abba1 waits B", name);
	if (gen == KDL_KGEN_6_16)
		KDL_CHECK(m->tasks[a1].waits_how && !strcmp(m->tasks[a1].waits_how, "task->blocker"),
			  "%s: abba1 found through task->blocker", name);
	KDL_CHECK(m->tasks[a2].waits_on == lock_of(A) && lock_of(A) >= 0, "%s: abba2 waits A", name);
	KDL_CHECK(m->tasks[a3].waits_on == lock_of(A), "%s: cat waits A", name);
	KDL_CHECK(owned_by(A, a1, KDL_CONF_CERTAIN), "%s: A held by abba1 (certain)", name);
	KDL_CHECK(owned_by(B, a2, KDL_CONF_CERTAIN), "%s: B held by abba2 (certain)", name);
	KDL_CHECK(lock_of(A) >= 0 && m->locks[lock_of(A)].kind == KDL_LOCK_MUTEX, "%s: A is a mutex", name);
	KDL_CHECK(cycle_with(a1, KDL_F_DEADLOCK) >= 0 && cycle_with(a1, KDL_F_DEADLOCK) == cycle_with(a2, KDL_F_DEADLOCK),
		  "%s: abba cycle", name);
	KDL_CHECK(finding_of(KDL_F_DEADLOCK, a3) >= 0, "%s: cat is in the deadlock finding", name);

	/* rwsem */
	KDL_CHECK(m->tasks[rw2].waits_on == lock_of(R) && lock_of(R) >= 0 &&
		  m->tasks[rw2].wait_mode == KDL_MODE_READ, "%s: reader waits R for read", name);
	if (gen == KDL_KGEN_6_16)
		KDL_CHECK(!strcmp(m->tasks[rw2].waits_how, "task->blocker") &&
			  m->locks[lock_of(R)].kind == KDL_LOCK_RWSEM,
			  "%s: rwsem reader found through task->blocker's type bits", name);
	if (L->rwsem.owner.ok)
		KDL_CHECK(owned_by(R, rw1, KDL_CONF_CERTAIN) &&
			  m->locks[lock_of(R)].owners[0].mode == KDL_MODE_WRITE,
			  "%s: R held for write by rw_w", name);
	else
		KDL_CHECK(lock_of(R) >= 0 && m->locks[lock_of(R)].nowners == 0,
			  "%s: R has no owner field in this generation", name);

	/* completion */
	KDL_CHECK(m->tasks[co].waits_on == lock_of(C) && lock_of(C) >= 0 &&
		  m->locks[lock_of(C)].kind == KDL_LOCK_COMPLETION, "%s: waits on completion", name);
	KDL_CHECK(finding_of(KDL_F_LOST_WAKEUP, co) >= 0, "%s: completion is a lost wake-up", name);

	/* on a stack */
	KDL_CHECK(m->tasks[stack_w].waits_on == lock_of(stack_c) && lock_of(stack_c) >= 0 &&
		  m->locks[lock_of(stack_c)].stack_pid == 125 &&
		  !strcmp(m->locks[lock_of(stack_c)].name, "stack of pid 125"),
		  "%s: a completion on another task's stack is named by that stack", name);

	/* self deadlock */
	KDL_CHECK(cycle_with(sd1, KDL_F_SELF_DEADLOCK) >= 0, "%s: recursive self-deadlock cycle", name);
	KDL_CHECK(finding_of(KDL_F_SELF_DEADLOCK, sd2) >= 0, "%s: rec2 blocked behind it", name);

	/* softirq on the same CPU */
	KDL_CHECK(m->cpus[0].spinning_on == lock_of(S) && lock_of(S) >= 0, "%s: CPU 0 spins on S", name);
	KDL_CHECK(lock_of(S) >= 0 && m->locks[lock_of(S)].nwaiters == 1 &&
		  m->locks[lock_of(S)].waiters[0].who.ctx == KDL_CTX_SOFTIRQ,
		  "%s: the waiter is the softirq context", name);
	KDL_CHECK(owned_by(S, ih, KDL_CONF_INFERRED), "%s: S held by the interrupted task (inferred)", name);
	KDL_CHECK(cycle_with(ih, KDL_F_IRQ_SELF_DEADLOCK) >= 0, "%s: irq self-deadlock", name);

	/* flush (kworker -> worker needs task->worker_private, 5.17+; the hand
	 * tables give it to every generation but 3.10) */
	if (L->task.worker_private.ok) {
	KDL_CHECK(m->tasks[fl].waits_on == lock_of(W) && lock_of(W) >= 0 &&
		  m->locks[lock_of(W)].kind == KDL_LOCK_WORK, "%s: flusher waits on the work item", name);
	KDL_CHECK(owned_by(W, kw, KDL_CONF_CERTAIN), "%s: the kworker holds the work item", name);
	KDL_CHECK(cycle_with(fl, KDL_F_FLUSH_DEADLOCK) >= 0 && cycle_with(kw, KDL_F_FLUSH_DEADLOCK) >= 0,
		  "%s: flush deadlock cycle", name);
	}

	/* orphan */
	if (L->rwsem.owner.ok) {
	KDL_CHECK(lock_of(O) >= 0 && m->locks[lock_of(O)].nowners == 1 &&
		  !m->locks[lock_of(O)].owners[0].alive && m->locks[lock_of(O)].owners[0].pid == 99,
		  "%s: orphan owner is dead (pid 99)", name);
	KDL_CHECK(finding_of(KDL_F_ORPHANED_LOCK, orr) >= 0, "%s: orphaned_lock finding", name);
	}

	/* convoy */
	KDL_CHECK(finding_of(KDL_F_CONVOY, cv[0]) >= 0 && finding_of(KDL_F_CONVOY, cvh) >= 0,
		  "%s: convoy finding", name);
	KDL_CHECK(m->tasks[cvh].other.kind && !strcmp(m->tasks[cvh].other.kind, "sleep") &&
		  !strcmp(m->tasks[cvh].other.label, "msleep"), "%s: holder sleeps in msleep", name);
	KDL_CHECK(m->tasks[a1].nholds == 1 && m->tasks[a1].holds[0] == lock_of(A),
		  "%s: abba1 holds A", name);
	for (size_t i = 0; i < m->nfindings; i++)
		KDL_CHECK(m->findings[i].summary && strlen(m->findings[i].summary) > 20,
			  "%s: finding %zu has a summary", name, i);
	if (getenv("KDL_TEST_VERBOSE"))
		for (size_t i = 0; i < m->nfindings; i++)
			printf("# %s %s: %s\n", kdl_finding_kind_name(m->findings[i].kind),
			       kdl_severity_name(m->findings[i].severity), m->findings[i].summary);
	(void)modern;
	kdl_model_destroy(m);
	kdl_target_destroy(t);
	free(mem);
}

/* PREEMPT_RT: waits found through task->pi_blocked_on; spinlock_t, mutex and
 * rwsem are rt_mutex_base based. Plus DEBUG_MUTEXES' task->blocked_on. */
static void set_rt_frames(int ti, const char *const *fns, size_t n)
{
	set_frames(ti, fns, n, stack_lo(ti) + 0x3c00);
	m->tasks[ti].rtlock_wait = true;
}

static void rt_block(int ti, uint64_t rtb)
{
	uint64_t w = stack_lo(ti) + 0x3d00;

	w64(w + L->rt_mutex_waiter.task.off, m->tasks[ti].addr);
	w64(w + L->rt_mutex_waiter.lock.off, rtb);
	wf(m->tasks[ti].addr, &L->task.pi_blocked_on, w);
}

static void rt_test(void)
{
	struct kdl_target *t = NULL;
	struct kdl_locks_ctx ctx;
	struct kdl_error *err;
	uint64_t A, B, M, S;
	int p1, p2, p3, p4;
	static const char *spin1[] = { "__schedule", "schedule_rtlock", "rtlock_slowlock_locked",
				       "rt_spin_lock", "rtsp1_fn", "kthread" };
	static const char *spin2[] = { "__schedule", "schedule_rtlock", "rtlock_slowlock_locked",
				       "rt_spin_lock", "rtsp2_fn", "kthread" };
	static const char *mtx[] = { "__schedule", "rt_mutex_schedule",
				     "rt_mutex_slowlock_block.constprop.0", "mutex_lock", "m_fn" };
	static const char *rd[] = { "__schedule", "rt_mutex_schedule", "rt_mutex_slowlock_block",
				    "__rwbase_read_lock", "down_read", "r_fn" };
	static const char *wr[] = { "__schedule", "rt_mutex_schedule", "rwbase_write_lock",
				    "down_write", "w_fn" };
	uint64_t S2;
	int p5;

	kdl_layout_locks_synthetic(KDL_KGEN_6_12_RT, &Lbuf);
	L = &Lbuf;
	mem = calloc(1, MEMSZ);
	m = calloc(1, sizeof(*m));
	m->tasks = calloc(NT, sizeof(*m->tasks));
	ntask = 0;
	data_next = DATA;
	A = alloc_data(64);
	B = alloc_data(64);
	M = alloc_data(64);
	S = alloc_data(64);
	p1 = new_task("kdl_rtsp1", 201, "UN");
	p2 = new_task("kdl_rtsp2", 202, "UN");
	p3 = new_task("m_waiter", 203, "UN");
	p4 = new_task("r_waiter", 204, "UN");
	wf(A, &L->rt_mutex.owner, m->tasks[p1].addr | 1);
	wf(B, &L->rt_mutex.owner, m->tasks[p2].addr | 1);
	wf(M + L->mutex.rtmutex.off, &L->rt_mutex.owner, m->tasks[p1].addr | 1);
	wf(S + L->rwsem.rwbase.off + L->rwbase_rt.rtmutex.off, &L->rt_mutex.owner,
	   m->tasks[p2].addr | 1);
	/* held for write: readers == WRITER_BIAS */
	w32(S + L->rwsem.rwbase.off + L->rwbase_rt.readers.off, 1U << 30);
	set_rt_frames(p1, spin1, 6);
	set_rt_frames(p2, spin2, 6);
	set_frames(p3, mtx, 5, stack_lo(p3) + 0x3c00);
	set_frames(p4, rd, 6, stack_lo(p4) + 0x3c00);
	rt_block(p1, B);
	rt_block(p2, A);
	rt_block(p3, M + L->mutex.rtmutex.off);
	rt_block(p4, S + L->rwsem.rwbase.off + L->rwbase_rt.rtmutex.off);
	/* a writer that took S2's rt_mutex and waits for S2's one reader to
	 * leave: no pi_blocked_on, a pointer to S2 on its stack */
	S2 = alloc_data(64);
	p5 = new_task("writer", 205, "UN");
	set_frames(p5, wr, 5, stack_lo(p5) + 0x3c00);
	wf(S2 + L->rwsem.rwbase.off + L->rwbase_rt.rtmutex.off, &L->rt_mutex.owner,
	   m->tasks[p5].addr | 1);
	w32(S2 + L->rwsem.rwbase.off + L->rwbase_rt.readers.off, 1);
	w64(stack_lo(p5) + 0x3c00 + 0x48, S2);

	err = kdl_target_create_synthetic(&t);
	if (!err)
		err = kdl_target_synthetic_map(t, BASE, mem, MEMSZ);
	memset(&ctx, 0, sizeof(ctx));
	ctx.target = t;
	ctx.layout = L;
	if (!err)
		err = analyse(&ctx);
	kdl_test_ok(err, "rt: analyse");
	KDL_CHECK(m->tasks[p1].waits_on == lock_of(B) && lock_of(B) >= 0 &&
		  m->locks[lock_of(B)].kind == KDL_LOCK_SPINLOCK &&
		  !strcmp(m->tasks[p1].waits_how, "task->pi_blocked_on"),
		  "rt: rtlock waiter found through pi_blocked_on, spinlock_t");
	KDL_CHECK(owned_by(A, p1, KDL_CONF_CERTAIN) && owned_by(B, p2, KDL_CONF_CERTAIN),
		  "rt: spinlock_t owners from the rt_mutex owner word");
	KDL_CHECK(cycle_with(p1, KDL_F_DEADLOCK) >= 0 && cycle_with(p2, KDL_F_DEADLOCK) >= 0,
		  "rt: ABBA on two spinlock_t is a deadlock");
	KDL_CHECK(m->tasks[p3].waits_on == lock_of(M) && lock_of(M) >= 0 &&
		  m->locks[lock_of(M)].kind == KDL_LOCK_MUTEX && owned_by(M, p1, KDL_CONF_CERTAIN),
		  "rt: rt_mutex-based mutex, its address and owner");
	KDL_CHECK(m->tasks[p4].waits_on == lock_of(S) && lock_of(S) >= 0 &&
		  m->locks[lock_of(S)].kind == KDL_LOCK_RWSEM &&
		  m->tasks[p4].wait_mode == KDL_MODE_READ && owned_by(S, p2, KDL_CONF_CERTAIN),
		  "rt: rwbase_rt rwsem, read waiter, writer owner");
	KDL_CHECK(m->tasks[p5].waits_on == lock_of(S2) && lock_of(S2) >= 0 &&
		  m->tasks[p5].wait_mode == KDL_MODE_WRITE && m->locks[lock_of(S2)].nowners == 0 &&
		  m->locks[lock_of(S2)].readers == 1,
		  "rt: a writer owning the rt_mutex waits for the reader, it does not hold the rwsem");
	kdl_model_destroy(m);
	kdl_target_destroy(t);
	free(mem);
}

/* One mutex, its holder h and two waiters found through task fields alone:
 * w through DEBUG_MUTEXES' blocked_on (no frames at all), w2 through 6.15's
 * blocker_mutex. Fills m, mem, *t and ctx. */
static struct kdl_error *debug_mutex_build(struct kdl_target **t, struct kdl_locks_ctx *ctx,
					   uint64_t *M_, int *h_, int *w_, int *w2_)
{
	struct kdl_error *err;
	uint64_t M, rec;
	int h, w, w2;

	kdl_layout_locks_synthetic(KDL_KGEN_6_1, &Lbuf);
	Lbuf.task.blocked_on = (struct kdl_field){ 1808, 8, true }; /* DEBUG_MUTEXES */
	L = &Lbuf;
	mem = calloc(1, MEMSZ);
	m = calloc(1, sizeof(*m));
	m->tasks = calloc(NT, sizeof(*m->tasks));
	ntask = 0;
	data_next = DATA;
	M = new_mutex();
	h = new_task("holder", 301, "IN");
	w = new_task("waiter", 302, "UN");
	mutex_own(M, h);
	/* no frames at all: the direct field alone must find it */
	rec = stack_lo(w) + 0x3e00;
	w64(rec + L->mutex_waiter.task.off, m->tasks[w].addr);
	list_add_tail(M + L->mutex.wait_list.off, rec + L->mutex_waiter.list.off);
	wf(m->tasks[w].addr, &L->task.blocked_on, rec);
	/* 6.15: task->blocker_mutex names the mutex directly */
	Lbuf.task.blocker_mutex = (struct kdl_field){ 1816, 8, true };
	w2 = new_task("waiter615", 303, "UN");
	wf(m->tasks[w2].addr, &L->task.blocker_mutex, M);
	*M_ = M;
	*h_ = h;
	*w_ = w;
	*w2_ = w2;
	err = kdl_target_create_synthetic(t);
	if (!err)
		err = kdl_target_synthetic_map(*t, BASE, mem, MEMSZ);
	memset(ctx, 0, sizeof(*ctx));
	ctx->target = *t;
	ctx->layout = L;
	return err;
}

static void debug_mutex_test(void)
{
	struct kdl_target *t = NULL;
	struct kdl_locks_ctx ctx;
	struct kdl_error *err;
	uint64_t M;
	int h, w, w2;

	err = debug_mutex_build(&t, &ctx, &M, &h, &w, &w2);
	if (!err)
		err = analyse(&ctx);
	kdl_test_ok(err, "debug mutexes: analyse");
	KDL_CHECK(m->tasks[w].waits_on == lock_of(M) && lock_of(M) >= 0 &&
		  !strcmp(m->tasks[w].waits_how, "task->blocked_on") && owned_by(M, h, KDL_CONF_CERTAIN),
		  "debug mutexes: task->blocked_on leads to the mutex without a backtrace");
	KDL_CHECK(m->tasks[w2].waits_on == lock_of(M) &&
		  !strcmp(m->tasks[w2].waits_how, "task->blocker_mutex"),
		  "6.15: task->blocker_mutex leads to the mutex");
	kdl_model_destroy(m);
	kdl_target_destroy(t);
	free(mem);
}

/* ---- out of memory ---------------------------------------------------------- */

/* Failure injection: while fail_size is not 0, every realloc() of exactly
 * that many bytes fails. This realloc() stands in for the C library's
 * everywhere (core/ is linked in statically); not under AddressSanitizer,
 * whose allocator it would bypass. */
#if defined(__SANITIZE_ADDRESS__)
#define OWN_REALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OWN_REALLOC 0
#endif
#endif
#ifndef OWN_REALLOC
#define OWN_REALLOC 1
#endif

#if OWN_REALLOC
extern void *__libc_realloc(void *p, size_t n);
static size_t fail_size;

void *realloc(void *p, size_t n)
{
	if (fail_size && n == fail_size)
		return NULL;
	return __libc_realloc(p, n);
}

/* The registry: an edge that cannot be recorded is reported and counted. */
static void oom_registry_test(void)
{
	struct kdl_lk s;
	struct kdl_lk_addr ta = { task_addr(0), 0 };
	struct kdl_ctxref who = { 0, KDL_CTX_TASK };
	struct kdl_lock *l;
	bool okw, oko;

	m = calloc(1, sizeof(*m));
	m->tasks = calloc(1, sizeof(*m->tasks));
	m->locks = calloc(1, sizeof(*m->locks));
	m->ntasks = 1;
	m->nlocks = 1;
	m->tasks[0].addr = task_addr(0);
	m->tasks[0].pid = 401;
	snprintf(m->tasks[0].comm, sizeof(m->tasks[0].comm), "oom");
	snprintf(m->tasks[0].state, sizeof(m->tasks[0].state), "UN");
	l = &m->locks[0];
	l->address = DATA;
	l->kind = KDL_LOCK_MUTEX;
	memset(&s, 0, sizeof(s));
	s.m = m;
	s.taddr = &ta;
	s.ntaddr = 1;
	fail_size = sizeof(struct kdl_waiter);
	okw = kdl_lk_add_waiter(&s, 0, who, KDL_MODE_EXCLUSIVE);
	fail_size = sizeof(struct kdl_owner);
	oko = kdl_lk_add_owner(&s, 0, task_addr(0), KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
			       KDL_CONF_CERTAIN, "test");
	fail_size = 0;
	KDL_CHECK(!okw && l->nwaiters == 0 && !oko && l->nowners == 0 && s.dropped == 2,
		  "out of memory: a waiter and an owner edge that cannot be recorded fail and "
		  "are counted (%zu)", s.dropped);
	okw = kdl_lk_add_waiter(&s, 0, who, KDL_MODE_EXCLUSIVE);
	oko = kdl_lk_add_owner(&s, 0, task_addr(0), KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
			       KDL_CONF_CERTAIN, "test");
	KDL_CHECK(okw && l->nwaiters == 1 && oko && l->nowners == 1 && l->owners[0].pid == 401 &&
		  s.dropped == 2, "with memory again both edges are recorded");
	kdl_model_destroy(m);
	m = NULL;
}

/* The whole analysis: it finishes, keeps the model consistent and says how
 * much it dropped; the graph then runs over what is there. */
static void oom_analysis_test(void)
{
	struct kdl_target *t = NULL;
	struct kdl_locks_ctx ctx;
	struct kdl_error *err;
	uint64_t M;
	int h, w, w2;
	bool ok = true;

	err = debug_mutex_build(&t, &ctx, &M, &h, &w, &w2);
	if (kdl_test_ok(err, "out of memory: build")) {
		fail_size = sizeof(struct kdl_waiter);
		err = kdl_locks_analyse(&ctx, m);
		fail_size = 0;
		KDL_CHECK(err && err->code == KDL_ERR_NOMEM && strstr(err->msg, "dropped"),
			  "out of memory: waiter edges lost make the analysis fail with "
			  "KDL_ERR_NOMEM (%s)", err ? err->msg : "no error");
		kdl_error_destroy(err);
		for (size_t i = 0; i < m->ntasks; i++)
			ok &= m->tasks[i].waits_on < (int)m->nlocks;
		KDL_CHECK(ok && m->tasks[w].waits_on == lock_of(M) && lock_of(M) >= 0 &&
			  m->locks[lock_of(M)].nwaiters == 0 && owned_by(M, h, KDL_CONF_CERTAIN),
			  "out of memory: the rest of the analysis is there and consistent");
		kdl_test_ok(kdl_graph_build(m), "out of memory: the graph runs over it");
	}
	kdl_model_destroy(m);
	m = NULL;
	kdl_target_destroy(t);
	free(mem);
}
#endif

static void oom_test(void)
{
#if OWN_REALLOC
	oom_registry_test();
	oom_analysis_test();
#else
	kdl_test_pass("out of memory: runs in the plain pass (AddressSanitizer owns realloc)");
#endif
}

/* Garbage memory: random words, many of them pointers back into the image
 * (so that every list walk meets cycles and junk). The analysis must finish,
 * stay inside its bounds and keep the model consistent. */
static void garbage_test(void)
{
	static const char *fns[] = { "__schedule", "schedule", "rwsem_down_read_slowpath",
				     "__mutex_lock", "___down_common", "wait_for_completion",
				     "__flush_work", "percpu_rwsem_wait", "junk_fn", "kthread" };
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	for (int round = 0; round < 20; round++) {
		struct kdl_target *t = NULL;
		struct kdl_locks_ctx ctx;
		struct kdl_locks_cpu_raw cpu;
		struct kdl_error *err;
		bool ok = true;

		kdl_layout_locks_synthetic((enum kdl_kgen)(round % 6), &Lbuf);
		L = &Lbuf;
		mem = malloc(MEMSZ);
		m = calloc(1, sizeof(*m));
		m->tasks = calloc(NT, sizeof(*m->tasks));
		ntask = 0;
		for (size_t i = 0; i < MEMSZ / 8; i++) {
			uint64_t r;

			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			r = seed;
			if (r % 4)
				r = BASE + (r % MEMSZ & ~7ULL) + ((r >> 40) % 3) * 8;
			memcpy(mem + 8 * i, &r, 8);
		}
		for (int i = 0; i < NT; i++) {
			int ti = new_task("junk", 500 + i, i % 3 ? "UN" : "IN");

			set_frames(ti, fns + (i % 5), 5, stack_lo(ti) + 0x3000 + (uint64_t)i * 8);
			m->tasks[ti].kthread = i % 2;
			if (i % 4 == 0)
				snprintf(m->tasks[ti].comm, sizeof(m->tasks[ti].comm), "kworker/%d", i);
		}
		m->cpus = calloc(1, sizeof(*m->cpus));
		m->ncpus = 1;
		m->cpus[0].task = 0;
		m->cpus[0].frames = calloc(3, sizeof(struct kdl_frame));
		m->cpus[0].nframes = 3;
		m->cpus[0].frames[0].function = "queued_read_lock_slowpath";
		m->cpus[0].frames[1].function = "native_queued_spin_lock_slowpath";
		m->cpus[0].frames[2].function = "junk";
		m->tasks[0].on_cpu = true;
		memset(&cpu, 0, sizeof(cpu));
		cpu.regs_valid = true;
		cpu.regs.di = BASE + 0x1234;
		err = kdl_target_create_synthetic(&t);
		if (!err)
			err = kdl_target_synthetic_map(t, BASE, mem, MEMSZ);
		memset(&ctx, 0, sizeof(ctx));
		ctx.target = t;
		ctx.layout = L;
		ctx.cpus = &cpu;
		ctx.ncpus = 1;
		if (!err)
			err = analyse(&ctx);
		kdl_error_destroy(err);
		for (size_t i = 0; i < m->ntasks; i++)
			ok &= m->tasks[i].waits_on < (int)m->nlocks;
		for (size_t c = 0; c < m->ncycles; c++)
			for (size_t i = 0; i < m->cycles[c].n; i++)
				ok &= m->cycles[c].locks[i] >= 0 && m->cycles[c].locks[i] < (int)m->nlocks;
		for (size_t f = 0; f < m->nfindings; f++)
			ok &= m->findings[f].summary != NULL;
		KDL_CHECK(ok, "garbage round %d: consistent model (%zu locks, %zu cycles, %zu findings)",
			  round, m->nlocks, m->ncycles, m->nfindings);
		kdl_model_destroy(m);
		kdl_target_destroy(t);
		free(mem);
	}
}

/* lockdep: held_locks name every lock a task holds; the entry of the lock a
 * task blocks on is its pending acquisition, not a hold; once debug_locks is
 * 0 the entries are stale. */
static void lockdep_test(bool debug_locks)
{
	struct kdl_target *t = NULL;
	struct kdl_locks_ctx ctx;
	struct kdl_error *err;
	uint64_t A, X, dl, names;
	int w, h;
	enum kdl_confidence want = debug_locks ? KDL_CONF_CERTAIN : KDL_CONF_STALE;
	const char *tag = debug_locks ? "lockdep on" : "lockdep off";

	kdl_layout_locks_synthetic(KDL_KGEN_6_1, &Lbuf);
	/* CONFIG_DEBUG_LOCK_ALLOC + DEBUG_MUTEXES additions */
	Lbuf.mutex.magic = (struct kdl_field){ 32, 8, true };
	Lbuf.mutex.dep_map = (struct kdl_field){ 40, 48, true };
	Lbuf.mutex.size = 88;
	Lbuf.task.lockdep_depth = (struct kdl_field){ 2040, 4, true };
	Lbuf.task.held_locks = (struct kdl_field){ 2048, 40 * 48, true };
	Lbuf.held_lock.size = 40;
	Lbuf.held_lock.instance = (struct kdl_field){ 16, 8, true };
	Lbuf.held_lock.class_idx = (struct kdl_field){ 32, 4, true };
	Lbuf.lockdep_map.name = (struct kdl_field){ 24, 8, true };
	Lbuf.lockdep_map.wait_type_inner = (struct kdl_field){ 33, 1, true };
	Lbuf.ld_wait_spin = 2;
	Lbuf.ld_wait_sleep = 3;
	L = &Lbuf;
	mem = calloc(1, MEMSZ);
	m = calloc(1, sizeof(*m));
	m->tasks = calloc(NT, sizeof(*m->tasks));
	ntask = 0;
	data_next = DATA;
	dl = alloc_data(8);
	w32(dl, debug_locks);
	Lbuf.debug_locks_addr = dl;
	names = alloc_data(64);
	memcpy(mem + (names - BASE), "kdl_x\0kdl_a", 12);
	A = new_mutex();
	X = new_mutex();
	w64(A + L->mutex.magic.off, A);
	w64(X + L->mutex.magic.off, X);
	w64(A + L->mutex.dep_map.off + L->lockdep_map.name.off, names + 6);
	w64(X + L->mutex.dep_map.off + L->lockdep_map.name.off, names);
	mem[A + L->mutex.dep_map.off + 33 - BASE] = 3;
	mem[X + L->mutex.dep_map.off + 33 - BASE] = 3;
	h = new_task("holder", 401, "IN");
	w = new_task("waiter", 402, "UN");
	mutex_own(A, h);
	mutex_wait(w, A, "w_fn");
	/* waiter: holds X (only lockdep knows), pending acquisition of A */
	w32(m->tasks[w].addr + L->task.lockdep_depth.off, 2);
	w64(m->tasks[w].addr + L->task.held_locks.off + L->held_lock.instance.off,
	    X + L->mutex.dep_map.off);
	w64(m->tasks[w].addr + L->task.held_locks.off + 40 + L->held_lock.instance.off,
	    A + L->mutex.dep_map.off);
	/* holder: holds A */
	w32(m->tasks[h].addr + L->task.lockdep_depth.off, 1);
	w64(m->tasks[h].addr + L->task.held_locks.off + L->held_lock.instance.off,
	    A + L->mutex.dep_map.off);
	err = kdl_target_create_synthetic(&t);
	if (!err)
		err = kdl_target_synthetic_map(t, BASE, mem, MEMSZ);
	memset(&ctx, 0, sizeof(ctx));
	ctx.target = t;
	ctx.layout = L;
	if (!err)
		err = analyse(&ctx);
	kdl_test_ok(err, "%s: analyse", tag);
	KDL_CHECK(owned_by(A, h, KDL_CONF_CERTAIN) && !owned_by(A, w, want),
		  "%s: the pending acquisition is not a hold", tag);
	KDL_CHECK(lock_of(X) >= 0 && m->locks[lock_of(X)].kind == KDL_LOCK_MUTEX &&
		  owned_by(X, w, want), "%s: a lock only lockdep knows is held by the waiter (%s)",
		  tag, kdl_confidence_name(want));
	KDL_CHECK(m->tasks[w].nholds == 1 && m->tasks[w].holds[0] == lock_of(X),
		  "%s: the waiter's holds[] lists it", tag);
	KDL_CHECK(lock_of(X) >= 0 && strstr(m->locks[lock_of(X)].name, "(lockdep class kdl_x)"),
		  "%s: an otherwise unnamed lock shows its lockdep class (%s)", tag,
		  lock_of(X) >= 0 ? m->locks[lock_of(X)].name : "-");
	kdl_model_destroy(m);
	kdl_target_destroy(t);
	free(mem);
}

/* percpu_rw_semaphore: a reader queued on sem->waiters (wait_queue entry on
 * its stack, percpu_rwsem_wait) waits on the semaphore, not on a wait queue. */
static void percpu_test(void)
{
	static const char *fns[] = { "__schedule", "schedule", "percpu_rwsem_wait",
				     "__percpu_down_read", "cgroup_fn", "kthread" };
	struct kdl_target *t = NULL;
	struct kdl_locks_ctx ctx;
	struct kdl_error *err;
	uint64_t P, rec;
	int r;

	kdl_layout_locks_synthetic(KDL_KGEN_6_1, &Lbuf);
	L = &Lbuf;
	mem = calloc(1, MEMSZ);
	m = calloc(1, sizeof(*m));
	m->tasks = calloc(NT, sizeof(*m->tasks));
	ntask = 0;
	data_next = DATA;
	P = alloc_data(128);
	list_init(P + L->percpu_rwsem.waiters.off + L->wq_head.head.off);
	w32(P + L->percpu_rwsem.block.off, 1);
	r = new_task("reader", 601, "UN");
	set_frames(r, fns, 6, stack_lo(r) + 0x3c00);
	rec = stack_lo(r) + 0x3c00 + 0x90;
	w64(rec + L->wq_entry.private_.off, m->tasks[r].addr);
	w64(rec + L->wq_entry.func.off, 0xffffffff81234567ULL);
	list_add_tail(P + L->percpu_rwsem.waiters.off + L->wq_head.head.off,
		      rec + L->wq_entry.entry.off);
	err = kdl_target_create_synthetic(&t);
	if (!err)
		err = kdl_target_synthetic_map(t, BASE, mem, MEMSZ);
	memset(&ctx, 0, sizeof(ctx));
	ctx.target = t;
	ctx.layout = L;
	if (!err)
		err = analyse(&ctx);
	kdl_test_ok(err, "percpu rwsem: analyse");
	KDL_CHECK(m->tasks[r].waits_on == lock_of(P) && lock_of(P) >= 0 &&
		  m->locks[lock_of(P)].kind == KDL_LOCK_PERCPU_RWSEM &&
		  m->tasks[r].wait_mode == KDL_MODE_READ,
		  "percpu rwsem: the reader waits on the semaphore for read");
	kdl_model_destroy(m);
	kdl_target_destroy(t);
	free(mem);
}

static void state_test(void)
{
	struct kdl_layout_locks a, b;
	struct kdl_target *t = NULL;
	unsigned char buf[64] = { 0 };
	uint64_t st = 0;
	uint32_t s32 = 0x402; /* TASK_UNINTERRUPTIBLE | TASK_NOLOAD */
	uint64_t s64 = 2;

	kdl_layout_locks_synthetic(KDL_KGEN_3_10, &a);
	kdl_layout_locks_synthetic(KDL_KGEN_6_1, &b);
	memcpy(buf + a.task.state.off, &s64, 8);
	memcpy(buf + b.task.state.off, &s32, 4);
	if (kdl_test_ok(kdl_target_create_synthetic(&t), "state: target") &&
	    kdl_test_ok(kdl_target_synthetic_map(t, BASE, buf, sizeof(buf)), "state: map")) {
		KDL_CHECK(kdl_locks_read_task_state(t, &a, BASE, &st) && st == 2,
			  "3.10: long state read (%llu)", (unsigned long long)st);
		KDL_CHECK(kdl_locks_read_task_state(t, &b, BASE, &st) && st == 0x402,
			  "6.1: u32 __state read (0x%llx)", (unsigned long long)st);
	}
	kdl_target_destroy(t);
}

int main(void)
{
	run_generation(KDL_KGEN_3_10, "3.10");
	run_generation(KDL_KGEN_4_19, "4.19");
	run_generation(KDL_KGEN_5_10, "5.10");
	run_generation(KDL_KGEN_6_1, "6.1");
	run_generation(KDL_KGEN_6_16, "6.16");
	rt_test();
	debug_mutex_test();
	oom_test();
	lockdep_test(true);
	lockdep_test(false);
	percpu_test();
	garbage_test();
	state_test();
	return kdl_test_done();
}
