/* core/debuginfo/layout.c - resolve the one layout table (struct kdl_layout) from DWARF. */
#include "core/debuginfo/layout.h"

#include <string.h>

#include "core/debuginfo/debuginfo.h"
#include "core/target/target.h"

/* A member of a type ("struct x", or "var name" for a global's own type),
 * possibly nested ("a.b", "a[0].b"); absent (all zero) when the DWARF lacks
 * it. Its size is 0 when DWARF gives none (the lookup fails only with the
 * offset's). */
static void field(struct kdl_debuginfo *di, const char *type, const char *member,
		  struct kdl_field *f)
{
	uint64_t off = 0, size = 0;
	struct kdl_error *err = kdl_debuginfo_member_offset(di, type, member, &off);

	if (!err)
		err = kdl_debuginfo_member_size(di, type, member, &size);
	if (err) {
		kdl_error_destroy(err);
		memset(f, 0, sizeof(*f));
		return;
	}
	f->off = (uint32_t)off;
	f->size = (uint32_t)size;
	f->ok = true;
}

/* The first of two spellings that exists (a member renamed across versions). */
static void field2(struct kdl_debuginfo *di, const char *type, const char *m1, const char *m2,
		   struct kdl_field *f)
{
	field(di, type, m1, f);
	if (!f->ok && m2)
		field(di, type, m2, f);
}

static uint32_t tsize(struct kdl_debuginfo *di, const char *type)
{
	uint64_t size = 0;
	struct kdl_error *err = kdl_debuginfo_type_size(di, type, &size);

	kdl_error_destroy(err);
	return err ? 0 : (uint32_t)size;
}

static uint64_t sym(struct kdl_debuginfo *di, const char *name)
{
	uint64_t a = 0;

	return kdl_debuginfo_symbol_addr(di, name, &a) ? a : 0;
}

/* A per-CPU variable that moved into struct pcpu_hot in 6.2+. */
static uint64_t pcpu_sym(struct kdl_debuginfo *di, const char *name)
{
	uint64_t a = sym(di, name), hot, off;
	struct kdl_error *err;

	if (a)
		return a;
	hot = sym(di, "pcpu_hot");
	if (!hot)
		return 0;
	err = kdl_debuginfo_member_offset(di, "struct pcpu_hot", name, &off);
	if (err) {
		kdl_error_destroy(err);
		return 0;
	}
	return hot + off;
}

static void resolve_prb(struct kdl_debuginfo *di, struct kdl_layout *L)
{
	const char *rb = "struct printk_ringbuffer", *dr = "struct prb_desc_ring",
		   *tr = "struct prb_data_ring";

	field(di, rb, "desc_ring", &L->prb.desc_ring);
	field(di, rb, "text_data_ring", &L->prb.text_data_ring);
	field(di, dr, "count_bits", &L->prb.dr_count_bits);
	field(di, dr, "descs", &L->prb.dr_descs);
	field(di, dr, "infos", &L->prb.dr_infos);
	field(di, dr, "head_id", &L->prb.dr_head_id);
	field(di, dr, "tail_id", &L->prb.dr_tail_id);
	field(di, tr, "size_bits", &L->prb.tr_size_bits);
	field(di, tr, "data", &L->prb.tr_data);
	field(di, tr, "head_lpos", &L->prb.tr_head_lpos);
	field(di, tr, "tail_lpos", &L->prb.tr_tail_lpos);
	L->prb.desc_size = tsize(di, "struct prb_desc");
	L->prb.info_size = tsize(di, "struct printk_info");
	field(di, "struct prb_desc", "state_var", &L->prb.desc_state_var);
	field(di, "struct prb_desc", "text_blk_lpos", &L->prb.desc_text_blk_lpos);
	field(di, "struct prb_data_blk_lpos", "begin", &L->prb.blk_begin);
	field(di, "struct prb_data_blk_lpos", "next", &L->prb.blk_next);
	field(di, "struct printk_info", "seq", &L->prb.info_seq);
	field(di, "struct printk_info", "ts_nsec", &L->prb.info_ts_nsec);
	field(di, "struct printk_info", "text_len", &L->prb.info_text_len);
	field(di, "struct printk_info", "caller_id", &L->prb.info_caller_id);
	field(di, "struct prb_data_block", "data", &L->prb.blk_id_off);
	L->prb.ok = L->prb.desc_ring.ok && L->prb.text_data_ring.ok && L->prb.dr_descs.ok &&
		    L->prb.dr_infos.ok && L->prb.tr_data.ok && L->prb.desc_size &&
		    L->prb.info_size && L->prb.info_text_len.ok && L->prb.blk_begin.ok;
}

