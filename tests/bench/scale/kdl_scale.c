// SPDX-License-Identifier: GPL-2.0
/*
 * kdl_scale - many kernel threads blocked in realistic shapes, for kdlview's
 * benchmark (make bench). Not a truth source: the samples are.
 *
 * Parameters: ntasks (total threads), nblocked (of those, blocked in D state
 * on a lock or behind one; the rest sleep interruptibly, state S).
 * Shapes of the blocked ones (fractions of nblocked):
 *   ~6%  ABBA cycles on mutex pairs (hundreds at 10k)           sc_abN_a/b
 *   ~30% long chains: task i holds m[i], waits m[i+1] (64 long)  sc_chN_I
 *   ~30% rwsem groups: 40 readers hold it sleeping, a writer
 *        waits, 100 readers queue behind the writer             sc_rwN_hI/w/rI
 *   rest convoys: a holder sleeps holding a mutex, 250 wait      sc_cvN_h/I
 * insmod returns once every thread is in place, then prints KDL-SCALE-READY.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/completion.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/atomic.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdlview scale benchmark threads");

static int ntasks = 10000;
static int nblocked = 10000;
module_param(ntasks, int, 0444);
module_param(nblocked, int, 0444);
static int fillmb;		/* MB of kernel memory filled with noise (dump size) */
module_param(fillmb, int, 0444);

#define CHAIN_LEN 64
#define CONVOY_W 250
#define RW_HOLD 40
#define RW_QUEUE 100

enum kind { K_HOLD_SLEEP, K_HOLD_WAIT, K_ABBA, K_WAIT, K_RD_HOLD, K_WR_WAIT, K_RD_WAIT, K_IDLE };

struct sc_task {
	enum kind kind;
	struct mutex *a, *b;
	struct rw_semaphore *sem;
	struct completion ready;
	struct completion *go;
};

struct sc_pair {
	struct mutex a, b;
	struct completion go;
};

static struct sc_task *tasks;
static int ntask_used;
static atomic_t started = ATOMIC_INIT(0);
static int nbuilt[4];

static void sleep_d_forever(void)
{
	for (;;)
		msleep(1000000);
}

static int sc_fn(void *d)
{
	struct sc_task *t = d;

	atomic_inc(&started);
	switch (t->kind) {
	case K_HOLD_SLEEP:
		mutex_lock(t->a);
		complete(&t->ready);
		sleep_d_forever();
		break;
	case K_HOLD_WAIT:
		mutex_lock(t->a);
		complete(&t->ready);
		mutex_lock(t->b);
		break;
	case K_ABBA:
		mutex_lock(t->a);
		complete(&t->ready);
		wait_for_completion(t->go);
		mutex_lock(t->b);
		break;
	case K_WAIT:
		complete(&t->ready);
		mutex_lock(t->a);
		break;
	case K_RD_HOLD:
		down_read(t->sem);
		complete(&t->ready);
		sleep_d_forever();
		break;
	case K_WR_WAIT:
		complete(&t->ready);
		down_write(t->sem);
		break;
	case K_RD_WAIT:
		complete(&t->ready);
		down_read(t->sem);
		break;
	case K_IDLE:
		complete(&t->ready);
		for (;;)
			schedule_timeout_interruptible(MAX_SCHEDULE_TIMEOUT);
	}
	sleep_d_forever();	/* never reached with the shapes above */
	return 0;
}

static int left(void)
{
	return ntasks - ntask_used;
}

static int go(struct sc_task *t, int wait, const char *name)
{
	struct task_struct *ts;

	ts = kthread_create(sc_fn, t, "%s", name);
	if (IS_ERR(ts))
		return PTR_ERR(ts);
	wake_up_process(ts);
	if (wait)
		wait_for_completion(&t->ready);
	return 0;
}

static struct sc_task *slot(enum kind k)
{
	struct sc_task *t = &tasks[ntask_used++];

	t->kind = k;
	init_completion(&t->ready);
	return t;
}

static int build_abba(int n)
{
	char nm[TASK_COMM_LEN];
	int i, r;

	for (i = 0; i < n && left() >= 2; i++) {
		struct sc_pair *p = kzalloc(sizeof(*p), GFP_KERNEL);
		struct sc_task *ta, *tb;

		if (!p)
			return -ENOMEM;
		mutex_init(&p->a);
		mutex_init(&p->b);
		init_completion(&p->go);
		ta = slot(K_ABBA);
		ta->a = &p->a;
		ta->b = &p->b;
		ta->go = &p->go;
		tb = slot(K_ABBA);
		tb->a = &p->b;
		tb->b = &p->a;
		tb->go = &p->go;
		snprintf(nm, sizeof(nm), "sc_ab%d_a", i);
		r = go(ta, 1, nm);
		if (r)
			return r;
		snprintf(nm, sizeof(nm), "sc_ab%d_b", i);
		r = go(tb, 1, nm);
		if (r)
			return r;
		complete_all(&p->go);
		nbuilt[0] += 2;
		cond_resched();
	}
	return 0;
}

static int build_chains(int ntot)
{
	char nm[TASK_COMM_LEN];
	int c, i, r, len;

	for (c = 0; ntot > 0 && left() > 0; c++) {
		struct mutex *m;

		len = min3(ntot, CHAIN_LEN, left());
		m = kcalloc(len, sizeof(*m), GFP_KERNEL);
		if (!m)
			return -ENOMEM;
		for (i = 0; i < len; i++)
			mutex_init(&m[i]);
		for (i = len - 1; i >= 0; i--) {
			struct sc_task *t = slot(i == len - 1 ? K_HOLD_SLEEP : K_HOLD_WAIT);

			t->a = &m[i];
			t->b = i + 1 < len ? &m[i + 1] : NULL;
			snprintf(nm, sizeof(nm), "sc_ch%d_%d", c, i);
			r = go(t, 1, nm);
			if (r)
				return r;
		}
		ntot -= len;
		nbuilt[1] += len;
		cond_resched();
	}
	return 0;
}

