/* core/locks/locks_owners.c - who holds each lock: owner words (flag bits masked,
 * per kernel generation), lockdep held_locks (stale once debug_locks is 0),
 * and, labelled inferred, what the kernel does not record: rwsem readers
 * (last reader in the owner word, threads of the mm in a fault), holders of
 * ownerless locks (tasks standing in code that takes the lock), the task a
 * spinning irq/softirq interrupted, the likely waker of a wait queue. */
#include "core/locks/locks_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debuginfo/debuginfo.h"

/* ---- owners --------------------------------------------------------------- */

static void owner_rt(struct kdl_lk *s, int li, uint64_t rtb, enum kdl_mode mode)
{
	uint64_t v;

	if (kdl_lk_field(s, rtb, &s->L->rt_mutex.owner, &v) && (v & ~1ULL))
		kdl_lk_add_owner(s, li, v & ~1ULL, KDL_CTX_TASK, mode, KDL_CONF_CERTAIN,
			  "rt_mutex owner field");
}

/* PREEMPT_RT rw_semaphore / rwlock_t (struct rwbase_rt): `readers` is
 * READER_BIAS (bit 31) + active readers while no writer is around; a writer
 * takes the rt_mutex, removes READER_BIAS and waits until the readers are 0,
 * then holds with WRITER_BIAS (bit 30). So the rt_mutex owner holds the lock
 * only at WRITER_BIAS; before that it is a writer waiting for the readers. */
static void rwbase_owner(struct kdl_lk *s, int li, uint64_t rwb)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_lock *l = &s->m->locks[li];
	struct kdl_lk_extra *x = &s->extra[li];
	uint64_t rd, own;
	uint32_t r;

	if (!kdl_lk_field(s, rwb, &L->rwbase_rt.readers, &rd))
		return;
	r = (uint32_t)rd;
	if (r == (1U << 30)) {
		owner_rt(s, li, rwb + L->rwbase_rt.rtmutex.off, KDL_MODE_WRITE);
		x->write_locked = true;
		l->readers = 0;
		return;
	}
	l->readers = (int)(r & ~(1U << 31));
	x->reader_owned = l->readers > 0;
	if (!(r & (1U << 31)) &&
	    kdl_lk_field(s, rwb + L->rwbase_rt.rtmutex.off, &L->rt_mutex.owner, &own) &&
	    kdl_lk_kptr(own & ~1ULL)) {
		int ti = kdl_lk_task_by_addr(s, own & ~1ULL);

		if (ti >= 0 && s->m->tasks[ti].waits_on < 0) {
			struct kdl_ctxref who = { ti, KDL_CTX_TASK };

			s->m->tasks[ti].waits_on = li;
			s->m->tasks[ti].wait_mode = KDL_MODE_WRITE;
			s->m->tasks[ti].waits_how = "owns the lock's rt_mutex and waits for its readers";
			free(s->m->tasks[ti].other.kind);
			free(s->m->tasks[ti].other.label);
			s->m->tasks[ti].other.kind = NULL;
			s->m->tasks[ti].other.label = NULL;
			kdl_lk_add_waiter(s, li, who, KDL_MODE_WRITE);
		}
	}
}

