/* core/report/report.c - text, Markdown, JSON and DOT reports of the model.
 *
 * Each format is a list of sections written by static functions; the lock
 * analysis adds its sections (findings, locks, cycles) next to the task ones.
 */
#include "core/report/report.h"
#include "core/report/report_locks.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool kdl_report_format_parse(const char *name, enum kdl_report_format *out)
{
	static const struct { const char *name; enum kdl_report_format f; } tab[] = {
		{ "text", KDL_REPORT_TEXT }, { "md", KDL_REPORT_MD },
		{ "json", KDL_REPORT_JSON }, { "dot", KDL_REPORT_DOT },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(name, tab[i].name)) {
			*out = tab[i].f;
			return true;
		}
	}
	return false;
}

/* Which tasks a report lists. */
static bool task_selected(const struct kdl_model *m, const struct kdl_task *t,
			  const struct kdl_report_options *o)
{
	if (o->pid >= 0) /* the pid's wait chain (core/report/report_locks.h) */
		return kdl_report_locks_in_chain(m, o->pid, (size_t)(t - m->tasks));
	return o->all_tasks || t->involved;
}

/* Frames and lines of what the report shows, through the source's callbacks
 * (an error leaves that task's trace as the model has it). */
static void ensure_frames(const struct kdl_report_source *src, const struct kdl_report_options *o)
{
	const struct kdl_model *m = src->model;
	struct kdl_error *err;

	for (size_t i = 0; i < m->ntasks; i++) {
		if (!task_selected(m, &m->tasks[i], o))
			continue;
		if (src->task_frames) {
			err = src->task_frames(src->arg, i);
			if (err) {
				kdl_error_destroy(err);
				continue;
			}
		}
		if (src->resolve_lines)
			kdl_error_destroy(src->resolve_lines(src->arg, (int)i, -1));
	}
	for (size_t c = 0; c < m->ncpus && src->resolve_lines; c++)
		kdl_error_destroy(src->resolve_lines(src->arg, -1, (int)c));
}

/* How much of an item could be read, for the reports ("ok", ...). */
static const char *quality_name(enum kdl_quality q)
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

static void format_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 0 || !gmtime_r(&tt, &tm)) {
		snprintf(buf, len, "unknown");
		return;
	}
	strftime(buf, len, "%a %b %e %H:%M:%S UTC %Y", &tm);
}

/* ---------------------------------------------------------------- text */

static void text_frames(FILE *out, const struct kdl_frame *f, size_t n, enum kdl_quality q)
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
	char date[64];
	size_t nblocked = 0;

	for (size_t i = 0; i < m->ntasks; i++)
		if (!strcmp(m->tasks[i].state, "UN"))
			nblocked++;
	format_time(d->crash_time, date, sizeof(date));
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
	if (d->panic)
		fprintf(out, "       PANIC: \"%s\"\n", d->panic);
	if (d->partial)
		fprintf(out, "     WARNING: parts of the dump were unreadable; the report is partial\n");
	if (d->partial && d->partial_why)
		fprintf(out, "  UNREADABLE: %s\n", d->partial_why);
	fputc('\n', out);
}

static void text_tasks(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o)
{
	fprintf(out, "%s\n\n", o->pid >= 0 ? "TASK" : o->all_tasks ? "TASKS" :
		"BLOCKED AND ON-CPU TASKS");
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (!task_selected(m, t, o))
			continue;
		text_task_header(out, t);
		fprintf(out, "    STATE: %s%s", t->state, t->rtlock_wait ? " (rtlock wait)" : "");
		if (t->on_cpu)
			fprintf(out, "  ON CPU");
		if (t->blocked_for_ns >= 0)
			fprintf(out, "  BLOCKED FOR: %.3fs", (double)t->blocked_for_ns / 1e9);
		if (t->quality != KDL_Q_OK)
			fprintf(out, "  (task_struct %s)", quality_name(t->quality));
		fputc('\n', out);
		kdl_report_locks_text_task(out, m, i);
		text_frames(out, t->frames, t->nframes, t->frames_quality);
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
		text_frames(out, cp->frames, cp->nframes, KDL_Q_OK);
		fputc('\n', out);
	}
}

static void write_text(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o)
{
	text_header(out, m);
	kdl_report_locks_text_findings(out, m, o);
	text_tasks(out, m, o);
	if (o->pid < 0)
		text_cpus(out, m);
	kdl_report_locks_text_locks(out, m, o);
}

/* ---------------------------------------------------------------- markdown */

