/* core/target/dump.c - the libkdumpfile backend of core/target/target.h. */
#include "core/target/dump.h"
#include "core/target/dump_repair.h"
#include "core/target/dump_kdump.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CPUS 8192
#define XLAT_CACHE 1024
#define PTE_ADDR_MASK 0x000ffffffffff000ull

struct dump_cpu {
	struct kdl_regs regs;
	bool regs_valid;
	int pid;
	uint64_t cr3, gs_base;
	bool has_cr3, has_gs_base;
};

struct xlat_entry {
	uint64_t vpage; /* virtual page | 1 when valid */
	uint64_t ppage;
};

struct kdl_dump {
	char *path;
	int fd;
	kdump_ctx_t *ctx;
	bool diskdump;        /* kdump-compressed: ctx must not be kdump_free()d */
	size_t damaged_pages; /* page descriptors neutralised (dump_repair.h) */
	struct kdl_target *target;
	char format[32];
	char *release;
	char *vmcoreinfo;  /* raw text, NUL-terminated, or NULL */
	char *build_id;
	char *lines;       /* copy of vmcoreinfo split into key=value lines */
	bool truncated;
	bool pgwalk;       /* translate with our own page-table walk */
	uint64_t root_pgt; /* physical address of the PML4 for pgwalk */
	int ncpus;
	struct dump_cpu *cpus;
	struct xlat_entry xlat[XLAT_CACHE];
	struct pc_bucket *pc_b;     /* page cache index: PC_BUCKETS, direct-mapped */
	int32_t *pc_owner;          /* slot -> its bucket */
	unsigned char *pc_data;     /* PAGE_CACHE slots, mapped on first use */
	size_t pc_used, pc_hand;    /* slots handed out in order; then evicted round robin */
	struct kdl_kdfast *fast;    /* direct page reads of kdump files, or NULL */
	uint64_t fast_root;         /* PML4 from VMCOREINFO (init_top_pgt), 0 unknown */
};

struct pc_bucket {
	uint64_t tag;               /* page | PC_VIRT or PC_PHYS, 0 empty */
	int32_t slot;
};

/* Whole pages read once and kept: the analysis reads many small fields of the
 * same pages (task_structs, stacks, lock objects); each kdump_read() has a
 * fixed cost (libkdumpfile's cache lookup, and zlib when the page fell out of
 * it). 131072 pages = 512 MiB at most, filled in order (memory grows with
 * what is read; transparent huge pages spare a page fault per slot). */
#define PAGE_CACHE 131072
#define PC_BUCKET_BITS 18
#define PC_BUCKETS (1u << PC_BUCKET_BITS)  /* 2 * PAGE_CACHE */
#define PC_VIRT 1
#define PC_PHYS 3

static const char flat_sig[16] = "makedumpfile";

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

bool kdl_dump_probe(const char *path)
{
	unsigned char hdr[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = kdl_pread_full(fd, hdr, sizeof(hdr), 0);
	close(fd);
	if (!ok)
		return false;
	if (!memcmp(hdr, ELFMAG, SELFMAG))
		return ((Elf64_Ehdr *)(void *)hdr)->e_type == ET_CORE;
	return !memcmp(hdr, flat_sig, sizeof(flat_sig)) || !memcmp(hdr, "KDUMP   ", 8) ||
	       !memcmp(hdr, "DISKDUMP", 8);
}

/* QEMU's flattened format: a 4 KiB header, then records of (be64 offset,
 * be64 size, data), ended by offset == size == -1. Write each record at its
 * offset in an unlinked temporary file and return that file's descriptor. */
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

static bool elf_truncated(int fd)
{
	Elf64_Ehdr eh;
	struct stat st;
	uint64_t end = 0;

	if (fstat(fd, &st) != 0 || !kdl_pread_full(fd, &eh, sizeof(eh), 0) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		return false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (!kdl_pread_full(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))))
			return true;
		if (ph.p_offset + ph.p_filesz > end)
			end = ph.p_offset + ph.p_filesz;
	}
	return end > (uint64_t)st.st_size;
}

