/* tui/graph.c - the wait-for graph of a finding, cycle or task, drawn with
 * boxes and arrows.
 *
 * Layout: the wait chain (task -> lock -> holder -> lock ...) runs down one
 * column; the edge that closes a cycle returns up the left gutter; the other
 * waiters (and extra holders) of each lock hang off its right side, long
 * convoys folded into "... N more waiters". The graph is drawn on its own
 * canvas, as tall as needed, and a window of it is shown.
 */
#include "tui_int.h"

#include <stdlib.h>
#include <string.h>

enum { G_MAIN_X = 4, G_BOX_H = 4, G_SIDE_H = 3, G_EDGE_H = 2, G_FOLD = 3, G_UNFOLD = 100,
       G_MAX_MAIN = 256 };

static size_t nmain_nodes(const struct kdl_tui *t)
{
	size_t n = 0;
	while (n < t->ngnodes && t->gnodes[n].parent < 0)
		n++;
	return n;
}

static int gadd(struct kdl_tui *t, enum kdl_gnode_kind kind, int idx, enum kdl_ctx ctx, int parent)
{
	struct kdl_gnode *n = realloc(t->gnodes, (t->ngnodes + 1) * sizeof(*n));
	if (!n)
		return -1;
	t->gnodes = n;
	struct kdl_gnode *g = &t->gnodes[t->ngnodes];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->idx = idx;
	g->ctx = ctx;
	g->parent = parent;
	return (int)t->ngnodes++;
}

static int find_main(const struct kdl_tui *t, enum kdl_gnode_kind kind, int idx, enum kdl_ctx ctx)
{
	for (size_t i = 0; i < t->ngnodes; i++) {
		const struct kdl_gnode *g = &t->gnodes[i];
		if (g->parent < 0 && g->kind == kind && g->idx == idx &&
		    (kind != KDL_GN_TASK || g->ctx == ctx))
			return (int)i;
	}
	return -1;
}

/* What a context waits on: its lock, or the lock its CPU spins on. */
static int ctx_waits_on(const struct kdl_model *m, int task, enum kdl_ctx ctx)
{
	if (task < 0 || (size_t)task >= m->ntasks)
		return -1;
	if (ctx == KDL_CTX_TASK && m->tasks[task].waits_on >= 0)
		return m->tasks[task].waits_on;
	for (size_t c = 0; c < m->ncpus; c++)
		if (m->cpus[c].task == task && m->cpus[c].spinning_on >= 0 &&
		    (ctx != KDL_CTX_TASK ? m->cpus[c].context == ctx : true))
			return m->cpus[c].spinning_on;
	return -1;
}

/* Follow the chain from a context; stops at the end, or at a node already
 * in the column (a cycle: the back edge). */
static void follow_chain(struct kdl_tui *t, int task, enum kdl_ctx ctx)
{
	const struct kdl_model *m = t->m;
	for (int guard = 0; guard < G_MAX_MAIN && task >= 0 && (size_t)task < m->ntasks; guard++) {
		int seen = find_main(t, KDL_GN_TASK, task, ctx);
		if (seen >= 0) {
			t->gback_from = (int)t->ngnodes - 1;
			t->gback_to = seen;
			return;
		}
		gadd(t, KDL_GN_TASK, task, ctx, -1);
		int lock = ctx_waits_on(m, task, ctx);
		if (lock < 0 || (size_t)lock >= m->nlocks)
			return;
		seen = find_main(t, KDL_GN_LOCK, lock, KDL_CTX_TASK);
		if (seen >= 0) {
			t->gback_from = (int)t->ngnodes - 1;
			t->gback_to = seen;
			return;
		}
		gadd(t, KDL_GN_LOCK, lock, KDL_CTX_TASK, -1);
		const struct kdl_lock *lk = &m->locks[lock];
		if (!lk->nowners)
			return;
		const struct kdl_owner *o = &lk->owners[0];
		/* Prefer a live holder that is not the waiter itself. */
		for (size_t i = 0; i < lk->nowners; i++)
			if (lk->owners[i].alive && lk->owners[i].who.task >= 0) {
				o = &lk->owners[i];
				break;
			}
		if (!o->alive || o->who.task < 0 || (size_t)o->who.task >= m->ntasks) {
			gadd(t, KDL_GN_GONE, lock, KDL_CTX_TASK, -1);
			return;
		}
		task = o->who.task;
		ctx = o->who.ctx;
	}
}

