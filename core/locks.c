/* core/locks.c - what each blocked or spinning context waits on and who holds
 * it. Evidence, in order of trust: direct task fields (pi_blocked_on,
 * blocked_on, blocker), the waiter record on the task's own stack (validated
 * by walking its list to a head that is no waiter), the lock's own wait list,
 * and for spinning CPUs the slowpath's first argument validated by the lock
 * word. Function names of the blocking frames only choose which record type
 * to look for; they never make up an address. */
#include "locks_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"

/* ---- small helpers ---------------------------------------------------- */

bool kdl_lk_u64(struct kdl_lk *s, uint64_t addr, uint64_t *v)
{
	return kdl_target_peek_u64(s->t, addr, v);
}

bool kdl_lk_u32(struct kdl_lk *s, uint64_t addr, uint32_t *v)
{
	struct kdl_error *err = kdl_target_read_u32(s->t, addr, v);

	if (err) {
		kdl_error_destroy(err);
		return false;
	}
	return true;
}

bool kdl_lk_field(struct kdl_lk *s, uint64_t base, const struct kdl_lfield *f, uint64_t *v)
{
	unsigned char b[8] = { 0 };
	size_t n;
	struct kdl_error *err;
	uint64_t x = 0;

	if (!f->ok)
		return false;
	n = f->size && f->size <= 8 ? f->size : 8;
	err = kdl_target_read(s->t, base + f->off, b, n);
	if (err) {
		kdl_error_destroy(err);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		x |= (uint64_t)b[i] << (8 * i);
	*v = x;
	return true;
}

void kdl_lk_sanitise(char *buf)
{
	for (unsigned char *p = (unsigned char *)buf; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			*p = '?';
}

bool kdl_lk_string(struct kdl_lk *s, uint64_t addr, char *buf, size_t len)
{
	struct kdl_error *err;

	if (!len)
		return false;
	buf[0] = 0;
	for (size_t i = 0; i + 1 < len; i++) {
		err = kdl_target_read(s->t, addr + i, &buf[i], 1);
		if (err) {
			kdl_error_destroy(err);
			buf[i] = 0;
			return i > 0;
		}
		if (!buf[i])
			break;
	}
	buf[len - 1] = 0;
	kdl_lk_sanitise(buf);
	return true;
}

char *kdl_lk_strdup(const char *str)
{
	size_t n;
	char *p;

	if (!str)
		return NULL;
	n = strlen(str) + 1;
	p = malloc(n);
	if (p)
		memcpy(p, str, n);
	return p;
}

char *kdl_lk_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return kdl_lk_strdup(buf);
}

static int cmp_addr(const void *a, const void *b)
{
	const struct kdl_lk_addr *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_stack(const void *a, const void *b)
{
	const struct kdl_lk_stack *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void kdl_lk_sort(struct kdl_lk *s)
{
	qsort(s->taddr, s->ntaddr, sizeof(*s->taddr), cmp_addr);
	qsort(s->stacks, s->nstacks, sizeof(*s->stacks), cmp_stack);
}

int kdl_lk_task_by_addr(const struct kdl_lk *s, uint64_t addr)
{
	size_t lo = 0, hi = s->ntaddr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->taddr[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->ntaddr && s->taddr[lo].addr == addr)
		return s->taddr[lo].idx;
	return -1;
}

int kdl_lk_stack_of(const struct kdl_lk *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nstacks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->stacks[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	if (addr < s->stacks[lo - 1].hi)
		return s->stacks[lo - 1].task;
	return -1;
}

bool kdl_locks_read_task_state(struct kdl_target *t, const struct kdl_layout_locks *L,
			       uint64_t task, uint64_t *state)
{
	struct kdl_lk s;

	memset(&s, 0, sizeof(s));
	s.t = t;
	return kdl_lk_field(&s, task, &L->task.state, state);
}

/* ---- frame classification ---------------------------------------------- */

enum wk {
	WK_NONE = 0,
	WK_SCHED,
	WK_SLEEP,
	WK_FUTEX,
	WK_IO,
	WK_PAGE,
	WK_COMPLETION,
	WK_RT,
	WK_SEM,
	WK_MUTEX,
	WK_RWSEM_R,
	WK_RWSEM_W,
	WK_RT_SPIN,
	WK_RT_RWLOCK_R,
	WK_RT_RWLOCK_W,
	WK_PCPU_R,
	WK_PCPU_W,
	WK_FLUSH,
	/* spinning (CPU) kinds, looked for separately */
	WK_SPIN,
	WK_RWLOCK_R,
	WK_RWLOCK_W,
};

struct fnpat {
	const char *name;
	bool prefix;
	enum wk k;
};

/* First match wins; more specific names come before their prefixes. */
static const struct fnpat fnpats[] = {
	{ "__schedule", false, WK_SCHED },
	{ "schedule", false, WK_SCHED },
	{ "schedule_preempt_disabled", false, WK_SCHED },
	{ "schedule_timeout", false, WK_SCHED },
	{ "schedule_hrtimeout", true, WK_SCHED },
	{ "io_schedule", true, WK_IO },
	{ "preempt_schedule", true, WK_SCHED },
	{ "rt_mutex_schedule", false, WK_SCHED },
	{ "schedule_rtlock", false, WK_SCHED },
	{ "context_switch", false, WK_SCHED },
	{ "__switch_to", true, WK_SCHED },
	{ "freezable_schedule", true, WK_SCHED },
	{ "rwsem_down_read_slowpath", false, WK_RWSEM_R },
	{ "rwsem_down_write_slowpath", false, WK_RWSEM_W },
	{ "__down_read", true, WK_RWSEM_R },
	{ "down_read", true, WK_RWSEM_R },
	{ "__down_write", true, WK_RWSEM_W },
	{ "down_write", true, WK_RWSEM_W },
	{ "__rwbase_read_lock", false, WK_RWSEM_R },
	{ "rwbase_read_lock", false, WK_RWSEM_R },
	{ "rwbase_write_lock", false, WK_RWSEM_W },
	{ "rt_read_lock", false, WK_RT_RWLOCK_R },
	{ "rt_write_lock", false, WK_RT_RWLOCK_W },
	{ "rt_spin_lock", true, WK_RT_SPIN },
	{ "rtlock_slowlock", true, WK_RT },
	{ "rt_mutex_slowlock", true, WK_RT },
	{ "__rt_mutex_slowlock", true, WK_RT },
	{ "__rt_mutex_lock", true, WK_RT },
	{ "rt_mutex_lock", true, WK_RT },
	{ "task_blocks_on_rt_mutex", false, WK_RT },
	{ "__mutex_lock", true, WK_MUTEX },
	{ "mutex_lock", true, WK_MUTEX },
	{ "__ww_mutex_lock", true, WK_MUTEX },
	{ "ww_mutex_lock", true, WK_MUTEX },
	{ "percpu_rwsem_wait", false, WK_PCPU_R },
	{ "__percpu_down_read", false, WK_PCPU_R },
	{ "percpu_down_read", false, WK_PCPU_R },
	{ "percpu_down_write", false, WK_PCPU_W },
	{ "___down_common", false, WK_SEM },
	{ "__down", true, WK_SEM },
	{ "down", false, WK_SEM },
	{ "down_interruptible", false, WK_SEM },
	{ "down_killable", false, WK_SEM },
	{ "down_timeout", false, WK_SEM },
	{ "__flush_work", false, WK_FLUSH },
	{ "flush_work", false, WK_FLUSH },
	{ "__cancel_work_timer", false, WK_FLUSH },
	{ "__cancel_work_sync", false, WK_FLUSH },
	{ "cancel_work_sync", false, WK_FLUSH },
	{ "cancel_delayed_work_sync", false, WK_FLUSH },
	{ "flush_delayed_work", false, WK_FLUSH },
	{ "wait_for_completion", true, WK_COMPLETION },
	{ "__wait_for_common", false, WK_COMPLETION },
	{ "wait_for_common", true, WK_COMPLETION },
	{ "do_wait_for_common", false, WK_COMPLETION },
	{ "folio_wait_bit", true, WK_PAGE },
	{ "__folio_lock", true, WK_PAGE },
	{ "folio_wait_writeback", false, WK_PAGE },
	{ "wait_on_page_bit", true, WK_PAGE },
	{ "__lock_page", true, WK_PAGE },
	{ "bit_wait_io", false, WK_IO },
	{ "out_of_line_wait_on_bit", true, WK_IO },
	{ "__wait_on_buffer", false, WK_IO },
	{ "submit_bio_wait", false, WK_IO },
	{ "blk_mq_get_tag", false, WK_IO },
	{ "msleep", true, WK_SLEEP },
	{ "usleep_range", true, WK_SLEEP },
	{ "do_nanosleep", false, WK_SLEEP },
	{ "hrtimer_nanosleep", false, WK_SLEEP },
	{ "futex_wait", true, WK_FUTEX },
	{ "native_queued_spin_lock_slowpath", false, WK_SPIN },
	{ "__pv_queued_spin_lock_slowpath", false, WK_SPIN },
	{ "queued_spin_lock_slowpath", false, WK_SPIN },
	{ "do_raw_spin_lock", false, WK_SPIN },
	{ "_raw_spin_lock", true, WK_SPIN },
	{ "__raw_spin_lock", true, WK_SPIN },
	{ "queued_read_lock_slowpath", false, WK_RWLOCK_R },
	{ "queued_write_lock_slowpath", false, WK_RWLOCK_W },
	{ "do_raw_read_lock", false, WK_RWLOCK_R },
	{ "do_raw_write_lock", false, WK_RWLOCK_W },
	{ "_raw_read_lock", true, WK_RWLOCK_R },
	{ "_raw_write_lock", true, WK_RWLOCK_W },
};

static enum wk classify_fn(const char *fn)
{
	size_t n;
	const char *dot;

	if (!fn)
		return WK_NONE;
	/* "foo.constprop.0" / "foo.isra.0" are foo */
	dot = strchr(fn, '.');
	n = dot ? (size_t)(dot - fn) : strlen(fn);
	for (size_t i = 0; i < sizeof(fnpats) / sizeof(fnpats[0]); i++) {
		size_t pn = strlen(fnpats[i].name);

		if (fnpats[i].prefix ? (n >= pn && !strncmp(fn, fnpats[i].name, pn))
				     : (n == pn && !strncmp(fn, fnpats[i].name, pn)))
			return fnpats[i].k;
	}
	return WK_NONE;
}

/* Priority of a kind when several frames of one blocking run match. */
static int wk_prio(enum wk k)
{
	switch (k) {
	case WK_FLUSH: return 20;
	case WK_PCPU_R: case WK_PCPU_W: return 19;
	case WK_RT_RWLOCK_R: case WK_RT_RWLOCK_W: return 18;
	case WK_RT_SPIN: return 17;
	case WK_RWSEM_R: case WK_RWSEM_W: return 16;
	case WK_MUTEX: return 15;
	case WK_SEM: return 14;
	case WK_RT: return 13;
	case WK_COMPLETION: return 12;
	case WK_PAGE: return 6;
	case WK_IO: return 5;
	case WK_FUTEX: return 4;
	case WK_SLEEP: return 3;
	case WK_SCHED: return 1;
	default: return 0;
	}
}

struct blockinfo {
	enum wk kind;
	int kind_frame;  /* frame that decided the kind */
	int caller;      /* first frame after the blocking run, -1 none */
	const char *label; /* function that blocked (caller of the primitive) */
};

static void classify_frames(const struct kdl_frame *f, size_t n, struct blockinfo *bi)
{
	size_t lim = n < KDL_LK_MAX_FRAMES ? n : KDL_LK_MAX_FRAMES;

	memset(bi, 0, sizeof(*bi));
	bi->caller = -1;
	bi->kind_frame = -1;
	for (size_t i = 0; i < lim; i++) {
		enum wk k = classify_fn(f[i].function);

		if (f[i].inlined && k == WK_NONE)
			continue;
		if (k == WK_NONE) {
			bi->caller = (int)i;
			bi->label = f[i].function;
			return;
		}
		if (wk_prio(k) > wk_prio(bi->kind)) {
			bi->kind = k;
			bi->kind_frame = (int)i;
		}
	}
}

const char *kdl_lk_blocking_fn(const struct kdl_frame *f, size_t n)
{
	struct blockinfo bi;

	classify_frames(f, n, &bi);
	return bi.label;
}

/* ---- the lock registry -------------------------------------------------- */

static size_t lmap_slot(const struct kdl_lk *s, uint64_t addr)
{
	size_t h = (size_t)((addr >> 3) * 0x9e3779b97f4a7c15ULL), mask = s->lmap_cap - 1;

	for (h &= mask; s->lmap[h].idx >= 0 && s->lmap[h].addr != addr; h = (h + 1) & mask)
		;
	return h;
}

/* Index of the lock at addr in the model, or -1 (a hash kept beside
 * model->locks: big dumps have tens of thousands of locks). */
static int lmap_find(const struct kdl_lk *s, uint64_t addr)
{
	if (!s->lmap_cap)
		return -1;
	return s->lmap[lmap_slot(s, addr)].idx;
}

static bool lmap_put(struct kdl_lk *s, uint64_t addr, int idx)
{
	if ((size_t)idx * 2 + 2 > s->lmap_cap) {
		size_t cap = s->lmap_cap ? s->lmap_cap * 2 : 1024;
		struct kdl_lk_addr *old = s->lmap, *nm = malloc(cap * sizeof(*nm));
		size_t ocap = s->lmap_cap;

		if (!nm)
			return false;
		for (size_t i = 0; i < cap; i++)
			nm[i].idx = -1;
		s->lmap = nm;
		s->lmap_cap = cap;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].idx >= 0)
				s->lmap[lmap_slot(s, old[i].addr)] = old[i];
		free(old);
	}
	s->lmap[lmap_slot(s, addr)] = (struct kdl_lk_addr){ addr, idx };
	return true;
}

static int lock_get(struct kdl_lk *s, uint64_t addr, enum kdl_lock_kind kind)
{
	struct kdl_model *m = s->m;
	int li = lmap_find(s, addr);
	struct kdl_lock *nl;

	if (li >= 0) {
		/* a more specific kind wins over the generic ones */
		if (m->locks[li].kind == KDL_LOCK_WAITQUEUE || m->locks[li].kind == KDL_LOCK_OTHER)
			m->locks[li].kind = kind;
		return li;
	}
	if (s->locks_cap < m->nlocks + 1) {
		/* doubling: a big dump has tens of thousands of locks */
		size_t cap = s->locks_cap ? s->locks_cap * 2 : 64;

		if (cap < m->nlocks + 1)
			cap = m->nlocks + 1;
		nl = realloc(m->locks, cap * sizeof(*nl));
		if (!nl)
			return -1;
		m->locks = nl;
		s->locks_cap = cap;
	}
	if (s->extra_cap < m->nlocks + 1) {
		size_t cap = s->extra_cap ? s->extra_cap * 2 : 32;
		struct kdl_lk_extra *ne = realloc(s->extra, cap * sizeof(*ne));

		if (!ne)
			return -1;
		s->extra = ne;
		s->extra_cap = cap;
	}
	if (!lmap_put(s, addr, (int)m->nlocks))
		return -1;
	memset(&s->extra[m->nlocks], 0, sizeof(s->extra[0]));
	nl = &m->locks[m->nlocks];
	memset(nl, 0, sizeof(*nl));
	nl->address = addr;
	nl->kind = kind;
	nl->readers = -1;
	nl->percpu_cpu = -1;
	nl->stack_pid = -1;
	nl->quality = KDL_Q_OK;
	return (int)m->nlocks++;
}

static void add_waiter(struct kdl_lk *s, int li, struct kdl_ctxref who, enum kdl_mode mode)
{
	struct kdl_lock *l = &s->m->locks[li];
	struct kdl_waiter *nw;

	for (size_t i = 0; i < l->nwaiters; i++)
		if (l->waiters[i].who.task == who.task && l->waiters[i].who.ctx == who.ctx)
			return;
	nw = realloc(l->waiters, (l->nwaiters + 1) * sizeof(*nw));
	if (!nw)
		return;
	l->waiters = nw;
	nw[l->nwaiters].who = who;
	nw[l->nwaiters].mode = mode;
	l->nwaiters++;
}

static bool task_alive(const struct kdl_task *t)
{
	if (t->exit_state)
		return false;
	if (!strcmp(t->state, "ZO") || !strcmp(t->state, "DE"))
		return false;
	return true;
}

static void add_owner(struct kdl_lk *s, int li, uint64_t task_addr, enum kdl_ctx ctx,
		      enum kdl_mode mode, enum kdl_confidence conf, const char *why)
{
	struct kdl_lock *l = &s->m->locks[li];
	struct kdl_owner *no, *o;
	int ti;

	if (!task_addr)
		return;
	for (size_t i = 0; i < l->nowners; i++) {
		o = &l->owners[i];
		if (o->task_addr == task_addr && o->who.ctx == ctx) {
			if (conf < o->confidence) {
				o->confidence = conf;
				o->why = why;
				o->mode = mode;
			}
			return;
		}
	}
	no = realloc(l->owners, (l->nowners + 1) * sizeof(*no));
	if (!no)
		return;
	l->owners = no;
	o = &no[l->nowners++];
	memset(o, 0, sizeof(*o));
	ti = kdl_lk_task_by_addr(s, task_addr);
	o->who.task = ti;
	o->who.ctx = ctx;
	o->task_addr = task_addr;
	o->mode = mode;
	o->confidence = conf;
	o->why = why;
	if (ti >= 0) {
		const struct kdl_task *t = &s->m->tasks[ti];

		o->pid = t->pid;
		snprintf(o->comm, sizeof(o->comm), "%s", t->comm);
		o->alive = task_alive(t);
	} else {
		/* not in the task list: exited and reaped, freed or garbage */
		uint64_t pid;
		char comm[17];

		o->pid = -1;
		o->alive = false;
		if (kdl_lk_field(s, task_addr, &s->L->task.pid, &pid) && pid < 0x400000)
			o->pid = (int)pid;
		if (s->L->task.comm.ok && kdl_lk_string(s, task_addr + s->L->task.comm.off, comm,
							 sizeof(comm)))
			snprintf(o->comm, sizeof(o->comm), "%s", comm);
	}
}

/* ---- waiter records on the stack ----------------------------------------- */

struct wrec {
	uint32_t list_off;  /* list_head inside the record */
	uint32_t task_off;  /* task pointer inside the record */
	uint64_t head_off;  /* lock = head - head_off */
	bool ok;
};

static struct wrec mkrec(const struct kdl_lfield *list, const struct kdl_lfield *task,
			 const struct kdl_lfield *head1, const struct kdl_lfield *head2)
{
	struct wrec w = { 0, 0, 0, false };

	if (!list->ok || !task->ok || !head1->ok || (head2 && !head2->ok))
		return w;
	w.list_off = list->off;
	w.task_off = task->off;
	w.head_off = head1->off + (head2 ? head2->off : 0);
	w.ok = true;
	return w;
}

/* Is `node` the head of the list (not a waiter record of this type)? */
static bool is_head(struct kdl_lk *s, const struct wrec *w, uint64_t node)
{
	uint64_t tk;

	if (kdl_lk_stack_of(s, node) < 0)
		return true;
	if (!kdl_lk_u64(s, node - w->list_off + w->task_off, &tk))
		return true;
	return kdl_lk_task_by_addr(s, tk) < 0;
}

/* Walk from a record's list node to the list head; 0 when not found. */
static uint64_t walk_to_head(struct kdl_lk *s, const struct wrec *w, uint64_t node0)
{
	uint64_t node = node0, next;

	for (int i = 0; i < KDL_LK_MAX_LIST; i++) {
		if (!kdl_lk_u64(s, node, &next) || !kdl_lk_kptr(next))
			return 0;
		if (next == node0)
			return 0;
		if (is_head(s, w, next))
			return next;
		node = next;
	}
	return 0;
}

/* Scan [lo, hi) of task ti's stack for a waiter record of type w whose task is
 * this task and whose list leads to a head; returns the head's lock. */
static bool scan_waiter(struct kdl_lk *s, int ti, uint64_t lo, uint64_t hi,
			const struct wrec *w, uint64_t *lock, uint64_t *rec)
{
	uint64_t me = s->m->tasks[ti].addr;
	uint64_t *buf;
	size_t nw;
	bool found = false;
	struct kdl_error *err;

	if (!w->ok || hi <= lo)
		return false;
	lo &= ~7ULL;
	if (hi - lo > KDL_LK_MAX_SCAN)
		hi = lo + KDL_LK_MAX_SCAN;
	nw = (hi - lo) / 8;
	buf = calloc(nw + 2, 8);
	if (!buf)
		return false;
	/* one read; word by word only when a page of the stack is missing */
	err = kdl_target_read(s->t, lo, buf, (nw + 2) * 8);
	if (err) {
		kdl_error_destroy(err);
		for (size_t i = 0; i < nw + 2; i++)
			if (!kdl_lk_u64(s, lo + 8 * i, &buf[i]))
				buf[i] = 0;
	}
	for (size_t i = 0; i < nw && !found; i++) {
		uint64_t a = lo + 8 * i, next = buf[i], prev = buf[i + 1], tk, back, head;
		uint64_t recaddr = a - w->list_off;

		if (!kdl_lk_kptr(next) || !kdl_lk_kptr(prev) || next == a)
			continue;
		if (!kdl_lk_u64(s, recaddr + w->task_off, &tk) || tk != me)
			continue;
		if (!kdl_lk_u64(s, next + 8, &back) || back != a)
			continue;
		head = walk_to_head(s, w, a);
		if (!head)
			continue;
		*lock = head - w->head_off;
		*rec = recaddr;
		found = true;
	}
	free(buf);
	return found;
}

/* ---- workqueue ------------------------------------------------------------ */

static uint64_t worker_of(struct kdl_lk *s, int ti)
{
	const struct kdl_layout_locks *L = s->L;
	uint64_t kt, w, wt;
	const struct kdl_task *t = &s->m->tasks[ti];

	if (s->worker[ti] != 0)
		return s->worker[ti] == 1 ? 0 : s->worker[ti];
	s->worker[ti] = 1;
	if (!t->kthread || strncmp(t->comm, "kworker", 7))
		return 0;
	if (!kdl_lk_field(s, t->addr, &L->task.worker_private, &kt) || !kdl_lk_kptr(kt))
		return 0;
	if (!kdl_lk_field(s, kt, &L->kthread.data, &w) || !kdl_lk_kptr(w))
		return 0;
	if (!kdl_lk_field(s, w, &L->worker.task, &wt) || wt != t->addr)
		return 0;
	s->worker[ti] = w;
	return w;
}

/* The kworker executing work item `work`, or -1. */
static int kworker_running(struct kdl_lk *s, uint64_t work)
{
	for (size_t i = 0; i < s->m->ntasks; i++) {
		uint64_t w = worker_of(s, (int)i), cur;

		if (w && kdl_lk_field(s, w, &s->L->worker.current_work, &cur) && cur == work)
			return (int)i;
	}
	return -1;
}

/* From the wq_barrier a flusher waits on, find the work item it flushes:
 * the barrier sits right after the target in the pool's worklist, or first
 * in worker->scheduled of the worker executing the target. */
static uint64_t flushed_work(struct kdl_lk *s, uint64_t barr)
{
	const struct kdl_layout_locks *L = s->L;
	uint64_t entry, prev;

	if (!L->wq_barrier.work.ok || !L->work.entry.ok)
		return 0;
	entry = barr + L->wq_barrier.work.off + L->work.entry.off;
	if (!kdl_lk_u64(s, entry + 8, &prev) || !kdl_lk_kptr(prev) || prev == entry)
		return 0;
	for (size_t i = 0; i < s->m->ntasks; i++) {
		uint64_t w = worker_of(s, (int)i), cur;

		if (w && L->worker.scheduled.ok && w + L->worker.scheduled.off == prev &&
		    kdl_lk_field(s, w, &L->worker.current_work, &cur) && kdl_lk_kptr(cur))
			return cur;
	}
	return prev - L->work.entry.off;
}

/* ---- per-task analysis -------------------------------------------------- */

static void set_wait(struct kdl_lk *s, int ti, enum kdl_ctx ctx, int li, enum kdl_mode mode,
		     const char *how)
{
	struct kdl_task *t = &s->m->tasks[ti];
	struct kdl_ctxref who = { ti, ctx };

	if (li < 0)
		return;
	if (t->waits_on < 0) {
		t->waits_on = li;
		t->wait_mode = mode;
		t->waits_how = how;
	}
	add_waiter(s, li, who, mode);
}

static enum kdl_mode wk_mode(enum wk k)
{
	switch (k) {
	case WK_RWSEM_R: case WK_RT_RWLOCK_R: case WK_PCPU_R: case WK_RWLOCK_R:
		return KDL_MODE_READ;
	case WK_RWSEM_W: case WK_RT_RWLOCK_W: case WK_PCPU_W: case WK_RWLOCK_W:
		return KDL_MODE_WRITE;
	default:
		return KDL_MODE_EXCLUSIVE;
	}
}

/* An rt_mutex_base found through pi_blocked_on, as the primitive built on it. */
static void wait_rt(struct kdl_lk *s, int ti, uint64_t rtb, enum wk k)
{
	const struct kdl_layout_locks *L = s->L;
	uint64_t addr = rtb;
	enum kdl_lock_kind kind = KDL_LOCK_RT_MUTEX;
	const char *how = "task->pi_blocked_on";

	switch (k) {
	case WK_MUTEX:
		if (L->mutex.rtmutex.ok) {
			addr = rtb - L->mutex.rtmutex.off;
			kind = KDL_LOCK_MUTEX;
		}
		break;
	case WK_RWSEM_R: case WK_RWSEM_W:
		if (L->rwsem.rwbase.ok && L->rwbase_rt.rtmutex.ok) {
			addr = rtb - L->rwbase_rt.rtmutex.off - L->rwsem.rwbase.off;
			kind = KDL_LOCK_RWSEM;
		}
		break;
	case WK_RT_SPIN:
		kind = KDL_LOCK_SPINLOCK; /* spinlock_t is an rt_mutex_base on RT */
		break;
	case WK_RT_RWLOCK_R: case WK_RT_RWLOCK_W:
		if (L->rwbase_rt.rtmutex.ok) {
			addr = rtb - L->rwbase_rt.rtmutex.off;
			kind = KDL_LOCK_RWLOCK;
		}
		break;
	default:
		break;
	}
	set_wait(s, ti, KDL_CTX_TASK, lock_get(s, addr, kind), wk_mode(k), how);
}

static void other_wait(struct kdl_lk *s, int ti, const struct blockinfo *bi,
		       const struct kdl_frame *f, size_t n)
{
	struct kdl_task *t = &s->m->tasks[ti];
	const char *kind = "other", *label = bi->label;

	switch (bi->kind) {
	case WK_SLEEP: kind = "sleep"; break;
	case WK_IO: kind = "io"; break;
	case WK_PAGE: kind = "page_lock"; break;
	case WK_FUTEX: kind = "futex"; break;
	default: break;
	}
	/* a sleep/io/page wait is labelled by its primitive, others by the caller */
	if (bi->kind_frame >= 0 && (size_t)bi->kind_frame < n && bi->kind > WK_SCHED &&
	    bi->kind <= WK_PAGE && f[bi->kind_frame].function)
		label = f[bi->kind_frame].function;
	if (!label && n)
		label = f[n - 1].function;
	t->other.kind = kdl_lk_strdup(kind);
	t->other.label = kdl_lk_strdup(label ? label : "?");
}

static void analyse_task(struct kdl_lk *s, int ti)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_task *t = &s->m->tasks[ti];
	const struct kdl_frame *f = t->frames;
	size_t n = t->frames_done ? t->nframes : 0;
	struct blockinfo bi;
	uint64_t v, lock = 0, rec = 0, lo, hi;
	bool uninterruptible = !strcmp(t->state, "UN") || t->rtlock_wait;
	struct wrec w;
	enum kdl_lock_kind kind;

	if (t->on_cpu && !t->rtlock_wait)
		return; /* running: spinning is found through its CPU */
	if (t->exit_state)
		return;
	classify_frames(f, n, &bi);

	/* 1. direct fields */
	if (kdl_lk_field(s, t->addr, &L->task.pi_blocked_on, &v) && kdl_lk_kptr(v)) {
		uint64_t rtb;

		if (kdl_lk_field(s, v, &L->rt_mutex_waiter.lock, &rtb) && kdl_lk_kptr(rtb)) {
			wait_rt(s, ti, rtb, bi.kind);
			return;
		}
	}
	if (kdl_lk_field(s, t->addr, &L->task.blocker, &v) && v) {
		/* 6.16+: low 2 bits say the type (mutex, semaphore, rwsem read/write) */
		static const enum kdl_lock_kind bk[4] = { KDL_LOCK_MUTEX, KDL_LOCK_SEMAPHORE,
							  KDL_LOCK_RWSEM, KDL_LOCK_RWSEM };
		static const enum kdl_mode bm[4] = { KDL_MODE_EXCLUSIVE, KDL_MODE_EXCLUSIVE,
						     KDL_MODE_READ, KDL_MODE_WRITE };
		uint64_t a = v & ~3ULL;

		if (kdl_lk_kptr(a)) {
			set_wait(s, ti, KDL_CTX_TASK, lock_get(s, a, bk[v & 3]), bm[v & 3],
				 "task->blocker");
			return;
		}
	}
	if (kdl_lk_field(s, t->addr, &L->task.blocker_mutex, &v) && kdl_lk_kptr(v)) {
		set_wait(s, ti, KDL_CTX_TASK, lock_get(s, v, KDL_LOCK_MUTEX), KDL_MODE_EXCLUSIVE,
			 "task->blocker_mutex");
		return;
	}
	if (kdl_lk_field(s, t->addr, &L->task.blocked_on, &v) && kdl_lk_kptr(v)) {
		/* DEBUG_MUTEXES: the mutex_waiter; its list leads to the mutex */
		w = mkrec(&L->mutex_waiter.list, &L->mutex_waiter.task, &L->mutex.wait_list, NULL);
		if (w.ok) {
			uint64_t head = walk_to_head(s, &w, v + w.list_off);

			if (head) {
				set_wait(s, ti, KDL_CTX_TASK,
					 lock_get(s, head - w.head_off, KDL_LOCK_MUTEX),
					 KDL_MODE_EXCLUSIVE, "task->blocked_on");
				return;
			}
		}
	}

	/* 2. the waiter record on the task's own stack */
	if (!n)
		return;
	lo = f[0].sp;
	if (bi.caller >= 0 && (size_t)bi.caller + 1 < n && f[bi.caller + 1].sp > lo)
		hi = f[bi.caller + 1].sp;
	else
		hi = f[n - 1].sp + 512;
	if (!lo || hi <= lo) {
		hi = f[n - 1].sp;
		lo = hi > 2048 ? hi - 2048 : 0;
	}
	if (t->stack_base) {
		uint64_t top = t->stack_base + s->tsize;

		if (lo < t->stack_base)
			lo = t->stack_base;
		if (hi > top)
			hi = top;
	}

	memset(&w, 0, sizeof(w));
	kind = KDL_LOCK_OTHER;
	switch (bi.kind) {
	case WK_MUTEX:
		w = mkrec(&L->mutex_waiter.list, &L->mutex_waiter.task, &L->mutex.wait_list, NULL);
		kind = KDL_LOCK_MUTEX;
		break;
	case WK_RWSEM_R: case WK_RWSEM_W:
		w = mkrec(&L->rwsem_waiter.list, &L->rwsem_waiter.task, &L->rwsem.wait_list, NULL);
		kind = KDL_LOCK_RWSEM;
		break;
	case WK_SEM:
		w = mkrec(&L->semaphore_waiter.list, &L->semaphore_waiter.task,
			  &L->semaphore.wait_list, NULL);
		kind = KDL_LOCK_SEMAPHORE;
		break;
	case WK_COMPLETION: case WK_FLUSH:
		if (L->completion_swait)
			w = mkrec(&L->swait.task_list, &L->swait.task, &L->completion.wait,
				  &L->swait_head.task_list);
		else
			w = mkrec(&L->wq_entry.entry, &L->wq_entry.private_, &L->completion.wait,
				  &L->wq_head.head);
		kind = KDL_LOCK_COMPLETION;
		break;
	case WK_PCPU_R: case WK_PCPU_W:
		w = mkrec(&L->wq_entry.entry, &L->wq_entry.private_, &L->percpu_rwsem.waiters,
			  &L->wq_head.head);
		kind = KDL_LOCK_PERCPU_RWSEM;
		break;
	default:
		break;
	}
	if (w.ok && scan_waiter(s, ti, lo, hi, &w, &lock, &rec)) {
		enum kdl_mode mode = wk_mode(bi.kind);
		uint64_t type;

		if (kind == KDL_LOCK_RWSEM &&
		    kdl_lk_field(s, rec, &L->rwsem_waiter.type, &type))
			mode = type == 0 ? KDL_MODE_WRITE : KDL_MODE_READ;
		if (bi.kind == WK_FLUSH && L->wq_barrier.done.ok) {
			uint64_t barr = lock - L->wq_barrier.done.off, bt, work;

			if (kdl_lk_field(s, barr, &L->wq_barrier.task, &bt) && bt == t->addr &&
			    (work = flushed_work(s, barr)) != 0) {
				set_wait(s, ti, KDL_CTX_TASK, lock_get(s, work, KDL_LOCK_WORK),
					 KDL_MODE_EXCLUSIVE, "wq_barrier on the stack, queued behind the work");
				return;
			}
		}
		set_wait(s, ti, KDL_CTX_TASK, lock_get(s, lock, kind), mode,
			 "waiter record on the task's stack");
		return;
	}
	/* 3. a wait queue entry of this task (wait_event and friends) */
	if (uninterruptible || bi.kind >= WK_COMPLETION) {
		w = mkrec(&L->wq_entry.entry, &L->wq_entry.private_, &L->wq_head.head, NULL);
		if (scan_waiter(s, ti, lo, hi, &w, &lock, &rec)) {
			set_wait(s, ti, KDL_CTX_TASK, lock_get(s, lock, KDL_LOCK_WAITQUEUE),
				 KDL_MODE_EXCLUSIVE, "wait queue entry on the task's stack");
			return;
		}
	}
	/* 4. anything else a blocked task does is an "other" wait */
	if (uninterruptible || (bi.kind >= WK_COMPLETION && bi.kind != WK_RT))
		other_wait(s, ti, &bi, f, n);
}

/* ---- spinning CPUs -------------------------------------------------------- */

/* Is `a` plausibly the lock a CPU spins on? With DEBUG_SPINLOCK the magic
 * says it; otherwise the lock word must be taken and well-formed: a qspinlock
 * has locked and pending bytes of 0 or 1 (tail above), a qrwlock has a writer
 * byte of 0 or 0xff. */
static bool spin_candidate_ok(struct kdl_lk *s, uint64_t a, bool rw)
{
	const struct kdl_layout_locks *L = s->L;
	uint32_t word, magic;

	if (!kdl_lk_kptr(a) || (a & 3))
		return false;
	if (!kdl_lk_u32(s, a, &word))
		return false;
	if (rw ? L->rwlock.magic.ok : L->raw_spinlock.magic.ok) {
		uint32_t off = rw ? L->rwlock.magic.off : L->raw_spinlock.magic.off;

		if (!kdl_lk_u32(s, a + off, &magic))
			return false;
		return magic == (rw ? 0xdeaf1eedU : 0xdead4eadU);
	}
	if (!word)
		return false;
	if (rw)
		return (word & 0xff) == 0 || (word & 0xff) == 0xff;
	return (word & 0xff) <= 1 && ((word >> 8) & 0xff) <= 1;
}

static void analyse_cpu(struct kdl_lk *s, size_t ci)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_cpu *c = &s->m->cpus[ci];
	const struct kdl_frame *f = c->frames;
	size_t n = c->nframes, lim = n < 8 ? n : 8;
	int sp = -1;
	enum wk k = WK_NONE;
	bool rw;
	uint64_t cand[24], addr = 0;
	size_t nc = 0;
	int li;

	if (c->task < 0)
		return;
	for (size_t i = 0; i < lim; i++) {
		enum wk fk = classify_fn(f[i].function);

		if (fk == WK_SPIN && sp < 0) {
			sp = (int)i;
			k = fk;
		} else if ((fk == WK_RWLOCK_R || fk == WK_RWLOCK_W)) {
			if (sp < 0)
				sp = (int)i;
			k = fk;
			break;
		} else if (fk == WK_NONE && sp >= 0) {
			break;
		}
	}
	if (sp < 0)
		return;
	rw = k != WK_SPIN;
	/* the slowpath's first argument: rdi while the CPU is in it */
	if (s->ctx->cpus && ci < s->ctx->ncpus && s->ctx->cpus[ci].regs_valid) {
		const struct kdl_regs *r = &s->ctx->cpus[ci].regs;

		cand[nc++] = r->di;
		cand[nc++] = r->bx;
		cand[nc++] = r->r12;
		cand[nc++] = r->r13;
		cand[nc++] = r->r14;
		cand[nc++] = r->r15;
		cand[nc++] = r->bp;
		cand[nc++] = r->si;
		cand[nc++] = r->dx;
		cand[nc++] = r->cx;
		cand[nc++] = r->ax;
	}
	/* then words saved in the spinning frames */
	for (size_t i = (size_t)sp; i < n && i <= (size_t)sp + 2 && nc < 24; i++) {
		uint64_t a = f[i].sp, v;

		for (int j = 0; j < 6 && nc < 24; j++)
			if (a && kdl_lk_u64(s, a + 8 * j, &v))
				cand[nc++] = v;
	}
	for (size_t i = 0; i < nc && !addr; i++) {
		uint64_t a = cand[i];

		/* a qrwlock's slowpath also holds its internal wait_lock, so a
		 * register may point at that instead of the rwlock itself */
		if (rw && L->qrwlock.wait_lock.ok &&
		    spin_candidate_ok(s, a - L->qrwlock.wait_lock.off, true))
			addr = a - L->qrwlock.wait_lock.off;
		else if (spin_candidate_ok(s, a, rw))
			addr = a;
	}
	if (!addr)
		return;
	li = lock_get(s, addr, rw ? KDL_LOCK_RWLOCK : KDL_LOCK_SPINLOCK);
	if (li < 0)
		return;
	s->extra[li].raw_spin = true;
	c->spinning_on = li;
	set_wait(s, c->task, f[sp].context == KDL_CTX_TASK ? KDL_CTX_TASK : f[sp].context, li,
		 wk_mode(k), "slowpath argument in the CPU's registers");
	s->m->tasks[c->task].waits_how = "spinning on its CPU";
}

