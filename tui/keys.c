/* tui/keys.c - the request table (made from keys.def) and the one key binding
 * table. */
#include "keys.h"

#include <curses.h>
#include <stdbool.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)

static const struct kdl_request_info requests[KDL_REQ_COUNT] = {
#define KDL_REQUEST(id, name, help) [KDL_REQ_##id] = { KDL_REQ_##id, name, help },
#include "keys.def"
#undef KDL_REQUEST
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
