/* core/unwind/orc_load.c - load ORC tables of a real kernel: vmlinux tables from the
 * ELF file (through core/debuginfo) or, without them, from the dump's memory
 * (between the symbols __start_orc_unwind_ip ... __stop_orc_unwind), module
 * tables found in the dump through the kernel's `modules` list. Kept apart
 * from core/unwind/orc.c so that the table code links without debuginfo
 * (unit tests). */
#include <stdlib.h>

#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/layout.h"
#include "core/unwind/orc.h"

#define ORC_MAX_ENTRIES (4u << 20)
#define ORC_MAX_MODULES 1024

/* Walk the dump's module list once and record each module's text range and
 * ORC table pointers. Failures leave the list short; they are not errors. */
static void scan_modules(void *arg, struct kdl_orc *orc)
{
	const struct kdl_layout *L = arg;
	struct kdl_target *t = kdl_orc_target(orc);
	uint64_t head = L->modules, o_list, o_ip, o_ent, o_num, o_base, o_size, node;
	size_t count = 0;

	if (!t || !head)
		return;
	if (!L->module.list.ok || !L->module.orc_unwind_ip.ok || !L->module.orc_unwind.ok ||
	    !L->module.num_orcs.ok)
		return;
	o_list = L->module.list.off;
	o_ip = L->module.orc_unwind_ip.off;
	o_ent = L->module.orc_unwind.off;
	o_num = L->module.num_orcs.off;
	if (L->module.mem.ok) {
		/* 6.4+: mem[MOD_TEXT] */
		if (!L->module.mem_text_base.ok || !L->module.mem_text_size.ok)
			return;
		o_base = L->module.mem_text_base.off;
		o_size = L->module.mem_text_size.off;
	} else if (L->module.core_base.ok && L->module.core_text_size.ok) {
		o_base = L->module.core_base.off;
		o_size = L->module.core_text_size.off;
	} else {
		return;
	}
	if (!kdl_target_peek_u64(t, head, &node))
		return;
	while (node != head && node != 0 && count++ < ORC_MAX_MODULES) {
		uint64_t mod = node - o_list, base, ipp, entp, next;
		uint32_t size, num;
		struct kdl_error *e1, *e2;

		if (!kdl_target_peek_u64(t, node, &next))
			break;
		e1 = kdl_target_read_u32(t, mod + o_size, &size);
		e2 = kdl_target_read_u32(t, mod + o_num, &num);
		if (!e1 && !e2 && kdl_target_peek_u64(t, mod + o_base, &base) &&
		    kdl_target_peek_u64(t, mod + o_ip, &ipp) &&
		    kdl_target_peek_u64(t, mod + o_ent, &entp))
			(void)kdl_orc_add_module(orc, base, base + size, ipp, entp, num);
		kdl_error_destroy(e1);
		kdl_error_destroy(e2);
		node = next;
	}
}

static int32_t le32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			 (uint32_t)p[3] << 24);
}

/* The text ranges and the module scan, for tables from either source. */
static void finish(struct kdl_orc *orc, struct kdl_target *t, struct kdl_debuginfo *di,
		   const struct kdl_layout *L)
{
	uint64_t a = 0, b = 0, c = 0, d = 0;

	if (!kdl_debuginfo_symbol_addr(di, "_stext", &a) || !kdl_debuginfo_symbol_addr(di, "_etext", &b))
		a = b = 0;
	if (!kdl_debuginfo_symbol_addr(di, "_sinittext", &c) ||
	    !kdl_debuginfo_symbol_addr(di, "_einittext", &d))
		c = d = 0;
	kdl_orc_set_text(orc, a, b, c, d);
	kdl_orc_set_modules(orc, t, scan_modules, (void *)L);
}