/* ---- wait lists: waiters that the stack scan missed ------------------------ */

static void walk_wait_list(struct kdl_lk *s, int li)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_lock *l = &s->m->locks[li];
	struct wrec w;
	uint64_t head, node, tk;
	int ti;

	switch (l->kind) {
	case KDL_LOCK_MUTEX:
		if (L->preempt_rt)
			return;
		w = mkrec(&L->mutex_waiter.list, &L->mutex_waiter.task, &L->mutex.wait_list, NULL);
		break;
	case KDL_LOCK_RWSEM:
		if (L->rwsem_style == KDL_RWSEM_RT)
			return;
		w = mkrec(&L->rwsem_waiter.list, &L->rwsem_waiter.task, &L->rwsem.wait_list, NULL);
		break;
	case KDL_LOCK_SEMAPHORE:
		w = mkrec(&L->semaphore_waiter.list, &L->semaphore_waiter.task,
			  &L->semaphore.wait_list, NULL);
		break;
	default:
		return;
	}
	if (!w.ok)
		return;
	head = l->address + w.head_off;
	s->extra[li].wait_head = head;
	if (!kdl_lk_u64(s, head, &node))
		return;
	for (int i = 0; i < KDL_LK_MAX_LIST && node != head && kdl_lk_kptr(node); i++) {
		uint64_t rec = node - w.list_off, type;
		enum kdl_mode mode = KDL_MODE_EXCLUSIVE;

		if (!kdl_lk_u64(s, rec + w.task_off, &tk))
			break;
		ti = kdl_lk_task_by_addr(s, tk);
		if (ti >= 0 && s->m->tasks[ti].waits_on < 0) {
			if (l->kind == KDL_LOCK_RWSEM) {
				mode = KDL_MODE_WRITE;
				if (kdl_lk_field(s, rec, &L->rwsem_waiter.type, &type) && type)
					mode = KDL_MODE_READ;
			}
			set_wait(s, ti, KDL_CTX_TASK, li, mode, "on the lock's wait list");
			free(s->m->tasks[ti].other.kind);
			free(s->m->tasks[ti].other.label);
			s->m->tasks[ti].other.kind = NULL;
			s->m->tasks[ti].other.label = NULL;
		}
		if (!kdl_lk_u64(s, node, &node))
			break;
	}
}

