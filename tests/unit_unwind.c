/* Unit tests of core/unwind/unwind.c and core/unwind/orc.c over synthetic stacks: hand-made
 * ORC entries (both entry formats), frame-pointer chains, pt_regs crossings
 * between an IRQ stack and a task stack, user-mode ends, the stack scan, and
 * corrupt stacks that must end the walk without looping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/unwind/orc.h"
#include "core/target/target.h"
#include "core/unwind/unwind.h"
#include "core/unwind/unwind_priv.h"
#include "tests/lib/kdltest.h"

#define K 0xffffffff81000000ull
#define TASK_BASE 0xffffc90000010000ull
#define IRQ_BASE 0xffffc90000100000ull
#define NMI_BASE 0xfffffe0000010000ull
#define NMI_SIZE 0x1000ull
#define STACK_SIZE 0x4000ull

/* --- fake symbols ----------------------------------------------------------- */

struct fsym {
	const char *name;
	uint64_t off, size;
};

static const struct fsym syms[] = {
	{ "__schedule", 0x1000, 0x100 },
	{ "schedule", 0x1100, 0x80 },
	{ "__mutex_lock", 0x1200, 0x100 },
	{ "worker_fn", 0x1300, 0x100 },
	{ "kthread", 0x1400, 0x100 },
	{ "ret_from_fork", 0x1500, 0x100 },
	{ "spin_fn", 0x2000, 0x100 },
	{ "rcu_cb", 0x2100, 0x100 },
	{ "__do_softirq", 0x2200, 0x100 },
	{ "sysvec_fn", 0x2300, 0x100 },
	{ "asm_sysvec_fn", 0x2400, 0x100 },
	{ "task_fn", 0x2500, 0x100 },
	{ "do_syscall_64", 0x2600, 0x100 },
	{ "entry_SYSCALL_64", 0x2700, 0x100 },
	{ "noorc_fn", 0x3000, 0x100 },
	{ "exc_nmi", 0x3100, 0x100 },
	{ "asm_exc_nmi", 0x3200, 0x100 },
};
#define NSYMS (sizeof(syms) / sizeof(syms[0]))

static bool sym_at(void *arg, uint64_t addr, struct kdl_symbol *out)
{
	(void)arg;
	for (size_t i = 0; i < NSYMS; i++) {
		if (addr >= K + syms[i].off && addr < K + syms[i].off + syms[i].size) {
			out->name = syms[i].name;
			out->addr = K + syms[i].off;
			out->size = syms[i].size;
			out->module = NULL;
			out->is_function = true;
			return true;
		}
	}
	return false;
}

static uint64_t fn(const char *name, uint64_t off)
{
	for (size_t i = 0; i < NSYMS; i++)
		if (!strcmp(syms[i].name, name))
			return K + syms[i].off + off;
	abort();
}

/* --- stacks and classifier ---------------------------------------------------- */

static uint8_t task_stack[STACK_SIZE], irq_stack[STACK_SIZE], nmi_stack[NMI_SIZE];

static void put(uint64_t addr, uint64_t val)
{
	uint8_t *p;

	if (addr >= TASK_BASE && addr + 8 <= TASK_BASE + STACK_SIZE)
		p = task_stack + (addr - TASK_BASE);
	else if (addr >= IRQ_BASE && addr + 8 <= IRQ_BASE + STACK_SIZE)
		p = irq_stack + (addr - IRQ_BASE);
	else if (addr >= NMI_BASE && addr + 8 <= NMI_BASE + NMI_SIZE)
		p = nmi_stack + (addr - NMI_BASE);
	else
		abort();
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(val >> (8 * i));
}

/* pt_regs at addr: ip, cs, sp, bp set, others zero */
static void put_regs(uint64_t addr, uint64_t ip, uint64_t cs, uint64_t sp, uint64_t bp)
{
	for (int i = 0; i < 21; i++)
		put(addr + 8 * i, 0);
	put(addr + 4 * 8, bp);
	put(addr + 16 * 8, ip);
	put(addr + 17 * 8, cs);
	put(addr + 18 * 8, 0x246);
	put(addr + 19 * 8, sp);
	put(addr + 20 * 8, 0x18);
}

static bool classify(void *arg, int cpu, uint64_t addr, struct kdl_stack_region *out)
{
	(void)arg;
	(void)cpu;
	if (addr >= NMI_BASE && addr < NMI_BASE + NMI_SIZE) {
		*out = (struct kdl_stack_region){ NMI_BASE, NMI_SIZE, KDL_CTX_NMI };
		return true;
	}
	if (addr >= TASK_BASE && addr < TASK_BASE + STACK_SIZE) {
		*out = (struct kdl_stack_region){ TASK_BASE, STACK_SIZE, KDL_CTX_TASK };
		return true;
	}
	if (addr >= IRQ_BASE && addr < IRQ_BASE + STACK_SIZE) {
		*out = (struct kdl_stack_region){ IRQ_BASE, STACK_SIZE, KDL_CTX_IRQ };
		return true;
	}
	return false;
}

/* --- ORC builder ------------------------------------------------------------ */

