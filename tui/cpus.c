/* tui/cpus.c - the CPUs: which task each CPU ran at the crash, what it spun
 * on, the interrupt context it was in, and the CPU view of the task list (c:
 * the task on each CPU, by CPU). The facts the other views show come from
 * here. */
#include "tui_int.h"

/* Index into m->cpus of the CPU whose current task this is, or -1. */
int kdl_task_cpu_slot(const struct kdl_model *m, int task)
{
	for (size_t c = 0; c < m->ncpus; c++)
		if (m->cpus[c].task == task)
			return (int)c;
	return -1;
}

int kdl_task_spins_on(const struct kdl_model *m, int task)
{
	for (size_t c = 0; c < m->ncpus; c++)
		if (m->cpus[c].task == task && m->cpus[c].spinning_on >= 0 &&
		    (size_t)m->cpus[c].spinning_on < m->nlocks)
			return m->cpus[c].spinning_on;
	return -1;
}

/* "[hard IRQ] " before what a task waits on, when its CPU was in interrupt
 * context at the crash; returns columns used. */
int kdl_cpu_context_prefix(struct kdl_tui *t, int task, int y, int x, int w)
{
	const struct kdl_model *m = t->m;
	int slot = kdl_task_cpu_slot(m, task);
	if (slot >= 0 && m->cpus[slot].context != KDL_CTX_TASK) {
		static const char *const cn[] = { "task", "hard IRQ", "softirq", "NMI", "exception", "user" };
		unsigned c = (unsigned)m->cpus[slot].context;
		return kdl_cv_printf(&t->cv, y, x, w, KDL_R_CONTEXT, "[%s] ", c < 6 ? cn[c] : "?");
	}
	return 0;
}

const char *kdl_ctx_label(enum kdl_ctx c)
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

/* The CPU view on or off (the task list rebuilds); the status line's text. */
const char *kdl_cpus_toggle(struct kdl_tui *t)
{
	t->cpu_view = !t->cpu_view;
	t->focus_finding = -1;
	t->filter[0] = 0;
	t->rows_dirty = true;
	return t->cpu_view ? "The task on each CPU; c again: back"
			   : "Showing blocked, spinning and involved tasks";
}
