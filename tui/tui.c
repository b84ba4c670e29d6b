/* tui/tui.c - the main loop, layout, header, status line, prompts, overlays,
 * wait-chain history, and terminal set-up/restore. */
#include "tui_int.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* ---------- small formatting helpers shared by the views ---------- */

void kdl_fmt_duration(int64_t ns, char *buf, size_t size)
{
	if (ns < 0) {
		snprintf(buf, size, "-");
		return;
	}
	int64_t s = ns / 1000000000;
	if (s < 60)
		snprintf(buf, size, "%d.%ds", (int)s, (int)((ns / 100000000) % 10));
	else if (s < 3600)
		snprintf(buf, size, "%dm%02ds", (int)(s / 60), (int)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%dh%02dm", (int)(s / 3600), (int)((s / 60) % 60));
	else
		snprintf(buf, size, "%dd%02dh", (int)(s / 86400), (int)((s / 3600) % 24));
}

const char *kdl_finding_title(enum kdl_finding_kind k)
{
	switch (k) {
	case KDL_F_DEADLOCK: return "deadlock";
	case KDL_F_RW_DEADLOCK: return "r/w deadlock";
	case KDL_F_SELF_DEADLOCK: return "self-deadlock";
	case KDL_F_IRQ_SELF_DEADLOCK: return "irq self-deadlock";
	case KDL_F_FLUSH_DEADLOCK: return "flush deadlock";
	case KDL_F_ORPHANED_LOCK: return "orphaned lock";
	case KDL_F_CONVOY: return "convoy";
	case KDL_F_LOST_WAKEUP: return "lost wake-up";
	case KDL_F_SPINNING: return "spinning";
	case KDL_F_OTHER: break;
	}
	return "other";
}

enum kdl_role kdl_severity_role(enum kdl_severity s)
{
	switch (s) {
	case KDL_SEV_CRITICAL: return KDL_R_CRITICAL;
	case KDL_SEV_HIGH: return KDL_R_HIGH;
	case KDL_SEV_MEDIUM: return KDL_R_MEDIUM;
	case KDL_SEV_LOW: break;
	}
	return KDL_R_LOW;
}

void kdl_tui_status(struct kdl_tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->status, sizeof(t->status), fmt, ap);
	va_end(ap);
	t->status_error = error;
}

/* ---------- model facts ---------- */

static void precompute(struct kdl_tui *t)
{
	const struct kdl_model *m = t->m;
	for (size_t i = 0; i < m->ntasks; i++) {
		t->task_finding[i] = -1;
		const struct kdl_task *tk = &m->tasks[i];
		if (!strcmp(tk->state, "UN") || tk->rtlock_wait)
			t->task_flags[i] |= KDL_TF_BLOCKED;
	}
	for (size_t f = m->nfindings; f-- > 0;)
		for (size_t j = 0; j < m->findings[f].ntasks; j++) {
			int ti = m->findings[f].tasks[j];
			if (ti >= 0 && (size_t)ti < m->ntasks)
				t->task_finding[ti] = (int)f;
		}
	for (size_t c = 0; c < m->ncycles; c++)
		for (size_t j = 0; j < m->cycles[c].n; j++) {
			int ti = m->cycles[c].nodes[j].task;
			if (ti >= 0 && (size_t)ti < m->ntasks)
				t->task_flags[ti] |= KDL_TF_CYCLE;
		}
	for (size_t l = 0; l < m->nlocks; l++) {
		const struct kdl_lock *lk = &m->locks[l];
		if (!lk->nwaiters)
			continue;
		for (size_t o = 0; o < lk->nowners; o++) {
			int ti = lk->owners[o].who.task;
			if (ti >= 0 && (size_t)ti < m->ntasks)
				t->task_flags[ti] |= KDL_TF_HOLDER;
		}
	}
	for (size_t c = 0; c < m->ncpus; c++) {
		int ti = m->cpus[c].task;
		if (m->cpus[c].spinning_on >= 0 && ti >= 0 && (size_t)ti < m->ntasks)
			t->task_flags[ti] |= KDL_TF_SPINNING;
	}
}

void kdl_tui_ensure_frames(struct kdl_tui *t, int task)
{
	if (task < 0 || (size_t)task >= t->m->ntasks)
		return;
	if (!t->m->tasks[task].frames_done && t->src->task_frames) {
		struct kdl_error *e = t->src->task_frames(t->src->arg, (size_t)task);
		if (e) {
			kdl_tui_status(t, true, "backtrace of pid %d: %s", t->m->tasks[task].pid, e->msg);
			kdl_error_destroy(e);
		}
	}
	if (!t->lines_done[task] && t->src->resolve_lines) {
		t->lines_done[task] = 1;
		struct kdl_error *e = t->src->resolve_lines(t->src->arg, task, -1);
		if (e)
			kdl_error_destroy(e); /* lines stay unknown; the frames still show */
		/* A task on a CPU may show that CPU's trace (detail panel). */
		for (size_t c = 0; c < t->m->ncpus; c++)
			if (t->m->cpus[c].task == task && t->m->cpus[c].nframes) {
				e = t->src->resolve_lines(t->src->arg, -1, t->m->cpus[c].cpu);
				if (e)
					kdl_error_destroy(e);
			}
	}
}

/* ---------- navigation ---------- */

static bool loc_eq(struct kdl_loc a, struct kdl_loc b)
{
	return a.kind == b.kind && a.idx == b.idx;
}

void kdl_tui_goto(struct kdl_tui *t, struct kdl_loc loc, bool push)
{
	size_t n = loc.kind == KDL_LOC_TASK ? t->m->ntasks : loc.kind == KDL_LOC_LOCK ? t->m->nlocks :
		   loc.kind == KDL_LOC_FINDING ? t->m->nfindings : 0;
	if (loc.kind != KDL_LOC_NONE && (loc.idx < 0 || (size_t)loc.idx >= n)) {
		kdl_tui_status(t, true, "That item is not in the analysis (index %d)", loc.idx);
		return;
	}
	if (push && t->loc.kind != KDL_LOC_NONE && !loc_eq(t->loc, loc)) {
		if (t->nhist == sizeof(t->hist) / sizeof(t->hist[0])) {
			memmove(t->hist, t->hist + 1, sizeof(t->hist) - sizeof(t->hist[0]));
			t->nhist--;
		}
		t->hist[t->nhist++] = t->loc;
	}
	t->loc = loc;
	t->panels[KDL_P_DETAIL].cursor = 0;
	t->panels[KDL_P_DETAIL].top = 0;
	if (loc.kind == KDL_LOC_TASK) {
		kdl_tui_ensure_frames(t, loc.idx);
		if (push)
			kdl_tasks_select_task(t, loc.idx);
	} else if (loc.kind == KDL_LOC_FINDING && push) {
		t->panels[KDL_P_FINDINGS].cursor = (size_t)loc.idx;
	}
}

static void go_back(struct kdl_tui *t)
{
	if (!t->nhist) {
		kdl_tui_status(t, false, "Nothing to go back to");
		return;
	}
	struct kdl_loc l = t->hist[--t->nhist];
	kdl_tui_goto(t, l, false);
	if (l.kind == KDL_LOC_TASK)
		kdl_tasks_select_task(t, l.idx);
	else if (l.kind == KDL_LOC_FINDING)
		t->panels[KDL_P_FINDINGS].cursor = (size_t)l.idx;
}

