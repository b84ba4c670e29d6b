/* core/target/pgtable.c - the x86_64 page-table walk of a dump (see dump_priv.h):
 * translation of kernel virtual addresses when the reader cannot (no
 * VMCOREINFO: from the CR3 of QEMU's CPU notes) or is bypassed (direct kdump
 * pages: from VMCOREINFO's init_top_pgt). Four levels, so every walk is
 * bounded; translations are cached per page in d->xlat.
 */
#include "core/target/dump_priv.h"

#include <stdlib.h>
#include <string.h>

struct kdl_error *kdl_pgt_translate(struct kdl_dump *d, uint64_t vaddr, uint64_t *paddr)
{
	uint64_t vpage = vaddr & ~0xfffull;
	struct kdl_xlat_entry *e = &d->xlat[(vpage >> 12) % KDL_XLAT_CACHE];
	uint64_t table = d->root_pgt ? d->root_pgt : d->vmcoreinfo_root, ent = 0;
	static const int shifts[4] = { 39, 30, 21, 12 };

	if (e->vpage == (vpage | 1)) {
		*paddr = e->ppage | (vaddr & 0xfff);
		return NULL;
	}
	for (int lvl = 0; lvl < 4; lvl++) {
		uint64_t idx = (vaddr >> shifts[lvl]) & 0x1ff;
		struct kdl_error *err = kdl_dump_read_phys(d, table + idx * 8, &ent, 8);

		if (err) {
			kdl_error_destroy(err);
			return kdl_error_create(KDL_ERR_FAULT, "translate 0x%llx: page table "
						"at 0x%llx not in dump", (unsigned long long)vaddr,
						(unsigned long long)table);
		}
		if (!(ent & 1))
			return kdl_error_create(KDL_ERR_FAULT, "translate 0x%llx: not mapped",
						(unsigned long long)vaddr);
		if ((lvl == 1 || lvl == 2) && (ent & 0x80)) {
			uint64_t mask = (1ull << shifts[lvl]) - 1;

			*paddr = ((ent & KDL_PTE_ADDR_MASK) & ~mask) | (vaddr & mask);
			e->vpage = vpage | 1;
			e->ppage = *paddr & ~0xfffull;
			return NULL;
		}
		table = ent & KDL_PTE_ADDR_MASK;
	}
	*paddr = table | (vaddr & 0xfff);
	e->vpage = vpage | 1;
	e->ppage = table;
	return NULL;
}

struct kdl_error *kdl_pgt_read(struct kdl_dump *d, uint64_t vaddr, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		uint64_t pa = 0;
		size_t n = 0x1000 - (vaddr & 0xfff);
		struct kdl_error *err = kdl_pgt_translate(d, vaddr, &pa);

		if (err)
			return err;
		if (n > len)
			n = len;
		err = d->fmt->read_phys(d, pa, p, n);
		if (err)
			return kdl_error_wrap(err, "read at 0x%llx", (unsigned long long)vaddr);
		p += n;
		vaddr += n;
		len -= n;
	}
	return NULL;
}

void kdl_pgt_root_from_vmcoreinfo(struct kdl_dump *d)
{
	/* the kernel's own page tables: pa = va - __START_KERNEL_map + phys_base */
	const char *top = kdl_dump_vmcoreinfo(d, "SYMBOL(init_top_pgt)");
	const char *pb = kdl_dump_vmcoreinfo(d, "NUMBER(phys_base)");
	const char *l5 = kdl_dump_vmcoreinfo(d, "NUMBER(pgtable_l5_enabled)");
	uint64_t va;

	if (!top || !pb || (l5 && strcmp(l5, "0")))
		return;
	va = strtoull(top, NULL, 16);
	if (va >= 0xffffffff80000000ull)
		d->vmcoreinfo_root = (va - 0xffffffff80000000ull + (uint64_t)strtoll(pb, NULL, 10)) &
				     KDL_PTE_ADDR_MASK;
}

bool kdl_pgt_root_from_cpus(struct kdl_dump *d)
{
	for (int i = 0; i < d->ncpus; i++) {
		if (d->cpus[i].has_cr3 && d->cpus[i].cr3) {
			d->root_pgt = d->cpus[i].cr3 & KDL_PTE_ADDR_MASK;
			break;
		}
	}
	return d->root_pgt != 0;
}
