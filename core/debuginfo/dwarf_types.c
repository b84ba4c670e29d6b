/* core/debuginfo/dwarf_types.c - the DWARF type source (typesrc.h): type
 * sizes, member offsets and paths, enumerators and variable types from the
 * vmlinux DWARF, falling back to the DWARF of loaded modules (moddebug.c).
 * How names are found: dwarf_priv.h. */
#include "core/debuginfo/debuginfo_priv.h"
#include "core/debuginfo/dwarf_priv.h"

#include <dwarf.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tag_prefix(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type: return 's';
	case DW_TAG_union_type: return 'u';
	case DW_TAG_enumeration_type: return 'e';
	case DW_TAG_typedef: return 't';
	case DW_TAG_base_type: return 't';
	case DW_TAG_variable: return 'v';
	default: return 0;
	}
}

/* "X:name" into key (snprintf is most of the scan's own cost). */
static void scan_key(char *key, size_t size, char prefix, const char *name)
{
	size_t n = strlen(name);

	if (n > size - 3)
		n = size - 3;
	key[0] = prefix;
	key[1] = ':';
	memcpy(key + 2, name, n);
	key[2 + n] = '\0';
}

/* How an enumeration type's constants read: signed or not, and its size.
 * The underlying type (DW_AT_type, DWARF 3+) says, through typedefs; else
 * DW_AT_encoding on the enumeration itself; else unsigned, as GCC (which
 * emits a negative enumerator only as DW_FORM_sdata) intends. */
struct enum_kind {
	bool is_signed;
	unsigned int size; /* bytes, 0 when unknown */
};

static bool encoding_signed(Dwarf_Die *die, bool *is_signed)
{
	Dwarf_Attribute at;
	Dwarf_Word enc;

	if (!dwarf_attr_integrate(die, DW_AT_encoding, &at) || dwarf_formudata(&at, &enc) != 0)
		return false;
	*is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	return true;
}

static struct enum_kind enum_kind(Dwarf_Die *e)
{
	struct enum_kind k = { false, 0 };
	Dwarf_Attribute at;
	Dwarf_Die t = *e;
	bool from_type = false;
	int size = dwarf_bytesize(e);

	/* the underlying type, through typedefs and qualifiers */
	for (int i = 0; i < 8 && !from_type; i++) {
		if (!dwarf_attr_integrate(&t, DW_AT_type, &at) || !dwarf_formref_die(&at, &t))
			break;
		if (dwarf_tag(&t) == DW_TAG_base_type) {
			from_type = encoding_signed(&t, &k.is_signed);
			if (size <= 0)
				size = dwarf_bytesize(&t);
			break;
		}
	}
	if (!from_type && !encoding_signed(e, &k.is_signed))
		k.is_signed = false;
	k.size = size > 0 && size <= 8 ? (unsigned int)size : 0;
	return k;
}

/* An enumerator's DW_AT_const_value as its type means it. DW_FORM_sdata
 * (and implicit_const, a signed LEB128) is signed, DW_FORM_udata unsigned;
 * the fixed-size data forms hold bits of no stated sign: zero-extended (as
 * GCC writes them and gdb reads them: 0xec in data1 is 236), then a signed
 * type's sign bit extends it (data4 0xffffffff of an int enumeration is -1). */
static bool enumerator_value(Dwarf_Attribute *at, struct enum_kind k, uint64_t *value)
{
	unsigned int form = dwarf_whatform(at);
	Dwarf_Sword sv;
	Dwarf_Word uv;

	switch (form) {
	case DW_FORM_sdata:
	case DW_FORM_implicit_const:
		if (dwarf_formsdata(at, &sv) != 0)
			return false;
		*value = (uint64_t)sv;
		return true;
	case DW_FORM_udata:
	case DW_FORM_data1:
	case DW_FORM_data2:
	case DW_FORM_data4:
	case DW_FORM_data8:
		if (dwarf_formudata(at, &uv) != 0)
			return false;
		if (k.is_signed && k.size > 0 && k.size < 8 && form != DW_FORM_udata) {
			uint64_t bits = 8 * k.size, sign = 1ull << (bits - 1);

			if (uv < (1ull << bits) && (uv & sign))
				uv |= ~((1ull << bits) - 1);
		}
		*value = uv;
		return true;
	default:
		return false;
	}
}

