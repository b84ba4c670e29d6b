/* core/report/text.c - the text report in crash's `bt` layout: the dump's
 * header, FINDINGS, the tasks (with their WAITS ON/HOLDS lines and
 * backtraces), the CPUs, then LOCKS and CYCLES. */
#include "core/report/report_priv.h"

#include <inttypes.h>
#include <string.h>

/* A backtrace in crash's layout, with a line per context switch. */
void kdl_report_text_frames(FILE *out, const struct kdl_frame *f, size_t n, enum kdl_quality q)
{
	enum kdl_ctx ctx = n ? f[0].context : KDL_CTX_TASK;

	for (size_t i = 0; i < n; i++) {
		if (f[i].context != ctx) {
			fprintf(out, " --- <%s> ---\n", kdl_ctx_name(f[i].context));
			ctx = f[i].context;
		}
		/* crash's bt: " #0 [sp] function at pc [module]" */
		fprintf(out, "%s#%zu [%016" PRIx64 "] ", i < 10 ? " " : "", i, f[i].sp);
		if (f[i].function)
			fprintf(out, "%s", f[i].function);
		else
			fprintf(out, "0x%" PRIx64, f[i].pc);
		fprintf(out, " at %016" PRIx64, f[i].pc);
		if (f[i].module)
			fprintf(out, " [%s]", f[i].module);
		fprintf(out, "%s\n", f[i].reliable ? "" : " (unreliable)");
		if (f[i].file)
			fprintf(out, "    %s: %d\n", f[i].file, f[i].line);
	}
	if (q != KDL_Q_OK)
		fprintf(out, "    (trace %s)\n", q == KDL_Q_UNREADABLE ? "unreadable" :
			q == KDL_Q_PARTIAL ? "incomplete" : "unreliable");
}

static void text_task_header(FILE *out, const struct kdl_task *t)
{
	fprintf(out, "PID: %-8d TASK: %016" PRIx64 "  CPU: %-4d COMMAND: \"%s\"\n", t->pid,
		t->addr, t->cpu, t->comm);
}

static void text_header(FILE *out, const struct kdl_model *m)
{
	const struct kdl_dump_info *d = &m->dump;
	char date[64], dibuf[4400];
	size_t nblocked = 0;

	for (size_t i = 0; i < m->ntasks; i++)
		if (!strcmp(m->tasks[i].state, "UN"))
			nblocked++;
	kdl_report_format_time(d->crash_time, date, sizeof(date));
	if (d->hostname)
		fprintf(out, "    NODENAME: %s\n", d->hostname);
	fprintf(out, "     RELEASE: %s\n", d->release ? d->release : "unknown");
	if (d->version)
		fprintf(out, "     VERSION: %s\n", d->version);
	fprintf(out, "     MACHINE: %s\n", d->machine ? d->machine : "unknown");
	fprintf(out, "      FORMAT: %s%s\n", d->format ? d->format : "unknown",
		d->has_vmcoreinfo ? "" : " (no VMCOREINFO)");
	fprintf(out, "        CPUS: %d\n", d->cpus);
	fprintf(out, "        DATE: %s\n", date);
	fprintf(out, "       TASKS: %zu (%zu blocked)\n", d->task_count, nblocked);
	fprintf(out, "       KASLR: 0x%" PRIx64 "\n", d->kaslr_offset);
	if (kdl_report_debuginfo(d, dibuf, sizeof(dibuf)))
		fprintf(out, "   DEBUGINFO: %s\n", dibuf);
	if (d->symbols_from)
		fprintf(out, "     SYMBOLS: %s\n", d->symbols_from);
	if (d->panic)
		fprintf(out, "       PANIC: \"%s\"\n", d->panic);
	if (d->partial)
		fprintf(out, "     WARNING: parts of the dump were unreadable; the report is partial\n");
	if (d->partial && d->partial_why)
		fprintf(out, "  UNREADABLE: %s\n", d->partial_why);
	fputc('\n', out);
}

/* FINDINGS, before the tasks. */
static void text_findings(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	size_t k = 0;
	char b[96];

	fprintf(out, "FINDINGS\n\n");
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];

		if (!kdl_report_finding_shown(r, f))
			continue;
		fprintf(out, "%2zu. [%s] %s\n    %s\n    confidence: %s\n    tasks:", ++k,
			kdl_severity_name(f->severity), kdl_finding_kind_name(f->kind),
			f->summary ? f->summary : "", kdl_confidence_name(f->confidence));
		for (size_t t = 0; t < f->ntasks; t++)
			fprintf(out, " %s", kdl_report_who(m, f->tasks[t], b, sizeof(b)));
		fputc('\n', out);
		fputc('\n', out);
	}
	if (!k)
		fprintf(out, "    no lock problems found\n\n");
}

/* A task's WAITS ON and HOLDS lines, after its STATE line. */
static void text_task_locks(FILE *out, const struct kdl_model *m, size_t ti)
{
	const struct kdl_task *t = &m->tasks[ti];
	char b[96];

	if (t->waits_on >= 0 && (size_t)t->waits_on < m->nlocks) {
		const struct kdl_lock *l = &m->locks[t->waits_on];

		fprintf(out, "    WAITS ON: %s (%s @0x%" PRIx64 ", %s)", l->name ? l->name : "?",
			kdl_lock_kind_name(l->kind), l->address, kdl_mode_name(t->wait_mode));
		for (size_t o = 0; o < l->nowners; o++)
			fprintf(out, "%s %s (%s%s)", o ? "," : kdl_report_holder_verb(l, true),
				kdl_report_owner_name(m, &l->owners[o], b, sizeof(b)),
				kdl_confidence_name(l->owners[o].confidence),
				l->owners[o].alive ? "" : ", dead");
		fputc('\n', out);
	} else if (t->other.kind) {
		fprintf(out, "    WAITS ON: %s wait in %s\n", t->other.kind,
			t->other.label ? t->other.label : "?");
	}
	if (t->nholds) {
		fprintf(out, "    HOLDS:");
		for (size_t h = 0; h < t->nholds; h++)
			fprintf(out, "%s %s", h ? "," : "", m->locks[t->holds[h]].name);
		fputc('\n', out);
	}
}

