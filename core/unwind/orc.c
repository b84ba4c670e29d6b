/* core/unwind/orc.c - ORC tables: vmlinux (from the ELF file) and modules (from the
 * dump), normalised to one entry format and searched by binary search. */
#include "core/unwind/orc.h"

#include <stdlib.h>
#include <string.h>


#define ORC_MAX_ENTRIES (4u << 20) /* sanity bound for a table */
#define ORC_MAX_MODULES 1024

struct orc_table {
	uint64_t *ips;             /* runtime addresses, sorted */
	struct kdl_orc_entry *ent; /* parallel to ips */
	size_t n;
};

struct orc_module {
	uint64_t lo, hi;        /* text range [lo, hi) */
	uint64_t ip_ptr, ent_ptr;
	uint32_t num;
	bool tried;
	struct orc_table tab;
};

struct kdl_orc {
	enum kdl_orc_format fmt;
	struct orc_table vml;
	uint64_t text_lo, text_hi;   /* core text covered by vml */
	uint64_t init_lo, init_hi;   /* init text covered by vml */
	struct kdl_target *t;
	kdl_orc_scan_fn scan;
	void *scan_arg;
	bool modules_scanned;
	struct orc_module *mods;
	size_t nmods;
};

void kdl_orc_decode(enum kdl_orc_format fmt, const uint8_t raw[6], struct kdl_orc_entry *out)
{
	struct kdl_orc_entry e;

	e.sp_offset = (int16_t)(raw[0] | (raw[1] << 8));
	e.bp_offset = (int16_t)(raw[2] | (raw[3] << 8));
	e.sp_reg = raw[4] & 0xf;
	e.bp_reg = raw[4] >> 4;
	if (fmt == KDL_ORC_FMT_NEW) {
		unsigned type = raw[5] & 0x7;

		e.type = type <= KDL_ORC_REGS_PARTIAL ? (uint8_t)type : KDL_ORC_UNDEFINED;
		e.signal = (raw[5] >> 3) & 1;
	} else {
		unsigned type = raw[5] & 0x3;
		bool end = (raw[5] >> 2) & 1;

		if (e.sp_reg == KDL_ORC_REG_UNDEFINED)
			e.type = end ? KDL_ORC_END_OF_STACK : KDL_ORC_UNDEFINED;
		else if (type == 0)
			e.type = KDL_ORC_CALL;
		else if (type == 1)
			e.type = KDL_ORC_REGS;
		else if (type == 2)
			e.type = KDL_ORC_REGS_PARTIAL;
		else
			e.type = KDL_ORC_UNDEFINED;
		/* Old kernels: a frame reached through regs is a signal frame. */
		e.signal = e.type == KDL_ORC_REGS || e.type == KDL_ORC_REGS_PARTIAL;
	}
	*out = e;
}

/* Sorting: by ip; on equal ips the "weak" section terminators (undefined
 * entries) go first so the rightmost match is a real entry. */
struct sort_item {
	uint64_t ip;
	struct kdl_orc_entry e;
};

static int cmp_item(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;

	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	if ((x->e.type == KDL_ORC_UNDEFINED) != (y->e.type == KDL_ORC_UNDEFINED))
		return x->e.type == KDL_ORC_UNDEFINED ? -1 : 1;
	return 0;
}

/* Fill tab from absolute ips and raw entries; takes nothing, copies. */
static struct kdl_error *table_build(struct orc_table *tab, enum kdl_orc_format fmt,
				     const uint64_t *ips, const uint8_t *raw, size_t n)
{
	struct sort_item *items;
	bool sorted = true;
	size_t i;

	tab->ips = NULL;
	tab->ent = NULL;
	tab->n = 0;
	if (n == 0)
		return NULL;
	items = calloc(n, sizeof(*items));
	tab->ips = calloc(n, sizeof(*tab->ips));
	tab->ent = calloc(n, sizeof(*tab->ent));
	if (!items || !tab->ips || !tab->ent) {
		free(items);
		free(tab->ips);
		free(tab->ent);
		tab->ips = NULL;
		tab->ent = NULL;
		return kdl_error_create(KDL_ERR_NOMEM, "ORC table of %zu entries", n);
	}
	for (i = 0; i < n; i++) {
		items[i].ip = ips[i];
		kdl_orc_decode(fmt, raw + 6 * i, &items[i].e);
		if (i && cmp_item(&items[i - 1], &items[i]) > 0)
			sorted = false;
	}
	if (!sorted)
		qsort(items, n, sizeof(*items), cmp_item);
	for (i = 0; i < n; i++) {
		tab->ips[i] = items[i].ip;
		tab->ent[i] = items[i].e;
	}
	tab->n = n;
	free(items);
	return NULL;
}

static void table_free(struct orc_table *tab)
{
	free(tab->ips);
	free(tab->ent);
	tab->ips = NULL;
	tab->ent = NULL;
	tab->n = 0;
}

/* Rightmost entry with ips[i] <= ip. */
static bool table_find(const struct orc_table *tab, uint64_t ip, struct kdl_orc_entry *out)
{
	size_t lo = 0, hi = tab->n, found;

	if (tab->n == 0 || ip < tab->ips[0])
		return false;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tab->ips[mid] <= ip)
			lo = mid;
		else
			hi = mid;
	}
	found = lo;
	*out = tab->ent[found];
	return true;
}

struct kdl_error *kdl_orc_create_raw(enum kdl_orc_format fmt, const uint64_t *ips,
				     const uint8_t *raw, size_t n, uint64_t kaslr,
				     struct kdl_orc **out)
{
	struct kdl_orc *orc;
	struct kdl_error *err;
	size_t i;

