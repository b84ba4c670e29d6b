/* core/target/dump_priv.h - the inside of a struct kdl_dump (core/target/dump.h),
 * private to core/target/: the dump, the per-format ops table, and what the
 * rooms of the dump lend each other.
 *
 * Rooms:
 *   dump.c            the public API of dump.h: picks the format by the first
 *                     bytes of the file, the page cache in front of every read,
 *                     VMCOREINFO lines, the accessors
 *   dump_kdumpfile.c  libkdumpfile, the reader of ELF and kdump-compressed files
 *                     (the one file that includes <libkdumpfile/...>), and the
 *                     format of last resort (the other formats it knows)
 *   dump_elf.c        format "elf": ELF cores (also QEMU's and its CPU notes)
 *   dump_kdump.c      format "kdump": kdump-compressed header checks and
 *                     truncation, and the direct reader of its pages
 *   dump_repair.c     the kdump page-descriptor table and its repair
 *   dump_flat.c       format "flattened": QEMU's flattened kdump output,
 *                     reassembled into a temporary file, then read as kdump
 *   pgtable.c         the x86_64 page-table walk
 *   kaslr.c           the KASLR search
 * A new format (e.g. /proc/kcore of a live system) is one more file with one
 * more struct kdl_dump_format_ops, listed in dump.c's table.
 *
 * Ownership: dump.c allocates and frees the struct kdl_dump and its strings;
 * a format's open fills the fields marked "format" and its close frees what
 * it opened (kdf, fast); d->fd is the dump's and closed by dump.c.
 */
#ifndef KDL_DUMP_PRIV_H
#define KDL_DUMP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/base/error.h"
#include "core/base/regs.h"
#include "core/target/dump.h"
#include "core/target/target.h"

#define KDL_DUMP_MAX_CPUS 8192
#define KDL_DUMP_HDR 64                   /* bytes a probe sees: sizeof(Elf64_Ehdr) */
#define KDL_PTE_ADDR_MASK 0x000ffffffffff000ull
#define KDL_XLAT_CACHE 1024

/* Whole pages read once and kept (dump.c): the analysis reads many small
 * fields of the same pages (task_structs, stacks, lock objects); each read of
 * the format has a fixed cost (libkdumpfile's cache lookup, and zlib when the
 * page fell out of it). 131072 pages = 512 MiB at most, filled in order
 * (memory grows with what is read; transparent huge pages spare a page fault
 * per slot). */
#define KDL_PAGE_CACHE 131072
#define KDL_PC_BUCKET_BITS 18
#define KDL_PC_BUCKETS (1u << KDL_PC_BUCKET_BITS)  /* 2 * KDL_PAGE_CACHE */

struct kdl_dump;

/* What a format says of a file by its first KDL_DUMP_HDR bytes. */
enum kdl_dump_claim {
	KDL_CLAIM_NO,       /* not this format's */
	KDL_CLAIM_DUMP,     /* a crash dump of this format */
	KDL_CLAIM_NOT_DUMP, /* this format's, but not a dump (an ELF program): open refuses it */
};

/* One dump format. Every member but read_virt and read_page is set. */
struct kdl_dump_format_ops {
	const char *name;
	enum kdl_dump_claim (*probe)(const unsigned char *hdr);
	/* Open the file d->fd (named d->path) whose first bytes are hdr; `arch`
	 * (may be NULL) when the file does not say. Fills the "format" fields of
	 * struct kdl_dump; sets d->truncated before any error that a cut-off
	 * file explains; sets d->pgwalk when read_virt cannot translate. On error
	 * dump.c still calls close. */
	struct kdl_error *(*open)(struct kdl_dump *d, const unsigned char *hdr, const char *arch);
	/* Exactly len bytes or an error (KDL_ERR_FAULT, KDL_ERR_EXCLUDED); uncached. */
	struct kdl_error *(*read_phys)(struct kdl_dump *d, uint64_t paddr, void *buf, size_t len);
	/* Kernel virtual addresses; NULL: the page tables (pgtable.c) translate. */
	struct kdl_error *(*read_virt)(struct kdl_dump *d, uint64_t vaddr, void *buf, size_t len);
	/* A faster path for whole pages, used when d->has_pages: the 4096 bytes of
	 * frame pfn into out, or false (read it by read_phys). May be NULL. */
	bool (*read_page)(struct kdl_dump *d, uint64_t pfn, void *out);
	/* Free what open made; NULL fields are fine. */
	void (*close)(struct kdl_dump *d);
};

