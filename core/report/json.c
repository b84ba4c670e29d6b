/* core/report/json.c - the JSON report (contract:
 * tests/schema/report.schema.json): the dump, the tasks and CPUs with their
 * frames (and inlined callers, through the source's frame_inlines), and the
 * lock analysis' "locks", "cycles" and "findings". Hand-written numbers and
 * strings: frames are most of a big report. */
#include "core/report/report_priv.h"

#include <inttypes.h>

static void json_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t run = 0;

		/* plain bytes in one write: reports of 10k tasks are mostly names */
		while (s[run] && s[run] != '"' && s[run] != '\\' && (unsigned char)s[run] >= 0x20 &&
		       s[run] != 0x7f)
			run++;
		if (run) {
			fwrite(s, 1, run, out);
			s += run - 1;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_addr(FILE *out, uint64_t a)
{
	char buf[24], *p = buf + sizeof(buf);

	*--p = '"';
	do {
		*--p = "0123456789abcdef"[a & 15];
		a >>= 4;
	} while (a);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), out);
}

/* Decimal without printf: frames are most of a big report. */
static void json_u64(FILE *out, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), out);
}

static void jlock_ref(FILE *out, const struct kdl_model *m, int li)
{
	if (li < 0 || (size_t)li >= m->nlocks)
		fputs("null", out);
	else
		json_addr(out, m->locks[li].address);
}

static void jpid(FILE *out, const struct kdl_model *m, int ti)
{
	if (ti < 0 || (size_t)ti >= m->ntasks)
		fputs("null", out);
	else
		fprintf(out, "%d", m->tasks[ti].pid);
}

static void json_frames(FILE *out, const struct kdl_report_source *src, int task, int cpu,
			const struct kdl_frame *f, size_t n, const char *indent)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		struct kdl_inline inl[8];
		size_t ninl = src->frame_inlines ?
			src->frame_inlines(src->arg, task, cpu, i, inl, 8) : 0;

		fputs(i ? ",\n" : "\n", out);
		fputs(indent, out);
		fputs("  {\"pc\": ", out);
		json_addr(out, f[i].pc);
		fputs(", \"sp\": ", out);
		json_addr(out, f[i].sp);
		fputs(", \"function\": ", out);
		json_str(out, f[i].function);
		fputs(", \"offset\": ", out);
		json_u64(out, f[i].offset);
		fputs(", \"module\": ", out);
		json_str(out, f[i].module);
		fputs(", \"file\": ", out);
		json_str(out, f[i].file);
		if (f[i].line > 0) {
			fputs(", \"line\": ", out);
			json_u64(out, (uint64_t)f[i].line);
		} else {
			fputs(", \"line\": null", out);
		}
		fputs(", \"context\": \"", out);
		fputs(kdl_ctx_name(f[i].context), out);
		fputs(f[i].reliable ? "\", \"reliable\": true" : "\", \"reliable\": false", out);
		/* inlined callers at this pc, innermost first (DWARF) */
		if (ninl) {
			fputs(", \"inlined\": [", out);
			for (size_t k = 0; k < ninl; k++) {
				fputs(k ? ", {\"function\": " : "{\"function\": ", out);
				json_str(out, inl[k].function);
				fputs(", \"file\": ", out);
				json_str(out, inl[k].file);
				if (inl[k].line > 0) {
					fputs(", \"line\": ", out);
					json_u64(out, (uint64_t)inl[k].line);
					fputc('}', out);
				} else
					fputs(", \"line\": null}", out);
			}
			fputc(']', out);
		}
		fputc('}', out);
	}
	fprintf(out, "%s]", n ? "\n    " : "");
	(void)indent;
}

/* The lock fields of a task object and of a CPU object (issue 4's contract). */
static void json_task_locks(FILE *out, const struct kdl_model *m, size_t ti)
{
	const struct kdl_task *t = &m->tasks[ti];

	fputs(", \"waits_on\": ", out);
	jlock_ref(out, m, t->waits_on);
	if (t->waits_on >= 0)
		fprintf(out, ", \"wait_mode\": \"%s\"", kdl_mode_name(t->wait_mode));
	fputs(", \"wait\": ", out);
	if (t->other.kind) {
		fputs("{\"kind\": ", out);
		json_str(out, t->other.kind);
		fputs(", \"label\": ", out);
		json_str(out, t->other.label);
		fputs("}", out);
	} else {
		fputs("null", out);
	}
	fputs(", \"holds\": [", out);
	for (size_t h = 0; h < t->nholds; h++) {
		fputs(h ? ", " : "", out);
		jlock_ref(out, m, t->holds[h]);
	}
	fputs("]", out);
}

