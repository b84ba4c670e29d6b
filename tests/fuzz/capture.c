/* tests/fuzz/capture.c - record the memory one analysis of a real dump reads
 * into a small uncompressed image (tests/fuzz/image.h) for the fuzzer.
 *
 *   capture [--all] VMCORE VMLINUX OUT.img
 *
 * Every successful read through the target interface is recorded (hook in
 * core/target/target.c); the whole page around it is taken when it is readable,
 * otherwise just the bytes read. Then every report format is written (to
 * nowhere) so that lazily read memory is captured too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/debuginfo/debuginfo.h"
#include "core/target/dump.h"
#include "core/report/report.h"
#include "tests/fuzz/image.h"

struct cpage {
	uint64_t addr; /* page address; 0 = free slot */
	bool full;
	unsigned char data[KDL_FUZZ_PAGE];
	unsigned char known[KDL_FUZZ_PAGE / 8];
};

struct cap {
	struct cpage **slot;
	size_t cap, n;
};

static size_t slot_of(const struct cap *c, uint64_t page)
{
	size_t i = (size_t)((page >> 12) * 0x9e3779b97f4a7c15ull) & (c->cap - 1);

	while (c->slot[i] && c->slot[i]->addr != page)
		i = (i + 1) & (c->cap - 1);
	return i;
}

static struct cpage *get_page(struct cap *c, uint64_t page)
{
	size_t i;

	if ((c->n + 1) * 2 > c->cap) {
		struct cap nc = { calloc(c->cap * 2, sizeof(*nc.slot)), c->cap * 2, c->n };

		if (!nc.slot) {
			fprintf(stderr, "capture: out of memory\n");
			exit(1);
		}
		for (size_t k = 0; k < c->cap; k++)
			if (c->slot[k])
				nc.slot[slot_of(&nc, c->slot[k]->addr)] = c->slot[k];
		free(c->slot);
		*c = nc;
	}
	i = slot_of(c, page);
	if (!c->slot[i]) {
		c->slot[i] = calloc(1, sizeof(struct cpage));
		if (!c->slot[i]) {
			fprintf(stderr, "capture: out of memory\n");
			exit(1);
		}
		c->slot[i]->addr = page;
		c->n++;
	}
	return c->slot[i];
}

static void record(void *arg, struct kdl_target *t, uint64_t addr, const void *buf, size_t len)
{
	struct cap *c = arg;
	uint64_t end = addr + len;

	for (uint64_t pg = addr & ~(uint64_t)(KDL_FUZZ_PAGE - 1); pg < end; pg += KDL_FUZZ_PAGE) {
		struct cpage *p = get_page(c, pg);
		struct kdl_error *err;
		uint64_t from, to;

		if (p->full)
			continue;
		err = kdl_target_read(t, pg, p->data, KDL_FUZZ_PAGE);
		if (!err) {
			p->full = true;
			continue;
		}
		kdl_error_destroy(err);
		from = addr > pg ? addr : pg;
		to = end < pg + KDL_FUZZ_PAGE ? end : pg + KDL_FUZZ_PAGE;
		for (uint64_t a = from; a < to; a++) {
			p->data[a - pg] = ((const unsigned char *)buf)[a - addr];
			p->known[(a - pg) / 8] |= (unsigned char)(1u << ((a - pg) % 8));
		}
		if (pg == 0 || pg + KDL_FUZZ_PAGE < pg)
			break;
	}
}

