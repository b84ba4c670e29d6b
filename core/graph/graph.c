/* core/graph/graph.c - wait-for graph, cycles (Tarjan SCC, then bounded elementary
 * cycle search) and findings with plain-words summaries. */
#include "core/graph/graph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/text.h"
#include "core/locks/locks.h"

#define NCTX 6 /* enum kdl_ctx values */

struct edge {
	int to;      /* node */
	int lock;    /* lock index, -1 for "interrupted by" */
	bool behind_writer; /* reader queued behind a writer */
};

struct node {
	struct kdl_ctxref ref;
	struct edge *e;
	size_t ne;
	/* Tarjan */
	int index, low, comp;
	bool on_stack;
};

struct g {
	struct kdl_model *m;
	int *map;         /* task * NCTX + ctx -> node, -1 */
	struct node *n;
	size_t nn;
	int ncomp;
	size_t steps, start_steps;
	bool nomem;
	unsigned char *lflag;  /* per lock: LF_CYCLE, LF_RW */
	unsigned char *tcycle; /* per task: in a cycle */
	/* locks owned by each task (CSR), built on first use by add_blocked_behind */
	size_t *own_start;  /* ntasks + 1 */
	int *own;
	unsigned char *mark; /* ntasks scratch flags */
	/* alternative explanations (merge_alternatives): per lock, ambiguous
	 * reader-held; per cycle, the cycle whose finding stands for it */
	unsigned char *amb;
	int *rep;
	/* the cycles each representative stands for (itself included), CSR */
	size_t *grp_start; /* ncycles + 1 */
	int *grp;
};

static int node_of(struct g *g, struct kdl_ctxref r, bool create)
{
	size_t key;
	struct node *nn;

	if (r.task < 0 || (size_t)r.task >= g->m->ntasks || (int)r.ctx < 0 || r.ctx >= NCTX)
		return -1;
	key = (size_t)r.task * NCTX + r.ctx;
	if (g->map[key] >= 0 || !create)
		return g->map[key];
	nn = realloc(g->n, (g->nn + 1) * sizeof(*nn));
	if (!nn) {
		g->nomem = true;
		return -1;
	}
	g->n = nn;
	memset(&nn[g->nn], 0, sizeof(nn[0]));
	nn[g->nn].ref = r;
	nn[g->nn].index = -1;
	g->map[key] = (int)g->nn;
	return (int)g->nn++;
}

static void add_edge(struct g *g, int from, int to, int lock, bool bw)
{
	struct node *a;
	struct edge *ne;

	if (from < 0 || to < 0)
		return;
	a = &g->n[from];
	for (size_t i = 0; i < a->ne; i++)
		if (a->e[i].to == to && a->e[i].lock == lock)
			return;
	ne = realloc(a->e, (a->ne + 1) * sizeof(*ne));
	if (!ne) {
		g->nomem = true;
		return;
	}
	a->e = ne;
	ne[a->ne].to = to;
	ne[a->ne].lock = lock;
	ne[a->ne].behind_writer = bw;
	a->ne++;
}

static bool conflicts(enum kdl_mode want, enum kdl_mode held)
{
	return !(want == KDL_MODE_READ && held == KDL_MODE_READ);
}

static void build_edges(struct g *g)
{
	struct kdl_model *m = g->m;

	for (size_t li = 0; li < m->nlocks; li++) {
		struct kdl_lock *l = &m->locks[li];

		for (size_t w = 0; w < l->nwaiters; w++) {
			int from = node_of(g, l->waiters[w].who, true);
			bool blocked_by_owner = false;

			for (size_t o = 0; o < l->nowners; o++) {
				if (l->owners[o].who.task < 0)
					continue;
				if (!conflicts(l->waiters[w].mode, l->owners[o].mode))
					continue;
				blocked_by_owner = true;
				add_edge(g, from, node_of(g, l->owners[o].who, true), (int)li, false);
			}
			/* a reader on a reader-held rwsem waits for the queued writers */
			if (!blocked_by_owner && l->waiters[w].mode == KDL_MODE_READ &&
			    l->kind == KDL_LOCK_RWSEM) {
				for (size_t x = 0; x < l->nwaiters; x++)
					if (l->waiters[x].mode == KDL_MODE_WRITE)
						add_edge(g, from, node_of(g, l->waiters[x].who, true),
							 (int)li, true);
			}
		}
	}
	/* a task context waits for the irq/softirq context on top of it */
	for (size_t i = 0; i < g->nn; i++) {
		struct kdl_ctxref r = g->n[i].ref;

		if (r.ctx == KDL_CTX_IRQ || r.ctx == KDL_CTX_SOFTIRQ || r.ctx == KDL_CTX_NMI) {
			struct kdl_ctxref base = { r.task, KDL_CTX_TASK };
			int b = node_of(g, base, false);

			if (b >= 0)
				add_edge(g, b, (int)i, -1, false);
		}
	}
}

/* Iterative Tarjan. */
static void tarjan(struct g *g)
{
	size_t nn = g->nn;
	int *stack = malloc((nn + 1) * sizeof(int));
	int *cs = malloc((nn + 1) * sizeof(int));   /* call stack: node */
	size_t *ce = malloc((nn + 1) * sizeof(size_t)); /* call stack: next edge */
	int sp = 0, csp, idx = 0;

	if (!stack || !cs || !ce) {
		g->nomem = true;
		goto out;
	}
	for (size_t v0 = 0; v0 < nn; v0++) {
		if (g->n[v0].index >= 0)
			continue;
		csp = 0;
		cs[csp] = (int)v0;
		ce[csp++] = 0;
		g->n[v0].index = g->n[v0].low = idx++;
		stack[sp++] = (int)v0;
		g->n[v0].on_stack = true;
		while (csp > 0) {
			int v = cs[csp - 1];
			struct node *nv = &g->n[v];

			if (ce[csp - 1] < nv->ne) {
				int w = nv->e[ce[csp - 1]++].to;

				if (g->n[w].index < 0) {
					g->n[w].index = g->n[w].low = idx++;
					stack[sp++] = w;
					g->n[w].on_stack = true;
					cs[csp] = w;
					ce[csp++] = 0;
				} else if (g->n[w].on_stack && g->n[w].index < nv->low) {
					nv->low = g->n[w].index;
				}
				continue;
			}
			if (nv->low == nv->index) {
				int w;

				do {
					w = stack[--sp];
					g->n[w].on_stack = false;
					g->n[w].comp = g->ncomp;
				} while (w != v);
				g->ncomp++;
			}
			csp--;
			if (csp > 0) {
				struct node *p = &g->n[cs[csp - 1]];

				if (nv->low < p->low)
					p->low = nv->low;
			}
		}
	}
out:
	free(stack);
	free(cs);
	free(ce);
}

