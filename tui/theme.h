/* tui/theme.h - colour roles and themes.
 *
 * Code names what a piece of text is (a role); a theme maps each role to a
 * foreground, background and attributes. Themes are text files
 * (themes/NAME.theme), one line per role:
 *
 *     # comment
 *     color ROLE FG BG [bold] [underline] [reverse] [dim] [italic]
 *
 * FG/BG: default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-<name>, or a number 0-255 (mapped to the nearest of 8 colours on
 * terminals with fewer colours). `mono ROLE attrs...` gives the attributes
 * used when the terminal has no colours; a line `monochrome` never uses
 * colours. Roles not named keep the values of the compiled-in default theme
 * (and the `mono` attributes of the monochrome theme). "default" and
 * "monochrome" are compiled in.
 */
#ifndef KDL_TUI_THEME_H
#define KDL_TUI_THEME_H

#include <stdbool.h>
#include <stddef.h>

enum kdl_role {
	KDL_R_DEFAULT = 0,
	KDL_R_HEADER,     /* header line background */
	KDL_R_HEADER_KEY, /* labels in the header */
	KDL_R_VERDICT_BAD,
	KDL_R_VERDICT_OK,
	KDL_R_TITLE,       /* panel title bar */
	KDL_R_TITLE_FOCUS, /* title bar of the focused panel */
	KDL_R_COLUMN,      /* column headings */
	KDL_R_CURSOR,      /* selected row, focused panel */
	KDL_R_CURSOR_DIM,  /* selected row, other panels */
	KDL_R_CRITICAL,
	KDL_R_HIGH,
	KDL_R_MEDIUM,
	KDL_R_LOW,
	KDL_R_OWNER,   /* holder of a lock */
	KDL_R_WAITER,  /* a task waiting */
	KDL_R_CYCLE,   /* part of a deadlock cycle */
	KDL_R_LOCK,    /* lock names */
	KDL_R_PID,
	KDL_R_COMM,
	KDL_R_STATE_BLOCKED,
	KDL_R_STATE_RUNNING,
	KDL_R_DIM,
	KDL_R_CONTEXT,    /* IRQ/softirq/exception markers */
	KDL_R_UNRELIABLE, /* stack-scan frames, inferred facts */
	KDL_R_LOCATION,   /* file:line */
	KDL_R_FUNCTION,
	KDL_R_SOURCE_CURRENT,
	KDL_R_MATCH,
	KDL_R_STATUS,
	KDL_R_STATUS_KEY,
	KDL_R_BREADCRUMB,
	KDL_R_NODE,
	KDL_R_NODE_SELECTED,
	KDL_R_EDGE,
	KDL_R_ERROR,
	KDL_R_BORDER,
	KDL_R_PROMPT,
	KDL_R_COUNT
};

/* Name of a role as used in theme files. */
const char *kdl_role_name(enum kdl_role r);

enum { KDL_A_BOLD = 1, KDL_A_UNDERLINE = 2, KDL_A_REVERSE = 4, KDL_A_DIM = 8,
       KDL_A_ITALIC = 16 };

struct kdl_style {
	short fg, bg;      /* -1 = terminal default */
	unsigned attrs;    /* KDL_A_* with colours */
	unsigned mono;     /* KDL_A_* without colours */
};

struct kdl_theme {
	char name[64];
	bool monochrome;   /* never use colours */
	bool colors_on;    /* set by kdl_theme_apply: colour pairs in use */
	struct kdl_style roles[KDL_R_COUNT];
};

/* Names of the themes that `t` cycles through, in order. */
extern const char *const kdl_theme_cycle[];
extern const size_t kdl_theme_cycle_len;

/* Load a theme by name (compiled in, or NAME.theme in the theme directories)
 * or by path (contains a '/' or ends in ".theme"). On failure writes a
 * one-line message to err and returns false; *th is then the default theme. */
bool kdl_theme_load(struct kdl_theme *th, const char *name_or_path, char *err,
		    size_t errsize);

/* Parse theme text over the values already in *th. Returns false and a
 * message naming the line on the first bad line. */
bool kdl_theme_parse(struct kdl_theme *th, const char *text, char *err, size_t errsize);

/* The compiled-in theme texts (also shipped as themes/NAME.theme). */
extern const char kdl_theme_default_text[];
extern const char kdl_theme_monochrome_text[];

/* Directory searched for NAME.theme files (KDLVIEW_THEMES, then next to the
 * executable: ./themes, ../share/kdlview/themes). Set once at start. */
void kdl_theme_set_dirs(const char *exe_path);

/* Initialise curses colour pairs for the theme (call after start_color()). */
void kdl_theme_apply(struct kdl_theme *th);
/* The curses attribute word for a role (after kdl_theme_apply). */
unsigned long kdl_theme_attr(const struct kdl_theme *th, enum kdl_role r);

#endif
