/* core/kernel/cpus.c - per-CPU data (offsets, current and idle tasks, run-queue
 * clocks, hardirq and exception stacks), the task stacks and the stack
 * classifier the unwinder asks. */
#include <stdlib.h>

#include "core/kernel/kernel_priv.h"

void kdl_kn_read_cpu(struct kdl_kernel *k, int cpu)
{
	const struct kdl_layout *L = k->L;
	struct cpu_info *c = &k->cpus[cpu];
	uint64_t v;

	if (L->per_cpu_offset && rd64(k, L->per_cpu_offset + 8ull * (unsigned)cpu, &v))
		c->offset = v;
	if (!c->offset && cpu > 0)
		return;
	if (L->pcpu_current_task && rd64(k, c->offset + L->pcpu_current_task, &v) && kernel_ptr(v))
		c->current = v;
	if (L->runqueues) {
		c->rq = c->offset + L->runqueues;
		if (!c->current && rdfield(k, c->rq, &L->rq.curr, &v) && kernel_ptr(v))
			c->current = v;
		if (rdfield(k, c->rq, &L->rq.idle, &v) && kernel_ptr(v))
			c->idle = v;
		if (rdfield(k, c->rq, &L->rq.clock, &v))
			c->rq_clock = v;
	}
	if (L->pcpu_hardirq_stack_ptr && rd64(k, c->offset + L->pcpu_hardirq_stack_ptr, &v) &&
	    kernel_ptr(v)) {
		/* hardirq_stack_ptr = top of the irq stack - 8 */
		c->irq_base = v + 8 - L->irq_stack_size;
		c->has_irq = true;
	}
	if (L->pcpu_cea_exception_stacks && L->estacks.ok &&
	    rd64(k, c->offset + L->pcpu_cea_exception_stacks, &v) && kernel_ptr(v)) {
		c->df_base = v + L->estacks.df;
		c->nmi_base = v + L->estacks.nmi;
		c->db_base = v + L->estacks.db;
		c->mce_base = v + L->estacks.mce;
		c->has_estacks = true;
	}
}

int kdl_kernel_ncpus(const struct kdl_kernel *k)
{
	return k->ncpus;
}

uint64_t kdl_kernel_cpu_offset(const struct kdl_kernel *k, int cpu)
{
	return cpu >= 0 && cpu < k->ncpus ? k->cpus[cpu].offset : 0;
}

uint64_t kdl_kernel_cpu_current(const struct kdl_kernel *k, int cpu)
{
	return cpu >= 0 && cpu < k->ncpus ? k->cpus[cpu].current : 0;
}

/* ---------------------------------------------------------------- stacks */

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct kdl_error *kdl_kernel_set_task_stacks(struct kdl_kernel *k, const struct kdl_task *tasks,
					     size_t ntasks)
{
	uint64_t *s = malloc((ntasks ? ntasks : 1) * sizeof(*s));
	size_t n = 0;

	if (!s)
		return kdl_error_create(KDL_ERR_NOMEM, "task stacks: out of memory");
	for (size_t i = 0; i < ntasks; i++)
		if (tasks[i].stack_base)
			s[n++] = tasks[i].stack_base;
	qsort(s, n, sizeof(*s), u64_cmp);
	free(k->stacks);
	k->stacks = s;
	k->nstacks = n;
	return NULL;
}

static bool in_region(uint64_t base, uint64_t size, uint64_t addr)
{
	return base && addr >= base && addr - base < size;
}

bool kdl_kernel_classify_stack(void *arg, int cpu, uint64_t addr, struct kdl_stack_region *out)
{
	struct kdl_kernel *k = arg;
	const struct kdl_layout *L = k->L;
	size_t lo = 0, hi = k->nstacks;
	int first = cpu >= 0 && cpu < k->ncpus ? cpu : 0, last = cpu >= 0 && cpu < k->ncpus ? cpu : k->ncpus - 1;

	/* the CPU's own stacks first; with cpu < 0 any CPU's */
	for (int c = first; c <= last; c++) {
		const struct cpu_info *ci = &k->cpus[c];

		if (ci->has_irq && in_region(ci->irq_base, L->irq_stack_size, addr)) {
			*out = (struct kdl_stack_region){ ci->irq_base, L->irq_stack_size, KDL_CTX_IRQ };
			return true;
		}
		if (ci->has_estacks) {
			uint64_t sz = L->estacks.stksz;

			if (in_region(ci->nmi_base, sz, addr)) {
				*out = (struct kdl_stack_region){ ci->nmi_base, sz, KDL_CTX_NMI };
				return true;
			}
			if (in_region(ci->df_base, sz, addr) || in_region(ci->db_base, sz, addr) ||
			    in_region(ci->mce_base, sz, addr)) {
				uint64_t b = in_region(ci->df_base, sz, addr) ? ci->df_base :
					     in_region(ci->db_base, sz, addr) ? ci->db_base : ci->mce_base;

				*out = (struct kdl_stack_region){ b, sz, KDL_CTX_EXCEPTION };
				return true;
			}
		}
	}
	/* task stacks: the last base <= addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->stacks[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && in_region(k->stacks[lo - 1], L->thread_size, addr)) {
		*out = (struct kdl_stack_region){ k->stacks[lo - 1], L->thread_size, KDL_CTX_TASK };
		return true;
	}
	return false;
}
