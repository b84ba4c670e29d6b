/* core/report/html.c - --format html: one self-contained page to share (no
 * network, no script, no external font): the verdict, the findings most
 * severe first, the wait-for graph of each cycle as inline SVG (dot.c's
 * graph laid out by Graphviz, svg.c), the tasks with their waits, holders and
 * folded backtraces, and the locks. Tasks and locks are anchors
 * (#task-PID, #lock-ADDR) that the findings, the tasks, the locks and the
 * graphs' nodes link to, so a reader follows a chain by clicking. Every
 * string from the dump goes out through kdl_report_html_text(). */
#include "core/report/report_priv.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char html_style[] =
	":root{--fg:#1d2329;--mute:#5b6670;--line:#d5dbe0;--bg:#fff;--panel:#f5f7f9;"
	"--crit:#b3141b;--high:#c2410c;--med:#a16207;--low:#2f6f9f;--ok:#1f7a3a}\n"
	"body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",sans-serif;color:var(--fg);"
	"background:var(--bg);margin:0 auto;padding:1.2em 2em 3em;max-width:88em}\n"
	"h1{font-size:1.45em;margin:.2em 0}h2{font-size:1.2em;border-bottom:1px solid var(--line);"
	"padding-bottom:.2em;margin-top:1.8em}h3{font-size:1em;margin:0 0 .3em}\n"
	"a{color:#1a56a8;text-decoration:none}a:hover{text-decoration:underline}\n"
	"code,pre,.mono{font-family:\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-size:.88em}\n"
	".verdict{font-size:1.15em;font-weight:600;padding:.45em .8em;border-radius:4px;"
	"display:inline-block;margin:.4em 0}\n"
	".verdict.bad{background:#fde8e8;color:var(--crit);border:1px solid #f3b4b4}\n"
	".verdict.ok{background:#e6f4ea;color:var(--ok);border:1px solid #a8d5b5}\n"
	"dl.dump{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:.6em 0;"
	"color:var(--mute)}dl.dump dt{font-weight:600}dl.dump dd{margin:0}\n"
	"nav a{margin-right:1.2em}.note{color:var(--mute);font-style:italic}\n"
	"ol.findings{padding-left:1.6em}ol.findings li{margin:.7em 0;padding:.5em .8em;"
	"border-left:4px solid var(--line);background:var(--panel)}\n"
	".sev{display:inline-block;min-width:5.5em;text-align:center;color:#fff;border-radius:3px;"
	"font-size:.8em;font-weight:700;text-transform:uppercase;padding:.05em .4em;margin-right:.5em}\n"
	".sev-critical{border-left-color:var(--crit)!important}.sev-critical .sev{background:var(--crit)}\n"
	".sev-high{border-left-color:var(--high)!important}.sev-high .sev{background:var(--high)}\n"
	".sev-medium{border-left-color:var(--med)!important}.sev-medium .sev{background:var(--med)}\n"
	".sev-low{border-left-color:var(--low)!important}.sev-low .sev{background:var(--low)}\n"
	".kind{font-weight:700}.conf,.meta{color:var(--mute);font-size:.9em}\n"
	".summary{margin:.3em 0}.who{margin:.2em 0;font-size:.92em}\n"
	"figure{margin:1em 0;padding:.6em;border:1px solid var(--line);border-radius:4px;"
	"overflow-x:auto}figcaption{font-weight:600;margin-bottom:.4em}\n"
	"figure svg{max-width:100%;height:auto}\n"
	".task{border-top:1px solid var(--line);padding:.6em 0}\n"
	".state{font-weight:700;color:var(--crit)}.state.run{color:var(--ok)}.state.idle{color:var(--mute)}\n"
	".task p{margin:.15em 0}details{margin-top:.3em}summary{cursor:pointer;color:var(--mute)}\n"
	"pre{background:var(--panel);border:1px solid var(--line);padding:.5em .7em;overflow-x:auto;"
	"margin:.3em 0}\n"
	"table{border-collapse:collapse;width:100%;font-size:.92em}th,td{text-align:left;"
	"vertical-align:top;padding:.3em .5em;border-bottom:1px solid var(--line)}th{background:var(--panel)}\n"
	":target{outline:3px solid #f2b705;outline-offset:2px;background:#fff8db}\n";

#define H(out, s) kdl_report_html_text(out, s)

/* comm[pid], a link when the page shows the task. */
static void task_link(const struct kdl_report_ctx *r, int ti)
{
	char a[64], b[96];

	kdl_report_who(r->m, ti, b, sizeof(b));
	if (ti >= 0 && (size_t)ti < r->m->ntasks && kdl_report_task_listed(r, (size_t)ti)) {
		fprintf(r->out, "<a href=\"#%s\">", kdl_report_task_anchor(r->m, ti, a, sizeof(a)));
		H(r->out, b);
		fputs("</a>", r->out);
	} else {
		H(r->out, b);
	}
}

