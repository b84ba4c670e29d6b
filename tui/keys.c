/* tui/keys.c - the request table and the one key binding table. */
#include "keys.h"

#include <curses.h>
#include <stdbool.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)

static const struct kdl_request_info requests[KDL_REQ_COUNT] = {
	[KDL_REQ_NONE] = { KDL_REQ_NONE, "none", "" },
	[KDL_REQ_QUIT] = { KDL_REQ_QUIT, "quit", "Quit (the terminal is restored)" },
	[KDL_REQ_HELP] = { KDL_REQ_HELP, "help", "Show or hide this help" },
	[KDL_REQ_NEXT_PANEL] = { KDL_REQ_NEXT_PANEL, "next-panel", "Focus the next panel" },
	[KDL_REQ_PREV_PANEL] = { KDL_REQ_PREV_PANEL, "prev-panel", "Focus the previous panel" },
	[KDL_REQ_FOCUS_FINDINGS] = { KDL_REQ_FOCUS_FINDINGS, "findings", "Focus the findings panel" },
	[KDL_REQ_FOCUS_TASKS] = { KDL_REQ_FOCUS_TASKS, "tasks", "Focus the task list" },
	[KDL_REQ_FOCUS_DETAIL] = { KDL_REQ_FOCUS_DETAIL, "detail", "Focus the detail panel" },
	[KDL_REQ_UP] = { KDL_REQ_UP, "up", "Move up (graph: follow the edge up)" },
	[KDL_REQ_DOWN] = { KDL_REQ_DOWN, "down", "Move down (graph: follow the edge down)" },
	[KDL_REQ_LEFT] = { KDL_REQ_LEFT, "left", "Graph: back to the lock from its waiters" },
	[KDL_REQ_RIGHT] = { KDL_REQ_RIGHT, "right", "Graph: from a lock to its other waiters" },
	[KDL_REQ_PAGE_UP] = { KDL_REQ_PAGE_UP, "page-up", "Scroll a page up" },
	[KDL_REQ_PAGE_DOWN] = { KDL_REQ_PAGE_DOWN, "page-down", "Scroll a page down" },
	[KDL_REQ_HOME] = { KDL_REQ_HOME, "first", "Go to the first row" },
	[KDL_REQ_END] = { KDL_REQ_END, "last", "Go to the last row" },
	[KDL_REQ_ENTER] = { KDL_REQ_ENTER, "open",
			    "Open: a finding focuses its tasks; a lock lists holder and "
			    "waiters; a frame shows its source" },
	[KDL_REQ_OWNER] = { KDL_REQ_OWNER, "jump-to-owner",
			    "Jump to the holder of what the selected task waits on" },
	[KDL_REQ_BACK] = { KDL_REQ_BACK, "back", "Go back along the path walked (breadcrumb)" },
	[KDL_REQ_GRAPH] = { KDL_REQ_GRAPH, "graph",
			    "Wait-for graph of the selected finding or task (again: close)" },
	[KDL_REQ_SEARCH] = { KDL_REQ_SEARCH, "search",
			     "Filter tasks by comm, pid, lock name or function" },
	[KDL_REQ_NEXT_MATCH] = { KDL_REQ_NEXT_MATCH, "next-finding",
				 "Select the next finding and its first task" },
	[KDL_REQ_PREV_MATCH] = { KDL_REQ_PREV_MATCH, "prev-finding",
				 "Select the previous finding and its first task" },
	[KDL_REQ_NEXT_CYCLE] = { KDL_REQ_NEXT_CYCLE, "next-cycle", "Graph: next deadlock cycle" },
	[KDL_REQ_PREV_CYCLE] = { KDL_REQ_PREV_CYCLE, "prev-cycle", "Graph: previous deadlock cycle" },
	[KDL_REQ_SORT] = { KDL_REQ_SORT, "sort", "Sort tasks by the next column" },
	[KDL_REQ_SORT_REVERSE] = { KDL_REQ_SORT_REVERSE, "sort-reverse", "Reverse the sort order" },
	[KDL_REQ_ALL_TASKS] = { KDL_REQ_ALL_TASKS, "all-tasks",
				"Toggle: involved tasks only / all tasks" },
	[KDL_REQ_CPUS] = { KDL_REQ_CPUS, "cpus",
			   "Toggle: the task on each CPU at the crash (with IRQ/softirq context)" },
	[KDL_REQ_CLEAR] = { KDL_REQ_CLEAR, "clear", "Clear the filter, close overlays" },
	[KDL_REQ_EXPORT] = { KDL_REQ_EXPORT, "export",
			     "Export the selection (task chain, finding) to a file" },
	[KDL_REQ_EXPORT_ALL] = { KDL_REQ_EXPORT_ALL, "export-all",
				 "Export the whole analysis to a file" },
	[KDL_REQ_THEME] = { KDL_REQ_THEME, "theme", "Cycle colour themes" },
	[KDL_REQ_ZOOM] = { KDL_REQ_ZOOM, "zoom", "Maximise the focused panel (again: restore)" },
	[KDL_REQ_LOG] = { KDL_REQ_LOG, "log", "Show the kernel log (again: close)" },
	[KDL_REQ_REDRAW] = { KDL_REQ_REDRAW, "redraw", "Redraw the screen" },
};

