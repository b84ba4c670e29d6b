/* core/debuginfo/symbols.c - the symbols of the vmlinux (its ELF .symtab,
 * link-time addresses, names pointing into the ELF data) and of modules
 * (added from the dump at runtime addresses, copied; in a bare debuginfo
 * the kernel's own too): lookups by address
 * (a sorted array) and by name (core/base/hash.h over the array). */
#include "core/debuginfo/debuginfo_priv.h"

#include <gelf.h>
#include <stdlib.h>
#include <string.h>

static int sym_cmp(const void *a, const void *b)
{
	const struct kdl_di_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* at equal addresses, sized and function symbols last, so that the
	 * rightmost match of a search is the most useful one */
	if ((x->size != 0) != (y->size != 0))
		return x->size ? 1 : -1;
	if (x->is_function != y->is_function)
		return x->is_function ? 1 : -1;
	return strcmp(x->name, y->name);
}

static bool sym_push(struct kdl_debuginfo *di, const struct kdl_di_sym *s)
{
	if (di->nsyms == di->cap_syms) {
		size_t ncap = di->cap_syms ? di->cap_syms * 2 : 4096;
		struct kdl_di_sym *ns = realloc(di->syms, ncap * sizeof(*ns));

		if (!ns)
			return false;
		di->syms = ns;
		di->cap_syms = ncap;
	}
	di->syms[di->nsyms++] = *s;
	di->sorted = false;
	return true;
}

static bool boring_name(const char *n)
{
	return !strncmp(n, "__pfx_", 6) || !strncmp(n, "__cfi_", 6) || !strncmp(n, ".L", 2) ||
	       !strncmp(n, "__UNIQUE_ID_", 12);
}

struct name_probe {
	const struct kdl_debuginfo *di;
	const char *name;
};

static bool name_is(void *arg, uint64_t value)
{
	const struct name_probe *p = arg;

	return !strcmp(p->di->syms[value].name, p->name);
}

/* Index into syms of the first symbol named so in address order. */
static bool find_index(const struct kdl_debuginfo *di, const char *name, uint64_t h,
		       uint64_t *index)
{
	struct name_probe p = { di, name };

	return kdl_hash_get(&di->by_name, h, name_is, &p, index);
}

static void sort_syms(struct kdl_debuginfo *di)
{
	if (di->sorted)
		return;
	qsort(di->syms, di->nsyms, sizeof(*di->syms), sym_cmp);
	/* the names live in the ELF data or in the symbols themselves: no copies
	 * (this runs again after module symbols are added or dropped); the
	 * first symbol of a name in address order wins */
	kdl_hash_clear(&di->by_name);
	for (size_t i = 0; i < di->nsyms; i++) {
		uint64_t h = kdl_hash_str(di->syms[i].name), first;

		if (!find_index(di, di->syms[i].name, h, &first))
			kdl_hash_add(&di->by_name, h, i);
	}
	di->sorted = true;
}

struct kdl_error *kdl_di_load_symtab(struct kdl_debuginfo *di)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(di->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !sh.sh_entsize)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym gs;
			struct kdl_di_sym s = { 0 };
			int type;

			if (!gelf_getsym(data, (int)i, &gs))
				break;
			type = GELF_ST_TYPE(gs.st_info);
			if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
				continue;
			if (gs.st_shndx == SHN_UNDEF || !gs.st_value)
				continue;
			s.name = elf_strptr(di->elf, sh.sh_link, gs.st_name);
			if (!s.name || !*s.name || boring_name(s.name))
				continue;
			s.addr = gs.st_value;
			s.size = gs.st_size;
			s.is_function = type == STT_FUNC;
			if (!sym_push(di, &s))
				return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", di->path);
		}
	}
	if (!di->nsyms)
		return kdl_error_create(KDL_ERR_VMLINUX, "%s: no symbol table", di->path);
	sort_syms(di);
	return NULL;
}

static uint64_t to_runtime(const struct kdl_debuginfo *di, const struct kdl_di_sym *s)
{
	if (!di->bare && !s->module && s->addr >= KDL_KERNEL_IMAGE_START)
		return s->addr + di->kaslr;
	return s->addr;
}

