/* core/locks/names.h - display names of locks and other resources.
 *
 * A lock is named the way a person recognises it, in this order: on a task's
 * stack ("stack of pid N"); a global or module symbol plus member path
 * ("rcu_state.node[0].boost_mtx"); a per-CPU variable ("runqueues.lock on CPU
 * 2"); a member of a slab object found through the dump's page/slab metadata
 * ("mm_struct.mmap_lock @0x... of java[12862]"); else its address. The parts
 * go to kdl_lock.symbol/cache/type/member/object/offset/percpu_cpu/stack_pid.
 *
 * The functions live in core/locks/names.c and are called by kdl_locks_analyse()
 * (core/locks/locks.h) for every lock it adds; they take the analysis' private state
 * (core/locks/locks_priv.h), so there is no public entry point here beyond the
 * helper below.
 */
#ifndef KDL_NAMES_H
#define KDL_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"
#include "core/debuginfo/layout.h"
#include "core/base/model.h"
#include "core/target/target.h"

struct kdl_debuginfo;

/* Name any address the way a lock would be named (for the TUI's "what is at
 * this address" and for tests): fills out->name and its parts. `m` gives the
 * task stacks and mm owners (may have no tasks); `thread_size` 0 means 16 KiB.
 * The strings in *out are malloc'd: free them with kdl_names_clear(). */
struct kdl_error *kdl_names_lock_at(struct kdl_target *t, struct kdl_debuginfo *di,
				    const struct kdl_layout_locks *L, struct kdl_model *m,
				    uint64_t thread_size, uint64_t addr, struct kdl_lock *out);
void kdl_names_clear(struct kdl_lock *l);

/* The struct type a slab cache's objects have, guessed from the cache name
 * ("mm_struct" -> "mm_struct", "kdl_obj_cache" -> "kdl_obj", "filp" ->
 * "file"); writes "" for the generic kmalloc caches. */
void kdl_names_cache_type(const char *cache, char *buf, size_t len);

#endif
