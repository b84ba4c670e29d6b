/* core/debuginfo on the 6.1-orc sample vmlinux (and its kdl_scen.ko): opening,
 * OSRELEASE and build-id, symbols both ways with and without a KASLR shift,
 * module symbols, type sizes, member offsets and sizes, member paths,
 * enumerators, variable types, line info with inlined callers, module DWARF,
 * and absent names answering NOTFOUND (twice: the answer is cached).
 *
 * Every expected value below is a fact read from the sample files with tools
 * other than kdlview (GNU gdb 13 / binutils 2.40 of Debian 12, packages gdb
 * and binutils), on build/samples/6.1-orc/vmlinux unless said otherwise:
 *   readelf -sW vmlinux     schedule   ffffffff81209a27 size 148 FUNC GLOBAL
 *                           __schedule ffffffff81209560 size 1223 FUNC LOCAL
 *                           init_task  ffffffff81a0f600 size 6592 OBJECT
 *                           current_task 1ac00 size 8 OBJECT (per-CPU)
 *   readelf -n vmlinux      Build ID 11e25d096256cab4c561a5a4d8d0d6bb0f562fce
 *   readelf -SW vmlinux     .orc_unwind at ffffffff81b0cf3c, size 0x68226
 *   gdb 'print linux_banner' "Linux version 6.1.192 (root@vm) ..."
 *   gdb 'ptype/o struct mutex'        size 32; owner 0 (8), wait_lock 8 (4),
 *                                     osq 12, wait_list 16 (next 16, prev 24)
 *   gdb 'ptype/o raw_spinlock_t', 'ptype/o arch_spinlock_t', 'ptype atomic_t':
 *       raw_lock at 0 is a qspinlock whose first member is an anonymous union
 *       starting with `atomic_t val` = struct { int counter; }
 *   gdb 'ptype/o struct rw_semaphore' size 40; owner 8 (atomic_long_t =
 *                                     struct { s64 counter; }), wait_list 24
 *   gdb 'print sizeof(struct task_struct)' 6592; &->pid 0x4b0; &->comm 0x610
 *       (char [16]); &->thread.sp 0x898; &->se.sum_exec_runtime 0xc8 (u64)
 *   gdb 'print sizeof(struct rq)' 2944; 'print sizeof(struct rcu_node)' 640;
 *       '&((struct rcu_state*)0)->node[0].boost_mtx' 0xb0;
 *       'ptype/o struct rt_mutex': rtmutex.owner at 24 of 32
 *   gdb 'print sizeof(spinlock_t)' 4
 *   gdb 'print (char*)&tk_core.timekeeper.xtime_sec - (char*)&tk_core' 120
 *       (8 bytes); tk_core.seq at 0, sizeof 4 (seqcount_raw_spinlock_t);
 *       tk_core's type is an anonymous struct
 *   gdb 'print (int)PIDTYPE_SID' 3; '(int)PIDTYPE_MAX' 4;
 *       '(int)TASK_COMM_LEN' 16
 *   gdb 'print (long long)X' and llvm-dwarfdump --name=X --show-form (the
 *   form each enumerator's DW_AT_const_value is stored in):
 *       CPUHP_ONLINE 236 (data1 0xec; enum cpuhp_state is a signed int),
 *       FAULT_FLAG_REMOTE 128 (data1 0x80), MEM_UNINIT 32768 (data2 0x8000),
 *       NVME_CC_SHN_MASK 49152 (data2 0xc000), BIAS 2147483648 (data4
 *       0x80000000), PERF_TXN_ABORT_MASK -4294967296 (data8
 *       0xffffffff00000000, 'print/x' says so), CPUHP_INVALID -1 (sdata),
 *       HIGHPRI_NICE_LEVEL -20 (implicit_const)
 *   gdb 'whatis init_task' struct task_struct; 'whatis jiffies_lock'
 *       raw_spinlock_t
 *   addr2line -f -i -e vmlinux 0xffffffff81209a40
 *       sched_submit_work at .../kernel/sched/core.c:6617,
 *       inlined into schedule at .../kernel/sched/core.c:6657
 *   gdb on kdl_scen.ko 'ptype/o struct kdl_obj': size 80; label 8 (24),
 *       lock 32 (struct mutex), lock.wait_list 48;
 *   addr2line -f -i -e kdl_scen.ko -j .text 0xc0e
 *       kdl_work_fn at .../mod-6.1-orc/kdl_scen.c:460 (no inlined frame)
 *
 * Bit-fields. A bit-field's offset is that of its storage unit (its type's
 * size, aligned to it, inside its struct), its size the unit's: the bytes a
 * decoder reads to find the field's bits where the declaration order puts
 * them (BTF answers the same, unit_debuginfo_btf compares). What gdb says,
 * as byte:bit of the field's first bit (ptype/o):
 *   build/samples/6.12-lockdep/vmlinux (DWARF 5, DW_AT_data_bit_offset),
 *   gdb 'ptype/o struct held_lock': size 40; instance 16 (8), nest_lock 24;
 *       class_idx:13 32:0, irq_context:2 33:5, trylock:1 33:7, read:2 34:0,
 *       check:1 34:2, hardirqs_off:1 34:3, sync:1 34:4, references:11 34:5,
 *       each in an unsigned int (4); pin_count 36 (4)
 *     so all eight share the unsigned int at 32, and read:2 is its bits
 *     16-17 (what core/locks/locks_owners.c reads for a held rwsem's mode);
 *   BITS_C below compiled by this test with cc -gdwarf-4 (GCC 12 then
 *   writes DW_AT_bit_offset, counted from the unit's top bit, with
 *   DW_AT_data_member_location of the unit) and -gdwarf-5
 *   (DW_AT_data_bit_offset), gdb 'ptype/o struct kdl_bits4' and '... 5':
 *       prev 0 (8); a:13 8:0, b:2 9:5, c:1 9:7, read:2 10:0, d:14 10:2 (4);
 *       pin 12 (4); e:3 16:0 (1); f:9 16:3 (2); g:40 17:4 (8);
 *       p 23 (a packed struct of 4): p.x 23 (1), p.y:20 24:0 (4), i.e. bit 8
 *       of p, whose unit is p's first 4 bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debuginfo/debuginfo.h"
#include "tests/lib/kdltest.h"

#define SCHEDULE 0xffffffff81209a27ull
#define SCHEDULE_INL 0xffffffff81209a40ull /* sched_submit_work inlined */
#define KASLR 0x2a00000ull
#define MOD_TEXT 0xffffffffc0100000ull /* where we "load" kdl_scen's .text */

