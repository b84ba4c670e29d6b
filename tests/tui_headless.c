/* tests/tui_headless.c - drive the TUI as a person would, without a terminal:
 * curses on /dev/null at a fixed size (newterm), keys from a script, the
 * screen read back with mvinnwstr() and checked for the facts that must be on
 * it. The model is the synthetic fixture (tests/fixtures/tui_model.h); the
 * real dumps are driven through tmux by tests/t_tui_tmux.sh.
 *
 * Usage: tui_headless                 run the checks
 *        tui_headless --show KEYS     print the screen after KEYS (debugging;
 *                                     KEYS: characters, \n Enter, \b Backspace,
 *                                     \e Esc, \t Tab)
 */
#include <curses.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include "core/report/report.h"
#include "tests/fixtures/tui_model.h"
#include "tests/lib/kdltest.h"
#include "tui/tui_int.h"

static char screen[200][1024];
static int srows;

static void dump_screen(void)
{
	srows = LINES < 200 ? LINES : 200;
	for (int y = 0; y < srows; y++) {
		wchar_t w[512];
		int n = mvinnwstr(y, 0, w, COLS < 511 ? COLS : 511);
		if (n < 0)
			n = 0;
		w[n] = 0;
		size_t k = wcstombs(screen[y], w, sizeof(screen[y]) - 1);
		if (k == (size_t)-1)
			k = 0;
		screen[y][k] = 0;
		/* trim trailing blanks */
		while (k && screen[y][k - 1] == ' ')
			screen[y][--k] = 0;
	}
}

static void print_screen(FILE *f)
{
	for (int y = 0; y < srows; y++)
		fprintf(f, "%s\n", screen[y]);
}

/* Row of the screen containing all the given strings, or -1. */
static int find_row(const char *a, const char *b)
{
	for (int y = 0; y < srows; y++)
		if (strstr(screen[y], a) && (!b || strstr(screen[y], b)))
			return y;
	return -1;
}

static int find_row_from(int from, const char *a, const char *b)
{
	for (int y = from < 0 ? 0 : from; y < srows; y++)
		if (strstr(screen[y], a) && (!b || strstr(screen[y], b)))
			return y;
	return -1;
}

/* Row of pid in the task list panel (between its title and the detail's). */
static int task_row(int pid)
{
	int from = find_row("2 │ Tasks", NULL), to = find_row("3 │ ", NULL);
	if (from < 0)
		return -1;
	if (to < 0)
		to = srows;
	char pat[32];
	snprintf(pat, sizeof(pat), "%7d ", pid);
	for (int y = from + 1; y < to; y++)
		if (strstr(screen[y], pat))
			return y;
	return -1;
}

static bool in_tasks(int pid)
{
	return task_row(pid) >= 0;
}

static bool on_screen(const char *s)
{
	return find_row(s, NULL) >= 0;
}

static int failures_shown;

static void expect(bool ok, const char *name)
{
	KDL_CHECK(ok, "%s", name);
	if (!ok && failures_shown++ < 3) {
		printf("---- screen ----\n");
		print_screen(stdout);
		printf("----------------\n");
	}
}

/* Row helpers for the screen regions. */
static int row_of(const char *s)
{
	return find_row(s, NULL);
}

/* The fixture's report: one line naming the format and pid; like
 * kdl_report_write_file(), it never replaces a file unless asked to. */
static struct kdl_error *fx_export(void *arg, enum kdl_report_format fmt, int pid, const char *path,
				   bool overwrite)
{
	(void)arg;
	static const char *const names[] = { "text", "md", "json", "dot", "html", "svg" };
	if (!overwrite && access(path, F_OK) == 0)
		return kdl_error_create(KDL_ERR_USAGE, "%s exists", path);
	FILE *out = fopen(path, "w");
	if (!out)
		return kdl_error_create(KDL_ERR_IO, "%s: cannot write", path);
	fprintf(out, "fixture report format=%s pid=%d\n", names[fmt], pid);
	fclose(out);
	return NULL;
}

static int nframes_calls;
static struct kdl_error *fx_frames_fn(void *arg, size_t idx)
{
	(void)arg;
	(void)idx;
	nframes_calls++;
	return NULL;
}

static struct kdl_tui *tui;

