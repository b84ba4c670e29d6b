/* tui/export.c - `e`/`E`: write the selection or the whole analysis to a
 * report file through core/report (via the source's export function).
 * The file appears complete or not at all: it is written to a temporary
 * file in the same directory and then linked/renamed into place; an
 * existing file is replaced only after the user confirmed. */
#include "tui_int.h"

#include <errno.h>
#include <fcntl.h>
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
	t->prompt = KDL_PR_EXPORT;
	snprintf(t->ptitle, sizeof(t->ptitle), "Export %.90s to (.md .txt .json .dot):", what);
	snprintf(t->pbuf, sizeof(t->pbuf), "%s", def);
	t->plen = strlen(t->pbuf);
	t->status[0] = 0;
}

int kdl_export_write(struct kdl_tui *t, const char *path, bool all, bool overwrite,
		     char *msg, size_t msgsize)
{
	char tmp[600];
	if (snprintf(tmp, sizeof(tmp), "%s.kdlview-XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(msg, msgsize, "path too long");
		return ENAMETOOLONG;
	}
	if (!overwrite && access(path, F_OK) == 0) {
		snprintf(msg, msgsize, "%.300s exists", path);
		return EEXIST;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		snprintf(msg, msgsize, "cannot create a file next to %.300s: %s", path, strerror(e));
		return e;
	}
	mode_t um = umask(0);
	umask(um);
	fchmod(fd, 0666 & ~um);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		int e = errno;
		close(fd);
		unlink(tmp);
		snprintf(msg, msgsize, "%s", strerror(e));
		return e;
	}
	struct kdl_error *err = t->src->export(t->src->arg, format_of(path), all ? -1 : t->export_pid, f);
	int e = 0;
	if (err) {
		snprintf(msg, msgsize, "%.400s", err->msg);
		kdl_error_destroy(err);
		e = EIO;
	}
	if (fflush(f) != 0 && !e) {
		e = errno;
		snprintf(msg, msgsize, "write %.300s: %s", tmp, strerror(e));
	}
	if (!e && fsync(fileno(f)) != 0 && errno != EINVAL) {
		e = errno;
		snprintf(msg, msgsize, "sync %.300s: %s", tmp, strerror(e));
	}
	long size = ftell(f);
	if (fclose(f) != 0 && !e) {
		e = errno;
		snprintf(msg, msgsize, "close %.300s: %s", tmp, strerror(e));
	}
	if (e) {
		unlink(tmp);
		return e;
	}
	if (overwrite) {
		if (rename(tmp, path) != 0) {
			e = errno;
			unlink(tmp);
			snprintf(msg, msgsize, "rename to %.300s: %s", path, strerror(e));
			return e;
		}
	} else {
		/* link() fails if the path appeared meanwhile: never clobbers. */
		if (link(tmp, path) != 0) {
			e = errno;
			unlink(tmp);
			snprintf(msg, msgsize, "%.300s: %s", path, strerror(e));
			return e;
		}
		unlink(tmp);
	}
	snprintf(msg, msgsize, "Wrote %.300s (%ld bytes)", path, size);
	return 0;
}

void kdl_export_commit(struct kdl_tui *t, bool confirmed)
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
		snprintf(t->ptitle, sizeof(t->ptitle), "%.90s exists. Overwrite? (y/N)", path);
		t->pbuf[0] = 0;
		t->plen = 0;
		return;
	}
	char msg[512];
	int e = kdl_export_write(t, path, t->export_all, confirmed, msg, sizeof(msg));
	kdl_tui_status(t, e != 0, "%s", e ? msg : msg);
	if (e)
		kdl_tui_status(t, true, "Export failed: %.400s", msg);
}
