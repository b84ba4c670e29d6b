/* core on the real 6.1-orc sample: the kernel log read from the dump holds the
 * console's lines (the serial console recorded by the host is the truth),
 * every blocked task has a plausible blocked-for time, the dump header facts
 * are there, and each dump format of the same boot gives the same tasks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/analysis.h"
#include "tests/lib/kdltest.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Every console line whose text starts with `prefix` (after the "[ time] "
 * stamp) appears in the log read from the dump. */
static void check_console_lines(const char *log, const char *console, const char *prefix,
				const char *what)
{
	size_t want = 0, found = 0;
	const char *p = console;
	char missing[200] = "";

	while (p && *p) {
		const char *nl = strchr(p, '\n'), *text = strstr(p, "] ");
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (text && text < p + len && !strncmp(text + 2, prefix, strlen(prefix))) {
			char line[2048];
			size_t tl = (size_t)(p + len - (text + 2));

			if (tl >= sizeof(line))
				tl = sizeof(line) - 1;
			memcpy(line, text + 2, tl);
			line[tl] = '\0';
			while (tl && (line[tl - 1] == '\r' || line[tl - 1] == ' '))
				line[--tl] = '\0';
			want++;
			if (strstr(log, line))
				found++;
			else if (!missing[0])
				snprintf(missing, sizeof(missing), "%.150s", line);
		}
		p = nl ? nl + 1 : NULL;
	}
	KDL_CHECK(want > 0 && found == want, "log: %zu/%zu console lines '%s' (%s)%s%s", found,
		  want, prefix, what, missing[0] ? "; missing: " : "", missing);
}

static struct kdl_analysis *open_sample(const char *dir, const char *dump)
{
	char a[4096], b[4096];
	struct kdl_analysis *an = NULL;

	snprintf(a, sizeof(a), "%s/%s", dir, dump);
	snprintf(b, sizeof(b), "%s/vmlinux", dir);
	if (!kdl_test_ok(kdl_analysis_open(a, b, NULL, &an), "open 6.1-orc %s", dump))
		return NULL;
	return an;
}

static void check_variant(const char *variant, const char *release_prefix)
{
	const char *dir = kdl_test_sample_dir(variant);
	struct kdl_analysis *an, *an2;
	const struct kdl_model *m, *m2;
	char *console, path[4096];
	size_t clen, nun = 0, nblk = 0;

	if (!dir) {
		kdl_test_skip("%s sample not unpacked (make samples)", variant);
		return;
	}
	an = open_sample(dir, "vmcore.kdump");
	if (!an)
		return;
	m = kdl_analysis_model(an);
	KDL_CHECK(m->dump.cpus == 4, "%s: 4 CPUs", variant);
	KDL_CHECK(m->dump.release && !strncmp(m->dump.release, release_prefix,
					      strlen(release_prefix)),
		  "%s: release %s*", variant, release_prefix);
	KDL_CHECK(m->dump.has_vmcoreinfo, "%s: has VMCOREINFO", variant);
	KDL_CHECK(m->dump.crash_time > 1700000000, "%s: crash time from the timekeeper", variant);
	KDL_CHECK((m->dump.kaslr_offset & 0x1fffff) == 0 && m->dump.kaslr_offset < 0x40000000,
		  "%s: KASLR offset 2 MiB aligned inside the image area", variant);
	KDL_CHECK(!m->dump.partial, "%s: complete (not partial)", variant);

	snprintf(path, sizeof(path), "samples/%s/truth/console.log", variant);
	console = slurp(path, &clen);
	if (!console) {
		kdl_test_skip("%s missing", path);
	} else if (KDL_CHECK(m->log && m->log_len > 1000, "%s: kernel log read from the dump",
			     variant)) {
		check_console_lines(m->log, console, "KDL {", variant);
		check_console_lines(m->log, console, "sysrq: Show Blocked State", variant);
		check_console_lines(m->log, console, "Linux version ", variant);
	}
	free(console);

	for (size_t i = 0; i < m->ntasks; i++) {
		const struct kdl_task *t = &m->tasks[i];

		if (strcmp(t->state, "UN") || t->on_cpu)
			continue; /* on a CPU (e.g. an rtlock slow path) is not blocked yet */
		nun++;
		/* the scenarios were in place for seconds before the dump; the convoy
		 * holder sleeps in msleep() in a loop, so it ran moments ago */
		if (t->blocked_for_ns >= 0 && t->blocked_for_ns < 3600ll * 1000000000ll &&
		    (t->blocked_for_ns > 500000000ll || !strcmp(t->comm, "kdl_convoy_h")))
			nblk++;
	}
	KDL_CHECK(nun > 0 && nblk == nun, "%s: blocked_for plausible (> 0.5 s, < 1 h) for %zu/%zu "
		  "UN tasks", variant, nblk, nun);

	/* the ELF and QEMU-flattened dumps of the same boot: same tasks */
	const char *other[] = { "vmcore.elf", "vmcore.qemu-kdump" };
	for (size_t k = 0; k < 2; k++) {
		bool same;

		snprintf(path, sizeof(path), "%s/%s", dir, other[k]);
		if (access(path, R_OK) != 0)
			continue;
		an2 = open_sample(dir, other[k]);
		if (!an2)
			continue;
		m2 = kdl_analysis_model(an2);
		same = m2->ntasks == m->ntasks;
		for (size_t i = 0; same && i < m->ntasks; i++)
			same = m->tasks[i].addr == m2->tasks[i].addr &&
			       m->tasks[i].pid == m2->tasks[i].pid &&
			       !strcmp(m->tasks[i].state, m2->tasks[i].state) &&
			       m->tasks[i].state_raw == m2->tasks[i].state_raw;
		KDL_CHECK(same, "%s/%s: same %zu tasks as vmcore.kdump", variant, other[k], m->ntasks);
		KDL_CHECK(m2->dump.kaslr_offset == m->dump.kaslr_offset, "%s/%s: same KASLR offset",
			  variant, other[k]);
		kdl_analysis_destroy(an2);
	}
	kdl_analysis_destroy(an);
}

int main(void)
{
	check_variant("6.1-orc", "6.1.");
	check_variant("6.1-fp", "6.1.");
	check_variant("6.12-lockdep", "6.12.");
	check_variant("6.12-rt", "6.12.");
	return kdl_test_done();
}
