/* core/graph/findings.c - what the wait-for graph means. All finding
 * classification of kdlview is here: the class of each cycle
 * (kdl_gr_cycle_class(), which graph.c calls as it records a cycle), the kind
 * of each finding and whether it is a deadlock (kdl_finding.deadlock, which
 * the front-ends read instead of deciding again), its severity and
 * confidence, and its plain-words summary. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/str.h"
#include "core/graph/graph_priv.h"
#include "core/locks/locks.h"

/* ---- classification ------------------------------------------------------- */

enum kdl_finding_kind kdl_gr_cycle_class(bool work, bool irq, bool bw, size_t n)
{
	if (work)
		return KDL_F_FLUSH_DEADLOCK;
	if (irq)
		return KDL_F_IRQ_SELF_DEADLOCK;
	if (bw)
		return KDL_F_RW_DEADLOCK;
	if (n == 1)
		return KDL_F_SELF_DEADLOCK;
	return KDL_F_DEADLOCK;
}

/* The kinds none of whose tasks can go on: what kdl_finding.deadlock says
 * (and --fail-on deadlock matches). */
static bool is_deadlock(enum kdl_finding_kind kind)
{
	return kind == KDL_F_DEADLOCK || kind == KDL_F_RW_DEADLOCK ||
	       kind == KDL_F_SELF_DEADLOCK || kind == KDL_F_IRQ_SELF_DEADLOCK ||
	       kind == KDL_F_FLUSH_DEADLOCK;
}

/* ---- summaries ---------------------------------------------------------------- */

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
static bool own_index(struct kdl_gr *g)
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

static void add_blocked_behind(struct kdl_gr *g, struct fset *tasks)
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

static void add_finding(struct kdl_gr *g, enum kdl_finding_kind kind, enum kdl_severity sev,
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
	f->deadlock = is_deadlock(kind);
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
static void alternatives_text(struct kdl_gr *g, size_t ci, struct text *t)
{
	const struct kdl_model *m = g->m;
	const struct kdl_cycle *c = &m->cycles[ci];
	char a[128], w[128];

	for (size_t i = 0; i < c->n; i++) {
		const struct kdl_lock *l;
		struct kdl_ctxref cand = c->nodes[(i + 1) % c->n];
		size_t ncand = 0, nalt = 0, nopen = 0;

		if (!kdl_gr_amb_hop(g, c, i))
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
				    y->nodes[h].ctx != c->nodes[i].ctx || !kdl_gr_amb_hop(g, y, h))
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

static void cycle_finding(struct kdl_gr *g, size_t ci)
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
		const struct kdl_owner *o = kdl_gr_holder_rec(l, c->nodes[(i + 1) % c->n]);
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
		const struct kdl_owner *o = kdl_gr_holder_rec(&m->locks[c->locks[0]], c->nodes[0]);

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
			const struct kdl_owner *o = kdl_gr_holder_rec(l, nx);

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
				     kdl_gr_amb_hop(g, c, i) ? " as one of several candidates" : "");
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

static void mark_cycles(struct kdl_gr *g)
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

static void mark_rw_findings(struct kdl_gr *g)
{
	const struct kdl_model *m = g->m;

	for (size_t f = 0; f < m->nfindings; f++)
		if (m->findings[f].kind == KDL_F_RW_DEADLOCK)
			for (size_t i = 0; i < m->findings[f].nlocks; i++)
				g->lflag[m->findings[f].locks[i]] |= LF_RW;
}

static bool lock_in_cycle(const struct kdl_gr *g, int li)
{
	return g->lflag[li] & LF_CYCLE;
}

static bool task_in_cycle(const struct kdl_gr *g, int ti)
{
	return ti >= 0 && g->tcycle[ti];
}

static bool lock_in_finding(const struct kdl_gr *g, int li)
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

static void lock_findings(struct kdl_gr *g)
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
static void rw_stall_findings(struct kdl_gr *g)
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

void kdl_gr_sort_findings(struct kdl_model *m)
{
	/* findings point at cycles by index, which sorting findings keeps */
	if (m->nfindings > 1)
		qsort(m->findings, m->nfindings, sizeof(*m->findings), cmp_finding);
}

void kdl_gr_findings(struct kdl_gr *g)
{
	const struct kdl_model *m = g->m;

	mark_cycles(g);
	for (size_t c = 0; c < m->ncycles; c++)
		if (g->rep[c] == (int)c)
			cycle_finding(g, c);
	rw_stall_findings(g);
	mark_rw_findings(g);
	lock_findings(g);
}
