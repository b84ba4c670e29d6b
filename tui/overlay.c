/* tui/overlay.c - the framed overlay over the screen and the text overlays
 * (lines kept in the state, a marked line, scrolling keys). Who fills the
 * lines (source.c, log.c) or draws into the frame (help.c) is not known here;
 * a text overlay may give a role per line (ov_line_role).
 */
#include "tui_int.h"

#include <stdlib.h>
#include <string.h>

void kdl_ov_free(struct kdl_tui *t)
{
	for (size_t i = 0; i < t->ov_nlines; i++)
		free(t->ov_lines[i]);
	free(t->ov_lines);
	t->ov_lines = NULL;
	t->ov_nlines = 0;
	t->ov_mark = -1;
	t->ov_top = 0;
	t->ov_line_role = NULL;
	t->overlay = KDL_OV_NONE;
}

void kdl_ov_add(struct kdl_tui *t, const char *s, size_t len)
{
	char **nl = realloc(t->ov_lines, (t->ov_nlines + 1) * sizeof(*nl));
	if (!nl)
		return;
	t->ov_lines = nl;
	char *c = malloc(len + 1);
	if (!c)
		return;
	/* Tabs become spaces; other control characters '?'. */
	size_t o = 0;
	for (size_t i = 0; i < len; i++)
		c[o++] = s[i] == '\t' ? ' ' : ((unsigned char)s[i] < 0x20 ? '?' : s[i]);
	c[o] = 0;
	t->ov_lines[t->ov_nlines++] = c;
}

void kdl_ov_frame(struct kdl_tui *t, int *oy, int *ox, int *oh, int *ow,
			       const char *title)
{
	int h = t->cv.rows - 4, w = t->cv.cols - 4;
	if (w > 110)
		w = 110;
	int y = 2, x = (t->cv.cols - w) / 2;
	for (int r = 0; r < h; r++)
		kdl_cv_fill(&t->cv, y + r, x, w, KDL_R_DEFAULT, " ");
	kdl_cv_box(&t->cv, t->g, y, x, h, w, KDL_R_BORDER);
	kdl_cv_printf(&t->cv, y, x + 2, w - 4, KDL_R_TITLE_FOCUS, " %s ", title);
	*oy = y + 1;
	*ox = x + 2;
	*oh = h - 2;
	*ow = w - 4;
}

void kdl_ov_draw_text(struct kdl_tui *t)
{
	int y, x, h, w;
	kdl_ov_frame(t, &y, &x, &h, &w, t->ov_title);
	if (t->ov_top > (int)t->ov_nlines - h)
		t->ov_top = (int)t->ov_nlines - h;
	if (t->ov_top < 0)
		t->ov_top = 0;
	for (int r = 0; r < h; r++) {
		size_t i = (size_t)(t->ov_top + r);
		if (i >= t->ov_nlines)
			break;
		bool mark = (int)i == t->ov_mark;
		enum kdl_role role = mark ? KDL_R_SOURCE_CURRENT : KDL_R_DEFAULT;
		if (mark)
			kdl_cv_fill(&t->cv, y + r, x, w, KDL_R_SOURCE_CURRENT, " ");
		else if (t->ov_line_role)
			role = t->ov_line_role(t->ov_lines[i]);
		kdl_cv_put(&t->cv, y + r, x, w, role, t->ov_lines[i]);
	}
}

void kdl_ov_key(struct kdl_tui *t, enum kdl_req r)
{
	int page = t->cv.rows - 8 > 1 ? t->cv.rows - 8 : 1;
	switch (r) {
	case KDL_REQ_UP: t->ov_top--; break;
	case KDL_REQ_DOWN: t->ov_top++; break;
	case KDL_REQ_PAGE_UP: t->ov_top -= page; break;
	case KDL_REQ_PAGE_DOWN: t->ov_top += page; break;
	case KDL_REQ_HOME: t->ov_top = 0; break;
	case KDL_REQ_END: t->ov_top = 1 << 30; break;
	case KDL_REQ_QUIT: t->quit = true; break;
	case KDL_REQ_HELP:
	case KDL_REQ_CLEAR:
	case KDL_REQ_BACK:
	case KDL_REQ_ENTER:
		kdl_ov_free(t);
		break;
	case KDL_REQ_LOG:
		if (t->overlay == KDL_OV_LOG)
			kdl_ov_free(t);
		break;
	default:
		break;
	}
	if (t->ov_top < 0)
		t->ov_top = 0;
	/* Help's bound is checked when drawing; the text overlays' here. */
	if (t->overlay != KDL_OV_HELP && t->ov_top > (int)t->ov_nlines - 1)
		t->ov_top = t->ov_nlines ? (int)t->ov_nlines - 1 : 0;
}
