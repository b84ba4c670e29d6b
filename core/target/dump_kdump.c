/* core/target/dump_kdump.c - the format "kdump": kdump-compressed files
 * (makedumpfile's diskdump format, also QEMU's), read through libkdumpfile
 * (dump_kdumpfile.c) after the checks it lacks - a sane header, truncation,
 * and page descriptors that would overrun its buffers (dump_repair.c) - plus
 * a direct reader of their pages (kdl_kdfast_*, see dump_priv.h for why).
 *
 * Layout: the header block, sub_hdr_size blocks of sub-header, bitmap_blocks
 * blocks of two bitmaps (the second marks the pages in the file), then one
 * 24-byte descriptor per page in the file, in pfn order, then the page data. */
#include "core/target/dump_priv.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define PAGE 4096u
#define DESC_SIZE 24u
#define F_ZLIB 0x1u

/* libdeflate (about twice as fast as zlib, same checks) when the system has
 * it, loaded at run time: no build dependency; zlib otherwise. Its stable
 * ABI (libdeflate.so.0): */
struct deflate_api {
	void *(*alloc)(void);
	int (*zlib_decompress)(void *d, const void *in, size_t in_len, void *out, size_t out_len,
			       size_t *got);
	void (*free)(void *d);
};

static const struct deflate_api *deflate_api(void)
{
	static struct deflate_api api;
	static int state;           /* 0 not tried, 1 loaded, -1 absent */

	if (!state) {
		void *h = getenv("KDL_NO_LIBDEFLATE") ? NULL :
			  dlopen("libdeflate.so.0", RTLD_NOW | RTLD_LOCAL);

		state = -1;
		if (h) {
			*(void **)&api.alloc = dlsym(h, "libdeflate_alloc_decompressor");
			*(void **)&api.zlib_decompress = dlsym(h, "libdeflate_zlib_decompress");
			*(void **)&api.free = dlsym(h, "libdeflate_free_decompressor");
			if (api.alloc && api.zlib_decompress && api.free)
				state = 1;
		}
	}
	return state == 1 ? &api : NULL;
}

struct kdl_kdfast {
	const unsigned char *map;  /* the whole file, read-only */
	size_t size;
	const unsigned char *bitmap2;
	uint64_t nbits;            /* pfns covered by the bitmap */
	uint64_t desc_off;         /* file offset of the first descriptor */
	uint32_t *rank;            /* set bits before each 64-bit word; built on first read */
	bool rank_failed;
	const struct deflate_api *api;
	void *dd;                  /* libdeflate decompressor, NULL: zlib */
};

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

struct kdl_kdfast *kdl_kdfast_open(int fd)
{
	struct kdl_kdfast *f;
	struct stat st;
	const unsigned char *m;
	uint32_t bs, sub, bmb, ver;
	uint64_t nbits, bm_off, bm_len;
	void *p;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 2 * (off_t)PAGE)
		return NULL;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	m = p;
	ver = rd32(m + 8);
	bs = rd32(m + 428);
	sub = rd32(m + 432);
	bmb = rd32(m + 436);
	nbits = rd32(m + 440);
	/* block 1: the sub-header; version 6 has the 64-bit max_mapnr, and split
	 * dumps (one file of several) are left to libkdumpfile */
	if (memcmp(m, "KDUMP   ", 8) || bs != PAGE || ver < 1 || ver > 64 || sub == 0 ||
	    sub > 1024 || bmb == 0 || (uint64_t)(1 + sub) * bs + 104 > (uint64_t)st.st_size ||
	    rd32(m + bs + 12) != 0)
		goto no;
	if (ver >= 6)
		nbits = rd64(m + bs + 96);
	bm_off = (uint64_t)(1 + sub) * bs;
	bm_len = (uint64_t)bmb * bs;
	if (bm_off + bm_len > (uint64_t)st.st_size || bm_len % 16)
		goto no;
	if (nbits > bm_len / 2 * 8)
		nbits = bm_len / 2 * 8;
	f = calloc(1, sizeof(*f));
	if (!f)
		goto no;
	f->map = m;
	f->size = (size_t)st.st_size;
	f->bitmap2 = m + bm_off + bm_len / 2;
	f->nbits = nbits;
	f->desc_off = bm_off + bm_len;
	f->api = deflate_api();
	f->dd = f->api ? f->api->alloc() : NULL;
	return f;
no:
	munmap(p, (size_t)st.st_size);
	return NULL;
}

static bool build_rank(struct kdl_kdfast *f)
{
	uint64_t words = (f->nbits + 63) / 64, n = 0;

	f->rank = malloc((words + 1) * sizeof(*f->rank));
	if (!f->rank) {
		f->rank_failed = true;
		return false;
	}
	for (uint64_t w = 0; w < words; w++) {
		f->rank[w] = (uint32_t)n;
		n += (uint64_t)__builtin_popcountll(rd64(f->bitmap2 + 8 * w));
		if (n > UINT32_MAX) {
			free(f->rank);
			f->rank = NULL;
			f->rank_failed = true;
			return false;
		}
	}
	f->rank[words] = (uint32_t)n;
	return true;
}