/* ---- elementary cycles --------------------------------------------------- */

struct path {
	int node[64];
	int lock[64];
	bool bw[64];
	int len;
};

static void emit_cycle(struct g *g, const struct path *p)
{
	struct kdl_model *m = g->m;
	struct kdl_cycle *nc, *c;
	bool irq = false, bw = false, work = false;
	int n = 0;

	if (m->ncycles >= KDL_GRAPH_MAX_CYCLES)
		return;
	nc = realloc(m->cycles, (m->ncycles + 1) * sizeof(*nc));
	if (!nc) {
		g->nomem = true;
		return;
	}
	m->cycles = nc;
	c = &nc[m->ncycles];
	memset(c, 0, sizeof(*c));
	c->nodes = calloc((size_t)p->len, sizeof(*c->nodes));
	c->locks = calloc((size_t)p->len, sizeof(*c->locks));
	if (!c->nodes || !c->locks) {
		free(c->nodes);
		free(c->locks);
		g->nomem = true;
		return;
	}
	/* drop "interrupted by" hops: the holder is the task context of the
	 * irq/softirq context that follows */
	for (int i = 0; i < p->len; i++) {
		if (p->lock[i] < 0) {
			irq = true;
			continue;
		}
		c->nodes[n] = g->n[p->node[i]].ref;
		c->locks[n] = p->lock[i];
		bw |= p->bw[i];
		work |= m->locks[p->lock[i]].kind == KDL_LOCK_WORK;
		n++;
	}
	if (n == 0) {
		free(c->nodes);
		free(c->locks);
		return;
	}
	c->n = (size_t)n;
	if (work)
		c->cls = KDL_F_FLUSH_DEADLOCK;
	else if (irq)
		c->cls = KDL_F_IRQ_SELF_DEADLOCK;
	else if (bw)
		c->cls = KDL_F_RW_DEADLOCK;
	else if (n == 1)
		c->cls = KDL_F_SELF_DEADLOCK;
	else
		c->cls = KDL_F_DEADLOCK;
	m->ncycles++;
}

/* Cycles through `start` using only nodes of its component numbered >= start. */
static void cycles_from(struct g *g, int start, struct path *p, bool *on_path)
{
	int v = p->node[p->len - 1];

	if (++g->steps > KDL_GRAPH_MAX_STEPS || ++g->start_steps > 100000 ||
	    g->m->ncycles >= KDL_GRAPH_MAX_CYCLES)
		return;
	for (size_t i = 0; i < g->n[v].ne; i++) {
		const struct edge *e = &g->n[v].e[i];

		if (g->n[e->to].comp != g->n[start].comp || e->to < start)
			continue;
		p->lock[p->len - 1] = e->lock;
		p->bw[p->len - 1] = e->behind_writer;
		if (e->to == start) {
			emit_cycle(g, p);
			continue;
		}
		if (on_path[e->to] || p->len >= 64)
			continue;
		on_path[e->to] = true;
		p->node[p->len++] = e->to;
		cycles_from(g, start, p, on_path);
		p->len--;
		on_path[e->to] = false;
	}
}

static void find_cycles(struct g *g)
{
	bool *on_path = calloc(g->nn + 1, sizeof(bool));
	int *size = calloc((size_t)g->ncomp + 1, sizeof(int));
	struct path *p = malloc(sizeof(*p));

	if (!on_path || !size || !p) {
		g->nomem = true;
		goto out;
	}
	for (size_t i = 0; i < g->nn; i++)
		size[g->n[i].comp]++;
	for (size_t s = 0; s < g->nn; s++) {
		bool self = false;

		for (size_t i = 0; i < g->n[s].ne; i++)
			self |= g->n[s].e[i].to == (int)s;
		if (size[g->n[s].comp] < 2 && !self)
			continue;
		g->start_steps = 0;
		p->len = 1;
		p->node[0] = (int)s;
		on_path[s] = true;
		cycles_from(g, (int)s, p, on_path);
		on_path[s] = false;
	}
out:
	free(on_path);
	free(size);
	free(p);
}

/* ---- findings --------------------------------------------------------------- */

struct text {
	char buf[2048];
	size_t len;
};

static void tadd(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tadd(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= sizeof(t->buf))
		t->len = sizeof(t->buf) - 1;
}

static void task_name(const struct kdl_model *m, int ti, char *buf, size_t len)
{
	if (ti < 0 || (size_t)ti >= m->ntasks)
		snprintf(buf, len, "an unknown task");
	else
		snprintf(buf, len, "%s[%d]", m->tasks[ti].comm, m->tasks[ti].pid);
}

static const struct kdl_frame *frames_of(const struct kdl_model *m, int ti, size_t *n, int *cpu)
{
	const struct kdl_task *t = &m->tasks[ti];

	*cpu = -1;
	for (size_t c = 0; c < m->ncpus; c++)
		if (m->cpus[c].task == ti && m->cpus[c].nframes) {
			*cpu = m->cpus[c].cpu;
			if (!t->frames_done || !t->nframes || t->on_cpu) {
				*n = m->cpus[c].nframes;
				return m->cpus[c].frames;
			}
		}
	*n = t->frames_done ? t->nframes : 0;
	return t->frames;
}

/* Where a context waits: the function that called the lock primitive. */
static const char *wait_fn(const struct kdl_model *m, struct kdl_ctxref r)
{
	size_t n;
	int cpu;
	const struct kdl_frame *f;

	if (r.task < 0)
		return NULL;
	f = frames_of(m, r.task, &n, &cpu);
	if (r.ctx != KDL_CTX_TASK) {
		/* the frames of that context only */
		size_t k = 0;

		while (k < n && f[k].context != r.ctx)
			k++;
		return kdl_locks_blocking_fn(f + k, n - k);
	}
	for (size_t k = 0; k < n; k++)
		if (f[k].context == KDL_CTX_TASK)
			return kdl_locks_blocking_fn(f + k, n - k);
	return NULL;
}

static void ctx_name(const struct kdl_model *m, struct kdl_ctxref r, char *buf, size_t len)
{
	char tn[96];

	task_name(m, r.task, tn, sizeof(tn));
	if (r.ctx == KDL_CTX_TASK)
		snprintf(buf, len, "%s", tn);
	else
		snprintf(buf, len, "a %s on top of %s", kdl_ctx_name(r.ctx), tn);
}