static bool notfound(struct kdl_error *err)
{
	bool ok = err && err->code == KDL_ERR_NOTFOUND;

	kdl_error_destroy(err);
	return ok;
}

static void check_open_errors(const char *dir)
{
	struct kdl_debuginfo *di = NULL;
	struct kdl_error *err;
	char path[4096];

	err = kdl_debuginfo_open("/nonexistent/vmlinux", &di);
	KDL_CHECK(err && err->code == KDL_ERR_INPUT && !di, "open: missing file is an input error");
	kdl_error_destroy(err);
	snprintf(path, sizeof(path), "%s/expected.json", dir);
	err = kdl_debuginfo_open(path, &di);
	KDL_CHECK(err && err->code == KDL_ERR_VMLINUX, "open: a non-ELF file is not a vmlinux");
	kdl_error_destroy(err);
	snprintf(path, sizeof(path), "%s/vmcore.elf", dir);
	err = kdl_debuginfo_open(path, &di);
	KDL_CHECK(err && err->code == KDL_ERR_VMLINUX && strstr(err->msg, "core dump"),
		  "open: an ELF core dump is not a vmlinux");
	kdl_error_destroy(err);
}

static void check_identity(struct kdl_debuginfo *di)
{
	const char *rel = kdl_debuginfo_release(di), *bid = kdl_debuginfo_build_id(di);
	const void *data;
	size_t size = 0;
	uint64_t addr = 0;

	KDL_CHECK(rel && !strcmp(rel, "6.1.192"), "release: %s", rel ? rel : "(none)");
	KDL_CHECK(bid && !strcmp(bid, "11e25d096256cab4c561a5a4d8d0d6bb0f562fce"), "build-id: %s",
		  bid ? bid : "(none)");
	KDL_CHECK(kdl_debuginfo_section(di, ".orc_unwind", &data, &size, &addr) && data &&
		  size == 0x68226 && addr == 0xffffffff81b0cf3cull,
		  "section .orc_unwind: size 0x%zx at 0x%llx", size, (unsigned long long)addr);
	KDL_CHECK(!kdl_debuginfo_section(di, ".kdl_no_such_section", &data, &size, NULL) && !data,
		  "section: an absent one is NULL");
}