void kdl_lk_decode_owner(struct kdl_lk *s, int li)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_lock *l = &s->m->locks[li];
	struct kdl_lk_extra *x = &s->extra[li];
	uint64_t a = l->address, v, cnt;

	switch (l->kind) {
	case KDL_LOCK_MUTEX:
		if (L->preempt_rt) {
			owner_rt(s, li, a + L->mutex.rtmutex.off, KDL_MODE_EXCLUSIVE);
		} else if (L->mutex_owner_atomic) {
			if (kdl_lk_field(s, a, &L->mutex.owner, &v) && kdl_lk_kptr(v & ~7ULL))
				kdl_lk_add_owner(s, li, v & ~7ULL, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
					  KDL_CONF_CERTAIN, "mutex owner field");
		} else if (kdl_lk_field(s, a, &L->mutex.count, &cnt) && (int32_t)cnt <= 0) {
			/* before 4.10: count 1 free, 0 held, <0 held with waiters */
			if (kdl_lk_field(s, a, &L->mutex.owner, &v) && kdl_lk_kptr(v))
				kdl_lk_add_owner(s, li, v, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
					  KDL_CONF_CERTAIN, "mutex owner field");
		}
		break;
	case KDL_LOCK_RWSEM:
		if (L->rwsem_style == KDL_RWSEM_RT) {
			rwbase_owner(s, li, a + L->rwsem.rwbase.off);
			break;
		}
		if (!kdl_lk_field(s, a, &L->rwsem.count, &cnt))
			cnt = 0;
		if (!kdl_lk_field(s, a, &L->rwsem.owner, &v))
			v = 0;
		x->rec_owner_word = v;
		if (L->rwsem_style == KDL_RWSEM_ATOMIC) {
			x->write_locked = cnt & 1;
			l->readers = (int)((cnt & 0x7fffffffffffffffULL) >> 8);
			if (x->write_locked && kdl_lk_kptr(v & ~7ULL) && !(v & 1)) {
				kdl_lk_add_owner(s, li, v & ~7ULL, KDL_CTX_TASK, KDL_MODE_WRITE,
					  KDL_CONF_CERTAIN, "rwsem owner field (writer)");
				l->readers = 0;
			} else if (v & 1) {
				x->reader_owned = true;
				x->last_reader = kdl_lk_kptr(v & ~7ULL) ? v & ~7ULL : 0;
			}
		} else {
			/* xadd count: low 32 bits count active lockers */
			int64_t c = (int64_t)cnt;
			uint32_t active = (uint32_t)(cnt & 0xffffffffULL);

			if (v & 1) {
				x->reader_owned = true;
				x->last_reader = kdl_lk_kptr(v & ~3ULL) ? v & ~3ULL : 0;
				l->readers = (int)active;
			} else if (kdl_lk_kptr(v) && c != 0) {
				x->write_locked = true;
				kdl_lk_add_owner(s, li, v, KDL_CTX_TASK, KDL_MODE_WRITE, KDL_CONF_CERTAIN,
					  "rwsem owner field (writer)");
				l->readers = 0;
			} else if (active && c > 0) {
				/* held by readers only (c > 0: no writer, no waiters bias) */
				x->reader_owned = true;
				l->readers = (int)active;
			}
		}
		break;
	case KDL_LOCK_RT_MUTEX:
		owner_rt(s, li, a, KDL_MODE_EXCLUSIVE);
		break;
	case KDL_LOCK_SPINLOCK:
		if (L->preempt_rt && !x->raw_spin) { /* spinlock_t is an rt_mutex on RT */
			owner_rt(s, li, a, KDL_MODE_EXCLUSIVE);
		} else if (L->raw_spinlock.owner.ok && kdl_lk_field(s, a, &L->raw_spinlock.owner, &v) &&
			   kdl_lk_kptr(v)) {
			kdl_lk_add_owner(s, li, v, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN,
				  "spinlock owner field (DEBUG_SPINLOCK)");
		}
		break;
	case KDL_LOCK_RWLOCK:
		if (L->preempt_rt && !x->raw_spin) {
			rwbase_owner(s, li, a);
			break;
		}
		if (kdl_lk_field(s, a + L->rwlock.raw_lock.off, &L->qrwlock.cnts, &cnt)) {
			/* qrwlock: 0xff writer locked, 0x100 writer waiting, readers << 9 */
			l->readers = (int)(cnt >> 9);
			x->write_locked = (cnt & 0xff) != 0;
		}
		if (L->rwlock.owner.ok && kdl_lk_field(s, a, &L->rwlock.owner, &v) && kdl_lk_kptr(v))
			kdl_lk_add_owner(s, li, v, KDL_CTX_TASK, KDL_MODE_WRITE, KDL_CONF_CERTAIN,
				  "rwlock owner field (DEBUG_SPINLOCK)");
		break;
	case KDL_LOCK_WORK: {
		int k = kdl_lk_kworker_running(s, a);

		if (k >= 0)
			kdl_lk_add_owner(s, li, s->m->tasks[k].addr, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
				  KDL_CONF_CERTAIN, "the kworker executing the work item");
		break;
	}
	default:
		break;
	}
}

/* lockdep: every task's held_locks, while lockdep still runs. */
static uint64_t dep_map_of(struct kdl_lk *s, const struct kdl_lock *l)
{
	const struct kdl_layout_locks *L = s->L;

	switch (l->kind) {
	case KDL_LOCK_MUTEX:
		return L->mutex.dep_map.ok ? l->address + L->mutex.dep_map.off : 0;
	case KDL_LOCK_RWSEM:
		return L->rwsem.dep_map.ok ? l->address + L->rwsem.dep_map.off : 0;
	case KDL_LOCK_SPINLOCK:
		return L->raw_spinlock.dep_map.ok ? l->address + L->raw_spinlock.dep_map.off : 0;
	case KDL_LOCK_RWLOCK:
		return L->rwlock.dep_map.ok ? l->address + L->rwlock.dep_map.off : 0;
	default:
		return 0;
	}
}