void kdl_dwarf_cu_names(Dwarf_Die *cu, kdl_dwarf_name_fn add, void *arg)
{
	Dwarf_Die child;
	char key[512];

	if (dwarf_child(cu, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		char p = tag_prefix(tag);
		const char *name;

		if (!p)
			continue;
		if (tag == DW_TAG_enumeration_type) {
			struct enum_kind k = enum_kind(&child);
			Dwarf_Die en;

			if (dwarf_child(&child, &en) == 0) {
				do {
					Dwarf_Attribute at;
					uint64_t v;
					const char *en_name = dwarf_diename(&en);

					if (dwarf_tag(&en) != DW_TAG_enumerator || !en_name)
						continue;
					if (!dwarf_attr(&en, DW_AT_const_value, &at) ||
					    !enumerator_value(&at, k, &v))
						continue;
					scan_key(key, sizeof(key), 'E', en_name);
					add(arg, key, KDL_DW_ENUMERATOR, v);
				} while (dwarf_siblingof(&en, &en) == 0);
			}
		}
		name = dwarf_diename(&child);
		if (!name)
			continue;
		if (tag != DW_TAG_variable && tag != DW_TAG_typedef && tag != DW_TAG_base_type &&
		    dwarf_hasattr(&child, DW_AT_declaration))
			continue;
		scan_key(key, sizeof(key), p, name);
		add(arg, key, tag == DW_TAG_variable ? KDL_DW_VAR : KDL_DW_TYPE,
		    dwarf_dieoffset(&child));
	} while (dwarf_siblingof(&child, &child) == 0);
}

static void remember_name(void *arg, const char *key, int kind, uint64_t value)
{
	struct kdl_dwarf_src *src = arg;

	kdl_strmap_put(&src->names, key, kind, value, 0);
}

/* Remember the top-level names of one CU. Returns false at the end. */
static bool scan_next_cu(struct kdl_dwarf_src *src)
{
	Dwarf_Off off = src->next_cu, next;
	size_t hsize;
	Dwarf_Die cu;

	if (src->scan_done)
		return false;
	if (dwarf_nextcu(src->dwarf, off, &next, &hsize, NULL, NULL, NULL) != 0) {
		src->scan_done = true;
		return false;
	}
	src->next_cu = next;
	if (dwarf_offdie(src->dwarf, off + hsize, &cu))
		kdl_dwarf_cu_names(&cu, remember_name, src);
	return true;
}

/* False when the DWARF certainly has no DIE named like key ("s:rwbase_rt"):
 * GCC and Clang put every DIE name longer than 4 bytes in .debug_str (GCC
 * inlines only shorter ones), so a name missing there is missing everywhere.
 * Spares the scan of every remaining CU that an absent optional type costs
 * (3/4 of .debug_info on the samples' kernels). */
static bool name_may_exist(struct kdl_dwarf_src *src, const char *key)
{
	const char *name = strchr(key, ':');
	size_t len;

	if (src->dstr_state == 0) {
		size_t shstrndx;
		Elf_Scn *scn = NULL;

		src->dstr_state = -1;
		while (elf_getshdrstrndx(src->elf, &shstrndx) == 0 &&
		       (scn = elf_nextscn(src->elf, scn))) {
			GElf_Shdr sh;
			const char *n;
			Elf_Data *data;

			if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(src->elf, shstrndx, sh.sh_name)) ||
			    strcmp(n, ".debug_str"))
				continue;
			if (sh.sh_type != SHT_PROGBITS || (sh.sh_flags & SHF_COMPRESSED))
				break;
			data = elf_getdata(scn, NULL);
			if (data && data->d_buf && data->d_size == sh.sh_size) {
				src->dstr = data->d_buf;
				src->dstr_len = data->d_size;
				src->dstr_state = 1;
			}
			break;
		}
	}
	if (src->dstr_state != 1 || !name)
		return true;
	name++;
	len = strlen(name);
	return len <= 4 || memmem(src->dstr, src->dstr_len, name, len + 1) != NULL;
}

static bool find_name(struct kdl_dwarf_src *src, const char *key, const struct kdl_strent **out)
{
	bool checked = false;

	for (;;) {
		const struct kdl_strent *e = kdl_strmap_find(&src->names, key);

		if (e) {
			*out = e;
			return true;
		}
		if (!src->scan_done && !checked) {
			if (kdl_strmap_find(&src->absent, key))
				return false;
			if (!name_may_exist(src, key)) {
				kdl_strmap_put(&src->absent, key, 0, 0, 0);
				return false;
			}
			checked = true;
		}
		if (!scan_next_cu(src))
			return false;
	}
}