	orc = calloc(1, sizeof(*orc));
	if (!orc)
		return kdl_error_create(KDL_ERR_NOMEM, "ORC tables");
	orc->fmt = fmt;
	err = table_build(&orc->vml, fmt, ips, raw, n);
	if (err) {
		free(orc);
		return err;
	}
	for (i = 0; i < orc->vml.n; i++)
		orc->vml.ips[i] += kaslr;
	if (orc->vml.n) {
		orc->text_lo = orc->vml.ips[0];
		orc->text_hi = orc->vml.ips[orc->vml.n - 1] + 1;
	}
	orc->modules_scanned = true; /* until kdl_orc_set_modules() */
	*out = orc;
	return NULL;
}

void kdl_orc_destroy(struct kdl_orc *orc)
{
	size_t i;

	if (!orc)
		return;
	table_free(&orc->vml);
	for (i = 0; i < orc->nmods; i++)
		table_free(&orc->mods[i].tab);
	free(orc->mods);
	free(orc);
}

enum kdl_orc_format kdl_orc_format(const struct kdl_orc *orc)
{
	return orc->fmt;
}

struct kdl_target *kdl_orc_target(const struct kdl_orc *orc)
{
	return orc->t;
}

size_t kdl_orc_count(const struct kdl_orc *orc)
{
	return orc->vml.n;
}

bool kdl_orc_entry_at(const struct kdl_orc *orc, size_t i, uint64_t *ip,
		      struct kdl_orc_entry *out)
{
	if (!orc || i >= orc->vml.n)
		return false;
	*ip = orc->vml.ips[i];
	*out = orc->vml.ent[i];
	return true;
}

enum kdl_orc_format kdl_orc_probe_format(const uint8_t *raw, size_t n)
{
	size_t old_call = 0, new_call = 0;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = raw + 6 * i;

		if ((e[4] & 0xf) == KDL_ORC_REG_UNDEFINED)
			continue;
		old_call += (e[5] & 0x3) == 0;
		new_call += (e[5] & 0x7) == 2;
	}
	return new_call > old_call ? KDL_ORC_FMT_NEW : KDL_ORC_FMT_OLD;
}

/* Read a module's ORC table from the dump (once). */
static void load_module_table(struct kdl_orc *orc, struct orc_module *m)
{
	uint8_t *ipraw = NULL, *entraw = NULL;
	uint64_t *ips = NULL;
	size_t i, n = m->num;
	struct kdl_error *err;

	m->tried = true;
	if (n == 0 || n > ORC_MAX_ENTRIES || !m->ip_ptr || !m->ent_ptr)
		return;
	ipraw = malloc(n * 4);
	entraw = malloc(n * 6);
	ips = malloc(n * sizeof(*ips));
	if (!ipraw || !entraw || !ips)
		goto out;
	err = kdl_target_read(orc->t, m->ip_ptr, ipraw, n * 4);
	if (!err)
		err = kdl_target_read(orc->t, m->ent_ptr, entraw, n * 6);
	if (err) {
		kdl_error_destroy(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		int32_t rel = (int32_t)((uint32_t)ipraw[4 * i] | (uint32_t)ipraw[4 * i + 1] << 8 |
					(uint32_t)ipraw[4 * i + 2] << 16 |
					(uint32_t)ipraw[4 * i + 3] << 24);

		ips[i] = m->ip_ptr + 4 * i + (uint64_t)(int64_t)rel;
	}
	err = table_build(&m->tab, orc->fmt, ips, entraw, n);
	kdl_error_destroy(err);
out:
	free(ipraw);
	free(entraw);
	free(ips);
}

bool kdl_orc_find(struct kdl_orc *orc, uint64_t ip, struct kdl_orc_entry *out)
{
	size_t i;

	if (!orc)
		return false;
	if ((ip >= orc->text_lo && ip < orc->text_hi) || (ip >= orc->init_lo && ip < orc->init_hi))
		return table_find(&orc->vml, ip, out);
	if (!orc->modules_scanned) {
		orc->modules_scanned = true;
		if (orc->scan)
			orc->scan(orc->scan_arg, orc);
	}
	for (i = 0; i < orc->nmods; i++) {
		struct orc_module *m = &orc->mods[i];

		if (ip < m->lo || ip >= m->hi)
			continue;
		if (!m->tried)
			load_module_table(orc, m);
		return table_find(&m->tab, ip, out);
	}
	return false;
}

void kdl_orc_set_text(struct kdl_orc *orc, uint64_t lo, uint64_t hi, uint64_t init_lo,
		      uint64_t init_hi)
{
	if (lo < hi) {
		orc->text_lo = lo;
		orc->text_hi = hi;
	}
	if (init_lo < init_hi) {
		orc->init_lo = init_lo;
		orc->init_hi = init_hi;
	}
}

void kdl_orc_set_modules(struct kdl_orc *orc, struct kdl_target *t, kdl_orc_scan_fn scan,
			 void *arg)
{
	orc->t = t;
	orc->scan = scan;
	orc->scan_arg = arg;
	orc->modules_scanned = !t || !scan;
}

bool kdl_orc_add_module(struct kdl_orc *orc, uint64_t text_lo, uint64_t text_hi,
			uint64_t ip_ptr, uint64_t ent_ptr, uint32_t num)
{
	struct orc_module *m;

	if (orc->nmods >= ORC_MAX_MODULES || text_lo >= text_hi)
		return false;
	m = realloc(orc->mods, (orc->nmods + 1) * sizeof(*m));
	if (!m)
		return false;
	orc->mods = m;
	m = &orc->mods[orc->nmods++];
	memset(m, 0, sizeof(*m));
	m->lo = text_lo;
	m->hi = text_hi;
	m->ip_ptr = ip_ptr;
	m->ent_ptr = ent_ptr;
	m->num = num;
	return true;
}
