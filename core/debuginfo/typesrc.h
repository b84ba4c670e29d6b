/* core/debuginfo/typesrc.h - the "type source" interface: where the answers to
 * type questions (sizes, member offsets and paths, enumerators, variable types)
 * and, when the source has them, line info come from.
 *
 * The public kdl_debuginfo_* type and line functions (debuginfo.h) dispatch
 * through one struct kdl_typesrc; no decoder sees which source answers. Two
 * sources: the vmlinux DWARF (dwarf_types.c, with module DWARF in
 * moddebug.c) and the kernel's BTF through libbpf (btf_types.c, with module
 * split BTF; no lines, no module_count).
 *
 * What a source must provide (every `type` is a C type name as debuginfo.h
 * describes it: "struct mutex", "union ...", "enum ...", a typedef name; for
 * member lookups also "var NAME", the type of a global variable):
 *   type_size, member, enum_value, var_type, member_path, destroy
 *   - required. Failures are KDL_ERR_NOTFOUND errors with a message naming
 *     what is missing (the dispatch caches member misses as "no member").
 * What it may leave NULL:
 *   lines        - line info may be absent (BTF has none): kdl_debuginfo_lines()
 *                  then answers 0 ("unknown") for every pc;
 *   load_module  - per-module type info: kdl_debuginfo_load_module() then
 *                  answers KDL_ERR_NOTFOUND;
 *   module_count - 0 modules.
 * Caching done by the dispatch (debuginfo.c), not by the source: member
 * lookups per (type, member) and line lookups per pc.
 *
 * Ownership: the debuginfo owns the source and calls destroy(priv) once;
 * strings a source hands out (line info file and function names) live until
 * then.
 */
#ifndef KDL_TYPESRC_H
#define KDL_TYPESRC_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"
#include "core/debuginfo/debuginfo.h"

struct kdl_typesrc_ops {
	const char *name; /* "DWARF", "BTF" */
	struct kdl_error *(*type_size)(void *priv, const char *type, uint64_t *size);
	/* Offset and size of member path `member` ("a.b[2].c") inside `type`. */
	struct kdl_error *(*member)(void *priv, const char *type, const char *member,
				    uint64_t *offset, uint64_t *size);
	struct kdl_error *(*enum_value)(void *priv, const char *enumerator, int64_t *value);
	struct kdl_error *(*var_type)(void *priv, const char *var, char *buf, size_t len);
	/* The deepest member path at `offset` in `type` into buf (len > 0, buf
	 * already ""); "+0x18" style when none. */
	struct kdl_error *(*member_path)(void *priv, const char *type, uint64_t offset,
					 char *buf, size_t len);
	/* Optional: line info of runtime pc, innermost inline first (0: unknown). */
	size_t (*lines)(void *priv, uint64_t pc, struct kdl_srcloc *out, size_t max);
	/* Optional: type (and line) info of a loaded module. */
	struct kdl_error *(*load_module)(void *priv, const char *dir, const char *module,
					 const struct kdl_module_section *secs, size_t nsecs);
	size_t (*module_count)(void *priv);
	void (*destroy)(void *priv);
};

struct kdl_typesrc {
	const struct kdl_typesrc_ops *ops;
	void *priv;
};

#endif
