/* core/report/report.h - headless reports of a finished analysis: text (crash's `bt`
 * layout), Markdown, JSON (contract: tests/schema/report.schema.json) and
 * Graphviz DOT.
 *
 * The report reads the model through core/analysis.h; it may compute frames
 * lazily (for --all or --pid) through kdl_analysis_task_frames(). Sections are
 * written by separate static functions in core/report/report.c so that the lock
 * analysis can add its own (locks, cycles, findings) next to them.
 */
#ifndef KDL_REPORT_H
#define KDL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/analysis.h"
#include "core/base/error.h"

enum kdl_report_format {
	KDL_REPORT_TEXT = 0,
	KDL_REPORT_MD,
	KDL_REPORT_JSON,
	KDL_REPORT_DOT,
};

struct kdl_report_options {
	enum kdl_report_format format;
	bool all_tasks; /* --all: every task, not only blocked/on-CPU/involved */
	int pid;        /* --pid: only this task (and CPUs), or -1 */
};

/* Parse "text", "md", "json", "dot"; false when unknown. */
bool kdl_report_format_parse(const char *name, enum kdl_report_format *out);

/* Write the report to out. KDL_ERR_IO when writing fails. */
struct kdl_error *kdl_report_write(struct kdl_analysis *an, const struct kdl_report_options *opts,
				   FILE *out);

/* Write the report to the file `path` so that it appears complete or not at
 * all: into a temporary file next to it, then link()ed into place (an
 * existing path is never clobbered: KDL_ERR_USAGE "exists") or, with
 * `overwrite`, rename()d over it. KDL_ERR_IO naming the path when it cannot
 * be written; no temporary file is left behind. */
struct kdl_error *kdl_report_write_file(struct kdl_analysis *an,
					const struct kdl_report_options *opts, const char *path,
					bool overwrite);

#endif
