/* core/debuginfo/btf_types.c - the BTF type source (typesrc.h): type sizes,
 * member offsets and paths, enumerators and the types of per-CPU variables
 * from the kernel's BTF (libbpf parses it; this file only walks the parsed
 * types), with module BTF split on top of the kernel's.
 *
 * What BTF lacks, and so this source: line info (no `lines` op) and the types
 * of global variables other than the per-CPU ones that the kernel's BTF lists
 * in its DATASEC ".data..percpu" (var_type answers NOTFOUND for the rest;
 * "var NAME" member lookups of another global take the one anonymous struct
 * that has the path's first member, e.g. tk_core's "timekeeper", else
 * NOTFOUND).
 *
 * The BTF is parsed once (btf__new copies it); names are indexed lazily, in
 * one pass over a BTF object's types on its first lookup (libbpf's own
 * btf__find_by_name_kind scans every type on each call). The walks mirror
 * dwarf_types.c so that both sources answer the same questions alike:
 * anonymous struct/union members are looked through, typedefs and qualifiers
 * followed, a bitfield's offset is that of the storage unit holding it.
 */
#include "core/debuginfo/debuginfo_priv.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* kinds of the name index: key "s:name" (struct), "u:", "e:", "t:" typedef
 * or base type, "v:" per-CPU variable (a: its type id), "E:" enumerator
 * (a: value) */
enum { BTF_NAME_TYPE = 1, BTF_NAME_ENUMERATOR, BTF_NAME_VAR };

struct btf_obj {
	char *module;           /* NULL for the kernel's own BTF */
	struct btf *btf;
	struct kdl_strmap names;
	bool indexed;
};

struct kdl_btf_src {
	struct btf_obj vm;      /* vm.btf NULL until BTF is given */
	struct btf_obj *mods;
	size_t nmods;
};

/* ---------------------------------------------------------------- index */

static void index_key(struct btf_obj *o, char prefix, const char *name, int kind, uint64_t v)
{
	char key[512];

	if (!name || !name[0])
		return;
	snprintf(key, sizeof(key), "%c:%s", prefix, name);
	kdl_strmap_put(&o->names, key, kind, v, 0);
}

/* An enumerator as its type means it: sign- or zero-extended from the
 * enumeration's size (kflag: signed), as the DWARF source reads them. */
static uint64_t enum_extend(const struct btf_type *t, uint64_t v)
{
	unsigned int bits = t->size > 0 && t->size < 8 ? 8 * t->size : 64;

	if (bits == 64)
		return v;
	v &= (1ull << bits) - 1;
	if (btf_kflag(t) && (v & (1ull << (bits - 1))))
		v |= ~((1ull << bits) - 1);
	return v;
}

static void index_enum(struct btf_obj *o, const struct btf_type *t)
{
	for (unsigned int i = 0; i < btf_vlen(t); i++) {
		const char *n;
		uint64_t v;

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t) + i;

			n = btf__name_by_offset(o->btf, e->name_off);
			v = (uint64_t)(uint32_t)e->val;
		} else {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			n = btf__name_by_offset(o->btf, e->name_off);
			v = btf_enum64_value(e);
		}
		index_key(o, 'E', n, BTF_NAME_ENUMERATOR, enum_extend(t, v));
	}
}

static void index_percpu(struct btf_obj *o, const struct btf_type *sec)
{
	const struct btf_var_secinfo *vi = btf_var_secinfos(sec);

	for (unsigned int i = 0; i < btf_vlen(sec); i++) {
		const struct btf_type *v = btf__type_by_id(o->btf, vi[i].type);

		if (v && btf_is_var(v))
			index_key(o, 'v', btf__name_by_offset(o->btf, v->name_off), BTF_NAME_VAR,
				  v->type);
	}
}

/* One pass over the object's own types (a split BTF's base is indexed as
 * the kernel's); the first definition of a name wins, as in DWARF order. */
static void index_obj(struct btf_obj *o)
{
	const struct btf *base = btf__base_btf(o->btf);
	uint32_t first = base ? btf__type_cnt(base) : 1, n = btf__type_cnt(o->btf);

	o->indexed = true;
	for (uint32_t id = first; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(o->btf, id);
		const char *name;
		char p;

		if (!t)
			continue;
		name = btf__name_by_offset(o->btf, t->name_off);
		switch (btf_kind(t)) {
		case BTF_KIND_STRUCT: p = 's'; break;
		case BTF_KIND_UNION: p = 'u'; break;
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			index_enum(o, t);
			p = 'e';
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_INT:
		case BTF_KIND_FLOAT:
			p = 't';
			break;
		case BTF_KIND_DATASEC:
			if (name && !strcmp(name, ".data..percpu"))
				index_percpu(o, t);
			continue;
		default:
			continue;
		}
		index_key(o, p, name, BTF_NAME_TYPE, id);
	}
}