const struct kdl_keybind kdl_keybinds[] = {
	{ KDL_KM_GENERIC, '?', "?", KDL_REQ_HELP },
	{ KDL_KM_GENERIC, KEY_F(1), "F1", KDL_REQ_HELP },
	{ KDL_KM_GENERIC, 'q', "q", KDL_REQ_QUIT },
	{ KDL_KM_GENERIC, 'k', "k", KDL_REQ_UP },
	{ KDL_KM_GENERIC, KEY_UP, "Up", KDL_REQ_UP },
	{ KDL_KM_GENERIC, 'j', "j", KDL_REQ_DOWN },
	{ KDL_KM_GENERIC, KEY_DOWN, "Down", KDL_REQ_DOWN },
	{ KDL_KM_GENERIC, KEY_PPAGE, "PgUp", KDL_REQ_PAGE_UP },
	{ KDL_KM_GENERIC, KEY_NPAGE, "PgDn", KDL_REQ_PAGE_DOWN },
	{ KDL_KM_GENERIC, ' ', "Space", KDL_REQ_PAGE_DOWN },
	{ KDL_KM_GENERIC, KEY_HOME, "Home", KDL_REQ_HOME },
	{ KDL_KM_GENERIC, KEY_END, "End", KDL_REQ_END },
	{ KDL_KM_GENERIC, '\n', "Enter", KDL_REQ_ENTER },
	{ KDL_KM_GENERIC, '\r', NULL, KDL_REQ_ENTER },
	{ KDL_KM_GENERIC, KEY_ENTER, NULL, KDL_REQ_ENTER },
	{ KDL_KM_GENERIC, 'o', "o", KDL_REQ_OWNER },
	{ KDL_KM_GENERIC, KEY_BACKSPACE, "Backspace", KDL_REQ_BACK },
	{ KDL_KM_GENERIC, 127, NULL, KDL_REQ_BACK },
	{ KDL_KM_GENERIC, 8, NULL, KDL_REQ_BACK },
	{ KDL_KM_GENERIC, 'u', "u", KDL_REQ_BACK },
	{ KDL_KM_GENERIC, 'g', "g", KDL_REQ_GRAPH },
	{ KDL_KM_GENERIC, 'e', "e", KDL_REQ_EXPORT },
	{ KDL_KM_GENERIC, 'E', "E", KDL_REQ_EXPORT_ALL },
	{ KDL_KM_GENERIC, 't', "t", KDL_REQ_THEME },
	{ KDL_KM_GENERIC, 'L', "L", KDL_REQ_LOG },
	{ KDL_KM_GENERIC, 27, "Esc", KDL_REQ_CLEAR },
	{ KDL_KM_GENERIC, CTRL('l'), "Ctrl-L", KDL_REQ_REDRAW },
	{ KDL_KM_MAIN, '\t', "Tab", KDL_REQ_NEXT_PANEL },
	{ KDL_KM_MAIN, KEY_BTAB, "Shift-Tab", KDL_REQ_PREV_PANEL },
	{ KDL_KM_MAIN, 'l', "l", KDL_REQ_NEXT_PANEL },
	{ KDL_KM_MAIN, KEY_RIGHT, "Right", KDL_REQ_NEXT_PANEL },
	{ KDL_KM_MAIN, 'h', "h", KDL_REQ_PREV_PANEL },
	{ KDL_KM_MAIN, KEY_LEFT, "Left", KDL_REQ_PREV_PANEL },
	{ KDL_KM_MAIN, '1', "1", KDL_REQ_FOCUS_FINDINGS },
	{ KDL_KM_MAIN, '2', "2", KDL_REQ_FOCUS_TASKS },
	{ KDL_KM_MAIN, '3', "3", KDL_REQ_FOCUS_DETAIL },
	{ KDL_KM_MAIN, 'n', "n", KDL_REQ_NEXT_MATCH },
	{ KDL_KM_MAIN, 'N', "N", KDL_REQ_PREV_MATCH },
	{ KDL_KM_MAIN, '/', "/", KDL_REQ_SEARCH },
	{ KDL_KM_MAIN, 's', "s", KDL_REQ_SORT },
	{ KDL_KM_MAIN, 'S', "S", KDL_REQ_SORT_REVERSE },
	{ KDL_KM_MAIN, 'a', "a", KDL_REQ_ALL_TASKS },
	{ KDL_KM_MAIN, 'c', "c", KDL_REQ_CPUS },
	{ KDL_KM_MAIN, 'z', "z", KDL_REQ_ZOOM },
	{ KDL_KM_GRAPH, 'h', "h", KDL_REQ_LEFT },
	{ KDL_KM_GRAPH, KEY_LEFT, "Left", KDL_REQ_LEFT },
	{ KDL_KM_GRAPH, 'l', "l", KDL_REQ_RIGHT },
	{ KDL_KM_GRAPH, KEY_RIGHT, "Right", KDL_REQ_RIGHT },
	{ KDL_KM_GRAPH, 'n', "n", KDL_REQ_NEXT_CYCLE },
	{ KDL_KM_GRAPH, 'N', "N", KDL_REQ_PREV_CYCLE },
};
const size_t kdl_nkeybinds = sizeof(kdl_keybinds) / sizeof(kdl_keybinds[0]);

