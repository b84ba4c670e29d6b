/* core/base/hash.h - the one hash table of core/: open addressing over
 * (64-bit key, 64-bit value) slots, linear probing, power-of-two capacity,
 * at most half full.
 *
 * Two ways to use it:
 *   - exact keys: the key is the datum itself (an address, a pc); pass
 *     eq = NULL and a key matches a slot when the two are equal;
 *   - hashed keys (strings, composite keys): the key is a hash of the datum
 *     (kdl_hash_str(), kdl_hash_mix()), the value says where the caller keeps
 *     the datum (an index into its array, a pointer), and eq(arg, value) tells
 *     whether a slot with an equal hash really holds the datum looked for.
 *
 * Ownership: the table owns its slots only; values are the caller's. A zeroed
 * struct kdl_hash is an empty table; kdl_hash_free() releases the slots.
 */
#ifndef KDL_HASH_H
#define KDL_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kdl_hash_slot {
	uint64_t key;
	uint64_t value;
	bool used;
};

struct kdl_hash {
	struct kdl_hash_slot *slots;
	size_t cap, n;
};

/* Does the datum the caller keeps under `value` equal the one looked for? */
typedef bool (*kdl_hash_eq_fn)(void *arg, uint64_t value);

/* A well-spread 64-bit hash of an integer, and of a NUL-terminated string. */
uint64_t kdl_hash_mix(uint64_t x);
uint64_t kdl_hash_str(const char *s);

/* The value of the first slot with this key for which eq (when not NULL)
 * says yes; false (and *value untouched) when there is none. */
bool kdl_hash_get(const struct kdl_hash *h, uint64_t key, kdl_hash_eq_fn eq, void *arg,
		  uint64_t *value);

/* Add key -> value without looking for an existing equal key (the caller
 * has looked with kdl_hash_get() when keys must stay unique). False only
 * when memory runs out; the table is then unchanged. */
bool kdl_hash_add(struct kdl_hash *h, uint64_t key, uint64_t value);

/* Exact keys: set the value of `key`, adding it when absent. False only when
 * memory runs out. */
bool kdl_hash_set(struct kdl_hash *h, uint64_t key, uint64_t value);

/* Forget every entry, keep the slots for reuse. */
void kdl_hash_clear(struct kdl_hash *h);
/* Release the slots; the table is empty (and usable) again. */
void kdl_hash_free(struct kdl_hash *h);

#endif
