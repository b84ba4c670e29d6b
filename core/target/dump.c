/* core/target/dump.c - the public API of core/target/dump.h and its dispatch:
 * the format of a file is chosen by its first bytes from the table below
 * (each format is one file, see dump_priv.h), every read goes through one
 * page cache in front of the format's reader, and the dump's target reads
 * kernel virtual memory through it. Also VMCOREINFO's lines and the
 * accessors of what the format's open found.
 */
#include "core/target/dump_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The formats known by their first bytes; a file none claims goes to
 * libkdumpfile in case it knows it. */
static const struct kdl_dump_format_ops *const formats[] = {
	&kdl_dump_format_flat,
	&kdl_dump_format_elf,
	&kdl_dump_format_kdump,
};

/* Kinds of page in the page cache (tags are page | kind). */
#define PC_VIRT 1
#define PC_PHYS 3

static const struct kdl_dump_format_ops *claim(const unsigned char *hdr,
					       enum kdl_dump_claim *how)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		*how = formats[i]->probe(hdr);
		if (*how != KDL_CLAIM_NO)
			return formats[i];
	}
	*how = KDL_CLAIM_NO;
	return &kdl_dump_format_kdumpfile;
}

bool kdl_dump_probe(const char *path)
{
	unsigned char hdr[KDL_DUMP_HDR];
	enum kdl_dump_claim how;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = kdl_pread_full(fd, hdr, sizeof(hdr), 0);
	close(fd);
	if (!ok)
		return false;
	claim(hdr, &how);
	return how == KDL_CLAIM_DUMP;
}

bool kdl_dump_truncated(const struct kdl_dump *d)
{
	return d->truncated;
}

size_t kdl_dump_damaged_pages(const struct kdl_dump *d)
{
	return d->damaged_pages;
}

static const char *line_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');

		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

const char *kdl_dump_vmcoreinfo(const struct kdl_dump *d, const char *key)
{
	/* d->lines holds the lines with '\n' replaced by '\0' and a final "\0\0";
	 * search it entry by entry. */
	size_t klen = strlen(key);

	if (!d->lines)
		return NULL;
	for (const char *p = d->lines; *p; p += strlen(p) + 1)
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
	return NULL;
}

void kdl_dump_set_vmcoreinfo(struct kdl_dump *d, const char *raw)
{
	const char *v;
	/* bounded copy: VMCOREINFO is at most a page or two */
	size_t n = strnlen(raw, 64 * 1024);

	d->vmcoreinfo = strndup(raw, n);
	if (!d->vmcoreinfo)
		return;
	d->lines = malloc(n + 2);
	if (d->lines) {
		size_t w = 0;

		memcpy(d->lines, d->vmcoreinfo, n);
		d->lines[n] = d->lines[n + 1] = '\0';
		for (size_t i = 0; i < n; i++)
			if (d->lines[i] == '\n')
				d->lines[i] = '\0';
		/* collapse empty entries so that "\0\0" only ends the list */
		for (size_t r = 0; r < n; r++) {
			if (d->lines[r] == '\0' && (w == 0 || d->lines[w - 1] == '\0'))
				continue;
			d->lines[w++] = d->lines[r];
		}
		if (w && d->lines[w - 1] != '\0')
			d->lines[w++] = '\0';
		d->lines[w] = '\0';
	}
	v = line_value(d->vmcoreinfo, "BUILD-ID");
	if (v)
		d->build_id = strndup(v, strcspn(v, "\n"));
	v = line_value(d->vmcoreinfo, "OSRELEASE");
	if (v)
		d->release = strndup(v, strcspn(v, "\n"));
}

struct kdl_error *kdl_dump_cut(struct kdl_dump *d, const char *what, uint64_t end,
			       uint64_t size)
{
	d->truncated = true;
	return kdl_error_create(KDL_ERR_INPUT, "%s: %s at byte %llu, %s at %llu", d->path, what,
				(unsigned long long)end,
				d->reassembled ? "the reassembled file" : "the file",
				(unsigned long long)size);
}

/* ---- reads: the page cache in front of the format's reader */

static struct kdl_error *read_virt_uncached(struct kdl_dump *d, uint64_t addr, void *buf,
					    size_t len)
{
	if (!d->pgwalk)
		return d->fmt->read_virt(d, addr, buf, len);
	return kdl_pgt_read(d, addr, buf, len);
}

static struct kdl_error *read_uncached(struct kdl_dump *d, uint64_t addr, void *buf,
				       size_t len, uint64_t kind)
{
	return kind == PC_PHYS ? d->fmt->read_phys(d, addr, buf, len)
			       : read_virt_uncached(d, addr, buf, len);
}

