/* core/locks/names.c - name each lock the way a person recognises it. */
#include "core/locks/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/str.h"
#include "core/debuginfo/debuginfo.h"
#include "core/locks/locks_priv.h"

void kdl_names_cache_type(const char *cache, char *buf, size_t len)
{
	static const struct { const char *cache, *type; } map[] = {
		{ "filp", "file" },
		{ "sighand_cache", "sighand_struct" },
		{ "signal_cache", "signal_struct" },
		{ "files_cache", "files_struct" },
		{ "fs_cache", "fs_struct" },
		{ "inode_cache", "inode" },
		{ "shmem_inode_cache", "shmem_inode_info" },
		{ "bdev_cache", "bdev_inode" },
		{ "sock_inode_cache", "socket_alloc" },
		{ "proc_inode_cache", "proc_inode" },
		{ "pid", "pid" },
	};
	size_t n;

	if (!len)
		return;
	buf[0] = 0;
	if (!cache || !strncmp(cache, "kmalloc", 7) || !strncmp(cache, "dma-kmalloc", 11))
		return;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(cache, map[i].cache)) {
			snprintf(buf, len, "%s", map[i].type);
			return;
		}
	n = strlen(cache);
	if (n > 7 && !strcmp(cache + n - 7, "_cachep"))
		n -= 7;
	else if (n > 6 && !strcmp(cache + n - 6, "_cache"))
		n -= 6;
	snprintf(buf, len, "%.*s", (int)n, cache);
}

/* member_path gives the deepest member at an offset ("mmap_lock.count.counter");
 * a lock's name stops at the lock: drop trailing members that are the insides
 * of lock primitives, keeping at least one component. */
static void trim_lock_insides(char *path)
{
	static const char *const inside[] = {
		"counter", "count", "owner", "rlock", "raw_lock", "val", "locked",
		"locked_pending", "wait_lock", "cnts", "wlocked", "done", "rtmutex", "rwbase",
		"readers", "data", "rss", "gp_state", "lock", "wait",
	};
	char *dot;

	while ((dot = strrchr(path, '.')) != NULL) {
		bool strip = false;

		for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++)
			strip |= !strcmp(dot + 1, inside[i]);
		if (!strip)
			break;
		*dot = 0;
	}
}

/* Member path of `off` inside `type` ("struct" prefixed), or "+0x..". */
static void member_of(struct kdl_lk *s, const char *type, uint64_t off, char *buf, size_t len)
{
	struct kdl_error *err;

	buf[0] = 0;
	if (off == 0 && !type)
		return;
	if (s->ctx->di && type && type[0]) {
		err = kdl_debuginfo_member_path(s->ctx->di, type, off, buf, len);
		if (!err) {
			kdl_lk_sanitise(buf);
			trim_lock_insides(buf);
			return;
		}
		kdl_error_destroy(err);
	}
	snprintf(buf, len, "+0x%llx", (unsigned long long)off);
}

/* Is this type name a lock (or other waitable) primitive itself? */
static bool is_lock_type(const char *t)
{
	static const char *const names[] = {
		"struct mutex", "struct rw_semaphore", "struct semaphore", "struct rt_mutex",
		"struct rt_mutex_base", "spinlock_t", "raw_spinlock_t", "rwlock_t",
		"struct spinlock", "struct raw_spinlock", "arch_spinlock_t", "struct qspinlock",
		"struct qrwlock", "struct completion", "struct work_struct", "struct delayed_work",
		"wait_queue_head_t", "struct wait_queue_head", "struct swait_queue_head",
		"struct percpu_rw_semaphore", "seqlock_t", "struct ww_mutex",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(t, names[i]))
			return true;
	return false;
}

/* The member path of `off` inside variable `var` into buf and l->member, its
 * type into l->type; buf is "" when the variable is the lock itself. */
static void var_member(struct kdl_lk *s, struct kdl_lock *l, const char *var, uint64_t off,
		       char *buf, size_t len)
{
	char type[128];
	struct kdl_error *err = kdl_debuginfo_var_type(s->ctx->di, var, type, sizeof(type));

	buf[0] = 0;
	if (err) {
		kdl_error_destroy(err);
		type[0] = 0;
	}
	if (off == 0 && (!type[0] || is_lock_type(type)))
		return;
	if (type[0])
		l->type = kdl_strdup(type);
	member_of(s, type[0] ? type : NULL, off, buf, len);
	l->member = kdl_strdup(buf);
}

