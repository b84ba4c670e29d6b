// SPDX-License-Identifier: GPL-2.0
/*
 * kdl_scen - builds known lock states for kdlview's sample dumps.
 *
 * Control file /proc/kdl/ctl (written by the initramfs /init):
 *   "start"    build every non-wedging kernel-thread scenario, in order
 *   "orphan"   the rwsem whose writer oopses (last: the oops turns lockdep off)
 *   "manifest" print the manifest (primary truth) of everything built so far
 *   "wedge"    build the CPU-wedging scenarios (non-RT) and print their manifest
 * Reading /proc/kdl/ctl says "ready N/M" or "wait N/M COMM" (tasks in state).
 * /proc/kdl/abba: read() takes kdl_abba_a (a user task blocks in D state).
 * /proc/kdl/mmap: mmap()able; its fault handler sleeps holding mmap_lock.
 *
 * Manifest lines: "KDL {json}" with rec = scen | lock | task.
 * Builds against 6.1, 6.12 and 6.12 PREEMPT_RT.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/semaphore.h>
#include <linux/completion.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/version.h>

/* 5.10: task_struct.state (5.14 renamed it __state); no TASK_RTLOCK_WAIT (5.15) */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 14, 0)
#define KDL_STATE(t) ((unsigned int)READ_ONCE((t)->__state))
#else
#define KDL_STATE(t) ((unsigned int)READ_ONCE((t)->state))
#endif
#ifndef TASK_RTLOCK_WAIT
#define TASK_RTLOCK_WAIT 0
#endif

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdlview sample scenarios");

#define MAXT 96
#define MAXL 48
#define MAXS 24

enum expect { E_BLOCKED, E_SPIN, E_DEAD, E_NONE };

struct kdl_trec {
	struct task_struct *t;
	int pid;
	char comm[TASK_COMM_LEN];
	const char *scen, *role;
	const char *waits;	/* lock id in the same scenario, or NULL */
	const char *mode;	/* exclusive | read | write */
	const char *holds;	/* comma separated lock ids */
	const char *ctx;	/* task | softirq */
	int armed;
	enum expect expect;
};

struct kdl_lrec {
	const char *scen, *id, *kind;
	char name[64];
	void *addr;
	int owner;		/* task record index, -1 none */
	const char *owner_mode;
	const char *reason;	/* why no owner / how the owner is known */
	const char *cache, *type, *member;
	void *object;
};

struct kdl_srec {
	const char *id, *title, *finding;
	int cyc[8];		/* task record indexes, in wait order */
	int ncyc;
	int printed;
};

static struct kdl_trec T[MAXT];
static struct kdl_lrec L[MAXL];
static struct kdl_srec S[MAXS];
static int nT, nL, nS;
static DEFINE_MUTEX(kdl_reg_mutex);

/* ---- the locks (global symbols: names a person recognises) ---- */
static DEFINE_MUTEX(kdl_abba_a);
static DEFINE_MUTEX(kdl_abba_b);
static DEFINE_MUTEX(kdl_c3_m1);
static DECLARE_RWSEM(kdl_c3_sem);
static DEFINE_MUTEX(kdl_c3_m2);
static DEFINE_MUTEX(kdl_rec_m);
static DECLARE_RWSEM(kdl_orphan_sem);
static DEFINE_MUTEX(kdl_wq_m);
static DEFINE_MUTEX(kdl_convoy_m);
static DECLARE_COMPLETION(kdl_never_done);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
static DEFINE_SEMAPHORE(kdl_sema, 1);
#else
static DEFINE_SEMAPHORE(kdl_sema);
#endif
static DECLARE_WAIT_QUEUE_HEAD(kdl_mm_wq);
static DEFINE_SPINLOCK(kdl_tmr_lock);
static DEFINE_RWLOCK(kdl_rwlock);
static DEFINE_SPINLOCK(kdl_rtsp_a);
static DEFINE_SPINLOCK(kdl_rtsp_b);

/* objects in a named slab cache and in kmalloc */
struct kdl_obj {
	u64 magic;
	char label[24];
	struct mutex lock;
	struct list_head link;
};

struct kdl_kobj {
	u64 magic;
	int id;
	struct mutex lock;
};

static struct kmem_cache *kdl_obj_cache;
static struct kdl_obj *kdl_obj1;
static struct kdl_kobj *kdl_kobj1;

static struct workqueue_struct *kdl_wq;
static struct work_struct kdl_work;
static struct timer_list kdl_timer;
static int kdl_timer_fired;
static int *volatile kdl_null;
static int kdl_mm_go;

/* ---- registry ---- */
static int reg_task(struct task_struct *t, const char *scen, const char *role,
		    const char *waits, const char *mode, const char *holds,
		    enum expect ex)
{
	int i;

	mutex_lock(&kdl_reg_mutex);
	i = nT < MAXT ? nT++ : MAXT - 1;
	get_task_struct(t);	/* keep even a dead owner's task_struct around */
	T[i].t = t;
	T[i].pid = task_pid_nr(t);
	get_task_comm(T[i].comm, t);
	T[i].scen = scen;
	T[i].role = role;
	T[i].waits = waits;
	T[i].mode = mode ? mode : "exclusive";
	T[i].holds = holds ? holds : "";
	T[i].ctx = "task";
	T[i].expect = ex;
	mutex_unlock(&kdl_reg_mutex);
	return i;
}

