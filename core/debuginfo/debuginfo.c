/* core/debuginfo/debuginfo.c - opening a vmlinux (ELF checks, OSRELEASE,
 * build-id, raw sections) with DWARF or BTF types, a bare debuginfo (no
 * vmlinux: BTF given from the dump), the KASLR offset, and the dispatch of
 * the type and line queries of debuginfo.h to the type source (typesrc.h:
 * the DWARF of dwarf_types.c or the BTF of btf_types.c). Symbols: symbols.c.
 *
 * The dispatch caches what the source answers: member lookups by
 * "type\x01member" (misses too), line lookups by runtime pc.
 */
#include "core/debuginfo/debuginfo_priv.h"

#include <ctype.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MEMBER_FOUND = 1, MEMBER_MISSING };

static const char *section_data(struct kdl_debuginfo *di, const char *name, size_t *size,
				uint64_t *addr, bool *nobits)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (!di->elf || elf_getshdrstrndx(di->elf, &shstrndx) != 0)
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
	const struct kdl_di_sym *s = kdl_di_symbol_named(di, "linux_banner");
	const char *p;
	size_t n;

	if (!s)
		return;
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

/* The type source the mode asks for, from the vmlinux's DWARF or .BTF. */
static struct kdl_error *open_types(struct kdl_debuginfo *di, enum kdl_debuginfo_mode mode)
{
	struct kdl_error *err;
	const char *btf;
	size_t sz, btf_sz = 0;
	bool dwarf = section_data(di, ".debug_info", &sz, NULL, NULL) != NULL;

	btf = section_data(di, ".BTF", &btf_sz, NULL, NULL);
	if (mode == KDL_DEBUGINFO_DWARF || (mode == KDL_DEBUGINFO_AUTO && dwarf)) {
		if (!dwarf)
			return kdl_error_create(KDL_ERR_VMLINUX, "%s: no debug info (.debug_info "
						"missing; use the debug vmlinux)", di->path);
		return kdl_dwarf_types_open(di, di->elf, di->path, &di->types);
	}
	if (!btf)
		return kdl_error_create(KDL_ERR_VMLINUX, mode == KDL_DEBUGINFO_BTF ?
					"%s: no BTF (.BTF section missing; a kernel built with "
					"CONFIG_DEBUG_INFO_BTF has one)" :
					"%s: no debug info: neither DWARF (.debug_info) nor BTF "
					"(.BTF) in it; use the debug vmlinux", di->path);
	err = kdl_btf_types_create(&di->types);
	if (!err)
		err = kdl_btf_types_set(di->types.priv, btf, btf_sz, di->path);
	return err;
}

struct kdl_error *kdl_debuginfo_open(const char *path, struct kdl_debuginfo **out)
{
	return kdl_debuginfo_open_mode(path, KDL_DEBUGINFO_AUTO, out);
}

struct kdl_error *kdl_debuginfo_open_mode(const char *path, enum kdl_debuginfo_mode mode,
					  struct kdl_debuginfo **out)
{
	struct kdl_debuginfo *di;
	struct kdl_error *err;
	GElf_Ehdr eh;

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
	err = open_types(di, mode);
	if (err)
		goto fail;
	err = kdl_di_load_symtab(di);
	if (err)
		goto fail;
	read_release(di);
	di->has_build_id = kdl_di_elf_build_id(di->elf, di->build_id, sizeof(di->build_id));
	*out = di;
	return NULL;
fail:
	kdl_debuginfo_destroy(di);
	return err;
}

struct kdl_error *kdl_debuginfo_create_bare(const char *release, struct kdl_debuginfo **out)
{
	struct kdl_debuginfo *di = calloc(1, sizeof(*di));
	struct kdl_error *err;

	if (!di || !(di->path = strdup("(no vmlinux)"))) {
		free(di);
		return kdl_error_create(KDL_ERR_NOMEM, "debuginfo: out of memory");
	}
	di->fd = -1;
	di->bare = true;
	if (release)
		snprintf(di->release, sizeof(di->release), "%s", release);
	err = kdl_btf_types_create(&di->types);
	if (err) {
		kdl_debuginfo_destroy(di);
		return err;
	}
	*out = di;
	return NULL;
}

struct kdl_error *kdl_debuginfo_set_btf(struct kdl_debuginfo *di, const void *data, size_t len)
{
	if (!kdl_btf_types_is(&di->types))
		return kdl_error_create(KDL_ERR_USAGE, "set BTF: the type source is %s",
					di->types.ops->name);
	kdl_strmap_free(&di->members);
	return kdl_btf_types_set(di->types.priv, data, len, "BTF");
}

struct kdl_error *kdl_debuginfo_add_module_btf(struct kdl_debuginfo *di, const char *module,
					       const void *data, size_t len)
{
	struct kdl_error *err;

	if (!kdl_btf_types_is(&di->types))
		return kdl_error_create(KDL_ERR_USAGE, "%s: module BTF on a %s type source", module,
					di->types.ops->name);
	err = kdl_btf_types_add_module(di->types.priv, module, data, len);
	if (!err)
		kdl_strmap_free(&di->members); /* misses may now be found */
	return err;
}

const char *kdl_debuginfo_source_name(const struct kdl_debuginfo *di)
{
	return kdl_btf_types_is(&di->types) ? "btf" : "dwarf";
}

bool kdl_debuginfo_has_lines(const struct kdl_debuginfo *di)
{
	return di->types.ops->lines != NULL;
}

bool kdl_debuginfo_has_var_types(const struct kdl_debuginfo *di)
{
	return !kdl_btf_types_is(&di->types);
}

const char *kdl_debuginfo_missing(const struct kdl_debuginfo *di)
{
	return kdl_btf_types_is(&di->types) ? "BTF: no line numbers, no types of global variables"
					    : NULL;
}

