/* core/debuginfo/strmap.c - see strmap.h. */
#include "core/debuginfo/strmap.h"

#include <stdlib.h>
#include <string.h>

#define KEY_BLOCK (64 * 1024)

struct probe {
	const struct kdl_strmap *m;
	const char *key;
};

static bool same_key(void *arg, uint64_t value)
{
	const struct probe *p = arg;

	return !strcmp(p->m->e[value].key, p->key);
}

static const struct kdl_strent *find_hashed(const struct kdl_strmap *m, const char *key,
					    uint64_t h)
{
	struct probe p = { m, key };
	uint64_t i;

	if (!kdl_hash_get(&m->h, h, same_key, &p, &i))
		return NULL;
	return &m->e[i];
}

const struct kdl_strent *kdl_strmap_find(const struct kdl_strmap *m, const char *key)
{
	return find_hashed(m, key, kdl_hash_str(key));
}

/* A copy of key in the current block (a new block when it is full). */
static const char *copy_key(struct kdl_strmap *m, const char *key)
{
	size_t len = strlen(key) + 1;
	char *dst;

	if (!m->nblocks || m->block_used + len > KEY_BLOCK) {
		size_t bsz = len > KEY_BLOCK ? len : KEY_BLOCK;
		char **nb = realloc(m->blocks, (m->nblocks + 1) * sizeof(*nb));

		if (!nb)
			return NULL;
		m->blocks = nb;
		nb[m->nblocks] = malloc(bsz);
		if (!nb[m->nblocks])
			return NULL;
		m->nblocks++;
		m->block_used = 0;
	}
	dst = m->blocks[m->nblocks - 1] + m->block_used;
	memcpy(dst, key, len);
	m->block_used += len;
	return dst;
}

bool kdl_strmap_put(struct kdl_strmap *m, const char *key, int kind, uint64_t a, uint64_t b)
{
	uint64_t h = kdl_hash_str(key);
	struct kdl_strent *e;

	if (find_hashed(m, key, h))
		return true;
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024;
		struct kdl_strent *ne = realloc(m->e, ncap * sizeof(*ne));

		if (!ne)
			return false;
		m->e = ne;
		m->cap = ncap;
	}
	e = &m->e[m->n];
	e->key = copy_key(m, key);
	if (!e->key || !kdl_hash_add(&m->h, h, m->n))
		return false; /* a copied key stays in its block until free */
	e->kind = kind;
	e->a = a;
	e->b = b;
	m->n++;
	return true;
}

void kdl_strmap_free(struct kdl_strmap *m)
{
	kdl_hash_free(&m->h);
	free(m->e);
	for (size_t i = 0; i < m->nblocks; i++)
		free(m->blocks[i]);
	free(m->blocks);
	memset(m, 0, sizeof(*m));
}
