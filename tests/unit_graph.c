/* tests/unit_graph.c - the wait-for graph stage (core/graph/graph.h) over
 * models filled by hand: cycles, alternative explanations of one wait, and
 * the classification of findings (kind, and the deadlock flag the front-ends
 * read instead of deciding again). The lock stage that fills such models from
 * memory is tested in tests/unit_locks.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/model.h"
#include "core/graph/graph.h"
#include "tests/lib/kdltest.h"

#define DATA 0xffff8880010c0000ULL /* where the hand-made locks live */

static struct kdl_model *m;

static void hand_lock(struct kdl_lock *l, const char *name, enum kdl_lock_kind kind, int readers)
{
	memset(l, 0, sizeof(*l));
	l->address = DATA + 0x100 * (uint64_t)(l - m->locks);
	l->kind = kind;
	l->name = strdup(name);
	l->readers = readers;
	l->percpu_cpu = -1;
	l->stack_pid = -1;
}

static void hand_own(struct kdl_lock *l, int ti, enum kdl_mode mode, enum kdl_confidence conf)
{
	struct kdl_owner *o = realloc(l->owners, (l->nowners + 1) * sizeof(*o));

	if (!o)
		abort();
	l->owners = o;
	o = &o[l->nowners++];
	memset(o, 0, sizeof(*o));
	o->who.task = ti;
	o->who.ctx = KDL_CTX_TASK;
	o->pid = m->tasks[ti].pid;
	snprintf(o->comm, sizeof(o->comm), "%s", m->tasks[ti].comm);
	o->mode = mode;
	o->confidence = conf;
	o->alive = true;
}

static void hand_wait_ctx(int li, int ti, enum kdl_ctx ctx, enum kdl_mode mode)
{
	struct kdl_lock *l = &m->locks[li];
	struct kdl_waiter *w = realloc(l->waiters, (l->nwaiters + 1) * sizeof(*w));

	if (!w)
		abort();
	l->waiters = w;
	w[l->nwaiters].who.task = ti;
	w[l->nwaiters].who.ctx = ctx;
	w[l->nwaiters++].mode = mode;
	m->tasks[ti].waits_on = li;
	m->tasks[ti].wait_mode = mode;
}

static void hand_wait(int li, int ti, enum kdl_mode mode)
{
	hand_wait_ctx(li, ti, KDL_CTX_TASK, mode);
}

/* A model of nt blocked tasks (pids pid0, pid0 + 1, ..., named comm[i]) and
 * nl empty lock slots. */
static void hand_model(int nt, int nl, const char *const *comm, int pid0)
{
	m = calloc(1, sizeof(*m));
	m->tasks = calloc((size_t)nt, sizeof(*m->tasks));
	m->locks = calloc((size_t)nl, sizeof(*m->locks));
	if (!m || !m->tasks || !m->locks)
		abort();
	m->ntasks = (size_t)nt;
	m->nlocks = (size_t)nl;
	for (int i = 0; i < nt; i++) {
		m->tasks[i].pid = pid0 + i;
		snprintf(m->tasks[i].comm, sizeof(m->tasks[i].comm), "%s", comm[i]);
		snprintf(m->tasks[i].state, sizeof(m->tasks[i].state), "UN");
		m->tasks[i].cpu = -1;
		m->tasks[i].blocked_for_ns = -1;
		m->tasks[i].waits_on = -1;
	}
}

/* The 3-way cycle of the samples on a kernel that records no rwsem reader:
 * a holds m1 and waits sem for write; b (the true reader) and c both stand
 * where sem is taken for read, the count says 1 reader; b waits m2 held by c;
 * c waits m1. Two cycles, a-b-c and a-c, are two guesses about one wait: one
 * finding, naming both candidates, never certain. With a count of 2 both
 * readers hold it and both cycles are real. */