/* The task whose wait `o` follows: the detail's task, or the task of the row. */
static void jump_owner(struct kdl_tui *t)
{
	const struct kdl_model *m = t->m;
	int lock = -1;
	int task = -1;
	if (t->loc.kind == KDL_LOC_TASK) {
		task = t->loc.idx;
		lock = m->tasks[task].waits_on;
		if (lock < 0)
			for (size_t c = 0; c < m->ncpus; c++)
				if (m->cpus[c].task == task && m->cpus[c].spinning_on >= 0)
					lock = m->cpus[c].spinning_on;
		if (lock >= 0 && (size_t)lock >= m->nlocks)
			lock = -1;
	} else if (t->loc.kind == KDL_LOC_LOCK) {
		lock = t->loc.idx;
	} else if (t->loc.kind == KDL_LOC_FINDING) {
		const struct kdl_finding *f = &m->findings[t->loc.idx];
		if (f->ntasks)
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, f->tasks[0] }, true);
		return;
	}
	if (lock < 0 || (size_t)lock >= m->nlocks) {
		if (task >= 0 && m->tasks[task].other.kind)
			kdl_tui_status(t, false, "pid %d waits on %s (%s): no lock holder to follow",
				       m->tasks[task].pid, m->tasks[task].other.kind,
				       m->tasks[task].other.label ? m->tasks[task].other.label : "?");
		else
			kdl_tui_status(t, false, "Not waiting on a lock: no holder to jump to");
		return;
	}
	const struct kdl_lock *lk = &m->locks[lock];
	for (size_t o = 0; o < lk->nowners; o++) {
		int ot = lk->owners[o].who.task;
		if (ot >= 0 && (size_t)ot < m->ntasks && ot != task) {
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, ot }, true);
			if (lk->owners[o].confidence != KDL_CONF_CERTAIN)
				kdl_tui_status(t, false, "Holder is %s (%s)",
					       kdl_confidence_name(lk->owners[o].confidence),
					       lk->owners[o].why ? lk->owners[o].why : "");
			return;
		}
		if (ot == task && ot >= 0) {
			kdl_tui_status(t, true, "pid %d holds %s itself: self-deadlock",
				       m->tasks[task].pid, lk->name ? lk->name : "the lock");
			return;
		}
	}
	if (lk->nowners && !lk->owners[0].alive)
		kdl_tui_status(t, true, "Holder of %s has exited (pid %d %s): orphaned lock",
			       lk->name ? lk->name : "lock", lk->owners[0].pid, lk->owners[0].comm);
	else
		kdl_tui_status(t, false, "Holder of %s is unknown", lk->name ? lk->name : "lock");
	/* Still show the lock, so its waiters can be seen. */
	kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_LOCK, lock }, true);
}

/* ---------- overlays ---------- */

static void ov_free(struct kdl_tui *t)
{
	for (size_t i = 0; i < t->ov_nlines; i++)
		free(t->ov_lines[i]);
	free(t->ov_lines);
	t->ov_lines = NULL;
	t->ov_nlines = 0;
	t->ov_mark = -1;
	t->ov_top = 0;
	t->overlay = KDL_OV_NONE;
}

static void ov_add(struct kdl_tui *t, const char *s, size_t len)
{
	char **nl = realloc(t->ov_lines, (t->ov_nlines + 1) * sizeof(*nl));
	if (!nl)
		return;
	t->ov_lines = nl;
	char *c = malloc(len + 1);
	if (!c)
		return;
	/* Tabs become spaces; other control characters '?'. */
	size_t o = 0;
	for (size_t i = 0; i < len; i++)
		c[o++] = s[i] == '\t' ? ' ' : ((unsigned char)s[i] < 0x20 ? '?' : s[i]);
	c[o] = 0;
	t->ov_lines[t->ov_nlines++] = c;
}

static FILE *open_source(struct kdl_tui *t, const char *file, char *path, size_t size)
{
	if (!t->source_dir[0] || !file)
		return NULL;
	/* DWARF paths may be absolute build paths or relative to the build
	 * directory: try the source dir + each suffix of the path. */
	const char *p = file;
	while (p && *p) {
		while (*p == '/')
			p++;
		snprintf(path, size, "%s/%s", t->source_dir, p);
		FILE *f = fopen(path, "r");
		if (f)
			return f;
		p = strchr(p, '/');
	}
	return NULL;
}

void kdl_tui_open_source(struct kdl_tui *t, const struct kdl_frame *f)
{
	ov_free(t);
	t->overlay = KDL_OV_SOURCE;
	char where[600];
	if (f->file)
		snprintf(where, sizeof(where), "%s:%d", f->file, f->line);
	else
		snprintf(where, sizeof(where), "file and line unknown");
	snprintf(t->ov_title, sizeof(t->ov_title), "%.80s+0x%llx  %.150s",
		 f->function ? f->function : "?", (unsigned long long)f->offset, where);
	char path[2048];
	FILE *fp = f->file && f->line > 0 ? open_source(t, f->file, path, sizeof(path)) : NULL;
	if (!fp) {
		char msg[800];
		snprintf(msg, sizeof(msg), "pc 0x%llx  %s%s%s", (unsigned long long)f->pc,
			 f->function ? f->function : "?", f->module ? " in module " : "",
			 f->module ? f->module : "");
		ov_add(t, msg, strlen(msg));
		ov_add(t, where, strlen(where));
		ov_add(t, "", 0);
		if (!f->file)
			snprintf(msg, sizeof(msg), "No line information for this address.");
		else if (!t->source_dir[0])
			snprintf(msg, sizeof(msg),
				 "Start kdlview with --source DIR (a kernel source tree) to see the lines.");
		else
			snprintf(msg, sizeof(msg), "%.380s not found under %.380s", f->file, t->source_dir);
		ov_add(t, msg, strlen(msg));
		return;
	}
	char buf[1024];
	int n = 0;
	int from = f->line - 200 > 1 ? f->line - 200 : 1;
	while (fgets(buf, sizeof(buf), fp) && n < f->line + 200) {
		n++;
		if (n < from)
			continue;
		buf[strcspn(buf, "\n")] = 0;
		/* Expand tabs to 8 columns, as an editor shows kernel code. */
		char line[1100];
		size_t o = (size_t)snprintf(line, sizeof(line), "%5d  ", n), col = 0;
		for (const char *c = buf; *c && o + 9 < sizeof(line); c++) {
			if (*c == '\t') {
				do
					line[o++] = ' ';
				while (++col % 8);
			} else {
				line[o++] = *c;
				col += ((unsigned char)*c & 0xc0) != 0x80;
			}
		}
		line[o] = 0;
		if (n == f->line)
			t->ov_mark = (int)t->ov_nlines;
		ov_add(t, line, strlen(line));
	}
	fclose(fp);
	t->ov_top = t->ov_mark > 8 ? t->ov_mark - 8 : 0;
}