/* kdump-compressed: the page descriptors (24 bytes: offset, size, flags,
 * page_flags) follow the header, sub-header and bitmaps; the data of the last
 * page must end inside the file. */
/* Why a kdump-compressed header (its first 464 bytes) cannot be right, or
 * NULL. libkdumpfile 0.5.1 crashes in kdump_free() after it refused a header
 * ("Invalid diskdump header content"), so hostile headers are refused here
 * before it sees them. */
static const char *kdump_header_insane(const unsigned char *h)
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

static bool kdump_truncated(int fd)
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

		memcpy(&off, descs.tab + i * 24, 8);
		memcpy(&size, descs.tab + i * 24 + 8, 4);
		if (off + size > end)
			end = off + size;
	}
	free(descs.tab);
	return end > descs.file_size;
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

static struct kdl_error *kd_error(struct kdl_dump *d, kdump_status st, uint64_t addr,
				  size_t len, const char *what)
{
	enum kdl_errcode code = KDL_ERR_FAULT;
	const char *msg = kdump_get_err(d->ctx);

	/* makedumpfile leaves filtered pages out of kdump files: "no data"
	 * there means excluded, in an ELF dump it means not dumped. */
	if (st == KDUMP_ERR_NODATA && strncmp(d->format, "elf", 3) != 0)
		code = KDL_ERR_EXCLUDED;
	return kdl_error_create(code, "read %zu bytes at %s0x%llx: %s", len, what,
				(unsigned long long)addr,
				code == KDL_ERR_EXCLUDED ? "page excluded from the dump"
							 : (msg ? msg : "not in dump"));
}

static struct kdl_error *read_phys_direct(struct kdl_dump *d, uint64_t paddr, void *buf,
					  size_t len)
{
	size_t n = len;
	kdump_status st = kdump_read(d->ctx, KDUMP_MACHPHYSADDR, paddr, buf, &n);

	if (st == KDUMP_OK && n == len)
		return NULL;
	return kd_error(d, st == KDUMP_OK ? KDUMP_ERR_NODATA : st, paddr, len, "physical ");
}

/* x86_64 4-level page-table walk from root_pgt; caches page translations. */
static struct kdl_error *pgwalk(struct kdl_dump *d, uint64_t vaddr, uint64_t *paddr)
{
	uint64_t vpage = vaddr & ~0xfffull;
	struct xlat_entry *e = &d->xlat[(vpage >> 12) % XLAT_CACHE];
	uint64_t table = d->root_pgt ? d->root_pgt : d->fast_root, ent = 0;
	static const int shifts[4] = { 39, 30, 21, 12 };

	if (e->vpage == (vpage | 1)) {
		*paddr = e->ppage | (vaddr & 0xfff);
		return NULL;
	}
	for (int lvl = 0; lvl < 4; lvl++) {
		uint64_t idx = (vaddr >> shifts[lvl]) & 0x1ff;
		struct kdl_error *err = kdl_dump_read_phys(d, table + idx * 8, &ent, 8);

		if (err) {
			kdl_error_destroy(err);
			return kdl_error_create(KDL_ERR_FAULT, "translate 0x%llx: page table "
						"at 0x%llx not in dump", (unsigned long long)vaddr,
						(unsigned long long)table);
		}
		if (!(ent & 1))
			return kdl_error_create(KDL_ERR_FAULT, "translate 0x%llx: not mapped",
						(unsigned long long)vaddr);
		if ((lvl == 1 || lvl == 2) && (ent & 0x80)) {
			uint64_t mask = (1ull << shifts[lvl]) - 1;

			*paddr = ((ent & PTE_ADDR_MASK) & ~mask) | (vaddr & mask);
			e->vpage = vpage | 1;
			e->ppage = *paddr & ~0xfffull;
			return NULL;
		}
		table = ent & PTE_ADDR_MASK;
	}
	*paddr = table | (vaddr & 0xfff);
	e->vpage = vpage | 1;
	e->ppage = table;
	return NULL;
}

