/* core/debuginfo/debuginfo.c - vmlinux symbols (libelf) and types/lines (libdw).
 *
 * Types are found by scanning the top-level DIEs of one compilation unit at a
 * time, only as far as needed, remembering every name seen on the way: the
 * first lookups touch a few CUs, and the whole DWARF is never indexed up
 * front. Results of member lookups are cached by "type\x01member".
 */
#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/moddebug.h"

#include <ctype.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Kernel image and module addresses are shifted by KASLR; per-CPU symbols
 * (offsets into the per-CPU area, small numbers) are not. */
#define KDL_KERNEL_IMAGE_START 0xffffffff80000000ull

struct sym {
	const char *name;
	uint64_t addr; /* link-time for vmlinux, runtime for modules */
	uint64_t size;
	const char *module;
	bool is_function;
	bool owned; /* name/module malloc'd (module symbols) */
};

/* A small string-keyed hash table (open addressing). */
struct hent {
	char *key;
	uint64_t a, b; /* payload */
	int kind;
};

struct htab {
	struct hent *e;
	size_t cap, n;
	bool borrowed_keys; /* keys are not copied (they outlive the table) */
};

enum { K_TYPE = 1, K_ENUMERATOR, K_VAR, K_MEMBER, K_MEMBER_MISSING, K_SYMNAME };

struct kdl_debuginfo {
	char *path;
	int fd;
	Elf *elf;
	Dwarf *dwarf;
	uint64_t kaslr;
	char release[128];
	char build_id[128];
	bool has_build_id;

	struct sym *syms; /* sorted by addr */
	size_t nsyms, cap_syms;
	bool sorted;
	struct htab by_name; /* symbol name -> index into syms (a) */

	struct kdl_moddebug *mods; /* DWARF of modules (.ko), NULL until loaded */
	struct htab names;   /* "s:task_struct", "u:..", "e:..", "t:..", "E:enumerator", "v:var" */
	struct htab members; /* "type\x01member" -> offset (a), size (b) */
	Dwarf_Off next_cu;   /* scan position in .debug_info */
	bool scan_done;
	const char *dstr;    /* .debug_str, for absent-name checks (NULL: none) */
	size_t dstr_len;
	int dstr_state;      /* 0 not looked up, 1 usable, -1 unusable */
	struct htab absent;  /* keys name_may_exist() ruled out */
	char **strings;      /* owned strings handed out (type names ...) */
	size_t nstrings, cap_strings;
	struct line_cache *lines; /* pc -> kdl_debuginfo_lines() result */
	size_t lines_cap, lines_n;  /* open addressing, cap a power of two */
};

/* Tasks blocked in the same place share return addresses: line lookups
 * (dwarf_getscopes walks the CU) are done once per pc. */
#define LINE_CACHE_MAX 16
struct line_cache {
	uint64_t pc;
	bool used;
	unsigned char n;
	struct kdl_srcloc loc[LINE_CACHE_MAX];
};

/* ---------------------------------------------------------------- hash */

/* The line cache holds runtime pcs and symbol names: forget it when either
 * changes. */
static void lines_forget(struct kdl_debuginfo *di)
{
	if (di->lines_n)
		memset(di->lines, 0, di->lines_cap * sizeof(*di->lines));
	di->lines_n = 0;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static struct hent *ht_find(const struct htab *t, const char *key)
{
	if (!t->cap)
		return NULL;
	for (size_t i = hash_str(key) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (!t->e[i].key)
			return NULL;
		if (!strcmp(t->e[i].key, key))
			return &t->e[i];
	}
}

/* Insert (first one wins); returns false only when out of memory. */
static bool ht_put(struct htab *t, const char *key, int kind, uint64_t a, uint64_t b)
{
	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 1024;
		struct hent *ne = calloc(ncap, sizeof(*ne));

		if (!ne)
			return false;
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->e[i].key)
				continue;
			size_t j = hash_str(t->e[i].key) & (ncap - 1);

			while (ne[j].key)
				j = (j + 1) & (ncap - 1);
			ne[j] = t->e[i];
		}
		free(t->e);
		t->e = ne;
		t->cap = ncap;
	}
	size_t i = hash_str(key) & (t->cap - 1);

	while (t->e[i].key) {
		if (!strcmp(t->e[i].key, key))
			return true;
		i = (i + 1) & (t->cap - 1);
	}
	t->e[i].key = t->borrowed_keys ? (char *)key : strdup(key);
	if (!t->e[i].key)
		return false;
	t->e[i].kind = kind;
	t->e[i].a = a;
	t->e[i].b = b;
	t->n++;
	return true;
}

