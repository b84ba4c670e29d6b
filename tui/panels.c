/* tui/panels.c - the three panels of the main screen (findings, tasks,
 * detail): each is a list model plus an ops table; kdl_panel_draw() draws any
 * of them, kdl_panel_request() moves the cursor. */
#include "tui_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------- generic panel ---------- */

static bool row_selectable(struct kdl_tui *t, struct kdl_panel *p, size_t i)
{
	return !p->ops->selectable || p->ops->selectable(t, i);
}

void kdl_panel_clamp(struct kdl_tui *t, struct kdl_panel *p)
{
	size_t n = p->ops->count(t);
	if (!n) {
		p->cursor = p->top = 0;
		return;
	}
	if (p->cursor >= n)
		p->cursor = n - 1;
	size_t h = p->body_h > 0 ? (size_t)p->body_h : 1;
	if (p->cursor < p->top)
		p->top = p->cursor;
	if (p->cursor >= p->top + h)
		p->top = p->cursor - h + 1;
	if (p->top + h > n)
		p->top = n > h ? n - h : 0;
}

void kdl_panel_draw(struct kdl_tui *t, struct kdl_panel *p, bool focused)
{
	struct kdl_canvas *cv = &t->cv;
	if (p == &t->panels[KDL_P_DETAIL])
		kdl_detail_build(t, p->w);
	enum kdl_role tr = focused ? KDL_R_TITLE_FOCUS : KDL_R_TITLE;
	kdl_cv_fill(cv, p->y, p->x, p->w, tr, " ");
	char title[300];
	p->ops->title(t, title, sizeof(title));
	int x = kdl_cv_printf(cv, p->y, p->x, p->w, tr, " %d %s %s ",
			      (int)(p - t->panels) + 1, t->g->vl, title);
	(void)x;
	int y = p->y + 1;
	if (p->ops->columns && y < p->y + p->h && p->ops->columns(t, y, p->x, p->w))
		y++;
	p->body_y = y;
	p->body_h = p->y + p->h - y;
	if (p->body_h < 0)
		p->body_h = 0;
	size_t n = p->ops->count(t);
	/* A cursor on a row that cannot be selected moves to the next one. */
	if (n && !row_selectable(t, p, p->cursor < n ? p->cursor : n - 1)) {
		size_t c = p->cursor < n ? p->cursor : n - 1;
		size_t i;
		for (i = c; i < n && !row_selectable(t, p, i); i++)
			;
		if (i < n)
			p->cursor = i;
	}
	kdl_panel_clamp(t, p);
	char pos[48];
	if (n > (size_t)p->body_h) {
		snprintf(pos, sizeof(pos), " %zu/%zu ", p->cursor + 1, n);
		int pw = kdl_text_width(pos);
		kdl_cv_put(cv, p->y, p->x + p->w - pw - 1, pw, tr, pos);
	}
	if (!n) {
		kdl_cv_put(cv, y, p->x + 2, p->w - 2, KDL_R_DIM,
			   p == &t->panels[KDL_P_FINDINGS] ? "No findings: no deadlock, convoy or orphaned lock found"
							   : "(nothing to show)");
		return;
	}
	bool any_sel = false;
	for (size_t i = 0; i < n && !any_sel; i++)
		any_sel = row_selectable(t, p, i);
	for (int r = 0; r < p->body_h; r++) {
		size_t i = p->top + (size_t)r;
		if (i >= n)
			break;
		p->ops->row(t, i, y + r, p->x, p->w);
		if (i == p->cursor && any_sel && row_selectable(t, p, i))
			kdl_cv_role(cv, y + r, p->x, p->w, focused ? KDL_R_CURSOR : KDL_R_CURSOR_DIM);
	}
}

static void move_cursor(struct kdl_tui *t, struct kdl_panel *p, long delta)
{
	size_t n = p->ops->count(t);
	if (!n)
		return;
	long c = (long)p->cursor;
	long step = delta > 0 ? 1 : -1;
	long target = c + delta;
	if (target < 0)
		target = 0;
	if (target >= (long)n)
		target = (long)n - 1;
	/* Land on a selectable row, searching in the direction of travel. */
	long i = target;
	while (i >= 0 && i < (long)n && !row_selectable(t, p, (size_t)i))
		i += step;
	if (i < 0 || i >= (long)n) {
		i = target;
		while (i >= 0 && i < (long)n && !row_selectable(t, p, (size_t)i))
			i -= step;
	}
	if (i < 0 || i >= (long)n) {
		/* Nothing selectable: scroll. */
		long top = (long)p->top + delta;
		long maxtop = (long)n - p->body_h;
		if (top > maxtop)
			top = maxtop;
		if (top < 0)
			top = 0;
		p->top = (size_t)top;
		return;
	}
	if (i == c && step > 0 && (long)p->top + p->body_h < (long)n && delta == 1) {
		p->top++; /* at the last selectable row: let the rest scroll into view */
		return;
	}
	if (i == c && step < 0 && p->top > 0 && delta == -1 && p->top >= p->cursor) {
		p->top--;
		return;
	}
	p->cursor = (size_t)i;
	kdl_panel_clamp(t, p);
	if (p->ops->select)
		p->ops->select(t, p->cursor);
}

bool kdl_panel_request(struct kdl_tui *t, struct kdl_panel *p, enum kdl_req r)
{
	long page = p->body_h > 1 ? p->body_h - 1 : 1;
	switch (r) {
	case KDL_REQ_UP: move_cursor(t, p, -1); return true;
	case KDL_REQ_DOWN: move_cursor(t, p, 1); return true;
	case KDL_REQ_PAGE_UP: move_cursor(t, p, -page); return true;
	case KDL_REQ_PAGE_DOWN: move_cursor(t, p, page); return true;
	case KDL_REQ_HOME: move_cursor(t, p, -(long)p->ops->count(t)); return true;
	case KDL_REQ_END: move_cursor(t, p, (long)p->ops->count(t)); return true;
	default:
		return p->ops->request ? p->ops->request(t, r) : false;
	}
}

/* ---------- shared row pieces ---------- */

/* Index into m->cpus of the CPU whose current task this is, or -1. */
static int task_cpu_slot(const struct kdl_model *m, int task)
{
	for (size_t c = 0; c < m->ncpus; c++)
		if (m->cpus[c].task == task)
			return (int)c;
	return -1;
}

static int task_spins_on(const struct kdl_model *m, int task)
{
	for (size_t c = 0; c < m->ncpus; c++)
		if (m->cpus[c].task == task && m->cpus[c].spinning_on >= 0 &&
		    (size_t)m->cpus[c].spinning_on < m->nlocks)
			return m->cpus[c].spinning_on;
	return -1;
}

/* Indices from the model are checked before use: a wrong one (a core bug)
 * shows as missing, never as a crash. */
