/* tui/theme.c - colour roles, theme files, curses colour pairs. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "theme.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const role_names[KDL_R_COUNT] = {
	"default", "header", "header_key", "verdict_bad", "verdict_ok", "title",
	"title_focus", "column", "cursor", "cursor_dim", "critical", "high", "medium",
	"low", "owner", "waiter", "cycle", "lock", "pid", "comm", "state_blocked",
	"state_running", "dim", "context", "unreliable", "location", "function",
	"source_current", "match", "status", "status_key", "breadcrumb", "node",
	"node_selected", "edge", "error", "border", "prompt",
};

const char *kdl_role_name(enum kdl_role r)
{
	return (unsigned)r < KDL_R_COUNT ? role_names[r] : "?";
}

const char *const kdl_theme_cycle[] = { "default", "light", "high-contrast", "monochrome" };
const size_t kdl_theme_cycle_len = sizeof(kdl_theme_cycle) / sizeof(kdl_theme_cycle[0]);

/* Copies of themes/default.theme and themes/monochrome.theme (a test checks
 * that they stay identical). */
const char kdl_theme_default_text[] =
	"# kdlview default theme (dark terminals, 256 colours; nearest of 8 otherwise).\n"
	"# color ROLE FG BG [bold] [underline] [reverse] [dim] [italic]\n"
	"# Without colours (or with NO_COLOR) the attributes of monochrome.theme apply.\n"
	"# This file is also compiled into kdlview (tui/theme.c); keep them identical.\n"
	"color default        default default\n"
	"color header         252 236\n"
	"color header_key     109 236 bold\n"
	"color verdict_bad    231 124 bold\n"
	"color verdict_ok     16  71  bold\n"
	"color title          250 238\n"
	"color title_focus    16  75  bold\n"
	"color column         109 default bold\n"
	"color cursor         231 25  bold\n"
	"color cursor_dim     default 238\n"
	"color critical       196 default bold\n"
	"color high           208 default bold\n"
	"color medium         220 default\n"
	"color low            110 default\n"
	"color owner          214 default bold\n"
	"color waiter         117 default\n"
	"color cycle          203 default bold\n"
	"color lock           177 default\n"
	"color pid            81  default bold\n"
	"color comm           default default\n"
	"color state_blocked  203 default bold\n"
	"color state_running  114 default bold\n"
	"color dim            244 default\n"
	"color context        179 default bold\n"
	"color unreliable     244 default\n"
	"color location       108 default\n"
	"color function       223 default\n"
	"color source_current 231 238 bold\n"
	"color match          16  220\n"
	"color status         252 236\n"
	"color status_key     75  236 bold\n"
	"color breadcrumb     180 236\n"
	"color node           252 default\n"
	"color node_selected  16  75  bold\n"
	"color edge           244 default\n"
	"color error          231 160 bold\n"
	"color border         240 default\n"
	"color prompt         231 24  bold\n";

const char kdl_theme_monochrome_text[] =
	"# kdlview monochrome theme: attributes only, no colours (also used for NO_COLOR).\n"
	"# This file is also compiled into kdlview (tui/theme.c); keep them identical.\n"
	"monochrome\n"
	"mono default\n"
	"mono header          reverse\n"
	"mono header_key      reverse bold\n"
	"mono verdict_bad     reverse bold\n"
	"mono verdict_ok      reverse\n"
	"mono title           underline\n"
	"mono title_focus     reverse bold\n"
	"mono column          bold\n"
	"mono cursor          reverse\n"
	"mono cursor_dim      underline\n"
	"mono critical        bold\n"
	"mono high            bold\n"
	"mono medium\n"
	"mono low\n"
	"mono owner           bold\n"
	"mono waiter\n"
	"mono cycle           bold underline\n"
	"mono lock\n"
	"mono pid             bold\n"
	"mono comm\n"
	"mono state_blocked   bold\n"
	"mono state_running\n"
	"mono dim             dim\n"
	"mono context         bold\n"
	"mono unreliable      dim\n"
	"mono location\n"
	"mono function\n"
	"mono source_current  reverse\n"
	"mono match           reverse\n"
	"mono status          reverse\n"
	"mono status_key      reverse bold\n"
	"mono breadcrumb      reverse\n"
	"mono node\n"
	"mono node_selected   reverse bold\n"
	"mono edge\n"
	"mono error           reverse bold\n"
	"mono border\n"
	"mono prompt          reverse bold\n";

static char theme_dirs[8][PATH_MAX];
static int ntheme_dirs;

