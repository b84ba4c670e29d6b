/* core/kernel/modules.c - the loaded modules: one bounded, loop-checked walk of
 * the `modules` list serves their symbols (from the dump's own kallsyms) and
 * their DWARF (placed where the dump's sysfs section attributes say). */
#include <string.h>

#include "core/base/str.h"
#include "core/debuginfo/debuginfo.h"
#include "core/debuginfo/moddebug.h"
#include "core/kernel/kernel_priv.h"

/* Visit every module on the `modules` list: bounded (MAX_MODULES), loop-checked,
 * with the module's name read and sanitised. `visit` returns an error to stop
 * the walk with it. *nmods counts the modules visited; *looped says whether the
 * walk stopped on a list that loops. No module support: nothing is visited. */
typedef struct kdl_error *(*module_visit_fn)(struct kdl_kernel *k, uint64_t mod,
					      const char *name, void *arg);

static struct kdl_error *for_each_module(struct kdl_kernel *k, module_visit_fn visit, void *arg,
					 size_t *nmods, bool *looped)
{
	const struct kdl_layout *L = k->L;
	uint64_t head = L->modules, node, off_list, off_name, name_size, mark;
	size_t lap = 0, pow = 1;
	struct kdl_error *err;

	*nmods = 0;
	*looped = false;
	if (!head || !L->module.list.ok || !L->module.name.ok)
		return NULL;
	off_list = L->module.list.off;
	off_name = L->module.name.off;
	name_size = L->module.name.size;
	if (name_size > 128)
		name_size = 128;
	if (!rd64(k, head, &node))
		return kdl_error_create(KDL_ERR_FAULT, "module list at 0x%llx unreadable",
					(unsigned long long)head);
	mark = head;
	while (node != head && *nmods < MAX_MODULES && kernel_ptr(node)) {
		uint64_t mod = node - off_list;
		char raw[128], name[140];

		(*nmods)++;
		err = kdl_target_read(k->t, mod + off_name, raw, name_size);
		if (err) {
			kdl_error_destroy(err);
			break;
		}
		kdl_sanitize(raw, name_size, name, sizeof(name));
		err = visit(k, mod, name, arg);
		if (err)
			return err;
		if (!rd64(k, node, &node))
			break;
		if (list_loops(&mark, &lap, &pow, node, head)) {
			*looped = true;
			break;
		}
	}
	return NULL;
}

static struct kdl_error *add_module_symbols(struct kdl_kernel *k, uint64_t mod, const char *name,
					    void *arg)
{
	const struct kdl_layout *L = k->L;
	uint64_t ks, symtab, strtab, typetab;
	uint32_t num = 0;
	struct kdl_error *err;

	(void)arg;
	if (!rd64(k, mod + L->module.kallsyms.off, &ks) || !kernel_ptr(ks) ||
	    !rd64(k, ks + L->mod_kallsyms.symtab.off, &symtab) ||
	    !rd64(k, ks + L->mod_kallsyms.strtab.off, &strtab) ||
	    !rd64(k, ks + L->mod_kallsyms.typetab.off, &typetab) ||
	    !rd32(k, ks + L->mod_kallsyms.num_symtab.off, &num))
		return NULL;
	if (num > MAX_MOD_SYMS)
		num = MAX_MOD_SYMS;
	for (uint32_t i = 1; i < num; i++) {
		unsigned char sym[24];
		uint32_t st_name;
		uint64_t value, size;
		char sname[256], clean[300];
		unsigned char type = 0;

		err = kdl_target_read(k->t, symtab + 24ull * i, sym, sizeof(sym));
		if (err) {
			kdl_error_destroy(err);
			break;
		}
		memcpy(&st_name, sym, 4);
		memcpy(&value, sym + 8, 8);
		memcpy(&size, sym + 16, 8);
		if (!value || !kernel_ptr(value & ~7ull))
			continue;
		err = kdl_target_read(k->t, strtab + st_name, sname, sizeof(sname) - 1);
		if (err) {
			/* a name near the end of the table: read less */
			kdl_error_destroy(err);
			err = kdl_target_read(k->t, strtab + st_name, sname, 64);
			if (err) {
				kdl_error_destroy(err);
				continue;
			}
			sname[64] = '\0';
		}
		sname[sizeof(sname) - 1] = '\0';
		if (!sname[0])
			continue;
		kdl_sanitize(sname, strlen(sname), clean, sizeof(clean));
		err = kdl_target_read(k->t, typetab + i, &type, 1);
		kdl_error_destroy(err);
		err = kdl_debuginfo_add_symbol(k->di, name, clean, value, size,
					       type == 't' || type == 'T');
		if (err)
			return err;
	}
	return NULL;
}

