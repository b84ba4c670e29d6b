/* tui/detail.c - the detail panel (3): the rows that describe the current
 * location (a task with its waits, holds and backtrace; a lock with holder
 * and waiters; a finding with its cycle, locks and tasks), drawn and opened
 * (Enter: that lock, that task, the frame's source). */
#include "tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct kdl_drow *drow_add(struct kdl_tui *t, enum kdl_drow_kind kind, int idx, int aux)
{
	if (t->ndrows == t->cap_drows) {
		size_t nc = t->cap_drows ? t->cap_drows * 2 : 64;
		struct kdl_drow *n = realloc(t->drows, nc * sizeof(*n));
		if (!n) {
			/* Out of memory: the row is dropped (written to a scratch row). */
			static struct kdl_drow scratch;
			memset(&scratch, 0, sizeof(scratch));
			return &scratch;
		}
		t->drows = n;
		t->cap_drows = nc;
	}
	struct kdl_drow *d = &t->drows[t->ndrows++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->idx = idx;
	d->aux = aux;
	return d;
}

static void add_text(struct kdl_tui *t, const char *s, int len, enum kdl_role role, int indent)
{
	struct kdl_drow *d = drow_add(t, KDL_DR_TEXT, 0, 0);
	d->text = s;
	d->len = len < 0 ? (int)strlen(s) : len;
	d->role = role;
	d->indent = indent;
}

static void add_section(struct kdl_tui *t, const char *s)
{
	drow_add(t, KDL_DR_SECTION, 0, 0)->text = s;
}

/* Word-wrap a paragraph into text rows (byte-based; the model's text is
 * mostly ASCII and a long word is simply cut). */
static void add_wrapped(struct kdl_tui *t, const char *s, int width, enum kdl_role role, int indent)
{
	int w = width - indent - 1;
	if (w < 10)
		w = 10;
	while (*s) {
		const char *nl = strchr(s, '\n');
		int len = nl ? (int)(nl - s) : (int)strlen(s);
		int cut = len;
		if (cut > w) {
			cut = w;
			while (cut > w / 2 && s[cut] != ' ')
				cut--;
			if (s[cut] != ' ')
				cut = w;
		}
		add_text(t, s, cut, role, indent);
		s += cut;
		while (*s == ' ')
			s++;
		if (*s == '\n' && cut == len)
			s++;
	}
}

static void build_frames(struct kdl_tui *t, const struct kdl_frame *fr, size_t n)
{
	enum kdl_ctx ctx = KDL_CTX_TASK;
	for (size_t i = 0; i < n; i++) {
		if (fr[i].context != ctx || (i == 0 && fr[i].context != KDL_CTX_TASK)) {
			drow_add(t, KDL_DR_CTX, 0, (int)fr[i].context);
			ctx = fr[i].context;
		}
		drow_add(t, KDL_DR_FRAME, (int)i, (int)i)->frames = fr;
	}
}

static void build_task(struct kdl_tui *t, int ti, int width)
{
	const struct kdl_model *m = t->m;
	const struct kdl_task *tk = &m->tasks[ti];
	(void)width;
	drow_add(t, KDL_DR_TEXT, ti, -1)->indent = -1; /* the task's headline */
	if (tk->waits_on >= 0 && (size_t)tk->waits_on < m->nlocks) {
		drow_add(t, KDL_DR_WAITS, tk->waits_on, ti);
		const struct kdl_lock *lk = &m->locks[tk->waits_on];
		for (size_t o = 0; o < lk->nowners; o++)
			drow_add(t, KDL_DR_OWNER, tk->waits_on, (int)o);
		if (!lk->nowners)
			drow_add(t, KDL_DR_OWNER, tk->waits_on, -1);
	} else if (tk->other.kind) {
		drow_add(t, KDL_DR_OTHER, ti, 0);
	}
	int sp = kdl_task_spins_on(m, ti);
	if (sp >= 0 && sp != tk->waits_on) {
		drow_add(t, KDL_DR_SPINS, sp, ti);
		const struct kdl_lock *lk = &m->locks[sp];
		for (size_t o = 0; o < lk->nowners; o++)
			drow_add(t, KDL_DR_OWNER, sp, (int)o);
	}
	for (size_t h = 0; h < tk->nholds; h++)
		if (tk->holds[h] >= 0 && (size_t)tk->holds[h] < m->nlocks)
			drow_add(t, KDL_DR_HOLD, tk->holds[h], ti);
	const struct kdl_frame *fr = tk->frames;
	size_t nf = tk->nframes;
	const char *src = "";
	if (!nf && tk->on_cpu)
		for (size_t c = 0; c < m->ncpus; c++)
			if (m->cpus[c].task == ti && m->cpus[c].nframes) {
				fr = m->cpus[c].frames;
				nf = m->cpus[c].nframes;
				src = " (from the CPU's saved registers)";
			}
	static char bt[128];
	snprintf(bt, sizeof(bt), "Backtrace%s%s", src,
		 !tk->frames_done && !nf ? ": not computed" :
		 tk->frames_quality == KDL_Q_UNRELIABLE ? " (unreliable)" :
		 tk->frames_quality == KDL_Q_PARTIAL ? " (partial)" : "");
	add_section(t, bt);
	if (!nf)
		add_text(t, tk->frames_done ? "no frames" : "frames not computed", -1, KDL_R_DIM, 2);
	build_frames(t, fr, nf);
}

static void build_lock(struct kdl_tui *t, int li, int width)
{
	const struct kdl_model *m = t->m;
	const struct kdl_lock *lk = &m->locks[li];
	drow_add(t, KDL_DR_LOCK, li, 1); /* aux 1: the headline row */
	add_section(t, lk->nowners > 1 ? "Held by (several)" : "Held by");
	for (size_t o = 0; o < lk->nowners; o++)
		drow_add(t, KDL_DR_OWNER, li, (int)o);
	if (!lk->nowners)
		drow_add(t, KDL_DR_OWNER, li, -1);
	static char wt[64];
	snprintf(wt, sizeof(wt), "Waiters (%zu)", lk->nwaiters);
	add_section(t, wt);
	for (size_t w = 0; w < lk->nwaiters; w++)
		if (kdl_task_ok(m, lk->waiters[w].who.task))
			drow_add(t, KDL_DR_TASK, lk->waiters[w].who.task, li);
	/* CPUs spinning on it. */
	for (size_t c = 0; c < m->ncpus; c++)
		if (m->cpus[c].spinning_on == li && kdl_task_ok(m, m->cpus[c].task))
			drow_add(t, KDL_DR_TASK, m->cpus[c].task, li);
	(void)width;
}

static void build_finding(struct kdl_tui *t, int fi, int width)
{
	const struct kdl_model *m = t->m;
	const struct kdl_finding *f = &m->findings[fi];
	if (f->summary)
		add_wrapped(t, f->summary, width, KDL_R_DEFAULT, 1);
	if (f->cycle >= 0 && (size_t)f->cycle < m->ncycles) {
		const struct kdl_cycle *c = &m->cycles[f->cycle];
		static char ct[96];
		snprintf(ct, sizeof(ct), "Cycle of %zu (press g for the graph)", c->n);
		add_section(t, ct);
		for (size_t i = 0; i < c->n; i++)
			if (kdl_task_ok(m, c->nodes[i].task) && kdl_lock_ok(m, c->locks[i]))
				drow_add(t, KDL_DR_TASK, c->nodes[i].task, c->locks[i])->indent =
					(int)c->nodes[i].ctx;
	}
	if (f->nlocks) {
		add_section(t, "Locks");
		for (size_t i = 0; i < f->nlocks; i++)
			if (kdl_lock_ok(m, f->locks[i]))
				drow_add(t, KDL_DR_LOCK, f->locks[i], 0);
	}
	if (f->ntasks) {
		add_section(t, "Tasks");
		for (size_t i = 0; i < f->ntasks; i++)
			if (kdl_task_ok(m, f->tasks[i]))
				drow_add(t, KDL_DR_TASK, f->tasks[i], -1);
	}
}

void kdl_detail_build(struct kdl_tui *t, int width)
{
	t->ndrows = 0;
	t->detail_width = width;
	switch (t->loc.kind) {
	case KDL_LOC_TASK: build_task(t, t->loc.idx, width); break;
	case KDL_LOC_LOCK: build_lock(t, t->loc.idx, width); break;
	case KDL_LOC_FINDING: build_finding(t, t->loc.idx, width); break;
	case KDL_LOC_NONE: break;
	}
}

static size_t detail_count(struct kdl_tui *t)
{
	if (!t->ndrows && t->loc.kind != KDL_LOC_NONE)
		kdl_detail_build(t, t->detail_width ? t->detail_width : t->cv.cols);
	return t->ndrows;
}

static bool detail_selectable(struct kdl_tui *t, size_t i)
{
	const struct kdl_drow *d = &t->drows[i];
	switch (d->kind) {
	case KDL_DR_WAITS: case KDL_DR_SPINS: case KDL_DR_HOLD: case KDL_DR_LOCK:
	case KDL_DR_FRAME:
		return true;
	case KDL_DR_OWNER:
		return d->aux >= 0 && kdl_task_ok(t->m, t->m->locks[d->idx].owners[d->aux].who.task);
	case KDL_DR_TASK:
		return d->idx >= 0 && (size_t)d->idx < t->m->ntasks;
	default:
		return false;
	}
}

static void detail_title(struct kdl_tui *t, char *buf, size_t size)
{
	const struct kdl_model *m = t->m;
	switch (t->loc.kind) {
	case KDL_LOC_TASK:
		snprintf(buf, size, "Task %d %s", m->tasks[t->loc.idx].pid, m->tasks[t->loc.idx].comm);
		break;
	case KDL_LOC_LOCK:
		snprintf(buf, size, "Lock %s %s", kdl_lock_kind_name(m->locks[t->loc.idx].kind),
			 kdl_lock_label(&m->locks[t->loc.idx]));
		break;
	case KDL_LOC_FINDING: {
		const struct kdl_finding *f = &m->findings[t->loc.idx];
		snprintf(buf, size, "Finding %d of %zu: %s (%s)", t->loc.idx + 1, m->nfindings,
			 kdl_finding_title(f->kind), kdl_severity_name(f->severity));
		break;
	}
	case KDL_LOC_NONE:
		snprintf(buf, size, "Detail");
		break;
	}
}

static int put_label(struct kdl_tui *t, int y, int x, const char *label)
{
	kdl_cv_put(&t->cv, y, x + 1, 10, KDL_R_COLUMN, label);
	return 12;
}

static void task_brief(struct kdl_tui *t, int ti, int y, int x, int w, bool waits)
{
	const struct kdl_task *tk = &t->m->tasks[ti];
	kdl_put_marker(t, ti, y, x);
	int n = 2;
	n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_PID, "%d", tk->pid);
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_DEFAULT, " ");
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_COMM, tk->comm);
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_DEFAULT, " ");
	n += kdl_cv_put(&t->cv, y, x + n, w - n, kdl_state_role(tk), tk->state);
	if (tk->blocked_for_ns >= 0) {
		char d[32];
		kdl_fmt_duration(tk->blocked_for_ns, d, sizeof(d));
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, " %s", d);
	}
	if (waits && n + 4 < w) {
		n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_DIM, "  ");
		kdl_task_waits_text(t, ti, y, x + n, w - n);
	}
}