static int cmp_page(const void *a, const void *b)
{
	const struct cpage *x = *(struct cpage *const *)a, *y = *(struct cpage *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static bool known(const struct cpage *p, size_t o)
{
	return p->full || (p->known[o / 8] >> (o % 8) & 1);
}

int main(int argc, char **argv)
{
	struct kdl_open_options oo = { 0 };
	struct cap c = { calloc(1024, sizeof(struct cpage *)), 1024, 0 };
	struct kdl_fuzz_image img = { 0 };
	struct kdl_analysis *an = NULL;
	struct kdl_debuginfo *di = NULL;
	struct kdl_dump *d = NULL;
	const struct kdl_model *m;
	struct cpage **pages;
	struct kdl_error *err;
	size_t np = 0, nreg = 0, bytes = 0;
	int a = 1;

	if (argc > 1 && !strcmp(argv[1], "--all")) {
		oo.all_tasks = true;
		a++;
	}
	if (argc - a != 3 || !c.slot) {
		fprintf(stderr, "usage: capture [--all] VMCORE VMLINUX OUT.img\n");
		return 2;
	}
	kdl_target_set_capture_hook(record, &c);
	err = kdl_analysis_open(argv[a], argv[a + 1], &oo, &an);
	if (!err) {
		for (int f = KDL_REPORT_TEXT; f <= KDL_REPORT_DOT; f++) {
			struct kdl_report_options ro = { .format = f, .pid = -1,
							 .all_tasks = oo.all_tasks };
			FILE *out = fopen("/dev/null", "w");

			if (out) {
				struct kdl_report_source rs;

				kdl_analysis_report_source(an, &rs);
				kdl_error_destroy(kdl_report_write(&rs, &ro, out));
				fclose(out);
			}
		}
	}
	kdl_target_set_capture_hook(NULL, NULL);
	if (!err)
		err = kdl_dump_open(argv[a], "x86_64", &d);
	if (!err)
		err = kdl_debuginfo_open(argv[a + 1], &di);
	if (err) {
		fprintf(stderr, "capture: %s\n", err->msg);
		return 1;
	}
	m = kdl_analysis_model(an);
	img.kaslr = m->dump.kaslr_offset;
	img.ncpus = (int)m->ncpus;
	img.regs = calloc(m->ncpus + 1, sizeof(*img.regs));
	img.regs_valid = calloc(m->ncpus + 1, sizeof(*img.regs_valid));
	if (!img.regs || !img.regs_valid)
		return 1;
	for (int k = 0; k < img.ncpus; k++)
		img.regs_valid[k] = kdl_dump_cpu_regs(d, k, &img.regs[k], NULL);
	snprintf(img.release, sizeof(img.release), "%s", m->dump.release ? m->dump.release : "");
	snprintf(img.build_id, sizeof(img.build_id), "%s",
		 kdl_debuginfo_build_id(di) ? kdl_debuginfo_build_id(di) : "");

	pages = calloc(c.n + 1, sizeof(*pages));
	img.addr = calloc(c.n * 8 + 1, sizeof(*img.addr));
	img.len = calloc(c.n * 8 + 1, sizeof(*img.len));
	img.data = calloc(c.n * 8 + 1, sizeof(*img.data));
	if (!pages || !img.addr || !img.len || !img.data)
		return 1;
	for (size_t k = 0; k < c.cap; k++)
		if (c.slot[k])
			pages[np++] = c.slot[k];
	qsort(pages, np, sizeof(*pages), cmp_page);
	for (size_t k = 0; k < np; k++) {
		struct cpage *p = pages[k];

		/* one region per run of known bytes */
		for (size_t o = 0; o < KDL_FUZZ_PAGE;) {
			size_t e;

			if (!known(p, o)) {
				o++;
				continue;
			}
			for (e = o; e < KDL_FUZZ_PAGE && known(p, e); e++)
				;
			if (nreg == c.n * 8)
				break;
			img.addr[nreg] = p->addr + o;
			img.len[nreg] = (uint32_t)(e - o);
			img.data[nreg] = p->data + o;
			bytes += e - o;
			nreg++;
			o = e;
		}
	}
	img.nregions = nreg;
	err = kdl_fuzz_image_save(&img, argv[a + 2]);
	if (err) {
		fprintf(stderr, "capture: %s\n", err->msg);
		return 1;
	}
	printf("capture: %s: %zu pages, %zu regions, %zu bytes, %d CPUs, %zu tasks, %zu locks\n",
	       argv[a + 2], np, nreg, bytes, img.ncpus, m->ntasks, m->nlocks);
	for (size_t k = 0; k < c.cap; k++)
		free(c.slot[k]);
	free(c.slot);
	free(pages);
	free(img.addr);
	free(img.len);
	free(img.data);
	free(img.regs);
	free(img.regs_valid);
	kdl_debuginfo_destroy(di);
	kdl_dump_destroy(d);
	kdl_analysis_destroy(an);
	return 0;
}