static void resolve_estacks(struct kdl_debuginfo *di, struct kdl_layout *L)
{
	const char *t = "struct cea_exception_stacks";
	struct kdl_field df, nmi, db, mce;

	field(di, t, "DF_stack", &df);
	field(di, t, "NMI_stack", &nmi);
	field(di, t, "DB_stack", &db);
	field(di, t, "MCE_stack", &mce);
	L->estacks.ok = df.ok && nmi.ok && db.ok && mce.ok && df.size;
	L->estacks.df = df.off;
	L->estacks.nmi = nmi.off;
	L->estacks.db = db.off;
	L->estacks.mce = mce.off;
	L->estacks.stksz = df.size;
}

/* struct module and its parts: module list, kallsyms, sysfs sections, ORC. */
static void resolve_modules(struct kdl_debuginfo *di, struct kdl_layout *L)
{
	const char *m = "struct module", *ks = "struct mod_kallsyms";

	field(di, m, "list", &L->module.list);
	field(di, m, "name", &L->module.name);
	field(di, m, "kallsyms", &L->module.kallsyms);
	field(di, m, "sect_attrs", &L->module.sect_attrs);
	field(di, m, "arch.orc_unwind_ip", &L->module.orc_unwind_ip);
	field(di, m, "arch.orc_unwind", &L->module.orc_unwind);
	field(di, m, "arch.num_orcs", &L->module.num_orcs);
	field(di, m, "mem", &L->module.mem);
	field(di, m, "mem[0].base", &L->module.mem_text_base);
	field(di, m, "mem[0].size", &L->module.mem_text_size);
	field(di, m, "core_layout.base", &L->module.core_base);
	field(di, m, "core_layout.text_size", &L->module.core_text_size);
	field(di, ks, "symtab", &L->mod_kallsyms.symtab);
	field(di, ks, "num_symtab", &L->mod_kallsyms.num_symtab);
	field(di, ks, "strtab", &L->mod_kallsyms.strtab);
	field(di, ks, "typetab", &L->mod_kallsyms.typetab);
	field(di, "struct module_sect_attrs", "nsections", &L->sect_attrs.nsections);
	field(di, "struct module_sect_attrs", "attrs", &L->sect_attrs.attrs);
	field(di, "struct module_sect_attr", "address", &L->sect_attr.address);
	field(di, "struct module_sect_attr", "battr.attr.name", &L->sect_attr.name);
	L->sect_attr.size = tsize(di, "struct module_sect_attr");
}

/* What the unwinder and the kernel's identity read. */
static void resolve_misc(struct kdl_debuginfo *di, struct kdl_layout *L)
{
	const char *itf = "struct inactive_task_frame", *uts = "struct uts_namespace";

	field(di, itf, "bp", &L->unwind.itf_bp);
	field(di, itf, "ret_addr", &L->unwind.itf_ret);
	L->unwind.itf_size = tsize(di, itf);
	L->unwind.pt_regs_size = tsize(di, "struct pt_regs");
	field(di, uts, "name.sysname", &L->uts.sysname);
	field(di, uts, "name.nodename", &L->uts.nodename);
	field(di, uts, "name.release", &L->uts.release);
	field(di, uts, "name.version", &L->uts.version);
	field(di, uts, "name.machine", &L->uts.machine);
	field(di, uts, "name.domainname", &L->uts.domainname);
}

