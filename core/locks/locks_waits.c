/* core/locks/locks_waits.c - what a blocked or spinning context waits on: the
 * blocking frames choose the waiter record type, the record is found on the
 * task's own stack and validated by walking its list to a head that is no
 * waiter; CPUs spinning in a lock slowpath are read from their registers;
 * lock wait lists add the waiters a scan missed. */
#include "core/locks/locks_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/str.h"

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

static enum wk classify_fn(const char *fn);

bool kdl_lk_is_lock_fn(const char *fn)
{
	return classify_fn(fn) != WK_NONE;
}

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

/* The most specific lock kind any of the first frames names. */
static enum wk strongest_kind(const struct kdl_frame *f, size_t n)
{
	enum wk best = WK_NONE;

	for (size_t i = 0; i < n && i < 16; i++) {
		enum wk k = classify_fn(f[i].function);

		if (k < WK_SPIN && wk_prio(k) > wk_prio(best))
			best = k;
	}
	return best;
}

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

const char *kdl_locks_blocking_fn(const struct kdl_frame *f, size_t n)
{
	struct blockinfo bi;

	classify_frames(f, n, &bi);
	return bi.label;
}

/* ---- waiter records on the stack ----------------------------------------- */

struct wrec {
	uint32_t list_off;  /* list_head inside the record */
	uint32_t task_off;  /* task pointer inside the record */
	uint64_t head_off;  /* lock = head - head_off */
	bool ok;
};

static struct wrec mkrec(const struct kdl_field *list, const struct kdl_field *task,
			 const struct kdl_field *head1, const struct kdl_field *head2)
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

/* Heads found by walk_to_head, for every node passed on the way: waiters of
 * one queue share the rest of it, and walking it again from each waiter is
 * quadratic in the queue length (convoys of hundreds on big machines). */
struct kdl_lk_head_memo {
	uint64_t node, head;
	uint32_t list_off, task_off; /* what is_head() looked at */
};

struct memo_key {
	const struct kdl_lk *s;
	const struct wrec *w;
};

/* The table's key is the node itself; the entry must also have been found
 * for the same record type. */
static bool memo_eq(void *arg, uint64_t value)
{
	const struct memo_key *k = arg;
	const struct kdl_lk_head_memo *e = &k->s->memo[value];

	return e->list_off == k->w->list_off && e->task_off == k->w->task_off;
}

static struct kdl_lk_head_memo *memo_find(const struct kdl_lk *s, uint64_t node,
					  const struct wrec *w)
{
	struct memo_key k = { s, w };
	uint64_t i;

	return kdl_hash_get(&s->heads, node, memo_eq, &k, &i) ? &s->memo[i] : NULL;
}

static uint64_t memo_get(const struct kdl_lk *s, uint64_t node, const struct wrec *w)
{
	const struct kdl_lk_head_memo *e = memo_find(s, node, w);

	return e ? e->head : 0;
}

/* A memo only: when memory runs out the walk is merely done again. */
static void memo_put(struct kdl_lk *s, uint64_t node, const struct wrec *w, uint64_t head)
{
	struct kdl_lk_head_memo *e = memo_find(s, node, w);

	if (e) {
		e->head = head;
		return;
	}
	if (s->nmemo == s->memo_cap) {
		size_t cap = s->memo_cap ? 2 * s->memo_cap : 512;

		e = realloc(s->memo, cap * sizeof(*e));
		if (!e)
			return;
		s->memo = e;
		s->memo_cap = cap;
	}
	if (!kdl_hash_add(&s->heads, node, s->nmemo))
		return;
	e = &s->memo[s->nmemo++];
	e->node = node;
	e->head = head;
	e->list_off = w->list_off;
	e->task_off = w->task_off;
}

