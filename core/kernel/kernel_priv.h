/* core/kernel/kernel_priv.h - what the rooms of core/kernel share, and nothing
 * else includes: the kernel view itself (struct kdl_kernel, one cpu_info per
 * CPU), the walk bounds, and the small readers every room uses (a u64/u32 at
 * an address, an integer field of the layout table, a kernel-pointer check,
 * Brent's loop check for list walks).
 *
 * The rooms: kernel.c (create/destroy), cpus.c (per-CPU data, stacks and the
 * stack classifier), tasks.c (the task lists, task states), modules.c (the
 * module list: symbols and DWARF), log.c (printk ring buffer, uts, crash time).
 * Ownership is kernel.h's: the view borrows target, debuginfo and layout and
 * owns its cpus[] and stacks[] arrays.
 */
#ifndef KDL_KERNEL_PRIV_H
#define KDL_KERNEL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kernel/kernel.h"

#define MAX_TASKS (1u << 22)      /* threads in one dump we are willing to walk */
#define MAX_THREADS_PER_GROUP (1u << 20)
#define MAX_CPUS 8192
#define MAX_MODULES 4096
#define MAX_MOD_SYMS (1u << 20)
#define MAX_LOG (32u << 20)

struct cpu_info {
	uint64_t offset;   /* __per_cpu_offset[cpu] */
	uint64_t current;  /* current task */
	uint64_t rq;       /* &runqueues for this CPU */
	uint64_t idle;     /* rq->idle */
	uint64_t rq_clock; /* rq->clock, 0 unknown */
	uint64_t irq_base, nmi_base, df_base, db_base, mce_base;
	bool has_irq, has_estacks;
};

struct kdl_kernel {
	struct kdl_target *t;
	struct kdl_debuginfo *di;
	const struct kdl_layout *L;
	int ncpus;
	struct cpu_info *cpus;
	uint64_t jiffies, tick_nsec; /* for the hung-task fallback; 0 unknown */
	uint64_t *stacks; /* sorted task stack bases */
	size_t nstacks;
};

/* Read the per-CPU data of one CPU into k->cpus[cpu] (cpus.c). */
void kdl_kn_read_cpu(struct kdl_kernel *k, int cpu);

static inline bool rd64(struct kdl_kernel *k, uint64_t addr, uint64_t *v)
{
	return kdl_target_peek_u64(k->t, addr, v) != 0;
}

static inline bool rd32(struct kdl_kernel *k, uint64_t addr, uint32_t *v)
{
	struct kdl_error *err = kdl_target_read_u32(k->t, addr, v);

	kdl_error_destroy(err);
	return err == NULL;
}

/* Read an integer field of 1..8 bytes (little endian). */
static inline bool rdfield(struct kdl_kernel *k, uint64_t base, const struct kdl_field *f,
			   uint64_t *v)
{
	unsigned char b[8] = { 0 };
	struct kdl_error *err;
	uint64_t x = 0;

	if (!f->ok || f->size == 0 || f->size > 8)
		return false;
	err = kdl_target_read(k->t, base + f->off, b, f->size);
	if (err) {
		kdl_error_destroy(err);
		return false;
	}
	for (int i = (int)f->size - 1; i >= 0; i--)
		x = (x << 8) | b[i];
	*v = x;
	return true;
}

static inline bool kernel_ptr(uint64_t p)
{
	return p >= 0xff00000000000000ull && (p & 7) == 0;
}

/* Brent's loop check for a list walk that has just moved to `node`: true
 * when the walk is going round a loop that does not pass through head. */
static inline bool list_loops(uint64_t *mark, size_t *lap, size_t *pow, uint64_t node,
			      uint64_t head)
{
	if (node == *mark && node != head)
		return true;
	if (++*lap == *pow) {
		*mark = node;
		*pow <<= 1;
		*lap = 0;
	}
	return false;
}

#endif