static int reg_lock(const char *scen, const char *id, const char *kind,
		    const char *name, void *addr)
{
	int i;

	mutex_lock(&kdl_reg_mutex);
	i = nL < MAXL ? nL++ : MAXL - 1;
	L[i].scen = scen;
	L[i].id = id;
	L[i].kind = kind;
	strscpy(L[i].name, name, sizeof(L[i].name));
	L[i].addr = addr;
	L[i].owner = -1;
	L[i].owner_mode = "exclusive";
	mutex_unlock(&kdl_reg_mutex);
	return i;
}

static int reg_scen(const char *id, const char *title, const char *finding)
{
	int i = nS < MAXS ? nS++ : MAXS - 1;

	S[i].id = id;
	S[i].title = title;
	S[i].finding = finding;
	return i;
}

static void set_owner(int l, int t, const char *mode, const char *reason)
{
	L[l].owner = t;
	if (mode)
		L[l].owner_mode = mode;
	L[l].reason = reason;
}

static void arm(int i)
{
	smp_store_release(&T[i].armed, 1);
}

static bool reached(int i)
{
	struct task_struct *t = T[i].t;
	unsigned int st;

	if (!smp_load_acquire(&T[i].armed))
		return T[i].expect == E_NONE;
	switch (T[i].expect) {
	case E_BLOCKED:
		st = KDL_STATE(t);
		return st != TASK_RUNNING && !READ_ONCE(t->on_cpu);
	case E_DEAD:
		return READ_ONCE(t->exit_state) != 0;
	default:
		return true;
	}
}

static bool wait_reached(int i, int ms)
{
	while (!reached(i) && ms > 0) {
		msleep(5);
		ms -= 5;
	}
	if (!reached(i))
		pr_warn("KDL-WARN task %s[%d] did not reach its state\n", T[i].comm, T[i].pid);
	return reached(i);
}

/* Spin (no sleeping) until task record i has armed and blocked. */
static void spin_until_blocked(int i)
{
	unsigned long end = jiffies + 20 * HZ;

	while (!reached(i) && time_before(jiffies, end))
		cpu_relax();
}

static struct task_struct *spawn(int (*fn)(void *), long arg, const char *name, int cpu)
{
	struct task_struct *t = kthread_create(fn, (void *)arg, "%s", name);

	if (IS_ERR(t)) {
		pr_err("KDL-WARN cannot create %s\n", name);
		return NULL;
	}
	if (cpu >= 0)
		kthread_bind(t, cpu);
	return t;
}

static void forever_sleep_interruptible(void)
{
	for (;;)
		schedule_timeout_interruptible(100 * HZ);
}

/* ===== 1. ABBA mutex deadlock (+ user reader of /proc/kdl/abba) ===== */
static int tA1, tA2, lA, lB, sABBA;

static int abba_b_held;

static int abba1_fn(void *d)
{
	mutex_lock(&kdl_abba_a);
	arm(tA1);
	mutex_lock(&kdl_abba_b);
	forever_sleep_interruptible();
	return 0;
}

static int abba2_fn(void *d)
{
	mutex_lock(&kdl_abba_b);
	smp_store_release(&abba_b_held, 1);
	while (!reached(tA1))
		msleep(5);
	arm(tA2);
	mutex_lock(&kdl_abba_a);
	forever_sleep_interruptible();
	return 0;
}

static void build_abba(void)
{
	struct task_struct *a, *b;

	sABBA = reg_scen("abba", "ABBA mutex deadlock (a user reader of /proc/kdl/abba queued on A)", "deadlock");
	lA = reg_lock("abba", "A", "mutex", "kdl_abba_a", &kdl_abba_a);
	lB = reg_lock("abba", "B", "mutex", "kdl_abba_b", &kdl_abba_b);
	a = spawn(abba1_fn, 0, "kdl_abba1", -1);
	b = spawn(abba2_fn, 0, "kdl_abba2", -1);
	tA1 = reg_task(a, "abba", "holds A, waits B", "B", NULL, "A", E_BLOCKED);
	tA2 = reg_task(b, "abba", "holds B, waits A", "A", NULL, "B", E_BLOCKED);
	set_owner(lA, tA1, NULL, NULL);
	set_owner(lB, tA2, NULL, NULL);
	S[sABBA].cyc[0] = tA1;
	S[sABBA].cyc[1] = tA2;
	S[sABBA].ncyc = 2;
	wake_up_process(b);
	while (!smp_load_acquire(&abba_b_held))
		msleep(5);
	wake_up_process(a);
	wait_reached(tA1, 10000);
	wait_reached(tA2, 10000);
}

/* ===== 2. 3-way cycle: mutex -> rwsem (reader-held) -> mutex ===== */
static int tC1, tC2, tC3, sC3;
static atomic_t c3_hold = ATOMIC_INIT(0);

static int c3_fn(void *d)
{
	long n = (long)d;

	if (n == 1)
		mutex_lock(&kdl_c3_m1);
	else if (n == 2)
		down_read(&kdl_c3_sem);
	else
		mutex_lock(&kdl_c3_m2);
	atomic_inc(&c3_hold);
	while (atomic_read(&c3_hold) < 3)
		msleep(5);
	if (n == 1) {
		arm(tC1);
		down_write(&kdl_c3_sem);
	} else if (n == 2) {
		while (!reached(tC1))
			msleep(5);
		arm(tC2);
		mutex_lock(&kdl_c3_m2);
	} else {
		while (!reached(tC2))
			msleep(5);
		arm(tC3);
		mutex_lock(&kdl_c3_m1);
	}
	forever_sleep_interruptible();
	return 0;
}