static void lock_link(const struct kdl_report_ctx *r, int li)
{
	const struct kdl_lock *l = &r->m->locks[li];
	char a[64];
	bool link = kdl_report_lock_shown(r, (size_t)li);

	if (link)
		fprintf(r->out, "<a href=\"#%s\">", kdl_report_lock_anchor(r->m, li, a, sizeof(a)));
	fputs("<code>", r->out);
	H(r->out, l->name ? l->name : "?");
	fputs("</code>", r->out);
	if (link)
		fputs("</a>", r->out);
}

/* An owner: the task (a link) or what the lock recorded of it. */
static void owner_link(const struct kdl_report_ctx *r, const struct kdl_owner *o)
{
	char b[96];

	if (o->who.task >= 0)
		task_link(r, o->who.task);
	else
		H(r->out, kdl_report_owner_name(r->m, o, b, sizeof(b)));
	fprintf(r->out, " <span class=\"meta\">(%s%s)</span>", kdl_confidence_name(o->confidence),
		o->alive ? "" : ", exited");
}

static void html_head(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	const struct kdl_dump_info *d = &m->dump;
	char v[400], date[64];
	size_t nblocked = 0;

	for (size_t i = 0; i < m->ntasks; i++)
		if (!strcmp(m->tasks[i].state, "UN"))
			nblocked++;
	kdl_report_format_time(d->crash_time, date, sizeof(date));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>kdlview: Linux ", out);
	H(out, d->release ? d->release : "unknown");
	if (d->hostname) {
		fputs(" on ", out);
		H(out, d->hostname);
	}
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n"
		"<h1>kdlview report: Linux ", html_style);
	H(out, d->release ? d->release : "unknown");
	fputs("</h1>\n", out);
	kdl_report_verdict(m, v, sizeof(v));
	fprintf(out, "<p class=\"verdict %s\" id=\"verdict\">", m->nfindings || nblocked ? "bad" : "ok");
	H(out, v);
	fputs("</p>\n<dl class=\"dump\">\n", out);
	if (d->hostname) {
		fputs("<dt>host</dt><dd>", out);
		H(out, d->hostname);
		fputs("</dd>\n", out);
	}
	if (d->panic) {
		fputs("<dt>panic</dt><dd>", out);
		H(out, d->panic);
		fputs("</dd>\n", out);
	}
	fputs("<dt>machine</dt><dd>", out);
	H(out, d->machine ? d->machine : "unknown");
	fprintf(out, ", %d CPUs</dd>\n<dt>date</dt><dd>%s</dd>\n<dt>tasks</dt><dd>%zu (%zu blocked)"
		"</dd>\n<dt>dump</dt><dd>", d->cpus, date, d->task_count, nblocked);
	H(out, d->format ? d->format : "unknown");
	fprintf(out, "%s, KASLR offset 0x%" PRIx64 "</dd>\n</dl>\n",
		d->has_vmcoreinfo ? "" : " (no VMCOREINFO)", d->kaslr_offset);
	if (kdl_report_debuginfo(d, v, sizeof(v))) {
		fputs("<dl class=\"dump\"><dt>debug info</dt><dd>", out);
		H(out, v);
		fputs("</dd></dl>\n", out);
	}
	if (d->partial) {
		fputs("<p class=\"note\">Parts of the dump were unreadable; the report is partial", out);
		if (d->partial_why) {
			fputs(": ", out);
			H(out, d->partial_why);
		}
		fputs(".</p>\n", out);
	}
	if (r->o->pid >= 0)
		fprintf(out, "<p class=\"note\">This page shows the chain of pid %d: what it waits "
			"on and who waits on it. The verdict is the whole dump's.</p>\n", r->o->pid);
	fputs("<nav><a href=\"#findings\">Findings</a><a href=\"#graphs\">Wait-for graphs</a>"
	      "<a href=\"#tasks\">Tasks</a><a href=\"#locks\">Locks</a></nav>\n</header>\n", out);
}