/* The entry of key in the kernel's BTF, else in the first module that has
 * it; *btf is the BTF object that id or value belongs to. */
static const struct kdl_strent *find_name(struct kdl_btf_src *src, const char *key,
					  const struct btf **btf)
{
	for (size_t i = 0; i <= src->nmods; i++) {
		struct btf_obj *o = i ? &src->mods[i - 1] : &src->vm;
		const struct kdl_strent *e;

		if (!o->btf)
			continue;
		if (!o->indexed)
			index_obj(o);
		e = kdl_strmap_find(&o->names, key);
		if (e) {
			*btf = o->btf;
			return e;
		}
	}
	return NULL;
}

static bool lookup_type(struct kdl_btf_src *src, const char *type, const struct btf **btf,
			uint32_t *id)
{
	char key[512];
	const struct kdl_strent *e;

	kdl_di_type_key(type, key, sizeof(key));
	e = find_name(src, key, btf);
	if (!e)
		return false;
	*id = (uint32_t)e->a;
	return true;
}

/* ---------------------------------------------------------------- walks */

/* Follow typedefs, qualifiers and type tags; NULL at void or a broken id. */
static const struct btf_type *strip(const struct btf *btf, uint32_t *id)
{
	for (int i = 0; i < 32; i++) {
		const struct btf_type *t = *id ? btf__type_by_id(btf, *id) : NULL;

		if (!t)
			return NULL;
		if (!btf_is_typedef(t) && !btf_is_mod(t))
			return t;
		*id = t->type;
	}
	return NULL;
}

static bool size_of(const struct btf *btf, uint32_t id, uint64_t *size)
{
	int64_t s = btf__resolve_size(btf, id);

	if (s < 0)
		return false;
	*size = (uint64_t)s;
	return true;
}

/* Byte offset of member i: a bitfield's is that of the storage unit (its
 * type's size, aligned) holding its first bit. */
static uint64_t member_off(const struct btf *btf, const struct btf_type *agg, unsigned int i)
{
	uint32_t bit = btf_member_bit_offset(agg, i);
	uint64_t off = bit / 8, sz;

	if ((btf_member_bitfield_size(agg, i) || bit % 8) &&
	    size_of(btf, btf_members(agg)[i].type, &sz) && sz && sz <= 8 && !(sz & (sz - 1)))
		off &= ~(sz - 1);
	return off;
}

/* A direct member by name, looking through anonymous struct/union members;
 * *off from the start of agg, *type the member's type id. */
static bool find_member(const struct btf *btf, const struct btf_type *agg, const char *name,
			size_t nlen, uint32_t *type, uint64_t *off, int depth)
{
	const struct btf_member *m = btf_members(agg);

	if (depth > 8)
		return false;
	for (unsigned int i = 0; i < btf_vlen(agg); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);
		uint64_t moff = member_off(btf, agg, i);

		if (mn && mn[0]) {
			if (strlen(mn) == nlen && !strncmp(mn, name, nlen)) {
				*type = m[i].type;
				*off = moff;
				return true;
			}
			continue;
		}
		{
			uint32_t tid = m[i].type, inner_type;
			const struct btf_type *t = strip(btf, &tid);
			uint64_t inner;

			if (t && btf_is_composite(t) &&
			    find_member(btf, t, name, nlen, &inner_type, &inner, depth + 1)) {
				*type = inner_type;
				*off = moff + inner;
				return true;
			}
		}
	}
	return false;
}

/* The type of a global that BTF does not list (tk_core's anonymous struct):
 * the one anonymous struct of the kernel's BTF with a member named like the
 * path's first component; 0 when none or more than one has it. One scan of
 * the types per question (asked once: the dispatch caches the answers). */
