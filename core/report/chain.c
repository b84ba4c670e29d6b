/* core/report/chain.c - which tasks, locks, cycles and findings a report shows:
 * the --pid chain, computed once per report, and the rules that read it. */
#include "core/report/report_priv.h"

#include <stdlib.h>

/* Mark task p's chain in `in` (bounded: 256 hops forward, 256 rounds back). */
static void chain_mark(const struct kdl_model *m, int p, bool *in)
{
	bool grew = true;

	in[p] = true;
	/* forward: what p waits on, its holders, what they wait on, ... */
	for (int cur = p, hops = 0; cur >= 0 && hops < 256; hops++) {
		int w = m->tasks[cur].waits_on, next = -1;

		if (w < 0 || (size_t)w >= m->nlocks)
			break;
		for (size_t o = 0; o < m->locks[w].nowners; o++) {
			int ot = m->locks[w].owners[o].who.task;

			if (ot >= 0 && !in[ot]) {
				in[ot] = true;
				if (next < 0)
					next = ot;
			}
		}
		cur = next;
	}
	/* backward: every task waiting, transitively, on what p holds */
	{
		bool *back = calloc(m->ntasks + 1, sizeof(bool));

		if (!back)
			return;
		back[p] = true;
		for (int round = 0; grew && round < 256; round++) {
			grew = false;
			for (size_t li = 0; li < m->nlocks; li++) {
				const struct kdl_lock *l = &m->locks[li];
				bool held = false;

				for (size_t o = 0; o < l->nowners; o++)
					held |= l->owners[o].who.task >= 0 && back[l->owners[o].who.task];
				if (!held)
					continue;
				for (size_t w = 0; w < l->nwaiters; w++) {
					int wt = l->waiters[w].who.task;

					if (wt >= 0 && !back[wt]) {
						back[wt] = true;
						grew = true;
					}
				}
			}
		}
		for (size_t i = 0; i < m->ntasks; i++)
			in[i] |= back[i];
		free(back);
	}
}

bool *kdl_report_chain(const struct kdl_model *m, int pid)
{
	bool *in = calloc(m->ntasks + 1, sizeof(bool));
	int p = kdl_model_task_by_pid(m, pid);

	if (in && p >= 0)
		chain_mark(m, p, in);
	return in;
}

bool kdl_report_task_listed(const struct kdl_report_ctx *r, size_t ti)
{
	if (r->o->pid >= 0)
		return r->chain && ti < r->m->ntasks && r->chain[ti];
	return r->o->all_tasks || r->m->tasks[ti].involved;
}

bool kdl_report_task_in_chain(const struct kdl_report_ctx *r, int ti)
{
	return ti >= 0 && (!r->chain || r->chain[ti]);
}

bool kdl_report_lock_shown(const struct kdl_report_ctx *r, size_t li)
{
	const struct kdl_lock *l = &r->m->locks[li];

	for (size_t o = 0; o < l->nowners; o++)
		if (kdl_report_task_in_chain(r, l->owners[o].who.task))
			return true;
	for (size_t w = 0; w < l->nwaiters; w++)
		if (kdl_report_task_in_chain(r, l->waiters[w].who.task))
			return true;
	return false;
}

bool kdl_report_finding_shown(const struct kdl_report_ctx *r, const struct kdl_finding *f)
{
	for (size_t i = 0; i < f->ntasks; i++)
		if (kdl_report_task_in_chain(r, f->tasks[i]))
			return true;
	return false;
}

bool kdl_report_cycle_shown(const struct kdl_report_ctx *r, const struct kdl_cycle *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (kdl_report_task_in_chain(r, c->nodes[i].task))
			return true;
	return false;
}
