/* tui/tui.h - the interactive front-end. Renders the model of a finished
 * analysis; never calls libkdumpfile or libdw (only core/analysis.h). */
#ifndef KDL_TUI_H
#define KDL_TUI_H

#include "core/analysis.h"

struct kdl_tui_options {
	const char *theme;       /* --theme NAME|FILE, or NULL for the default */
	const char *source_dir;  /* --source DIR, or NULL */
	int focus_pid;           /* --pid: select this task first, or -1 */
};

/* Run the TUI until the user quits. Returns the process exit code. The terminal
 * is restored on every exit path, also on error and on fatal signals. */
int kdl_tui_run(struct kdl_analysis *an, const struct kdl_tui_options *opts);

/* Loading progress: the analysis runs before the screen is up, so main()
 * passes this as kdl_open_options.progress when it will start the TUI; it
 * draws one self-updating line ("kdlview: stacks [####....] 45/90") on stderr
 * when stderr is a terminal (nothing otherwise). kdl_tui_progress_done()
 * clears that line; kdl_tui_run() calls it too. */
void kdl_tui_progress(void *arg, const char *phase, size_t done, size_t total);
void kdl_tui_progress_done(void);

/* The curses library's run-time version ("ncurses 6.4.20221231"), for
 * --version; a static string of the library. */
const char *kdl_tui_lib_version(void);

#endif