static void html_findings(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	size_t k = 0;

	fputs("<section id=\"findings\">\n<h2>Findings</h2>\n<ol class=\"findings\">\n", out);
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct kdl_finding *f = &m->findings[i];

		if (!kdl_report_finding_shown(r, f))
			continue;
		fprintf(out, "<li class=\"finding sev-%s\" id=\"finding-%zu\">\n<div><span class=\"sev\">"
			"%s</span><span class=\"kind\">%s</span> <span class=\"conf\">confidence: "
			"%s</span></div>\n<p class=\"summary\">", kdl_severity_name(f->severity), ++k,
			kdl_severity_name(f->severity), kdl_finding_kind_name(f->kind),
			kdl_confidence_name(f->confidence));
		H(out, f->summary ? f->summary : "");
		fputs("</p>\n<p class=\"who\">tasks:", out);
		for (size_t t = 0; t < f->ntasks; t++) {
			fputs(t ? ", " : " ", out);
			task_link(r, f->tasks[t]);
		}
		if (f->nlocks)
			fputs("; locks:", out);
		for (size_t l = 0; l < f->nlocks; l++) {
			fputs(l ? ", " : " ", out);
			lock_link(r, f->locks[l]);
		}
		if (f->cycle >= 0 && (size_t)f->cycle < m->ncycles &&
		    kdl_report_cycle_shown(r, &m->cycles[f->cycle]))
			fprintf(out, "; <a href=\"#cycle-%d\">graph</a>", f->cycle + 1);
		fputs("</p>\n</li>\n", out);
	}
	fputs("</ol>\n", out);
	if (!k)
		fputs("<p>No lock problems found.</p>\n", out);
	fputs("</section>\n", out);
}

/* One figure per cycle: its caption in words, its graph by Graphviz. */
static struct kdl_error *html_graphs(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	struct kdl_error *err = NULL;
	char prefix[32], b[96];
	size_t k = 0;

	fputs("<section id=\"graphs\">\n<h2>Wait-for graphs</h2>\n", out);
	for (size_t c = 0; c < m->ncycles && !err; c++) {
		const struct kdl_cycle *cy = &m->cycles[c];
		struct kdl_dot_graph g = { .cycle = (int)c, .svg = true, .links = true,
					   .id_prefix = prefix };

		if (!kdl_report_cycle_shown(r, cy))
			continue;
		k++;
		/* the page shares one id space with its SVGs: the graph's nodes get their own */
		snprintf(prefix, sizeof(prefix), "c%zu-", c + 1);
		fprintf(out, "<figure id=\"cycle-%zu\" class=\"graph\">\n<figcaption>Cycle %zu (%s):",
			c + 1, c + 1, kdl_finding_kind_name(cy->cls));
		for (size_t i = 0; i < cy->n; i++) {
			fputc(' ', out);
			H(out, kdl_report_who(m, cy->nodes[i].task, b, sizeof(b)));
			if (cy->nodes[i].ctx != KDL_CTX_TASK)
				fprintf(out, " (%s)", kdl_ctx_name(cy->nodes[i].ctx));
			fputs(" &rarr; ", out);
			H(out, m->locks[cy->locks[i]].name ? m->locks[cy->locks[i]].name : "?");
			fputs(" &rarr;", out);
		}
		fputc(' ', out);
		H(out, kdl_report_who(m, cy->nodes[0].task, b, sizeof(b)));
		fputs("</figcaption>\n", out);
		err = kdl_report_svg_graph(r, out, &g, true);
		fputs("</figure>\n", out);
	}
	if (!k)
		fputs("<p>No cycle.</p>\n", out);
	fputs("</section>\n", out);
	return err;
}

/* A backtrace as the text report writes it, escaped. */
static void html_frames(FILE *out, const struct kdl_task *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	kdl_report_text_frames(f, t->frames, t->nframes, t->frames_quality);
	if (fclose(f) == 0 && buf) {
		fprintf(out, "<details><summary>backtrace (%zu frames)</summary>\n<pre>", t->nframes);
		H(out, buf);
		fputs("</pre></details>\n", out);
	}
	free(buf);
}

