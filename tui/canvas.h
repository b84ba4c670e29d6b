/* tui/canvas.h - a grid of (character, colour role) cells.
 *
 * Every view renders into a canvas; kdl_canvas_paint() is the one function
 * that writes a canvas to curses. Text is UTF-8 in, wide characters out;
 * glyphs (box drawing, arrows) come from a table with an ASCII fallback for
 * terminals whose locale is not UTF-8.
 */
#ifndef KDL_TUI_CANVAS_H
#define KDL_TUI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "theme.h"

struct kdl_cell {
	wchar_t ch;       /* 0: right half of a double-width character */
	unsigned char role;
};

struct kdl_canvas {
	int rows, cols;
	struct kdl_cell *cells; /* rows * cols, owned */
};

/* Glyphs used by the views; UTF-8 strings of one column each. */
struct kdl_glyphs {
	const char *hl, *vl, *tl, *tr, *bl, *br, *ltee, *rtee, *ttee, *btee;
	const char *arrow_r, *arrow_l, *arrow_d, *arrow_u;
	const char *ellipsis, *select, *cycle, *dot, *sep, *crumb;
	const char *sort_down, *sort_up, *bad, *good, *held, *bar, *bar_empty;
};

/* The glyph table for the current locale (UTF-8 or ASCII). */
const struct kdl_glyphs *kdl_glyphs_get(bool utf8);

/* (Re)size; contents cleared to spaces of role `def`. Returns false on ENOMEM. */
bool kdl_canvas_resize(struct kdl_canvas *cv, int rows, int cols);
void kdl_canvas_free(struct kdl_canvas *cv);
void kdl_canvas_clear(struct kdl_canvas *cv, enum kdl_role role);

/* Put UTF-8 text at (y, x) clipped to `maxw` columns (and the canvas); returns
 * the columns written. Control characters become '?'. */
int kdl_cv_put(struct kdl_canvas *cv, int y, int x, int maxw, enum kdl_role role,
	       const char *s);
/* kdl_cv_put that ends text cut by maxw with `ellipsis` (a one-column glyph). */
int kdl_cv_put_cut(struct kdl_canvas *cv, int y, int x, int maxw, enum kdl_role role,
		   const char *s, const char *ellipsis);
/* printf-style kdl_cv_put. */
int kdl_cv_printf(struct kdl_canvas *cv, int y, int x, int maxw, enum kdl_role role,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Fill `w` cells with the glyph `g` (UTF-8, one column). */
void kdl_cv_fill(struct kdl_canvas *cv, int y, int x, int w, enum kdl_role role,
		 const char *g);
/* Change the role of `w` cells, keeping the characters. */
void kdl_cv_role(struct kdl_canvas *cv, int y, int x, int w, enum kdl_role role);
/* Draw a box outline. */
void kdl_cv_box(struct kdl_canvas *cv, const struct kdl_glyphs *g, int y, int x,
		int h, int w, enum kdl_role role);
/* Copy `src` rows [top, top+h) into `dst` at (y, x), clipped. */
void kdl_cv_blit(struct kdl_canvas *dst, int y, int x, int h, int w,
		 const struct kdl_canvas *src, int top, int left);

/* Display width of UTF-8 text (as kdl_cv_put would write it). */
int kdl_text_width(const char *s);

/* One row of the canvas as UTF-8 text (for tests and debugging). */
void kdl_canvas_row_text(const struct kdl_canvas *cv, int y, char *buf, size_t size);

/* Paint the whole canvas to curses' stdscr (the only function that draws). */
void kdl_canvas_paint(const struct kdl_canvas *cv, const struct kdl_theme *th);

#endif
