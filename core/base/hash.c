/* core/base/hash.c - see hash.h. */
#include <stdlib.h>
#include <string.h>

#include "core/base/hash.h"

uint64_t kdl_hash_mix(uint64_t x)
{
	/* the finaliser of splitmix64: every input bit moves every output bit,
	 * so aligned addresses (low bits zero) spread over the whole table */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

uint64_t kdl_hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return kdl_hash_mix(h);
}

static size_t home(const struct kdl_hash *h, uint64_t key)
{
	return (size_t)kdl_hash_mix(key) & (h->cap - 1);
}

bool kdl_hash_get(const struct kdl_hash *h, uint64_t key, kdl_hash_eq_fn eq, void *arg,
		  uint64_t *value)
{
	if (!h->n)
		return false;
	for (size_t i = home(h, key);; i = (i + 1) & (h->cap - 1)) {
		const struct kdl_hash_slot *s = &h->slots[i];

		if (!s->used)
			return false;
		if (s->key == key && (!eq || eq(arg, s->value))) {
			*value = s->value;
			return true;
		}
	}
}

static void place(struct kdl_hash *h, uint64_t key, uint64_t value)
{
	size_t i = home(h, key);

	while (h->slots[i].used)
		i = (i + 1) & (h->cap - 1);
	h->slots[i] = (struct kdl_hash_slot){ key, value, true };
	h->n++;
}

static bool grow(struct kdl_hash *h)
{
	if ((h->n + 1) * 2 <= h->cap)
		return true;
	size_t ncap = h->cap ? h->cap * 2 : 64;
	struct kdl_hash_slot *old = h->slots, *ns = calloc(ncap, sizeof(*ns));
	size_t ocap = h->cap;

	if (!ns)
		return false;
	h->slots = ns;
	h->cap = ncap;
	h->n = 0;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].used)
			place(h, old[i].key, old[i].value);
	free(old);
	return true;
}

bool kdl_hash_add(struct kdl_hash *h, uint64_t key, uint64_t value)
{
	if (!grow(h))
		return false;
	place(h, key, value);
	return true;
}

bool kdl_hash_set(struct kdl_hash *h, uint64_t key, uint64_t value)
{
	if (h->n) {
		for (size_t i = home(h, key); h->slots[i].used; i = (i + 1) & (h->cap - 1)) {
			if (h->slots[i].key == key) {
				h->slots[i].value = value;
				return true;
			}
		}
	}
	return kdl_hash_add(h, key, value);
}

void kdl_hash_clear(struct kdl_hash *h)
{
	if (h->n)
		memset(h->slots, 0, h->cap * sizeof(*h->slots));
	h->n = 0;
}

void kdl_hash_free(struct kdl_hash *h)
{
	free(h->slots);
	h->slots = NULL;
	h->cap = h->n = 0;
}
