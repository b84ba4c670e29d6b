/* core/debuginfo/kallsyms.c: the kernel's symbol table decoded from the dump's
 * memory, checked against the vmlinux's ELF symbol table.
 *
 * Truth from outside kdlview: `nm` (GNU binutils) on each sample's vmlinux;
 * the addresses shifted by the dump's own KERNELOFFSET (a VMCOREINFO line).
 * Every symbol nm lists must be in the decoded table under its name at its
 * address, a function (t/T/w/W) as a function, except what scripts/kallsyms.c
 * leaves out: the export strings __kstrtab_X/__kstrtabns_X (about 4,300 each
 * on these kernels), local .L labels, absolute symbols (nm a/A) and, on 6.1
 * (not 6.12), its own 8 tables kallsyms_names ... Then the
 * counts must be equal (tolerance 0): both sets are the same. Measured:
 * 29,343 of nm's 37,865 on 6.1-orc, 30,786 of 39,790 on 6.12-rt; per-CPU
 * symbols are 'A' in kallsyms and d/D in nm, at the same (unshifted) offset.
 * Then hostile tables (a synthetic target): an absurd count, a token index
 * past any token table, a name that runs off the mapped memory, names made
 * of control bytes, unsorted addresses: each stops with an error, no crash.
 * And kdl_kallsyms_feed(): a vmlinux symbol given at its runtime address is
 * found again at that address with a KASLR offset set; a System.map made by
 * nm parses (tests/t_debuginfo_search.sh runs it through the command line).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/hash.h"
#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/kallsyms.h"
#include "core/target/dump.h"
#include "tests/lib/kdltest.h"

static const char *vmci(void *arg, const char *key)
{
	return kdl_dump_vmcoreinfo(arg, key);
}

struct nmsym {
	char name[256];
	uint64_t addr;
	char type;
};

/* Every symbol nm lists for a vmlinux (link-time addresses). */
static struct nmsym *nm_symbols(const char *vmlinux, size_t *n)
{
	char cmd[4200], line[512];
	struct nmsym *v = NULL;
	size_t cap = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm '%s'", vmlinux);
	p = popen(cmd, "r");
	*n = 0;
	if (!p)
		return NULL;
	while (fgets(line, sizeof(line), p)) {
		unsigned long long a;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &a, &type, name) != 3)
			continue;
		if (*n == cap) {
			struct nmsym *nv;

			cap = cap ? 2 * cap : 65536;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		snprintf(v[*n].name, sizeof(v[*n].name), "%s", name);
		v[*n].addr = a;
		v[*n].type = type;
		(*n)++;
	}
	pclose(p);
	return v;
}

/* What scripts/kallsyms.c leaves out: the export strings, local labels and
 * absolute symbols (per-CPU ones are kept, as absolute 'A' there); up to 6.1
 * also its own tables (kallsyms_names ..., D symbols), when `self_out`. */
static bool left_out(const struct nmsym *s, bool self_out)
{
	return !strncmp(s->name, "__kstrtab", 9) || !strncmp(s->name, ".L", 2) ||
	       s->type == 'a' || s->type == 'A' ||
	       (self_out && s->type == 'D' && !strncmp(s->name, "kallsyms_", 9));
}

static bool is_fn(char type)
{
	return strchr("tTwW", type) != NULL;
}

struct probe {
	const struct kdl_kallsyms *ks;
	const char *name;
	uint64_t addr;
};

static bool same(void *arg, uint64_t i)
{
	const struct probe *p = arg;

	return !strcmp(p->ks->syms[i].name, p->name) && p->ks->syms[i].addr == p->addr;
}

