/* tests/fuzz/harness.c - libFuzzer harness: the whole analysis (tasks,
 * stacks, locks, graph, every report format) over a memory image of a real
 * dump, damaged by each input (see image.h for the patch records).
 *
 * The vmlinux and the image are loaded once (KDL_FUZZ_VMLINUX, KDL_FUZZ_IMAGE;
 * defaults: the 6.1-orc sample and tests/fuzz/image/6.1-orc.img.gz). A custom
 * mutator aims patches where dumps break: task list pointers, states, pids and
 * comm bytes of the tasks, the words of every lock the clean analysis found
 * (owner words, counts, wait lists), the waiter records on blocked tasks'
 * stacks, the module list and per-CPU offsets; plus zeroed, dropped and
 * truncated pages.
 *
 * Counters (inputs executed, reached the task walk, reached the lock analysis,
 * analysed, partial, rejected) go to stderr at exit and to $KDL_FUZZ_STATS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/debuginfo/debuginfo.h"
#include "tests/fuzz/image.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static struct kdl_fuzz_image *img;
static struct kdl_debuginfo *di;
static struct kdl_fuzz_stats st;

/* A place worth damaging: region, offset, and what kind of field it is. */
enum spot_kind { SPOT_PTR, SPOT_INT, SPOT_STR };
struct spot {
	uint32_t region;
	uint16_t off;
	uint8_t kind;
};
static struct spot *spots;
static size_t nspots, capspots;

static void add_spot(uint64_t addr, enum spot_kind kind)
{
	long r = kdl_fuzz_image_find(img, addr);

	if (r < 0)
		return;
	if (nspots == capspots) {
		size_t nc = capspots ? capspots * 2 : 1024;
		struct spot *ns = realloc(spots, nc * sizeof(*ns));

		if (!ns)
			return;
		spots = ns;
		capspots = nc;
	}
	spots[nspots++] = (struct spot){ (uint32_t)r, (uint16_t)(addr - img->addr[r]),
					 (uint8_t)kind };
}

static void add_member(uint64_t base, const char *type, const char *member, enum spot_kind k)
{
	uint64_t off;
	struct kdl_error *err = kdl_debuginfo_member_offset(di, type, member, &off);

	if (err) {
		kdl_error_destroy(err);
		return;
	}
	add_spot(base + off, k);
}

static void write_stats(void)
{
	const char *path = getenv("KDL_FUZZ_STATS");
	char line[256];

	snprintf(line, sizeof(line), "executed %lu reached_tasks %lu reached_locks %lu "
		 "analysed %lu partial %lu rejected %lu\n", st.executed, st.reached_tasks,
		 st.reached_locks, st.opened, st.partial, st.rejected);
	if (path) {
		FILE *f = fopen(path, "w");

		if (f) {
			fputs(line, f);
			fclose(f);
		}
	}
}

static void at_exit(void)
{
	write_stats();
	fprintf(stderr, "kdl_fuzz: executed %lu, reached task walk %lu, reached lock analysis "
		"%lu, analysed %lu (partial %lu), rejected %lu\n", st.executed, st.reached_tasks,
		st.reached_locks, st.opened, st.partial, st.rejected);
	kdl_debuginfo_destroy(di);
	kdl_fuzz_image_destroy(img);
	free(spots);
}

