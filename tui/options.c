/* tui/options.c - the option table (made from options.def) and what is
 * generated from it: getopt_long()'s array, --help, the README/man OPTIONS
 * lists and the bash completion. */
#include "options.h"

#include <stdbool.h>
#include <string.h>

#include "theme.h"

#define KDL_VALUES(...) ((const char *const[]){ __VA_ARGS__, NULL })

const struct kdl_option kdl_options[KDL_OPT_COUNT] = {
#define KDL_OPTION(id, name, arg, argname, complete, values, help, doc) \
	[KDL_OPT_##id] = { name, KDL_ARG_##arg, argname, KDL_COMPLETE_##complete, values, help, doc },
#include "options.def"
#undef KDL_OPTION
};

static const char usage_head[] =
"Usage: kdlview [OPTIONS] VMCORE [VMLINUX]\n"
"Show which tasks of a Linux kernel crash dump are blocked, on which lock, who\n"
"holds it, and the wait-for cycles. VMCORE and VMLINUX may be given in either order.\n"
"Without VMLINUX, a vmlinux matching the dump's release and build-id is looked for\n"
"in $KDLVIEW_DEBUG_PATH (colon-separated directories), /usr/lib/debug/boot,\n"
"/usr/lib/debug/lib/modules/REL, /usr/lib/debug/.build-id, /boot and\n"
"/lib/modules/REL/build; else the dump's own BTF and kallsyms are used.\n"
"\n";

static const char usage_tail[] =
"\n"
"Exit codes: 0 done; 1 --fail-on matched; 2 usage; 3 dump unusable (missing,\n"
"unreadable, not a dump, unsupported); 4 vmlinux unusable (no debug info, does not\n"
"match the dump); 5 report produced but parts of the dump were unreadable.\n";

void kdl_options_getopt(struct option *out)
{
	for (int i = 0; i < KDL_OPT_COUNT; i++)
		out[i] = (struct option){ kdl_options[i].name, (int)kdl_options[i].arg, NULL,
					  KDL_OPT_VAL(i) };
	out[KDL_OPT_COUNT] = (struct option){ NULL, 0, NULL, 0 };
}

/* "--name", "--name ARG" or "--name[=ARG]". */
static void synopsis(const struct kdl_option *o, char *buf, size_t size)
{
	if (!o->argname)
		snprintf(buf, size, "--%s", o->name);
	else if (o->arg == KDL_ARG_OPTIONAL)
		snprintf(buf, size, "--%s[=%s]", o->name, o->argname);
	else
		snprintf(buf, size, "--%s %s", o->name, o->argname);
}

void kdl_options_usage(FILE *f)
{
	fputs(usage_head, f);
	for (int i = 0; i < KDL_OPT_COUNT; i++) {
		char syn[64];
		synopsis(&kdl_options[i], syn, sizeof(syn));
		fprintf(f, "  %-21s", syn);
		for (const char *h = kdl_options[i].help; *h; h++) {
			fputc(*h, f);
			if (*h == '\n')
				fprintf(f, "%23s", "");
		}
		fputc('\n', f);
	}
	fputs(usage_tail, f);
}

static void md_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else
			fputc(*s, f);
	}
}

/* Plain text with `code` for roff: code bold, '-' and '\' escaped. */
static void roff_text(FILE *f, const char *s)
{
	bool code = false;
	for (; *s; s++) {
		if (*s == '`') {
			fputs(code ? "\\fR" : "\\fB", f);
			code = !code;
		} else if (*s == '\\') {
			fputs("\\e", f);
		} else if (*s == '-') {
			fputs("\\-", f);
		} else if (*s == '\n') {
			fputc(' ', f);
		} else {
			fputc(*s, f);
		}
	}
	if (code)
		fputs("\\fR", f);
}

static void print_md(FILE *f)
{
	fputs("| option | meaning |\n|---|---|\n", f);
	for (int i = 0; i < KDL_OPT_COUNT; i++) {
		const struct kdl_option *o = &kdl_options[i];
		char syn[64];
		synopsis(o, syn, sizeof(syn));
		fputs("| `", f);
		md_escaped(f, syn);
		fputs("` | ", f);
		for (const char *h = o->doc ? o->doc : o->help; *h; h++) {
			if (*h == '\n')
				fputc(' ', f);
			else if (*h == '|')
				fputs("\\|", f);
			else
				fputc(*h, f);
		}
		fputs(" |\n", f);
	}
}

