/* tests/tools/unwind_dump.c - debug driver for core/unwind: print the backtrace
 * of every D-state task and every CPU of a dump, in the kernel's own format
 * (" func+0x1a/0x40 [module]", "? " for unreliable frames, <IRQ>/<TASK>).
 *
 *   unwind_dump VMCORE VMLINUX [all]
 *   (UNWIND_ORC_MEMORY=1: the vmlinux ORC tables from the dump, not the file)
 *
 * It walks tasks, module symbols and per-CPU stacks itself (minimal, for
 * checking the unwinder before core/kernel exists); not part of kdlview.
 * Build: cc -std=c11 -D_GNU_SOURCE -I. tests/tools/unwind_dump.c build/libkdlcore.a \
 *        $(pkg-config --libs libkdumpfile libdw libelf) -lz -lm
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/layout.h"
#include "core/target/dump.h"
#include "core/unwind/orc.h"
#include "core/unwind/unwind.h"
#include "core/unwind/unwind_priv.h"

#define MAX_REGIONS 8

struct ctx {
	struct kdl_stack_region r[MAX_REGIONS];
	int n;
};

static struct kdl_debuginfo *di;
static struct kdl_target *t;
static uint64_t percpu_off[64];
static int ncpus;
static struct kdl_layout layout;

static void die(struct kdl_error *err)
{
	if (err) {
		fprintf(stderr, "error: %s\n", err->msg);
		exit(1);
	}
}

static uint64_t off(const char *type, const char *member)
{
	uint64_t o = 0;

	die(kdl_debuginfo_member_offset(di, type, member, &o));
	return o;
}

static uint64_t rd(uint64_t addr)
{
	uint64_t v = 0;

	(void)kdl_target_peek_u64(t, addr, &v);
	return v;
}

static uint32_t rd32(uint64_t addr)
{
	uint32_t v = 0;
	struct kdl_error *e = kdl_target_read_u32(t, addr, &v);

	kdl_error_destroy(e);
	return v;
}

static bool classify(void *arg, int cpu, uint64_t addr, struct kdl_stack_region *out)
{
	struct ctx *c = arg;

	(void)cpu;
	for (int i = 0; i < c->n; i++)
		if (addr >= c->r[i].base && addr < c->r[i].base + c->r[i].size) {
			*out = c->r[i];
			return true;
		}
	return false;
}

static void add_region(struct ctx *c, uint64_t base, uint64_t size, enum kdl_ctx k)
{
	if (c->n < MAX_REGIONS && base)
		c->r[c->n++] = (struct kdl_stack_region){ base, size, k };
}

static void cpu_regions(struct ctx *c, int cpu)
{
	uint64_t sym, p;

	if (cpu < 0 || cpu >= ncpus)
		return;
	if (kdl_debuginfo_symbol_addr(di, "hardirq_stack_ptr", &sym)) {
		p = rd(sym + percpu_off[cpu]);
		if (p)
			add_region(c, p + 8 - 16384, 16384, KDL_CTX_IRQ);
	} else if (kdl_debuginfo_symbol_addr(di, "pcpu_hot", &sym)) {
		p = rd(sym + percpu_off[cpu] + off("struct pcpu_hot", "hardirq_stack_ptr"));
		if (p)
			add_region(c, p + 8 - 16384, 16384, KDL_CTX_IRQ);
	}
	if (kdl_debuginfo_symbol_addr(di, "cea_exception_stacks", &sym)) {
		static const char *const names[] = { "DF_stack", "NMI_stack", "DB_stack", "MCE_stack" };
		uint64_t base = rd(sym + percpu_off[cpu]);

		for (int i = 0; base && i < 4; i++) {
			uint64_t o, sz = 0;
			struct kdl_error *e = kdl_debuginfo_member_offset(di, "struct cea_exception_stacks",
									  names[i], &o);
			if (!e)
				e = kdl_debuginfo_member_size(di, "struct cea_exception_stacks", names[i], &sz);
			if (e) {
				kdl_error_destroy(e);
				continue;
			}
			add_region(c, base + o, sz, i == 1 ? KDL_CTX_NMI : KDL_CTX_EXCEPTION);
		}
	}
}

static void load_module_symbols(void)
{
	uint64_t head, node, o_list = off("struct module", "list");
	uint64_t o_name = off("struct module", "name"), o_ks = off("struct module", "kallsyms");
	int guard = 0;

	if (!kdl_debuginfo_symbol_addr(di, "modules", &head))
		return;
	for (node = rd(head); node && node != head && guard++ < 512; node = rd(node)) {
		uint64_t mod = node - o_list, ks = rd(mod + o_ks), symtab, strtab;
		uint32_t n;
		char name[57] = "";

		(void)kdl_target_read(t, mod + o_name, name, 56);
		if (!ks)
			continue;
		symtab = rd(ks);
		n = rd32(ks + 8);
		strtab = rd(ks + 16);
		for (uint32_t i = 0; i < n && i < 100000; i++) {
			Elf64_Sym s;
			char sname[128] = "";

			if (kdl_target_read(t, symtab + i * sizeof(s), &s, sizeof(s)))
				continue;
			if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || !s.st_value)
				continue;
			(void)kdl_target_read(t, strtab + s.st_name, sname, sizeof(sname) - 1);
			die(kdl_debuginfo_add_symbol(di, name, sname, s.st_value, s.st_size, true));
		}
	}
}

static const char *ctxname(enum kdl_ctx c)
{
	static const char *const n[] = { "TASK", "IRQ", "SOFTIRQ", "NMI", "EXCEPTION", "USER" };
	return n[c];
}

static void print_frames(const struct kdl_frame *f, size_t n, enum kdl_quality q)
{
	int cur = -1;

	for (size_t i = 0; i < n; i++) {
		struct kdl_symbol s;

		if ((int)f[i].context != cur) {
			if (cur >= 0)
				printf(" </%s>\n", ctxname(cur));
			cur = f[i].context;
			printf(" <%s>\n", ctxname(cur));
		}
		if (f[i].context == KDL_CTX_USER) {
			printf(" USER pc=0x%" PRIx64 " sp=0x%" PRIx64 "\n", f[i].pc, f[i].sp);
			continue;
		}
		memset(&s, 0, sizeof(s));
		if (f[i].function && kdl_debuginfo_symbol_at(di, f[i].pc - f[i].offset, &s))
			printf(" %s%s+0x%" PRIx64 "/0x%" PRIx64 "%s%s%s\n", f[i].reliable ? "" : "? ",
			       f[i].function, f[i].offset, s.size, f[i].module ? " [" : "",
			       f[i].module ? f[i].module : "", f[i].module ? "]" : "");
		else
			printf(" %s0x%" PRIx64 "\n", f[i].reliable ? "" : "? ", f[i].pc);
	}
	if (cur >= 0)
		printf(" </%s>\n", ctxname(cur));
	printf(" quality=%d frames=%zu\n", q, n);
}

int main(int argc, char **argv)
{
	struct kdl_dump *d;
	struct kdl_unwinder *u;
	struct ctx c;
	const char *ko;
	uint64_t init_task, o_tasks, o_thread_node, o_thread_head, o_signal, o_pid, o_comm,
		o_state, o_stack, o_sp, o_cpu, o_on_cpu, pcpu, cur_sym = 0, cur_off = 0;
	bool all = argc > 3 && !strcmp(argv[3], "all");
	int guard = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: unwind_dump VMCORE VMLINUX [all]\n");
		return 2;
	}
	die(kdl_debuginfo_open(argv[2], &di));
	die(kdl_dump_open(argv[1], "x86_64", &d));
	t = kdl_dump_target(d);
	ko = kdl_dump_vmcoreinfo(d, "KERNELOFFSET");
	if (ko)
		kdl_debuginfo_set_kaslr(di, strtoull(ko, NULL, 16));
	ncpus = kdl_dump_cpus(d);
	if (ncpus > 64)
		ncpus = 64;
	if (!kdl_debuginfo_symbol_addr(di, "__per_cpu_offset", &pcpu))
		die(kdl_error_create(KDL_ERR_NOTFOUND, "__per_cpu_offset"));
	for (int i = 0; i < ncpus; i++)
		percpu_off[i] = rd(pcpu + 8 * i);
	load_module_symbols();
	if (kdl_debuginfo_symbol_addr(di, "current_task", &cur_sym))
		cur_off = 0;
	else if (kdl_debuginfo_symbol_addr(di, "pcpu_hot", &cur_sym))
		cur_off = off("struct pcpu_hot", "current_task");

	memset(&c, 0, sizeof(c));
	die(kdl_layout_resolve(di, t, &layout));
	if (getenv("UNWIND_ORC_MEMORY")) {
		/* the vmlinux ORC tables from the dump's memory, not the file */
		struct kdl_orc *orc = NULL;

		die(kdl_orc_load_memory(t, di, &layout, &orc));
		if (!orc)
			die(kdl_error_create(KDL_ERR_NOTFOUND, "no ORC tables in memory"));
		die(kdl_unwinder_create_orc(t, di, &layout, orc, classify, &c, &u));
	} else {
		die(kdl_unwinder_create(t, di, &layout, classify, &c, &u));
	}
	if (!kdl_debuginfo_symbol_addr(di, "init_task", &init_task))
		die(kdl_error_create(KDL_ERR_NOTFOUND, "init_task"));
	o_tasks = off("struct task_struct", "tasks");
	o_thread_node = off("struct task_struct", "thread_node");
	o_signal = off("struct task_struct", "signal");
	o_thread_head = off("struct signal_struct", "thread_head");
	o_pid = off("struct task_struct", "pid");
	o_comm = off("struct task_struct", "comm");
	o_state = kdl_debuginfo_has_member(di, "struct task_struct", "__state") ?
		off("struct task_struct", "__state") : off("struct task_struct", "state");
	o_stack = off("struct task_struct", "stack");
	o_sp = off("struct task_struct", "thread.sp");
	o_cpu = kdl_debuginfo_has_member(di, "struct task_struct", "cpu") ?
		off("struct task_struct", "cpu") : off("struct task_struct", "thread_info.cpu");
	o_on_cpu = off("struct task_struct", "on_cpu");

	for (uint64_t leader = init_task; guard++ < 100000;) {
		uint64_t head = rd(leader + o_signal) + o_thread_head, node;
		int g2 = 0;

		for (node = rd(head); node && node != head && g2++ < 10000; node = rd(node)) {
			uint64_t task = node - o_thread_node;
			uint32_t state = rd32(task + o_state), cpu = rd32(task + o_cpu);
			uint32_t pid = rd32(task + o_pid), on_cpu = rd32(task + o_on_cpu);
			char comm[17] = "";
			struct kdl_frame *f = NULL;
			size_t n = 0;
			enum kdl_quality q;
			struct kdl_error *err;

			(void)kdl_target_read(t, task + o_comm, comm, 16);
			if (on_cpu || (!all && !(state & 2)) || (state & 0x400 /* TASK_NOLOAD: idle */))
				continue;
			c.n = 0;
			add_region(&c, rd(task + o_stack), 16384, KDL_CTX_TASK);
			cpu_regions(&c, (int)cpu);
			printf("task:%-15s pid:%-5u state:0x%x cpu:%u\n", comm, pid, state, cpu);
			err = kdl_unwind_sleeping(u, (int)cpu, rd(task + o_sp), &f, &n, &q);
			if (err) {
				printf(" error: %s\n", err->msg);
				kdl_error_destroy(err);
				continue;
			}
			print_frames(f, n, q);
			free(f);
		}
		leader = rd(leader + o_tasks) - o_tasks;
		if (leader == init_task)
			break;
	}
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct kdl_regs regs;
		struct kdl_frame *f = NULL;
		size_t n = 0;
		enum kdl_quality q;
		uint64_t cur = cur_sym ? rd(cur_sym + cur_off + percpu_off[cpu]) : 0;
		char comm[17] = "";
		struct kdl_error *err;

		if (!kdl_dump_cpu_regs(d, cpu, &regs, NULL))
			continue;
		c.n = 0;
		if (cur) {
			add_region(&c, rd(cur + o_stack), 16384, KDL_CTX_TASK);
			(void)kdl_target_read(t, cur + o_comm, comm, 16);
		}
		cpu_regions(&c, cpu);
		printf("cpu:%d pid:%u comm:%s rip:0x%" PRIx64 " rsp:0x%" PRIx64 "\n", cpu,
		       cur ? rd32(cur + o_pid) : 0, comm, regs.ip, regs.sp);
		err = kdl_unwind_regs(u, cpu, &regs, &f, &n, &q);
		if (err) {
			printf(" error: %s\n", err->msg);
			kdl_error_destroy(err);
			continue;
		}
		print_frames(f, n, q);
		free(f);
	}
	kdl_unwinder_destroy(u);
	kdl_dump_destroy(d);
	kdl_debuginfo_destroy(di);
	return 0;
}