struct orcb {
	enum kdl_orc_format fmt;
	uint64_t ips[64];
	uint8_t raw[64 * 6];
	size_t n;
};

enum { T_CALL, T_REGS, T_PARTIAL, T_END, T_UNDEF };

static void orc_add(struct orcb *b, uint64_t ip, int type, int sp_reg, int sp_off, int bp_reg,
		    int bp_off)
{
	uint8_t *r = b->raw + 6 * b->n;

	b->ips[b->n++] = ip;
	r[0] = (uint8_t)sp_off;
	r[1] = (uint8_t)((uint16_t)sp_off >> 8);
	r[2] = (uint8_t)bp_off;
	r[3] = (uint8_t)((uint16_t)bp_off >> 8);
	if (type == T_END || type == T_UNDEF)
		sp_reg = KDL_ORC_REG_UNDEFINED;
	r[4] = (uint8_t)(sp_reg | bp_reg << 4);
	if (b->fmt == KDL_ORC_FMT_OLD) {
		int t = type == T_REGS ? 1 : type == T_PARTIAL ? 2 : 0;

		r[5] = (uint8_t)(t | (type == T_END) << 2);
	} else {
		int t = type == T_CALL ? 2 : type == T_REGS ? 3 : type == T_PARTIAL ? 4 :
			type == T_END ? 1 : 0;

		r[5] = (uint8_t)(t | (type == T_REGS || type == T_PARTIAL) << 3);
	}
}

/* Every function: a CALL frame of `size` bytes (CFA = sp + size) with bp not
 * saved, except the special ones. */
static void orc_standard(struct orcb *b)
{
	b->n = 0;
	orc_add(b, K, T_UNDEF, 0, 0, 0, 0); /* weak terminator before the text */
	orc_add(b, fn("__schedule", 0), T_CALL, KDL_ORC_REG_SP, 8, 0, 0);
	orc_add(b, fn("__schedule", 0x10), T_CALL, KDL_ORC_REG_SP, 32, KDL_ORC_REG_PREV_SP, -16);
	orc_add(b, fn("schedule", 0), T_CALL, KDL_ORC_REG_SP, 16, 0, 0);
	orc_add(b, fn("__mutex_lock", 0), T_CALL, KDL_ORC_REG_SP, 48, 0, 0);
	orc_add(b, fn("worker_fn", 0), T_CALL, KDL_ORC_REG_SP, 24, 0, 0);
	orc_add(b, fn("kthread", 0), T_CALL, KDL_ORC_REG_SP, 32, 0, 0);
	orc_add(b, fn("ret_from_fork", 0), T_END, 0, 0, 0, 0);
	orc_add(b, fn("spin_fn", 0), T_CALL, KDL_ORC_REG_SP, 16, 0, 0);
	orc_add(b, fn("rcu_cb", 0), T_CALL, KDL_ORC_REG_SP, 16, 0, 0);
	orc_add(b, fn("__do_softirq", 0), T_CALL, KDL_ORC_REG_SP, 24, 0, 0);
	orc_add(b, fn("sysvec_fn", 0), T_CALL, KDL_ORC_REG_SP_INDIRECT, 8, 0, 0);
	orc_add(b, fn("asm_sysvec_fn", 0), T_REGS, KDL_ORC_REG_SP, 0, 0, 0);
	orc_add(b, fn("task_fn", 0), T_CALL, KDL_ORC_REG_SP, 16, 0, 0);
	orc_add(b, fn("do_syscall_64", 0), T_CALL, KDL_ORC_REG_SP, 16, 0, 0);
	orc_add(b, fn("entry_SYSCALL_64", 0), T_REGS, KDL_ORC_REG_SP, 0, 0, 0);
	orc_add(b, fn("entry_SYSCALL_64", 0x100), T_UNDEF, 0, 0, 0, 0);
	/* noorc_fn deliberately has no entry but is covered: */
	orc_add(b, fn("noorc_fn", 0), T_UNDEF, 0, 0, 0, 0);
	orc_add(b, fn("noorc_fn", 0x100), T_UNDEF, 0, 0, 0, 0);
	orc_add(b, fn("exc_nmi", 0), T_CALL, KDL_ORC_REG_SP, 24, 0, 0);
	orc_add(b, fn("asm_exc_nmi", 0), T_PARTIAL, KDL_ORC_REG_SP, 0, 0, 0); /* iret frame */
	orc_add(b, fn("asm_exc_nmi", 0x10), T_REGS, KDL_ORC_REG_SP, 0, 0, 0);
	orc_add(b, fn("asm_exc_nmi", 0x100), T_UNDEF, 0, 0, 0, 0); /* end of text */
}

static struct kdl_target *make_target(void)
{
	struct kdl_target *t = NULL;
	struct kdl_error *err = kdl_target_create_synthetic(&t);

	if (!err)
		err = kdl_target_synthetic_map(t, TASK_BASE, task_stack, sizeof(task_stack));
	if (!err)
		err = kdl_target_synthetic_map(t, IRQ_BASE, irq_stack, sizeof(irq_stack));
	if (!err)
		err = kdl_target_synthetic_map(t, NMI_BASE, nmi_stack, sizeof(nmi_stack));
	if (err) {
		kdl_test_ok(err, "synthetic target");
		exit(1);
	}
	return t;
}