static void keys(const char *k)
{
	for (; *k; k++) {
		int key = (unsigned char)*k;
		if (key == '\b')
			key = KEY_BACKSPACE;
		kdl_tui_key(tui, key);
	}
	kdl_tui_draw(tui);
	dump_screen();
}

static void key(int k)
{
	kdl_tui_key(tui, k);
	kdl_tui_draw(tui);
	dump_screen();
}

static void resize(int rows, int cols)
{
	resizeterm(rows, cols);
	key(KEY_RESIZE);
}

static void click(int y, int x, mmask_t b)
{
	MEVENT ev = { .id = 0, .x = x, .y = y, .z = 0, .bstate = b };
	ungetmouse(&ev);
	/* ungetmouse queues KEY_MOUSE for getch(); feed it directly. */
	nodelay(stdscr, TRUE);
	int k;
	while ((k = getch()) != ERR && k != KEY_MOUSE)
		;
	nodelay(stdscr, FALSE);
	key(KEY_MOUSE);
}

static bool file_has(const char *path, const char *s)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, s) != NULL;
}

static struct kdl_tui_source src;

static struct kdl_tui *start(const char *theme, const char *source_dir, int pid)
{
	struct kdl_tui_options o = { .theme = theme, .source_dir = source_dir, .focus_pid = pid };
	char err[256];
	struct kdl_tui *t = kdl_tui_create(&src, &o, err, sizeof(err));
	if (!t) {
		kdl_test_fail("create: %s", err);
		exit(1);
	}
	kdl_tui_screen_init(t);
	return t;
}

static void test_themes(void)
{
	char err[256];
	struct kdl_theme th;
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	static const char *const names[] = { "default", "light", "high-contrast", "monochrome" };
	for (size_t i = 0; i < 4; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/themes/%s.theme", top, names[i]);
		KDL_CHECK(kdl_theme_load(&th, path, err, sizeof(err)), "theme file %s parses (%s)",
			  names[i], err);
	}
	/* The compiled-in copies equal the shipped files. */
	static const struct { const char *name; const char *text; } builtin[] = {
		{ "default", kdl_theme_default_text }, { "monochrome", kdl_theme_monochrome_text } };
	for (size_t i = 0; i < 2; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/themes/%s.theme", top, builtin[i].name);
		FILE *f = fopen(path, "r");
		char buf[8192] = "";
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = 0;
		KDL_CHECK(!strcmp(buf, builtin[i].text), "compiled-in %s theme equals themes/%s.theme",
			  builtin[i].name, builtin[i].name);
	}
	KDL_CHECK(!kdl_theme_parse(&th, "color nosuchrole red blue\n", err, sizeof(err)) &&
		  strstr(err, "line 1"), "bad theme line is reported with its line number");
	KDL_CHECK(!kdl_theme_load(&th, "no-such-theme", err, sizeof(err)) &&
		  !strcmp(th.name, "default"), "unknown theme falls back to default");
	KDL_CHECK(kdl_theme_load(&th, "monochrome", err, sizeof(err)) && th.monochrome,
		  "monochrome is built in");
}

