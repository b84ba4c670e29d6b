/* core/report/words.c - the small phrases more than one report format uses:
 * quality names, the crash time, "comm[pid]" of a task or of a lock's owner,
 * the verb that links a lock to its holder, the verdict line, and what the
 * HTML page and its SVG share: entities and anchors
 * (core/report/report_priv.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/report/report_priv.h"

const char *kdl_report_quality_name(enum kdl_quality q)
{
	switch (q) {
	case KDL_Q_PARTIAL:
		return "partial";
	case KDL_Q_UNREADABLE:
		return "unreadable";
	case KDL_Q_UNRELIABLE:
		return "unreliable";
	default:
		return "ok";
	}
}

void kdl_report_format_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 0 || !gmtime_r(&tt, &tm)) {
		snprintf(buf, len, "unknown");
		return;
	}
	strftime(buf, len, "%a %b %e %H:%M:%S UTC %Y", &tm);
}

const char *kdl_report_who(const struct kdl_model *m, int ti, char *buf, size_t len)
{
	if (ti < 0 || (size_t)ti >= m->ntasks)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%s[%d]", m->tasks[ti].comm, m->tasks[ti].pid);
	return buf;
}

const char *kdl_report_owner_name(const struct kdl_model *m, const struct kdl_owner *o,
				  char *buf, size_t len)
{
	if (o->who.task >= 0)
		return kdl_report_who(m, o->who.task, buf, len);
	if (o->pid >= 0)
		snprintf(buf, len, "%s[%d]", o->comm[0] ? o->comm : "?", o->pid);
	else
		snprintf(buf, len, "%s @0x%" PRIx64, o->comm[0] ? o->comm : "task", o->task_addr);
	return buf;
}

const char *kdl_report_holder_verb(const struct kdl_lock *l, bool upper)
{
	if (l->kind == KDL_LOCK_WORK)
		return upper ? "  RUN BY" : "run by";
	if (l->kind == KDL_LOCK_WAITQUEUE || l->kind == KDL_LOCK_COMPLETION)
		return upper ? "  WOKEN BY" : "woken by";
	return upper ? "  HELD BY" : "held by";
}

bool kdl_report_debuginfo(const struct kdl_dump_info *d, char *buf, size_t len)
{
	if (!d->debuginfo)
		return false;
	snprintf(buf, len, "%s (%s)%s%s", d->debuginfo,
		 d->debuginfo_from ? d->debuginfo_from : "unknown",
		 d->debuginfo_missing ? "; " : "", d->debuginfo_missing ? d->debuginfo_missing : "");
	return true;
}

const char *kdl_report_html_entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

void kdl_report_html_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		const char *e = kdl_report_html_entity(*s);

		if (e)
			fputs(e, out);
		else
			fputc(*s, out);
	}
}

const char *kdl_report_task_anchor(const struct kdl_model *m, int ti, char *buf, size_t len)
{
	const struct kdl_task *t = &m->tasks[ti];

	/* tasks are sorted by pid; a pid seen before (the idle tasks' 0) gets the index */
	if (ti > 0 && m->tasks[ti - 1].pid == t->pid)
		snprintf(buf, len, "task-%d-%d", t->pid, ti);
	else
		snprintf(buf, len, "task-%d", t->pid);
	return buf;
}

const char *kdl_report_lock_anchor(const struct kdl_model *m, int li, char *buf, size_t len)
{
	int first = li;

	for (int k = 0; k < li; k++)
		if (m->locks[k].address == m->locks[li].address) {
			first = k;
			break;
		}
	if (first != li) /* two resources at one address (a work item and its wait queue) */
		snprintf(buf, len, "lock-%" PRIx64 "-%d", m->locks[li].address, li);
	else
		snprintf(buf, len, "lock-%" PRIx64, m->locks[li].address);
	return buf;
}

const char *kdl_report_verdict(const struct kdl_model *m, char *buf, size_t len)
{
	struct kdl_verdict vd;
	size_t o = 0;

	kdl_model_verdict(m, &vd);
	/* the TUI's verdict line (tui/chrome.c), in its long words */
	const struct { size_t n; const char *one, *many; } parts[] = {
		{ vd.deadlocks, "deadlock", "deadlocks" },
		{ vd.hung, "task hung", "tasks hung" },
		{ vd.orphaned, "orphaned lock", "orphaned locks" },
		{ vd.convoys, "convoy", "convoys" },
		{ vd.lost_wakeups, "lost wake-up", "lost wake-ups" },
		{ vd.spinning, "CPU spinning", "CPUs spinning" },
		{ vd.other, "other finding", "other findings" },
	};
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && o < len; i++)
		if (parts[i].n)
			o += (size_t)snprintf(buf + o, len - o, "%s%zu %s", o ? ", " : "", parts[i].n,
					      parts[i].n == 1 ? parts[i].one : parts[i].many);
	if (!m->nfindings && !vd.hung)
		snprintf(buf, len, "no blocked tasks, no findings");
	return buf;
}