/* Find the spots from a clean analysis of the image. */
static void find_spots(void)
{
	static const char *const task_ptrs[] = { "tasks.next", "tasks.prev", "stack", "thread.sp",
		"real_parent", "parent", "mm", "signal", "thread_node.next", "thread_group.next",
		"pi_blocked_on", "blocked_on", "se.cfs_rq", "sched_info.last_arrival" };
	static const char *const task_ints[] = { "__state", "state", "exit_state", "pid", "tgid",
		"flags", "on_cpu", "cpu", "thread_info.cpu", "prio" };
	struct kdl_image_info ii = { img->ncpus, img->regs, img->regs_valid, "image",
				     KDL_IMG_MODSYMS_SKIP };
	struct kdl_open_options oo = { 0 };
	struct kdl_analysis *an;
	struct kdl_target *t;
	const struct kdl_model *m;
	struct kdl_error *err;
	uint64_t a;

	err = kdl_fuzz_target(img, NULL, 0, &t);
	if (!err)
		err = kdl_analysis_open_target(t, di, &ii, &oo, &an);
	if (err) {
		fprintf(stderr, "kdl_fuzz: the clean image does not analyse: %s\n", err->msg);
		exit(1);
	}
	m = kdl_analysis_model(an);
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *tk = &m->tasks[i];

		for (size_t k = 0; k < sizeof(task_ptrs) / sizeof(task_ptrs[0]); k++)
			add_member(tk->addr, "struct task_struct", task_ptrs[k], SPOT_PTR);
		for (size_t k = 0; k < sizeof(task_ints) / sizeof(task_ints[0]); k++)
			add_member(tk->addr, "struct task_struct", task_ints[k], SPOT_INT);
		add_member(tk->addr, "struct task_struct", "comm", SPOT_STR);
		/* waiter records and saved registers live in the blocking frames */
		if (tk->involved)
			for (size_t f = 0; f < tk->nframes && f < 8; f++)
				for (uint64_t o = 0; o < 160; o += 8)
					add_spot(tk->frames[f].sp + o, SPOT_PTR);
	}
	for (size_t i = 0; i < m->nlocks; i++) {
		const struct kdl_lock *l = &m->locks[i];

		for (uint64_t o = 0; o < 64; o += 8) {
			add_spot(l->address + o, SPOT_PTR);
			add_spot(l->address + o, SPOT_INT);
		}
	}
	if (kdl_debuginfo_symbol_addr(di, "modules", &a)) {
		uint64_t node, off = 0;
		long r = kdl_fuzz_image_find(img, a);
		struct kdl_error *e = kdl_debuginfo_member_offset(di, "struct module", "list", &off);

		add_spot(a, SPOT_PTR);
		add_spot(a + 8, SPOT_PTR);
		/* the first module: its list links, name and kallsyms pointers */
		if (e) {
			kdl_error_destroy(e);
		} else if (r >= 0 && a - img->addr[r] + 8 <= img->len[r]) {
			memcpy(&node, img->data[r] + (a - img->addr[r]), 8);
			add_spot(node, SPOT_PTR);
			add_spot(node + 8, SPOT_PTR);
			add_member(node - off, "struct module", "name", SPOT_STR);
			add_member(node - off, "struct module", "kallsyms", SPOT_PTR);
		}
	}
	if (kdl_debuginfo_symbol_addr(di, "__per_cpu_offset", &a))
		for (int c = 0; c < img->ncpus; c++)
			add_spot(a + 8 * (uint64_t)c, SPOT_PTR);
	if (kdl_debuginfo_symbol_addr(di, "prb", &a))
		add_spot(a, SPOT_PTR);
	fprintf(stderr, "kdl_fuzz: image %s: %zu regions, %zu tasks, %zu locks, %zu spots\n",
		img->release, img->nregions, m->ntasks, m->nlocks, nspots);
	kdl_analysis_destroy(an);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *ipath = getenv("KDL_FUZZ_IMAGE"), *vpath = getenv("KDL_FUZZ_VMLINUX");
	struct kdl_error *err;

	(void)argc;
	(void)argv;
	if (!ipath)
		ipath = "tests/fuzz/image/6.1-orc.img.gz";
	if (!vpath)
		vpath = "build/samples/6.1-orc/vmlinux";
	err = kdl_fuzz_image_load(ipath, &img);
	if (!err)
		err = kdl_fuzz_open_debuginfo(img, vpath, &di);
	if (err) {
		fprintf(stderr, "kdl_fuzz: %s\n", err->msg);
		exit(1);
	}
	find_spots();
	atexit(at_exit);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kdl_fuzz_run_one(img, di, data, size, &st);
	if (st.executed % 500 == 0)
		write_stats();
	return 0;
}

