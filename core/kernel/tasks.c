/* core/kernel/tasks.c - every thread of every process: the task lists walked
 * (bounded, loop-checked, broken links recovered backwards), each task_struct
 * read, and the states as crash prints them. */
#include <stdlib.h>
#include <string.h>

#include "core/base/hash.h"
#include "core/base/str.h"
#include "core/kernel/kernel_priv.h"

void kdl_task_state_letters(uint32_t state, uint32_t exit_state, char out[3], bool *rtlock)
{
	const char *s;
	/* freezer bits do not change what the task is doing */
	uint32_t st = state & ~(0x2000u | 0x4000u);

	*rtlock = false;
	if (exit_state & KDL_EXIT_ZOMBIE)
		s = "ZO";
	else if (exit_state & KDL_EXIT_DEAD)
		s = "DE";
	else if (st == KDL_TASK_RUNNING)
		s = "RU";
	else if ((st & KDL_TASK_IDLE) == KDL_TASK_IDLE)
		s = "ID";
	else if (st & KDL_TASK_UNINTERRUPTIBLE)
		s = "UN";
	else if (st & KDL_TASK_INTERRUPTIBLE)
		s = "IN";
	else if (st & KDL_TASK_RTLOCK_WAIT) {
		s = "UN";
		*rtlock = true;
	} else if (st & KDL_TASK_STOPPED)
		s = "ST";
	else if (st & KDL_TASK_TRACED)
		s = "TR";
	else if (st & KDL_TASK_WAKING)
		s = "WA";
	else if (st & KDL_TASK_PARKED)
		s = "PA";
	else if (st & KDL_TASK_NEW)
		s = "NE";
	else if (st & KDL_TASK_DEAD)
		s = "DE";
	else
		s = "??";
	memcpy(out, s, 3);
}

bool kdl_kernel_task_thread_sp(struct kdl_kernel *k, uint64_t task, uint64_t *sp)
{
	return rdfield(k, task, &k->L->task.thread_sp, sp);
}

/* ---------------------------------------------------------------- tasks */

struct tasklist {
	struct kdl_task *v;
	size_t n, cap;
	struct kdl_hash seen; /* task addresses read: loops and duplicates */
	bool partial, nomem;
};

/* Add a task address to the set: false when it was there already, when it is
 * 0 (never a task) or when memory runs out. */
static bool seen_add(struct kdl_hash *seen, uint64_t a)
{
	uint64_t v;

	if (!a || kdl_hash_get(seen, a, NULL, NULL, &v))
		return false;
	return kdl_hash_add(seen, a, 0);
}

static void read_task(struct kdl_kernel *k, uint64_t addr, struct kdl_task *t)
{
	const struct kdl_layout *L = k->L;
	uint64_t v, parent;
	char comm[64];
	int ok = 0, tried = 0;

	memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->pid = t->tgid = t->ppid = -1;
	t->cpu = -1;
	t->blocked_for_ns = -1;
	t->waits_on = -1;
	memcpy(t->state, "??", 3);
#define GET(f, dst) do { tried++; if (rdfield(k, addr, &L->task.f, &v)) { dst; ok++; } } while (0)
	GET(pid, t->pid = (int)(int32_t)v);
	GET(tgid, t->tgid = (int)(int32_t)v);
	GET(state, t->state_raw = (uint32_t)v);
	GET(exit_state, t->exit_state = (uint32_t)v);
	GET(flags, t->kthread = (v & KDL_PF_KTHREAD) != 0);
	GET(cpu, t->cpu = (int)(int32_t)v);
	GET(stack, t->stack_base = v);
	GET(mm, t->mm = v);
#undef GET
	if (L->task.comm.ok) {
		size_t n = L->task.comm.size < sizeof(comm) ? L->task.comm.size : sizeof(comm);
		struct kdl_error *err = kdl_target_read(k->t, addr + L->task.comm.off, comm, n);

		tried++;
		if (!err) {
			kdl_sanitize(comm, n, t->comm, sizeof(t->comm));
			ok++;
		}
		kdl_error_destroy(err);
	}
	if (rdfield(k, addr, &L->task.real_parent, &parent) && kernel_ptr(parent) &&
	    rdfield(k, parent, &L->task.pid, &v))
		t->ppid = (int)(int32_t)v;
	if (t->pid == 0)
		t->ppid = 0; /* idle tasks: crash shows parent 0 */
	if (ok == 0)
		t->quality = KDL_Q_UNREADABLE;
	else if (ok < tried)
		t->quality = KDL_Q_PARTIAL;
	if (t->quality != KDL_Q_UNREADABLE)
		kdl_task_state_letters(t->state_raw, t->exit_state, t->state, &t->rtlock_wait);
	for (int c = 0; c < k->ncpus; c++)
		if (k->cpus[c].current == addr)
			t->on_cpu = true;

	/* how long it has been off the CPU: rq clock - sched_info.last_arrival */
	if (!t->on_cpu && strcmp(t->state, "RU") != 0 && t->cpu >= 0 && t->cpu < k->ncpus &&
	    k->cpus[t->cpu].rq_clock && rdfield(k, addr, &L->task.last_arrival, &v) && v &&
	    v <= k->cpus[t->cpu].rq_clock)
		t->blocked_for_ns = (int64_t)(k->cpus[t->cpu].rq_clock - v);
	/* without SCHED_INFO: the hung-task detector's last_switch_time (jiffies
	 * when it last saw the task switch), where it has looked at the task */
	else if (!t->on_cpu && !strcmp(t->state, "UN") && !L->task.last_arrival.ok &&
		 k->jiffies && k->tick_nsec && rdfield(k, addr, &L->task.last_switch_time, &v) &&
		 v && v <= k->jiffies && k->jiffies - v < (1ull << 40))
		t->blocked_for_ns = (int64_t)((k->jiffies - v) * k->tick_nsec);
}