extern const struct kdl_dump_format_ops kdl_dump_format_elf;       /* dump_elf.c */
extern const struct kdl_dump_format_ops kdl_dump_format_kdump;     /* dump_kdump.c */
extern const struct kdl_dump_format_ops kdl_dump_format_flat;      /* dump_flat.c */
extern const struct kdl_dump_format_ops kdl_dump_format_kdumpfile; /* dump_kdumpfile.c */

struct kdl_dump_cpu {
	struct kdl_regs regs;
	bool regs_valid;
	int pid;
	uint64_t cr3, gs_base;
	bool has_cr3, has_gs_base;
};

struct kdl_xlat_entry {
	uint64_t vpage; /* virtual page | 1 when valid */
	uint64_t ppage;
};

struct kdl_pc_bucket {
	uint64_t tag;               /* page | kind, 0 empty */
	int32_t slot;
};

struct kdl_kdf;     /* libkdumpfile's context (dump_kdumpfile.c) */
struct kdl_kdfast;  /* direct kdump page reader (dump_kdump.c) */

struct kdl_dump {
	/* dump.c */
	char *path;
	int fd;                     /* may be replaced by the format (reassembled, repaired) */
	const struct kdl_dump_format_ops *fmt;
	struct kdl_target *target;
	char *vmcoreinfo;           /* raw text, NUL-terminated, or NULL */
	char *lines;                /* copy of vmcoreinfo split into key=value lines */
	char *build_id;
	/* format */
	char format[32];
	char *release;
	bool truncated;
	bool reassembled;           /* d->fd is a reassembly of d->path (dump_flat.c) */
	size_t damaged_pages;       /* page descriptors neutralised (dump_repair.c) */
	int ncpus;
	struct kdl_dump_cpu *cpus;
	struct kdl_kdf *kdf;        /* libkdumpfile reader, or NULL */
	struct kdl_kdfast *fast;    /* kdump direct pages, or NULL */
	bool has_pages;             /* fmt->read_page can serve pages */
	/* translation (pgtable.c) */
	bool pgwalk;                /* translate with our own page-table walk */
	uint64_t root_pgt;          /* PML4 for pgwalk (CR3 of the notes) */
	uint64_t vmcoreinfo_root;   /* PML4 from VMCOREINFO (init_top_pgt), 0 unknown */
	struct kdl_xlat_entry xlat[KDL_XLAT_CACHE];
	/* page cache (dump.c) */
	struct kdl_pc_bucket *pc_b; /* KDL_PC_BUCKETS, direct-mapped */
	int32_t *pc_owner;          /* slot -> its bucket */
	unsigned char *pc_data;     /* KDL_PAGE_CACHE slots, mapped on first use */
	size_t pc_used, pc_hand;    /* slots handed out in order; then evicted round robin */
};

/* dump.c */
/* Keep VMCOREINFO's text (raw, read at most 64 KiB) and the BUILD-ID and
 * OSRELEASE it names; raw stays the caller's. */
void kdl_dump_set_vmcoreinfo(struct kdl_dump *d, const char *raw);
/* What the headers of a dump describe ("its notes end") reaches byte `end`,
 * past the end of the file (`size` bytes; d->reassembled: of the
 * reassembled file): sets d->truncated and returns the error saying so.
 * libkdumpfile must never see such a file: it maps the file and reads its
 * structures past the end (SIGBUS). */
struct kdl_error *kdl_dump_cut(struct kdl_dump *d, const char *what, uint64_t end,
			       uint64_t size);
/* Kernel virtual memory through the page cache (what the target reads). */
struct kdl_error *kdl_dump_read_virt(struct kdl_dump *d, uint64_t vaddr, void *buf, size_t len);

/* dump_kdumpfile.c: libkdumpfile as the reader of d->fd. `diskdump`: a
 * kdump-compressed file (its architecture is set from `arch` before opening:
 * QEMU's headers carry none; its context is never freed, see park_ctx).
 * Sets d->format, the release, VMCOREINFO, the CPUs and their registers. */
struct kdl_error *kdl_kdf_open(struct kdl_dump *d, const char *arch, bool diskdump);
struct kdl_error *kdl_kdf_read_phys(struct kdl_dump *d, uint64_t paddr, void *buf, size_t len);
struct kdl_error *kdl_kdf_read_virt(struct kdl_dump *d, uint64_t vaddr, void *buf, size_t len);
void kdl_kdf_close(struct kdl_dump *d);

/* dump_elf.c */
/* Check the ELF file d->fd against its size (nothing when it is no 64-bit
 * ELF file): program headers or notes cut off are an error (kdl_dump_cut),
 * memory segments cut off set d->truncated. */
struct kdl_error *kdl_elf_check_size(struct kdl_dump *d);
/* CR3 and GS base of each CPU from QEMU's "QEMU" notes, when d->fd is an ELF
 * file that has them. */
