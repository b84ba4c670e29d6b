/* core/target/dump_repair.c - the page-descriptor table of a kdump-compressed
 * file: reading it (for the truncation check and the repair) and repairing
 * descriptors that would make libkdumpfile overrun its buffers (API and why:
 * dump_priv.h); also kdl_pread_full(), the one full pread of core/target/.
 *
 * Layout (makedumpfile's diskdump format): a header block, sub_hdr_size
 * blocks of sub-header, bitmap_blocks blocks of two bitmaps, then one 24-byte
 * descriptor per dumped page {u64 offset, u32 size, u32 flags, u64 page
 * flags}; the first descriptor's offset is where the page data begins.
 */
#include "core/target/dump_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DESC_SIZE 24
#define DESC_ZLIB 0x1u /* DUMP_DH_COMPRESSED_ZLIB */

bool kdl_pread_full(int fd, void *buf, size_t len, off_t off)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return true;
}

enum kdl_kdump_descs_status kdl_kdump_read_descs(int fd, struct kdl_kdump_descs *out)
{
	unsigned char h[448];
	uint64_t start, first, n;
	int32_t bs, sub;
	uint32_t bm;
	struct stat st;
	unsigned char *tab;

	if (fstat(fd, &st) != 0 || !kdl_pread_full(fd, h, sizeof(h), 0) ||
	    (memcmp(h, "KDUMP   ", 8) && memcmp(h, "DISKDUMP", 8)))
		return KDL_DESCS_NONE;
	memcpy(&bs, h + 428, 4);
	memcpy(&sub, h + 432, 4);
	memcpy(&bm, h + 436, 4);
	if (bs < 512 || bs > (1 << 20) || sub < 0 || sub > (1 << 20) || bm > (1u << 24))
		return KDL_DESCS_NONE;
	start = (1ull + (uint64_t)sub + bm) * (uint64_t)bs;
	if (start + DESC_SIZE > (uint64_t)st.st_size || !kdl_pread_full(fd, h, 8, (off_t)start))
		return KDL_DESCS_SHORT;
	memcpy(&first, h, 8);
	if (first > (uint64_t)st.st_size)
		return KDL_DESCS_SHORT;
	if (first <= start)
		return KDL_DESCS_NONE;
	n = (first - start) / DESC_SIZE;
	if (n == 0 || n > (1ull << 28))
		return KDL_DESCS_NONE;
	tab = malloc(n * DESC_SIZE);
	if (!tab)
		return KDL_DESCS_NOMEM;
	if (!kdl_pread_full(fd, tab, n * DESC_SIZE, (off_t)start)) {
		free(tab);
		return KDL_DESCS_SHORT;
	}
	out->tab = tab;
	out->n = n;
	out->start = start;
	out->file_size = (uint64_t)st.st_size;
	out->block_size = (uint32_t)bs;
	return KDL_DESCS_OK;
}

static bool pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return true;
}

static bool bad_desc(const unsigned char *d, uint32_t bs)
{
	uint32_t size;

	/* more than a block overruns libkdumpfile's page buffer (size 0 is
	 * makedumpfile's own marker and read fine) */
	memcpy(&size, d + 8, 4);
	return size > bs;
}

/* An unlinked copy of fd in $TMPDIR. */
static int copy_file(int fd, uint64_t size)
{
	const char *tmpdir = getenv("TMPDIR");
	char tmpl[4096];
	off_t in = 0, out = 0;
	int tfd;

	snprintf(tmpl, sizeof(tmpl), "%s/kdlview-repair-XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	tfd = mkstemp(tmpl);
	if (tfd < 0)
		return -1;
	unlink(tmpl);
	while ((uint64_t)out < size) {
		ssize_t n = copy_file_range(fd, &in, tfd, &out, (size_t)(size - (uint64_t)out), 0);

		if (n <= 0) {
			/* another file system or an old kernel: copy by hand */
			unsigned char buf[1 << 16];

			n = pread(fd, buf, sizeof(buf), in);
			if (n <= 0 || !pwrite_all(tfd, buf, (size_t)n, out)) {
				close(tfd);
				return -1;
			}
			in += n;
			out += n;
		}
	}
	return tfd;
}

struct kdl_error *kdl_kdump_repair(const char *path, int fd, int *out_fd, size_t *nbad)
{
	struct kdl_kdump_descs descs;
	unsigned char *tab;
	uint64_t start, n, bad = 0;
	uint32_t bs;
	int tfd;

	*out_fd = -1;
	*nbad = 0;
	switch (kdl_kdump_read_descs(fd, &descs)) {
	case KDL_DESCS_OK:
		break;
	case KDL_DESCS_NOMEM:
		return kdl_error_create(KDL_ERR_NOMEM, "%s: page descriptors: out of memory", path);
	default:
		return NULL; /* the caller's open reports what is wrong */
	}
	tab = descs.tab;
	n = descs.n;
	start = descs.start;
	bs = descs.block_size;
	if (bs > 65536) {
		free(tab);
		return NULL;
	}
	for (uint64_t i = 0; i < n; i++)
		bad += bad_desc(tab + i * DESC_SIZE, bs);
	if (!bad) {
		free(tab);
		return NULL;
	}
	tfd = copy_file(fd, descs.file_size);
	if (tfd < 0) {
		free(tab);
		return kdl_error_create(KDL_ERR_INPUT, "%s: %llu damaged page descriptors and no "
					"private copy to repair them: %s", path,
					(unsigned long long)bad, strerror(errno));
	}
	for (uint64_t i = 0; i < n; i++) {
		unsigned char *d = tab + i * DESC_SIZE;
		uint32_t size = DESC_SIZE, flags = DESC_ZLIB;

		if (!bad_desc(d, bs))
			continue;
		/* "zlib data" that is the descriptor table itself: it fails to
		 * decompress, so the page reads as unreadable */
		memcpy(d, &start, 8);
		memcpy(d + 8, &size, 4);
		memcpy(d + 12, &flags, 4);
	}
	if (!pwrite_all(tfd, tab, n * DESC_SIZE, (off_t)start)) {
		free(tab);
		close(tfd);
		return kdl_error_create(KDL_ERR_INPUT, "%s: cannot write the repaired copy: %s",
					path, strerror(errno));
	}
	free(tab);
	*out_fd = tfd;
	*nbad = (size_t)bad;
	return NULL;
}