bool kdl_debuginfo_symbol_at(const struct kdl_debuginfo *di, uint64_t addr,
			     struct kdl_symbol *out)
{
	struct kdl_debuginfo *mdi = (struct kdl_debuginfo *)di;
	size_t lo = 0, hi;
	uint64_t link;

	sort_syms(mdi);
	hi = di->nsyms;
	/* symbols are stored link-time (vmlinux) or runtime (modules); search
	 * both views: modules live below the kernel image in the module area,
	 * so one search over runtime-adjusted keys is enough when KASLR only
	 * shifts the image. Use the link-time key for image addresses. */
	link = !di->bare && addr >= KDL_KERNEL_IMAGE_START + di->kaslr &&
	       addr < 0xffffffffc0000000ull ? addr - di->kaslr : addr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (di->syms[mid].addr <= link)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return false;
	for (size_t i = lo; i-- > 0 && lo - i < 8;) {
		const struct kdl_di_sym *s = &di->syms[i];
		bool inside;

		if (s->size)
			inside = link - s->addr < s->size;
		else /* unsized (asm) symbol: up to the next symbol, at most 64 KiB */
			inside = link - s->addr < 0x10000 &&
				 (i + 1 >= di->nsyms || di->syms[i + 1].addr > link);
		if (!inside)
			continue;
		out->name = s->name;
		out->addr = to_runtime(di, s);
		out->size = s->size;
		out->module = s->module;
		out->is_function = s->is_function;
		return true;
	}
	return false;
}

const struct kdl_di_sym *kdl_di_symbol_named(const struct kdl_debuginfo *di, const char *name)
{
	uint64_t i;

	sort_syms((struct kdl_debuginfo *)di);
	if (!find_index(di, name, kdl_hash_str(name), &i))
		return NULL;
	return &di->syms[i];
}

bool kdl_debuginfo_symbol_addr(const struct kdl_debuginfo *di, const char *name, uint64_t *addr)
{
	const struct kdl_di_sym *s = kdl_di_symbol_named(di, name);

	if (!s)
		return false;
	*addr = to_runtime(di, s);
	return true;
}

struct kdl_error *kdl_debuginfo_add_symbol(struct kdl_debuginfo *di, const char *module,
					   const char *name, uint64_t addr, uint64_t size,
					   bool is_function)
{
	struct kdl_di_sym s = { 0 };

	s.name = strdup(name);
	s.module = module ? strdup(module) : NULL;
	if (!s.name || (module && !s.module)) {
		free((char *)s.name);
		free((char *)s.module);
		return kdl_error_create(KDL_ERR_NOMEM, "add symbol %s: out of memory", name);
	}
	/* vmlinux symbols (kallsyms, System.map) come at runtime addresses and
	 * are kept link-time like the .symtab's */
	s.addr = !di->bare && !module && addr >= KDL_KERNEL_IMAGE_START + di->kaslr &&
		 addr < 0xffffffffc0000000ull ? addr - di->kaslr : addr;
	s.size = size;
	s.is_function = is_function;
	s.owned = true;
	kdl_di_lines_forget(di);
	if (!sym_push(di, &s)) {
		free((char *)s.name);
		free((char *)s.module);
		return kdl_error_create(KDL_ERR_NOMEM, "add symbol %s: out of memory", name);
	}
	return NULL;
}

void kdl_debuginfo_drop_module_symbols(struct kdl_debuginfo *di)
{
	size_t n = 0;

	if (!di)
		return;
	kdl_di_lines_forget(di);
	for (size_t i = 0; i < di->nsyms; i++) {
		if (di->syms[i].owned && di->syms[i].module) {
			free((char *)di->syms[i].name);
			free((char *)di->syms[i].module);
			continue;
		}
		di->syms[n++] = di->syms[i];
	}
	if (n != di->nsyms) {
		di->nsyms = n;
		di->sorted = false; /* rebuilds the name index on the next lookup */
	}
}


void kdl_di_free_symbols(struct kdl_debuginfo *di)
{
	for (size_t i = 0; i < di->nsyms; i++) {
		if (di->syms[i].owned) {
			free((char *)di->syms[i].name);
			free((char *)di->syms[i].module);
		}
	}
	free(di->syms);
	di->syms = NULL;
	di->nsyms = di->cap_syms = 0;
	kdl_hash_free(&di->by_name);
}