static void html_task(const struct kdl_report_ctx *r, size_t ti)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	const struct kdl_task *t = &m->tasks[ti];
	const char *sc = !strcmp(t->state, "RU") ? " run" : strcmp(t->state, "UN") ? " idle" : "";
	char a[64];

	fprintf(out, "<article class=\"task\" id=\"%s\">\n<h3>",
		kdl_report_task_anchor(m, (int)ti, a, sizeof(a)));
	H(out, t->comm);
	fprintf(out, " <span class=\"mono\">[%d]</span> <span class=\"state%s\">", t->pid, sc);
	H(out, t->state);
	fputs("</span>", out);
	if (t->rtlock_wait)
		fputs(" (rtlock wait)", out);
	fputs(" <span class=\"meta\">", out);
	fprintf(out, "%sCPU %d", t->on_cpu ? "on " : "", t->cpu);
	if (t->blocked_for_ns >= 0)
		fprintf(out, ", blocked for %.3fs", (double)t->blocked_for_ns / 1e9);
	if (t->quality != KDL_Q_OK)
		fprintf(out, ", task_struct %s", kdl_report_quality_name(t->quality));
	fprintf(out, ", task 0x%" PRIx64 "</span></h3>\n", t->addr);
	if (t->waits_on >= 0 && (size_t)t->waits_on < m->nlocks) {
		const struct kdl_lock *l = &m->locks[t->waits_on];

		fputs("<p class=\"wait\">waits on ", out);
		lock_link(r, t->waits_on);
		fprintf(out, " <span class=\"meta\">(%s, %s)</span>", kdl_lock_kind_name(l->kind),
			kdl_mode_name(t->wait_mode));
		for (size_t o = 0; o < l->nowners; o++) {
			fprintf(out, "%s", o ? ", " : " &mdash; ");
			if (!o)
				fprintf(out, "%s ", kdl_report_holder_verb(l, false));
			owner_link(r, &l->owners[o]);
		}
		fputs("</p>\n", out);
	} else if (t->other.kind) {
		fputs("<p class=\"wait\">waits: ", out);
		H(out, t->other.kind);
		fputs(" wait in <code>", out);
		H(out, t->other.label ? t->other.label : "?");
		fputs("</code></p>\n", out);
	}
	if (t->nholds) {
		fputs("<p class=\"holds\">holds", out);
		for (size_t h = 0; h < t->nholds; h++) {
			fputs(h ? ", " : " ", out);
			lock_link(r, t->holds[h]);
		}
		fputs("</p>\n", out);
	}
	html_frames(out, t);
	fputs("</article>\n", out);
}

static void html_locks(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_model *m = r->m;
	char a[64];

	fputs("<section id=\"locks\">\n<h2>Locks</h2>\n<table>\n<thead><tr><th>lock</th><th>kind</th>"
	      "<th>address</th><th>held by</th><th>waiters</th></tr></thead>\n<tbody>\n", out);
	for (size_t li = 0; li < m->nlocks; li++) {
		const struct kdl_lock *l = &m->locks[li];

		if (!kdl_report_lock_shown(r, li))
			continue;
		fprintf(out, "<tr id=\"%s\"><td><code>", kdl_report_lock_anchor(m, (int)li, a, sizeof(a)));
		H(out, l->name ? l->name : "?");
		fprintf(out, "</code></td><td>%s</td><td class=\"mono\">0x%" PRIx64 "</td><td>",
			kdl_lock_kind_name(l->kind), l->address);
		for (size_t k = 0; k < l->nowners; k++) {
			fputs(k ? ", " : "", out);
			owner_link(r, &l->owners[k]);
			if (l->owners[k].mode != KDL_MODE_EXCLUSIVE)
				fprintf(out, " <span class=\"meta\">%s</span>", kdl_mode_name(l->owners[k].mode));
		}
		fputs("</td><td>", out);
		for (size_t w = 0; w < l->nwaiters; w++) {
			fputs(w ? ", " : "", out);
			task_link(r, l->waiters[w].who.task);
			if (l->waiters[w].mode != KDL_MODE_EXCLUSIVE)
				fprintf(out, " <span class=\"meta\">%s</span>", kdl_mode_name(l->waiters[w].mode));
			if (l->waiters[w].who.ctx != KDL_CTX_TASK)
				fprintf(out, " <span class=\"meta\">(%s)</span>",
					kdl_ctx_name(l->waiters[w].who.ctx));
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n</section>\n", out);
}

struct kdl_error *kdl_report_html(const struct kdl_report_ctx *r)
{
	FILE *out = r->out;
	const struct kdl_report_options *o = r->o;
	struct kdl_report_ctx gr = *r;
	struct kdl_error *err;
	char *graphs = NULL;
	size_t glen = 0;

	/* the graphs first, into memory: when Graphviz fails nothing is written */
	gr.out = open_memstream(&graphs, &glen);
	if (!gr.out)
		return kdl_error_create(KDL_ERR_NOMEM, "html: out of memory");
	err = html_graphs(&gr);
	if (fclose(gr.out) != 0 && !err)
		err = kdl_error_create(KDL_ERR_NOMEM, "html: out of memory");
	if (err) {
		free(graphs);
		return err;
	}
	html_head(r);
	fputs("<main>\n", out);
	html_findings(r);
	fwrite(graphs, 1, glen, out);
	free(graphs);
	fprintf(out, "<section id=\"tasks\">\n<h2>%s</h2>\n", o->pid >= 0 ? "Tasks of the chain" :
		o->all_tasks ? "Tasks" : "Blocked, on-CPU and involved tasks");
	for (size_t i = 0; i < r->m->ntasks; i++)
		if (kdl_report_task_listed(r, i))
			html_task(r, i);
	fputs("</section>\n", out);
	html_locks(r);
	fputs("</main>\n<footer class=\"note\"><p>Written by kdlview; a self-contained page "
	      "(no scripts, no network).</p></footer>\n</body>\n</html>\n", out);
	return NULL;
}