/* The lock part: a kernel without struct mutex leaves it unresolved. */
static void resolve_locks(struct kdl_debuginfo *di, struct kdl_target *t,
			  struct kdl_layout_locks *out)
{
	struct kdl_layout_locks L;
	const char *rtm;
	int64_t v;
	uint64_t a;
	struct kdl_error *err;

	memset(&L, 0, sizeof(L));
	L.mutex.size = tsize(di, "struct mutex");
	if (!L.mutex.size) {
		*out = L;
		return;
	}

	field(di, "struct mutex", "owner", &L.mutex.owner);
	field(di, "struct mutex", "count", &L.mutex.count);
	field(di, "struct mutex", "wait_list", &L.mutex.wait_list);
	field(di, "struct mutex", "dep_map", &L.mutex.dep_map);
	field(di, "struct mutex", "rtmutex", &L.mutex.rtmutex);
	field(di, "struct mutex", "magic", &L.mutex.magic);
	L.preempt_rt = L.mutex.rtmutex.ok;
	L.mutex_owner_atomic = !L.mutex.count.ok;
	field(di, "struct mutex_waiter", "list", &L.mutex_waiter.list);
	field(di, "struct mutex_waiter", "task", &L.mutex_waiter.task);

	L.rwsem.size = tsize(di, "struct rw_semaphore");
	field(di, "struct rw_semaphore", "count", &L.rwsem.count);
	field(di, "struct rw_semaphore", "owner", &L.rwsem.owner);
	field(di, "struct rw_semaphore", "wait_list", &L.rwsem.wait_list);
	field(di, "struct rw_semaphore", "dep_map", &L.rwsem.dep_map);
	field(di, "struct rw_semaphore", "rwbase", &L.rwsem.rwbase);
	field(di, "struct rwbase_rt", "readers", &L.rwbase_rt.readers);
	field(di, "struct rwbase_rt", "rtmutex", &L.rwbase_rt.rtmutex);
	if (L.rwsem.rwbase.ok)
		L.rwsem_style = KDL_RWSEM_RT;
	else if (kdl_debuginfo_has_member(di, "struct rw_semaphore", "owner.counter"))
		L.rwsem_style = KDL_RWSEM_ATOMIC;
	else
		L.rwsem_style = KDL_RWSEM_XADD;
	field(di, "struct rwsem_waiter", "list", &L.rwsem_waiter.list);
	field(di, "struct rwsem_waiter", "task", &L.rwsem_waiter.task);
	field(di, "struct rwsem_waiter", "type", &L.rwsem_waiter.type);

	field(di, "struct semaphore", "count", &L.semaphore.count);
	field(di, "struct semaphore", "wait_list", &L.semaphore.wait_list);
	field(di, "struct semaphore_waiter", "list", &L.semaphore_waiter.list);
	field(di, "struct semaphore_waiter", "task", &L.semaphore_waiter.task);

	rtm = tsize(di, "struct rt_mutex_base") ? "struct rt_mutex_base" : "struct rt_mutex";
	field(di, rtm, "owner", &L.rt_mutex.owner);
	field(di, rtm, "waiters", &L.rt_mutex.waiters);
	field(di, "struct rt_mutex_waiter", "task", &L.rt_mutex_waiter.task);
	field(di, "struct rt_mutex_waiter", "lock", &L.rt_mutex_waiter.lock);

	field(di, "struct completion", "done", &L.completion.done);
	field(di, "struct completion", "wait", &L.completion.wait);
	L.completion_swait = tsize(di, "struct swait_queue_head") != 0 &&
			     kdl_debuginfo_has_member(di, "struct completion", "wait.task_list");
	field(di, "struct swait_queue_head", "task_list", &L.swait_head.task_list);
	field(di, "struct swait_queue", "task", &L.swait.task);
	field(di, "struct swait_queue", "task_list", &L.swait.task_list);
	field2(di, "struct wait_queue_head", "head", "task_list", &L.wq_head.head);
	field(di, "struct wait_queue_entry", "private", &L.wq_entry.private_);
	field(di, "struct wait_queue_entry", "func", &L.wq_entry.func);
	field(di, "struct wait_queue_entry", "entry", &L.wq_entry.entry);