static bool lock_ok(const struct kdl_model *m, int i)
{
	return i >= 0 && (size_t)i < m->nlocks;
}

static bool task_ok(const struct kdl_model *m, int i)
{
	return i >= 0 && (size_t)i < m->ntasks;
}

static const char *lock_name(const struct kdl_lock *lk)
{
	return lk->name && *lk->name ? lk->name : "(unnamed lock)";
}

/* Completions and wait queues have no owner: nobody is recorded as the
 * one who will wake the waiter (a lost wake-up when nobody will). */
static bool ownerless_kind(enum kdl_lock_kind k)
{
	return k == KDL_LOCK_COMPLETION || k == KDL_LOCK_WAITQUEUE;
}

static const char *no_owner_text(const struct kdl_lock *lk, bool brief)
{
	if (ownerless_kind(lk->kind))
		return brief ? "no waker known" : "nobody is recorded as the one to wake it";
	return brief ? "holder unknown" : "unknown (no owner recorded)";
}

/* Modes matter for reader/writer locks only. */
static bool rw_kind(enum kdl_lock_kind k)
{
	return k == KDL_LOCK_RWSEM || k == KDL_LOCK_RWLOCK || k == KDL_LOCK_PERCPU_RWSEM;
}

/* "held by 102 kdl_abba_b" / "owner exited" ...; returns columns used. */
static int put_owner(struct kdl_tui *t, const struct kdl_lock *lk, int y, int x, int w)
{
	int n = 0;
	if (!lk->nowners)
		return kdl_cv_put(&t->cv, y, x, w, KDL_R_DIM, no_owner_text(lk, true));
	const struct kdl_owner *o = &lk->owners[0];
	if (!o->alive) {
		n += kdl_cv_printf(&t->cv, y, x, w, KDL_R_ERROR, "%s owner exited: pid %d %s", t->g->bad,
				   o->pid, o->comm);
		return n;
	}
	n += kdl_cv_put(&t->cv, y, x, w, KDL_R_DIM, "held by ");
	n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_OWNER, "%d %s", o->pid, o->comm);
	if (o->confidence != KDL_CONF_CERTAIN)
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_UNRELIABLE, " (%s)",
				   kdl_confidence_name(o->confidence));
	if (lk->nowners > 1)
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, " +%zu", lk->nowners - 1);
	return n;
}

static int waits_text(struct kdl_tui *t, int task, int y, int x, int w);

/* What a task waits on, with an ellipsis when the column cuts it. */
int kdl_task_waits_text(struct kdl_tui *t, int task, int y, int x, int w)
{
	/* A CPU that was in interrupt context at the crash says so first. */
	const struct kdl_model *m = t->m;
	int slot = task_cpu_slot(m, task), pre = 0;
	if (slot >= 0 && m->cpus[slot].context != KDL_CTX_TASK) {
		static const char *const cn[] = { "task", "hard IRQ", "softirq", "NMI", "exception", "user" };
		unsigned c = (unsigned)m->cpus[slot].context;
		pre = kdl_cv_printf(&t->cv, y, x, w, KDL_R_CONTEXT, "[%s] ", c < 6 ? cn[c] : "?");
	}
	int n = pre + waits_text(t, task, y, x + pre, w - pre);
	if (n >= w && w > 1)
		kdl_cv_put(&t->cv, y, x + w - 1, 1, KDL_R_DIM, t->g->ellipsis);
	return n;
}

static int waits_text(struct kdl_tui *t, int task, int y, int x, int w)
{
	const struct kdl_model *m = t->m;
	const struct kdl_task *tk = &m->tasks[task];
	int n = 0;
	int lock = tk->waits_on;
	bool spin = false;
	if (lock < 0 || (size_t)lock >= m->nlocks) {
		lock = task_spins_on(m, task);
		spin = lock >= 0;
	}
	if (lock >= 0 && (size_t)lock < m->nlocks) {
		const struct kdl_lock *lk = &m->locks[lock];
		const char *mode = tk->wait_mode == KDL_MODE_READ ? "(R)" :
				   tk->wait_mode == KDL_MODE_WRITE ? "(W)" : "";
		n += kdl_cv_printf(&t->cv, y, x, w, KDL_R_DIM, "%s%s%s ", spin ? "spin " : "",
				   kdl_lock_kind_name(lk->kind), mode);
		n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_LOCK, lock_name(lk));
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, " %s ", t->g->arrow_r);
		n += put_owner(t, lk, y, x + n, w - n);
		return n;
	}
	if (tk->other.kind) {
		n += kdl_cv_printf(&t->cv, y, x, w, KDL_R_DIM, "%s ", tk->other.kind);
		if (tk->other.label)
			n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_FUNCTION, tk->other.label);
		return n;
	}
	if (tk->on_cpu && tk->pid == 0)
		return kdl_cv_printf(&t->cv, y, x, w, KDL_R_DIM, "idle on CPU %d", tk->cpu);
	if (tk->on_cpu)
		return kdl_cv_printf(&t->cv, y, x, w, KDL_R_STATE_RUNNING, "running on CPU %d", tk->cpu);
	return 0;
}

static enum kdl_role state_role(const struct kdl_task *tk)
{
	if (!strcmp(tk->state, "UN") || tk->rtlock_wait)
		return KDL_R_STATE_BLOCKED;
	if (!strcmp(tk->state, "RU"))
		return KDL_R_STATE_RUNNING;
	return KDL_R_DIM;
}

/* The marker column: in a cycle, holding a lock others wait on. */
static void put_marker(struct kdl_tui *t, int task, int y, int x)
{
	unsigned f = t->task_flags[task];
	if (f & KDL_TF_CYCLE)
		kdl_cv_put(&t->cv, y, x, 1, KDL_R_CYCLE, t->g->cycle);
	else if (f & KDL_TF_HOLDER)
		kdl_cv_put(&t->cv, y, x, 1, KDL_R_OWNER, t->g->held);
	else if (f & KDL_TF_SPINNING)
		kdl_cv_put(&t->cv, y, x, 1, KDL_R_STATE_RUNNING, "~");
}

/* ---------- findings panel ---------- */

static size_t findings_count(struct kdl_tui *t)
{
	return t->m->nfindings;
}

static void findings_title(struct kdl_tui *t, char *buf, size_t size)
{
	snprintf(buf, size, "Findings (%zu), most severe first", t->m->nfindings);
}

