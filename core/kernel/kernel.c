/* core/kernel/kernel.c - tasks, CPUs, stacks, module symbols and the kernel log. */
#include "core/kernel/kernel.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/moddebug.h"

#define MAX_TASKS (1u << 22)      /* threads in one dump we are willing to walk */
#define MAX_THREADS_PER_GROUP (1u << 20)
#define MAX_CPUS 8192
#define MAX_MODULES 4096
#define MAX_MOD_SYMS (1u << 20)
#define MAX_LOG (32u << 20)

struct cpu_info {
	uint64_t offset;   /* __per_cpu_offset[cpu] */
	uint64_t current;  /* current task */
	uint64_t rq;       /* &runqueues for this CPU */
	uint64_t idle;     /* rq->idle */
	uint64_t rq_clock; /* rq->clock, 0 unknown */
	uint64_t irq_base, nmi_base, df_base, db_base, mce_base;
	bool has_irq, has_estacks;
};

struct stack_ent {
	uint64_t base;
};

struct kdl_kernel {
	struct kdl_target *t;
	struct kdl_debuginfo *di;
	const struct kdl_layout *L;
	int ncpus;
	struct cpu_info *cpus;
	uint64_t jiffies, tick_nsec; /* for the hung-task fallback; 0 unknown */
	uint64_t *stacks; /* sorted task stack bases */
	size_t nstacks;
};

/* ---------------------------------------------------------------- helpers */

void kdl_sanitize(const char *in, size_t inlen, char *out, size_t n)
{
	size_t o = 0;

	if (!n)
		return;
	for (size_t i = 0; i < inlen && in[i]; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= n)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= n)
				break;
			snprintf(out + o, n - o, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
}

static bool rd64(struct kdl_kernel *k, uint64_t addr, uint64_t *v)
{
	return kdl_target_peek_u64(k->t, addr, v) != 0;
}

static bool rd32(struct kdl_kernel *k, uint64_t addr, uint32_t *v)
{
	struct kdl_error *err = kdl_target_read_u32(k->t, addr, v);

	kdl_error_destroy(err);
	return err == NULL;
}

/* Read an integer field of 1..8 bytes (little endian). */
static bool rdfield(struct kdl_kernel *k, uint64_t base, const struct kdl_field *f, uint64_t *v)
{
	unsigned char b[8] = { 0 };
	struct kdl_error *err;
	uint64_t x = 0;

	if (!f->ok || f->size == 0 || f->size > 8)
		return false;
	err = kdl_target_read(k->t, base + f->off, b, f->size);
	if (err) {
		kdl_error_destroy(err);
		return false;
	}
	for (int i = (int)f->size - 1; i >= 0; i--)
		x = (x << 8) | b[i];
	*v = x;
	return true;
}

static bool kernel_ptr(uint64_t p)
{
	return p >= 0xff00000000000000ull && (p & 7) == 0;
}

/* ---------------------------------------------------------------- states */

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

/* ---------------------------------------------------------------- CPUs */

static void read_cpu(struct kdl_kernel *k, int cpu)
{
	const struct kdl_layout *L = k->L;
	struct cpu_info *c = &k->cpus[cpu];
	uint64_t v;

	if (L->per_cpu_offset && rd64(k, L->per_cpu_offset + 8ull * (unsigned)cpu, &v))
		c->offset = v;
	if (!c->offset && cpu > 0)
		return;
	if (L->pcpu_current_task && rd64(k, c->offset + L->pcpu_current_task, &v) && kernel_ptr(v))
		c->current = v;
	if (L->runqueues) {
		c->rq = c->offset + L->runqueues;
		if (!c->current && rdfield(k, c->rq, &L->rq.curr, &v) && kernel_ptr(v))
			c->current = v;
		if (rdfield(k, c->rq, &L->rq.idle, &v) && kernel_ptr(v))
			c->idle = v;
		if (rdfield(k, c->rq, &L->rq.clock, &v))
			c->rq_clock = v;
	}
	if (L->pcpu_hardirq_stack_ptr && rd64(k, c->offset + L->pcpu_hardirq_stack_ptr, &v) &&
	    kernel_ptr(v)) {
		/* hardirq_stack_ptr = top of the irq stack - 8 */
		c->irq_base = v + 8 - L->irq_stack_size;
		c->has_irq = true;
	}
	if (L->pcpu_cea_exception_stacks && L->estacks.ok &&
	    rd64(k, c->offset + L->pcpu_cea_exception_stacks, &v) && kernel_ptr(v)) {
		c->df_base = v + L->estacks.df;
		c->nmi_base = v + L->estacks.nmi;
		c->db_base = v + L->estacks.db;
		c->mce_base = v + L->estacks.mce;
		c->has_estacks = true;
	}
}

