/* tui/options.h - kdlview's command-line options as data.
 *
 * One list, options.def, makes the option enum here and the table in
 * options.c; from the table come getopt_long()'s option array (main.c), the
 * --help text, the OPTIONS sections of README.md and kdlview.1 and the bash
 * completion (completion/kdlview.bash), written by kdl_options_print() and
 * checked against the checked-in copies by tests/tui_keysdoc.c (make keys-doc
 * rewrites them). No curses here: main.c uses it before any screen exists.
 */
#ifndef KDL_TUI_OPTIONS_H
#define KDL_TUI_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

enum kdl_opt_id {
#define KDL_OPTION(id, ...) KDL_OPT_##id,
#include "options.def"
#undef KDL_OPTION
	KDL_OPT_COUNT
};

/* getopt_long() returns KDL_OPT_VAL(id) for an option (above every char). */
#define KDL_OPT_VAL(id) (256 + (id))

enum kdl_opt_arg { KDL_ARG_NONE = no_argument, KDL_ARG_REQUIRED = required_argument,
		   KDL_ARG_OPTIONAL = optional_argument };
enum kdl_opt_complete { KDL_COMPLETE_NONE = 0, KDL_COMPLETE_FILE, KDL_COMPLETE_DIR,
			KDL_COMPLETE_VALUES, KDL_COMPLETE_THEME };

struct kdl_option {
	const char *name;    /* without "--" */
	enum kdl_opt_arg arg;
	const char *argname; /* "FILE", or NULL */
	enum kdl_opt_complete complete;
	const char *const *values; /* NULL-terminated, or NULL */
	const char *help;    /* --help text; "\n": continuation line */
	const char *doc;     /* README/man text, or NULL: help */
};

extern const struct kdl_option kdl_options[KDL_OPT_COUNT];

/* Fill `out` (KDL_OPT_COUNT + 1 entries, the last all zero) for getopt_long. */
void kdl_options_getopt(struct option *out);

/* The whole --help text. */
void kdl_options_usage(FILE *f);

/* Write the option list as "md" (README table), "man" (roff .TP items) or
 * "bash" (the whole completion script). */
void kdl_options_print(FILE *f, const char *format);

#endif