	field(di, "struct work_struct", "data", &L.work.data);
	field(di, "struct work_struct", "entry", &L.work.entry);
	field(di, "struct work_struct", "func", &L.work.func);
	field(di, "struct wq_barrier", "work", &L.wq_barrier.work);
	field(di, "struct wq_barrier", "done", &L.wq_barrier.done);
	field(di, "struct wq_barrier", "task", &L.wq_barrier.task);
	field(di, "struct worker", "current_work", &L.worker.current_work);
	field(di, "struct worker", "current_func", &L.worker.current_func);
	field(di, "struct worker", "scheduled", &L.worker.scheduled);
	field(di, "struct worker", "task", &L.worker.task);
	field(di, "struct kthread", "data", &L.kthread.data);

	field(di, "struct percpu_rw_semaphore", "waiters", &L.percpu_rwsem.waiters);
	field(di, "struct percpu_rw_semaphore", "writer", &L.percpu_rwsem.writer);
	field(di, "struct percpu_rw_semaphore", "block", &L.percpu_rwsem.block);
	field(di, "struct rcuwait", "task", &L.rcuwait.task);

	field(di, "struct raw_spinlock", "raw_lock", &L.raw_spinlock.raw_lock);
	field(di, "struct raw_spinlock", "magic", &L.raw_spinlock.magic);
	field(di, "struct raw_spinlock", "owner", &L.raw_spinlock.owner);
	field(di, "struct raw_spinlock", "owner_cpu", &L.raw_spinlock.owner_cpu);
	field(di, "struct raw_spinlock", "dep_map", &L.raw_spinlock.dep_map);
	field(di, "rwlock_t", "raw_lock", &L.rwlock.raw_lock);
	field(di, "rwlock_t", "magic", &L.rwlock.magic);
	field(di, "rwlock_t", "owner", &L.rwlock.owner);
	field(di, "rwlock_t", "owner_cpu", &L.rwlock.owner_cpu);
	field(di, "rwlock_t", "dep_map", &L.rwlock.dep_map);
	field(di, "struct qrwlock", "cnts", &L.qrwlock.cnts);
	field(di, "struct qrwlock", "wait_lock", &L.qrwlock.wait_lock);

	field2(di, "struct task_struct", "__state", "state", &L.task.state);
	field(di, "struct task_struct", "pi_blocked_on", &L.task.pi_blocked_on);
	field(di, "struct task_struct", "blocked_on", &L.task.blocked_on);
	field(di, "struct task_struct", "blocker", &L.task.blocker);
	field(di, "struct task_struct", "blocker_mutex", &L.task.blocker_mutex);
	field(di, "struct task_struct", "held_locks", &L.task.held_locks);
	field(di, "struct task_struct", "lockdep_depth", &L.task.lockdep_depth);
	field(di, "struct task_struct", "mm", &L.task.mm);
	field(di, "struct task_struct", "stack", &L.task.stack);
	field(di, "struct task_struct", "worker_private", &L.task.worker_private);
	field(di, "struct task_struct", "flags", &L.task.flags);
	field(di, "struct task_struct", "exit_state", &L.task.exit_state);
	field(di, "struct task_struct", "pid", &L.task.pid);
	field(di, "struct task_struct", "comm", &L.task.comm);
	L.held_lock.size = tsize(di, "struct held_lock");
	field(di, "struct held_lock", "instance", &L.held_lock.instance);
	field(di, "struct held_lock", "class_idx", &L.held_lock.class_idx);
	field(di, "struct lockdep_map", "name", &L.lockdep_map.name);
	field(di, "struct lockdep_map", "wait_type_inner", &L.lockdep_map.wait_type_inner);
	L.ld_wait_spin = L.ld_wait_config = L.ld_wait_sleep = -1;
	if (!(err = kdl_debuginfo_enum_value(di, "LD_WAIT_SPIN", &v)))
		L.ld_wait_spin = v;
	kdl_error_destroy(err);
	if (!(err = kdl_debuginfo_enum_value(di, "LD_WAIT_CONFIG", &v)))
		L.ld_wait_config = v;
	kdl_error_destroy(err);
	if (!(err = kdl_debuginfo_enum_value(di, "LD_WAIT_SLEEP", &v)))
		L.ld_wait_sleep = v;
	kdl_error_destroy(err);