/* Said in a name whose member a global variable's type would have given, when
 * the type source has no types of globals (BTF). */
#define KDL_NO_VAR_TYPE " (type unknown: BTF)"

static const char *no_var_type(struct kdl_lk *s, const struct kdl_lock *l, const char *member)
{
	return member[0] == '+' && !l->type && !kdl_debuginfo_has_var_types(s->ctx->di) ?
	       KDL_NO_VAR_TYPE : "";
}

/* "sym", "sym.member" or "sym+0x10", plus a suffix. */
static char *sym_name(const char *sym, const char *member, const char *suffix)
{
	if (!member[0])
		return kdl_lk_printf("%s%s", sym, suffix);
	return kdl_lk_printf("%s%s%s%s", sym, member[0] == '+' ? "" : ".", member, suffix);
}

static bool name_symbol(struct kdl_lk *s, struct kdl_lock *l)
{
	struct kdl_symbol sym;
	char member[256];
	uint64_t off;

	if (!s->ctx->di || !kdl_debuginfo_symbol_at(s->ctx->di, l->address, &sym) ||
	    sym.is_function)
		return false;
	off = l->address - sym.addr;
	l->symbol = kdl_strdup(sym.name);
	l->object = sym.addr;
	l->offset = off;
	var_member(s, l, sym.name, off, member, sizeof(member));
	l->name = sym_name(sym.name, member, no_var_type(s, l, member));
	return true;
}

static bool name_percpu(struct kdl_lk *s, struct kdl_lock *l)
{
	const struct kdl_layout_locks *L = s->L;
	struct kdl_symbol sym;
	size_t ncpu = s->m->ncpus ? s->m->ncpus : (size_t)s->m->dump.cpus;

	if (!s->ctx->di || !L->per_cpu_offset_addr || L->per_cpu_end <= L->per_cpu_start)
		return false;
	for (size_t c = 0; c < ncpu && c < 8192; c++) {
		uint64_t off, a;
		char member[256], suffix[64];

		if (!kdl_lk_u64(s, L->per_cpu_offset_addr + 8 * c, &off))
			return false;
		a = l->address - off;
		if (a < L->per_cpu_start || a >= L->per_cpu_end)
			continue;
		if (!kdl_debuginfo_symbol_at(s->ctx->di, a, &sym))
			continue;
		l->symbol = kdl_strdup(sym.name);
		l->percpu_cpu = (int)c;
		l->object = sym.addr + off;
		l->offset = a - sym.addr;
		var_member(s, l, sym.name, l->offset, member, sizeof(member));
		snprintf(suffix, sizeof(suffix), " on CPU %zu%s", c, no_var_type(s, l, member));
		l->name = sym_name(sym.name, member, suffix);
		return true;
	}
	return false;
}

/* Who an object belongs to, for the display name: " of comm[pid]" for an
 * mm_struct or task_struct, " (fstype)" for a super_block. */
static void object_owner(struct kdl_lk *s, const char *type, uint64_t obj, char *buf, size_t len)
{
	const struct kdl_layout_locks *L = s->L;
	const struct kdl_model *m = s->m;

	buf[0] = 0;
	if (!type)
		return;
	if (!strcmp(type, "mm_struct")) {
		int best = -1;

		for (size_t i = 0; i < m->ntasks; i++)
			if (m->tasks[i].mm == obj &&
			    (best < 0 || m->tasks[i].pid == m->tasks[i].tgid))
				best = (int)i;
		if (best >= 0)
			snprintf(buf, len, " of %s[%d]", m->tasks[best].comm, m->tasks[best].tgid);
	} else if (!strcmp(type, "task_struct")) {
		int ti = kdl_lk_task_by_addr(s, obj);

		if (ti >= 0)
			snprintf(buf, len, " of %s[%d]", m->tasks[ti].comm, m->tasks[ti].pid);
	} else if (!strcmp(type, "super_block")) {
		uint64_t st, np;
		char fs[32];

		if (kdl_lk_field(s, obj, &L->sb.s_type, &st) && kdl_lk_kptr(st) &&
		    kdl_lk_field(s, st, &L->fstype.name, &np) && kdl_lk_kptr(np) &&
		    kdl_lk_string(s, np, fs, sizeof(fs)))
			snprintf(buf, len, " (%s)", fs);
	}
}

/* A generic (kmalloc) object has no type in its cache name: take it from a
 * global pointer to the object that the code of its waiters or holders uses
 * ("struct kdl_kobj *kdl_kobj1"). False when there is such a pointer but the
 * type source has no types of globals (BTF). */
