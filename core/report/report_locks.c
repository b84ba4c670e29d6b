/* core/report/report_locks.c - findings, locks and cycles in the text, Markdown,
 * JSON and DOT reports. */
#include "core/report/report_locks.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- --pid chains ---------------------------------------------------------- */

static void chain_mark(const struct kdl_model *m, int p, bool *in)
{
	bool grew = true;

	in[p] = true;
	/* forward: what p waits on, its holders, what they wait on, ... */
	for (int cur = p, hops = 0; cur >= 0 && hops < 256; hops++) {
		int w = m->tasks[cur].waits_on, next = -1;

		if (w < 0 || (size_t)w >= m->nlocks)
			break;
		for (size_t o = 0; o < m->locks[w].nowners; o++) {
			int ot = m->locks[w].owners[o].who.task;

			if (ot >= 0 && !in[ot]) {
				in[ot] = true;
				if (next < 0)
					next = ot;
			}
		}
		cur = next;
	}
	/* backward: every task waiting, transitively, on what p holds */
	{
		bool *back = calloc(m->ntasks + 1, sizeof(bool));

		if (!back)
			return;
		back[p] = true;
		for (int round = 0; grew && round < 256; round++) {
			grew = false;
			for (size_t li = 0; li < m->nlocks; li++) {
				const struct kdl_lock *l = &m->locks[li];
				bool held = false;

				for (size_t o = 0; o < l->nowners; o++)
					held |= l->owners[o].who.task >= 0 && back[l->owners[o].who.task];
				if (!held)
					continue;
				for (size_t w = 0; w < l->nwaiters; w++) {
					int wt = l->waiters[w].who.task;

					if (wt >= 0 && !back[wt]) {
						back[wt] = true;
						grew = true;
					}
				}
			}
		}
		for (size_t i = 0; i < m->ntasks; i++)
			in[i] |= back[i];
		free(back);
	}
}

/* The last chain computed: a report asks about every task of one pid in turn
 * (a static cache keeps that linear; it stays reachable, and is replaced when
 * another model or pid is asked about). */
static struct {
	const struct kdl_model *m;
	const void *tasks, *locks; /* with the sizes and the task address: a model */
	uint64_t addr;             /* freed and another allocated in its place is told apart */
	int pid;
	size_t ntasks, nlocks;
	bool *in;
} chain_cache;

bool kdl_report_locks_in_chain(const struct kdl_model *m, int pid, size_t ti)
{
	int p = kdl_model_task_by_pid(m, pid);

	if (p < 0 || ti >= m->ntasks)
		return false;
	if ((size_t)p == ti)
		return true;
	if (chain_cache.m != m || chain_cache.pid != pid || chain_cache.ntasks != m->ntasks ||
	    chain_cache.nlocks != m->nlocks || chain_cache.tasks != (const void *)m->tasks ||
	    chain_cache.locks != (const void *)m->locks || chain_cache.addr != m->tasks[p].addr ||
	    !chain_cache.in) {
		free(chain_cache.in);
		chain_cache.m = NULL;
		chain_cache.in = calloc(m->ntasks + 1, sizeof(bool));
		if (!chain_cache.in)
			return false;
		chain_mark(m, p, chain_cache.in);
		chain_cache.m = m;
		chain_cache.pid = pid;
		chain_cache.ntasks = m->ntasks;
		chain_cache.nlocks = m->nlocks;
		chain_cache.tasks = m->tasks;
		chain_cache.locks = m->locks;
		chain_cache.addr = m->tasks[p].addr;
	}
	return chain_cache.in[ti];
}

/* Selection of tasks for a report (same rule as core/report/report.c), computed once. */
static bool *selected_tasks(const struct kdl_model *m, const struct kdl_report_options *o)
{
	bool *sel = calloc(m->ntasks + 1, sizeof(bool));
	int p;

	if (!sel)
		return NULL;
	if (o && o->pid >= 0) {
		p = kdl_model_task_by_pid(m, o->pid);
		if (p >= 0)
			chain_mark(m, p, sel);
		return sel;
	}
	for (size_t i = 0; i < m->ntasks; i++)
		sel[i] = true;
	return sel;
}