static void build_c3(void)
{
	struct task_struct *a, *b, *c;
	int l1, ls, l2;

	sC3 = reg_scen("cycle3", "3-way cycle: mutex, rwsem held by a reader, mutex", "deadlock");
	l1 = reg_lock("cycle3", "M1", "mutex", "kdl_c3_m1", &kdl_c3_m1);
	ls = reg_lock("cycle3", "SEM", "rwsem", "kdl_c3_sem", &kdl_c3_sem);
	l2 = reg_lock("cycle3", "M2", "mutex", "kdl_c3_m2", &kdl_c3_m2);
	a = spawn(c3_fn, 1, "kdl_c3_a", -1);
	b = spawn(c3_fn, 2, "kdl_c3_b", -1);
	c = spawn(c3_fn, 3, "kdl_c3_c", -1);
	tC1 = reg_task(a, "cycle3", "holds M1, waits SEM for write", "SEM", "write", "M1", E_BLOCKED);
	tC2 = reg_task(b, "cycle3", "holds SEM for read, waits M2", "M2", NULL, "SEM", E_BLOCKED);
	tC3 = reg_task(c, "cycle3", "holds M2, waits M1", "M1", NULL, "M2", E_BLOCKED);
	set_owner(l1, tC1, NULL, NULL);
	set_owner(ls, tC2, "read", "reader: the kernel does not record reader owners");
	set_owner(l2, tC3, NULL, NULL);
	S[sC3].cyc[0] = tC1;
	S[sC3].cyc[1] = tC2;
	S[sC3].cyc[2] = tC3;
	S[sC3].ncyc = 3;
	wake_up_process(a);
	wake_up_process(b);
	wake_up_process(c);
	wait_reached(tC1, 10000);
	wait_reached(tC2, 10000);
	wait_reached(tC3, 10000);
}

/* ===== 3. recursive self-deadlock ===== */
static int tR1, tR2;

static int rec1_fn(void *d)
{
	mutex_lock(&kdl_rec_m);
	arm(tR1);
	mutex_lock(&kdl_rec_m);		/* again: never returns */
	forever_sleep_interruptible();
	return 0;
}

static int rec2_fn(void *d)
{
	while (!reached(tR1))
		msleep(5);
	arm(tR2);
	mutex_lock(&kdl_rec_m);
	forever_sleep_interruptible();
	return 0;
}

static void build_rec(void)
{
	struct task_struct *a, *b;
	int s, l;

	s = reg_scen("recursive", "recursive self-deadlock: a task re-locks a mutex it holds, a second task queued", "self_deadlock");
	l = reg_lock("recursive", "M", "mutex", "kdl_rec_m", &kdl_rec_m);
	a = spawn(rec1_fn, 0, "kdl_rec1", -1);
	b = spawn(rec2_fn, 0, "kdl_rec2", -1);
	tR1 = reg_task(a, "recursive", "holds M, waits M", "M", NULL, "M", E_BLOCKED);
	tR2 = reg_task(b, "recursive", "waits M behind its owner", "M", NULL, NULL, E_BLOCKED);
	set_owner(l, tR1, NULL, NULL);
	S[s].cyc[0] = tR1;
	S[s].ncyc = 1;
	wake_up_process(a);
	wake_up_process(b);
	wait_reached(tR1, 10000);
	wait_reached(tR2, 10000);
}

/* ===== 4. rwsem held for write by a kthread that oopses ===== */
static int tO1, tO2;

static int oops_fn(void *d)
{
	down_write(&kdl_orphan_sem);
	arm(tO1);
	pr_info("KDL-NOTE kdl_oops holds kdl_orphan_sem for write and dereferences NULL now\n");
	*kdl_null = 1;			/* oops: this task dies holding the rwsem */
	return 0;
}

static int orphan_rd_fn(void *d)
{
	while (!reached(tO1))
		msleep(5);
	arm(tO2);
	down_read(&kdl_orphan_sem);
	forever_sleep_interruptible();
	return 0;
}

static void build_orphan(void)
{
	struct task_struct *a, *b;
	int s, l;

	s = reg_scen("orphan", "rwsem held for write by a kthread that oopsed (dead owner), a reader blocked", "orphaned_lock");
	l = reg_lock("orphan", "SEM", "rwsem", "kdl_orphan_sem", &kdl_orphan_sem);
	a = spawn(oops_fn, 0, "kdl_oops", -1);
	b = spawn(orphan_rd_fn, 0, "kdl_orphan_rd", -1);
	tO1 = reg_task(a, "orphan", "held SEM for write, oopsed (dead)", NULL, NULL, "SEM", E_DEAD);
	tO2 = reg_task(b, "orphan", "waits SEM for read", "SEM", "read", NULL, E_BLOCKED);
	set_owner(l, tO1, "write", "owner exited (oops) holding it");
	S[s].ncyc = 0;
	wake_up_process(a);
	wait_reached(tO1, 10000);
	wake_up_process(b);
	wait_reached(tO2, 10000);
}