static struct kdl_unwinder *make_unwinder(struct kdl_target *t, struct orcb *b)
{
	struct kdl_unwind_parts parts = {
		.symbol_at = sym_at,
		.itf_bp = 40, .itf_ret = 48, .itf_size = 56,
		.ret_from_fork = fn("ret_from_fork", 0),
	};
	struct kdl_unwinder *u = NULL;
	struct kdl_error *err = NULL;

	if (b)
		err = kdl_orc_create_raw(b->fmt, b->ips, b->raw, b->n, 0, &parts.orc);
	if (!err)
		err = kdl_unwinder_create_parts(t, &parts, classify, NULL, &u);
	if (err) {
		kdl_test_ok(err, "unwinder");
		exit(1);
	}
	return u;
}

/* "a b c" -> compare with the frame function names (reliable frames only
 * unless all is set); prints the trace on mismatch. */
static bool same_functions(const struct kdl_frame *f, size_t n, const char *want)
{
	char got[1024] = "";

	for (size_t i = 0; i < n; i++) {
		if (!f[i].reliable)
			continue;
		if (got[0])
			strcat(got, " ");
		strcat(got, f[i].function ? f[i].function : "?");
	}
	if (strcmp(got, want)) {
		printf("# got:  %s\n# want: %s\n", got, want);
		return false;
	}
	return true;
}

static void clear_stacks(void)
{
	memset(task_stack, 0, sizeof(task_stack));
	memset(irq_stack, 0, sizeof(irq_stack));
	memset(nmi_stack, 0, sizeof(nmi_stack));
}

static uint8_t code[0x4000];

/* --- scenarios --------------------------------------------------------------- */

/* A kthread sleeping in __mutex_lock. */
static uint64_t build_sleeper(void)
{
	uint64_t tsp = TASK_BASE + 0x3000, sp;

	put(tsp + 40, 0x1111);                       /* bp */
	put(tsp + 48, fn("__schedule", 0x50));       /* ret_addr */
	sp = tsp + 56;
	sp += 32; put(sp - 8, fn("schedule", 0x20)); put(sp - 16, 0x2222); /* saved bp */
	sp += 16; put(sp - 8, fn("__mutex_lock", 0x30));
	sp += 48; put(sp - 8, fn("worker_fn", 0x40));
	sp += 24; put(sp - 8, fn("kthread", 0x50));
	sp += 32; put(sp - 8, fn("ret_from_fork", 0x10));
	return tsp;
}

static void test_orc_sleeping(enum kdl_orc_format fmt)
{
	struct orcb b = { .fmt = fmt };
	struct kdl_target *t;
	struct kdl_unwinder *u;
	struct kdl_frame *f = NULL;
	size_t n = 0;
	enum kdl_quality q = KDL_Q_UNREADABLE;
	const char *fname = fmt == KDL_ORC_FMT_OLD ? "old" : "new";
	uint64_t tsp;

	clear_stacks();
	tsp = build_sleeper();
	orc_standard(&b);
	t = make_target();
	u = make_unwinder(t, &b);
	kdl_test_ok(kdl_unwind_sleeping(u, 0, tsp, &f, &n, &q), "orc(%s) sleeping unwinds", fname);
	KDL_CHECK(same_functions(f, n, "__schedule schedule __mutex_lock worker_fn kthread ret_from_fork"),
		  "orc(%s) sleeping: function list", fname);
	KDL_CHECK(q == KDL_Q_OK, "orc(%s) sleeping: quality ok (%d)", fname, q);
	KDL_CHECK(n == 6 && f[0].offset == 0x50 && f[2].offset == 0x30,
		  "orc(%s) sleeping: offsets", fname);
	KDL_CHECK(n == 6 && f[0].sp == tsp + 56 && f[1].sp == tsp + 56 + 32,
		  "orc(%s) sleeping: sp", fname);
	for (size_t i = 0; i < n; i++)
		if (f[i].context != KDL_CTX_TASK || !f[i].reliable || f[i].file)
			KDL_CHECK(0, "orc(%s) frame %zu context/reliable", fname, i);
	free(f);
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);
}

/* A CPU spinning in an RCU callback run by __do_softirq on the IRQ stack, on
 * top of task_fn, a kthread's function. */
static void build_irq(struct kdl_regs *regs)
{
	uint64_t top = IRQ_BASE + STACK_SIZE, sp, p, tsp;

	/* task side: kthread -> task_fn, interrupted at task_fn+0x20 */
	tsp = TASK_BASE + 0x3000;
	sp = tsp;
	sp += 16; put(sp - 8, fn("kthread", 0x50));
	sp += 32; put(sp - 8, fn("ret_from_fork", 0x10));
	/* pt_regs below tsp, then the return into asm_sysvec_fn */
	p = tsp - 168;
	put_regs(p, fn("task_fn", 0x20), 0x10, tsp, 0x3333);
	put(p - 8, fn("asm_sysvec_fn", 0x16));
	/* irq stack: top-8 holds the previous sp (p - 8) */
	put(top - 8, p - 8);
	put(top - 16, fn("sysvec_fn", 0x40));           /* __do_softirq returns here */
	sp = top - 8;                                    /* CFA of __do_softirq */
	sp -= 24; put(sp - 8, fn("__do_softirq", 0x60)); /* rcu_cb returns here */
	sp -= 16; put(sp - 8, fn("rcu_cb", 0x10));       /* spin_fn returns here */
	sp -= 16;                                        /* spin_fn's sp */
	memset(regs, 0, sizeof(*regs));
	regs->ip = fn("spin_fn", 0x33);
	regs->sp = sp;
	regs->cs = 0x10;
	regs->bp = 0x4444;
}