static bool lock_selected(const struct kdl_model *m, const bool *sel, size_t li)
{
	const struct kdl_lock *l = &m->locks[li];

	for (size_t o = 0; o < l->nowners; o++)
		if (l->owners[o].who.task >= 0 && sel[l->owners[o].who.task])
			return true;
	for (size_t w = 0; w < l->nwaiters; w++)
		if (l->waiters[w].who.task >= 0 && sel[l->waiters[w].who.task])
			return true;
	return false;
}

static bool finding_selected(const struct kdl_finding *f, const bool *sel)
{
	for (size_t i = 0; i < f->ntasks; i++)
		if (sel[f->tasks[i]])
			return true;
	return false;
}

static bool cycle_selected(const struct kdl_cycle *c, const bool *sel)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->nodes[i].task >= 0 && sel[c->nodes[i].task])
			return true;
	return false;
}

/* ---- text -------------------------------------------------------------------- */

/* An owner: the task when it is in the model, else what the lock recorded. */
static const char *owner_name(const struct kdl_model *m, const struct kdl_owner *o, char *buf,
			      size_t len);

static const char *who(const struct kdl_model *m, int ti, char *buf, size_t len)
{
	if (ti < 0 || (size_t)ti >= m->ntasks)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%s[%d]", m->tasks[ti].comm, m->tasks[ti].pid);
	return buf;
}

static const char *owner_name(const struct kdl_model *m, const struct kdl_owner *o, char *buf,
			      size_t len)
{
	if (o->who.task >= 0)
		return who(m, o->who.task, buf, len);
	if (o->pid >= 0)
		snprintf(buf, len, "%s[%d]", o->comm[0] ? o->comm : "?", o->pid);
	else
		snprintf(buf, len, "%s @0x%" PRIx64, o->comm[0] ? o->comm : "task", o->task_addr);
	return buf;
}

/* What a lock's "owner" is to the reader: a holder, the worker running a
 * work item, or who would wake a wait queue or completion. */
static const char *holder_verb(const struct kdl_lock *l, bool upper)
{
	if (l->kind == KDL_LOCK_WORK)
		return upper ? "  RUN BY" : "run by";
	if (l->kind == KDL_LOCK_WAITQUEUE || l->kind == KDL_LOCK_COMPLETION)
		return upper ? "  WOKEN BY" : "woken by";
	return upper ? "  HELD BY" : "held by";
}

void kdl_report_locks_text_findings(FILE *out, const struct kdl_model *m,
				    const struct kdl_report_options *o)
{
	bool *sel = selected_tasks(m, o);
	size_t k = 0;
	char b[96];

	if (!sel)
		return;
	fprintf(out, "FINDINGS\n\n");
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];

		if (!finding_selected(f, sel))
			continue;
		fprintf(out, "%2zu. [%s] %s\n    %s\n    confidence: %s\n    tasks:", ++k,
			kdl_severity_name(f->severity), kdl_finding_kind_name(f->kind),
			f->summary ? f->summary : "", kdl_confidence_name(f->confidence));
		for (size_t t = 0; t < f->ntasks; t++)
			fprintf(out, " %s", who(m, f->tasks[t], b, sizeof(b)));
		fputc('\n', out);
		fputc('\n', out);
	}
	if (!k)
		fprintf(out, "    no lock problems found\n\n");
	free(sel);
}

