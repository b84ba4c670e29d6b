/* core/graph/graph_priv.h - shared state of the graph stage: core/graph/graph.c
 * builds the wait-for graph, its cycles and the groups of alternative cycles;
 * core/graph/findings.c classifies and words the findings. Not for use
 * outside core/graph/. */
#ifndef KDL_GRAPH_PRIV_H
#define KDL_GRAPH_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/model.h"

#define KDL_GR_NCTX 6 /* enum kdl_ctx values */

struct kdl_gr_edge {
	int to;      /* node */
	int lock;    /* lock index, -1 for "interrupted by" */
	bool behind_writer; /* reader queued behind a writer */
};

struct kdl_gr_node {
	struct kdl_ctxref ref;
	struct kdl_gr_edge *e;
	size_t ne;
	/* Tarjan */
	int index, low, comp;
	bool on_stack;
};

struct kdl_gr {
	struct kdl_model *m;
	int *map;         /* task * KDL_GR_NCTX + ctx -> node, -1 */
	struct kdl_gr_node *n;
	size_t nn;
	int ncomp;
	size_t steps, start_steps;
	bool nomem;
	unsigned char *lflag;  /* per lock: LF_CYCLE, LF_RW (findings.c) */
	unsigned char *tcycle; /* per task: in a cycle */
	/* locks owned by each task (CSR), built on first use by add_blocked_behind */
	size_t *own_start;  /* ntasks + 1 */
	int *own;
	unsigned char *mark; /* ntasks scratch flags */
	/* alternative explanations (merge_alternatives): per lock, ambiguous
	 * reader-held; per cycle, the cycle whose finding stands for it */
	unsigned char *amb;
	int *rep;
	/* the cycles each representative stands for (itself included), CSR */
	size_t *grp_start; /* ncycles + 1 */
	int *grp;
};

/* core/graph/graph.c */

/* The owner record of the lock a cycle hop waits on, held by the next node:
 * that node itself, or the task an irq/softirq node runs on top of. */
const struct kdl_owner *kdl_gr_holder_rec(const struct kdl_lock *l, struct kdl_ctxref nx);
/* Does cycle hop i go through an inferred candidate reader of an ambiguous
 * lock (see graph.h)? Valid after the alternatives are grouped. */
bool kdl_gr_amb_hop(const struct kdl_gr *g, const struct kdl_cycle *c, size_t i);

/* core/graph/findings.c */

/* The class of a cycle: through a work item (flush), through an irq/softirq
 * on top of its own task, through a reader queued behind a writer, of one
 * node, or any other. */
enum kdl_finding_kind kdl_gr_cycle_class(bool work, bool irq, bool bw, size_t n);
/* Add every finding: one per cycle group, reader/writer stalls, then the
 * findings about single locks. Needs g->rep/grp and g->lflag/tcycle. */
void kdl_gr_findings(struct kdl_gr *g);
/* Most severe first, then by kind, then by first task. */
void kdl_gr_sort_findings(struct kdl_model *m);

#endif
