/* tui/log.c - the kernel log view (L): the dump's log in a text overlay,
 * opened at the selected task's last report, with the lines an engineer looks
 * for first in colour. */
#include "tui_int.h"

#include <string.h>

/* Kernel log lines that an engineer looks for first. */
static enum kdl_role log_line_role(const char *line)
{
	static const struct { const char *s; enum kdl_role r; } marks[] = {
		{ "Kernel panic", KDL_R_CRITICAL }, { "BUG: ", KDL_R_CRITICAL },
		{ "Oops", KDL_R_CRITICAL }, { "soft lockup", KDL_R_CRITICAL },
		{ "hard LOCKUP", KDL_R_CRITICAL }, { "blocked for more than", KDL_R_HIGH },
		{ "rcu_sched self-detected stall", KDL_R_HIGH }, { "rcu: INFO", KDL_R_HIGH },
		{ "WARNING:", KDL_R_MEDIUM }, { "sysrq:", KDL_R_MEDIUM }, { "Call Trace:", KDL_R_DIM },
	};
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(line, marks[i].s))
			return marks[i].r;
	return KDL_R_DEFAULT;
}

void kdl_log_open(struct kdl_tui *t)
{
	kdl_ov_free(t);
	t->overlay = KDL_OV_LOG;
	t->ov_line_role = log_line_role;
	snprintf(t->ov_title, sizeof(t->ov_title), "Kernel log");
	const char *p = t->m->log;
	size_t left = t->m->log ? t->m->log_len : 0;
	if (!left) {
		const char *s = "(no kernel log in this dump)";
		kdl_ov_add(t, s, strlen(s));
		return;
	}
	while (left) {
		const char *nl = memchr(p, '\n', left);
		size_t len = nl ? (size_t)(nl - p) : left;
		kdl_ov_add(t, p, len);
		len += nl ? 1 : 0;
		p += len;
		left -= len;
	}
	/* The interesting part (hung task / lockup reports, panic) is at the end;
	 * for a task, its own report ("comm:pid" in hung-task lines, "PID: n" in
	 * backtraces), the last one. */
	t->ov_top = t->ov_nlines > 10 ? (int)t->ov_nlines - 10 : 0;
	if (t->loc.kind == KDL_LOC_TASK) {
		const struct kdl_task *tk = &t->m->tasks[t->loc.idx];
		/* hung task: "task comm:pid blocked"; sysrq-w: "task:comm ... pid:N";
		 * oops/lockup: "PID: N Comm: comm" */
		char a[96], b[32], c[96], d[32];
		snprintf(a, sizeof(a), "%s:%d ", tk->comm, tk->pid);
		snprintf(b, sizeof(b), " PID: %d ", tk->pid);
		snprintf(c, sizeof(c), "task:%s ", tk->comm);
		snprintf(d, sizeof(d), " pid:%d ", tk->pid);
		for (size_t i = t->ov_nlines; i-- > 0;)
			if (strstr(t->ov_lines[i], a) || strstr(t->ov_lines[i], b) ||
			    (strstr(t->ov_lines[i], c) && strstr(t->ov_lines[i], d))) {
				t->ov_mark = (int)i;
				t->ov_top = i > 2 ? (int)i - 2 : 0;
				snprintf(t->ov_title, sizeof(t->ov_title), "Kernel log, at the last report of %d %s",
					 tk->pid, tk->comm);
				break;
			}
	}
}
