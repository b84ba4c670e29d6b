/* tui/tasks.c - the task list (2): which tasks show (involved, all, a
 * finding's, the CPU view, a search), their order (the sort columns), the
 * rows, and the search prompt (/). */
#include "tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	int sp = kdl_task_spins_on(m, ti);
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
		const char *na = kdl_lock_ok(t->m, ta->waits_on) ? t->m->locks[ta->waits_on].name : NULL;
		const char *nb = kdl_lock_ok(t->m, tb->waits_on) ? t->m->locks[tb->waits_on].name : NULL;
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
			if (kdl_task_cpu_slot(m, (int)i) < 0)
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
	kdl_put_marker(t, ti, y, x + TC_MARK);
	kdl_cv_printf(&t->cv, y, x + TC_PID, 7, KDL_R_PID, "%7d", tk->pid);
	kdl_cv_put(&t->cv, y, x + TC_ST, 2, kdl_state_role(tk), tk->state);
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
	case KDL_REQ_CPUS: {
		const char *msg = kdl_cpus_toggle(t);
		kdl_tasks_rebuild(t);
		t->panels[KDL_P_TASKS].cursor = 0;
		if (t->nrows)
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, t->rows[0] }, false);
		kdl_tui_status(t, false, "%s", msg);
		return true;
	}
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

/* The cursor follows a task gone to (a wait chain, Backspace). */
static void tasks_located(struct kdl_tui *t, bool reveal)
{
	if (reveal && t->loc.kind == KDL_LOC_TASK)
		kdl_tasks_select_task(t, t->loc.idx);
}

static const char *tasks_enter_hint(struct kdl_tui *t)
{
	(void)t;
	return "details";
}

/* ---------- search (/) ---------- */

static void search_edit(struct kdl_tui *t)
{
	snprintf(t->filter, sizeof(t->filter), "%.127s", t->pbuf);
	t->rows_dirty = true;
}

static void search_done(struct kdl_tui *t, bool accept)
{
	if (!accept)
		t->filter[0] = 0;
	t->focus_finding = -1;
	kdl_tasks_rebuild(t);
	t->panels[KDL_P_TASKS].cursor = 0;
	t->panels[KDL_P_TASKS].top = 0;
	if (t->nrows)
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, t->rows[0] }, false);
	else if (accept)
		kdl_tui_status(t, false, "No task matches \"%s\"", t->filter);
}

void kdl_tasks_search(struct kdl_tui *t)
{
	t->focus = KDL_P_TASKS;
	kdl_prompt_start(t, KDL_PR_SEARCH, "Filter (comm, pid, lock, function):", t->filter,
			 search_done, search_edit);
}

const struct kdl_panel_ops kdl_tasks_ops = {
	.name = "tasks",
	.count = tasks_count,
	.title = tasks_title,
	.columns = tasks_columns,
	.row = tasks_row,
	.select = tasks_select,
	.request = tasks_request,
	.located = tasks_located,
	.enter_hint = tasks_enter_hint,
};