static struct kdl_error *dump_read_direct(struct kdl_dump *d, uint64_t addr, void *buf,
					  size_t len)
{
	unsigned char *p = buf;

	if (!d->pgwalk) {
		size_t n = len;
		kdump_status st = kdump_read(d->ctx, KDUMP_KVADDR, addr, buf, &n);

		if (st == KDUMP_OK && n == len)
			return NULL;
		return kd_error(d, st == KDUMP_OK ? KDUMP_ERR_NODATA : st, addr, len, "");
	}
	while (len) {
		uint64_t pa = 0;
		size_t n = 0x1000 - (addr & 0xfff);
		struct kdl_error *err = pgwalk(d, addr, &pa);

		if (err)
			return err;
		if (n > len)
			n = len;
		err = read_phys_direct(d, pa, p, n);
		if (err)
			return kdl_error_wrap(err, "read at 0x%llx", (unsigned long long)addr);
		p += n;
		addr += n;
		len -= n;
	}
	return NULL;
}

/* A whole page by the direct kdump reader (dump_kdump.h); virtual pages are
 * translated with our page-table walk from VMCOREINFO's init_top_pgt (or the
 * CR3 of the notes). False: read it through libkdumpfile. */
static bool fast_page(struct kdl_dump *d, uint64_t page, uint64_t kind, void *out)
{
	uint64_t pa;
	struct kdl_error *err;

	if (!d->fast)
		return false;
	if (kind == PC_VIRT) {
		if (!(d->pgwalk ? d->root_pgt : d->fast_root))
			return false;
		err = pgwalk(d, page, &pa);
		if (err) {
			kdl_error_destroy(err);
			return false;
		}
		page = pa & ~0xfffull;
	}
	return kdl_kdfast_read(d->fast, page >> 12, out);
}

/* The cached copy of one page, or NULL when the whole page cannot be read
 * (the caller then reads just what it needs and gets the exact error). */
