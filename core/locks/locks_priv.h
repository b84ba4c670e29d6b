/* core/locks/locks_priv.h - shared state of the lock analysis (core/locks/locks.c,
 * locks_waits.c, locks_owners.c, names.c). Not for use outside core/locks/: later
 * stages (core/graph) read the model and core/locks/locks.h only. */
#ifndef KDL_LOCKS_PRIV_H
#define KDL_LOCKS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/debuginfo/layout.h"
#include "core/locks/locks.h"
#include "core/base/model.h"
#include "core/target/target.h"

#include "core/base/hash.h"

/* Bounds of every walk over dump memory. */
#define KDL_LK_MAX_LIST 4096      /* list nodes followed */
#define KDL_LK_MAX_SCAN 4096      /* bytes of stack scanned for a waiter */
#define KDL_LK_MAX_FRAMES 32      /* frames looked at for classification */
#define KDL_LK_MAX_HELD 64        /* lockdep held_locks read per task */
#define KDL_LK_MAX_CODEREFS 1024  /* functions whose code is read for inference */

struct kdl_lk_stack {
	uint64_t lo, hi;
	int task;
};

struct kdl_lk_addr {
	uint64_t addr;
	int idx;
};

/* Per-lock scratch kept beside model->locks (same index). */
struct kdl_lk_extra {
	uint64_t rec_owner_word;   /* raw owner word as read */
	bool reader_owned;
	bool write_locked;
	uint64_t last_reader;      /* task recorded by a reader-owned owner word */
	uint64_t wait_head;        /* address of its wait list head, 0 none */
	int waiter_type;           /* which waiter record type its list holds */
	bool raw_spin;             /* a CPU spins on it: a real (raw) spinlock even on RT */
};

/* Global 8-byte variables a function's code refers to (cache). */
struct kdl_lk_fnvars {
	uint64_t fn;
	uint64_t *vars;
	size_t n;
};

struct kdl_lk {
	struct kdl_locks_ctx *ctx;
	struct kdl_model *m;
	struct kdl_target *t;
	const struct kdl_layout_locks *L;
	uint64_t tsize;
	struct kdl_lk_stack *stacks;  /* sorted by lo */
	size_t nstacks;
	struct kdl_lk_addr *taddr;    /* sorted by addr */
	size_t ntaddr;
	uint64_t *worker;             /* per task: struct worker address, 0 none */
	struct kdl_lk_extra *extra;   /* per lock */
	size_t extra_cap;
	struct kdl_hash lmap;         /* lock address -> index in model->locks */
	size_t locks_cap;             /* allocated length of model->locks */
	struct kdl_lk_fnvars *fnvars; /* per function seen, see kdl_lk_global_pointer_to */
	size_t nfnvars;
	bool debug_locks_known;
	bool debug_locks;
	size_t lockdep_hits;          /* held_locks entries matched to known locks */
	struct kdl_hash heads;        /* wait-list node -> index in memo */
	struct kdl_lk_head_memo *memo; /* what walk_to_head found (locks_waits.c) */
	size_t nmemo, memo_cap;
	size_t dropped;               /* locks and wait/hold edges lost to out-of-memory */
};

static inline bool kdl_lk_kptr(uint64_t v)
{
	return v >= 0xffff800000000000ULL && v < 0xfffffffffffff000ULL;
}

/* Sort taddr and stacks after filling them. */
void kdl_lk_sort(struct kdl_lk *s);
int kdl_lk_task_by_addr(const struct kdl_lk *s, uint64_t addr);
int kdl_lk_stack_of(const struct kdl_lk *s, uint64_t addr);
bool kdl_lk_u64(struct kdl_lk *s, uint64_t addr, uint64_t *v);
bool kdl_lk_u32(struct kdl_lk *s, uint64_t addr, uint32_t *v);
/* Read a field of `size` bytes (1, 2, 4 or 8) zero-extended. */
bool kdl_lk_field(struct kdl_lk *s, uint64_t base, const struct kdl_field *f, uint64_t *v);
/* Read a NUL-terminated string of at most len-1 bytes and sanitise it. */
bool kdl_lk_string(struct kdl_lk *s, uint64_t addr, char *buf, size_t len);
void kdl_lk_sanitise(char *buf);
char *kdl_lk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* core/locks/locks.c: the lock registry. When memory runs out these record
 * nothing, count what they lost in s->dropped (kdl_locks_analyse() reports it
 * as KDL_ERR_NOMEM) and fail: lock_get returns -1, the others false. */
int kdl_lk_lock_get(struct kdl_lk *s, uint64_t addr, enum kdl_lock_kind kind);
bool kdl_lk_add_waiter(struct kdl_lk *s, int li, struct kdl_ctxref who, enum kdl_mode mode);
bool kdl_lk_add_owner(struct kdl_lk *s, int li, uint64_t task_addr, enum kdl_ctx ctx,
		      enum kdl_mode mode, enum kdl_confidence conf, const char *why);

/* core/locks/locks_waits.c: waits-on. */
void kdl_lk_analyse_cpu(struct kdl_lk *s, size_t ci);
void kdl_lk_analyse_task(struct kdl_lk *s, int ti);
void kdl_lk_walk_wait_list(struct kdl_lk *s, int li);
int kdl_lk_kworker_running(struct kdl_lk *s, uint64_t work);
/* Is fn a scheduler, lock, sleep or wait primitive (not the caller)? */
bool kdl_lk_is_lock_fn(const char *fn);

/* core/locks/locks_owners.c: holders. */
struct kdl_lk_coderef {
	uint64_t fn, target;
	bool yes;
};
void kdl_lk_decode_owner(struct kdl_lk *s, int li);
void kdl_lk_lockdep_owners(struct kdl_lk *s);
void kdl_lk_infer_owners(struct kdl_lk *s, int li, struct kdl_lk_coderef *cache, size_t *ncache);
void kdl_lk_infer_wakers(struct kdl_lk *s, int li);

/* A global pointer variable whose value is `obj` and which the code of lock
 * li's waiters or holders uses (the way they reach the object): its name. */
bool kdl_lk_global_pointer_to(struct kdl_lk *s, int li, uint64_t obj, char *buf, size_t len);

/* core/locks/names.c: fill name, symbol, cache, type, member, object, offset,
 * percpu_cpu and stack_pid of lock `li`. */
void kdl_names_fill(struct kdl_lk *s, int li);

#endif