/* A held lock lockdep knows but the analysis has not met: decide what it is
 * from the lockdep map's wait type and the debug magic words, and add it so
 * that the task's holds[] lists every lock it holds. */
static void lockdep_unknown(struct kdl_lk *s, int ti, uint64_t inst, uint64_t bits,
			    enum kdl_confidence conf)
{
	const struct kdl_layout_locks *L = s->L;
	uint64_t wt, np, a = 0, v, next, back;
	enum kdl_lock_kind kind = KDL_LOCK_OTHER;
	enum kdl_mode mode = KDL_MODE_EXCLUSIVE;
	char name[64];
	int li;

	if (!kdl_lk_field(s, inst, &L->lockdep_map.wait_type_inner, &wt) ||
	    !kdl_lk_field(s, inst, &L->lockdep_map.name, &np) || !kdl_lk_kptr(np) ||
	    !kdl_lk_string(s, np, name, sizeof(name)))
		return;
	/* lockdep-only maps (rcu_read_lock, (wq_completion)..., (work_completion)...) */
	if (name[0] == '(' || !strncmp(name, "rcu_read_lock", 13))
		return;
	wt &= 0xff;
	if ((int64_t)wt == L->ld_wait_spin || (int64_t)wt == L->ld_wait_config) {
		uint64_t r = inst - L->rwlock.dep_map.off;

		if (L->rwlock.dep_map.ok && L->rwlock.magic.ok &&
		    kdl_lk_field(s, r, &L->rwlock.magic, &v) && (uint32_t)v == 0xdeaf1eedU) {
			kind = KDL_LOCK_RWLOCK;
			a = r;
			mode = ((bits >> 16) & 3) ? KDL_MODE_READ : KDL_MODE_WRITE;
		} else if (L->raw_spinlock.dep_map.ok) {
			kind = KDL_LOCK_SPINLOCK;
			a = inst - L->raw_spinlock.dep_map.off;
		}
	} else if ((int64_t)wt == L->ld_wait_sleep) {
		uint64_t mx = inst - L->mutex.dep_map.off, rw = inst - L->rwsem.dep_map.off;

		if (L->mutex.dep_map.ok && L->mutex.magic.ok &&
		    kdl_lk_field(s, mx, &L->mutex.magic, &v) && v == mx) {
			kind = KDL_LOCK_MUTEX;
			a = mx;
		} else if (L->rwsem.dep_map.ok && L->rwsem.wait_list.ok &&
			   kdl_lk_u64(s, rw + L->rwsem.wait_list.off, &next) && kdl_lk_kptr(next) &&
			   kdl_lk_u64(s, next + 8, &back) && back == rw + L->rwsem.wait_list.off) {
			kind = KDL_LOCK_RWSEM;
			a = rw;
			mode = ((bits >> 16) & 3) ? KDL_MODE_READ : KDL_MODE_WRITE;
		}
	}
	if (!a)
		return;
	li = kdl_lk_lock_get(s, a, kind);
	if (li < 0)
		return;
	kdl_lk_add_owner(s, li, s->m->tasks[ti].addr, KDL_CTX_TASK, mode, conf,
		  conf == KDL_CONF_STALE ? "lockdep held_locks (stale: lockdep is off)"
					 : "lockdep held_locks");
}

