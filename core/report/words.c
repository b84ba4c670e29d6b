/* core/report/words.c - the small phrases more than one report format uses:
 * quality names, the crash time, "comm[pid]" of a task or of a lock's owner,
 * and the verb that links a lock to its holder (core/report/report_priv.h).
 */
#include <inttypes.h>
#include <stdio.h>
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