static void test_orc_irq(enum kdl_orc_format fmt)
{
	struct orcb b = { .fmt = fmt };
	struct kdl_target *t;
	struct kdl_unwinder *u;
	struct kdl_frame *f = NULL;
	struct kdl_regs regs;
	size_t n = 0;
	enum kdl_quality q = KDL_Q_UNREADABLE;
	const char *fname = fmt == KDL_ORC_FMT_OLD ? "old" : "new";
	static const enum kdl_ctx want[] = {
		KDL_CTX_SOFTIRQ, KDL_CTX_SOFTIRQ, KDL_CTX_SOFTIRQ, KDL_CTX_IRQ,
		KDL_CTX_TASK, KDL_CTX_TASK, KDL_CTX_TASK, KDL_CTX_TASK,
	};
	bool ctx_ok = true;

	clear_stacks();
	build_irq(&regs);
	orc_standard(&b);
	t = make_target();
	u = make_unwinder(t, &b);
	kdl_test_ok(kdl_unwind_regs(u, 1, &regs, &f, &n, &q), "orc(%s) irq unwinds", fname);
	KDL_CHECK(same_functions(f, n, "spin_fn rcu_cb __do_softirq sysvec_fn asm_sysvec_fn "
				 "task_fn kthread ret_from_fork"),
		  "orc(%s) irq: crosses IRQ stack and pt_regs", fname);
	for (size_t i = 0; i < n && i < 8; i++)
		if (f[i].context != want[i]) {
			printf("# frame %zu ctx %d want %d\n", i, f[i].context, want[i]);
			ctx_ok = false;
		}
	KDL_CHECK(n == 8 && ctx_ok, "orc(%s) irq: contexts softirq/irq/task", fname);
	KDL_CHECK(n >= 6 && f[0].offset == 0x33 && f[5].offset == 0x20,
		  "orc(%s) irq: exact pcs for register frames", fname);
	KDL_CHECK(q == KDL_Q_OK, "orc(%s) irq: quality ok (%d)", fname, q);
	free(f);
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);
}

/* An NMI on its own stack, on top of the softirq of build_irq(): exc_nmi
 * returns into asm_exc_nmi (full pt_regs on the NMI stack) that point into
 * spin_fn on the IRQ stack. A CPU stopped at the first instruction of the NMI
 * entry (only the iret frame pushed) crosses with REGS_PARTIAL. */
static void test_orc_nmi(void)
{
	struct orcb b = { .fmt = KDL_ORC_FMT_NEW };
	struct kdl_target *t;
	struct kdl_unwinder *u;
	struct kdl_frame *f = NULL;
	size_t n = 0;
	enum kdl_quality q = KDL_Q_UNREADABLE;
	struct kdl_regs irq, regs = { 0 };
	uint64_t top = NMI_BASE + NMI_SIZE, p = top - 168, sp;
	bool ok;

	clear_stacks();
	build_irq(&irq);
	put_regs(p, irq.ip, 0x10, irq.sp, irq.bp);
	put(p - 8, fn("asm_exc_nmi", 0x20));
	sp = p;
	sp -= 24;                              /* exc_nmi's frame */
	regs.ip = fn("exc_nmi", 0x30);
	regs.sp = sp;
	regs.cs = 0x10;
	orc_standard(&b);
	t = make_target();
	u = make_unwinder(t, &b);
	kdl_test_ok(kdl_unwind_regs(u, 1, &regs, &f, &n, &q), "orc nmi: unwinds");
	ok = same_functions(f, n, "exc_nmi asm_exc_nmi spin_fn rcu_cb __do_softirq sysvec_fn "
			    "asm_sysvec_fn task_fn kthread ret_from_fork");
	KDL_CHECK(ok && f[0].context == KDL_CTX_NMI && f[1].context == KDL_CTX_NMI &&
		  f[2].context == KDL_CTX_SOFTIRQ && f[5].context == KDL_CTX_IRQ &&
		  f[6].context == KDL_CTX_TASK, "orc nmi: NMI -> softirq -> irq -> task");
	free(f);
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);

	/* only the hardware iret frame (ip cs flags sp ss) at the NMI stack top */
	clear_stacks();
	build_irq(&irq);
	put(top - 40, irq.ip);
	put(top - 32, 0x10);
	put(top - 24, 0x246);
	put(top - 16, irq.sp);
	put(top - 8, 0x18);
	regs.ip = fn("asm_exc_nmi", 0);
	regs.sp = top - 40;
	t = make_target();
	u = make_unwinder(t, &b);
	kdl_test_ok(kdl_unwind_regs(u, 1, &regs, &f, &n, &q), "orc nmi iret frame: unwinds");
	KDL_CHECK(same_functions(f, n, "asm_exc_nmi spin_fn rcu_cb __do_softirq sysvec_fn "
				 "asm_sysvec_fn task_fn kthread ret_from_fork"),
		  "orc nmi iret frame: REGS_PARTIAL crossing");
	free(f);
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);
}