static void open_log(struct kdl_tui *t)
{
	ov_free(t);
	t->overlay = KDL_OV_LOG;
	snprintf(t->ov_title, sizeof(t->ov_title), "Kernel log");
	const char *p = t->m->log;
	size_t left = t->m->log ? t->m->log_len : 0;
	if (!left) {
		const char *s = "(no kernel log in this dump)";
		ov_add(t, s, strlen(s));
		return;
	}
	while (left) {
		const char *nl = memchr(p, '\n', left);
		size_t len = nl ? (size_t)(nl - p) : left;
		ov_add(t, p, len);
		len += nl ? 1 : 0;
		p += len;
		left -= len;
	}
	/* The interesting part (hung task / lockup reports, panic) is at the end;
	 * for a task, its own report ("comm:pid" in hung-task lines, "PID: n" in
	 * backtraces), the last one. */
	t->ov_top = t->ov_nlines > 10 ? (int)t->ov_nlines - 10 : 0;
	if (t->loc.kind == KDL_LOC_TASK) {
		const struct kdl_task *tk = &t->m->tasks[t->loc.idx];
		/* hung task: "task comm:pid blocked"; sysrq-w: "task:comm ... pid:N";
		 * oops/lockup: "PID: N Comm: comm" */
		char a[96], b[32], c[96], d[32];
		snprintf(a, sizeof(a), "%s:%d ", tk->comm, tk->pid);
		snprintf(b, sizeof(b), " PID: %d ", tk->pid);
		snprintf(c, sizeof(c), "task:%s ", tk->comm);
		snprintf(d, sizeof(d), " pid:%d ", tk->pid);
		for (size_t i = t->ov_nlines; i-- > 0;)
			if (strstr(t->ov_lines[i], a) || strstr(t->ov_lines[i], b) ||
			    (strstr(t->ov_lines[i], c) && strstr(t->ov_lines[i], d))) {
				t->ov_mark = (int)i;
				t->ov_top = i > 2 ? (int)i - 2 : 0;
				snprintf(t->ov_title, sizeof(t->ov_title), "Kernel log, at the last report of %d %s",
					 tk->pid, tk->comm);
				break;
			}
	}
}

/* ---------- layout and drawing ---------- */

static void layout(struct kdl_tui *t)
{
	int rows = t->cv.rows, cols = t->cv.cols;
	int avail = rows - 4; /* header 2, breadcrumb 1, status 1 */
	if (avail < 3)
		avail = 3;
	struct kdl_panel *f = &t->panels[KDL_P_FINDINGS], *k = &t->panels[KDL_P_TASKS],
			 *d = &t->panels[KDL_P_DETAIL];
	for (int i = 0; i < KDL_NPANELS; i++) {
		t->panels[i].x = 0;
		t->panels[i].w = cols;
		t->panels[i].visible = true;
	}
	if (t->zoom >= 0) {
		for (int i = 0; i < KDL_NPANELS; i++)
			t->panels[i].visible = i == t->zoom;
		t->panels[t->zoom].y = 2;
		t->panels[t->zoom].h = avail;
		return;
	}
	size_t nf = t->m->nfindings ? t->m->nfindings : 1;
	int fmax = avail / 6 > 2 ? avail / 6 : 2;
	int fh = 1 + (int)(nf < (size_t)fmax ? nf : (size_t)fmax);
	int rest = avail - fh;
	int th = rest * 9 / 20;
	/* A short list (a finding's tasks) leaves its rows to the detail. */
	if (t->rows_dirty)
		kdl_tasks_rebuild(t);
	if ((int)t->nrows + 2 < th)
		th = (int)t->nrows + 2;
	if (th < 4)
		th = 4;
	f->y = 2;
	f->h = fh;
	k->y = f->y + fh;
	k->h = th;
	d->y = k->y + th;
	d->h = rows - 2 - d->y;
	if (d->h < 2)
		d->h = 2;
}

static int put_key_hint(struct kdl_tui *t, int y, int x, enum kdl_keymap map, enum kdl_req r,
			const char *what)
{
	char keys[64];
	snprintf(keys, sizeof(keys), "%s", kdl_key_first_label(map, r));
	if (!strcmp(keys, "Backspace"))
		snprintf(keys, sizeof(keys), "%s", t->utf8 ? "⌫" : "BS");
	int w = t->cv.cols - x;
	if (kdl_text_width(keys) + kdl_text_width(what) + 3 > w)
		return 0;
	int n = kdl_cv_put(&t->cv, y, x, w, KDL_R_STATUS_KEY, keys);
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_STATUS, " ");
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_STATUS, what);
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_STATUS, "  ");
	return n;
}