static bool type_from_pointer(struct kdl_lk *s, struct kdl_lock *l, int li, uint64_t size,
			      char *stype, size_t slen, char *member, size_t mlen)
{
	char var[128], vt[160];
	size_t n;
	uint64_t tsz = 0;
	struct kdl_error *err;

	if (!kdl_lk_global_pointer_to(s, li, l->object, var, sizeof(var)))
		return true;
	err = kdl_debuginfo_var_type(s->ctx->di, var, vt, sizeof(vt));
	if (err) {
		kdl_error_destroy(err);
		return kdl_debuginfo_has_var_types(s->ctx->di);
	}
	n = strlen(vt);
	while (n && vt[n - 1] == ' ')
		n--;
	if (!n || vt[n - 1] != '*' || strncmp(vt, "struct ", 7))
		return true;
	n--;
	while (n && vt[n - 1] == ' ')
		n--;
	vt[n] = 0;
	err = kdl_debuginfo_type_size(s->ctx->di, vt, &tsz);
	if (err || !tsz || tsz > size) {
		kdl_error_destroy(err);
		return true;
	}
	snprintf(stype, slen, "%s", vt);
	l->type = kdl_strdup(vt + 7);
	member_of(s, stype, l->offset, member, mlen);
	return true;
}

/* Locks that people know by their struct, in objects that come from generic
 * kmalloc caches (super_block is kzalloc'ed): when the lock sits exactly at
 * that member's offset and the struct's size fits the cache, that is the type. */
static bool type_from_well_known(struct kdl_lk *s, struct kdl_lock *l, uint64_t size,
				 char *stype, size_t slen, char *member, size_t mlen)
{
	const struct kdl_layout_locks *L = s->L;

	for (size_t i = 0; i < KDL_LAYOUT_KNOWN_LOCKS; i++) {
		const struct kdl_known_lock *k = &L->known[i];
		uint64_t tsz = k->size;

		if (!k->type || !tsz || !k->lock.ok || tsz > size || tsz <= size / 2 ||
		    k->lock.off != l->offset)
			continue;
		snprintf(stype, slen, "%s", k->type);
		l->type = kdl_strdup(k->type + 7);
		snprintf(member, mlen, "%s", k->member);
		return true;
	}
	return false;
}

/* struct page of a pfn; *map is the start of the page array it lies in
 * (the address of the struct page of pfn 0 in that array's numbering). */
static uint64_t pfn_to_page(struct kdl_lk *s, uint64_t pfn, uint64_t *map)
{
	const struct kdl_layout_locks *L = s->L;
	uint64_t nr = pfn >> (27 - 12), ms, smm, root;   /* x86_64: 128 MiB sections */
	uint64_t per_root = L->mem_section_size ? 4096 / L->mem_section_size : 0;

	if (!L->mem_section_addr || !per_root) {
		*map = L->vmemmap_base;
		return L->vmemmap_base + pfn * L->page.size;
	}
	if (L->mem_section_extreme) {
		if (!kdl_lk_u64(s, L->mem_section_addr, &root) || !kdl_lk_kptr(root) ||
		    !kdl_lk_u64(s, root + 8 * (nr / per_root), &root) || !kdl_lk_kptr(root))
			return 0;
		ms = root + (nr % per_root) * L->mem_section_size;
	} else {
		ms = L->mem_section_addr + nr * L->mem_section_size;
	}
	if (!kdl_lk_u64(s, ms, &smm) || !(smm & 2)) /* SECTION_HAS_MEM_MAP */
		return 0;
	*map = smm & ~0x3fULL;  /* encoded as mem_map - section start pfn */
	return *map + pfn * L->page.size;
}