static void findings_row(struct kdl_tui *t, size_t i, int y, int x, int w)
{
	const struct kdl_finding *f = &t->m->findings[i];
	static const char *const sev[] = { "CRIT", "HIGH", "MED", "LOW" };
	int n = 1;
	n += kdl_cv_printf(&t->cv, y, x + n, 5, kdl_severity_role(f->severity), "%-4s",
			   (unsigned)f->severity < 4 ? sev[f->severity] : "?");
	n = 7;
	n += kdl_cv_put(&t->cv, y, x + n, 18, kdl_severity_role(f->severity),
			kdl_finding_title(f->kind));
	n = 26;
	n += kdl_cv_printf(&t->cv, y, x + n, 10, KDL_R_DIM, "%zu task%s", f->ntasks,
			   f->ntasks == 1 ? "" : "s");
	n = 36;
	if (f->summary) {
		size_t len = strcspn(f->summary, "\n");
		char s[512];
		snprintf(s, sizeof(s), "%.*s", (int)(len < 500 ? len : 500), f->summary);
		int sw = kdl_text_width(s);
		int room = w - n - 1;
		if (sw > room && room > 1) {
			kdl_cv_put(&t->cv, y, x + n, room - 1, KDL_R_DEFAULT, s);
			kdl_cv_put(&t->cv, y, x + n + room - 1, 1, KDL_R_DIM, t->g->ellipsis);
		} else {
			kdl_cv_put(&t->cv, y, x + n, room, KDL_R_DEFAULT, s);
		}
	}
}

static void findings_select(struct kdl_tui *t, size_t i)
{
	kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_FINDING, (int)i }, false);
}

static bool findings_request(struct kdl_tui *t, enum kdl_req r)
{
	struct kdl_panel *p = &t->panels[KDL_P_FINDINGS];
	if (r != KDL_REQ_ENTER || !t->m->nfindings)
		return false;
	const struct kdl_finding *f = &t->m->findings[p->cursor];
	t->focus_finding = (int)p->cursor;
	t->filter[0] = 0;
	kdl_tasks_rebuild(t);
	t->focus = KDL_P_TASKS;
	t->panels[KDL_P_TASKS].cursor = 0;
	t->panels[KDL_P_TASKS].top = 0;
	t->loc = (struct kdl_loc){ KDL_LOC_FINDING, (int)p->cursor };
	/* Start at the first task of the cycle when there is one. */
	int first = f->ntasks ? f->tasks[0] : -1;
	if (f->cycle >= 0 && (size_t)f->cycle < t->m->ncycles && t->m->cycles[f->cycle].n)
		first = t->m->cycles[f->cycle].nodes[0].task;
	if (task_ok(t->m, first)) {
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, first }, true);
		kdl_tasks_select_task(t, first);
	}
	kdl_tui_status(t, false, "%zu tasks of %s #%zu; Esc shows all again", f->ntasks,
		       kdl_finding_title(f->kind), p->cursor + 1);
	return true;
}

const struct kdl_panel_ops kdl_findings_ops = {
	.name = "findings",
	.count = findings_count,
	.title = findings_title,
	.row = findings_row,
	.select = findings_select,
	.request = findings_request,
};

/* ---------- task list ---------- */

static bool contains_ci(const char *hay, const char *needle)
{
	if (!hay || !*needle)
		return false;
	size_t nl = strlen(needle);
	for (const char *h = hay; *h; h++)
		if (!strncasecmp(h, needle, nl))
			return true;
	return false;
}

static bool task_matches(struct kdl_tui *t, int ti, const char *q)
{
	const struct kdl_model *m = t->m;
	const struct kdl_task *tk = &m->tasks[ti];
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", tk->pid);
	/* A number is a pid: "/85" finds pid 85, not every address with 85 in it. */
	if (q[strspn(q, "0123456789")] == 0)
		return !strcmp(pid, q);
	if (contains_ci(tk->comm, q))
		return true;
	if (tk->waits_on >= 0 && (size_t)tk->waits_on < m->nlocks &&
	    contains_ci(m->locks[tk->waits_on].name, q))
		return true;
	int sp = task_spins_on(m, ti);
	if (sp >= 0 && contains_ci(m->locks[sp].name, q))
		return true;
	for (size_t h = 0; h < tk->nholds; h++)
		if (tk->holds[h] >= 0 && (size_t)tk->holds[h] < m->nlocks &&
		    contains_ci(m->locks[tk->holds[h]].name, q))
			return true;
	if (tk->other.label && contains_ci(tk->other.label, q))
		return true;
	/* Functions: only frames already computed (searching must not unwind
	 * every task of the dump). */
	if (tk->frames_done)
		for (size_t f = 0; f < tk->nframes; f++)
			if (contains_ci(tk->frames[f].function, q))
				return true;
	return false;
}

static struct kdl_tui *sort_tui; /* qsort has no context argument in C11 */

static int cmp_rank(const struct kdl_tui *t, int a, int b)
{
	int fa = t->task_finding[a] < 0 ? 1 << 20 : t->task_finding[a];
	int fb = t->task_finding[b] < 0 ? 1 << 20 : t->task_finding[b];
	if (fa != fb)
		return fa < fb ? -1 : 1;
	int ba = !!(t->task_flags[a] & (KDL_TF_BLOCKED | KDL_TF_SPINNING));
	int bb = !!(t->task_flags[b] & (KDL_TF_BLOCKED | KDL_TF_SPINNING));
	if (ba != bb)
		return bb - ba;
	int64_t da = t->m->tasks[a].blocked_for_ns, db = t->m->tasks[b].blocked_for_ns;
	if (da != db)
		return da > db ? -1 : 1;
	return 0;
}

static int cmp_tasks(const void *pa, const void *pb)
{
	const struct kdl_tui *t = sort_tui;
	int a = *(const int *)pa, b = *(const int *)pb;
	const struct kdl_task *ta = &t->m->tasks[a], *tb = &t->m->tasks[b];
	int c = 0;
	switch (t->sort) {
	case KDL_SORT_RANK: c = cmp_rank(t, a, b); break;
	case KDL_SORT_PID: break;
	case KDL_SORT_STATE: c = strcmp(ta->state, tb->state); break;
	case KDL_SORT_CPU: c = (ta->cpu > tb->cpu) - (ta->cpu < tb->cpu); break;
	case KDL_SORT_BLOCKED:
		c = (ta->blocked_for_ns < tb->blocked_for_ns) - (ta->blocked_for_ns > tb->blocked_for_ns);
		break;
	case KDL_SORT_COMM: c = strcmp(ta->comm, tb->comm); break;
	case KDL_SORT_WAITS: {
		const char *na = lock_ok(t->m, ta->waits_on) ? t->m->locks[ta->waits_on].name : NULL;
		const char *nb = lock_ok(t->m, tb->waits_on) ? t->m->locks[tb->waits_on].name : NULL;
		c = (!na) - (!nb);
		if (!c && na && nb)
			c = strcmp(na, nb);
		break;
	}
	case KDL_SORT_COUNT: break;
	}
	if (t->sort_rev)
		c = -c;
	if (!c)
		c = (ta->pid > tb->pid) - (ta->pid < tb->pid);
	return c;
}