/* ===== 5. workqueue flush deadlock ===== */
static int tW1, tW2 = -1, sWQ, lWM, lWK;

static void kdl_work_fn(struct work_struct *w)
{
	tW2 = reg_task(current, "wqflush", "kworker running kdl_work_fn, waits M", "M", NULL, NULL, E_BLOCKED);
	set_owner(lWK, tW2, NULL, "the worker executing the work item");
	S[sWQ].cyc[1] = tW2;
	arm(tW2);
	mutex_lock(&kdl_wq_m);
	mutex_unlock(&kdl_wq_m);
}

static int wqflush_fn(void *d)
{
	mutex_lock(&kdl_wq_m);
	queue_work(kdl_wq, &kdl_work);
	while (tW2 < 0 || !reached(tW2))
		msleep(5);
	arm(tW1);
	flush_work(&kdl_work);
	forever_sleep_interruptible();
	return 0;
}

static void build_wq(void)
{
	struct task_struct *a;

	sWQ = reg_scen("wqflush", "workqueue flush deadlock: holder of M flushes a work item whose function takes M", "flush_deadlock");
	lWM = reg_lock("wqflush", "M", "mutex", "kdl_wq_m", &kdl_wq_m);
	lWK = reg_lock("wqflush", "W", "work", "kdl_work", &kdl_work);
	kdl_wq = alloc_workqueue("kdl_wq", 0, 1);
	INIT_WORK(&kdl_work, kdl_work_fn);
	a = spawn(wqflush_fn, 0, "kdl_wqflush", -1);
	tW1 = reg_task(a, "wqflush", "holds M, flushes W", "W", NULL, "M", E_BLOCKED);
	set_owner(lWM, tW1, NULL, NULL);
	S[sWQ].cyc[0] = tW1;
	S[sWQ].ncyc = 2;
	wake_up_process(a);
	wait_reached(tW1, 10000);
}

/* ===== 6. convoy of 20 on a mutex held by a sleeper ===== */
#define NCONVOY 20
static int tVH, tV[NCONVOY];

static int convoy_h_fn(void *d)
{
	mutex_lock(&kdl_convoy_m);
	arm(tVH);
	for (;;)
		msleep(1000);		/* holds the mutex, sleeping in a loop */
	return 0;
}

static int convoy_w_fn(void *d)
{
	long n = (long)d;

	arm(tV[n]);
	mutex_lock(&kdl_convoy_m);
	forever_sleep_interruptible();
	return 0;
}

static void build_convoy(void)
{
	struct task_struct *t;
	char name[TASK_COMM_LEN];
	int s, l, i;

	s = reg_scen("convoy", "convoy: 20 tasks on a mutex held by a task sleeping in a loop", "convoy");
	l = reg_lock("convoy", "M", "mutex", "kdl_convoy_m", &kdl_convoy_m);
	t = spawn(convoy_h_fn, 0, "kdl_convoy_h", -1);
	tVH = reg_task(t, "convoy", "holds M, sleeps in msleep() forever", NULL, NULL, "M", E_BLOCKED);
	set_owner(l, tVH, NULL, NULL);
	wake_up_process(t);
	wait_reached(tVH, 10000);
	for (i = 0; i < NCONVOY; i++) {
		snprintf(name, sizeof(name), "kdl_convoy_%02d", i);
		t = spawn(convoy_w_fn, i, name, -1);
		tV[i] = reg_task(t, "convoy", "waits M (queued in pid order)", "M", NULL, NULL, E_BLOCKED);
		wake_up_process(t);
		wait_reached(tV[i], 10000);
	}
}

/* ===== 7. completion nobody completes ===== */
static int tCO;

static int compl_fn(void *d)
{
	arm(tCO);
	wait_for_completion(&kdl_never_done);
	forever_sleep_interruptible();
	return 0;
}

static void build_compl(void)
{
	struct task_struct *t;
	int l;

	reg_scen("completion", "completion that nobody completes", "lost_wakeup");
	l = reg_lock("completion", "C", "completion", "kdl_never_done", &kdl_never_done);
	set_owner(l, -1, NULL, "no task will ever complete it");
	t = spawn(compl_fn, 0, "kdl_compl", -1);
	tCO = reg_task(t, "completion", "waits C", "C", NULL, NULL, E_BLOCKED);
	wake_up_process(t);
	wait_reached(tCO, 10000);
}

/* ===== 8. semaphore held by a sleeper, one waiter ===== */
static int tSH, tSW;

static int sema_h_fn(void *d)
{
	down(&kdl_sema);
	arm(tSH);
	forever_sleep_interruptible();
	return 0;
}

static int sema_w_fn(void *d)
{
	while (!reached(tSH))
		msleep(5);
	arm(tSW);
	down(&kdl_sema);
	forever_sleep_interruptible();
	return 0;
}

static void build_sema(void)
{
	struct task_struct *a, *b;
	int l;

	reg_scen("semaphore", "semaphore held by a sleeping task, one waiter", "convoy");
	l = reg_lock("semaphore", "SEM", "semaphore", "kdl_sema", &kdl_sema);
	a = spawn(sema_h_fn, 0, "kdl_sema_h", -1);
	b = spawn(sema_w_fn, 0, "kdl_sema_w", -1);
	tSH = reg_task(a, "semaphore", "holds SEM (down), sleeps interruptibly forever", NULL, NULL, "SEM", E_BLOCKED);
	tSW = reg_task(b, "semaphore", "waits SEM", "SEM", NULL, NULL, E_BLOCKED);
	set_owner(l, tSH, NULL, "semaphores record no owner: stated by the module");
	wake_up_process(a);
	wake_up_process(b);
	wait_reached(tSH, 10000);
	wait_reached(tSW, 10000);
}