static void draw_header(struct kdl_tui *t)
{
	const struct kdl_model *m = t->m;
	const struct kdl_dump_info *di = &m->dump;
	struct kdl_canvas *cv = &t->cv;
	int w = cv->cols;
	kdl_cv_fill(cv, 0, 0, w, KDL_R_HEADER, " ");
	kdl_cv_fill(cv, 1, 0, w, KDL_R_HEADER, " ");
	size_t un = 0, ru = 0;
	for (size_t i = 0; i < m->ntasks; i++) {
		if (t->task_flags[i] & KDL_TF_BLOCKED)
			un++;
		else if (!strcmp(m->tasks[i].state, "RU"))
			ru++;
	}
	/* Pieces of the first line, dropped from the least useful when the
	 * terminal is narrow: host, CPUs, machine, the word "crashed". */
	char rel[160], host[160] = "", when[64] = "", cpus[32], tasks[96];
	char tbuf[48] = "";
	if (di->crash_time >= 0) {
		time_t tt = (time_t)di->crash_time;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
	snprintf(cpus, sizeof(cpus), "%d CPUs", di->cpus > 0 ? di->cpus : (int)m->ncpus);
	snprintf(tasks, sizeof(tasks), "%zu tasks: %zu UN %s %zu RU",
		 di->task_count ? di->task_count : m->ntasks, un, t->g->sep, ru);
	int x = 0;
	for (int level = 0; level < 5; level++) {
		snprintf(rel, sizeof(rel), " %.100s%s%.20s", di->release ? di->release : "unknown release",
			 di->machine && level < 3 ? " " : "", di->machine && level < 3 ? di->machine : "");
		if (di->hostname && *di->hostname && strcmp(di->hostname, "(none)") && level < 1)
			snprintf(host, sizeof(host), "host %.100s", di->hostname);
		else
			host[0] = 0;
		if (tbuf[0])
			snprintf(when, sizeof(when), "%s%s", level < 4 ? "crashed " : "", tbuf);
		int need = 9 + kdl_text_width(rel) + kdl_text_width(tasks) + 3 +
			   (host[0] ? kdl_text_width(host) + 3 : 0) + (when[0] ? kdl_text_width(when) + 3 : 0) +
			   (level < 2 ? kdl_text_width(cpus) + 3 : 0);
		if (di->partial)
			need += 15;
		if (need <= w || level == 4) {
			x = kdl_cv_put(cv, 0, 0, w, KDL_R_HEADER_KEY, " kdlview ");
			if (di->partial)
				x += kdl_cv_put(cv, 0, x, w - x, KDL_R_ERROR, " PARTIAL DUMP ");
			x += kdl_cv_put(cv, 0, x, w - x, KDL_R_HEADER, rel);
			if (host[0]) {
				x += kdl_cv_printf(cv, 0, x, w - x, KDL_R_HEADER, " %s ", t->g->vl);
				x += kdl_cv_put(cv, 0, x, w - x, KDL_R_HEADER, host);
			}
			if (when[0]) {
				x += kdl_cv_printf(cv, 0, x, w - x, KDL_R_HEADER, " %s ", t->g->vl);
				x += kdl_cv_put(cv, 0, x, w - x, KDL_R_HEADER, when);
			}
			if (level < 2) {
				x += kdl_cv_printf(cv, 0, x, w - x, KDL_R_HEADER, " %s ", t->g->vl);
				x += kdl_cv_put(cv, 0, x, w - x, KDL_R_HEADER, cpus);
			}
			x += kdl_cv_printf(cv, 0, x, w - x, KDL_R_HEADER, " %s ", t->g->vl);
			x += kdl_cv_put(cv, 0, x, w - x, KDL_R_HEADER, tasks);
			break;
		}
	}

	/* Verdict. */
	size_t ndead = 0, norph = 0, nconv = 0, nlost = 0, nspin = 0, nother = 0;
	for (size_t i = 0; i < m->nfindings; i++) {
		if (m->findings[i].deadlock) {
			ndead++;
			continue;
		}
		switch (m->findings[i].kind) {
		case KDL_F_ORPHANED_LOCK: norph++; break;
		case KDL_F_CONVOY: nconv++; break;
		case KDL_F_LOST_WAKEUP: nlost++; break;
		case KDL_F_SPINNING: nspin++; break;
		case KDL_F_OTHER: nother++; break;
		default: break; /* the deadlock kinds, counted above */
		}
	}
	/* Long words when they fit; short ones, then only the worst, when not. */
	struct { size_t n; const char *one, *many, *shrt; } parts[] = {
		{ ndead, "deadlock", "deadlocks", ndead == 1 ? "deadlock" : "deadlocks" },
		{ un, "task hung", "tasks hung", "hung" },
		{ norph, "orphaned lock", "orphaned locks", "orphaned" },
		{ nconv, "convoy", "convoys", nconv == 1 ? "convoy" : "convoys" },
		{ nlost, "lost wake-up", "lost wake-ups", "lost wake-up" },
		{ nspin, "CPU spinning", "CPUs spinning", "spinning" },
		{ nother, "other finding", "other findings", "other" },
	};
	char v[400] = "";
	for (int style = 0; style < 3; style++) {
		size_t o = 0;
		v[0] = 0;
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && o < sizeof(v); i++) {
			if (!parts[i].n || (style == 2 && i > 1))
				continue;
			const char *word = style ? parts[i].shrt :
					   parts[i].n == 1 ? parts[i].one : parts[i].many;
			o += (size_t)snprintf(v + o, sizeof(v) - o, "%s%zu %s", o ? ", " : "", parts[i].n, word);
		}
		if (kdl_text_width(v) + 6 <= w)
			break;
	}
	bool bad = m->nfindings || un;
	if (!bad)
		snprintf(v, sizeof(v), "no blocked tasks, no findings");
	x = kdl_cv_put(cv, 1, 0, w, KDL_R_HEADER, " ");
	x += kdl_cv_printf(cv, 1, x, w - x, bad ? KDL_R_VERDICT_BAD : KDL_R_VERDICT_OK, " %s %s ",
			   bad ? t->g->bad : t->g->good, v);
	if (di->panic && *di->panic) {
		x += kdl_cv_put(cv, 1, x, w - x, KDL_R_HEADER, "  ");
		x += kdl_cv_put(cv, 1, x, w - x, KDL_R_HEADER_KEY, "panic: ");
		kdl_cv_put(cv, 1, x, w - x, KDL_R_HEADER, di->panic);
	}
}

static void loc_label(struct kdl_tui *t, struct kdl_loc l, char *buf, size_t size)
{
	const struct kdl_model *m = t->m;
	switch (l.kind) {
	case KDL_LOC_TASK:
		snprintf(buf, size, "%d %s", m->tasks[l.idx].pid, m->tasks[l.idx].comm);
		break;
	case KDL_LOC_LOCK:
		snprintf(buf, size, "%s", m->locks[l.idx].name ? m->locks[l.idx].name : "lock");
		break;
	case KDL_LOC_FINDING:
		snprintf(buf, size, "%s #%d", kdl_finding_title(m->findings[l.idx].kind), l.idx + 1);
		break;
	case KDL_LOC_NONE:
		snprintf(buf, size, "-");
		break;
	}
}

/* What Enter does on the focused row, for the status line. */
static const char *enter_hint(struct kdl_tui *t)
{
	switch (t->focus) {
	case KDL_P_FINDINGS:
		return "its tasks";
	case KDL_P_TASKS:
		return "details";
	default:
		break;
	}
	struct kdl_panel *p = &t->panels[KDL_P_DETAIL];
	if (p->cursor >= t->ndrows)
		return "open";
	switch (t->drows[p->cursor].kind) {
	case KDL_DR_FRAME: return "source";
	case KDL_DR_WAITS: case KDL_DR_SPINS: case KDL_DR_HOLD: case KDL_DR_LOCK:
		return "holder+waiters";
	case KDL_DR_OWNER: case KDL_DR_TASK: return "that task";
	default: return "open";
	}
}

