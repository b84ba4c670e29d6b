/* core/analysis.h - the one entry point the front-end (tui/, reports) uses.
 *
 * kdl_analysis_open() opens the dump and vmlinux, reads every task, unwinds the
 * tasks that matter, runs the lock analysis and builds the model. It is the
 * orchestrator at core/'s top and the only file that knows every stage: it runs
 * them in the order the data flows (target, debuginfo and its layout table,
 * kernel, unwind, locks, graph) and hands the finished model to core/report
 * through kdl_analysis_report_source(). Work that is
 * only needed when somebody looks (unwinding an uninvolved task, line lookups)
 * is done on first use by the functions below, cached, and never changes again.
 */
#ifndef KDL_ANALYSIS_H
#define KDL_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/error.h"
#include "core/base/model.h"
#include "core/target/target.h"
#include "core/base/regs.h"

struct kdl_debuginfo;
struct kdl_report_source;

struct kdl_analysis;

/* Progress callback: phase ("open", "symbols", "tasks", "stacks", "locks",
 * "graph"), items done and total (total 0 when unknown). */
typedef void (*kdl_progress_fn)(void *arg, const char *phase, size_t done, size_t total);

/* Where types come from (--debuginfo). */
enum kdl_debuginfo_choice {
	KDL_DI_CHOICE_AUTO = 0, /* DWARF of a given or found vmlinux, else the dump's BTF */
	KDL_DI_CHOICE_DWARF,    /* DWARF only: no debug vmlinux is exit 4 */
	KDL_DI_CHOICE_BTF,      /* BTF only (the vmlinux's .BTF, else the dump's) */
};

struct kdl_open_options {
	const char *modules_dir;  /* --modules DIR, or NULL: /usr/lib/debug/lib/modules/REL
				   * when it exists, else the vmlinux's directory */
	enum kdl_debuginfo_choice debuginfo;
	const char *symbols_map;  /* --symbols System.map (without a vmlinux), or NULL */
	bool all_tasks;           /* unwind every task eagerly (--all) */
	kdl_progress_fn progress; /* may be NULL */
	void *progress_arg;
};

/* Open and analyse. The two paths may be given in either order; the function
 * detects which one is the dump. path_b NULL: the dump alone; its vmlinux is
 * searched by release and build-id (core/debuginfo/search.h), else the dump's
 * own BTF and kallsyms are used (KDL_ERR_VMLINUX naming what is missing when
 * neither is there). The model's dump.debuginfo* say which source was used.
 * On failure *out is untouched and the error's
 * code says the class (KDL_ERR_INPUT, KDL_ERR_VMLINUX, ...). A dump that is
 * damaged but usable succeeds with model->dump.partial set. */
struct kdl_error *kdl_analysis_open(const char *path_a, const char *path_b,
				    const struct kdl_open_options *opts,
				    struct kdl_analysis **out);

/* What a dump's header and notes would say, for kdl_analysis_open_target(). */
struct kdl_image_info {
	int ncpus;                   /* CPUs to look at */
	const struct kdl_regs *regs; /* ncpus saved register sets, or NULL */
	const bool *regs_valid;      /* per CPU; NULL: all valid when regs given */
	const char *format;          /* the "format" shown; NULL: "image" */
	/* Module symbols (the modules' kallsyms in the image): */
	enum {
		KDL_IMG_MODSYMS_DROP = 0, /* read them into di, drop them on destroy */
		KDL_IMG_MODSYMS_KEEP,     /* read them into di and leave them there */
		KDL_IMG_MODSYMS_SKIP,     /* do not read them (di has them already) */
	} module_symbols;
};

/* Analyse kernel memory behind a target instead of a dump file (memory images
 * for tests and the fuzzer in tests/fuzz/; no libkdumpfile involved). `t` is
 * taken over (destroyed with the analysis, also on failure); `di` is borrowed
 * and must have its KASLR offset set; module symbols the analysis adds to it
 * are removed again by kdl_analysis_destroy() unless img says otherwise (a
 * fuzzer keeps one set: re-sorting the symbols per input costs too much).
 * `img` is only read during the call. Errors and partial results as for
 * kdl_analysis_open(). */
struct kdl_error *kdl_analysis_open_target(struct kdl_target *t, struct kdl_debuginfo *di,
					   const struct kdl_image_info *img,
					   const struct kdl_open_options *opts,
					   struct kdl_analysis **out);

/* The model; owned by the analysis, valid until kdl_analysis_destroy(). */
const struct kdl_model *kdl_analysis_model(const struct kdl_analysis *an);

/* Make sure task `idx` has its frames (unwinding it now if needed). */
struct kdl_error *kdl_analysis_task_frames(struct kdl_analysis *an, size_t idx);

/* Make sure file/line of every frame of task `idx` (or CPU when task < 0 and
 * cpu >= 0) are resolved. */
struct kdl_error *kdl_analysis_resolve_lines(struct kdl_analysis *an, int task, int cpu);

/* The functions inlined at frame `frame` of task `task` (or of CPU `cpu` when
 * task < 0), innermost first, each with the file:line inside it; the frame's
 * own (outer) function is not included. Returns the count, 0 when none or
 * unknown. Strings are owned by the analysis. Computed on demand from DWARF;
 * the frame lists themselves never change. (struct kdl_inline: core/base/model.h) */
size_t kdl_analysis_frame_inlines(struct kdl_analysis *an, int task, int cpu, size_t frame,
				  struct kdl_inline *out, size_t max);

/* The report's view of the analysis (core/report/report.h): the model, and
 * the callbacks that fill frames and lines lazily and look up inlined
 * callers. Valid until kdl_analysis_destroy(). */
void kdl_analysis_report_source(struct kdl_analysis *an, struct kdl_report_source *out);

void kdl_analysis_destroy(struct kdl_analysis *an);

/* The libraries core/ reads dumps and vmlinux files with, for --version:
 * "libkdumpfile 0.5.1 (built with)" (no run-time query exists) and libdw's
 * run-time version ("0.188"). Static strings; nothing to free. */
struct kdl_lib_versions {
	const char *kdumpfile;
	const char *libdw;
};
void kdl_analysis_lib_versions(struct kdl_lib_versions *out);

#endif