/* A task in a syscall: ends with one USER frame. */
static void test_orc_user(void)
{
	struct orcb b = { .fmt = KDL_ORC_FMT_OLD };
	struct kdl_target *t;
	struct kdl_unwinder *u;
	struct kdl_frame *f = NULL;
	size_t n = 0;
	enum kdl_quality q = KDL_Q_UNREADABLE;
	uint64_t tsp = TASK_BASE + 0x3000, sp, p;

	clear_stacks();
	put(tsp + 40, 0);
	put(tsp + 48, fn("__schedule", 0x50));
	sp = tsp + 56;
	sp += 32; put(sp - 8, fn("schedule", 0x20));
	sp += 16; put(sp - 8, fn("do_syscall_64", 0x20));
	sp += 16; put(sp - 8, fn("entry_SYSCALL_64", 0x30));
	p = sp;
	put_regs(p, 0x401000, 0x33, 0x7ffc0000, 0);
	orc_standard(&b);
	t = make_target();
	u = make_unwinder(t, &b);
	kdl_test_ok(kdl_unwind_sleeping(u, 0, tsp, &f, &n, &q), "orc user: unwinds");
	KDL_CHECK(same_functions(f, n, "__schedule schedule do_syscall_64 entry_SYSCALL_64 ?"),
		  "orc user: function list");
	KDL_CHECK(n == 5 && f[4].context == KDL_CTX_USER && f[4].pc == 0x401000 &&
		  f[4].function == NULL, "orc user: final USER frame");
	KDL_CHECK(q == KDL_Q_OK, "orc user: quality ok");
	free(f);
	/* A CPU in user mode: one USER frame. */
	{
		struct kdl_regs r = { .ip = 0x401234, .cs = 0x33, .sp = 0x7ffc0000 };

		kdl_test_ok(kdl_unwind_regs(u, 0, &r, &f, &n, &q), "orc user regs: unwinds");
		KDL_CHECK(n == 1 && f[0].context == KDL_CTX_USER, "orc user regs: one USER frame");
		free(f);
	}
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);
}

/* Frame pointers: sleeping kthread, and an interrupt encoded as bp = regs | 1,
 * and a syscall whose last frame record sits right below the user pt_regs. */
static void test_fp(void)
{
	struct kdl_target *t;
	struct kdl_unwinder *u;
	struct kdl_frame *f = NULL;
	size_t n = 0;
	enum kdl_quality q = KDL_Q_UNREADABLE;
	uint64_t tsp = TASK_BASE + 0x3000, r1, r2, r3, r4, r5, top = TASK_BASE + STACK_SIZE;

	clear_stacks();
	/* records: itf.bp slot -> r1 (schedule) -> r2 (__mutex_lock) -> r3 (worker_fn)
	 * -> r4 (kthread) -> 0 */
	r1 = tsp + 0x40; r2 = tsp + 0x80; r3 = tsp + 0xc0; r4 = tsp + 0x100;
	put(tsp + 40, r1);
	put(tsp + 48, fn("__schedule", 0x50));
	put(r1, r2); put(r1 + 8, fn("schedule", 0x20));
	put(r2, r3); put(r2 + 8, fn("__mutex_lock", 0x30));
	put(r3, r4); put(r3 + 8, fn("worker_fn", 0x40));
	put(r4, 0); put(r4 + 8, fn("kthread", 0x50));
	t = make_target();
	u = make_unwinder(t, NULL);
	kdl_test_ok(kdl_unwind_sleeping(u, 0, tsp, &f, &n, &q), "fp sleeping unwinds");
	KDL_CHECK(same_functions(f, n, "__schedule schedule __mutex_lock worker_fn kthread"),
		  "fp sleeping: function list");
	KDL_CHECK(q == KDL_Q_OK, "fp sleeping: quality ok (%d)", q);
	KDL_CHECK(n == 5 && f[1].sp == r1 + 16, "fp sleeping: sp above the record");
	free(f);
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);

	/* IRQ: spin_fn (regs) on the irq stack, records up to sysvec_fn, whose
	 * saved bp is the encoded pt_regs pointer on the task stack. */
	clear_stacks();
	{
		struct kdl_regs regs = { 0 };
		uint64_t i1 = IRQ_BASE + 0x3f00, i2 = IRQ_BASE + 0x3f40, p = tsp - 168;

		r5 = tsp + 0x40;
		regs.ip = fn("spin_fn", 0x33);
		regs.sp = i1 - 0x20;
		regs.bp = i1;
		regs.cs = 0x10;
		put(i1, i2); put(i1 + 8, fn("rcu_cb", 0x10));
		put(i2, p | 1); put(i2 + 8, fn("sysvec_fn", 0x40));
		put_regs(p, fn("task_fn", 0x20), 0x10, tsp, r5);
		put(r5, 0); put(r5 + 8, fn("kthread", 0x50));
		t = make_target();
		u = make_unwinder(t, NULL);
		kdl_test_ok(kdl_unwind_regs(u, 2, &regs, &f, &n, &q), "fp irq unwinds");
		KDL_CHECK(same_functions(f, n, "spin_fn rcu_cb sysvec_fn task_fn kthread"),
			  "fp irq: crosses encoded pt_regs");
		KDL_CHECK(n == 5 && f[2].context == KDL_CTX_IRQ && f[3].context == KDL_CTX_TASK,
			  "fp irq: contexts");
		free(f);
		kdl_unwinder_destroy(u);
		kdl_target_destroy(t);
	}

	/* syscall end: the last record is right below the task's pt_regs */
	clear_stacks();
	{
		uint64_t p = top - 168, last = p - 16;

		put(tsp + 40, last);
		put(tsp + 48, fn("__schedule", 0x50));
		put(last, 0x7ffd1234); /* user bp */
		put(last + 8, fn("entry_SYSCALL_64", 0x30));
		put_regs(p, 0x401000, 0x33, 0x7ffc0000, 0x7ffd1234);
		t = make_target();
		u = make_unwinder(t, NULL);
		kdl_test_ok(kdl_unwind_sleeping(u, 0, tsp, &f, &n, &q), "fp syscall unwinds");
		KDL_CHECK(same_functions(f, n, "__schedule entry_SYSCALL_64 ?") && n == 3 &&
			  f[2].context == KDL_CTX_USER, "fp syscall: ends with a USER frame");
		free(f);
		kdl_unwinder_destroy(u);
		kdl_target_destroy(t);
	}
}