static bool lookup_type_die(struct kdl_dwarf_src *src, const char *type, Dwarf_Die *out)
{
	char key[512];
	const struct kdl_strent *e;

	kdl_di_type_key(type, key, sizeof(key));
	if (!find_name(src, key, &e))
		return kdl_moddebug_find(src->mods, key, out, NULL);
	return dwarf_offdie(src->dwarf, e->a, out) != NULL;
}

/* Follow typedefs and qualifiers. */
static bool strip_type(Dwarf_Die *die)
{
	for (int i = 0; i < 16; i++) {
		int tag = dwarf_tag(die);
		Dwarf_Attribute at;

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_restrict_type && tag != DW_TAG_atomic_type)
			return true;
		if (!dwarf_attr_integrate(die, DW_AT_type, &at) || !dwarf_formref_die(&at, die))
			return false;
	}
	return false;
}

static bool die_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute at;

	return dwarf_attr_integrate(die, DW_AT_type, &at) && dwarf_formref_die(&at, type);
}

static bool type_size(Dwarf_Die *t, uint64_t *size)
{
	Dwarf_Die s = *t;
	Dwarf_Word w;

	if (!strip_type(&s))
		return false;
	if (dwarf_tag(&s) == DW_TAG_pointer_type) {
		*size = 8;
		return true;
	}
	if (dwarf_aggregate_size(&s, &w) != 0)
		return false;
	*size = w;
	return true;
}

/* Bounds member offsets so that bit arithmetic cannot overflow (no struct
 * comes near it). */
#define KDL_DW_MAX_OFF (1ull << 40)

/* Whether the DIE's object file is big-endian (DW_AT_bit_offset counts from
 * the storage unit's most significant bit, which comes first there). */
static bool die_big_endian(Dwarf_Die *die)
{
	Elf *elf = dwarf_getelf(dwarf_cu_getdwarf(die->cu));
	const char *ident = elf ? elf_getident(elf, NULL) : NULL;

	return ident && ident[EI_DATA] == ELFDATA2MSB;
}

/* Bit offset of a DWARF 2/3 bit-field (DW_AT_bit_offset, which GCC still
 * emits for DWARF 4): its storage unit (DW_AT_byte_size, else the type's
 * size) starts at DW_AT_data_member_location, and DW_AT_bit_offset counts
 * from the unit's most significant bit to the field's. */
static bool old_bit_offset(Dwarf_Die *m, Dwarf_Attribute *bo, uint64_t loc, uint64_t bit_size,
			   uint64_t unit, int64_t *bit)
{
	Dwarf_Attribute at;
	Dwarf_Word w;
	Dwarf_Sword sv;

	if (dwarf_whatform(bo) == DW_FORM_sdata) {
		if (dwarf_formsdata(bo, &sv) != 0)
			return false;
	} else {
		if (dwarf_formudata(bo, &w) != 0)
			return false;
		sv = (Dwarf_Sword)w;
	}
	if (dwarf_attr(m, DW_AT_byte_size, &at) && dwarf_formudata(&at, &w) == 0)
		unit = w;
	if (!unit || unit > 8 || bit_size > 64 || sv < -64 || sv > 64 || loc > KDL_DW_MAX_OFF)
		return false;
	if (die_big_endian(m))
		*bit = (int64_t)(8 * loc) + sv;
	else
		*bit = (int64_t)(8 * loc + 8 * unit - bit_size) - sv;
	return *bit >= 0;
}

/* Byte offset of member m in its struct. A bit-field's is that of the
 * storage unit holding its first bit (the unit is its type's size, aligned
 * to it), as btf_types.c answers, so that a decoder reading `size` bytes
 * there finds the field's bits at the place the C declaration order gives
 * them (held_lock.class_idx:13 at bit 0 of the unsigned int at 32, read:2
 * at bit 16). DWARF 4+ gives the bit offset (DW_AT_data_bit_offset); DWARF
 * 2/3 the unit and a bit offset inside it (DW_AT_bit_offset). When bit_out
 * is not NULL, *bit_out is the member's first bit and *width its bits (0
 * for a member that is not a bit-field). */