static void lock_line(struct kdl_tui *t, int li, int y, int x, int w, bool waiters)
{
	const struct kdl_lock *lk = &t->m->locks[li];
	int n = kdl_cv_printf(&t->cv, y, x, w, KDL_R_DIM, "%s ", kdl_lock_kind_name(lk->kind));
	n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_LOCK, kdl_lock_label(lk));
	if (waiters) {
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, "  %s %zu waiter%s", t->g->sep,
				   lk->nwaiters, lk->nwaiters == 1 ? "" : "s");
		if (lk->readers > 0)
			n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, ", %d reader%s", lk->readers,
					   lk->readers == 1 ? "" : "s");
	}
}


static void detail_row(struct kdl_tui *t, size_t i, int y, int x, int w)
{
	const struct kdl_model *m = t->m;
	const struct kdl_drow *d = &t->drows[i];
	struct kdl_canvas *cv = &t->cv;
	switch (d->kind) {
	case KDL_DR_TEXT:
		if (d->indent == -1) { /* task headline */
			const struct kdl_task *tk = &m->tasks[d->idx];
			char dur[32];
			kdl_fmt_duration(tk->blocked_for_ns, dur, sizeof(dur));
			int n = kdl_cv_printf(cv, y, x + 1, w - 1, KDL_R_PID, "pid %d", tk->pid);
			n += kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_DIM, " tgid %d ppid %d  ",
					   tk->tgid, tk->ppid);
			n += kdl_cv_put(cv, y, x + 1 + n, w - 1 - n, kdl_state_role(tk), tk->state);
			if (tk->rtlock_wait)
				n += kdl_cv_put(cv, y, x + 1 + n, w - 1 - n, KDL_R_DIM, " (rtlock wait)");
			if (tk->cpu >= 0)
				n += kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_DEFAULT, "  CPU %d%s",
						   tk->cpu, tk->on_cpu ? " (on CPU)" : "");
			if (tk->blocked_for_ns >= 0)
				n += kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_DEFAULT,
						   "  blocked %s", dur);
			n += kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_DIM, "  task 0x%llx%s",
					   (unsigned long long)tk->addr, tk->kthread ? "  kthread" : "");
			if (t->task_flags[d->idx] & KDL_TF_CYCLE)
				kdl_cv_printf(cv, y, x + 1 + n, w - 1 - n, KDL_R_CYCLE, "  %s in a deadlock cycle",
					      t->g->cycle);
			break;
		}
		kdl_cv_printf(cv, y, x + d->indent, w - d->indent, d->role, "%.*s", d->len, d->text);
		break;
	case KDL_DR_SECTION:
		kdl_cv_put(cv, y, x + 1, w - 1, KDL_R_COLUMN, d->text);
		break;
	case KDL_DR_WAITS:
	case KDL_DR_SPINS: {
		int n = put_label(t, y, x, d->kind == KDL_DR_WAITS ? "WAITS ON" : "SPINS ON");
		lock_line(t, d->idx, y, x + n, w - n, false);
		const struct kdl_task *tk = &m->tasks[d->aux];
		if (d->kind == KDL_DR_WAITS) {
			int k = n + kdl_text_width(kdl_lock_label(&m->locks[d->idx])) +
				kdl_text_width(kdl_lock_kind_name(m->locks[d->idx].kind)) + 1;
			bool rw = kdl_lock_rw(m->locks[d->idx].kind);
			k += kdl_cv_printf(cv, y, x + k, w - k, KDL_R_DIM, "  (%s%s%s%s)",
					   rw ? "for " : "", rw ? kdl_mode_name(tk->wait_mode) : "",
					   tk->waits_how ? (rw ? ", via " : "via ") : "",
					   tk->waits_how ? tk->waits_how : "");
		}
		break;
	}
	case KDL_DR_OWNER: {
		const struct kdl_lock *lk = &m->locks[d->idx];
		int n = 14;
		kdl_cv_put(cv, y, x + 3, 10, KDL_R_DIM, kdl_lock_ownerless(lk->kind) ? "woken by" :
							 lk->kind == KDL_LOCK_WORK ? "run by" : "held by");
		if (d->aux < 0) {
			kdl_cv_put(cv, y, x + n, w - n, KDL_R_DIM, kdl_no_owner_text(lk, false));
			break;
		}
		const struct kdl_owner *o = &lk->owners[d->aux];
		if (o->who.task >= 0 && (size_t)o->who.task < m->ntasks)
			kdl_put_marker(t, o->who.task, y, x + 1);
		n += kdl_cv_printf(cv, y, x + n, w - n, o->alive ? KDL_R_OWNER : KDL_R_ERROR, "%d %s",
				   o->pid, o->comm);
		if (o->who.ctx != KDL_CTX_TASK)
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_CONTEXT, " [%s]",
					   kdl_ctx_label(o->who.ctx));
		if (!o->alive)
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_ERROR, " %s EXITED: orphaned lock",
					   t->g->bad);
		if (kdl_lock_rw(lk->kind))
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, " for %s", kdl_mode_name(o->mode));
		n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  %s ", t->g->sep);
		n += kdl_cv_printf(cv, y, x + n, w - n,
				   o->confidence == KDL_CONF_CERTAIN ? KDL_R_DIM : KDL_R_UNRELIABLE,
				   "%s%s%s%s", kdl_confidence_name(o->confidence), o->why ? " (" : "",
				   o->why ? o->why : "", o->why ? ")" : "");
		if (kdl_task_ok(m, o->who.task) && n + 6 < w) {
			const struct kdl_task *ot = &m->tasks[o->who.task];
			if (kdl_lock_ok(m, ot->waits_on) || kdl_task_spins_on(m, o->who.task) >= 0) {
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  %s itself waits on ",
						   t->g->sep);
				const struct kdl_lock *l2 = &m->locks[kdl_lock_ok(m, ot->waits_on) ? ot->waits_on
									 : kdl_task_spins_on(m, o->who.task)];
				kdl_cv_put(cv, y, x + n, w - n, KDL_R_LOCK, kdl_lock_label(l2));
			}
		}
		break;
	}
	case KDL_DR_HOLD: {
		int n = put_label(t, y, x, "HOLDS");
		lock_line(t, d->idx, y, x + n, w - n, true);
		break;
	}
	case KDL_DR_LOCK: {
		const struct kdl_lock *lk = &m->locks[d->idx];
		if (d->aux == 1) {
			int n = put_label(t, y, x, "LOCK");
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "%s ", kdl_lock_kind_name(lk->kind));
			n += kdl_cv_put(cv, y, x + n, w - n, KDL_R_LOCK, kdl_lock_label(lk));
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  @0x%llx",
					   (unsigned long long)lk->address);
			if (lk->cache)
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  slab %s", lk->cache);
			if (lk->percpu_cpu >= 0)
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  per-CPU (CPU %d)",
						   lk->percpu_cpu);
			if (lk->stack_pid >= 0)
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  on the stack of pid %d",
						   lk->stack_pid);
			if (lk->readers >= 0)
				n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, "  readers %d", lk->readers);
			if (lk->quality != KDL_Q_OK)
				kdl_cv_put(cv, y, x + n, w - n, KDL_R_UNRELIABLE, "  (partly unreadable)");
		} else {
			kdl_cv_put(cv, y, x + 2, 1, KDL_R_DIM, t->g->dot);
			int n = 4;
			lock_line(t, d->idx, y, x + n, w - n, false);
			n += kdl_text_width(kdl_lock_kind_name(lk->kind)) + 1 + kdl_text_width(kdl_lock_label(lk)) + 2;
			if (n < w)
				kdl_put_owner(t, lk, y, x + n, w - n);
		}
		break;
	}
	case KDL_DR_TASK: {
		if (d->idx < 0 || (size_t)d->idx >= m->ntasks) {
			kdl_cv_put(cv, y, x + 2, w - 2, KDL_R_DIM, "(task not in the dump)");
			break;
		}
		bool waits = true;
		int n = 1;
		if (t->loc.kind == KDL_LOC_FINDING && d->aux >= 0 && d->indent != KDL_CTX_TASK) {
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_CONTEXT, "[%s] ",
					   kdl_ctx_label((enum kdl_ctx)d->indent));
		}
		if (t->loc.kind == KDL_LOC_LOCK) {
			/* A waiter row: show its mode rather than what it waits on. */
			const struct kdl_lock *lk = &m->locks[d->aux];
			for (size_t wi = 0; wi < lk->nwaiters; wi++)
				if (lk->waiters[wi].who.task == d->idx) {
					kdl_cv_printf(cv, y, x + w - 12 > 0 ? x + w - 12 : x, 12, KDL_R_DIM, "%10s",
						      kdl_mode_name(lk->waiters[wi].mode));
					break;
				}
			waits = false;
		}
		task_brief(t, d->idx, y, x + n, w - n - (waits ? 0 : 12), waits);
		break;
	}
	case KDL_DR_FRAME: {
		const struct kdl_frame *f = &d->frames[d->aux];
		enum kdl_role fr = f->reliable ? KDL_R_FUNCTION : KDL_R_UNRELIABLE;
		int n = kdl_cv_printf(cv, y, x + 1, 5, KDL_R_DIM, "#%-3d", d->idx);
		n += 1;
		n += kdl_cv_put(cv, y, x + n, 2, KDL_R_UNRELIABLE, f->reliable ? "  " : "? ");
		char fn[256];
		if (f->function)
			snprintf(fn, sizeof(fn), "%s+0x%llx", f->function, (unsigned long long)f->offset);
		else
			snprintf(fn, sizeof(fn), "0x%llx", (unsigned long long)f->pc);
		n += kdl_cv_put(cv, y, x + n, w - n, fr, fn);
		if (f->module)
			n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DIM, " [%s]", f->module);
		if (f->inlined)
			n += kdl_cv_put(cv, y, x + n, w - n, KDL_R_DIM, " (inlined)");
		int col = n + 2 > 48 ? n + 2 : 48;
		if (f->file && col < w) {
			const char *file = f->file;
			int room = w - col - 1;
			char loc[600];
			snprintf(loc, sizeof(loc), "%s:%d", file, f->line);
			while (kdl_text_width(loc) > room && strchr(file, '/')) {
				file = strchr(file, '/') + 1;
				snprintf(loc, sizeof(loc), "%s%s:%d", t->g->ellipsis, file, f->line);
			}
			kdl_cv_put(cv, y, x + col, room, KDL_R_LOCATION, loc);
		}
		break;
	}
	case KDL_DR_CTX: {
		char lab[64];
		snprintf(lab, sizeof(lab), " %s ", kdl_ctx_label((enum kdl_ctx)d->aux));
		kdl_cv_fill(cv, y, x + 2, 3, KDL_R_CONTEXT, t->g->hl);
		int n = kdl_cv_put(cv, y, x + 5, w - 5, KDL_R_CONTEXT, lab);
		kdl_cv_fill(cv, y, x + 5 + n, 20, KDL_R_CONTEXT, t->g->hl);
		break;
	}
	case KDL_DR_OTHER: {
		const struct kdl_task *tk = &m->tasks[d->idx];
		int n = put_label(t, y, x, "WAITS ON");
		n += kdl_cv_printf(cv, y, x + n, w - n, KDL_R_DEFAULT, "%s ", tk->other.kind);
		if (tk->other.label)
			kdl_cv_put(cv, y, x + n, w - n, KDL_R_FUNCTION, tk->other.label);
		break;
	}
	}
}