static const unsigned char *cached_page(struct kdl_dump *d, uint64_t page, uint64_t kind)
{
	size_t i = (size_t)(((page >> 12) * 0x9e3779b97f4a7c15ull) >> (64 - PC_BUCKET_BITS));
	unsigned char tmp[0x1000], *slot;
	struct pc_bucket *b;
	struct kdl_error *err;
	size_t s;

	if (!d->pc_b) {
		void *m = mmap(NULL, (size_t)PAGE_CACHE << 12, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		d->pc_b = calloc(PC_BUCKETS, sizeof(*d->pc_b));
		d->pc_owner = malloc(PAGE_CACHE * sizeof(*d->pc_owner));
		d->pc_data = m == MAP_FAILED ? NULL : m;
		if (!d->pc_b || !d->pc_owner || !d->pc_data) {
			free(d->pc_b);
			free(d->pc_owner);
			if (d->pc_data)
				munmap(d->pc_data, (size_t)PAGE_CACHE << 12);
			d->pc_b = NULL;
			d->pc_owner = NULL;
			d->pc_data = NULL;
			return NULL;
		}
#ifdef MADV_HUGEPAGE
		madvise(d->pc_data, (size_t)PAGE_CACHE << 12, MADV_HUGEPAGE);
#endif
	}
	b = &d->pc_b[i];
	if (b->tag == (page | kind))
		return d->pc_data + ((size_t)b->slot << 12);
	/* read first: a page-table walk below may itself use the cache */
	if (!fast_page(d, page, kind, tmp)) {
		err = kind == PC_PHYS ? read_phys_direct(d, page, tmp, sizeof(tmp))
				      : dump_read_direct(d, page, tmp, sizeof(tmp));
		if (err) {
			kdl_error_destroy(err);
			return NULL;
		}
	}
	if (b->tag) {
		s = (size_t)b->slot;                    /* replaces the bucket's page */
	} else if (d->pc_used < PAGE_CACHE) {
		s = d->pc_used++;
	} else {
		s = d->pc_hand;                         /* full: evict round robin */
		d->pc_hand = (d->pc_hand + 1) % PAGE_CACHE;
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
			return kind == PC_PHYS ? read_phys_direct(d, addr, p, len)
					       : dump_read_direct(d, addr, p, len);
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

static struct kdl_error *dump_read(void *priv, uint64_t addr, void *buf, size_t len)
{
	return cached_read(priv, addr, buf, len, PC_VIRT);
}

static struct kdl_error *dump_read_phys_op(void *priv, uint64_t paddr, void *buf, size_t len)
{
	return kdl_dump_read_phys(priv, paddr, buf, len);
}

/* The target does not own the dump: the dump owns the target. */
static const struct kdl_target_ops dump_ops = {
	.read = dump_read,
	.read_phys = dump_read_phys_op,
	.destroy = NULL,
};

static bool num_attr(kdump_ctx_t *ctx, const char *key, uint64_t *out)
{
	kdump_num_t v;

	if (kdump_get_number_attr(ctx, key, &v) != KDUMP_OK)
		return false;
	*out = v;
	return true;
}

static void read_cpu_regs(struct kdl_dump *d, int cpu)
{
	static const struct { const char *name; size_t off; } map[] = {
#define R(n, f) { n, offsetof(struct kdl_regs, f) }
		R("r15", r15), R("r14", r14), R("r13", r13), R("r12", r12), R("rbp", bp),
		R("rbx", bx), R("r11", r11), R("r10", r10), R("r9", r9), R("r8", r8),
		R("rax", ax), R("rcx", cx), R("rdx", dx), R("rsi", si), R("rdi", di),
		R("orig_rax", orig_ax), R("rip", ip), R("cs", cs), R("rflags", flags),
		R("rsp", sp), R("ss", ss),
#undef R
	};
	struct dump_cpu *c = &d->cpus[cpu];
	char key[64];
	uint64_t v;
	int found = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		snprintf(key, sizeof(key), "cpu.%d.reg.%s", cpu, map[i].name);
		if (num_attr(d->ctx, key, &v)) {
			memcpy((char *)&c->regs + map[i].off, &v, sizeof(v));
			found++;
		}
	}
	c->regs_valid = found >= 17;
	snprintf(key, sizeof(key), "cpu.%d.pid", cpu);
	c->pid = num_attr(d->ctx, key, &v) ? (int)v : -1;
	snprintf(key, sizeof(key), "cpu.%d.reg.gs_base", cpu);
	if (num_attr(d->ctx, key, &v) && v) {
		c->gs_base = v;
		c->has_gs_base = true;
	}
}

/* QEMU adds one "QEMU" note per CPU to its ELF dumps (QEMUCPUState): the
 * control registers live at offset 392 (cr0..cr4), kernel_gs_base at 432, the
 * GS segment base at 264. */
static void read_qemu_notes(struct kdl_dump *d)
{
	Elf64_Ehdr eh;
	int cpu = 0;

	if (!kdl_pread_full(d->fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phnum > 4096)
		return;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		unsigned char *notes;
		size_t pos = 0;

		if (!kdl_pread_full(d->fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))))
			return;
		if (ph.p_type != PT_NOTE || ph.p_filesz > (16u << 20))
			continue;
		notes = malloc(ph.p_filesz);
		if (!notes)
			return;
		if (!kdl_pread_full(d->fd, notes, ph.p_filesz, (off_t)ph.p_offset)) {
			free(notes);
			continue;
		}
		while (pos + sizeof(Elf64_Nhdr) <= ph.p_filesz) {
			Elf64_Nhdr nh;
			size_t name_off, desc_off, next;

			memcpy(&nh, notes + pos, sizeof(nh));
			name_off = pos + sizeof(nh);
			desc_off = name_off + ((nh.n_namesz + 3u) & ~3u);
			next = desc_off + ((nh.n_descsz + 3u) & ~3u);
			if (next > ph.p_filesz || next <= pos)
				break;
			if (nh.n_namesz == 5 && !memcmp(notes + name_off, "QEMU", 5) &&
			    nh.n_descsz >= 432 && cpu < d->ncpus) {
				const unsigned char *s = notes + desc_off;
				struct dump_cpu *c = &d->cpus[cpu++];
				uint64_t cr3, gs;

				memcpy(&cr3, s + 392 + 3 * 8, 8);
				memcpy(&gs, s + 264, 8);
				c->cr3 = cr3;
				c->has_cr3 = true;
				if (!c->has_gs_base && gs) {
					c->gs_base = gs;
					c->has_gs_base = true;
				}
			}
			pos = next;
		}
		free(notes);
	}
}

