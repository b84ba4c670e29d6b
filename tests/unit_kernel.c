/* core/kernel over synthetic memory with hand-made layouts: a 6.x kernel
 * (__state, signal->thread_head, SCHED_INFO) and an older one (long state,
 * thread_group, no SCHED_INFO: hung-task last_switch_time), crash's state
 * letters, idle tasks, per-CPU current and stacks, a looping task list (no
 * hang, partial), and the printk ring buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/str.h"
#include "core/kernel/kernel.h"
#include "core/debuginfo/layout.h"
#include "core/target/target.h"
#include "tests/lib/kdltest.h"

#define TASK_SIZE 0x800
#define PCPU 0xffff888010000000ull   /* per-CPU areas: PCPU + cpu * 0x10000 */
#define TASKS 0xffff888000100000ull  /* task i at TASKS + i * TASK_SIZE */
#define INIT_TASK 0xffffffff82000000ull
#define OFFSETS 0xffffffff82100000ull /* __per_cpu_offset[] */
#define SIGNALS 0xffff888000200000ull
#define STACKS 0xffffc90000000000ull

static struct kdl_field F(uint32_t off, uint32_t size)
{
	return (struct kdl_field){ off, size, true };
}

/* Field offsets of the fake task_struct. */
enum {
	O_STATE = 0x10, O_EXIT = 0x18, O_FLAGS = 0x1c, O_CPU = 0x20, O_PID = 0x24, O_TGID = 0x28,
	O_PARENT = 0x30, O_COMM = 0x40, O_MM = 0x50, O_STACK = 0x58, O_SP = 0x60, O_TASKS = 0x70,
	O_GROUP = 0x80, O_SIGNAL = 0x90, O_TNODE = 0xa0, O_ARRIVAL = 0xb0, O_SWITCH = 0xb8,
};

static void layout_new(struct kdl_layout *L, bool modern)
{
	memset(L, 0, sizeof(*L));
	L->task.size = TASK_SIZE;
	L->task.state = modern ? F(O_STATE, 4) : F(O_STATE, 8);
	L->task.state_is_new = modern;
	L->task.exit_state = F(O_EXIT, 4);
	L->task.flags = F(O_FLAGS, 4);
	L->task.cpu = F(O_CPU, 4);
	L->task.pid = F(O_PID, 4);
	L->task.tgid = F(O_TGID, 4);
	L->task.real_parent = F(O_PARENT, 8);
	L->task.comm = F(O_COMM, 16);
	L->task.mm = F(O_MM, 8);
	L->task.stack = F(O_STACK, 8);
	L->task.thread_sp = F(O_SP, 8);
	L->task.tasks = F(O_TASKS, 16);
	if (modern) {
		L->task.signal = F(O_SIGNAL, 8);
		L->task.thread_node = F(O_TNODE, 16);
		L->signal.thread_head = F(0x10, 16);
		L->task.last_arrival = F(O_ARRIVAL, 8);
	} else {
		L->task.thread_group = F(O_GROUP, 16);
	}
	L->task.last_switch_time = F(O_SWITCH, 8);
	L->rq.clock = F(0x0, 8);
	L->rq.curr = F(0x8, 8);
	L->rq.idle = F(0x10, 8);
	L->thread_size = 0x4000;
	L->irq_stack_size = 0x4000;
	L->init_task = INIT_TASK;
	L->per_cpu_offset = OFFSETS;
	L->runqueues = 0x100;          /* per-CPU offset */
	L->pcpu_current_task = 0x200;  /* per-CPU offset */
	L->pcpu_hardirq_stack_ptr = 0x208;
	L->jiffies = 0xffffffff82200000ull;
}

struct img {
	struct kdl_target *t;
	unsigned char task[8][TASK_SIZE];
	uint64_t addr[8];
};

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void map64(struct kdl_target *t, uint64_t addr, uint64_t v)
{
	kdl_error_destroy(kdl_target_synthetic_map(t, addr, &v, 8));
}

/* Tasks: 0 init_task (pid 0, idle CPU 0), 1 idle of CPU 1 (pid 0), 2 init (pid 1),
 * 3 a process leader (pid 10, D), 4 its thread (pid 11, on CPU 1, R),
 * 5 a kthread (pid 20, TASK_IDLE), 6 a zombie (pid 30), 7 rtlock waiter (pid 31). */
