/* core/report/gv.c - the one door to Graphviz's library (libgvc, libcgraph):
 * DOT text in, SVG out, laid out by the "dot" engine. Graphviz loads its
 * layout and render plugins at run time (its config6a file); when they are
 * missing this is an error with Graphviz's own words, never a crash.
 * Graphviz reports through a global error hook: one report renders at a
 * time (kdlview is single-threaded). */
#include "core/report/report_priv.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <stdlib.h>
#include <string.h>

static char gv_msg[256]; /* Graphviz's first message of this rendering */
static bool gv_msg_done;

/* Graphviz hands a message over in pieces ("Error", ": ", the text ending
 * in "\n"): keep the first message, on one line. */
static int gv_error(char *msg)
{
	size_t n = strlen(gv_msg);

	if (gv_msg_done || !msg)
		return 0;
	snprintf(gv_msg + n, sizeof(gv_msg) - n, "%s", msg);
	for (char *c = gv_msg + n; *c; c++) {
		if (*c == '\n')
			gv_msg_done = true;
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	}
	n = strlen(gv_msg);
	while (gv_msg_done && n && gv_msg[n - 1] == ' ')
		gv_msg[--n] = 0;
	return 0;
}

struct kdl_error *kdl_report_gv_svg(const char *dot, char **svg, size_t *len)
{
	agusererrf old = agseterrf(gv_error);
	struct kdl_error *err = NULL;
	char *data = NULL;
	unsigned int n = 0;
	graph_t *g = NULL;
	GVC_t *gvc;

	gv_msg[0] = 0;
	gv_msg_done = false;
	gvc = gvContext();
	if (!gvc) {
		err = kdl_error_create(KDL_ERR_IO, "graphviz: cannot start its library");
		goto out;
	}
	g = agmemread(dot);
	if (!g) {
		err = kdl_error_create(KDL_ERR_INTERNAL, "graphviz: the wait-for graph does not "
				       "parse%s%s", gv_msg[0] ? ": " : "", gv_msg);
		goto out;
	}
	if (gvLayout(gvc, g, "dot") != 0) {
		err = kdl_error_create(KDL_ERR_IO, "graphviz: no \"dot\" layout (are its plugins "
				       "installed? libgvc6, `dot -c`)%s%s", gv_msg[0] ? ": " : "",
				       gv_msg);
		goto out;
	}
	if (gvRenderData(gvc, g, "svg", &data, &n) != 0 || !data) {
		err = kdl_error_create(KDL_ERR_IO, "graphviz: no SVG renderer (are its plugins "
				       "installed? libgvc6, `dot -c`)%s%s", gv_msg[0] ? ": " : "",
				       gv_msg);
	} else {
		char *copy = malloc((size_t)n + 1);

		if (!copy) {
			err = kdl_error_create(KDL_ERR_NOMEM, "graphviz: out of memory");
		} else {
			memcpy(copy, data, n);
			copy[n] = 0;
			*svg = copy;
			*len = n;
		}
	}
	gvFreeRenderData(data);
	gvFreeLayout(gvc, g);
out:
	if (g)
		agclose(g);
	if (gvc)
		gvFreeContext(gvc);
	agseterrf(old);
	return err;
}