/* ---- owners --------------------------------------------------------------- */

static void owner_rt(struct kdl_lk *s, int li, uint64_t rtb, enum kdl_mode mode)
{
	uint64_t v;

	if (kdl_lk_field(s, rtb, &s->L->rt_mutex.owner, &v) && (v & ~1ULL))
		add_owner(s, li, v & ~1ULL, KDL_CTX_TASK, mode, KDL_CONF_CERTAIN,
			  "rt_mutex owner field");
}

static void decode_owner(struct kdl_lk *s, int li)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_lock *l = &s->m->locks[li];
	struct kdl_lk_extra *x = &s->extra[li];
	uint64_t a = l->address, v, cnt;

	switch (l->kind) {
	case KDL_LOCK_MUTEX:
		if (L->preempt_rt) {
			owner_rt(s, li, a + L->mutex.rtmutex.off, KDL_MODE_EXCLUSIVE);
		} else if (L->mutex_owner_atomic) {
			if (kdl_lk_field(s, a, &L->mutex.owner, &v) && kdl_lk_kptr(v & ~7ULL))
				add_owner(s, li, v & ~7ULL, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
					  KDL_CONF_CERTAIN, "mutex owner field");
		} else if (kdl_lk_field(s, a, &L->mutex.count, &cnt) && (int32_t)cnt <= 0) {
			/* before 4.10: count 1 free, 0 held, <0 held with waiters */
			if (kdl_lk_field(s, a, &L->mutex.owner, &v) && kdl_lk_kptr(v))
				add_owner(s, li, v, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
					  KDL_CONF_CERTAIN, "mutex owner field");
		}
		break;
	case KDL_LOCK_RWSEM:
		if (L->rwsem_style == KDL_RWSEM_RT) {
			uint64_t rd;

			owner_rt(s, li, a + L->rwsem.rwbase.off + L->rwbase_rt.rtmutex.off,
				 KDL_MODE_WRITE);
			if (kdl_lk_field(s, a + L->rwsem.rwbase.off, &L->rwbase_rt.readers, &rd) &&
			    (int32_t)rd > 0)
				l->readers = (int32_t)rd;
			break;
		}
		if (!kdl_lk_field(s, a, &L->rwsem.count, &cnt))
			cnt = 0;
		if (!kdl_lk_field(s, a, &L->rwsem.owner, &v))
			v = 0;
		x->rec_owner_word = v;
		if (L->rwsem_style == KDL_RWSEM_ATOMIC) {
			x->write_locked = cnt & 1;
			l->readers = (int)((cnt & 0x7fffffffffffffffULL) >> 8);
			if (x->write_locked && kdl_lk_kptr(v & ~7ULL) && !(v & 1)) {
				add_owner(s, li, v & ~7ULL, KDL_CTX_TASK, KDL_MODE_WRITE,
					  KDL_CONF_CERTAIN, "rwsem owner field (writer)");
				l->readers = 0;
			} else if (v & 1) {
				x->reader_owned = true;
				x->last_reader = kdl_lk_kptr(v & ~7ULL) ? v & ~7ULL : 0;
			}
		} else {
			/* xadd count: low 32 bits count active lockers */
			int64_t c = (int64_t)cnt;
			uint32_t active = (uint32_t)(cnt & 0xffffffffULL);

			if (v & 1) {
				x->reader_owned = true;
				x->last_reader = kdl_lk_kptr(v & ~3ULL) ? v & ~3ULL : 0;
				l->readers = (int)active;
			} else if (kdl_lk_kptr(v) && c != 0) {
				x->write_locked = true;
				add_owner(s, li, v, KDL_CTX_TASK, KDL_MODE_WRITE, KDL_CONF_CERTAIN,
					  "rwsem owner field (writer)");
				l->readers = 0;
			} else if (active && c > 0) {
				/* held by readers only (c > 0: no writer, no waiters bias) */
				x->reader_owned = true;
				l->readers = (int)active;
			}
		}
		break;
	case KDL_LOCK_RT_MUTEX:
		owner_rt(s, li, a, KDL_MODE_EXCLUSIVE);
		break;
	case KDL_LOCK_SPINLOCK:
		if (L->preempt_rt && !x->raw_spin) { /* spinlock_t is an rt_mutex on RT */
			owner_rt(s, li, a, KDL_MODE_EXCLUSIVE);
		} else if (L->raw_spinlock.owner.ok && kdl_lk_field(s, a, &L->raw_spinlock.owner, &v) &&
			   kdl_lk_kptr(v)) {
			add_owner(s, li, v, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN,
				  "spinlock owner field (DEBUG_SPINLOCK)");
		}
		break;
	case KDL_LOCK_RWLOCK:
		if (L->preempt_rt && !x->raw_spin) {
			uint64_t rd;

			owner_rt(s, li, a + L->rwbase_rt.rtmutex.off, KDL_MODE_WRITE);
			if (kdl_lk_field(s, a, &L->rwbase_rt.readers, &rd) && (int32_t)rd > 0)
				l->readers = (int32_t)rd;
			break;
		}
		if (kdl_lk_field(s, a + L->rwlock.raw_lock.off, &L->qrwlock.cnts, &cnt)) {
			/* qrwlock: 0xff writer locked, 0x100 writer waiting, readers << 9 */
			l->readers = (int)(cnt >> 9);
			x->write_locked = (cnt & 0xff) != 0;
		}
		if (L->rwlock.owner.ok && kdl_lk_field(s, a, &L->rwlock.owner, &v) && kdl_lk_kptr(v))
			add_owner(s, li, v, KDL_CTX_TASK, KDL_MODE_WRITE, KDL_CONF_CERTAIN,
				  "rwlock owner field (DEBUG_SPINLOCK)");
		break;
	case KDL_LOCK_WORK: {
		int k = kworker_running(s, a);

		if (k >= 0)
			add_owner(s, li, s->m->tasks[k].addr, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
				  KDL_CONF_CERTAIN, "the kworker executing the work item");
		break;
	}
	default:
		break;
	}
}