static void build(struct img *im, bool modern, bool loop)
{
	static const struct { int pid, tgid, parent; uint32_t state, exit; const char *comm; int cpu; }
	def[8] = {
		{ 0, 0, 0, 0, 0, "swapper/0", 0 },
		{ 0, 0, 0, 0, 0, "swapper/1", 1 },
		{ 1, 1, 0, 1, 0, "init", 0 },
		{ 10, 10, 2, 2, 0, "leader", 0 },
		{ 11, 10, 2, 0, 0, "worker", 1 },
		{ 20, 20, 2, 0x402, 0, "kworker/0:1", 0 },
		{ 30, 30, 2, 0x80, 0x20, "zombie", 0 },
		{ 31, 31, 2, 0x1000, 0, "rtwait", 1 },
	};
	/* process list (tasks): init_task -> 2 -> 3 -> 5 -> 6 -> 7 -> init_task */
	static const int procs[] = { 0, 2, 3, 5, 6, 7 };
	const int nprocs = 6;

	memset(im, 0, sizeof(*im));
	kdl_target_create_synthetic(&im->t);
	for (int i = 0; i < 8; i++) {
		unsigned char *p = im->task[i];

		im->addr[i] = i == 0 ? INIT_TASK : TASKS + (uint64_t)i * TASK_SIZE;
		if (modern)
			put32(p + O_STATE, def[i].state);
		else
			put64(p + O_STATE, def[i].state);
		put32(p + O_EXIT, def[i].exit);
		put32(p + O_FLAGS, i == 5 ? 0x00200000 : 0);
		put32(p + O_CPU, (uint32_t)def[i].cpu);
		put32(p + O_PID, (uint32_t)def[i].pid);
		put32(p + O_TGID, (uint32_t)def[i].tgid);
		memcpy(p + O_COMM, def[i].comm, strlen(def[i].comm));
		put64(p + O_STACK, STACKS + (uint64_t)i * 0x4000);
		put64(p + O_ARRIVAL, 1000000000ull);        /* rq clock is 5 s */
		put64(p + O_SWITCH, 4294667296ull + 1000);  /* jiffies - 299000 */
	}
	for (int i = 0; i < 8; i++)
		put64(im->task[i] + O_PARENT, im->addr[def[i].parent]);
	for (int k = 0; k < nprocs; k++) {
		int i = procs[k], nx = procs[(k + 1) % nprocs];

		put64(im->task[i] + O_TASKS, im->addr[nx] + O_TASKS);
	}
	if (loop) /* 6 points back at 3: a ring that never returns to init_task */
		put64(im->task[6] + O_TASKS, im->addr[3] + O_TASKS);
	/* thread lists: each leader alone, except 3 with its thread 4 */
	for (int k = 0; k < nprocs; k++) {
		int i = procs[k];
		uint64_t sig = SIGNALS + (uint64_t)k * 0x100, head = sig + 0x10;
		unsigned char s[0x20] = { 0 };

		if (modern) {
			put64(im->task[i] + O_SIGNAL, sig);
			if (i == 3) {
				put64(s + 0x10, im->addr[3] + O_TNODE);
				put64(im->task[3] + O_TNODE, im->addr[4] + O_TNODE);
				put64(im->task[4] + O_TNODE, head);
			} else {
				put64(s + 0x10, im->addr[i] + O_TNODE);
				put64(im->task[i] + O_TNODE, head);
			}
			kdl_error_destroy(kdl_target_synthetic_map(im->t, sig, s, sizeof(s)));
		} else {
			if (i == 3) {
				put64(im->task[3] + O_GROUP, im->addr[4] + O_GROUP);
				put64(im->task[4] + O_GROUP, im->addr[3] + O_GROUP);
			} else {
				put64(im->task[i] + O_GROUP, im->addr[i] + O_GROUP);
			}
		}
	}
	for (int i = 0; i < 8; i++)
		kdl_error_destroy(kdl_target_synthetic_map(im->t, im->addr[i], im->task[i], TASK_SIZE));
	/* per-CPU: offsets, run queues (clock 5 s), current tasks, irq stacks */
	for (int c = 0; c < 2; c++) {
		uint64_t base = PCPU + (uint64_t)c * 0x10000;
		unsigned char area[0x300] = { 0 };

		map64(im->t, OFFSETS + 8ull * (unsigned)c, base);
		put64(area + 0x100, 5000000000ull);                     /* rq.clock */
		put64(area + 0x108, im->addr[c == 0 ? 0 : 4]);         /* rq.curr */
		put64(area + 0x110, im->addr[c]);                      /* rq.idle */
		put64(area + 0x200, im->addr[c == 0 ? 0 : 4]);         /* current_task */
		put64(area + 0x208, 0xffffc90000100000ull + (uint64_t)c * 0x10000 + 0x4000 - 8);
		kdl_error_destroy(kdl_target_synthetic_map(im->t, base, area, sizeof(area)));
	}
	map64(im->t, 0xffffffff82200000ull, 4294967296ull);       /* jiffies_64 */
}

