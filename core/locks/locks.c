/* core/locks/locks.c - what each blocked or spinning context waits on and who holds
 * it. Evidence, in order of trust: direct task fields (pi_blocked_on,
 * blocked_on, blocker), the waiter record on the task's own stack (validated
 * by walking its list to a head that is no waiter), the lock's own wait list,
 * and for spinning CPUs the slowpath's first argument validated by the lock
 * word. Function names of the blocking frames only choose which record type
 * to look for; they never make up an address. */
#include "core/locks/locks_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/str.h"
#include "core/debuginfo/debuginfo.h"

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

bool kdl_lk_field(struct kdl_lk *s, uint64_t base, const struct kdl_field *f, uint64_t *v)
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

char *kdl_lk_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return kdl_strdup(buf);
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

/* ---- the lock registry -------------------------------------------------- */

/* Index of the lock at addr in the model, or -1 (a hash kept beside
 * model->locks: big dumps have tens of thousands of locks). */
static int lmap_find(const struct kdl_lk *s, uint64_t addr)
{
	uint64_t idx;

	return kdl_hash_get(&s->lmap, addr, NULL, NULL, &idx) ? (int)idx : -1;
}

int kdl_lk_lock_get(struct kdl_lk *s, uint64_t addr, enum kdl_lock_kind kind)
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
			goto nomem;
		m->locks = nl;
		s->locks_cap = cap;
	}
	if (s->extra_cap < m->nlocks + 1) {
		size_t cap = s->extra_cap ? s->extra_cap * 2 : 32;
		struct kdl_lk_extra *ne = realloc(s->extra, cap * sizeof(*ne));

		if (!ne)
			goto nomem;
		s->extra = ne;
		s->extra_cap = cap;
	}
	if (!kdl_hash_add(&s->lmap, addr, m->nlocks))
		goto nomem;
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
nomem:
	s->dropped++;
	return -1;
}

bool kdl_lk_add_waiter(struct kdl_lk *s, int li, struct kdl_ctxref who, enum kdl_mode mode)
{
	struct kdl_lock *l = &s->m->locks[li];
	struct kdl_waiter *nw;

	for (size_t i = 0; i < l->nwaiters; i++)
		if (l->waiters[i].who.task == who.task && l->waiters[i].who.ctx == who.ctx)
			return true;
	nw = realloc(l->waiters, (l->nwaiters + 1) * sizeof(*nw));
	if (!nw) {
		s->dropped++;
		return false;
	}
	l->waiters = nw;
	nw[l->nwaiters].who = who;
	nw[l->nwaiters].mode = mode;
	l->nwaiters++;
	return true;
}

static bool task_alive(const struct kdl_task *t)
{
	if (t->exit_state)
		return false;
	if (!strcmp(t->state, "ZO") || !strcmp(t->state, "DE"))
		return false;
	return true;
}

bool kdl_lk_add_owner(struct kdl_lk *s, int li, uint64_t task_addr, enum kdl_ctx ctx,
		      enum kdl_mode mode, enum kdl_confidence conf, const char *why)
{
	struct kdl_lock *l = &s->m->locks[li];
	struct kdl_owner *no, *o;
	int ti;

	if (!task_addr)
		return true;
	for (size_t i = 0; i < l->nowners; i++) {
		o = &l->owners[i];
		if (o->task_addr == task_addr && o->who.ctx == ctx) {
			if (conf < o->confidence) {
				o->confidence = conf;
				o->why = why;
				o->mode = mode;
			}
			return true;
		}
	}
	no = realloc(l->owners, (l->nowners + 1) * sizeof(*no));
	if (!no) {
		s->dropped++;
		return false;
	}
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
	return true;
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
			if (!nh) {
				s->dropped++;
				continue;
			}
			t->holds = nh;
			nh[t->nholds++] = (int)li;
		}
}

/* ---- entry point ------------------------------------------------------------ */

/* KDL_DEBUG_LOCKS=1: what the analysis saw, on stderr (for development). */
static void debug_dump(struct kdl_lk *s, const struct kdl_error *err)
{
	const struct kdl_model *m = s->m;

	fprintf(stderr, "locks: %s; %zu tasks, %zu stacks, %zu locks\n", err ? err->msg : "ok",
		m->ntasks, s->nstacks, m->nlocks);
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
}

struct kdl_error *kdl_locks_analyse(struct kdl_locks_ctx *ctx, struct kdl_model *m)
{
	struct kdl_lk s;
	struct kdl_error *err = NULL;
	struct kdl_lk_coderef *cache = NULL;
	size_t ncache = 0, nt;

	if (!ctx || !ctx->target || !m)
		return kdl_error_create(KDL_ERR_INTERNAL, "lock analysis: no target or model");
	/* first of all: whatever fails below leaves a consistent model */
	for (size_t i = 0; i < m->ntasks; i++)
		m->tasks[i].waits_on = -1;
	for (size_t c = 0; c < m->ncpus; c++)
		m->cpus[c].spinning_on = -1;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.m = m;
	s.t = ctx->target;
	s.tsize = ctx->thread_size ? ctx->thread_size : 16384;
	if (!ctx->layout)
		return kdl_error_create(KDL_ERR_INTERNAL, "lock analysis: no layout");
	if (!ctx->layout->resolved)
		return kdl_error_wrap(kdl_error_create(KDL_ERR_VMLINUX, "no struct mutex in the "
						       "debug info"), "lock analysis");
	s.L = ctx->layout;
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
	}
	kdl_lk_sort(&s);
	for (size_t c = 0; c < m->ncpus; c++)
		kdl_lk_analyse_cpu(&s, c);
	for (size_t i = 0; i < nt; i++)
		if (m->tasks[i].waits_on < 0)
			kdl_lk_analyse_task(&s, (int)i);
	for (size_t li = 0; li < m->nlocks; li++)
		kdl_lk_walk_wait_list(&s, (int)li);
	for (size_t li = 0; li < m->nlocks; li++)
		kdl_lk_decode_owner(&s, (int)li);
	kdl_lk_lockdep_owners(&s);
	for (size_t li = 0; li < m->nlocks; li++)
		kdl_lk_infer_owners(&s, (int)li, cache, &ncache);
	for (size_t li = 0; li < m->nlocks; li++)
		kdl_lk_infer_wakers(&s, (int)li);
	fill_holds(&s);
	for (size_t i = 0; i < nt; i++)
		if (m->tasks[i].waits_on >= 0 || m->tasks[i].nholds)
			m->tasks[i].involved = true;
	for (size_t li = 0; li < m->nlocks; li++)
		kdl_names_fill(&s, (int)li);
	if (s.dropped)
		err = kdl_error_create(KDL_ERR_NOMEM, "lock analysis: out of memory: %zu lock%s or "
				       "wait/hold edge%s dropped", s.dropped, s.dropped == 1 ? "" : "s",
				       s.dropped == 1 ? "" : "s");
out:
	if (getenv("KDL_DEBUG_LOCKS"))
		debug_dump(&s, err);
	free(cache);
	free(s.taddr);
	free(s.stacks);
	free(s.worker);
	free(s.extra);
	kdl_hash_free(&s.lmap);
	kdl_hash_free(&s.heads);
	free(s.memo);
	for (size_t i = 0; i < s.nfnvars; i++)
		free(s.fnvars[i].vars);
	free(s.fnvars);
	return err;
}

