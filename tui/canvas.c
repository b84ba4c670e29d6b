/* tui/canvas.c - cell grid, UTF-8 text placement, and the one curses painter. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "canvas.h"

#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct kdl_glyphs glyphs_utf8 = {
	.hl = "─", .vl = "│", .tl = "┌", .tr = "┐", .bl = "└", .br = "┘",
	.ltee = "├", .rtee = "┤", .ttee = "┬", .btee = "┴",
	.arrow_r = "▶", .arrow_l = "◀", .arrow_d = "▼", .arrow_u = "▲",
	.ellipsis = "…", .select = "▸", .cycle = "⟳", .dot = "●", .sep = "·",
	.crumb = "›", .sort_down = "▼", .sort_up = "▲", .bad = "✖", .good = "✔",
	.held = "◆", .bar = "█", .bar_empty = "░",
};

static const struct kdl_glyphs glyphs_ascii = {
	.hl = "-", .vl = "|", .tl = "+", .tr = "+", .bl = "+", .br = "+",
	.ltee = "+", .rtee = "+", .ttee = "+", .btee = "+",
	.arrow_r = ">", .arrow_l = "<", .arrow_d = "v", .arrow_u = "^",
	.ellipsis = "~", .select = ">", .cycle = "@", .dot = "*", .sep = "|",
	.crumb = ">", .sort_down = "v", .sort_up = "^", .bad = "!", .good = "+",
	.held = "*", .bar = "#", .bar_empty = ".",
};

const struct kdl_glyphs *kdl_glyphs_get(bool utf8)
{
	return utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

bool kdl_canvas_resize(struct kdl_canvas *cv, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	struct kdl_cell *c = calloc((size_t)rows * (size_t)cols, sizeof(*c));
	if (!c)
		return false;
	free(cv->cells);
	cv->cells = c;
	cv->rows = rows;
	cv->cols = cols;
	kdl_canvas_clear(cv, KDL_R_DEFAULT);
	return true;
}

void kdl_canvas_free(struct kdl_canvas *cv)
{
	free(cv->cells);
	cv->cells = NULL;
	cv->rows = cv->cols = 0;
}

void kdl_canvas_clear(struct kdl_canvas *cv, enum kdl_role role)
{
	size_t n = (size_t)cv->rows * (size_t)cv->cols;
	for (size_t i = 0; i < n; i++) {
		cv->cells[i].ch = L' ';
		cv->cells[i].role = (unsigned char)role;
	}
}

static struct kdl_cell *cell(struct kdl_canvas *cv, int y, int x)
{
	if (y < 0 || x < 0 || y >= cv->rows || x >= cv->cols)
		return NULL;
	return &cv->cells[(size_t)y * (size_t)cv->cols + (size_t)x];
}

/* Decode one character; returns bytes used (>= 1). Invalid bytes give '?'. */
static size_t decode(const char *s, wchar_t *wc)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t n = mbrtowc(wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		return 1;
	}
	return n;
}

static int char_width(wchar_t wc)
{
	if (wc < 0x20 || wc == 0x7f)
		return -1;
	int w = wcwidth(wc);
	return w;
}

int kdl_text_width(const char *s)
{
	int w = 0;
	while (s && *s) {
		wchar_t wc;
		s += decode(s, &wc);
		int cw = char_width(wc);
		w += cw < 0 ? 1 : cw;
	}
	return w;
}

int kdl_cv_put(struct kdl_canvas *cv, int y, int x, int maxw, enum kdl_role role,
	       const char *s)
{
	int used = 0;
	if (!s || y < 0 || y >= cv->rows)
		return 0;
	if (x + maxw > cv->cols)
		maxw = cv->cols - x;
	while (*s && used < maxw) {
		wchar_t wc;
		s += decode(s, &wc);
		int cw = char_width(wc);
		if (cw < 0) {
			wc = L'?';
			cw = 1;
		}
		if (cw == 0)
			continue; /* combining marks: dropped, keeps the grid simple */
		if (used + cw > maxw)
			break;
		struct kdl_cell *c = cell(cv, y, x + used);
		if (c) {
			c->ch = wc;
			c->role = (unsigned char)role;
		}
		if (cw == 2) {
			struct kdl_cell *c2 = cell(cv, y, x + used + 1);
			if (c2) {
				c2->ch = 0;
				c2->role = (unsigned char)role;
			}
		}
		used += cw;
	}
	return used;
}