static const struct kdl_task *find(const struct kdl_task *t, size_t n, int pid, int cpu)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].pid == pid && (cpu < 0 || t[i].cpu == cpu))
			return &t[i];
	return NULL;
}

static void test_tasks(bool modern)
{
	const char *gen = modern ? "6.x" : "4.x";
	struct kdl_layout L;
	struct img *im = calloc(1, sizeof(*im));
	struct kdl_kernel *k = NULL;
	struct kdl_task *t = NULL;
	size_t n = 0;
	bool partial = true;
	const struct kdl_task *x;
	struct kdl_stack_region r;

	layout_new(&L, modern);
	build(im, modern, false);
	if (!kdl_test_ok(kdl_kernel_create(im->t, NULL, &L, 2, &k), "%s: create", gen))
		goto out;
	if (!kdl_test_ok(kdl_kernel_read_tasks(k, &t, &n, &partial), "%s: read tasks", gen))
		goto out;
	KDL_CHECK(n == 8 && !partial, "%s: 8 tasks, complete (got %zu, partial %d)", gen, n, partial);
	KDL_CHECK(n >= 2 && t[0].pid == 0 && t[1].pid == 0 && t[0].cpu == 0 && t[1].cpu == 1,
		  "%s: idle tasks of both CPUs first", gen);
	for (size_t i = 1; i < n; i++)
		if (t[i].pid < t[i - 1].pid)
			kdl_test_fail("%s: tasks not sorted by pid", gen);
	x = find(t, n, 10, -1);
	KDL_CHECK(x && !strcmp(x->state, "UN") && x->ppid == 1 && !strcmp(x->comm, "leader"),
		  "%s: pid 10 UN, ppid 1, comm", gen);
	if (x && modern)
		KDL_CHECK(x->blocked_for_ns == 4000000000ll, "%s: blocked 4 s (rq clock - "
			  "last_arrival), got %lld", gen, (long long)x->blocked_for_ns);
	else if (x)
		/* no SCHED_INFO: jiffies - last_switch_time = 299000 ticks; HZ unknown
		 * without tick_nsec, so unknown */
		KDL_CHECK(x->blocked_for_ns == -1, "%s: blocked-for unknown without HZ", gen);
	x = find(t, n, 11, -1);
	KDL_CHECK(x && x->tgid == 10 && x->on_cpu && !strcmp(x->state, "RU") &&
		  x->blocked_for_ns == -1, "%s: thread 11 of group 10 found, on CPU", gen);
	x = find(t, n, 20, -1);
	KDL_CHECK(x && !strcmp(x->state, "ID") && x->kthread, "%s: TASK_IDLE kthread is ID", gen);
	x = find(t, n, 30, -1);
	KDL_CHECK(x && !strcmp(x->state, "ZO"), "%s: zombie is ZO", gen);
	x = find(t, n, 31, -1);
	KDL_CHECK(x && !strcmp(x->state, "UN") && x->rtlock_wait, "%s: TASK_RTLOCK_WAIT is UN, "
		  "flagged", gen);
	KDL_CHECK(kdl_kernel_cpu_current(k, 1) == im->addr[4], "%s: CPU 1 current", gen);
	kdl_test_ok(kdl_kernel_set_task_stacks(k, t, n), "%s: task stacks", gen);
	KDL_CHECK(kdl_kernel_classify_stack(k, 1, STACKS + 3 * 0x4000 + 0x100, &r) &&
		  r.ctx == KDL_CTX_TASK && r.base == STACKS + 3 * 0x4000, "%s: task stack classified",
		  gen);
	KDL_CHECK(kdl_kernel_classify_stack(k, 1, 0xffffc90000110000ull + 0x10, &r) &&
		  r.ctx == KDL_CTX_IRQ && r.size == 0x4000, "%s: CPU 1 irq stack classified", gen);
	KDL_CHECK(!kdl_kernel_classify_stack(k, 0, 0xffffc90000110000ull + 0x10, &r),
		  "%s: CPU 1's irq stack is not CPU 0's", gen);
out:
	free(t);
	kdl_kernel_destroy(k);
	kdl_target_destroy(im->t);
	free(im);
}

