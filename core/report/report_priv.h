/* core/report/report_priv.h - what the rooms of core/report/ share; private to
 * that folder.
 *
 * One kdl_report_write() call fills a struct kdl_report_ctx (report.c) and
 * hands it to the writer of its format (text.c, md.c, json.c, dot.c, html.c,
 * svg.c; the last two lay out dot.c's graph through gv.c). Each
 * writer owns its format whole: tasks, CPUs and the lock analysis' parts
 * (findings, locks, cycles). chain.c decides which tasks, locks, cycles and
 * findings a report shows (the --pid chain); words.c holds the small phrases
 * two formats share. The context and everything it points to belong to the
 * caller of kdl_report_write(); writers only read the model.
 */
#ifndef KDL_REPORT_PRIV_H
#define KDL_REPORT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/base/model.h"
#include "core/report/report.h"

/* One report being written. */
struct kdl_report_ctx {
	FILE *out;
	const struct kdl_model *m;
	const struct kdl_report_options *o;
	const struct kdl_report_source *src;
	/* --pid: the pid's chain, m->ntasks + 1 flags (kdl_report_chain());
	 * NULL: every task. Computed once per report, freed by report.c. */
	const bool *chain;
};

/* ---- chain.c: what a report shows ------------------------------------------ */

/* The chain of task `pid` (what it waits on, transitively to the end of the
 * chain or cycle, and every task waiting transitively on what it holds) as
 * m->ntasks + 1 flags, all false when there is no such task; NULL when out of
 * memory. The caller frees it. */
bool *kdl_report_chain(const struct kdl_model *m, int pid);

/* Is task `ti` listed (--pid: in the chain; else --all or involved)? */
bool kdl_report_task_listed(const struct kdl_report_ctx *r, size_t ti);

/* Is task `ti` (an index, or -1 for none) in the chain (every task without
 * --pid)? */
bool kdl_report_task_in_chain(const struct kdl_report_ctx *r, int ti);

/* Lock sections: a lock, finding or cycle is shown when a task of the chain
 * (every task without --pid) takes part in it. */
bool kdl_report_lock_shown(const struct kdl_report_ctx *r, size_t li);
bool kdl_report_finding_shown(const struct kdl_report_ctx *r, const struct kdl_finding *f);
bool kdl_report_cycle_shown(const struct kdl_report_ctx *r, const struct kdl_cycle *c);

/* ---- words.c: phrases of more than one format ------------------------------- */

/* How much of an item could be read ("ok", "partial", ...). */
const char *kdl_report_quality_name(enum kdl_quality q);

/* The crash time as "Fri Nov 21  9:00:00 UTC 2025", or "unknown". */
void kdl_report_format_time(int64_t t, char *buf, size_t len);

/* "dwarf (/path/vmlinux)" or "btf (dump); no line numbers: BTF" into buf;
 * false when the model does not say (memory images). */
bool kdl_report_debuginfo(const struct kdl_dump_info *d, char *buf, size_t len);

/* "comm[pid]" of task `ti`, or "?" (written into buf, which is returned). */
const char *kdl_report_who(const struct kdl_model *m, int ti, char *buf, size_t len);

/* An owner: the task when it is in the model, else what the lock recorded. */
const char *kdl_report_owner_name(const struct kdl_model *m, const struct kdl_owner *o,
				  char *buf, size_t len);

/* What a lock's "owner" is to the reader: a holder, the worker running a
 * work item, or who would wake a wait queue or completion ("held by", or
 * "  HELD BY" when `upper`). */
const char *kdl_report_holder_verb(const struct kdl_lock *l, bool upper);

/* The verdict line of the whole dump in the TUI's long words ("2 deadlocks,
 * 5 tasks hung, 1 convoy"; "no blocked tasks, no findings"), into buf. */
const char *kdl_report_verdict(const struct kdl_model *m, char *buf, size_t len);

/* The entity of & < > " ' (HTML text and attributes, DOT labels for SVG), or
 * NULL for any other character. */
const char *kdl_report_html_entity(char c);

/* Write s with kdl_report_html_entity()'s characters escaped. */
void kdl_report_html_text(FILE *out, const char *s);

/* The page's anchors: "task-PID" ("task-PID-INDEX" for a pid seen before),
 * "lock-ADDR" in hex ("lock-ADDR-INDEX" for an address seen before). */
const char *kdl_report_task_anchor(const struct kdl_model *m, int ti, char *buf, size_t len);
const char *kdl_report_lock_anchor(const struct kdl_model *m, int li, char *buf, size_t len);

/* ---- the formats -------------------------------------------------------------- */

/* text.c; kdl_report_text_frames() also fills Markdown's code blocks. */
void kdl_report_text(const struct kdl_report_ctx *r);
void kdl_report_text_frames(FILE *out, const struct kdl_frame *f, size_t n, enum kdl_quality q);

void kdl_report_md(const struct kdl_report_ctx *r);   /* md.c */
void kdl_report_json(const struct kdl_report_ctx *r); /* json.c */
void kdl_report_dot(const struct kdl_report_ctx *r);  /* dot.c */

/* dot.c: which wait-for graph kdl_report_dot_graph() describes, and how. */
struct kdl_dot_graph {
	int cycle;             /* -1: the graph of the findings shown (the DOT
	                          report); else only cycle `cycle` */
	bool svg;              /* for Graphviz's SVG: labels entity-escaped, nodes
	                          with ids (id_prefix + the page's anchor) */
	bool links;            /* with svg: nodes link to the page's anchors */
	const char *id_prefix; /* or NULL */
};
void kdl_report_dot_graph(const struct kdl_report_ctx *r, FILE *out, const struct kdl_dot_graph *g);

/* gv.c: lay out DOT text with Graphviz's dot and render it as SVG, in a child
 * process. On success *svg (NUL-terminated, *len bytes) belongs to the caller
 * (free()); on failure (KDL_ERR_IO: no layout or SVG plugin, a graph Graphviz
 * refuses, Graphviz crashed) the out-parameters are untouched. */
struct kdl_error *kdl_report_gv_svg(const char *dot, char **svg, size_t *len);

/* svg.c: the wait-for graph `g` laid out by Graphviz, as SVG into `out`;
 * `inline_svg` drops the XML prolog (for inside HTML). */
struct kdl_error *kdl_report_svg_graph(const struct kdl_report_ctx *r, FILE *out,
				       const struct kdl_dot_graph *g, bool inline_svg);
struct kdl_error *kdl_report_svg(const struct kdl_report_ctx *r);  /* svg.c */
struct kdl_error *kdl_report_html(const struct kdl_report_ctx *r); /* html.c */

#endif
