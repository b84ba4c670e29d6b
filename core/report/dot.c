/* core/report/dot.c - the Graphviz DOT report: the wait-for graph of the
 * findings (their tasks and locks, waits and held-by edges; edges of a cycle
 * in red), or of one cycle. The same description feeds Graphviz's library
 * for the SVG of --format svg and html (core/report/svg.c): then labels are
 * entity-escaped and nodes carry ids and links. */
#include "core/report/report_priv.h"

#include <stdlib.h>

/* A label as a DOT string. For SVG (`svg`) & < > " ' also become entities:
 * Graphviz turns them back into characters to measure the text and escapes
 * them again in its SVG, so nothing of a dump's string is ever markup; and a
 * long line breaks at a space, so that a long lock name does not stretch the
 * drawing. A tooltip (`tip`) is one line. */
static void dot_label(FILE *out, const char *s, bool svg, bool tip)
{
	size_t col = 0;

	fputc('"', out);
	for (; s && *s; s++) {
		if (*s == '\n' || (svg && *s == ' ' && col >= 18)) {
			fputs(tip ? " " : "\\n", out); /* Graphviz's own line break */
			col = 0;
			continue;
		}
		col++;
		if (svg && kdl_report_html_entity(*s)) {
			fputs(kdl_report_html_entity(*s), out);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* The rest of a node's attributes: its label, and for SVG its id and link. */
static void node_end(FILE *out, const struct kdl_report_ctx *r, const struct kdl_dot_graph *g,
		     const char *label, int task, int lock)
{
	char a[64];

	fprintf(out, "label=");
	dot_label(out, label, g->svg, false);
	if (g->svg) {
		fprintf(out, ", tooltip=");
		dot_label(out, label, true, true);
	}
	if (g->svg && (task >= 0 || lock >= 0)) {
		if (task >= 0)
			kdl_report_task_anchor(r->m, task, a, sizeof(a));
		else
			kdl_report_lock_anchor(r->m, lock, a, sizeof(a));
		fprintf(out, ", id=\"%s%s\"", g->id_prefix ? g->id_prefix : "", a);
		/* a link only to what the page shows */
		if (g->links && (task >= 0 ? kdl_report_task_listed(r, (size_t)task)
					   : kdl_report_lock_shown(r, (size_t)lock)))
			fprintf(out, ", URL=\"#%s\"", a);
	}
	fprintf(out, "];\n");
}

static void task_node(FILE *out, const struct kdl_report_ctx *r, const struct kdl_dot_graph *g,
		      int ti)
{
	const struct kdl_task *t = &r->m->tasks[ti];
	char b[128];

	snprintf(b, sizeof(b), "%s\n[%d] %s", t->comm, t->pid, t->state);
	fprintf(out, "  t%d [shape=box, ", ti);
	node_end(out, r, g, b, ti, -1);
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

/* The graph's tasks and locks: those of the findings shown, or of one cycle. */
static void seed(const struct kdl_report_ctx *r, const struct kdl_dot_graph *g, bool *tin,
		 bool *lin)
{
	const struct kdl_model *m = r->m;

	if (g->cycle >= 0) {
		const struct kdl_cycle *c = &m->cycles[g->cycle];

		for (size_t i = 0; i < c->n; i++) {
			if (c->nodes[i].task >= 0 && (size_t)c->nodes[i].task < m->ntasks)
				tin[c->nodes[i].task] = true;
			if (c->locks[i] >= 0 && (size_t)c->locks[i] < m->nlocks)
				lin[c->locks[i]] = true;
		}
		return;
	}
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];

		if (!kdl_report_finding_shown(r, f))
			continue;
		for (size_t t = 0; t < f->ntasks; t++)
			tin[f->tasks[t]] = kdl_report_task_in_chain(r, f->tasks[t]);
		for (size_t k = 0; k < f->nlocks; k++)
			lin[f->locks[k]] = true;
	}
}

void kdl_report_dot_graph(const struct kdl_report_ctx *r, FILE *out, const struct kdl_dot_graph *g)
{
	const struct kdl_model *m = r->m;
	bool *tin = calloc(m->ntasks + 1, sizeof(bool));
	bool *lin = calloc(m->nlocks + 1, sizeof(bool));
	char b[128];

	if (!tin || !lin)
		goto out;
	seed(r, g, tin, lin);
	for (size_t li = 0; li < m->nlocks; li++)
		for (size_t w = 0; w < m->locks[li].nwaiters; w++)
			if (m->locks[li].waiters[w].who.task >= 0 && tin[m->locks[li].waiters[w].who.task])
				lin[li] = true;
	fprintf(out, "digraph waitfor {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n");
	if (g->svg) /* smaller than Graphviz's 14pt, and sans-serif, not its Times */
		fprintf(out, "  node [fontsize=10];\n  edge [fontname=\"sans-serif\", fontsize=9];\n");
	if (g->svg && g->id_prefix) /* Graphviz prefixes its own ids (edges) with the graph's */
		fprintf(out, "  id=\"%sgraph\";\n", g->id_prefix);
	for (size_t i = 0; i < m->ntasks; i++)
		if (tin[i])
			task_node(out, r, g, (int)i);
	for (size_t li = 0; li < m->nlocks; li++) {
		const struct kdl_lock *l = &m->locks[li];

		if (!lin[li])
			continue;
		snprintf(b, sizeof(b), "%s\n%s", l->name ? l->name : "?", kdl_lock_kind_name(l->kind));
		fprintf(out, "  l%zu [shape=ellipse, ", li);
		node_end(out, r, g, b, -1, (int)li);
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
				fprintf(out, "  dead%zu_%zu [shape=box, style=dashed, ", li, k);
				snprintf(b, sizeof(b), "%s\n[%d] dead", l->owners[k].comm, l->owners[k].pid);
				node_end(out, r, g, b, -1, -1);
				fprintf(out, "  l%zu -> dead%zu_%zu [label=\"held by\", color=red];\n", li, li, k);
				continue;
			}
			if (!tin[ti]) {
				tin[ti] = true;
				task_node(out, r, g, ti);
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

void kdl_report_dot(const struct kdl_report_ctx *r)
{
	const struct kdl_dot_graph g = { .cycle = -1 };

	kdl_report_dot_graph(r, r->out, &g);
}