void kdl_lk_lockdep_owners(struct kdl_lk *s)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_model *m = s->m;
	uint64_t dl;
	enum kdl_confidence conf;

	if (!L->task.held_locks.ok || !L->task.lockdep_depth.ok || !L->held_lock.size ||
	    !L->held_lock.instance.ok)
		return;
	if (L->debug_locks_addr && kdl_lk_u64(s, L->debug_locks_addr, &dl)) {
		s->debug_locks_known = true;
		s->debug_locks = (uint32_t)dl != 0;
	}
	conf = s->debug_locks_known && !s->debug_locks ? KDL_CONF_STALE : KDL_CONF_CERTAIN;
	for (size_t ti = 0; ti < m->ntasks; ti++) {
		uint64_t depth;
		int64_t pending;
		const struct kdl_task *t = &m->tasks[ti];

		if (!kdl_lk_field(s, t->addr, &L->task.lockdep_depth, &depth))
			continue;
		depth = (uint32_t)depth;
		if (depth > KDL_LK_MAX_HELD)
			depth = KDL_LK_MAX_HELD;
		/* lockdep records an acquisition before the task blocks: the
		 * topmost entry for the lock a task waits on is the pending one */
		pending = -1;
		if (t->waits_on >= 0) {
			uint64_t dm = dep_map_of(s, &m->locks[t->waits_on]), inst;

			for (uint64_t d = depth; d-- > 0 && dm;) {
				uint64_t hl = t->addr + L->task.held_locks.off + d * L->held_lock.size;

				if (kdl_lk_field(s, hl, &L->held_lock.instance, &inst) && inst == dm) {
					pending = (int64_t)d;
					break;
				}
			}
		}
		for (uint64_t d = 0; d < depth; d++) {
			uint64_t hl = t->addr + L->task.held_locks.off + d * L->held_lock.size, inst;
			uint64_t bits = 0;
			enum kdl_mode mode = KDL_MODE_EXCLUSIVE;
			bool known = false;

			if ((int64_t)d == pending ||
			    !kdl_lk_field(s, hl, &L->held_lock.instance, &inst) || !inst)
				continue;
			if (L->held_lock.class_idx.ok)
				kdl_lk_u64(s, hl + L->held_lock.class_idx.off, &bits);
			for (size_t li = 0; li < m->nlocks; li++) {
				uint64_t dm = dep_map_of(s, &m->locks[li]);

				if (!dm || dm != inst)
					continue;
				known = true;
				if (m->locks[li].kind == KDL_LOCK_RWSEM ||
				    m->locks[li].kind == KDL_LOCK_RWLOCK) {
					mode = KDL_MODE_WRITE;
					/* held_lock bit-fields: class_idx:13 irq_context:2
					 * trylock:1 read:2 */
					if ((bits >> 16) & 3)
						mode = KDL_MODE_READ;
				}
				s->lockdep_hits++;
				kdl_lk_add_owner(s, (int)li, t->addr, KDL_CTX_TASK, mode, conf,
					  conf == KDL_CONF_STALE
						  ? "lockdep held_locks (stale: lockdep is off)"
						  : "lockdep held_locks");
			}
			if (!known && (t->waits_on >= 0 || t->on_cpu || !strcmp(t->state, "UN")))
				lockdep_unknown(s, (int)ti, inst, bits, conf);
		}
	}
}

/* Frames that show what a task (its process context) is doing. */
static const struct kdl_frame *task_frames(struct kdl_lk *s, int ti, size_t *n)
{
	struct kdl_task *t = &s->m->tasks[ti];

	if (t->frames_done && t->nframes) {
		*n = t->nframes;
		return t->frames;
	}
	for (size_t c = 0; c < s->m->ncpus; c++)
		if (s->m->cpus[c].task == ti && s->m->cpus[c].nframes) {
			*n = s->m->cpus[c].nframes;
			return s->m->cpus[c].frames;
		}
	*n = 0;
	return NULL;
}

static bool is_waiter(const struct kdl_lock *l, int ti, enum kdl_ctx ctx)
{
	for (size_t i = 0; i < l->nwaiters; i++)
		if (l->waiters[i].who.task == ti && l->waiters[i].who.ctx == ctx)
			return true;
	return false;
}

/* Does the code of the function containing pc refer to addr (rip-relative)? */

static bool code_refers(struct kdl_lk *s, uint64_t pc, uint64_t target,
			struct kdl_lk_coderef *cache, size_t *ncache)
{
	struct kdl_symbol sym;
	unsigned char *code;
	bool yes = false;
	size_t len;