static bool name_slab(struct kdl_lk *s, struct kdl_lock *l, int li)
{
	const struct kdl_layout_locks *L = s->L;
	const struct kdl_field *sc = L->slab.slab_cache.ok ? &L->slab.slab_cache
							    : &L->page.slab_cache;
	uint64_t a = l->address, pfn, page, head, cache, np, size, osize, pad = 0, base, idx, obj;
	uint64_t flags, map;
	bool well_known = false, typed = true;
	char cname[64], type[64], stype[192], member[256], own[96];

	if (!L->page.size || !sc->ok || !L->kmem_cache.name.ok || !L->kmem_cache.size.ok)
		return false;
	if (a < L->page_offset_base || a - L->page_offset_base >= (1ULL << 46))
		return false;
	pfn = (a - L->page_offset_base) >> 12;
	page = pfn_to_page(s, pfn, &map);
	if (!page)
		return false;
	head = page;
	if (L->page.compound_head.ok && kdl_lk_field(s, page, &L->page.compound_head, &np) &&
	    (np & 1))
		head = np - 1;
	if (head < map || (head - map) % L->page.size)
		return false;
	if (L->pg_slab_bit >= 0 && kdl_lk_field(s, head, &L->page.flags, &flags) &&
	    !(flags & (1ULL << L->pg_slab_bit)))
		return false;
	if (!kdl_lk_field(s, head, sc, &cache) || !kdl_lk_kptr(cache))
		return false;
	if (!kdl_lk_field(s, cache, &L->kmem_cache.size, &size) || size < 8 || size > (1u << 24))
		return false;
	if (!kdl_lk_field(s, cache, &L->kmem_cache.object_size, &osize) || osize > size)
		osize = size;
	kdl_lk_field(s, cache, &L->kmem_cache.red_left_pad, &pad);
	if (pad > size)
		pad = 0;
	if (!kdl_lk_field(s, cache, &L->kmem_cache.name, &np) || !kdl_lk_kptr(np) ||
	    !kdl_lk_string(s, np, cname, sizeof(cname)) || !cname[0])
		return false;
	base = L->page_offset_base + (((head - map) / L->page.size) << 12);
	if (a < base + pad)
		return false;
	idx = (a - base - pad) / size;
	obj = base + pad + idx * size;
	if (a - obj >= osize)
		return false;
	l->cache = kdl_strdup(cname);
	l->object = obj;
	l->offset = a - obj;
	kdl_names_cache_type(cname, type, sizeof(type));
	snprintf(stype, sizeof(stype), "struct %s", type);
	member[0] = 0;
	if (type[0] && s->ctx->di) {
		uint64_t tsz = 0;
		struct kdl_error *err = kdl_debuginfo_type_size(s->ctx->di, stype, &tsz);

		if (!err && tsz && tsz <= size) {
			l->type = kdl_strdup(type);
			member_of(s, stype, l->offset, member, sizeof(member));
		}
		kdl_error_destroy(err);
	}
	if (!member[0] && s->ctx->di)
		typed = type_from_pointer(s, l, li, size, stype, sizeof(stype), member,
					  sizeof(member));
	if (!member[0] && s->ctx->di)
		well_known = type_from_well_known(s, l, size, stype, sizeof(stype), member,
						  sizeof(member));
	if (!member[0])
		snprintf(member, sizeof(member), "+0x%llx", (unsigned long long)l->offset);
	l->member = kdl_strdup(member);
	object_owner(s, l->type, obj, own, sizeof(own));
	if (l->type && !strncmp(cname, "kmalloc", 7) && !well_known)
		/* a generic cache: say both, "kmalloc-64 struct foo.lock" */
		l->name = kdl_lk_printf("%s struct %s.%s @0x%llx%s", cname, l->type, member,
					(unsigned long long)obj, own);
	else
		l->name = kdl_lk_printf("%s%s%s @0x%llx%s%s", l->type ? l->type : cname,
					member[0] == '+' ? "" : ".", member,
					(unsigned long long)obj, own,
					typed || member[0] != '+' ? "" : KDL_NO_VAR_TYPE);
	return true;
}

static void name_work(struct kdl_lk *s, struct kdl_lock *l)
{
	struct kdl_symbol sym;
	uint64_t fn;
	char *old = l->name;

	if (!s->ctx->di || !kdl_lk_field(s, l->address, &s->L->work.func, &fn) ||
	    !kdl_debuginfo_symbol_at(s->ctx->di, fn, &sym) || !sym.is_function)
		return;
	if (l->symbol && !l->member)
		return; /* a static work item: its symbol is its name */
	l->name = kdl_lk_printf("work %s @0x%llx", sym.name, (unsigned long long)l->address);
	free(old);
}

/* The lockdep class name of a lock (its lockdep_map.name), when the kernel
 * has lockdep and the lock kind embeds a map. */
