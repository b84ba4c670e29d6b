/* tui/panel.c - the generic panel of the main screen: title bar, heading,
 * rows, cursor and scrolling, all through the panel's ops table; it knows no
 * particular panel. */
#include "tui_int.h"

#include <stdio.h>

/* ---------- generic panel ---------- */

static bool row_selectable(struct kdl_tui *t, struct kdl_panel *p, size_t i)
{
	return !p->ops->selectable || p->ops->selectable(t, i);
}

void kdl_panel_clamp(struct kdl_tui *t, struct kdl_panel *p)
{
	size_t n = p->ops->count(t);
	if (!n) {
		p->cursor = p->top = 0;
		return;
	}
	if (p->cursor >= n)
		p->cursor = n - 1;
	size_t h = p->body_h > 0 ? (size_t)p->body_h : 1;
	if (p->cursor < p->top)
		p->top = p->cursor;
	if (p->cursor >= p->top + h)
		p->top = p->cursor - h + 1;
	if (p->top + h > n)
		p->top = n > h ? n - h : 0;
}

void kdl_panel_draw(struct kdl_tui *t, struct kdl_panel *p, bool focused)
{
	struct kdl_canvas *cv = &t->cv;
	if (p->ops->prepare)
		p->ops->prepare(t, p->w);
	enum kdl_role tr = focused ? KDL_R_TITLE_FOCUS : KDL_R_TITLE;
	kdl_cv_fill(cv, p->y, p->x, p->w, tr, " ");
	char title[300];
	p->ops->title(t, title, sizeof(title));
	int x = kdl_cv_printf(cv, p->y, p->x, p->w, tr, " %d %s %s ",
			      (int)(p - t->panels) + 1, t->g->vl, title);
	(void)x;
	int y = p->y + 1;
	if (p->ops->columns && y < p->y + p->h && p->ops->columns(t, y, p->x, p->w))
		y++;
	p->body_y = y;
	p->body_h = p->y + p->h - y;
	if (p->body_h < 0)
		p->body_h = 0;
	size_t n = p->ops->count(t);
	/* A cursor on a row that cannot be selected moves to the next one. */
	if (n && !row_selectable(t, p, p->cursor < n ? p->cursor : n - 1)) {
		size_t c = p->cursor < n ? p->cursor : n - 1;
		size_t i;
		for (i = c; i < n && !row_selectable(t, p, i); i++)
			;
		if (i < n)
			p->cursor = i;
	}
	kdl_panel_clamp(t, p);
	char pos[48];
	if (n > (size_t)p->body_h) {
		snprintf(pos, sizeof(pos), " %zu/%zu ", p->cursor + 1, n);
		int pw = kdl_text_width(pos);
		kdl_cv_put(cv, p->y, p->x + p->w - pw - 1, pw, tr, pos);
	}
	if (!n) {
		kdl_cv_put(cv, y, p->x + 2, p->w - 2, KDL_R_DIM,
			   p->ops->empty ? p->ops->empty : "(nothing to show)");
		return;
	}
	bool any_sel = false;
	for (size_t i = 0; i < n && !any_sel; i++)
		any_sel = row_selectable(t, p, i);
	for (int r = 0; r < p->body_h; r++) {
		size_t i = p->top + (size_t)r;
		if (i >= n)
			break;
		p->ops->row(t, i, y + r, p->x, p->w);
		if (i == p->cursor && any_sel && row_selectable(t, p, i))
			kdl_cv_role(cv, y + r, p->x, p->w, focused ? KDL_R_CURSOR : KDL_R_CURSOR_DIM);
	}
}

static void move_cursor(struct kdl_tui *t, struct kdl_panel *p, long delta)
{
	size_t n = p->ops->count(t);
	if (!n)
		return;
	long c = (long)p->cursor;
	long step = delta > 0 ? 1 : -1;
	long target = c + delta;
	if (target < 0)
		target = 0;
	if (target >= (long)n)
		target = (long)n - 1;
	/* Land on a selectable row, searching in the direction of travel. */
	long i = target;
	while (i >= 0 && i < (long)n && !row_selectable(t, p, (size_t)i))
		i += step;
	if (i < 0 || i >= (long)n) {
		i = target;
		while (i >= 0 && i < (long)n && !row_selectable(t, p, (size_t)i))
			i -= step;
	}
	if (i < 0 || i >= (long)n) {
		/* Nothing selectable: scroll. */
		long top = (long)p->top + delta;
		long maxtop = (long)n - p->body_h;
		if (top > maxtop)
			top = maxtop;
		if (top < 0)
			top = 0;
		p->top = (size_t)top;
		return;
	}
	if (i == c && step > 0 && (long)p->top + p->body_h < (long)n && delta == 1) {
		p->top++; /* at the last selectable row: let the rest scroll into view */
		return;
	}
	if (i == c && step < 0 && p->top > 0 && delta == -1 && p->top >= p->cursor) {
		p->top--;
		return;
	}
	p->cursor = (size_t)i;
	kdl_panel_clamp(t, p);
	if (p->ops->select)
		p->ops->select(t, p->cursor);
}

bool kdl_panel_request(struct kdl_tui *t, struct kdl_panel *p, enum kdl_req r)
{
	long page = p->body_h > 1 ? p->body_h - 1 : 1;
	switch (r) {
	case KDL_REQ_UP: move_cursor(t, p, -1); return true;
	case KDL_REQ_DOWN: move_cursor(t, p, 1); return true;
	case KDL_REQ_PAGE_UP: move_cursor(t, p, -page); return true;
	case KDL_REQ_PAGE_DOWN: move_cursor(t, p, page); return true;
	case KDL_REQ_HOME: move_cursor(t, p, -(long)p->ops->count(t)); return true;
	case KDL_REQ_END: move_cursor(t, p, (long)p->ops->count(t)); return true;
	default:
		return p->ops->request ? p->ops->request(t, r) : false;
	}
}