static void check_symbols(struct kdl_debuginfo *di, uint64_t shift)
{
	struct kdl_symbol s;
	uint64_t a = 0;

	KDL_CHECK(kdl_debuginfo_symbol_addr(di, "schedule", &a) && a == SCHEDULE + shift,
		  "kaslr 0x%llx: schedule at 0x%llx", (unsigned long long)shift,
		  (unsigned long long)a);
	KDL_CHECK(kdl_debuginfo_symbol_addr(di, "init_task", &a) &&
		  a == 0xffffffff81a0f600ull + shift, "kaslr 0x%llx: init_task at 0x%llx",
		  (unsigned long long)shift, (unsigned long long)a);
	KDL_CHECK(kdl_debuginfo_symbol_addr(di, "current_task", &a) && a == 0x1ac00,
		  "kaslr 0x%llx: per-CPU current_task unshifted (0x%llx)",
		  (unsigned long long)shift, (unsigned long long)a);
	KDL_CHECK(kdl_debuginfo_symbol_addr(di, "__schedule", &a) &&
		  a == 0xffffffff81209560ull + shift, "kaslr 0x%llx: local __schedule",
		  (unsigned long long)shift);
	KDL_CHECK(kdl_debuginfo_symbol_at(di, SCHEDULE + shift + 0x10, &s) &&
		  !strcmp(s.name, "schedule") && s.addr == SCHEDULE + shift && s.size == 148 &&
		  s.is_function && !s.module, "kaslr 0x%llx: schedule+0x10 is in schedule",
		  (unsigned long long)shift);
	KDL_CHECK(kdl_debuginfo_symbol_at(di, SCHEDULE + shift + 147, &s) &&
		  !strcmp(s.name, "schedule"), "kaslr 0x%llx: schedule's last byte",
		  (unsigned long long)shift);
	KDL_CHECK(kdl_debuginfo_symbol_at(di, 0xffffffff81a0f600ull + shift + 0x4b0, &s) &&
		  !strcmp(s.name, "init_task") && !s.is_function && s.size == 6592,
		  "kaslr 0x%llx: init_task+0x4b0 is in the object init_task",
		  (unsigned long long)shift);
	KDL_CHECK(!kdl_debuginfo_symbol_addr(di, "kdl_no_such_symbol", &a),
		  "absent symbol name not found");
}

