/* core/target/dump_kdumpfile.c - libkdumpfile as the reader of a dump (see
 * dump_priv.h): opening d->fd, physical and virtual reads, format name,
 * release, VMCOREINFO and the CPUs' registers from the notes. The formats
 * "elf" and "kdump" (and "flattened" after reassembly) read through it; as
 * the format of last resort it also opens whatever else libkdumpfile knows.
 * The only file of kdlview that includes <libkdumpfile/...>.
 */
#include "core/target/dump_priv.h"

#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kdl_kdf {
	kdump_ctx_t *ctx;
	bool diskdump;        /* kdump-compressed: ctx must not be kdump_free()d */
};

static struct kdl_error *kd_error(struct kdl_dump *d, kdump_status st, uint64_t addr,
				  size_t len, const char *what)
{
	enum kdl_errcode code = KDL_ERR_FAULT;
	const char *msg = kdump_get_err(d->kdf->ctx);

	/* makedumpfile leaves filtered pages out of kdump files: "no data"
	 * there means excluded, in an ELF dump it means not dumped. */
	if (st == KDUMP_ERR_NODATA && strncmp(d->format, "elf", 3) != 0)
		code = KDL_ERR_EXCLUDED;
	return kdl_error_create(code, "read %zu bytes at %s0x%llx: %s", len, what,
				(unsigned long long)addr,
				code == KDL_ERR_EXCLUDED ? "page excluded from the dump"
							 : (msg ? msg : "not in dump"));
}

static struct kdl_error *kd_read(struct kdl_dump *d, kdump_addrspace_t as, uint64_t addr,
				 void *buf, size_t len, const char *what)
{
	size_t n = len;
	kdump_status st = kdump_read(d->kdf->ctx, as, addr, buf, &n);

	if (st == KDUMP_OK && n == len)
		return NULL;
	return kd_error(d, st == KDUMP_OK ? KDUMP_ERR_NODATA : st, addr, len, what);
}

struct kdl_error *kdl_kdf_read_phys(struct kdl_dump *d, uint64_t paddr, void *buf, size_t len)
{
	return kd_read(d, KDUMP_MACHPHYSADDR, paddr, buf, len, "physical ");
}

struct kdl_error *kdl_kdf_read_virt(struct kdl_dump *d, uint64_t vaddr, void *buf, size_t len)
{
	return kd_read(d, KDUMP_KVADDR, vaddr, buf, len, "");
}

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
	kdump_ctx_t *ctx = d->kdf->ctx;
	struct kdl_dump_cpu *c = &d->cpus[cpu];
	char key[64];
	uint64_t v;
	int found = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		snprintf(key, sizeof(key), "cpu.%d.reg.%s", cpu, map[i].name);
		if (num_attr(ctx, key, &v)) {
			memcpy((char *)&c->regs + map[i].off, &v, sizeof(v));
			found++;
		}
	}
	c->regs_valid = found >= 17;
	snprintf(key, sizeof(key), "cpu.%d.pid", cpu);
	c->pid = num_attr(ctx, key, &v) ? (int)v : -1;
	snprintf(key, sizeof(key), "cpu.%d.reg.gs_base", cpu);
	if (num_attr(ctx, key, &v) && v) {
		c->gs_base = v;
		c->has_gs_base = true;
	}
}

static void read_vmcoreinfo(struct kdl_dump *d)
{
	char *raw = NULL;

	if (kdump_vmcoreinfo_raw(d->kdf->ctx, &raw) != KDUMP_OK || !raw)
		return;
	kdl_dump_set_vmcoreinfo(d, raw);
	free(raw);
}

struct kdl_error *kdl_kdf_open(struct kdl_dump *d, const char *arch, bool diskdump)
{
	const char *path = d->path, *s;
	kdump_ctx_t *ctx;
	kdump_status ks;
	uint64_t v;