void kdl_debuginfo_destroy(struct kdl_debuginfo *di)
{
	if (!di)
		return;
	kdl_di_free_symbols(di);
	kdl_strmap_free(&di->members);
	kdl_hash_free(&di->lines_by_pc);
	free(di->lines);
	if (di->types.ops)
		di->types.ops->destroy(di->types.priv);
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

	if (!di->types.ops->load_module)
		return kdl_error_create(KDL_ERR_NOTFOUND, "%s: no per-module type info in %s",
					module, di->types.ops->name);
	err = di->types.ops->load_module(di->types.priv, dir, module, secs, nsecs);
	if (!err) {
		/* member lookups that failed before may now succeed; so may
		 * line lookups of the module's pcs */
		kdl_strmap_free(&di->members);
		kdl_di_lines_forget(di);
	}
	return err;
}

size_t kdl_debuginfo_modules_with_dwarf(const struct kdl_debuginfo *di)
{
	if (!di->types.ops->module_count)
		return 0;
	return di->types.ops->module_count(di->types.priv);
}

void kdl_debuginfo_set_kaslr(struct kdl_debuginfo *di, uint64_t offset)
{
	di->kaslr = offset;
	kdl_di_lines_forget(di);
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

const char *kdl_debuginfo_lib_version(void)
{
	return dwfl_version(NULL);
}

/* ---------------------------------------------------------------- types */

void kdl_di_type_key(const char *type, char *key, size_t size)
{
	while (*type == ' ')
		type++;
	if (!strncmp(type, "struct ", 7))
		snprintf(key, size, "s:%s", type + 7);
	else if (!strncmp(type, "union ", 6))
		snprintf(key, size, "u:%s", type + 6);
	else if (!strncmp(type, "enum ", 5))
		snprintf(key, size, "e:%s", type + 5);
	else
		snprintf(key, size, "t:%s", type);
}

/* Member lookups through the type source, cached by "type\x01member" (misses
 * too, until a module is loaded). */
static struct kdl_error *resolve_member(struct kdl_debuginfo *di, const char *type,
					const char *member, uint64_t *offset, uint64_t *size)
{
	char key[768];
	const struct kdl_strent *e;
	struct kdl_error *err;

	snprintf(key, sizeof(key), "%s\x01%s", type, member);
	e = kdl_strmap_find(&di->members, key);
	if (e) {
		if (e->kind == MEMBER_MISSING)
			return kdl_error_create(KDL_ERR_NOTFOUND, "%s has no member %s", type, member);
		*offset = e->a;
		*size = e->b;
		return NULL;
	}
	err = di->types.ops->member(di->types.priv, type, member, offset, size);
	if (!err)
		kdl_strmap_put(&di->members, key, MEMBER_FOUND, *offset, *size);
	else if (err->code == KDL_ERR_NOTFOUND)
		kdl_strmap_put(&di->members, key, MEMBER_MISSING, 0, 0);
	return err;
}

struct kdl_error *kdl_debuginfo_type_size(struct kdl_debuginfo *di, const char *type,
					  uint64_t *size)
{
	return di->types.ops->type_size(di->types.priv, type, size);
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
	return di->types.ops->enum_value(di->types.priv, enumerator, value);
}

struct kdl_error *kdl_debuginfo_var_type(struct kdl_debuginfo *di, const char *var, char *buf,
					 size_t len)
{
	return di->types.ops->var_type(di->types.priv, var, buf, len);
}

struct kdl_error *kdl_debuginfo_member_path(struct kdl_debuginfo *di, const char *type,
					    uint64_t offset, char *buf, size_t len)
{
	if (!len)
		return kdl_error_create(KDL_ERR_USAGE, "member_path: empty buffer");
	buf[0] = '\0';
	return di->types.ops->member_path(di->types.priv, type, offset, buf, len);
}

/* ---------------------------------------------------------------- lines */

void kdl_di_lines_forget(struct kdl_debuginfo *di)
{
	kdl_hash_clear(&di->lines_by_pc);
	di->lines_n = 0;
}

/* The cache entry of pc, filled on first use; NULL when out of memory. */
static const struct kdl_di_lines *cached_lines(struct kdl_debuginfo *di, uint64_t pc)
{
	struct kdl_di_lines *e;
	uint64_t i;

	if (kdl_hash_get(&di->lines_by_pc, pc, NULL, NULL, &i))
		return &di->lines[i];
	if (di->lines_n == di->lines_cap) {
		size_t cap = di->lines_cap ? 2 * di->lines_cap : 128;
		struct kdl_di_lines *t = realloc(di->lines, cap * sizeof(*t));

		if (!t)
			return NULL;
		di->lines = t;
		di->lines_cap = cap;
	}
	if (!kdl_hash_add(&di->lines_by_pc, pc, di->lines_n))
		return NULL;
	e = &di->lines[di->lines_n++];
	e->n = (unsigned char)di->types.ops->lines(di->types.priv, pc, e->loc, KDL_LINE_CACHE_MAX);
	return e;
}

size_t kdl_debuginfo_lines(struct kdl_debuginfo *di, uint64_t pc, struct kdl_srcloc *out,
			   size_t max)
{
	const struct kdl_di_lines *e;
	size_t n;

	if (!max || !di->types.ops->lines)
		return 0;
	if (max > KDL_LINE_CACHE_MAX)
		return di->types.ops->lines(di->types.priv, pc, out, max);
	e = cached_lines(di, pc);
	if (!e)
		return di->types.ops->lines(di->types.priv, pc, out, max);
	n = e->n < max ? e->n : max;
	memcpy(out, e->loc, n * sizeof(*out));
	return n;
}