static void read_vmcoreinfo(struct kdl_dump *d)
{
	char *raw = NULL;
	const char *v;
	size_t n;

	if (kdump_vmcoreinfo_raw(d->ctx, &raw) != KDUMP_OK || !raw)
		return;
	/* bounded copy: VMCOREINFO is at most a page or two */
	n = strnlen(raw, 64 * 1024);
	d->vmcoreinfo = strndup(raw, n);
	free(raw);
	if (!d->vmcoreinfo)
		return;
	d->lines = malloc(n + 2);
	if (d->lines) {
		memcpy(d->lines, d->vmcoreinfo, n);
		d->lines[n] = d->lines[n + 1] = '\0';
		for (size_t i = 0; i < n; i++)
			if (d->lines[i] == '\n')
				d->lines[i] = '\0';
		/* collapse empty entries so that "\0\0" only ends the list */
		{
			size_t w = 0;

			for (size_t r = 0; r < n; r++) {
				if (d->lines[r] == '\0' && (w == 0 || d->lines[w - 1] == '\0'))
					continue;
				d->lines[w++] = d->lines[r];
			}
			if (w && d->lines[w - 1] != '\0')
				d->lines[w++] = '\0';
			d->lines[w] = '\0';
		}
	}
	v = line_value(d->vmcoreinfo, "BUILD-ID");
	if (v)
		d->build_id = strndup(v, strcspn(v, "\n"));
	v = line_value(d->vmcoreinfo, "OSRELEASE");
	if (v)
		d->release = strndup(v, strcspn(v, "\n"));
}

