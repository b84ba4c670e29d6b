/* tui/tui_int.h - the TUI's state and the rooms of tui/ (private to tui/).
 *
 * The TUI reads a model through a small source interface, so that the
 * headless tests can drive it with a synthetic model (tests/fixtures) and the
 * real program with a finished kdl_analysis.
 *
 * Layers, bottom to top; a file calls only its own layer's files below it
 * and lower layers, never up (so no include or call circle):
 *
 *   1. base      canvas.c (cells, glyphs, painting), theme.c, keys.{def,c}
 *                (requests and key bindings), options.c (command line),
 *                progress.c. Know nothing of the state below.
 *   2. state     struct kdl_tui (this header) and the services every view
 *                uses, none of which knows a view: state.c (status line,
 *                formatting, per-task facts, frames on demand), nav.c (the
 *                location, history, holder jump, focus), panel.c (the generic
 *                panel), overlay.c (the framed text overlay), prompt.c (the
 *                status-line prompt; its owner passes done/edit callbacks),
 *                chrome.c (header, verdict, breadcrumb, status line). Views
 *                are reached from here only through struct kdl_panel_ops.
 *   3. views     cpus.c < rows.c (row pieces shared by the views) < the
 *                panels findings.c (-> tasks.c), tasks.c, detail.c
 *                (-> source.c); graph.c; the overlays source.c, log.c,
 *                help.c; export.c. A view calls layers 1-2, the shared
 *                pieces and the arrows shown here, nothing else.
 *   4. top       tui.c: create/destroy (registers the panels' ops), the key
 *                and mouse dispatch to the views, layout and drawing, and
 *                kdl_tui_run() with the terminal's set-up and restore. No
 *                other file calls into tui.c.
 *
 * main.c (the command line) sits beside, on top of tui.h and options.h.
 */
#ifndef KDL_TUI_INT_H
#define KDL_TUI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/base/model.h"
#include "core/report/report.h"
#include "canvas.h"
#include "keys.h"
#include "theme.h"
#include "tui.h"

/* Where the model comes from, and the core work done on demand. */
struct kdl_tui_source {
	const struct kdl_model *model;
	void *arg;
	/* Each may be NULL (nothing to compute). */
	struct kdl_error *(*task_frames)(void *arg, size_t idx);
	struct kdl_error *(*resolve_lines)(void *arg, int task, int cpu);
	/* Write a report of the whole analysis (pid < 0) or of one task's chain
	 * to `path`, complete or not at all, never over an existing file unless
	 * `overwrite` (the contract of kdl_report_write_file()). */
	struct kdl_error *(*export)(void *arg, enum kdl_report_format fmt, int pid, const char *path,
				    bool overwrite);
};

/* The source of a finished analysis (what kdl_tui_run() uses). */
void kdl_tui_source_init(struct kdl_tui_source *src, struct kdl_analysis *an);

struct kdl_tui;

/* Panels: a list model plus a small ops table. */
struct kdl_panel_ops {
	const char *name;
	const char *empty; /* shown when there are no rows; NULL: "(nothing to show)" */
	void (*prepare)(struct kdl_tui *t, int width);    /* before drawing; may be NULL */
	size_t (*count)(struct kdl_tui *t);
	bool (*selectable)(struct kdl_tui *t, size_t i); /* NULL: every row */
	void (*title)(struct kdl_tui *t, char *buf, size_t size);
	bool (*columns)(struct kdl_tui *t, int y, int x, int w); /* draws a heading row */
	void (*row)(struct kdl_tui *t, size_t i, int y, int x, int w);
	void (*select)(struct kdl_tui *t, size_t i);              /* cursor moved here */
	bool (*request)(struct kdl_tui *t, enum kdl_req r);       /* true: handled */
	/* t->loc changed (nav.c); `reveal`: put the cursor on its row. */
	void (*located)(struct kdl_tui *t, bool reveal);
	const char *(*enter_hint)(struct kdl_tui *t); /* what Enter does, for the status line */
};

struct kdl_panel {
	const struct kdl_panel_ops *ops;
	int y, x, h, w; /* the whole area, title bar included */
	int body_y, body_h;
	size_t cursor, top;
	bool visible;
};

enum { KDL_P_FINDINGS = 0, KDL_P_TASKS, KDL_P_DETAIL, KDL_NPANELS };

enum kdl_loc_kind { KDL_LOC_NONE = 0, KDL_LOC_TASK, KDL_LOC_LOCK, KDL_LOC_FINDING };
struct kdl_loc {
	enum kdl_loc_kind kind;
	int idx;
};

enum kdl_sort { KDL_SORT_RANK = 0, KDL_SORT_PID, KDL_SORT_STATE, KDL_SORT_CPU,
		KDL_SORT_BLOCKED, KDL_SORT_COMM, KDL_SORT_WAITS, KDL_SORT_COUNT };

