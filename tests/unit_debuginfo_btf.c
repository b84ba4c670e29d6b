/* core/debuginfo's BTF type source against its DWARF one, on the 4 sample
 * vmlinux files. The samples' kernels were built without BTF, so
 * tests/lib/btf_make.sh makes the BTF the kernel would carry from their DWARF
 * with pahole (dwarves), as the kernel build does, into $BUILD/btf/VARIANT/:
 * a copy with .BTF (DWARF kept), the same stripped of DWARF, the raw .BTF
 * bytes and the scenario module with split BTF.
 *
 * The truth is the DWARF (itself checked against gdb in unit_debuginfo) read
 * through pahole's independent encoder: per sample,
 *   - the whole layout table resolved from BTF equals the one from DWARF,
 *     byte for byte (every offset, size, ok flag, symbol); a differing byte
 *     is named by its member path in struct kdl_layout (read from this test
 *     binary's own DWARF) and fails. No difference is allowed: bit-fields
 *     (held_lock.class_idx:13 of 6.12-lockdep, DW_AT_data_bit_offset 256,
 *     `pahole -C held_lock`: 32:0) answer their storage unit in both;
 *   - also from a bare debuginfo (no ELF: BTF bytes given, the layout's
 *     symbols added as runtime addresses under a KASLR shift);
 *   - enumerators, variable types, member paths answer alike (also inside
 *     held_lock's bit-fields: the unsigned int at 32 holds all eight, each
 *     owns the bytes its bits touch);
 *   - opening: AUTO picks DWARF, or BTF without DWARF; BTF mode uses .BTF even
 *     with DWARF; DWARF mode refuses a vmlinux without DWARF (today's error);
 *     neither: an error naming both; BTF has no line info;
 *   - 6.1-orc: module types from the module's split BTF (gdb on kdl_scen.ko:
 *     struct kdl_obj size 80, lock at 32, lock.wait_list at 48).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/layout.h"
#include "tests/lib/kdltest.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		*len = (size_t)n;
	fclose(f);
	return buf;
}

/* Compare two layouts byte for byte; name each differing member once. */
static void compare_layouts(struct kdl_debuginfo *self, const char *v, const char *what,
			    const struct kdl_layout *a, const struct kdl_layout *b)
{
	const unsigned char *x = (const void *)a, *y = (const void *)b;
	char last[256] = "", path[256];
	size_t ndiff = 0;

	for (size_t i = 0; i < sizeof(*a); i++) {
		struct kdl_error *err;

		if (x[i] == y[i])
			continue;
		path[0] = 0;
		err = self ? kdl_debuginfo_member_path(self, "struct kdl_layout", i, path,
						       sizeof(path)) : NULL;
		if (err || !self)
			snprintf(path, sizeof(path), "+0x%zx", i);
		kdl_error_destroy(err);
		if (!strcmp(path, last))
			continue;
		snprintf(last, sizeof(last), "%s", path);
		ndiff++;
		kdl_test_fail("%s %s: layout.%s differs from DWARF's", v, what, path);
	}
	KDL_CHECK(ndiff == 0, "%s %s: layout table equals DWARF's (%zu members differ)", v, what,
		  ndiff);
}

/* The symbols kdl_layout_resolve() asks for (core/debuginfo/layout.c). */
static const char *const LAYOUT_SYMS[] = {
	"init_task", "__per_cpu_offset", "runqueues", "nr_cpu_ids", "__cpu_online_mask",
	"current_task", "hardirq_stack_ptr", "irq_count", "pcpu_hot", "cea_exception_stacks",
	"prb", "tk_core", "jiffies_64", "jiffies", "modules", "debug_locks", "__per_cpu_start",
	"__per_cpu_end", "page_offset_base", "vmemmap_base", "mem_section",
};

