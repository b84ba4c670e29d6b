/* core/analysis.c - open a dump and its vmlinux, read every task, unwind the
 * tasks that matter, run the lock analysis and build the model. */
#include "core/analysis.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/str.h"
#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/kallsyms.h"
#include "core/debuginfo/search.h"
#include "core/target/dump.h"
#include "core/kernel/kernel.h"
#include "core/debuginfo/layout.h"
#include "core/locks/locks.h"
#include "core/graph/graph.h"
#include "core/unwind/unwind.h"
#include "core/report/report.h"

#define MAX_FRAMES 128
#define KDL_MAX_BTF (64u << 20) /* bytes of kernel BTF read from a dump, at most */

struct kdl_analysis {
	struct kdl_model *model;
	struct kdl_dump *dump;
	struct kdl_debuginfo *di;
	struct kdl_layout layout;
	struct kdl_kernel *kernel;
	struct kdl_unwinder *unwinder;
	struct kdl_locks_cpu_raw *cpu_raw; /* indexed like model->cpus */
	struct kdl_target *target;     /* the dump's target, or own_target */
	struct kdl_target *own_target; /* kdl_analysis_open_target(): owned */
	bool di_borrowed;              /* kdl_analysis_open_target(): di is the caller's */
	bool drop_modsyms;             /* ... and gets its module symbols dropped */
	const struct kdl_image_info *img; /* during kdl_analysis_open_target() */
	char *modules_dir;             /* where module .ko files are looked for */
	char *symbols_from;            /* no vmlinux: "kallsyms" or the System.map path */
};

static void progress(const struct kdl_open_options *o, const char *phase, size_t done,
		     size_t total)
{
	if (o && o->progress)
		o->progress(o->progress_arg, phase, done, total);
}

/* ---------------------------------------------------------------- files */

/* Is this an ELF executable (a vmlinux candidate)? */
static bool looks_like_vmlinux(const char *path)
{
	Elf64_Ehdr eh;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = pread(fd, &eh, sizeof(eh), 0);
	close(fd);
	return n == (ssize_t)sizeof(eh) && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	       eh.e_type != ET_CORE;
}

static struct kdl_error *check_readable(const char *path)
{
	struct stat st;
	char b;
	int fd;

