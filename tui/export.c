/* tui/export.c - `e`/`E`: write the selection or the whole analysis to a
 * report file through core/report (kdl_report_write_file() via the source's
 * export function: the file appears complete or not at all). The path is
 * asked for with a default that names no existing file; an existing file is
 * replaced only after the user confirmed. */
#include "tui_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum kdl_report_format format_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	enum kdl_report_format f = KDL_REPORT_TEXT;
	if (dot && strchr(dot, '/') == NULL) {
		if (!strcmp(dot, ".md") || !strcmp(dot, ".markdown"))
			f = KDL_REPORT_MD;
		else if (!strcmp(dot, ".json"))
			f = KDL_REPORT_JSON;
		else if (!strcmp(dot, ".dot") || !strcmp(dot, ".gv"))
			f = KDL_REPORT_DOT;
		else if (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))
			f = KDL_REPORT_HTML;
		else if (!strcmp(dot, ".svg"))
			f = KDL_REPORT_SVG;
	}
	return f;
}

/* The pid whose chain stands for the current selection, or -1. */
static int selection_pid(struct kdl_tui *t, char *what, size_t size)
{
	const struct kdl_model *m = t->m;
	int task = -1;
	switch (t->loc.kind) {
	case KDL_LOC_TASK:
		task = t->loc.idx;
		break;
	case KDL_LOC_FINDING: {
		const struct kdl_finding *f = &m->findings[t->loc.idx];
		if (f->cycle >= 0 && (size_t)f->cycle < m->ncycles && m->cycles[f->cycle].n)
			task = m->cycles[f->cycle].nodes[0].task;
		else if (f->ntasks)
			task = f->tasks[0];
		break;
	}
	case KDL_LOC_LOCK: {
		const struct kdl_lock *lk = &m->locks[t->loc.idx];
		if (lk->nowners && lk->owners[0].who.task >= 0)
			task = lk->owners[0].who.task;
		else if (lk->nwaiters)
			task = lk->waiters[0].who.task;
		break;
	}
	case KDL_LOC_NONE:
		break;
	}
	if (task < 0 || (size_t)task >= m->ntasks)
		return -1;
	if (t->loc.kind == KDL_LOC_FINDING)
		snprintf(what, size, "%s #%d (chain of pid %d)", kdl_finding_title(m->findings[t->loc.idx].kind),
			 t->loc.idx + 1, m->tasks[task].pid);
	else
		snprintf(what, size, "chain of pid %d", m->tasks[task].pid);
	return m->tasks[task].pid;
}

static void commit(struct kdl_tui *t, bool confirmed);

/* The path prompt answered. */
static void path_done(struct kdl_tui *t, bool accept)
{
	if (accept) {
		snprintf(t->export_path, sizeof(t->export_path), "%s", t->pbuf);
		commit(t, false);
	} else {
		kdl_tui_status(t, false, "Export cancelled");
	}
}

/* "Overwrite? (y/N)" answered. */
static void confirm_done(struct kdl_tui *t, bool accept)
{
	if (accept && (t->pbuf[0] == 'y' || t->pbuf[0] == 'Y'))
		commit(t, true);
	else
		kdl_tui_status(t, false, "Not overwritten; export cancelled");
}

void kdl_export_begin(struct kdl_tui *t, bool all)
{
	if (!t->src->export) {
		kdl_tui_status(t, true, "Export is not available here");
		return;
	}
	char what[160] = "the whole analysis";
	/* In the graph, the selection is the node under the cursor. */
	if (t->graph_view && t->gsel >= 0 && (size_t)t->gsel < t->ngnodes) {
		const struct kdl_gnode *g = &t->gnodes[t->gsel];
		if (g->kind == KDL_GN_TASK)
			t->loc = (struct kdl_loc){ KDL_LOC_TASK, g->idx };
		else if (g->kind != KDL_GN_MORE)
			t->loc = (struct kdl_loc){ KDL_LOC_LOCK, g->idx };
	}
	int pid = all ? -1 : selection_pid(t, what, sizeof(what));
	if (!all && pid < 0) {
		kdl_tui_status(t, false, "Select a task, lock or finding to export (E exports everything)");
		return;
	}
	char rel[64] = "dump";
	if (t->m->dump.release) {
		snprintf(rel, sizeof(rel), "%s", t->m->dump.release);
		for (char *c = rel; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_'))
				*c = '_';
	}
	char def[300];
	char base[200];
	if (pid >= 0)
		snprintf(base, sizeof(base), "kdlview-%s-pid%d", rel, pid);
	else
		snprintf(base, sizeof(base), "kdlview-%s", rel);
	snprintf(def, sizeof(def), "%s.md", base);
	/* A default that does not clobber anything. */
	for (int i = 2; i < 100 && access(def, F_OK) == 0; i++)
		snprintf(def, sizeof(def), "%s-%d.md", base, i);
	t->export_all = all;
	t->export_pid = pid;
	char title[sizeof(t->ptitle)];
	snprintf(title, sizeof(title), "Export %.80s to (.md .txt .json .dot .html .svg):", what);
	kdl_prompt_start(t, KDL_PR_EXPORT, title, def, path_done, NULL);
}

static void commit(struct kdl_tui *t, bool confirmed)
{
	char path[512];
	const char *p = t->export_path;
	while (*p == ' ')
		p++;
	if (!*p) {
		kdl_tui_status(t, false, "No file name; export cancelled");
		return;
	}
	const char *home = getenv("HOME");
	if (p[0] == '~' && p[1] == '/' && home)
		snprintf(path, sizeof(path), "%.200s/%.300s", home, p + 2);
	else
		snprintf(path, sizeof(path), "%s", p);
	snprintf(t->export_path, sizeof(t->export_path), "%s", path);
	struct stat st;
	if (!confirmed && stat(path, &st) == 0) {
		t->prompt = KDL_PR_CONFIRM;
		t->pdone = confirm_done;
		snprintf(t->ptitle, sizeof(t->ptitle), "%.90s exists. Overwrite? (y/N)", path);
		t->pbuf[0] = 0;
		t->plen = 0;
		return;
	}
	struct kdl_error *e = t->src->export(t->src->arg, format_of(path),
					     t->export_all ? -1 : t->export_pid, path, confirmed);
	if (e) {
		kdl_tui_status(t, true, "Export failed: %.400s", e->msg);
		kdl_error_destroy(e);
		return;
	}
	if (stat(path, &st) == 0)
		kdl_tui_status(t, false, "Wrote %.300s (%lld bytes)", path, (long long)st.st_size);
	else
		kdl_tui_status(t, false, "Wrote %.300s", path);
}
