/* tests/tui_sample.c - the TUI on a real dump, headless (newterm on
 * /dev/null, scripted keys, screen read back), fast enough to run under
 * ASan+UBSan: every deadlock cycle of samples/6.1-orc/expected.json must be
 * drawn by the graph of a finding, with all its tasks; then every finding,
 * graph node and detail row is opened once (no crash, no leak).
 */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/analysis.h"
#include "tests/lib/kdltest.h"
#include "tui/tui_int.h"

static char screen[100][1024];
static int srows;
static struct kdl_tui *tui;

static void dump_screen(void)
{
	srows = LINES < 100 ? LINES : 100;
	for (int y = 0; y < srows; y++) {
		wchar_t w[512];
		int n = mvinnwstr(y, 0, w, COLS < 511 ? COLS : 511);
		w[n < 0 ? 0 : n] = 0;
		size_t k = wcstombs(screen[y], w, sizeof(screen[y]) - 1);
		screen[y][k == (size_t)-1 ? 0 : k] = 0;
	}
}

static void keys(const char *k)
{
	for (; *k; k++)
		kdl_tui_key(tui, *k == '\b' ? KEY_BACKSPACE : (unsigned char)*k);
	kdl_tui_draw(tui);
	dump_screen();
}

static bool on_screen(const char *s)
{
	for (int y = 0; y < srows; y++)
		if (strstr(screen[y], s))
			return true;
	return false;
}