void kdl_elf_qemu_notes(struct kdl_dump *d);

/* dump_kdump.c */
/* True when the kdump-compressed file fd ends before its last page. */
bool kdl_kdump_truncated(int fd);
/* The kdump part of an open, also after flattening: check the header and
 * that what it describes (sub-header, notes, VMCOREINFO, bitmaps, page
 * descriptors) lies inside the file (else kdl_dump_cut), repair the
 * descriptors, open the reader and the direct page reader. */
struct kdl_error *kdl_kdump_open_fd(struct kdl_dump *d, const char *arch);
bool kdl_kdump_read_page(struct kdl_dump *d, uint64_t pfn, void *out);
void kdl_kdump_close(struct kdl_dump *d);

/* The direct reader of kdump-compressed pages (dump_kdump.c), beside
 * libkdumpfile. It serves only the common case (a page present in the dump,
 * zlib-compressed or stored raw) and says no to everything else, which is then
 * read through libkdumpfile, so errors (excluded pages, damage) keep
 * libkdumpfile's meaning. Why: reading a page is most of the analysis of a big
 * dump; this path maps the file once, skips libkdumpfile's per-read
 * bookkeeping and, when the system has libdeflate, decompresses about twice
 * as fast as zlib (both check the zlib checksum).
 * kdl_kdfast_open: NULL when fd is not a plain kdump-compressed file this
 * reader handles (split dumps, other block sizes, a header that does not fit
 * the file). kdl_kdfast_read: the 4096 bytes of page frame pfn into out;
 * false: not served here (absent, excluded, another compression, damaged). */
struct kdl_kdfast *kdl_kdfast_open(int fd);
bool kdl_kdfast_read(struct kdl_kdfast *f, uint64_t pfn, void *out);
void kdl_kdfast_close(struct kdl_kdfast *f);

/* dump_repair.c */
/* pread() until len bytes are read (EINTR retried); false on error or EOF. */
bool kdl_pread_full(int fd, void *buf, size_t len, off_t off);

/* The page descriptor table of a kdump-compressed file. */
struct kdl_kdump_descs {
	unsigned char *tab;   /* n descriptors of 24 bytes; the caller frees it */
	uint64_t n;
	uint64_t start;       /* file offset of the table */
	uint64_t file_size;
	uint32_t block_size;
};

enum kdl_kdump_descs_status {
	KDL_DESCS_NONE,  /* not a kdump-compressed file, or a header that makes no sense */
	KDL_DESCS_SHORT, /* the file ends before the table (or before the first page) */
	KDL_DESCS_NOMEM,
	KDL_DESCS_OK,    /* *out filled */
};

/* Read the descriptor table of the kdump-compressed file open as fd. */
enum kdl_kdump_descs_status kdl_kdump_read_descs(int fd, struct kdl_kdump_descs *out);

/* libkdumpfile 0.5.1 copies a page's stored size into a block-sized buffer
 * without checking it: a descriptor whose size exceeds the block size (a
 * damaged or hostile dump) corrupts the heap. Check the page descriptors of
 * the kdump-compressed file open as fd. When some are bad, they are rewritten
 * in a private unlinked copy of the file into ones that fail to decompress
 * (those pages read as unreadable, the rest stays usable): *out_fd is a new
 * descriptor of that copy (the caller owns it) and *nbad their count;
 * otherwise *out_fd is -1 and *nbad 0. A file whose header or descriptor table
 * cannot be read is left alone (the caller's open reports it). KDL_ERR_INPUT
 * when a copy is needed but cannot be made. */
struct kdl_error *kdl_kdump_repair(const char *path, int fd, int *out_fd, size_t *nbad);

/* pgtable.c: x86_64 4-level page tables, from d->root_pgt (else
 * d->vmcoreinfo_root); page translations are cached in d->xlat. */
struct kdl_error *kdl_pgt_translate(struct kdl_dump *d, uint64_t vaddr, uint64_t *paddr);
/* Read kernel virtual memory page by page through the walk and the format's
 * read_phys (uncached). */
struct kdl_error *kdl_pgt_read(struct kdl_dump *d, uint64_t vaddr, void *buf, size_t len);
/* d->vmcoreinfo_root from VMCOREINFO's init_top_pgt and phys_base (4-level
 * paging only); left 0 when they are missing. */
void kdl_pgt_root_from_vmcoreinfo(struct kdl_dump *d);
/* d->root_pgt from the first CPU whose notes carry a CR3; false when none. */
bool kdl_pgt_root_from_cpus(struct kdl_dump *d);

#endif
