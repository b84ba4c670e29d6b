/* core/report/report_locks.h - the lock analysis' parts of the reports (core/report/report.c
 * calls these next to its own sections): findings, locks, cycles, the per-task
 * "waits on" lines, the JSON fields of issue 4's contract and the DOT graph.
 *
 * Every function only reads the model; output goes to `out`.
 */
#ifndef KDL_REPORT_LOCKS_H
#define KDL_REPORT_LOCKS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/base/model.h"
#include "core/report/report.h"

/* A JSON string (escaped) or null; defined in core/report/report.c. */
void kdl_report_json_str(FILE *out, const char *s);

/* --pid PID: is task `ti` in PID's chain (what PID waits on, transitively to
 * the end of the chain or cycle, and every task waiting transitively on what
 * PID holds)? */
bool kdl_report_locks_in_chain(const struct kdl_model *m, int pid, size_t ti);

/* Text: FINDINGS section (before the tasks), per-task "WAITS ON/HOLDS" lines
 * (after a task's STATE line), LOCKS and CYCLES sections (after the CPUs). */
void kdl_report_locks_text_findings(FILE *out, const struct kdl_model *m,
				    const struct kdl_report_options *o);
void kdl_report_locks_text_task(FILE *out, const struct kdl_model *m, size_t ti);
void kdl_report_locks_text_locks(FILE *out, const struct kdl_model *m,
				 const struct kdl_report_options *o);

/* Markdown: "## Findings" (with the summaries) and "## Locks" tables. */
void kdl_report_locks_md(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o);

/* JSON: fields appended to a task object and a CPU object (each starts with
 * ", "), and the top-level "locks", "cycles", "findings" members (starting
 * with ",\n"). */
void kdl_report_locks_json_task(FILE *out, const struct kdl_model *m, size_t ti);
void kdl_report_locks_json_cpu(FILE *out, const struct kdl_model *m, size_t ci);
void kdl_report_locks_json(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o);

/* DOT: the whole wait-for graph of the findings (tasks, locks, waits and
 * held-by edges; cycles in red). */
void kdl_report_locks_dot(FILE *out, const struct kdl_model *m, const struct kdl_report_options *o);

#endif
