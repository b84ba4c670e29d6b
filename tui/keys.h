/* tui/keys.h - every key action is a named request; key bindings are one table.
 *
 * The help overlay, the man page's KEYS section and the README key list are all
 * generated from the table in keys.c (see kdl_keys_print()).
 */
#ifndef KDL_TUI_KEYS_H
#define KDL_TUI_KEYS_H

#include <stdio.h>

enum kdl_req {
	KDL_REQ_NONE = 0,
	KDL_REQ_QUIT,
	KDL_REQ_HELP,
	KDL_REQ_NEXT_PANEL,
	KDL_REQ_PREV_PANEL,
	KDL_REQ_FOCUS_FINDINGS,
	KDL_REQ_FOCUS_TASKS,
	KDL_REQ_FOCUS_DETAIL,
	KDL_REQ_UP,
	KDL_REQ_DOWN,
	KDL_REQ_LEFT,
	KDL_REQ_RIGHT,
	KDL_REQ_PAGE_UP,
	KDL_REQ_PAGE_DOWN,
	KDL_REQ_HOME,
	KDL_REQ_END,
	KDL_REQ_ENTER,
	KDL_REQ_OWNER,
	KDL_REQ_BACK,
	KDL_REQ_GRAPH,
	KDL_REQ_SEARCH,
	KDL_REQ_NEXT_MATCH,
	KDL_REQ_PREV_MATCH,
	KDL_REQ_NEXT_CYCLE,
	KDL_REQ_PREV_CYCLE,
	KDL_REQ_SORT,
	KDL_REQ_SORT_REVERSE,
	KDL_REQ_ALL_TASKS,
	KDL_REQ_CPUS,
	KDL_REQ_CLEAR,
	KDL_REQ_EXPORT,
	KDL_REQ_EXPORT_ALL,
	KDL_REQ_THEME,
	KDL_REQ_ZOOM,
	KDL_REQ_LOG,
	KDL_REQ_REDRAW,
	KDL_REQ_COUNT
};

/* Keymaps: a view's own map is searched first, then the generic one. */
enum kdl_keymap { KDL_KM_GENERIC = 0, KDL_KM_MAIN, KDL_KM_GRAPH, KDL_KM_COUNT };

struct kdl_request_info {
	enum kdl_req req;
	const char *name; /* e.g. "jump-to-owner" */
	const char *help; /* one line */
};

struct kdl_keybind {
	enum kdl_keymap map;
	int key;          /* curses key code or character */
	const char *label; /* as shown to people: "o", "Enter", "Backspace" */
	enum kdl_req req;
};

extern const struct kdl_keybind kdl_keybinds[];
extern const size_t kdl_nkeybinds;

const struct kdl_request_info *kdl_request_info(enum kdl_req req);
const char *kdl_keymap_name(enum kdl_keymap map);

/* The request bound to `key` in `map` (falling back to the generic map). */
enum kdl_req kdl_key_request(enum kdl_keymap map, int key);

/* Labels of the keys bound to `req` in `map` (or generic), joined by "/",
 * e.g. "j/Down". */
void kdl_key_labels(enum kdl_keymap map, enum kdl_req req, char *buf, size_t size);

/* The first label of a key bound to `req` in `map` (or generic), or "". */
const char *kdl_key_first_label(enum kdl_keymap map, enum kdl_req req);

/* The requests bound in `map` (its own table rows only), each once, in table
 * order; out has room for KDL_REQ_COUNT. Returns how many. */
size_t kdl_keymap_requests(enum kdl_keymap map, enum kdl_req *out);

/* Write the key table as "md" (a Markdown table) or "man" (roff .TP items). */
void kdl_keys_print(FILE *f, const char *format);

#endif
