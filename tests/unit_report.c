/* Unit tests of the report stage (core/report/) over the hand-made model of
 * tests/fixtures/tui_model.h: no dump, no analysis. Every format is written
 * with the source's callbacks NULL and with callbacks that count their calls;
 * the JSON is parsed by a small validator below; the text's FINDINGS, the
 * --pid chain, the DOT nodes and kdl_report_write_file()'s refusal are
 * checked against what the fixture built. The HTML page and the SVG (laid
 * out by Graphviz) are checked by a small tag parser (balanced, no stray
 * '<', every link has its anchor, no id twice), for the fixture's summaries
 * and cycle nodes, for strict escaping of hostile names, and for a clear
 * error when Graphviz has no layout plugin. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/model.h"
#include "core/report/report.h"
#include "tests/fixtures/tui_model.h"
#include "tests/lib/kdltest.h"

static const char *const fmt_names[] = { "text", "md", "json", "dot", "html", "svg" };

/* ---- the report into memory ------------------------------------------------ */

static char *report(const struct kdl_report_source *src, enum kdl_report_format f, bool all,
		    int pid, struct kdl_error **err)
{
	struct kdl_report_options o = { .format = f, .all_tasks = all, .pid = pid };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out) {
		*err = kdl_error_create(KDL_ERR_NOMEM, "open_memstream");
		return NULL;
	}
	*err = kdl_report_write(src, &o, out);
	fclose(out);
	return buf;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- callbacks that count -------------------------------------------------- */

struct counts {
	const struct kdl_model *m;
	size_t frames, lines_task, lines_cpu, inlines;
	int fail_task; /* task_frames fails for this index, or -1 */
	bool *asked;   /* per task: task_frames was called */
	bool *resolved;
};

static struct kdl_error *cb_frames(void *arg, size_t task)
{
	struct counts *c = arg;

	c->frames++;
	if (task < c->m->ntasks)
		c->asked[task] = true;
	if ((int)task == c->fail_task)
		return kdl_error_create(KDL_ERR_INPUT, "no stack for task %zu", task);
	return NULL;
}

static struct kdl_error *cb_lines(void *arg, int task, int cpu)
{
	struct counts *c = arg;

	if (task >= 0) {
		c->lines_task++;
		if ((size_t)task < c->m->ntasks)
			c->resolved[task] = true;
	} else if (cpu >= 0) {
		c->lines_cpu++;
	}
	return NULL;
}

/* One inlined caller at frame 0 of every task, none elsewhere. */
static size_t cb_inlines(void *arg, int task, int cpu, size_t frame, struct kdl_inline *out,
			 size_t max)
{
	struct counts *c = arg;

	(void)cpu;
	c->inlines++;
	if (task < 0 || frame != 0 || !max)
		return 0;
	out[0] = (struct kdl_inline){ "kdl_inlined_helper", "kernel/kdl/inl.h", 42 };
	return 1;
}

/* ---- a JSON validator: the whole text is one value ---------------------------- */

struct json {
	const char *p;
	int depth;
};

static void jws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
		j->p++;
}

static bool jvalue(struct json *j);

static bool jstring(struct json *j)
{
	if (*j->p != '"')
		return false;
	for (j->p++; *j->p != '"'; j->p++) {
		if ((unsigned char)*j->p < 0x20)
			return false;
		if (*j->p != '\\')
			continue;
		j->p++;
		if (*j->p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
					return false;
			j->p += 4;
		} else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
			return false;
		}
	}
	j->p++;
	return true;
}