bool kdl_kdfast_read(struct kdl_kdfast *f, uint64_t pfn, void *out)
{
	uint64_t word, bit, idx, off, at;
	uint32_t size, flags;
	const unsigned char *d;

	if (!f || pfn >= f->nbits)
		return false;
	if (!f->rank && (f->rank_failed || !build_rank(f)))
		return false;
	word = rd64(f->bitmap2 + 8 * (pfn / 64));
	bit = pfn % 64;
	if (!(word >> bit & 1))
		return false;
	idx = f->rank[pfn / 64] + (uint64_t)__builtin_popcountll(word & ((1ull << bit) - 1));
	at = f->desc_off + idx * DESC_SIZE;
	if (at + DESC_SIZE > f->size)
		return false;
	d = f->map + at;
	off = rd64(d);
	size = rd32(d + 8);
	flags = rd32(d + 12);
	if (off > f->size || size > f->size - off || size == 0)
		return false;
	if (flags == 0 && size == PAGE) {
		memcpy(out, f->map + off, PAGE);
		return true;
	}
	if (flags != F_ZLIB)
		return false;
	if (f->dd) {
		size_t got = 0;

		/* 0: LIBDEFLATE_SUCCESS */
		return f->api->zlib_decompress(f->dd, f->map + off, size, out, PAGE, &got) == 0 &&
		       got == PAGE;
	} else {
		uLongf got = PAGE;

		return uncompress(out, &got, f->map + off, size) == Z_OK && got == PAGE;
	}
}

void kdl_kdfast_close(struct kdl_kdfast *f)
{
	if (!f)
		return;
	if (f->dd)
		f->api->free(f->dd);
	free(f->rank);
	munmap((void *)f->map, f->size);
	free(f);
}

/* ---- the format */

static enum kdl_dump_claim kdump_probe(const unsigned char *hdr)
{
	return !memcmp(hdr, "KDUMP   ", 8) || !memcmp(hdr, "DISKDUMP", 8) ? KDL_CLAIM_DUMP
									     : KDL_CLAIM_NO;
}

/* Why a kdump-compressed header (its first 464 bytes) cannot be right, or
 * NULL. libkdumpfile 0.5.1 crashes in kdump_free() after it refused a header
 * ("Invalid diskdump header content"), so hostile headers are refused here
 * before it sees them. */
static const char *header_insane(const unsigned char *h)
{
	int32_t ver, bs, sub, ncpus;
	uint32_t bm, maxmap;

	memcpy(&ver, h + 8, 4);
	memcpy(&bs, h + 428, 4);
	memcpy(&sub, h + 432, 4);
	memcpy(&bm, h + 436, 4);
	memcpy(&maxmap, h + 440, 4);
	memcpy(&ncpus, h + 460, 4);
	if (ver < 1 || ver > 64)
		return "unsupported header version";
	if (bs < 512 || bs > 65536 || (bs & (bs - 1)))
		return "bad block size";
	if (sub < 0 || sub > (1 << 20) || bm == 0 || bm > (1u << 24))
		return "bad sub-header or bitmap size";
	/* each of the two bitmaps has a bit per page */
	if (maxmap > (uint64_t)(bm / 2) * (uint64_t)bs * 8)
		return "more pages than its bitmap covers";
	if (ncpus < 0 || ncpus > 8192)
		return "bad CPU count";
	return NULL;
}

/* The page descriptors (24 bytes: offset, size, flags, page_flags) follow
 * the header, sub-header and bitmaps; the data of the last page must end
 * inside the file. */
bool kdl_kdump_truncated(int fd)
{
	struct kdl_kdump_descs descs;
	uint64_t end = 0;

	switch (kdl_kdump_read_descs(fd, &descs)) {
	case KDL_DESCS_SHORT:
		return true;
	case KDL_DESCS_OK:
		break;
	default:
		return false;
	}
	for (uint64_t i = 0; i < descs.n; i++) {
		uint64_t off;
		uint32_t size;

		memcpy(&off, descs.tab + i * DESC_SIZE, 8);
		memcpy(&size, descs.tab + i * DESC_SIZE + 8, 4);
		if (off + size > end)
			end = off + size;
	}
	free(descs.tab);
	return end > descs.file_size;
}

/* Set bits in the `len` bytes at `off` of fd (the second bitmap: one
 * descriptor per bit), or UINT64_MAX when they cannot be read. */
static uint64_t count_bits(int fd, uint64_t off, uint64_t len)
{
	unsigned char buf[1 << 16];
	uint64_t n = 0;

	while (len) {
		size_t k = len < sizeof(buf) ? (size_t)len : sizeof(buf);

		if (!kdl_pread_full(fd, buf, k, (off_t)off))
			return UINT64_MAX;
		for (size_t i = 0; i < k; i++)
			n += (uint64_t)__builtin_popcount(buf[i]);
		off += k;
		len -= k;
	}
	return n;
}