/* lockdep: every task's held_locks, while lockdep still runs. */
static uint64_t dep_map_of(struct kdl_lk *s, const struct kdl_lock *l)
{
	const struct kdl_layout_locks *L = s->L;

	switch (l->kind) {
	case KDL_LOCK_MUTEX:
		return L->mutex.dep_map.ok ? l->address + L->mutex.dep_map.off : 0;
	case KDL_LOCK_RWSEM:
		return L->rwsem.dep_map.ok ? l->address + L->rwsem.dep_map.off : 0;
	case KDL_LOCK_SPINLOCK:
		return L->raw_spinlock.dep_map.ok ? l->address + L->raw_spinlock.dep_map.off : 0;
	case KDL_LOCK_RWLOCK:
		return L->rwlock.dep_map.ok ? l->address + L->rwlock.dep_map.off : 0;
	default:
		return 0;
	}
}

/* A held lock lockdep knows but the analysis has not met: decide what it is
 * from the lockdep map's wait type and the debug magic words, and add it so
 * that the task's holds[] lists every lock it holds. */
static void lockdep_unknown(struct kdl_lk *s, int ti, uint64_t inst, uint64_t bits,
			    enum kdl_confidence conf)
{
	const struct kdl_layout_locks *L = s->L;
	uint64_t wt, np, a = 0, v, next, back;
	enum kdl_lock_kind kind = KDL_LOCK_OTHER;
	enum kdl_mode mode = KDL_MODE_EXCLUSIVE;
	char name[64];
	int li;