	field2(di, "struct mm_struct", "mmap_lock", "mmap_sem", &L.mm.mmap_lock);
	field(di, "struct super_block", "s_umount", &L.sb.s_umount);
	field(di, "struct super_block", "s_type", &L.sb.s_type);
	field(di, "struct super_block", "s_id", &L.sb.s_id);
	field(di, "struct file_system_type", "name", &L.fstype.name);
	static const struct { const char *type, *member; } known[KDL_LAYOUT_KNOWN_LOCKS] = {
		{ "struct super_block", "s_umount" },
		{ "struct super_block", "s_vfs_rename_mutex" },
		{ "struct cgroup_root", "cgrp.pidlist_mutex" },
		{ "struct request_queue", "sysfs_lock" },
		{ "struct gendisk", "open_mutex" },
	};
	for (size_t i = 0; i < KDL_LAYOUT_KNOWN_LOCKS; i++) {
		L.known[i].type = known[i].type;
		L.known[i].member = known[i].member;
		L.known[i].size = tsize(di, known[i].type);
		if (L.known[i].size)
			field(di, known[i].type, known[i].member, &L.known[i].lock);
	}

	L.page.size = tsize(di, "struct page");
	field(di, "struct page", "flags", &L.page.flags);
	field(di, "struct page", "compound_head", &L.page.compound_head);
	field(di, "struct page", "slab_cache", &L.page.slab_cache);
	field(di, "struct slab", "slab_cache", &L.slab.slab_cache);
	field(di, "struct kmem_cache", "name", &L.kmem_cache.name);
	field(di, "struct kmem_cache", "size", &L.kmem_cache.size);
	field(di, "struct kmem_cache", "object_size", &L.kmem_cache.object_size);
	field(di, "struct kmem_cache", "red_left_pad", &L.kmem_cache.red_left_pad);

	L.debug_locks_addr = sym(di, "debug_locks");
	L.per_cpu_offset_addr = sym(di, "__per_cpu_offset");
	L.per_cpu_start = sym(di, "__per_cpu_start");
	L.per_cpu_end = sym(di, "__per_cpu_end");
	/* Without KASLR of the memory layout these are constants. */
	L.page_offset_base = 0xffff888000000000ULL;
	L.vmemmap_base = 0xffffea0000000000ULL;
	if (t && (a = sym(di, "page_offset_base")))
		kdl_target_peek_u64(t, a, &L.page_offset_base);
	if (t && (a = sym(di, "vmemmap_base")))
		kdl_target_peek_u64(t, a, &L.vmemmap_base);
	{
		struct kdl_symbol ms;

		L.mem_section_size = tsize(di, "struct mem_section");
		if (L.mem_section_size && kdl_debuginfo_symbol_addr(di, "mem_section", &a) &&
		    kdl_debuginfo_symbol_at(di, a, &ms)) {
			L.mem_section_addr = a;
			L.mem_section_extreme = ms.size == 8;
		}
	}
	L.pg_slab_bit = -1;
	err = kdl_debuginfo_enum_value(di, "PG_slab", &v);
	if (!err)
		L.pg_slab_bit = v;
	kdl_error_destroy(err);

	L.resolved = true;
	*out = L;
}