/* ===== 9. mutexes in a named-slab object and a kmalloc object, ABBA ===== */
static int tK1, tK2;

static void kdl_obj_ctor(void *p)
{
	struct kdl_obj *o = p;

	o->magic = 0x6b646c6f626a3031ULL;
}

static int kobj_held;

static int slab1_fn(void *d)
{
	mutex_lock(&kdl_obj1->lock);
	arm(tK1);
	mutex_lock(&kdl_kobj1->lock);
	forever_sleep_interruptible();
	return 0;
}

static int slab2_fn(void *d)
{
	mutex_lock(&kdl_kobj1->lock);
	smp_store_release(&kobj_held, 1);
	while (!reached(tK1))
		msleep(5);
	arm(tK2);
	mutex_lock(&kdl_obj1->lock);
	forever_sleep_interruptible();
	return 0;
}

static void build_slab(void)
{
	struct task_struct *a, *b;
	int s, l1, l2;
	static char kname[32];

	s = reg_scen("slab_abba", "ABBA on a mutex in a kdl_obj_cache object and one in a kmalloc'ed object", "deadlock");
	kdl_obj_cache = kmem_cache_create("kdl_obj_cache", sizeof(struct kdl_obj), 0, 0, kdl_obj_ctor);
	kdl_obj1 = kmem_cache_alloc(kdl_obj_cache, GFP_KERNEL);
	strscpy(kdl_obj1->label, "kdl_obj #1", sizeof(kdl_obj1->label));
	mutex_init(&kdl_obj1->lock);
	INIT_LIST_HEAD(&kdl_obj1->link);
	kdl_kobj1 = kmalloc(sizeof(*kdl_kobj1), GFP_KERNEL);
	kdl_kobj1->magic = 0x6b646c6b6f626a31ULL;
	kdl_kobj1->id = 1;
	mutex_init(&kdl_kobj1->lock);
	snprintf(kname, sizeof(kname), "kmalloc-%zu", ksize(kdl_kobj1));
	l1 = reg_lock("slab_abba", "OBJ", "mutex", "kdl_obj_cache:kdl_obj.lock", &kdl_obj1->lock);
	L[l1].cache = "kdl_obj_cache";
	L[l1].type = "kdl_obj";
	L[l1].member = "lock";
	L[l1].object = kdl_obj1;
	l2 = reg_lock("slab_abba", "KOBJ", "mutex", "kmalloc:kdl_kobj.lock", &kdl_kobj1->lock);
	snprintf(L[l2].name, sizeof(L[l2].name), "%s:kdl_kobj.lock", kname);
	L[l2].cache = kname;
	L[l2].type = "kdl_kobj";
	L[l2].member = "lock";
	L[l2].object = kdl_kobj1;
	a = spawn(slab1_fn, 0, "kdl_slab1", -1);
	b = spawn(slab2_fn, 0, "kdl_slab2", -1);
	tK1 = reg_task(a, "slab_abba", "holds OBJ, waits KOBJ", "KOBJ", NULL, "OBJ", E_BLOCKED);
	tK2 = reg_task(b, "slab_abba", "holds KOBJ, waits OBJ", "OBJ", NULL, "KOBJ", E_BLOCKED);
	set_owner(l1, tK1, NULL, NULL);
	set_owner(l2, tK2, NULL, NULL);
	S[s].cyc[0] = tK1;
	S[s].cyc[1] = tK2;
	S[s].ncyc = 2;
	wake_up_process(b);
	while (!smp_load_acquire(&kobj_held))
		msleep(5);
	wake_up_process(a);
	wait_reached(tK1, 10000);
	wait_reached(tK2, 10000);
}

/* ===== PREEMPT_RT: ABBA on two (sleeping) spinlock_t ===== */
static int tP1, tP2;
static int rtsp_b_held;

static int rtsp1_fn(void *d)
{
	spin_lock(&kdl_rtsp_a);
	while (!READ_ONCE(rtsp_b_held))
		cpu_relax();
	arm(tP1);
	spin_lock(&kdl_rtsp_b);
	spin_unlock(&kdl_rtsp_b);
	spin_unlock(&kdl_rtsp_a);
	forever_sleep_interruptible();
	return 0;
}

static int rtsp2_fn(void *d)
{
	spin_lock(&kdl_rtsp_b);
	WRITE_ONCE(rtsp_b_held, 1);
	spin_until_blocked(tP1);
	arm(tP2);
	spin_lock(&kdl_rtsp_a);
	spin_unlock(&kdl_rtsp_a);
	spin_unlock(&kdl_rtsp_b);
	forever_sleep_interruptible();
	return 0;
}

