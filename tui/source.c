/* tui/source.c - the source view: the lines around a frame's file:line from
 * the --source tree, shown in a text overlay (Enter on a frame). */
#include "tui_int.h"

#include <stdio.h>
#include <string.h>

static FILE *open_source(struct kdl_tui *t, const char *file, char *path, size_t size)
{
	if (!t->source_dir[0] || !file)
		return NULL;
	/* DWARF paths may be absolute build paths or relative to the build
	 * directory: try the source dir + each suffix of the path. */
	const char *p = file;
	while (p && *p) {
		while (*p == '/')
			p++;
		snprintf(path, size, "%s/%s", t->source_dir, p);
		FILE *f = fopen(path, "r");
		if (f)
			return f;
		p = strchr(p, '/');
	}
	return NULL;
}

void kdl_tui_open_source(struct kdl_tui *t, const struct kdl_frame *f)
{
	kdl_ov_free(t);
	t->overlay = KDL_OV_SOURCE;
	char where[600];
	if (f->file)
		snprintf(where, sizeof(where), "%s:%d", f->file, f->line);
	else
		snprintf(where, sizeof(where), "file and line unknown");
	snprintf(t->ov_title, sizeof(t->ov_title), "%.80s+0x%llx  %.150s",
		 f->function ? f->function : "?", (unsigned long long)f->offset, where);
	char path[2048];
	FILE *fp = f->file && f->line > 0 ? open_source(t, f->file, path, sizeof(path)) : NULL;
	if (!fp) {
		char msg[800];
		snprintf(msg, sizeof(msg), "pc 0x%llx  %s%s%s", (unsigned long long)f->pc,
			 f->function ? f->function : "?", f->module ? " in module " : "",
			 f->module ? f->module : "");
		kdl_ov_add(t, msg, strlen(msg));
		kdl_ov_add(t, where, strlen(where));
		kdl_ov_add(t, "", 0);
		if (!f->file)
			snprintf(msg, sizeof(msg), "No line information for this address.");
		else if (!t->source_dir[0])
			snprintf(msg, sizeof(msg),
				 "Start kdlview with --source DIR (a kernel source tree) to see the lines.");
		else
			snprintf(msg, sizeof(msg), "%.380s not found under %.380s", f->file, t->source_dir);
		kdl_ov_add(t, msg, strlen(msg));
		return;
	}
	char buf[1024];
	int n = 0;
	int from = f->line - 200 > 1 ? f->line - 200 : 1;
	while (fgets(buf, sizeof(buf), fp) && n < f->line + 200) {
		n++;
		if (n < from)
			continue;
		buf[strcspn(buf, "\n")] = 0;
		/* Expand tabs to 8 columns, as an editor shows kernel code. */
		char line[1100];
		size_t o = (size_t)snprintf(line, sizeof(line), "%5d  ", n), col = 0;
		for (const char *c = buf; *c && o + 9 < sizeof(line); c++) {
			if (*c == '\t') {
				do
					line[o++] = ' ';
				while (++col % 8);
			} else {
				line[o++] = *c;
				col += ((unsigned char)*c & 0xc0) != 0x80;
			}
		}
		line[o] = 0;
		if (n == f->line)
			t->ov_mark = (int)t->ov_nlines;
		kdl_ov_add(t, line, strlen(line));
	}
	fclose(fp);
	t->ov_top = t->ov_mark > 8 ? t->ov_mark - 8 : 0;
}
