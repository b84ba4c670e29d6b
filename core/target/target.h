/* core/target/target.h - reading kernel memory: the one interface every decoder uses.
 *
 * A target is either a real dump (kdl_dump_open() in core/target/dump.h opens
 * the file, kdl_dump_target() hands out its target) or a synthetic memory
 * image built by tests (kdl_target_create_synthetic() below). Decoders only
 * call kdl_target_read() and friends, so they run unchanged over both.
 *
 * Ownership: a target owns its backend's priv (ops->destroy frees it, when
 * set) and is freed by kdl_target_destroy(), except a dump's target, which
 * its dump owns and frees in kdl_dump_destroy(). Buffers are the caller's.
 */
#ifndef KDL_TARGET_H
#define KDL_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"

struct kdl_target;

/* Backend operations; a backend fills this table. `read` reads `len` bytes at
 * kernel virtual address `addr` into `buf`, or returns an error (KDL_ERR_FAULT
 * or KDL_ERR_EXCLUDED) without a partial result. `read_phys` does the same for
 * a physical address; no function of this header calls it (a dump's physical
 * memory is read with kdl_dump_read_phys()). `destroy` frees priv; may be NULL
 * when the target does not own it. */
struct kdl_target_ops {
	struct kdl_error *(*read)(void *priv, uint64_t addr, void *buf, size_t len);
	struct kdl_error *(*read_phys)(void *priv, uint64_t paddr, void *buf, size_t len);
	void (*destroy)(void *priv);
};

/* Create a target over a backend; the target takes ownership of priv and calls
 * ops->destroy(priv) on destroy. */
struct kdl_error *kdl_target_create(const struct kdl_target_ops *ops, void *priv,
				    struct kdl_target **out);
void kdl_target_destroy(struct kdl_target *t);

/* Read bytes at a kernel virtual address. On failure *buf is unspecified. */
struct kdl_error *kdl_target_read(struct kdl_target *t, uint64_t addr, void *buf, size_t len);
/* Little-endian integer reads; *out is untouched on failure. */
struct kdl_error *kdl_target_read_u64(struct kdl_target *t, uint64_t addr, uint64_t *out);
struct kdl_error *kdl_target_read_u32(struct kdl_target *t, uint64_t addr, uint32_t *out);
/* Convenience: returns true and sets *out when the read succeeds, false
 * otherwise (the error is counted in kdl_target_fault_count()). */
int kdl_target_peek_u64(struct kdl_target *t, uint64_t addr, uint64_t *out);
/* Number of failed reads since creation (for "partial" reporting). */
size_t kdl_target_fault_count(const struct kdl_target *t);

/* Capture hook for tests/fuzz (robustness engineer): when set, fn is called
 * after every successful kdl_target_read() of any target with the bytes read,
 * so that a tool can record the memory an analysis touches. The hook is
 * disabled while it runs (it may read the same target). Not thread-safe;
 * NULL clears it. */
typedef void (*kdl_target_capture_fn)(void *arg, struct kdl_target *t, uint64_t addr,
				      const void *buf, size_t len);
void kdl_target_set_capture_hook(kdl_target_capture_fn fn, void *arg);

/* A synthetic target for tests: a set of (address, bytes) regions. */
struct kdl_error *kdl_target_create_synthetic(struct kdl_target **out);
struct kdl_error *kdl_target_synthetic_map(struct kdl_target *t, uint64_t addr,
					   const void *data, size_t len);

#endif