/* Detail panel rows. */
enum kdl_drow_kind {
	KDL_DR_TEXT = 0, /* text, role, indent */
	KDL_DR_SECTION,  /* text: a heading */
	KDL_DR_WAITS,    /* idx: lock waited on (task detail) */
	KDL_DR_SPINS,    /* idx: lock spun on */
	KDL_DR_OWNER,    /* idx: lock, aux: owner index */
	KDL_DR_HOLD,     /* idx: lock held */
	KDL_DR_TASK,     /* idx: task (waiter or member), aux: lock or -1 */
	KDL_DR_LOCK,     /* idx: lock */
	KDL_DR_FRAME,    /* frames[aux], number idx */
	KDL_DR_CTX,      /* a context switch marker, aux: enum kdl_ctx */
	KDL_DR_OTHER,    /* non-lock wait of the task */
};

struct kdl_drow {
	enum kdl_drow_kind kind;
	int idx, aux;
	const struct kdl_frame *frames;
	const char *text;
	int len;
	enum kdl_role role;
	int indent;
};

/* Graph view. */
enum kdl_gnode_kind { KDL_GN_TASK = 0, KDL_GN_LOCK, KDL_GN_GONE, KDL_GN_MORE };
struct kdl_gnode {
	enum kdl_gnode_kind kind;
	int idx;            /* task or lock; GONE: lock whose owner is gone */
	enum kdl_ctx ctx;   /* task nodes */
	int parent;         /* side nodes: index of their main lock node; main: -1 */
	bool owner;         /* side node that holds the lock (else a waiter) */
	bool in_cycle;
	int more;           /* MORE: folded count */
	int y, x, h, w;     /* box on the graph canvas */
};

enum kdl_overlay { KDL_OV_NONE = 0, KDL_OV_HELP, KDL_OV_SOURCE, KDL_OV_LOG };
enum kdl_prompt { KDL_PR_NONE = 0, KDL_PR_SEARCH, KDL_PR_EXPORT, KDL_PR_CONFIRM };

struct kdl_tui {
	const struct kdl_tui_source *src;
	const struct kdl_model *m;
	struct kdl_tui_options opts;
	char source_dir[1024];

	struct kdl_canvas cv;
	const struct kdl_glyphs *g;
	bool utf8;
	struct kdl_theme theme;
	int theme_idx;
	bool screen_on;

	bool quit;
	bool graph_view;
	enum kdl_overlay overlay;
	int ov_top;
	char **ov_lines;
	size_t ov_nlines;
	int ov_mark; /* highlighted line (source) or -1 */
	char ov_title[256];
	enum kdl_role (*ov_line_role)(const char *line); /* text overlays; NULL: default */

	struct kdl_panel panels[KDL_NPANELS];
	int focus;
	int zoom; /* panel index or -1 */

	/* Per-task facts precomputed from the model. */
	int *task_finding;   /* first finding containing the task, or -1 */
	unsigned char *task_flags;
	unsigned char *lines_done;

	/* Task list */
	int *rows;
	size_t nrows;
	bool rows_dirty;
	bool all_tasks;
	bool cpu_view;     /* only the tasks current on a CPU, by CPU */
	enum kdl_sort sort;
	bool sort_rev;
	char filter[128];
	int focus_finding; /* -1: none */

	/* Detail */
	struct kdl_loc loc;
	struct kdl_drow *drows;
	size_t ndrows, cap_drows;
	int detail_width;

	/* History for wait-chain navigation */
	struct kdl_loc hist[64];
	size_t nhist;

	/* Prompt */
	enum kdl_prompt prompt;
	char pbuf[512];
	size_t plen;
	char ptitle[128];
	void (*pdone)(struct kdl_tui *t, bool accept); /* the prompt's owner */
	void (*pedit)(struct kdl_tui *t);              /* after each edit, or NULL */
	bool export_all;
	int export_pid;
	char export_path[512];

	char status[320];
	bool status_error;

	/* Graph */
	struct kdl_gnode *gnodes;
	size_t ngnodes;
	int gsel;
	int gtop;
	int gcycle;       /* cycle shown, or -1 */
	int gback_from, gback_to; /* back edge (node indices) or -1 */
	bool gring;       /* the cycle is drawn as a ring */
	int gunfold_lock; /* lock whose waiters are unfolded, or -1 */
	int gunfold_n;    /* how many of them are shown */
	struct kdl_loc groot;
	struct kdl_canvas gcv;
	char gtitle[200];

	/* Mouse: last click for double-click detection */
	int last_click_y, last_click_x;
};

enum { KDL_TF_CYCLE = 1, KDL_TF_HOLDER = 2, KDL_TF_BLOCKED = 4, KDL_TF_SPINNING = 8 };

