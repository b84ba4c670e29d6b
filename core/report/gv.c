/* core/report/gv.c - the one door to Graphviz's library (libgvc, libcgraph):
 * DOT text in, SVG out, laid out by the "dot" engine.
 *
 * Graphviz runs in a child process (fork()) that hands back the SVG or an
 * error through a pipe and ends with _exit(). Why: Graphviz loads its layout
 * and text plugins at run time and keeps process-wide state that outlives a
 * context - its 2.42 pango text layout keeps a pointer to the last font name
 * of a context that gvFreeContext() frees (the next context reads freed
 * memory), and pango/fontconfig keep caches that leak-checkers report as
 * leaks; a missing or broken plugin could even crash. In a child none of that
 * reaches kdlview: the parent never touches Graphviz, so a missing plugin or
 * a crash in Graphviz is one KDL_ERR_IO line, never a crash of kdlview. */
#include "core/report/report_priv.h"

#include <errno.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char gv_msg[256]; /* Graphviz's first message (the child's only) */
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
	if (!gv_msg_done)
		return 0;
	/* "Error: Layout type: "dot" not recognized. Use one of:" lists nothing
	 * when there is no plugin: keep the words that say what is wrong */
	if (!strncmp(gv_msg, "Error: ", 7))
		memmove(gv_msg, gv_msg + 7, strlen(gv_msg + 7) + 1);
	if (strstr(gv_msg, ". Use one of:"))
		*strstr(gv_msg, ". Use one of:") = 0;
	n = strlen(gv_msg);
	while (n && gv_msg[n - 1] == ' ')
		gv_msg[--n] = 0;
	return 0;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* The child: "S", the SVG's length and "\n", then the SVG; or "E" and the
 * error's line, into fd. */
static void gv_child(const char *dot, int fd)
{
	char *data = NULL, line[400];
	unsigned int n = 0;
	graph_t *g = NULL;
	GVC_t *gvc;

	agseterrf(gv_error);
	gvc = gvContext();
	if (!gvc) {
		snprintf(line, sizeof(line), "Ecannot start its library");
	} else if (!(g = agmemread(dot))) {
		snprintf(line, sizeof(line), "Ethe wait-for graph does not parse%s%s",
			 gv_msg[0] ? ": " : "", gv_msg);
	} else if (gvLayout(gvc, g, "dot") != 0) {
		snprintf(line, sizeof(line), "Eno \"dot\" layout (are its plugins installed? libgvc6, "
			 "`dot -c`)%s%s", gv_msg[0] ? ": " : "", gv_msg);
	} else if (gvRenderData(gvc, g, "svg", &data, &n) != 0 || !data) {
		snprintf(line, sizeof(line), "Eno SVG renderer (are its plugins installed? libgvc6, "
			 "`dot -c`)%s%s", gv_msg[0] ? ": " : "", gv_msg);
	} else {
		snprintf(line, sizeof(line), "S%u\n", n);
		if (write_all(fd, line, strlen(line)))
			write_all(fd, data, n);
		return; /* _exit() ends it all: nothing to free */
	}
	write_all(fd, line, strlen(line));
}

struct kdl_error *kdl_report_gv_svg(const char *dot, char **svg, size_t *len)
{
	struct kdl_error *err = NULL;
	char *buf = NULL, *nl;
	size_t n = 0, cap = 0;
	int fds[2], status = 0;
	pid_t pid;

	if (pipe(fds) != 0)
		return kdl_error_create(KDL_ERR_IO, "graphviz: pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		err = kdl_error_create(KDL_ERR_IO, "graphviz: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		close(fds[0]);
		gv_child(dot, fds[1]);
		_exit(0); /* no atexit handlers, no stdio buffers of the parent flushed twice */
	}
	close(fds[1]);
	for (;;) {
		ssize_t r;

		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!nb) {
				err = kdl_error_create(KDL_ERR_NOMEM, "graphviz: out of memory");
				break;
			}
			buf = nb;
		}
		r = read(fds[0], buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err)
		goto out;
	buf[n] = 0;
	/* a whole answer counts whatever the exit status: a leak checker (valgrind
	 * follows a fork) may end the child with its own status after it answered */
	if (n && buf[0] == 'S' && (nl = strchr(buf, '\n')) &&
	    strtoull(buf + 1, NULL, 10) == n - (size_t)(nl + 1 - buf)) {
		size_t svglen = n - (size_t)(nl + 1 - buf);

		memmove(buf, nl + 1, svglen);
		buf[svglen] = 0;
		*svg = buf;
		*len = svglen;
		return NULL;
	}
	if (n > 1 && buf[0] == 'E')
		err = kdl_error_create(KDL_ERR_IO, "graphviz: %s", buf + 1);
	else if (WIFSIGNALED(status))
		err = kdl_error_create(KDL_ERR_IO, "graphviz: the layout process died of signal %d",
				       WTERMSIG(status));
	else
		err = kdl_error_create(KDL_ERR_IO, "graphviz: the layout process gave no answer "
				       "(exit status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
out:
	free(buf);
	return err;
}