void kdl_tasks_rebuild(struct kdl_tui *t)
{
	const struct kdl_model *m = t->m;
	t->rows_dirty = false;
	int keep = t->nrows && t->panels[KDL_P_TASKS].cursor < t->nrows
		       ? t->rows[t->panels[KDL_P_TASKS].cursor] : -1;
	free(t->rows);
	t->rows = calloc(m->ntasks ? m->ntasks : 1, sizeof(int));
	t->nrows = 0;
	if (!t->rows)
		return;
	const struct kdl_finding *ff = t->focus_finding >= 0 && (size_t)t->focus_finding < m->nfindings
				       ? &m->findings[t->focus_finding] : NULL;
	/* Membership of the focused finding, as a bitmap (a finding may hold
	 * thousands of tasks). */
	unsigned char *in = NULL;
	if (ff) {
		in = calloc(m->ntasks ? m->ntasks : 1, 1);
		if (!in)
			ff = NULL;
		for (size_t j = 0; in && j < ff->ntasks; j++)
			if (ff->tasks[j] >= 0 && (size_t)ff->tasks[j] < m->ntasks)
				in[ff->tasks[j]] = 1;
	}
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *tk = &m->tasks[i];
		if (ff) {
			if (!in[i])
				continue;
		} else if (t->cpu_view) {
			if (task_cpu_slot(m, (int)i) < 0)
				continue;
		} else if (!t->all_tasks && !t->filter[0]) {
			if (!(tk->involved || (t->task_flags[i] & (KDL_TF_BLOCKED | KDL_TF_SPINNING)) ||
			      tk->on_cpu || tk->waits_on >= 0 || t->task_finding[i] >= 0))
				continue;
		}
		if (t->filter[0] && !task_matches(t, (int)i, t->filter))
			continue;
		t->rows[t->nrows++] = (int)i;
	}
	free(in);
	sort_tui = t;
	enum kdl_sort saved = t->sort;
	if (t->cpu_view)
		t->sort = KDL_SORT_CPU;
	qsort(t->rows, t->nrows, sizeof(int), cmp_tasks);
	t->sort = saved;
	sort_tui = NULL;
	if (keep >= 0)
		kdl_tasks_select_task(t, keep);
}

void kdl_tasks_select_task(struct kdl_tui *t, int task)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i] == task) {
			t->panels[KDL_P_TASKS].cursor = i;
			kdl_panel_clamp(t, &t->panels[KDL_P_TASKS]);
			return;
		}
}

static size_t tasks_count(struct kdl_tui *t)
{
	return t->nrows;
}

static const char *const sort_names[KDL_SORT_COUNT] = { "rank", "pid", "state", "cpu",
							 "blocked", "comm", "waits-on" };

static void tasks_title(struct kdl_tui *t, char *buf, size_t size)
{
	const struct kdl_model *m = t->m;
	char what[160];
	if (t->cpu_view)
		snprintf(what, sizeof(what), "on the CPUs at the crash");
	else if (t->focus_finding >= 0)
		snprintf(what, sizeof(what), "tasks of %s #%d",
			 kdl_finding_title(m->findings[t->focus_finding].kind), t->focus_finding + 1);
	else if (t->all_tasks)
		snprintf(what, sizeof(what), "all tasks");
	else
		snprintf(what, sizeof(what), "blocked, spinning and involved tasks");
	char filt[180] = "";
	if (t->filter[0])
		snprintf(filt, sizeof(filt), "  filter \"%s\"", t->filter);
	if (t->cpu_view)
		snprintf(buf, size, "Tasks: %s (%zu)  %s by CPU", what, t->nrows, t->g->sep);
	else
		snprintf(buf, size, "Tasks: %s (%zu)%s  %s sort %s %s", what, t->nrows, filt, t->g->sep,
			 sort_names[t->sort], t->sort_rev ? t->g->sort_up : t->g->sort_down);
}

/* Column positions of the task list. */
enum { TC_MARK = 1, TC_PID = 3, TC_ST = 11, TC_CPU = 14, TC_BLK = 18, TC_COMM = 27, TC_WAIT = 44 };

static bool tasks_columns(struct kdl_tui *t, int y, int x, int w)
{
	kdl_cv_fill(&t->cv, y, x, w, KDL_R_COLUMN, " ");
	kdl_cv_put(&t->cv, y, x + TC_PID, 8, KDL_R_COLUMN, "    PID");
	kdl_cv_put(&t->cv, y, x + TC_ST, 3, KDL_R_COLUMN, "ST");
	kdl_cv_put(&t->cv, y, x + TC_CPU, 4, KDL_R_COLUMN, "CPU");
	kdl_cv_put(&t->cv, y, x + TC_BLK, 8, KDL_R_COLUMN, " BLOCKED");
	kdl_cv_put(&t->cv, y, x + TC_COMM, 16, KDL_R_COLUMN, "COMM");
	kdl_cv_put(&t->cv, y, x + TC_WAIT, w - TC_WAIT, KDL_R_COLUMN, "WAITS ON");
	static const int colx[KDL_SORT_COUNT] = { -1, TC_PID + 7, TC_ST + 2, TC_CPU + 3,
						  TC_BLK + 8, TC_COMM + 4, TC_WAIT + 8 };
	if (colx[t->sort] >= 0)
		kdl_cv_put(&t->cv, y, x + colx[t->sort], 1, KDL_R_COLUMN,
			   t->sort_rev ? t->g->sort_up : t->g->sort_down);
	return true;
}

void kdl_tasks_sort_at(struct kdl_tui *t, int x)
{
	static const struct { int from; enum kdl_sort s; } cols[] = {
		{ TC_WAIT, KDL_SORT_WAITS }, { TC_COMM, KDL_SORT_COMM }, { TC_BLK, KDL_SORT_BLOCKED },
		{ TC_CPU, KDL_SORT_CPU }, { TC_ST, KDL_SORT_STATE }, { TC_PID, KDL_SORT_PID },
		{ 0, KDL_SORT_RANK },
	};
	x -= t->panels[KDL_P_TASKS].x;
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (x >= cols[i].from) {
			if (t->sort == cols[i].s)
				t->sort_rev = !t->sort_rev;
			else
				t->sort_rev = false;
			t->sort = cols[i].s;
			t->rows_dirty = true;
			kdl_tui_status(t, false, "Sorted by %s%s", sort_names[t->sort],
				       t->sort_rev ? " (reversed)" : "");
			return;
		}
}