static void print_man(FILE *f)
{
	for (int i = 0; i < KDL_OPT_COUNT; i++) {
		const struct kdl_option *o = &kdl_options[i];
		fputs(".TP\n", f);
		if (!o->argname) {
			fputs(".B ", f);
			roff_text(f, "--");
			roff_text(f, o->name);
		} else {
			fputs(".BI ", f);
			roff_text(f, "--");
			roff_text(f, o->name);
			fputs(o->arg == KDL_ARG_OPTIONAL ? " \"[=" : " \" ", f);
			roff_text(f, o->argname);
			fputs(o->arg == KDL_ARG_OPTIONAL ? "]\"" : "\"", f);
		}
		fputc('\n', f);
		/* A sentence: upper case first letter (not in `code`), full stop. */
		char d[1024];
		snprintf(d, sizeof(d), "%s", o->doc ? o->doc : o->help);
		if (d[0] >= 'a' && d[0] <= 'z')
			d[0] = (char)(d[0] - 'a' + 'A');
		roff_text(f, d);
		fputs(".\n", f);
	}
}

static void print_bash(FILE *f)
{
	fputs("# completion/kdlview.bash - bash completion of kdlview's options.\n"
	      "# Generated from the option table (tui/options.def) by `make keys-doc`;\n"
	      "# edit the table, not this file. Source it, or install it as\n"
	      "# /usr/share/bash-completion/completions/kdlview.\n"
	      "_kdlview()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= eq=\n"
	      "\t[ \"$COMP_CWORD\" -ge 1 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\t# --name=VALUE: bash splits at '='\n"
	      "\tif [ \"$cur\" = \"=\" ]; then\n"
	      "\t\teq=1 cur=\n"
	      "\telif [ \"$prev\" = \"=\" ] && [ \"$COMP_CWORD\" -ge 2 ]; then\n"
	      "\t\teq=1 prev=${COMP_WORDS[COMP_CWORD-2]}\n"
	      "\tfi\n"
	      "\tcase $prev in\n", f);
	for (int i = 0; i < KDL_OPT_COUNT; i++) {
		const struct kdl_option *o = &kdl_options[i];
		if (o->arg == KDL_ARG_NONE)
			continue;
		fprintf(f, "\t--%s)\n", o->name);
		if (o->arg == KDL_ARG_OPTIONAL)
			fputs("\t\tif [ -n \"$eq\" ]; then\n\t", f);
		switch (o->complete) {
		case KDL_COMPLETE_FILE:
			fputs("\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n", f);
			break;
		case KDL_COMPLETE_DIR:
			fputs("\t\tCOMPREPLY=($(compgen -d -- \"$cur\"))\n", f);
			break;
		case KDL_COMPLETE_VALUES:
		case KDL_COMPLETE_THEME:
			fputs("\t\tCOMPREPLY=($(compgen -W \"", f);
			if (o->complete == KDL_COMPLETE_THEME)
				for (size_t v = 0; v < kdl_theme_cycle_len; v++)
					fprintf(f, "%s%s", v ? " " : "", kdl_theme_cycle[v]);
			else
				for (size_t v = 0; o->values && o->values[v]; v++)
					fprintf(f, "%s%s", v ? " " : "", o->values[v]);
			fputs("\" -- \"$cur\")", f);
			if (o->complete == KDL_COMPLETE_THEME)
				fputs(" $(compgen -f -- \"$cur\")", f);
			fputs(")\n", f);
			break;
		case KDL_COMPLETE_NONE:
			fputs("\t\tCOMPREPLY=()\n", f);
			break;
		}
		if (o->arg == KDL_ARG_OPTIONAL)
			fputs("\t\t\treturn 0\n\t\tfi\n\t\t;;\n", f);
		else
			fputs("\t\treturn 0\n\t\t;;\n", f);
	}
	fputs("\tesac\n\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W \"", f);
	for (int i = 0; i < KDL_OPT_COUNT; i++)
		fprintf(f, "%s--%s", i ? " " : "", kdl_options[i].name);
	fputs("\" -- \"$cur\"))\n\telse\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\")) # VMCORE, VMLINUX\n"
	      "\tfi\n}\n"
	      "complete -o filenames -F _kdlview kdlview\n", f);
}

void kdl_options_print(FILE *f, const char *format)
{
	if (!strcmp(format, "md"))
		print_md(f);
	else if (!strcmp(format, "man"))
		print_man(f);
	else if (!strcmp(format, "bash"))
		print_bash(f);
}