static void ht_free(struct htab *t)
{
	for (size_t i = 0; i < t->cap && !t->borrowed_keys; i++)
		free(t->e[i].key);
	free(t->e);
	t->e = NULL;
	t->cap = t->n = 0;
}

/* ---------------------------------------------------------------- symbols */

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

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

static bool sym_push(struct kdl_debuginfo *di, const struct sym *s)
{
	if (di->nsyms == di->cap_syms) {
		size_t ncap = di->cap_syms ? di->cap_syms * 2 : 4096;
		struct sym *ns = realloc(di->syms, ncap * sizeof(*ns));

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

static void sort_syms(struct kdl_debuginfo *di)
{
	if (di->sorted)
		return;
	qsort(di->syms, di->nsyms, sizeof(*di->syms), sym_cmp);
	/* the names live in the ELF data or in the symbols themselves: no copies
	 * (this runs again after module symbols are added or dropped) */
	ht_free(&di->by_name);
	di->by_name.borrowed_keys = true;
	for (size_t i = 0; i < di->nsyms; i++)
		ht_put(&di->by_name, di->syms[i].name, K_SYMNAME, i, 0);
	di->sorted = true;
}

static struct kdl_error *load_symtab(struct kdl_debuginfo *di)
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
			struct sym s = { 0 };
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

static uint64_t to_runtime(const struct kdl_debuginfo *di, const struct sym *s)
{
	if (!s->module && s->addr >= KDL_KERNEL_IMAGE_START)
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
	link = addr >= KDL_KERNEL_IMAGE_START + di->kaslr && addr < 0xffffffffc0000000ull ?
	       addr - di->kaslr : addr;
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
		const struct sym *s = &di->syms[i];
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

bool kdl_debuginfo_symbol_addr(const struct kdl_debuginfo *di, const char *name, uint64_t *addr)
{
	struct kdl_debuginfo *mdi = (struct kdl_debuginfo *)di;
	const struct hent *e;

	sort_syms(mdi);
	e = ht_find(&di->by_name, name);
	if (!e)
		return false;
	*addr = to_runtime(di, &di->syms[e->a]);
	return true;
}

struct kdl_error *kdl_debuginfo_add_symbol(struct kdl_debuginfo *di, const char *module,
					   const char *name, uint64_t addr, uint64_t size,
					   bool is_function)
{
	struct sym s = { 0 };

	s.name = strdup(name);
	s.module = module ? strdup(module) : NULL;
	if (!s.name || (module && !s.module)) {
		free((char *)s.name);
		free((char *)s.module);
		return kdl_error_create(KDL_ERR_NOMEM, "add symbol %s: out of memory", name);
	}
	s.addr = addr;
	s.size = size;
	s.is_function = is_function;
	s.owned = true;
	lines_forget(di);
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
	lines_forget(di);
	for (size_t i = 0; i < di->nsyms; i++) {
		if (di->syms[i].owned) {
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

/* ---------------------------------------------------------------- open */

static const char *section_data(struct kdl_debuginfo *di, const char *name, size_t *size,
				uint64_t *addr, bool *nobits)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(di->elf, &shstrndx) != 0)
		return NULL;
	while ((scn = elf_nextscn(di->elf, scn))) {
		GElf_Shdr sh;
		const char *n;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(di->elf, shstrndx, sh.sh_name);
		if (!n || strcmp(n, name))
			continue;
		if (addr)
			*addr = sh.sh_addr;
		if (nobits)
			*nobits = sh.sh_type == SHT_NOBITS;
		if (sh.sh_type == SHT_NOBITS)
			return NULL;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			return NULL;
		*size = data->d_size;
		return data->d_buf;
	}
	return NULL;
}

bool kdl_debuginfo_section(const struct kdl_debuginfo *di, const char *name,
			   const void **data, size_t *size, uint64_t *addr)
{
	size_t sz = 0;
	uint64_t a = 0;
	const char *p = section_data((struct kdl_debuginfo *)di, name, &sz, &a, NULL);

	*data = p;
	if (!p)
		return false;
	*size = sz;
	if (addr)
		*addr = a;
	return true;
}

/* Bytes of the vmlinux file at a link-time virtual address (for reading
 * linux_banner before any dump is open). */
static const char *vmlinux_bytes_at(struct kdl_debuginfo *di, uint64_t vaddr, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(di->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (vaddr < sh.sh_addr || vaddr - sh.sh_addr + len > sh.sh_size)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf || data->d_size != sh.sh_size)
			return NULL;
		return (const char *)data->d_buf + (vaddr - sh.sh_addr);
	}
	return NULL;
}

static void read_release(struct kdl_debuginfo *di)
{
	const struct hent *e = ht_find(&di->by_name, "linux_banner");
	const struct sym *s;
	const char *p;
	size_t n;

	if (!e)
		return;
	s = &di->syms[e->a];
	n = s->size && s->size < 512 ? s->size : 256;
	p = vmlinux_bytes_at(di, s->addr, n);
	if (!p || strncmp(p, "Linux version ", 14) != 0)
		return;
	p += 14;
	n -= 14;
	for (size_t i = 0; i < n && i + 1 < sizeof(di->release); i++) {
		if (p[i] == ' ' || p[i] == '\0' || !isprint((unsigned char)p[i]))
			break;
		di->release[i] = p[i];
		di->release[i + 1] = '\0';
	}
}

static void read_build_id(struct kdl_debuginfo *di)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(di->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) ||
			    nh.n_descsz * 2 + 1 > sizeof(di->build_id))
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				sprintf(di->build_id + 2 * i, "%02x",
					((unsigned char *)data->d_buf)[desc_off + i]);
			di->has_build_id = true;
			return;
		}
	}
}