void kdl_report_locks_text_task(FILE *out, const struct kdl_model *m, size_t ti)
{
	const struct kdl_task *t = &m->tasks[ti];
	char b[96];

	if (t->waits_on >= 0 && (size_t)t->waits_on < m->nlocks) {
		const struct kdl_lock *l = &m->locks[t->waits_on];

		fprintf(out, "    WAITS ON: %s (%s @0x%" PRIx64 ", %s)", l->name ? l->name : "?",
			kdl_lock_kind_name(l->kind), l->address, kdl_mode_name(t->wait_mode));
		for (size_t o = 0; o < l->nowners; o++)
			fprintf(out, "%s %s (%s%s)", o ? "," : holder_verb(l, true),
				owner_name(m, &l->owners[o], b, sizeof(b)),
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

void kdl_report_locks_text_locks(FILE *out, const struct kdl_model *m,
				 const struct kdl_report_options *o)
{
	bool *sel = selected_tasks(m, o);
	char b[96];

	if (!sel)
		return;
	fprintf(out, "LOCKS\n\n");
	for (size_t li = 0; li < m->nlocks; li++) {
		const struct kdl_lock *l = &m->locks[li];

		if (!lock_selected(m, sel, li))
			continue;
		fprintf(out, "%-10s %016" PRIx64 "  %s\n", kdl_lock_kind_name(l->kind), l->address,
			l->name ? l->name : "?");
		for (size_t k = 0; k < l->nowners; k++) {
			const struct kdl_owner *ow = &l->owners[k];

			fprintf(out, "    %s %s  %s, %s%s", holder_verb(l, false),
				owner_name(m, ow, b, sizeof(b)),
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
				fprintf(out, " %s%s%s", who(m, l->waiters[w].who.task, b, sizeof(b)),
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

		if (!cycle_selected(cy, sel))
			continue;
		fprintf(out, "%-18s", kdl_finding_kind_name(cy->cls));
		for (size_t i = 0; i < cy->n; i++)
			fprintf(out, " %s%s -[%s]->", who(m, cy->nodes[i].task, b, sizeof(b)),
				cy->nodes[i].ctx == KDL_CTX_TASK ? "" : "(softirq/irq)",
				m->locks[cy->locks[i]].name);
		fprintf(out, " %s\n", who(m, cy->nodes[0].task, b, sizeof(b)));
	}
	fputc('\n', out);
	free(sel);
}

/* ---- Markdown ------------------------------------------------------------------ */

void kdl_report_locks_md(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o)
{
	bool *sel = selected_tasks(m, o);
	char b[96];

	if (!sel)
		return;
	fprintf(out, "\n## Findings\n\n");
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];

		if (!finding_selected(f, sel))
			continue;
		fprintf(out, "- **%s** (%s): %s *(confidence: %s)*\n", kdl_finding_kind_name(f->kind),
			kdl_severity_name(f->severity), f->summary ? f->summary : "",
			kdl_confidence_name(f->confidence));
	}
	fprintf(out, "\n## Locks\n\n| lock | kind | address | held by | waiters |\n|---|---|---|---|---|\n");
	for (size_t li = 0; li < m->nlocks; li++) {
		const struct kdl_lock *l = &m->locks[li];

		if (!lock_selected(m, sel, li))
			continue;
		fprintf(out, "| `%s` | %s | `0x%" PRIx64 "` | ", l->name ? l->name : "?",
			kdl_lock_kind_name(l->kind), l->address);
		for (size_t k = 0; k < l->nowners; k++)
			fprintf(out, "%s`%s` (%s, %s%s)", k ? ", " : "",
				owner_name(m, &l->owners[k], b, sizeof(b)),
				kdl_mode_name(l->owners[k].mode),
				kdl_confidence_name(l->owners[k].confidence),
				l->owners[k].alive ? "" : ", dead");
		fprintf(out, " | ");
		for (size_t w = 0; w < l->nwaiters && w < 8; w++)
			fprintf(out, "%s`%s`", w ? ", " : "", who(m, l->waiters[w].who.task, b, sizeof(b)));
		if (l->nwaiters > 8)
			fprintf(out, " and %zu more", l->nwaiters - 8);
		fprintf(out, " |\n");
	}
	free(sel);
}

/* ---- JSON ----------------------------------------------------------------------- */

static void jaddr(FILE *out, uint64_t a)
{
	fprintf(out, "\"0x%" PRIx64 "\"", a);
}

static void jlock_ref(FILE *out, const struct kdl_model *m, int li)
{
	if (li < 0 || (size_t)li >= m->nlocks)
		fputs("null", out);
	else
		jaddr(out, m->locks[li].address);
}

void kdl_report_locks_json_task(FILE *out, const struct kdl_model *m, size_t ti)
{
	const struct kdl_task *t = &m->tasks[ti];

	fputs(", \"waits_on\": ", out);
	jlock_ref(out, m, t->waits_on);
	if (t->waits_on >= 0)
		fprintf(out, ", \"wait_mode\": \"%s\"", kdl_mode_name(t->wait_mode));
	fputs(", \"wait\": ", out);
	if (t->other.kind) {
		fputs("{\"kind\": ", out);
		kdl_report_json_str(out, t->other.kind);
		fputs(", \"label\": ", out);
		kdl_report_json_str(out, t->other.label);
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

void kdl_report_locks_json_cpu(FILE *out, const struct kdl_model *m, size_t ci)
{
	fputs(", \"spinning_on\": ", out);
	jlock_ref(out, m, m->cpus[ci].spinning_on);
}

static void jpid(FILE *out, const struct kdl_model *m, int ti)
{
	if (ti < 0 || (size_t)ti >= m->ntasks)
		fputs("null", out);
	else
		fprintf(out, "%d", m->tasks[ti].pid);
}

static void json_lock(FILE *out, const struct kdl_model *m, const struct kdl_lock *l)
{
	fputs("{\"address\": ", out);
	jaddr(out, l->address);
	fprintf(out, ", \"kind\": \"%s\", \"name\": ", kdl_lock_kind_name(l->kind));
	kdl_report_json_str(out, l->name);
	fputs(", \"symbol\": ", out);
	kdl_report_json_str(out, l->symbol);
	fputs(", \"cache\": ", out);
	kdl_report_json_str(out, l->cache);
	fputs(", \"type\": ", out);
	kdl_report_json_str(out, l->type);
	fputs(", \"member\": ", out);
	kdl_report_json_str(out, l->member);
	fputs(", \"object\": ", out);
	if (l->object)
		jaddr(out, l->object);
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
		jaddr(out, o->task_addr);
		fputs(", \"comm\": ", out);
		kdl_report_json_str(out, o->comm);
		fprintf(out, ", \"context\": \"%s\", \"mode\": \"%s\", \"confidence\": \"%s\", "
			"\"alive\": %s, \"why\": ", kdl_ctx_name(o->who.ctx), kdl_mode_name(o->mode),
			kdl_confidence_name(o->confidence), o->alive ? "true" : "false");
		kdl_report_json_str(out, o->why);
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

void kdl_report_locks_json(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o)
{
	bool *sel = selected_tasks(m, o);
	bool first = true;

	if (!sel)
		return;
	fputs(",\n  \"locks\": [", out);
	for (size_t li = 0; li < m->nlocks; li++) {
		if (!lock_selected(m, sel, li))
			continue;
		fputs(first ? "\n    " : ",\n    ", out);
		first = false;
		json_lock(out, m, &m->locks[li]);
	}
	fputs("\n  ],\n  \"cycles\": [", out);
	first = true;
	for (size_t c = 0; c < m->ncycles; c++) {
		const struct kdl_cycle *cy = &m->cycles[c];

		if (!cycle_selected(cy, sel))
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

		if (!finding_selected(f, sel))
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
		kdl_report_json_str(out, f->summary);
		fputs("}", out);
	}
	fputs("\n  ]", out);
	free(sel);
}

/* ---- DOT ------------------------------------------------------------------------- */

static void dot_label(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		if (*s == '\n') {
			fputs("\\n", out); /* Graphviz's own line break */
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static bool edge_in_cycle(const struct kdl_model *m, int ti, int li)
{
	for (size_t c = 0; c < m->ncycles; c++)
		for (size_t i = 0; i < m->cycles[c].n; i++)
			if (m->cycles[c].locks[i] == li &&
			    (m->cycles[c].nodes[i].task == ti ||
			     m->cycles[c].nodes[(i + 1) % m->cycles[c].n].task == ti))
				return true;
	return false;
}

static bool write_held(const struct kdl_lock *l)
{
	for (size_t k = 0; k < l->nowners; k++)
		if (l->owners[k].mode != KDL_MODE_READ)
			return true;
	return false;
}

void kdl_report_locks_dot(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o)
{
	bool *sel = selected_tasks(m, o);
	bool *tin = calloc(m->ntasks + 1, sizeof(bool));
	bool *lin = calloc(m->nlocks + 1, sizeof(bool));
	char b[128];

	if (!sel || !tin || !lin)
		goto out;
	/* the graph of the findings: their tasks and locks, and whatever links them */
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];

		if (!finding_selected(f, sel))
			continue;
		for (size_t t = 0; t < f->ntasks; t++)
			tin[f->tasks[t]] = sel[f->tasks[t]];
		for (size_t k = 0; k < f->nlocks; k++)
			lin[f->locks[k]] = true;
	}
	for (size_t li = 0; li < m->nlocks; li++)
		for (size_t w = 0; w < m->locks[li].nwaiters; w++)
			if (m->locks[li].waiters[w].who.task >= 0 && tin[m->locks[li].waiters[w].who.task])
				lin[li] = true;
	fprintf(out, "digraph waitfor {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n");
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (!tin[i])
			continue;
		snprintf(b, sizeof(b), "%s\n[%d] %s", t->comm, t->pid, t->state);
		fprintf(out, "  t%zu [shape=box, label=", i);
		dot_label(out, b);
		fprintf(out, "];\n");
	}
	for (size_t li = 0; li < m->nlocks; li++) {
		const struct kdl_lock *l = &m->locks[li];

		if (!lin[li])
			continue;
		snprintf(b, sizeof(b), "%s\n%s", l->name ? l->name : "?", kdl_lock_kind_name(l->kind));
		fprintf(out, "  l%zu [shape=ellipse, label=", li);
		dot_label(out, b);
		fprintf(out, "];\n");
		for (size_t w = 0; w < l->nwaiters; w++) {
			int ti = l->waiters[w].who.task;

			if (ti < 0 || !tin[ti])
				continue;
			fprintf(out, "  t%d -> l%zu [label=\"waits%s%s\"%s];\n", ti, li,
				l->waiters[w].mode == KDL_MODE_EXCLUSIVE ? "" : " ",
				l->waiters[w].mode == KDL_MODE_EXCLUSIVE ? "" : kdl_mode_name(l->waiters[w].mode),
				edge_in_cycle(m, ti, (int)li) ? ", color=red" : "");
			/* a reader on a reader-held rwsem waits for the writers queued first */
			if (l->kind == KDL_LOCK_RWSEM && l->waiters[w].mode == KDL_MODE_READ &&
			    !write_held(l))
				for (size_t x = 0; x < l->nwaiters; x++)
					if (l->waiters[x].mode == KDL_MODE_WRITE &&
					    l->waiters[x].who.task >= 0 && tin[l->waiters[x].who.task])
						fprintf(out, "  t%d -> t%d [label=\"queued behind\", "
							"style=dotted%s];\n", ti, l->waiters[x].who.task,
							edge_in_cycle(m, ti, (int)li) ? ", color=red" : "");
		}
		for (size_t k = 0; k < l->nowners; k++) {
			int ti = l->owners[k].who.task;

			if (ti < 0) {
				fprintf(out, "  dead%zu_%zu [shape=box, style=dashed, label=", li, k);
				snprintf(b, sizeof(b), "%s\n[%d] dead", l->owners[k].comm, l->owners[k].pid);
				dot_label(out, b);
				fprintf(out, "];\n  l%zu -> dead%zu_%zu [label=\"held by\", color=red];\n", li, li, k);
				continue;
			}
			if (!tin[ti]) {
				tin[ti] = true;
				snprintf(b, sizeof(b), "%s\n[%d] %s", m->tasks[ti].comm, m->tasks[ti].pid,
					 m->tasks[ti].state);
				fprintf(out, "  t%d [shape=box, label=", ti);
				dot_label(out, b);
				fprintf(out, "];\n");
			}
			fprintf(out, "  l%zu -> t%d [label=\"%s (%s)\"%s%s];\n", li, ti,
				l->kind == KDL_LOCK_WORK ? "run by"
				: l->kind == KDL_LOCK_WAITQUEUE || l->kind == KDL_LOCK_COMPLETION
					? "woken by" : "held by",
				kdl_confidence_name(l->owners[k].confidence),
				l->owners[k].confidence == KDL_CONF_CERTAIN ? "" : ", style=dashed",
				edge_in_cycle(m, ti, (int)li) ? ", color=red" : "");
		}
	}
	fprintf(out, "}\n");
out:
	free(sel);
	free(tin);
	free(lin);
}