static bool detail_request(struct kdl_tui *t, enum kdl_req r)
{
	struct kdl_panel *p = &t->panels[KDL_P_DETAIL];
	if (r != KDL_REQ_ENTER || p->cursor >= t->ndrows)
		return false;
	const struct kdl_drow *d = &t->drows[p->cursor];
	const struct kdl_model *m = t->m;
	switch (d->kind) {
	case KDL_DR_WAITS: case KDL_DR_SPINS: case KDL_DR_HOLD: case KDL_DR_LOCK:
		if (t->loc.kind == KDL_LOC_LOCK && t->loc.idx == d->idx)
			return true;
		kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_LOCK, d->idx }, true);
		return true;
	case KDL_DR_OWNER: {
		if (d->aux < 0)
			return true;
		int ot = m->locks[d->idx].owners[d->aux].who.task;
		if (ot >= 0)
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, ot }, true);
		return true;
	}
	case KDL_DR_TASK:
		if (d->idx >= 0)
			kdl_tui_goto(t, (struct kdl_loc){ KDL_LOC_TASK, d->idx }, true);
		return true;
	case KDL_DR_FRAME:
		kdl_tui_open_source(t, &d->frames[d->aux]);
		return true;
	default:
		return false;
	}
}

/* A new location starts at the top of its detail. */
static void detail_located(struct kdl_tui *t, bool reveal)
{
	(void)reveal;
	t->panels[KDL_P_DETAIL].cursor = 0;
	t->panels[KDL_P_DETAIL].top = 0;
}

/* What Enter does on the detail's row, for the status line. */
static const char *detail_enter_hint(struct kdl_tui *t)
{
	struct kdl_panel *p = &t->panels[KDL_P_DETAIL];
	if (p->cursor >= t->ndrows)
		return "open";
	switch (t->drows[p->cursor].kind) {
	case KDL_DR_FRAME: return "source";
	case KDL_DR_WAITS: case KDL_DR_SPINS: case KDL_DR_HOLD: case KDL_DR_LOCK:
		return "holder+waiters";
	case KDL_DR_OWNER: case KDL_DR_TASK: return "that task";
	default: return "open";
	}
}

const struct kdl_panel_ops kdl_detail_ops = {
	.name = "detail",
	.prepare = kdl_detail_build,
	.count = detail_count,
	.selectable = detail_selectable,
	.title = detail_title,
	.row = detail_row,
	.request = detail_request,
	.located = detail_located,
	.enter_hint = detail_enter_hint,
};
