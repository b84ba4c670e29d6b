/* Unit tests of core/base/hash.c: exact keys, hashed string keys with an
 * equality callback (colliding hashes included), growth, clear and free. */
#include <stdio.h>
#include <string.h>

#include "core/base/hash.h"
#include "tests/lib/kdltest.h"

static void test_exact(void)
{
	struct kdl_hash h = { 0 };
	uint64_t v = 0;
	bool all = true;

	KDL_CHECK(!kdl_hash_get(&h, 0, NULL, NULL, &v), "empty table finds nothing");
	for (uint64_t i = 0; i < 5000; i++)
		all &= kdl_hash_set(&h, 0xffff888000000000ull + i * 64, i);
	KDL_CHECK(all && h.n == 5000, "5000 aligned addresses added (n=%zu)", h.n);
	KDL_CHECK(h.cap >= 2 * h.n, "at most half full (cap=%zu)", h.cap);
	all = true;
	for (uint64_t i = 0; i < 5000; i++)
		all &= kdl_hash_get(&h, 0xffff888000000000ull + i * 64, NULL, NULL, &v) && v == i;
	KDL_CHECK(all, "every address finds its value");
	KDL_CHECK(!kdl_hash_get(&h, 0xffff888000000008ull, NULL, NULL, &v), "absent key");
	KDL_CHECK(kdl_hash_set(&h, 0xffff888000000040ull, 77) && h.n == 5000 &&
		  kdl_hash_get(&h, 0xffff888000000040ull, NULL, NULL, &v) && v == 77,
		  "set replaces an existing key");
	KDL_CHECK(kdl_hash_set(&h, 0, 5) && kdl_hash_get(&h, 0, NULL, NULL, &v) && v == 5,
		  "key 0 is a key like any other");
	kdl_hash_clear(&h);
	KDL_CHECK(h.n == 0 && !kdl_hash_get(&h, 0, NULL, NULL, &v), "clear forgets");
	kdl_hash_free(&h);
	KDL_CHECK(!h.slots && !h.cap, "free releases");
}

static const char *names[] = { "task_struct", "mutex", "rw_semaphore", "mm_struct", "page" };

static bool name_eq(void *arg, uint64_t value)
{
	return !strcmp(names[value], arg);
}

static void test_hashed(void)
{
	struct kdl_hash h = { 0 };
	uint64_t v = 99;

	for (size_t i = 0; i < 5; i++)
		kdl_hash_add(&h, kdl_hash_str(names[i]), i);
	KDL_CHECK(kdl_hash_get(&h, kdl_hash_str("mm_struct"), name_eq, "mm_struct", &v) && v == 3,
		  "string key found through eq");
	KDL_CHECK(!kdl_hash_get(&h, kdl_hash_str("inode"), name_eq, "inode", &v), "absent string");
	/* colliding hashes: every name under one key, eq tells them apart */
	kdl_hash_free(&h);
	for (size_t i = 0; i < 5; i++)
		kdl_hash_add(&h, 42, i);
	bool all = true;
	for (size_t i = 0; i < 5; i++)
		all &= kdl_hash_get(&h, 42, name_eq, (void *)names[i], &v) && v == i;
	KDL_CHECK(all, "equal hashes are told apart by eq");
	KDL_CHECK(kdl_hash_mix(1) != kdl_hash_mix(2) && kdl_hash_str("a") != kdl_hash_str("b"),
		  "hashes differ");
	kdl_hash_free(&h);
}

int main(void)
{
	test_exact();
	test_hashed();
	return kdl_test_done();
}
