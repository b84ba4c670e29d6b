/* core/debuginfo/strmap.h - a string-keyed map of the debuginfo stage (type
 * names seen in the DWARF, cached member lookups, names known to be absent),
 * on top of the generic table core/base/hash.h: the table maps a hash of the
 * key to an index into the entry array; the map compares the strings.
 *
 * Ownership: the map copies each key into blocks it owns (one allocation per
 * 64 KiB of keys, not one per key); entries live until kdl_strmap_free().
 */
#ifndef KDL_STRMAP_H
#define KDL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/hash.h"

struct kdl_strent {
	const char *key;
	uint64_t a, b; /* payload */
	int kind;
};

struct kdl_strmap {
	struct kdl_hash h;    /* kdl_hash_str(key) -> index into e */
	struct kdl_strent *e;
	size_t n, cap;
	char **blocks;        /* key storage */
	size_t nblocks, block_used;
};

/* The entry of key, NULL when none. */
const struct kdl_strent *kdl_strmap_find(const struct kdl_strmap *m, const char *key);
/* Insert key (copied); the first one wins: an existing key keeps its payload.
 * False only when out of memory (the map is then unchanged). */
bool kdl_strmap_put(struct kdl_strmap *m, const char *key, int kind, uint64_t a, uint64_t b);
/* Forget everything; the map is empty (and usable) again. */
void kdl_strmap_free(struct kdl_strmap *m);

#endif