	if (!kdl_lk_field(s, inst, &L->lockdep_map.wait_type_inner, &wt) ||
	    !kdl_lk_field(s, inst, &L->lockdep_map.name, &np) || !kdl_lk_kptr(np) ||
	    !kdl_lk_string(s, np, name, sizeof(name)))
		return;
	/* lockdep-only maps (rcu_read_lock, (wq_completion)..., (work_completion)...) */
	if (name[0] == '(' || !strncmp(name, "rcu_read_lock", 13))
		return;
	wt &= 0xff;
	if ((int64_t)wt == L->ld_wait_spin || (int64_t)wt == L->ld_wait_config) {
		uint64_t r = inst - L->rwlock.dep_map.off;

		if (L->rwlock.dep_map.ok && L->rwlock.magic.ok &&
		    kdl_lk_field(s, r, &L->rwlock.magic, &v) && (uint32_t)v == 0xdeaf1eedU) {
			kind = KDL_LOCK_RWLOCK;
			a = r;
			mode = ((bits >> 16) & 3) ? KDL_MODE_READ : KDL_MODE_WRITE;
		} else if (L->raw_spinlock.dep_map.ok) {
			kind = KDL_LOCK_SPINLOCK;
			a = inst - L->raw_spinlock.dep_map.off;
		}
	} else if ((int64_t)wt == L->ld_wait_sleep) {
		uint64_t mx = inst - L->mutex.dep_map.off, rw = inst - L->rwsem.dep_map.off;

		if (L->mutex.dep_map.ok && L->mutex.magic.ok &&
		    kdl_lk_field(s, mx, &L->mutex.magic, &v) && v == mx) {
			kind = KDL_LOCK_MUTEX;
			a = mx;
		} else if (L->rwsem.dep_map.ok && L->rwsem.wait_list.ok &&
			   kdl_lk_u64(s, rw + L->rwsem.wait_list.off, &next) && kdl_lk_kptr(next) &&
			   kdl_lk_u64(s, next + 8, &back) && back == rw + L->rwsem.wait_list.off) {
			kind = KDL_LOCK_RWSEM;
			a = rw;
			mode = ((bits >> 16) & 3) ? KDL_MODE_READ : KDL_MODE_WRITE;
		}
	}
	if (!a)
		return;
	li = lock_get(s, a, kind);
	if (li < 0)
		return;
	add_owner(s, li, s->m->tasks[ti].addr, KDL_CTX_TASK, mode, conf,
		  conf == KDL_CONF_STALE ? "lockdep held_locks (stale: lockdep is off)"
					 : "lockdep held_locks");
}

