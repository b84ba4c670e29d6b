/* core/graph/graph.h - the wait-for graph over execution contexts, its cycles and the
 * findings, computed from the lock parts of a model (core/base/model.h).
 *
 * Nodes are contexts (a task, or an irq/softirq running on top of a task);
 * a context that waits on a lock has an edge to every context holding it in
 * a conflicting mode (a reader queued on a reader-held rwsem instead waits for
 * the writers queued before it); a task context has an edge to the irq or
 * softirq context running on top of it (it cannot run until that returns).
 * Strongly connected components (Tarjan) bound the search; elementary cycles
 * are enumerated inside each component, at most KDL_GRAPH_MAX_CYCLES.
 *
 * A reader-held lock whose inferred readers outnumber its reader count (or,
 * count unknown, has several inferred readers) is ambiguous: its readers are
 * candidates. Cycles from one waiter through such a lock to different
 * candidates are alternative explanations of one wait: m->cycles keeps one of
 * them, the longest (the first found among equals), and its finding names
 * every candidate and what the others would give. Each finding's summary marks
 * inferred and stale holder edges and its confidence is the weakest of them.
 *
 * Inside: core/graph/graph.c (nodes, edges, components, cycles, alternatives)
 * and core/graph/findings.c (classification, severity, summaries), sharing
 * core/graph/graph_priv.h. All finding classification lives here: the
 * front-ends read kdl_finding.kind and .deadlock and decide nothing again.
 *
 * core/analysis.c calls kdl_graph_build() right after kdl_locks_analyse()
 * (core/locks/locks.h), the stage that fills what it reads; tests call it on
 * a model filled by hand. Graph reads the model and the public
 * core/locks/locks.h only (kdl_locks_blocking_fn() names where a context
 * waits). KDL_DEBUG_LOCKS=1 in the environment prints the findings on stderr.
 */
#ifndef KDL_GRAPH_H
#define KDL_GRAPH_H

#include "core/base/error.h"
#include "core/base/model.h"

/* Bounds of the elementary-cycle search: cycles kept, and search steps in
 * all (each start node also gets at most 100000). */
#define KDL_GRAPH_MAX_CYCLES 65536
#define KDL_GRAPH_MAX_STEPS 20000000

/* Fill m->cycles and m->findings (both must be empty) from m->locks,
 * m->tasks[].waits_on/holds and m->cpus[].spinning_on. The model owns what is
 * added. */
struct kdl_error *kdl_graph_build(struct kdl_model *m);

#endif