static void add_sides(struct kdl_tui *t)
{
	const struct kdl_model *m = t->m;
	size_t nmain = t->ngnodes;
	for (size_t i = 0; i < nmain; i++) {
		if (t->gnodes[i].kind != KDL_GN_LOCK)
			continue;
		int lock = t->gnodes[i].idx;
		const struct kdl_lock *lk = &m->locks[lock];
		int next_task = i + 1 < nmain && t->gnodes[i + 1].kind == KDL_GN_TASK ? t->gnodes[i + 1].idx : -1;
		if (t->gback_from == (int)i && t->gnodes[t->gback_to].kind == KDL_GN_TASK)
			next_task = t->gnodes[t->gback_to].idx;
		for (size_t o = 0; o < lk->nowners; o++) {
			int ot = lk->owners[o].who.task;
			if (ot == next_task || ot < 0 || (size_t)ot >= m->ntasks || find_main(t, KDL_GN_TASK, ot, lk->owners[o].who.ctx) >= 0)
				continue;
			int s = gadd(t, KDL_GN_TASK, ot, lk->owners[o].who.ctx, (int)i);
			if (s >= 0)
				t->gnodes[s].owner = true;
		}
		int shown = 0, hidden = 0;
		int limit = t->gunfold_lock == lock ? t->gunfold_n : G_FOLD;
		for (size_t w = 0; w < lk->nwaiters; w++) {
			int wt = lk->waiters[w].who.task;
			if (wt < 0 || (size_t)wt >= m->ntasks || find_main(t, KDL_GN_TASK, wt, lk->waiters[w].who.ctx) >= 0)
				continue;
			if (shown < limit) {
				gadd(t, KDL_GN_TASK, wt, lk->waiters[w].who.ctx, (int)i);
				shown++;
			} else {
				hidden++;
			}
		}
		if (hidden) {
			int s = gadd(t, KDL_GN_MORE, lock, KDL_CTX_TASK, (int)i);
			if (s >= 0)
				t->gnodes[s].more = hidden;
		}
	}
}

/* Cycles in the order people meet them: those of the findings, most severe
 * first, then any others. Returns the position of `cycle` (or -1) and, in
 * *at, the cycle at position `want` (when want >= 0). */
static int cycle_order(const struct kdl_model *m, int cycle, int want, int *at)
{
	int pos = 0, found = -1;
	for (size_t f = 0; f < m->nfindings; f++) {
		int c = m->findings[f].cycle;
		if (c < 0 || (size_t)c >= m->ncycles)
			continue;
		bool dup = false;
		for (size_t g = 0; g < f && !dup; g++)
			dup = m->findings[g].cycle == c;
		if (dup)
			continue;
		if (c == cycle)
			found = pos;
		if (pos == want && at)
			*at = c;
		pos++;
	}
	for (size_t c = 0; c < m->ncycles; c++) {
		bool of_finding = false;
		for (size_t f = 0; f < m->nfindings && !of_finding; f++)
			of_finding = m->findings[f].cycle == (int)c;
		if (of_finding)
			continue;
		if ((int)c == cycle)
			found = pos;
		if (pos == want && at)
			*at = (int)c;
		pos++;
	}
	return found;
}

static bool cycle_contains(const struct kdl_cycle *c, int task, enum kdl_ctx ctx)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->nodes[i].task == task && c->nodes[i].ctx == ctx)
			return true;
	return false;
}

static void build(struct kdl_tui *t)
{
	const struct kdl_model *m = t->m;
	free(t->gnodes);
	t->gnodes = NULL;
	t->ngnodes = 0;
	t->gback_from = t->gback_to = -1;
	t->gsel = 0;
	t->gtop = 0;
	struct kdl_loc r = t->groot;
	if (t->gcycle >= 0) {
		const struct kdl_cycle *c = &m->cycles[t->gcycle];
		for (size_t i = 0; i < c->n; i++)
			if (c->nodes[i].task < 0 || (size_t)c->nodes[i].task >= m->ntasks ||
			    c->locks[i] < 0 || (size_t)c->locks[i] >= m->nlocks) {
				snprintf(t->gtitle, sizeof(t->gtitle), "cycle %d: inconsistent model", t->gcycle + 1);
				return; /* a core bug: nothing drawn rather than a crash */
			}
		for (size_t i = 0; i < c->n; i++) {
			int a = gadd(t, KDL_GN_TASK, c->nodes[i].task, c->nodes[i].ctx, -1);
			int b = gadd(t, KDL_GN_LOCK, c->locks[i], KDL_CTX_TASK, -1);
			if (a >= 0)
				t->gnodes[a].in_cycle = true;
			if (b >= 0)
				t->gnodes[b].in_cycle = true;
		}
		if (t->ngnodes > 1) {
			t->gback_from = (int)t->ngnodes - 1;
			t->gback_to = 0;
		}
		snprintf(t->gtitle, sizeof(t->gtitle), "Wait-for graph %s %s cycle %d of %zu (%zu task%s)",
			 t->g->sep, kdl_finding_title(c->cls), cycle_order(m, t->gcycle, -1, NULL) + 1,
			 m->ncycles, c->n, c->n == 1 ? "" : "s");
	} else if (r.kind == KDL_LOC_TASK) {
		follow_chain(t, r.idx, KDL_CTX_TASK);
		snprintf(t->gtitle, sizeof(t->gtitle), "Wait-for graph %s chain of %d %s", t->g->sep,
			 m->tasks[r.idx].pid, m->tasks[r.idx].comm);
	} else if (r.kind == KDL_LOC_LOCK) {
		gadd(t, KDL_GN_LOCK, r.idx, KDL_CTX_TASK, -1);
		const struct kdl_lock *lk = &m->locks[r.idx];
		if (lk->nowners && (!lk->owners[0].alive || lk->owners[0].who.task < 0 ||
				    (size_t)lk->owners[0].who.task >= m->ntasks))
			gadd(t, KDL_GN_GONE, r.idx, KDL_CTX_TASK, -1);
		else if (lk->nowners)
			follow_chain(t, lk->owners[0].who.task, lk->owners[0].who.ctx);
		snprintf(t->gtitle, sizeof(t->gtitle), "Wait-for graph %s %s and its holders", t->g->sep,
			 lk->name ? lk->name : "lock");
	}
	/* Cycle membership for chains that run into a cycle. */
	for (size_t i = 0; i < t->ngnodes; i++) {
		struct kdl_gnode *g = &t->gnodes[i];
		for (size_t c = 0; c < m->ncycles && !g->in_cycle; c++) {
			if (g->kind == KDL_GN_TASK)
				g->in_cycle = cycle_contains(&m->cycles[c], g->idx, g->ctx);
			else if (g->kind == KDL_GN_LOCK)
				for (size_t k = 0; k < m->cycles[c].n; k++)
					if (m->cycles[c].locks[k] == g->idx)
						g->in_cycle = true;
		}
	}
	add_sides(t);
}