static void test_loop(void)
{
	struct kdl_layout L;
	struct img *im = calloc(1, sizeof(*im));
	struct kdl_kernel *k = NULL;
	struct kdl_task *t = NULL;
	size_t n = 0;
	bool partial = false;

	layout_new(&L, true);
	build(im, true, true);
	kdl_test_ok(kdl_kernel_create(im->t, NULL, &L, 2, &k), "loop: create");
	if (k && kdl_test_ok(kdl_kernel_read_tasks(k, &t, &n, &partial), "loop: read tasks ends"))
		KDL_CHECK(partial && n >= 5 && n <= 8, "loop: a task list that never returns is "
			  "partial (%zu tasks)", n);
	free(t);
	kdl_kernel_destroy(k);
	kdl_target_destroy(im->t);
	free(im);
}

static void test_letters(void)
{
	static const struct { uint32_t st, ex; const char *want; bool rt; } tab[] = {
		{ 0x0, 0, "RU", false },   { 0x1, 0, "IN", false },    { 0x2, 0, "UN", false },
		{ 0x102, 0, "UN", false }, { 0x402, 0, "ID", false },  { 0x4, 0, "ST", false },
		{ 0x104, 0, "ST", false }, { 0x8, 0, "TR", false },    { 0x200, 0, "WA", false },
		{ 0x40, 0, "PA", false },  { 0x800, 0, "NE", false },  { 0x80, 0x20, "ZO", false },
		{ 0x80, 0x10, "DE", false }, { 0x1000, 0, "UN", true }, { 0x2001, 0, "IN", false },
		{ 0x2002, 0, "UN", false },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		char s[3];
		bool rt;

		kdl_task_state_letters(tab[i].st, tab[i].ex, s, &rt);
		KDL_CHECK(!strcmp(s, tab[i].want) && rt == tab[i].rt, "state 0x%x exit 0x%x -> %s%s",
			  tab[i].st, tab[i].ex, tab[i].want, tab[i].rt ? " (rtlock)" : "");
	}
}

static void test_sanitize(void)
{
	char out[32];

	kdl_sanitize("ab\x01\xff\\c", 6, out, sizeof(out));
	KDL_CHECK(!strcmp(out, "ab\\x01\\xff\\x5cc"), "sanitize control, high and backslash");
	kdl_sanitize("0123456789abcdef", 16, out, 8);
	KDL_CHECK(strlen(out) == 7, "sanitize bounded");
}

/* printk ring buffer: 4 descriptors, a 64-byte text ring; record 5 wraps
 * around the ring's end (its text sits at offset 0), record 6 has no data. */
