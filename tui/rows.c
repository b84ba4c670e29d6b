/* tui/rows.c - row pieces shared by the views: checked model indices, lock
 * labels and holders, what a task waits on, state colours, the marker column.
 */
#include "tui_int.h"

#include <string.h>

/* Indices from the model are checked before use: a wrong one (a core bug)
 * shows as missing, never as a crash. */
bool kdl_lock_ok(const struct kdl_model *m, int i)
{
	return i >= 0 && (size_t)i < m->nlocks;
}

bool kdl_task_ok(const struct kdl_model *m, int i)
{
	return i >= 0 && (size_t)i < m->ntasks;
}

const char *kdl_lock_label(const struct kdl_lock *lk)
{
	return lk->name && *lk->name ? lk->name : "(unnamed lock)";
}

/* Completions and wait queues have no owner: nobody is recorded as the
 * one who will wake the waiter (a lost wake-up when nobody will). */
bool kdl_lock_ownerless(enum kdl_lock_kind k)
{
	return k == KDL_LOCK_COMPLETION || k == KDL_LOCK_WAITQUEUE;
}

const char *kdl_no_owner_text(const struct kdl_lock *lk, bool brief)
{
	if (kdl_lock_ownerless(lk->kind))
		return brief ? "no waker known" : "nobody is recorded as the one to wake it";
	return brief ? "holder unknown" : "unknown (no owner recorded)";
}

/* Modes matter for reader/writer locks only. */
bool kdl_lock_rw(enum kdl_lock_kind k)
{
	return k == KDL_LOCK_RWSEM || k == KDL_LOCK_RWLOCK || k == KDL_LOCK_PERCPU_RWSEM;
}

/* "held by 102 kdl_abba_b" / "owner exited" ...; returns columns used. */
int kdl_put_owner(struct kdl_tui *t, const struct kdl_lock *lk, int y, int x, int w)
{
	int n = 0;
	if (!lk->nowners)
		return kdl_cv_put(&t->cv, y, x, w, KDL_R_DIM, kdl_no_owner_text(lk, true));
	const struct kdl_owner *o = &lk->owners[0];
	if (!o->alive) {
		n += kdl_cv_printf(&t->cv, y, x, w, KDL_R_ERROR, "%s owner exited: pid %d %s", t->g->bad,
				   o->pid, o->comm);
		return n;
	}
	n += kdl_cv_put(&t->cv, y, x, w, KDL_R_DIM, "held by ");
	n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_OWNER, "%d %s", o->pid, o->comm);
	if (o->confidence != KDL_CONF_CERTAIN)
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_UNRELIABLE, " (%s)",
				   kdl_confidence_name(o->confidence));
	if (lk->nowners > 1)
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, " +%zu", lk->nowners - 1);
	return n;
}

static int waits_text(struct kdl_tui *t, int task, int y, int x, int w);

/* What a task waits on, with an ellipsis when the column cuts it. */
int kdl_task_waits_text(struct kdl_tui *t, int task, int y, int x, int w)
{
	/* A CPU that was in interrupt context at the crash says so first. */
	int pre = kdl_cpu_context_prefix(t, task, y, x, w);
	int n = pre + waits_text(t, task, y, x + pre, w - pre);
	if (n >= w && w > 1)
		kdl_cv_put(&t->cv, y, x + w - 1, 1, KDL_R_DIM, t->g->ellipsis);
	return n;
}

static int waits_text(struct kdl_tui *t, int task, int y, int x, int w)
{
	const struct kdl_model *m = t->m;
	const struct kdl_task *tk = &m->tasks[task];
	int n = 0;
	int lock = tk->waits_on;
	bool spin = false;
	if (lock < 0 || (size_t)lock >= m->nlocks) {
		lock = kdl_task_spins_on(m, task);
		spin = lock >= 0;
	}
	if (lock >= 0 && (size_t)lock < m->nlocks) {
		const struct kdl_lock *lk = &m->locks[lock];
		const char *mode = tk->wait_mode == KDL_MODE_READ ? "(R)" :
				   tk->wait_mode == KDL_MODE_WRITE ? "(W)" : "";
		n += kdl_cv_printf(&t->cv, y, x, w, KDL_R_DIM, "%s%s%s ", spin ? "spin " : "",
				   kdl_lock_kind_name(lk->kind), mode);
		n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_LOCK, kdl_lock_label(lk));
		n += kdl_cv_printf(&t->cv, y, x + n, w - n, KDL_R_DIM, " %s ", t->g->arrow_r);
		n += kdl_put_owner(t, lk, y, x + n, w - n);
		return n;
	}
	if (tk->other.kind) {
		n += kdl_cv_printf(&t->cv, y, x, w, KDL_R_DIM, "%s ", tk->other.kind);
		if (tk->other.label)
			n += kdl_cv_put(&t->cv, y, x + n, w - n, KDL_R_FUNCTION, tk->other.label);
		return n;
	}
	if (tk->on_cpu && tk->pid == 0)
		return kdl_cv_printf(&t->cv, y, x, w, KDL_R_DIM, "idle on CPU %d", tk->cpu);
	if (tk->on_cpu)
		return kdl_cv_printf(&t->cv, y, x, w, KDL_R_STATE_RUNNING, "running on CPU %d", tk->cpu);
	return 0;
}

enum kdl_role kdl_state_role(const struct kdl_task *tk)
{
	if (!strcmp(tk->state, "UN") || tk->rtlock_wait)
		return KDL_R_STATE_BLOCKED;
	if (!strcmp(tk->state, "RU"))
		return KDL_R_STATE_RUNNING;
	return KDL_R_DIM;
}

/* The marker column: in a cycle, holding a lock others wait on. */
void kdl_put_marker(struct kdl_tui *t, int task, int y, int x)
{
	unsigned f = t->task_flags[task];
	if (f & KDL_TF_CYCLE)
		kdl_cv_put(&t->cv, y, x, 1, KDL_R_CYCLE, t->g->cycle);
	else if (f & KDL_TF_HOLDER)
		kdl_cv_put(&t->cv, y, x, 1, KDL_R_OWNER, t->g->held);
	else if (f & KDL_TF_SPINNING)
		kdl_cv_put(&t->cv, y, x, 1, KDL_R_STATE_RUNNING, "~");
}