static int cycle_of_task(const struct kdl_model *m, int task)
{
	for (size_t c = 0; c < m->ncycles; c++)
		for (size_t i = 0; i < m->cycles[c].n; i++)
			if (m->cycles[c].nodes[i].task == task)
				return (int)c;
	return -1;
}

void kdl_graph_open(struct kdl_tui *t, struct kdl_loc from)
{
	const struct kdl_model *m = t->m;
	t->gcycle = -1;
	t->gunfold_lock = -1;
	if (from.kind == KDL_LOC_FINDING) {
		const struct kdl_finding *f = &m->findings[from.idx];
		if (f->cycle >= 0 && (size_t)f->cycle < m->ncycles)
			t->gcycle = f->cycle;
		else if (f->nlocks)
			from = (struct kdl_loc){ KDL_LOC_LOCK, f->locks[0] };
		else if (f->ntasks)
			from = (struct kdl_loc){ KDL_LOC_TASK, f->tasks[0] };
		else
			from.kind = KDL_LOC_NONE;
	} else if (from.kind == KDL_LOC_TASK) {
		/* A task of a cycle shows the cycle; others their chain. */
		t->gcycle = cycle_of_task(m, from.idx);
	} else if (from.kind == KDL_LOC_LOCK) {
		for (size_t c = 0; c < m->ncycles && t->gcycle < 0; c++)
			for (size_t i = 0; i < m->cycles[c].n; i++)
				if (m->cycles[c].locks[i] == from.idx)
					t->gcycle = (int)c;
	}
	if ((from.kind == KDL_LOC_TASK && (from.idx < 0 || (size_t)from.idx >= m->ntasks)) ||
	    (from.kind == KDL_LOC_LOCK && (from.idx < 0 || (size_t)from.idx >= m->nlocks)))
		from.kind = KDL_LOC_NONE;
	if (from.kind == KDL_LOC_NONE && t->gcycle < 0) {
		if (m->ncycles)
			t->gcycle = 0;
		else {
			kdl_tui_status(t, false, "Nothing selected to draw a graph of");
			return;
		}
	}
	t->groot = from;
	build(t);
	if (!t->ngnodes) {
		kdl_tui_status(t, false, "Empty graph");
		return;
	}
	/* Select the node of the task we came from. */
	if (from.kind == KDL_LOC_TASK)
		for (size_t i = 0; i < t->ngnodes; i++)
			if (t->gnodes[i].kind == KDL_GN_TASK && t->gnodes[i].idx == from.idx) {
				t->gsel = (int)i;
				break;
			}
	t->graph_view = true;
}

void kdl_graph_free(struct kdl_tui *t)
{
	free(t->gnodes);
	t->gnodes = NULL;
	t->ngnodes = 0;
	kdl_canvas_free(&t->gcv);
}

/* ---------- drawing ---------- */