static bool jnumber(struct json *j)
{
	const char *s = j->p;

	if (*j->p == '-')
		j->p++;
	if (*j->p < '0' || *j->p > '9')
		return false;
	while (*j->p >= '0' && *j->p <= '9')
		j->p++;
	if (*j->p == '.') {
		j->p++;
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

/* object or array: members separated by commas, no trailing comma */
static bool jcompound(struct json *j, char close, bool keys)
{
	if (++j->depth > 64)
		return false;
	j->p++;
	jws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		jws(j);
		if (keys) {
			if (!jstring(j))
				return false;
			jws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!jvalue(j))
			return false;
		jws(j);
		if (*j->p == close) {
			j->p++;
			j->depth--;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

static bool jvalue(struct json *j)
{
	jws(j);
	switch (*j->p) {
	case '{':
		return jcompound(j, '}', true);
	case '[':
		return jcompound(j, ']', false);
	case '"':
		return jstring(j);
	case 't':
		return !strncmp(j->p, "true", 4) && (j->p += 4);
	case 'f':
		return !strncmp(j->p, "false", 5) && (j->p += 5);
	case 'n':
		return !strncmp(j->p, "null", 4) && (j->p += 4);
	default:
		return jnumber(j);
	}
}

static bool json_valid(const char *s)
{
	struct json j = { s, 0 };

	if (!s || !jvalue(&j))
		return false;
	jws(&j);
	return !*j.p;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_format_names(void)
{
	enum kdl_report_format f;

	for (int i = 0; i < 6; i++)
		KDL_CHECK(kdl_report_format_parse(fmt_names[i], &f) && (int)f == i, "format %s",
			  fmt_names[i]);
	KDL_CHECK(!kdl_report_format_parse("pdf", &f), "format pdf unknown");
}

/* Every format, the model alone (no callbacks) and with --all and --pid. */
static void test_no_callbacks(const struct kdl_model *m)
{
	struct kdl_report_source src = { .model = m };
	static const struct { bool all; int pid; const char *name; } modes[] = {
		{ false, -1, "plain" }, { true, -1, "--all" }, { false, 201, "--pid 201" },
	};

	for (int f = KDL_REPORT_TEXT; f <= KDL_REPORT_SVG; f++) {
		for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
			struct kdl_error *err;
			char *s = report(&src, f, modes[k].all, modes[k].pid, &err);

			kdl_test_ok(err, "%s %s without callbacks", fmt_names[f], modes[k].name);
			KDL_CHECK(s && strlen(s) > 100, "%s %s has content", fmt_names[f],
				  modes[k].name);
			if (f == KDL_REPORT_JSON)
				KDL_CHECK(json_valid(s), "json %s parses", modes[k].name);
			free(s);
		}
	}
}

/* The callbacks are asked for what the report shows, and only that. */
static void test_callbacks(const struct kdl_model *m)
{
	struct counts c = { .m = m, .fail_task = kdl_model_task_by_pid(m, 302) };
	struct kdl_report_source src = { .model = m, .arg = &c, .task_frames = cb_frames,
					 .resolve_lines = cb_lines, .frame_inlines = cb_inlines };
	size_t involved = 0, nframes = 0;
	struct kdl_error *err;
	bool ok = true;
	char *s;

	c.asked = calloc(m->ntasks, sizeof(bool));
	c.resolved = calloc(m->ntasks, sizeof(bool));
	if (!c.asked || !c.resolved) {
		kdl_test_fail("callbacks: out of memory");
		goto out;
	}
	for (size_t i = 0; i < m->ntasks; i++) {
		if (!m->tasks[i].involved)
			continue;
		involved++;
		nframes += m->tasks[i].nframes;
	}
	for (size_t i = 0; i < m->ncpus; i++)
		nframes += m->cpus[i].nframes;

	s = report(&src, KDL_REPORT_TEXT, false, -1, &err);
	kdl_test_ok(err, "text with counting callbacks");
	KDL_CHECK(c.frames == involved, "task_frames once per listed task (%zu of %zu)", c.frames,
		  involved);
	for (size_t i = 0; i < m->ntasks; i++)
		ok &= c.asked[i] == m->tasks[i].involved;
	KDL_CHECK(ok, "task_frames asked for the involved tasks only");
	KDL_CHECK(c.lines_task == involved - 1 && !c.resolved[c.fail_task],
		  "resolve_lines for every listed task but the one whose frames failed (%zu)",
		  c.lines_task);
	KDL_CHECK(c.lines_cpu == m->ncpus, "resolve_lines once per CPU (%zu)", c.lines_cpu);
	KDL_CHECK(c.inlines == 0, "text asks for no inlined callers");
	KDL_CHECK(s && strstr(s, "PID: 302 "), "a task whose frames failed is still listed");
	free(s);

	c.inlines = 0;
	s = report(&src, KDL_REPORT_JSON, false, -1, &err);
	kdl_test_ok(err, "json with counting callbacks");
	KDL_CHECK(json_valid(s), "json with inlined callers parses");
	KDL_CHECK(c.inlines == nframes, "frame_inlines once per frame shown (%zu of %zu)",
		  c.inlines, nframes);
	KDL_CHECK(count(s, "\"inlined\": [{\"function\": \"kdl_inlined_helper\", \"file\": "
			"\"kernel/kdl/inl.h\", \"line\": 42}]") == involved,
		  "one inlined caller per task in the JSON");
	free(s);

	for (int f = KDL_REPORT_MD; f <= KDL_REPORT_SVG; f++) {
		s = report(&src, f, true, -1, &err);
		kdl_test_ok(err, "%s --all with counting callbacks", fmt_names[f]);
		free(s);
	}
out:
	free(c.asked);
	free(c.resolved);
}

static void test_json(const struct kdl_model *m)
{
	struct kdl_report_source src = { .model = m };
	struct kdl_error *err;
	char *s = report(&src, KDL_REPORT_JSON, true, -1, &err);
	static const char *const keys[] = {
		"\"schema\": 1", "\"dump\": {\"release\": \"6.1.0-kdl-test\"", "\"tasks\": [",
		"\"cpus\": [", "\"locks\": [", "\"cycles\": [", "\"findings\": [",
		"\"spinning_on\": \"0xffffffffc0002140\"", "\"class\": \"irq_self_deadlock\"",
	};

	kdl_test_ok(err, "json --all");
	KDL_CHECK(json_valid(s), "json --all parses as JSON");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		KDL_CHECK(s && strstr(s, keys[i]), "json has %s", keys[i]);
	KDL_CHECK(count(s, "{\"pid\": ") >= m->ntasks, "json lists every task with --all");
	KDL_CHECK(count(s, "{\"pids\": [") == m->ncycles, "json lists every cycle");
	KDL_CHECK(count(s, "\"severity\": ") == m->nfindings, "json lists every finding");
	free(s);
	KDL_CHECK(!json_valid("{\"a\": [1, 2,]}") && !json_valid("{\"a\": 1") &&
		  !json_valid("[\"x\\q\"]") && json_valid("{\"a\": [1, -2.5, null, \"\\u00e9\"]}"),
		  "the validator refuses broken JSON");
}

static void test_text_findings(const struct kdl_model *m)
{
	struct kdl_report_source src = { .model = m };
	struct kdl_error *err;
	char *s = report(&src, KDL_REPORT_TEXT, false, -1, &err);
	const char *fs = s ? strstr(s, "FINDINGS\n\n") : NULL;
	const char *tasks = s ? strstr(s, "BLOCKED AND ON-CPU TASKS\n") : NULL;

	kdl_test_ok(err, "text");
	KDL_CHECK(fs && tasks && fs < tasks, "text: FINDINGS before the tasks");
	for (size_t i = 0; i < m->nfindings; i++) {
		const char *at = s ? strstr(s, m->findings[i].summary) : NULL;

		KDL_CHECK(at && fs && tasks && at > fs && at < tasks,
			  "text: finding %zu's summary under FINDINGS", i + 1);
	}
	KDL_CHECK(s && strstr(s, " 1. [critical] deadlock\n"), "text: first finding numbered");
	KDL_CHECK(s && strstr(s, "LOCKS\n\n") && strstr(s, "\nCYCLES\n\n"),
		  "text: LOCKS and CYCLES sections");
	KDL_CHECK(s && strstr(s, "    WAITS ON: kdl_lock_b (mutex @0xffffffffc0002080, exclusive)"
			      "  HELD BY kdl_abba_2[202] (certain)\n"),
		  "text: a task's WAITS ON line");
	free(s);
}

/* The pids of the "PID: " lines of a text report, in order, into pids. */
static size_t text_pids(const char *s, int *pids, size_t max)
{
	size_t n = 0;

	for (const char *p = s; p && (p = strstr(p, "\nPID: ")) && n < max; p++)
		pids[n++] = atoi(p + 6);
	return n;
}

static void check_chain(const struct kdl_model *m, int pid, const int *want, size_t nwant)
{
	struct kdl_report_source src = { .model = m };
	struct kdl_error *err;
	char *s = report(&src, KDL_REPORT_TEXT, false, pid, &err);
	int got[64];
	size_t n = text_pids(s, got, 64);
	bool same = n == nwant;

	kdl_test_ok(err, "text --pid %d", pid);
	for (size_t i = 0; same && i < n; i++)
		same = got[i] == want[i];
	KDL_CHECK(same, "--pid %d lists exactly its chain (%zu tasks, %zu listed)", pid, nwant, n);
	KDL_CHECK(s && strstr(s, "TASK\n\n") && !strstr(s, "CPUS\n"),
		  "--pid %d: one TASK section, no CPUs", pid);
	free(s);
}

static void test_pid_chain(const struct kdl_model *m)
{
	int convoy[21];

	check_chain(m, 201, (int[]){ 201, 202 }, 2);
	check_chain(m, 402, (int[]){ 401, 402 }, 2);
	check_chain(m, 302, (int[]){ 301, 302 }, 2); /* a waiter: itself and the holder */
	for (int i = 0; i < 21; i++)
		convoy[i] = 301 + i;
	check_chain(m, 301, convoy, 21); /* the holder: every waiter behind it */
	check_chain(m, 700, (int[]){ 700 }, 1);
	check_chain(m, 12345, NULL, 0); /* no such task: nothing */

	/* the lock sections follow the chain */
	struct kdl_report_source src = { .model = m };
	struct kdl_error *err;
	char *s = report(&src, KDL_REPORT_JSON, false, 201, &err);

	kdl_test_ok(err, "json --pid 201");
	KDL_CHECK(json_valid(s), "json --pid 201 parses");
	KDL_CHECK(count(s, "{\"pids\": [") == 1 && count(s, "\"severity\": ") == 1,
		  "json --pid 201: only the ABBA cycle and finding");
	KDL_CHECK(s && strstr(s, "\"name\": \"kdl_lock_a\"") && !strstr(s, "kdl_convoy_mutex"),
		  "json --pid 201: only the chain's locks");
	free(s);
}

static void test_dot(const struct kdl_model *m)
{
	struct kdl_report_source src = { .model = m };
	struct kdl_error *err;
	char *s = report(&src, KDL_REPORT_DOT, false, -1, &err);
	char node[48];
	bool once = true;

	kdl_test_ok(err, "dot");
	KDL_CHECK(s && !strncmp(s, "digraph waitfor {\n", 18) && count(s, "}\n") >= 1 &&
		  s[strlen(s) - 2] == '}', "dot: one digraph");
	for (size_t c = 0; c < m->ncycles; c++) {
		for (size_t i = 0; i < m->cycles[c].n; i++) {
			snprintf(node, sizeof(node), "  t%d [shape=box", m->cycles[c].nodes[i].task);
			once &= count(s, node) == 1;
		}
	}
	KDL_CHECK(once, "dot: one node per task of the fixture's cycles");
	for (size_t i = 0; i < m->ntasks; i++) {
		snprintf(node, sizeof(node), "  t%zu [shape=box", i);
		once &= count(s, node) <= 1;
	}
	KDL_CHECK(once, "dot: no task node twice");
	KDL_CHECK(count(s, "color=red") >= 5, "dot: the cycles' edges in red");
	KDL_CHECK(s && strstr(s, "[label=\"held by\", color=red]"), "dot: the dead owner");
	free(s);
}

static size_t dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_file(const struct kdl_model *m)
{
	struct kdl_report_source src = { .model = m };
	struct kdl_report_options o = { .format = KDL_REPORT_TEXT, .pid = -1 };
	char dir[] = "/tmp/kdl-unit-report-XXXXXX", path[256], buf[64] = "";
	struct kdl_error *err;
	FILE *f;

	if (!mkdtemp(dir)) {
		kdl_test_fail("write_file: mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/report.txt", dir);
	kdl_test_ok(kdl_report_write_file(&src, &o, path, false), "write_file to a new path");
	f = fopen(path, "r");
	KDL_CHECK(f && fgets(buf, sizeof(buf), f) && strstr(buf, "NODENAME: fixture-host"),
		  "write_file: the report is there");
	if (f)
		fclose(f);

	o.format = KDL_REPORT_JSON;
	err = kdl_report_write_file(&src, &o, path, false);
	KDL_CHECK(err && err->code == KDL_ERR_USAGE && strstr(err->msg, "exists"),
		  "write_file refuses an existing path (%s)", err ? err->msg : "no error");
	kdl_error_destroy(err);
	f = fopen(path, "r");
	KDL_CHECK(f && fgets(buf, sizeof(buf), f) && strstr(buf, "NODENAME"),
		  "write_file: the existing file is untouched");
	if (f)
		fclose(f);
	KDL_CHECK(dir_entries(dir) == 1, "write_file: no temporary file left after a refusal");

	kdl_test_ok(kdl_report_write_file(&src, &o, path, true), "write_file overwrites when asked");
	f = fopen(path, "r");
	KDL_CHECK(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "{\n"),
		  "write_file: the new report replaced the old");
	if (f)
		fclose(f);
	KDL_CHECK(dir_entries(dir) == 1, "write_file: no temporary file left");

	snprintf(path, sizeof(path), "%s/missing/report.txt", dir);
	err = kdl_report_write_file(&src, &o, path, false);
	KDL_CHECK(err && err->code == KDL_ERR_USAGE, "write_file into a missing directory: usage");
	kdl_error_destroy(err);

	snprintf(path, sizeof(path), "%s/report.txt", dir);
	unlink(path);
	KDL_CHECK(dir_entries(dir) == 0, "write_file: the directory is empty again");
	rmdir(dir);
}

/* ---- HTML and SVG ------------------------------------------------------------------ */

/* A tag parser for what the page and Graphviz emit: every element closed in
 * order (void elements and <x/> aside), no '<' outside a tag, no <script>.
 * Collects the ids and the link targets ("#x" of href= and xlink:href=).
 * Graphviz writes '-' in ids as "&#45;": the text is normalised first. */
struct markup {
	char ids[512][80];
	size_t nids;
	char links[1024][80];
	size_t nlinks;
	char why[160];
};

static char *normalised(const char *s)
{
	char *n = strdup(s ? s : ""), *w = n;

	for (const char *p = n; *p;) {
		if (!strncmp(p, "&#45;", 5)) {
			*w++ = '-';
			p += 5;
		} else {
			*w++ = *p++;
		}
	}
	*w = 0;
	return n;
}

static void attr_value(const char *tag, const char *end, const char *name, char *out, size_t n,
		       size_t *count, size_t max)
{
	size_t nl = strlen(name);

	for (const char *p = tag; p && p < end && (p = strstr(p, name)) && p < end; p += nl) {
		const char *v, *q;

		if (p[-1] != ' ' && p[-1] != '\n')
			continue; /* "href=" inside "xlink:href=" is counted once, by its own name */
		v = p + nl;
		q = strchr(v, '"');
		if (!q || q > end || *count >= max)
			continue;
		snprintf(out + *count * n, n, "%.*s", (int)(q - v), v);
		(*count)++;
	}
}

static bool markup_parse(const char *s, struct markup *mk)
{
	static const char *const voids[] = { "meta", "br", "hr", "img", "link", "input" };
	char stack[64][16];
	int depth = 0;

	mk->nids = mk->nlinks = 0;
	mk->why[0] = 0;
	for (const char *p = s; (p = strchr(p, '<'));) {
		const char *end;
		char name[16] = "";
		size_t n = 0;
		bool close = p[1] == '/';

		if (!strncmp(p, "<!--", 4)) {
			end = strstr(p, "-->");
			if (!end)
				return snprintf(mk->why, sizeof(mk->why), "open comment"), false;
			p = end + 3;
			continue;
		}
		end = strchr(p, '>');
		if (!end)
			return snprintf(mk->why, sizeof(mk->why), "open tag at %.20s", p), false;
		if (p[1] == '!' || p[1] == '?') { /* DOCTYPE, <?xml?> */
			p = end + 1;
			continue;
		}
		for (const char *q = p + 1 + close; n < sizeof(name) - 1 &&
		     ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9'));
		     q++)
			name[n++] = *q;
		name[n] = 0;
		if (!n)
			return snprintf(mk->why, sizeof(mk->why), "stray '<' at %.30s", p), false;
		if (!strcasecmp(name, "script"))
			return snprintf(mk->why, sizeof(mk->why), "a <script> element"), false;
		attr_value(p, end, "id=\"", &mk->ids[0][0], sizeof(mk->ids[0]), &mk->nids, 512);
		attr_value(p, end, "href=\"#", &mk->links[0][0], sizeof(mk->links[0]), &mk->nlinks, 1024);
		attr_value(p, end, "xlink:href=\"#", &mk->links[0][0], sizeof(mk->links[0]),
			   &mk->nlinks, 1024);
		p = end + 1;
		if (end[-1] == '/')
			continue;
		bool isvoid = false;
		for (size_t v = 0; v < sizeof(voids) / sizeof(voids[0]); v++)
			isvoid |= !strcmp(name, voids[v]);
		if (isvoid)
			continue;
		if (!close) {
			if (depth == 64)
				return snprintf(mk->why, sizeof(mk->why), "nested too deep"), false;
			snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
		} else if (!depth || strcmp(stack[--depth], name)) {
			return snprintf(mk->why, sizeof(mk->why), "</%s> closes <%s>", name,
					depth >= 0 ? stack[depth] : "nothing"), false;
		}
	}
	if (depth)
		return snprintf(mk->why, sizeof(mk->why), "<%s> never closed", stack[depth - 1]), false;
	return true;
}

/* Every link has its anchor; no id twice. */
static void check_anchors(const struct markup *mk, const char *what)
{
	size_t missing = 0, twice = 0;
	const char *first = "";

	for (size_t l = 0; l < mk->nlinks; l++) {
		bool found = false;

		for (size_t i = 0; i < mk->nids && !found; i++)
			found = !strcmp(mk->links[l], mk->ids[i]);
		if (!found && !missing++)
			first = mk->links[l];
	}
	for (size_t i = 0; i < mk->nids; i++)
		for (size_t k = i + 1; k < mk->nids; k++)
			twice += !strcmp(mk->ids[i], mk->ids[k]);
	KDL_CHECK(mk->nlinks > 0 && !missing, "%s: every link (%zu) has its anchor (missing: %zu, "
		  "first: #%s)", what, mk->nlinks, missing, first);
	KDL_CHECK(!twice, "%s: no id twice (%zu)", what, twice);
}

/* s with & < > " ' as entities (what the page writes for a dump's string). */
static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (; f && s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
	if (f)
		fclose(f);
	return buf;
}

/* The node group of task `pid` in the graph of cycle `c` (1-based), or of
 * the whole graph when c is 0. */
static size_t task_nodes(const char *s, int c, int pid)
{
	char id[64];

	if (c)
		snprintf(id, sizeof(id), "<g id=\"c%d-task-%d\" class=\"node\">", c, pid);
	else
		snprintf(id, sizeof(id), "<g id=\"task-%d\" class=\"node\">", pid);
	return count(s, id);
}

static void test_html(const struct kdl_model *m)
{
	struct kdl_report_source src = { .model = m };
	struct kdl_error *err;
	char *raw = report(&src, KDL_REPORT_HTML, false, -1, &err), *s = normalised(raw);
	struct markup *mk = calloc(1, sizeof(*mk));
	size_t listed = 0;
	bool ok = true;

	for (size_t i = 0; i < m->ntasks; i++)
		listed += m->tasks[i].involved;
	kdl_test_ok(err, "html");
	KDL_CHECK(!strncmp(s, "<!DOCTYPE html>\n<html lang=\"en\">", 31) &&
		  strlen(s) > 8 && !strcmp(s + strlen(s) - 8, "</html>\n"), "html: one document");
	KDL_CHECK(mk && markup_parse(s, mk), "html: tags balanced, no stray '<', no script (%s)",
		  mk ? mk->why : "");
	if (mk)
		check_anchors(mk, "html");
	/* the SVG namespaces are names, not addresses to fetch */
	KDL_CHECK(count(s, "http") == count(s, "xmlns=\"http://www.w3.org/2000/svg\"") +
		  count(s, "xmlns:xlink=\"http://www.w3.org/1999/xlink\"") && !strstr(s, "src=") &&
		  !strstr(s, "@import") && !strstr(s, "url(") && !strstr(s, "<link"),
		  "html: self-contained (no URL, no src, no link)");
	/* the words of the TUI's verdict (tests/tui_headless.c) */
	KDL_CHECK(strstr(s, "<p class=\"verdict bad\" id=\"verdict\">3 deadlocks, 27 tasks hung, "
			 "1 orphaned lock, 1 convoy</p>"), "html: the verdict line");
	for (size_t i = 0; i < m->nfindings; i++) {
		char *e = escaped(m->findings[i].summary);

		ok &= e && strstr(s, e);
		free(e);
	}
	KDL_CHECK(ok, "html: every finding's summary");
	KDL_CHECK(strstr(s, "finding sev-critical\" id=\"finding-1\">\n<div><span class=\"sev\">"
			 "critical</span><span class=\"kind\">deadlock</span>") &&
		  strstr(s, "finding sev-medium\" id=\"finding-5\""), "html: findings, most severe first");
	KDL_CHECK(count(s, "<svg") == m->ncycles && count(s, "</svg>") == m->ncycles,
		  "html: one inline SVG per cycle (%zu)", count(s, "<svg"));
	ok = true;
	for (size_t c = 0; c < m->ncycles; c++) {
		char pre[48];

		snprintf(pre, sizeof(pre), "<g id=\"c%zu-task-", c + 1);
		ok &= count(s, pre) == m->cycles[c].n; /* the fixture's cycles: distinct tasks */
		for (size_t i = 0; i < m->cycles[c].n; i++)
			ok &= task_nodes(s, (int)c + 1, m->tasks[m->cycles[c].nodes[i].task].pid) == 1;
	}
	KDL_CHECK(ok, "html: one SVG node per cycle member, in its cycle's graph");
	KDL_CHECK(strstr(s, "<a xlink:href=\"#task-201\"") && strstr(s, "<a href=\"#lock-ffffffffc0002080\">"),
		  "html: graph nodes and text link to the anchors");
	KDL_CHECK(count(s, "<details><summary>backtrace (") == listed &&
		  strstr(s, "<article class=\"task\" id=\"task-201\">") &&
		  strstr(s, "__mutex_lock.constprop.0"), "html: a folded backtrace under each task (%zu)",
		  count(s, "<details><summary>backtrace ("));
	KDL_CHECK(strstr(s, "waits on <a href=\"#lock-ffffffffc0002080\"><code>kdl_lock_b</code></a>") &&
		  strstr(s, "held by <a href=\"#task-202\">kdl_abba_2[202]</a>"),
		  "html: task -> the lock it waits on -> its holder");
	free(mk);
	free(s);
	free(raw);
}

static void test_svg(const struct kdl_model *m)
{
	struct kdl_report_source src = { .model = m };
	struct kdl_error *err;
	char *raw = report(&src, KDL_REPORT_SVG, false, -1, &err), *s = normalised(raw);
	struct markup *mk = calloc(1, sizeof(*mk));
	bool ok = true;

	kdl_test_ok(err, "svg");
	KDL_CHECK(!strncmp(s, "<?xml", 5) && count(s, "<svg") == 1 && strstr(s, "</svg>\n"),
		  "svg: one SVG document");
	KDL_CHECK(mk && markup_parse(s, mk), "svg: tags balanced (%s)", mk ? mk->why : "");
	KDL_CHECK(mk && mk->nlinks == 0, "svg: no links out of the file");
	for (size_t c = 0; c < m->ncycles; c++)
		for (size_t i = 0; i < m->cycles[c].n; i++)
			ok &= task_nodes(s, 0, m->tasks[m->cycles[c].nodes[i].task].pid) == 1;
	KDL_CHECK(ok, "svg: one node per cycle member");
	KDL_CHECK(task_nodes(s, 0, 321) == 1 && strstr(s, "kdl_convoy_mutex"),
		  "svg: the graph of every finding, as the DOT report's");
	free(mk);
	free(s);
	free(raw);
}

static void test_html_pid(const struct kdl_model *m)
{
	struct kdl_report_source src = { .model = m };
	struct kdl_error *err;
	char *raw = report(&src, KDL_REPORT_HTML, false, 201, &err), *s = normalised(raw);
	struct markup *mk = calloc(1, sizeof(*mk));

	kdl_test_ok(err, "html --pid 201");
	KDL_CHECK(count(s, "<svg") == 1 && task_nodes(s, 1, 201) == 1 && task_nodes(s, 1, 202) == 1,
		  "html --pid 201: only the ABBA cycle's graph");
	KDL_CHECK(!strstr(s, "kdl_convoy_mutex") && !strstr(s, "id=\"task-301\"") &&
		  strstr(s, "id=\"task-202\""), "html --pid 201: only the chain");
	KDL_CHECK(mk && markup_parse(s, mk), "html --pid 201: tags balanced (%s)", mk ? mk->why : "");
	if (mk)
		check_anchors(mk, "html --pid 201");
	free(mk);
	free(s);
	free(raw);
	raw = report(&src, KDL_REPORT_SVG, false, 201, &err);
	kdl_test_ok(err, "svg --pid 201");
	s = normalised(raw);
	KDL_CHECK(task_nodes(s, 0, 201) == 1 && task_nodes(s, 0, 202) == 1 && !strstr(s, "kdl_conv"),
		  "svg --pid 201: the chain's graph");
	free(s);
	free(raw);
}

/* Names from the dump that try to be markup render as text. The page is also
 * written to $KDL_UNIT_HTML_OUT when set (tests/system/s_html.sh renders it
 * in Chromium). */
static void test_html_hostile(void)
{
	static const char evil[] = "<script>alert(1)</script>";
	struct kdl_model *m = fx_model();
	struct kdl_report_source src = { .model = m };
	struct kdl_error *err;
	int t201 = kdl_model_task_by_pid(m, 201);
	const char *out = getenv("KDL_UNIT_HTML_OUT");
	char *s, *svg;

	snprintf(m->tasks[t201].comm, sizeof(m->tasks[t201].comm), "%s", evil);
	snprintf(m->locks[0].owners[0].comm, sizeof(m->locks[0].owners[0].comm), "%s", evil);
	free(m->locks[0].name);
	m->locks[0].name = strdup("\"'&<img src=x onerror=alert(2)>");
	free(m->findings[0].summary);
	m->findings[0].summary = strdup("ABBA: <script>alert(3)</script> & \"quotes\" 'too'");
	free(m->dump.hostname);
	m->dump.hostname = strdup("<script>alert(4)</script>");
	free(m->dump.panic);
	m->dump.panic = strdup("</title><script>alert(5)</script>");
	m->tasks[t201].frames[5].function = "<script>alert(6)</script>";

	s = report(&src, KDL_REPORT_HTML, false, -1, &err);
	kdl_test_ok(err, "html of hostile names");
	svg = report(&src, KDL_REPORT_SVG, false, -1, &err);
	kdl_test_ok(err, "svg of hostile names");
	KDL_CHECK(s && !strcasestr(s, "<script") && !strcasestr(s, "<img"),
		  "html: no raw <script or <img anywhere");
	KDL_CHECK(svg && !strcasestr(svg, "<script") && !strcasestr(svg, "<img"),
		  "svg: no raw <script or <img anywhere");
	KDL_CHECK(s && count(s, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 4,
		  "html: the comm as text, in the tasks, findings, locks and graph (%zu)",
		  count(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	KDL_CHECK(s && strstr(s, "<code>&quot;&#39;&amp;&lt;img src=x onerror=alert(2)&gt;</code>"),
		  "html: the lock name with \" ' & as entities");
	KDL_CHECK(s && strstr(s, "&amp; &quot;quotes&quot; &#39;too&#39;") &&
		  strstr(s, "<title>kdlview: Linux 6.1.0-kdl-test on &lt;script&gt;alert(4)") &&
		  strstr(s, "&lt;/title&gt;&lt;script&gt;alert(5)") &&
		  strstr(s, "&lt;script&gt;alert(6)&lt;/script&gt;"),
		  "html: summary, host, panic and symbol escaped");
	KDL_CHECK(svg && strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt;"),
		  "svg: the comm as text in its node");
	if (s) {
		char *n = normalised(s);
		struct markup *mk = calloc(1, sizeof(*mk));

		KDL_CHECK(mk && markup_parse(n, mk), "html of hostile names: tags balanced (%s)",
			  mk ? mk->why : "");
		free(mk);
		free(n);
	}
	if (out && s) {
		FILE *f = fopen(out, "w");

		KDL_CHECK(f && fputs(s, f) >= 0 && fclose(f) == 0, "hostile page written to %s", out);
	}
	free(s);
	free(svg);
	kdl_model_destroy(m);
}

/* Graphviz without its plugins: a clear error, no crash, no file. Graphviz
 * keeps where its plugins are (GVBINDIR) for the life of a process; it runs in
 * a child per graph (core/report/gv.c), so this works after the tests above
 * have drawn graphs, and the next graph finds the plugins again. */
static void test_no_layout_plugin(void)
{
	struct kdl_model *m = fx_model();
	struct kdl_report_source src = { .model = m };
	struct kdl_report_options o = { .format = KDL_REPORT_SVG, .pid = -1 };
	char dir[] = "/tmp/kdl-unit-gv-XXXXXX", path[256];
	struct kdl_error *err;
	char *s;

	if (!mkdtemp(dir)) {
		kdl_test_fail("no layout plugin: mkdtemp");
		kdl_model_destroy(m);
		return;
	}
	setenv("GVBINDIR", dir, 1); /* where Graphviz looks for its plugins: empty */
	for (int f = KDL_REPORT_HTML; f <= KDL_REPORT_SVG; f++) {
		s = report(&src, f, false, -1, &err);
		KDL_CHECK(err && err->code == KDL_ERR_IO &&
			  strstr(err->msg, "graphviz: no \"dot\" layout") && !strchr(err->msg, '\n') &&
			  (!s || !*s), "%s without Graphviz's plugins: one clear line, nothing written (%s)",
			  fmt_names[f], err ? err->msg : "no error");
		kdl_error_destroy(err);
		free(s);
	}
	snprintf(path, sizeof(path), "%s/graph.svg", dir);
	err = kdl_report_write_file(&src, &o, path, false);
	KDL_CHECK(err && err->code == KDL_ERR_IO && dir_entries(dir) == 0,
		  "write_file without Graphviz's plugins: an error and no file");
	kdl_error_destroy(err);
	unsetenv("GVBINDIR");
	s = report(&src, KDL_REPORT_SVG, false, -1, &err);
	kdl_test_ok(err, "svg again with the plugins");
	KDL_CHECK(s && strstr(s, "</svg>"), "svg again: drawn");
	free(s);
	rmdir(dir);
	kdl_model_destroy(m);
}

int main(void)
{
	struct kdl_model *m = fx_model();

	test_format_names();
	test_no_callbacks(m);
	test_callbacks(m);
	test_json(m);
	test_text_findings(m);
	test_pid_chain(m);
	test_dot(m);
	test_write_file(m);
	test_html(m);
	test_svg(m);
	test_html_pid(m);
	kdl_model_destroy(m);
	test_html_hostile();
	test_no_layout_plugin();
	return kdl_test_done();
}