static void lockdep_owners(struct kdl_lk *s)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_model *m = s->m;
	uint64_t dl;
	enum kdl_confidence conf;

	if (!L->task.held_locks.ok || !L->task.lockdep_depth.ok || !L->held_lock.size ||
	    !L->held_lock.instance.ok)
		return;
	if (L->debug_locks_addr && kdl_lk_u64(s, L->debug_locks_addr, &dl)) {
		s->debug_locks_known = true;
		s->debug_locks = (uint32_t)dl != 0;
	}
	conf = s->debug_locks_known && !s->debug_locks ? KDL_CONF_STALE : KDL_CONF_CERTAIN;
	for (size_t ti = 0; ti < m->ntasks; ti++) {
		uint64_t depth;
		int64_t pending;
		const struct kdl_task *t = &m->tasks[ti];

		if (!kdl_lk_field(s, t->addr, &L->task.lockdep_depth, &depth))
			continue;
		depth = (uint32_t)depth;
		if (depth > KDL_LK_MAX_HELD)
			depth = KDL_LK_MAX_HELD;
		/* lockdep records an acquisition before the task blocks: the
		 * topmost entry for the lock a task waits on is the pending one */
		pending = -1;
		if (t->waits_on >= 0) {
			uint64_t dm = dep_map_of(s, &m->locks[t->waits_on]), inst;

			for (uint64_t d = depth; d-- > 0 && dm;) {
				uint64_t hl = t->addr + L->task.held_locks.off + d * L->held_lock.size;

				if (kdl_lk_field(s, hl, &L->held_lock.instance, &inst) && inst == dm) {
					pending = (int64_t)d;
					break;
				}
			}
		}
		for (uint64_t d = 0; d < depth; d++) {
			uint64_t hl = t->addr + L->task.held_locks.off + d * L->held_lock.size, inst;
			uint64_t bits = 0;
			enum kdl_mode mode = KDL_MODE_EXCLUSIVE;
			bool known = false;

			if ((int64_t)d == pending ||
			    !kdl_lk_field(s, hl, &L->held_lock.instance, &inst) || !inst)
				continue;
			if (L->held_lock.class_idx.ok)
				kdl_lk_u64(s, hl + L->held_lock.class_idx.off, &bits);
			for (size_t li = 0; li < m->nlocks; li++) {
				uint64_t dm = dep_map_of(s, &m->locks[li]);

				if (!dm || dm != inst)
					continue;
				known = true;
				if (m->locks[li].kind == KDL_LOCK_RWSEM ||
				    m->locks[li].kind == KDL_LOCK_RWLOCK) {
					mode = KDL_MODE_WRITE;
					/* held_lock bit-fields: class_idx:13 irq_context:2
					 * trylock:1 read:2 */
					if ((bits >> 16) & 3)
						mode = KDL_MODE_READ;
				}
				s->lockdep_hits++;
				add_owner(s, (int)li, t->addr, KDL_CTX_TASK, mode, conf,
					  conf == KDL_CONF_STALE
						  ? "lockdep held_locks (stale: lockdep is off)"
						  : "lockdep held_locks");
			}
			if (!known && (t->waits_on >= 0 || t->on_cpu || !strcmp(t->state, "UN")))
				lockdep_unknown(s, (int)ti, inst, bits, conf);
		}
	}
}

/* Frames that show what a task (its process context) is doing. */
static const struct kdl_frame *task_frames(struct kdl_lk *s, int ti, size_t *n)
{
	struct kdl_task *t = &s->m->tasks[ti];

	if (t->frames_done && t->nframes) {
		*n = t->nframes;
		return t->frames;
	}
	for (size_t c = 0; c < s->m->ncpus; c++)
		if (s->m->cpus[c].task == ti && s->m->cpus[c].nframes) {
			*n = s->m->cpus[c].nframes;
			return s->m->cpus[c].frames;
		}
	*n = 0;
	return NULL;
}

static bool is_waiter(const struct kdl_lock *l, int ti, enum kdl_ctx ctx)
{
	for (size_t i = 0; i < l->nwaiters; i++)
		if (l->waiters[i].who.task == ti && l->waiters[i].who.ctx == ctx)
			return true;
	return false;
}

/* Does the code of the function containing pc refer to addr (rip-relative)? */
struct coderef_cache {
	uint64_t fn, target;
	bool yes;
};

static bool code_refers(struct kdl_lk *s, uint64_t pc, uint64_t target,
			struct coderef_cache *cache, size_t *ncache)
{
	struct kdl_symbol sym;
	unsigned char *code;
	bool yes = false;
	size_t len;

	/* pc is a return address: the call is just before it */
	if (!s->ctx->di || !kdl_debuginfo_symbol_at(s->ctx->di, pc - 1, &sym) || !sym.is_function)
		return false;
	for (size_t i = 0; i < *ncache; i++)
		if (cache[i].fn == sym.addr && cache[i].target == target)
			return cache[i].yes;
	if (*ncache >= KDL_LK_MAX_CODEREFS)
		return false; /* bound the work on a dump full of odd frames */
	/* module symbols from kallsyms carry no size: look at the first 2 KiB */
	len = sym.size ? sym.size : 2048;
	if (len > 65536)
		len = 65536;
	code = len ? malloc(len) : NULL;
	if (code) {
		struct kdl_error *err = kdl_target_read(s->t, sym.addr, code, len);

		if (!err) {
			for (size_t p = 0; p + 4 <= len && !yes; p++) {
				int32_t d = (int32_t)((uint32_t)code[p] | (uint32_t)code[p + 1] << 8 |
						      (uint32_t)code[p + 2] << 16 |
						      (uint32_t)code[p + 3] << 24);
				uint64_t at = sym.addr + p + 4 + (int64_t)d;

				/* rip-relative (an immediate may follow the displacement),
				 * or an absolute sign-extended imm32 (mcmodel=kernel: the
				 * kernel image and modules live in the top 2 GiB) */
				yes = at == target || at + 1 == target || at + 2 == target ||
				      at + 4 == target || (uint64_t)(int64_t)d == target;
			}
		}
		kdl_error_destroy(err);
		free(code);
	}
	if (*ncache < KDL_LK_MAX_CODEREFS) {
		cache[*ncache].fn = sym.addr;
		cache[*ncache].target = target;
		cache[*ncache].yes = yes;
		(*ncache)++;
	}
	return yes;
}

