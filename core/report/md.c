/* core/report/md.c - the Markdown report: the dump's table, "## Findings"
 * and "## Locks", the tasks' table, their backtraces and the CPUs'. */
#include "core/report/report_priv.h"

#include <inttypes.h>

/* "## Findings" with the summaries and the "## Locks" table. */
static void md_locks(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	char b[96];

	fprintf(out, "\n## Findings\n\n");
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];

		if (!kdl_report_finding_shown(r, f))
			continue;
		fprintf(out, "- **%s** (%s): %s *(confidence: %s)*\n", kdl_finding_kind_name(f->kind),
			kdl_severity_name(f->severity), f->summary ? f->summary : "",
			kdl_confidence_name(f->confidence));
	}
	fprintf(out, "\n## Locks\n\n| lock | kind | address | held by | waiters |\n|---|---|---|---|---|\n");
	for (size_t li = 0; li < m->nlocks; li++) {
		const struct kdl_lock *l = &m->locks[li];

		if (!kdl_report_lock_shown(r, li))
			continue;
		fprintf(out, "| `%s` | %s | `0x%" PRIx64 "` | ", l->name ? l->name : "?",
			kdl_lock_kind_name(l->kind), l->address);
		for (size_t k = 0; k < l->nowners; k++)
			fprintf(out, "%s`%s` (%s, %s%s)", k ? ", " : "",
				kdl_report_owner_name(m, &l->owners[k], b, sizeof(b)),
				kdl_mode_name(l->owners[k].mode),
				kdl_confidence_name(l->owners[k].confidence),
				l->owners[k].alive ? "" : ", dead");
		fprintf(out, " | ");
		for (size_t w = 0; w < l->nwaiters && w < 8; w++)
			fprintf(out, "%s`%s`", w ? ", " : "",
				kdl_report_who(m, l->waiters[w].who.task, b, sizeof(b)));
		if (l->nwaiters > 8)
			fprintf(out, " and %zu more", l->nwaiters - 8);
		fprintf(out, " |\n");
	}
}

void kdl_report_md(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	const struct kdl_report_options *o = r->o;
	const struct kdl_dump_info *d = &m->dump;
	char date[64], dibuf[4400];

	kdl_report_format_time(d->crash_time, date, sizeof(date));
	fprintf(out, "# kdlview report: Linux %s\n\n", d->release ? d->release : "unknown");
	fprintf(out, "| | |\n|---|---|\n| release | %s |\n| format | %s |\n| CPUs | %d |\n"
		"| date | %s |\n| tasks | %zu |\n| KASLR offset | 0x%" PRIx64 " |\n",
		d->release ? d->release : "unknown", d->format ? d->format : "unknown", d->cpus,
		date, d->task_count, d->kaslr_offset);
	if (kdl_report_debuginfo(d, dibuf, sizeof(dibuf)))
		fprintf(out, "| debug info | %s |\n", dibuf);
	if (d->symbols_from)
		fprintf(out, "| symbols | %s |\n", d->symbols_from);
	if (d->panic)
		fprintf(out, "| panic | %s |\n", d->panic);
	if (d->partial)
		fprintf(out, "\n**Partial:** parts of the dump were unreadable%s%s.\n",
			d->partial_why ? ": " : "", d->partial_why ? d->partial_why : "");
	md_locks(r);
	fprintf(out, "\n## Tasks\n\n| pid | comm | state | cpu | blocked for |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (!kdl_report_task_listed(r, i))
			continue;
		fprintf(out, "| %d | `%s` | %s%s | %d | ", t->pid, t->comm, t->state,
			t->on_cpu ? " (on CPU)" : "", t->cpu);
		if (t->blocked_for_ns >= 0)
			fprintf(out, "%.3fs |\n", (double)t->blocked_for_ns / 1e9);
		else
			fprintf(out, "- |\n");
	}
	fprintf(out, "\n## Backtraces\n");
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (!kdl_report_task_listed(r, i))
			continue;
		fprintf(out, "\n### %s [%d] %s\n\n```\n", t->comm, t->pid, t->state);
		kdl_report_text_frames(out, t->frames, t->nframes, t->frames_quality);
		fprintf(out, "```\n");
	}
	if (o->pid < 0) {
		fprintf(out, "\n## CPUs\n");
		for (size_t c = 0; c < m->ncpus; c++) {
			const struct kdl_cpu *cp = &m->cpus[c];

			fprintf(out, "\n### CPU %d: pid %d, %s\n\n```\n", cp->cpu, cp->pid,
				kdl_ctx_name(cp->context));
			kdl_report_text_frames(out, cp->frames, cp->nframes, KDL_Q_OK);
			fprintf(out, "```\n");
		}
	}
}