static void run_variant(const char *variant, const char *dir)
{
	char cmd[1024];
	/* The cycles of the truth: "id|pid comm pid comm ..." */
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\n"
		 "d=json.load(open(\"samples/%s/expected.json\"))\n"
		 "for s in d[\"scenarios\"]:\n"
		 "  c={e[\"pid\"]:e[\"comm\"] for e in s[\"edges\"]}\n"
		 "  for cy in s.get(\"cycles\") or []:\n"
		 "    print(s[\"id\"]+\"|\"+\" \".join(\"%%d %%s\"%%(x,c.get(x,\"?\")) for x in cy))'",
		 variant);
	FILE *p = popen(cmd, "r");
	char cycles[32][256];
	int ncycles = 0;
	while (p && ncycles < 32 && fgets(cycles[ncycles], sizeof(cycles[0]), p)) {
		cycles[ncycles][strcspn(cycles[ncycles], "\n")] = 0;
		ncycles++;
	}
	if (p)
		pclose(p);
	KDL_CHECK(ncycles >= 5, "%s: expected.json lists the sample's cycles (%d)", variant, ncycles);

	char vmcore[1024], vmlinux[1024];
	snprintf(vmcore, sizeof(vmcore), "%.900s/vmcore.kdump", dir);
	snprintf(vmlinux, sizeof(vmlinux), "%.900s/vmlinux", dir);
	struct kdl_open_options oo = { 0 };
	struct kdl_analysis *an = NULL;
	struct kdl_error *err = kdl_analysis_open(vmcore, vmlinux, &oo, &an);
	if (!kdl_test_ok(err, "%s: open the sample", variant))
		return;
	struct kdl_tui_source src;
	kdl_tui_source_init(&src, an);

	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = newterm(NULL, out, in);
	if (!scr) {
		kdl_test_skip("newterm failed");
		kdl_analysis_destroy(an);
		return;
	}
	set_term(scr);
	struct kdl_tui_options o = { .focus_pid = -1 };
	char e[256];
	tui = kdl_tui_create(&src, &o, e, sizeof(e));
	KDL_CHECK(tui != NULL, "%s: TUI on the sample (%s)", variant, tui ? "" : e);
	if (!tui)
		return;
	kdl_tui_screen_init(tui);
	const struct kdl_model *m = src.model;

	/* Each truth cycle: some finding's graph shows all of its tasks. */
	for (int c = 0; c < ncycles; c++) {
		char *bar = strchr(cycles[c], '|');
		if (!bar)
			continue;
		*bar = 0;
		const char *id = cycles[c];
		char want[8][80];
		int nw = 0;
		for (char *s = bar + 1; *s && nw < 8;) {
			int pid, used;
			char comm[64];
			if (sscanf(s, "%d %63s%n", &pid, comm, &used) != 2)
				break;
			snprintf(want[nw++], sizeof(want[0]), "%d %s", pid, comm);
			s += used;
			while (*s == ' ')
				s++;
		}
		bool found = false;
		for (size_t f = 0; f < m->nfindings && !found; f++) {
			keys("\033\0331");
			kdl_tui_key(tui, KEY_HOME);
			for (size_t j = 0; j < f; j++)
				kdl_tui_key(tui, 'j');
			keys("g");
			bool all = on_screen(" cycle ");
			for (int w = 0; w < nw && all; w++)
				all = on_screen(want[w]);
			found = all;
			keys("\033");
		}
		if (!KDL_CHECK(found, "%s: cycle %s (%s%s): a finding's graph shows all its tasks", variant, id, want[0],
			       nw > 1 ? ", ..." : "") && getenv("KDL_TUI_SHOW")) {
			keys("\033\0331");
			for (int y = 0; y < srows; y++)
				printf("    | %s\n", screen[y]);
		}
	}

	/* Open everything once. */
	for (size_t f = 0; f < m->nfindings; f++) {
		keys("\033\0331");
		kdl_tui_key(tui, KEY_HOME);
		for (size_t j = 0; j < f; j++)
			kdl_tui_key(tui, 'j');
		keys("\noooo\b\bg");
		for (int n = 0; n < 12; n++)
			keys(n % 3 == 2 ? "l\n\bg" : "j");
		keys("g3");
		for (int r = 0; r < 40; r++)
			keys(r % 5 == 4 ? "\n\033" : "j");
		keys("e\033");
	}
	keys("2a/kworker\n\033L\033?\033");
	KDL_CHECK(!tui->quit, "%s: walked every finding, graph node and detail row", variant);

	/* A storm of random keys (no quit, no export) at random sizes. */
	static const int pool[] = { 'j', 'k', 'h', 'l', 'g', 'o', 'n', 'N', '\n', '\t', 'a', 's', 'S',
				    'z', '1', '2', '3', 't', '?', 'L', 27, KEY_BACKSPACE, KEY_NPAGE,
				    KEY_PPAGE, KEY_HOME, KEY_END, KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT,
				    '/', 'x', '5', 21 };
	unsigned seed = 12345;
	for (int i = 0; i < 3000; i++) {
		seed = seed * 1103515245u + 12345u;
		int k = pool[(seed >> 8) % (sizeof(pool) / sizeof(pool[0]))];
		if (i % 500 == 499) {
			resizeterm(10 + (int)((seed >> 4) % 60), 20 + (int)((seed >> 12) % 150));
			k = KEY_RESIZE;
		}
		kdl_tui_key(tui, k);
		if (tui->prompt == KDL_PR_EXPORT || tui->prompt == KDL_PR_CONFIRM)
			kdl_tui_key(tui, 27);
		kdl_tui_draw(tui);
	}
	KDL_CHECK(!tui->quit, "%s: 3000 random keys at random sizes: no crash", variant);
	resizeterm(50, 140);
	keys("\033\033");
	keys("q");
	KDL_CHECK(tui->quit, "%s: q quits", variant);

	kdl_tui_destroy(tui);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	kdl_analysis_destroy(an);
}

int main(void)
{
	if (getenv("TOP") && chdir(getenv("TOP")) != 0)
		return 1;
	setlocale(LC_ALL, "C.UTF-8");
	setenv("TERM", "xterm-256color", 1);
	setenv("LINES", "50", 1);
	setenv("COLUMNS", "140", 1);
	static const char *const variants[] = { "6.1-orc", "6.1-fp", "6.12-lockdep", "6.12-rt" };
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const char *dir = kdl_test_sample_dir(variants[i]);
		char truth[256];
		snprintf(truth, sizeof(truth), "samples/%s/expected.json", variants[i]);
		if (!dir || access(truth, R_OK) != 0) {
			if (i == 0)
				kdl_test_skip("6.1-orc sample not unpacked (make samples)");
			continue;
		}
		char d[1024];
		snprintf(d, sizeof(d), "%s", dir); /* kdl_test_sample_dir's buffer is static */
		run_variant(variants[i], d);
	}
	return kdl_test_done();
}