/* The 8-byte global variables the code of `fn` refers to (rip-relative or
 * absolute imm32), computed once per function. */
static const struct kdl_lk_fnvars *fn_vars(struct kdl_lk *s, const struct kdl_symbol *fn)
{
	size_t n = fn->size && fn->size <= 65536 ? fn->size : 2048;
	struct kdl_lk_fnvars *fv, *nf;
	unsigned char *code;
	struct kdl_error *err;

	for (size_t i = 0; i < s->nfnvars; i++)
		if (s->fnvars[i].fn == fn->addr)
			return &s->fnvars[i];
	if (s->nfnvars >= KDL_LK_MAX_CODEREFS)
		return NULL;
	nf = realloc(s->fnvars, (s->nfnvars + 1) * sizeof(*nf));
	if (!nf)
		return NULL;
	s->fnvars = nf;
	fv = &nf[s->nfnvars++];
	memset(fv, 0, sizeof(*fv));
	fv->fn = fn->addr;
	code = malloc(n);
	if (!code)
		return fv;
	err = kdl_target_read(s->t, fn->addr, code, n);
	for (size_t p = 0; !err && p + 4 <= n; p++) {
		int32_t d = (int32_t)((uint32_t)code[p] | (uint32_t)code[p + 1] << 8 |
				      (uint32_t)code[p + 2] << 16 | (uint32_t)code[p + 3] << 24);
		uint64_t cand[2] = { fn->addr + p + 4 + (int64_t)d, (uint64_t)(int64_t)d };

		for (int c = 0; c < 2 && fv->n < 64; c++) {
			struct kdl_symbol v;
			uint64_t *nv;
			bool dup = false;

			if (cand[c] < 0xffffffff80000000ULL ||
			    !kdl_debuginfo_symbol_at(s->ctx->di, cand[c], &v) || v.is_function ||
			    v.addr != cand[c] || (v.size && v.size != 8))
				continue;
			for (size_t k = 0; k < fv->n; k++)
				dup |= fv->vars[k] == v.addr;
			if (dup)
				continue;
			nv = realloc(fv->vars, (fv->n + 1) * sizeof(*nv));
			if (!nv)
				break;
			fv->vars = nv;
			fv->vars[fv->n++] = v.addr;
		}
	}
	kdl_error_destroy(err);
	free(code);
	return fv;
}

/* Does the code of `fn` use a global variable whose value is `obj`? Its name
 * into buf. */
static bool code_uses_pointer(struct kdl_lk *s, const struct kdl_symbol *fn, uint64_t obj,
			      char *buf, size_t len)
{
	const struct kdl_lk_fnvars *fv = fn_vars(s, fn);
	struct kdl_symbol v;
	uint64_t val;

	for (size_t k = 0; fv && k < fv->n; k++)
		if (kdl_lk_u64(s, fv->vars[k], &val) && val == obj &&
		    kdl_debuginfo_symbol_at(s->ctx->di, fv->vars[k], &v)) {
			snprintf(buf, len, "%s", v.name);
			return true;
		}
	return false;
}

bool kdl_lk_global_pointer_to(struct kdl_lk *s, int li, uint64_t obj, char *buf, size_t len)
{
	const struct kdl_lock *l = &s->m->locks[li];
	int who[16];
	size_t nwho = 0;

	if (!s->ctx->di)
		return false;
	for (size_t i = 0; i < l->nwaiters && nwho < 16; i++)
		who[nwho++] = l->waiters[i].who.task;
	for (size_t i = 0; i < l->nowners && nwho < 16; i++)
		if (l->owners[i].who.task >= 0)
			who[nwho++] = l->owners[i].who.task;
	for (size_t k = 0; k < nwho; k++) {
		const struct kdl_frame *f;
		size_t n;

		f = task_frames(s, who[k], &n);
		for (size_t i = 0; i < n && i < 16; i++) {
			struct kdl_symbol fn;

			if (!f[i].function || classify_fn(f[i].function) != WK_NONE ||
			    !kdl_debuginfo_symbol_at(s->ctx->di, f[i].pc - 1, &fn) || !fn.is_function)
				continue;
			if (code_uses_pointer(s, &fn, obj, buf, len))
				return true;
		}
	}
	return false;
}

static void infer_owners(struct kdl_lk *s, int li, struct coderef_cache *cache, size_t *ncache)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_model *m = s->m;
	struct kdl_lock *l = &m->locks[li];
	struct kdl_lk_extra *x = &s->extra[li];
	bool have_certain = false;
	struct kdl_symbol sym;
	bool global;

	for (size_t i = 0; i < l->nowners; i++)
		if (l->owners[i].confidence == KDL_CONF_CERTAIN)
			have_certain = true;
	if (have_certain)
		return;
	if (l->kind == KDL_LOCK_COMPLETION || l->kind == KDL_LOCK_WAITQUEUE ||
	    l->kind == KDL_LOCK_WORK || l->kind == KDL_LOCK_OTHER)
		return;

	/* reader-owned rwsem: the last reader recorded in the owner word */
	if (l->kind == KDL_LOCK_RWSEM && x->reader_owned && x->last_reader) {
		int ti = kdl_lk_task_by_addr(s, x->last_reader);

		if (ti >= 0 && !is_waiter(l, ti, KDL_CTX_TASK))
			add_owner(s, li, x->last_reader, KDL_CTX_TASK, KDL_MODE_READ,
				  KDL_CONF_INFERRED, "last reader recorded in the owner word");
	}
	/* mmap_lock: threads sharing the mm standing in a fault or mm call */
	if (l->kind == KDL_LOCK_RWSEM && L->mm.mmap_lock.ok) {
		uint64_t mm = l->address - L->mm.mmap_lock.off;
		static const char *const mmfns[] = {
			"handle_mm_fault", "do_user_addr_fault", "exc_page_fault", "__do_fault",
			"do_fault", "__get_user_pages", "get_user_pages", "do_mmap",
			"vm_mmap_pgoff", "__vm_munmap", "do_mprotect_pkey", "do_madvise",
			"__access_remote_vm", "access_remote_vm", "lock_mm_and_find_vma",
			"walk_page_range", "mmap_region",
		};

		for (size_t ti = 0; ti < m->ntasks; ti++) {
			const struct kdl_frame *f;
			size_t n;

			if (m->tasks[ti].mm != mm || is_waiter(l, (int)ti, KDL_CTX_TASK))
				continue;
			f = task_frames(s, (int)ti, &n);
			for (size_t i = 0; i < n; i++) {
				bool hit = false;

				for (size_t j = 0; j < sizeof(mmfns) / sizeof(mmfns[0]); j++)
					if (f[i].function && !strcmp(f[i].function, mmfns[j]))
						hit = true;
				if (hit) {
					add_owner(s, li, m->tasks[ti].addr, KDL_CTX_TASK,
						  KDL_MODE_READ, KDL_CONF_INFERRED,
						  "shares the mm and stands in a page fault or mm call");
					break;
				}
			}
		}
	}
	/* spinlock retaken in irq/softirq: the task it interrupted on that CPU */
	if (l->kind == KDL_LOCK_SPINLOCK || l->kind == KDL_LOCK_RWLOCK) {
		for (size_t i = 0; i < l->nwaiters; i++) {
			struct kdl_ctxref w = l->waiters[i].who;

			if (w.ctx != KDL_CTX_SOFTIRQ && w.ctx != KDL_CTX_IRQ)
				continue;
			if (!is_waiter(l, w.task, KDL_CTX_TASK))
				add_owner(s, li, m->tasks[w.task].addr, KDL_CTX_TASK,
					  KDL_MODE_EXCLUSIVE, KDL_CONF_INFERRED,
					  "the task its spinning irq/softirq interrupted on the same CPU");
		}
	}
	if (l->nowners)
		return;
	/* a global lock: tasks standing in functions whose code refers to it */
	global = s->ctx->di && kdl_debuginfo_symbol_at(s->ctx->di, l->address, &sym) &&
		 !sym.is_function;
	if (!global)
		return;
	for (size_t ti = 0; ti < m->ntasks; ti++) {
		const struct kdl_frame *f;
		size_t n;
		const struct kdl_task *t = &m->tasks[ti];

		if (is_waiter(l, (int)ti, KDL_CTX_TASK) || t->exit_state)
			continue;
		if (strcmp(t->state, "UN") && strcmp(t->state, "IN") && !t->on_cpu &&
		    !t->rtlock_wait)
			continue;
		f = task_frames(s, (int)ti, &n);
		for (size_t i = 0; i < n && i < KDL_LK_MAX_FRAMES; i++) {
			if (f[i].context != KDL_CTX_TASK || !f[i].function)
				continue;
			if (classify_fn(f[i].function) != WK_NONE)
				continue;
			if (code_refers(s, f[i].pc, l->address, cache, ncache)) {
				add_owner(s, li, t->addr, KDL_CTX_TASK,
					  l->kind == KDL_LOCK_RWSEM || l->kind == KDL_LOCK_RWLOCK
						  ? (x->write_locked ? KDL_MODE_WRITE : KDL_MODE_READ)
						  : KDL_MODE_EXCLUSIVE,
					  KDL_CONF_INFERRED,
					  "stands in a function that takes this lock");
				break;
			}
		}
	}
}

