/* tests/unit_locks_names.c - lock names on a real dump, for the forms the
 * samples' scenarios do not cover: a per-CPU variable ("runqueues.__lock on
 * CPU 1"), a member of a global struct ("init_mm.mmap_lock"), a task stack.
 * The truth is the kernel's own layout: symbol addresses and member offsets
 * from its DWARF, __per_cpu_offset[] from its memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/debuginfo/debuginfo.h"
#include "core/target/dump.h"
#include "core/debuginfo/layout.h"
#include "core/locks/names.h"
#include "tests/lib/kdltest.h"

static void one(const char *variant)
{
	const char *dir = kdl_test_sample_dir(variant);
	char core[4096], vml[4096];
	struct kdl_analysis *an = NULL;
	struct kdl_dump *d = NULL;
	struct kdl_debuginfo *di = NULL;
	static struct kdl_layout full;
	struct kdl_layout_locks L;
	struct kdl_model m;
	struct kdl_lock l;
	uint64_t rq, pcpu1, lockoff, initmm, mmoff;
	const struct kdl_model *am;

	if (!dir) {
		kdl_test_skip("%s: sample not unpacked (make samples)", variant);
		return;
	}
	snprintf(core, sizeof(core), "%s/vmcore.kdump", dir);
	snprintf(vml, sizeof(vml), "%s/vmlinux", dir);
	if (!kdl_test_ok(kdl_analysis_open(core, vml, NULL, &an), "%s: analyse", variant))
		return;
	am = kdl_analysis_model(an);
	if (!kdl_test_ok(kdl_dump_open(core, "x86_64", &d), "%s: open dump", variant) ||
	    !kdl_test_ok(kdl_debuginfo_open(vml, &di), "%s: open vmlinux", variant))
		goto out;
	kdl_debuginfo_set_kaslr(di, am->dump.kaslr_offset);
	if (!kdl_test_ok(kdl_layout_resolve(di, kdl_dump_target(d), &full), "%s: layout", variant))
		goto out;
	L = full.lk;
	m = *am; /* a shallow copy: the naming swaps its lock array for a moment */

	if (kdl_debuginfo_symbol_addr(di, "runqueues", &rq) && L.per_cpu_offset_addr &&
	    kdl_target_peek_u64(kdl_dump_target(d), L.per_cpu_offset_addr + 8, &pcpu1) &&
	    !kdl_debuginfo_member_offset(di, "struct rq", "__lock", &lockoff)) {
		if (kdl_test_ok(kdl_names_lock_at(kdl_dump_target(d), di, &L, &m, 0,
						  rq + pcpu1 + lockoff, &l), "%s: name per-CPU", variant)) {
			KDL_CHECK(l.name && !strcmp(l.name, "runqueues.__lock on CPU 1") &&
				  l.percpu_cpu == 1, "%s: per-CPU lock named '%s'", variant,
				  l.name ? l.name : "(null)");
			kdl_names_clear(&l);
		}
	} else {
		kdl_test_fail("%s: runqueues/__per_cpu_offset/rq.__lock not found", variant);
	}

	if (kdl_debuginfo_symbol_addr(di, "init_mm", &initmm) &&
	    !kdl_debuginfo_member_offset(di, "struct mm_struct", "mmap_lock", &mmoff)) {
		if (kdl_test_ok(kdl_names_lock_at(kdl_dump_target(d), di, &L, &m, 0, initmm + mmoff, &l),
				"%s: name a global's member", variant)) {
			KDL_CHECK(l.name && !strcmp(l.name, "init_mm.mmap_lock") && l.symbol &&
				  !strcmp(l.symbol, "init_mm") && l.offset == mmoff,
				  "%s: global member named '%s'", variant, l.name ? l.name : "(null)");
			kdl_names_clear(&l);
		}
	}

	/* the first super_block on super_blocks (kzalloc'ed: a kmalloc cache) */
	{
		uint64_t head, first, slist, umount, stype, np;
		char fs[32] = "", want[128];

		if (kdl_debuginfo_symbol_addr(di, "super_blocks", &head) &&
		    kdl_target_peek_u64(kdl_dump_target(d), head, &first) && first != head &&
		    !kdl_debuginfo_member_offset(di, "struct super_block", "s_list", &slist) &&
		    !kdl_debuginfo_member_offset(di, "struct super_block", "s_umount", &umount) &&
		    !kdl_debuginfo_member_offset(di, "struct super_block", "s_type", &stype) &&
		    kdl_target_peek_u64(kdl_dump_target(d), first - slist + stype, &np) &&
		    kdl_target_peek_u64(kdl_dump_target(d), np, &np) &&
		    !kdl_target_read(kdl_dump_target(d), np, fs, sizeof(fs) - 1)) {
			uint64_t sb = first - slist;

			snprintf(want, sizeof(want), "super_block.s_umount @0x%llx (%s)",
				 (unsigned long long)sb, fs);
			if (kdl_test_ok(kdl_names_lock_at(kdl_dump_target(d), di, &L, &m, 0, sb + umount, &l),
					"%s: name a super_block's s_umount", variant)) {
				KDL_CHECK(l.name && !strcmp(l.name, want) && l.cache &&
					  !strncmp(l.cache, "kmalloc", 7),
					  "%s: s_umount named '%s' (want '%s', cache %s)", variant,
					  l.name ? l.name : "(null)", want, l.cache ? l.cache : "-");
				kdl_names_clear(&l);
			}
		} else {
			kdl_test_fail("%s: no super_block to name", variant);
		}
	}

	for (size_t i = 0; i < m.ntasks; i++) {
		char want[64];

		if (!m.tasks[i].stack_base || m.tasks[i].pid == 0)
			continue;
		snprintf(want, sizeof(want), "stack of pid %d", m.tasks[i].pid);
		if (kdl_test_ok(kdl_names_lock_at(kdl_dump_target(d), di, &L, &m, 0,
						  m.tasks[i].stack_base + 0x1000, &l),
				"%s: name a stack address", variant)) {
			KDL_CHECK(l.name && !strcmp(l.name, want) && l.stack_pid == m.tasks[i].pid,
				  "%s: stack address named '%s'", variant, l.name ? l.name : "(null)");
			kdl_names_clear(&l);
		}
		break;
	}
out:
	kdl_debuginfo_destroy(di);
	kdl_dump_destroy(d);
	kdl_analysis_destroy(an);
}

int main(void)
{
	one("6.1-orc");
	one("6.12-lockdep");
	return kdl_test_done();
}