	/* pc is a return address: the call is just before it */
	if (!s->ctx->di || !kdl_debuginfo_symbol_at(s->ctx->di, pc - 1, &sym) || !sym.is_function)
		return false;
	for (size_t i = 0; i < *ncache; i++)
		if (cache[i].fn == sym.addr && cache[i].target == target)
			return cache[i].yes;
	if (*ncache >= KDL_LK_MAX_CODEREFS)
		return false; /* bound the work on a dump full of odd frames */
	/* module symbols from kallsyms carry no size: look at the first 2 KiB */
	len = sym.size ? sym.size : 2048;
	if (len > 65536)
		len = 65536;
	code = len ? malloc(len) : NULL;
	if (code) {
		struct kdl_error *err = kdl_target_read(s->t, sym.addr, code, len);

		if (!err) {
			for (size_t p = 0; p + 4 <= len && !yes; p++) {
				int32_t d = (int32_t)((uint32_t)code[p] | (uint32_t)code[p + 1] << 8 |
						      (uint32_t)code[p + 2] << 16 |
						      (uint32_t)code[p + 3] << 24);
				uint64_t at = sym.addr + p + 4 + (int64_t)d;

				/* rip-relative (an immediate may follow the displacement),
				 * or an absolute sign-extended imm32 (mcmodel=kernel: the
				 * kernel image and modules live in the top 2 GiB) */
				yes = at == target || at + 1 == target || at + 2 == target ||
				      at + 4 == target || (uint64_t)(int64_t)d == target;
			}
		}
		kdl_error_destroy(err);
		free(code);
	}
	if (*ncache < KDL_LK_MAX_CODEREFS) {
		cache[*ncache].fn = sym.addr;
		cache[*ncache].target = target;
		cache[*ncache].yes = yes;
		(*ncache)++;
	}
	return yes;
}

/* The 8-byte global variables the code of `fn` refers to (rip-relative or
 * absolute imm32), computed once per function. */
static const struct kdl_lk_fnvars *fn_vars(struct kdl_lk *s, const struct kdl_symbol *fn)
{
	size_t n = fn->size && fn->size <= 65536 ? fn->size : 2048;
	struct kdl_lk_fnvars *fv, *nf;
	unsigned char *code;
	struct kdl_error *err;

	for (size_t i = 0; i < s->nfnvars; i++)
		if (s->fnvars[i].fn == fn->addr)
			return &s->fnvars[i];
	if (s->nfnvars >= KDL_LK_MAX_CODEREFS)
		return NULL;
	nf = realloc(s->fnvars, (s->nfnvars + 1) * sizeof(*nf));
	if (!nf)
		return NULL;
	s->fnvars = nf;
	fv = &nf[s->nfnvars++];
	memset(fv, 0, sizeof(*fv));
	fv->fn = fn->addr;
	code = malloc(n);
	if (!code)
		return fv;
	err = kdl_target_read(s->t, fn->addr, code, n);
	for (size_t p = 0; !err && p + 4 <= n; p++) {
		int32_t d = (int32_t)((uint32_t)code[p] | (uint32_t)code[p + 1] << 8 |
				      (uint32_t)code[p + 2] << 16 | (uint32_t)code[p + 3] << 24);
		uint64_t cand[2] = { fn->addr + p + 4 + (int64_t)d, (uint64_t)(int64_t)d };

		for (int c = 0; c < 2 && fv->n < 64; c++) {
			struct kdl_symbol v;
			uint64_t *nv;
			bool dup = false;

			if (cand[c] < 0xffffffff80000000ULL ||
			    !kdl_debuginfo_symbol_at(s->ctx->di, cand[c], &v) || v.is_function ||
			    v.addr != cand[c] || (v.size && v.size != 8))
				continue;
			for (size_t k = 0; k < fv->n; k++)
				dup |= fv->vars[k] == v.addr;
			if (dup)
				continue;
			nv = realloc(fv->vars, (fv->n + 1) * sizeof(*nv));
			if (!nv)
				break;
			fv->vars = nv;
			fv->vars[fv->n++] = v.addr;
		}
	}
	kdl_error_destroy(err);
	free(code);
	return fv;
}

/* Does the code of `fn` use a global variable whose value is `obj`? Its name
 * into buf. */
static bool code_uses_pointer(struct kdl_lk *s, const struct kdl_symbol *fn, uint64_t obj,
			      char *buf, size_t len)
{
	const struct kdl_lk_fnvars *fv = fn_vars(s, fn);
	struct kdl_symbol v;
	uint64_t val;

	for (size_t k = 0; fv && k < fv->n; k++)
		if (kdl_lk_u64(s, fv->vars[k], &val) && val == obj &&
		    kdl_debuginfo_symbol_at(s->ctx->di, fv->vars[k], &v)) {
			snprintf(buf, len, "%s", v.name);
			return true;
		}
	return false;
}

