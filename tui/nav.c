/* tui/nav.c - navigation: the current location (task, lock, finding), the
 * wait-chain history behind Backspace, the holder jump (o), the next/previous
 * finding (n/N) and panel focus. Views are reached only through their panel
 * ops (located, select); nav.c names no view.
 */
#include "tui_int.h"

#include <string.h>

static bool loc_eq(struct kdl_loc a, struct kdl_loc b)
{
	return a.kind == b.kind && a.idx == b.idx;
}

/* Go to `loc`; `push` keeps the old location in the history; `reveal` lets
 * the panels put their cursor on the new location's row. */
static void goto_loc(struct kdl_tui *t, struct kdl_loc loc, bool push, bool reveal)
{
	size_t n = loc.kind == KDL_LOC_TASK ? t->m->ntasks : loc.kind == KDL_LOC_LOCK ? t->m->nlocks :
		   loc.kind == KDL_LOC_FINDING ? t->m->nfindings : 0;
	if (loc.kind != KDL_LOC_NONE && (loc.idx < 0 || (size_t)loc.idx >= n)) {
		kdl_tui_status(t, true, "That item is not in the analysis (index %d)", loc.idx);
		return;
	}
	if (push && t->loc.kind != KDL_LOC_NONE && !loc_eq(t->loc, loc)) {
		if (t->nhist == sizeof(t->hist) / sizeof(t->hist[0])) {
			memmove(t->hist, t->hist + 1, sizeof(t->hist) - sizeof(t->hist[0]));
			t->nhist--;
		}
		t->hist[t->nhist++] = t->loc;
	}
	t->loc = loc;
	if (loc.kind == KDL_LOC_TASK)
		kdl_tui_ensure_frames(t, loc.idx);
	for (int i = 0; i < KDL_NPANELS; i++)
		if (t->panels[i].ops && t->panels[i].ops->located)
			t->panels[i].ops->located(t, reveal);
}

void kdl_tui_goto(struct kdl_tui *t, struct kdl_loc loc, bool push)
{
	goto_loc(t, loc, push, push);
}

void kdl_nav_back(struct kdl_tui *t)
{
	if (!t->nhist) {
		kdl_tui_status(t, false, "Nothing to go back to");
		return;
	}
	struct kdl_loc l = t->hist[--t->nhist];
	goto_loc(t, l, false, true);
}

/* The task whose wait `o` follows: the detail's task, or the task of the row. */
void kdl_nav_owner(struct kdl_tui *t)
{
	const struct kdl_model *m = t->m;
	int lock = -1;
	int task = -1;
	if (t->loc.kind == KDL_LOC_TASK) {
		task = t->loc.idx;
		lock = m->tasks[task].waits_on;
		if (lock < 0)
			for (size_t c = 0; c < m->ncpus; c++)
				if (m->cpus[c].task == task && m->cpus[c].spinning_on >= 0)
					lock = m->cpus[c].spinning_on;
		if (lock >= 0 && (size_t)lock >= m->nlocks)
			lock = -1;
	} else if (t->loc.kind == KDL_LOC_LOCK) {
		lock = t->loc.idx;
	} else if (t->loc.kind == KDL_LOC_FINDING) {
		const struct kdl_finding *f = &m->findings[t->loc.idx];
		if (f->ntasks)
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, f->tasks[0] }, true);
		return;
	}
	if (lock < 0 || (size_t)lock >= m->nlocks) {
		if (task >= 0 && m->tasks[task].other.kind)
			kdl_tui_status(t, false, "pid %d waits on %s (%s): no lock holder to follow",
				       m->tasks[task].pid, m->tasks[task].other.kind,
				       m->tasks[task].other.label ? m->tasks[task].other.label : "?");
		else
			kdl_tui_status(t, false, "Not waiting on a lock: no holder to jump to");
		return;
	}
	const struct kdl_lock *lk = &m->locks[lock];
	for (size_t o = 0; o < lk->nowners; o++) {
		int ot = lk->owners[o].who.task;
		if (ot >= 0 && (size_t)ot < m->ntasks && ot != task) {
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, ot }, true);
			if (lk->owners[o].confidence != KDL_CONF_CERTAIN)
				kdl_tui_status(t, false, "Holder is %s (%s)",
					       kdl_confidence_name(lk->owners[o].confidence),
					       lk->owners[o].why ? lk->owners[o].why : "");
			return;
		}
		if (ot == task && ot >= 0) {
			kdl_tui_status(t, true, "pid %d holds %s itself: self-deadlock",
				       m->tasks[task].pid, lk->name ? lk->name : "the lock");
			return;
		}
	}
	if (lk->nowners && !lk->owners[0].alive)
		kdl_tui_status(t, true, "Holder of %s has exited (pid %d %s): orphaned lock",
			       lk->name ? lk->name : "lock", lk->owners[0].pid, lk->owners[0].comm);
	else
		kdl_tui_status(t, false, "Holder of %s is unknown", lk->name ? lk->name : "lock");
	/* Still show the lock, so its waiters can be seen. */
	kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_LOCK, lock }, true);
}


void kdl_nav_next_finding(struct kdl_tui *t, int dir)
{
	size_t n = t->m->nfindings;
	if (!n) {
		kdl_tui_status(t, false, "No findings");
		return;
	}
	/* From a finding: the next one; from elsewhere: the one under the
	 * findings cursor. */
	int next = (int)t->panels[KDL_P_FINDINGS].cursor;
	if (t->loc.kind == KDL_LOC_FINDING)
		next = (t->loc.idx + dir + (int)n) % (int)n;
	t->panels[KDL_P_FINDINGS].cursor = (size_t)next;
	t->focus = KDL_P_FINDINGS;
	kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_FINDING, next }, false);
}

/* Focus a panel; the findings and task lists make their row the detail. */
void kdl_nav_focus_panel(struct kdl_tui *t, int i)
{
	t->focus = i;
	if (t->zoom >= 0)
		t->zoom = i;
	struct kdl_panel *p = &t->panels[i];
	if (i != KDL_P_DETAIL && p->ops->select && p->ops->count(t))
		p->ops->select(t, p->cursor);
}
