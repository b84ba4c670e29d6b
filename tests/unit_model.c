/* Unit tests of core/base/model.c and the synthetic target of core/target/target.c. */
#include <stdlib.h>
#include <string.h>

#include "core/base/model.h"
#include "core/target/target.h"
#include "tests/lib/kdltest.h"

static void test_names(void)
{
	KDL_CHECK(!strcmp(kdl_ctx_name(KDL_CTX_SOFTIRQ), "softirq"), "ctx name softirq");
	KDL_CHECK(!strcmp(kdl_lock_kind_name(KDL_LOCK_RWSEM), "rwsem"), "lock kind rwsem");
	KDL_CHECK(!strcmp(kdl_finding_kind_name(KDL_F_RW_DEADLOCK), "rw_deadlock"),
		  "finding rw_deadlock");
	KDL_CHECK(!strcmp(kdl_mode_name(KDL_MODE_READ), "read"), "mode read");
}

static void test_lookup(void)
{
	struct kdl_model *m = calloc(1, sizeof(*m));
	int pids[] = { 0, 0, 1, 2, 7, 40, 41 };

	m->ntasks = sizeof(pids) / sizeof(pids[0]);
	m->tasks = calloc(m->ntasks, sizeof(*m->tasks));
	for (size_t i = 0; i < m->ntasks; i++)
		m->tasks[i].pid = pids[i];
	m->tasks[3].frames = malloc(16);
	KDL_CHECK(kdl_model_task_by_pid(m, 0) == 0, "pid 0 -> first idle task");
	KDL_CHECK(kdl_model_task_by_pid(m, 40) == 5, "pid 40 found");
	KDL_CHECK(kdl_model_task_by_pid(m, 3) == -1, "pid 3 absent");
	KDL_CHECK(kdl_model_task_by_pid(m, 99) == -1, "pid 99 absent");
	KDL_CHECK(kdl_model_lock_by_addr(m, 0x1234) == -1, "no locks");
	kdl_model_destroy(m);
	kdl_model_destroy(NULL);
}

static void test_synthetic(void)
{
	struct kdl_target *t = NULL;
	unsigned char a[16], b[8], buf[24];
	uint64_t v = 0;
	uint32_t w = 0;

	for (int i = 0; i < 16; i++)
		a[i] = (unsigned char)i;
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(0xa0 + i);
	if (!kdl_test_ok(kdl_target_create_synthetic(&t), "create synthetic target"))
		return;
	kdl_test_ok(kdl_target_synthetic_map(t, 0xffff888000001000ull, a, sizeof(a)), "map a");
	kdl_test_ok(kdl_target_synthetic_map(t, 0xffff888000001010ull, b, sizeof(b)), "map b");
	kdl_test_ok(kdl_target_read(t, 0xffff888000001000ull, buf, 24), "read across regions");
	KDL_CHECK(buf[15] == 15 && buf[16] == 0xa0 && buf[23] == 0xa7, "bytes across regions");
	kdl_test_ok(kdl_target_read_u64(t, 0xffff888000001008ull, &v), "read u64");
	KDL_CHECK(v == 0x0f0e0d0c0b0a0908ull, "u64 little endian");
	kdl_test_ok(kdl_target_read_u32(t, 0xffff888000001010ull, &w), "read u32");
	KDL_CHECK(w == 0xa3a2a1a0u, "u32 little endian");
	{
		struct kdl_error *err = kdl_target_read(t, 0xffff888000001014ull, buf, 8);

		KDL_CHECK(err && err->code == KDL_ERR_FAULT, "read past end is a fault");
		kdl_error_destroy(err);
	}
	KDL_CHECK(!kdl_target_peek_u64(t, 0x1000, &v), "peek unmapped fails");
	KDL_CHECK(kdl_target_fault_count(t) == 2, "two faults counted");
	kdl_target_destroy(t);
}

int main(void)
{
	test_names();
	test_lookup();
	test_synthetic();
	return kdl_test_done();
}
