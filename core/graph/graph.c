/* core/graph/graph.c - the wait-for graph (nodes, edges), Tarjan's strongly
 * connected components, the bounded elementary-cycle search and the grouping
 * of alternative cycles; then core/graph/findings.c words the findings. */
#include "core/graph/graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/graph/graph_priv.h"

static int node_of(struct kdl_gr *g, struct kdl_ctxref r, bool create)
{
	size_t key;
	struct kdl_gr_node *nn;

	if (r.task < 0 || (size_t)r.task >= g->m->ntasks || (int)r.ctx < 0 || r.ctx >= KDL_GR_NCTX)
		return -1;
	key = (size_t)r.task * KDL_GR_NCTX + r.ctx;
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

static void add_edge(struct kdl_gr *g, int from, int to, int lock, bool bw)
{
	struct kdl_gr_node *a;
	struct kdl_gr_edge *ne;

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

static void build_edges(struct kdl_gr *g)
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
static void tarjan(struct kdl_gr *g)
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
			struct kdl_gr_node *nv = &g->n[v];

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
				struct kdl_gr_node *p = &g->n[cs[csp - 1]];

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

static void emit_cycle(struct kdl_gr *g, const struct path *p)
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
	c->cls = kdl_gr_cycle_class(work, irq, bw, c->n);
	m->ncycles++;
}

/* Cycles through `start` using only nodes of its component numbered >= start. */
static void cycles_from(struct kdl_gr *g, int start, struct path *p, bool *on_path)
{
	int v = p->node[p->len - 1];

	if (++g->steps > KDL_GRAPH_MAX_STEPS || ++g->start_steps > 100000 ||
	    g->m->ncycles >= KDL_GRAPH_MAX_CYCLES)
		return;
	for (size_t i = 0; i < g->n[v].ne; i++) {
		const struct kdl_gr_edge *e = &g->n[v].e[i];

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

static void find_cycles(struct kdl_gr *g)
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
const struct kdl_owner *kdl_gr_holder_rec(const struct kdl_lock *l, struct kdl_ctxref nx)
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
bool kdl_gr_amb_hop(const struct kdl_gr *g, const struct kdl_cycle *c, size_t i)
{
	const struct kdl_lock *l;
	const struct kdl_owner *o;

	if (c->locks[i] < 0 || !g->amb[c->locks[i]])
		return false;
	l = &g->m->locks[c->locks[i]];
	o = kdl_gr_holder_rec(l, c->nodes[(i + 1) % c->n]);
	return o && o->mode == KDL_MODE_READ && o->confidence == KDL_CONF_INFERRED;
}

struct amb_wait {
	size_t cycle;
	size_t waiter; /* task * KDL_GR_NCTX + ctx */
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
static void merge_alternatives(struct kdl_gr *g)
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
			if (!kdl_gr_amb_hop(g, cy, i) || cy->nodes[i].task < 0)
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
			w[nw].waiter = (size_t)cy->nodes[i].task * KDL_GR_NCTX + cy->nodes[i].ctx;
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
static void drop_alternatives(struct kdl_gr *g)
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
	struct kdl_gr g;

	memset(&g, 0, sizeof(g));
	g.m = m;
	g.map = malloc((m->ntasks * KDL_GR_NCTX + 1) * sizeof(int));
	if (!g.map)
		return kdl_error_create(KDL_ERR_NOMEM, "wait-for graph: out of memory");
	for (size_t i = 0; i < m->ntasks * KDL_GR_NCTX; i++)
		g.map[i] = -1;
	build_edges(&g);
	tarjan(&g);
	find_cycles(&g);
	g.lflag = calloc(m->nlocks + 1, 1);
	g.tcycle = calloc(m->ntasks + 1, 1);
	if (!g.lflag || !g.tcycle) {
		g.nomem = true;
		goto out;
	}
	merge_alternatives(&g);
	if (g.nomem)
		goto out;
	kdl_gr_findings(&g);
	drop_alternatives(&g);
	kdl_gr_sort_findings(m);
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