int kdl_cv_put_cut(struct kdl_canvas *cv, int y, int x, int maxw, enum kdl_role role,
		   const char *s, const char *ellipsis)
{
	if (maxw <= 0)
		return 0;
	if (kdl_text_width(s) <= maxw)
		return kdl_cv_put(cv, y, x, maxw, role, s);
	int n = kdl_cv_put(cv, y, x, maxw - 1, role, s);
	return n + kdl_cv_put(cv, y, x + n, 1, role, ellipsis);
}

int kdl_cv_printf(struct kdl_canvas *cv, int y, int x, int maxw, enum kdl_role role,
		  const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return kdl_cv_put(cv, y, x, maxw, role, buf);
}

void kdl_cv_fill(struct kdl_canvas *cv, int y, int x, int w, enum kdl_role role,
		 const char *g)
{
	wchar_t wc;
	decode(g, &wc);
	for (int i = 0; i < w; i++) {
		struct kdl_cell *c = cell(cv, y, x + i);
		if (c) {
			c->ch = wc;
			c->role = (unsigned char)role;
		}
	}
}

void kdl_cv_role(struct kdl_canvas *cv, int y, int x, int w, enum kdl_role role)
{
	for (int i = 0; i < w; i++) {
		struct kdl_cell *c = cell(cv, y, x + i);
		if (c)
			c->role = (unsigned char)role;
	}
}

void kdl_cv_box(struct kdl_canvas *cv, const struct kdl_glyphs *g, int y, int x,
		int h, int w, enum kdl_role role)
{
	if (h < 2 || w < 2)
		return;
	kdl_cv_put(cv, y, x, 1, role, g->tl);
	kdl_cv_fill(cv, y, x + 1, w - 2, role, g->hl);
	kdl_cv_put(cv, y, x + w - 1, 1, role, g->tr);
	for (int i = 1; i < h - 1; i++) {
		kdl_cv_put(cv, y + i, x, 1, role, g->vl);
		kdl_cv_put(cv, y + i, x + w - 1, 1, role, g->vl);
	}
	kdl_cv_put(cv, y + h - 1, x, 1, role, g->bl);
	kdl_cv_fill(cv, y + h - 1, x + 1, w - 2, role, g->hl);
	kdl_cv_put(cv, y + h - 1, x + w - 1, 1, role, g->br);
}

void kdl_cv_blit(struct kdl_canvas *dst, int y, int x, int h, int w,
		 const struct kdl_canvas *src, int top, int left)
{
	for (int r = 0; r < h; r++) {
		int sy = top + r;
		if (sy < 0 || sy >= src->rows)
			continue;
		for (int c = 0; c < w; c++) {
			int sx = left + c;
			if (sx < 0 || sx >= src->cols)
				continue;
			struct kdl_cell *d = cell(dst, y + r, x + c);
			if (d)
				*d = src->cells[(size_t)sy * (size_t)src->cols + (size_t)sx];
		}
	}
}

void kdl_canvas_row_text(const struct kdl_canvas *cv, int y, char *buf, size_t size)
{
	size_t o = 0;
	if (size == 0)
		return;
	buf[0] = 0;
	if (y < 0 || y >= cv->rows)
		return;
	for (int x = 0; x < cv->cols; x++) {
		wchar_t wc = cv->cells[(size_t)y * (size_t)cv->cols + (size_t)x].ch;
		if (!wc)
			continue;
		char mb[MB_LEN_MAX];
		mbstate_t st;
		memset(&st, 0, sizeof(st));
		size_t n = wcrtomb(mb, wc, &st);
		if (n == (size_t)-1) {
			mb[0] = '?';
			n = 1;
		}
		if (o + n + 1 > size)
			break;
		memcpy(buf + o, mb, n);
		o += n;
	}
	buf[o] = 0;
}

void kdl_canvas_paint(const struct kdl_canvas *cv, const struct kdl_theme *th)
{
	wchar_t run[1024];
	for (int y = 0; y < cv->rows && y < LINES; y++) {
		int x = 0;
		const struct kdl_cell *row = &cv->cells[(size_t)y * (size_t)cv->cols];
		int cols = cv->cols < COLS ? cv->cols : COLS;
		while (x < cols) {
			int role = row[x].role;
			int start = x, n = 0;
			while (x < cols && row[x].role == role && n < 1023) {
				if (row[x].ch)
					run[n++] = row[x].ch;
				x++;
			}
			run[n] = 0;
			attrset((attr_t)kdl_theme_attr(th, (enum kdl_role)role));
			/* The bottom-right cell makes curses report an error after
			 * writing it (the cursor cannot advance); that is expected. */
			mvaddnwstr(y, start, run, n);
		}
	}
	attrset(A_NORMAL);
}