static void tasks_row(struct kdl_tui *t, size_t i, int y, int x, int w)
{
	int ti = t->rows[i];
	const struct kdl_task *tk = &t->m->tasks[ti];
	put_marker(t, ti, y, x + TC_MARK);
	kdl_cv_printf(&t->cv, y, x + TC_PID, 7, KDL_R_PID, "%7d", tk->pid);
	kdl_cv_put(&t->cv, y, x + TC_ST, 2, state_role(tk), tk->state);
	if (tk->cpu >= 0)
		kdl_cv_printf(&t->cv, y, x + TC_CPU, 3, KDL_R_DEFAULT, "%3d", tk->cpu);
	char d[32];
	kdl_fmt_duration(tk->blocked_for_ns, d, sizeof(d));
	kdl_cv_printf(&t->cv, y, x + TC_BLK, 8, KDL_R_DEFAULT, "%8s", d);
	kdl_cv_put(&t->cv, y, x + TC_COMM, 16, KDL_R_COMM, tk->comm);
	/* Show where a search matched the comm (ASCII comms: byte = column). */
	if (t->filter[0] && t->filter[strspn(t->filter, "0123456789")]) {
		size_t fl = strlen(t->filter);
		for (const char *h = tk->comm; *h; h++)
			if (!strncasecmp(h, t->filter, fl)) {
				int off = (int)(h - tk->comm);
				if (off < 16)
					kdl_cv_role(&t->cv, y, x + TC_COMM + off,
						    (int)fl < 16 - off ? (int)fl : 16 - off, KDL_R_MATCH);
				break;
			}
	}
	if (w > TC_WAIT)
		kdl_task_waits_text(t, ti, y, x + TC_WAIT, w - TC_WAIT);
}

static void tasks_select(struct kdl_tui *t, size_t i)
{
	if (i < t->nrows)
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, t->rows[i] }, false);
}

static bool tasks_request(struct kdl_tui *t, enum kdl_req r)
{
	switch (r) {
	case KDL_REQ_ENTER:
		if (!t->nrows)
			return false;
		tasks_select(t, t->panels[KDL_P_TASKS].cursor);
		t->focus = KDL_P_DETAIL;
		t->panels[KDL_P_DETAIL].cursor = 0;
		return true;
	case KDL_REQ_SORT:
		t->sort = (enum kdl_sort)((t->sort + 1) % KDL_SORT_COUNT);
		t->rows_dirty = true;
		kdl_tui_status(t, false, "Sorted by %s", sort_names[t->sort]);
		return true;
	case KDL_REQ_SORT_REVERSE:
		t->sort_rev = !t->sort_rev;
		t->rows_dirty = true;
		return true;
	case KDL_REQ_CPUS:
		t->cpu_view = !t->cpu_view;
		t->focus_finding = -1;
		t->filter[0] = 0;
		t->rows_dirty = true;
		kdl_tasks_rebuild(t);
		t->panels[KDL_P_TASKS].cursor = 0;
		if (t->nrows)
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, t->rows[0] }, false);
		kdl_tui_status(t, false, "%s", t->cpu_view ? "The task on each CPU; c again: back"
							 : "Showing blocked, spinning and involved tasks");
		return true;
	case KDL_REQ_ALL_TASKS:
		t->cpu_view = false;
		t->all_tasks = !t->all_tasks;
		t->focus_finding = -1;
		t->rows_dirty = true;
		kdl_tui_status(t, false, "%s", t->all_tasks ? "Showing all tasks"
							 : "Showing blocked, spinning and involved tasks");
		return true;
	default:
		return false;
	}
}

const struct kdl_panel_ops kdl_tasks_ops = {
	.name = "tasks",
	.count = tasks_count,
	.title = tasks_title,
	.columns = tasks_columns,
	.row = tasks_row,
	.select = tasks_select,
	.request = tasks_request,
};

/* ---------- detail panel ---------- */