void kdl_theme_set_dirs(const char *exe_path)
{
	ntheme_dirs = 0;
	const char *env = getenv("KDLVIEW_THEMES");
	if (env && *env)
		snprintf(theme_dirs[ntheme_dirs++], PATH_MAX, "%s", env);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0)
		exe[n] = 0;
	else if (exe_path)
		snprintf(exe, sizeof(exe), "%s", exe_path);
	else
		exe[0] = 0;
	char *slash = strrchr(exe, '/');
	if (slash) {
		/* Installed (PREFIX/bin -> PREFIX/share/kdlview/themes) or run from
		 * the source tree (build/kdlview, build/asan/kdlview). */
		*slash = 0;
		snprintf(theme_dirs[ntheme_dirs++], PATH_MAX, "%.4000s/../share/kdlview/themes", exe);
		snprintf(theme_dirs[ntheme_dirs++], PATH_MAX, "%.4000s/themes", exe);
		snprintf(theme_dirs[ntheme_dirs++], PATH_MAX, "%.4000s/../themes", exe);
		snprintf(theme_dirs[ntheme_dirs++], PATH_MAX, "%.4000s/../../themes", exe);
	}
	snprintf(theme_dirs[ntheme_dirs++], PATH_MAX, "/usr/local/share/kdlview/themes");
	snprintf(theme_dirs[ntheme_dirs++], PATH_MAX, "/usr/share/kdlview/themes");
}

static bool parse_color(const char *s, short *out)
{
	static const char *const names[] = { "black", "red", "green", "yellow",
					     "blue", "magenta", "cyan", "white" };
	if (!strcasecmp(s, "default") || !strcmp(s, "-1")) {
		*out = -1;
		return true;
	}
	int bright = 0;
	if (!strncasecmp(s, "bright-", 7)) {
		bright = 8;
		s += 7;
	}
	for (int i = 0; i < 8; i++)
		if (!strcasecmp(s, names[i])) {
			*out = (short)(i + bright);
			return true;
		}
	if (bright)
		return false;
	char *end;
	long v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v <= 255) {
		*out = (short)v;
		return true;
	}
	return false;
}

static bool parse_attr(const char *s, unsigned *a)
{
	static const struct { const char *n; unsigned v; } t[] = {
		{ "bold", KDL_A_BOLD }, { "underline", KDL_A_UNDERLINE },
		{ "reverse", KDL_A_REVERSE }, { "dim", KDL_A_DIM }, { "italic", KDL_A_ITALIC },
		{ "normal", 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcasecmp(s, t[i].n)) {
			*a |= t[i].v;
			return true;
		}
	return false;
}

static int find_role(const char *s)
{
	for (int i = 0; i < KDL_R_COUNT; i++)
		if (!strcmp(s, role_names[i]))
			return i;
	return -1;
}

bool kdl_theme_parse(struct kdl_theme *th, const char *text, char *err, size_t errsize)
{
	int lineno = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		lineno++;
		if (len >= sizeof(line)) {
			snprintf(err, errsize, "line %d: too long", lineno);
			return false;
		}
		memcpy(line, p, len);
		line[len] = 0;
		p += len + (nl ? 1 : 0);
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *tok[12];
		int nt = 0;
		for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t && nt < 12;
		     t = strtok_r(NULL, " \t\r", &save))
			tok[nt++] = t;
		if (nt == 0)
			continue;
		if (!strcmp(tok[0], "monochrome") && nt == 1) {
			th->monochrome = true;
			continue;
		}
		bool color = !strcmp(tok[0], "color");
		bool mono = !strcmp(tok[0], "mono");
		if (!color && !mono) {
			snprintf(err, errsize, "line %d: unknown directive '%.40s'", lineno, tok[0]);
			return false;
		}
		if (nt < 2 || (color && nt < 4)) {
			snprintf(err, errsize, "line %d: expected '%s ROLE%s'", lineno, tok[0],
				 color ? " FG BG [attrs]" : " [attrs]");
			return false;
		}
		int r = find_role(tok[1]);
		if (r < 0) {
			snprintf(err, errsize, "line %d: unknown role '%.40s'", lineno, tok[1]);
			return false;
		}
		struct kdl_style st = th->roles[r];
		int first = 2;
		unsigned attrs = 0;
		if (color) {
			if (!parse_color(tok[2], &st.fg) || !parse_color(tok[3], &st.bg)) {
				snprintf(err, errsize, "line %d: bad colour", lineno);
				return false;
			}
			first = 4;
		}
		for (int i = first; i < nt; i++)
			if (!parse_attr(tok[i], &attrs)) {
				snprintf(err, errsize, "line %d: unknown attribute '%.40s'",
					 lineno, tok[i]);
				return false;
			}
		if (color)
			st.attrs = attrs;
		else
			st.mono = attrs;
		th->roles[r] = st;
	}
	return true;
}

