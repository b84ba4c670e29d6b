/* core/debuginfo/kallsyms.c - decode the kernel's kallsyms tables from dump
 * memory (format: kallsyms.h), read a System.map, and feed either to a
 * debuginfo as vmlinux symbols. */
#include "core/debuginfo/kallsyms.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debuginfo/debuginfo.h"

#define KS_MAX_SYMS (4u << 20)   /* a kernel has ~100k-300k */
#define KS_NAME_MAX 512          /* KSYM_NAME_LEN since 6.1 (128 before) */
#define KS_TOKEN_TABLE_MAX 65536 /* 256 tokens, each a few bytes */
#define KS_PAGE 4096u
#define KS_IMAGE_START 0xffffffff80000000ull

/* Sequential reader of a region of unknown length (kallsyms_names), a page
 * at a time. */
struct cursor {
	struct kdl_target *t;
	uint64_t addr; /* address of buf[0] */
	uint8_t buf[KS_PAGE];
	size_t len, pos;
};

static struct kdl_error *cursor_byte(struct cursor *c, uint8_t *out)
{
	if (c->pos == c->len) {
		uint64_t next = c->addr + c->len;
		size_t n = KS_PAGE - (size_t)(next % KS_PAGE);
		struct kdl_error *err = kdl_target_read(c->t, next, c->buf, n);

		/* the table may end inside a page that is not all readable */
		while (err && n > 1) {
			kdl_error_destroy(err);
			n = n > 64 ? 64 : 1;
			err = kdl_target_read(c->t, next, c->buf, n);
		}
		if (err)
			return kdl_error_wrap(err, "kallsyms_names at 0x%llx",
					      (unsigned long long)next);
		c->addr = next;
		c->len = n;
		c->pos = 0;
	}
	*out = c->buf[c->pos++];
	return NULL;
}

static bool blob_add(struct kdl_kallsyms *ks, const char *s, size_t len)
{
	if (ks->blob_len + len + 1 > ks->blob_cap) {
		size_t cap = ks->blob_cap ? ks->blob_cap * 2 : 1 << 20;
		char *nb;

		while (cap < ks->blob_len + len + 1)
			cap *= 2;
		nb = realloc(ks->blob, cap);
		if (!nb)
			return false;
		ks->blob = nb;
		ks->blob_cap = cap;
	}
	memcpy(ks->blob + ks->blob_len, s, len);
	ks->blob[ks->blob_len + len] = '\0';
	ks->blob_len += len + 1;
	return true;
}

/* Names are stored as blob offsets while the blob grows; pointers at the end. */
static void fix_names(struct kdl_kallsyms *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		ks->syms[i].name = ks->blob + (uintptr_t)ks->syms[i].name;
}

static struct kdl_kallsyms *ks_new(size_t cap, const char *source)
{
	struct kdl_kallsyms *ks = calloc(1, sizeof(*ks));

	if (!ks)
		return NULL;
	ks->source = source;
	ks->syms = calloc(cap ? cap : 1, sizeof(*ks->syms));
	if (!ks->syms) {
		free(ks);
		return NULL;
	}
	return ks;
}

void kdl_kallsyms_destroy(struct kdl_kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->blob);
	free(ks);
}

static bool parse_hex(const char *s, uint64_t *v)
{
	char *end;

	if (!s)
		return false;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return !errno && end != s;
}

bool kdl_kallsyms_addrs_from(const char *(*get)(void *arg, const char *key), void *arg,
			     struct kdl_kallsyms_addrs *out)
{
	struct kdl_kallsyms_addrs a = { 0 };

	parse_hex(get(arg, "SYMBOL(kallsyms_num_syms)"), &a.num_syms);
	parse_hex(get(arg, "SYMBOL(kallsyms_names)"), &a.names);
	parse_hex(get(arg, "SYMBOL(kallsyms_token_table)"), &a.token_table);
	parse_hex(get(arg, "SYMBOL(kallsyms_token_index)"), &a.token_index);
	parse_hex(get(arg, "SYMBOL(kallsyms_offsets)"), &a.offsets);
	parse_hex(get(arg, "SYMBOL(kallsyms_relative_base)"), &a.relative_base);
	parse_hex(get(arg, "SYMBOL(kallsyms_addresses)"), &a.addresses);
	*out = a;
	return a.num_syms && a.names && a.token_table && a.token_index &&
	       ((a.offsets && a.relative_base) || a.addresses);
}