/* A wait queue nobody is known to wake, whose waiter H holds a lock that
 * other threads of H's process wait on: those threads are the likely wakers
 * (a hung process whose threads wait for each other). Readers queued on a
 * reader-held rwsem (stuck behind a queued writer, not behind H) are the
 * tail of the queue and are preferred. Labelled inferred. */
static void infer_wakers(struct kdl_lk *s, int li)
{
	struct kdl_model *m = s->m;
	struct kdl_lock *l = &m->locks[li];
	int cand[16];
	bool tail[16];
	size_t nc = 0;
	bool any_tail = false;

	if (l->kind != KDL_LOCK_WAITQUEUE || l->nowners || l->nwaiters != 1)
		return;
	for (size_t hi = 0; hi < m->nlocks && nc < 16; hi++) {
		const struct kdl_lock *h = &m->locks[hi];
		int holder = l->waiters[0].who.task;
		enum kdl_mode hmode = KDL_MODE_EXCLUSIVE;
		bool held = false;

		for (size_t o = 0; o < h->nowners; o++)
			if (h->owners[o].who.task == holder) {
				held = true;
				hmode = h->owners[o].mode;
			}
		if (!held)
			continue;
		for (size_t w = 0; w < h->nwaiters && nc < 16; w++) {
			int ti = h->waiters[w].who.task;

			if (ti == holder || m->tasks[ti].tgid != m->tasks[holder].tgid)
				continue;
			cand[nc] = ti;
			tail[nc] = hmode == KDL_MODE_READ && h->waiters[w].mode == KDL_MODE_READ;
			any_tail |= tail[nc];
			nc++;
		}
	}
	for (size_t i = 0; i < nc; i++)
		if (!any_tail || tail[i])
			add_owner(s, li, m->tasks[cand[i]].addr, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
				  KDL_CONF_INFERRED,
				  "likely waker: a thread of the same process stuck behind the waiter");
}

/* ---- holds ---------------------------------------------------------------- */

static void fill_holds(struct kdl_lk *s)
{
	struct kdl_model *m = s->m;

	for (size_t li = 0; li < m->nlocks; li++)
		for (size_t o = 0; o < m->locks[li].nowners; o++) {
			int ti = m->locks[li].owners[o].who.task;
			struct kdl_task *t;
			int *nh;
			bool dup = false;

			if (ti < 0)
				continue;
			t = &m->tasks[ti];
			for (size_t k = 0; k < t->nholds; k++)
				dup |= t->holds[k] == (int)li;
			if (dup)
				continue;
			nh = realloc(t->holds, (t->nholds + 1) * sizeof(*nh));
			if (!nh)
				continue;
			t->holds = nh;
			nh[t->nholds++] = (int)li;
		}
}

/* ---- entry point ------------------------------------------------------------ */

/* KDL_DEBUG_LOCKS=1: what the analysis saw, on stderr (for development). */
static void debug_dump(struct kdl_lk *s, const struct kdl_error *err)
{
	const struct kdl_model *m = s->m;

	fprintf(stderr, "locks: %s; %zu tasks, %zu stacks, %zu locks, %zu cycles, %zu findings\n",
		err ? err->msg : "ok", m->ntasks, s->nstacks, m->nlocks, m->ncycles, m->nfindings);
	fprintf(stderr, "  layout: pob=%llx vmemmap=%llx page.size=%u slab_cache=%d/%u pg_slab=%lld "
		"kmem_cache.name=%d/%u rt=%d rwsem_style=%d swait=%d held_locks=%d\n",
		(unsigned long long)s->L->page_offset_base, (unsigned long long)s->L->vmemmap_base,
		s->L->page.size, s->L->slab.slab_cache.ok, s->L->slab.slab_cache.off,
		(long long)s->L->pg_slab_bit, s->L->kmem_cache.name.ok, s->L->kmem_cache.name.off,
		s->L->preempt_rt, (int)s->L->rwsem_style, s->L->completion_swait,
		s->L->task.held_locks.ok);
	fprintf(stderr, "  lockdep: debug_locks %s, %zu held_locks entries matched\n",
		!s->debug_locks_known ? "unknown" : s->debug_locks ? "1" : "0 (stale)",
		s->lockdep_hits);
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (t->waits_on < 0 && !t->other.kind && strcmp(t->state, "UN"))
			continue;
		fprintf(stderr, "  task %d %s %s frames=%zu sp0=%llx stack=%llx waits=%d (%s) other=%s/%s\n",
			t->pid, t->comm, t->state, t->nframes,
			t->nframes ? (unsigned long long)t->frames[0].sp : 0ULL,
			(unsigned long long)t->stack_base, t->waits_on,
			t->waits_how ? t->waits_how : "-", t->other.kind ? t->other.kind : "-",
			t->other.label ? t->other.label : "-");
	}
	for (size_t i = 0; i < m->nlocks; i++) {
		const struct kdl_lock *l = &m->locks[i];

		fprintf(stderr, "  lock %zu %s %llx %s owners=%zu waiters=%zu readers=%d\n", i,
			kdl_lock_kind_name(l->kind), (unsigned long long)l->address,
			l->name ? l->name : "?", l->nowners, l->nwaiters, l->readers);
		for (size_t o = 0; o < l->nowners; o++)
			fprintf(stderr, "    owner %d %s %s %s alive=%d (%s)\n", l->owners[o].pid,
				l->owners[o].comm, kdl_mode_name(l->owners[o].mode),
				kdl_confidence_name(l->owners[o].confidence), l->owners[o].alive,
				l->owners[o].why ? l->owners[o].why : "");
	}
	for (size_t i = 0; i < m->nfindings; i++)
		fprintf(stderr, "  finding %s: %s\n", kdl_finding_kind_name(m->findings[i].kind),
			m->findings[i].summary);
}

struct kdl_error *kdl_locks_analyse(struct kdl_locks_ctx *ctx, struct kdl_model *m)
{
	struct kdl_lk s;
	struct kdl_layout_locks Lbuf;
	struct kdl_error *err = NULL;
	struct coderef_cache *cache = NULL;
	size_t ncache = 0, nt;

	if (!ctx || !ctx->target || !m)
		return kdl_error_create(KDL_ERR_INTERNAL, "lock analysis: no target or model");
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.m = m;
	s.t = ctx->target;
	s.tsize = ctx->thread_size ? ctx->thread_size : 16384;
	if (ctx->layout) {
		s.L = ctx->layout;
	} else {
		if (!ctx->di)
			return kdl_error_create(KDL_ERR_INTERNAL, "lock analysis: no layout");
		err = kdl_layout_locks_resolve(ctx->di, ctx->target, &Lbuf);
		if (err)
			return kdl_error_wrap(err, "lock analysis");
		s.L = &Lbuf;
	}
	nt = m->ntasks;
	s.taddr = calloc(nt + 1, sizeof(*s.taddr));
	s.stacks = calloc(nt + 1, sizeof(*s.stacks));
	s.worker = calloc(nt + 1, sizeof(*s.worker));
	cache = calloc(KDL_LK_MAX_CODEREFS, sizeof(*cache));
	if (!s.taddr || !s.stacks || !s.worker || !cache) {
		err = kdl_error_create(KDL_ERR_NOMEM, "lock analysis: out of memory");
		goto out;
	}
	for (size_t i = 0; i < nt; i++) {
		struct kdl_task *t = &m->tasks[i];

		s.taddr[s.ntaddr].addr = t->addr;
		s.taddr[s.ntaddr++].idx = (int)i;
		if (t->stack_base) {
			s.stacks[s.nstacks].lo = t->stack_base;
			s.stacks[s.nstacks].hi = t->stack_base + s.tsize;
			s.stacks[s.nstacks++].task = (int)i;
		}
		t->waits_on = -1;
	}
	kdl_lk_sort(&s);
	for (size_t c = 0; c < m->ncpus; c++)
		m->cpus[c].spinning_on = -1;

	for (size_t c = 0; c < m->ncpus; c++)
		analyse_cpu(&s, c);
	for (size_t i = 0; i < nt; i++)
		if (m->tasks[i].waits_on < 0)
			analyse_task(&s, (int)i);
	for (size_t li = 0; li < m->nlocks; li++)
		walk_wait_list(&s, (int)li);
	for (size_t li = 0; li < m->nlocks; li++)
		decode_owner(&s, (int)li);
	lockdep_owners(&s);
	for (size_t li = 0; li < m->nlocks; li++)
		infer_owners(&s, (int)li, cache, &ncache);
	for (size_t li = 0; li < m->nlocks; li++)
		infer_wakers(&s, (int)li);
	fill_holds(&s);
	for (size_t i = 0; i < nt; i++)
		if (m->tasks[i].waits_on >= 0 || m->tasks[i].nholds)
			m->tasks[i].involved = true;
	for (size_t li = 0; li < m->nlocks; li++)
		kdl_names_fill(&s, (int)li);
	err = kdl_graph_build(m);
out:
	if (getenv("KDL_DEBUG_LOCKS"))
		debug_dump(&s, err);
	free(cache);
	free(s.taddr);
	free(s.stacks);
	free(s.worker);
	free(s.extra);
	free(s.lmap);
	for (size_t i = 0; i < s.nfnvars; i++)
		free(s.fnvars[i].vars);
	free(s.fnvars);
	return err;
}