struct kdl_error *kdl_kernel_create(struct kdl_target *t, struct kdl_debuginfo *di,
				    const struct kdl_layout *layout, int ncpus,
				    struct kdl_kernel **out)
{
	struct kdl_kernel *k = calloc(1, sizeof(*k));
	uint32_t nr = 0;

	if (!k)
		return kdl_error_create(KDL_ERR_NOMEM, "kernel view: out of memory");
	k->t = t;
	k->di = di;
	k->L = layout;
	if (ncpus <= 0 && layout->nr_cpu_ids) {
		struct kdl_error *err = kdl_target_read_u32(t, layout->nr_cpu_ids, &nr);

		kdl_error_destroy(err);
		ncpus = err ? 1 : (int)nr;
	}
	if (ncpus <= 0)
		ncpus = 1;
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	k->ncpus = ncpus;
	k->cpus = calloc((size_t)ncpus, sizeof(*k->cpus));
	if (!k->cpus) {
		free(k);
		return kdl_error_create(KDL_ERR_NOMEM, "kernel view: out of memory");
	}
	for (int i = 0; i < ncpus; i++)
		read_cpu(k, i);
	{
		uint64_t a, v;

		if (layout->jiffies && rd64(k, layout->jiffies, &v))
			k->jiffies = v;
		/* tick_nsec = NSEC_PER_SEC / HZ */
		if (di && kdl_debuginfo_symbol_addr(di, "tick_nsec", &a) && rd64(k, a, &v) &&
		    v >= 100000 && v <= 100000000)
			k->tick_nsec = v;
	}
	*out = k;
	return NULL;
}

void kdl_kernel_destroy(struct kdl_kernel *k)
{
	if (!k)
		return;
	free(k->cpus);
	free(k->stacks);
	free(k);
}

int kdl_kernel_ncpus(const struct kdl_kernel *k)
{
	return k->ncpus;
}

uint64_t kdl_kernel_cpu_offset(const struct kdl_kernel *k, int cpu)
{
	return cpu >= 0 && cpu < k->ncpus ? k->cpus[cpu].offset : 0;
}

uint64_t kdl_kernel_cpu_current(const struct kdl_kernel *k, int cpu)
{
	return cpu >= 0 && cpu < k->ncpus ? k->cpus[cpu].current : 0;
}

bool kdl_kernel_task_thread_sp(struct kdl_kernel *k, uint64_t task, uint64_t *sp)
{
	return rdfield(k, task, &k->L->task.thread_sp, sp);
}

/* ---------------------------------------------------------------- stacks */

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct kdl_error *kdl_kernel_set_task_stacks(struct kdl_kernel *k, const struct kdl_task *tasks,
					     size_t ntasks)
{
	uint64_t *s = malloc((ntasks ? ntasks : 1) * sizeof(*s));
	size_t n = 0;

	if (!s)
		return kdl_error_create(KDL_ERR_NOMEM, "task stacks: out of memory");
	for (size_t i = 0; i < ntasks; i++)
		if (tasks[i].stack_base)
			s[n++] = tasks[i].stack_base;
	qsort(s, n, sizeof(*s), u64_cmp);
	free(k->stacks);
	k->stacks = s;
	k->nstacks = n;
	return NULL;
}

static bool in_region(uint64_t base, uint64_t size, uint64_t addr)
{
	return base && addr >= base && addr - base < size;
}