/* The 256 tokens: index and table, every token terminated inside the table. */
struct tokens {
	uint16_t index[256];
	char *table;
	size_t size;
};

static struct kdl_error *read_tokens(struct kdl_target *t, const struct kdl_kallsyms_addrs *a,
				     struct tokens *tk)
{
	uint8_t raw[512];
	size_t max = 0;
	struct kdl_error *err = kdl_target_read(t, a->token_index, raw, sizeof(raw));

	if (err)
		return kdl_error_wrap(err, "kallsyms_token_index");
	for (int i = 0; i < 256; i++) {
		tk->index[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
		if (tk->index[i] > max)
			max = tk->index[i];
	}
	/* the last token starts at the largest index; tokens are short */
	tk->size = max + 256;
	if (tk->size > KS_TOKEN_TABLE_MAX)
		return kdl_error_create(KDL_ERR_CORRUPT, "kallsyms_token_index: token offset %zu "
					"past any token table", max);
	tk->table = malloc(tk->size);
	if (!tk->table)
		return kdl_error_create(KDL_ERR_NOMEM, "kallsyms tokens: out of memory");
	/* the table may end near an unmapped page: shrink to what reads */
	while ((err = kdl_target_read(t, a->token_table, tk->table, tk->size))) {
		if (tk->size <= max + 1) {
			free(tk->table);
			tk->table = NULL;
			return kdl_error_wrap(err, "kallsyms_token_table");
		}
		kdl_error_destroy(err);
		tk->size = max + 1 + (tk->size - max - 1) / 2;
	}
	for (int i = 0; i < 256; i++) {
		if (!memchr(tk->table + tk->index[i], '\0', tk->size - tk->index[i])) {
			free(tk->table);
			tk->table = NULL;
			return kdl_error_create(KDL_ERR_CORRUPT, "kallsyms_token_table: token %d "
						"is not terminated", i);
		}
	}
	return NULL;
}

/* Expand one name from the cursor into out (type char first). */
static struct kdl_error *expand_name(struct cursor *c, const struct tokens *tk, char *out,
				     size_t *outlen, size_t sym)
{
	uint8_t b0, b1;
	size_t len, n = 0;
	struct kdl_error *err = cursor_byte(c, &b0);

	if (err)
		return err;
	len = b0;
	if (b0 & 0x80) {
		if ((err = cursor_byte(c, &b1)))
			return err;
		len = (b0 & 0x7f) | (size_t)b1 << 7;
	}
	if (len == 0 || len > KS_NAME_MAX)
		return kdl_error_create(KDL_ERR_CORRUPT, "kallsyms_names: symbol %zu has "
					"compressed length %zu", sym, len);
	while (len--) {
		uint8_t tok;
		const char *p;

		if ((err = cursor_byte(c, &tok)))
			return err;
		for (p = tk->table + tk->index[tok]; *p; p++) {
			if (n + 1 >= KS_NAME_MAX || !isprint((unsigned char)*p) || *p == ' ')
				return kdl_error_create(KDL_ERR_CORRUPT, "kallsyms_names: symbol "
							"%zu is not a name", sym);
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	/* the type is nm's letter, or '?' (e.g. __nosave_begin) */
	if (n < 2 || !(isalpha((unsigned char)out[0]) || out[0] == '?'))
		return kdl_error_create(KDL_ERR_CORRUPT, "kallsyms_names: symbol %zu has no "
					"type or no name", sym);
	*outlen = n;
	return NULL;
}

/* Addresses of all symbols (runtime, as the kernel computes them). */
static struct kdl_error *read_addresses(struct kdl_target *t, const struct kdl_kallsyms_addrs *a,
					struct kdl_kallsyms *ks, uint32_t n)
{
	struct kdl_error *err;
	uint8_t *raw;
	size_t width = a->addresses ? 8 : 4;
	uint64_t base = 0;
	bool percpu = false;

	if (!a->addresses) {
		if ((err = kdl_target_read_u64(t, a->relative_base, &base)))
			return kdl_error_wrap(err, "kallsyms_relative_base");
	}
	raw = malloc((size_t)n * width);
	if (!raw)
		return kdl_error_create(KDL_ERR_NOMEM, "kallsyms: out of memory");
	err = kdl_target_read(t, a->addresses ? a->addresses : a->offsets, raw, (size_t)n * width);
	if (err) {
		free(raw);
		return kdl_error_wrap(err, "kallsyms_%s", a->addresses ? "addresses" : "offsets");
	}
	/* KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP up to 6.14) stores image symbols
	 * as negative values; without it every value is a plain unsigned offset */
	for (uint32_t i = 0; i < n && !a->addresses; i++)
		percpu |= (int32_t)(raw[4 * i] | raw[4 * i + 1] << 8 | raw[4 * i + 2] << 16 |
				    (uint32_t)raw[4 * i + 3] << 24) < 0;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p = raw + (size_t)i * width;
		uint64_t v = 0;

		for (size_t k = 0; k < width; k++)
			v |= (uint64_t)p[k] << (8 * k);
		if (!a->addresses) {
			int32_t o = (int32_t)(uint32_t)v;

			if (!percpu)
				v = base + (uint32_t)o;
			else if (o >= 0)
				v = (uint64_t)o;
			else
				v = base - 1 - (int64_t)o;
		}
		ks->syms[i].addr = v;
	}
	free(raw);
	return NULL;
}

struct kdl_error *kdl_kallsyms_read(struct kdl_target *t, const struct kdl_kallsyms_addrs *a,
				    struct kdl_kallsyms **out)
{
	struct tokens tk = { .table = NULL };
	struct kdl_kallsyms *ks = NULL;
	struct cursor *c = NULL;
	struct kdl_error *err;
	uint32_t n;
	size_t down = 0;

	if (!a->num_syms || !a->names || !a->token_table || !a->token_index ||
	    !((a->offsets && a->relative_base) || a->addresses))
		return kdl_error_create(KDL_ERR_NOTFOUND, "kallsyms tables not found (VMCOREINFO "
					"names them since Linux 6.0)");
	if ((err = kdl_target_read_u32(t, a->num_syms, &n)))
		return kdl_error_wrap(err, "kallsyms_num_syms");
	if (n == 0 || n > KS_MAX_SYMS)
		return kdl_error_create(KDL_ERR_CORRUPT, "kallsyms_num_syms is %u", n);
	if ((err = read_tokens(t, a, &tk)))
		return err;
	ks = ks_new(n, "kallsyms");
	c = calloc(1, sizeof(*c));
	if (!ks || !c) {
		err = kdl_error_create(KDL_ERR_NOMEM, "kallsyms: out of memory");
		goto fail;
	}
	c->t = t;
	c->addr = a->names;
	for (uint32_t i = 0; i < n; i++) {
		char name[KS_NAME_MAX];
		size_t len = 0;

		if ((err = expand_name(c, &tk, name, &len, i)))
			goto fail;
		ks->syms[i].type = name[0];
		ks->syms[i].name = (const char *)(uintptr_t)ks->blob_len;
		if (!blob_add(ks, name + 1, len - 1)) {
			err = kdl_error_create(KDL_ERR_NOMEM, "kallsyms: out of memory");
			goto fail;
		}
		ks->n = i + 1;
	}
	fix_names(ks);
	if ((err = read_addresses(t, a, ks, n)))
		goto fail;
	/* the table is sorted by address (per-CPU offsets first): a table that
	 * is not is not kallsyms */
	for (size_t i = 1; i < ks->n; i++)
		down += ks->syms[i].addr < ks->syms[i - 1].addr;
	if (down) {
		err = kdl_error_create(KDL_ERR_CORRUPT, "kallsyms: addresses not sorted (%zu "
				       "steps down)", down);
		goto fail;
	}
	free(tk.table);
	free(c);
	*out = ks;
	return NULL;
fail:
	free(tk.table);
	free(c);
	kdl_kallsyms_destroy(ks);
	return err;
}

struct kdl_error *kdl_kallsyms_read_map(const char *path, uint64_t kaslr,
					struct kdl_kallsyms **out)
{
	FILE *f = fopen(path, "r");
	struct kdl_kallsyms *ks;
	size_t cap = 1 << 16, lineno = 0;
	char line[1024];

	if (!f)
		return kdl_error_create(KDL_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	ks = ks_new(cap, "System.map");
	if (!ks) {
		fclose(f);
		return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
	}
	while (fgets(line, sizeof(line), f)) {
		char *end, type, *name;
		uint64_t addr;
		size_t len;

		lineno++;
		errno = 0;
		addr = strtoull(line, &end, 16);
		if (errno || end == line || *end != ' ' ||
		    !(isalpha((unsigned char)end[1]) || end[1] == '?') || end[2] != ' ')
			goto bad;
		type = end[1];
		name = end + 3;
		len = strcspn(name, " \t\r\n");
		if (!len || len >= KS_NAME_MAX)
			goto bad;
		if (ks->n == cap) {
			struct kdl_ksym *ns = realloc(ks->syms, 2 * cap * sizeof(*ns));

			if (!ns)
				goto nomem;
			ks->syms = ns;
			cap *= 2;
		}
		if (addr >= KS_IMAGE_START)
			addr += kaslr;
		ks->syms[ks->n].addr = addr;
		ks->syms[ks->n].type = type;
		ks->syms[ks->n].name = (const char *)(uintptr_t)ks->blob_len;
		if (!blob_add(ks, name, len))
			goto nomem;
		ks->n++;
		if (ks->n > KS_MAX_SYMS)
			goto bad;
	}
	fclose(f);
	if (!ks->n) {
		kdl_kallsyms_destroy(ks);
		return kdl_error_create(KDL_ERR_INPUT, "%s: no symbols (not a System.map)", path);
	}
	fix_names(ks);
	*out = ks;
	return NULL;
bad:
	fclose(f);
	kdl_kallsyms_destroy(ks);
	return kdl_error_create(KDL_ERR_INPUT, "%s:%zu: not a System.map line (ADDR TYPE NAME)",
				path, lineno);
nomem:
	fclose(f);
	kdl_kallsyms_destroy(ks);
	return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
}

bool kdl_kallsyms_lookup(const struct kdl_kallsyms *ks, const char *name, uint64_t *addr)
{
	for (size_t i = 0; i < ks->n; i++) {
		if (!strcmp(ks->syms[i].name, name)) {
			*addr = ks->syms[i].addr;
			return true;
		}
	}
	return false;
}

static int by_addr(const void *a, const void *b)
{
	const struct kdl_ksym *x = *(const struct kdl_ksym *const *)a;
	const struct kdl_ksym *y = *(const struct kdl_ksym *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct kdl_error *kdl_kallsyms_feed(const struct kdl_kallsyms *ks, struct kdl_debuginfo *di)
{
	const struct kdl_ksym **order = malloc((ks->n ? ks->n : 1) * sizeof(*order));
	size_t next = 0;

	if (!order)
		return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", ks->source);
	for (size_t i = 0; i < ks->n; i++)
		order[i] = &ks->syms[i];
	/* a System.map is sorted with nm -n; kallsyms already is */
	qsort(order, ks->n, sizeof(*order), by_addr);
	for (size_t i = 0; i < ks->n; i++) {
		const struct kdl_ksym *s = order[i];
		char ty = (char)toupper((unsigned char)s->type);
		uint64_t size = 0;
		struct kdl_error *err;

		if (ty == 'U' || ty == 'N' || !s->addr)
			continue;
		if (next <= i)
			for (next = i + 1; next < ks->n && order[next]->addr == s->addr; next++)
				;
		/* per-CPU offsets and image addresses do not border each other */
		if (next < ks->n && (s->addr >= KS_IMAGE_START) == (order[next]->addr >= KS_IMAGE_START))
			size = order[next]->addr - s->addr;
		err = kdl_debuginfo_add_symbol(di, NULL, s->name, s->addr, size,
					       ty == 'T' || ty == 'W');
		if (err) {
			free(order);
			return err;
		}
	}
	free(order);
	return NULL;
}
