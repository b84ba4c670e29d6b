/* core/debuginfo/dwarf_lines.c - line info of the DWARF type source: file,
 * line and the chain of inlined callers of a pc, from the vmlinux DWARF or a
 * loaded module's. */
#include "core/debuginfo/debuginfo_priv.h"
#include "core/debuginfo/dwarf_priv.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

static const char *keep_string(struct kdl_dwarf_src *src, const char *s)
{
	char **ns;
	char *copy;

	if (!s)
		return NULL;
	if (src->nstrings == src->cap_strings) {
		size_t cap = src->cap_strings ? 2 * src->cap_strings : 64;

		ns = realloc(src->strings, cap * sizeof(*ns));
		if (!ns)
			return NULL;
		src->strings = ns;
		src->cap_strings = cap;
	}
	copy = strdup(s);
	if (!copy)
		return NULL;
	src->strings[src->nstrings++] = copy;
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

size_t kdl_dwarf_lines(void *priv, uint64_t pc, struct kdl_srcloc *out, size_t max)
{
	struct kdl_dwarf_src *src = priv;
	Dwarf_Die cu, *scopes = NULL;
	Dwarf_Line *line;
	uint64_t link = pc >= KDL_KERNEL_IMAGE_START ? pc - kdl_debuginfo_kaslr(src->owner) : pc;
	size_t n = 0;
	int nscopes;
	const char *file = NULL;
	int lineno = 0;
	bool outer_done = false;

	if (!max)
		return 0;
	if (!dwarf_addrdie(src->dwarf, link, &cu)) {
		uint64_t bias;

		/* a module's code: its .ko DWARF, when loaded */
		if (!kdl_moddebug_addrdie(src->mods, pc, &cu, &bias))
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
		out[n].function = keep_string(src, name);
		out[n].file = keep_string(src, short_path(file));
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

		out[n].function = kdl_debuginfo_symbol_at(src->owner, pc, &sym) ? sym.name : NULL;
		out[n].file = keep_string(src, short_path(file));
		out[n].line = lineno;
		n++;
	}
	if (n == 0 && file) {
		out[0].function = NULL;
		out[0].file = keep_string(src, short_path(file));
		out[0].line = lineno;
		n = 1;
	}
	return n;
}

void kdl_dwarf_free_strings(struct kdl_dwarf_src *src)
{
	for (size_t i = 0; i < src->nstrings; i++)
		free(src->strings[i]);
	free(src->strings);
	src->strings = NULL;
	src->nstrings = src->cap_strings = 0;
}