static bool lockdep_class(struct kdl_lk *s, const struct kdl_lock *l, char *buf, size_t len)
{
	const struct kdl_layout_locks *L = s->L;
	const struct kdl_field *dm = NULL;
	uint64_t np;

	switch (l->kind) {
	case KDL_LOCK_MUTEX: dm = &L->mutex.dep_map; break;
	case KDL_LOCK_RWSEM: dm = &L->rwsem.dep_map; break;
	case KDL_LOCK_SPINLOCK: dm = &L->raw_spinlock.dep_map; break;
	case KDL_LOCK_RWLOCK: dm = &L->rwlock.dep_map; break;
	default: return false;
	}
	if (!dm->ok || !L->lockdep_map.name.ok ||
	    !kdl_lk_field(s, l->address + dm->off, &L->lockdep_map.name, &np) || !kdl_lk_kptr(np))
		return false;
	return kdl_lk_string(s, np, buf, len) && buf[0];
}

void kdl_names_fill(struct kdl_lk *s, int li)
{
	struct kdl_lock *l = &s->m->locks[li];
	int st = kdl_lk_stack_of(s, l->address);

	if (l->name)
		return;
	if (st >= 0) {
		l->stack_pid = s->m->tasks[st].pid;
		l->name = kdl_lk_printf("stack of pid %d", l->stack_pid);
	} else if (!name_symbol(s, l) && !name_percpu(s, l) && !name_slab(s, l, li)) {
		char cls[64];

		/* nothing else knows it: lockdep's class name says what it is */
		if (lockdep_class(s, l, cls, sizeof(cls)))
			l->name = kdl_lk_printf("%s @0x%llx (lockdep class %s)",
						kdl_lock_kind_name(l->kind),
						(unsigned long long)l->address, cls);
		else
			l->name = kdl_lk_printf("%s @0x%llx", kdl_lock_kind_name(l->kind),
						(unsigned long long)l->address);
	}
	if (l->kind == KDL_LOCK_WORK)
		name_work(s, l);
	if (!l->name)
		l->name = kdl_strdup("?");
}

struct kdl_error *kdl_names_lock_at(struct kdl_target *t, struct kdl_debuginfo *di,
				    const struct kdl_layout_locks *L, struct kdl_model *m,
				    uint64_t thread_size, uint64_t addr, struct kdl_lock *out)
{
	struct kdl_locks_ctx ctx;
	struct kdl_lk s;
	struct kdl_lock *saved = m->locks;
	size_t nsaved = m->nlocks;
	struct kdl_lock tmp;

	memset(&ctx, 0, sizeof(ctx));
	ctx.target = t;
	ctx.di = di;
	ctx.layout = L;
	memset(&s, 0, sizeof(s));
	s.ctx = &ctx;
	s.m = m;
	s.t = t;
	s.L = L;
	s.tsize = thread_size ? thread_size : 16384;
	s.stacks = calloc(m->ntasks + 1, sizeof(*s.stacks));
	s.taddr = calloc(m->ntasks + 1, sizeof(*s.taddr));
	if (!s.stacks || !s.taddr) {
		free(s.stacks);
		free(s.taddr);
		return kdl_error_create(KDL_ERR_NOMEM, "name 0x%llx: out of memory",
					(unsigned long long)addr);
	}
	for (size_t i = 0; i < m->ntasks; i++) {
		s.taddr[s.ntaddr].addr = m->tasks[i].addr;
		s.taddr[s.ntaddr++].idx = (int)i;
		if (m->tasks[i].stack_base) {
			s.stacks[s.nstacks].lo = m->tasks[i].stack_base;
			s.stacks[s.nstacks].hi = m->tasks[i].stack_base + s.tsize;
			s.stacks[s.nstacks++].task = (int)i;
		}
	}
	kdl_lk_sort(&s);
	/* name it as a one-lock model, then hand the lock back */
	memset(&tmp, 0, sizeof(tmp));
	tmp.address = addr;
	tmp.kind = KDL_LOCK_OTHER;
	tmp.readers = -1;
	tmp.percpu_cpu = -1;
	tmp.stack_pid = -1;
	m->locks = &tmp;
	m->nlocks = 1;
	kdl_names_fill(&s, 0);
	m->locks = saved;
	m->nlocks = nsaved;
	for (size_t i = 0; i < s.nfnvars; i++)
		free(s.fnvars[i].vars);
	free(s.fnvars);
	free(s.stacks);
	free(s.taddr);
	*out = tmp;
	return NULL;
}

void kdl_names_clear(struct kdl_lock *l)
{
	free(l->name);
	free(l->symbol);
	free(l->cache);
	free(l->type);
	free(l->member);
	l->name = l->symbol = l->cache = l->type = l->member = NULL;
}