static void check_module_symbols(struct kdl_debuginfo *di)
{
	struct kdl_symbol s;
	uint64_t a = 0;
	struct kdl_error *err;

	err = kdl_debuginfo_add_symbol(di, "kdl_scen", "kdl_test_fn", MOD_TEXT + 0x100, 0x40, true);
	kdl_test_ok(err, "add a module symbol");
	KDL_CHECK(kdl_debuginfo_symbol_addr(di, "kdl_test_fn", &a) && a == MOD_TEXT + 0x100,
		  "module symbol by name, runtime address unshifted");
	KDL_CHECK(kdl_debuginfo_symbol_at(di, MOD_TEXT + 0x120, &s) &&
		  !strcmp(s.name, "kdl_test_fn") && s.module && !strcmp(s.module, "kdl_scen"),
		  "module symbol by address");
	KDL_CHECK(kdl_debuginfo_symbol_addr(di, "schedule", &a) && a == SCHEDULE + KASLR,
		  "vmlinux symbols unchanged after adding one");
	kdl_debuginfo_drop_module_symbols(di);
	KDL_CHECK(!kdl_debuginfo_symbol_addr(di, "kdl_test_fn", &a) &&
		  !kdl_debuginfo_symbol_at(di, MOD_TEXT + 0x120, &s),
		  "module symbols dropped");
}

static void check_size(struct kdl_debuginfo *di, const char *type, uint64_t want)
{
	uint64_t v = 0;
	struct kdl_error *err = kdl_debuginfo_type_size(di, type, &v);

	KDL_CHECK(!err && v == want, "sizeof(%s) = %llu (want %llu)%s%s", type,
		  (unsigned long long)v, (unsigned long long)want, err ? ": " : "",
		  err ? err->msg : "");
	kdl_error_destroy(err);
}

static void check_member(struct kdl_debuginfo *di, const char *type, const char *member,
			 uint64_t off, uint64_t size)
{
	uint64_t o = 0, s = 0;
	struct kdl_error *e1 = kdl_debuginfo_member_offset(di, type, member, &o);
	struct kdl_error *e2 = kdl_debuginfo_member_size(di, type, member, &s);

	KDL_CHECK(!e1 && !e2 && o == off && s == size && kdl_debuginfo_has_member(di, type, member),
		  "%s.%s at %llu size %llu (want %llu, %llu)", type, member,
		  (unsigned long long)o, (unsigned long long)s, (unsigned long long)off,
		  (unsigned long long)size);
	kdl_error_destroy(e1);
	kdl_error_destroy(e2);
}

static void check_path(struct kdl_debuginfo *di, const char *type, uint64_t off, const char *want)
{
	char buf[256] = "";
	struct kdl_error *err = kdl_debuginfo_member_path(di, type, off, buf, sizeof(buf));

	KDL_CHECK(!err && !strcmp(buf, want), "member path of %s +0x%llx: \"%s\" (want \"%s\")",
		  type, (unsigned long long)off, buf, want);
	kdl_error_destroy(err);
}

/* An enumerator read as its type means it, whatever DWARF form holds it. */
static void check_enum(struct kdl_debuginfo *di, const char *name, int64_t want)
{
	int64_t v = 0;
	struct kdl_error *err = kdl_debuginfo_enum_value(di, name, &v);

	KDL_CHECK(!err && v == want, "enum %s = %lld (want %lld)", name, (long long)v,
		  (long long)want);
	kdl_error_destroy(err);
}