struct kdl_error *kdl_dump_open(const char *path, const char *arch, struct kdl_dump **out)
{
	struct kdl_dump *d;
	struct kdl_error *err = NULL;
	unsigned char hdr[sizeof(Elf64_Ehdr)];
	struct stat st;
	const char *s;
	kdump_status ks;
	uint64_t v;
	bool flat = false, flat_truncated = false;
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
	if (!memcmp(hdr, flat_sig, sizeof(flat_sig))) {
		int tfd = -1;

		err = unflatten(path, fd, &tfd, &flat_truncated);
		close(fd);
		if (err)
			return err;
		fd = tfd;
		flat = true;
	} else if (!memcmp(hdr, ELFMAG, SELFMAG) && ((Elf64_Ehdr *)(void *)hdr)->e_type != ET_CORE) {
		close(fd);
		return kdl_error_create(KDL_ERR_INPUT, "%s: not a crash dump (an ELF file, but not "
					"a core dump)", path);
	} else if (!memcmp(hdr, ELFMAG, SELFMAG)) {
		/* libkdumpfile's own errors for these are obscure ("Wrong PRSTATUS size") */
		const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(void *)hdr;

		if (hdr[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64) {
			close(fd);
			return kdl_error_create(KDL_ERR_INPUT, "%s: unsupported architecture (ELF %s, "
						"machine %u; only x86_64 dumps are supported)", path,
						hdr[EI_CLASS] == ELFCLASS64 ? "64-bit" : "32-bit",
						hdr[EI_CLASS] == ELFCLASS64 ? eh->e_machine :
						((const Elf32_Ehdr *)(void *)hdr)->e_machine);
		}
	}

	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
	}
	d->fd = fd;
	d->truncated = flat_truncated || elf_truncated(fd) || kdump_truncated(fd);
	d->path = strdup(path);
	d->ctx = kdump_new();
	if (!d->ctx || !d->path) {
		err = kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	/* QEMU's kdump-compressed header carries no architecture; libkdumpfile
	 * then cannot translate anything. Take it from the vmlinux. */
	if (flat || !memcmp(hdr, "KDUMP   ", 8) || !memcmp(hdr, "DISKDUMP", 8)) {
		if (arch)
			kdump_set_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, arch);
	}
	if (flat || !memcmp(hdr, "KDUMP   ", 8) || !memcmp(hdr, "DISKDUMP", 8)) {
		unsigned char kh[464];
		const char *why = !kdl_pread_full(fd, kh, sizeof(kh), 0) ? "header cut short" :
				  memcmp(kh, "KDUMP   ", 8) && memcmp(kh, "DISKDUMP", 8) ? NULL :
				  kdump_header_insane(kh);

		if (why) {
			err = kdl_error_create(KDL_ERR_INPUT, "%s: damaged kdump header: %s", path,
					       why);
			goto fail;
		}
	}
	/* Our page cache (cached_page) sits in front: libkdumpfile's own cache is
	 * searched linearly on every read, so a small one is much faster (32
	 * pages: 10k-task dump 0.75 -> 0.5 s; it needs at least ~8). */
	kdump_set_number_attr(d->ctx, "cache.size", 32);
	d->diskdump = flat || !memcmp(hdr, "KDUMP   ", 8) || !memcmp(hdr, "DISKDUMP", 8);
	if (d->diskdump) {
		int rfd = -1;

		/* descriptors that would overrun libkdumpfile's buffers */
		err = kdl_kdump_repair(path, fd, &rfd, &d->damaged_pages);
		if (err)
			goto fail;
		if (rfd >= 0) {
			close(fd);
			d->fd = fd = rfd;
		}
	}
	ks = kdump_open_fd(d->ctx, fd);
	if (ks != KDUMP_OK) {
		const char *m = kdump_get_err(d->ctx);


		if (m && strstr(m, "Unknown file format"))
			err = kdl_error_create(KDL_ERR_INPUT, "%s: not a crash dump (unknown file "
					       "format)", path);
		else
			err = kdl_error_create(KDL_ERR_INPUT, "%s: cannot open dump: %s", path,
					       m ? m : "unknown libkdumpfile error");
		goto fail;
	}
	if (kdump_get_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, &s) != KDUMP_OK) {
		if (!arch || kdump_set_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, arch) != KDUMP_OK ||
		    kdump_get_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, &s) != KDUMP_OK) {
			err = kdl_error_create(KDL_ERR_INPUT, "%s: the dump does not say its "
					       "architecture", path);
			goto fail;
		}
	}
	if (strcmp(s, "x86_64") != 0) {
		err = kdl_error_create(KDL_ERR_INPUT, "%s: unsupported architecture %s (only "
				       "x86_64)", path, s);
		goto fail;
	}
	if (kdump_get_string_attr(d->ctx, KDUMP_ATTR_FILE_FORMAT, &s) != KDUMP_OK)
		s = "unknown";
	/* libkdumpfile calls the kdump-compressed format "diskdump" */
	if (!strcmp(s, "diskdump"))
		s = "kdump";
	snprintf(d->format, sizeof(d->format), "%s%s", s, flat ? "-flattened" : "");

	/* VMCOREINFO is parsed (and translation set up) once the OS type is set. */
	ks = kdump_set_string_attr(d->ctx, KDUMP_ATTR_OSTYPE, "linux");
	read_vmcoreinfo(d);
	if (!strncmp(d->format, "kdump", 5)) {
		/* the kernel's own page tables: pa = va - __START_KERNEL_map + phys_base */
		const char *top = kdl_dump_vmcoreinfo(d, "SYMBOL(init_top_pgt)");
		const char *pb = kdl_dump_vmcoreinfo(d, "NUMBER(phys_base)");
		const char *l5 = kdl_dump_vmcoreinfo(d, "NUMBER(pgtable_l5_enabled)");

		d->fast = kdl_kdfast_open(d->fd);
		if (d->fast && top && pb && (!l5 || !strcmp(l5, "0"))) {
			uint64_t va = strtoull(top, NULL, 16);

			if (va >= 0xffffffff80000000ull)
				d->fast_root = (va - 0xffffffff80000000ull + (uint64_t)strtoll(pb, NULL, 10)) &
					       PTE_ADDR_MASK;
		}
	}
	if (!d->release && kdump_get_string_attr(d->ctx, "linux.uts.release", &s) == KDUMP_OK)
		d->release = strndup(s, 64);

	d->ncpus = num_attr(d->ctx, KDUMP_ATTR_NUM_CPUS, &v) && v <= MAX_CPUS ? (int)v : 0;
	if (d->ncpus) {
		d->cpus = calloc((size_t)d->ncpus, sizeof(*d->cpus));
		if (!d->cpus) {
			err = kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
			goto fail;
		}
		for (int i = 0; i < d->ncpus; i++)
			read_cpu_regs(d, i);
		read_qemu_notes(d);
	}

	/* Virtual translation by libkdumpfile needs VMCOREINFO; without it we
	 * walk the page tables of CR3 from the CPU notes ourselves. */
	if (ks != KDUMP_OK || !d->vmcoreinfo) {
		d->pgwalk = true;
		for (int i = 0; i < d->ncpus; i++) {
			if (d->cpus[i].has_cr3 && d->cpus[i].cr3) {
				d->root_pgt = d->cpus[i].cr3 & PTE_ADDR_MASK;
				break;
			}
		}
		if (!d->root_pgt) {
			err = kdl_error_create(KDL_ERR_INPUT, "%s: no VMCOREINFO and no CR3 in the "
					       "CPU notes: cannot translate kernel addresses",
					       path);
			goto fail;
		}
	}
	err = kdl_target_create(&dump_ops, d, &d->target);
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