/* state.c */
void kdl_tui_status(struct kdl_tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kdl_tui_precompute(struct kdl_tui *t);
void kdl_tui_ensure_frames(struct kdl_tui *t, int task);
void kdl_fmt_duration(int64_t ns, char *buf, size_t size);
/* A finding's label ("deadlock", "convoy", ...); labels only: whether a
 * finding is a deadlock is kdl_finding.deadlock, decided by core/graph. */
const char *kdl_finding_title(enum kdl_finding_kind k);
enum kdl_role kdl_severity_role(enum kdl_severity s);

/* nav.c */
void kdl_tui_goto(struct kdl_tui *t, struct kdl_loc loc, bool push);
void kdl_nav_back(struct kdl_tui *t);
void kdl_nav_owner(struct kdl_tui *t);
void kdl_nav_next_finding(struct kdl_tui *t, int dir);
void kdl_nav_focus_panel(struct kdl_tui *t, int i);

/* panel.c */
void kdl_panel_draw(struct kdl_tui *t, struct kdl_panel *p, bool focused);
bool kdl_panel_request(struct kdl_tui *t, struct kdl_panel *p, enum kdl_req r);
void kdl_panel_clamp(struct kdl_tui *t, struct kdl_panel *p);

/* overlay.c */
void kdl_ov_free(struct kdl_tui *t);
void kdl_ov_add(struct kdl_tui *t, const char *s, size_t len);
void kdl_ov_frame(struct kdl_tui *t, int *oy, int *ox, int *oh, int *ow, const char *title);
void kdl_ov_draw_text(struct kdl_tui *t);
void kdl_ov_key(struct kdl_tui *t, enum kdl_req r);

/* prompt.c */
void kdl_prompt_start(struct kdl_tui *t, enum kdl_prompt p, const char *title, const char *init,
		      void (*done)(struct kdl_tui *t, bool accept), void (*edit)(struct kdl_tui *t));
void kdl_prompt_key(struct kdl_tui *t, int key);

/* chrome.c */
void kdl_chrome_header(struct kdl_tui *t);
void kdl_chrome_footer(struct kdl_tui *t);

/* cpus.c */
int kdl_task_cpu_slot(const struct kdl_model *m, int task); /* index into m->cpus, or -1 */
int kdl_task_spins_on(const struct kdl_model *m, int task); /* lock, or -1 */
int kdl_cpu_context_prefix(struct kdl_tui *t, int task, int y, int x, int w);
const char *kdl_ctx_label(enum kdl_ctx c);
const char *kdl_cpus_toggle(struct kdl_tui *t);

/* rows.c: indices from the model are checked before use (a wrong one shows
 * as missing, never as a crash). */
bool kdl_lock_ok(const struct kdl_model *m, int i);
bool kdl_task_ok(const struct kdl_model *m, int i);
const char *kdl_lock_label(const struct kdl_lock *lk);
bool kdl_lock_ownerless(enum kdl_lock_kind k);
const char *kdl_no_owner_text(const struct kdl_lock *lk, bool brief);
bool kdl_lock_rw(enum kdl_lock_kind k);
int kdl_put_owner(struct kdl_tui *t, const struct kdl_lock *lk, int y, int x, int w);
int kdl_task_waits_text(struct kdl_tui *t, int task, int y, int x, int w);
enum kdl_role kdl_state_role(const struct kdl_task *tk);
void kdl_put_marker(struct kdl_tui *t, int task, int y, int x);

/* findings.c, tasks.c, detail.c: the panels */
extern const struct kdl_panel_ops kdl_findings_ops, kdl_tasks_ops, kdl_detail_ops;
void kdl_tasks_rebuild(struct kdl_tui *t);
void kdl_tasks_select_task(struct kdl_tui *t, int task);
/* A click on the column headings at column x: sort by that column (again:
 * reverse). */
void kdl_tasks_sort_at(struct kdl_tui *t, int x);
void kdl_tasks_search(struct kdl_tui *t);
void kdl_detail_build(struct kdl_tui *t, int width);

/* graph.c */
void kdl_graph_open(struct kdl_tui *t, struct kdl_loc from);
void kdl_graph_draw(struct kdl_tui *t, int y, int h);
bool kdl_graph_request(struct kdl_tui *t, enum kdl_req r);
void kdl_graph_click(struct kdl_tui *t, int y, int x, bool dbl);
void kdl_graph_free(struct kdl_tui *t);

/* source.c, log.c, help.c: the overlays */
void kdl_tui_open_source(struct kdl_tui *t, const struct kdl_frame *f);
void kdl_log_open(struct kdl_tui *t);
void kdl_help_open(struct kdl_tui *t);
void kdl_help_draw(struct kdl_tui *t);

/* export.c */
void kdl_export_begin(struct kdl_tui *t, bool all);

/* tui.c (the top) */
/* Life cycle used by kdl_tui_run() and the headless tests. The TUI keeps
 * pointers to `src` and its model (they must outlive it) and copies `opts`;
 * the caller owns the result and frees it with kdl_tui_destroy(). NULL with a
 * message in err (e.g. a theme that does not parse). */
struct kdl_tui *kdl_tui_create(const struct kdl_tui_source *src,
			       const struct kdl_tui_options *opts, char *err, size_t errsize);
/* After curses is up (initscr/newterm): colours, keypad, mouse, size. */
void kdl_tui_screen_init(struct kdl_tui *t);
/* Handle one key (curses code); false once the user quit. */
bool kdl_tui_key(struct kdl_tui *t, int key);
/* Render to the canvas and paint it. */
void kdl_tui_draw(struct kdl_tui *t);
void kdl_tui_destroy(struct kdl_tui *t);

#endif
