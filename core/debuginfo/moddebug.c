/* core/debuginfo/moddebug.c - module DWARF through libdwfl (which applies the ET_REL
 * relocations of a .ko), with each section placed where the dump says the
 * module's section was loaded. */
#include "core/debuginfo/dwarf_priv.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MODULES 4096

struct secinfo {
	const struct kdl_module_section *secs;
	size_t nsecs;
};

struct mod {
	char *name;
	struct secinfo *si; /* the Dwfl module's user data (stable address) */
	Dwfl *dwfl;
	Dwfl_Module *dm;
	Dwarf *dw;
	Dwarf_Addr bias;
	struct kdl_module_section *secs; /* names owned */
	size_t nsecs;
	uint64_t lo, hi; /* runtime range of the module's text sections */
	/* where libdwfl laid each loaded section out: runtime [rt, rt + size)
	 * is DWARF address dw + (pc - rt) */
	struct map { uint64_t rt, size, dw; } *map;
	size_t nmap;
};

struct kdl_moddebug {
	struct mod *mods;
	size_t n;
	/* "s:kdl_obj" -> DIE offset (a) in module b; "E:..." -> value (a) */
	struct kdl_strmap names;
	bool indexed;
};

/* libdwfl asks where each SHF_ALLOC section of an ET_REL file was loaded,
 * during the report and lazily later: the module's user data holds its
 * section table; while reporting (before the user data can be set) `loading`
 * does. */
static const struct secinfo *loading;

static int section_address(Dwfl_Module *dm, void **userdata, const char *modname,
			   Dwarf_Addr base, const char *secname, GElf_Word shndx,
			   const GElf_Shdr *shdr, Dwarf_Addr *addr)
{
	const struct secinfo *si = userdata && *userdata ? *userdata : loading;

	(void)dm;
	(void)modname;
	(void)base;
	(void)shndx;
	(void)shdr;
	*addr = (Dwarf_Addr)-1; /* not loaded (e.g. freed .init sections) */
	if (!si)
		return 0;
	for (size_t i = 0; i < si->nsecs; i++) {
		if (!strcmp(si->secs[i].name, secname)) {
			*addr = si->secs[i].addr;
			break;
		}
	}
	return 0;
}

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = section_address,
};

struct kdl_error *kdl_moddebug_create(struct kdl_moddebug **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? NULL : kdl_error_create(KDL_ERR_NOMEM, "module debug info: out of memory");
}

void kdl_moddebug_destroy(struct kdl_moddebug *md)
{
	if (!md)
		return;
	for (size_t i = 0; i < md->n; i++) {
		struct mod *m = &md->mods[i];

		if (m->dwfl)
			dwfl_end(m->dwfl);
		for (size_t k = 0; k < m->nsecs; k++)
			free((char *)m->secs[k].name);
		free(m->secs);
		free(m->si);
		free(m->map);
		free(m->name);
	}
	free(md->mods);
	kdl_strmap_free(&md->names);
	free(md);
}

size_t kdl_moddebug_count(const struct kdl_moddebug *md)
{
	return md ? md->n : 0;
}

/* DIR/NAME.ko, else NAME.ko anywhere below DIR (Debian's
 * /usr/lib/debug/lib/modules/REL/kernel/...), at most 8 levels deep. */
