/* core/report/report.c - the report's front room: the format names, one
 * kdl_report_write() (selection, lazy frames, dispatch to the format's
 * writer) and the atomic kdl_report_write_file(). The helpers that more
 * than one format uses are in core/report/words.c.
 */
#include "core/report/report.h"
#include "core/report/report_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool kdl_report_format_parse(const char *name, enum kdl_report_format *out)
{
	static const struct { const char *name; enum kdl_report_format f; } tab[] = {
		{ "text", KDL_REPORT_TEXT }, { "md", KDL_REPORT_MD },
		{ "json", KDL_REPORT_JSON }, { "dot", KDL_REPORT_DOT },
		{ "html", KDL_REPORT_HTML }, { "svg", KDL_REPORT_SVG },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(name, tab[i].name)) {
			*out = tab[i].f;
			return true;
		}
	}
	return false;
}

/* Frames and lines of what the report shows, through the source's callbacks
 * (an error leaves that task's trace as the model has it). */
static void ensure_frames(const struct kdl_report_ctx *r)
{
	const struct kdl_report_source *src = r->src;
	const struct kdl_model *m = r->m;
	struct kdl_error *err;

	for (size_t i = 0; i < m->ntasks; i++) {
		if (!kdl_report_task_listed(r, i))
			continue;
		if (src->task_frames) {
			err = src->task_frames(src->arg, i);
			if (err) {
				kdl_error_destroy(err);
				continue;
			}
		}
		if (src->resolve_lines)
			kdl_error_destroy(src->resolve_lines(src->arg, (int)i, -1));
	}
	for (size_t c = 0; c < m->ncpus && src->resolve_lines; c++)
		kdl_error_destroy(src->resolve_lines(src->arg, -1, (int)c));
}

/* ---------------------------------------------------------------- writing */

struct kdl_error *kdl_report_write(const struct kdl_report_source *src,
				   const struct kdl_report_options *opts, FILE *out)
{
	struct kdl_report_ctx r = { .out = out, .m = src->model, .o = opts, .src = src };
	struct kdl_error *err = NULL;
	bool *chain = NULL;
	int locking;

	if (opts->pid >= 0) {
		chain = kdl_report_chain(src->model, opts->pid);
		if (!chain)
			return kdl_error_create(KDL_ERR_NOMEM, "report: out of memory");
		r.chain = chain;
	}
	/* one thread writes: no stdio lock per call (restored below) */
	locking = __fsetlocking(out, FSETLOCKING_BYCALLER);
	ensure_frames(&r);
	switch (opts->format) {
	case KDL_REPORT_TEXT:
		kdl_report_text(&r);
		break;
	case KDL_REPORT_MD:
		kdl_report_md(&r);
		break;
	case KDL_REPORT_JSON:
		kdl_report_json(&r);
		break;
	case KDL_REPORT_DOT:
		kdl_report_dot(&r);
		break;
	case KDL_REPORT_HTML:
		err = kdl_report_html(&r);
		break;
	case KDL_REPORT_SVG:
		err = kdl_report_svg(&r);
		break;
	}
	__fsetlocking(out, locking);
	free(chain);
	if (err)
		return err;
	if (ferror(out))
		return kdl_error_create(KDL_ERR_IO, "writing the report failed");
	return NULL;
}

struct kdl_error *kdl_report_write_file(const struct kdl_report_source *src,
					const struct kdl_report_options *opts, const char *path,
					bool overwrite)
{
	struct kdl_error *err;
	char *tmp;
	mode_t um;
	FILE *f;
	int fd;

	if (!overwrite && access(path, F_OK) == 0)
		return kdl_error_create(KDL_ERR_USAGE, "report file '%s' exists (use --force to "
					"overwrite)", path);
	if (asprintf(&tmp, "%s.kdlview-XXXXXX", path) < 0)
		return kdl_error_create(KDL_ERR_NOMEM, "write '%s': out of memory", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		/* a directory that is missing or not writable: a bad argument */
		err = kdl_error_create(KDL_ERR_USAGE, "cannot write '%s': %s", path,
				       strerror(errno));
		free(tmp);
		return err;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) != 0 || !(f = fdopen(fd, "w"))) {
		err = kdl_error_create(KDL_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	err = kdl_report_write(src, opts, f);
	if (!err && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		err = kdl_error_create(KDL_ERR_IO, "write '%s': %s", path, strerror(errno));
	if (fclose(f) != 0 && !err)
		err = kdl_error_create(KDL_ERR_IO, "write '%s': %s", path, strerror(errno));
	if (err)
		goto out;
	/* link() refuses a path that appeared meanwhile: never clobbers */
	if (overwrite ? rename(tmp, path) != 0 : link(tmp, path) != 0)
		err = kdl_error_create(errno == EEXIST ? KDL_ERR_USAGE : KDL_ERR_IO,
				       "cannot write '%s': %s", path, strerror(errno));
out:
	unlink(tmp); /* after rename() it is gone already */
	free(tmp);
	return err;
}
