/* tui/state.c - the bottom of the TUI's own layers: the status line,
 * formatting helpers shared by the views, the per-task facts precomputed from
 * the model, and the core work done on demand (frames, lines). Knows no view.
 */
#include "tui_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---------- small formatting helpers shared by the views ---------- */

void kdl_fmt_duration(int64_t ns, char *buf, size_t size)
{
	if (ns < 0) {
		snprintf(buf, size, "-");
		return;
	}
	int64_t s = ns / 1000000000;
	if (s < 60)
		snprintf(buf, size, "%d.%ds", (int)s, (int)((ns / 100000000) % 10));
	else if (s < 3600)
		snprintf(buf, size, "%dm%02ds", (int)(s / 60), (int)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%dh%02dm", (int)(s / 3600), (int)((s / 60) % 60));
	else
		snprintf(buf, size, "%dd%02dh", (int)(s / 86400), (int)((s / 3600) % 24));
}

const char *kdl_finding_title(enum kdl_finding_kind k)
{
	switch (k) {
	case KDL_F_DEADLOCK: return "deadlock";
	case KDL_F_RW_DEADLOCK: return "r/w deadlock";
	case KDL_F_SELF_DEADLOCK: return "self-deadlock";
	case KDL_F_IRQ_SELF_DEADLOCK: return "irq self-deadlock";
	case KDL_F_FLUSH_DEADLOCK: return "flush deadlock";
	case KDL_F_ORPHANED_LOCK: return "orphaned lock";
	case KDL_F_CONVOY: return "convoy";
	case KDL_F_LOST_WAKEUP: return "lost wake-up";
	case KDL_F_SPINNING: return "spinning";
	case KDL_F_OTHER: break;
	}
	return "other";
}

enum kdl_role kdl_severity_role(enum kdl_severity s)
{
	switch (s) {
	case KDL_SEV_CRITICAL: return KDL_R_CRITICAL;
	case KDL_SEV_HIGH: return KDL_R_HIGH;
	case KDL_SEV_MEDIUM: return KDL_R_MEDIUM;
	case KDL_SEV_LOW: break;
	}
	return KDL_R_LOW;
}

void kdl_tui_status(struct kdl_tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->status, sizeof(t->status), fmt, ap);
	va_end(ap);
	t->status_error = error;
}

/* ---------- model facts ---------- */

void kdl_tui_precompute(struct kdl_tui *t)
{
	const struct kdl_model *m = t->m;
	for (size_t i = 0; i < m->ntasks; i++) {
		t->task_finding[i] = -1;
		const struct kdl_task *tk = &m->tasks[i];
		if (!strcmp(tk->state, "UN") || tk->rtlock_wait)
			t->task_flags[i] |= KDL_TF_BLOCKED;
	}
	for (size_t f = m->nfindings; f-- > 0;)
		for (size_t j = 0; j < m->findings[f].ntasks; j++) {
			int ti = m->findings[f].tasks[j];
			if (ti >= 0 && (size_t)ti < m->ntasks)
				t->task_finding[ti] = (int)f;
		}
	for (size_t c = 0; c < m->ncycles; c++)
		for (size_t j = 0; j < m->cycles[c].n; j++) {
			int ti = m->cycles[c].nodes[j].task;
			if (ti >= 0 && (size_t)ti < m->ntasks)
				t->task_flags[ti] |= KDL_TF_CYCLE;
		}
	for (size_t l = 0; l < m->nlocks; l++) {
		const struct kdl_lock *lk = &m->locks[l];
		if (!lk->nwaiters)
			continue;
		for (size_t o = 0; o < lk->nowners; o++) {
			int ti = lk->owners[o].who.task;
			if (ti >= 0 && (size_t)ti < m->ntasks)
				t->task_flags[ti] |= KDL_TF_HOLDER;
		}
	}
	for (size_t c = 0; c < m->ncpus; c++) {
		int ti = m->cpus[c].task;
		if (m->cpus[c].spinning_on >= 0 && ti >= 0 && (size_t)ti < m->ntasks)
			t->task_flags[ti] |= KDL_TF_SPINNING;
	}
}

void kdl_tui_ensure_frames(struct kdl_tui *t, int task)
{
	if (task < 0 || (size_t)task >= t->m->ntasks)
		return;
	if (!t->m->tasks[task].frames_done && t->src->task_frames) {
		struct kdl_error *e = t->src->task_frames(t->src->arg, (size_t)task);
		if (e) {
			kdl_tui_status(t, true, "backtrace of pid %d: %s", t->m->tasks[task].pid, e->msg);
			kdl_error_destroy(e);
		}
	}
	if (!t->lines_done[task] && t->src->resolve_lines) {
		t->lines_done[task] = 1;
		struct kdl_error *e = t->src->resolve_lines(t->src->arg, task, -1);
		if (e)
			kdl_error_destroy(e); /* lines stay unknown; the frames still show */
		/* A task on a CPU may show that CPU's trace (detail panel). */
		for (size_t c = 0; c < t->m->ncpus; c++)
			if (t->m->cpus[c].task == task && t->m->cpus[c].nframes) {
				e = t->src->resolve_lines(t->src->arg, -1, t->m->cpus[c].cpu);
				if (e)
					kdl_error_destroy(e);
			}
	}
}
