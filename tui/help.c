/* tui/help.c - the help overlay (?): every keymap's requests with their keys
 * and help lines, from the key table (keys.def, keys.c), and the symbols. */
#include "tui_int.h"

void kdl_help_open(struct kdl_tui *t)
{
	kdl_ov_free(t);
	t->overlay = KDL_OV_HELP;
}

void kdl_help_draw(struct kdl_tui *t)
{
	int y, x, h, w;
	kdl_ov_frame(t, &y, &x, &h, &w, "Keys  (? or Esc closes)");
	enum kdl_req reqs[KDL_KM_COUNT][KDL_REQ_COUNT];
	size_t nreq[KDL_KM_COUNT];
	const struct kdl_glyphs *g = t->g;
	const struct { const char *sym; enum kdl_role role; const char *what; } legend[] = {
		{ g->cycle, KDL_R_CYCLE, "task in a deadlock cycle" },
		{ g->held, KDL_R_OWNER, "holds a lock that others wait for" },
		{ "~", KDL_R_STATE_RUNNING, "spinning on a CPU" },
		{ "?", KDL_R_UNRELIABLE, "backtrace frame that may be wrong (stack scan)" },
		{ "inferred", KDL_R_UNRELIABLE, "holder deduced, not recorded by the kernel" },
	};
	const int nlegend = (int)(sizeof(legend) / sizeof(legend[0]));
	int total = 2 + nlegend;
	for (int map = 0; map < KDL_KM_COUNT; map++) {
		nreq[map] = kdl_keymap_requests((enum kdl_keymap)map, reqs[map]);
		total += 2 + (int)nreq[map];
	}
	if (t->ov_top > total - h)
		t->ov_top = total - h > 0 ? total - h : 0;
	int line = -t->ov_top;
	for (int map = 0; map < KDL_KM_COUNT; map++) {
		const char *name = kdl_keymap_name((enum kdl_keymap)map);
		if (line >= 0 && line < h)
			kdl_cv_printf(&t->cv, y + line, x, w, KDL_R_COLUMN, "%c%s", name[0] - 'a' + 'A',
				      name + 1);
		line++;
		for (size_t i = 0; i < nreq[map]; i++, line++) {
			if (line < 0 || line >= h)
				continue;
			char keys[64] = "";
			kdl_key_labels((enum kdl_keymap)map, reqs[map][i], keys, sizeof(keys));
			kdl_cv_put(&t->cv, y + line, x + 2, 18, KDL_R_STATUS_KEY, keys);
			kdl_cv_put_cut(&t->cv, y + line, x + 21, w - 21, KDL_R_DEFAULT,
				       kdl_request_info(reqs[map][i])->help, t->g->ellipsis);
		}
		line++;
	}
	if (line >= 0 && line < h)
		kdl_cv_put(&t->cv, y + line, x, w, KDL_R_COLUMN, "Symbols");
	line++;
	for (int i = 0; i < nlegend; i++, line++) {
		if (line < 0 || line >= h)
			continue;
		kdl_cv_put(&t->cv, y + line, x + 2, 18, legend[i].role, legend[i].sym);
		kdl_cv_put(&t->cv, y + line, x + 21, w - 21, KDL_R_DEFAULT, legend[i].what);
	}
}
