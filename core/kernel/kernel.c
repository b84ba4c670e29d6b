/* core/kernel/kernel.c - create and destroy the kernel view (the rooms: see
 * kernel_priv.h). */
#include <stdlib.h>

#include "core/debuginfo/debuginfo.h"
#include "core/kernel/kernel_priv.h"

struct kdl_error *kdl_kernel_create(struct kdl_target *t, struct kdl_debuginfo *di,
				    const struct kdl_layout *layout, int ncpus,
				    struct kdl_kernel **out)
{
	struct kdl_kernel *k = calloc(1, sizeof(*k));
	uint32_t nr = 0;

	if (!k)
		return kdl_error_create(KDL_ERR_NOMEM, "kernel view: out of memory");
	k->t = t;
	k->di = di;
	k->L = layout;
	if (ncpus <= 0 && layout->nr_cpu_ids) {
		struct kdl_error *err = kdl_target_read_u32(t, layout->nr_cpu_ids, &nr);

		kdl_error_destroy(err);
		ncpus = err ? 1 : (int)nr;
	}
	if (ncpus <= 0)
		ncpus = 1;
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	k->ncpus = ncpus;
	k->cpus = calloc((size_t)ncpus, sizeof(*k->cpus));
	if (!k->cpus) {
		free(k);
		return kdl_error_create(KDL_ERR_NOMEM, "kernel view: out of memory");
	}
	for (int i = 0; i < ncpus; i++)
		kdl_kn_read_cpu(k, i);
	{
		uint64_t a, v;

		if (layout->jiffies && rd64(k, layout->jiffies, &v))
			k->jiffies = v;
		/* tick_nsec = NSEC_PER_SEC / HZ */
		if (di && kdl_debuginfo_symbol_addr(di, "tick_nsec", &a) && rd64(k, a, &v) &&
		    v >= 100000 && v <= 100000000)
			k->tick_nsec = v;
	}
	*out = k;
	return NULL;
}

void kdl_kernel_destroy(struct kdl_kernel *k)
{
	if (!k)
		return;
	free(k->cpus);
	free(k->stacks);
	free(k);
}