/* Frame pointers from registers taken where bp is not set up: a frameless
 * leaf (like native_safe_halt) and a function between push %rbp and
 * mov %rsp,%rbp. Their caller must not be skipped. */
static void fp_regs_case(const struct kdl_regs *regs, const char *want, const char *name)
{
	struct kdl_target *t = make_target();
	struct kdl_unwinder *u;
	struct kdl_frame *f = NULL;
	size_t n = 0;
	enum kdl_quality q;

	kdl_test_ok(kdl_target_synthetic_map(t, K, code, sizeof(code)), "%s: map code", name);
	u = make_unwinder(t, NULL);
	kdl_test_ok(kdl_unwind_regs(u, 0, regs, &f, &n, &q), "%s: unwinds", name);
	KDL_CHECK(same_functions(f, n, want), "%s: %s", name, want);
	free(f);
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);
}

static void test_fp_prologue(void)
{
	uint64_t sp = TASK_BASE + 0x3000, rec = TASK_BASE + 0x3100;
	struct kdl_regs regs = { .sp = sp, .bp = rec, .cs = 0x10 };

	clear_stacks();
	memset(code, 0x90, sizeof(code));
	code[0x1340 - 5] = 0xe8; /* worker_fn+0x40 follows a call */
	code[0x2110 - 5] = 0xe8; /* rcu_cb+0x10 too */
	code[0x2000] = 0x55;     /* spin_fn: push %rbp; mov %rsp,%rbp */
	code[0x2001] = 0x48;
	code[0x2002] = 0x89;
	code[0x2003] = 0xe5;
	put(sp, fn("worker_fn", 0x40));
	put(rec, 0);
	put(rec + 8, fn("kthread", 0x50));
	regs.ip = fn("noorc_fn", 0x13); /* frameless: nothing pushed */
	fp_regs_case(&regs, "noorc_fn worker_fn kthread", "fp frameless leaf keeps the caller");

	put(sp, 0x5555);                 /* the pushed rbp */
	put(sp + 8, fn("rcu_cb", 0x10));
	put(rec + 8, fn("__do_softirq", 0x60));
	regs.ip = fn("spin_fn", 1);      /* after push %rbp */
	fp_regs_case(&regs, "spin_fn rcu_cb __do_softirq", "fp after push keeps the caller");

	put(rec + 8, fn("rcu_cb", 0x10));
	regs.ip = fn("spin_fn", 0x20);   /* frame set up: bp is spin_fn's record */
	fp_regs_case(&regs, "spin_fn rcu_cb", "fp with the frame set up uses the record");
}

/* Corrupt stacks: an undefined ORC entry mid-stack falls back to the scan
 * (unreliable frames, only after call instructions); a self-referencing
 * frame-pointer chain and a garbage stack end without looping. */