static struct kdl_drow *drow_add(struct kdl_tui *t, enum kdl_drow_kind kind, int idx, int aux)
{
	if (t->ndrows == t->cap_drows) {
		size_t nc = t->cap_drows ? t->cap_drows * 2 : 64;
		struct kdl_drow *n = realloc(t->drows, nc * sizeof(*n));
		if (!n) {
			/* Out of memory: the row is dropped (written to a scratch row). */
			static struct kdl_drow scratch;
			memset(&scratch, 0, sizeof(scratch));
			return &scratch;
		}
		t->drows = n;
		t->cap_drows = nc;
	}
	struct kdl_drow *d = &t->drows[t->ndrows++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->idx = idx;
	d->aux = aux;
	return d;
}

static void add_text(struct kdl_tui *t, const char *s, int len, enum kdl_role role, int indent)
{
	struct kdl_drow *d = drow_add(t, KDL_DR_TEXT, 0, 0);
	d->text = s;
	d->len = len < 0 ? (int)strlen(s) : len;
	d->role = role;
	d->indent = indent;
}

static void add_section(struct kdl_tui *t, const char *s)
{
	drow_add(t, KDL_DR_SECTION, 0, 0)->text = s;
}

/* Word-wrap a paragraph into text rows (byte-based; the model's text is
 * mostly ASCII and a long word is simply cut). */
static void add_wrapped(struct kdl_tui *t, const char *s, int width, enum kdl_role role, int indent)
{
	int w = width - indent - 1;
	if (w < 10)
		w = 10;
	while (*s) {
		const char *nl = strchr(s, '\n');
		int len = nl ? (int)(nl - s) : (int)strlen(s);
		int cut = len;
		if (cut > w) {
			cut = w;
			while (cut > w / 2 && s[cut] != ' ')
				cut--;
			if (s[cut] != ' ')
				cut = w;
		}
		add_text(t, s, cut, role, indent);
		s += cut;
		while (*s == ' ')
			s++;
		if (*s == '\n' && cut == len)
			s++;
	}
}

static void build_frames(struct kdl_tui *t, const struct kdl_frame *fr, size_t n)
{
	enum kdl_ctx ctx = KDL_CTX_TASK;
	for (size_t i = 0; i < n; i++) {
		if (fr[i].context != ctx || (i == 0 && fr[i].context != KDL_CTX_TASK)) {
			drow_add(t, KDL_DR_CTX, 0, (int)fr[i].context);
			ctx = fr[i].context;
		}
		drow_add(t, KDL_DR_FRAME, (int)i, (int)i)->frames = fr;
	}
}

static void build_task(struct kdl_tui *t, int ti, int width)
{
	const struct kdl_model *m = t->m;
	const struct kdl_task *tk = &m->tasks[ti];
	(void)width;
	drow_add(t, KDL_DR_TEXT, ti, -1)->indent = -1; /* the task's headline */
	if (tk->waits_on >= 0 && (size_t)tk->waits_on < m->nlocks) {
		drow_add(t, KDL_DR_WAITS, tk->waits_on, ti);
		const struct kdl_lock *lk = &m->locks[tk->waits_on];
		for (size_t o = 0; o < lk->nowners; o++)
			drow_add(t, KDL_DR_OWNER, tk->waits_on, (int)o);
		if (!lk->nowners)
			drow_add(t, KDL_DR_OWNER, tk->waits_on, -1);
	} else if (tk->other.kind) {
		drow_add(t, KDL_DR_OTHER, ti, 0);
	}
	int sp = task_spins_on(m, ti);
	if (sp >= 0 && sp != tk->waits_on) {
		drow_add(t, KDL_DR_SPINS, sp, ti);
		const struct kdl_lock *lk = &m->locks[sp];
		for (size_t o = 0; o < lk->nowners; o++)
			drow_add(t, KDL_DR_OWNER, sp, (int)o);
	}
	for (size_t h = 0; h < tk->nholds; h++)
		if (tk->holds[h] >= 0 && (size_t)tk->holds[h] < m->nlocks)
			drow_add(t, KDL_DR_HOLD, tk->holds[h], ti);
	const struct kdl_frame *fr = tk->frames;
	size_t nf = tk->nframes;
	const char *src = "";
	if (!nf && tk->on_cpu)
		for (size_t c = 0; c < m->ncpus; c++)
			if (m->cpus[c].task == ti && m->cpus[c].nframes) {
				fr = m->cpus[c].frames;
				nf = m->cpus[c].nframes;
				src = " (from the CPU's saved registers)";
			}
	static char bt[128];
	snprintf(bt, sizeof(bt), "Backtrace%s%s", src,
		 !tk->frames_done && !nf ? ": not computed" :
		 tk->frames_quality == KDL_Q_UNRELIABLE ? " (unreliable)" :
		 tk->frames_quality == KDL_Q_PARTIAL ? " (partial)" : "");
	add_section(t, bt);
	if (!nf)
		add_text(t, tk->frames_done ? "no frames" : "frames not computed", -1, KDL_R_DIM, 2);
	build_frames(t, fr, nf);
}

static void build_lock(struct kdl_tui *t, int li, int width)
{
	const struct kdl_model *m = t->m;
	const struct kdl_lock *lk = &m->locks[li];
	drow_add(t, KDL_DR_LOCK, li, 1); /* aux 1: the headline row */
	add_section(t, lk->nowners > 1 ? "Held by (several)" : "Held by");
	for (size_t o = 0; o < lk->nowners; o++)
		drow_add(t, KDL_DR_OWNER, li, (int)o);
	if (!lk->nowners)
		drow_add(t, KDL_DR_OWNER, li, -1);
	static char wt[64];
	snprintf(wt, sizeof(wt), "Waiters (%zu)", lk->nwaiters);
	add_section(t, wt);
	for (size_t w = 0; w < lk->nwaiters; w++)
		if (task_ok(m, lk->waiters[w].who.task))
			drow_add(t, KDL_DR_TASK, lk->waiters[w].who.task, li);
	/* CPUs spinning on it. */
	for (size_t c = 0; c < m->ncpus; c++)
		if (m->cpus[c].spinning_on == li && task_ok(m, m->cpus[c].task))
			drow_add(t, KDL_DR_TASK, m->cpus[c].task, li);
	(void)width;
}

static void build_finding(struct kdl_tui *t, int fi, int width)
{
	const struct kdl_model *m = t->m;
	const struct kdl_finding *f = &m->findings[fi];
	if (f->summary)
		add_wrapped(t, f->summary, width, KDL_R_DEFAULT, 1);
	if (f->cycle >= 0 && (size_t)f->cycle < m->ncycles) {
		const struct kdl_cycle *c = &m->cycles[f->cycle];
		static char ct[96];
		snprintf(ct, sizeof(ct), "Cycle of %zu (press g for the graph)", c->n);
		add_section(t, ct);
		for (size_t i = 0; i < c->n; i++)
			if (task_ok(m, c->nodes[i].task) && lock_ok(m, c->locks[i]))
				drow_add(t, KDL_DR_TASK, c->nodes[i].task, c->locks[i])->indent =
					(int)c->nodes[i].ctx;
	}
	if (f->nlocks) {
		add_section(t, "Locks");
		for (size_t i = 0; i < f->nlocks; i++)
			if (lock_ok(m, f->locks[i]))
				drow_add(t, KDL_DR_LOCK, f->locks[i], 0);
	}
	if (f->ntasks) {
		add_section(t, "Tasks");
		for (size_t i = 0; i < f->ntasks; i++)
			if (task_ok(m, f->tasks[i]))
				drow_add(t, KDL_DR_TASK, f->tasks[i], -1);
	}
}

void kdl_detail_build(struct kdl_tui *t, int width)
{
	t->ndrows = 0;
	t->detail_width = width;
	switch (t->loc.kind) {
	case KDL_LOC_TASK: build_task(t, t->loc.idx, width); break;
	case KDL_LOC_LOCK: build_lock(t, t->loc.idx, width); break;
	case KDL_LOC_FINDING: build_finding(t, t->loc.idx, width); break;
	case KDL_LOC_NONE: break;
	}
}

static size_t detail_count(struct kdl_tui *t)
{
	if (!t->ndrows && t->loc.kind != KDL_LOC_NONE)
		kdl_detail_build(t, t->detail_width ? t->detail_width : t->cv.cols);
	return t->ndrows;
}

static bool detail_selectable(struct kdl_tui *t, size_t i)
{
	const struct kdl_drow *d = &t->drows[i];
	switch (d->kind) {
	case KDL_DR_WAITS: case KDL_DR_SPINS: case KDL_DR_HOLD: case KDL_DR_LOCK:
	case KDL_DR_FRAME:
		return true;
	case KDL_DR_OWNER:
		return d->aux >= 0 && task_ok(t->m, t->m->locks[d->idx].owners[d->aux].who.task);
	case KDL_DR_TASK:
		return d->idx >= 0 && (size_t)d->idx < t->m->ntasks;
	default:
		return false;
	}
}

static void detail_title(struct kdl_tui *t, char *buf, size_t size)
{
	const struct kdl_model *m = t->m;
	switch (t->loc.kind) {
	case KDL_LOC_TASK:
		snprintf(buf, size, "Task %d %s", m->tasks[t->loc.idx].pid, m->tasks[t->loc.idx].comm);
		break;
	case KDL_LOC_LOCK:
		snprintf(buf, size, "Lock %s %s", kdl_lock_kind_name(m->locks[t->loc.idx].kind),
			 lock_name(&m->locks[t->loc.idx]));
		break;
	case KDL_LOC_FINDING: {
		const struct kdl_finding *f = &m->findings[t->loc.idx];
		snprintf(buf, size, "Finding %d of %zu: %s (%s)", t->loc.idx + 1, m->nfindings,
			 kdl_finding_title(f->kind), kdl_severity_name(f->severity));
		break;
	}
	case KDL_LOC_NONE:
		snprintf(buf, size, "Detail");
		break;
	}
}

static int put_label(struct kdl_tui *t, int y, int x, const char *label)
{
	kdl_cv_put(&t->cv, y, x + 1, 10, KDL_R_COLUMN, label);
	return 12;
}

static void task_brief(struct kdl_tui *t, int ti, int y, int x, int w, bool waits)
{
	const struct kdl_task *tk = &t->m->tasks[ti];
	put_marker(t, ti, y, x);
	int n = 2;
	n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_PID, "%d", tk->pid);
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_DEFAULT, " ");
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_COMM, tk->comm);
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_DEFAULT, " ");
	n += kdl_cv_put(&t->cv, y, x + n, w - n, state_role(tk), tk->state);
	if (tk->blocked_for_ns >= 0) {
		char d[32];
		kdl_fmt_duration(tk->blocked_for_ns, d, sizeof(d));
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, " %s", d);
	}
	if (waits && n + 4 < w) {
		n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_DIM, "  ");
		kdl_task_waits_text(t, ti, y, x + n, w - n);
	}
}

