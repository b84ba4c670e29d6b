/* tui/tui.c - the top of the TUI: life cycle (the panels register their ops
 * here), the key and mouse dispatch to the views, layout and drawing, and the
 * terminal set-up/restore of kdl_tui_run(). No view calls into this file. */
#include "tui_int.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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

void kdl_tui_draw(struct kdl_tui *t)
{
	if (t->cv.rows != LINES || t->cv.cols != COLS)
		kdl_canvas_resize(&t->cv, LINES, COLS);
	kdl_canvas_clear(&t->cv, KDL_R_DEFAULT);
	layout(t);
	kdl_chrome_header(t);
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
		kdl_help_draw(t);
	else if (t->overlay != KDL_OV_NONE)
		kdl_ov_draw_text(t);
	kdl_chrome_footer(t);
	if (t->screen_on) {
		kdl_canvas_paint(&t->cv, &t->theme);
		wnoutrefresh(stdscr);
		doupdate();
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
		kdl_prompt_key(t, key);
		return !t->quit;
	}
	t->status[0] = 0;
	enum kdl_req r = kdl_key_request(t->graph_view ? KDL_KM_GRAPH : KDL_KM_MAIN, key);
	if (t->overlay != KDL_OV_NONE) {
		kdl_ov_key(t, r);
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
		kdl_help_open(t);
		break;
	case KDL_REQ_LOG:
		kdl_log_open(t);
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
			kdl_nav_back(t);
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
		kdl_nav_owner(t);
		break;
	default:
		if (t->graph_view) {
			kdl_graph_request(t, r);
			break;
		}
		switch (r) {
		case KDL_REQ_NEXT_PANEL:
			kdl_nav_focus_panel(t, (t->focus + 1) % KDL_NPANELS);
			break;
		case KDL_REQ_PREV_PANEL:
			kdl_nav_focus_panel(t, (t->focus + KDL_NPANELS - 1) % KDL_NPANELS);
			break;
		case KDL_REQ_FOCUS_FINDINGS:
		case KDL_REQ_FOCUS_TASKS:
		case KDL_REQ_FOCUS_DETAIL:
			kdl_nav_focus_panel(t, r - KDL_REQ_FOCUS_FINDINGS);
			break;
		case KDL_REQ_SEARCH:
			kdl_tasks_search(t);
			break;
		case KDL_REQ_NEXT_MATCH:
		case KDL_REQ_PREV_MATCH:
			kdl_nav_next_finding(t, r == KDL_REQ_NEXT_MATCH ? 1 : -1);
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
	kdl_tui_precompute(t);
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
	kdl_ov_free(t);
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

const char *kdl_tui_lib_version(void)
{
	return curses_version();
}