static void test_corrupt(void)
{
	struct orcb b = { .fmt = KDL_ORC_FMT_OLD };
	struct kdl_target *t;
	struct kdl_unwinder *u;
	struct kdl_frame *f = NULL;
	size_t n = 0;
	enum kdl_quality q = KDL_Q_OK;
	uint64_t tsp = TASK_BASE + 0x3000, sp;
	struct kdl_error *err;

	clear_stacks();
	memset(code, 0x90, sizeof(code));
	/* call sites: worker_fn+0x40 and kthread+0x50 are after e8 calls;
	 * task_fn+0x20 is not after a call */
	code[0x1340 - 5] = 0xe8;
	code[0x1450 - 5] = 0xe8;
	put(tsp + 40, 0);
	put(tsp + 48, fn("__schedule", 0x50));
	sp = tsp + 56;
	sp += 32; put(sp - 8, fn("noorc_fn", 0x20)); /* covered by an undefined entry */
	put(sp + 0x10, fn("worker_fn", 0x40));
	put(sp + 0x18, fn("task_fn", 0x20));
	put(sp + 0x28, fn("kthread", 0x50));
	orc_standard(&b);
	t = make_target();
	err = kdl_target_synthetic_map(t, K, code, sizeof(code));
	kdl_test_ok(err, "map code");
	u = make_unwinder(t, &b);
	kdl_test_ok(kdl_unwind_sleeping(u, 0, tsp, &f, &n, &q), "scan: unwinds");
	KDL_CHECK(same_functions(f, n, "__schedule noorc_fn"), "scan: reliable part");
	KDL_CHECK(n == 4 && !f[2].reliable && !strcmp(f[2].function, "worker_fn") &&
		  !f[3].reliable && !strcmp(f[3].function, "kthread"),
		  "scan: only return addresses after calls, unreliable (n=%zu)", n);
	KDL_CHECK(q == KDL_Q_UNRELIABLE, "scan: quality unreliable");
	KDL_CHECK(kdl_unwind_is_return_address(u, fn("worker_fn", 0x40)) &&
		  !kdl_unwind_is_return_address(u, fn("task_fn", 0x20)) &&
		  !kdl_unwind_is_return_address(u, 0x1234), "is_return_address");
	free(f);
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);

	/* FP loop: a record pointing at itself */
	clear_stacks();
	put(tsp + 40, tsp + 0x40);
	put(tsp + 48, fn("__schedule", 0x50));
	put(tsp + 0x40, tsp + 0x40);
	put(tsp + 0x48, fn("schedule", 0x20));
	t = make_target();
	u = make_unwinder(t, NULL);
	kdl_test_ok(kdl_unwind_sleeping(u, 0, tsp, &f, &n, &q), "fp loop: returns");
	KDL_CHECK(n >= 2 && n < 10 && q != KDL_Q_OK, "fp loop: stops (n=%zu q=%d)", n, q);
	free(f);
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);

	/* ORC over a stack of return addresses to itself: must end, bounded. */
	clear_stacks();
	for (uint64_t a = TASK_BASE; a < TASK_BASE + STACK_SIZE; a += 8)
		put(a, fn("schedule", 0x20));
	orc_standard(&b);
	t = make_target();
	u = make_unwinder(t, &b);
	kdl_test_ok(kdl_unwind_sleeping(u, 0, TASK_BASE + 0x100, &f, &n, &q), "orc garbage: returns");
	KDL_CHECK(n <= KDL_UNWIND_MAX_FRAMES && q != KDL_Q_OK, "orc garbage: bounded (n=%zu)", n);
	free(f);
	/* thread.sp outside any mapped memory: an error, not a crash */
	f = NULL;
	err = kdl_unwind_sleeping(u, 0, 0xffff888000000000ull, &f, &n, &q);
	KDL_CHECK(err && err->code == KDL_ERR_FAULT && f == NULL, "unreadable thread.sp: fault");
	kdl_error_destroy(err);
	kdl_unwinder_destroy(u);
	kdl_target_destroy(t);
}

static void test_decode(void)
{
	struct kdl_orc_entry e;
	const uint8_t old_call[6] = { 0x10, 0x00, 0xf0, 0xff, 0x15, 0x00 };
	const uint8_t old_end[6] = { 0, 0, 0, 0, 0x00, 0x04 };
	const uint8_t old_regs[6] = { 0, 0, 0, 0, 0x05, 0x01 };
	const uint8_t new_call[6] = { 0x10, 0x00, 0xf0, 0xff, 0x15, 0x02 };
	const uint8_t new_end[6] = { 0, 0, 0, 0, 0x00, 0x01 };
	const uint8_t new_partial[6] = { 0, 0, 0, 0, 0x05, 0x0c };

	kdl_orc_decode(KDL_ORC_FMT_OLD, old_call, &e);
	KDL_CHECK(e.type == KDL_ORC_CALL && e.sp_offset == 16 && e.bp_offset == -16 &&
		  e.sp_reg == KDL_ORC_REG_SP && e.bp_reg == KDL_ORC_REG_PREV_SP && !e.signal,
		  "decode old call");
	kdl_orc_decode(KDL_ORC_FMT_OLD, old_end, &e);
	KDL_CHECK(e.type == KDL_ORC_END_OF_STACK, "decode old end");
	kdl_orc_decode(KDL_ORC_FMT_OLD, old_regs, &e);
	KDL_CHECK(e.type == KDL_ORC_REGS && e.signal, "decode old regs");
	kdl_orc_decode(KDL_ORC_FMT_NEW, new_call, &e);
	KDL_CHECK(e.type == KDL_ORC_CALL && e.sp_offset == 16 && e.bp_offset == -16, "decode new call");
	kdl_orc_decode(KDL_ORC_FMT_NEW, new_end, &e);
	KDL_CHECK(e.type == KDL_ORC_END_OF_STACK, "decode new end");
	kdl_orc_decode(KDL_ORC_FMT_NEW, new_partial, &e);
	KDL_CHECK(e.type == KDL_ORC_REGS_PARTIAL && e.signal, "decode new regs_partial+signal");
}