static void draw_footer(struct kdl_tui *t)
{
	struct kdl_canvas *cv = &t->cv;
	int w = cv->cols, y = cv->rows - 2;
	kdl_cv_fill(cv, y, 0, w, KDL_R_BREADCRUMB, " ");
	/* Breadcrumb: the path walked, newest last; drop the oldest that do not fit. */
	char items[66][96];
	size_t n = 0;
	for (size_t i = 0; i < t->nhist; i++)
		loc_label(t, t->hist[i], items[n++], sizeof(items[0]));
	loc_label(t, t->loc, items[n++], sizeof(items[0]));
	size_t first = 0;
	for (;;) {
		int need = 2;
		for (size_t i = first; i < n; i++)
			need += kdl_text_width(items[i]) + 3;
		if (need <= w || first + 1 >= n)
			break;
		first++;
	}
	int x = kdl_cv_put(cv, y, 0, w, KDL_R_BREADCRUMB, " ");
	if (first)
		x += kdl_cv_printf(cv, y, x, w - x, KDL_R_BREADCRUMB, "%s %s ", t->g->ellipsis, t->g->crumb);
	for (size_t i = first; i < n; i++) {
		if (i > first)
			x += kdl_cv_printf(cv, y, x, w - x, KDL_R_BREADCRUMB, " %s ", t->g->crumb);
		x += kdl_cv_put(cv, y, x, w - x, i + 1 == n ? KDL_R_STATUS_KEY : KDL_R_BREADCRUMB,
				items[i]);
	}

	y++;
	kdl_cv_fill(cv, y, 0, w, KDL_R_STATUS, " ");
	if (t->prompt != KDL_PR_NONE) {
		int px = kdl_cv_put(cv, y, 0, w, KDL_R_PROMPT, t->ptitle);
		px += kdl_cv_put(cv, y, px, w - px, KDL_R_STATUS, " ");
		/* Show the end of a long input. */
		const char *s = t->pbuf;
		while (kdl_text_width(s) > w - px - 2 && *s)
			s++;
		px += kdl_cv_put(cv, y, px, w - px, KDL_R_STATUS, s);
		kdl_cv_put(cv, y, px, w - px, KDL_R_CURSOR, " ");
		return;
	}
	if (t->status[0]) {
		kdl_cv_put(cv, y, 0, w, t->status_error ? KDL_R_ERROR : KDL_R_STATUS, " ");
		kdl_cv_put(cv, y, 1, w - 1, t->status_error ? KDL_R_ERROR : KDL_R_STATUS, t->status);
		return;
	}
	x = 1;
	if (t->overlay != KDL_OV_NONE) {
		x += put_key_hint(t, y, x, KDL_KM_GENERIC, KDL_REQ_CLEAR, "close");
		x += put_key_hint(t, y, x, KDL_KM_GENERIC, KDL_REQ_DOWN, "scroll");
		x += put_key_hint(t, y, x, KDL_KM_GENERIC, KDL_REQ_QUIT, "quit");
		return;
	}
	enum kdl_keymap map = t->graph_view ? KDL_KM_GRAPH : KDL_KM_MAIN;
	if (t->graph_view) {
		x += put_key_hint(t, y, x, map, KDL_REQ_DOWN, "follow edge");
		x += put_key_hint(t, y, x, map, KDL_REQ_RIGHT, "waiters");
		x += put_key_hint(t, y, x, map, KDL_REQ_ENTER, "open");
		x += put_key_hint(t, y, x, map, KDL_REQ_NEXT_CYCLE, "next cycle");
		x += put_key_hint(t, y, x, map, KDL_REQ_GRAPH, "close");
	} else {
		x += put_key_hint(t, y, x, map, KDL_REQ_ENTER, enter_hint(t));
		x += put_key_hint(t, y, x, map, KDL_REQ_OWNER, "holder");
		x += put_key_hint(t, y, x, map, KDL_REQ_BACK, "back");
		x += put_key_hint(t, y, x, map, KDL_REQ_GRAPH, "graph");
	}
	x += put_key_hint(t, y, x, map, KDL_REQ_EXPORT, "export");
	x += put_key_hint(t, y, x, map, KDL_REQ_HELP, "help");
	x += put_key_hint(t, y, x, map, KDL_REQ_QUIT, "quit");
	if (!t->graph_view) {
		x += put_key_hint(t, y, x, map, KDL_REQ_SEARCH, "search");
		put_key_hint(t, y, x, map, KDL_REQ_NEXT_PANEL, "panel");
	}
}

static void draw_overlay_frame(struct kdl_tui *t, int *oy, int *ox, int *oh, int *ow,
			       const char *title)
{
	int h = t->cv.rows - 4, w = t->cv.cols - 4;
	if (w > 110)
		w = 110;
	int y = 2, x = (t->cv.cols - w) / 2;
	for (int r = 0; r < h; r++)
		kdl_cv_fill(&t->cv, y + r, x, w, KDL_R_DEFAULT, " ");
	kdl_cv_box(&t->cv, t->g, y, x, h, w, KDL_R_BORDER);
	kdl_cv_printf(&t->cv, y, x + 2, w - 4, KDL_R_TITLE_FOCUS, " %s ", title);
	*oy = y + 1;
	*ox = x + 2;
	*oh = h - 2;
	*ow = w - 4;
}

static void draw_help(struct kdl_tui *t)
{
	int y, x, h, w;
	draw_overlay_frame(t, &y, &x, &h, &w, "Keys  (? or Esc closes)");
	enum kdl_req reqs[KDL_KM_COUNT][KDL_REQ_COUNT];
	size_t nreq[KDL_KM_COUNT];
	const struct kdl_glyphs *g = t->g;
	const struct { const char *sym; enum kdl_role role; const char *what; } legend[] = {
		{ g->cycle, KDL_R_CYCLE, "task in a deadlock cycle" },
		{ g->held, KDL_R_OWNER, "holds a lock that others wait for" },
		{ "~", KDL_R_STATE_RUNNING, "spinning on a CPU" },
		{ "?", KDL_R_UNRELIABLE, "backtrace frame that may be wrong (stack scan)" },
		{ "inferred", KDL_R_UNRELIABLE, "holder deduced, not recorded by the kernel" },
	};
	const int nlegend = (int)(sizeof(legend) / sizeof(legend[0]));
	int total = 2 + nlegend;
	for (int map = 0; map < KDL_KM_COUNT; map++) {
		nreq[map] = kdl_keymap_requests((enum kdl_keymap)map, reqs[map]);
		total += 2 + (int)nreq[map];
	}
	if (t->ov_top > total - h)
		t->ov_top = total - h > 0 ? total - h : 0;
	int line = -t->ov_top;
	for (int map = 0; map < KDL_KM_COUNT; map++) {
		const char *name = kdl_keymap_name((enum kdl_keymap)map);
		if (line >= 0 && line < h)
			kdl_cv_printf(&t->cv, y + line, x, w, KDL_R_COLUMN, "%c%s", name[0] - 'a' + 'A',
				      name + 1);
		line++;
		for (size_t i = 0; i < nreq[map]; i++, line++) {
			if (line < 0 || line >= h)
				continue;
			char keys[64] = "";
			kdl_key_labels((enum kdl_keymap)map, reqs[map][i], keys, sizeof(keys));
			kdl_cv_put(&t->cv, y + line, x + 2, 18, KDL_R_STATUS_KEY, keys);
			kdl_cv_put_cut(&t->cv, y + line, x + 21, w - 21, KDL_R_DEFAULT,
				       kdl_request_info(reqs[map][i])->help, t->g->ellipsis);
		}
		line++;
	}
	if (line >= 0 && line < h)
		kdl_cv_put(&t->cv, y + line, x, w, KDL_R_COLUMN, "Symbols");
	line++;
	for (int i = 0; i < nlegend; i++, line++) {
		if (line < 0 || line >= h)
			continue;
		kdl_cv_put(&t->cv, y + line, x + 2, 18, legend[i].role, legend[i].sym);
		kdl_cv_put(&t->cv, y + line, x + 21, w - 21, KDL_R_DEFAULT, legend[i].what);
	}
}

/* Kernel log lines that an engineer looks for first. */
static enum kdl_role log_line_role(const char *line)
{
	static const struct { const char *s; enum kdl_role r; } marks[] = {
		{ "Kernel panic", KDL_R_CRITICAL }, { "BUG: ", KDL_R_CRITICAL },
		{ "Oops", KDL_R_CRITICAL }, { "soft lockup", KDL_R_CRITICAL },
		{ "hard LOCKUP", KDL_R_CRITICAL }, { "blocked for more than", KDL_R_HIGH },
		{ "rcu_sched self-detected stall", KDL_R_HIGH }, { "rcu: INFO", KDL_R_HIGH },
		{ "WARNING:", KDL_R_MEDIUM }, { "sysrq:", KDL_R_MEDIUM }, { "Call Trace:", KDL_R_DIM },
	};
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(line, marks[i].s))
			return marks[i].r;
	return KDL_R_DEFAULT;
}

