/* tui/keys.h - every key action is a named request; key bindings are one table.
 *
 * The requests (enum kdl_req and their names and help lines) come from ONE
 * list, keys.def; the bindings (key -> request, per keymap) are the one table
 * in keys.c. The help overlay, the man page's KEYS section and the README key
 * list are all generated from them (see kdl_keys_print()).
 */
#ifndef KDL_TUI_KEYS_H
#define KDL_TUI_KEYS_H

#include <stdio.h>

/* KDL_REQ_NONE, KDL_REQ_QUIT, ... in the order of keys.def. */
enum kdl_req {
#define KDL_REQUEST(id, name, help) KDL_REQ_##id,
#include "keys.def"
#undef KDL_REQUEST
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