static void node_text(struct kdl_tui *t, const struct kdl_gnode *g, struct kdl_canvas *cv, int y,
		      int x, int w, bool sel)
{
	/* Boxes of 3 rows have one line of text: the second line goes to row
	 * y + 1 only when there is one. Draw it on a scratch row otherwise. */
	bool two = g->h >= 4;
	const struct kdl_model *m = t->m;
	enum kdl_role base = sel ? KDL_R_NODE_SELECTED : KDL_R_NODE;
#define R(role) (sel ? KDL_R_NODE_SELECTED : (role))
	switch (g->kind) {
	case KDL_GN_TASK: {
		const struct kdl_task *tk = &m->tasks[g->idx];
		int n = 0;
		if (g->in_cycle)
			n += kdl_cv_printf(cv, y, x + n, w - n, R(KDL_R_CYCLE), "%s ", t->g->cycle);
		n += kdl_cv_printf(cv, y, x + n, w - n, R(KDL_R_PID), "%d", tk->pid);
		n += kdl_cv_put(cv, y, x + n, w - n, base, " ");
		n += kdl_cv_put(cv, y, x + n, w - n, R(KDL_R_COMM), tk->comm);
		char st[48], d[32];
		kdl_fmt_duration(tk->blocked_for_ns, d, sizeof(d));
		snprintf(st, sizeof(st), "%s %s", tk->state, tk->blocked_for_ns >= 0 ? d : "");
		int sw = kdl_text_width(st);
		if (n + sw + 1 < w)
			kdl_cv_put(cv, y, x + w - sw, sw, R(KDL_R_STATE_BLOCKED), st);
		if (g->parent >= 0 && !two && t->gring) {
			/* A side node says what it waits on (or holds). */
			const struct kdl_lock *pl = &m->locks[t->gnodes[g->parent].idx];
			int room = w - n - sw - 2;
			if (room > 8) {
				n += kdl_cv_printf(cv, y, x + n, room, R(KDL_R_DIM), " %s ",
						   g->owner ? "holds" : t->g->arrow_r);
				kdl_cv_put_cut(cv, y, x + n, w - n - sw - 2, R(KDL_R_LOCK),
					       pl->name ? pl->name : "?", t->g->ellipsis);
			}
		}
		if (g->ctx != KDL_CTX_TASK) {
			static const char *const cn[] = { "task", "hard IRQ", "softirq", "NMI", "exception", "user" };
			char c[96];
			snprintf(c, sizeof(c), "[%s] on CPU %d over this task",
				 (unsigned)g->ctx < 6 ? cn[g->ctx] : "?", tk->cpu);
			if (two)
				kdl_cv_put(cv, y + 1, x, w, R(KDL_R_CONTEXT), c);
			else if (n + 2 + kdl_text_width(c) + sw < w)
				kdl_cv_put(cv, y, x + n + 1, w - n - 1 - sw, R(KDL_R_CONTEXT), c);
		} else if (two) {
			int k = 0;
			if (tk->cpu >= 0)
				k += kdl_cv_printf(cv, y + 1, x, w, R(KDL_R_DIM), "CPU %d%s", tk->cpu,
						   tk->on_cpu ? " (running)" : "");
			if (tk->nholds)
				k += kdl_cv_printf(cv, y + 1, x + k, w - k, R(KDL_R_DIM), "  holds %zu lock%s",
						   tk->nholds, tk->nholds == 1 ? "" : "s");
			if (g->parent >= 0)
				kdl_cv_put(cv, y + 1, x + k, w - k, R(g->owner ? KDL_R_OWNER : KDL_R_WAITER),
					   g->owner ? "  also holds it" : "  waits");
		}
		break;
	}
	case KDL_GN_LOCK: {
		const struct kdl_lock *lk = &m->locks[g->idx];
		const char *name = lk->name ? lk->name : "(unnamed)";
		char facts[160];
		int o = snprintf(facts, sizeof(facts), "%s %s %zu waiter%s", kdl_lock_kind_name(lk->kind),
				 t->g->sep, lk->nwaiters, lk->nwaiters == 1 ? "" : "s");
		if (lk->readers > 0)
			o += snprintf(facts + o, sizeof(facts) - (size_t)o, ", %d reader%s", lk->readers,
				      lk->readers == 1 ? "" : "s");
		if (!strstr(name, "@0x"))
			snprintf(facts + o, sizeof(facts) - (size_t)o, " %s @0x%llx", t->g->sep,
				 (unsigned long long)lk->address);
		if (two) {
			kdl_cv_put_cut(cv, y, x, w, R(g->in_cycle ? KDL_R_CYCLE : KDL_R_LOCK), name,
				       t->g->ellipsis);
			kdl_cv_put_cut(cv, y + 1, x, w, R(KDL_R_DIM), facts, t->g->ellipsis);
			break;
		}
		int n = kdl_cv_printf(cv, y, x, w, R(KDL_R_DIM), "%s ", kdl_lock_kind_name(lk->kind));
		kdl_cv_put_cut(cv, y, x + n, w - n, R(g->in_cycle ? KDL_R_CYCLE : KDL_R_LOCK), name,
			       t->g->ellipsis);
		break;
	}
	case KDL_GN_GONE: {
		const struct kdl_lock *lk = &m->locks[g->idx];
		kdl_cv_printf(cv, y, x, w, R(KDL_R_ERROR), "%s holder exited", t->g->bad);
		if (lk->nowners && !two)
			kdl_cv_printf(cv, y, x + 16, w - 16, R(KDL_R_DIM), "pid %d %s", lk->owners[0].pid,
				      lk->owners[0].comm);
		else if (lk->nowners)
			kdl_cv_printf(cv, y + 1, x, w, R(KDL_R_DIM), "pid %d %s %s orphaned lock",
				      lk->owners[0].pid, lk->owners[0].comm, t->g->sep);
		break;
	}
	case KDL_GN_MORE:
		{
			int k = kdl_cv_printf(cv, y, x, w, R(KDL_R_WAITER), "%s %d more waiter%s",
					      t->g->ellipsis, g->more, g->more == 1 ? "" : "s");
			if (k + 14 <= w)
				kdl_cv_put(cv, y, x + k, w - k, R(KDL_R_DIM), "  Enter: show");
		}
		break;
	}
#undef R
}

/* The edge from a lock to the task that keeps its waiter waiting: the holder
 * ("held by", with the confidence when not certain) or, in reader/writer
 * cycles, a writer queued ahead of the waiter ("queued ahead"). */