static void draw_text_overlay(struct kdl_tui *t)
{
	int y, x, h, w;
	draw_overlay_frame(t, &y, &x, &h, &w, t->ov_title);
	if (t->ov_top > (int)t->ov_nlines - h)
		t->ov_top = (int)t->ov_nlines - h;
	if (t->ov_top < 0)
		t->ov_top = 0;
	for (int r = 0; r < h; r++) {
		size_t i = (size_t)(t->ov_top + r);
		if (i >= t->ov_nlines)
			break;
		bool mark = (int)i == t->ov_mark;
		enum kdl_role role = mark ? KDL_R_SOURCE_CURRENT : KDL_R_DEFAULT;
		if (mark)
			kdl_cv_fill(&t->cv, y + r, x, w, KDL_R_SOURCE_CURRENT, " ");
		else if (t->overlay == KDL_OV_LOG)
			role = log_line_role(t->ov_lines[i]);
		kdl_cv_put(&t->cv, y + r, x, w, role, t->ov_lines[i]);
	}
}

void kdl_tui_draw(struct kdl_tui *t)
{
	if (t->cv.rows != LINES || t->cv.cols != COLS)
		kdl_canvas_resize(&t->cv, LINES, COLS);
	kdl_canvas_clear(&t->cv, KDL_R_DEFAULT);
	layout(t);
	draw_header(t);
	if (t->rows_dirty)
		kdl_tasks_rebuild(t);
	if (t->graph_view) {
		kdl_graph_draw(t, 2, t->cv.rows - 4);
	} else {
		for (int i = 0; i < KDL_NPANELS; i++)
			if (t->panels[i].visible)
				kdl_panel_draw(t, &t->panels[i], t->focus == i);
	}
	if (t->overlay == KDL_OV_HELP)
		draw_help(t);
	else if (t->overlay != KDL_OV_NONE)
		draw_text_overlay(t);
	draw_footer(t);
	if (t->screen_on) {
		kdl_canvas_paint(&t->cv, &t->theme);
		wnoutrefresh(stdscr);
		doupdate();
	}
}

/* ---------- prompt ---------- */

static void prompt_start(struct kdl_tui *t, enum kdl_prompt p, const char *title, const char *init)
{
	t->prompt = p;
	snprintf(t->ptitle, sizeof(t->ptitle), "%s", title);
	snprintf(t->pbuf, sizeof(t->pbuf), "%s", init ? init : "");
	t->plen = strlen(t->pbuf);
	t->status[0] = 0;
}

static void prompt_done(struct kdl_tui *t, bool accept)
{
	enum kdl_prompt p = t->prompt;
	t->prompt = KDL_PR_NONE;
	switch (p) {
	case KDL_PR_SEARCH:
		if (!accept)
			t->filter[0] = 0;
		t->focus_finding = -1;
		kdl_tasks_rebuild(t);
		t->panels[KDL_P_TASKS].cursor = 0;
		t->panels[KDL_P_TASKS].top = 0;
		if (t->nrows)
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, t->rows[0] }, false);
		else if (accept)
			kdl_tui_status(t, false, "No task matches \"%s\"", t->filter);
		break;
	case KDL_PR_EXPORT:
		if (accept) {
			snprintf(t->export_path, sizeof(t->export_path), "%s", t->pbuf);
			kdl_export_commit(t, false);
		} else {
			kdl_tui_status(t, false, "Export cancelled");
		}
		break;
	case KDL_PR_CONFIRM:
		if (accept && (t->pbuf[0] == 'y' || t->pbuf[0] == 'Y'))
			kdl_export_commit(t, true);
		else
			kdl_tui_status(t, false, "Not overwritten; export cancelled");
		break;
	case KDL_PR_NONE:
		break;
	}
}

static void prompt_key(struct kdl_tui *t, int key)
{
	if (key == 27) {
		prompt_done(t, false);
		return;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		prompt_done(t, true);
		return;
	}
	if (t->prompt == KDL_PR_CONFIRM && (key == 'y' || key == 'Y' || key == 'n' || key == 'N')) {
		t->pbuf[0] = (char)key;
		t->pbuf[1] = 0;
		prompt_done(t, true);
		return;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		/* Remove one UTF-8 character. */
		while (t->plen > 0) {
			unsigned char c = (unsigned char)t->pbuf[--t->plen];
			if ((c & 0xc0) != 0x80)
				break;
		}
		t->pbuf[t->plen] = 0;
	} else if (key == 21) { /* Ctrl-U */
		t->plen = 0;
		t->pbuf[0] = 0;
	} else if (key >= 0x20 && key < 0x100 && key != 0x7f && t->plen + 1 < sizeof(t->pbuf)) {
		t->pbuf[t->plen++] = (char)key;
		t->pbuf[t->plen] = 0;
	} else {
		return;
	}
	if (t->prompt == KDL_PR_SEARCH) {
		snprintf(t->filter, sizeof(t->filter), "%.127s", t->pbuf);
		t->rows_dirty = true;
	}
}

/* ---------- keys ---------- */

static void cycle_theme(struct kdl_tui *t)
{
	t->theme_idx = (t->theme_idx + 1) % (int)kdl_theme_cycle_len;
	char err[300];
	const char *name = kdl_theme_cycle[t->theme_idx];
	if (!kdl_theme_load(&t->theme, name, err, sizeof(err)))
		kdl_tui_status(t, true, "%s", err);
	else
		kdl_tui_status(t, false, "Theme: %s", t->theme.name);
	if (t->screen_on)
		kdl_theme_apply(&t->theme);
}

static void handle_mouse(struct kdl_tui *t)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		enum kdl_req r = (ev.bstate & BUTTON4_PRESSED) ? KDL_REQ_UP : KDL_REQ_DOWN;
		if (t->overlay != KDL_OV_NONE) {
			t->ov_top += r == KDL_REQ_UP ? -3 : 3;
			return;
		}
		if (t->graph_view) {
			kdl_graph_request(t, r);
			return;
		}
		for (int i = 0; i < KDL_NPANELS; i++) {
			struct kdl_panel *p = &t->panels[i];
			if (p->visible && ev.y >= p->y && ev.y < p->y + p->h) {
				t->focus = i;
				for (int k = 0; k < 3; k++)
					kdl_panel_request(t, p, r);
			}
		}
		return;
	}
#endif
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)))
		return;
	bool dbl = (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0;
	if (t->overlay != KDL_OV_NONE)
		return;
	if (t->graph_view) {
		kdl_graph_click(t, ev.y, ev.x, dbl);
		return;
	}
	for (int i = 0; i < KDL_NPANELS; i++) {
		struct kdl_panel *p = &t->panels[i];
		if (!p->visible || ev.y < p->y || ev.y >= p->y + p->h)
			continue;
		t->focus = i;
		if (i == KDL_P_TASKS && ev.y == p->body_y - 1) {
			kdl_tasks_sort_at(t, ev.x);
			return;
		}
		if (ev.y >= p->body_y && ev.y < p->body_y + p->body_h) {
			size_t row = p->top + (size_t)(ev.y - p->body_y);
			if (row < p->ops->count(t) &&
			    (!p->ops->selectable || p->ops->selectable(t, row))) {
				p->cursor = row;
				if (p->ops->select)
					p->ops->select(t, row);
				if (dbl)
					kdl_panel_request(t, p, KDL_REQ_ENTER);
			}
		}
	}
}