static uint32_t anonymous_with(const struct btf *btf, const char *member)
{
	uint32_t n = btf__type_cnt(btf), found = 0;
	size_t nlen = strcspn(member, ".[");

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		uint32_t mt;
		uint64_t off;

		if (!t || !btf_is_struct(t) || t->name_off ||
		    !find_member(btf, t, member, nlen, &mt, &off, 8))
			continue;
		if (found)
			return 0;
		found = id;
	}
	return found;
}

static struct kdl_error *bt_member(void *priv, const char *type, const char *member,
				   uint64_t *offset, uint64_t *size)
{
	struct kdl_btf_src *src = priv;
	const struct btf *btf;
	uint32_t cur;
	uint64_t total = 0;
	const char *p = member;

	if (!strncmp(type, "var ", 4)) {
		char key[512];
		const struct kdl_strent *e;

		snprintf(key, sizeof(key), "v:%s", type + 4);
		e = find_name(src, key, &btf);
		cur = e ? (uint32_t)e->a : 0;
		if (!e && src->vm.btf && (cur = anonymous_with(src->vm.btf, member)))
			btf = src->vm.btf;
		if (!cur)
			return kdl_error_create(KDL_ERR_NOTFOUND, "variable %s: no type in the "
						"kernel BTF (only per-CPU variables have one)",
						type + 4);
	} else if (!lookup_type(src, type, &btf, &cur)) {
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s not found in the kernel BTF",
					type);
	}
	for (;;) {
		size_t nlen = strcspn(p, ".[");
		const struct btf_type *t = strip(btf, &cur);
		uint64_t off;

		if (!t || !btf_is_composite(t) || !find_member(btf, t, p, nlen, &cur, &off, 0))
			goto missing;
		total += off;
		p += nlen;
		while (*p == '[') {
			char *end;
			unsigned long idx = strtoul(p + 1, &end, 10);
			const struct btf_type *a = strip(btf, &cur);
			uint64_t esz;

			if (*end != ']' || !a || !btf_is_array(a) ||
			    !size_of(btf, btf_array(a)->type, &esz))
				goto missing;
			total += idx * esz;
			cur = btf_array(a)->type;
			p = end + 1;
		}
		if (*p == '\0')
			break;
		if (*p != '.')
			goto missing;
		p++;
	}
	if (!size_of(btf, cur, size))
		*size = 0;
	*offset = total;
	return NULL;
missing:
	return kdl_error_create(KDL_ERR_NOTFOUND, "%s has no member %s", type, member);
}

static struct kdl_error *bt_type_size(void *priv, const char *type, uint64_t *size)
{
	const struct btf *btf;
	uint32_t id;

	if (!lookup_type(priv, type, &btf, &id))
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s not found in the kernel BTF",
					type);
	if (!size_of(btf, id, size))
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s has no size", type);
	return NULL;
}

static struct kdl_error *bt_enum_value(void *priv, const char *enumerator, int64_t *value)
{
	char key[512];
	const struct btf *btf;
	const struct kdl_strent *e;

	snprintf(key, sizeof(key), "E:%s", enumerator);
	e = find_name(priv, key, &btf);
	if (!e)
		return kdl_error_create(KDL_ERR_NOTFOUND, "enumerator %s not found", enumerator);
	*value = (int64_t)e->a;
	return NULL;
}

/* A C type name of id into buf, spelled as the DWARF source spells it
 * ("struct rw_semaphore", "spinlock_t", "struct foo *", "int []"). */
static void type_name(const struct btf *btf, uint32_t id, char *buf, size_t len, int depth)
{
	const struct btf_type *t = id ? btf__type_by_id(btf, id) : NULL;
	const char *n = t ? btf__name_by_offset(btf, t->name_off) : NULL;

	if (n && !n[0])
		n = NULL;
	if (depth > 8 || !t) {
		snprintf(buf, len, "%s", t ? "?" : "void");
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		snprintf(buf, len, "struct %s", n ? n : "<anonymous>");
		return;
	case BTF_KIND_UNION:
		snprintf(buf, len, "union %s", n ? n : "<anonymous>");
		return;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		snprintf(buf, len, "enum %s", n ? n : "<anonymous>");
		return;
	case BTF_KIND_PTR:
		if (!t->type) {
			snprintf(buf, len, "void *");
			return;
		}
		type_name(btf, t->type, buf, len, depth + 1);
		strncat(buf, " *", len - strlen(buf) - 1);
		return;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		type_name(btf, t->type, buf, len, depth + 1);
		return;
	case BTF_KIND_ARRAY:
		type_name(btf, btf_array(t)->type, buf, len, depth + 1);
		strncat(buf, " []", len - strlen(buf) - 1);
		return;
	default:
		snprintf(buf, len, "%s", n ? n : "?");
		return;
	}
}

