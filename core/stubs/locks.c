/* core/stubs/locks.c - stand-in for core/locks.c until it exists: no lock
 * analysis, every task waits on nothing known. */
#include "locks.h"

struct kdl_error *kdl_locks_analyse(struct kdl_locks_ctx *ctx, struct kdl_model *m)
{
	(void)ctx;
	for (size_t i = 0; i < m->ntasks; i++)
		m->tasks[i].waits_on = -1;
	for (size_t c = 0; c < m->ncpus; c++)
		m->cpus[c].spinning_on = -1;
	return NULL;
}