	if (stat(path, &st) != 0)
		return kdl_error_create(KDL_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return kdl_error_create(KDL_ERR_INPUT, "%s: is a directory, not a crash dump", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kdl_error_create(KDL_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	if (read(fd, &b, 1) != 1) {
		close(fd);
		return kdl_error_create(KDL_ERR_INPUT, "%s: cannot read (empty or unreadable)", path);
	}
	close(fd);
	return NULL;
}

/* ---------------------------------------------------------------- KASLR */

static bool hexval(const char *s, uint64_t *v)
{
	char *end;

	if (!s)
		return false;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return !errno && end != s;
}

/* Bytes of linux_banner in the vmlinux file, for the KASLR search and the
 * match check of dumps without VMCOREINFO. */
static bool vmlinux_banner(struct kdl_debuginfo *di, uint64_t *link, char *buf, size_t len)
{
	const void *data;
	size_t size;
	uint64_t sec, addr;

	if (!kdl_debuginfo_symbol_addr(di, "linux_banner", &addr))
		return false;
	addr -= kdl_debuginfo_kaslr(di);
	if (!kdl_debuginfo_section(di, ".rodata", &data, &size, &sec) || addr < sec ||
	    addr - sec + len > size)
		return false;
	memcpy(buf, (const char *)data + (addr - sec), len);
	*link = addr;
	return true;
}

static struct kdl_error *find_kaslr(struct kdl_analysis *an, const char *dump_path,
				    const char *vmlinux_path)
{
	uint64_t off = 0, dump_stext, link_stext;
	const char *s;

	s = kdl_dump_vmcoreinfo(an->dump, "KERNELOFFSET");
	if (hexval(s, &off)) {
		kdl_debuginfo_set_kaslr(an->di, off);
		return NULL;
	}
	kdl_debuginfo_set_kaslr(an->di, 0);
	if (hexval(kdl_dump_vmcoreinfo(an->dump, "SYMBOL(_stext)"), &dump_stext) &&
	    kdl_debuginfo_symbol_addr(an->di, "_stext", &link_stext)) {
		kdl_debuginfo_set_kaslr(an->di, dump_stext - link_stext);
		return NULL;
	}
	/* No VMCOREINFO: look for the vmlinux's banner through the page tables
	 * of the CPU notes (as crash does for QEMU dumps). */
	{
		char banner[128];
		uint64_t link;
		struct kdl_error *err;

		if (!vmlinux_banner(an->di, &link, banner, sizeof(banner)))
			return kdl_error_create(KDL_ERR_VMLINUX, "%s: no linux_banner to locate the "
						"kernel in %s", vmlinux_path, dump_path);
		err = kdl_dump_find_kaslr(an->dump, link, banner, sizeof(banner), &off);
		if (err && kdl_dump_truncated(an->dump)) {
			/* the dump is what is cut, not the vmlinux that is wrong */
			kdl_error_destroy(err);
			return kdl_error_create(KDL_ERR_INPUT, "%s: truncated dump: the kernel "
						"is not in what remains of it", dump_path);
		}
		if (err) {
			kdl_error_destroy(err);
			return kdl_error_create(KDL_ERR_VMLINUX, "%s does not match %s: its kernel "
						"(%s) is not in the dump", vmlinux_path, dump_path,
						kdl_debuginfo_release(an->di) ?
						kdl_debuginfo_release(an->di) : "unknown release");
		}
		kdl_debuginfo_set_kaslr(an->di, off);
	}
	return NULL;
}

static struct kdl_error *check_match(struct kdl_analysis *an, const char *dump_path,
				     const char *vmlinux_path)
{
	const char *dr = kdl_dump_release(an->dump), *vr = kdl_debuginfo_release(an->di);
	const char *db = kdl_dump_build_id(an->dump), *vb = kdl_debuginfo_build_id(an->di);

	if (dr && vr && strcmp(dr, vr) != 0)
		return kdl_error_create(KDL_ERR_VMLINUX, "%s does not match %s: vmlinux release "
					"%s, dump release %s", vmlinux_path, dump_path, vr, dr);
	if (db && vb && strncmp(db, vb, strlen(vb)) != 0)
		return kdl_error_create(KDL_ERR_VMLINUX, "%s does not match %s: vmlinux build-id "
					"%s, dump build-id %s", vmlinux_path, dump_path, vb, db);
	return NULL;
}

/* The kernel's banner in the dump's memory must be the vmlinux's: catches a
 * vmlinux of another build when VMCOREINFO has no BUILD-ID (before 5.9) or no
 * VMCOREINFO at all. An unreadable banner proves nothing and is let pass. */
static struct kdl_error *check_banner(struct kdl_analysis *an, const char *dump_path,
				      const char *vmlinux_path)
{
	char mine[128], theirs[128], a[160], b[160];
	const char *nl;
	uint64_t link, addr;
	struct kdl_error *err;
	size_t n;

	if (!vmlinux_banner(an->di, &link, mine, sizeof(mine)) ||
	    !kdl_debuginfo_symbol_addr(an->di, "linux_banner", &addr))
		return NULL;
	err = kdl_target_read(kdl_dump_target(an->dump), addr, theirs, sizeof(theirs));
	if (err) {
		kdl_error_destroy(err);
		return NULL;
	}
	n = strnlen(mine, sizeof(mine));
	if (!memcmp(mine, theirs, n < sizeof(mine) ? n + 1 : n))
		return NULL;
	/* mine comes from the vmlinux file: no terminator is promised either */
	nl = memchr(mine, '\n', n);
	kdl_sanitize(mine, nl ? (size_t)(nl - mine) : n, a, 100);
	kdl_sanitize(theirs, strnlen(theirs, sizeof(theirs)), b, 100);
	b[strcspn(b, "\\")] = '\0';
	return kdl_error_create(KDL_ERR_VMLINUX, "%s does not match %s: vmlinux is '%s', the "
				"dump's kernel is '%s'", vmlinux_path, dump_path, a, b);
}

/* ---------------------------------------------------------------- model */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static bool task_blocked(const struct kdl_task *t)
{
	return !strcmp(t->state, "UN") || t->rtlock_wait;
}

static int task_by_addr(const struct kdl_model *m, uint64_t addr)
{
	for (size_t i = 0; i < m->ntasks; i++)
		if (m->tasks[i].addr == addr)
			return (int)i;
	return -1;
}

/* The panic message from the log: the last "Kernel panic - not syncing: ". */
static char *panic_from_log(const char *log)
{
	const char *key = "Kernel panic - not syncing: ", *p;

	if (!log)
		return NULL;
	/* the first report is the panic; "---[ end Kernel panic ..." repeats it */
	p = strstr(log, key);
	if (!p)
		return NULL;
	p += strlen(key);
	return strndup(p, strcspn(p, "\n"));
}

static struct kdl_error *unwind_task(struct kdl_analysis *an, size_t idx)
{
	struct kdl_model *m = an->model;
	struct kdl_task *t = &m->tasks[idx];
	struct kdl_frame *frames = NULL;
	size_t n = 0;
	enum kdl_quality q = KDL_Q_OK;
	struct kdl_error *err = NULL;
	uint64_t sp;

	if (t->frames_done)
		return NULL;
	if (!an->unwinder) {
		t->frames_done = true;
		t->frames_quality = KDL_Q_UNREADABLE;
		return NULL;
	}
	if (t->on_cpu) {
		/* a running task's trace is its CPU's trace from the saved registers */
		for (size_t c = 0; c < m->ncpus; c++) {
			const struct kdl_cpu *cp = &m->cpus[c];

			if (cp->task != (int)idx || !cp->regs_valid)
				continue;
			if (cp->nframes) {
				frames = malloc(cp->nframes * sizeof(*frames));
				if (!frames)
					return kdl_error_create(KDL_ERR_NOMEM, "frames: out of memory");
				memcpy(frames, cp->frames, cp->nframes * sizeof(*frames));
				n = cp->nframes;
			}
			goto done;
		}
	}
	if (!kdl_kernel_task_thread_sp(an->kernel, t->addr, &sp)) {
		q = KDL_Q_UNREADABLE;
		goto done;
	}
	err = kdl_unwind_sleeping(an->unwinder, t->cpu, sp, &frames, &n, &q);
done:
	if (err) {
		/* the trace is marked, the analysis goes on */
		kdl_error_destroy(err);
		err = NULL;
		if (q == KDL_Q_OK)
			q = n ? KDL_Q_PARTIAL : KDL_Q_UNREADABLE;
	}
	t->frames = frames;
	t->nframes = n;
	t->frames_quality = q;
	t->frames_done = true;
	return NULL;
}

static struct kdl_error *build_cpus(struct kdl_analysis *an)
{
	struct kdl_model *m = an->model;
	int n = kdl_kernel_ncpus(an->kernel);

	m->cpus = calloc((size_t)n, sizeof(*m->cpus));
	an->cpu_raw = calloc((size_t)n, sizeof(*an->cpu_raw));
	if (!m->cpus || !an->cpu_raw)
		return kdl_error_create(KDL_ERR_NOMEM, "cpus: out of memory");
	m->ncpus = (size_t)n;
	for (int c = 0; c < n; c++) {
		struct kdl_cpu *cp = &m->cpus[c];
		struct kdl_stack_region r;
		uint64_t cur = kdl_kernel_cpu_current(an->kernel, c);
		enum kdl_quality q = KDL_Q_OK;

		cp->cpu = c;
		cp->task = cur ? task_by_addr(m, cur) : -1;
		cp->pid = cp->task >= 0 ? m->tasks[cp->task].pid : -1;
		cp->spinning_on = -1;
		cp->context = KDL_CTX_TASK;
		if (an->dump)
			cp->regs_valid = kdl_dump_cpu_regs(an->dump, c, &an->cpu_raw[c].regs, NULL);
		else if (an->img && an->img->regs && c < an->img->ncpus &&
			 (!an->img->regs_valid || an->img->regs_valid[c])) {
			an->cpu_raw[c].regs = an->img->regs[c];
			cp->regs_valid = true;
		}
		an->cpu_raw[c].regs_valid = cp->regs_valid;
		if (!cp->regs_valid)
			continue;
		if ((an->cpu_raw[c].regs.cs & 3) == 3)
			cp->context = KDL_CTX_USER;
		else if (kdl_kernel_classify_stack(an->kernel, c, an->cpu_raw[c].regs.sp, &r))
			cp->context = r.ctx;
		if (an->unwinder) {
			struct kdl_error *err = kdl_unwind_regs(an->unwinder, c, &an->cpu_raw[c].regs,
								&cp->frames, &cp->nframes, &q);

			kdl_error_destroy(err);
			/* a softirq runs on the irq stack: the trace knows which */
			if (cp->context == KDL_CTX_IRQ && cp->nframes &&
			    cp->frames[0].context == KDL_CTX_SOFTIRQ)
				cp->context = KDL_CTX_SOFTIRQ;
		}
	}
	return NULL;
}

static void fill_dump_info(struct kdl_analysis *an)
{
	struct kdl_dump_info *d = &an->model->dump;
	const char *rel = an->dump ? kdl_dump_release(an->dump) : NULL;

	{
		char buf[80];

		/* the dump's own memory when its header did not say */
		if (!rel && kdl_kernel_uts(an->kernel, "release", buf, sizeof(buf)))
			d->release = strdup(buf);
		if (kdl_kernel_uts(an->kernel, "version", buf, sizeof(buf)))
			d->version = strdup(buf);
		if (kdl_kernel_uts(an->kernel, "nodename", buf, sizeof(buf)))
			d->hostname = strdup(buf);
	}
	if (!d->release)
		d->release = dup_or_null(rel ? rel : kdl_debuginfo_release(an->di));
	d->machine = strdup("x86_64");
	d->format = strdup(an->dump ? kdl_dump_format(an->dump) :
			   an->img && an->img->format ? an->img->format : "image");
	d->kaslr_offset = kdl_debuginfo_kaslr(an->di);
	d->cpus = kdl_kernel_ncpus(an->kernel);
	d->has_vmcoreinfo = an->dump && kdl_dump_has_vmcoreinfo(an->dump);
	d->crash_time = -1;
	{
		uint64_t v;

		if (an->dump && hexval(kdl_dump_vmcoreinfo(an->dump, "CRASHTIME"), &v))
			d->crash_time = (int64_t)strtoll(kdl_dump_vmcoreinfo(an->dump, "CRASHTIME"),
							 NULL, 10);
		else
			d->crash_time = kdl_kernel_crash_time(an->kernel);
	}
}

/* Add a reason to the model's "what was unreadable" note. */
static void __attribute__((format(printf, 2, 3))) note_partial(struct kdl_model *m,
							    const char *fmt, ...)
{
	char buf[200], *n;
	size_t old = m->dump.partial_why ? strlen(m->dump.partial_why) : 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = realloc(m->dump.partial_why, old + strlen(buf) + 3);
	if (!n)
		return;
	if (old)
		strcpy(n + old, "; ");
	strcpy(n + old + (old ? 2 : 0), buf);
	m->dump.partial_why = n;
}

/* The analysis proper, over an->target and an->di (KASLR set), for a dump
 * file or a memory image; `what` names the input in errors. */
static struct kdl_error *analyse(struct kdl_analysis *an, const char *what, int ncpus,
				 const struct kdl_open_options *opts)
{
	struct kdl_model *m = an->model;
	struct kdl_error *err;
	bool partial = false, tasks_partial = false;
	size_t nmod = 0;

	err = kdl_layout_resolve(an->di, an->target, &an->layout);
	if (err)
		return err;
	err = kdl_kernel_create(an->target, an->di, &an->layout, ncpus, &an->kernel);
	if (err)
		return err;
	if (!an->img || an->img->module_symbols != KDL_IMG_MODSYMS_SKIP) {
		err = kdl_kernel_load_module_symbols(an->kernel, &nmod);
		if (err) {
			kdl_error_destroy(err);
			partial = true;
			note_partial(m, "module list unreadable");
		}
	}
	if (an->modules_dir) {
		size_t ndw = 0;

		/* module DWARF: line info of module frames, module struct types */
		kdl_error_destroy(kdl_kernel_load_module_dwarf(an->kernel, an->modules_dir, &ndw));
	}

	progress(opts, "tasks", 0, 0);
	/* its own flag: read_tasks() overwrites it, and what was found
	 * unreadable before (module list) must stay */
	err = kdl_kernel_read_tasks(an->kernel, &m->tasks, &m->ntasks, &tasks_partial);
	if (err) {
		/* nothing of the kernel is readable: the vmlinux is not this dump's
		 * kernel, or the dump is damaged beyond use */
		if (err->code == KDL_ERR_FAULT)
			err->code = !an->dump || kdl_dump_has_vmcoreinfo(an->dump) ? KDL_ERR_INPUT :
				    KDL_ERR_VMLINUX;
		if (an->dump && kdl_dump_truncated(an->dump))
			err = kdl_error_wrap(err, "%s: truncated dump", what);
		else
			err = kdl_error_wrap(err, "%s", what);
		return err;
	}
	m->dump.task_count = m->ntasks;
	{
		size_t unr = 0, part = 0;

		for (size_t i = 0; i < m->ntasks; i++) {
			unr += m->tasks[i].quality == KDL_Q_UNREADABLE;
			part += m->tasks[i].quality == KDL_Q_PARTIAL;
		}
		partial |= tasks_partial;
		if (tasks_partial && !unr && !part)
			note_partial(m, "a task list is broken: tasks may be missing");
		if (unr)
			note_partial(m, "%zu task_struct%s unreadable (tasks after a broken "
				     "link may be missing)", unr, unr == 1 ? "" : "s");
		if (part)
			note_partial(m, "%zu task_struct%s read in part", part, part == 1 ? "" : "s");
	}
	err = kdl_kernel_set_task_stacks(an->kernel, m->tasks, m->ntasks);
	if (err)
		return err;
	err = kdl_unwinder_create(an->target, an->di, &an->layout, kdl_kernel_classify_stack,
				  an->kernel, &an->unwinder);
	if (err) {
		/* no unwinder: tasks and locks still work, traces are empty */
		kdl_error_destroy(err);
		an->unwinder = NULL;
		partial = true;
		note_partial(m, "no unwinder: backtraces are empty");
	}
	fill_dump_info(an);
	{
		char *log = NULL;
		size_t len = 0;

		err = kdl_kernel_read_log(an->kernel, &log, &len);
		kdl_error_destroy(err);
		m->log = log;
		m->log_len = len;
		m->dump.panic = panic_from_log(log);
	}

	progress(opts, "stacks", 0, m->ntasks);
	err = build_cpus(an);
	if (err)
		return err;
	for (size_t i = 0; i < m->ntasks; i++) {
		struct kdl_task *t = &m->tasks[i];

		t->involved = task_blocked(t) || t->on_cpu;
		if (t->involved || !strcmp(t->state, "IN") || (opts && opts->all_tasks)) {
			err = unwind_task(an, i);
			if (err)
				return err;
		}
		if (t->involved && t->quality == KDL_Q_UNREADABLE)
			partial = true;
		progress(opts, "stacks", i + 1, m->ntasks);
	}

	progress(opts, "locks", 0, 0);
	{
		struct kdl_locks_ctx lc = {
			.target = an->target,
			.di = an->di,
			.layout = &an->layout.lk,
			.thread_size = an->layout.thread_size,
			.cpus = an->cpu_raw,
			.ncpus = m->ncpus,
		};

		err = kdl_locks_analyse(&lc, m);
	}
	if (err) {
		/* the lock analysis is best effort over what was read */
		note_partial(m, "lock analysis incomplete: %.120s", err->msg);
		kdl_error_destroy(err);
		partial = true;
	}
	/* the next stage: the wait-for graph over what the lock analysis filled
	 * (consistent even when it stopped early), before more tasks get frames */
	err = kdl_graph_build(m);
	if (err) {
		note_partial(m, "lock analysis incomplete: %.120s", err->msg);
		kdl_error_destroy(err);
		partial = true;
	}
	/* a lock analysis may have marked more tasks involved: give them frames */
	for (size_t i = 0; i < m->ntasks; i++) {
		if (m->tasks[i].involved && !m->tasks[i].frames_done) {
			err = unwind_task(an, i);
			if (err)
				return err;
		}
	}
	{
		size_t nostack = 0;

		/* a blocked or running task whose stack cannot be read at all */
		for (size_t i = 0; i < m->ntasks; i++)
			nostack += m->tasks[i].involved && m->tasks[i].frames_done &&
				   m->tasks[i].frames_quality == KDL_Q_UNREADABLE &&
				   m->tasks[i].quality != KDL_Q_UNREADABLE;
		if (nostack) {
			partial = true;
			note_partial(m, "%zu blocked or running task%s without a readable stack",
				     nostack, nostack == 1 ? "" : "s");
		}
	}
	if (an->dump && kdl_dump_damaged_pages(an->dump)) {
		partial = true;
		note_partial(m, "%zu pages with damaged descriptors in the dump file",
			     kdl_dump_damaged_pages(an->dump));
	}
	/* a truncated file that still opened: whatever lay beyond its end is gone */
	if (an->dump && kdl_dump_truncated(an->dump)) {
		partial = true;
		note_partial(m, "the dump file is truncated");
	}
	m->dump.partial = partial;
	return NULL;
}

static const char *dump_vmcoreinfo(void *arg, const char *key) { return kdl_dump_vmcoreinfo(arg, key); }

/* "no debug info for REL: WHY; install linux-image-REL-dbg or give VMLINUX" */
static struct kdl_error *no_debuginfo(struct kdl_dump *d, const char *why)
{
	const char *rel = kdl_dump_release(d);

	if (!rel)
		return kdl_error_create(KDL_ERR_VMLINUX, "no debug info for this dump: %s; give "
					"VMLINUX", why);
	return kdl_error_create(KDL_ERR_VMLINUX, "no debug info for %s: %s; install "
				"linux-image-%s-dbg (or put its vmlinux in KDLVIEW_DEBUG_PATH) or "
				"give VMLINUX", rel, why, rel);
}

/* No vmlinux: types from the dump's BTF, symbols from its kallsyms (or
 * --symbols System.map), ORC from its memory. */
static struct kdl_error *open_from_dump(struct kdl_analysis *an,
					const struct kdl_open_options *opts, size_t rejected)
{
	struct kdl_kallsyms_addrs a;
	struct kdl_kallsyms *ks = NULL;
	struct kdl_error *err;
	uint64_t kaslr = 0, btf0 = 0, btf1 = 0;
	const char *bid = kdl_dump_build_id(an->dump);
	char vm[200], why[512];

	if (bid)
		snprintf(vm, sizeof(vm), "no vmlinux matches its build-id %.64s%s", bid,
			 rejected ? " (others were found)" : "");
	else
		snprintf(vm, sizeof(vm), "no vmlinux found for it");
	(void)hexval(kdl_dump_vmcoreinfo(an->dump, "KERNELOFFSET"), &kaslr);
	if (opts && opts->symbols_map) {
		err = kdl_kallsyms_read_map(opts->symbols_map, kaslr, &ks);
		if (err)
			return err;
	} else if (!kdl_kallsyms_addrs_from(dump_vmcoreinfo, an->dump, &a)) {
		snprintf(why, sizeof(why), "%s, and the dump names no kallsyms tables (%s: give "
			 "--symbols System.map)", vm, kdl_dump_has_vmcoreinfo(an->dump) ?
			 "Linux before 6.0" : "no VMCOREINFO");
		return no_debuginfo(an->dump, why);
	} else if ((err = kdl_kallsyms_read(kdl_dump_target(an->dump), &a, &ks))) {
		snprintf(why, sizeof(why), "%s, and its kallsyms are unreadable (%.120s)", vm,
			 err->msg);
		kdl_error_destroy(err);
		return no_debuginfo(an->dump, why);
	}
	if (!kdl_kallsyms_lookup(ks, "__start_BTF", &btf0) ||
	    !kdl_kallsyms_lookup(ks, "__stop_BTF", &btf1) || btf1 <= btf0) {
		snprintf(why, sizeof(why), "the dump has no BTF (no __start_BTF among its %zu %s "
			 "symbols) and %s", ks->n, ks->source, vm);
		kdl_kallsyms_destroy(ks);
		return no_debuginfo(an->dump, why);
	}
	/* The kernel's BTF lies in its image between __start_BTF and __stop_BTF:
	 * a few MiB (about 4 on a distribution kernel); anything far larger is
	 * not BTF but damage. */
	uint64_t len = btf1 - btf0;
	void *btf = NULL;

	if (len > KDL_MAX_BTF) {
		snprintf(why, sizeof(why), "its BTF is %llu bytes long (over %u MiB: damaged), "
			 "and %s", (unsigned long long)len, KDL_MAX_BTF >> 20, vm);
		kdl_kallsyms_destroy(ks);
		return no_debuginfo(an->dump, why);
	}
	btf = malloc(len);
	err = btf ? kdl_target_read(kdl_dump_target(an->dump), btf0, btf, len)
		  : kdl_error_create(KDL_ERR_NOMEM, "out of memory");
	if (!err)
		err = kdl_debuginfo_create_bare(kdl_dump_release(an->dump), &an->di);
	if (!err) {
		kdl_debuginfo_set_kaslr(an->di, kaslr);
		err = kdl_kallsyms_feed(ks, an->di);
	}
	if (!err)
		err = kdl_debuginfo_set_btf(an->di, btf, len);
	free(btf);
	if (!err && !(an->symbols_from = strdup(opts && opts->symbols_map ? opts->symbols_map
								     : ks->source)))
		err = kdl_error_create(KDL_ERR_NOMEM, "out of memory");
	kdl_kallsyms_destroy(ks);
	if (err && err->code != KDL_ERR_NOMEM) {
		snprintf(why, sizeof(why), "its BTF (%llu bytes at 0x%llx) is unusable (%.100s), "
			 "and %s", (unsigned long long)len, (unsigned long long)btf0, err->msg, vm);
		kdl_error_destroy(err);
		return no_debuginfo(an->dump, why);
	}
	return err;
}

/* --modules DIR, else /usr/lib/debug/lib/modules/REL when it exists, else the
 * vmlinux's own directory (or none). */
static char *modules_dir(const struct kdl_open_options *opts, const char *release,
			 const char *vml_path)
{
	char deb[400];
	struct stat st;
	const char *slash;

	if (opts && opts->modules_dir)
		return strdup(opts->modules_dir);
	if (release && strlen(release) < 200) {
		snprintf(deb, sizeof(deb), "/usr/lib/debug/lib/modules/%s", release);
		if (stat(deb, &st) == 0 && S_ISDIR(st.st_mode))
			return strdup(deb);
	}
	if (!vml_path)
		return NULL;
	slash = strrchr(vml_path, '/');
	return slash ? strndup(vml_path, (size_t)(slash - vml_path) + (slash == vml_path))
		     : strdup(".");
}

static enum kdl_debuginfo_mode di_mode(enum kdl_debuginfo_choice c)
{
	return c == KDL_DI_CHOICE_DWARF ? KDL_DEBUGINFO_DWARF
	       : c == KDL_DI_CHOICE_BTF ? KDL_DEBUGINFO_BTF : KDL_DEBUGINFO_AUTO;
}

/* The model says where types and symbols came from and what that lacks. */
static struct kdl_error *note_debuginfo(struct kdl_analysis *an, const char *vml_path)
{
	struct kdl_dump_info *d = &an->model->dump;
	const char *missing = kdl_debuginfo_missing(an->di);

	d->debuginfo = strdup(kdl_debuginfo_source_name(an->di));
	d->debuginfo_from = strdup(vml_path ? vml_path : "dump");
	d->debuginfo_missing = missing ? strdup(missing) : NULL;
	d->symbols_from = an->symbols_from ? strdup(an->symbols_from) : NULL;
	return !d->debuginfo || !d->debuginfo_from || (missing && !d->debuginfo_missing) ||
	       (an->symbols_from && !d->symbols_from)
		? kdl_error_create(KDL_ERR_NOMEM, "out of memory") : NULL;
}

struct kdl_error *kdl_analysis_open(const char *path_a, const char *path_b,
				    const struct kdl_open_options *opts,
				    struct kdl_analysis **out)
{
	const char *dump_path, *vml_path;
	char *found = NULL;
	struct kdl_analysis *an;
	struct kdl_error *err;
	struct kdl_model *m;
	enum kdl_debuginfo_choice choice = opts ? opts->debuginfo : KDL_DI_CHOICE_AUTO;

	/* which file is the dump? */
	if (!path_b) {
		dump_path = path_a;
		vml_path = NULL;
	} else if (kdl_dump_probe(path_a)) {
		dump_path = path_a;
		vml_path = path_b;
	} else if (kdl_dump_probe(path_b)) {
		dump_path = path_b;
		vml_path = path_a;
	} else if (looks_like_vmlinux(path_a)) {
		dump_path = path_b;
		vml_path = path_a;
	} else {
		dump_path = path_a;
		vml_path = path_b;
	}
	err = check_readable(dump_path);
	if (err)
		return err;

	an = calloc(1, sizeof(*an));
	m = calloc(1, sizeof(*m));
	if (!an || !m) {
		free(an);
		free(m);
		return kdl_error_create(KDL_ERR_NOMEM, "out of memory");
	}
	an->model = m;

	progress(opts, "symbols", 0, 0);
	if (vml_path) {
		err = kdl_debuginfo_open_mode(vml_path, di_mode(choice), &an->di);
		if (err)
			goto fail;
	}
	progress(opts, "open", 0, 0);
	err = kdl_dump_open(dump_path, "x86_64", &an->dump);
	if (err)
		goto fail;
	if (!vml_path) {
		size_t rejected = 0;

		if (choice != KDL_DI_CHOICE_BTF)
			found = kdl_debuginfo_find_vmlinux(kdl_dump_release(an->dump),
							   kdl_dump_build_id(an->dump), &rejected);
		if (!found && choice == KDL_DI_CHOICE_DWARF) {
			err = no_debuginfo(an->dump, "--debuginfo dwarf, and no vmlinux matches "
					   "its release and build-id");
			goto fail;
		}
		if (!found) {
			err = open_from_dump(an, opts, rejected);
			if (err)
				goto fail;
		} else {
			vml_path = found;
			err = kdl_debuginfo_open_mode(vml_path, di_mode(choice), &an->di);
			if (err)
				goto fail;
		}
	}
	an->modules_dir = modules_dir(opts, kdl_dump_release(an->dump), vml_path);
	err = check_match(an, dump_path, vml_path);
	if (!err)
		err = find_kaslr(an, dump_path, vml_path);
	if (!err)
		err = check_banner(an, dump_path, vml_path);
	if (err)
		goto fail;
	an->target = kdl_dump_target(an->dump);
	err = analyse(an, dump_path, kdl_dump_cpus(an->dump), opts);
	if (err)
		goto fail;
	err = note_debuginfo(an, vml_path);
	if (err)
		goto fail;
	free(found);
	*out = an;
	return NULL;
fail:
	free(found);
	kdl_analysis_destroy(an);
	return err;
}

struct kdl_error *kdl_analysis_open_target(struct kdl_target *t, struct kdl_debuginfo *di,
					   const struct kdl_image_info *img,
					   const struct kdl_open_options *opts,
					   struct kdl_analysis **out)
{
	struct kdl_analysis *an = calloc(1, sizeof(*an));
	struct kdl_model *m = calloc(1, sizeof(*m));
	struct kdl_error *err;
	bool nomem = !an || !m;

	if (nomem || !t || !di || !img || img->ncpus < 0) {
		free(an);
		free(m);
		kdl_target_destroy(t);
		return kdl_error_create(nomem ? KDL_ERR_NOMEM : KDL_ERR_USAGE, "open image: %s",
					nomem ? "out of memory" : "bad arguments");
	}
	an->model = m;
	an->target = an->own_target = t;
	an->di = di;
	an->di_borrowed = true;
	an->drop_modsyms = img->module_symbols == KDL_IMG_MODSYMS_DROP;
	an->img = img;
	err = analyse(an, img->format ? img->format : "image", img->ncpus, opts);
	an->img = NULL;
	if (err) {
		kdl_analysis_destroy(an);
		return err;
	}
	*out = an;
	return NULL;
}

const struct kdl_model *kdl_analysis_model(const struct kdl_analysis *an)
{
	return an->model;
}

struct kdl_error *kdl_analysis_task_frames(struct kdl_analysis *an, size_t idx)
{
	if (idx >= an->model->ntasks)
		return kdl_error_create(KDL_ERR_USAGE, "task index %zu out of range", idx);
	return unwind_task(an, idx);
}

/* The address to look up for frame i: a return address points after the
 * call, so look up the call (pc - 1). Exact pcs: a CPU's first frame (saved
 * RIP) and the frame an exception/interrupt entry stub (asm_*) interrupted;
 * a sleeping task's first frame is a return address (inactive_task_frame). */
static uint64_t lookup_pc(const struct kdl_frame *f, size_t i, bool sleeping)
{
	bool ret = i == 0 ? sleeping
			  : !(f[i - 1].function && !strncmp(f[i - 1].function, "asm_", 4));

	return ret && f[i].pc ? f[i].pc - 1 : f[i].pc;
}

static void resolve_frames(struct kdl_analysis *an, struct kdl_frame *f, size_t n, bool sleeping)
{
	for (size_t i = 0; i < n; i++) {
		struct kdl_srcloc loc[16];
		size_t k;

		if (f[i].file || !f[i].function)
			continue;
		k = kdl_debuginfo_lines(an->di, lookup_pc(f, i, sleeping), loc, 16);
		if (!k)
			continue;
		/* the outermost entry is the frame's own function */
		f[i].file = loc[k - 1].file;
		f[i].line = loc[k - 1].line;
	}
}

size_t kdl_analysis_frame_inlines(struct kdl_analysis *an, int task, int cpu, size_t frame,
				  struct kdl_inline *out, size_t max)
{
	const struct kdl_model *m = an->model;
	const struct kdl_frame *f;
	struct kdl_srcloc loc[16];
	size_t nf, k, n = 0;
	bool sleeping = false;

	if (task >= 0 && (size_t)task < m->ntasks) {
		f = m->tasks[task].frames;
		nf = m->tasks[task].nframes;
		sleeping = !m->tasks[task].on_cpu;
	} else if (task < 0 && cpu >= 0 && (size_t)cpu < m->ncpus) {
		f = m->cpus[cpu].frames;
		nf = m->cpus[cpu].nframes;
	} else {
		return 0;
	}
	if (frame >= nf || !f[frame].function || !f[frame].pc)
		return 0;
	k = kdl_debuginfo_lines(an->di, lookup_pc(f, frame, sleeping), loc, 16);
	/* loc[k - 1] is the frame's own function */
	for (size_t i = 0; i + 1 < k && n < max; i++) {
		if (!loc[i].function)
			continue;
		out[n].function = loc[i].function;
		out[n].file = loc[i].file;
		out[n].line = loc[i].line;
		n++;
	}
	return n;
}

struct kdl_error *kdl_analysis_resolve_lines(struct kdl_analysis *an, int task, int cpu)
{
	struct kdl_model *m = an->model;

	if (task >= 0) {
		struct kdl_error *err;

		if ((size_t)task >= m->ntasks)
			return kdl_error_create(KDL_ERR_USAGE, "task index %d out of range", task);
		err = unwind_task(an, (size_t)task);
		if (err)
			return err;
		resolve_frames(an, m->tasks[task].frames, m->tasks[task].nframes,
			       !m->tasks[task].on_cpu);
		return NULL;
	}
	if (cpu >= 0 && (size_t)cpu < m->ncpus)
		resolve_frames(an, m->cpus[cpu].frames, m->cpus[cpu].nframes, false);
	return NULL;
}

/* The report's callbacks: the analysis behind a void pointer. */
static struct kdl_error *report_task_frames(void *arg, size_t task)
{
	return kdl_analysis_task_frames(arg, task);
}

static struct kdl_error *report_resolve_lines(void *arg, int task, int cpu)
{
	return kdl_analysis_resolve_lines(arg, task, cpu);
}

static size_t report_frame_inlines(void *arg, int task, int cpu, size_t frame,
				   struct kdl_inline *out, size_t max)
{
	return kdl_analysis_frame_inlines(arg, task, cpu, frame, out, max);
}

void kdl_analysis_report_source(struct kdl_analysis *an, struct kdl_report_source *out)
{
	*out = (struct kdl_report_source){
		.model = an->model,
		.arg = an,
		.task_frames = report_task_frames,
		.resolve_lines = report_resolve_lines,
		.frame_inlines = report_frame_inlines,
	};
}

void kdl_analysis_destroy(struct kdl_analysis *an)
{
	if (!an)
		return;
	kdl_model_destroy(an->model);
	kdl_unwinder_destroy(an->unwinder);
	kdl_kernel_destroy(an->kernel);
	kdl_dump_destroy(an->dump);
	kdl_target_destroy(an->own_target);
	free(an->modules_dir);
	free(an->symbols_from);
	if (an->di_borrowed) {
		if (an->drop_modsyms)
			kdl_debuginfo_drop_module_symbols(an->di); /* leave it as it was lent */
	}
	else
		kdl_debuginfo_destroy(an->di);
	free(an->cpu_raw);
	free(an);
}

void kdl_analysis_lib_versions(struct kdl_lib_versions *out)
{
	out->kdumpfile = kdl_dump_lib_version();
	out->libdw = kdl_debuginfo_lib_version();
}