static void json_cpu_locks(FILE *out, const struct kdl_model *m, size_t ci)
{
	fputs(", \"spinning_on\": ", out);
	jlock_ref(out, m, m->cpus[ci].spinning_on);
}

static void json_lock(FILE *out, const struct kdl_model *m, const struct kdl_lock *l)
{
	fputs("{\"address\": ", out);
	json_addr(out, l->address);
	fprintf(out, ", \"kind\": \"%s\", \"name\": ", kdl_lock_kind_name(l->kind));
	json_str(out, l->name);
	fputs(", \"symbol\": ", out);
	json_str(out, l->symbol);
	fputs(", \"cache\": ", out);
	json_str(out, l->cache);
	fputs(", \"type\": ", out);
	json_str(out, l->type);
	fputs(", \"member\": ", out);
	json_str(out, l->member);
	fputs(", \"object\": ", out);
	if (l->object)
		json_addr(out, l->object);
	else
		fputs("null", out);
	fprintf(out, ", \"offset\": %" PRIu64 ", \"percpu_cpu\": ", l->offset);
	if (l->percpu_cpu >= 0)
		fprintf(out, "%d", l->percpu_cpu);
	else
		fputs("null", out);
	fputs(", \"stack_pid\": ", out);
	if (l->stack_pid >= 0)
		fprintf(out, "%d", l->stack_pid);
	else
		fputs("null", out);
	fputs(",\n     \"owners\": [", out);
	for (size_t k = 0; k < l->nowners; k++) {
		const struct kdl_owner *o = &l->owners[k];

		fputs(k ? ", " : "", out);
		fputs("{\"pid\": ", out);
		if (o->pid >= 0)
			fprintf(out, "%d", o->pid);
		else
			fputs("null", out);
		fputs(", \"task\": ", out);
		json_addr(out, o->task_addr);
		fputs(", \"comm\": ", out);
		json_str(out, o->comm);
		fprintf(out, ", \"context\": \"%s\", \"mode\": \"%s\", \"confidence\": \"%s\", "
			"\"alive\": %s, \"why\": ", kdl_ctx_name(o->who.ctx), kdl_mode_name(o->mode),
			kdl_confidence_name(o->confidence), o->alive ? "true" : "false");
		json_str(out, o->why);
		fputs("}", out);
	}
	fputs("], \"readers\": ", out);
	if (l->readers >= 0)
		fprintf(out, "%d", l->readers);
	else
		fputs("null", out);
	fputs(", \"waiters\": [", out);
	for (size_t w = 0; w < l->nwaiters; w++) {
		fputs(w ? ", " : "", out);
		fputs("{\"pid\": ", out);
		jpid(out, m, l->waiters[w].who.task);
		fprintf(out, ", \"mode\": \"%s\", \"context\": \"%s\"}",
			kdl_mode_name(l->waiters[w].mode), kdl_ctx_name(l->waiters[w].who.ctx));
	}
	fputs("]}", out);
}

/* The top-level "locks", "cycles" and "findings" members. */
static void json_locks(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	bool first = true;

	fputs(",\n  \"locks\": [", out);
	for (size_t li = 0; li < m->nlocks; li++) {
		if (!kdl_report_lock_shown(r, li))
			continue;
		fputs(first ? "\n    " : ",\n    ", out);
		first = false;
		json_lock(out, m, &m->locks[li]);
	}
	fputs("\n  ],\n  \"cycles\": [", out);
	first = true;
	for (size_t c = 0; c < m->ncycles; c++) {
		const struct kdl_cycle *cy = &m->cycles[c];

		if (!kdl_report_cycle_shown(r, cy))
			continue;
		fputs(first ? "\n    {\"pids\": [" : ",\n    {\"pids\": [", out);
		first = false;
		for (size_t i = 0; i < cy->n; i++) {
			fputs(i ? ", " : "", out);
			jpid(out, m, cy->nodes[i].task);
		}
		fputs("], \"contexts\": [", out);
		for (size_t i = 0; i < cy->n; i++)
			fprintf(out, "%s\"%s\"", i ? ", " : "", kdl_ctx_name(cy->nodes[i].ctx));
		fputs("], \"locks\": [", out);
		for (size_t i = 0; i < cy->n; i++) {
			fputs(i ? ", " : "", out);
			jlock_ref(out, m, cy->locks[i]);
		}
		fprintf(out, "], \"class\": \"%s\"}", kdl_finding_kind_name(cy->cls));
	}
	fputs("\n  ],\n  \"findings\": [", out);
	first = true;
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];

		if (!kdl_report_finding_shown(r, f))
			continue;
		fprintf(out, "%s{\"kind\": \"%s\", \"severity\": \"%s\", \"pids\": [",
			first ? "\n    " : ",\n    ", kdl_finding_kind_name(f->kind),
			kdl_severity_name(f->severity));
		first = false;
		for (size_t t = 0; t < f->ntasks; t++) {
			fputs(t ? ", " : "", out);
			jpid(out, m, f->tasks[t]);
		}
		fputs("], \"locks\": [", out);
		for (size_t k = 0; k < f->nlocks; k++) {
			fputs(k ? ", " : "", out);
			jlock_ref(out, m, f->locks[k]);
		}
		fputs("], \"cycle\": ", out);
		if (f->cycle >= 0)
			fprintf(out, "%d", f->cycle);
		else
			fputs("null", out);
		fprintf(out, ", \"confidence\": \"%s\"", kdl_confidence_name(f->confidence));
		fputs(",\n     \"summary\": ", out);
		json_str(out, f->summary);
		fputs("}", out);
	}
	fputs("\n  ]", out);
}

