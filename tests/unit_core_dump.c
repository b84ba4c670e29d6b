/* core/dump on the real 6.1-orc sample: each format opens with the facts of
 * its header and notes; makedumpfile's filtered pages read as "excluded",
 * never as plain faults; the ELF dump has every RAM page. */
#include <stdio.h>
#include <string.h>

#include "core/target/dump.h"
#include "tests/lib/kdltest.h"

static struct kdl_dump *open_one(const char *dir, const char *name)
{
	char path[4096];
	struct kdl_dump *d = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!kdl_test_ok(kdl_dump_open(path, "x86_64", &d), "open %s", name))
		return NULL;
	return d;
}

/* Read the first 8 bytes of each page of the first 256 MiB: count failures
 * by class. */
static void scan(struct kdl_dump *d, size_t *ok, size_t *excluded, size_t *other)
{
	*ok = *excluded = *other = 0;
	for (uint64_t pfn = 0; pfn < 65536; pfn++) {
		uint64_t v;
		struct kdl_error *err = kdl_dump_read_phys(d, pfn << 12, &v, sizeof(v));

		if (!err)
			(*ok)++;
		else if (err->code == KDL_ERR_EXCLUDED)
			(*excluded)++;
		else
			(*other)++;
		kdl_error_destroy(err);
	}
}

int main(void)
{
	const char *dir = kdl_test_sample_dir("6.1-orc");
	static const struct { const char *file, *format; } fmts[] = {
		{ "vmcore.kdump", "kdump" },
		{ "vmcore.elf", "elf" },
		{ "vmcore.qemu-kdump", "kdump-flattened" },
	};
	size_t ok, ex, other;

	if (!dir) {
		kdl_test_skip("6.1-orc sample not unpacked (make samples)");
		return kdl_test_done();
	}
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct kdl_dump *d = open_one(dir, fmts[i].file);
		int valid = 0;

		if (!d)
			continue;
		KDL_CHECK(!strcmp(kdl_dump_format(d), fmts[i].format), "%s: format %s (got %s)",
			  fmts[i].file, fmts[i].format, kdl_dump_format(d));
		KDL_CHECK(kdl_dump_has_vmcoreinfo(d), "%s: VMCOREINFO", fmts[i].file);
		KDL_CHECK(kdl_dump_release(d) && !strcmp(kdl_dump_release(d), "6.1.192"),
			  "%s: OSRELEASE 6.1.192", fmts[i].file);
		KDL_CHECK(kdl_dump_build_id(d) && strlen(kdl_dump_build_id(d)) == 40,
			  "%s: BUILD-ID", fmts[i].file);
		KDL_CHECK(!kdl_dump_truncated(d), "%s: not truncated", fmts[i].file);
		KDL_CHECK(kdl_dump_cpus(d) == 4, "%s: 4 CPUs in the notes", fmts[i].file);
		for (int c = 0; c < kdl_dump_cpus(d); c++) {
			struct kdl_regs r;

			if (kdl_dump_cpu_regs(d, c, &r, NULL) && r.ip >= 0xffffffff80000000ull)
				valid++;
		}
		KDL_CHECK(valid == 4, "%s: kernel RIP in all 4 CPUs' registers", fmts[i].file);
		scan(d, &ok, &ex, &other);
		if (!strcmp(fmts[i].format, "elf"))
			KDL_CHECK(ok > 60000 && ex == 0, "%s: every RAM page present (%zu ok, %zu "
				  "excluded, %zu other)", fmts[i].file, ok, ex, other);
		else if (!strcmp(fmts[i].format, "kdump"))
			/* makedumpfile -d 31: zero, cache, user and free pages dropped */
			KDL_CHECK(ex > 1000 && ok > 1000 && other < ex, "%s: filtered pages read as "
				  "excluded (%zu ok, %zu excluded, %zu other)", fmts[i].file, ok, ex,
				  other);
		kdl_dump_destroy(d);
	}
	{
		struct kdl_dump *d = NULL;
		char path[4096];

		snprintf(path, sizeof(path), "%s/vmcore-novmcoreinfo.elf", dir);
		if (kdl_test_ok(kdl_dump_open(path, "x86_64", &d), "open vmcore-novmcoreinfo.elf")) {
			uint64_t cr3 = 0;

			KDL_CHECK(!kdl_dump_has_vmcoreinfo(d), "no-VMCOREINFO dump has none");
			KDL_CHECK(kdl_dump_cpu_cr3(d, 0, &cr3) && cr3, "CR3 from QEMU's CPU notes");
			kdl_dump_destroy(d);
		}
	}
	return kdl_test_done();
}