static void lock_line(struct kdl_tui *t, int li, int y, int x, int w, bool waiters)
{
	const struct kdl_lock *lk = &t->m->locks[li];
	int n = kdl_cv_printf(&t->cv, y, x, w, KDL_R_DIM, "%s ", kdl_lock_kind_name(lk->kind));
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_LOCK, lock_name(lk));
	if (waiters) {
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, "  %s %zu waiter%s", t->g->sep,
				   lk->nwaiters, lk->nwaiters == 1 ? "" : "s");
		if (lk->readers > 0)
			n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, ", %d reader%s", lk->readers,
					   lk->readers == 1 ? "" : "s");
	}
}

static const char *ctx_label(enum kdl_ctx c)
{
	switch (c) {
	case KDL_CTX_TASK: return "task context";
	case KDL_CTX_IRQ: return "hard IRQ";
	case KDL_CTX_SOFTIRQ: return "softirq";
	case KDL_CTX_NMI: return "NMI";
	case KDL_CTX_EXCEPTION: return "exception";
	case KDL_CTX_USER: return "user mode";
	}
	return "?";
}

static void detail_row(struct kdl_tui *t, size_t i, int y, int x, int w)
{
	const struct kdl_model *m = t->m;
	const struct kdl_drow *d = &t->drows[i];
	struct kdl_canvas *cv = &t->cv;
	switch (d->kind) {
	case KDL_DR_TEXT:
		if (d->indent == -1) { /* task headline */
			const struct kdl_task *tk = &m->tasks[d->idx];
			char dur[32];
			kdl_fmt_duration(tk->blocked_for_ns, dur, sizeof(dur));
			int n = kdl_cv_printf(cv, y, x + 1, w - 1, KDL_R_PID, "pid %d", tk->pid);
			n += kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_DIM, " tgid %d ppid %d  ",
					   tk->tgid, tk->ppid);
			n += kdl_cv_put(cv, y, x + 1 + n, w - 1 - n, state_role(tk), tk->state);
			if (tk->rtlock_wait)
				n += kdl_cv_put(cv, y, x + 1 + n, w - 1 - n, KDL_R_DIM, " (rtlock wait)");
			if (tk->cpu >= 0)
				n += kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_DEFAULT, "  CPU %d%s",
						   tk->cpu, tk->on_cpu ? " (on CPU)" : "");
			if (tk->blocked_for_ns >= 0)
				n += kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_DEFAULT,
						   "  blocked %s", dur);
			n += kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_DIM, "  task 0x%llx%s",
					   (unsigned long long)tk->addr, tk->kthread ? "  kthread" : "");
			if (t->task_flags[d->idx] & KDL_TF_CYCLE)
				kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_CYCLE, "  %s in a deadlock cycle",
					      t->g->cycle);
			break;
		}
		kdl_cv_printf(cv, y, x + d->indent, w - d->indent, d->role, "%.*s", d->len, d->text);
		break;
	case KDL_DR_SECTION:
		kdl_cv_put(cv, y, x + 1, w - 1, KDL_R_COLUMN, d->text);
		break;
	case KDL_DR_WAITS:
	case KDL_DR_SPINS: {
		int n = put_label(t, y, x, d->kind == KDL_DR_WAITS ? "WAITS ON" : "SPINS ON");
		lock_line(t, d->idx, y, x + n, w - n, false);
		const struct kdl_task *tk = &m->tasks[d->aux];
		if (d->kind == KDL_DR_WAITS) {
			int k = n + kdl_text_width(lock_name(&m->locks[d->idx])) +
				kdl_text_width(kdl_lock_kind_name(m->locks[d->idx].kind)) + 1;
			bool rw = rw_kind(m->locks[d->idx].kind);
			k += kdl_cv_printf(cv, y, x + k, w - k, KDL_R_DIM, "  (%s%s%s%s)",
					   rw ? "for " : "", rw ? kdl_mode_name(tk->wait_mode) : "",
					   tk->waits_how ? (rw ? ", via " : "via ") : "",
					   tk->waits_how ? tk->waits_how : "");
		}
		break;
	}
	case KDL_DR_OWNER: {
		const struct kdl_lock *lk = &m->locks[d->idx];
		int n = 14;
		kdl_cv_put(cv, y, x + 3, 10, KDL_R_DIM, ownerless_kind(lk->kind) ? "woken by" :
							 lk->kind == KDL_LOCK_WORK ? "run by" : "held by");
		if (d->aux < 0) {
			kdl_cv_put(cv, y, x + n, w - n, KDL_R_DIM, no_owner_text(lk, false));
			break;
		}
		const struct kdl_owner *o = &lk->owners[d->aux];
		if (o->who.task >= 0 && (size_t)o->who.task < m->ntasks)
			put_marker(t, o->who.task, y, x + 1);
		n += kdl_cv_printf(cv, y, x + n, w - n, o->alive ? KDL_R_OWNER : KDL_R_ERROR, "%d %s",
				   o->pid, o->comm);
		if (o->who.ctx != KDL_CTX_TASK)
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_CONTEXT, " [%s]",
					   ctx_label(o->who.ctx));
		if (!o->alive)
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_ERROR, " %s EXITED: orphaned lock",
					   t->g->bad);
		if (rw_kind(lk->kind))
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, " for %s", kdl_mode_name(o->mode));
		n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  %s ", t->g->sep);
		n += kdl_cv_printf(cv, y, x + n, w - n,
				   o->confidence == KDL_CONF_CERTAIN ? KDL_R_DIM : KDL_R_UNRELIABLE,
				   "%s%s%s%s", kdl_confidence_name(o->confidence), o->why ? " (" : "",
				   o->why ? o->why : "", o->why ? ")" : "");
		if (task_ok(m, o->who.task) && n + 6 < w) {
			const struct kdl_task *ot = &m->tasks[o->who.task];
			if (lock_ok(m, ot->waits_on) || task_spins_on(m, o->who.task) >= 0) {
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  %s itself waits on ",
						   t->g->sep);
				const struct kdl_lock *l2 = &m->locks[lock_ok(m, ot->waits_on) ? ot->waits_on
									 : task_spins_on(m, o->who.task)];
				kdl_cv_put(cv, y, x + n, w - n, KDL_R_LOCK, lock_name(l2));
			}
		}
		break;
	}
	case KDL_DR_HOLD: {
		int n = put_label(t, y, x, "HOLDS");
		lock_line(t, d->idx, y, x + n, w - n, true);
		break;
	}
	case KDL_DR_LOCK: {
		const struct kdl_lock *lk = &m->locks[d->idx];
		if (d->aux == 1) {
			int n = put_label(t, y, x, "LOCK");
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "%s ", kdl_lock_kind_name(lk->kind));
			n += kdl_cv_put(cv, y, x + n, w - n, KDL_R_LOCK, lock_name(lk));
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  @0x%llx",
					   (unsigned long long)lk->address);
			if (lk->cache)
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  slab %s", lk->cache);
			if (lk->percpu_cpu >= 0)
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  per-CPU (CPU %d)",
						   lk->percpu_cpu);
			if (lk->stack_pid >= 0)
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  on the stack of pid %d",
						   lk->stack_pid);
			if (lk->readers >= 0)
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  readers %d", lk->readers);
			if (lk->quality != KDL_Q_OK)
				kdl_cv_put(cv, y, x + n, w - n, KDL_R_UNRELIABLE, "  (partly unreadable)");
		} else {
			kdl_cv_put(cv, y, x + 2, 1, KDL_R_DIM, t->g->dot);
			int n = 4;
			lock_line(t, d->idx, y, x + n, w - n, false);
			n += kdl_text_width(kdl_lock_kind_name(lk->kind)) + 1 + kdl_text_width(lock_name(lk)) + 2;
			if (n < w)
				put_owner(t, lk, y, x + n, w - n);
		}
		break;
	}
	case KDL_DR_TASK: {
		if (d->idx < 0 || (size_t)d->idx >= m->ntasks) {
			kdl_cv_put(cv, y, x + 2, w - 2, KDL_R_DIM, "(task not in the dump)");
			break;
		}
		bool waits = true;
		int n = 1;
		if (t->loc.kind == KDL_LOC_FINDING && d->aux >= 0 && d->indent != KDL_CTX_TASK) {
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_CONTEXT, "[%s] ",
					   ctx_label((enum kdl_ctx)d->indent));
		}
		if (t->loc.kind == KDL_LOC_LOCK) {
			/* A waiter row: show its mode rather than what it waits on. */
			const struct kdl_lock *lk = &m->locks[d->aux];
			for (size_t wi = 0; wi < lk->nwaiters; wi++)
				if (lk->waiters[wi].who.task == d->idx) {
					kdl_cv_printf(cv, y, x + w - 12 > 0 ? x + w - 12 : x, 12, KDL_R_DIM, "%10s",
						      kdl_mode_name(lk->waiters[wi].mode));
					break;
				}
			waits = false;
		}
		task_brief(t, d->idx, y, x + n, w - n - (waits ? 0 : 12), waits);
		break;
	}
	case KDL_DR_FRAME: {
		const struct kdl_frame *f = &d->frames[d->aux];
		enum kdl_role fr = f->reliable ? KDL_R_FUNCTION : KDL_R_UNRELIABLE;
		int n = kdl_cv_printf(cv, y, x + 1, 5, KDL_R_DIM, "#%-3d", d->idx);
		n += 1;
		n += kdl_cv_put(cv, y, x + n, 2, KDL_R_UNRELIABLE, f->reliable ? "  " : "? ");
		char fn[256];
		if (f->function)
			snprintf(fn, sizeof(fn), "%s+0x%llx", f->function, (unsigned long long)f->offset);
		else
			snprintf(fn, sizeof(fn), "0x%llx", (unsigned long long)f->pc);
		n += kdl_cv_put(cv, y, x + n, w - n, fr, fn);
		if (f->module)
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, " [%s]", f->module);
		if (f->inlined)
			n += kdl_cv_put(cv, y, x + n, w - n, KDL_R_DIM, " (inlined)");
		int col = n + 2 > 48 ? n + 2 : 48;
		if (f->file && col < w) {
			const char *file = f->file;
			int room = w - col - 1;
			char loc[600];
			snprintf(loc, sizeof(loc), "%s:%d", file, f->line);
			while (kdl_text_width(loc) > room && strchr(file, '/')) {
				file = strchr(file, '/') + 1;
				snprintf(loc, sizeof(loc), "%s%s:%d", t->g->ellipsis, file, f->line);
			}
			kdl_cv_put(cv, y, x + col, room, KDL_R_LOCATION, loc);
		}
		break;
	}
	case KDL_DR_CTX: {
		char lab[64];
		snprintf(lab, sizeof(lab), " %s ", ctx_label((enum kdl_ctx)d->aux));
		kdl_cv_fill(cv, y, x + 2, 3, KDL_R_CONTEXT, t->g->hl);
		int n = kdl_cv_put(cv, y, x + 5, w - 5, KDL_R_CONTEXT, lab);
		kdl_cv_fill(cv, y, x + 5 + n, 20, KDL_R_CONTEXT, t->g->hl);
		break;
	}
	case KDL_DR_OTHER: {
		const struct kdl_task *tk = &m->tasks[d->idx];
		int n = put_label(t, y, x, "WAITS ON");
		n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DEFAULT, "%s ", tk->other.kind);
		if (tk->other.label)
			kdl_cv_put(cv, y, x + n, w - n, KDL_R_FUNCTION, tk->other.label);
		break;
	}
	}
}