static void overlay_key(struct kdl_tui *t, enum kdl_req r)
{
	int page = t->cv.rows - 8 > 1 ? t->cv.rows - 8 : 1;
	switch (r) {
	case KDL_REQ_UP: t->ov_top--; break;
	case KDL_REQ_DOWN: t->ov_top++; break;
	case KDL_REQ_PAGE_UP: t->ov_top -= page; break;
	case KDL_REQ_PAGE_DOWN: t->ov_top += page; break;
	case KDL_REQ_HOME: t->ov_top = 0; break;
	case KDL_REQ_END: t->ov_top = 1 << 30; break;
	case KDL_REQ_QUIT: t->quit = true; break;
	case KDL_REQ_HELP:
	case KDL_REQ_CLEAR:
	case KDL_REQ_BACK:
	case KDL_REQ_ENTER:
		ov_free(t);
		break;
	case KDL_REQ_LOG:
		if (t->overlay == KDL_OV_LOG)
			ov_free(t);
		break;
	default:
		break;
	}
	if (t->ov_top < 0)
		t->ov_top = 0;
	/* Help's bound is checked when drawing; the text overlays' here. */
	if (t->overlay != KDL_OV_HELP && t->ov_top > (int)t->ov_nlines - 1)
		t->ov_top = t->ov_nlines ? (int)t->ov_nlines - 1 : 0;
}

static void next_finding(struct kdl_tui *t, int dir)
{
	size_t n = t->m->nfindings;
	if (!n) {
		kdl_tui_status(t, false, "No findings");
		return;
	}
	/* From a finding: the next one; from elsewhere: the one under the
	 * findings cursor. */
	int next = (int)t->panels[KDL_P_FINDINGS].cursor;
	if (t->loc.kind == KDL_LOC_FINDING)
		next = (t->loc.idx + dir + (int)n) % (int)n;
	t->panels[KDL_P_FINDINGS].cursor = (size_t)next;
	t->focus = KDL_P_FINDINGS;
	kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_FINDING, next }, false);
}

/* Focus a panel; the findings and task lists make their row the detail. */
static void focus_panel(struct kdl_tui *t, int i)
{
	t->focus = i;
	if (t->zoom >= 0)
		t->zoom = i;
	struct kdl_panel *p = &t->panels[i];
	if (i != KDL_P_DETAIL && p->ops->select && p->ops->count(t))
		p->ops->select(t, p->cursor);
}

bool kdl_tui_key(struct kdl_tui *t, int key)
{
	if (key == KEY_RESIZE) {
		kdl_canvas_resize(&t->cv, LINES, COLS);
		return !t->quit;
	}
	if (key == KEY_MOUSE) {
		handle_mouse(t);
		return !t->quit;
	}
	if (t->prompt != KDL_PR_NONE) {
		prompt_key(t, key);
		return !t->quit;
	}
	t->status[0] = 0;
	enum kdl_req r = kdl_key_request(t->graph_view ? KDL_KM_GRAPH : KDL_KM_MAIN, key);
	if (t->overlay != KDL_OV_NONE) {
		overlay_key(t, r);
		return !t->quit;
	}
	switch (r) {
	case KDL_REQ_NONE:
		if (key != ERR)
			kdl_tui_status(t, false, "Unbound key; press ? for help");
		break;
	case KDL_REQ_QUIT:
		t->quit = true;
		break;
	case KDL_REQ_HELP:
		ov_free(t);
		t->overlay = KDL_OV_HELP;
		break;
	case KDL_REQ_LOG:
		open_log(t);
		break;
	case KDL_REQ_THEME:
		cycle_theme(t);
		break;
	case KDL_REQ_REDRAW:
		if (t->screen_on)
			clearok(curscr, TRUE);
		break;
	case KDL_REQ_EXPORT:
	case KDL_REQ_EXPORT_ALL:
		kdl_export_begin(t, r == KDL_REQ_EXPORT_ALL);
		break;
	case KDL_REQ_GRAPH:
		if (t->graph_view) {
			t->graph_view = false;
		} else {
			struct kdl_loc from = t->loc;
			kdl_graph_open(t, from);
		}
		break;
	case KDL_REQ_BACK:
		if (t->graph_view)
			t->graph_view = false;
		else
			go_back(t);
		break;
	case KDL_REQ_OWNER:
		if (t->graph_view) {
			/* From the node under the cursor. */
			t->graph_view = false;
			if (t->gsel >= 0 && (size_t)t->gsel < t->ngnodes) {
				const struct kdl_gnode *g = &t->gnodes[t->gsel];
				if (g->kind == KDL_GN_TASK)
					kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, g->idx }, true);
				else if (g->kind != KDL_GN_MORE)
					kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_LOCK, g->idx }, true);
			}
		}
		jump_owner(t);
		break;
	default:
		if (t->graph_view) {
			kdl_graph_request(t, r);
			break;
		}
		switch (r) {
		case KDL_REQ_NEXT_PANEL:
			focus_panel(t, (t->focus + 1) % KDL_NPANELS);
			break;
		case KDL_REQ_PREV_PANEL:
			focus_panel(t, (t->focus + KDL_NPANELS - 1) % KDL_NPANELS);
			break;
		case KDL_REQ_FOCUS_FINDINGS:
		case KDL_REQ_FOCUS_TASKS:
		case KDL_REQ_FOCUS_DETAIL:
			focus_panel(t, r - KDL_REQ_FOCUS_FINDINGS);
			break;
		case KDL_REQ_SEARCH:
			t->focus = KDL_P_TASKS;
			prompt_start(t, KDL_PR_SEARCH, "Filter (comm, pid, lock, function):", t->filter);
			break;
		case KDL_REQ_NEXT_MATCH:
		case KDL_REQ_PREV_MATCH:
			next_finding(t, r == KDL_REQ_NEXT_MATCH ? 1 : -1);
			break;
		case KDL_REQ_ZOOM:
			t->zoom = t->zoom >= 0 ? -1 : t->focus;
			break;
		case KDL_REQ_SORT:
		case KDL_REQ_SORT_REVERSE:
		case KDL_REQ_ALL_TASKS:
		case KDL_REQ_CPUS:
			/* Task list requests work from any panel. */
			t->focus = KDL_P_TASKS;
			kdl_panel_request(t, &t->panels[KDL_P_TASKS], r);
			break;
		case KDL_REQ_CLEAR:
			if (t->filter[0] || t->focus_finding >= 0) {
				t->filter[0] = 0;
				t->focus_finding = -1;
				t->rows_dirty = true;
				kdl_tui_status(t, false, "Filter cleared");
			} else if (t->zoom >= 0) {
				t->zoom = -1;
			}
			break;
		default:
			kdl_panel_request(t, &t->panels[t->focus], r);
			break;
		}
	}
	return !t->quit;
}

/* ---------- life cycle ---------- */