	d->kdf = calloc(1, sizeof(*d->kdf));
	if (!d->kdf)
		return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
	d->kdf->diskdump = diskdump;
	ctx = d->kdf->ctx = kdump_new();
	if (!ctx)
		return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
	/* QEMU's kdump-compressed header carries no architecture; libkdumpfile
	 * then cannot translate anything. Take it from the vmlinux. */
	if (diskdump && arch)
		kdump_set_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, arch);
	/* Our page cache (dump.c) sits in front: libkdumpfile's own cache is
	 * searched linearly on every read, so a small one is much faster (32
	 * pages: 10k-task dump 0.75 -> 0.5 s; it needs at least ~8). */
	kdump_set_number_attr(ctx, "cache.size", 32);
	/* A cut-off file: libkdumpfile maps the file in blocks of several
	 * pages and reads a page of memory that crosses its end from the map
	 * (SIGBUS); read(2) gives the bytes that are there. */
	if (d->truncated)
		kdump_set_number_attr(ctx, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER);
	ks = kdump_open_fd(ctx, d->fd);
	if (ks != KDUMP_OK) {
		const char *m = kdump_get_err(ctx);

		if (m && strstr(m, "Unknown file format"))
			return kdl_error_create(KDL_ERR_INPUT, "%s: not a crash dump (unknown file "
						"format)", path);
		return kdl_error_create(KDL_ERR_INPUT, "%s: cannot open dump: %s", path,
					m ? m : "unknown libkdumpfile error");
	}
	if (kdump_get_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, &s) != KDUMP_OK) {
		if (!arch || kdump_set_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, arch) != KDUMP_OK ||
		    kdump_get_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, &s) != KDUMP_OK)
			return kdl_error_create(KDL_ERR_INPUT, "%s: the dump does not say its "
						"architecture", path);
	}
	if (strcmp(s, "x86_64") != 0)
		return kdl_error_create(KDL_ERR_INPUT, "%s: unsupported architecture %s (only "
					"x86_64)", path, s);
	if (kdump_get_string_attr(ctx, KDUMP_ATTR_FILE_FORMAT, &s) != KDUMP_OK)
		s = "unknown";
	/* libkdumpfile calls the kdump-compressed format "diskdump" */
	if (!strcmp(s, "diskdump"))
		s = "kdump";
	snprintf(d->format, sizeof(d->format), "%s", s);

	/* VMCOREINFO is parsed (and translation set up) once the OS type is set. */
	ks = kdump_set_string_attr(ctx, KDUMP_ATTR_OSTYPE, "linux");
	read_vmcoreinfo(d);
	if (!d->release && kdump_get_string_attr(ctx, "linux.uts.release", &s) == KDUMP_OK)
		d->release = strndup(s, 64);

	d->ncpus = num_attr(ctx, KDUMP_ATTR_NUM_CPUS, &v) && v <= KDL_DUMP_MAX_CPUS ? (int)v : 0;
	if (d->ncpus) {
		d->cpus = calloc((size_t)d->ncpus, sizeof(*d->cpus));
		if (!d->cpus)
			return kdl_error_create(KDL_ERR_NOMEM, "%s: out of memory", path);
		for (int i = 0; i < d->ncpus; i++)
			read_cpu_regs(d, i);
	}
	/* Virtual translation by libkdumpfile needs VMCOREINFO; without it we
	 * walk the page tables of CR3 from the CPU notes ourselves. */
	if (ks != KDUMP_OK || !d->vmcoreinfo)
		d->pgwalk = true;
	return NULL;
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

void kdl_kdf_close(struct kdl_dump *d)
{
	struct kdl_kdf *k = d->kdf;

	if (!k)
		return;
	if (k->ctx && k->diskdump)
		park_ctx(k->ctx);
	else if (k->ctx)
		kdump_free(k->ctx);
	free(k);
	d->kdf = NULL;
}

/* The format of last resort: a file no other format claimed, in case
 * libkdumpfile knows it (its message says when it does not). */
static enum kdl_dump_claim kdumpfile_probe(const unsigned char *hdr)
{
	(void)hdr;
	return KDL_CLAIM_NO; /* never chosen by its first bytes */
}

static struct kdl_error *kdumpfile_open(struct kdl_dump *d, const unsigned char *hdr,
					const char *arch)
{
	(void)hdr;
	return kdl_kdf_open(d, arch, false);
}

const struct kdl_dump_format_ops kdl_dump_format_kdumpfile = {
	.name = "kdumpfile",
	.probe = kdumpfile_probe,
	.open = kdumpfile_open,
	.read_phys = kdl_kdf_read_phys,
	.read_virt = kdl_kdf_read_virt,
	.close = kdl_kdf_close,
};

const char *kdl_dump_lib_version(void)
{
	return "libkdumpfile " KDUMPFILE_VERSION_STRING " (built with)";
}