/* ---------------------------------------------------------------- mutator */

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

struct out {
	uint8_t *p;
	size_t n, max;
};

static bool put(struct out *o, uint64_t v, int bytes)
{
	if (o->n + (size_t)bytes > o->max)
		return false;
	for (int i = 0; i < bytes; i++, v >>= 8)
		o->p[o->n++] = (uint8_t)v;
	return true;
}

/* A pointer-looking word in region r (kernel address), or a random one. */
static uint16_t pointer_word(uint32_t r)
{
	uint32_t len = img->len[r];

	for (int tries = 0; tries < 32 && len >= 8; tries++) {
		uint32_t off = rnd(len / 8) * 8;
		uint64_t v;

		memcpy(&v, img->data[r] + off, 8);
		if (v >> 47 == 0x1ffff)
			return (uint16_t)off;
	}
	return (uint16_t)(len >= 8 ? rnd(len / 8) * 8 : 0);
}

/* Append one record aimed at a known spot or a random page. */
static bool one_record(struct out *o)
{
	bool aimed = nspots && rnd(10) < 7;
	const struct spot *s = aimed ? &spots[rnd((uint32_t)nspots)] : NULL;
	uint32_t r = s ? s->region : rnd((uint32_t)img->nregions);
	size_t n0 = o->n;
	bool ok;

	if (s && s->kind == SPOT_STR) {
		ok = put(o, KDL_FUZZ_STR, 1) && put(o, r, 2) && put(o, s->off, 2) &&
		     put(o, rnd(256), 1);
	} else if (s && s->kind == SPOT_INT) {
		ok = put(o, KDL_FUZZ_INT, 1) && put(o, r, 2) && put(o, s->off, 2) &&
		     put(o, rnd(256), 1) && put(o, rnd(0xffffffffu), 4);
	} else if (s || rnd(3)) {
		uint16_t off = s ? s->off : pointer_word(r);
		uint32_t r2 = nspots && rnd(2) ? spots[rnd((uint32_t)nspots)].region :
			      rnd((uint32_t)img->nregions);

		ok = put(o, KDL_FUZZ_PTR, 1) && put(o, r, 2) && put(o, off, 2) &&
		     put(o, rnd(256), 1) && put(o, r2, 2) && put(o, rnd(0x10000), 2);
	} else {
		switch (rnd(5)) {
		case 0:
			ok = put(o, KDL_FUZZ_ZERO, 1) && put(o, r, 2);
			break;
		case 4: /* hostile bytes anywhere: module names, cache names, the log */
			ok = put(o, KDL_FUZZ_STR, 1) && put(o, r, 2) &&
			     put(o, rnd(img->len[r]), 2) && put(o, rnd(256), 1);
			break;
		case 1:
			ok = put(o, KDL_FUZZ_DROP, 1) && put(o, r, 2);
			break;
		case 2:
			ok = put(o, KDL_FUZZ_TRUNC, 1) && put(o, r, 2) && put(o, rnd(KDL_FUZZ_PAGE), 2);
			break;
		default: {
			uint32_t n = rnd(32) + 1;

			ok = put(o, KDL_FUZZ_WRITE, 1) && put(o, r, 2) &&
			     put(o, rnd(img->len[r]), 2) && put(o, n - 1, 1);
			for (uint32_t i = 0; ok && i < n; i++)
				ok = put(o, rnd(256), 1);
			break;
		}
		}
	}
	if (!ok)
		o->n = n0;
	return ok;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct out o = { data, size, max_size };
	uint32_t k;

	rng = ((uint64_t)seed << 32 | 0x9e3779b9u) ^ size;
	rnd(1);
	k = rnd(8);
	if (k == 0)
		return LLVMFuzzerMutate(data, size, max_size);
	if (k == 1 || size > 256)
		o.n = 0; /* start afresh: a few records are enough to break things */
	for (uint32_t i = rnd(3) + 1; i > 0; i--)
		one_record(&o);
	return o.n;
}