/* Walk from a record's list node to the list head; 0 when not found. */
static uint64_t walk_to_head(struct kdl_lk *s, const struct wrec *w, uint64_t node0)
{
	uint64_t node = node0, next, head = 0;
	int n = 0;

	head = memo_get(s, node0, w);
	if (head)
		return head;
	for (; n < KDL_LK_MAX_LIST; n++) {
		if (!kdl_lk_u64(s, node, &next) || !kdl_lk_kptr(next))
			return 0;
		if (next == node0)
			return 0;
		if (is_head(s, w, next)) {
			head = next;
			break;
		}
		if ((head = memo_get(s, next, w)))
			break;
		node = next;
	}
	if (!head)
		return 0;
	/* every node from node0 up to the last one walked reaches the same head */
	for (node = node0; n-- >= 0 && node != head; ) {
		memo_put(s, node, w, head);
		if (!kdl_lk_u64(s, node, &node))
			break;
	}
	return head;
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
int kdl_lk_kworker_running(struct kdl_lk *s, uint64_t work)
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
	kdl_lk_add_waiter(s, li, who, mode);
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
/* Frames of the rt_mutex API itself (PI futexes, rt_mutex_lock users): on
 * PREEMPT_RT every other rt_mutex slowpath is a mutex (mutex_lock is
 * tail-called into the slowpath, so no frame says "mutex"). */
static bool rt_api_frames(const struct kdl_frame *f, size_t n)
{
	static const char *const api[] = { "rt_mutex_lock", "rt_mutex_futex", "futex_lock_pi",
					   "rt_mutex_wait_proxy_lock", "__rt_mutex_start_proxy_lock",
					   "rt_mutex_start_proxy_lock" };

	for (size_t i = 0; i < n && i < KDL_LK_MAX_FRAMES; i++)
		for (size_t k = 0; k < sizeof(api) / sizeof(api[0]); k++)
			if (f[i].function && !strncmp(f[i].function, api[k], strlen(api[k])))
				return true;
	return false;
}

static void wait_rt(struct kdl_lk *s, int ti, uint64_t rtb, enum wk k, bool rt_api,
		    const char *how)
{
	const struct kdl_layout_locks *L = s->L;
	uint64_t addr = rtb;
	enum kdl_lock_kind kind = KDL_LOCK_RT_MUTEX;

	if (k == WK_RT && !rt_api && L->mutex.rtmutex.ok)
		k = WK_MUTEX;
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
	set_wait(s, ti, KDL_CTX_TASK, kdl_lk_lock_get(s, addr, kind), wk_mode(k), how);
}

/* Find on the task's stack a pointer to an rt_mutex_base (bare, or inside
 * the rw_semaphore/rwlock_t the frames name) that this task owns. */
static bool rt_owned_on_stack(struct kdl_lk *s, int ti, uint64_t lo, uint64_t hi,
			      const struct blockinfo *bi, bool rt_api)
{
	const struct kdl_layout_locks *L = s->L;
	uint64_t me = s->m->tasks[ti].addr;
	bool rw = bi->kind == WK_RWSEM_W || bi->kind == WK_RT_RWLOCK_W;
	uint64_t inner = 0;

	if (!L->rt_mutex.owner.ok)
		return false;
	if (bi->kind == WK_RWSEM_W)
		inner = L->rwsem.rwbase.off + L->rwbase_rt.rtmutex.off;
	else if (bi->kind == WK_RT_RWLOCK_W)
		inner = L->rwbase_rt.rtmutex.off;
	if (hi - lo > KDL_LK_MAX_SCAN)
		hi = lo + KDL_LK_MAX_SCAN;
	for (uint64_t a = lo & ~7ULL; a + 8 <= hi; a += 8) {
		uint64_t c, own, cand[2];

		if (!kdl_lk_u64(s, a, &c) || !kdl_lk_kptr(c))
			continue;
		/* the lock itself, or (rw) a pointer to its inner rt_mutex */
		cand[0] = c + inner;
		cand[1] = c;
		for (int k = 0; k < (rw ? 2 : 1); k++) {
			if (!kdl_lk_field(s, cand[k], &L->rt_mutex.owner, &own) || (own & ~1ULL) != me)
				continue;
			if (rw)
				set_wait(s, ti, KDL_CTX_TASK,
					 kdl_lk_lock_get(s, cand[k] - inner,
							 bi->kind == WK_RWSEM_W ? KDL_LOCK_RWSEM
										: KDL_LOCK_RWLOCK),
					 KDL_MODE_WRITE,
					 "owns the lock's rt_mutex and waits for its readers to leave");
			else
				wait_rt(s, ti, cand[k], bi->kind, rt_api,
					"re-locks an rt_mutex it owns (found on its stack)");
			return true;
		}
	}
	return false;
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
	t->other.kind = kdl_strdup(kind);
	t->other.label = kdl_strdup(label ? label : "?");
}

void kdl_lk_analyse_task(struct kdl_lk *s, int ti)
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
			/* a task still on its CPU in the slowpath has helpers
			 * (rt_mutex_setprio ...) above the lock frames */
			wait_rt(s, ti, rtb, bi.kind > WK_SCHED ? bi.kind : strongest_kind(f, n),
				rt_api_frames(f, n), "task->pi_blocked_on");
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
			set_wait(s, ti, KDL_CTX_TASK, kdl_lk_lock_get(s, a, bk[v & 3]), bm[v & 3],
				 "task->blocker");
			return;
		}
	}
	if (kdl_lk_field(s, t->addr, &L->task.blocker_mutex, &v) && kdl_lk_kptr(v)) {
		set_wait(s, ti, KDL_CTX_TASK, kdl_lk_lock_get(s, v, KDL_LOCK_MUTEX), KDL_MODE_EXCLUSIVE,
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
					 kdl_lk_lock_get(s, head - w.head_off, KDL_LOCK_MUTEX),
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

	/* PREEMPT_RT without pi_blocked_on: a writer that owns the rwbase's
	 * rt_mutex and waits for the readers to leave, or a task that re-locked
	 * an rt_mutex it owns (the slowpath then sleeps forever) */
	if (L->preempt_rt && (bi.kind == WK_RT || bi.kind == WK_MUTEX || bi.kind == WK_RWSEM_W ||
			      bi.kind == WK_RT_RWLOCK_W) &&
	    rt_owned_on_stack(s, ti, lo, hi, &bi, rt_api_frames(f, n)))
		return;

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
				set_wait(s, ti, KDL_CTX_TASK, kdl_lk_lock_get(s, work, KDL_LOCK_WORK),
					 KDL_MODE_EXCLUSIVE, "wq_barrier on the stack, queued behind the work");
				return;
			}
		}
		set_wait(s, ti, KDL_CTX_TASK, kdl_lk_lock_get(s, lock, kind), mode,
			 "waiter record on the task's stack");
		return;
	}
	/* 3. a wait queue entry of this task (wait_event and friends) */
	if (uninterruptible || bi.kind >= WK_COMPLETION) {
		w = mkrec(&L->wq_entry.entry, &L->wq_entry.private_, &L->wq_head.head, NULL);
		if (scan_waiter(s, ti, lo, hi, &w, &lock, &rec)) {
			set_wait(s, ti, KDL_CTX_TASK, kdl_lk_lock_get(s, lock, KDL_LOCK_WAITQUEUE),
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

void kdl_lk_analyse_cpu(struct kdl_lk *s, size_t ci)
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
	li = kdl_lk_lock_get(s, addr, rw ? KDL_LOCK_RWLOCK : KDL_LOCK_SPINLOCK);
	if (li < 0)
		return;
	s->extra[li].raw_spin = true;
	c->spinning_on = li;
	set_wait(s, c->task, f[sp].context == KDL_CTX_TASK ? KDL_CTX_TASK : f[sp].context, li,
		 wk_mode(k), "slowpath argument in the CPU's registers");
	s->m->tasks[c->task].waits_how = "spinning on its CPU";
}

/* ---- wait lists: waiters that the stack scan missed ------------------------ */

void kdl_lk_walk_wait_list(struct kdl_lk *s, int li)
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