bool kdl_lk_global_pointer_to(struct kdl_lk *s, int li, uint64_t obj, char *buf, size_t len)
{
	const struct kdl_lock *l = &s->m->locks[li];
	int who[16];
	size_t nwho = 0;

	if (!s->ctx->di)
		return false;
	for (size_t i = 0; i < l->nwaiters && nwho < 16; i++)
		who[nwho++] = l->waiters[i].who.task;
	for (size_t i = 0; i < l->nowners && nwho < 16; i++)
		if (l->owners[i].who.task >= 0)
			who[nwho++] = l->owners[i].who.task;
	for (size_t k = 0; k < nwho; k++) {
		const struct kdl_frame *f;
		size_t n;

		f = task_frames(s, who[k], &n);
		for (size_t i = 0; i < n && i < 16; i++) {
			struct kdl_symbol fn;

			if (!f[i].function || kdl_lk_is_lock_fn(f[i].function) ||
			    !kdl_debuginfo_symbol_at(s->ctx->di, f[i].pc - 1, &fn) || !fn.is_function)
				continue;
			if (code_uses_pointer(s, &fn, obj, buf, len))
				return true;
		}
	}
	return false;
}

void kdl_lk_infer_owners(struct kdl_lk *s, int li, struct kdl_lk_coderef *cache, size_t *ncache)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_model *m = s->m;
	struct kdl_lock *l = &m->locks[li];
	struct kdl_lk_extra *x = &s->extra[li];
	bool have_certain = false;
	struct kdl_symbol sym;
	bool global;

	for (size_t i = 0; i < l->nowners; i++)
		if (l->owners[i].confidence == KDL_CONF_CERTAIN)
			have_certain = true;
	if (have_certain)
		return;
	if (l->kind == KDL_LOCK_COMPLETION || l->kind == KDL_LOCK_WAITQUEUE ||
	    l->kind == KDL_LOCK_WORK || l->kind == KDL_LOCK_OTHER)
		return;

	/* reader-owned rwsem: the last reader recorded in the owner word */
	if (l->kind == KDL_LOCK_RWSEM && x->reader_owned && x->last_reader) {
		int ti = kdl_lk_task_by_addr(s, x->last_reader);

		if (ti >= 0 && !is_waiter(l, ti, KDL_CTX_TASK))
			kdl_lk_add_owner(s, li, x->last_reader, KDL_CTX_TASK, KDL_MODE_READ,
				  KDL_CONF_INFERRED, "last reader recorded in the owner word");
	}
	/* mmap_lock: threads sharing the mm standing in a fault or mm call */
	if (l->kind == KDL_LOCK_RWSEM && L->mm.mmap_lock.ok) {
		uint64_t mm = l->address - L->mm.mmap_lock.off;
		static const char *const mmfns[] = {
			"handle_mm_fault", "do_user_addr_fault", "exc_page_fault", "__do_fault",
			"do_fault", "__get_user_pages", "get_user_pages", "do_mmap",
			"vm_mmap_pgoff", "__vm_munmap", "do_mprotect_pkey", "do_madvise",
			"__access_remote_vm", "access_remote_vm", "lock_mm_and_find_vma",
			"walk_page_range", "mmap_region",
		};

		for (size_t ti = 0; ti < m->ntasks; ti++) {
			const struct kdl_frame *f;
			size_t n;

			if (m->tasks[ti].mm != mm || is_waiter(l, (int)ti, KDL_CTX_TASK))
				continue;
			f = task_frames(s, (int)ti, &n);
			for (size_t i = 0; i < n; i++) {
				bool hit = false;

				for (size_t j = 0; j < sizeof(mmfns) / sizeof(mmfns[0]); j++)
					if (f[i].function && !strcmp(f[i].function, mmfns[j]))
						hit = true;
				if (hit) {
					kdl_lk_add_owner(s, li, m->tasks[ti].addr, KDL_CTX_TASK,
						  KDL_MODE_READ, KDL_CONF_INFERRED,
						  "shares the mm and stands in a page fault or mm call");
					break;
				}
			}
		}
	}
	/* spinlock retaken in irq/softirq: the task it interrupted on that CPU */
	if (l->kind == KDL_LOCK_SPINLOCK || l->kind == KDL_LOCK_RWLOCK) {
		for (size_t i = 0; i < l->nwaiters; i++) {
			struct kdl_ctxref w = l->waiters[i].who;

			if (w.ctx != KDL_CTX_SOFTIRQ && w.ctx != KDL_CTX_IRQ)
				continue;
			if (!is_waiter(l, w.task, KDL_CTX_TASK))
				kdl_lk_add_owner(s, li, m->tasks[w.task].addr, KDL_CTX_TASK,
					  KDL_MODE_EXCLUSIVE, KDL_CONF_INFERRED,
					  "the task its spinning irq/softirq interrupted on the same CPU");
		}
	}
	if (l->nowners)
		return;
	/* a global lock: tasks standing in functions whose code refers to it */
	global = s->ctx->di && kdl_debuginfo_symbol_at(s->ctx->di, l->address, &sym) &&
		 !sym.is_function;
	if (!global)
		return;
	for (size_t ti = 0; ti < m->ntasks; ti++) {
		const struct kdl_frame *f;
		size_t n;
		const struct kdl_task *t = &m->tasks[ti];

		if (is_waiter(l, (int)ti, KDL_CTX_TASK) || t->exit_state)
			continue;
		if (strcmp(t->state, "UN") && strcmp(t->state, "IN") && !t->on_cpu &&
		    !t->rtlock_wait)
			continue;
		f = task_frames(s, (int)ti, &n);
		for (size_t i = 0; i < n && i < KDL_LK_MAX_FRAMES; i++) {
			if (f[i].context != KDL_CTX_TASK || !f[i].function)
				continue;
			if (kdl_lk_is_lock_fn(f[i].function))
				continue;
			if (code_refers(s, f[i].pc, l->address, cache, ncache)) {
				kdl_lk_add_owner(s, li, t->addr, KDL_CTX_TASK,
					  l->kind == KDL_LOCK_RWSEM || l->kind == KDL_LOCK_RWLOCK
						  ? (x->write_locked ? KDL_MODE_WRITE : KDL_MODE_READ)
						  : KDL_MODE_EXCLUSIVE,
					  KDL_CONF_INFERRED,
					  "stands in a function that takes this lock");
				break;
			}
		}
	}
	/* more candidates than the lock can have holders: say so */
	if ((l->readers > 0 && l->nowners > (size_t)l->readers) ||
	    (l->readers <= 0 && l->nowners > 1))
		for (size_t o = 0; o < l->nowners; o++)
			l->owners[o].why = "stands in a function that takes this lock; there are "
					   "more such tasks than the lock has holders";
}

