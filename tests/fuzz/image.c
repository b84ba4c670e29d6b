/* tests/fuzz/image.c - memory images, patched targets over them, and one
 * fuzz run (see image.h). Built into the libFuzzer harness, the capture tool
 * and (by #include) the regression test tests/unit_fuzz_replay.c. */
#include "image.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/base/model.h"
#include "core/report/report.h"

static const char img_magic[8] = { 'K', 'D', 'L', 'I', 'M', 'G', '1', '\n' };

/* ---------------------------------------------------------------- file */

static bool gz_read(gzFile f, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		unsigned chunk = len > (1u << 30) ? 1u << 30 : (unsigned)len;
		int n = gzread(f, p, chunk);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

void kdl_fuzz_image_destroy(struct kdl_fuzz_image *img)
{
	if (!img)
		return;
	free(img->regs);
	free(img->regs_valid);
	free(img->addr);
	free(img->len);
	free(img->data);
	free(img->blob);
	free(img);
}

struct kdl_error *kdl_fuzz_image_load(const char *path, struct kdl_fuzz_image **out)
{
	struct kdl_fuzz_image *img = calloc(1, sizeof(*img));
	unsigned char hdr[8 + 8 + 4 + 4 + 64 + 96];
	size_t cap = 0, used = 0;
	gzFile f = gzopen(path, "rb");
	const char *why = "truncated";

	if (!img || !f) {
		free(img);
		if (f)
			gzclose(f);
		return kdl_error_create(KDL_ERR_INPUT, "%s: cannot open image", path);
	}
	if (!gz_read(f, hdr, sizeof(hdr)) || memcmp(hdr, img_magic, 8)) {
		why = "not a kdlview memory image";
		goto bad;
	}
	img->kaslr = get_le(hdr + 8, 8);
	img->ncpus = (int)get_le(hdr + 16, 4);
	img->nregions = get_le(hdr + 20, 4);
	memcpy(img->release, hdr + 24, sizeof(img->release));
	memcpy(img->build_id, hdr + 88, sizeof(img->build_id));
	img->release[sizeof(img->release) - 1] = '\0';
	img->build_id[sizeof(img->build_id) - 1] = '\0';
	if (img->ncpus < 0 || img->ncpus > 4096 || img->nregions > (1u << 20)) {
		why = "bad header";
		goto bad;
	}
	img->regs = calloc((size_t)img->ncpus + 1, sizeof(*img->regs));
	img->regs_valid = calloc((size_t)img->ncpus + 1, sizeof(*img->regs_valid));
	img->addr = calloc(img->nregions + 1, sizeof(*img->addr));
	img->len = calloc(img->nregions + 1, sizeof(*img->len));
	img->data = calloc(img->nregions + 1, sizeof(*img->data));
	if (!img->regs || !img->regs_valid || !img->addr || !img->len || !img->data) {
		why = "out of memory";
		goto bad;
	}
	for (int c = 0; c < img->ncpus; c++) {
		unsigned char r[4 + 21 * 8];
		uint64_t *regs = (uint64_t *)&img->regs[c];

		if (!gz_read(f, r, sizeof(r)))
			goto bad;
		img->regs_valid[c] = get_le(r, 4) != 0;
		for (int i = 0; i < 21; i++)
			regs[i] = get_le(r + 4 + 8 * i, 8);
	}
	/* two passes are not possible over a gzip stream: grow one blob and fix
	 * the data pointers up afterwards */
	for (size_t i = 0; i < img->nregions; i++) {
		unsigned char rh[12];

		if (!gz_read(f, rh, sizeof(rh)))
			goto bad;
		img->addr[i] = get_le(rh, 8);
		img->len[i] = (uint32_t)get_le(rh + 8, 4);
		if (!img->len[i] || img->len[i] > KDL_FUZZ_PAGE ||
		    (img->addr[i] & (KDL_FUZZ_PAGE - 1)) + img->len[i] > KDL_FUZZ_PAGE ||
		    (i && img->addr[i] < img->addr[i - 1] + img->len[i - 1])) {
			why = "bad region";
			goto bad;
		}
		if (used + img->len[i] > cap) {
			size_t ncap = cap ? cap * 2 : 1u << 20;
			unsigned char *nb = realloc(img->blob, ncap);

			if (!nb) {
				why = "out of memory";
				goto bad;
			}
			img->blob = nb;
			cap = ncap;
		}
		if (!gz_read(f, img->blob + used, img->len[i]))
			goto bad;
		img->data[i] = (unsigned char *)(uintptr_t)used;
		used += img->len[i];
	}
	for (size_t i = 0; i < img->nregions; i++)
		img->data[i] = img->blob + (uintptr_t)img->data[i];
	gzclose(f);
	*out = img;
	return NULL;
bad:
	gzclose(f);
	kdl_fuzz_image_destroy(img);
	return kdl_error_create(KDL_ERR_INPUT, "%s: %s", path, why);
}

struct kdl_error *kdl_fuzz_image_save(const struct kdl_fuzz_image *img, const char *path)
{
	unsigned char hdr[8 + 8 + 4 + 4 + 64 + 96] = { 0 };
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return kdl_error_create(KDL_ERR_IO, "%s: cannot create", path);
	memcpy(hdr, img_magic, 8);
	put_le(hdr + 8, img->kaslr, 8);
	put_le(hdr + 16, (uint64_t)img->ncpus, 4);
	put_le(hdr + 20, img->nregions, 4);
	memcpy(hdr + 24, img->release, strnlen(img->release, 63));
	memcpy(hdr + 88, img->build_id, strnlen(img->build_id, 95));
	ok = fwrite(hdr, sizeof(hdr), 1, f) == 1;
	for (int c = 0; ok && c < img->ncpus; c++) {
		unsigned char r[4 + 21 * 8];
		const uint64_t *regs = (const uint64_t *)&img->regs[c];

		put_le(r, img->regs_valid[c], 4);
		for (int i = 0; i < 21; i++)
			put_le(r + 4 + 8 * i, regs[i], 8);
		ok = fwrite(r, sizeof(r), 1, f) == 1;
	}
	for (size_t i = 0; ok && i < img->nregions; i++) {
		unsigned char rh[12];

		put_le(rh, img->addr[i], 8);
		put_le(rh + 8, img->len[i], 4);
		ok = fwrite(rh, sizeof(rh), 1, f) == 1 &&
		     fwrite(img->data[i], img->len[i], 1, f) == 1;
	}
	if (fclose(f) != 0 || !ok)
		return kdl_error_create(KDL_ERR_IO, "%s: write failed", path);
	return NULL;
}

/* The region holding addr given the readable lengths, or -1. */
static long region_at(const struct kdl_fuzz_image *img, const uint32_t *len, uint64_t addr)
{
	size_t lo = 0, hi = img->nregions;

	/* the last region starting at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->addr[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr - img->addr[lo - 1] >= len[lo - 1])
		return -1;
	return (long)(lo - 1);
}

long kdl_fuzz_image_find(const struct kdl_fuzz_image *img, uint64_t addr)
{
	return region_at(img, img->len, addr);
}

/* ---------------------------------------------------------------- target */

struct ftarget {
	const struct kdl_fuzz_image *img;
	unsigned char **page; /* patched copy of a region, or NULL */
	uint32_t *len;        /* readable length (0: dropped) */
};

static struct kdl_error *ft_read(void *priv, uint64_t addr, void *buf, size_t len)
{
	const struct ftarget *ft = priv;
	const struct kdl_fuzz_image *img = ft->img;
	unsigned char *dst = buf;

	while (len) {
		long i = region_at(img, ft->len, addr);
		size_t off, n;

		if (i < 0)
			return kdl_error_create(KDL_ERR_FAULT, "read at 0x%llx: not in the image",
						(unsigned long long)addr);
		off = (size_t)(addr - img->addr[i]);
		n = ft->len[i] - off < len ? ft->len[i] - off : len;
		memcpy(dst, (ft->page[i] ? ft->page[i] : img->data[i]) + off, n);
		dst += n;
		addr += n;
		len -= n;
	}
	return NULL;
}

static struct kdl_error *ft_read_phys(void *priv, uint64_t paddr, void *buf, size_t len)
{
	(void)priv;
	(void)buf;
	return kdl_error_create(KDL_ERR_FAULT, "read %zu bytes at physical 0x%llx: not in the image",
				len, (unsigned long long)paddr);
}

static void ft_destroy(void *priv)
{
	struct ftarget *ft = priv;

	if (!ft)
		return;
	for (size_t i = 0; i < ft->img->nregions; i++)
		free(ft->page[i]);
	free(ft->page);
	free(ft->len);
	free(ft);
}

static const struct kdl_target_ops ft_ops = {
	.read = ft_read,
	.read_phys = ft_read_phys,
	.destroy = ft_destroy,
};

/* A cursor over the input bytes. */
struct cur {
	const uint8_t *p;
	size_t left;
};

static bool take(struct cur *c, int n, uint64_t *v)
{
	if (c->left < (size_t)n)
		return false;
	*v = get_le(c->p, n);
	c->p += n;
	c->left -= (size_t)n;
	return true;
}

/* The writable copy of region i. */
static unsigned char *wpage(struct ftarget *ft, size_t i)
{
	if (!ft->page[i]) {
		ft->page[i] = malloc(KDL_FUZZ_PAGE);
		if (!ft->page[i])
			return NULL;
		memcpy(ft->page[i], ft->img->data[i], ft->img->len[i]);
	}
	return ft->page[i];
}

#define HOSTILE(s) { s, sizeof(s) - 1 }
static const struct {
	const char *s;
	size_t n;
} hostile[] = {
	HOSTILE("\x1b[2J\x1b[31mEVIL\x1b]0;X\x07"),  /* CSI/OSC escapes */
	HOSTILE("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
	HOSTILE("\x9b" "31m\x9b" "2J\x9d" "0;t\x07" "AAAA"), /* 8-bit C1 */
	HOSTILE("\xc2\x9b" "2J\xc0\xaf\xe2\x80\xae" "rtl\xf0\x9f\x98"), /* UTF-8 C1, overlong, RLO */
	HOSTILE("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),   /* no terminator */
	HOSTILE("\r\n\t\b\a\x7f\x1b" "c" "ok\x00zz\x1b["),
};

static void put_word(unsigned char *p, size_t room, uint64_t v, int n)
{
	if ((size_t)n <= room)
		put_le(p, v, n);
}

static void apply(struct ftarget *ft, struct cur *c)
{
	const struct kdl_fuzz_image *img = ft->img;
	uint64_t op, pg, off, kind, pg2, off2, v, n;
	unsigned char *p;
	size_t i, blen;

	while (take(c, 1, &op)) {
		op %= KDL_FUZZ_NOPS;
		if (!take(c, 2, &pg) || !img->nregions)
			return;
		i = pg % img->nregions;
		blen = img->len[i];
		switch (op) {
		case KDL_FUZZ_WRITE:
			if (!take(c, 2, &off) || !take(c, 1, &n))
				return;
			n = n % 32 + 1;
			if (c->left < n)
				return;
			off %= blen;
			if (n > blen - off)
				n = blen - off;
			if ((p = wpage(ft, i)))
				memcpy(p + off, c->p, n);
			c->p += n;
			c->left -= n;
			break;
		case KDL_FUZZ_PTR: {
			uint64_t a, old;
			size_t j;

			if (!take(c, 2, &off) || !take(c, 1, &kind) || !take(c, 2, &pg2) ||
			    !take(c, 2, &off2))
				return;
			off = (off % blen) & ~7ull;
			if (!(p = wpage(ft, i)) || blen - off < 8)
				break;
			a = img->addr[i] + off;
			old = get_le(p + off, 8);
			j = pg2 % img->nregions;
			switch (kind % 10) {
			case 0: v = 0; break;
			case 1: v = a; break;                                  /* points at itself */
			case 2: v = img->addr[j] + (off2 % img->len[j]); break; /* elsewhere in the image */
			case 3: v = a - 8; break;                              /* a two-word loop */
			case 4: v = 0xffff888000000000ull + (off2 << 12); break; /* unmapped */
			case 5: v = 0x00dead0000000000ull | off2; break;       /* non-canonical */
			case 6: v = 0xdead000000000100ull; break;              /* LIST_POISON1 */
			case 7: v = old ^ (1ull << (off2 % 64)); break;
			case 8: v = old | (off2 & 7); break;                   /* owner flag bits */
			default: v = old + 8 * (int64_t)(int16_t)off2; break;
			}
			put_le(p + off, v, 8);
			break;
		}
		case KDL_FUZZ_INT: {
			uint64_t old;
			int w;

			if (!take(c, 2, &off) || !take(c, 1, &kind) || !take(c, 4, &v))
				return;
			w = kind & 0x10 ? 8 : 4;
			off = (off % blen) & ~3ull;
			if (!(p = wpage(ft, i)) || blen - off < (size_t)w)
				break;
			old = get_le(p + off, w);
			switch (kind % 10) {
			case 0: v = 0; break;
			case 1: v = ~0ull; break;
			case 2: v = 0x7fffffff; break;
			case 3: break;
			case 4: v = old + 1; break;
			case 5: v = old - 1; break;
			case 6: v = 1ull << (v % 32); break;
			case 7: v = old ^ (1ull << (v % 32)); break;
			case 8: v = 0x80000000ull; break;
			default: v &= 0xfff; break;
			}
			put_word(p + off, blen - off, v, w);
			break;
		}
		case KDL_FUZZ_ZERO:
			if ((p = wpage(ft, i)))
				memset(p, 0, blen);
			break;
		case KDL_FUZZ_DROP:
			ft->len[i] = 0;
			break;
		case KDL_FUZZ_TRUNC:
			if (!take(c, 2, &n))
				return;
			n %= blen + 1;
			if (n < ft->len[i])
				ft->len[i] = (uint32_t)n;
			break;
		case KDL_FUZZ_STR:
			if (!take(c, 2, &off) || !take(c, 1, &kind))
				return;
			kind %= sizeof(hostile) / sizeof(hostile[0]);
			off %= blen;
			n = blen - off < hostile[kind].n ? blen - off : hostile[kind].n;
			if ((p = wpage(ft, i)))
				memcpy(p + off, hostile[kind].s, n);
			break;
		}
	}
}

struct kdl_error *kdl_fuzz_target(const struct kdl_fuzz_image *img, const uint8_t *input,
				  size_t size, struct kdl_target **out)
{
	struct ftarget *ft = calloc(1, sizeof(*ft));
	struct cur c = { input, size };

	if (ft) {
		ft->img = img;
		ft->page = calloc(img->nregions + 1, sizeof(*ft->page));
		ft->len = malloc((img->nregions + 1) * sizeof(*ft->len));
	}
	if (!ft || !ft->page || !ft->len) {
		if (ft) {
			free(ft->page);
			free(ft->len);
		}
		free(ft);
		return kdl_error_create(KDL_ERR_NOMEM, "fuzz target: out of memory");
	}
	memcpy(ft->len, img->len, img->nregions * sizeof(*ft->len));
	apply(ft, &c);
	return kdl_target_create(&ft_ops, ft, out);
}

/* ---------------------------------------------------------------- files */

unsigned char *kdl_fuzz_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t kdl_fuzz_list_dir(const char *dir, char **names, size_t max)
{
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char path[2048];

		if (e->d_name[0] == '.' || strstr(e->d_name, ".md"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		names[n] = strdup(path);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	return n;
}

struct kdl_error *kdl_fuzz_load_sample(const char *top, const char *sample_dir,
				       struct kdl_fuzz_image **img, struct kdl_debuginfo **di)
{
	char ipath[1024], vpath[1024];
	struct kdl_error *err;

	snprintf(ipath, sizeof(ipath), "%s/tests/fuzz/image/6.1-orc.img.gz", top ? top : ".");
	snprintf(vpath, sizeof(vpath), "%s/vmlinux", sample_dir);
	*img = NULL;
	*di = NULL;
	err = kdl_fuzz_image_load(ipath, img);
	if (!err)
		err = kdl_fuzz_open_debuginfo(*img, vpath, di);
	if (err) {
		kdl_fuzz_image_destroy(*img);
		*img = NULL;
	}
	return err;
}

/* ---------------------------------------------------------------- run */

static struct kdl_error *load_module_symbols(const struct kdl_fuzz_image *img,
					     struct kdl_debuginfo *di);

struct reached {
	bool tasks, locks;
};

static void on_progress(void *arg, const char *phase, size_t done, size_t total)
{
	struct reached *r = arg;

	(void)done;
	(void)total;
	if (!strcmp(phase, "tasks"))
		r->tasks = true;
	else if (!strcmp(phase, "locks"))
		r->locks = true;
}

/* Does a report carry a terminal control sequence? C0 controls other than
 * \n and \t, DEL, malformed UTF-8 and the C1 range are all refused. */
static long bad_byte(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char b = s[i];
		uint32_t cp;
		int k;

		if (b < 0x80) {
			if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7f)
				return (long)i;
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf) {
			k = 1;
			cp = b & 0x1f;
		} else if (b >= 0xe0 && b <= 0xef) {
			k = 2;
			cp = b & 0x0f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			k = 3;
			cp = b & 0x07;
		} else {
			return (long)i;
		}
		if (i + (size_t)k >= n)
			return (long)i;
		for (int j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return (long)i;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (cp < 0xa0)
			return (long)i;
		i += (size_t)k + 1;
	}
	return -1;
}

void kdl_fuzz_check_reports(struct kdl_analysis *an)
{
	static const enum kdl_report_format fmts[] = { KDL_REPORT_TEXT, KDL_REPORT_MD,
						       KDL_REPORT_JSON, KDL_REPORT_DOT };

	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		struct kdl_report_options ro = { .format = fmts[f], .pid = -1 };
		struct kdl_report_source rs;
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		long bad;

		if (!out)
			return;
		kdl_analysis_report_source(an, &rs);
		kdl_error_destroy(kdl_report_write(&rs, &ro, out));
		fclose(out);
		bad = bad_byte((const unsigned char *)buf, len);
		if (bad >= 0) {
			long from = bad > 60 ? bad - 60 : 0;

			fprintf(stderr, "kdl_fuzz: report format %zu carries byte 0x%02x at %ld: "
				"unsanitised dump string near \"%.*s\"\n", f,
				(unsigned char)buf[bad], bad, (int)(bad - from), buf + from);
			abort();
		}
		free(buf);
	}
}

struct kdl_error *kdl_fuzz_open(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di,
			       const uint8_t *input, size_t size, struct kdl_fuzz_stats *st,
			       struct kdl_analysis **out)
{
	struct reached r = { false, false };
	struct kdl_image_info ii = {
		.ncpus = img->ncpus,
		.regs = img->regs,
		.regs_valid = img->regs_valid,
		.format = "image",
		.module_symbols = KDL_IMG_MODSYMS_SKIP,
	};
	struct kdl_open_options oo = { .progress = on_progress, .progress_arg = &r };
	struct kdl_target *t = NULL;
	struct kdl_error *err;

	st->executed++;
	if (size % 64 == 63) {
		kdl_debuginfo_drop_module_symbols(di);
		ii.module_symbols = KDL_IMG_MODSYMS_DROP;
	}
	err = kdl_fuzz_target(img, input, size, &t);
	if (!err)
		err = kdl_analysis_open_target(t, di, &ii, &oo, out);
	st->reached_tasks += r.tasks;
	st->reached_locks += r.locks;
	if (err) {
		st->rejected++;
	} else {
		st->opened++;
		st->partial += kdl_analysis_model(*out)->dump.partial;
	}
	return err;
}

void kdl_fuzz_close(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di,
		    const uint8_t *input, size_t size, struct kdl_analysis *an)
{
	(void)input;
	kdl_analysis_destroy(an);
	/* one input in 64 also read the module symbols from the damaged image:
	 * put the clean ones back */
	if (size % 64 == 63)
		kdl_error_destroy(load_module_symbols(img, di));
}

void kdl_fuzz_run_one(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di,
		      const uint8_t *input, size_t size, struct kdl_fuzz_stats *st)
{
	struct kdl_analysis *an = NULL;
	struct kdl_error *err = kdl_fuzz_open(img, di, input, size, st, &an);

	if (err) {
		kdl_error_destroy(err);
	} else {
		/* one input in 4: every task's stack too, as --all and the TUI do */
		if (size % 4 == 1) {
			const struct kdl_model *m = kdl_analysis_model(an);

			for (size_t i = 0; i < m->ntasks; i++)
				kdl_error_destroy(kdl_analysis_resolve_lines(an, (int)i, -1));
		}
		kdl_fuzz_check_reports(an);
	}
	kdl_fuzz_close(img, di, input, size, an);
}

/* Read the module symbols of the clean image into di, for good. */
static struct kdl_error *load_module_symbols(const struct kdl_fuzz_image *img,
					     struct kdl_debuginfo *di)
{
	struct kdl_image_info ii = { img->ncpus, img->regs, img->regs_valid, "image",
				     KDL_IMG_MODSYMS_KEEP };
	struct kdl_open_options oo = { 0 };
	struct kdl_analysis *an;
	struct kdl_target *t;
	struct kdl_error *err = kdl_fuzz_target(img, NULL, 0, &t);

	if (!err)
		err = kdl_analysis_open_target(t, di, &ii, &oo, &an);
	if (!err)
		kdl_analysis_destroy(an);
	return err;
}

struct kdl_error *kdl_fuzz_open_debuginfo(const struct kdl_fuzz_image *img, const char *vmlinux,
					  struct kdl_debuginfo **out)
{
	struct kdl_debuginfo *di;
	struct kdl_error *err = kdl_debuginfo_open(vmlinux, &di);
	const char *bid;

	if (err)
		return err;
	bid = kdl_debuginfo_build_id(di);
	if (img->build_id[0] && bid && strcmp(bid, img->build_id)) {
		err = kdl_error_create(KDL_ERR_VMLINUX, "%s: build-id %s, the image was captured "
				       "with %s", vmlinux, bid, img->build_id);
		kdl_debuginfo_destroy(di);
		return err;
	}
	kdl_debuginfo_set_kaslr(di, img->kaslr);
	err = load_module_symbols(img, di);
	if (err) {
		kdl_debuginfo_destroy(di);
		return kdl_error_wrap(err, "the clean image does not analyse");
	}
	*out = di;
	return NULL;
}