static void build_rtsp(void)
{
	struct task_struct *a, *b;
	int s, la, lb;

	s = reg_scen("rt_spin_abba", "PREEMPT_RT: ABBA on two spinlock_t (sleeping, TASK_RTLOCK_WAIT)", "deadlock");
	la = reg_lock("rt_spin_abba", "A", "spinlock", "kdl_rtsp_a", &kdl_rtsp_a);
	lb = reg_lock("rt_spin_abba", "B", "spinlock", "kdl_rtsp_b", &kdl_rtsp_b);
	/* same CPU: neither waiter can adaptively spin on a running owner */
	a = spawn(rtsp1_fn, 0, "kdl_rtsp1", 1);
	b = spawn(rtsp2_fn, 0, "kdl_rtsp2", 1);
	tP1 = reg_task(a, "rt_spin_abba", "holds A, waits B", "B", NULL, "A", E_BLOCKED);
	tP2 = reg_task(b, "rt_spin_abba", "holds B, waits A", "A", NULL, "B", E_BLOCKED);
	set_owner(la, tP1, NULL, NULL);
	set_owner(lb, tP2, NULL, NULL);
	S[s].cyc[0] = tP1;
	S[s].cyc[1] = tP2;
	S[s].ncyc = 2;
	wake_up_process(a);
	wake_up_process(b);
	wait_reached(tP1, 20000);
	wait_reached(tP2, 20000);
}

/* ===== wedging (non-RT): softirq on the same CPU, rwlock spin ===== */
static int tTH, tWW, tWR;

static struct task_struct *kdl_tmr_holder;
static struct task_struct *kdl_timer_ran_on;	/* task interrupted by the softirq */

static void kdl_timer_fn(struct timer_list *t)
{
	WRITE_ONCE(kdl_timer_ran_on, current);
	WRITE_ONCE(kdl_timer_fired, 1);
	spin_lock(&kdl_tmr_lock);	/* held by the task this softirq interrupted */
	spin_unlock(&kdl_tmr_lock);
}

static int tmr_hold_fn(void *d)
{
	int try;
	unsigned long t0;

	kdl_tmr_holder = current;
	for (try = 0; try < 50; try++) {
		/*
		 * If ksoftirqd of this CPU is runnable, irq exit leaves the timer
		 * softirq to it (and it cannot run while we spin): then give up
		 * the lock after a second, let ksoftirqd run, and try again.
		 */
		if (timer_pending(&kdl_timer))
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
			timer_delete_sync(&kdl_timer);	/* del_timer_sync() is gone in 7.x */
#else
			del_timer_sync(&kdl_timer);
#endif
		spin_lock(&kdl_tmr_lock);	/* process context, not _bh */
		kdl_timer.expires = jiffies + 1;
		add_timer_on(&kdl_timer, smp_processor_id());
		arm(tTH);
		t0 = jiffies;
		while (time_before(jiffies, t0 + HZ))
			cpu_relax();		/* the softirq spins on top of us from here */
		spin_unlock(&kdl_tmr_lock);
		pr_info("KDL-NOTE kdl_tmr_hold: timer softirq deferred to ksoftirqd, retrying\n");
		msleep(100);
	}
	forever_sleep_interruptible();
	return 0;
}

static int rw_w_fn(void *d)
{
	write_lock(&kdl_rwlock);
	arm(tWW);
	for (;;)
		cpu_relax();		/* holds it for write, spinning forever */
	return 0;
}

static int rw_r_fn(void *d)
{
	while (!smp_load_acquire(&T[tWW].armed))
		cpu_relax();
	arm(tWR);
	read_lock(&kdl_rwlock);
	read_unlock(&kdl_rwlock);
	return 0;
}

static void print_manifest(void);

static void build_wedge(void)
{
	struct task_struct *a, *b, *c;
	int s, l, ms;

	s = reg_scen("softirq_spin", "spinlock taken in process context (not _bh), retaken by a timer softirq on the same CPU", "irq_self_deadlock");
	l = reg_lock("softirq_spin", "SPIN", "spinlock", "kdl_tmr_lock", &kdl_tmr_lock);
	timer_setup(&kdl_timer, kdl_timer_fn, 0);
	a = spawn(tmr_hold_fn, 0, "kdl_tmr_hold", 2);
	tTH = reg_task(a, "softirq_spin", "holds SPIN in process context on CPU 2; its timer softirq spins on SPIN", "SPIN", NULL, "SPIN", E_SPIN);
	T[tTH].ctx = "softirq";
	set_owner(l, tTH, NULL, "the interrupted task on the same CPU (context: task)");
	S[s].cyc[0] = tTH;
	S[s].ncyc = 1;

	s = reg_scen("rwlock_spin", "rwlock_t held for write on CPU 1 (spinning forever), a reader spins in read_lock on CPU 3", "spinning");
	l = reg_lock("rwlock_spin", "RW", "rwlock", "kdl_rwlock", &kdl_rwlock);
	b = spawn(rw_w_fn, 0, "kdl_rw_w", 1);
	c = spawn(rw_r_fn, 0, "kdl_rw_r", 3);
	tWW = reg_task(b, "rwlock_spin", "holds RW for write, spins on CPU 1", NULL, NULL, "RW", E_SPIN);
	tWR = reg_task(c, "rwlock_spin", "spins in read_lock(RW) on CPU 3", "RW", "read", NULL, E_SPIN);
	set_owner(l, tWW, "write", NULL);

	wake_up_process(a);
	wake_up_process(b);
	wake_up_process(c);
	for (ms = 0; ms < 30000 && !(READ_ONCE(kdl_timer_ran_on) == a && smp_load_acquire(&T[tWR].armed)); ms += 10)
		msleep(10);
	msleep(50);
	pr_info("KDL-NOTE wedge: timer softirq spinning on top of kdl_tmr_hold=%d reader armed=%d\n",
		READ_ONCE(kdl_timer_ran_on) == a, T[tWR].armed);
}

