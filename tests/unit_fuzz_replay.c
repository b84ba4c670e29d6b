/* tests/unit_fuzz_replay.c - replay the fuzzer's regression inputs
 * (tests/fuzz/regress/) and seeds over the memory image of the 6.1-orc sample
 * in the normal (and ASan) suite: each must analyse without a crash, a
 * sanitizer report or an unsanitised report, and reach the task walk.
 *
 *   unit_fuzz_replay [FILE...]   replay these inputs instead (debugging);
 *   KDL_FUZZ_LOOPS=N             run the clean image N times (profiling).
 */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/image.c"
#include "tests/lib/kdltest.h"

static void replay(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di, const char *path)
{
	struct kdl_fuzz_stats st = { 0 };
	unsigned char *data;
	size_t len = 0;
	clock_t t0;
	double secs, limit = getenv("KDL_SANITIZED") ? 30.0 : 5.0;

	data = kdl_fuzz_slurp(path, &len);
	if (!KDL_CHECK(data != NULL, "fuzz replay %s: readable", path))
		return;
	t0 = clock();
	kdl_fuzz_run_one(img, di, data, len, &st);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	KDL_CHECK(st.reached_tasks == 1, "fuzz replay %s: analysed (reached the task walk)", path);
	/* a hang found by the fuzzer must stay fixed */
	KDL_CHECK(secs < limit, "fuzz replay %s: %.2f s CPU (limit %.0f s)", path, secs, limit);
	free(data);
}

static void replay_dir(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di, const char *dir)
{
	char *names[4096];
	size_t n = kdl_fuzz_list_dir(dir, names, sizeof(names) / sizeof(names[0]));

	for (size_t i = 0; i < n; i++) {
		replay(img, di, names[i]);
		free(names[i]);
	}
}

/* ---------------------------------------------------------------- crafted
 * Damage of known classes, built against whatever image is committed. */

struct rec {
	uint8_t b[64];
	size_t n;
};

static void rput(struct rec *r, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes && r->n < sizeof(r->b); i++, v >>= 8)
		r->b[r->n++] = (uint8_t)v;
}

/* A KDL_FUZZ_PTR record writing `kind` at addr (false when not in the image). */
static bool ptr_rec(const struct kdl_fuzz_image *img, struct rec *r, uint64_t addr, int kind,
		    uint64_t target)
{
	long i = kdl_fuzz_image_find(img, addr), j = kdl_fuzz_image_find(img, target);

	if (i < 0 || j < 0 || (addr & 7))
		return false;
	rput(r, KDL_FUZZ_PTR, 1);
	rput(r, (uint64_t)i, 2);
	rput(r, addr - img->addr[i], 2);
	rput(r, (uint64_t)kind, 1);
	rput(r, (uint64_t)j, 2);
	rput(r, target - img->addr[j], 2);
	return true;
}

static uint64_t member(struct kdl_debuginfo *di, const char *type, const char *m)
{
	uint64_t off = 0;

	kdl_error_destroy(kdl_debuginfo_member_offset(di, type, m, &off));
	return off;
}

/* Run a crafted input: it must finish fast, reach the lock analysis and (if
 * want_partial) be marked partial; then the reports are checked. */
static void crafted(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di, const char *name,
		    const struct rec *r, bool want_partial, bool (*extra)(const struct kdl_model *))
{
	struct kdl_fuzz_stats st = { 0 };
	struct kdl_analysis *an = NULL;
	clock_t t0 = clock();
	double limit = getenv("KDL_SANITIZED") ? 30.0 : 5.0, secs;
	struct kdl_error *err = kdl_fuzz_open(img, di, r->b, r->n, &st, &an);

	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	if (kdl_test_ok(err, "crafted %s: analysed", name)) {
		const struct kdl_model *m = kdl_analysis_model(an);

		KDL_CHECK(st.reached_locks == 1, "crafted %s: reached the lock analysis", name);
		if (want_partial)
			KDL_CHECK(m->dump.partial, "crafted %s: marked partial (exit 5)", name);
		if (extra)
			KDL_CHECK(extra(m), "crafted %s: model as expected", name);
		kdl_fuzz_check_reports(an);
		KDL_CHECK(true, "crafted %s: reports sanitised", name);
	}
	KDL_CHECK(secs < limit, "crafted %s: %.2f s CPU (limit %.0f s)", name, secs, limit);
	kdl_fuzz_close(img, di, r->b, r->n, an);
}