bool kdl_kernel_classify_stack(void *arg, int cpu, uint64_t addr, struct kdl_stack_region *out)
{
	struct kdl_kernel *k = arg;
	const struct kdl_layout *L = k->L;
	size_t lo = 0, hi = k->nstacks;
	int first = cpu >= 0 && cpu < k->ncpus ? cpu : 0, last = cpu >= 0 && cpu < k->ncpus ? cpu : k->ncpus - 1;

	/* the CPU's own stacks first; with cpu < 0 any CPU's */
	for (int c = first; c <= last; c++) {
		const struct cpu_info *ci = &k->cpus[c];

		if (ci->has_irq && in_region(ci->irq_base, L->irq_stack_size, addr)) {
			*out = (struct kdl_stack_region){ ci->irq_base, L->irq_stack_size, KDL_CTX_IRQ };
			return true;
		}
		if (ci->has_estacks) {
			uint64_t sz = L->estacks.stksz;

			if (in_region(ci->nmi_base, sz, addr)) {
				*out = (struct kdl_stack_region){ ci->nmi_base, sz, KDL_CTX_NMI };
				return true;
			}
			if (in_region(ci->df_base, sz, addr) || in_region(ci->db_base, sz, addr) ||
			    in_region(ci->mce_base, sz, addr)) {
				uint64_t b = in_region(ci->df_base, sz, addr) ? ci->df_base :
					     in_region(ci->db_base, sz, addr) ? ci->db_base : ci->mce_base;

				*out = (struct kdl_stack_region){ b, sz, KDL_CTX_EXCEPTION };
				return true;
			}
		}
	}
	/* task stacks: the last base <= addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->stacks[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && in_region(k->stacks[lo - 1], L->thread_size, addr)) {
		*out = (struct kdl_stack_region){ k->stacks[lo - 1], L->thread_size, KDL_CTX_TASK };
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- tasks */

/* A set of task addresses (open addressing) to detect loops and duplicates. */
struct addrset {
	uint64_t *v;
	size_t cap, n;
};

static bool set_add(struct addrset *s, uint64_t a)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		uint64_t *nv = calloc(ncap, sizeof(*nv));

		if (!nv)
			return false;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->v[i])
				continue;
			size_t j = (s->v[i] >> 6) * 0x9e3779b97f4a7c15ull & (ncap - 1);

			while (nv[j])
				j = (j + 1) & (ncap - 1);
			nv[j] = s->v[i];
		}
		free(s->v);
		s->v = nv;
		s->cap = ncap;
	}
	for (size_t i = (a >> 6) * 0x9e3779b97f4a7c15ull & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->v[i] == a)
			return false; /* already there */
		if (!s->v[i]) {
			s->v[i] = a;
			s->n++;
			return true;
		}
	}
}

struct tasklist {
	struct kdl_task *v;
	size_t n, cap;
	struct addrset seen;
	bool partial, nomem;
};

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
	if (!set_add(&tl->seen, addr))
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

/* Walk a list_head ring starting at head (an address), calling fn for each
 * entry (entry address = node - off). Bounded; returns false on a broken
 * list (unreadable next pointer or too long). */
/* Brent's loop check for a list walk that has just moved to `node`: true
 * when the walk is going round a loop that does not pass through head. */
