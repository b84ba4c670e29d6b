/* core/target/kaslr.c - the KASLR search of kdl_dump_find_kaslr() (dump.h): for
 * dumps without VMCOREINFO, find where the kernel text lies by comparing known
 * bytes of it (passed in as data by core/analysis.c: linux_banner as the
 * vmlinux has it) at each candidate slot, read through the page tables of
 * the CPU notes (pgtable.c). */
#include "core/target/dump_priv.h"

#include <string.h>

struct kdl_error *kdl_dump_find_kaslr(struct kdl_dump *d, uint64_t link_addr,
				      const void *expect, size_t len, uint64_t *offset)
{
	/* KASLR moves the kernel image in 2 MiB steps inside the 1 GiB (or 2 GiB)
	 * kernel image area starting at 0xffffffff80000000. */
	const uint64_t area = 0xffffffff80000000ull, step = 0x200000;
	unsigned char buf[256];
	bool saved = d->pgwalk;

	if (!d->root_pgt)
		return kdl_error_create(KDL_ERR_NOTFOUND, "%s: no CR3 in the CPU notes to find "
					"the KASLR offset", d->path);
	if (len > sizeof(buf))
		len = sizeof(buf);
	d->pgwalk = true;
	for (uint64_t va = area; va >= area && va < area + 0x80000000ull - len; va += step) {
		uint64_t cand = va + (link_addr & (step - 1));
		struct kdl_error *err = kdl_dump_read_virt(d, cand, buf, len);

		if (err) {
			kdl_error_destroy(err);
			continue;
		}
		if (!memcmp(buf, expect, len)) {
			*offset = cand - link_addr;
			return NULL;
		}
	}
	d->pgwalk = saved;
	return kdl_error_create(KDL_ERR_NOTFOUND, "%s: kernel text of the vmlinux not found "
				"in the dump (KASLR offset unknown)", d->path);
}
