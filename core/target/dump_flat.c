/* core/target/dump_flat.c - the format "flattened": QEMU's (and makedumpfile
 * -F's) flattened kdump output, which libkdumpfile 0.5.1 refuses. Its records
 * are written back in place into an unlinked temporary file, which is then
 * read as the format "kdump" (dump_kdump.c) and named "<format>-flattened".
 */
#include "core/target/dump_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char flat_sig[16] = "makedumpfile";

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static enum kdl_dump_claim flat_probe(const unsigned char *hdr)
{
	return !memcmp(hdr, flat_sig, sizeof(flat_sig)) ? KDL_CLAIM_DUMP : KDL_CLAIM_NO;
}

/* A 4 KiB header, then records of (be64 offset, be64 size, data), ended by
 * offset == size == -1. Write each record at its offset in an unlinked
 * temporary file and return that file's descriptor; *truncated when the
 * records are cut off (what came before is kept). */
static struct kdl_error *unflatten(const char *path, int fd, int *out_fd, bool *truncated)
{
	const char *tmpdir = getenv("TMPDIR");
	char tmpl[4096];
	unsigned char rec[16];
	off_t pos = 4096;
	size_t cap = 1 << 20;
	unsigned char *buf;
	int tfd;

	snprintf(tmpl, sizeof(tmpl), "%s/kdlview-flat-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	tfd = mkstemp(tmpl);
	if (tfd < 0)
		return kdl_error_create(KDL_ERR_INPUT, "%s: cannot create temporary file to "
					"reassemble flattened dump: %s", path, strerror(errno));
	unlink(tmpl);
	buf = malloc(cap);
	if (!buf) {
		close(tfd);
		return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
	}
	for (;;) {
		uint64_t off, size;

		if (!kdl_pread_full(fd, rec, sizeof(rec), pos)) {
			*truncated = true; /* keep what we have */
			break;
		}
		off = be64(rec);
		size = be64(rec + 8);
		if (off == UINT64_MAX)
			break;
		if (off >= (1ull << 50) || size >= (1ull << 40))
			break; /* corrupt record header */
		pos += 16;
		while (size) {
			size_t n = size < cap ? (size_t)size : cap;

			if (!kdl_pread_full(fd, buf, n, pos)) {
				*truncated = true;
				goto done;
			}
			if (pwrite(tfd, buf, n, (off_t)off) != (ssize_t)n) {
				int e = errno;

				free(buf);
				close(tfd);
				return kdl_error_create(KDL_ERR_INPUT, "%s: writing reassembled "
							"flattened dump failed: %s", path, strerror(e));
			}
			pos += (off_t)n;
			off += n;
			size -= n;
		}
	}
done:
	free(buf);
	*out_fd = tfd;
	return NULL;
}

static struct kdl_error *flat_open(struct kdl_dump *d, const unsigned char *hdr, const char *arch)
{
	struct kdl_error *err;
	bool cut = false;
	size_t n;
	int tfd = -1;

	(void)hdr;
	err = unflatten(d->path, d->fd, &tfd, &cut);
	close(d->fd);
	d->fd = tfd;
	if (err)
		return err;
	d->reassembled = true;
	/* the reassembled file is kdump-compressed (or, who knows, ELF) */
	d->truncated = cut || kdl_kdump_truncated(d->fd);
	err = kdl_elf_check_size(d);
	if (err)
		return err;
	err = kdl_kdump_open_fd(d, arch);
	if (err)
		return err;
	n = strlen(d->format);
	snprintf(d->format + n, sizeof(d->format) - n, "-flattened");
	if (d->ncpus)
		kdl_elf_qemu_notes(d);
	return NULL;
}

const struct kdl_dump_format_ops kdl_dump_format_flat = {
	.name = "flattened",
	.probe = flat_probe,
	.open = flat_open,
	.read_phys = kdl_kdf_read_phys,
	.read_virt = kdl_kdf_read_virt,
	.read_page = kdl_kdump_read_page,
	.close = kdl_kdump_close,
};