static bool member_loc(Dwarf_Die *m, uint64_t *off, uint64_t *bit_out, uint64_t *width)
{
	Dwarf_Attribute at, bo;
	Dwarf_Word w, bit_size = 0;
	Dwarf_Die t;
	uint64_t loc = 0, unit = 0;
	int64_t bit;
	bool bitfield = dwarf_attr(m, DW_AT_bit_size, &at) && dwarf_formudata(&at, &bit_size) == 0;

	if (dwarf_attr(m, DW_AT_data_member_location, &at)) {
		if (dwarf_formudata(&at, &w) != 0)
			return false;
		loc = w;
	} /* else a union member, or DW_AT_data_bit_offset says */
	if (bit_out) {
		*bit_out = 8 * loc;
		*width = bitfield ? bit_size : 0;
	}
	if (!bitfield && !dwarf_hasattr(m, DW_AT_data_bit_offset)) {
		*off = loc;
		return true;
	}
	if (!die_type(m, &t) || !type_size(&t, &unit))
		unit = 0;
	if (dwarf_attr(m, DW_AT_data_bit_offset, &at)) {
		if (dwarf_formudata(&at, &w) != 0 || w > 8 * KDL_DW_MAX_OFF)
			return false;
		bit = (int64_t)w; /* it replaces DW_AT_data_member_location */
	} else if (dwarf_attr(m, DW_AT_bit_offset, &bo)) {
		if (!old_bit_offset(m, &bo, loc, bit_size, unit, &bit))
			return false;
	} else if (loc <= KDL_DW_MAX_OFF) {
		bit = (int64_t)(8 * loc); /* a bit-field placed by its location alone */
	} else {
		return false;
	}
	*off = (uint64_t)bit / 8;
	if (bit_out)
		*bit_out = (uint64_t)bit;
	if ((bitfield || bit % 8) && unit && unit <= 8 && !(unit & (unit - 1)))
		*off &= ~(unit - 1);
	return true;
}

/* Find a direct member by name, descending into anonymous struct/union
 * members. *off is the offset from the start of `agg`. */