static void lock_edge_label(struct kdl_tui *t, int lock, int task, char *buf, size_t size)
{
	const struct kdl_lock *lk = &t->m->locks[lock];
	for (size_t o = 0; o < lk->nowners; o++)
		if (lk->owners[o].who.task == task) {
			enum kdl_confidence c = lk->owners[o].confidence;
			snprintf(buf, size, "held by%s", c == KDL_CONF_INFERRED ? " (inferred)" :
							 c == KDL_CONF_STALE ? " (stale)" : "");
			return;
		}
	for (size_t w = 0; w < lk->nwaiters; w++)
		if (lk->waiters[w].who.task == task) {
			snprintf(buf, size, "queued ahead (%s)", kdl_mode_name(lk->waiters[w].mode));
			return;
		}
	snprintf(buf, size, "blocked by");
}

static void draw_box(struct kdl_tui *t, struct kdl_canvas *cv, const struct kdl_gnode *g, bool sel)
{
	enum kdl_role br = sel ? KDL_R_NODE_SELECTED : g->in_cycle ? KDL_R_CYCLE :
			   g->kind == KDL_GN_GONE ? KDL_R_ERROR : KDL_R_BORDER;
	kdl_cv_box(cv, t->g, g->y, g->x, g->h, g->w, br);
	if (sel)
		for (int r = 1; r < g->h - 1; r++)
			kdl_cv_fill(cv, g->y + r, g->x + 1, g->w - 2, KDL_R_NODE_SELECTED, " ");
	node_text(t, g, cv, g->y + 1, g->x + 2, g->w - 4, sel);
}

/* The label of the edge a -> b: "waits on (write)", "held by (inferred)"... */
static void edge_label(struct kdl_tui *t, const struct kdl_gnode *a, const struct kdl_gnode *b,
		       char *buf, size_t size)
{
	if (a->kind == KDL_GN_TASK) {
		const struct kdl_task *tk = &t->m->tasks[a->idx];
		enum kdl_mode md = a->ctx == KDL_CTX_TASK ? tk->wait_mode : KDL_MODE_EXCLUSIVE;
		snprintf(buf, size, "%s%s", a->ctx == KDL_CTX_TASK ? "waits on" : "spins on",
			 md == KDL_MODE_READ ? " (read)" : md == KDL_MODE_WRITE ? " (write)" : "");
	} else if (b->kind == KDL_GN_TASK) {
		lock_edge_label(t, a->idx, b->idx, buf, size);
	} else {
		snprintf(buf, size, "%s", b->kind == KDL_GN_GONE ? "held by (exited)" : "held by");
	}
}

/* A cycle drawn as a ring: down the left column, across the bottom, up the
 * right column and back across the top. Other waiters of its locks are
 * listed below the ring. Returns false when the terminal is too narrow. */
static bool ring_draw(struct kdl_tui *t, int cols, int box_h)
{
	size_t nmain = nmain_nodes(t);
	if (nmain < 2 || nmain % 2 || t->gback_from != (int)nmain - 1 || t->gback_to != 0)
		return false;
	int gap = 22, bw = (cols - 3 - gap) / 2;
	if (bw > 48)
		bw = 48;
	if (bw < 26)
		return false;
	int L = (int)nmain / 2, vgap = G_EDGE_H;
	int lx = 2, rx = lx + bw + gap;
	for (int i = 0; i < (int)nmain; i++) {
		struct kdl_gnode *g = &t->gnodes[i];
		int row = i < L ? i : (int)nmain - 1 - i;
		g->x = i < L ? lx : rx;
		g->y = 1 + row * (box_h + vgap);
		g->w = bw;
		g->h = box_h;
	}
	int y = 1 + L * (box_h + vgap) - vgap + 2;
	int sides_top = y;
	/* Side nodes below the ring, under the column of their lock. */
	int ly = y + 1, ry = y + 1;
	for (size_t s = nmain; s < t->ngnodes; s++) {
		struct kdl_gnode *g = &t->gnodes[s];
		bool left = t->gnodes[g->parent].x == lx;
		g->x = left ? lx : rx;
		g->w = bw;
		g->h = G_SIDE_H;
		g->y = left ? ly : ry;
		if (left)
			ly += G_SIDE_H;
		else
			ry += G_SIDE_H;
	}
	int height = t->ngnodes > nmain ? (ly > ry ? ly : ry) + 1 : y - 1;
	if (t->gcv.rows == height && t->gcv.cols == cols)
		kdl_canvas_clear(&t->gcv, KDL_R_DEFAULT);
	else if (!kdl_canvas_resize(&t->gcv, height, cols))
		return true;
	struct kdl_canvas *cv = &t->gcv;
	const struct kdl_glyphs *gl = t->g;
	char lab[96];
	for (int i = 0; i < (int)nmain; i++) {
		struct kdl_gnode *a = &t->gnodes[i], *b = &t->gnodes[(i + 1) % nmain];
		edge_label(t, a, b, lab, sizeof(lab));
		enum kdl_role er = KDL_R_CYCLE;
		if (i < L - 1) { /* down the left */
			int ex = a->x + 6;
			for (int r = a->y + a->h; r < b->y - 1; r++)
				kdl_cv_put(cv, r, ex, 1, er, gl->vl);
			kdl_cv_put(cv, b->y - 1, ex, 1, er, gl->arrow_d);
			kdl_cv_put(cv, a->y + a->h, ex + 2, bw, KDL_R_CYCLE, lab);
		} else if (i >= L && i < (int)nmain - 1) { /* up the right */
			int ex = a->x + 6;
			for (int r = b->y + b->h + 1; r < a->y; r++)
				kdl_cv_put(cv, r, ex, 1, er, gl->vl);
			kdl_cv_put(cv, b->y + b->h, ex, 1, er, gl->arrow_u);
			kdl_cv_put(cv, b->y + b->h + 1, ex + 2, bw, KDL_R_CYCLE, lab);
		} else { /* across: bottom left -> right, top right -> left */
			bool right = i == L - 1;
			int r = a->y + (L == 1 ? (right ? 1 : 2) : 1);
			int x0 = lx + bw, x1 = rx - 1;
			kdl_cv_fill(cv, r, x0, x1 - x0 + 1, er, gl->hl);
			kdl_cv_put(cv, r, right ? x1 : x0, 1, er, right ? gl->arrow_r : gl->arrow_l);
			int lw = kdl_text_width(lab);
			if (lw > gap - 4)
				lw = gap - 4;
			int lxp = x0 + (gap - lw) / 2;
			kdl_cv_put(cv, r, lxp - 1, 1, er, " ");
			kdl_cv_put(cv, r, lxp, lw, KDL_R_CYCLE, lab);
			kdl_cv_put(cv, r, lxp + lw, 1, er, " ");
		}
	}
	if (L >= 2) {
		/* The name of the cycle in the middle of the ring. */
		char mid[64];
		snprintf(mid, sizeof(mid), "%s %s", gl->cycle, kdl_finding_title(t->m->cycles[t->gcycle].cls));
		int mw = kdl_text_width(mid);
		int my = (t->gnodes[0].y + t->gnodes[L - 1].y + box_h) / 2;
		kdl_cv_put(cv, my, lx + bw + (gap - mw) / 2, gap, KDL_R_CYCLE, mid);
	}
	if (t->ngnodes > nmain) {
		kdl_cv_fill(cv, sides_top, lx, rx + bw - lx, KDL_R_EDGE, gl->hl);
		kdl_cv_put(cv, sides_top, lx + 2, rx + bw - lx - 4, KDL_R_DIM,
			   " also waiting on the cycle's locks ");
	}
	for (size_t i = 0; i < t->ngnodes; i++)
		draw_box(t, cv, &t->gnodes[i], (int)i == t->gsel);
	return true;
}