static void text_tasks(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	const struct kdl_report_options *o = r->o;

	fprintf(out, "%s\n\n", o->pid >= 0 ? "TASK" : o->all_tasks ? "TASKS" :
		"BLOCKED AND ON-CPU TASKS");
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (!kdl_report_task_listed(r, i))
			continue;
		text_task_header(out, t);
		fprintf(out, "    STATE: %s%s", t->state, t->rtlock_wait ? " (rtlock wait)" : "");
		if (t->on_cpu)
			fprintf(out, "  ON CPU");
		if (t->blocked_for_ns >= 0)
			fprintf(out, "  BLOCKED FOR: %.3fs", (double)t->blocked_for_ns / 1e9);
		if (t->quality != KDL_Q_OK)
			fprintf(out, "  (task_struct %s)", kdl_report_quality_name(t->quality));
		fputc('\n', out);
		text_task_locks(out, m, i);
		kdl_report_text_frames(out, t->frames, t->nframes, t->frames_quality);
		fputc('\n', out);
	}
}

static void text_cpus(FILE *out, const struct kdl_model *m)
{
	fprintf(out, "CPUS\n\n");
	for (size_t c = 0; c < m->ncpus; c++) {
		const struct kdl_cpu *cp = &m->cpus[c];

		if (cp->task >= 0)
			text_task_header(out, &m->tasks[cp->task]);
		fprintf(out, "    CPU %d  CONTEXT: %s%s\n", cp->cpu, kdl_ctx_name(cp->context),
			cp->regs_valid ? "" : "  (no registers in the dump)");
		kdl_report_text_frames(out, cp->frames, cp->nframes, KDL_Q_OK);
		fputc('\n', out);
	}
}

/* LOCKS and CYCLES, after the CPUs. */
static void text_locks(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	char b[96];

	fprintf(out, "LOCKS\n\n");
	for (size_t li = 0; li < m->nlocks; li++) {
		const struct kdl_lock *l = &m->locks[li];

		if (!kdl_report_lock_shown(r, li))
			continue;
		fprintf(out, "%-10s %016" PRIx64 "  %s\n", kdl_lock_kind_name(l->kind), l->address,
			l->name ? l->name : "?");
		for (size_t k = 0; k < l->nowners; k++) {
			const struct kdl_owner *ow = &l->owners[k];

			fprintf(out, "    %s %s  %s, %s%s", kdl_report_holder_verb(l, false),
				kdl_report_owner_name(m, ow, b, sizeof(b)),
				kdl_mode_name(ow->mode),
				kdl_confidence_name(ow->confidence), ow->alive ? "" : ", NOT ALIVE");
			if (ow->who.ctx != KDL_CTX_TASK)
				fprintf(out, ", %s context", kdl_ctx_name(ow->who.ctx));
			fprintf(out, "%s%s\n", ow->why ? ": " : "", ow->why ? ow->why : "");
		}
		if (l->readers >= 0 && (l->kind == KDL_LOCK_RWSEM || l->kind == KDL_LOCK_RWLOCK))
			fprintf(out, "    readers: %d\n", l->readers);
		if (l->nwaiters) {
			fprintf(out, "    waiters (%zu):", l->nwaiters);
			for (size_t w = 0; w < l->nwaiters; w++)
				fprintf(out, " %s%s%s",
					kdl_report_who(m, l->waiters[w].who.task, b, sizeof(b)),
					l->waiters[w].mode == KDL_MODE_EXCLUSIVE ? ""
					: l->waiters[w].mode == KDL_MODE_READ ? "(r)" : "(w)",
					l->waiters[w].who.ctx == KDL_CTX_TASK ? ""
					: l->waiters[w].who.ctx == KDL_CTX_SOFTIRQ ? "(softirq)" : "(irq)");
			fputc('\n', out);
		}
	}
	fprintf(out, "\nCYCLES\n\n");
	for (size_t c = 0; c < m->ncycles; c++) {
		const struct kdl_cycle *cy = &m->cycles[c];

		if (!kdl_report_cycle_shown(r, cy))
			continue;
		fprintf(out, "%-18s", kdl_finding_kind_name(cy->cls));
		for (size_t i = 0; i < cy->n; i++)
			fprintf(out, " %s%s -[%s]->",
				kdl_report_who(m, cy->nodes[i].task, b, sizeof(b)),
				cy->nodes[i].ctx == KDL_CTX_TASK ? "" : "(softirq/irq)",
				m->locks[cy->locks[i]].name);
		fprintf(out, " %s\n", kdl_report_who(m, cy->nodes[0].task, b, sizeof(b)));
	}
	fputc('\n', out);
}

void kdl_report_text(const struct kdl_report_ctx *r)
{
	text_header(r->out, r->m);
	text_findings(r);
	text_tasks(r);
	if (r->o->pid < 0)
		text_cpus(r->out, r->m);
	text_locks(r);
}