/* Pad r to `total` bytes with records that change nothing: a WRITE of the
 * image's own bytes, then a WRITE cut short (ignored). An input of 63 bytes
 * modulo 64 makes the analysis read the module symbols (kdl_fuzz_open). */
static void pad_to(const struct kdl_fuzz_image *img, struct rec *r, size_t total)
{
	size_t n;

	if (r->n + 6 + 32 + 6 <= total) {
		rput(r, KDL_FUZZ_WRITE, 1);
		rput(r, 0, 2);
		rput(r, 0, 2);
		rput(r, 31, 1);
		for (size_t i = 0; i < 32; i++)
			rput(r, img->data[0][i], 1);
	}
	if (r->n + 6 > total)
		return;
	n = total - r->n - 6; /* filler after the header of a WRITE of 32 bytes */
	rput(r, KDL_FUZZ_WRITE, 1);
	rput(r, 0, 2);
	rput(r, 0, 2);
	rput(r, 31, 1);
	for (size_t i = 0; i < n && i < 31; i++)
		rput(r, 0, 1);
}

static const struct kdl_model *clean_model;
static int evil_pid = -1;

static bool no_escape_in_comms(const struct kdl_model *m)
{
	int i = kdl_model_task_by_pid(m, evil_pid);

	for (size_t k = 0; k < m->ntasks; k++)
		for (const char *p = m->tasks[k].comm; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return false;
	/* the name is still there, escaped */
	return i >= 0 && strstr(m->tasks[i].comm, "EVIL") != NULL;
}

/* A broken process list loses no readable task: the walk goes on backwards
 * from init_task along the prev links up to the break. */
static bool all_tasks_kept(const struct kdl_model *m)
{
	size_t readable = 0;

	for (size_t k = 0; k < m->ntasks; k++)
		readable += m->tasks[k].quality != KDL_Q_UNREADABLE;
	if (!clean_model || readable != clean_model->ntasks) {
		fprintf(stderr, "readable tasks: %zu, clean image %zu\n", readable,
			clean_model ? clean_model->ntasks : 0);
		return false;
	}
	return true;
}

static void crafted_all(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di)
{
	struct kdl_fuzz_stats st = { 0 };
	struct kdl_analysis *clean = NULL;
	uint64_t tasks_off = member(di, "struct task_struct", "tasks");
	uint64_t comm_off = member(di, "struct task_struct", "comm");
	const struct kdl_task *a = NULL, *b = NULL, *blocked = NULL;
	struct rec r;
	long i;

	if (!kdl_test_ok(kdl_fuzz_open(img, di, NULL, 0, &st, &clean), "crafted: clean image"))
		return;
	clean_model = kdl_analysis_model(clean);
	for (size_t k = 0; k < clean_model->ntasks; k++) {
		const struct kdl_task *t = &clean_model->tasks[k];

		if (t->pid > 1 && t->pid == t->tgid && !a)
			a = t;
		else if (t->pid > 1 && t->pid == t->tgid && a && !b)
			b = t;
		if (!strcmp(t->state, "UN") && !blocked)
			blocked = t;
	}
	if (!KDL_CHECK(a && b && blocked && tasks_off && comm_off, "crafted: tasks to damage"))
		goto out;

	/* a process list that loops back on itself, not to init_task */
	memset(&r, 0, sizeof(r));
	if (KDL_CHECK(ptr_rec(img, &r, a->addr + tasks_off, 1, a->addr), "crafted: self loop"))
		crafted(img, di, "task list self-loop", &r, true, all_tasks_kept);
	/* b -> a: a loop of several nodes */
	memset(&r, 0, sizeof(r));
	if (KDL_CHECK(ptr_rec(img, &r, b->addr + tasks_off, 2, a->addr + tasks_off),
		      "crafted: long loop"))
		crafted(img, di, "task list loop", &r, true, all_tasks_kept);
	/* a wild and a NULL next pointer */
	memset(&r, 0, sizeof(r));
	if (ptr_rec(img, &r, a->addr + tasks_off, 4, a->addr))
		crafted(img, di, "task list wild pointer", &r, true, all_tasks_kept);
	memset(&r, 0, sizeof(r));
	if (ptr_rec(img, &r, a->addr + tasks_off, 0, a->addr))
		crafted(img, di, "task list NULL", &r, true, all_tasks_kept);
	/* a module list that loops on its first module (symbols are read) */
	{
		uint64_t head, first;
		long hr;

		if (kdl_debuginfo_symbol_addr(di, "modules", &head) &&
		    (hr = kdl_fuzz_image_find(img, head)) >= 0) {
			memcpy(&first, img->data[hr] + (head - img->addr[hr]), 8);
			memset(&r, 0, sizeof(r));
			if (KDL_CHECK(ptr_rec(img, &r, first, 1, first), "crafted: module list")) {
				pad_to(img, &r, 63);
				KDL_CHECK(r.n == 63, "crafted: module input padded (%zu)", r.n);
				crafted(img, di, "module list self-loop", &r, true, NULL);
			}
		}
	}
	/* escape sequences in a blocked task's comm */
	i = kdl_fuzz_image_find(img, blocked->addr + comm_off);
	memset(&r, 0, sizeof(r));
	if (KDL_CHECK(i >= 0, "crafted: comm in image")) {
		evil_pid = blocked->pid;
		rput(&r, KDL_FUZZ_STR, 1);
		rput(&r, (uint64_t)i, 2);
		rput(&r, blocked->addr + comm_off - img->addr[i], 2);
		rput(&r, 0, 1); /* "\x1b[2J\x1b[31mEVIL..." */
		crafted(img, di, "comm with escape sequences", &r, false, no_escape_in_comms);
	}
	/* the page holding a blocked task's stack top is missing */
	if (blocked->nframes) {
		i = kdl_fuzz_image_find(img, blocked->frames[0].sp);
		memset(&r, 0, sizeof(r));
		if (i >= 0) {
			rput(&r, KDL_FUZZ_DROP, 1);
			rput(&r, (uint64_t)i, 2);
			crafted(img, di, "blocked task's stack page missing", &r, true, NULL);
		}
	}
out:
	clean_model = NULL;
	kdl_fuzz_close(img, di, NULL, 0, clean);
}

int main(int argc, char **argv)
{
	const char *dir = kdl_test_sample_dir("6.1-orc");
	const char *top = getenv("TOP");
	struct kdl_fuzz_image *img = NULL;
	struct kdl_debuginfo *di = NULL;
	struct kdl_error *err;
	const char *loops = getenv("KDL_FUZZ_LOOPS");

	if (!dir) {
		kdl_test_skip("fuzz replay: sample 6.1-orc not unpacked");
		return kdl_test_done();
	}
	err = kdl_fuzz_load_sample(top, dir, &img, &di);
	if (!kdl_test_ok(err, "fuzz replay: image and vmlinux load"))
		return kdl_test_done();
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			replay(img, di, argv[i]);
	} else if (loops) {
		struct kdl_fuzz_stats st = { 0 };

		for (long i = strtol(loops, NULL, 10); i > 0; i--)
			kdl_fuzz_run_one(img, di, NULL, 0, &st);
		KDL_CHECK(st.reached_locks == st.executed, "fuzz loops: %lu runs reached the locks",
			  st.executed);
	} else {
		struct kdl_fuzz_stats st = { 0 };
		char rdir[1024];

		/* the clean image: the whole analysis, tasks and locks */
		kdl_fuzz_run_one(img, di, NULL, 0, &st);
		KDL_CHECK(st.reached_locks == 1 && st.opened == 1,
			  "fuzz replay: clean image analysed (locks %lu, analysed %lu)",
			  st.reached_locks, st.opened);
		KDL_CHECK(st.partial == 0, "fuzz replay: clean image not partial");
		snprintf(rdir, sizeof(rdir), "%s/tests/fuzz/regress", top ? top : ".");
		replay_dir(img, di, rdir);
		snprintf(rdir, sizeof(rdir), "%s/tests/fuzz/seeds", top ? top : ".");
		replay_dir(img, di, rdir);
		crafted_all(img, di);
	}
	kdl_debuginfo_destroy(di);
	kdl_fuzz_image_destroy(img);
	return kdl_test_done();
}