/* Unsorted input and a weak terminator at the same ip as a real entry. */
static void test_lookup(void)
{
	struct orcb b = { .fmt = KDL_ORC_FMT_OLD };
	struct kdl_orc *orc = NULL;
	struct kdl_orc_entry e;

	orc_add(&b, K + 0x200, T_CALL, KDL_ORC_REG_SP, 24, 0, 0);
	orc_add(&b, K + 0x100, T_CALL, KDL_ORC_REG_SP, 8, 0, 0);
	orc_add(&b, K + 0x200, T_UNDEF, 0, 0, 0, 0);
	orc_add(&b, K + 0x300, T_END, 0, 0, 0, 0);
	kdl_test_ok(kdl_orc_create_raw(b.fmt, b.ips, b.raw, b.n, 0x1000, &orc), "lookup: create");
	KDL_CHECK(kdl_orc_find(orc, K + 0x1000 + 0x150, &e) && e.sp_offset == 8,
		  "lookup: kaslr-shifted, rightmost <= ip");
	KDL_CHECK(kdl_orc_find(orc, K + 0x1000 + 0x200, &e) && e.type == KDL_ORC_CALL &&
		  e.sp_offset == 24, "lookup: real entry wins over weak terminator");
	KDL_CHECK(!kdl_orc_find(orc, K + 0x50, &e), "lookup: below table");
	kdl_orc_destroy(orc);
}

/* Random stacks full of text addresses, stack addresses and noise, over ORC
 * and frame pointers: every walk must end, bounded, without a fault. */
static void test_random(void)
{
	struct orcb b = { .fmt = KDL_ORC_FMT_OLD };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t worst = 0, bad = 0;

	orc_standard(&b);
	for (int iter = 0; iter < 200; iter++) {
		struct kdl_target *t;
		struct kdl_unwinder *u;
		struct kdl_frame *f = NULL;
		size_t n = 0;
		enum kdl_quality q;
		struct kdl_regs regs = { 0 };
		struct kdl_error *err;

		for (uint64_t a = 0; a < STACK_SIZE; a += 8) {
			for (int s = 0; s < 2; s++) {
				uint64_t r, v;

				seed ^= seed << 13;
				seed ^= seed >> 7;
				seed ^= seed << 17;
				r = seed;
				switch (r % 5) {
				case 0: v = K + 0x1000 + (r >> 8) % 0x2800; break;      /* text */
				case 1: v = TASK_BASE + ((r >> 8) % STACK_SIZE); break; /* task stack */
				case 2: v = IRQ_BASE + ((r >> 8) % STACK_SIZE); break;  /* irq stack */
				case 3: v = (TASK_BASE + ((r >> 8) % STACK_SIZE)) | 1; break; /* "regs" */
				default: v = r; break;
				}
				put((s ? IRQ_BASE : TASK_BASE) + a, v);
			}
		}
		for (size_t i = 0; i < sizeof(code); i++)
			code[i] = (i * 7 + (size_t)iter) % 3 ? 0xe8 : (uint8_t)(seed >> (i % 56));
		t = make_target();
		err = kdl_target_synthetic_map(t, K, code, sizeof(code));
		kdl_error_destroy(err);
		u = make_unwinder(t, iter % 2 ? &b : NULL);
		err = kdl_unwind_sleeping(u, 0, TASK_BASE + (iter * 64) % 0x3000, &f, &n, &q);
		if (err || n > KDL_UNWIND_MAX_FRAMES)
			bad++;
		kdl_error_destroy(err);
		free(f);
		f = NULL;
		regs.ip = K + 0x1000 + (uint64_t)iter * 37 % 0x2800;
		regs.sp = IRQ_BASE + (iter * 40) % 0x3f00;
		regs.bp = TASK_BASE + (iter * 24) % 0x3f00;
		regs.cs = 0x10;
		err = kdl_unwind_regs(u, 0, &regs, &f, &n, &q);
		if (err || n > KDL_UNWIND_MAX_FRAMES)
			bad++;
		if (n > worst)
			worst = n;
		kdl_error_destroy(err);
		free(f);
		kdl_unwinder_destroy(u);
		kdl_target_destroy(t);
	}
	KDL_CHECK(bad == 0, "random stacks: 400 walks end, bounded (longest %zu frames)", worst);
}

int main(void)
{
	test_random();
	test_decode();
	test_lookup();
	test_orc_sleeping(KDL_ORC_FMT_OLD);
	test_orc_sleeping(KDL_ORC_FMT_NEW);
	test_orc_irq(KDL_ORC_FMT_OLD);
	test_orc_irq(KDL_ORC_FMT_NEW);
	test_orc_nmi();
	test_orc_user();
	test_fp();
	test_fp_prologue();
	test_corrupt();
	return kdl_test_done();
}