struct kdl_tui *kdl_tui_create(const struct kdl_tui_source *src,
			       const struct kdl_tui_options *opts, char *err, size_t errsize)
{
	struct kdl_tui *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	t->src = src;
	t->m = src->model;
	if (opts)
		t->opts = *opts;
	else
		t->opts.focus_pid = -1;
	if (t->opts.source_dir)
		snprintf(t->source_dir, sizeof(t->source_dir), "%s", t->opts.source_dir);
	t->opts.source_dir = NULL;
	t->opts.theme = NULL;
	t->zoom = -1;
	t->focus_finding = -1;
	t->gcycle = -1;
	t->ov_mark = -1;
	t->gunfold_lock = -1;
	t->rows_dirty = true;
	const char *cs = nl_langinfo(CODESET);
	t->utf8 = cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
	t->g = kdl_glyphs_get(t->utf8);
	size_t n = t->m->ntasks ? t->m->ntasks : 1;
	t->task_finding = calloc(n, sizeof(int));
	t->task_flags = calloc(n, 1);
	t->lines_done = calloc(n, 1);
	if (!t->task_finding || !t->task_flags || !t->lines_done) {
		kdl_tui_destroy(t);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	precompute(t);
	for (int i = 0; i < KDL_NPANELS; i++)
		t->panels[i].visible = true;
	t->panels[KDL_P_FINDINGS].ops = &kdl_findings_ops;
	t->panels[KDL_P_TASKS].ops = &kdl_tasks_ops;
	t->panels[KDL_P_DETAIL].ops = &kdl_detail_ops;

	/* Theme: --theme, else monochrome under NO_COLOR, else the default. */
	const char *theme = opts ? opts->theme : NULL;
	const char *nc = getenv("NO_COLOR");
	if (!theme)
		theme = nc && *nc ? "monochrome" : "default";
	if (!kdl_theme_load(&t->theme, theme, err, errsize)) {
		kdl_tui_destroy(t);
		return NULL;
	}
	for (size_t i = 0; i < kdl_theme_cycle_len; i++)
		if (!strcmp(kdl_theme_cycle[i], t->theme.name))
			t->theme_idx = (int)i;

	kdl_tasks_rebuild(t);
	/* First selection: --pid, else the most severe finding, else the first task. */
	int pidx = t->opts.focus_pid >= 0 ? kdl_model_task_by_pid(t->m, t->opts.focus_pid) : -1;
	if (t->opts.focus_pid >= 0 && pidx < 0)
		kdl_tui_status(t, true, "pid %d not found in the dump", t->opts.focus_pid);
	if (pidx >= 0) {
		t->focus = KDL_P_TASKS;
		kdl_tasks_select_task(t, pidx);
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, pidx }, false);
	} else if (t->m->nfindings) {
		t->focus = KDL_P_FINDINGS;
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_FINDING, 0 }, false);
	} else if (t->nrows) {
		t->focus = KDL_P_TASKS;
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, t->rows[0] }, false);
	}
	return t;
}

void kdl_tui_screen_init(struct kdl_tui *t)
{
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED
#ifdef BUTTON5_PRESSED
			  | BUTTON4_PRESSED | BUTTON5_PRESSED
#endif
		  , NULL);
	mouseinterval(200);
	t->screen_on = true;
	kdl_theme_apply(&t->theme);
	kdl_canvas_resize(&t->cv, LINES, COLS);
}

void kdl_tui_destroy(struct kdl_tui *t)
{
	if (!t)
		return;
	ov_free(t);
	kdl_graph_free(t);
	kdl_canvas_free(&t->cv);
	free(t->task_finding);
	free(t->task_flags);
	free(t->lines_done);
	free(t->rows);
	free(t->drows);
	free(t);
}

/* ---------- the real entry point ---------- */

static volatile sig_atomic_t curses_up;

/* While the screen is up, stderr goes to a temporary file: a message from
 * the core (or a library) would otherwise scribble over the screen. It is
 * replayed on the terminal when the screen is closed. Only async-signal-safe
 * calls here: this also runs from the fatal-signal handler. */
static volatile sig_atomic_t saved_stderr = -1, captured_stderr = -1;

static void stderr_capture_start(void)
{
	FILE *f = tmpfile();
	if (!f)
		return;
	int cap = dup(fileno(f));
	fclose(f);
	int keep = cap >= 0 ? dup(STDERR_FILENO) : -1;
	if (keep < 0 || dup2(cap, STDERR_FILENO) < 0) {
		if (cap >= 0)
			close(cap);
		if (keep >= 0)
			close(keep);
		return;
	}
	saved_stderr = keep;
	captured_stderr = cap;
}

static void stderr_capture_end(void)
{
	if (saved_stderr < 0)
		return;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	char buf[4096];
	ssize_t n;
	if (lseek(captured_stderr, 0, SEEK_SET) == 0)
		while ((n = read(captured_stderr, buf, sizeof(buf))) > 0)
			if (write(STDERR_FILENO, buf, (size_t)n) != n)
				break;
	close(captured_stderr);
	captured_stderr = -1;
}

static void restore_terminal(void)
{
	if (curses_up) {
		curses_up = 0;
		endwin();
	}
	stderr_capture_end();
}

static void on_fatal_signal(int sig)
{
	/* endwin() is not async-signal-safe, but leaving the terminal in raw
	 * mode is worse; this is what every curses program does. */
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static struct kdl_error *an_frames(void *arg, size_t idx)
{
	return kdl_analysis_task_frames(arg, idx);
}

static struct kdl_error *an_lines(void *arg, int task, int cpu)
{
	return kdl_analysis_resolve_lines(arg, task, cpu);
}

static struct kdl_error *an_export(void *arg, enum kdl_report_format fmt, int pid, const char *path,
				   bool overwrite)
{
	struct kdl_report_options ro = { .format = fmt, .all_tasks = false, .pid = pid };
	struct kdl_report_source rs;

	kdl_analysis_report_source(arg, &rs);
	return kdl_report_write_file(&rs, &ro, path, overwrite);
}

void kdl_tui_source_init(struct kdl_tui_source *src, struct kdl_analysis *an)
{
	*src = (struct kdl_tui_source){
		.model = kdl_analysis_model(an),
		.arg = an,
		.task_frames = an_frames,
		.resolve_lines = an_lines,
		.export = an_export,
	};
}

int kdl_tui_run(struct kdl_analysis *an, const struct kdl_tui_options *opts)
{
	struct kdl_tui_source src;
	kdl_tui_source_init(&src, an);
	char err[512];
	kdl_tui_progress_done();
	setlocale(LC_ALL, "");
	kdl_theme_set_dirs(NULL);
	struct kdl_tui *t = kdl_tui_create(&src, opts, err, sizeof(err));
	if (!t) {
		fprintf(stderr, "kdlview: %s\n", err);
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "kdlview: the TUI needs a terminal (use --report for a text report)\n");
		kdl_tui_destroy(t);
		return 2;
	}
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS,
				    SIGFPE, SIGABRT, SIGILL };
	struct sigaction sa, old[sizeof(sigs) / sizeof(sigs[0])];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &old[i]);
	atexit(restore_terminal);

	fflush(stderr);
	stderr_capture_start();
	if (!initscr()) {
		stderr_capture_end();
		fprintf(stderr, "kdlview: cannot initialise the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		kdl_tui_destroy(t);
		return 2;
	}
	curses_up = 1;
	kdl_tui_screen_init(t);
	kdl_tui_draw(t);
	int errs = 0;
	for (;;) {
		int key = getch();
		if (key == ERR) {
			/* Blocking getch() only fails when the terminal is gone. */
			if (++errs > 100)
				break;
			continue;
		}
		errs = 0;
		if (!kdl_tui_key(t, key))
			break;
		kdl_tui_draw(t);
	}
	restore_terminal();
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &old[i], NULL);
	kdl_tui_destroy(t);
	return 0;
}