static struct kdl_error *bt_var_type(void *priv, const char *var, char *buf, size_t len)
{
	char key[512];
	const struct btf *btf;
	const struct kdl_strent *e;

	snprintf(key, sizeof(key), "v:%s", var);
	e = find_name(priv, key, &btf);
	if (!e)
		return kdl_error_create(KDL_ERR_NOTFOUND, "variable %s: no type in the kernel BTF "
					"(only per-CPU variables have one)", var);
	type_name(btf, (uint32_t)e->a, buf, len, 0);
	return NULL;
}

/* The deepest member containing offset, appended to buf (as the DWARF
 * source's path_at: the first member that covers the offset wins; a
 * bit-field covers the bytes its bits touch, not its whole unit). */
static bool path_at(const struct btf *btf, const struct btf_type *agg, uint64_t offset,
		    char *buf, size_t len, int depth)
{
	const struct btf_member *m = btf_members(agg);
	size_t used = strlen(buf);

	if (depth > 12)
		return false;
	for (unsigned int i = 0; i < btf_vlen(agg); i++) {
		uint64_t moff = member_off(btf, agg, i), msz;
		uint64_t bit = btf_member_bit_offset(agg, i), width = btf_member_bitfield_size(agg, i);
		uint32_t tid = m[i].type;
		const char *mn;
		const struct btf_type *t;

		if (width ? offset > UINT32_MAX || 8 * offset + 8 <= bit || 8 * offset >= bit + width
			  : !size_of(btf, tid, &msz) || offset < moff || offset - moff >= msz)
			continue;
		mn = btf__name_by_offset(btf, m[i].name_off);
		if (mn && mn[0])
			snprintf(buf + used, len - used, "%s%s", used ? "." : "", mn);
		if (width)
			return true;
		t = strip(btf, &tid);
		if (!t)
			return true;
		offset -= moff;
		while (btf_is_array(t)) {
			uint32_t elem = btf_array(t)->type;
			uint64_t esz;
			size_t u2 = strlen(buf);

			if (!size_of(btf, elem, &esz) || !esz)
				return true;
			snprintf(buf + u2, len - u2, "[%llu]", (unsigned long long)(offset / esz));
			offset %= esz;
			tid = elem;
			t = strip(btf, &tid);
			if (!t)
				return true;
		}
		if (btf_is_composite(t))
			path_at(btf, t, offset, buf, len, depth + 1);
		return true;
	}
	return false;
}

static struct kdl_error *bt_member_path(void *priv, const char *type, uint64_t offset,
					 char *buf, size_t len)
{
	const struct btf *btf;
	const struct btf_type *t;
	uint32_t id;

	if (!lookup_type(priv, type, &btf, &id) || !(t = strip(btf, &id)))
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s not found", type);
	if (!btf_is_composite(t) || !path_at(btf, t, offset, buf, len, 0) || !buf[0])
		snprintf(buf, len, "+0x%llx", (unsigned long long)offset);
	return NULL;
}

/* ---------------------------------------------------------------- source */

static void obj_free(struct btf_obj *o)
{
	btf__free(o->btf);
	kdl_strmap_free(&o->names);
	free(o->module);
}

static void bt_destroy(void *priv)
{
	struct kdl_btf_src *src = priv;

	for (size_t i = 0; i < src->nmods; i++)
		obj_free(&src->mods[i]);
	free(src->mods);
	obj_free(&src->vm);
	free(src);
}

/* Module types from the .BTF section of DIR/<module>.ko (split BTF on top
 * of the kernel's, as the kernel builds it with CONFIG_DEBUG_INFO_BTF_MODULES). */
static struct kdl_error *bt_load_module(void *priv, const char *dir, const char *module,
					const struct kdl_module_section *secs, size_t nsecs)
{
	struct kdl_btf_src *src = priv;
	char path[4096], name[256];
	struct btf *b = NULL;
	long e = ENOENT;

	(void)secs;
	(void)nsecs;
	if (!src->vm.btf)
		return kdl_error_create(KDL_ERR_NOTFOUND, "%s: no kernel BTF to split on", module);
	snprintf(name, sizeof(name), "%s", module);
	for (int pass = 0; pass < 2 && !b; pass++) {
		if (pass)
			for (char *c = name; *c; c++)
				*c = *c == '_' ? '-' : *c == '-' ? '_' : *c;
		snprintf(path, sizeof(path), "%s/%s.ko", dir, name);
		b = btf__parse_elf_split(path, src->vm.btf);
		e = b ? 0 : errno;
	}
	if (!b)
		return kdl_error_create(KDL_ERR_NOTFOUND, "%s/%s.ko: no module BTF (%s)", dir,
					module, strerror((int)e));
	return kdl_btf_add_module(priv, module, b);
}