/* libkdumpfile 0.5.1's kdump_free() reads and writes freed memory on every
 * kdump-compressed context (valgrind shows it on a plain open + free) and
 * crashes on one whose open failed. Such contexts are parked here instead,
 * still reachable, until the process ends. */
static void park_ctx(kdump_ctx_t *ctx)
{
	/* volatile: the stores must stay for the pointers to stay reachable */
	static kdump_ctx_t *volatile parked[256];
	static size_t nparked;

	if (nparked < sizeof(parked) / sizeof(parked[0]))
		parked[nparked++] = ctx;
}

void kdl_dump_destroy(struct kdl_dump *d)
{
	if (!d)
		return;
	kdl_kdfast_close(d->fast);
	kdl_target_destroy(d->target);
	if (d->ctx && d->diskdump)
		park_ctx(d->ctx);
	else if (d->ctx)
		kdump_free(d->ctx);
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
		munmap(d->pc_data, (size_t)PAGE_CACHE << 12);
	free(d);
}

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

struct kdl_error *kdl_dump_find_kaslr(struct kdl_dump *d, uint64_t link_addr,
				      const void *expect, size_t len, uint64_t *offset)
{
	/* KASLR moves the kernel image in 2 MiB steps inside the 1 GiB (or 2 GiB)
	 * kernel image area starting at 0xffffffff80000000. */
	const uint64_t area = 0xffffffff80000000ull, step = 0x200000;
	unsigned char buf[256];
	bool saved = d->pgwalk;

	if (!d->root_pgt)
		return kdl_error_create(KDL_ERR_NOTFOUND, "%s: no CR3 in the CPU notes to find "
					"the KASLR offset", d->path);
	if (len > sizeof(buf))
		len = sizeof(buf);
	d->pgwalk = true;
	for (uint64_t va = area; va >= area && va < area + 0x80000000ull - len; va += step) {
		uint64_t cand = va + (link_addr & (step - 1));
		struct kdl_error *err = dump_read(d, cand, buf, len);

		if (err) {
			kdl_error_destroy(err);
			continue;
		}
		if (!memcmp(buf, expect, len)) {
			*offset = cand - link_addr;
			return NULL;
		}
	}
	d->pgwalk = saved;
	return kdl_error_create(KDL_ERR_NOTFOUND, "%s: kernel text of the vmlinux not found "
				"in the dump (KASLR offset unknown)", d->path);
}