static void bare_layout(struct kdl_debuginfo *self, const char *v, struct kdl_debuginfo *elf,
			const char *btf_path, const struct kdl_layout *want_from_elf)
{
	struct kdl_debuginfo *bare = NULL;
	struct kdl_layout L;
	size_t len = 0;
	char *btf = slurp(btf_path, &len);
	bool syms_ok = true;

	if (!kdl_test_ok(kdl_debuginfo_create_bare("6.x", &bare), "%s bare: create", v) || !btf) {
		free(btf);
		kdl_debuginfo_destroy(bare);
		return;
	}
	KDL_CHECK(!strcmp(kdl_debuginfo_source_name(bare), "btf") && !kdl_debuginfo_has_lines(bare),
		  "%s bare: source btf, no lines", v);
	{
		uint64_t sz = 0;
		struct kdl_error *err = kdl_debuginfo_type_size(bare, "struct task_struct", &sz);

		KDL_CHECK(err && err->code == KDL_ERR_NOTFOUND, "%s bare: no types before BTF", v);
		kdl_error_destroy(err);
	}
	kdl_test_ok(kdl_debuginfo_set_btf(bare, btf, len), "%s bare: set BTF", v);
	memset(btf, 0, len); /* the debuginfo took a copy */
	free(btf);
	/* the kernel symbols as kallsyms gives them: runtime addresses */
	for (size_t i = 0; i < sizeof(LAYOUT_SYMS) / sizeof(LAYOUT_SYMS[0]); i++) {
		uint64_t a;
		struct kdl_symbol s;

		if (!kdl_debuginfo_symbol_addr(elf, LAYOUT_SYMS[i], &a))
			continue;
		if (!kdl_debuginfo_symbol_at(elf, a, &s) || strcmp(s.name, LAYOUT_SYMS[i]))
			s.size = 0;
		syms_ok &= !kdl_debuginfo_add_symbol(bare, NULL, LAYOUT_SYMS[i], a, s.size,
						     false);
	}
	KDL_CHECK(syms_ok, "%s bare: symbols added", v);
	kdl_debuginfo_set_kaslr(bare, kdl_debuginfo_kaslr(elf));
	{
		uint64_t a = 0, b = 0;
		struct kdl_symbol s;

		KDL_CHECK(kdl_debuginfo_symbol_addr(bare, "init_task", &a) &&
			  kdl_debuginfo_symbol_addr(elf, "init_task", &b) && a == b &&
			  kdl_debuginfo_symbol_at(bare, a + 8, &s) && !strcmp(s.name, "init_task") &&
			  s.addr == b, "%s bare: init_task at its runtime address 0x%llx both ways",
			  v, (unsigned long long)b);
	}
	memset(&L, 0, sizeof(L));
	if (kdl_test_ok(kdl_layout_resolve(bare, NULL, &L), "%s bare: layout resolves", v))
		compare_layouts(self, v, "bare BTF", want_from_elf, &L);
	kdl_debuginfo_destroy(bare);
}

static void compare_queries(const char *v, struct kdl_debuginfo *dw, struct kdl_debuginfo *bt)
{
	static const char *const enums[] = {
		"CPUHP_ONLINE", "CPUHP_INVALID", "FAULT_FLAG_REMOTE", "MEM_UNINIT",
		"NVME_CC_SHN_MASK", "BIAS", "PERF_TXN_ABORT_MASK", "HIGHPRI_NICE_LEVEL",
		"PIDTYPE_SID", "PG_slab", "TASK_COMM_LEN", "LD_WAIT_SPIN", "LD_WAIT_SLEEP",
	};
	static const struct { const char *type; uint64_t off; } paths[] = {
		{ "struct task_struct", 0 }, { "struct task_struct", 0x4b0 },
		{ "struct mm_struct", 0x70 }, { "struct rcu_state", 0xb8 },
		{ "struct super_block", 0x68 }, { "struct rq", 0x100 },
		/* bit-fields (6.12-lockdep; the others have no struct held_lock) */
		{ "struct held_lock", 0x20 }, { "struct held_lock", 0x21 },
		{ "struct held_lock", 0x22 }, { "struct held_lock", 0x23 },
		{ "struct held_lock", 0x24 },
	};
	char a[256], b[256];
	uint64_t dsz;

	for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
		int64_t x = 0, y = 0;
		struct kdl_error *e1 = kdl_debuginfo_enum_value(dw, enums[i], &x);
		struct kdl_error *e2 = kdl_debuginfo_enum_value(bt, enums[i], &y);

		KDL_CHECK((!e1) == (!e2) && x == y, "%s enum %s: DWARF %s%lld, BTF %s%lld", v,
			  enums[i], e1 ? "none " : "", (long long)x, e2 ? "none " : "",
			  (long long)y);
		kdl_error_destroy(e1);
		kdl_error_destroy(e2);
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		kdl_error_destroy(kdl_debuginfo_member_path(dw, paths[i].type, paths[i].off, a,
							    sizeof(a)));
		kdl_error_destroy(kdl_debuginfo_member_path(bt, paths[i].type, paths[i].off, b,
							    sizeof(b)));
		KDL_CHECK(!strcmp(a, b), "%s member path %s +0x%llx: DWARF %s, BTF %s", v,
			  paths[i].type, (unsigned long long)paths[i].off, a, b);
	}
	/* per-CPU variables have a type in BTF, other globals none */
	kdl_error_destroy(kdl_debuginfo_var_type(dw, "runqueues", a, sizeof(a)));
	b[0] = 0;
	kdl_test_ok(kdl_debuginfo_var_type(bt, "runqueues", b, sizeof(b)),
		    "%s var_type of per-CPU runqueues from BTF", v);
	KDL_CHECK(!strcmp(a, b) && !strcmp(b, "struct rq"), "%s var_type runqueues: %s / %s", v,
		  a, b);
	{
		struct kdl_error *err = kdl_debuginfo_var_type(bt, "init_task", b, sizeof(b));

		KDL_CHECK(err && err->code == KDL_ERR_NOTFOUND && !kdl_debuginfo_has_var_types(bt),
			  "%s var_type of a global (init_task): BTF has none", v);
		kdl_error_destroy(err);
	}
	{
		struct kdl_error *err = kdl_debuginfo_type_size(bt, "struct kdl_no_such_type", &dsz);

		KDL_CHECK(err && err->code == KDL_ERR_NOTFOUND, "%s absent type: NOTFOUND", v);
		kdl_error_destroy(err);
	}
}