static const struct kdl_typesrc_ops btf_ops = {
	.name = "BTF",
	.type_size = bt_type_size,
	.member = bt_member,
	.enum_value = bt_enum_value,
	.var_type = bt_var_type,
	.member_path = bt_member_path,
	.load_module = bt_load_module,
	.destroy = bt_destroy,
};

bool kdl_btf_types_is(const struct kdl_typesrc *ts)
{
	return ts->ops == &btf_ops;
}

struct kdl_error *kdl_btf_types_create(struct kdl_typesrc *out)
{
	struct kdl_btf_src *src = calloc(1, sizeof(*src));

	if (!src)
		return kdl_error_create(KDL_ERR_NOMEM, "BTF: out of memory");
	/* libbpf's own messages (a .ko without .BTF ...) would go to stderr:
	 * the errors returned here say what failed */
	libbpf_set_print(NULL);
	out->ops = &btf_ops;
	out->priv = src;
	return NULL;
}

struct kdl_error *kdl_btf_types_set(void *priv, const void *data, size_t len, const char *what)
{
	struct kdl_btf_src *src = priv;
	struct btf *b;

	if (src->vm.btf)
		return kdl_error_create(KDL_ERR_USAGE, "%s: the kernel BTF is already set", what);
	if (len > UINT32_MAX)
		return kdl_error_create(KDL_ERR_VMLINUX, "%s: BTF of %zu bytes is too big", what,
					len);
	b = btf__new(data, (uint32_t)len);
	if (!b)
		return kdl_error_create(KDL_ERR_VMLINUX, "%s: not valid BTF (%s)", what,
					strerror(errno));
	src->vm.btf = b;
	return NULL;
}

/* btf__new_split() from bytes: libbpf 1.1 (Debian 12) declares it but does
 * not export it, so the bytes go through a memory file that
 * btf__parse_raw_split() reads (the same parser, no copy of our own). */
static struct btf *new_split(const void *data, size_t len, struct btf *base)
{
	char path[64];
	struct btf *b = NULL;
	int fd = memfd_create("kdl-module-btf", MFD_CLOEXEC), e;
	size_t done = 0;

	if (fd < 0)
		return NULL;
	while (done < len) {
		ssize_t w = write(fd, (const char *)data + done, len - done);

		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done == len) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		b = btf__parse_raw_split(path, base);
	} else {
		errno = EIO;
	}
	e = errno;
	close(fd);
	errno = e;
	return b;
}

struct kdl_error *kdl_btf_types_add_module(void *priv, const char *module, const void *data,
					   size_t len)
{
	struct kdl_btf_src *src = priv;
	struct btf *b;

	if (!src->vm.btf)
		return kdl_error_create(KDL_ERR_USAGE, "%s: module BTF before the kernel's", module);
	if (len > UINT32_MAX)
		return kdl_error_create(KDL_ERR_INPUT, "%s: module BTF too big", module);
	b = new_split(data, len, src->vm.btf);
	if (!b)
		return kdl_error_create(KDL_ERR_INPUT, "%s: not valid module BTF (%s)", module,
					strerror(errno));
	return kdl_btf_add_module(priv, module, b);
}

/* Takes b (freed on failure too). */
struct kdl_error *kdl_btf_add_module(void *priv, const char *module, void *b)
{
	struct kdl_btf_src *src = priv;
	struct btf_obj *n = realloc(src->mods, (src->nmods + 1) * sizeof(*n));

	if (n)
		src->mods = n;
	if (!n || !(module = strdup(module))) {
		btf__free(b);
		return kdl_error_create(KDL_ERR_NOMEM, "module BTF: out of memory");
	}
	memset(&src->mods[src->nmods], 0, sizeof(*n));
	src->mods[src->nmods].module = (char *)module;
	src->mods[src->nmods].btf = b;
	src->nmods++;
	return NULL;
}