static void ambiguous_reader_test(int readers)
{
	static const char *const comm[] = { "c3_a", "c3_b", "c3_c" };
	enum { A, B, C };
	enum { M1, SEM, M2 };
	struct kdl_error *err;
	int nf = 0, fi = -1;

	hand_model(3, 3, comm, 70);
	hand_lock(&m->locks[M1], "m1", KDL_LOCK_MUTEX, -1);
	hand_lock(&m->locks[SEM], "sem", KDL_LOCK_RWSEM, readers);
	hand_lock(&m->locks[M2], "m2", KDL_LOCK_MUTEX, -1);
	hand_own(&m->locks[M1], A, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_own(&m->locks[SEM], B, KDL_MODE_READ, KDL_CONF_INFERRED);
	hand_own(&m->locks[SEM], C, KDL_MODE_READ, KDL_CONF_INFERRED);
	hand_own(&m->locks[M2], C, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_wait(SEM, A, KDL_MODE_WRITE);
	hand_wait(M2, B, KDL_MODE_EXCLUSIVE);
	hand_wait(M1, C, KDL_MODE_EXCLUSIVE);
	err = kdl_graph_build(m);
	kdl_test_ok(err, "ambiguous readers (%d): graph", readers);
	for (size_t i = 0; i < m->nfindings; i++)
		if (m->findings[i].cycle >= 0) {
			nf++;
			fi = (int)i;
		}
	if (getenv("KDL_TEST_VERBOSE"))
		for (size_t i = 0; i < m->nfindings; i++)
			fprintf(stderr, "finding %s: %s\n", kdl_finding_kind_name(m->findings[i].kind),
				m->findings[i].summary);
	if (readers == 1) {
		const struct kdl_finding *f = fi >= 0 ? &m->findings[fi] : NULL;
		const struct kdl_cycle *c = f ? &m->cycles[f->cycle] : NULL;

		KDL_CHECK(nf == 1 && m->ncycles == 1,
			  "1-reader rwsem, 2 candidates: one cycle finding (%d), one cycle (%zu)", nf,
			  m->ncycles);
		KDL_CHECK(f && f->kind == KDL_F_DEADLOCK && f->ntasks == 3 && c && c->n == 3,
			  "the finding follows the longest cycle, a -> b -> c, and names all three");
		KDL_CHECK(f && strstr(f->summary, "one of c3_b[71], c3_c[72]") &&
			  strstr(f->summary, "c3_b[71] (inferred)"),
			  "the finding names both candidates and marks the guess: %s",
			  f ? f->summary : "-");
		KDL_CHECK(f && f->confidence == KDL_CONF_INFERRED, "the finding is inferred");
	} else {
		KDL_CHECK(nf == 2 && m->ncycles == 2,
			  "2-reader rwsem, 2 readers: both cycles are real (%d findings, %zu cycles)",
			  nf, m->ncycles);
	}
	kdl_model_destroy(m);
	m = NULL;
}


/* One model with one scenario per finding kind, side by side: each kind must
 * come out, and kdl_finding.deadlock must be set exactly for the kinds where
 * none of the tasks can go on. */
static void kinds_test(void)
{
	static const char *const comm[] = {
		"abba_a", "abba_b", "self", "orph_w", "orph_dead", "conv_w", "conv_h", "lost_w",
		"other_w", "irq", "flush_a", "flush_w", "rw_r", "rw_w", "rw_r2", "spin_w", "spin_h",
	};
	enum { AA, AB, SELF, OW, OD, CW, CH, LW, XW, IRQ, FA, FW, RR, RW, RR2, SW, SH, NT };
	enum { L_A, L_B, L_SELF, L_ORPH, L_CONV, L_LOST, L_OTHER, L_IRQ, L_FM, L_FWORK, L_RWSEM,
	       L_RWM, L_SPIN, NL };
	static const struct { enum kdl_finding_kind kind; bool deadlock; } want[] = {
		{ KDL_F_DEADLOCK, true }, { KDL_F_RW_DEADLOCK, true },
		{ KDL_F_SELF_DEADLOCK, true }, { KDL_F_IRQ_SELF_DEADLOCK, true },
		{ KDL_F_FLUSH_DEADLOCK, true }, { KDL_F_ORPHANED_LOCK, false },
		{ KDL_F_CONVOY, false }, { KDL_F_LOST_WAKEUP, false }, { KDL_F_SPINNING, false },
		{ KDL_F_OTHER, false },
	};
	bool flags_ok = true, saw_true = false, saw_false = false;

	hand_model(NT, NL, comm, 100);
	/* ABBA */
	hand_lock(&m->locks[L_A], "a", KDL_LOCK_MUTEX, -1);
	hand_lock(&m->locks[L_B], "b", KDL_LOCK_MUTEX, -1);
	hand_own(&m->locks[L_A], AA, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_own(&m->locks[L_B], AB, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_wait(L_B, AA, KDL_MODE_EXCLUSIVE);
	hand_wait(L_A, AB, KDL_MODE_EXCLUSIVE);
	/* a task waits for a lock it holds */
	hand_lock(&m->locks[L_SELF], "self", KDL_LOCK_MUTEX, -1);
	hand_own(&m->locks[L_SELF], SELF, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_wait(L_SELF, SELF, KDL_MODE_EXCLUSIVE);
	/* held by a task that is gone */
	hand_lock(&m->locks[L_ORPH], "orph", KDL_LOCK_MUTEX, -1);
	hand_own(&m->locks[L_ORPH], OD, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	m->locks[L_ORPH].owners[0].alive = false;
	snprintf(m->tasks[OD].state, sizeof(m->tasks[OD].state), "ZO");
	hand_wait(L_ORPH, OW, KDL_MODE_EXCLUSIVE);
	/* waiting behind a live holder that waits for nothing */
	hand_lock(&m->locks[L_CONV], "conv", KDL_LOCK_MUTEX, -1);
	hand_own(&m->locks[L_CONV], CH, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_wait(L_CONV, CW, KDL_MODE_EXCLUSIVE);
	/* a completion nobody is about to complete */
	hand_lock(&m->locks[L_LOST], "done", KDL_LOCK_COMPLETION, -1);
	hand_wait(L_LOST, LW, KDL_MODE_EXCLUSIVE);
	/* a mutex whose holder is unknown */
	hand_lock(&m->locks[L_OTHER], "other", KDL_LOCK_MUTEX, -1);
	hand_wait(L_OTHER, XW, KDL_MODE_EXCLUSIVE);
	/* an irq on top of the task that holds the spinlock it spins on */
	hand_lock(&m->locks[L_IRQ], "irqlock", KDL_LOCK_SPINLOCK, -1);
	hand_own(&m->locks[L_IRQ], IRQ, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_wait_ctx(L_IRQ, IRQ, KDL_CTX_IRQ, KDL_MODE_EXCLUSIVE);
	/* a flusher holds what the work item it waits for needs */
	hand_lock(&m->locks[L_FM], "fm", KDL_LOCK_MUTEX, -1);
	hand_lock(&m->locks[L_FWORK], "work", KDL_LOCK_WORK, -1);
	hand_own(&m->locks[L_FM], FA, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_own(&m->locks[L_FWORK], FW, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_wait(L_FWORK, FA, KDL_MODE_EXCLUSIVE);
	hand_wait(L_FM, FW, KDL_MODE_EXCLUSIVE);
	/* a reader queued behind a writer that waits for the reader holding it */
	hand_lock(&m->locks[L_RWSEM], "rwsem", KDL_LOCK_RWSEM, 1);
	hand_lock(&m->locks[L_RWM], "rwm", KDL_LOCK_MUTEX, -1);
	hand_own(&m->locks[L_RWSEM], RR, KDL_MODE_READ, KDL_CONF_CERTAIN);
	hand_own(&m->locks[L_RWM], RR2, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_wait(L_RWSEM, RW, KDL_MODE_WRITE);
	hand_wait(L_RWSEM, RR2, KDL_MODE_READ);
	hand_wait(L_RWM, RR, KDL_MODE_EXCLUSIVE);
	/* a CPU spinning on a lock held by a task that waits for nothing */
	hand_lock(&m->locks[L_SPIN], "spin", KDL_LOCK_SPINLOCK, -1);
	hand_own(&m->locks[L_SPIN], SH, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN);
	hand_wait(L_SPIN, SW, KDL_MODE_EXCLUSIVE);
	m->cpus = calloc(1, sizeof(*m->cpus));
	if (!m->cpus)
		abort();
	m->ncpus = 1;
	m->cpus[0].task = SW;
	m->cpus[0].pid = m->tasks[SW].pid;
	m->cpus[0].spinning_on = L_SPIN;
	m->tasks[SW].cpu = 0;
	m->tasks[SW].on_cpu = true;

	kdl_test_ok(kdl_graph_build(m), "kinds: graph");
	if (getenv("KDL_TEST_VERBOSE"))
		for (size_t i = 0; i < m->nfindings; i++)
			fprintf(stderr, "finding %s: %s\n", kdl_finding_kind_name(m->findings[i].kind),
				m->findings[i].summary);
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		int n = 0;

		for (size_t i = 0; i < m->nfindings; i++)
			n += m->findings[i].kind == want[k].kind;
		KDL_CHECK(n == 1, "kinds: one %s finding (%d)", kdl_finding_kind_name(want[k].kind), n);
	}
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];
		bool dl = false;

		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
			if (want[k].kind == f->kind)
				dl = want[k].deadlock;
		if (f->deadlock != dl)
			fprintf(stderr, "%s: deadlock %d, want %d\n", kdl_finding_kind_name(f->kind),
				f->deadlock, dl);
		flags_ok &= f->deadlock == dl;
		saw_true |= f->deadlock;
		saw_false |= !f->deadlock;
	}
	KDL_CHECK(flags_ok && saw_true && saw_false,
		  "kinds: kdl_finding.deadlock is set for the deadlock kinds and only for them");
	kdl_model_destroy(m);
	m = NULL;
}

int main(void)
{
	ambiguous_reader_test(1);
	ambiguous_reader_test(2);
	kinds_test();
	return kdl_test_done();
}