static void write_md(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o)
{
	const struct kdl_dump_info *d = &m->dump;
	char date[64];

	format_time(d->crash_time, date, sizeof(date));
	fprintf(out, "# kdlview report: Linux %s\n\n", d->release ? d->release : "unknown");
	fprintf(out, "| | |\n|---|---|\n| release | %s |\n| format | %s |\n| CPUs | %d |\n"
		"| date | %s |\n| tasks | %zu |\n| KASLR offset | 0x%" PRIx64 " |\n",
		d->release ? d->release : "unknown", d->format ? d->format : "unknown", d->cpus,
		date, d->task_count, d->kaslr_offset);
	if (d->panic)
		fprintf(out, "| panic | %s |\n", d->panic);
	if (d->partial)
		fprintf(out, "\n**Partial:** parts of the dump were unreadable%s%s.\n",
			d->partial_why ? ": " : "", d->partial_why ? d->partial_why : "");
	kdl_report_locks_md(out, m, o);
	fprintf(out, "\n## Tasks\n\n| pid | comm | state | cpu | blocked for |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (!task_selected(m, t, o))
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

		if (!task_selected(m, t, o))
			continue;
		fprintf(out, "\n### %s [%d] %s\n\n```\n", t->comm, t->pid, t->state);
		text_frames(out, t->frames, t->nframes, t->frames_quality);
		fprintf(out, "```\n");
	}
	if (o->pid < 0) {
		fprintf(out, "\n## CPUs\n");
		for (size_t c = 0; c < m->ncpus; c++) {
			const struct kdl_cpu *cp = &m->cpus[c];

			fprintf(out, "\n### CPU %d: pid %d, %s\n\n```\n", cp->cpu, cp->pid,
				kdl_ctx_name(cp->context));
			text_frames(out, cp->frames, cp->nframes, KDL_Q_OK);
			fprintf(out, "```\n");
		}
	}
}

/* ---------------------------------------------------------------- JSON */

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

void kdl_report_json_str(FILE *out, const char *s)
{
	json_str(out, s);
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

static void write_json(FILE *out, const struct kdl_report_source *src,
		       const struct kdl_report_options *o)
{
	const struct kdl_model *m = src->model;
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
	fputs("},\n", out);
	fputs("  \"tasks\": [", out);
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (!task_selected(m, t, o))
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
			quality_name(t->quality), quality_name(t->frames_quality));
		kdl_report_locks_json_task(out, m, i);
		fputs(",\n    \"frames\": ", out);
		json_frames(out, src, (int)i, -1, t->frames, t->nframes, "   ");
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
		kdl_report_locks_json_cpu(out, m, c);
		fputs(",\n    \"frames\": ", out);
		json_frames(out, src, -1, (int)c, cp->frames, cp->nframes, "   ");
		fputs("}", out);
	}
	fputs("\n  ]", out);
	kdl_report_locks_json(out, m, o);
	fputs("\n}\n", out);
}

/* ---------------------------------------------------------------- DOT */

static void write_dot(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o)
{
	kdl_report_locks_dot(out, m, o);
}

struct kdl_error *kdl_report_write(const struct kdl_report_source *src,
				   const struct kdl_report_options *opts, FILE *out)
{
	const struct kdl_model *m = src->model;
	/* one thread writes: no stdio lock per call (restored below) */
	int locking = __fsetlocking(out, FSETLOCKING_BYCALLER);

	ensure_frames(src, opts);
	switch (opts->format) {
	case KDL_REPORT_TEXT:
		write_text(out, m, opts);
		break;
	case KDL_REPORT_MD:
		write_md(out, m, opts);
		break;
	case KDL_REPORT_JSON:
		write_json(out, src, opts);
		break;
	case KDL_REPORT_DOT:
		write_dot(out, m, opts);
		break;
	}
	__fsetlocking(out, locking);
	if (ferror(out))
		return kdl_error_create(KDL_ERR_IO, "writing the report failed");
	return NULL;
}

struct kdl_error *kdl_report_write_file(const struct kdl_report_source *src,
					const struct kdl_report_options *opts, const char *path,
					bool overwrite)
{
	struct kdl_error *err;
	char *tmp;
	mode_t um;
	FILE *f;
	int fd;

	if (!overwrite && access(path, F_OK) == 0)
		return kdl_error_create(KDL_ERR_USAGE, "report file '%s' exists (use --force to "
					"overwrite)", path);
	if (asprintf(&tmp, "%s.kdlview-XXXXXX", path) < 0)
		return kdl_error_create(KDL_ERR_NOMEM, "write '%s': out of memory", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		/* a directory that is missing or not writable: a bad argument */
		err = kdl_error_create(KDL_ERR_USAGE, "cannot write '%s': %s", path,
				       strerror(errno));
		free(tmp);
		return err;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) != 0 || !(f = fdopen(fd, "w"))) {
		err = kdl_error_create(KDL_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	err = kdl_report_write(src, opts, f);
	if (!err && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		err = kdl_error_create(KDL_ERR_IO, "write '%s': %s", path, strerror(errno));
	if (fclose(f) != 0 && !err)
		err = kdl_error_create(KDL_ERR_IO, "write '%s': %s", path, strerror(errno));
	if (err)
		goto out;
	/* link() refuses a path that appeared meanwhile: never clobbers */
	if (overwrite ? rename(tmp, path) != 0 : link(tmp, path) != 0)
		err = kdl_error_create(errno == EEXIST ? KDL_ERR_USAGE : KDL_ERR_IO,
				       "cannot write '%s': %s", path, strerror(errno));
out:
	unlink(tmp); /* after rename() it is gone already */
	free(tmp);
	return err;
}