static void layout_and_draw(struct kdl_tui *t, int cols, int box_h)
{
	t->gring = true;
	if (t->gcycle >= 0 && ring_draw(t, cols, box_h))
		return;
	t->gring = false;
	size_t nmain = nmain_nodes(t);
	int mw = cols * 45 / 100;
	if (mw > 56)
		mw = 56;
	if (mw < 30)
		mw = 30;
	int side_x = G_MAIN_X + mw + 12;
	int sw = cols - side_x - 1;
	if (sw > 48)
		sw = 48;
	bool sides = sw >= 22;
	/* Heights */
	int y = 1;
	for (size_t i = 0; i < nmain; i++) {
		struct kdl_gnode *g = &t->gnodes[i];
		g->x = G_MAIN_X;
		g->y = y;
		g->w = mw;
		g->h = box_h;
		int ns = 0;
		for (size_t s = nmain; s < t->ngnodes; s++)
			if (t->gnodes[s].parent == (int)i) {
				struct kdl_gnode *sg = &t->gnodes[s];
				sg->x = sides ? side_x : G_MAIN_X + 4;
				sg->y = y + ns * G_SIDE_H;
				sg->w = sides ? sw : mw - 4;
				sg->h = G_SIDE_H;
				ns++;
			}
		int block = ns * G_SIDE_H > box_h ? ns * G_SIDE_H : box_h;
		if (!sides && ns) {
			/* No room on the right: the side nodes go below the lock. */
			for (size_t s = nmain; s < t->ngnodes; s++)
				if (t->gnodes[s].parent == (int)i)
					t->gnodes[s].y += box_h;
			block = box_h + ns * G_SIDE_H;
		}
		y += block + G_EDGE_H;
	}
	int height = y + 2;
	if (t->gcv.rows == height && t->gcv.cols == cols)
		kdl_canvas_clear(&t->gcv, KDL_R_DEFAULT);
	else if (!kdl_canvas_resize(&t->gcv, height, cols))
		return;
	struct kdl_canvas *cv = &t->gcv;
	const struct kdl_glyphs *gl = t->g;
	/* Main edges */
	for (size_t i = 0; i + 1 < nmain; i++) {
		struct kdl_gnode *a = &t->gnodes[i], *b = &t->gnodes[i + 1];
		bool cyc = a->in_cycle && b->in_cycle;
		enum kdl_role er = cyc ? KDL_R_CYCLE : KDL_R_EDGE;
		int ex = a->x + 6;
		for (int r = a->y + a->h; r < b->y - 1; r++)
			kdl_cv_put(cv, r, ex, 1, er, gl->vl);
		kdl_cv_put(cv, b->y - 1, ex, 1, er, gl->arrow_d);
		char lab[96];
		edge_label(t, a, b, lab, sizeof(lab));
		kdl_cv_put(cv, a->y + a->h, ex + 2, mw, cyc ? KDL_R_CYCLE : KDL_R_DIM, lab);
	}
	/* Back edge closing the cycle, up the left gutter. */
	if (t->gback_from >= 0 && t->gback_to >= 0) {
		struct kdl_gnode *a = &t->gnodes[t->gback_from], *b = &t->gnodes[t->gback_to];
		enum kdl_role er = a->in_cycle ? KDL_R_CYCLE : KDL_R_EDGE;
		int ex = a->x + 6;
		int r1 = a->y + a->h, r2 = r1 + 1;
		kdl_cv_put(cv, r1, ex, 1, er, gl->vl);
		char lab[320];
		char how[96];
		if (b->kind == KDL_GN_TASK && a->kind == KDL_GN_LOCK)
			lock_edge_label(t, a->idx, b->idx, how, sizeof(how));
		else
			snprintf(how, sizeof(how), "held by");
		if (b->kind == KDL_GN_TASK)
			snprintf(lab, sizeof(lab), "%s %d %s %s closes the cycle", how,
				 t->m->tasks[b->idx].pid, t->m->tasks[b->idx].comm, gl->cycle);
		else
			snprintf(lab, sizeof(lab), "waits on the lock above %s closes the cycle", gl->cycle);
		kdl_cv_put(cv, r1, ex + 2, cols - ex - 2, er, lab);
		kdl_cv_put(cv, r2, 1, 1, er, gl->bl);
		kdl_cv_fill(cv, r2, 2, ex - 2, er, gl->hl);
		kdl_cv_put(cv, r2, ex, 1, er, gl->br);
		for (int r = b->y + 2; r < r2; r++)
			kdl_cv_put(cv, r, 1, 1, er, gl->vl);
		kdl_cv_put(cv, b->y + 1, 1, 1, er, gl->tl);
		kdl_cv_put(cv, b->y + 1, 2, 1, er, gl->hl);
		kdl_cv_put(cv, b->y + 1, 3, 1, er, gl->arrow_r);
	}
	/* Side edges: waiters point at their lock; extra holders are pointed at. */
	for (size_t i = 0; i < nmain && sides; i++) {
		struct kdl_gnode *l = &t->gnodes[i];
		int last = -1;
		for (size_t s = nmain; s < t->ngnodes; s++)
			if (t->gnodes[s].parent == (int)i)
				last = (int)s;
		if (last < 0)
			continue;
		int trunk = l->x + l->w + 3;
		int ly = l->y + 1;
		kdl_cv_put(cv, ly, l->x + l->w, 1, KDL_R_EDGE, gl->arrow_l);
		kdl_cv_fill(cv, ly, l->x + l->w + 1, trunk - l->x - l->w - 1, KDL_R_EDGE, gl->hl);
		for (int r = ly; r <= t->gnodes[last].y + 1; r++)
			kdl_cv_put(cv, r, trunk, 1, KDL_R_EDGE, gl->vl);
		for (size_t s = nmain; s < t->ngnodes; s++) {
			struct kdl_gnode *g = &t->gnodes[s];
			if (g->parent != (int)i)
				continue;
			int sy = g->y + 1;
			const char *tee = (int)s == last ? (sy == ly ? gl->hl : gl->bl) : (sy == ly ? gl->ttee : gl->ltee);
			kdl_cv_put(cv, sy, trunk, 1, KDL_R_EDGE, tee);
			kdl_cv_fill(cv, sy, trunk + 1, g->x - trunk - 1, KDL_R_EDGE, gl->hl);
			const char *lab = g->kind == KDL_GN_MORE ? "" : g->owner ? " holds " : " waits ";
			kdl_cv_put(cv, sy, trunk + 1, g->x - trunk - 1, g->owner ? KDL_R_OWNER : KDL_R_WAITER, lab);
			if (g->owner)
				kdl_cv_put(cv, sy, g->x - 1, 1, KDL_R_EDGE, gl->arrow_r);
		}
	}
	for (size_t i = 0; i < t->ngnodes; i++)
		draw_box(t, cv, &t->gnodes[i], (int)i == t->gsel);
}