static void check_dump(const char *variant, const char *file)
{
	const char *dir = kdl_test_sample_dir(variant);
	char path[4096], vml[4096];
	struct kdl_dump *d = NULL;
	struct kdl_kallsyms_addrs a;
	struct kdl_kallsyms *ks = NULL;
	struct kdl_error *err;
	struct nmsym *nm;
	struct kdl_hash h = { 0 };
	size_t nall, kept = 0, nfun = 0, missing = 0, badtype = 0;
	uint64_t kaslr = 0, kaslr0;
	const char *first_missing = NULL;
	bool self_out;

	if (!dir) {
		kdl_test_skip("%s: sample not unpacked", variant);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(vml, sizeof(vml), "%s/vmlinux", dir);
	err = kdl_dump_open(path, "x86_64", &d);
	if (!kdl_test_ok(err, "%s/%s: opens", variant, file))
		return;
	KDL_CHECK(kdl_kallsyms_addrs_from(vmci, d, &a), "%s/%s: VMCOREINFO names the kallsyms "
		  "tables", variant, file);
	kaslr = strtoull(kdl_dump_vmcoreinfo(d, "KERNELOFFSET") ?
			 kdl_dump_vmcoreinfo(d, "KERNELOFFSET") : "0", NULL, 16);
	err = kdl_kallsyms_read(kdl_dump_target(d), &a, &ks);
	if (!kdl_test_ok(err, "%s/%s: kallsyms decodes", variant, file)) {
		kdl_dump_destroy(d);
		return;
	}
	nm = nm_symbols(vml, &nall);
	KDL_CHECK(nm && nall > 20000, "%s: nm lists %zu symbols", variant, nall);
	self_out = !kdl_kallsyms_lookup(ks, "kallsyms_names", &kaslr0);
	for (size_t i = 0; i < ks->n; i++)
		kdl_hash_add(&h, kdl_hash_str(ks->syms[i].name) ^ ks->syms[i].addr, i);
	for (size_t i = 0; nm && i < nall; i++) {
		struct probe p = { ks, nm[i].name, nm[i].addr };
		uint64_t idx;

		if (left_out(&nm[i], self_out))
			continue;
		kept++;
		nfun += is_fn(nm[i].type);
		if (p.addr >= 0xffffffff80000000ull)
			p.addr += kaslr;
		if (!kdl_hash_get(&h, kdl_hash_str(p.name) ^ p.addr, same, &p, &idx)) {
			if (!missing++)
				first_missing = nm[i].name;
		} else if (is_fn(nm[i].type) != is_fn(ks->syms[idx].type)) {
			badtype++;
		}
	}
	KDL_CHECK(nm && !missing && !badtype, "%s/%s: every nm symbol (%zu, %zu functions) in "
		  "kallsyms at KASLR 0x%llx, functions as functions (%zu missing, first %s; %zu "
		  "of another kind)", variant, file, kept, nfun, (unsigned long long)kaslr, missing,
		  first_missing ? first_missing : "-", badtype);
	/* with every nm symbol found, equal counts mean equal sets */
	KDL_CHECK(ks->n == kept, "%s/%s: %zu kallsyms symbols for nm's %zu (%zu in all, less "
		  "__kstrtab*, .L*, absolute)", variant, file, ks->n, kept, nall);
	free(nm);
	kdl_hash_free(&h);
	kdl_kallsyms_destroy(ks);
	kdl_dump_destroy(d);
}

/* ------------------------------------------------------------ hostile */

#define T_NUM 0xffffffff81000000ull
#define T_IDX 0xffffffff81001000ull
#define T_TAB 0xffffffff81002000ull
#define T_NAMES 0xffffffff81003000ull
#define T_OFFS 0xffffffff81005000ull
#define T_BASE 0xffffffff81006000ull

/* A tiny valid table: tokens are single characters (token i = chr(i)), three
 * symbols "Tfoo", "tbar", "Dbaz" at base - 1 - (-1-k) = base + k*16. */
static struct kdl_target *image(uint32_t num, uint16_t bad_index, const uint8_t *names,
				size_t names_len, bool unsorted)
{
	struct kdl_target *t = NULL;
	uint8_t idx[512], tab[512], offs[12];
	uint64_t base = 0xffffffff81100000ull;

	kdl_target_create_synthetic(&t);
	for (int i = 0; i < 256; i++) {
		uint16_t o = (uint16_t)(2 * i);

		if (i == 'x' && bad_index)
			o = bad_index;
		idx[2 * i] = o & 0xff;
		idx[2 * i + 1] = o >> 8;
		tab[2 * i] = (uint8_t)(i ? i : '?');
		tab[2 * i + 1] = 0;
	}
	for (int k = 0; k < 3; k++) {
		int32_t v = -1 - (unsorted ? 2 - k : k) * 16;

		memcpy(offs + 4 * k, &v, 4);
	}
	kdl_error_destroy(kdl_target_synthetic_map(t, T_NUM, &num, 4));
	kdl_error_destroy(kdl_target_synthetic_map(t, T_IDX, idx, sizeof(idx)));
	kdl_error_destroy(kdl_target_synthetic_map(t, T_TAB, tab, sizeof(tab)));
	kdl_error_destroy(kdl_target_synthetic_map(t, T_NAMES, names, names_len));
	kdl_error_destroy(kdl_target_synthetic_map(t, T_OFFS, offs, sizeof(offs)));
	kdl_error_destroy(kdl_target_synthetic_map(t, T_BASE, &base, 8));
	return t;
}

static void check_hostile(void)
{
	static const uint8_t good[] = { 4, 'T', 'f', 'o', 'o', 4, 't', 'b', 'a', 'r',
					4, 'D', 'b', 'a', 'z' };
	static const uint8_t ctl[] = { 4, 'T', 1, 2, 3 };
	static const uint8_t xname[] = { 4, 'T', 'x', 'x', 'x' };
	static const uint8_t big[] = { 0x81, 0x7f, 'T' }; /* claims 16257 bytes */
	struct kdl_kallsyms_addrs a = { .num_syms = T_NUM, .names = T_NAMES,
					.token_table = T_TAB, .token_index = T_IDX,
					.offsets = T_OFFS, .relative_base = T_BASE };
	struct kdl_kallsyms_addrs none = { 0 };
	struct kdl_kallsyms *ks = NULL;
	struct kdl_target *t;
	struct kdl_error *err;

	t = image(3, 0, good, sizeof(good), false);
	err = kdl_kallsyms_read(t, &a, &ks);
	if (kdl_test_ok(err, "synthetic: a good table decodes")) {
		KDL_CHECK(ks->n == 3 && !strcmp(ks->syms[0].name, "foo") && ks->syms[0].type == 'T' &&
			  ks->syms[0].addr == 0xffffffff81100000ull &&
			  !strcmp(ks->syms[2].name, "baz") && ks->syms[2].type == 'D' &&
			  ks->syms[2].addr == 0xffffffff81100020ull,
			  "synthetic: names, types and base-relative addresses");
		kdl_kallsyms_destroy(ks);
		ks = NULL;
	}
	kdl_target_destroy(t);

	struct {
		const char *what;
		uint32_t num;
		uint16_t bad_index;
		const uint8_t *names;
		size_t len;
		bool unsorted;
	} cases[] = {
		{ "a count of 4 billion", 0xffffffffu, 0, good, sizeof(good), false },
		{ "a count of zero", 0, 0, good, sizeof(good), false },
		{ "a token index past the table", 3, 0xfff0, good, sizeof(good), false },
		{ "names running off mapped memory", 100, 0, good, sizeof(good), false },
		{ "a name of control bytes", 1, 0, ctl, sizeof(ctl), false },
		{ "a 2-byte length past mapped memory", 1, 0, big, sizeof(big), false },
		{ "an unterminated token", 1, 0x1ff, xname, sizeof(xname), false },
		{ "unsorted addresses", 3, 0, good, sizeof(good), true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = image(cases[i].num, cases[i].bad_index, cases[i].names, cases[i].len,
			  cases[i].unsorted);
		ks = NULL;
		err = kdl_kallsyms_read(t, &a, &ks);
		KDL_CHECK(err && !ks, "synthetic: %s stops cleanly (%s)", cases[i].what,
			  err ? err->msg : "accepted");
		kdl_error_destroy(err);
		kdl_kallsyms_destroy(ks);
		kdl_target_destroy(t);
	}
	err = kdl_kallsyms_read(NULL, &none, &ks);
	KDL_CHECK(err && err->code == KDL_ERR_NOTFOUND, "no table addresses: not found (%s)",
		  err ? err->msg : "accepted");
	kdl_error_destroy(err);
}

/* feed: a vmlinux symbol at a runtime address comes back at that address */
static void check_feed(void)
{
	const char *dir = kdl_test_sample_dir("6.1-orc");
	char path[4096], map[4200];
	struct kdl_debuginfo *di = NULL;
	struct kdl_kallsyms *ks = NULL;
	struct kdl_error *err;
	uint64_t a = 0;
	FILE *f;

	if (!dir) {
		kdl_test_skip("feed: sample not unpacked");
		return;
	}
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	snprintf(map, sizeof(map), "%s/unit_kallsyms.map.%d", getenv("TMPDIR") ?
		 getenv("TMPDIR") : "/tmp", (int)getpid());
	f = fopen(map, "w");
	if (!f) {
		kdl_test_fail("feed: cannot write %s", map);
		return;
	}
	/* link-time addresses, as nm -n writes them */
	fprintf(f, "000000000001ac00 D kdl_fake_percpu\n"
		   "ffffffff81209000 T kdl_fake_fn\n"
		   "ffffffff81209100 t kdl_fake_fn2\n");
	fclose(f);
	err = kdl_kallsyms_read_map(map, 0x2a00000, &ks);
	remove(map);
	if (!kdl_test_ok(err, "System.map parses"))
		return;
	KDL_CHECK(ks->n == 3 && ks->syms[1].addr == 0xffffffff83c09000ull &&
		  ks->syms[0].addr == 0x1ac00, "System.map: image addresses shifted, per-CPU not");
	if (kdl_test_ok(kdl_debuginfo_open(path, &di), "feed: vmlinux opens")) {
		kdl_debuginfo_set_kaslr(di, 0x2a00000);
		kdl_test_ok(kdl_kallsyms_feed(ks, di), "feed: symbols added");
		bool found = kdl_debuginfo_symbol_addr(di, "kdl_fake_fn", &a);

		KDL_CHECK(found && a == 0xffffffff83c09000ull, "feed: kdl_fake_fn at its runtime "
			  "address 0x%llx", (unsigned long long)a);
		KDL_CHECK(kdl_debuginfo_symbol_addr(di, "kdl_fake_percpu", &a) && a == 0x1ac00,
			  "feed: per-CPU symbol unshifted");
		kdl_debuginfo_drop_module_symbols(di);
		KDL_CHECK(kdl_debuginfo_symbol_addr(di, "kdl_fake_fn", &a),
			  "feed: dropping module symbols keeps vmlinux ones");
		kdl_debuginfo_destroy(di);
	}
	kdl_kallsyms_destroy(ks);
	ks = NULL;
	err = kdl_kallsyms_read_map(path, 0, &ks);
	KDL_CHECK(err && err->code == KDL_ERR_INPUT && !ks, "a vmlinux is not a System.map");
	kdl_error_destroy(err);
}

int main(void)
{
	static const struct {
		const char *variant, *file;
	} dumps[] = {
		{ "6.1-orc", "vmcore.kdump" },
		{ "6.1-orc", "vmcore.elf" },
		{ "6.1-orc", "vmcore.qemu-kdump" },
		{ "6.1-fp", "vmcore.kdump" },
		{ "6.12-lockdep", "vmcore.kdump" },
		{ "6.12-rt", "vmcore.kdump" },
	};

	for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++)
		check_dump(dumps[i].variant, dumps[i].file);
	check_hostile();
	check_feed();
	return kdl_test_done();
}
