/* tests/tui_fuzz_replay.c - the TUI over damaged analyses: each input of
 * tests/fuzz/regress/ and tests/fuzz/tui-corpus/ (a sample of the fuzzer's
 * corpus: list loops, wild pointers, hostile strings, missing pages ...) is
 * applied to the memory image of the 6.1-orc sample, analysed, and the TUI is
 * driven headless (newterm on /dev/null) through every pane with a storm of
 * keys at changing sizes: no crash, no sanitizer report, and no control
 * character from the dump on the screen.
 */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "tests/fuzz/image.c"
#include "tests/lib/kdltest.h"
#include "tui/tui_int.h"

/* No control character on the screen (curses shows them as ^X, a dump's
 * escape would be sent raw only if it reached the terminal through us). */
static bool screen_clean(void)
{
	for (int y = 0; y < LINES; y++) {
		wchar_t w[512];
		int n = mvinnwstr(y, 0, w, COLS < 511 ? COLS : 511);

		for (int i = 0; i < n; i++)
			if (w[i] < 0x20 || w[i] == 0x7f || (w[i] >= 0x80 && w[i] < 0xa0))
				return false;
	}
	return true;
}

static void drive(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di, const char *name,
		  const unsigned char *data, size_t len)
{
	static const int pool[] = { 'j', 'k', 'h', 'l', 'g', 'o', 'n', 'N', '\n', '\t', 'a', 's',
				    'S', 'z', '1', '2', '3', 't', '?', 'L', 27, KEY_BACKSPACE,
				    KEY_NPAGE, KEY_PPAGE, KEY_HOME, KEY_END, KEY_UP, KEY_DOWN,
				    KEY_LEFT, KEY_RIGHT, 'x', '5', 21 };
	struct kdl_fuzz_stats st = { 0 };
	struct kdl_analysis *an = NULL;
	struct kdl_error *err = kdl_fuzz_open(img, di, data, len, &st, &an);
	struct kdl_tui_options o = { .focus_pid = -1 };
	struct kdl_tui_source src;
	struct kdl_tui *tui;
	FILE *out, *in;
	SCREEN *scr;
	unsigned seed = (unsigned)len * 2654435761u;
	bool clean = true;
	char e[256];

	if (err) {
		/* refused as a whole: nothing for the TUI to show */
		KDL_CHECK(true, "tui %s: refused (%s)", name, err->msg);
		kdl_error_destroy(err);
		kdl_fuzz_close(img, di, data, len, NULL);
		return;
	}
	kdl_tui_source_init(&src, an);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	scr = out && in ? newterm(NULL, out, in) : NULL;
	if (!scr) {
		kdl_test_skip("tui %s: newterm failed", name);
		goto done;
	}
	set_term(scr);
	resizeterm(40, 120);
	tui = kdl_tui_create(&src, &o, e, sizeof(e));
	if (!KDL_CHECK(tui != NULL, "tui %s: created (%s)", name, tui ? "" : e))
		goto end;
	kdl_tui_screen_init(tui);
	for (int i = 0; i < 400; i++) {
		int k;

		seed = seed * 1103515245u + 12345u;
		k = pool[(seed >> 8) % (sizeof(pool) / sizeof(pool[0]))];
		if (i % 150 == 149) {
			resizeterm(8 + (int)((seed >> 4) % 60), 16 + (int)((seed >> 12) % 150));
			k = KEY_RESIZE;
		}
		kdl_tui_key(tui, k);
		if (tui->prompt == KDL_PR_EXPORT || tui->prompt == KDL_PR_CONFIRM)
			kdl_tui_key(tui, 27);
		kdl_tui_draw(tui);
		if (i % 50 == 0)
			clean = clean && screen_clean();
	}
	KDL_CHECK(!tui->quit, "tui %s: 400 keys at changing sizes, no crash", name);
	KDL_CHECK(clean, "tui %s: no control character on the screen", name);
	kdl_tui_destroy(tui);
end:
	endwin();
	delscreen(scr);
done:
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	kdl_fuzz_close(img, di, data, len, an);
}

static void drive_dir(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di, const char *dir)
{
	char *names[1024];
	size_t n = kdl_fuzz_list_dir(dir, names, sizeof(names) / sizeof(names[0]));

	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(names[i], '/') ? strrchr(names[i], '/') + 1 : names[i];
		unsigned char *data;
		size_t len = 0;

		data = kdl_fuzz_slurp(names[i], &len);
		if (KDL_CHECK(data != NULL, "tui %s: readable", base))
			drive(img, di, base, data, len);
		free(data);
		free(names[i]);
	}
}

int main(void)
{
	const char *dir = kdl_test_sample_dir("6.1-orc");
	const char *top = getenv("TOP");
	char rdir[1024];
	struct kdl_fuzz_image *img = NULL;
	struct kdl_debuginfo *di = NULL;
	struct kdl_error *err;

	setlocale(LC_ALL, "C.UTF-8");
	if (!dir) {
		kdl_test_skip("tui fuzz replay: sample 6.1-orc not unpacked");
		return kdl_test_done();
	}
	err = kdl_fuzz_load_sample(top, dir, &img, &di);
	if (!kdl_test_ok(err, "tui fuzz replay: image and vmlinux load"))
		return kdl_test_done();
	drive(img, di, "clean image", NULL, 0);
	snprintf(rdir, sizeof(rdir), "%s/tests/fuzz/regress", top ? top : ".");
	drive_dir(img, di, rdir);
	snprintf(rdir, sizeof(rdir), "%s/tests/fuzz/tui-corpus", top ? top : ".");
	drive_dir(img, di, rdir);
	kdl_debuginfo_destroy(di);
	kdl_fuzz_image_destroy(img);
	return kdl_test_done();
}