static bool detail_request(struct kdl_tui *t, enum kdl_req r)
{
	struct kdl_panel *p = &t->panels[KDL_P_DETAIL];
	if (r != KDL_REQ_ENTER || p->cursor >= t->ndrows)
		return false;
	const struct kdl_drow *d = &t->drows[p->cursor];
	const struct kdl_model *m = t->m;
	switch (d->kind) {
	case KDL_DR_WAITS: case KDL_DR_SPINS: case KDL_DR_HOLD: case KDL_DR_LOCK:
		if (t->loc.kind == KDL_LOC_LOCK && t->loc.idx == d->idx)
			return true;
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_LOCK, d->idx }, true);
		return true;
	case KDL_DR_OWNER: {
		if (d->aux < 0)
			return true;
		int ot = m->locks[d->idx].owners[d->aux].who.task;
		if (ot >= 0)
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, ot }, true);
		return true;
	}
	case KDL_DR_TASK:
		if (d->idx >= 0)
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, d->idx }, true);
		return true;
	case KDL_DR_FRAME:
		kdl_tui_open_source(t, &d->frames[d->aux]);
		return true;
	default:
		return false;
	}
}

const struct kdl_panel_ops kdl_detail_ops = {
	.name = "detail",
	.count = detail_count,
	.selectable = detail_selectable,
	.title = detail_title,
	.row = detail_row,
	.request = detail_request,
};