static bool find_member(Dwarf_Die *agg, const char *name, size_t nlen, Dwarf_Die *out,
			uint64_t *off, int depth)
{
	Dwarf_Die m;

	if (depth > 8 || dwarf_child(agg, &m) != 0)
		return false;
	do {
		const char *mn;
		uint64_t moff;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (!member_loc(&m, &moff, NULL, NULL))
			continue;
		mn = dwarf_diename(&m);
		if (mn && strlen(mn) == nlen && !strncmp(mn, name, nlen)) {
			*out = m;
			*off = moff;
			return true;
		}
		if (!mn) {
			Dwarf_Die t;
			uint64_t inner;

			if (die_type(&m, &t) && strip_type(&t) &&
			    (dwarf_tag(&t) == DW_TAG_structure_type || dwarf_tag(&t) == DW_TAG_union_type) &&
			    find_member(&t, name, nlen, out, &inner, depth + 1)) {
				*off = moff + inner;
				return true;
			}
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

/* Resolve "a.b[2].c" inside `type` (the typesrc `member` op; the dispatch
 * caches the answers). */
static struct kdl_error *dw_member(void *priv, const char *type, const char *member,
				   uint64_t *offset, uint64_t *size)
{
	struct kdl_dwarf_src *src = priv;
	Dwarf_Die cur, m;
	uint64_t total = 0;
	const char *p = member;

	if (!strncmp(type, "var ", 4)) {
		/* the (possibly anonymous) type of a global variable */
		char vkey[512];
		const struct kdl_strent *v;
		Dwarf_Die vd;

		snprintf(vkey, sizeof(vkey), "v:%s", type + 4);
		if (find_name(src, vkey, &v) ? !dwarf_offdie(src->dwarf, v->a, &vd)
					      : !kdl_moddebug_find(src->mods, vkey, &vd, NULL))
			goto var_missing;
		if (!die_type(&vd, &cur)) {
var_missing:
			return kdl_error_create(KDL_ERR_NOTFOUND, "variable %s not found in the "
						"vmlinux DWARF", type + 4);
		}
	} else if (!lookup_type_die(src, type, &cur)) {
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s not found in the vmlinux DWARF",
					type);
	}
	for (;;) {
		size_t nlen = strcspn(p, ".[");
		uint64_t off;

		if (!strip_type(&cur) || (dwarf_tag(&cur) != DW_TAG_structure_type &&
					  dwarf_tag(&cur) != DW_TAG_union_type) ||
		    !find_member(&cur, p, nlen, &m, &off, 0) || !die_type(&m, &cur))
			goto missing;
		total += off;
		p += nlen;
		while (*p == '[') {
			char *end;
			unsigned long idx = strtoul(p + 1, &end, 10);
			Dwarf_Die elem;
			uint64_t esz;

			if (*end != ']' || !strip_type(&cur) || dwarf_tag(&cur) != DW_TAG_array_type ||
			    !die_type(&cur, &elem) || !type_size(&elem, &esz))
				goto missing;
			total += idx * esz;
			cur = elem;
			p = end + 1;
		}
		if (*p == '\0')
			break;
		if (*p != '.')
			goto missing;
		p++;
	}
	if (!type_size(&cur, size))
		*size = 0;
	*offset = total;
	return NULL;
missing:
	return kdl_error_create(KDL_ERR_NOTFOUND, "%s has no member %s", type, member);
}

static struct kdl_error *dw_type_size(void *priv, const char *type, uint64_t *size)
{
	Dwarf_Die t;

	if (!lookup_type_die(priv, type, &t))
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s not found in the vmlinux DWARF",
					type);
	if (!type_size(&t, size))
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s has no size", type);
	return NULL;
}

static struct kdl_error *dw_enum_value(void *priv, const char *enumerator, int64_t *value)
{
	struct kdl_dwarf_src *src = priv;
	char key[512];
	const struct kdl_strent *e;

	snprintf(key, sizeof(key), "E:%s", enumerator);
	if (!find_name(src, key, &e)) {
		if (kdl_moddebug_find(src->mods, key, NULL, value))
			return NULL;
		return kdl_error_create(KDL_ERR_NOTFOUND, "enumerator %s not found", enumerator);
	}
	*value = (int64_t)e->a;
	return NULL;
}

/* Write a C type name of `t` into buf ("struct rw_semaphore", "int *"). */
static void type_name(Dwarf_Die *t, char *buf, size_t len, int depth)
{
	const char *n = dwarf_diename(t);
	Dwarf_Die inner;

	if (depth > 8) {
		snprintf(buf, len, "?");
		return;
	}
	switch (dwarf_tag(t)) {
	case DW_TAG_structure_type:
		snprintf(buf, len, "struct %s", n ? n : "<anonymous>");
		return;
	case DW_TAG_union_type:
		snprintf(buf, len, "union %s", n ? n : "<anonymous>");
		return;
	case DW_TAG_enumeration_type:
		snprintf(buf, len, "enum %s", n ? n : "<anonymous>");
		return;
	case DW_TAG_pointer_type:
		if (!die_type(t, &inner)) {
			snprintf(buf, len, "void *");
			return;
		}
		type_name(&inner, buf, len, depth + 1);
		strncat(buf, " *", len - strlen(buf) - 1);
		return;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		if (die_type(t, &inner)) {
			type_name(&inner, buf, len, depth + 1);
			return;
		}
		snprintf(buf, len, "void");
		return;
	case DW_TAG_array_type:
		if (die_type(t, &inner)) {
			type_name(&inner, buf, len, depth + 1);
			strncat(buf, " []", len - strlen(buf) - 1);
			return;
		}
		break;
	default:
		break;
	}
	snprintf(buf, len, "%s", n ? n : "?");
}

static struct kdl_error *dw_var_type(void *priv, const char *var, char *buf, size_t len)
{
	struct kdl_dwarf_src *src = priv;
	char key[512];
	const struct kdl_strent *e;
	Dwarf_Die v, t;

	snprintf(key, sizeof(key), "v:%s", var);
	if (!(find_name(src, key, &e) ? dwarf_offdie(src->dwarf, e->a, &v) != NULL
				      : kdl_moddebug_find(src->mods, key, &v, NULL)) ||
	    !die_type(&v, &t))
		return kdl_error_create(KDL_ERR_NOTFOUND, "variable %s not found", var);
	/* typedef names are what people know (spinlock_t, rwlock_t), keep them */
	type_name(&t, buf, len, 0);
	return NULL;
}

static bool path_at(Dwarf_Die *agg, uint64_t offset, char *buf, size_t len, int depth)
{
	Dwarf_Die m, t;
	size_t used = strlen(buf);

	if (depth > 12 || dwarf_child(agg, &m) != 0)
		return false;
	do {
		uint64_t moff, msz, bit, width;
		const char *mn;

		if (dwarf_tag(&m) != DW_TAG_member || !member_loc(&m, &moff, &bit, &width) ||
		    !die_type(&m, &t))
			continue;
		/* a bit-field owns the bytes its bits touch, not its whole unit
		 * (held_lock +0x22 is read:2, not class_idx:13) */
		if (width ? offset > KDL_DW_MAX_OFF || 8 * offset + 8 <= bit || 8 * offset >= bit + width
			  : !type_size(&t, &msz) || offset < moff || offset - moff >= msz)
			continue;
		mn = dwarf_diename(&m);
		if (mn)
			snprintf(buf + used, len - used, "%s%s", used ? "." : "", mn);
		if (width)
			return true;
		if (!strip_type(&t))
			return true;
		offset -= moff;
		while (dwarf_tag(&t) == DW_TAG_array_type) {
			Dwarf_Die elem;
			uint64_t esz;
			size_t u2 = strlen(buf);

			if (!die_type(&t, &elem) || !type_size(&elem, &esz) || !esz)
				return true;
			snprintf(buf + u2, len - u2, "[%llu]", (unsigned long long)(offset / esz));
			offset %= esz;
			t = elem;
			if (!strip_type(&t))
				return true;
		}
		if ((dwarf_tag(&t) == DW_TAG_structure_type || dwarf_tag(&t) == DW_TAG_union_type) &&
		    offset)
			path_at(&t, offset, buf, len, depth + 1);
		else if (dwarf_tag(&t) == DW_TAG_structure_type || dwarf_tag(&t) == DW_TAG_union_type)
			path_at(&t, 0, buf, len, depth + 1) ? (void)0 : (void)0;
		return true;
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

static struct kdl_error *dw_member_path(void *priv, const char *type, uint64_t offset,
					 char *buf, size_t len)
{
	Dwarf_Die t;

	if (!lookup_type_die(priv, type, &t) || !strip_type(&t))
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s not found", type);
	if (!path_at(&t, offset, buf, len, 0) || !buf[0])
		snprintf(buf, len, "+0x%llx", (unsigned long long)offset);
	return NULL;
}


/* ---------------------------------------------------------------- modules */

static struct kdl_error *dw_load_module(void *priv, const char *dir, const char *module,
					const struct kdl_module_section *secs, size_t nsecs)
{
	struct kdl_dwarf_src *src = priv;
	struct kdl_error *err;

	if (!src->mods) {
		err = kdl_moddebug_create(&src->mods);
		if (err)
			return err;
	}
	return kdl_moddebug_add(src->mods, dir, module, secs, nsecs);
}

static size_t dw_module_count(void *priv)
{
	const struct kdl_dwarf_src *src = priv;

	return kdl_moddebug_count(src->mods);
}

/* ---------------------------------------------------------------- source */

static void dw_destroy(void *priv)
{
	struct kdl_dwarf_src *src = priv;

	kdl_moddebug_destroy(src->mods);
	kdl_strmap_free(&src->names);
	kdl_strmap_free(&src->absent);
	kdl_dwarf_free_strings(src);
	if (src->dwarf)
		dwarf_end(src->dwarf);
	free(src);
}

static const struct kdl_typesrc_ops dwarf_ops = {
	.name = "DWARF",
	.type_size = dw_type_size,
	.member = dw_member,
	.enum_value = dw_enum_value,
	.var_type = dw_var_type,
	.member_path = dw_member_path,
	.lines = kdl_dwarf_lines,
	.load_module = dw_load_module,
	.module_count = dw_module_count,
	.destroy = dw_destroy,
};

struct kdl_error *kdl_dwarf_types_open(struct kdl_debuginfo *owner, Elf *elf, const char *path,
				       struct kdl_typesrc *out)
{
	struct kdl_dwarf_src *src = calloc(1, sizeof(*src));

	if (!src)
		return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
	src->owner = owner;
	src->elf = elf;
	src->dwarf = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!src->dwarf) {
		free(src);
		return kdl_error_create(KDL_ERR_VMLINUX, "%s: cannot read DWARF: %s", path,
					dwarf_errmsg(-1));
	}
	out->ops = &dwarf_ops;
	out->priv = src;
	return NULL;
}