static void theme_reset(struct kdl_theme *th, const char *name)
{
	memset(th, 0, sizeof(*th));
	for (int i = 0; i < KDL_R_COUNT; i++)
		th->roles[i].fg = th->roles[i].bg = -1;
	char err[128];
	/* Colours from the default theme, attributes without colours from the
	 * monochrome one (both compiled in and known to parse: tested). */
	(void)kdl_theme_parse(th, kdl_theme_default_text, err, sizeof(err));
	(void)kdl_theme_parse(th, kdl_theme_monochrome_text, err, sizeof(err));
	th->monochrome = false;
	snprintf(th->name, sizeof(th->name), "%s", name);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
		if (len + 1 >= cap) {
			if (cap > (1u << 20)) /* a theme is small; refuse big files */
				break;
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

bool kdl_theme_load(struct kdl_theme *th, const char *name, char *err, size_t errsize)
{
	if (!name || !*name)
		name = "default";
	theme_reset(th, name);
	if (!strcmp(name, "default"))
		return true;
	if (!strcmp(name, "monochrome"))
		return kdl_theme_parse(th, kdl_theme_monochrome_text, err, errsize);

	char path[PATH_MAX];
	char *text = NULL;
	size_t nl = strlen(name);
	bool is_path = strchr(name, '/') || (nl > 6 && !strcmp(name + nl - 6, ".theme"));
	if (is_path) {
		snprintf(path, sizeof(path), "%s", name);
		text = read_file(path);
	} else {
		for (int i = 0; i < ntheme_dirs && !text; i++) {
			snprintf(path, sizeof(path), "%.3800s/%.200s.theme", theme_dirs[i], name);
			text = read_file(path);
		}
	}
	if (!text) {
		snprintf(err, errsize, "theme '%.200s' not found%s", name,
			 is_path ? "" : " (built in: default, monochrome)");
		theme_reset(th, "default");
		return false;
	}
	char perr[200];
	bool ok = kdl_theme_parse(th, text, perr, sizeof(perr));
	free(text);
	if (!ok) {
		snprintf(err, errsize, "theme %.200s: %s", path, perr);
		theme_reset(th, "default");
		return false;
	}
	/* Show the bare name for files given by path. */
	const char *base = strrchr(name, '/');
	snprintf(th->name, sizeof(th->name), "%s", base ? base + 1 : name);
	return true;
}

/* Nearest of the 8 basic colours for an xterm-256 index. */
static short to8(short c)
{
	if (c < 0)
		return c;
	if (c < 16)
		return c % 8;
	int r, g, b;
	if (c >= 232) {
		r = g = b = 8 + 10 * (c - 232);
	} else {
		int i = c - 16;
		static const int lv[6] = { 0, 95, 135, 175, 215, 255 };
		r = lv[i / 36];
		g = lv[(i / 6) % 6];
		b = lv[i % 6];
	}
	static const int base[8][3] = { { 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 },
					 { 205, 205, 0 }, { 0, 0, 238 }, { 205, 0, 205 },
					 { 0, 205, 205 }, { 229, 229, 229 } };
	int best = 0;
	long bd = -1;
	for (int i = 0; i < 8; i++) {
		long d = (long)(r - base[i][0]) * (r - base[i][0]) +
			 (long)(g - base[i][1]) * (g - base[i][1]) +
			 (long)(b - base[i][2]) * (b - base[i][2]);
		if (bd < 0 || d < bd) {
			bd = d;
			best = i;
		}
	}
	return (short)best;
}

void kdl_theme_apply(struct kdl_theme *th)
{
	th->colors_on = false;
	if (th->monochrome || !has_colors() || COLORS < 8 || COLOR_PAIRS < KDL_R_COUNT + 1)
		return;
	th->colors_on = true;
	for (int i = 0; i < KDL_R_COUNT; i++) {
		short fg = th->roles[i].fg, bg = th->roles[i].bg;
		if (fg >= COLORS)
			fg = COLORS >= 16 && fg < 16 ? fg : to8(fg);
		if (bg >= COLORS)
			bg = COLORS >= 16 && bg < 16 ? bg : to8(bg);
		init_pair((short)(i + 1), fg, bg);
	}
}

static unsigned long curses_attrs(unsigned a)
{
	unsigned long r = A_NORMAL;
	if (a & KDL_A_BOLD)
		r |= A_BOLD;
	if (a & KDL_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & KDL_A_REVERSE)
		r |= A_REVERSE;
	if (a & KDL_A_DIM)
		r |= A_DIM;
#ifdef A_ITALIC
	if (a & KDL_A_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

unsigned long kdl_theme_attr(const struct kdl_theme *th, enum kdl_role r)
{
	if ((unsigned)r >= KDL_R_COUNT)
		r = KDL_R_DEFAULT;
	if (th->colors_on)
		return COLOR_PAIR(r + 1) | curses_attrs(th->roles[r].attrs);
	return curses_attrs(th->roles[r].mono);
}