void kdl_graph_draw(struct kdl_tui *t, int y, int h)
{
	struct kdl_canvas *cv = &t->cv;
	kdl_cv_fill(cv, y, 0, cv->cols, KDL_R_TITLE_FOCUS, " ");
	kdl_cv_printf(cv, y, 0, cv->cols, KDL_R_TITLE_FOCUS, " %s", t->gtitle);
	int vh = h - 1;
	layout_and_draw(t, cv->cols, vh >= 30 ? G_BOX_H : G_SIDE_H);
	if (t->gsel >= 0 && (size_t)t->gsel < t->ngnodes) {
		const struct kdl_gnode *g = &t->gnodes[t->gsel];
		if (g->y - 1 < t->gtop)
			t->gtop = g->y - 1;
		if (g->y + g->h + 1 > t->gtop + vh)
			t->gtop = g->y + g->h + 1 - vh;
	}
	if (t->gtop > t->gcv.rows - vh)
		t->gtop = t->gcv.rows - vh;
	if (t->gtop < 0)
		t->gtop = 0;
	kdl_cv_blit(cv, y + 1, 0, vh, cv->cols, &t->gcv, t->gtop, 0);
	if (t->gcv.rows > vh) {
		char pos[48];
		snprintf(pos, sizeof(pos), " rows %d-%d of %d ", t->gtop + 1,
			 t->gtop + vh < t->gcv.rows ? t->gtop + vh : t->gcv.rows, t->gcv.rows);
		int pw = kdl_text_width(pos);
		kdl_cv_put(cv, y, cv->cols - pw - 1, pw, KDL_R_TITLE_FOCUS, pos);
	}
}

