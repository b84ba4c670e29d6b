/* core/report/svg.c - --format svg: the wait-for graph of the DOT report (the
 * findings' graph, or the --pid chain's), laid out by Graphviz (gv.c); and
 * the graphs that the HTML page inlines. */
#include "core/report/report_priv.h"

#include <stdlib.h>
#include <string.h>

struct kdl_error *kdl_report_svg_graph(const struct kdl_report_ctx *r, FILE *out,
				       const struct kdl_dot_graph *g, bool inline_svg)
{
	struct kdl_error *err;
	char *dot = NULL, *svg = NULL;
	size_t dlen = 0, slen = 0;
	FILE *f = open_memstream(&dot, &dlen);
	const char *s;

	if (!f)
		return kdl_error_create(KDL_ERR_NOMEM, "svg: out of memory");
	kdl_report_dot_graph(r, f, g);
	if (fclose(f) != 0 || !dot) {
		free(dot);
		return kdl_error_create(KDL_ERR_NOMEM, "svg: out of memory");
	}
	err = kdl_report_gv_svg(dot, &svg, &slen);
	free(dot);
	if (err)
		return err;
	s = svg;
	/* inside HTML the <?xml?> prolog and the DOCTYPE mean nothing */
	if (inline_svg && (s = strstr(svg, "<svg")) == NULL)
		s = svg;
	fwrite(s, 1, slen - (size_t)(s - svg), out);
	free(svg);
	return NULL;
}

struct kdl_error *kdl_report_svg(const struct kdl_report_ctx *r)
{
	const struct kdl_dot_graph g = { .cycle = -1, .svg = true };

	return kdl_report_svg_graph(r, r->out, &g, false);
}