static void check_types(struct kdl_debuginfo *di)
{
	int64_t v = 0;
	char buf[128];
	struct kdl_error *err;

	check_size(di, "struct mutex", 32);
	check_size(di, "struct task_struct", 6592);
	check_size(di, "struct rw_semaphore", 40);
	check_size(di, "struct rq", 2944);
	check_size(di, "struct rcu_node", 640);
	check_size(di, "spinlock_t", 4);

	check_member(di, "struct mutex", "owner", 0, 8);
	check_member(di, "struct mutex", "wait_lock", 8, 4);
	check_member(di, "struct mutex", "wait_list", 16, 16);
	check_member(di, "struct mutex", "wait_list.prev", 24, 8);
	check_member(di, "struct rw_semaphore", "wait_list", 24, 16);
	check_member(di, "struct task_struct", "pid", 0x4b0, 4);
	check_member(di, "struct task_struct", "comm", 0x610, 16);
	check_member(di, "struct task_struct", "thread.sp", 0x898, 8);
	check_member(di, "struct task_struct", "se.sum_exec_runtime", 0xc8, 8);
	check_member(di, "struct rcu_state", "node[0].boost_mtx", 0xb0, 32);
	check_member(di, "struct rcu_state", "node[0].boost_mtx.rtmutex.owner", 0xb0 + 24, 8);
	check_member(di, "var tk_core", "timekeeper.xtime_sec", 120, 8);
	check_member(di, "var tk_core", "seq", 0, 4);

	check_path(di, "struct mutex", 16, "wait_list.next");
	check_path(di, "struct mutex", 24, "wait_list.prev");
	check_path(di, "struct mutex", 8, "wait_lock.raw_lock.val.counter");
	check_path(di, "struct mutex", 40, "+0x28");
	check_path(di, "struct rw_semaphore", 8, "owner.counter");
	check_path(di, "struct task_struct", 0x613, "comm[3]");
	check_path(di, "struct task_struct", 0x898, "thread.sp");
	check_path(di, "struct rcu_state", 0xb0 + 24, "node[0].boost_mtx.rtmutex.owner");

	err = kdl_debuginfo_enum_value(di, "PIDTYPE_SID", &v);
	KDL_CHECK(!err && v == 3, "enum PIDTYPE_SID = %lld", (long long)v);
	kdl_error_destroy(err);
	err = kdl_debuginfo_enum_value(di, "PIDTYPE_MAX", &v);
	KDL_CHECK(!err && v == 4, "enum PIDTYPE_MAX = %lld", (long long)v);
	kdl_error_destroy(err);
	err = kdl_debuginfo_enum_value(di, "TASK_COMM_LEN", &v);
	KDL_CHECK(!err && v == 16, "enum TASK_COMM_LEN = %lld", (long long)v);
	kdl_error_destroy(err);
	check_enum(di, "CPUHP_ONLINE", 236);
	check_enum(di, "FAULT_FLAG_REMOTE", 128);
	check_enum(di, "MEM_UNINIT", 32768);
	check_enum(di, "NVME_CC_SHN_MASK", 49152);
	check_enum(di, "BIAS", 2147483648ll);
	check_enum(di, "PERF_TXN_ABORT_MASK", -4294967296ll);
	check_enum(di, "CPUHP_INVALID", -1);
	check_enum(di, "HIGHPRI_NICE_LEVEL", -20);

	err = kdl_debuginfo_var_type(di, "init_task", buf, sizeof(buf));
	KDL_CHECK(!err && !strcmp(buf, "struct task_struct"), "type of init_task: %s",
		  err ? err->msg : buf);
	kdl_error_destroy(err);
	err = kdl_debuginfo_var_type(di, "jiffies_lock", buf, sizeof(buf));
	KDL_CHECK(!err && !strcmp(buf, "raw_spinlock_t"), "type of jiffies_lock: %s (typedef kept)",
		  err ? err->msg : buf);
	kdl_error_destroy(err);
}

/* A bit-field as gdb places it (byte:bit of its first bit, width, the size
 * of its type) and the storage unit kdlview must answer. */
struct bitf {
	const char *member;
	unsigned int byte, bit, width, size, unit;
};

static void check_bitfields(struct kdl_debuginfo *di, const char *type, const struct bitf *b,
			    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t o = 0, sz = 0, first;

		check_member(di, type, b[i].member, b[i].unit, b[i].size);
		kdl_error_destroy(kdl_debuginfo_member_offset(di, type, b[i].member, &o));
		kdl_error_destroy(kdl_debuginfo_member_size(di, type, b[i].member, &sz));
		/* the unit answered holds every bit gdb gives the field */
		first = 8 * (uint64_t)b[i].byte + b[i].bit;
		KDL_CHECK(first >= 8 * o && first + b[i].width <= 8 * (o + sz),
			  "%s.%s: gdb's bits %llu..%llu lie in the unit at %llu (%llu bytes)", type,
			  b[i].member, (unsigned long long)first,
			  (unsigned long long)(first + b[i].width - 1), (unsigned long long)o,
			  (unsigned long long)sz);
	}
}