/* Loading progress goes to stderr only when it is a terminal. */
static void test_progress(void)
{
	int master, slave;
	if (openpty(&master, &slave, NULL, NULL, NULL) != 0) {
		kdl_test_skip("openpty failed: progress line not tested");
		return;
	}
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(slave, STDERR_FILENO);
	kdl_tui_progress(NULL, "tasks", 0, 0);
	kdl_tui_progress(NULL, "stacks", 45, 90);
	kdl_tui_progress(NULL, "stacks", 90, 90);
	kdl_tui_progress_done();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(slave);
	char buf[2048] = "";
	size_t got = 0;
	struct pollfd pf = { .fd = master, .events = POLLIN };
	while (got + 1 < sizeof(buf) && poll(&pf, 1, 200) > 0) {
		ssize_t r = read(master, buf + got, sizeof(buf) - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = 0;
	ssize_t n;
	close(master);
	KDL_CHECK(strstr(buf, "kdlview: tasks...") && strstr(buf, "stacks") && strstr(buf, "90/90") &&
		  strstr(buf, "[####"), "loading progress: phase, bar and counts on a terminal");
	/* Not a terminal: nothing. */
	int p[2];
	if (pipe(p) == 0) {
		saved = dup(STDERR_FILENO);
		dup2(p[1], STDERR_FILENO);
		kdl_tui_progress(NULL, "stacks", 1, 2);
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
		close(p[1]);
		n = read(p[0], buf, sizeof(buf));
		close(p[0]);
		KDL_CHECK(n == 0, "no progress output when stderr is not a terminal");
	}
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C.UTF-8");
	setenv("TERM", "xterm-256color", 1);
	setenv("LINES", getenv("KDL_ROWS") ? getenv("KDL_ROWS") : "40", 1);
	setenv("COLUMNS", getenv("KDL_COLS") ? getenv("KDL_COLS") : "120", 1);
	unsetenv("NO_COLOR");
	if (getenv("TOP") && chdir(getenv("TOP")) != 0)
		return 1;
	const char *top_env = getenv("TOP");
	char top[1024];
	if (top_env)
		snprintf(top, sizeof(top), "%s", top_env);
	else if (!getcwd(top, sizeof(top)))
		return 1;
	setenv("KDLVIEW_THEMES", "themes", 1);
	kdl_theme_set_dirs(NULL);

	struct kdl_model *m = fx_model();
	src = (struct kdl_tui_source){ .model = m, .export = fx_export, .task_frames = fx_frames_fn };

	FILE *out = fopen("/dev/null", "w");
	FILE *in = fopen("/dev/null", "r");
	SCREEN *scr = newterm(NULL, out, in);
	if (!scr) {
		kdl_test_skip("newterm failed (no xterm-256color terminfo?)");
		return kdl_test_done();
	}
	set_term(scr);

	/* A source tree for the source view. */
	char srcdir[] = "/tmp/kdl-tui-src-XXXXXX";
	if (!mkdtemp(srcdir))
		return 1;
	char path[1200];
	snprintf(path, sizeof(path), "%s/kernel", srcdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/kernel/locking", srcdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/kernel/locking/mutex.c", srcdir);
	FILE *sf = fopen(path, "w");
	for (int i = 1; i <= 40; i++)
		fprintf(sf, i == 21 ? "\tschedule_preempt_disabled(); /* line %d */\n" : "/* filler line %d */\n", i);
	fclose(sf);

	tui = start(NULL, srcdir, -1);

	if (argc > 2 && !strcmp(argv[1], "--show")) {
		char buf[256];
		size_t o = 0;
		for (const char *p = argv[2]; *p && o + 1 < sizeof(buf); p++) {
			if (*p == '\\' && p[1]) {
				p++;
				buf[o++] = *p == 'n' ? '\n' : *p == 'b' ? '\b' : *p == 'e' ? 27 : *p == 't' ? '\t' : *p;
			} else {
				buf[o++] = *p;
			}
		}
		buf[o] = 0;
		keys(buf);
		endwin();
		print_screen(stdout);
		return 0;
	}

	test_themes();
	test_progress();

	/* 1. First screen: header, verdict, findings most severe first. */
	keys("");
	expect(on_screen("6.1.0-kdl-test"), "header shows the release");
	expect(on_screen("fixture-host"), "header shows the host");
	expect(on_screen("2025-11-21 09:00:00 UTC"), "header shows the crash time");
	expect(on_screen("3 deadlocks, 27 tasks hung, 1 orphaned lock, 1 convoy"),
	       "verdict counts deadlocks, orphaned locks, convoys, hung tasks");
	expect(on_screen("panic: sysrq triggered crash"), "header shows the panic string");
	int fr = row_of("CRIT");
	expect(fr >= 0 && strstr(screen[fr], "deadlock") && strstr(screen[fr], "ABBA"),
	       "first finding is the ABBA deadlock");
	expect(find_row("HIGH", "orphaned lock") > fr, "orphaned lock listed after the deadlocks");
	expect(on_screen("Finding 1 of 5: deadlock (critical)"), "detail shows the selected finding");
	expect(find_row("201", "kdl_abba_1") >= 0 && find_row("202", "kdl_abba_2") >= 0,
	       "both ABBA tasks are listed");
	expect(on_screen("g graph") || on_screen("graph"), "status line shows key hints");

	/* 2. Enter focuses the finding's tasks; the detail is the first task. */
	keys("\n");
	expect(on_screen("Tasks: tasks of deadlock #1 (2)"), "Enter on a finding filters the task list");
	expect(on_screen("Task 201 kdl_abba_1"), "detail shows the first task of the cycle");
	int w = find_row("WAITS ON", "kdl_lock_b");
	expect(w >= 0, "task 201 waits on kdl_lock_b");
	expect(w >= 0 && find_row_from(w, "held by", "202 kdl_abba_2") == w + 1,
	       "holder of kdl_lock_b is 202 kdl_abba_2");
	expect(find_row("HOLDS", "kdl_lock_a") >= 0, "task 201 holds kdl_lock_a");
	expect(find_row("#0", "__schedule+0x20") >= 0 && on_screen("kernel/sched/core.c:5213"),
	       "backtrace with crash-style numbering and file:line");
	expect(find_row("[kdl_scen]", NULL) >= 0, "module of a frame is shown");

	/* 3. o jumps to the holder, around the cycle; Backspace goes back. */
	keys("o");
	expect(on_screen("Task 202 kdl_abba_2"), "o jumps to the holder 202");
	expect(find_row("WAITS ON", "kdl_lock_a") >= 0, "202 waits on kdl_lock_a");
	expect(find_row("201 kdl_abba_1", "202 kdl_abba_2") == srows - 2, "breadcrumb shows 201 > 202");
	keys("o");
	expect(on_screen("Task 201 kdl_abba_1"), "o again closes the cycle back at 201");
	keys("\b");
	expect(on_screen("Task 202 kdl_abba_2"), "Backspace goes back to 202");
	keys("\b\b");
	expect(on_screen("Finding 1 of 5"), "Backspace walks back to the finding");
	keys("\033");
	expect(on_screen("blocked, spinning and involved tasks"), "Esc clears the focus filter");

	/* 4. Graph of the ABBA cycle. */
	keys("1g");
	expect(on_screen("deadlock cycle 1 of 3"), "g on a deadlock finding draws its cycle");
	expect(find_row("201", "kdl_abba_1") >= 0 && find_row("202", "kdl_abba_2") >= 0 &&
	       on_screen("kdl_lock_a") && on_screen("kdl_lock_b"), "graph has both tasks and both locks");
	expect(find_row("held by", "◀") >= 0 && find_row("held by", "▶") >= 0,
	       "graph draws the cycle as a ring (held-by edges both ways)");
	expect(on_screen("┌") && on_screen("▼"), "graph drawn with box-drawing characters and arrows");
	expect(on_screen("waits on") && on_screen("held by"), "graph edges are labelled");
	keys("j\n");
	expect(on_screen("Lock mutex kdl_lock_b"), "Enter on a lock node opens the lock");
	expect(find_row("held by", "202 kdl_abba_2") >= 0 && find_row("201", "kdl_abba_1") >= 0,
	       "lock detail lists holder and waiters");
	keys("g");
	keys("n");
	expect(on_screen("r/w deadlock cycle 2 of 3"), "n shows the next cycle");
	expect(on_screen("(inferred)") && on_screen("mm_struct.mmap_lock of a.out[401]"),
	       "rwsem reader owner is marked inferred");
	keys("n");
	expect(on_screen("irq self-deadlock cycle 3 of 3") && on_screen("[softirq] on CPU 0"),
	       "irq self-deadlock shows the softirq context");
	keys("N\033");

	/* 5. The convoy is folded in the graph. */
	keys("1\033");
	for (int i = 0; i < 4; i++)
		keys("j");
	keys("g");
	expect(on_screen("17 more waiters"), "long convoy folded into '... 17 more waiters'");
	expect(on_screen("301") && on_screen("kdl_slow"), "convoy head (holder) shown");
	keys("l");
	expect(on_screen("waits"), "l moves to the waiters");
	keys("jjj\n");
	expect(!on_screen("more waiters"), "Enter on the fold shows the folded waiters");
	keys("g");

	/* 6. Orphaned lock. */
	keys("1");
	keys("\033");
	key(KEY_HOME);
	keys("jjj");
	expect(on_screen("Finding 4 of 5: orphaned lock"), "orphaned lock finding selected");
	keys("\n");
	expect(on_screen("owner exited: pid 501 kdl_dead"), "waiters show the exited owner");
	keys("o");
	expect(on_screen("Lock rwsem super_block.s_umount (kdlfs)") && on_screen("EXITED"),
	       "o on a waiter of an orphaned lock shows the lock and its dead holder");

	/* 7. Search. */
	keys("\033\033/abba\n");
	expect(on_screen("filter \"abba\"") && in_tasks(201) && in_tasks(202) && !in_tasks(301),
	       "/ filters by comm");
	expect(on_screen("Task 202 kdl_abba_2"), "the detail follows the filtered list");
	keys("/\025kdl_convoy\n");
	expect(in_tasks(315) && !in_tasks(201), "/ filters by lock name");
	keys("/\025rwsem_down_write\n");
	expect(in_tasks(402) && !in_tasks(201), "/ filters by function in the stack");
	keys("/\025601\n");
	expect(in_tasks(601) && !in_tasks(402), "/ filters by pid");
	keys("\033");

	/* 8. Sorting and all tasks. */
	keys("2a");
	expect(on_screen("Tasks: all tasks (31)"), "a shows all tasks");
	keys("a");
	expect(on_screen("Tasks: blocked, spinning and involved tasks (28)"), "a again hides uninvolved tasks");
	keys("s");
	expect(on_screen("sort pid"), "s changes the sort column");
	keys("sssssss");
	keys("c");
	expect(on_screen("Tasks: on the CPUs at the crash (1)  · by CPU") && in_tasks(601) &&
	       find_row("[softirq]", "kdl_irq_lock") >= 0, "c lists the task on each CPU with its context");
	keys("c");
	expect(on_screen("Tasks: blocked, spinning and involved tasks (28)"), "c again goes back");

	/* 9. Frames: context markers, source view. */
	keys("/\025601\n");
	keys("\n");
	expect(on_screen("SPINS ON") && on_screen("kdl_irq_lock"), "irq holder's CPU spins on kdl_irq_lock");
	expect(on_screen("softirq") && on_screen("hard IRQ"), "context markers in the backtrace");
	keys("\033/\025201\n\n");
	for (int i = 0; i < 12; i++)
		keys("j");
	/* Move to the __mutex_lock frame (#3). */
	int guard = 0;
	while (guard++ < 20 && !on_screen("Task 201")) keys("j");
	{
		/* select frame #3 by clicking it */
		int y = find_row("#3", "__mutex_lock");
		expect(y >= 0, "frame #3 __mutex_lock visible");
		if (y >= 0)
			click(y, 10, BUTTON1_CLICKED);
		keys("\n");
		expect(on_screen("kernel/locking/mutex.c:21") && on_screen("schedule_preempt_disabled(); /* line 21 */"),
		       "Enter on a frame shows the source line from --source");
		keys("\033");
	}
	keys("\033");

	/* 9b. The kernel log opens at the selected task's own report. */
	keys("\033/\025201\n");
	keys("L");
	expect(on_screen("Kernel log, at the last report of 201 kdl_abba_1") &&
	       on_screen("INFO: task kdl_abba_1:201 blocked for more than 120 seconds."),
	       "L opens the kernel log at the task's hung-task report");
	keys("\033\033");

	/* 10. Help generated from the key table. */
	keys("?");
	expect(on_screen("Jump to the holder of what the selected task waits on") && on_screen("Backspace"),
	       "help overlay lists the keys");
	keys("?");
	expect(!on_screen("Jump to the holder"), "? closes the help");

	/* 11. Themes. */
	keys("t");
	expect(on_screen("Theme: light"), "t cycles to the light theme");
	keys("tt");
	expect(on_screen("Theme: monochrome"), "t cycles to monochrome");
	keys("t");

	/* 12. Export: default path, no clobber, confirmation, atomic. */
	char expdir[] = "/tmp/kdl-tui-exp-XXXXXX";
	if (!mkdtemp(expdir))
		return 1;
	char cwd[1024];
	if (!getcwd(cwd, sizeof(cwd)) || chdir(expdir) != 0)
		return 1;
	keys("\033/\025201\n");
	keys("e");
	expect(on_screen("Export chain of pid 201 to") && on_screen("kdlview-6.1.0-kdl-test-pid201.md"),
	       "e prompts with a default path");
	keys("\n");
	expect(on_screen("Wrote kdlview-6.1.0-kdl-test-pid201.md"), "export reports the file written");
	expect(file_has("kdlview-6.1.0-kdl-test-pid201.md", "format=md pid=201"),
	       "exported file has the selection in Markdown");
	keys("e");
	expect(on_screen("kdlview-6.1.0-kdl-test-pid201-2.md"), "the default path never names an existing file");
	keys("\025kdlview-6.1.0-kdl-test-pid201.md\n");
	expect(on_screen("exists. Overwrite? (y/N)"), "an existing file needs confirmation");
	keys("n");
	expect(on_screen("Not overwritten"), "n keeps the existing file");
	keys("e\025out.json\n");
	expect(file_has("out.json", "format=json pid=201"), "format follows the extension");
	keys("e\025out.html\n");
	expect(file_has("out.html", "format=html pid=201"), "a .html name exports the page");
	keys("e\025out.htm\n");
	expect(file_has("out.htm", "format=html pid=201"), "a .htm name exports the page");
	keys("e\025out.svg\n");
	expect(file_has("out.svg", "format=svg pid=201"), "a .svg name exports the graph");
	keys("E\025out.json\n");
	keys("y");
	expect(file_has("out.json", "format=json pid=-1"), "E exports the whole analysis after confirmation");
	{
		int tmpfiles = 0;
		FILE *p = popen("ls -a | grep -c kdlview-", "r");
		if (p) {
			if (fscanf(p, "%d", &tmpfiles) != 1)
				tmpfiles = -1;
			pclose(p);
		}
		expect(tmpfiles == 1, "no temporary files are left behind");
	}
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", expdir, srcdir);
	if (chdir(cwd) != 0 || system(cmd) != 0)
		return 1;
	keys("\033");

	/* 13. Resize to 80x24 and back. */
	resize(24, 80);
	expect(on_screen("3 deadlocks, 27 tasks hung, 1 orphaned lock"), "80x24: verdict visible");
	keys("1");
	expect(on_screen("Findings") && on_screen("Tasks") && on_screen("q quit"),
	       "80x24: panels and key hints visible");
	keys("1");
	key(KEY_HOME);
	keys("g");
	expect(on_screen("cycle 1 of 3") && on_screen("kdl_abba_1"), "80x24: graph draws");
	keys("jjj");
	expect(on_screen("kdl_lock_a"), "80x24: graph scrolls to the selection");
	keys("g");
	resize(40, 120);

	/* 13b. Tiny terminals do not crash. */
	resize(10, 40);
	keys("gjl\ng?");
	resize(3, 20);
	keys("\033\0331\n2jjo3\n");
	resize(1, 1);
	keys("g");
	resize(40, 120);
	keys("\033\033");
	expect(on_screen("Findings"), "tiny terminals (40x10, 20x3, 1x1) survive");

	/* 14. Mouse selects a task row; a click on a column heading sorts. */
	keys("\033\0332");
	int y = task_row(304);
	if (y >= 0)
		click(y, 20, BUTTON1_CLICKED);
	expect(on_screen("Task 304 kdl_conv"), "clicking a task row selects it");
	y = find_row("PID", "WAITS ON");
	if (y >= 0)
		click(y, 30, BUTTON1_CLICKED);
	expect(on_screen("Sorted by comm"), "clicking the COMM heading sorts by comm");

	/* 15. --pid selects a task first; NO_COLOR gives monochrome. */
	kdl_tui_destroy(tui);
	setenv("NO_COLOR", "1", 1);
	tui = start(NULL, NULL, 503);
	keys("");
	expect(on_screen("Task 503 sync") && tui->theme.monochrome, "--pid selects the task; NO_COLOR is monochrome");
	kdl_tui_destroy(tui);
	unsetenv("NO_COLOR");
	tui = start("high-contrast", NULL, -1);
	expect(!strcmp(tui->theme.name, "high-contrast"), "--theme NAME loads a theme file");

	/* 16. ASCII fallback outside UTF-8 locales. */
	kdl_tui_destroy(tui);
	setlocale(LC_ALL, "C");
	tui = start(NULL, NULL, -1);
	keys("g");
	expect(on_screen("+--") && !on_screen("┌"), "ASCII box drawing outside UTF-8 locales");
	keys("q");
	KDL_CHECK(tui->quit, "q quits");

	kdl_tui_destroy(tui);
	setlocale(LC_ALL, "C.UTF-8");

	/* 17. An empty model (no tasks, no findings) still draws and navigates. */
	{
		struct kdl_model *e = calloc(1, sizeof(*e));
		e->dump.crash_time = -1;
		src.model = e;
		tui = start(NULL, NULL, -1);
		keys("jjk\n\to g/x\n\033?\033eE\033");
		expect(on_screen("no blocked tasks, no findings") && on_screen("No findings"),
		       "empty model: a calm verdict and empty panels");
		kdl_tui_destroy(tui);
		kdl_model_destroy(e);
	}

	/* 18. A big dump stays instant: 20000 tasks, a convoy of 5000 waiters. */
	{
		struct kdl_model *b = calloc(1, sizeof(*b));
		b->dump.crash_time = -1;
		b->tasks = calloc(20000, sizeof(*b->tasks));
		b->locks = calloc(1, sizeof(*b->locks));
		fx_lock(b, KDL_LOCK_MUTEX, "big_mutex", 0xffffffffc0001000ull);
		for (int i = 0; i < 20000; i++)
			fx_task(b, 1000 + i, i % 4 ? "worker" : "kdl_big", i < 5001 ? "UN" : "IN", i % 64);
		fx_owner(b, 0, 0, KDL_CTX_TASK, 1000, "kdl_big", KDL_MODE_EXCLUSIVE, KDL_CONF_CERTAIN,
			 true, "owner field");
		for (int i = 1; i < 5001; i++)
			fx_wait(b, i, 0, KDL_MODE_EXCLUSIVE, "waiter");
		b->findings = calloc(1, sizeof(*b->findings));
		b->nfindings = 1;
		int *ft = calloc(5001, sizeof(int));
		for (int i = 0; i < 5001; i++)
			ft[i] = i;
		b->findings[0] = (struct kdl_finding){ KDL_F_CONVOY, KDL_SEV_MEDIUM, ft, 5001,
						       fx_ints(1, (int[]){ 0 }), 1, -1, strdup("big convoy"),
						       KDL_CONF_CERTAIN, false };
		src.model = b;
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		tui = start(NULL, NULL, -1);
		keys("");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double first = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		double worst = 0;
		static const char *const steps[] = { "\n", "o", "3", "j", "\n", "g", "l", "jjj\n", "g", "\b",
						     "2a", "/kdl_big\n", "s", "\033", "G", "E\033" };
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			clock_gettime(CLOCK_MONOTONIC, &t0);
			keys(steps[i]);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
			if (getenv("KDL_TUI_TIMES"))
				printf("#   step %zu %s: %.1f ms\n", i, steps[i], ms);
			if (ms > worst)
				worst = ms;
		}
		printf("# 20000 tasks, 5000 waiters: first screen %.1f ms, slowest key %.1f ms\n", first, worst);
		bool san = getenv("KDL_SANITIZED") != NULL;
		KDL_CHECK(san || (first < 200 && worst < 200),
			  "20000 tasks: first screen %.0f ms, slowest key %.0f ms (< 200 ms)", first, worst);
		expect(on_screen("big_mutex"), "big model renders");
		kdl_tui_destroy(tui);
		kdl_model_destroy(b);
	}

	/* 19. A model with out-of-range indices everywhere (a core bug must
	 * not crash the TUI): random keys over it. */
	{
		struct kdl_model *g = fx_model();
		g->cycles[0].nodes[1].task = 9999;
		g->cycles[1].locks[0] = -7;
		g->cycles[2].nodes[0].task = -1;
		g->findings[0].tasks[0] = 12345;
		g->findings[1].locks[0] = 777;
		g->findings[2].cycle = 55;
		g->locks[0].waiters[0].who.task = 4242;
		g->locks[1].owners[0].who.task = -9;
		g->tasks[3].waits_on = 999;
		g->tasks[2].holds[0] = -3;
		g->cpus[0].task = 31337;
		g->cpus[1].spinning_on = 4096;
		src.model = g;
		tui = start(NULL, NULL, -1);
		static const int pool[] = { 'j', 'k', 'h', 'l', 'g', 'o', 'n', 'N', '\n', '\t', 'a', 's',
					    '1', '2', '3', 27, KEY_BACKSPACE, KEY_END, KEY_HOME, 'z' };
		unsigned seed = 7;
		for (int i = 0; i < 4000; i++) {
			seed = seed * 1103515245u + 12345u;
			kdl_tui_key(tui, pool[(seed >> 8) % (sizeof(pool) / sizeof(pool[0]))]);
			kdl_tui_draw(tui);
		}
		KDL_CHECK(!tui->quit, "out-of-range model indices: 4000 random keys, no crash");
		kdl_tui_destroy(tui);
		kdl_model_destroy(g);
	}

	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	kdl_model_destroy(m);
	(void)nframes_calls;
	return kdl_test_done();
}
