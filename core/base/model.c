/* core/base/model.c - names of model enums, lookups and destruction. */
#include "core/base/model.h"

#include <stdlib.h>
#include <string.h>

const char *kdl_ctx_name(enum kdl_ctx ctx)
{
	switch (ctx) {
	case KDL_CTX_TASK: return "task";
	case KDL_CTX_IRQ: return "irq";
	case KDL_CTX_SOFTIRQ: return "softirq";
	case KDL_CTX_NMI: return "nmi";
	case KDL_CTX_EXCEPTION: return "exception";
	case KDL_CTX_USER: return "user";
	}
	return "unknown";
}

const char *kdl_lock_kind_name(enum kdl_lock_kind kind)
{
	switch (kind) {
	case KDL_LOCK_MUTEX: return "mutex";
	case KDL_LOCK_RWSEM: return "rwsem";
	case KDL_LOCK_SEMAPHORE: return "semaphore";
	case KDL_LOCK_RT_MUTEX: return "rt_mutex";
	case KDL_LOCK_SPINLOCK: return "spinlock";
	case KDL_LOCK_RWLOCK: return "rwlock";
	case KDL_LOCK_PERCPU_RWSEM: return "percpu_rwsem";
	case KDL_LOCK_COMPLETION: return "completion";
	case KDL_LOCK_WORK: return "work";
	case KDL_LOCK_WAITQUEUE: return "waitqueue";
	case KDL_LOCK_OTHER: return "other";
	}
	return "other";
}

const char *kdl_mode_name(enum kdl_mode mode)
{
	switch (mode) {
	case KDL_MODE_EXCLUSIVE: return "exclusive";
	case KDL_MODE_READ: return "read";
	case KDL_MODE_WRITE: return "write";
	}
	return "exclusive";
}

const char *kdl_confidence_name(enum kdl_confidence conf)
{
	switch (conf) {
	case KDL_CONF_CERTAIN: return "certain";
	case KDL_CONF_INFERRED: return "inferred";
	case KDL_CONF_STALE: return "stale";
	}
	return "certain";
}

const char *kdl_finding_kind_name(enum kdl_finding_kind kind)
{
	switch (kind) {
	case KDL_F_DEADLOCK: return "deadlock";
	case KDL_F_RW_DEADLOCK: return "rw_deadlock";
	case KDL_F_SELF_DEADLOCK: return "self_deadlock";
	case KDL_F_IRQ_SELF_DEADLOCK: return "irq_self_deadlock";
	case KDL_F_FLUSH_DEADLOCK: return "flush_deadlock";
	case KDL_F_ORPHANED_LOCK: return "orphaned_lock";
	case KDL_F_CONVOY: return "convoy";
	case KDL_F_LOST_WAKEUP: return "lost_wakeup";
	case KDL_F_SPINNING: return "spinning";
	case KDL_F_OTHER: return "other";
	}
	return "other";
}

const char *kdl_severity_name(enum kdl_severity sev)
{
	switch (sev) {
	case KDL_SEV_CRITICAL: return "critical";
	case KDL_SEV_HIGH: return "high";
	case KDL_SEV_MEDIUM: return "medium";
	case KDL_SEV_LOW: return "low";
	}
	return "low";
}

void kdl_model_verdict(const struct kdl_model *m, struct kdl_verdict *v)
{
	memset(v, 0, sizeof(*v));
	for (size_t i = 0; i < m->ntasks; i++)
		if (!strcmp(m->tasks[i].state, "UN") || m->tasks[i].rtlock_wait)
			v->hung++;
	for (size_t i = 0; i < m->nfindings; i++) {
		if (m->findings[i].deadlock) {
			v->deadlocks++;
			continue;
		}
		switch (m->findings[i].kind) {
		case KDL_F_ORPHANED_LOCK: v->orphaned++; break;
		case KDL_F_CONVOY: v->convoys++; break;
		case KDL_F_LOST_WAKEUP: v->lost_wakeups++; break;
		case KDL_F_SPINNING: v->spinning++; break;
		case KDL_F_OTHER: v->other++; break;
		default: break; /* the deadlock kinds, counted above */
		}
	}
}

int kdl_model_task_by_pid(const struct kdl_model *m, int pid)
{
	size_t lo = 0, hi;

	if (!m)
		return -1;
	hi = m->ntasks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->tasks[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* pid 0 has one idle task per CPU; the first one is returned. */
	if (lo < m->ntasks && m->tasks[lo].pid == pid)
		return (int)lo;
	return -1;
}

int kdl_model_lock_by_addr(const struct kdl_model *m, uint64_t addr)
{
	if (!m)
		return -1;
	for (size_t i = 0; i < m->nlocks; i++)
		if (m->locks[i].address == addr)
			return (int)i;
	return -1;
}

static void free_lock(struct kdl_lock *l)
{
	free(l->name);
	free(l->symbol);
	free(l->cache);
	free(l->type);
	free(l->member);
	free(l->owners);
	free(l->waiters);
}

void kdl_model_destroy(struct kdl_model *m)
{
	if (!m)
		return;
	free(m->dump.release);
	free(m->dump.version);
	free(m->dump.hostname);
	free(m->dump.machine);
	free(m->dump.format);
	free(m->dump.panic);
	free(m->dump.partial_why);
	free(m->dump.debuginfo);
	free(m->dump.debuginfo_from);
	free(m->dump.debuginfo_missing);
	free(m->dump.symbols_from);
	for (size_t i = 0; i < m->ntasks; i++) {
		struct kdl_task *t = &m->tasks[i];

		free(t->frames);
		free(t->other.kind);
		free(t->other.label);
		free(t->holds);
	}
	free(m->tasks);
	for (size_t i = 0; i < m->ncpus; i++)
		free(m->cpus[i].frames);
	free(m->cpus);
	for (size_t i = 0; i < m->nlocks; i++)
		free_lock(&m->locks[i]);
	free(m->locks);
	for (size_t i = 0; i < m->ncycles; i++) {
		free(m->cycles[i].nodes);
		free(m->cycles[i].locks);
	}
	free(m->cycles);
	for (size_t i = 0; i < m->nfindings; i++) {
		free(m->findings[i].tasks);
		free(m->findings[i].locks);
		free(m->findings[i].summary);
	}
	free(m->findings);
	free(m->log);
	free(m);
}
