/* tui/findings.c - the findings panel (1): one row per finding, most severe
 * first; Enter narrows the task list to the finding's tasks. */
#include "tui_int.h"

#include <stdio.h>
#include <string.h>

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
	if (kdl_task_ok(t->m, first)) {
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, first }, true);
		kdl_tasks_select_task(t, first);
	}
	kdl_tui_status(t, false, "%zu tasks of %s #%zu; Esc shows all again", f->ntasks,
		       kdl_finding_title(f->kind), p->cursor + 1);
	return true;
}

/* The cursor follows a finding gone to (n/N, Backspace). */
static void findings_located(struct kdl_tui *t, bool reveal)
{
	if (reveal && t->loc.kind == KDL_LOC_FINDING)
		t->panels[KDL_P_FINDINGS].cursor = (size_t)t->loc.idx;
}

static const char *findings_enter_hint(struct kdl_tui *t)
{
	(void)t;
	return "its tasks";
}

const struct kdl_panel_ops kdl_findings_ops = {
	.name = "findings",
	.empty = "No findings: no deadlock, convoy or orphaned lock found",
	.count = findings_count,
	.title = findings_title,
	.row = findings_row,
	.select = findings_select,
	.request = findings_request,
	.located = findings_located,
	.enter_hint = findings_enter_hint,
};
