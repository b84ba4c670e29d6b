/* core/unwind/orc_load.c: the vmlinux ORC tables read from the dump's memory
 * (between __start_orc_unwind_ip ... __stop_orc_unwind, symbols as kallsyms
 * would give them) equal the tables of the vmlinux file, entry by entry, on
 * every ORC sample (6.1: the old entry format, 6.12: the new one with
 * .orc_header); the format probe on the raw entries agrees with the file's
 * .orc_header test without the header symbol. The truth is the vmlinux's own
 * .orc_unwind_ip/.orc_unwind sections (readelf -S lists them); the frames
 * unwound with the memory tables are compared with the kernel's traces by
 * tests/t_orc_memory.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/layout.h"
#include "core/target/dump.h"
#include "core/unwind/orc.h"
#include "tests/lib/kdltest.h"

static void check(const char *variant, enum kdl_orc_format want)
{
	const char *dir = kdl_test_sample_dir(variant);
	char path[4096];
	struct kdl_debuginfo *di = NULL;
	struct kdl_dump *d = NULL;
	struct kdl_layout L;
	struct kdl_orc *file = NULL, *mem = NULL;
	size_t n, diff = 0;
	const void *raw;
	size_t rawsize;
	const char *ko;

	if (!dir) {
		kdl_test_skip("%s: sample not unpacked", variant);
		return;
	}
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	if (!kdl_test_ok(kdl_debuginfo_open(path, &di), "%s: vmlinux opens", variant))
		return;
	snprintf(path, sizeof(path), "%s/vmcore.kdump", dir);
	if (!kdl_test_ok(kdl_dump_open(path, "x86_64", &d), "%s: dump opens", variant))
		goto out;
	ko = kdl_dump_vmcoreinfo(d, "KERNELOFFSET");
	kdl_debuginfo_set_kaslr(di, ko ? strtoull(ko, NULL, 16) : 0);
	memset(&L, 0, sizeof(L));
	kdl_error_destroy(kdl_layout_resolve(di, kdl_dump_target(d), &L));
	kdl_test_ok(kdl_orc_load(kdl_dump_target(d), di, &L, &file), "%s: file tables", variant);
	kdl_test_ok(kdl_orc_load_memory(kdl_dump_target(d), di, &L, &mem), "%s: memory tables",
		    variant);
	if (!file || !mem) {
		kdl_test_fail("%s: a table is missing", variant);
		goto out;
	}
	n = kdl_orc_count(file);
	KDL_CHECK(n > 10000 && kdl_orc_count(mem) == n, "%s: %zu entries in memory, %zu in the "
		  "file", variant, kdl_orc_count(mem), n);
	KDL_CHECK(kdl_orc_format(mem) == want && kdl_orc_format(file) == want,
		  "%s: both read as the %s format", variant, want == KDL_ORC_FMT_NEW ? "6.3+" : "old");
	for (size_t i = 0; i < n; i++) {
		uint64_t a, b;
		struct kdl_orc_entry x, y;

		if (!kdl_orc_entry_at(file, i, &a, &x) || !kdl_orc_entry_at(mem, i, &b, &y) ||
		    a != b || memcmp(&x, &y, sizeof(x)))
			diff++;
	}
	KDL_CHECK(diff == 0, "%s: the memory tables equal the file's entry by entry (%zu differ)",
		  variant, diff);
	KDL_CHECK(kdl_debuginfo_section(di, ".orc_unwind", &raw, &rawsize, NULL) &&
		  kdl_orc_probe_format(raw, rawsize / 6) == want,
		  "%s: the entries alone say the format", variant);
out:
	kdl_orc_destroy(file);
	kdl_orc_destroy(mem);
	kdl_dump_destroy(d);
	kdl_debuginfo_destroy(di);
}

int main(void)
{
	check("6.1-orc", KDL_ORC_FMT_OLD);
	check("6.12-lockdep", KDL_ORC_FMT_NEW);
	check("6.12-rt", KDL_ORC_FMT_NEW);
	return kdl_test_done();
}