void kdl_report_json(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	const struct kdl_dump_info *d = &m->dump;
	bool first = true;

	fprintf(out, "{\n  \"schema\": 1,\n  \"dump\": {\"release\": ");
	json_str(out, d->release);
	fputs(", \"machine\": ", out);
	json_str(out, d->machine);
	fprintf(out, ", \"cpus\": %d, \"task_count\": %zu, \"format\": ", d->cpus, d->task_count);
	json_str(out, d->format);
	fputs(", \"panic\": ", out);
	json_str(out, d->panic);
	if (d->crash_time >= 0)
		fprintf(out, ", \"crash_time\": %" PRId64, d->crash_time);
	else
		fputs(", \"crash_time\": null", out);
	fputs(", \"kaslr_offset\": ", out);
	json_addr(out, d->kaslr_offset);
	fprintf(out, ", \"has_vmcoreinfo\": %s, \"partial\": %s",
		d->has_vmcoreinfo ? "true" : "false", d->partial ? "true" : "false");
	if (d->partial_why) {
		fputs(", \"partial_why\": ", out);
		json_str(out, d->partial_why);
	}
	if (d->debuginfo) {
		fputs(", \"debuginfo\": ", out);
		json_str(out, d->debuginfo);
		fputs(", \"debuginfo_from\": ", out);
		json_str(out, d->debuginfo_from);
		if (d->debuginfo_missing) {
			fputs(", \"debuginfo_missing\": ", out);
			json_str(out, d->debuginfo_missing);
		}
	}
	if (d->symbols_from) {
		fputs(", \"symbols_from\": ", out);
		json_str(out, d->symbols_from);
	}
	fputs("},\n", out);
	fputs("  \"tasks\": [", out);
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (!kdl_report_task_listed(r, i))
			continue;
		fprintf(out, "%s\n   {\"pid\": %d, \"tgid\": %d, \"ppid\": %d, \"comm\": ",
			first ? "" : ",", t->pid, t->tgid, t->ppid);
		first = false;
		json_str(out, t->comm);
		fputs(", \"task\": ", out);
		json_addr(out, t->addr);
		fprintf(out, ", \"state\": \"%s\", \"state_raw\": %u, \"rtlock_wait\": %s, "
			"\"cpu\": %d, \"on_cpu\": %s, \"blocked_for_ns\": ", t->state, t->state_raw,
			t->rtlock_wait ? "true" : "false", t->cpu, t->on_cpu ? "true" : "false");
		if (t->blocked_for_ns >= 0)
			fprintf(out, "%" PRId64, t->blocked_for_ns);
		else
			fputs("null", out);
		/* what could not be read is marked (issue 6) */
		fprintf(out, ", \"quality\": \"%s\", \"frames_quality\": \"%s\"",
			kdl_report_quality_name(t->quality),
			kdl_report_quality_name(t->frames_quality));
		json_task_locks(out, m, i);
		fputs(",\n    \"frames\": ", out);
		json_frames(out, r->src, (int)i, -1, t->frames, t->nframes, "   ");
		fputs("}", out);
	}
	fputs("\n  ],\n  \"cpus\": [", out);
	for (size_t c = 0; c < m->ncpus; c++) {
		const struct kdl_cpu *cp = &m->cpus[c];

		fprintf(out, "%s\n   {\"cpu\": %d, \"pid\": ", c ? "," : "", cp->cpu);
		if (cp->pid >= 0)
			fprintf(out, "%d", cp->pid);
		else
			fputs("null", out);
		fprintf(out, ", \"context\": \"%s\"", kdl_ctx_name(cp->context));
		json_cpu_locks(out, m, c);
		fputs(",\n    \"frames\": ", out);
		json_frames(out, r->src, -1, (int)c, cp->frames, cp->nframes, "   ");
		fputs("}", out);
	}
	fputs("\n  ]", out);
	json_locks(r);
	fputs("\n}\n", out);
}
