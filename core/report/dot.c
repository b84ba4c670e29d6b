/* core/report/dot.c - the Graphviz DOT report: the wait-for graph of the
 * findings (their tasks and locks, waits and held-by edges; edges of a cycle
 * in red). */
#include "core/report/report_priv.h"

#include <stdlib.h>

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

void kdl_report_dot(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	bool *tin = calloc(m->ntasks + 1, sizeof(bool));
	bool *lin = calloc(m->nlocks + 1, sizeof(bool));
	char b[128];

	if (!tin || !lin)
		goto out;
	/* the graph of the findings: their tasks and locks, and whatever links them */
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];

		if (!kdl_report_finding_shown(r, f))
			continue;
		for (size_t t = 0; t < f->ntasks; t++)
			tin[f->tasks[t]] = kdl_report_task_in_chain(r, f->tasks[t]);
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
				kdl_report_holder_verb(l, false),
				kdl_confidence_name(l->owners[k].confidence),
				l->owners[k].confidence == KDL_CONF_CERTAIN ? "" : ", style=dashed",
				edge_in_cycle(m, ti, (int)li) ? ", color=red" : "");
		}
	}
	fprintf(out, "}\n");
out:
	free(tin);
	free(lin);
}