static void check_held_lock(void)
{
	static const struct bitf hl[] = {
		{ "class_idx", 32, 0, 13, 4, 32 }, { "irq_context", 33, 5, 2, 4, 32 },
		{ "trylock", 33, 7, 1, 4, 32 },    { "read", 34, 0, 2, 4, 32 },
		{ "check", 34, 2, 1, 4, 32 },      { "hardirqs_off", 34, 3, 1, 4, 32 },
		{ "sync", 34, 4, 1, 4, 32 },       { "references", 34, 5, 11, 4, 32 },
	};
	const char *dir = kdl_test_sample_dir("6.12-lockdep");
	struct kdl_debuginfo *di = NULL;
	char path[4096];
	uint64_t o = 0;

	if (!dir) {
		kdl_test_skip("6.12-lockdep sample not unpacked (make samples)");
		return;
	}
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	if (!kdl_test_ok(kdl_debuginfo_open(path, &di), "open %s", path))
		return;
	check_size(di, "struct held_lock", 40);
	check_member(di, "struct held_lock", "instance", 16, 8);
	check_member(di, "struct held_lock", "pin_count", 36, 4);
	check_bitfields(di, "struct held_lock", hl, sizeof(hl) / sizeof(hl[0]));
	kdl_error_destroy(kdl_debuginfo_member_offset(di, "struct held_lock", "class_idx", &o));
	KDL_CHECK(8 * (34 - o) == 16, "held_lock.read:2 (34:0) is bit %llu of the unit at "
		  "class_idx (locks_owners reads bit 16)", (unsigned long long)(8 * (34 - o)));
	check_path(di, "struct held_lock", 0x1f, "nest_lock");
	/* a bit-field owns the bytes its bits touch (the first one there) */
	check_path(di, "struct held_lock", 0x20, "class_idx");
	check_path(di, "struct held_lock", 0x21, "class_idx");
	check_path(di, "struct held_lock", 0x22, "read");
	check_path(di, "struct held_lock", 0x23, "references");
	check_path(di, "struct held_lock", 0x24, "pin_count");
	kdl_debuginfo_destroy(di);
}

/* Both bit-field encodings of one struct, from modules this test compiles. */
static const char BITS_C[] =
	"struct NAME {\n"
	"	unsigned long long prev;\n"
	"	unsigned int a : 13, b : 2, c : 1, read : 2, d : 14;\n"
	"	unsigned int pin;\n"
	"	unsigned char e : 3;\n"
	"	unsigned short f : 9;\n"
	"	unsigned long long g : 40;\n"
	"	struct __attribute__((packed)) { char x; unsigned int y : 20; } p;\n"
	"} NAME;\n";

