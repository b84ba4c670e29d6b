/* tui/chrome.c - the screen's chrome: the header (dump, tasks), the verdict
 * line, the breadcrumb and the status line with its key hints or the prompt.
 * It reads the state only; what Enter does comes from the focused panel's
 * ops (enter_hint).
 */
#include "tui_int.h"

#include <string.h>
#include <time.h>

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

void kdl_chrome_header(struct kdl_tui *t)
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
			/* types not from DWARF: say what is missing ("no line numbers: BTF") */
			if (di->debuginfo_missing && x + 4 < w) {
				x += kdl_cv_printf(cv, 0, x, w - x, KDL_R_HEADER, " %s ", t->g->vl);
				x += kdl_cv_put(cv, 0, x, w - x, KDL_R_ERROR, di->debuginfo_missing);
			}
			break;
		}
	}

	/* Verdict: the numbers from the model, the words ours. */
	struct kdl_verdict vd;
	kdl_model_verdict(m, &vd);
	size_t ndead = vd.deadlocks, norph = vd.orphaned, nconv = vd.convoys;
	size_t nlost = vd.lost_wakeups, nspin = vd.spinning, nother = vd.other;
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


/* What Enter does on the focused row, for the status line: the panel says. */
static const char *enter_hint(struct kdl_tui *t)
{
	const struct kdl_panel_ops *ops = t->panels[t->focus].ops;
	return ops->enter_hint ? ops->enter_hint(t) : "open";
}

void kdl_chrome_footer(struct kdl_tui *t)
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