/* What the kdump-compressed header kh (sane: header_insane) describes must
 * lie inside the file: libkdumpfile reads the sub-header, the notes,
 * VMCOREINFO and the bitmaps when it opens the file, and the descriptors of
 * the pages, through a map of the file; past its end that is a SIGBUS.
 * Each of them cut off leaves nothing to trust (the page data follows the
 * descriptors); only page data cut off is a partial dump. */
static struct kdl_error *kdump_check_size(struct kdl_dump *d, const unsigned char *kh)
{
	/* the 64-bit sub-header: its size and fields by header version */
	static const uint32_t sub_size[] = { 0, 0, 32, 48, 64, 80, 104 };
	unsigned char sh[104] = { 0 };
	int32_t ver, split = 0;
	uint32_t bs, sub, bm;
	uint64_t size, end, off, len, bm_off, nbits;
	struct stat st;

	if (fstat(d->fd, &st) != 0)
		return NULL;
	size = (uint64_t)st.st_size;
	memcpy(&ver, kh + 8, 4);
	bs = rd32(kh + 428);
	sub = rd32(kh + 432);
	bm = rd32(kh + 436);
	end = bs + (uint64_t)sub_size[ver < 6 ? ver : 6];
	if (end > size)
		return kdl_dump_cut(d, "its sub-header ends", end, size);
	if (ver >= 2 && !kdl_pread_full(d->fd, sh, sub_size[ver < 6 ? ver : 6], bs))
		return kdl_dump_cut(d, "its sub-header ends", end, size);
	memcpy(&split, sh + 12, 4);
	if (ver >= 4 && (len = rd64(sh + 56)) != 0) {
		off = rd64(sh + 48);
		if (off > size || len > size - off)
			return kdl_dump_cut(d, "its notes end", off + len, size);
	}
	if (ver >= 3 && (len = rd64(sh + 40)) != 0) {
		off = rd64(sh + 32);
		if (off > size || len > size - off)
			return kdl_dump_cut(d, "its VMCOREINFO ends", off + len, size);
	}
	bm_off = (1 + (uint64_t)sub) * bs;
	end = bm_off + (uint64_t)bm * bs;
	if (end > size)
		return kdl_dump_cut(d, "its page bitmaps end", end, size);
	/* one descriptor per bit of the second bitmap (a split dump's part
	 * holds only its own range: its descriptors are checked page by page) */
	if (ver >= 2 && split)
		return NULL;
	len = (uint64_t)bm * bs / 2;
	nbits = count_bits(d->fd, bm_off + len, len);
	if (nbits == UINT64_MAX)
		return kdl_dump_cut(d, "its page bitmaps end", end, size);
	if (end + nbits * DESC_SIZE > size)
		return kdl_dump_cut(d, "its page descriptors end", end + nbits * DESC_SIZE, size);
	return NULL;
}

struct kdl_error *kdl_kdump_open_fd(struct kdl_dump *d, const char *arch)
{
	unsigned char kh[464];
	bool got = kdl_pread_full(d->fd, kh, sizeof(kh), 0);
	bool kdump = got && kdump_probe(kh) == KDL_CLAIM_DUMP;
	const char *why = !got ? "header cut short" : kdump ? header_insane(kh) : NULL;
	struct kdl_error *err;
	int rfd = -1;

	if (!got)
		d->truncated = true;
	if (why)
		return kdl_error_create(KDL_ERR_INPUT, "%s: damaged kdump header: %s", d->path,
					why);
	if (kdump) {
		err = kdump_check_size(d, kh);
		if (err)
			return err;
	}
	/* descriptors that would overrun libkdumpfile's buffers */
	err = kdl_kdump_repair(d->path, d->fd, &rfd, &d->damaged_pages);
	if (err)
		return err;
	if (rfd >= 0) {
		close(d->fd);
		d->fd = rfd;
	}
	err = kdl_kdf_open(d, arch, true);
	if (err)
		return err;
	if (!strncmp(d->format, "kdump", 5)) {
		d->fast = kdl_kdfast_open(d->fd);
		if (d->fast) {
			d->has_pages = true;
			kdl_pgt_root_from_vmcoreinfo(d);
		}
	}
	return NULL;
}

static struct kdl_error *kdump_open(struct kdl_dump *d, const unsigned char *hdr,
				    const char *arch)
{
	(void)hdr;
	d->truncated = kdl_kdump_truncated(d->fd);
	return kdl_kdump_open_fd(d, arch);
}

bool kdl_kdump_read_page(struct kdl_dump *d, uint64_t pfn, void *out)
{
	return kdl_kdfast_read(d->fast, pfn, out);
}

void kdl_kdump_close(struct kdl_dump *d)
{
	kdl_kdfast_close(d->fast);
	d->fast = NULL;
	kdl_kdf_close(d);
}

const struct kdl_dump_format_ops kdl_dump_format_kdump = {
	.name = "kdump",
	.probe = kdump_probe,
	.open = kdump_open,
	.read_phys = kdl_kdf_read_phys,
	.read_virt = kdl_kdf_read_virt,
	.read_page = kdl_kdump_read_page,
	.close = kdl_kdump_close,
};