static void test_log(void)
{
	const uint64_t RB = 0xffffffff82300000ull, DESCS = 0xffffffff82310000ull,
		       INFOS = 0xffffffff82320000ull, DATA = 0xffffffff82330000ull;
	struct kdl_layout L;
	struct kdl_target *t = NULL;
	struct kdl_kernel *k = NULL;
	unsigned char rb[0x60] = { 0 }, descs[4 * 24] = { 0 }, infos[4 * 32] = { 0 }, data[64];
	char *text = NULL;
	size_t len = 0;
	/* id, begin, next, text, ts (ns) */
	static const struct { uint64_t id, begin, next; const char *msg; uint64_t ts; } rec[] = {
		{ 3, 0x10, 0x20, "three", 1000000000ull },
		{ 4, 0x20, 0x38, "four four", 2500000000ull },
		{ 5, 0x38, 0x50, "wrapped", 3000001000ull }, /* 0x38 -> next wrap 0x50 */
		{ 6, 1, 1, "", 4000000000ull },             /* data-less (NO_LPOS) */
	};

	layout_new(&L, true);
	L.prb.ok = true;
	L.prb.desc_ring = F(0x0, 48);
	L.prb.text_data_ring = F(0x30, 32);
	L.prb.dr_count_bits = F(0x0, 4);
	L.prb.dr_descs = F(0x8, 8);
	L.prb.dr_infos = F(0x10, 8);
	L.prb.dr_head_id = F(0x18, 8);
	L.prb.dr_tail_id = F(0x20, 8);
	L.prb.tr_size_bits = F(0x0, 4);
	L.prb.tr_data = F(0x8, 8);
	L.prb.tr_head_lpos = F(0x10, 8);
	L.prb.tr_tail_lpos = F(0x18, 8);
	L.prb.desc_size = 24;
	L.prb.info_size = 32;
	L.prb.desc_state_var = F(0x0, 8);
	L.prb.desc_text_blk_lpos = F(0x8, 16);
	L.prb.blk_begin = F(0x0, 8);
	L.prb.blk_next = F(0x8, 8);
	L.prb.info_seq = F(0x0, 8);
	L.prb.info_ts_nsec = F(0x8, 8);
	L.prb.info_text_len = F(0x10, 2);
	L.prb.blk_id_off = F(0x8, 0);
	L.prb_ptr = 0xffffffff82400000ull;

	put32(rb + 0x0, 2);          /* count_bits: 4 descriptors */
	put64(rb + 0x8, DESCS);
	put64(rb + 0x10, INFOS);
	put64(rb + 0x18, 6);         /* head id */
	put64(rb + 0x20, 3);         /* tail id */
	put32(rb + 0x30, 6);         /* size_bits: 64 bytes */
	put64(rb + 0x38, DATA);
	memset(data, '#', sizeof(data));
	for (size_t i = 0; i < 4; i++) {
		uint64_t idx = rec[i].id & 3, sv = rec[i].id | (2ull << 62); /* finalized */
		size_t tl = strlen(rec[i].msg);
		uint64_t at = rec[i].begin >> 6 != rec[i].next >> 6 ? 0 : rec[i].begin & 63;

		put64(descs + idx * 24, sv);
		put64(descs + idx * 24 + 8, rec[i].begin);
		put64(descs + idx * 24 + 16, rec[i].next);
		put64(infos + idx * 32 + 8, rec[i].ts);
		infos[idx * 32 + 0x10] = (unsigned char)tl;
		if (tl && !(rec[i].begin & 1))
			memcpy(data + at + 8, rec[i].msg, tl);
	}
	kdl_target_create_synthetic(&t);
	kdl_error_destroy(kdl_target_synthetic_map(t, RB, rb, sizeof(rb)));
	kdl_error_destroy(kdl_target_synthetic_map(t, DESCS, descs, sizeof(descs)));
	kdl_error_destroy(kdl_target_synthetic_map(t, INFOS, infos, sizeof(infos)));
	kdl_error_destroy(kdl_target_synthetic_map(t, DATA, data, sizeof(data)));
	map64(t, L.prb_ptr, RB);
	map64(t, OFFSETS, PCPU);
	kdl_test_ok(kdl_kernel_create(t, NULL, &L, 1, &k), "log: create");
	if (k && kdl_test_ok(kdl_kernel_read_log(k, &text, &len), "log: read ring buffer")) {
		if (!KDL_CHECK(!strcmp(text, "[    1.000000] three\n[    2.500000] four four\n"
					   "[    3.000001] wrapped\n[    4.000000] \n"),
			       "log: 4 records in order, wrapped text from the ring start, empty "
			       "record"))
			fprintf(stdout, "# got: %s\n", text);
	}
	free(text);
	kdl_kernel_destroy(k);
	kdl_target_destroy(t);
}

int main(void)
{
	test_log();
	test_letters();
	test_sanitize();
	test_tasks(true);
	test_tasks(false);
	test_loop();
	return kdl_test_done();
}
