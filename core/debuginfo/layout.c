/* core/debuginfo/layout.c - resolve struct kdl_layout from DWARF. */
#include "core/debuginfo/layout.h"

#include <string.h>

#include "core/debuginfo/debuginfo.h"

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

/* The first of two member names that exists. */
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

struct kdl_error *kdl_layout_resolve(struct kdl_debuginfo *di, struct kdl_layout *out)
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
	*out = L;
	return NULL;
}