struct kdl_error *kdl_kernel_load_module_symbols(struct kdl_kernel *k, size_t *nmodules)
{
	const struct kdl_layout *L = k->L;
	struct kdl_error *err;
	bool looped;

	*nmodules = 0;
	if (!L->module.kallsyms.ok || !L->mod_kallsyms.symtab.ok ||
	    !L->mod_kallsyms.num_symtab.ok || !L->mod_kallsyms.strtab.ok ||
	    !L->mod_kallsyms.typetab.ok)
		return NULL; /* no module support in this kernel */
	err = for_each_module(k, add_module_symbols, NULL, nmodules, &looped);
	if (!err && looped)
		/* a looping list would have added the same symbols MAX_MODULES times */
		err = kdl_error_create(KDL_ERR_CORRUPT, "module list loops");
	return err;
}

struct modsect_walk {
	const char *dir;
	size_t loaded;
};

static struct kdl_error *load_module_dwarf(struct kdl_kernel *k, uint64_t mod, const char *name,
					   void *arg)
{
	struct modsect_walk *o = arg;
	const struct kdl_layout *L = k->L;
	struct kdl_module_section secs[128];
	char secnames[128][64];
	uint64_t sa;
	uint32_t nsec = 0;
	size_t n = 0;
	struct kdl_error *err;

	if (!rd64(k, mod + L->module.sect_attrs.off, &sa) || !kernel_ptr(sa) ||
	    !rd32(k, sa + L->sect_attrs.nsections.off, &nsec))
		return NULL;
	for (uint32_t i = 0; i < nsec && n < 128; i++) {
		uint64_t a = sa + L->sect_attrs.attrs.off + (uint64_t)i * L->sect_attr.size, addr, np;
		char sn[64];

		if (!rd64(k, a + L->sect_attr.address.off, &addr) ||
		    !rd64(k, a + L->sect_attr.name.off, &np))
			continue;
		err = kdl_target_read(k->t, np, sn, sizeof(sn));
		if (err) {
			kdl_error_destroy(err);
			continue;
		}
		sn[sizeof(sn) - 1] = '\0';
		kdl_sanitize(sn, strlen(sn), secnames[n], sizeof(secnames[n]));
		secs[n].name = secnames[n];
		secs[n].addr = addr;
		n++;
	}
	if (n) {
		err = kdl_debuginfo_load_module(k->di, o->dir, name, secs, n);
		if (!err)
			o->loaded++;
		kdl_error_destroy(err);
	}
	return NULL;
}

struct kdl_error *kdl_kernel_load_module_dwarf(struct kdl_kernel *k, const char *dir,
					       size_t *nloaded)
{
	const struct kdl_layout *L = k->L;
	struct modsect_walk o = { .dir = dir };
	struct kdl_error *err;
	size_t nmods;
	bool looped;

	*nloaded = 0;
	if (!dir)
		return NULL;
	if (!L->module.sect_attrs.ok || !L->sect_attrs.nsections.ok || !L->sect_attrs.attrs.ok ||
	    !L->sect_attr.address.ok || !L->sect_attr.name.ok || !L->sect_attr.size)
		return NULL; /* no sysfs section attributes in this kernel: no module DWARF */
	err = for_each_module(k, load_module_dwarf, &o, &nmods, &looped);
	*nloaded = o.loaded;
	return err;
}