/* A whole page by the format's faster path (kdump: dump_kdump.c); virtual
 * pages are translated with our page-table walk from VMCOREINFO's
 * init_top_pgt (or the CR3 of the notes). False: read it the usual way. */
static bool fast_page(struct kdl_dump *d, uint64_t page, uint64_t kind, void *out)
{
	uint64_t pa;
	struct kdl_error *err;

	if (!d->has_pages)
		return false;
	if (kind == PC_VIRT) {
		if (!(d->pgwalk ? d->root_pgt : d->vmcoreinfo_root))
			return false;
		err = kdl_pgt_translate(d, page, &pa);
		if (err) {
			kdl_error_destroy(err);
			return false;
		}
		page = pa & ~0xfffull;
	}
	return d->fmt->read_page(d, page >> 12, out);
}

static bool page_cache_init(struct kdl_dump *d)
{
	void *m = mmap(NULL, (size_t)KDL_PAGE_CACHE << 12, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	d->pc_b = calloc(KDL_PC_BUCKETS, sizeof(*d->pc_b));
	d->pc_owner = malloc(KDL_PAGE_CACHE * sizeof(*d->pc_owner));
	d->pc_data = m == MAP_FAILED ? NULL : m;
	if (!d->pc_b || !d->pc_owner || !d->pc_data) {
		free(d->pc_b);
		free(d->pc_owner);
		if (d->pc_data)
			munmap(d->pc_data, (size_t)KDL_PAGE_CACHE << 12);
		d->pc_b = NULL;
		d->pc_owner = NULL;
		d->pc_data = NULL;
		return false;
	}
#ifdef MADV_HUGEPAGE
	madvise(d->pc_data, (size_t)KDL_PAGE_CACHE << 12, MADV_HUGEPAGE);
#endif
	return true;
}

/* The cached copy of one page, or NULL when the whole page cannot be read
 * (the caller then reads just what it needs and gets the exact error). */
static const unsigned char *cached_page(struct kdl_dump *d, uint64_t page, uint64_t kind)
{
	size_t i = (size_t)(((page >> 12) * 0x9e3779b97f4a7c15ull) >> (64 - KDL_PC_BUCKET_BITS));
	unsigned char tmp[0x1000], *slot;
	struct kdl_pc_bucket *b;
	struct kdl_error *err;
	size_t s;

	if (!d->pc_b && !page_cache_init(d))
		return NULL;
	b = &d->pc_b[i];
	if (b->tag == (page | kind))
		return d->pc_data + ((size_t)b->slot << 12);
	/* read first: a page-table walk below may itself use the cache */
	if (!fast_page(d, page, kind, tmp)) {
		err = read_uncached(d, page, tmp, sizeof(tmp), kind);
		if (err) {
			kdl_error_destroy(err);
			return NULL;
		}
	}
	if (b->tag) {
		s = (size_t)b->slot;                    /* replaces the bucket's page */
	} else if (d->pc_used < KDL_PAGE_CACHE) {
		s = d->pc_used++;
	} else {
		s = d->pc_hand;                         /* full: evict round robin */
		d->pc_hand = (d->pc_hand + 1) % KDL_PAGE_CACHE;
		d->pc_b[d->pc_owner[s]].tag = 0;
	}
	b->tag = page | kind;
	b->slot = (int32_t)s;
	d->pc_owner[s] = (int32_t)i;
	slot = d->pc_data + (s << 12);
	memcpy(slot, tmp, sizeof(tmp));
	return slot;
}

static struct kdl_error *cached_read(struct kdl_dump *d, uint64_t addr, void *buf, size_t len,
				     uint64_t kind)
{
	unsigned char *p = buf;

	while (len) {
		size_t off = addr & 0xfff, n = 0x1000 - off;
		const unsigned char *pg = cached_page(d, addr - off, kind);

		if (n > len)
			n = len;
		if (!pg)
			return read_uncached(d, addr, p, len, kind);
		memcpy(p, pg + off, n);
		p += n;
		addr += n;
		len -= n;
	}
	return NULL;
}

struct kdl_error *kdl_dump_read_phys(struct kdl_dump *d, uint64_t paddr, void *buf, size_t len)
{
	return cached_read(d, paddr, buf, len, PC_PHYS);
}

struct kdl_error *kdl_dump_read_virt(struct kdl_dump *d, uint64_t vaddr, void *buf, size_t len)
{
	return cached_read(d, vaddr, buf, len, PC_VIRT);
}

static struct kdl_error *target_read(void *priv, uint64_t addr, void *buf, size_t len)
{
	return kdl_dump_read_virt(priv, addr, buf, len);
}

static struct kdl_error *target_read_phys(void *priv, uint64_t paddr, void *buf, size_t len)
{
	return kdl_dump_read_phys(priv, paddr, buf, len);
}

/* The target does not own the dump: the dump owns the target. */
static const struct kdl_target_ops dump_target_ops = {
	.read = target_read,
	.read_phys = target_read_phys,
	.destroy = NULL,
};

/* ---- open and destroy */

struct kdl_error *kdl_dump_open(const char *path, const char *arch, struct kdl_dump **out)
{
	struct kdl_dump *d;
	struct kdl_error *err = NULL;
	unsigned char hdr[KDL_DUMP_HDR];
	enum kdl_dump_claim how;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kdl_error_create(KDL_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return kdl_error_create(KDL_ERR_INPUT, "%s: is a directory, not a crash dump", path);
	}
	if (!kdl_pread_full(fd, hdr, sizeof(hdr), 0)) {
		close(fd);
		return kdl_error_create(KDL_ERR_INPUT, "%s: not a crash dump (file too short or "
					"unreadable)", path);
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
	}
	d->fd = fd;
	d->path = strdup(path);
	if (!d->path) {
		err = kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	d->fmt = claim(hdr, &how);
	err = d->fmt->open(d, hdr, arch);
	if (err)
		goto fail;
	if (!d->fmt->read_virt)
		d->pgwalk = true;
	if (d->pgwalk && !kdl_pgt_root_from_cpus(d)) {
		err = kdl_error_create(KDL_ERR_INPUT, "%s: no VMCOREINFO and no CR3 in the CPU "
				       "notes: cannot translate kernel addresses", path);
		goto fail;
	}
	err = kdl_target_create(&dump_target_ops, d, &d->target);
	if (err)
		goto fail;
	*out = d;
	return NULL;
fail:
	if (d->truncated && err->code == KDL_ERR_INPUT) {
		/* "<path>: truncated dump: <what failed>" */
		size_t n = strlen(path);

		if (!strncmp(err->msg, path, n) && !strncmp(err->msg + n, ": ", 2)) {
			char rest[sizeof(err->msg)];

			snprintf(rest, sizeof(rest), "%s", err->msg + n + 2);
			snprintf(err->msg, sizeof(err->msg), "%s: truncated dump: %.300s", path, rest);
		} else {
			err = kdl_error_wrap(err, "truncated dump");
		}
	}
	kdl_dump_destroy(d);
	return err;
}

void kdl_dump_destroy(struct kdl_dump *d)
{
	if (!d)
		return;
	kdl_target_destroy(d->target);
	if (d->fmt)
		d->fmt->close(d);
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	free(d->release);
	free(d->vmcoreinfo);
	free(d->lines);
	free(d->build_id);
	free(d->cpus);
	free(d->pc_b);
	free(d->pc_owner);
	if (d->pc_data)
		munmap(d->pc_data, (size_t)KDL_PAGE_CACHE << 12);
	free(d);
}

/* ---- accessors */

struct kdl_target *kdl_dump_target(struct kdl_dump *d)
{
	return d->target;
}

const char *kdl_dump_format(const struct kdl_dump *d)
{
	return d->format;
}

const char *kdl_dump_release(const struct kdl_dump *d)
{
	return d->release;
}

const char *kdl_dump_build_id(const struct kdl_dump *d)
{
	return d->build_id;
}

bool kdl_dump_has_vmcoreinfo(const struct kdl_dump *d)
{
	return d->vmcoreinfo != NULL;
}

int kdl_dump_cpus(const struct kdl_dump *d)
{
	return d->ncpus;
}

bool kdl_dump_cpu_regs(const struct kdl_dump *d, int cpu, struct kdl_regs *regs, int *pid)
{
	if (cpu < 0 || cpu >= d->ncpus || !d->cpus[cpu].regs_valid)
		return false;
	*regs = d->cpus[cpu].regs;
	if (pid)
		*pid = d->cpus[cpu].pid;
	return true;
}

bool kdl_dump_cpu_gs_base(const struct kdl_dump *d, int cpu, uint64_t *gs_base)
{
	if (cpu < 0 || cpu >= d->ncpus || !d->cpus[cpu].has_gs_base)
		return false;
	*gs_base = d->cpus[cpu].gs_base;
	return true;
}

bool kdl_dump_cpu_cr3(const struct kdl_dump *d, int cpu, uint64_t *cr3)
{
	if (cpu < 0 || cpu >= d->ncpus || !d->cpus[cpu].has_cr3)
		return false;
	*cr3 = d->cpus[cpu].cr3;
	return true;
}