static void check_bit_encodings(struct kdl_debuginfo *di)
{
	static const struct bitf kb[] = {
		{ "a", 8, 0, 13, 4, 8 },  { "b", 9, 5, 2, 4, 8 },   { "c", 9, 7, 1, 4, 8 },
		{ "read", 10, 0, 2, 4, 8 }, { "d", 10, 2, 14, 4, 8 }, { "e", 16, 0, 3, 1, 16 },
		{ "f", 16, 3, 9, 2, 16 }, { "g", 17, 4, 40, 8, 16 }, { "p.y", 24, 0, 20, 4, 23 },
	};
	struct kdl_module_section secs[] = { { ".text", MOD_TEXT + 0x100000 } };
	const char *build = getenv("BUILD");
	char dir[1024], src[1100], cmd[4096], type[64], mod[32];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/bitfields", build ? build : "build");
	snprintf(src, sizeof(src), "%s/kdl_bits.c", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	if (system(cmd) != 0 || !(f = fopen(src, "w"))) {
		kdl_test_fail("bit-fields: cannot write %s", src);
		return;
	}
	fputs(BITS_C, f);
	fclose(f);
	for (int v = 4; v <= 5; v++) {
		snprintf(mod, sizeof(mod), "kdl_bits%d", v);
		snprintf(cmd, sizeof(cmd), "cc -g -gdwarf-%d -gstrict-dwarf -DNAME=%s -c -o '%s/%s.ko' "
			 "'%s'", v, mod, dir, mod, src);
		if (system(cmd) != 0) {
			kdl_test_fail("bit-fields: %s failed (build-essential: .ci/deps.sh)", cmd);
			continue;
		}
		if (!kdl_test_ok(kdl_debuginfo_load_module(di, dir, mod, secs, 1),
				 "bit-fields: load %s.ko (DWARF %d)", mod, v))
			continue;
		snprintf(type, sizeof(type), "struct %s", mod);
		check_size(di, type, 32);
		check_member(di, type, "prev", 0, 8);
		check_member(di, type, "pin", 12, 4);
		check_member(di, type, "p.x", 23, 1);
		check_bitfields(di, type, kb, sizeof(kb) / sizeof(kb[0]));
		check_path(di, type, 9, "a");
		check_path(di, type, 10, "read");
		check_path(di, type, 11, "d");
		check_path(di, type, 12, "pin");
		check_path(di, type, 17, "f");
		check_path(di, type, 22, "g");
		/* g's unit (16..23) covers p.x's byte, g's bits do not */
		check_path(di, type, 23, "p.x");
		check_path(di, type, 24, "p.y");
	}
}

static void check_absent(struct kdl_debuginfo *di)
{
	uint64_t u = 0;
	int64_t v = 0;
	char buf[64];

	for (int pass = 0; pass < 2; pass++) { /* the second time from the caches */
		KDL_CHECK(notfound(kdl_debuginfo_type_size(di, "struct kdl_no_such_type", &u)),
			  "absent type NOTFOUND (pass %d)", pass);
		KDL_CHECK(notfound(kdl_debuginfo_member_offset(di, "struct mutex", "kdl_no_such", &u)),
			  "absent member NOTFOUND (pass %d)", pass);
		KDL_CHECK(notfound(kdl_debuginfo_member_offset(di, "struct kdl_no_such_type", "x", &u)),
			  "member of an absent type NOTFOUND (pass %d)", pass);
		KDL_CHECK(notfound(kdl_debuginfo_member_size(di, "var kdl_no_such_var", "x", &u)),
			  "member of an absent variable NOTFOUND (pass %d)", pass);
		KDL_CHECK(notfound(kdl_debuginfo_member_offset(di, "struct mutex", "wait_list[1]", &u)),
			  "indexing a non-array NOTFOUND (pass %d)", pass);
		KDL_CHECK(!kdl_debuginfo_has_member(di, "struct mutex", "kdl_no_such"),
			  "has_member of an absent member (pass %d)", pass);
		KDL_CHECK(notfound(kdl_debuginfo_enum_value(di, "KDL_NO_SUCH_ENUMERATOR", &v)),
			  "absent enumerator NOTFOUND (pass %d)", pass);
		KDL_CHECK(notfound(kdl_debuginfo_var_type(di, "kdl_no_such_var", buf, sizeof(buf))),
			  "absent variable NOTFOUND (pass %d)", pass);
		KDL_CHECK(notfound(kdl_debuginfo_member_path(di, "struct kdl_no_such_type", 0, buf,
							     sizeof(buf))),
			  "member path of an absent type NOTFOUND (pass %d)", pass);
	}
}

static void check_lines(struct kdl_debuginfo *di, uint64_t shift)
{
	struct kdl_srcloc loc[8];
	size_t n;

	for (int pass = 0; pass < 2; pass++) { /* the second time from the cache */
		n = kdl_debuginfo_lines(di, SCHEDULE_INL + shift, loc, 8);
		KDL_CHECK(n == 2 && loc[0].function && !strcmp(loc[0].function, "sched_submit_work") &&
			  loc[0].file && !strcmp(loc[0].file, "kernel/sched/core.c") &&
			  loc[0].line == 6617,
			  "kaslr 0x%llx: innermost line of 0x%llx: %s %s:%d (n %zu, pass %d)",
			  (unsigned long long)shift, (unsigned long long)SCHEDULE_INL,
			  n ? loc[0].function : "-", n ? loc[0].file : "-", n ? loc[0].line : 0, n,
			  pass);
		KDL_CHECK(n == 2 && loc[1].function && !strcmp(loc[1].function, "schedule") &&
			  loc[1].file && !strcmp(loc[1].file, "kernel/sched/core.c") &&
			  loc[1].line == 6657, "kaslr 0x%llx: its caller schedule at core.c:6657",
			  (unsigned long long)shift);
	}
	n = kdl_debuginfo_lines(di, SCHEDULE_INL + shift, loc, 1);
	KDL_CHECK(n == 1 && !strcmp(loc[0].function, "sched_submit_work"), "lines: max 1 honoured");
	KDL_CHECK(kdl_debuginfo_lines(di, 0x1000, loc, 8) == 0, "lines of a non-code address: 0");
}

static void check_module_dwarf(struct kdl_debuginfo *di, const char *dir)
{
	struct kdl_module_section secs[] = { { ".text", MOD_TEXT } };
	struct kdl_srcloc loc[8];
	uint64_t u = 0;
	size_t n;

	KDL_CHECK(notfound(kdl_debuginfo_type_size(di, "struct kdl_obj", &u)) &&
		  notfound(kdl_debuginfo_member_offset(di, "struct kdl_obj", "lock", &u)),
		  "struct kdl_obj unknown before its module is loaded");
	KDL_CHECK(notfound(kdl_debuginfo_load_module(di, dir, "kdl_no_such_module", secs, 1)),
		  "absent module .ko NOTFOUND");
	kdl_test_ok(kdl_debuginfo_load_module(di, dir, "kdl_scen", secs, 1), "load kdl_scen.ko");
	KDL_CHECK(kdl_debuginfo_modules_with_dwarf(di) == 1, "one module with DWARF");
	check_size(di, "struct kdl_obj", 80);
	check_member(di, "struct kdl_obj", "label", 8, 24);
	check_member(di, "struct kdl_obj", "lock.wait_list", 48, 16);
	check_path(di, "struct kdl_obj", 56, "lock.wait_list.prev");
	n = kdl_debuginfo_lines(di, MOD_TEXT + 0xc0e, loc, 8);
	KDL_CHECK(n == 1 && loc[0].function && !strcmp(loc[0].function, "kdl_work_fn") &&
		  loc[0].file && !strcmp(loc[0].file, "kdl_scen.c") && loc[0].line == 460,
		  "module line info at kdl_work_fn: %s:%d (n %zu)", n ? loc[0].file : "-",
		  n ? loc[0].line : 0, n);
}

int main(void)
{
	const char *dir = kdl_test_sample_dir("6.1-orc");
	struct kdl_debuginfo *di = NULL;
	char path[4096];

	if (!dir) {
		kdl_test_skip("6.1-orc sample not unpacked (make samples)");
		return kdl_test_done();
	}
	check_open_errors(dir);
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	if (!kdl_test_ok(kdl_debuginfo_open(path, &di), "open %s", path))
		return kdl_test_done();
	check_identity(di);
	KDL_CHECK(kdl_debuginfo_kaslr(di) == 0, "no KASLR offset before one is set");
	check_symbols(di, 0);
	check_lines(di, 0);
	kdl_debuginfo_set_kaslr(di, KASLR);
	KDL_CHECK(kdl_debuginfo_kaslr(di) == KASLR, "KASLR offset set");
	check_symbols(di, KASLR);
	check_lines(di, KASLR);
	check_module_symbols(di);
	check_types(di);
	check_absent(di);
	check_module_dwarf(di, dir);
	check_bit_encodings(di);
	kdl_debuginfo_destroy(di);
	check_held_lock();
	return kdl_test_done();
}