static void add_task(struct kdl_kernel *k, struct tasklist *tl, uint64_t addr)
{
	if (tl->n >= MAX_TASKS) {
		tl->partial = true;
		return;
	}
	if (!seen_add(&tl->seen, addr))
		return;
	if (tl->n == tl->cap) {
		size_t ncap = tl->cap ? tl->cap * 2 : 256;
		struct kdl_task *nv = realloc(tl->v, ncap * sizeof(*nv));

		if (!nv) {
			tl->nomem = true;
			return;
		}
		tl->v = nv;
		tl->cap = ncap;
	}
	read_task(k, addr, &tl->v[tl->n]);
	if (tl->v[tl->n].quality != KDL_Q_OK)
		tl->partial = true;
	tl->n++;
}

/* Walk a list_head list one way: `dir` 0 follows next, 8 follows prev. Stops
 * at head (true), at `stop`, or at an unreadable/invalid link (false); *last
 * is the last node visited. */
static bool walk_dir(struct kdl_kernel *k, uint64_t head, uint64_t off, size_t *n, size_t max,
		     unsigned dir, uint64_t stop, uint64_t *last,
		     void (*fn)(struct kdl_kernel *, void *, uint64_t), void *arg)
{
	uint64_t node, mark = head;
	size_t lap = 0, pow = 1;

	*last = head;
	if (!rd64(k, head + dir, &node))
		return false;
	while (node != head && (!stop || node != stop)) {
		if (!kernel_ptr(node) || (*n)++ >= max)
			return false;
		fn(k, arg, node - off);
		*last = node;
		if (!rd64(k, node + dir, &node))
			return false;
		/* without this a corrupt list is walked `max` (millions of) times */
		if (list_loops(&mark, &lap, &pow, node, head))
			return false;
	}
	return true;
}

/* Walk a list_head list from head, calling fn(container) for each entry.
 * When a link is broken, the rest of the list is recovered by walking back
 * from head along the prev links up to the break. False when the list was
 * broken (some entries may be missing). */
static bool walk_list(struct kdl_kernel *k, uint64_t head, uint64_t off, size_t max,
		      void (*fn)(struct kdl_kernel *, void *, uint64_t), void *arg)
{
	uint64_t last, last_back;
	size_t n = 0;

	if (walk_dir(k, head, off, &n, max, 0, 0, &last, fn, arg))
		return true;
	if (n < max)
		walk_dir(k, head, off, &n, max, 8, last, &last_back, fn, arg);
	return false;
}

struct group_walk {
	struct tasklist *tl;
};

static void thread_cb(struct kdl_kernel *k, void *arg, uint64_t task)
{
	add_task(k, ((struct group_walk *)arg)->tl, task);
}

static void process_cb(struct kdl_kernel *k, void *arg, uint64_t leader)
{
	struct tasklist *tl = arg;
	const struct kdl_layout *L = k->L;
	struct group_walk gw = { tl };
	uint64_t sig;

	add_task(k, tl, leader);
	if (L->task.signal.ok && L->signal.thread_head.ok && L->task.thread_node.ok) {
		if (!rdfield(k, leader, &L->task.signal, &sig) || !kernel_ptr(sig)) {
			tl->partial = true;
			return;
		}
		if (!walk_list(k, sig + L->signal.thread_head.off, L->task.thread_node.off,
			       MAX_THREADS_PER_GROUP, thread_cb, &gw))
			tl->partial = true;
	} else if (L->task.thread_group.ok) {
		if (!walk_list(k, leader + L->task.thread_group.off, L->task.thread_group.off,
			       MAX_THREADS_PER_GROUP, thread_cb, &gw))
			tl->partial = true;
	}
}

static int task_cmp(const void *a, const void *b)
{
	const struct kdl_task *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct kdl_error *kdl_kernel_read_tasks(struct kdl_kernel *k, struct kdl_task **tasks,
					size_t *ntasks, bool *partial)
{
	const struct kdl_layout *L = k->L;
	struct tasklist tl = { 0 };

	/* idle tasks: init_task (CPU 0) and each CPU's rq->idle */
	add_task(k, &tl, L->init_task);
	for (int c = 0; c < k->ncpus; c++)
		if (k->cpus[c].idle)
			add_task(k, &tl, k->cpus[c].idle);
	if (!walk_list(k, L->init_task + L->task.tasks.off, L->task.tasks.off, MAX_TASKS,
		       process_cb, &tl))
		tl.partial = true;
	/* a current task that the lists missed (e.g. exiting) still matters */
	for (int c = 0; c < k->ncpus; c++)
		if (k->cpus[c].current)
			add_task(k, &tl, k->cpus[c].current);
	kdl_hash_free(&tl.seen);
	if (tl.nomem) {
		free(tl.v);
		return kdl_error_create(KDL_ERR_NOMEM, "reading tasks: out of memory");
	}
	if (tl.n == 0 || tl.v[0].quality == KDL_Q_UNREADABLE) {
		free(tl.v);
		return kdl_error_create(KDL_ERR_FAULT, "init_task at 0x%llx is unreadable: the "
					"kernel memory of the dump cannot be read",
					(unsigned long long)L->init_task);
	}
	qsort(tl.v, tl.n, sizeof(*tl.v), task_cmp);
	*tasks = tl.v;
	*ntasks = tl.n;
	*partial = tl.partial;
	return NULL;
}
