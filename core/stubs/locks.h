/* core/stubs/locks.h - stand-in for core/locks.h (lock engineer) until it is
 * committed: the same entry point, found through -Icore/stubs only when
 * core/locks.h does not exist. */
#ifndef KDL_LOCKS_H
#define KDL_LOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/model.h"
#include "core/target.h"
#include "core/unwind.h"

struct kdl_debuginfo;
struct kdl_layout_locks;

struct kdl_locks_cpu_raw {
	bool regs_valid;
	struct kdl_regs regs;
};

struct kdl_locks_ctx {
	struct kdl_target *target;
	struct kdl_debuginfo *di;
	const struct kdl_layout_locks *layout;
	uint64_t thread_size;
	const struct kdl_locks_cpu_raw *cpus;
	size_t ncpus;
};

struct kdl_error *kdl_locks_analyse(struct kdl_locks_ctx *ctx, struct kdl_model *m);

#endif