static int build_rwsem(int ntot)
{
	char nm[TASK_COMM_LEN];
	int g, i, r, n, k;

	for (g = 0; ntot > 0 && left() > 0; g++) {
		struct rw_semaphore *s = kzalloc(sizeof(*s), GFP_KERNEL);
		struct sc_task *t;

		if (!s)
			return -ENOMEM;
		init_rwsem(s);
		n = min3(ntot, RW_HOLD + 1 + RW_QUEUE, left());
		k = 0;
		for (i = 0; i < RW_HOLD && k < n; i++, k++) {
			t = slot(K_RD_HOLD);
			t->sem = s;
			snprintf(nm, sizeof(nm), "sc_rw%d_h%d", g, i);
			r = go(t, 1, nm);
			if (r)
				return r;
		}
		if (k < n) {
			t = slot(K_WR_WAIT);
			t->sem = s;
			snprintf(nm, sizeof(nm), "sc_rw%d_w", g);
			r = go(t, 1, nm);
			if (r)
				return r;
			k++;
			for (i = 0; i < 1000 && !rwsem_is_contended(s); i++)
				msleep(1);
		}
		for (i = 0; k < n; i++, k++) {
			t = slot(K_RD_WAIT);
			t->sem = s;
			snprintf(nm, sizeof(nm), "sc_rw%d_r%d", g, i);
			r = go(t, 0, nm);
			if (r)
				return r;
		}
		ntot -= n;
		nbuilt[2] += n;
		cond_resched();
	}
	return 0;
}

static int build_convoys(int ntot)
{
	char nm[TASK_COMM_LEN];
	int c, i, r, n;

	for (c = 0; ntot > 0 && left() > 0; c++) {
		struct mutex *m = kzalloc(sizeof(*m), GFP_KERNEL);
		struct sc_task *t;

		if (!m)
			return -ENOMEM;
		mutex_init(m);
		n = min3(ntot, CONVOY_W + 1, left());
		t = slot(K_HOLD_SLEEP);
		t->a = m;
		snprintf(nm, sizeof(nm), "sc_cv%d_h", c);
		r = go(t, 1, nm);
		if (r)
			return r;
		for (i = 1; i < n; i++) {
			t = slot(K_WAIT);
			t->a = m;
			snprintf(nm, sizeof(nm), "sc_cv%d_%d", c, i);
			r = go(t, 0, nm);
			if (r)
				return r;
		}
		ntot -= n;
		nbuilt[3] += n;
		cond_resched();
	}
	return 0;
}

static int build_idle(void)
{
	char nm[TASK_COMM_LEN];
	int i = 0, r;

	while (left() > 0) {
		struct sc_task *t = slot(K_IDLE);

		snprintf(nm, sizeof(nm), "sc_idle%d", i++);
		r = go(t, 0, nm);
		if (r)
			return r;
		if (!(i & 63))
			cond_resched();
	}
	return 0;
}

/* Dump size without more tasks: incompressible pages makedumpfile keeps. */
static void fill_memory(void)
{
	u64 x = 0x9e3779b97f4a7c15ULL;
	int i, j;

	for (i = 0; i < fillmb; i++) {
		u64 *p = vmalloc(1 << 20);

		if (!p)
			break;
		for (j = 0; j < (1 << 20) / 8; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p[j] = x;
		}
		cond_resched();
	}
}

static int __init kdl_scale_init(void)
{
	int nb, r, i;
	unsigned long t0 = jiffies;

	if (ntasks < 1)
		return -EINVAL;
	nb = clamp(nblocked, 0, ntasks);
	tasks = vzalloc(array_size(ntasks, sizeof(*tasks)));
	if (!tasks)
		return -ENOMEM;
	r = build_abba(nb * 3 / 100);
	if (!r)
		r = build_chains(nb * 30 / 100);
	if (!r)
		r = build_rwsem(nb * 30 / 100);
	if (!r)
		r = build_convoys(nb - nbuilt[0] - nbuilt[1] - nbuilt[2]);
	if (!r)
		r = build_idle();
	fill_memory();
	/* wait until every thread ran (the waiters then block at once) */
	for (i = 0; i < 60000 && atomic_read(&started) < ntask_used; i++)
		msleep(10);
	msleep(2000);
	pr_info("KDL-SCALE {\"ntasks\":%d,\"nblocked\":%d,\"abba\":%d,\"chain\":%d,\"rwsem\":%d,\"convoy\":%d,\"idle\":%d,\"fillmb\":%d,\"started\":%d,\"err\":%d,\"secs\":%lu}\n",
		ntask_used, nbuilt[0] + nbuilt[1] + nbuilt[2] + nbuilt[3], nbuilt[0], nbuilt[1],
		nbuilt[2], nbuilt[3], ntask_used - (nbuilt[0] + nbuilt[1] + nbuilt[2] + nbuilt[3]),
		fillmb, atomic_read(&started), r, (jiffies - t0) / HZ);
	pr_info("KDL-SCALE-READY\n");
	return 0;		/* stay loaded even on a partial build: the threads use it */
}
module_init(kdl_scale_init);