struct kdl_error *kdl_layout_resolve(struct kdl_debuginfo *di, struct kdl_target *t,
				     struct kdl_layout *out)
{
	const char *ts = "struct task_struct";
	struct kdl_layout L;

	memset(&L, 0, sizeof(L));
	L.task.size = tsize(di, ts);
	L.init_task = sym(di, "init_task");
	if (!L.task.size || !L.init_task)
		return kdl_error_create(KDL_ERR_VMLINUX, "no struct task_struct or init_task in "
					"the debug info");
	field(di, ts, "__state", &L.task.state);
	L.task.state_is_new = L.task.state.ok;
	if (!L.task.state.ok)
		field(di, ts, "state", &L.task.state);
	field(di, ts, "exit_state", &L.task.exit_state);
	field(di, ts, "flags", &L.task.flags);
	field(di, ts, "on_cpu", &L.task.on_cpu);
	field2(di, ts, "thread_info.cpu", "cpu", &L.task.cpu);
	field(di, ts, "pid", &L.task.pid);
	field(di, ts, "tgid", &L.task.tgid);
	field(di, ts, "real_parent", &L.task.real_parent);
	field(di, ts, "comm", &L.task.comm);
	field(di, ts, "mm", &L.task.mm);
	field(di, ts, "stack", &L.task.stack);
	field(di, ts, "thread.sp", &L.task.thread_sp);
	field(di, ts, "tasks", &L.task.tasks);
	field(di, ts, "thread_group", &L.task.thread_group);
	field(di, ts, "signal", &L.task.signal);
	field(di, ts, "thread_node", &L.task.thread_node);
	field(di, ts, "sched_info.last_arrival", &L.task.last_arrival);
	field(di, ts, "last_switch_time", &L.task.last_switch_time);
	field(di, ts, "se.exec_start", &L.task.se_exec_start);
	field(di, "struct signal_struct", "thread_head", &L.signal.thread_head);
	if (!L.task.state.ok || !L.task.pid.ok || !L.task.tasks.ok || !L.task.comm.ok)
		return kdl_error_create(KDL_ERR_VMLINUX, "struct task_struct lacks state, pid, "
					"tasks or comm in the debug info");

	field(di, "struct rq", "clock", &L.rq.clock);
	field(di, "struct rq", "clock_task", &L.rq.clock_task);
	field(di, "struct rq", "curr", &L.rq.curr);
	field(di, "struct rq", "idle", &L.rq.idle);
	field(di, "struct rq", "cpu", &L.rq.cpu);
	resolve_estacks(di, &L);
	resolve_prb(di, &L);
	field(di, "var tk_core", "timekeeper.xtime_sec", &L.tk_xtime_sec);
	resolve_modules(di, &L);
	resolve_misc(di, &L);

	L.thread_size = tsize(di, "union thread_union");
	if (!L.thread_size)
		L.thread_size = 16384;
	L.irq_stack_size = tsize(di, "struct irq_stack");
	if (!L.irq_stack_size)
		L.irq_stack_size = L.thread_size;

	L.per_cpu_offset = sym(di, "__per_cpu_offset");
	L.runqueues = sym(di, "runqueues");
	L.nr_cpu_ids = sym(di, "nr_cpu_ids");
	L.cpu_online_mask = sym(di, "__cpu_online_mask");
	L.pcpu_current_task = pcpu_sym(di, "current_task");
	L.pcpu_hardirq_stack_ptr = pcpu_sym(di, "hardirq_stack_ptr");
	L.pcpu_irq_count = pcpu_sym(di, "irq_count");
	L.pcpu_cea_exception_stacks = sym(di, "cea_exception_stacks");
	L.prb_ptr = sym(di, "prb");
	L.tk_core = sym(di, "tk_core");
	L.jiffies = sym(di, "jiffies_64");
	if (!L.jiffies)
		L.jiffies = sym(di, "jiffies");
	L.modules = sym(di, "modules");
	resolve_locks(di, t, &L.lk);
	*out = L;
	return NULL;
}
