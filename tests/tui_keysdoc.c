/* tests/tui_keysdoc.c - the key table is the one source of the key docs, the
 * option table the one source of the option docs and the shell completion.
 *
 * Checks the key table (every bound request has help text, no key bound twice
 * in one map) and that the key lists in README.md and kdlview.1 (between their
 * BEGIN/END KEYS markers) are what kdl_keys_print() generates from it; the
 * option lists (BEGIN/END OPTIONS) and completion/kdlview.bash what
 * kdl_options_print() generates from tui/options.def.
 * `tui_keysdoc --write` (make keys-doc) rewrites those sections and the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/kdltest.h"
#include "tui/keys.h"
#include "tui/options.h"
#include "tui/theme.h"
#include <glob.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b)
		b[n] = 0;
	fclose(f);
	return b;
}

static char *generated(const char *format, bool options)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (options)
		kdl_options_print(f, format);
	else
		kdl_keys_print(f, format);
	fclose(f);
	return buf;
}

/* Check (or rewrite) the text between the line containing `begin` and the
 * line containing `end`. */
static void doc_section(const char *path, const char *begin, const char *end,
			const char *format, bool options, bool write)
{
	char *text = slurp(path);
	char *gen = generated(format, options);
	if (!text || !gen) {
		kdl_test_fail("%s: cannot read", path);
		free(text);
		free(gen);
		return;
	}
	char *b = strstr(text, begin), *e = b ? strstr(b, end) : NULL;
	if (!b || !e) {
		kdl_test_fail("%s: no '%s' ... '%s' markers", path, begin, end);
		free(text);
		free(gen);
		return;
	}
	char *body = strchr(b, '\n');
	body = body ? body + 1 : e;
	char *body_end = e;
	while (body_end > body && body_end[-1] != '\n')
		body_end--;
	size_t blen = (size_t)(body_end - body);
	bool same = blen == strlen(gen) && !memcmp(body, gen, blen);
	if (write && !same) {
		char tmp[1024];
		snprintf(tmp, sizeof(tmp), "%s.keysdoc-tmp", path);
		FILE *f = fopen(tmp, "w");
		if (f) {
			fwrite(text, 1, (size_t)(body - text), f);
			fputs(gen, f);
			fputs(body_end, f);
			if (fclose(f) == 0 && rename(tmp, path) == 0) {
				printf("updated %s\n", path);
				same = true;
			}
		}
	}
	KDL_CHECK(same, "%s %s list equals the %s table (make keys-doc)", path,
		  options ? "option" : "key", options ? "option" : "key");
	free(text);
	free(gen);
}

/* The whole completion file is generated. */
static void completion_file(const char *path, bool write)
{
	char *text = slurp(path);
	char *gen = generated("bash", true);
	bool same = text && gen && !strcmp(text, gen);
	if (write && !same && gen) {
		FILE *f = fopen(path, "w");
		if (f && fputs(gen, f) >= 0 && fclose(f) == 0) {
			printf("updated %s\n", path);
			same = true;
		} else if (f) {
			fclose(f);
		}
	}
	KDL_CHECK(same, "%s equals the option table's completion (make keys-doc)", path);
	free(text);
	free(gen);
}

/* Every option has a name and help; a fixed value list where it completes
 * values; every shipped theme file is a theme the completion offers. */
static void options_table_ok(void)
{
	bool ok = true;
	for (int i = 0; i < KDL_OPT_COUNT; i++) {
		const struct kdl_option *o = &kdl_options[i];
		if (!o->name || !o->help || !*o->help ||
		    (o->complete == KDL_COMPLETE_VALUES && (!o->values || !o->values[0])) ||
		    (o->arg != KDL_ARG_NONE) != (o->argname != NULL)) {
			kdl_test_fail("option %d (%s) is incomplete", i, o->name ? o->name : "?");
			ok = false;
		}
	}
	KDL_CHECK(ok, "every option has a name, help, an argument name iff it takes one, values");
	glob_t g;
	size_t nthemes = 0;
	bool all_known = true;
	if (glob("themes/*.theme", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++, nthemes++) {
			const char *b = g.gl_pathv[i] + strlen("themes/");
			size_t len = strlen(b) - strlen(".theme");
			size_t j;
			for (j = 0; j < kdl_theme_cycle_len; j++)
				if (strlen(kdl_theme_cycle[j]) == len && !strncmp(kdl_theme_cycle[j], b, len))
					break;
			if (j == kdl_theme_cycle_len) {
				kdl_test_fail("theme %s is not in kdl_theme_cycle (the --theme values)", b);
				all_known = false;
			}
		}
		globfree(&g);
	}
	KDL_CHECK(all_known && nthemes == kdl_theme_cycle_len,
		  "the --theme values are exactly the themes/ files (%zu)", nthemes);
}

int main(int argc, char **argv)
{
	bool write = argc > 1 && !strcmp(argv[1], "--write");
	if (getenv("TOP") && chdir(getenv("TOP")) != 0)
		return 1;

	bool help_ok = true, dup_ok = true;
	for (size_t i = 0; i < kdl_nkeybinds; i++) {
		const struct kdl_keybind *b = &kdl_keybinds[i];
		const struct kdl_request_info *ri = kdl_request_info(b->req);
		if (ri->req != b->req || !ri->help || !*ri->help) {
			kdl_test_fail("request of key %s has no help text", b->label ? b->label : "?");
			help_ok = false;
		}
		for (size_t j = i + 1; j < kdl_nkeybinds; j++)
			if (kdl_keybinds[j].map == b->map && kdl_keybinds[j].key == b->key) {
				kdl_test_fail("key %s bound twice in %s", b->label ? b->label : "?",
					      kdl_keymap_name(b->map));
				dup_ok = false;
			}
	}
	KDL_CHECK(help_ok, "every bound request has help text");
	KDL_CHECK(dup_ok, "no key is bound twice in one keymap");
	KDL_CHECK(kdl_key_request(KDL_KM_GRAPH, 'q') == KDL_REQ_QUIT &&
		  kdl_key_request(KDL_KM_GRAPH, 'n') == KDL_REQ_NEXT_CYCLE &&
		  kdl_key_request(KDL_KM_MAIN, 'n') == KDL_REQ_NEXT_MATCH,
		  "view keymaps fall back to the generic one");

	doc_section("README.md", "<!-- BEGIN KEYS", "<!-- END KEYS", "md", false, write);
	doc_section("kdlview.1", ".\\\" BEGIN KEYS", ".\\\" END KEYS", "man", false, write);
	doc_section("README.md", "<!-- BEGIN OPTIONS", "<!-- END OPTIONS", "md", true, write);
	doc_section("kdlview.1", ".\\\" BEGIN OPTIONS", ".\\\" END OPTIONS", "man", true, write);
	completion_file("completion/kdlview.bash", write);
	options_table_ok();
	return kdl_test_done();
}