struct fset {
	int *v;
	size_t n;
};

static void fset_add(struct fset *s, int x)
{
	int *nv;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == x)
			return;
	nv = realloc(s->v, (s->n + 1) * sizeof(int));
	if (!nv)
		return;
	s->v = nv;
	s->v[s->n++] = x;
}

static bool fset_has(const struct fset *s, int x)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == x)
			return true;
	return false;
}

/* Add every task that waits, directly or transitively, on a lock held by a
 * task of the set: breadth first over an owner index, linear in what it adds
 * (thousands of locks and findings on big machines). */
static bool own_index(struct g *g)
{
	const struct kdl_model *m = g->m;
	size_t nt = m->ntasks, total = 0;

	if (g->own_start)
		return true;
	g->own_start = calloc(nt + 2, sizeof(size_t));
	g->mark = calloc(nt + 1, 1);
	if (!g->own_start || !g->mark)
		return false;
	for (size_t li = 0; li < m->nlocks; li++)
		for (size_t o = 0; o < m->locks[li].nowners; o++) {
			int t = m->locks[li].owners[o].who.task;

			if (t >= 0 && (size_t)t < nt) {
				g->own_start[t + 2]++;
				total++;
			}
		}
	for (size_t t = 2; t < nt + 2; t++)
		g->own_start[t] += g->own_start[t - 1];
	g->own = malloc((total + 1) * sizeof(int));
	if (!g->own)
		return false;
	for (size_t li = 0; li < m->nlocks; li++)
		for (size_t o = 0; o < m->locks[li].nowners; o++) {
			int t = m->locks[li].owners[o].who.task;

			if (t >= 0 && (size_t)t < nt)
				g->own[g->own_start[t + 1]++] = (int)li;
		}
	return true;		/* own_start[t] .. own_start[t + 1]: locks of t */
}

static void add_blocked_behind(struct g *g, struct fset *tasks)
{
	const struct kdl_model *m = g->m;
	size_t nt = m->ntasks;

	if (!own_index(g)) {
		g->nomem = true;
		return;
	}
	for (size_t i = 0; i < tasks->n; i++)
		if (tasks->v[i] >= 0 && (size_t)tasks->v[i] < nt)
			g->mark[tasks->v[i]] = 1;
	for (size_t i = 0; i < tasks->n; i++) {
		int t = tasks->v[i];

		if (t < 0 || (size_t)t >= nt)
			continue;
		for (size_t k = g->own_start[t]; k < g->own_start[t + 1]; k++) {
			const struct kdl_lock *l = &m->locks[g->own[k]];

			for (size_t w = 0; w < l->nwaiters; w++) {
				int x = l->waiters[w].who.task;
				int *nv;

				if (x < 0 || (size_t)x >= nt) {
					fset_add(tasks, x);
					continue;
				}
				if (g->mark[x])
					continue;
				nv = realloc(tasks->v, (tasks->n + 1) * sizeof(int));
				if (!nv)
					break;
				tasks->v = nv;
				tasks->v[tasks->n++] = x;
				g->mark[x] = 1;
			}
		}
	}
	for (size_t i = 0; i < tasks->n; i++)
		if (tasks->v[i] >= 0 && (size_t)tasks->v[i] < nt)
			g->mark[tasks->v[i]] = 0;
}

static int cmp_pid_m;
static const struct kdl_model *cmp_model;
static int cmp_task_pid(const void *a, const void *b)
{
	int x = cmp_model->tasks[*(const int *)a].pid, y = cmp_model->tasks[*(const int *)b].pid;

	(void)cmp_pid_m;
	return x < y ? -1 : x > y;
}