const struct kdl_request_info *kdl_request_info(enum kdl_req req)
{
	if ((unsigned)req >= KDL_REQ_COUNT)
		req = KDL_REQ_NONE;
	return &requests[req];
}

const char *kdl_keymap_name(enum kdl_keymap map)
{
	static const char *const names[KDL_KM_COUNT] = { "everywhere", "main screen",
							 "graph view" };
	return (unsigned)map < KDL_KM_COUNT ? names[map] : "?";
}

enum kdl_req kdl_key_request(enum kdl_keymap map, int key)
{
	for (size_t i = 0; i < kdl_nkeybinds; i++)
		if (kdl_keybinds[i].map == map && kdl_keybinds[i].key == key)
			return kdl_keybinds[i].req;
	for (size_t i = 0; i < kdl_nkeybinds; i++)
		if (kdl_keybinds[i].map == KDL_KM_GENERIC && kdl_keybinds[i].key == key)
			return kdl_keybinds[i].req;
	return KDL_REQ_NONE;
}

static void labels_in(enum kdl_keymap map, enum kdl_req req, char *buf, size_t size)
{
	for (size_t i = 0; i < kdl_nkeybinds; i++) {
		const struct kdl_keybind *b = &kdl_keybinds[i];
		if (b->map != map || b->req != req || !b->label)
			continue;
		size_t len = strlen(buf);
		if (len + strlen(b->label) + 2 >= size)
			break;
		if (len)
			strcat(buf, "/");
		strcat(buf, b->label);
	}
}

void kdl_key_labels(enum kdl_keymap map, enum kdl_req req, char *buf, size_t size)
{
	if (!size)
		return;
	buf[0] = 0;
	labels_in(map, req, buf, size);
	if (!buf[0] && map != KDL_KM_GENERIC)
		labels_in(KDL_KM_GENERIC, req, buf, size);
}

const char *kdl_key_first_label(enum kdl_keymap map, enum kdl_req req)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < kdl_nkeybinds; i++) {
			const struct kdl_keybind *b = &kdl_keybinds[i];
			if (b->map == (pass ? KDL_KM_GENERIC : map) && b->req == req && b->label)
				return b->label;
		}
	return "";
}

/* Requests of one keymap in table order, each once. */
size_t kdl_keymap_requests(enum kdl_keymap map, enum kdl_req *out)
{
	size_t n = 0;
	for (size_t i = 0; i < kdl_nkeybinds; i++) {
		const struct kdl_keybind *b = &kdl_keybinds[i];
		if (b->map != map || !b->label)
			continue;
		size_t j;
		for (j = 0; j < n && out[j] != b->req; j++)
			;
		if (j == n)
			out[n++] = b->req;
	}
	return n;
}

static void roff_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

void kdl_keys_print(FILE *f, const char *format)
{
	bool md = !strcmp(format, "md");
	enum kdl_req reqs[KDL_REQ_COUNT];
	for (int map = 0; map < KDL_KM_COUNT; map++) {
		size_t n = kdl_keymap_requests((enum kdl_keymap)map, reqs);
		if (md) {
			fprintf(f, "\n**%c%s**\n\n| key | action |\n|---|---|\n",
				kdl_keymap_name((enum kdl_keymap)map)[0] - 'a' + 'A',
				kdl_keymap_name((enum kdl_keymap)map) + 1);
		} else {
			fprintf(f, ".SS %c%s\n", kdl_keymap_name((enum kdl_keymap)map)[0] - 'a' + 'A',
				kdl_keymap_name((enum kdl_keymap)map) + 1);
		}
		for (size_t i = 0; i < n; i++) {
			char keys[128] = "";
			labels_in((enum kdl_keymap)map, reqs[i], keys, sizeof(keys));
			const char *help = kdl_request_info(reqs[i])->help;
			if (md) {
				fprintf(f, "| ");
				for (const char *k = keys; *k; k++) {
					if (*k == '|')
						fputs("\\|", f);
					else
						fputc(*k, f);
				}
				fprintf(f, " | %s |\n", help);
			} else {
				fputs(".TP\n.B ", f);
				roff_escape(f, keys);
				fputc('\n', f);
				roff_escape(f, help);
				fputc('\n', f);
			}
		}
	}
	if (md)
		fputc('\n', f);
}