static void one(struct kdl_debuginfo *self, const char *v)
{
	const char *sd = kdl_test_sample_dir(v), *top = getenv("TOP"), *build = getenv("BUILD");
	char out[1024], cmd[4096], p_btf[1100], p_both[1100], p_raw[1100], p_orig[1100];
	struct kdl_debuginfo *dw = NULL, *bt = NULL, *both = NULL;
	struct kdl_layout Ld, Lb;
	struct kdl_error *err;
	int rc;

	if (!sd) {
		kdl_test_skip("%s: sample not unpacked (make samples)", v);
		return;
	}
	snprintf(out, sizeof(out), "%s/btf/%s", build ? build : "build", v);
	snprintf(cmd, sizeof(cmd), "bash '%s/tests/lib/btf_make.sh' '%s' '%s'", top ? top : ".",
		 sd, out);
	rc = system(cmd);
	if (rc != 0) {
		if (WEXITSTATUS(rc) == 77)
			kdl_test_skip("%s: pahole missing (.ci/deps.sh installs dwarves)", v);
		else
			kdl_test_fail("%s: %s failed (%d)", v, cmd, rc);
		return;
	}
	snprintf(p_orig, sizeof(p_orig), "%s/vmlinux", sd);
	snprintf(p_btf, sizeof(p_btf), "%s/vmlinux-btf", out);
	snprintf(p_both, sizeof(p_both), "%s/vmlinux-both", out);
	snprintf(p_raw, sizeof(p_raw), "%s/vmlinux.btf", out);

	if (!kdl_test_ok(kdl_debuginfo_open(p_orig, &dw), "%s: open with DWARF", v) ||
	    !kdl_test_ok(kdl_debuginfo_open(p_btf, &bt), "%s: open without DWARF (AUTO)", v))
		goto out;
	KDL_CHECK(!strcmp(kdl_debuginfo_source_name(dw), "dwarf") && kdl_debuginfo_has_lines(dw) &&
		  !kdl_debuginfo_missing(dw), "%s: AUTO with DWARF is dwarf", v);
	KDL_CHECK(!strcmp(kdl_debuginfo_source_name(bt), "btf") && !kdl_debuginfo_has_lines(bt) &&
		  kdl_debuginfo_missing(bt), "%s: AUTO without DWARF is btf", v);
	{
		struct kdl_symbol s;
		struct kdl_srcloc loc[4];
		uint64_t a;

		KDL_CHECK(kdl_debuginfo_symbol_addr(bt, "schedule", &a) &&
			  kdl_debuginfo_lines(bt, a + 1, loc, 4) == 0 &&
			  kdl_debuginfo_symbol_at(bt, a + 1, &s) && !strcmp(s.name, "schedule"),
			  "%s: BTF vmlinux: ELF symbols, no line info", v);
	}
	err = kdl_debuginfo_open_mode(p_btf, KDL_DEBUGINFO_DWARF, &both);
	KDL_CHECK(err && err->code == KDL_ERR_VMLINUX && strstr(err->msg, ".debug_info missing"),
		  "%s: DWARF mode refuses a vmlinux without DWARF: %s", v, err ? err->msg : "opened");
	kdl_error_destroy(err);
	if (kdl_test_ok(kdl_debuginfo_open_mode(p_both, KDL_DEBUGINFO_BTF, &both),
			"%s: BTF mode on a vmlinux with DWARF and .BTF", v))
		KDL_CHECK(!strcmp(kdl_debuginfo_source_name(both), "btf"), "%s: BTF mode is btf", v);

	memset(&Ld, 0, sizeof(Ld));
	memset(&Lb, 0, sizeof(Lb));
	kdl_debuginfo_set_kaslr(dw, 0x1e000000);
	kdl_debuginfo_set_kaslr(bt, 0x1e000000);
	if (kdl_test_ok(kdl_layout_resolve(dw, NULL, &Ld), "%s: layout from DWARF", v) &&
	    kdl_test_ok(kdl_layout_resolve(bt, NULL, &Lb), "%s: layout from BTF", v)) {
		compare_layouts(self, v, "BTF", &Ld, &Lb);
		bare_layout(self, v, bt, p_raw, &Lb);
	}
	if (both) {
		struct kdl_layout L2;

		memset(&L2, 0, sizeof(L2));
		kdl_debuginfo_set_kaslr(both, 0x1e000000);
		if (kdl_test_ok(kdl_layout_resolve(both, NULL, &L2), "%s: layout in BTF mode", v))
			compare_layouts(self, v, "BTF mode", &Ld, &L2);
	}
	compare_queries(v, dw, bt);

	if (!strcmp(v, "6.1-orc")) {
		char ko[1100];
		size_t len = 0;
		char *mb;
		uint64_t sz = 0, off = 0;

		snprintf(ko, sizeof(ko), "%s/kdl_scen.btf", out);
		mb = slurp(ko, &len);
		err = kdl_debuginfo_add_module_btf(dw, "kdl_scen", mb ? mb : "", mb ? len : 0);
		KDL_CHECK(err && err->code == KDL_ERR_USAGE, "module BTF on a DWARF source: refused");
		kdl_error_destroy(err);
		err = kdl_debuginfo_type_size(bt, "struct kdl_obj", &sz);
		KDL_CHECK(err && err->code == KDL_ERR_NOTFOUND, "kdl_obj unknown before module BTF");
		kdl_error_destroy(err);
		if (mb && kdl_test_ok(kdl_debuginfo_add_module_btf(bt, "kdl_scen", mb, len),
				      "module BTF of kdl_scen added")) {
			kdl_test_ok(kdl_debuginfo_type_size(bt, "struct kdl_obj", &sz),
				    "module BTF: struct kdl_obj found");
			KDL_CHECK(sz == 80, "module BTF: sizeof(struct kdl_obj) %llu",
				  (unsigned long long)sz);
			kdl_test_ok(kdl_debuginfo_member_offset(bt, "struct kdl_obj", "lock.wait_list",
								&off), "module BTF: lock.wait_list found");
			KDL_CHECK(off == 48, "module BTF: kdl_obj lock.wait_list at %llu",
				  (unsigned long long)off);
			kdl_test_ok(kdl_debuginfo_type_size(bt, "struct task_struct", &sz),
				    "vmlinux types still found");
			KDL_CHECK(sz == 6592, "vmlinux types found first: task_struct %llu",
				  (unsigned long long)sz);
		}
		free(mb);
		/* neither DWARF nor BTF */
		snprintf(cmd, sizeof(cmd), "objcopy --strip-debug '%s' '%s/vmlinux-none'", p_orig,
			 out);
		if (system(cmd) == 0) {
			struct kdl_debuginfo *none = NULL;
			char p_none[1100];

			snprintf(p_none, sizeof(p_none), "%s/vmlinux-none", out);
			err = kdl_debuginfo_open(p_none, &none);
			KDL_CHECK(err && err->code == KDL_ERR_VMLINUX && strstr(err->msg, ".debug_info") &&
				  strstr(err->msg, ".BTF") && !none,
				  "neither DWARF nor BTF: %s", err ? err->msg : "opened");
			kdl_error_destroy(err);
			remove(p_none);
		}
	}
out:
	kdl_debuginfo_destroy(both);
	kdl_debuginfo_destroy(bt);
	kdl_debuginfo_destroy(dw);
}

int main(int argc, char **argv)
{
	static const char *const variants[] = { "6.1-orc", "6.1-fp", "6.12-lockdep", "6.12-rt" };
	struct kdl_debuginfo *self = NULL;
	struct kdl_error *err;

	(void)argc;
	/* this binary's DWARF names the members of struct kdl_layout that differ */
	err = kdl_debuginfo_open_mode(argv[0], KDL_DEBUGINFO_DWARF, &self);
	if (err) {
		printf("# layout members unnamed: %s\n", err->msg);
		kdl_error_destroy(err);
	}
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		one(self, variants[i]);
	kdl_debuginfo_destroy(self);
	return kdl_test_done();
}