/* ===== user-space driven: /proc/kdl/abba (D state in read) ===== */
static ssize_t abba_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
	int i = reg_task(current, "abba", "user process in read(/proc/kdl/abba), waits A", "A", NULL, NULL, E_BLOCKED);

	arm(i);
	mutex_lock(&kdl_abba_a);
	mutex_unlock(&kdl_abba_a);
	return 0;
}

static const struct proc_ops abba_ops = {
	.proc_read = abba_read,
};

/* ===== mmap_lock reader/writer hang ===== */
static int tMH = -1, sMM = -1, lMM = -1, lMQ = -1;

static vm_fault_t kdl_fault(struct vm_fault *vmf)
{
	struct mm_struct *mm = current->mm;
	static char nm[64];

	if (vmf->pgoff != 0) {
		/* only page 0 blocks; the second page is the queued reader's target */
		pr_warn("KDL-WARN unexpected fault on page %lu\n", vmf->pgoff);
		return VM_FAULT_SIGBUS;
	}
	sMM = reg_scen("mmap_lock", "mmap_lock reader/writer hang: fault handler sleeps holding mmap_lock for read, mprotect queued for write, a second fault queued for read behind it", "rw_deadlock");
	snprintf(nm, sizeof(nm), "mm_struct.mmap_lock of %s[%d]", current->comm, task_tgid_nr(current));
	lMM = reg_lock("mmap_lock", "MMAP", "rwsem", nm, &mm->mmap_lock);
	L[lMM].type = "mm_struct";
	L[lMM].member = "mmap_lock";
	L[lMM].cache = "mm_struct";
	L[lMM].object = mm;
	lMQ = reg_lock("mmap_lock", "WQ", "waitqueue", "kdl_mm_wq", &kdl_mm_wq);
	tMH = reg_task(current, "mmap_lock", "holds MMAP for read (page fault), sleeps on WQ in the fault handler", "WQ", NULL, "MMAP", E_BLOCKED);
	set_owner(lMM, tMH, "read", "reader: the kernel does not record reader owners");
	arm(tMH);
	wait_event(kdl_mm_wq, READ_ONCE(kdl_mm_go));	/* never */
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct kdl_vm_ops = {
	.fault = kdl_fault,
};

static int mmap_mmap(struct file *f, struct vm_area_struct *vma)
{
	vma->vm_ops = &kdl_vm_ops;
	return 0;
}

static const struct proc_ops mmap_ops = {
	.proc_mmap = mmap_mmap,
};

/* the writer and queued reader are threads of the holder: found by comm */
static void reg_mm_threads(void)
{
	struct task_struct *h, *t;
	int w = -1, r = -1;

	if (tMH < 0 || sMM < 0)
		return;
	h = T[tMH].t;
	rcu_read_lock();
	for_each_thread(h, t) {
		if (!strcmp(t->comm, "kdl_mm_wr") && w < 0)
			w = reg_task(t, "mmap_lock", "mprotect(): waits MMAP for write", "MMAP", "write", NULL, E_BLOCKED);
		else if (!strcmp(t->comm, "kdl_mm_rd") && r < 0)
			r = reg_task(t, "mmap_lock", "page fault: waits MMAP for read, queued behind the writer", "MMAP", "read", NULL, E_BLOCKED);
	}
	rcu_read_unlock();
	if (w >= 0)
		arm(w);
	if (r >= 0) {
		arm(r);
		set_owner(lMQ, r, NULL, "intended waker: the queued reader (stated by the module)");
	}
	if (w >= 0 && r >= 0) {
		/* holder waits (WQ) for the reader, the reader waits behind the
		 * writer, the writer waits for the holder's read lock */
		S[sMM].cyc[0] = tMH;
		S[sMM].cyc[1] = r;
		S[sMM].cyc[2] = w;
		S[sMM].ncyc = 3;
	}
}

/* ===== manifest ===== */
static const char *sname(struct task_struct *t)
{
	static char b[16];
	unsigned int st = KDL_STATE(t);

	if (t->exit_state)
		return t->exit_state == EXIT_DEAD ? "X" : "Z";
	if (st == TASK_RUNNING)
		return "R";
	if (st & TASK_RTLOCK_WAIT)
		return "RTLOCK";
	if (st & TASK_UNINTERRUPTIBLE)
		return "D";
	if (st & TASK_INTERRUPTIBLE)
		return "S";
	snprintf(b, sizeof(b), "0x%x", st);
	return b;
}

static void print_task(int i)
{
	struct task_struct *t = T[i].t;

	pr_info("KDL {\"rec\":\"task\",\"scen\":\"%s\",\"pid\":%d,\"task\":\"0x%px\",\"comm\":\"%s\","
		"\"state\":\"%s\",\"state_raw\":\"0x%x\",\"exit_state\":%d,\"cpu\":%d,\"ctx\":\"%s\","
		"\"waits\":%s%s%s,\"mode\":\"%s\",\"holds\":\"%s\",\"role\":\"%s\"}\n",
		T[i].scen, T[i].pid, t, T[i].comm, sname(t), KDL_STATE(t), t->exit_state,
		task_cpu(t), T[i].ctx,
		T[i].waits ? "\"" : "", T[i].waits ? T[i].waits : "null", T[i].waits ? "\"" : "",
		T[i].mode, T[i].holds, T[i].role);
}

static void print_lock(int i)
{
	char own[200];
	int o = L[i].owner;

	if (o >= 0)
		snprintf(own, sizeof(own), "{\"pid\":%d,\"task\":\"0x%px\",\"comm\":\"%s\",\"alive\":%s,\"mode\":\"%s\"}",
			 T[o].pid, T[o].t, T[o].comm, T[o].t->exit_state ? "false" : "true", L[i].owner_mode);
	else
		snprintf(own, sizeof(own), "null");
	pr_info("KDL {\"rec\":\"lock\",\"scen\":\"%s\",\"id\":\"%s\",\"addr\":\"0x%px\",\"kind\":\"%s\","
		"\"name\":\"%s\",\"cache\":%s%s%s,\"type\":%s%s%s,\"member\":%s%s%s,\"object\":\"0x%px\","
		"\"owner\":%s,\"reason\":%s%s%s}\n",
		L[i].scen, L[i].id, L[i].addr, L[i].kind, L[i].name,
		L[i].cache ? "\"" : "", L[i].cache ? L[i].cache : "null", L[i].cache ? "\"" : "",
		L[i].type ? "\"" : "", L[i].type ? L[i].type : "null", L[i].type ? "\"" : "",
		L[i].member ? "\"" : "", L[i].member ? L[i].member : "null", L[i].member ? "\"" : "",
		L[i].object, own,
		L[i].reason ? "\"" : "", L[i].reason ? L[i].reason : "null", L[i].reason ? "\"" : "");
}

static void print_manifest(void)
{
	int s, i;
	char cyc[160];
	int n;

	for (s = 0; s < nS; s++) {
		if (S[s].printed)
			continue;
		S[s].printed = 1;
		n = 0;
		cyc[0] = 0;
		for (i = 0; i < S[s].ncyc; i++)
			n += snprintf(cyc + n, sizeof(cyc) - n, "%s%d", i ? "," : "", T[S[s].cyc[i]].pid);
		pr_info("KDL {\"rec\":\"scen\",\"id\":\"%s\",\"title\":\"%s\",\"finding\":\"%s\",\"cycle\":[%s]}\n",
			S[s].id, S[s].title, S[s].finding, cyc);
		for (i = 0; i < nL; i++)
			if (!strcmp(L[i].scen, S[s].id))
				print_lock(i);
		for (i = 0; i < nT; i++)
			if (!strcmp(T[i].scen, S[s].id))
				print_task(i);
	}
	pr_info("KDL {\"rec\":\"end\",\"tasks\":%d,\"locks\":%d,\"scenarios\":%d}\n", nT, nL, nS);
}

/* ===== control ===== */
static ssize_t ctl_write(struct file *f, const char __user *ubuf, size_t n, loff_t *pos)
{
	char cmd[32];
	size_t k = min(n, sizeof(cmd) - 1);

	if (copy_from_user(cmd, ubuf, k))
		return -EFAULT;
	cmd[k] = 0;
	strim(cmd);
	if (!strcmp(cmd, "start")) {
		build_abba();
		build_c3();
		build_rec();
		build_wq();
		build_convoy();
		build_compl();
		build_sema();
		build_slab();
		if (IS_ENABLED(CONFIG_PREEMPT_RT))
			build_rtsp();
	} else if (!strcmp(cmd, "orphan")) {
		build_orphan();
	} else if (!strcmp(cmd, "manifest")) {
		reg_mm_threads();
		print_manifest();
	} else if (!strcmp(cmd, "wedge")) {
		if (!IS_ENABLED(CONFIG_PREEMPT_RT)) {
			/* keep the caller (and /init's later children) off CPUs 1-3 */
			set_cpus_allowed_ptr(current, cpumask_of(0));
			build_wedge();
			print_manifest();
		}
	} else {
		return -EINVAL;
	}
	return n;
}

static ssize_t ctl_read(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	char buf[128];
	int i, ok = 0, first = -1, len;

	for (i = 0; i < nT; i++) {
		if (reached(i))
			ok++;
		else if (first < 0)
			first = i;
	}
	if (first < 0)
		len = snprintf(buf, sizeof(buf), "ready %d/%d\n", ok, nT);
	else
		len = snprintf(buf, sizeof(buf), "wait %d/%d %s\n", ok, nT, T[first].comm);
	return simple_read_from_buffer(ubuf, n, pos, buf, len);
}

static const struct proc_ops ctl_ops = {
	.proc_read = ctl_read,
	.proc_write = ctl_write,
};

static int __init kdl_init(void)
{
	struct proc_dir_entry *d = proc_mkdir("kdl", NULL);

	if (!d)
		return -ENOMEM;
	proc_create("ctl", 0600, d, &ctl_ops);
	proc_create("abba", 0444, d, &abba_ops);
	proc_create("mmap", 0444, d, &mmap_ops);
	pr_info("KDL-NOTE kdl_scen loaded: preempt_rt=%d\n", IS_ENABLED(CONFIG_PREEMPT_RT));
	return 0;
}
module_init(kdl_init);
