/* core/report/report.h - headless reports of a finished model: text (crash's
 * `bt` layout), Markdown, JSON (contract: tests/schema/report.schema.json),
 * Graphviz DOT, a self-contained HTML page to share, and the wait-for graph as
 * SVG (the last two laid out by Graphviz's library, libgvc).
 *
 * The report reads the model and nothing else of the analysis: what is filled
 * lazily (a task's frames for --all or --pid, file:line, inlined callers) it
 * asks for through the callbacks of a struct kdl_report_source, which
 * core/analysis.c fills (kdl_analysis_report_source()) and a test may fill
 * by hand or leave NULL.
 *
 * Rooms: report.c dispatches and writes files, chain.c selects the --pid
 * chain, and one file per format (text.c, md.c, json.c, dot.c, html.c,
 * svg.c) writes that format's task, CPU and lock parts; gv.c is the only door
 * to libgvc; core/report/report_priv.h is their shared, private interface.
 */
#ifndef KDL_REPORT_H
#define KDL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/base/error.h"
#include "core/base/model.h"

enum kdl_report_format {
	KDL_REPORT_TEXT = 0,
	KDL_REPORT_MD,
	KDL_REPORT_JSON,
	KDL_REPORT_DOT,
	KDL_REPORT_HTML, /* one page: verdict, findings, a graph per cycle, tasks, locks */
	KDL_REPORT_SVG,  /* the DOT report's graph, laid out */
};

struct kdl_report_options {
	enum kdl_report_format format;
	bool all_tasks; /* --all: every task, not only blocked/on-CPU/involved */
	int pid;        /* --pid: only this task (and CPUs), or -1 */
};

/* What a report reads. The model is owned by whoever filled the source; the
 * callbacks (each may be NULL: the model is then reported as it is) fill its
 * lazy parts and are called with `arg`. */
struct kdl_report_source {
	const struct kdl_model *model;
	void *arg;
	/* make sure task `task` has its frames */
	struct kdl_error *(*task_frames)(void *arg, size_t task);
	/* make sure the frames of task `task` (or of CPU `cpu` when task < 0) have
	 * their file:line */
	struct kdl_error *(*resolve_lines)(void *arg, int task, int cpu);
	/* the functions inlined at a frame, innermost first; returns the count */
	size_t (*frame_inlines)(void *arg, int task, int cpu, size_t frame,
				struct kdl_inline *out, size_t max);
};

/* Parse "text", "md", "json", "dot", "html", "svg"; false when unknown. */
bool kdl_report_format_parse(const char *name, enum kdl_report_format *out);

/* Write the report to out. KDL_ERR_IO when writing fails, and for html and
 * svg when Graphviz cannot lay out the graph (its plugins missing); then part
 * of the report may have been written (kdl_report_write_file() leaves no
 * file). */
struct kdl_error *kdl_report_write(const struct kdl_report_source *src,
				   const struct kdl_report_options *opts, FILE *out);

/* Write the report to the file `path` so that it appears complete or not at
 * all: into a temporary file next to it, then link()ed into place (an
 * existing path is never clobbered: KDL_ERR_USAGE "exists") or, with
 * `overwrite`, rename()d over it. KDL_ERR_IO naming the path when it cannot
 * be written; no temporary file is left behind. */
struct kdl_error *kdl_report_write_file(const struct kdl_report_source *src,
					const struct kdl_report_options *opts, const char *path,
					bool overwrite);

#endif