static void add_finding(struct g *g, enum kdl_finding_kind kind, enum kdl_severity sev,
			enum kdl_confidence conf, struct fset *tasks, struct fset *locks, int cycle,
			const char *summary)
{
	struct kdl_model *m = g->m;
	struct kdl_finding *nf, *f;

	nf = realloc(m->findings, (m->nfindings + 1) * sizeof(*nf));
	if (!nf) {
		g->nomem = true;
		free(tasks->v);
		free(locks->v);
		return;
	}
	m->findings = nf;
	f = &nf[m->nfindings++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->severity = sev;
	cmp_model = m;
	if (tasks->n)
		qsort(tasks->v, tasks->n, sizeof(int), cmp_task_pid);
	f->tasks = tasks->v;
	f->ntasks = tasks->n;
	f->locks = locks->v;
	f->nlocks = locks->n;
	f->cycle = cycle;
	f->confidence = conf;
	f->deadlock = kind == KDL_F_DEADLOCK || kind == KDL_F_RW_DEADLOCK ||
		      kind == KDL_F_SELF_DEADLOCK || kind == KDL_F_IRQ_SELF_DEADLOCK ||
		      kind == KDL_F_FLUSH_DEADLOCK;
	f->summary = kdl_strdup(summary);
}

static void list_more(const struct kdl_model *m, struct text *t, const struct fset *all,
		      const struct fset *core)
{
	size_t k = 0;
	char tn[96];

	for (size_t i = 0; i < all->n; i++)
		if (!fset_has(core, all->v[i]))
			k++;
	if (!k)
		return;
	tadd(t, " %zu more task%s blocked behind %s:", k, k == 1 ? " is" : "s are",
	     k == 1 ? "it" : "them");
	k = 0;
	for (size_t i = 0; i < all->n && k < 8; i++)
		if (!fset_has(core, all->v[i])) {
			task_name(m, all->v[i], tn, sizeof(tn));
			tadd(t, "%s %s", k ? "," : "", tn);
			k++;
		}
	if (k == 8)
		tadd(t, ", ...");
	tadd(t, ".");
}

static const char *mode_words(enum kdl_mode mode)
{
	return mode == KDL_MODE_READ ? " for read" : mode == KDL_MODE_WRITE ? " for write" : "";
}

static enum kdl_mode wait_mode_of(const struct kdl_lock *l, struct kdl_ctxref r)
{
	for (size_t i = 0; i < l->nwaiters; i++)
		if (l->waiters[i].who.task == r.task && l->waiters[i].who.ctx == r.ctx)
			return l->waiters[i].mode;
	return KDL_MODE_EXCLUSIVE;
}

static const struct kdl_owner *owner_rec(const struct kdl_lock *l, struct kdl_ctxref r)
{
	for (size_t o = 0; o < l->nowners; o++)
		if (l->owners[o].who.task == r.task && l->owners[o].who.ctx == r.ctx)
			return &l->owners[o];
	return NULL;
}

/* The owner record of the lock a cycle hop waits on, held by the next node:
 * that node itself, or the task an irq/softirq node runs on top of (emit_cycle
 * drops the "interrupted by" hops). */
static const struct kdl_owner *holder_rec(const struct kdl_lock *l, struct kdl_ctxref nx)
{
	const struct kdl_owner *o = owner_rec(l, nx);

	if (!o && nx.ctx != KDL_CTX_TASK) {
		struct kdl_ctxref base = { nx.task, KDL_CTX_TASK };

		o = owner_rec(l, base);
	}
	return o;
}

/* ---- alternative explanations of one wait ----------------------------------- */

/* A reader-held lock whose holders are partly guessed and outnumber what the
 * lock itself says: more inferred readers than its reader count, or, with the
 * count unknown, more than one inferred reader. Its inferred readers are then
 * candidates, not holders: cycles through different ones are alternative
 * explanations of the same wait. */
static bool ambiguous_lock(const struct kdl_lock *l)
{
	size_t nread = 0, ninf = 0;

	for (size_t o = 0; o < l->nowners; o++)
		if (l->owners[o].who.task >= 0 && l->owners[o].mode == KDL_MODE_READ) {
			nread++;
			ninf += l->owners[o].confidence == KDL_CONF_INFERRED;
		}
	if (!ninf)
		return false;
	if (l->readers >= 0)
		return nread > (size_t)l->readers;
	return ninf > 1;
}

/* Does cycle hop i go through an inferred candidate reader of an ambiguous lock? */
static bool amb_hop(const struct g *g, const struct kdl_cycle *c, size_t i)
{
	const struct kdl_lock *l;
	const struct kdl_owner *o;

	if (c->locks[i] < 0 || !g->amb[c->locks[i]])
		return false;
	l = &g->m->locks[c->locks[i]];
	o = holder_rec(l, c->nodes[(i + 1) % c->n]);
	return o && o->mode == KDL_MODE_READ && o->confidence == KDL_CONF_INFERRED;
}

struct amb_wait {
	size_t cycle;
	size_t waiter; /* task * NCTX + ctx */
	int lock, cand;
};

static int cmp_amb(const void *a, const void *b)
{
	const struct amb_wait *x = a, *y = b;

	if (x->waiter != y->waiter)
		return x->waiter < y->waiter ? -1 : 1;
	if (x->lock != y->lock)
		return x->lock < y->lock ? -1 : 1;
	return x->cycle < y->cycle ? -1 : x->cycle > y->cycle;
}

static size_t uf_find(size_t *p, size_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

/* Group the cycles that go from the same waiter through the same ambiguous
 * lock to different candidate readers: one wait, several guesses. Each group
 * is told by one cycle, the longest (the candidate that explains the most
 * blocked tasks), the first found among equals; g->rep[c] is that cycle. */
static void merge_alternatives(struct g *g)
{
	struct kdl_model *m = g->m;
	struct amb_wait *w = NULL;
	size_t nw = 0, cap = 0, *parent = NULL;
	int *best = NULL;

	g->rep = malloc((m->ncycles + 1) * sizeof(int));
	g->amb = calloc(m->nlocks + 1, 1);
	if (!g->rep || !g->amb) {
		g->nomem = true;
		return;
	}
	for (size_t c = 0; c < m->ncycles; c++)
		g->rep[c] = (int)c;
	for (size_t li = 0; li < m->nlocks; li++)
		g->amb[li] = ambiguous_lock(&m->locks[li]);
	for (size_t c = 0; c < m->ncycles; c++) {
		const struct kdl_cycle *cy = &m->cycles[c];

		for (size_t i = 0; i < cy->n; i++) {
			if (!amb_hop(g, cy, i) || cy->nodes[i].task < 0)
				continue;
			if (nw == cap) {
				struct amb_wait *nwv;

				cap = cap ? 2 * cap : 16;
				nwv = realloc(w, cap * sizeof(*w));
				if (!nwv) {
					g->nomem = true;
					goto out;
				}
				w = nwv;
			}
			w[nw].cycle = c;
			w[nw].waiter = (size_t)cy->nodes[i].task * NCTX + cy->nodes[i].ctx;
			w[nw].lock = cy->locks[i];
			w[nw].cand = cy->nodes[(i + 1) % cy->n].task;
			nw++;
		}
	}
	if (!nw)
		goto out;
	qsort(w, nw, sizeof(*w), cmp_amb);
	parent = malloc(m->ncycles * sizeof(size_t));
	best = malloc(m->ncycles * sizeof(int));
	if (!parent || !best) {
		g->nomem = true;
		goto out;
	}
	for (size_t c = 0; c < m->ncycles; c++) {
		parent[c] = c;
		best[c] = -1;
	}
	for (size_t i = 0, j; i < nw; i = j) {
		bool differ = false;

		for (j = i + 1; j < nw && w[j].waiter == w[i].waiter && w[j].lock == w[i].lock; j++)
			differ |= w[j].cand != w[i].cand;
		if (!differ)
			continue;
		for (size_t k = i + 1; k < j; k++) {
			size_t a = uf_find(parent, w[i].cycle), b = uf_find(parent, w[k].cycle);

			if (a != b)
				parent[b] = a;
		}
	}
	for (size_t c = 0; c < m->ncycles; c++) {
		size_t r = uf_find(parent, c);

		if (best[r] < 0 || m->cycles[c].n > m->cycles[best[r]].n)
			best[r] = (int)c;
	}
	for (size_t c = 0; c < m->ncycles; c++)
		g->rep[c] = best[uf_find(parent, c)];
	g->grp_start = calloc(m->ncycles + 2, sizeof(size_t));
	g->grp = malloc((m->ncycles + 1) * sizeof(int));
	if (!g->grp_start || !g->grp) {
		g->nomem = true;
		goto out;
	}
	for (size_t c = 0; c < m->ncycles; c++)
		g->grp_start[g->rep[c] + 2]++;
	for (size_t c = 2; c < m->ncycles + 2; c++)
		g->grp_start[c] += g->grp_start[c - 1];
	for (size_t c = 0; c < m->ncycles; c++)
		g->grp[g->grp_start[g->rep[c] + 1]++] = (int)c;
	/* grp_start[r] .. grp_start[r + 1]: the group of representative r */
out:
	free(w);
	free(parent);
	free(best);
}

/* Drop the cycles that another one stands for (after the findings exist) and
 * renumber the findings' cycle references. */
static void drop_alternatives(struct g *g)
{
	struct kdl_model *m = g->m;
	int *map;
	size_t n = 0;

	if (!g->rep)
		return;
	map = malloc((m->ncycles + 1) * sizeof(int));
	if (!map) {
		g->nomem = true;
		return;
	}
	for (size_t c = 0; c < m->ncycles; c++) {
		if (g->rep[c] != (int)c) {
			map[c] = -1;
			free(m->cycles[c].nodes);
			free(m->cycles[c].locks);
			continue;
		}
		map[c] = (int)n;
		m->cycles[n++] = m->cycles[c];
	}
	for (size_t f = 0; f < m->nfindings; f++)
		if (m->findings[f].cycle >= 0 && (size_t)m->findings[f].cycle < m->ncycles)
			m->findings[f].cycle = map[m->findings[f].cycle];
	m->ncycles = n;
	free(map);
}

static const char *conf_words(enum kdl_confidence c)
{
	return c == KDL_CONF_INFERRED ? " (inferred)" : c == KDL_CONF_STALE ? " (stale)" : "";
}

/* The cycle as a path of names: "a[1] -> b[2] -> a[1]". */
static void cycle_path(const struct kdl_model *m, const struct kdl_cycle *c, struct text *t)
{
	char a[128];

	for (size_t i = 0; i <= c->n; i++) {
		ctx_name(m, c->nodes[i % c->n], a, sizeof(a));
		tadd(t, "%s%s", i ? " -> " : "", a);
	}
}

/* The alternatives of the ambiguous hops of cycle ci (a group's
 * representative): who the candidates are, which one the finding follows and
 * why, and what the others would give. */
static void alternatives_text(struct g *g, size_t ci, struct text *t)
{
	const struct kdl_model *m = g->m;
	const struct kdl_cycle *c = &m->cycles[ci];
	char a[128], w[128];

	for (size_t i = 0; i < c->n; i++) {
		const struct kdl_lock *l;
		struct kdl_ctxref cand = c->nodes[(i + 1) % c->n];
		size_t ncand = 0, nalt = 0, nopen = 0;

		if (!amb_hop(g, c, i))
			continue;
		l = &m->locks[c->locks[i]];
		tadd(t, " %s is held for read by %s of ", l->name,
		     l->readers > 1 ? "some" : "one");
		for (size_t o = 0; o < l->nowners; o++)
			if (l->owners[o].mode == KDL_MODE_READ && l->owners[o].who.task >= 0 &&
			    l->owners[o].confidence == KDL_CONF_INFERRED) {
				ctx_name(m, l->owners[o].who, a, sizeof(a));
				tadd(t, "%s%s", ncand++ ? ", " : "", a);
			}
		tadd(t, " (inferred: the kernel does not record readers");
		if (l->readers >= 0)
			tadd(t, "; its reader count says %d", l->readers);
		ctx_name(m, cand, a, sizeof(a));
		ctx_name(m, c->nodes[i], w, sizeof(w));
		tadd(t, "). This finding follows %s, the candidate that closes the longest "
			"cycle (it explains the most blocked tasks)", a);
		/* the other cycles of the group through this same wait */
		for (size_t q = g->grp_start[ci]; q < g->grp_start[ci + 1]; q++) {
			size_t k = (size_t)g->grp[q];
			const struct kdl_cycle *y = &m->cycles[k];

			if (k == ci)
				continue;
			for (size_t h = 0; h < y->n; h++) {
				if (y->locks[h] != c->locks[i] || y->nodes[h].task != c->nodes[i].task ||
				    y->nodes[h].ctx != c->nodes[i].ctx || !amb_hop(g, y, h))
					continue;
				if (nalt < 4) {
					ctx_name(m, y->nodes[(h + 1) % y->n], a, sizeof(a));
					tadd(t, "; with %s the cycle would be ", a);
					cycle_path(m, y, t);
				} else if (nalt == 4) {
					tadd(t, "; and more");
				}
				nalt++;
				break;
			}
		}
		/* candidates that close no cycle through this wait */
		for (size_t o = 0; o < l->nowners; o++) {
			struct kdl_ctxref r = l->owners[o].who;
			bool closes = r.task == cand.task && r.ctx == cand.ctx;

			if (l->owners[o].mode != KDL_MODE_READ || r.task < 0 ||
			    l->owners[o].confidence != KDL_CONF_INFERRED || closes)
				continue;
			for (size_t q = g->grp_start[ci]; q < g->grp_start[ci + 1] && !closes; q++) {
				const struct kdl_cycle *y = &m->cycles[g->grp[q]];

				for (size_t h = 0; h < y->n && !closes; h++)
					closes = y->locks[h] == c->locks[i] &&
						 y->nodes[h].task == c->nodes[i].task &&
						 y->nodes[(h + 1) % y->n].task == r.task &&
						 y->nodes[(h + 1) % y->n].ctx == r.ctx;
			}
			if (!closes) {
				ctx_name(m, r, a, sizeof(a));
				tadd(t, "%s%s", nopen++ ? ", " : "; with ", a);
			}
		}
		if (nopen)
			tadd(t, " there would be no cycle through this wait. The deadlock is only "
				"as certain as the guess.");
		else
			tadd(t, ". Every candidate closes a cycle, so %s waits forever whichever "
				"of them holds the lock.", w);
	}
}

static void cycle_finding(struct g *g, size_t ci)
{
	struct kdl_model *m = g->m;
	const struct kdl_cycle *c = &m->cycles[ci];
	struct fset tasks = { 0 }, core = { 0 }, locks = { 0 };
	struct text t = { .len = 0 };
	char a[128], b[128];
	const char *fn;
	enum kdl_confidence conf = KDL_CONF_CERTAIN;
	bool inf = false, stale = false;

	for (size_t i = 0; i < c->n; i++) {
		fset_add(&tasks, c->nodes[i].task);
		fset_add(&core, c->nodes[i].task);
		fset_add(&locks, c->locks[i]);
	}
	/* the tasks of the alternatives are part of the same wait */
	for (size_t q = g->grp_start ? g->grp_start[ci] : 0;
	     g->grp_start && q < g->grp_start[ci + 1]; q++) {
		const struct kdl_cycle *y = &m->cycles[g->grp[q]];

		for (size_t i = 0; i < y->n; i++) {
			fset_add(&tasks, y->nodes[i].task);
			fset_add(&core, y->nodes[i].task);
			fset_add(&locks, y->locks[i]);
		}
	}
	/* how sure each hop is: the holder's record, or an inferred waker */
	for (size_t i = 0; i < c->n; i++) {
		const struct kdl_lock *l = &m->locks[c->locks[i]];
		const struct kdl_owner *o = holder_rec(l, c->nodes[(i + 1) % c->n]);
		enum kdl_confidence e = KDL_CONF_CERTAIN;

		if (l->kind == KDL_LOCK_WAITQUEUE || l->kind == KDL_LOCK_COMPLETION)
			e = KDL_CONF_INFERRED;
		else if (o)
			e = o->confidence;
		inf |= e == KDL_CONF_INFERRED;
		stale |= e == KDL_CONF_STALE;
		if (e > conf)
			conf = e;
	}
	add_blocked_behind(g, &tasks);
	if (c->cls == KDL_F_SELF_DEADLOCK) {
		const struct kdl_owner *o = holder_rec(&m->locks[c->locks[0]], c->nodes[0]);

		ctx_name(m, c->nodes[0], a, sizeof(a));
		fn = wait_fn(m, c->nodes[0]);
		tadd(&t, "%s holds %s%s and tries to take it again%s%s: it waits for itself forever.",
		     a, m->locks[c->locks[0]].name, o ? conf_words(o->confidence) : "",
		     fn ? " in " : "", fn ? fn : "");
	} else if (c->cls == KDL_F_IRQ_SELF_DEADLOCK) {
		struct kdl_ctxref r = c->nodes[0];
		size_t n;
		int cpu = -1;

		frames_of(m, r.task, &n, &cpu);
		task_name(m, r.task, b, sizeof(b));
		fn = wait_fn(m, r);
		tadd(&t, "A %s on CPU %d interrupted %s while it held %s%s and now spins on that same lock%s%s. "
			 "The interrupted task cannot run again until the %s returns, so the CPU is wedged: "
			 "the lock is taken in process context without disabling %s.",
		     kdl_ctx_name(r.ctx), cpu, b, m->locks[c->locks[0]].name, conf_words(conf),
		     fn ? " in " : "", fn ? fn : "", kdl_ctx_name(r.ctx),
		     r.ctx == KDL_CTX_SOFTIRQ ? "bottom halves (spin_lock_bh)" : "interrupts (spin_lock_irqsave)");
	} else {
		for (size_t i = 0; i < c->n; i++) {
			const struct kdl_lock *l = &m->locks[c->locks[i]];
			struct kdl_ctxref nx = c->nodes[(i + 1) % c->n];
			const struct kdl_owner *o = holder_rec(l, nx);

			ctx_name(m, c->nodes[i], a, sizeof(a));
			ctx_name(m, nx, b, sizeof(b));
			fn = wait_fn(m, c->nodes[i]);
			if (l->kind == KDL_LOCK_WORK)
				tadd(&t, "%s%s waits%s%s for work item %s, which %s is executing",
				     i ? "; " : "", a, fn ? " in " : "", fn ? fn : "", l->name, b);
			else if (l->kind == KDL_LOCK_WAITQUEUE || l->kind == KDL_LOCK_COMPLETION)
				tadd(&t, "%s%s waits on %s%s%s, which only %s would wake (inferred)",
				     i ? "; " : "", a, l->name, fn ? " in " : "", fn ? fn : "", b);
			else if (!o)
				tadd(&t, "%s%s waits for %s%s%s%s, queued behind %s", i ? "; " : "", a,
				     l->name, mode_words(wait_mode_of(l, c->nodes[i])), fn ? " in " : "",
				     fn ? fn : "", b);
			else
				tadd(&t, "%s%s waits for %s%s%s%s, held%s by %s%s%s", i ? "; " : "", a,
				     l->name, mode_words(wait_mode_of(l, c->nodes[i])), fn ? " in " : "",
				     fn ? fn : "", mode_words(o->mode), b, conf_words(o->confidence),
				     amb_hop(g, c, i) ? " as one of several candidates" : "");
		}
		tadd(&t, ". %s: %s.",
		     inf && stale ? "If the edges marked inferred or stale are right, none of them can proceed"
		     : inf ? "If the edges marked inferred are right, none of them can proceed"
		     : stale ? "If the edges marked stale are still current, none of them can proceed"
		     : "None of them can proceed",
		     c->cls == KDL_F_FLUSH_DEADLOCK ? "a workqueue flush deadlock (the flusher holds what the work item needs)"
		     : c->cls == KDL_F_RW_DEADLOCK ? "a reader/writer deadlock (a reader is queued behind a waiting writer)"
		     : c->n == 2 ? "an ABBA deadlock" : "a deadlock cycle");
		if (g->grp_start)
			alternatives_text(g, ci, &t);
	}
	list_more(m, &t, &tasks, &core);
	free(core.v);
	add_finding(g, c->cls, KDL_SEV_CRITICAL, conf, &tasks, &locks, (int)ci, t.buf);
}

/* Flags per lock and task, set once the cycles (and rw findings) exist:
 * membership tests in O(1) at tens of thousands of locks. */
#define LF_CYCLE 1
#define LF_RW 2

static void mark_cycles(struct g *g)
{
	const struct kdl_model *m = g->m;

	for (size_t c = 0; c < m->ncycles; c++)
		for (size_t i = 0; i < m->cycles[c].n && g->rep[c] == (int)c; i++) {
			if (m->cycles[c].locks[i] >= 0)
				g->lflag[m->cycles[c].locks[i]] |= LF_CYCLE;
			if (m->cycles[c].nodes[i].task >= 0)
				g->tcycle[m->cycles[c].nodes[i].task] = 1;
		}
}

static void mark_rw_findings(struct g *g)
{
	const struct kdl_model *m = g->m;

	for (size_t f = 0; f < m->nfindings; f++)
		if (m->findings[f].kind == KDL_F_RW_DEADLOCK)
			for (size_t i = 0; i < m->findings[f].nlocks; i++)
				g->lflag[m->findings[f].locks[i]] |= LF_RW;
}

static bool lock_in_cycle(const struct g *g, int li)
{
	return g->lflag[li] & LF_CYCLE;
}

static bool task_in_cycle(const struct g *g, int ti)
{
	return ti >= 0 && g->tcycle[ti];
}

static bool lock_in_finding(const struct g *g, int li)
{
	return g->lflag[li] & LF_RW;
}

static void waiter_list(const struct kdl_model *m, const struct kdl_lock *l, struct text *t)
{
	char tn[96];
	size_t k;

	for (k = 0; k < l->nwaiters && k < 6; k++) {
		task_name(m, l->waiters[k].who.task, tn, sizeof(tn));
		tadd(t, "%s%s", k ? ", " : "", tn);
	}
	if (l->nwaiters > 6)
		tadd(t, " and %zu more", l->nwaiters - 6);
}

#define KDL_BRIEF_WAIT_NS 10000000000LL /* 10 s */

/* Have all waiters of l been blocked for less than KDL_BRIEF_WAIT_NS (when
 * known)? */
static bool waited_briefly(const struct kdl_model *m, const struct kdl_lock *l)
{
	for (size_t w = 0; w < l->nwaiters; w++) {
		int64_t ns = l->waiters[w].who.task >= 0 ? m->tasks[l->waiters[w].who.task].blocked_for_ns
							  : -1;

		if (ns < 0 || ns >= KDL_BRIEF_WAIT_NS)
			return false;
	}
	return true;
}

static const char *holder_doing(const struct kdl_model *m, int ti, char *buf, size_t len)
{
	const struct kdl_task *t = &m->tasks[ti];

	if (t->waits_on >= 0)
		snprintf(buf, len, "itself waits for %s", m->locks[t->waits_on].name);
	else if (t->on_cpu)
		snprintf(buf, len, "is running on CPU %d", t->cpu);
	else if (!strcmp(t->state, "RU"))
		snprintf(buf, len, "is runnable but not running (waiting for a CPU)");
	else if (t->other.kind)
		snprintf(buf, len, "is in a %s wait in %s", t->other.kind,
			 t->other.label ? t->other.label : "?");
	else
		snprintf(buf, len, "is sleeping (state %s)", t->state);
	return buf;
}

static void lock_findings(struct g *g)
{
	struct kdl_model *m = g->m;

	for (size_t li = 0; li < m->nlocks; li++) {
		const struct kdl_lock *l = &m->locks[li];
		struct fset tasks = { 0 }, locks = { 0 }, core = { 0 };
		struct text t = { .len = 0 };
		const struct kdl_owner *dead = NULL, *live = NULL;
		char hn[96], doing[256];
		bool spun = false;

		if (!l->nwaiters || lock_in_cycle(g, (int)li) || lock_in_finding(g, (int)li))
			continue;
		for (size_t o = 0; o < l->nowners; o++) {
			if (!l->owners[o].alive && !dead)
				dead = &l->owners[o];
			if (l->owners[o].alive && l->owners[o].who.task >= 0 && !live)
				live = &l->owners[o];
		}
		for (size_t c = 0; c < m->ncpus; c++)
			spun |= m->cpus[c].spinning_on == (int)li;
		fset_add(&locks, (int)li);
		for (size_t w = 0; w < l->nwaiters; w++) {
			fset_add(&tasks, l->waiters[w].who.task);
			fset_add(&core, l->waiters[w].who.task);
		}
		if (dead) {
			if (dead->who.task >= 0)
				fset_add(&tasks, dead->who.task);
			add_blocked_behind(g, &tasks);
			tadd(&t, "%s is held%s by %s[%d], which is no longer alive (it exited, "
				 "was killed by an oops, or its task_struct was freed) and will never "
				 "release it. Waiting forever: ",
			     l->name, mode_words(dead->mode), dead->comm[0] ? dead->comm : "?",
			     dead->pid);
			waiter_list(m, l, &t);
			tadd(&t, ".");
			list_more(m, &t, &tasks, &core);
			add_finding(g, KDL_F_ORPHANED_LOCK, KDL_SEV_CRITICAL, dead->confidence,
				    &tasks, &locks, -1, t.buf);
		} else if (spun) {
			if (live) {
				fset_add(&tasks, live->who.task);
				task_name(m, live->who.task, hn, sizeof(hn));
			}
			for (size_t c = 0; c < m->ncpus; c++)
				if (m->cpus[c].spinning_on == (int)li) {
					const char *fn = NULL;
					struct kdl_ctxref r = { m->cpus[c].task, KDL_CTX_TASK };

					for (size_t w = 0; w < l->nwaiters; w++)
						if (l->waiters[w].who.task == r.task)
							r = l->waiters[w].who;
					fn = wait_fn(m, r);
					tadd(&t, "CPU %d spins on %s (%s)%s%s. ", m->cpus[c].cpu, l->name,
					     kdl_lock_kind_name(l->kind), fn ? " in " : "", fn ? fn : "");
				}
			if (live)
				tadd(&t, "It is held%s by %s (%s), which %s.", mode_words(live->mode),
				     hn, kdl_confidence_name(live->confidence),
				     holder_doing(m, live->who.task, doing, sizeof(doing)));
			else
				tadd(&t, "Its holder is not recorded in the lock.");
			add_finding(g, KDL_F_SPINNING, KDL_SEV_HIGH,
				    live ? live->confidence : KDL_CONF_INFERRED, &tasks, &locks, -1,
				    t.buf);
		} else if (live) {
			bool holder_cycle = task_in_cycle(g, live->who.task);

			/* behind a holder in a cycle: the cycle's finding names them */
			if (holder_cycle) {
				free(tasks.v);
				free(locks.v);
				free(core.v);
				continue;
			}
			fset_add(&tasks, live->who.task);
			add_blocked_behind(g, &tasks);
			task_name(m, live->who.task, hn, sizeof(hn));
			tadd(&t, "%zu task%s wait%s for %s, held%s by %s (%s), which %s. Waiting: ",
			     l->nwaiters, l->nwaiters == 1 ? "" : "s", l->nwaiters == 1 ? "s" : "",
			     l->name, mode_words(live->mode), hn, kdl_confidence_name(live->confidence),
			     holder_doing(m, live->who.task, doing, sizeof(doing)));
			waiter_list(m, l, &t);
			tadd(&t, ".");
			/* a few waiters behind a holder that is running is ordinary
			 * contention; behind one that sleeps or waits it is a hang */
			add_finding(g, KDL_F_CONVOY,
				    l->nwaiters >= 3 ? KDL_SEV_HIGH
				    : m->tasks[live->who.task].on_cpu ? KDL_SEV_LOW : KDL_SEV_MEDIUM,
				    live->confidence, &tasks, &locks, -1, t.buf);
		} else if (l->kind == KDL_LOCK_WAITQUEUE && waited_briefly(m, l)) {
			/* wait_event() is how kernels wait for I/O and events: only a
			 * long wait with nobody to wake it is a finding */
			free(tasks.v);
			free(locks.v);
		} else if (l->kind == KDL_LOCK_COMPLETION || l->kind == KDL_LOCK_SEMAPHORE ||
			   l->kind == KDL_LOCK_WAITQUEUE || l->kind == KDL_LOCK_OTHER ||
			   l->kind == KDL_LOCK_WORK) {
			add_blocked_behind(g, &tasks);
			waiter_list(m, l, &t);
			tadd(&t, " wait%s for %s (%s), but no task holds it or is known to be "
				 "about to complete it: a lost wake-up unless something outside the "
				 "dump will signal it.",
			     l->nwaiters == 1 ? "s" : "", l->name, kdl_lock_kind_name(l->kind));
			list_more(m, &t, &tasks, &core);
			add_finding(g, KDL_F_LOST_WAKEUP, KDL_SEV_HIGH, KDL_CONF_INFERRED, &tasks,
				    &locks, -1, t.buf);
		} else {
			waiter_list(m, l, &t);
			tadd(&t, " wait%s for %s (%s); its holder could not be determined.",
			     l->nwaiters == 1 ? "s" : "", l->name, kdl_lock_kind_name(l->kind));
			add_finding(g, KDL_F_OTHER, KDL_SEV_LOW, KDL_CONF_INFERRED, &tasks, &locks,
				    -1, t.buf);
		}
		free(core.v);
	}
}

/* A reader holding an rwsem is itself blocked while writers and readers queue
 * behind it: a reader/writer hang even when the cycle is not visible (the
 * blocked reader waits on something with no recorded holder). */
static void rw_stall_findings(struct g *g)
{
	struct kdl_model *m = g->m;

	for (size_t li = 0; li < m->nlocks; li++) {
		const struct kdl_lock *l = &m->locks[li];
		struct fset tasks = { 0 }, locks = { 0 };
		struct text t = { .len = 0 };
		int holder = -1;
		size_t nw = 0, nr = 0;
		char hn[96];

		if (l->kind != KDL_LOCK_RWSEM || lock_in_cycle(g, (int)li))
			continue;
		for (size_t o = 0; o < l->nowners; o++)
			if (l->owners[o].mode == KDL_MODE_READ && l->owners[o].who.task >= 0 &&
			    m->tasks[l->owners[o].who.task].waits_on >= 0 && holder < 0)
				holder = l->owners[o].who.task;
		for (size_t w = 0; w < l->nwaiters; w++) {
			nw += l->waiters[w].mode == KDL_MODE_WRITE;
			nr += l->waiters[w].mode == KDL_MODE_READ;
		}
		if (holder < 0 || !nw || !nr)
			continue;
		fset_add(&tasks, holder);
		for (size_t w = 0; w < l->nwaiters; w++)
			fset_add(&tasks, l->waiters[w].who.task);
		fset_add(&locks, (int)li);
		fset_add(&locks, m->tasks[holder].waits_on);
		task_name(m, holder, hn, sizeof(hn));
		tadd(&t, "%s holds %s for read (inferred) and is itself blocked on %s; %zu writer%s "
			 "queued behind it, and %zu reader%s queued behind the writer%s: ",
		     hn, l->name, m->locks[m->tasks[holder].waits_on].name, nw, nw == 1 ? " is" : "s are",
		     nr, nr == 1 ? " is" : "s are", nw == 1 ? "" : "s");
		waiter_list(m, l, &t);
		tadd(&t, ". If the holder waits for any of them, this is a reader/writer deadlock.");
		add_finding(g, KDL_F_RW_DEADLOCK, KDL_SEV_CRITICAL, KDL_CONF_INFERRED, &tasks,
			    &locks, -1, t.buf);
	}
}

static int cmp_finding(const void *a, const void *b)
{
	const struct kdl_finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->ntasks && y->ntasks)
		return x->tasks[0] < y->tasks[0] ? -1 : x->tasks[0] > y->tasks[0];
	return 0;
}

/* KDL_DEBUG_LOCKS=1: what the graph found, on stderr (for development). */
static void debug_dump(const struct kdl_model *m, bool nomem)
{
	fprintf(stderr, "graph: %s; %zu cycles, %zu findings\n", nomem ? "out of memory" : "ok",
		m->ncycles, m->nfindings);
	for (size_t i = 0; i < m->nfindings; i++)
		fprintf(stderr, "  finding %s: %s\n", kdl_finding_kind_name(m->findings[i].kind),
			m->findings[i].summary);
}

struct kdl_error *kdl_graph_build(struct kdl_model *m)
{
	struct g g;
	size_t ncyc;

	memset(&g, 0, sizeof(g));
	g.m = m;
	g.map = malloc((m->ntasks * NCTX + 1) * sizeof(int));
	if (!g.map)
		return kdl_error_create(KDL_ERR_NOMEM, "wait-for graph: out of memory");
	for (size_t i = 0; i < m->ntasks * NCTX; i++)
		g.map[i] = -1;
	build_edges(&g);
	tarjan(&g);
	find_cycles(&g);
	ncyc = m->ncycles;
	g.lflag = calloc(m->nlocks + 1, 1);
	g.tcycle = calloc(m->ntasks + 1, 1);
	if (!g.lflag || !g.tcycle) {
		g.nomem = true;
		goto out;
	}
	merge_alternatives(&g);
	if (g.nomem)
		goto out;
	mark_cycles(&g);
	for (size_t c = 0; c < ncyc; c++)
		if (g.rep[c] == (int)c)
			cycle_finding(&g, c);
	rw_stall_findings(&g);
	mark_rw_findings(&g);
	lock_findings(&g);
	drop_alternatives(&g);
	/* findings point at cycles by index, which sorting findings keeps */
	if (m->nfindings > 1)
		qsort(m->findings, m->nfindings, sizeof(*m->findings), cmp_finding);
out:
	free(g.lflag);
	free(g.tcycle);
	free(g.amb);
	free(g.rep);
	free(g.grp_start);
	free(g.grp);
	for (size_t i = 0; i < g.nn; i++)
		free(g.n[i].e);
	free(g.n);
	free(g.map);
	free(g.own_start);
	free(g.own);
	free(g.mark);
	if (getenv("KDL_DEBUG_LOCKS"))
		debug_dump(m, g.nomem);
	if (g.nomem)
		return kdl_error_create(KDL_ERR_NOMEM, "wait-for graph: out of memory");
	return NULL;
}
