/* tui/main.c - the kdlview command line: parse options (the table of
 * tui/options.def makes getopt's array and --help), open and analyse the
 * dump, then run the TUI or write a report. Only main() turns errors into exit
 * codes:
 *   0 done, 1 --fail-on matched, 2 usage, 3 input unusable, 4 vmlinux unusable,
 *   5 report produced but parts of the dump were unreadable. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/analysis.h"
#include "core/report/report.h"
#include "tui/options.h"
#include "tui/tui.h"

/* The version has one source, debian/changelog: the Makefile passes it. */
#ifndef KDL_VERSION
#error "KDL_VERSION is defined by the Makefile from debian/changelog"
#endif

enum { EXIT_USAGE = 2, EXIT_PARTIAL = 5, EXIT_FAIL_ON = 1 };
enum fail_on { FAIL_ON_NONE, FAIL_ON_DEADLOCK, FAIL_ON_ANY };

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "kdlview: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'kdlview --help'.\n");
	return EXIT_USAGE;
}

static bool fail_on_matches(const struct kdl_model *m, enum fail_on f)
{
	if (f == FAIL_ON_NONE)
		return false;
	for (size_t i = 0; i < m->nfindings; i++)
		if (f == FAIL_ON_ANY || m->findings[i].deadlock)
			return true;
	return false;
}

/* The version, then the libraries doing the work (read by bug reports). */
static void print_version(void)
{
	struct kdl_lib_versions lv;

	kdl_analysis_lib_versions(&lv);
	printf("kdlview %s\n", KDL_VERSION);
	printf("  %s\n", lv.kdumpfile);
	printf("  libdw %s\n", lv.libdw ? lv.libdw : "(unknown)");
	printf("  %s\n", kdl_tui_lib_version());
}

/* Stand-in until tui/ provides kdl_tui_run(): the strong definition in the
 * TUI objects (linked as objects, not from an archive) replaces this one. */
__attribute__((weak)) int kdl_tui_run(struct kdl_analysis *an, const struct kdl_tui_options *opts)
{
	struct kdl_report_options ro = { .format = KDL_REPORT_TEXT, .pid = opts->focus_pid };
	struct kdl_report_source rs;
	struct kdl_error *err;

	kdl_analysis_report_source(an, &rs);
	err = kdl_report_write(&rs, &ro, stdout);
	if (err) {
		fprintf(stderr, "kdlview: %s\n", err->msg);
		kdl_error_destroy(err);
		return 1;
	}
	return 0;
}

static void progress(void *arg, const char *phase, size_t done, size_t total)
{
	(void)arg;
	if (total)
		fprintf(stderr, "\rkdlview: %s %zu/%zu   ", phase, done, total);
	else
		fprintf(stderr, "\rkdlview: %s...          ", phase);
}