struct kdl_error *kdl_orc_load_memory(struct kdl_target *t, struct kdl_debuginfo *di,
				      const struct kdl_layout *L, struct kdl_orc **out)
{
	uint64_t ip0, ip1, e0, e1, hdr, kaslr = kdl_debuginfo_kaslr(di), *ips = NULL;
	uint8_t *ipraw = NULL, *entraw = NULL;
	struct kdl_orc *orc = NULL;
	struct kdl_error *err;
	enum kdl_orc_format fmt;
	size_t n;

	*out = NULL;
	if (!t || !kdl_debuginfo_symbol_addr(di, "__start_orc_unwind_ip", &ip0) ||
	    !kdl_debuginfo_symbol_addr(di, "__stop_orc_unwind_ip", &ip1) ||
	    !kdl_debuginfo_symbol_addr(di, "__start_orc_unwind", &e0) ||
	    !kdl_debuginfo_symbol_addr(di, "__stop_orc_unwind", &e1))
		return NULL; /* no ORC symbols: a frame-pointer kernel */
	n = ip1 > ip0 ? (size_t)(ip1 - ip0) / 4 : 0;
	if (n == 0 || (ip1 - ip0) % 4 || e1 < e0 || e1 - e0 != 6 * (uint64_t)n ||
	    n > ORC_MAX_ENTRIES)
		return kdl_error_create(KDL_ERR_CORRUPT, "ORC tables in memory: __start_orc_unwind_ip"
					" .. __stop_orc_unwind_ip (0x%llx bytes) and .orc_unwind "
					"(0x%llx bytes) do not match", (unsigned long long)(ip1 - ip0),
					(unsigned long long)(e1 - e0));
	ipraw = malloc(n * 4);
	entraw = malloc(n * 6);
	ips = malloc(n * sizeof(*ips));
	if (!ipraw || !entraw || !ips) {
		err = kdl_error_create(KDL_ERR_NOMEM, "ORC table of %zu entries", n);
		goto out;
	}
	err = kdl_target_read(t, ip0, ipraw, n * 4);
	if (!err)
		err = kdl_target_read(t, e0, entraw, n * 6);
	if (err) {
		err = kdl_error_wrap(err, "ORC tables in memory");
		goto out;
	}
	/* runtime ips, kept link-time like the ELF's: the table adds KASLR */
	for (size_t i = 0; i < n; i++)
		ips[i] = ip0 + 4 * i + (uint64_t)(int64_t)le32(ipraw + 4 * i) - kaslr;
	/* 6.3+ has .orc_header (and its __start_orc_header symbol); without the
	 * symbol the entries themselves say which format they are in */
	fmt = kdl_debuginfo_symbol_addr(di, "__start_orc_header", &hdr) ? KDL_ORC_FMT_NEW :
	      kdl_orc_probe_format(entraw, n);
	err = kdl_orc_create_raw(fmt, ips, entraw, n, kaslr, &orc);
	if (!err) {
		finish(orc, t, di, L);
		*out = orc;
	}
out:
	free(ipraw);
	free(entraw);
	free(ips);
	return err;
}

struct kdl_error *kdl_orc_load(struct kdl_target *t, struct kdl_debuginfo *di,
			       const struct kdl_layout *L, struct kdl_orc **out)
{
	const void *ipdata, *entdata, *hdr;
	size_t ipsize, entsize, hdrsize, n, i;
	uint64_t ipaddr, entaddr, hdraddr, *ips;
	const uint8_t *p;
	struct kdl_orc *orc = NULL;
	struct kdl_error *err;
	enum kdl_orc_format fmt;

	*out = NULL;
	if (!kdl_debuginfo_section(di, ".orc_unwind_ip", &ipdata, &ipsize, &ipaddr) ||
	    !kdl_debuginfo_section(di, ".orc_unwind", &entdata, &entsize, &entaddr))
		return kdl_orc_load_memory(t, di, L, out); /* no vmlinux file, or no ORC */
	n = ipsize / 4;
	if (n == 0 || ipsize % 4 || entsize % 6 || entsize / 6 != n || n > ORC_MAX_ENTRIES)
		return kdl_error_create(KDL_ERR_VMLINUX,
					"ORC tables: .orc_unwind_ip (%zu bytes) and .orc_unwind "
					"(%zu bytes) do not match", ipsize, entsize);
	/* 6.3 changed struct orc_entry and added .orc_header (a hash of it). */
	fmt = kdl_debuginfo_section(di, ".orc_header", &hdr, &hdrsize, &hdraddr) ?
		KDL_ORC_FMT_NEW : KDL_ORC_FMT_OLD;
	ips = malloc(n * sizeof(*ips));
	if (!ips)
		return kdl_error_create(KDL_ERR_NOMEM, "ORC table of %zu entries", n);
	p = ipdata;
	for (i = 0; i < n; i++)
		ips[i] = ipaddr + 4 * i + (uint64_t)(int64_t)le32(p + 4 * i);
	err = kdl_orc_create_raw(fmt, ips, entdata, n, kdl_debuginfo_kaslr(di), &orc);
	free(ips);
	if (err)
		return err;
	finish(orc, t, di, L);
	*out = orc;
	return NULL;
}