/* A wait queue nobody is known to wake, whose waiter H holds a lock that
 * other threads of H's process wait on: those threads are the likely wakers
 * (a hung process whose threads wait for each other). Readers queued on a
 * reader-held rwsem (stuck behind a queued writer, not behind H) are the
 * tail of the queue and are preferred. Labelled inferred. */
void kdl_lk_infer_wakers(struct kdl_lk *s, int li)
{
	struct kdl_model *m = s->m;
	struct kdl_lock *l = &m->locks[li];
	int cand[16];
	bool tail[16];
	size_t nc = 0;
	bool any_tail = false;

	if (l->kind != KDL_LOCK_WAITQUEUE || l->nowners || l->nwaiters != 1)
		return;
	for (size_t hi = 0; hi < m->nlocks && nc < 16; hi++) {
		const struct kdl_lock *h = &m->locks[hi];
		int holder = l->waiters[0].who.task;
		enum kdl_mode hmode = KDL_MODE_EXCLUSIVE;
		bool held = false;

		for (size_t o = 0; o < h->nowners; o++)
			if (h->owners[o].who.task == holder) {
				held = true;
				hmode = h->owners[o].mode;
			}
		if (!held)
			continue;
		for (size_t w = 0; w < h->nwaiters && nc < 16; w++) {
			int ti = h->waiters[w].who.task;

			if (ti == holder || m->tasks[ti].tgid != m->tasks[holder].tgid)
				continue;
			cand[nc] = ti;
			tail[nc] = hmode == KDL_MODE_READ && h->waiters[w].mode == KDL_MODE_READ;
			any_tail |= tail[nc];
			nc++;
		}
	}
	for (size_t i = 0; i < nc; i++)
		if (!any_tail || tail[i])
			kdl_lk_add_owner(s, li, m->tasks[cand[i]].addr, KDL_CTX_TASK, KDL_MODE_EXCLUSIVE,
				  KDL_CONF_INFERRED,
				  "likely waker: a thread of the same process stuck behind the waiter");
}