static int find_ko(const char *dir, const char *file, char *path, size_t len, int depth)
{
	DIR *d;
	struct dirent *e;
	int fd;

	snprintf(path, len, "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || depth >= 8 || !(d = opendir(dir)))
		return fd;
	while (fd < 0 && (e = readdir(d))) {
		char sub[4096];

		if (e->d_name[0] == '.' || e->d_type != DT_DIR ||
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= sizeof(sub))
			continue;
		fd = find_ko(sub, file, path, len, depth + 1);
	}
	closedir(d);
	return fd;
}

static int open_ko(const char *dir, const char *module, char *path, size_t len)
{
	char name[256], file[300];

	snprintf(name, sizeof(name), "%s", module);
	for (int pass = 0; pass < 3; pass++) {
		int fd;

		if (pass == 1)
			for (char *p = name; *p; p++)
				*p = *p == '_' ? '-' : *p;
		if (pass == 2)
			for (char *p = name; *p; p++)
				*p = *p == '-' ? '_' : *p;
		snprintf(file, sizeof(file), "%s.ko", name);
		fd = find_ko(dir, file, path, len, 0);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/* libdwfl lays the sections of an ET_REL file out by itself (and then does
 * not ask section_address for them): map each section the dump knows to
 * where libdwfl put it. */
static void map_sections(struct mod *m)
{
	Dwarf_Addr ebias = 0;
	Elf *elf = dwfl_module_getelf(m->dm, &ebias);
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return;
	m->map = calloc(m->nsecs ? m->nsecs : 1, sizeof(*m->map));
	if (!m->map)
		return;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!n)
			continue;
		for (size_t i = 0; i < m->nsecs; i++) {
			if (strcmp(m->secs[i].name, n) || !m->secs[i].addr)
				continue;
			m->map[m->nmap].rt = m->secs[i].addr;
			m->map[m->nmap].size = sh.sh_size;
			m->map[m->nmap].dw = sh.sh_addr + ebias;
			m->nmap++;
			break;
		}
	}
}

struct kdl_error *kdl_moddebug_add(struct kdl_moddebug *md, const char *dir, const char *module,
				   const struct kdl_module_section *secs, size_t nsecs)
{
	struct mod m = { 0 };
	struct mod *nm;
	char path[4096];
	int fd;

	if (md->n >= MAX_MODULES)
		return kdl_error_create(KDL_ERR_NOTFOUND, "too many modules");
	fd = open_ko(dir, module, path, sizeof(path));
	if (fd < 0)
		return kdl_error_create(KDL_ERR_NOTFOUND, "%s/%s.ko: %s", dir, module, strerror(errno));
	m.name = strdup(module);
	m.secs = calloc(nsecs ? nsecs : 1, sizeof(*m.secs));
	m.si = calloc(1, sizeof(*m.si));
	if (!m.name || !m.secs || !m.si)
		goto nomem;
	m.lo = UINT64_MAX;
	for (size_t i = 0; i < nsecs; i++) {
		m.secs[i].name = strdup(secs[i].name);
		if (!m.secs[i].name)
			goto nomem;
		m.secs[i].addr = secs[i].addr;
		m.nsecs++;
		if (!strncmp(secs[i].name, ".text", 5) && secs[i].addr) {
			if (secs[i].addr < m.lo)
				m.lo = secs[i].addr;
			if (secs[i].addr > m.hi)
				m.hi = secs[i].addr;
		}
	}
	m.si->secs = m.secs;
	m.si->nsecs = m.nsecs;
	m.dwfl = dwfl_begin(&callbacks);
	if (!m.dwfl)
		goto nomem;
	loading = m.si;
	dwfl_report_begin(m.dwfl);
	m.dm = dwfl_report_offline(m.dwfl, module, path, fd);
	dwfl_report_end(m.dwfl, NULL, NULL);
	if (m.dm) {
		void **slot = NULL;

		if (dwfl_module_info(m.dm, &slot, NULL, NULL, NULL, NULL, NULL, NULL) && slot)
			*slot = m.si;
		m.dw = dwfl_module_getdwarf(m.dm, &m.bias);
	}
	loading = NULL;
	if (m.dw)
		map_sections(&m);
	if (!m.dm || !m.dw) {
		struct kdl_error *err = kdl_error_create(KDL_ERR_NOTFOUND, "%s: no DWARF: %s", path,
							 dwfl_errmsg(-1));

		dwfl_end(m.dwfl);
		for (size_t k = 0; k < m.nsecs; k++)
			free((char *)m.secs[k].name);
		free(m.secs);
		free(m.si);
		free(m.name);
		return err;
	}
	nm = realloc(md->mods, (md->n + 1) * sizeof(*nm));
	if (!nm) {
		dwfl_end(m.dwfl);
		goto nomem;
	}
	md->mods = nm;
	md->mods[md->n++] = m;
	md->indexed = false;
	return NULL;
nomem:
	if (m.secs)
		for (size_t k = 0; k < m.nsecs; k++)
			free((char *)m.secs[k].name);
	free(m.secs);
	free(m.si);
	free(m.name);
	if (fd >= 0 && !m.dwfl)
		close(fd);
	return kdl_error_create(KDL_ERR_NOMEM, "module %s: out of memory", module);
}

bool kdl_moddebug_addrdie(struct kdl_moddebug *md, uint64_t pc, Dwarf_Die *cu, uint64_t *bias)
{
	if (!md)
		return false;
	for (size_t i = 0; i < md->n; i++) {
		struct mod *m = &md->mods[i];

		for (size_t k = 0; k < m->nmap; k++) {
			uint64_t link;

			if (pc < m->map[k].rt || pc - m->map[k].rt >= m->map[k].size)
				continue;
			link = m->map[k].dw + (pc - m->map[k].rt) - m->bias;
			if (!dwarf_addrdie(m->dw, link, cu))
				return false;
			*bias = pc - link; /* the caller looks up pc - bias */
			return true;
		}
	}
	return false;
}

struct index_arg {
	struct kdl_moddebug *md;
	size_t mod;
};

static void add_name(void *arg, const char *key, int kind, uint64_t value)
{
	const struct index_arg *ia = arg;

	kdl_strmap_put(&ia->md->names, key, kind, value, ia->mod); /* first one wins */
}

static void index_module(struct kdl_moddebug *md, size_t mi)
{
	Dwarf *dw = md->mods[mi].dw;
	Dwarf_Off off = 0, next;
	size_t hsize;
	struct index_arg ia = { md, mi };

	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(dw, off + hsize, &cu))
			kdl_dwarf_cu_names(&cu, add_name, &ia);
		off = next;
	}
}

bool kdl_moddebug_find(struct kdl_moddebug *md, const char *key, Dwarf_Die *die, int64_t *value)
{
	const struct kdl_strent *e;

	if (!md || !md->n)
		return false;
	if (!md->indexed) {
		kdl_strmap_free(&md->names);
		for (size_t i = 0; i < md->n; i++)
			index_module(md, i);
		md->indexed = true;
	}
	e = kdl_strmap_find(&md->names, key);
	if (!e)
		return false;
	if (key[0] == 'E') {
		if (value)
			*value = (int64_t)e->a;
		return true;
	}
	return die && dwarf_offdie(md->mods[e->b].dw, e->a, die) != NULL;
}