/* ---------- navigation ---------- */

static void open_node(struct kdl_tui *t, int i)
{
	const struct kdl_gnode *g = &t->gnodes[i];
	switch (g->kind) {
	case KDL_GN_TASK:
		t->graph_view = false;
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, g->idx }, true);
		t->focus = KDL_P_DETAIL;
		break;
	case KDL_GN_LOCK:
	case KDL_GN_GONE:
		t->graph_view = false;
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_LOCK, g->idx }, true);
		t->focus = KDL_P_DETAIL;
		break;
	case KDL_GN_MORE: {
		/* Unfold a page of waiters at a time: a convoy of thousands stays
		 * quick to draw and to scroll. */
		int lock = g->idx;
		t->gunfold_n = t->gunfold_lock == lock ? t->gunfold_n + G_UNFOLD : G_FOLD + G_UNFOLD;
		t->gunfold_lock = lock;
		build(t);
		/* Keep the selection on the lock's first newly shown waiter. */
		for (size_t k = 0; k < t->ngnodes; k++)
			if (t->gnodes[k].kind == KDL_GN_LOCK && t->gnodes[k].idx == lock &&
			    t->gnodes[k].parent < 0)
				t->gsel = (int)k;
		break;
	}
	}
}

bool kdl_graph_request(struct kdl_tui *t, enum kdl_req r)
{
	if (!t->ngnodes)
		return false;
	size_t nmain = nmain_nodes(t);
	struct kdl_gnode *g = &t->gnodes[t->gsel];
	switch (r) {
	case KDL_REQ_DOWN:
		if (g->parent < 0) {
			if ((size_t)t->gsel + 1 < nmain)
				t->gsel++;
			else if (t->gback_from == t->gsel)
				t->gsel = t->gback_to;
		} else {
			for (size_t s = (size_t)t->gsel + 1; s < t->ngnodes; s++)
				if (t->gnodes[s].parent == g->parent) {
					t->gsel = (int)s;
					break;
				}
		}
		return true;
	case KDL_REQ_UP:
		if (g->parent < 0) {
			if (t->gsel > 0)
				t->gsel--;
			else if (t->gback_to == 0 && t->gback_from >= 0)
				t->gsel = t->gback_from;
		} else {
			int prev = -1;
			for (int s = t->gsel - 1; s >= (int)nmain; s--)
				if (t->gnodes[s].parent == g->parent) {
					prev = s;
					break;
				}
			t->gsel = prev >= 0 ? prev : g->parent;
		}
		return true;
	case KDL_REQ_RIGHT:
		if (g->parent < 0)
			for (size_t s = nmain; s < t->ngnodes; s++)
				if (t->gnodes[s].parent == t->gsel) {
					t->gsel = (int)s;
					return true;
				}
		kdl_tui_status(t, false, "No other waiters here");
		return true;
	case KDL_REQ_LEFT:
		if (g->parent >= 0)
			t->gsel = g->parent;
		return true;
	case KDL_REQ_PAGE_DOWN:
		t->gtop += 10;
		return true;
	case KDL_REQ_PAGE_UP:
		t->gtop -= 10;
		return true;
	case KDL_REQ_HOME:
		t->gsel = 0;
		return true;
	case KDL_REQ_END:
		t->gsel = nmain ? (int)nmain - 1 : 0;
		return true;
	case KDL_REQ_ENTER:
		open_node(t, t->gsel);
		return true;
	case KDL_REQ_NEXT_CYCLE:
	case KDL_REQ_PREV_CYCLE: {
		size_t n = t->m->ncycles;
		if (!n) {
			kdl_tui_status(t, false, "No deadlock cycles in this dump");
			return true;
		}
		int d = r == KDL_REQ_NEXT_CYCLE ? 1 : (int)n - 1;
		int pos = t->gcycle < 0 ? -d : cycle_order(t->m, t->gcycle, -1, NULL);
		int next = t->gcycle;
		cycle_order(t->m, -1, (pos + d + (int)n) % (int)n, &next);
		t->gcycle = next < 0 ? 0 : next;
		t->gunfold_lock = -1;
		build(t);
		return true;
	}
	case KDL_REQ_CLEAR:
		t->graph_view = false;
		return true;
	default:
		return false;
	}
}

void kdl_graph_click(struct kdl_tui *t, int y, int x, bool dbl)
{
	int gy = y - 3 + t->gtop; /* header 2 + title 1 */
	for (size_t i = 0; i < t->ngnodes; i++) {
		const struct kdl_gnode *g = &t->gnodes[i];
		if (gy >= g->y && gy < g->y + g->h && x >= g->x && x < g->x + g->w) {
			t->gsel = (int)i;
			if (dbl)
				open_node(t, (int)i);
			return;
		}
	}
}