struct kdl_error *kdl_debuginfo_open(const char *path, struct kdl_debuginfo **out)
{
	struct kdl_debuginfo *di;
	struct kdl_error *err;
	GElf_Ehdr eh;
	size_t sz;

	elf_version(EV_CURRENT);
	di = calloc(1, sizeof(*di));
	if (!di)
		return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
	di->fd = open(path, O_RDONLY | O_CLOEXEC);
	di->path = strdup(path);
	if (di->fd < 0) {
		err = kdl_error_create(KDL_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	{
		struct stat st;

		/* unreadable as a file, like a missing one (exit 3) */
		if (fstat(di->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			err = kdl_error_create(KDL_ERR_INPUT, "%s: is a directory, not a vmlinux",
					       path);
			goto fail;
		}
	}
	di->elf = elf_begin(di->fd, ELF_C_READ_MMAP, NULL);
	if (!di->elf || elf_kind(di->elf) != ELF_K_ELF || !gelf_getehdr(di->elf, &eh)) {
		err = kdl_error_create(KDL_ERR_VMLINUX, "%s: not a vmlinux (not an ELF file)", path);
		goto fail;
	}
	if (eh.e_type == ET_CORE) {
		err = kdl_error_create(KDL_ERR_VMLINUX, "%s: is a core dump, not a vmlinux", path);
		goto fail;
	}
	if (eh.e_machine != EM_X86_64) {
		err = kdl_error_create(KDL_ERR_VMLINUX, "%s: not an x86_64 vmlinux (ELF machine %u)",
				       path, eh.e_machine);
		goto fail;
	}
	{
		struct stat st;

		/* the section headers sit at the end: a cut file loses them all */
		if (fstat(di->fd, &st) == 0 && eh.e_shoff &&
		    eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize > (uint64_t)st.st_size) {
			err = kdl_error_create(KDL_ERR_VMLINUX, "%s: truncated vmlinux (%lld bytes; "
					       "its section headers end at %llu)", path,
					       (long long)st.st_size,
					       (unsigned long long)(eh.e_shoff +
								    (uint64_t)eh.e_shnum *
								    eh.e_shentsize));
			goto fail;
		}
	}
	if (!section_data(di, ".debug_info", &sz, NULL, NULL)) {
		err = kdl_error_create(KDL_ERR_VMLINUX, "%s: no debug info (.debug_info missing; "
				       "use the debug vmlinux)", path);
		goto fail;
	}
	di->dwarf = dwarf_begin_elf(di->elf, DWARF_C_READ, NULL);
	if (!di->dwarf) {
		err = kdl_error_create(KDL_ERR_VMLINUX, "%s: cannot read DWARF: %s", path,
				       dwarf_errmsg(-1));
		goto fail;
	}
	err = load_symtab(di);
	if (err)
		goto fail;
	read_release(di);
	read_build_id(di);
	*out = di;
	return NULL;
fail:
	kdl_debuginfo_destroy(di);
	return err;
}

void kdl_debuginfo_destroy(struct kdl_debuginfo *di)
{
	if (!di)
		return;
	for (size_t i = 0; i < di->nsyms; i++) {
		if (di->syms[i].owned) {
			free((char *)di->syms[i].name);
			free((char *)di->syms[i].module);
		}
	}
	free(di->syms);
	kdl_moddebug_destroy(di->mods);
	ht_free(&di->by_name);
	ht_free(&di->names);
	ht_free(&di->absent);
	ht_free(&di->members);
	for (size_t i = 0; i < di->nstrings; i++)
		free(di->strings[i]);
	free(di->strings);
	free(di->lines);
	if (di->dwarf)
		dwarf_end(di->dwarf);
	if (di->elf)
		elf_end(di->elf);
	if (di->fd >= 0)
		close(di->fd);
	free(di->path);
	free(di);
}

struct kdl_error *kdl_debuginfo_load_module(struct kdl_debuginfo *di, const char *dir,
					    const char *module,
					    const struct kdl_module_section *secs, size_t nsecs)
{
	struct kdl_error *err;

	if (!di->mods) {
		err = kdl_moddebug_create(&di->mods);
		if (err)
			return err;
	}
	err = kdl_moddebug_add(di->mods, dir, module, secs, nsecs);
	if (!err) {
		/* member lookups that failed before may now succeed; so may
		 * line lookups of the module's pcs */
		ht_free(&di->members);
		lines_forget(di);
	}
	return err;
}

size_t kdl_debuginfo_modules_with_dwarf(const struct kdl_debuginfo *di)
{
	return kdl_moddebug_count(di->mods);
}

void kdl_debuginfo_set_kaslr(struct kdl_debuginfo *di, uint64_t offset)
{
	di->kaslr = offset;
	lines_forget(di);
}

uint64_t kdl_debuginfo_kaslr(const struct kdl_debuginfo *di)
{
	return di->kaslr;
}

const char *kdl_debuginfo_release(const struct kdl_debuginfo *di)
{
	return di->release[0] ? di->release : NULL;
}

const char *kdl_debuginfo_build_id(const struct kdl_debuginfo *di)
{
	return di->has_build_id ? di->build_id : NULL;
}

/* ---------------------------------------------------------------- types */

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

/* Remember the top-level names of one CU. Returns false at the end. */
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

static bool scan_next_cu(struct kdl_debuginfo *di)
{
	Dwarf_Off off = di->next_cu, next;
	size_t hsize;
	Dwarf_Die cu, child;
	char key[512];

	if (di->scan_done)
		return false;
	if (dwarf_nextcu(di->dwarf, off, &next, &hsize, NULL, NULL, NULL) != 0) {
		di->scan_done = true;
		return false;
	}
	di->next_cu = next;
	if (!dwarf_offdie(di->dwarf, off + hsize, &cu) || dwarf_child(&cu, &child) != 0)
		return true;
	do {
		int tag = dwarf_tag(&child);
		char p = tag_prefix(tag);
		const char *name;

		if (!p)
			continue;
		if (tag == DW_TAG_enumeration_type) {
			Dwarf_Die en;

			if (dwarf_child(&child, &en) == 0) {
				do {
					Dwarf_Attribute at;
					Dwarf_Sword sv;
					const char *en_name = dwarf_diename(&en);

					if (dwarf_tag(&en) != DW_TAG_enumerator || !en_name)
						continue;
					if (!dwarf_attr(&en, DW_AT_const_value, &at) ||
					    dwarf_formsdata(&at, &sv) != 0)
						continue;
					scan_key(key, sizeof(key), 'E', en_name);
					ht_put(&di->names, key, K_ENUMERATOR, (uint64_t)sv, 0);
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
		ht_put(&di->names, key, tag == DW_TAG_variable ? K_VAR : K_TYPE,
		       dwarf_dieoffset(&child), 0);
	} while (dwarf_siblingof(&child, &child) == 0);
	return true;
}

/* False when the DWARF certainly has no DIE named like key ("s:rwbase_rt"):
 * GCC and Clang put every DIE name longer than 4 bytes in .debug_str (GCC
 * inlines only shorter ones), so a name missing there is missing everywhere.
 * Spares the scan of every remaining CU that an absent optional type costs
 * (3/4 of .debug_info on the samples' kernels). */
static bool name_may_exist(struct kdl_debuginfo *di, const char *key)
{
	const char *name = strchr(key, ':');
	size_t len;

	if (di->dstr_state == 0) {
		size_t shstrndx;
		Elf_Scn *scn = NULL;

		di->dstr_state = -1;
		while (elf_getshdrstrndx(di->elf, &shstrndx) == 0 &&
		       (scn = elf_nextscn(di->elf, scn))) {
			GElf_Shdr sh;
			const char *n;
			Elf_Data *data;

			if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(di->elf, shstrndx, sh.sh_name)) ||
			    strcmp(n, ".debug_str"))
				continue;
			if (sh.sh_type != SHT_PROGBITS || (sh.sh_flags & SHF_COMPRESSED))
				break;
			data = elf_getdata(scn, NULL);
			if (data && data->d_buf && data->d_size == sh.sh_size) {
				di->dstr = data->d_buf;
				di->dstr_len = data->d_size;
				di->dstr_state = 1;
			}
			break;
		}
	}
	if (di->dstr_state != 1 || !name)
		return true;
	name++;
	len = strlen(name);
	return len <= 4 || memmem(di->dstr, di->dstr_len, name, len + 1) != NULL;
}

static bool find_name(struct kdl_debuginfo *di, const char *key, struct hent **out)
{
	bool checked = false;

	for (;;) {
		struct hent *e = ht_find(&di->names, key);

		if (e) {
			*out = e;
			return true;
		}
		if (!di->scan_done && !checked) {
			if (ht_find(&di->absent, key))
				return false;
			if (!name_may_exist(di, key)) {
				ht_put(&di->absent, key, 0, 0, 0);
				return false;
			}
			checked = true;
		}
		if (!scan_next_cu(di))
			return false;
	}
}

static bool lookup_type_die(struct kdl_debuginfo *di, const char *type, Dwarf_Die *out)
{
	char key[512];
	struct hent *e;

	while (*type == ' ')
		type++;
	if (!strncmp(type, "struct ", 7))
		snprintf(key, sizeof(key), "s:%s", type + 7);
	else if (!strncmp(type, "union ", 6))
		snprintf(key, sizeof(key), "u:%s", type + 6);
	else if (!strncmp(type, "enum ", 5))
		snprintf(key, sizeof(key), "e:%s", type + 5);
	else
		snprintf(key, sizeof(key), "t:%s", type);
	if (!find_name(di, key, &e))
		return kdl_moddebug_find(di->mods, key, out, NULL);
	return dwarf_offdie(di->dwarf, e->a, out) != NULL;
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

static bool member_loc(Dwarf_Die *m, uint64_t *off)
{
	Dwarf_Attribute at;
	Dwarf_Word w;

	if (!dwarf_attr(m, DW_AT_data_member_location, &at)) {
		*off = 0; /* union members */
		return true;
	}
	if (dwarf_formudata(&at, &w) != 0)
		return false;
	*off = w;
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
		if (!member_loc(&m, &moff))
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

/* Resolve "a.b[2].c" inside `type`. */
static struct kdl_error *resolve_member(struct kdl_debuginfo *di, const char *type,
					const char *member, uint64_t *offset, uint64_t *size)
{
	Dwarf_Die cur, m;
	uint64_t total = 0;
	const char *p = member;
	char key[768];
	struct hent *e;

	snprintf(key, sizeof(key), "%s\x01%s", type, member);
	e = ht_find(&di->members, key);
	if (e) {
		if (e->kind == K_MEMBER_MISSING)
			return kdl_error_create(KDL_ERR_NOTFOUND, "%s has no member %s", type, member);
		*offset = e->a;
		*size = e->b;
		return NULL;
	}
	if (!strncmp(type, "var ", 4)) {
		/* the (possibly anonymous) type of a global variable */
		char vkey[512];
		struct hent *v;
		Dwarf_Die vd;

		snprintf(vkey, sizeof(vkey), "v:%s", type + 4);
		if (find_name(di, vkey, &v) ? !dwarf_offdie(di->dwarf, v->a, &vd)
					     : !kdl_moddebug_find(di->mods, vkey, &vd, NULL))
			goto var_missing;
		if (!die_type(&vd, &cur)) {
var_missing:
			ht_put(&di->members, key, K_MEMBER_MISSING, 0, 0);
			return kdl_error_create(KDL_ERR_NOTFOUND, "variable %s not found in the "
						"vmlinux DWARF", type + 4);
		}
	} else if (!lookup_type_die(di, type, &cur)) {
		ht_put(&di->members, key, K_MEMBER_MISSING, 0, 0);
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
	ht_put(&di->members, key, K_MEMBER, total, *size);
	return NULL;
missing:
	ht_put(&di->members, key, K_MEMBER_MISSING, 0, 0);
	return kdl_error_create(KDL_ERR_NOTFOUND, "%s has no member %s", type, member);
}

struct kdl_error *kdl_debuginfo_type_size(struct kdl_debuginfo *di, const char *type,
					  uint64_t *size)
{
	Dwarf_Die t;

	if (!lookup_type_die(di, type, &t))
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s not found in the vmlinux DWARF",
					type);
	if (!type_size(&t, size))
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s has no size", type);
	return NULL;
}

struct kdl_error *kdl_debuginfo_member_offset(struct kdl_debuginfo *di, const char *type,
					      const char *member, uint64_t *offset)
{
	uint64_t off, size;
	struct kdl_error *err = resolve_member(di, type, member, &off, &size);

	if (!err)
		*offset = off;
	return err;
}

struct kdl_error *kdl_debuginfo_member_size(struct kdl_debuginfo *di, const char *type,
					    const char *member, uint64_t *size)
{
	uint64_t off, sz;
	struct kdl_error *err = resolve_member(di, type, member, &off, &sz);

	if (!err)
		*size = sz;
	return err;
}

bool kdl_debuginfo_has_member(struct kdl_debuginfo *di, const char *type, const char *member)
{
	uint64_t off, size;
	struct kdl_error *err = resolve_member(di, type, member, &off, &size);

	kdl_error_destroy(err);
	return err == NULL;
}

struct kdl_error *kdl_debuginfo_enum_value(struct kdl_debuginfo *di, const char *enumerator,
					   int64_t *value)
{
	char key[512];
	struct hent *e;

	snprintf(key, sizeof(key), "E:%s", enumerator);
	if (!find_name(di, key, &e)) {
		if (kdl_moddebug_find(di->mods, key, NULL, value))
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

struct kdl_error *kdl_debuginfo_var_type(struct kdl_debuginfo *di, const char *var, char *buf,
					 size_t len)
{
	char key[512];
	struct hent *e;
	Dwarf_Die v, t;

	snprintf(key, sizeof(key), "v:%s", var);
	if (!(find_name(di, key, &e) ? dwarf_offdie(di->dwarf, e->a, &v) != NULL
				      : kdl_moddebug_find(di->mods, key, &v, NULL)) ||
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
		uint64_t moff, msz;
		const char *mn;

		if (dwarf_tag(&m) != DW_TAG_member || !member_loc(&m, &moff) || !die_type(&m, &t))
			continue;
		if (!type_size(&t, &msz) || offset < moff || offset - moff >= msz)
			continue;
		mn = dwarf_diename(&m);
		if (mn)
			snprintf(buf + used, len - used, "%s%s", used ? "." : "", mn);
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

struct kdl_error *kdl_debuginfo_member_path(struct kdl_debuginfo *di, const char *type,
					    uint64_t offset, char *buf, size_t len)
{
	Dwarf_Die t;

	if (!len)
		return kdl_error_create(KDL_ERR_USAGE, "member_path: empty buffer");
	buf[0] = '\0';
	if (!lookup_type_die(di, type, &t) || !strip_type(&t))
		return kdl_error_create(KDL_ERR_NOTFOUND, "type %s not found", type);
	if (!path_at(&t, offset, buf, len, 0) || !buf[0])
		snprintf(buf, len, "+0x%llx", (unsigned long long)offset);
	return NULL;
}

/* ---------------------------------------------------------------- lines */

static const char *keep_string(struct kdl_debuginfo *di, const char *s)
{
	char **ns;
	char *copy;

	if (!s)
		return NULL;
	if (di->nstrings == di->cap_strings) {
		size_t cap = di->cap_strings ? 2 * di->cap_strings : 64;

		ns = realloc(di->strings, cap * sizeof(*ns));
		if (!ns)
			return NULL;
		di->strings = ns;
		di->cap_strings = cap;
	}
	copy = strdup(s);
	if (!copy)
		return NULL;
	di->strings[di->nstrings++] = copy;
	return copy;
}

/* Paths in the kernel's DWARF are absolute build paths or relative to the
 * build directory; show them relative to the source tree when we can. */
static const char *short_path(const char *f)
{
	static const char *const tops[] = { "/arch/", "/kernel/", "/mm/", "/fs/", "/include/",
					    "/drivers/", "/lib/", "/block/", "/net/", "/init/",
					    "/ipc/", "/security/", "/crypto/", "/sound/", "/virt/" };
	const char *best = NULL;

	if (!f || f[0] != '/')
		return f;
	for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		const char *p = strstr(f, tops[i]);

		if (p && (!best || p < best))
			best = p;
	}
	if (best)
		return best + 1;
	/* out-of-tree module sources: the file name */
	return strrchr(f, '/') + 1;
}

static size_t lines_uncached(struct kdl_debuginfo *di, uint64_t pc, struct kdl_srcloc *out,
			     size_t max)
{
	Dwarf_Die cu, *scopes = NULL;
	Dwarf_Line *line;
	uint64_t link = pc >= KDL_KERNEL_IMAGE_START ? pc - di->kaslr : pc;
	size_t n = 0;
	int nscopes;
	const char *file = NULL;
	int lineno = 0;
	bool outer_done = false;

	if (!max)
		return 0;
	if (!dwarf_addrdie(di->dwarf, link, &cu)) {
		uint64_t bias;

		/* a module's code: its .ko DWARF, when loaded */
		if (!kdl_moddebug_addrdie(di->mods, pc, &cu, &bias))
			return 0;
		link = pc - bias;
	}
	line = dwarf_getsrc_die(&cu, link);
	if (line) {
		file = dwarf_linesrc(line, NULL, NULL);
		dwarf_lineno(line, &lineno);
	}
	nscopes = dwarf_getscopes(&cu, link, &scopes);
	/* dwarf_getscopes() continues past the innermost inlined instance with
	 * the scopes of its abstract definition; the concrete chain of callers
	 * comes from dwarf_getscopes_die() on that innermost function scope (as
	 * eu-addr2line -i does). */
	for (int i = 0; i < nscopes; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_inlined_subroutine) {
			Dwarf_Die *chain = NULL;
			int nchain = dwarf_getscopes_die(&scopes[i], &chain);

			if (nchain > 0) {
				free(scopes);
				scopes = chain;
				nscopes = nchain;
			} else {
				free(chain);
			}
			break;
		}
		if (tag == DW_TAG_subprogram)
			break;
	}
	/* innermost first: each inlined_subroutine scope is a frame whose
	 * location is (file, line) and whose caller is at its call_file/line */
	for (int i = 0; i < nscopes && n < max; i++) {
		int tag = dwarf_tag(&scopes[i]);
		Dwarf_Die origin;
		Dwarf_Attribute at;
		const char *name = NULL;

		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		if (dwarf_attr_integrate(&scopes[i], DW_AT_name, &at))
			name = dwarf_formstring(&at);
		if (!name && dwarf_attr(&scopes[i], DW_AT_abstract_origin, &at) &&
		    dwarf_formref_die(&at, &origin))
			name = dwarf_diename(&origin);
		out[n].function = keep_string(di, name);
		out[n].file = keep_string(di, short_path(file));
		out[n].line = lineno;
		n++;
		if (tag == DW_TAG_subprogram) {
			outer_done = true;
			break;
		}
		/* the caller's location */
		{
			Dwarf_Word cf = 0, cl = 0;
			Dwarf_Files *files;
			size_t nfiles;

			if (dwarf_attr(&scopes[i], DW_AT_call_file, &at))
				dwarf_formudata(&at, &cf);
			if (dwarf_attr(&scopes[i], DW_AT_call_line, &at))
				dwarf_formudata(&at, &cl);
			file = NULL;
			if (dwarf_getsrcfiles(&cu, &files, &nfiles) == 0 && cf < nfiles)
				file = dwarf_filesrc(files, cf, NULL, NULL);
			lineno = (int)cl;
		}
	}
	free(scopes);
	/* libdw's scope list may end at the CU without the out-of-line
	 * subprogram: the outer function is then the symbol at pc, at the
	 * location where the outermost inlined call was made. */
	if (n > 0 && n < max && !outer_done) {
		struct kdl_symbol sym;

		out[n].function = kdl_debuginfo_symbol_at(di, pc, &sym) ? sym.name : NULL;
		out[n].file = keep_string(di, short_path(file));
		out[n].line = lineno;
		n++;
	}
	if (n == 0 && file) {
		out[0].function = NULL;
		out[0].file = keep_string(di, short_path(file));
		out[0].line = lineno;
		n = 1;
	}
	return n;
}

static struct line_cache *line_slot(struct line_cache *t, size_t cap, uint64_t pc)
{
	size_t i = (size_t)((pc * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);

	while (t[i].used && t[i].pc != pc)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

size_t kdl_debuginfo_lines(struct kdl_debuginfo *di, uint64_t pc, struct kdl_srcloc *out,
			   size_t max)
{
	struct line_cache *e;
	size_t n;

	if (!max)
		return 0;
	if (max > LINE_CACHE_MAX)
		return lines_uncached(di, pc, out, max);
	if (2 * (di->lines_n + 1) > di->lines_cap) {
		size_t cap = di->lines_cap ? 2 * di->lines_cap : 256;
		struct line_cache *t = calloc(cap, sizeof(*t));

		if (!t)
			return lines_uncached(di, pc, out, max);
		for (size_t i = 0; i < di->lines_cap; i++)
			if (di->lines[i].used)
				*line_slot(t, cap, di->lines[i].pc) = di->lines[i];
		free(di->lines);
		di->lines = t;
		di->lines_cap = cap;
	}
	e = line_slot(di->lines, di->lines_cap, pc);
	if (!e->used) {
		e->n = (unsigned char)lines_uncached(di, pc, e->loc, LINE_CACHE_MAX);
		e->pc = pc;
		e->used = true;
		di->lines_n++;
	}
	n = e->n < max ? e->n : max;
	memcpy(out, e->loc, n * sizeof(*out));
	return n;
}