int main(int argc, char **argv)
{
	struct option longopts[KDL_OPT_COUNT + 1];
	struct kdl_open_options oo = { 0 };
	struct kdl_report_options ro = { .format = KDL_REPORT_TEXT, .pid = -1 };
	struct kdl_tui_options to = { .focus_pid = -1 };
	bool report = false, force = false, format_given = false;
	const char *report_file = NULL;
	enum fail_on fail_on = FAIL_ON_NONE;
	struct kdl_analysis *an = NULL;
	struct kdl_error *err;
	int c, rc = 0;

	kdl_options_getopt(longopts);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case KDL_OPT_VAL(KDL_OPT_REPORT):
			report = true;
			report_file = optarg;
			break;
		case KDL_OPT_VAL(KDL_OPT_FORMAT):
			if (!kdl_report_format_parse(optarg, &ro.format))
				return usage_error("unknown format '%s' (text, md, json, dot, html, svg)", optarg);
			format_given = true;
			break;
		case KDL_OPT_VAL(KDL_OPT_FORCE):
			force = true;
			break;
		case KDL_OPT_VAL(KDL_OPT_MODULES):
			oo.modules_dir = optarg;
			break;
		case KDL_OPT_VAL(KDL_OPT_DEBUGINFO):
			if (!strcmp(optarg, "auto"))
				oo.debuginfo = KDL_DI_CHOICE_AUTO;
			else if (!strcmp(optarg, "dwarf"))
				oo.debuginfo = KDL_DI_CHOICE_DWARF;
			else if (!strcmp(optarg, "btf"))
				oo.debuginfo = KDL_DI_CHOICE_BTF;
			else
				return usage_error("bad --debuginfo '%s' (auto, dwarf, btf)", optarg);
			break;
		case KDL_OPT_VAL(KDL_OPT_SYMBOLS):
			oo.symbols_map = optarg;
			break;
		case KDL_OPT_VAL(KDL_OPT_PID): {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0 || v > 0x3fffffff)
				return usage_error("bad --pid '%s'", optarg);
			ro.pid = to.focus_pid = (int)v;
			break;
		}
		case KDL_OPT_VAL(KDL_OPT_ALL):
			oo.all_tasks = ro.all_tasks = true;
			break;
		case KDL_OPT_VAL(KDL_OPT_THEME):
			to.theme = optarg;
			break;
		case KDL_OPT_VAL(KDL_OPT_SOURCE):
			to.source_dir = optarg;
			break;
		case KDL_OPT_VAL(KDL_OPT_FAIL_ON):
			if (!strcmp(optarg, "deadlock"))
				fail_on = FAIL_ON_DEADLOCK;
			else if (!strcmp(optarg, "any"))
				fail_on = FAIL_ON_ANY;
			else
				return usage_error("bad --fail-on '%s' (deadlock, any)", optarg);
			break;
		case KDL_OPT_VAL(KDL_OPT_VERSION):
		case 'V':
			print_version();
			return 0;
		case KDL_OPT_VAL(KDL_OPT_HELP):
		case 'h':
			kdl_options_usage(stdout);
			return 0;
		default:
			return usage_error("unknown option or missing argument: '%s'",
					   argv[optind - 1]);
		}
	}
	if (argc - optind != 1 && argc - optind != 2)
		return usage_error("expected VMCORE [VMLINUX], got %s",
				   argc - optind < 1 ? "fewer" : "more");
	if (format_given && !report)
		report = true;
	if (report && report_file && !strcmp(report_file, "-"))
		report_file = NULL;
	if (report_file && !force && access(report_file, F_OK) == 0) {
		fprintf(stderr, "kdlview: report file '%s' exists (use --force to overwrite)\n",
			report_file);
		return EXIT_USAGE;
	}
	if (report_file) {
		/* refuse a path that cannot be written before the analysis runs */
		const char *slash = strrchr(report_file, '/');
		char *dir = slash ? strndup(report_file, (size_t)(slash - report_file) + 1) : NULL;
		int ok = access(dir ? dir : ".", W_OK) == 0, e = errno;

		free(dir);
		if (!ok) {
			fprintf(stderr, "kdlview: cannot write '%s': %s\n", report_file, strerror(e));
			return EXIT_USAGE;
		}
	}

	if (report && isatty(STDERR_FILENO) && getenv("KDL_PROGRESS")) {
		oo.progress = progress;
	} else if (!report) {
		/* the TUI's loading line; draws only when stderr is a terminal */
		oo.progress = kdl_tui_progress;
	}
	err = kdl_analysis_open(argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL, &oo, &an);
	if (!report)
		kdl_tui_progress_done(); /* an error line must not share the progress line */
	if (err) {
		fprintf(stderr, "kdlview: %s\n", err->msg);
		rc = kdl_error_exit_code(err);
		kdl_error_destroy(err);
		return rc;
	}
	if (ro.pid >= 0 && kdl_model_task_by_pid(kdl_analysis_model(an), ro.pid) < 0) {
		fprintf(stderr, "kdlview: no task with pid %d in the dump\n", ro.pid);
		kdl_analysis_destroy(an);
		return EXIT_USAGE;
	}
	if (report) {
		struct kdl_report_source rs;

		kdl_analysis_report_source(an, &rs);
		if (report_file) {
			err = kdl_report_write_file(&rs, &ro, report_file, force);
		} else {
			err = kdl_report_write(&rs, &ro, stdout);
			if (fflush(stdout) != 0 && !err)
				err = kdl_error_create(KDL_ERR_IO, "write stdout: %s",
						       strerror(errno));
		}
		if (err) {
			fprintf(stderr, "kdlview: %s\n", err->msg);
			rc = err->code == KDL_ERR_USAGE ? EXIT_USAGE : 1;
			kdl_error_destroy(err);
			kdl_analysis_destroy(an);
			return rc;
		}
	} else {
		rc = kdl_tui_run(an, &to);
	}
	if (rc == 0) {
		const struct kdl_model *m = kdl_analysis_model(an);

		if (fail_on_matches(m, fail_on))
			rc = EXIT_FAIL_ON;
		else if (m->dump.partial)
			rc = EXIT_PARTIAL;
	}
	kdl_analysis_destroy(an);
	return rc;
}