static bool list_loops(uint64_t *mark, size_t *lap, size_t *pow, uint64_t node, uint64_t head)
{
	if (node == *mark && node != head)
		return true;
	if (++*lap == *pow) {
		*mark = node;
		*pow <<= 1;
		*lap = 0;
	}
	return false;
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
	free(tl.seen.v);
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

/* ---------------------------------------------------------------- modules */

/* Visit every module on the `modules` list: bounded (MAX_MODULES), loop-checked,
 * with the module's name read and sanitised. `visit` returns an error to stop
 * the walk with it. *nmods counts the modules visited; *looped says whether the
 * walk stopped on a list that loops. No module support: nothing is visited. */
typedef struct kdl_error *(*module_visit_fn)(struct kdl_kernel *k, uint64_t mod,
					      const char *name, void *arg);

static struct kdl_error *for_each_module(struct kdl_kernel *k, module_visit_fn visit, void *arg,
					 size_t *nmods, bool *looped)
{
	const struct kdl_layout *L = k->L;
	uint64_t head = L->modules, node, off_list, off_name, name_size, mark;
	size_t lap = 0, pow = 1;
	struct kdl_error *err;

	*nmods = 0;
	*looped = false;
	if (!head || !L->module.list.ok || !L->module.name.ok)
		return NULL;
	off_list = L->module.list.off;
	off_name = L->module.name.off;
	name_size = L->module.name.size;
	if (name_size > 128)
		name_size = 128;
	if (!rd64(k, head, &node))
		return kdl_error_create(KDL_ERR_FAULT, "module list at 0x%llx unreadable",
					(unsigned long long)head);
	mark = head;
	while (node != head && *nmods < MAX_MODULES && kernel_ptr(node)) {
		uint64_t mod = node - off_list;
		char raw[128], name[140];

		(*nmods)++;
		err = kdl_target_read(k->t, mod + off_name, raw, name_size);
		if (err) {
			kdl_error_destroy(err);
			break;
		}
		kdl_sanitize(raw, name_size, name, sizeof(name));
		err = visit(k, mod, name, arg);
		if (err)
			return err;
		if (!rd64(k, node, &node))
			break;
		if (list_loops(&mark, &lap, &pow, node, head)) {
			*looped = true;
			break;
		}
	}
	return NULL;
}

static struct kdl_error *add_module_symbols(struct kdl_kernel *k, uint64_t mod, const char *name,
					    void *arg)
{
	const struct kdl_layout *L = k->L;
	uint64_t ks, symtab, strtab, typetab;
	uint32_t num = 0;
	struct kdl_error *err;

	(void)arg;
	if (!rd64(k, mod + L->module.kallsyms.off, &ks) || !kernel_ptr(ks) ||
	    !rd64(k, ks + L->mod_kallsyms.symtab.off, &symtab) ||
	    !rd64(k, ks + L->mod_kallsyms.strtab.off, &strtab) ||
	    !rd64(k, ks + L->mod_kallsyms.typetab.off, &typetab) ||
	    !rd32(k, ks + L->mod_kallsyms.num_symtab.off, &num))
		return NULL;
	if (num > MAX_MOD_SYMS)
		num = MAX_MOD_SYMS;
	for (uint32_t i = 1; i < num; i++) {
		unsigned char sym[24];
		uint32_t st_name;
		uint64_t value, size;
		char sname[256], clean[300];
		unsigned char type = 0;

		err = kdl_target_read(k->t, symtab + 24ull * i, sym, sizeof(sym));
		if (err) {
			kdl_error_destroy(err);
			break;
		}
		memcpy(&st_name, sym, 4);
		memcpy(&value, sym + 8, 8);
		memcpy(&size, sym + 16, 8);
		if (!value || !kernel_ptr(value & ~7ull))
			continue;
		err = kdl_target_read(k->t, strtab + st_name, sname, sizeof(sname) - 1);
		if (err) {
			/* a name near the end of the table: read less */
			kdl_error_destroy(err);
			err = kdl_target_read(k->t, strtab + st_name, sname, 64);
			if (err) {
				kdl_error_destroy(err);
				continue;
			}
			sname[64] = '\0';
		}
		sname[sizeof(sname) - 1] = '\0';
		if (!sname[0])
			continue;
		kdl_sanitize(sname, strlen(sname), clean, sizeof(clean));
		err = kdl_target_read(k->t, typetab + i, &type, 1);
		kdl_error_destroy(err);
		err = kdl_debuginfo_add_symbol(k->di, name, clean, value, size,
					       type == 't' || type == 'T');
		if (err)
			return err;
	}
	return NULL;
}

struct kdl_error *kdl_kernel_load_module_symbols(struct kdl_kernel *k, size_t *nmodules)
{
	const struct kdl_layout *L = k->L;
	struct kdl_error *err;
	bool looped;

	*nmodules = 0;
	if (!L->module.kallsyms.ok || !L->mod_kallsyms.symtab.ok ||
	    !L->mod_kallsyms.num_symtab.ok || !L->mod_kallsyms.strtab.ok ||
	    !L->mod_kallsyms.typetab.ok)
		return NULL; /* no module support in this kernel */
	err = for_each_module(k, add_module_symbols, NULL, nmodules, &looped);
	if (!err && looped)
		/* a looping list would have added the same symbols MAX_MODULES times */
		err = kdl_error_create(KDL_ERR_CORRUPT, "module list loops");
	return err;
}

struct modsect_walk {
	const char *dir;
	size_t loaded;
};

static struct kdl_error *load_module_dwarf(struct kdl_kernel *k, uint64_t mod, const char *name,
					   void *arg)
{
	struct modsect_walk *o = arg;
	const struct kdl_layout *L = k->L;
	struct kdl_module_section secs[128];
	char secnames[128][64];
	uint64_t sa;
	uint32_t nsec = 0;
	size_t n = 0;
	struct kdl_error *err;

	if (!rd64(k, mod + L->module.sect_attrs.off, &sa) || !kernel_ptr(sa) ||
	    !rd32(k, sa + L->sect_attrs.nsections.off, &nsec))
		return NULL;
	for (uint32_t i = 0; i < nsec && n < 128; i++) {
		uint64_t a = sa + L->sect_attrs.attrs.off + (uint64_t)i * L->sect_attr.size, addr, np;
		char sn[64];

		if (!rd64(k, a + L->sect_attr.address.off, &addr) ||
		    !rd64(k, a + L->sect_attr.name.off, &np))
			continue;
		err = kdl_target_read(k->t, np, sn, sizeof(sn));
		if (err) {
			kdl_error_destroy(err);
			continue;
		}
		sn[sizeof(sn) - 1] = '\0';
		kdl_sanitize(sn, strlen(sn), secnames[n], sizeof(secnames[n]));
		secs[n].name = secnames[n];
		secs[n].addr = addr;
		n++;
	}
	if (n) {
		err = kdl_debuginfo_load_module(k->di, o->dir, name, secs, n);
		if (!err)
			o->loaded++;
		kdl_error_destroy(err);
	}
	return NULL;
}

struct kdl_error *kdl_kernel_load_module_dwarf(struct kdl_kernel *k, const char *dir,
					       size_t *nloaded)
{
	const struct kdl_layout *L = k->L;
	struct modsect_walk o = { .dir = dir };
	struct kdl_error *err;
	size_t nmods;
	bool looped;

	*nloaded = 0;
	if (!dir)
		return NULL;
	if (!L->module.sect_attrs.ok || !L->sect_attrs.nsections.ok || !L->sect_attrs.attrs.ok ||
	    !L->sect_attr.address.ok || !L->sect_attr.name.ok || !L->sect_attr.size)
		return NULL; /* no sysfs section attributes in this kernel: no module DWARF */
	err = for_each_module(k, load_module_dwarf, &o, &nmods, &looped);
	*nloaded = o.loaded;
	return err;
}

/* ---------------------------------------------------------------- log */

struct logbuf {
	char *p;
	size_t n, cap;
};

static bool log_add(struct logbuf *b, const char *s, size_t len)
{
	if (b->n + len + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 65536;
		char *np;

		while (ncap < b->n + len + 1)
			ncap *= 2;
		if (ncap > MAX_LOG)
			return false;
		np = realloc(b->p, ncap);
		if (!np)
			return false;
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
	return true;
}

struct kdl_error *kdl_kernel_read_log(struct kdl_kernel *k, char **text, size_t *len)
{
	const struct kdl_layout *L = k->L;
	uint64_t rb, count_bits, descs, infos, head_id, tail_id, size_bits, data;
	uint64_t dr, tr, count, dsize;
	struct logbuf b = { 0 };
	char *msg = NULL;

	if (!L->prb.ok || !L->prb_ptr)
		return kdl_error_create(KDL_ERR_NOTFOUND, "kernel log: no printk ring buffer "
					"(kernel older than 5.10?)");
	if (!rd64(k, L->prb_ptr, &rb) || !kernel_ptr(rb))
		return kdl_error_create(KDL_ERR_FAULT, "kernel log: prb unreadable");
	dr = rb + L->prb.desc_ring.off;
	tr = rb + L->prb.text_data_ring.off;
	if (!rdfield(k, dr, &L->prb.dr_count_bits, &count_bits) ||
	    !rdfield(k, dr, &L->prb.dr_descs, &descs) || !rdfield(k, dr, &L->prb.dr_infos, &infos) ||
	    !rdfield(k, dr, &L->prb.dr_head_id, &head_id) ||
	    !rdfield(k, dr, &L->prb.dr_tail_id, &tail_id) ||
	    !rdfield(k, tr, &L->prb.tr_size_bits, &size_bits) ||
	    !rdfield(k, tr, &L->prb.tr_data, &data) || count_bits > 24 || size_bits > 28 ||
	    size_bits < 4)
		return kdl_error_create(KDL_ERR_CORRUPT, "kernel log: ring buffer header "
					"unreadable or corrupt");
	count = 1ull << count_bits;
	dsize = 1ull << size_bits;
	msg = malloc(65536);
	if (!msg)
		return kdl_error_create(KDL_ERR_NOMEM, "kernel log: out of memory");
	/* ids count up from tail to head; at most `count` of them are live */
	for (uint64_t id = tail_id, steps = 0; steps <= count; id++, steps++) {
		uint64_t d = descs + (id & (count - 1)) * L->prb.desc_size;
		uint64_t inf = infos + (id & (count - 1)) * L->prb.info_size;
		uint64_t sv, begin, next, ts = 0, tlen = 0, start, state;
		char line[96 + 4 * 1024];
		size_t o;

		if (!rdfield(k, d, &L->prb.desc_state_var, &sv))
			break;
		state = (sv >> 62) & 3;
		/* 1 committed, 2 finalized; the id must match */
		if ((sv & ~(3ull << 62)) == (id & ~(3ull << 62)) && (state == 1 || state == 2) &&
		    rd64(k, d + L->prb.desc_text_blk_lpos.off + L->prb.blk_begin.off, &begin) &&
		    rd64(k, d + L->prb.desc_text_blk_lpos.off + L->prb.blk_next.off, &next) &&
		    rdfield(k, inf, &L->prb.info_text_len, &tlen)) {
			rdfield(k, inf, &L->prb.info_ts_nsec, &ts);
			if ((begin & 1) || (next & 1) || tlen == 0) {
				tlen = 0; /* data-less record */
				start = 0;
			} else if ((begin >> size_bits) != (next >> size_bits)) {
				start = 0; /* wrapped: the text sits at the ring's start */
			} else {
				start = begin & (dsize - 1);
			}
			if (tlen > 4096)
				tlen = 4096;
			if (tlen && start + L->prb.blk_id_off.off + tlen <= dsize) {
				struct kdl_error *err = kdl_target_read(
					k->t, data + start + L->prb.blk_id_off.off, msg, tlen);

				if (err) {
					kdl_error_destroy(err);
					tlen = 0;
				}
			} else {
				tlen = 0;
			}
			o = (size_t)snprintf(line, sizeof(line), "[%5llu.%06llu] ",
					     (unsigned long long)(ts / 1000000000ull),
					     (unsigned long long)(ts % 1000000000ull / 1000));
			/* keep embedded newlines of multi-line records, clean the rest */
			for (size_t i = 0; i < tlen && o + 5 < sizeof(line); i++) {
				unsigned char c = (unsigned char)msg[i];

				if (c == '\n' || (c >= 0x20 && c < 0x7f) || c == '\t')
					line[o++] = (char)c;
				else
					o += (size_t)snprintf(line + o, sizeof(line) - o, "\\x%02x", c);
			}
			line[o++] = '\n';
			if (!log_add(&b, line, o))
				break;
		}
		if (id == head_id)
			break;
	}
	free(msg);
	if (!b.p)
		return kdl_error_create(KDL_ERR_NOTFOUND, "kernel log: empty");
	*text = b.p;
	*len = b.n;
	return NULL;
}

/* The layout field of init_uts_ns.name.<field>, NULL for an unknown name. */
static const struct kdl_field *uts_field(const struct kdl_layout *L, const char *field)
{
	static const struct { const char *name; size_t off; } names[] = {
		{ "sysname", offsetof(struct kdl_layout, uts.sysname) },
		{ "nodename", offsetof(struct kdl_layout, uts.nodename) },
		{ "release", offsetof(struct kdl_layout, uts.release) },
		{ "version", offsetof(struct kdl_layout, uts.version) },
		{ "machine", offsetof(struct kdl_layout, uts.machine) },
		{ "domainname", offsetof(struct kdl_layout, uts.domainname) },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, field))
			return (const struct kdl_field *)((const char *)L + names[i].off);
	return NULL;
}

bool kdl_kernel_uts(struct kdl_kernel *k, const char *field, char *buf, size_t len)
{
	const struct kdl_field *f;
	char raw[65];
	uint64_t base, size;
	struct kdl_error *err;

	if (!k->di || !len || !kdl_debuginfo_symbol_addr(k->di, "init_uts_ns", &base))
		return false;
	f = uts_field(k->L, field);
	if (!f || !f->ok)
		return false;
	size = f->size;
	if (size > sizeof(raw) - 1)
		size = sizeof(raw) - 1;
	err = kdl_target_read(k->t, base + f->off, raw, size);
	if (err) {
		kdl_error_destroy(err);
		return false;
	}
	raw[size] = '\0';
	kdl_sanitize(raw, strlen(raw), buf, len);
	return buf[0] != '\0';
}

int64_t kdl_kernel_crash_time(struct kdl_kernel *k)
{
	uint64_t v;

	if (!k->L->tk_core || !rdfield(k, k->L->tk_core, &k->L->tk_xtime_sec, &v))
		return -1;
	return (int64_t)v;
}
