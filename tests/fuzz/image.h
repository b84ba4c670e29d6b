/* tests/fuzz/image.h - small uncompressed memory images of a dump and the
 * fuzz inputs that damage them.
 *
 * An image holds the pages that one real analysis of a sample read (captured
 * through the target interface by tests/fuzz/capture.c), the KASLR offset and
 * the per-CPU registers, so that an analysis can run over it through
 * kdl_analysis_open_target() without the dump file or libkdumpfile.
 *
 * File format (little-endian): "KDLIMG1\n", u64 kaslr, u32 ncpus, u32
 * nregions, char release[64], char build_id[96], then per CPU u32 valid +
 * 21 u64 registers (struct kdl_regs order), then per region u64 addr, u32 len
 * and len bytes. Regions are sorted, do not overlap and lie inside one page
 * each. The file may be gzip-compressed.
 *
 * A fuzz input is a stream of patch records applied to the image (see
 * enum kdl_fuzz_op); every field is taken modulo its range, so any byte
 * string is a valid input and libFuzzer's own mutations stay meaningful.
 *
 * Ownership: images are freed with kdl_fuzz_image_destroy(); a target made by
 * kdl_fuzz_target() copies what it changes and borrows the image, which must
 * outlive it.
 */
#ifndef KDL_FUZZ_IMAGE_H
#define KDL_FUZZ_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/analysis.h"
#include "core/debuginfo/debuginfo.h"
#include "core/target/target.h"
#include "core/unwind/unwind.h"

#define KDL_FUZZ_PAGE 4096u

struct kdl_fuzz_image {
	uint64_t kaslr;
	int ncpus;
	struct kdl_regs *regs;
	bool *regs_valid;
	char release[64];
	char build_id[96];
	size_t nregions;
	uint64_t *addr;       /* sorted */
	uint32_t *len;
	unsigned char **data; /* into blob */
	unsigned char *blob;
};

/* Patch records. Each starts with an op byte (taken modulo KDL_FUZZ_NOPS),
 * then its fields; a record cut short by the end of the input is ignored.
 * `page` fields are u16 region indices (modulo nregions), `off` u16 byte
 * offsets (modulo the region's length). */
enum kdl_fuzz_op {
	KDL_FUZZ_WRITE = 0, /* page, off, u8 n (1..32), n bytes */
	KDL_FUZZ_PTR,       /* page, off (8-aligned), u8 kind, page2, off2: a pointer
	                       (NULL, itself, into page2, wild, non-canonical, ...) */
	KDL_FUZZ_INT,       /* page, off (4-aligned), u8 kind, u32 v: a count/state
	                       (0, ~0, INT_MAX, v, old +/- 1, a flag bit) */
	KDL_FUZZ_ZERO,      /* page: the page reads as zeros */
	KDL_FUZZ_DROP,      /* page: the page is not in the dump */
	KDL_FUZZ_TRUNC,     /* page, u16 n: only the first n bytes are in the dump */
	KDL_FUZZ_STR,       /* page, off, u8 kind: 16 hostile string bytes (escape
	                       sequences, no terminator, high bytes, UTF-8 junk) */
	KDL_FUZZ_NOPS
};

/* Load (gzip or plain) / save (plain) an image. */
struct kdl_error *kdl_fuzz_image_load(const char *path, struct kdl_fuzz_image **out);
struct kdl_error *kdl_fuzz_image_save(const struct kdl_fuzz_image *img, const char *path);
void kdl_fuzz_image_destroy(struct kdl_fuzz_image *img);

/* Index of the region holding addr, or -1. */
long kdl_fuzz_image_find(const struct kdl_fuzz_image *img, uint64_t addr);

/* A target over the image with the patches of `input` applied. */
struct kdl_error *kdl_fuzz_target(const struct kdl_fuzz_image *img, const uint8_t *input,
				  size_t size, struct kdl_target **out);

/* What one input reached. */
struct kdl_fuzz_stats {
	unsigned long executed;      /* inputs run */
	unsigned long reached_tasks; /* the task walk ran */
	unsigned long reached_locks; /* the lock analysis ran */
	unsigned long opened;        /* the analysis produced a model */
	unsigned long partial;       /* ... marked partial */
	unsigned long rejected;      /* the analysis refused the image (an error) */
};

/* Analyse the image with `input` applied (counted in st); an input whose
 * size is 63 modulo 64 also reads the module symbols from the damaged image.
 * On success close with kdl_fuzz_close(), which also restores di. */
struct kdl_error *kdl_fuzz_open(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di,
			       const uint8_t *input, size_t size, struct kdl_fuzz_stats *st,
			       struct kdl_analysis **out);
void kdl_fuzz_close(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di,
		    const uint8_t *input, size_t size, struct kdl_analysis *an);
/* Write every report format to a memory buffer; abort() when one carries a
 * control character, malformed UTF-8 or a C1 code (a dump string that was
 * not sanitised). */
void kdl_fuzz_check_reports(struct kdl_analysis *an);
/* kdl_fuzz_open(), kdl_fuzz_check_reports(), kdl_fuzz_close(); an input
 * whose size is 1 modulo 4 also unwinds every task (as --all does). */
void kdl_fuzz_run_one(const struct kdl_fuzz_image *img, struct kdl_debuginfo *di,
		      const uint8_t *input, size_t size, struct kdl_fuzz_stats *st);

/* A whole file into a malloc'd buffer (NULL when unreadable). */
unsigned char *kdl_fuzz_slurp(const char *path, size_t *len);
/* Up to max paths "dir/name" of the files in dir (no dot files, no .md),
 * sorted, malloc'd; returns the count. */
size_t kdl_fuzz_list_dir(const char *dir, char **names, size_t max);

/* The committed image of the 6.1-orc sample (under top, "." when NULL) and
 * the sample's vmlinux from sample_dir; *img is NULL on failure. */
struct kdl_error *kdl_fuzz_load_sample(const char *top, const char *sample_dir,
				       struct kdl_fuzz_image **img, struct kdl_debuginfo **di);

/* Open the vmlinux for an image (KASLR set); KDL_ERR_VMLINUX when its
 * build-id differs from the one the image was captured with. */
struct kdl_error *kdl_fuzz_open_debuginfo(const struct kdl_fuzz_image *img, const char *vmlinux,
					  struct kdl_debuginfo **out);

#endif
