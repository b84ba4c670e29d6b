/* core/target/dump.h - a crash dump file: the real backend of
 * core/target/target.h, plus what the dump itself says (format, VMCOREINFO,
 * per-CPU registers from the notes).
 *
 * Formats, one file each behind an ops table (core/target/dump_priv.h):
 * ELF (dump_elf.c; also QEMU's, whose segments carry only physical
 * addresses), kdump-compressed and makedumpfile-filtered (dump_kdump.c;
 * excluded pages read as KDL_ERR_EXCLUDED), and QEMU's flattened kdump output
 * (dump_flat.c), which is reassembled into an unlinked temporary file first
 * (libkdumpfile 0.5.1 refuses it). libkdumpfile (dump_kdumpfile.c) reads them.
 * Kernel virtual addresses are translated by libkdumpfile when the dump has
 * VMCOREINFO; without it, by walking the page tables (pgtable.c) that CR3 in
 * QEMU's CPU notes points at.
 *
 * Ownership: the dump owns its target (kdl_dump_target()), every string it
 * returns and the register sets; all live until kdl_dump_destroy().
 */
#ifndef KDL_DUMP_H
#define KDL_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/error.h"
#include "core/target/target.h"
#include "core/base/regs.h"

struct kdl_dump;

/* Open a dump file. `arch` ("x86_64", from the vmlinux) is used when the dump
 * header does not say; may be NULL. KDL_ERR_INPUT when the file is missing,
 * unreadable, not a dump, or of an unsupported format or architecture; the
 * message names the file. */
struct kdl_error *kdl_dump_open(const char *path, const char *arch, struct kdl_dump **out);
void kdl_dump_destroy(struct kdl_dump *d);

/* True when the file looks like a dump (ELF core, kdump, flattened, ...) by
 * its first bytes; used to tell VMCORE from VMLINUX in either order. */
bool kdl_dump_probe(const char *path);

/* The target reading kernel virtual memory of this dump (owned by the dump). */
struct kdl_target *kdl_dump_target(struct kdl_dump *d);

/* Read physical memory. */
struct kdl_error *kdl_dump_read_phys(struct kdl_dump *d, uint64_t paddr, void *buf, size_t len);

/* "elf", "kdump", "kdump-flattened", ... (libkdumpfile's name, plus the
 * flattened marker). */
const char *kdl_dump_format(const struct kdl_dump *d);
/* Release from VMCOREINFO or the dump's UTS data; NULL when unknown. */
const char *kdl_dump_release(const struct kdl_dump *d);
/* GNU build-id (hex) from VMCOREINFO's BUILD-ID; NULL when absent. */
const char *kdl_dump_build_id(const struct kdl_dump *d);
bool kdl_dump_has_vmcoreinfo(const struct kdl_dump *d);
/* Value of a VMCOREINFO line ("KERNELOFFSET", "SYMBOL(_stext)", "CRASHTIME");
 * NULL when absent. */
const char *kdl_dump_vmcoreinfo(const struct kdl_dump *d, const char *key);

/* True when the file is shorter than its headers say (ELF: the end of the
 * last segment lies beyond the end of the file; flattened: records cut off). */
bool kdl_dump_truncated(const struct kdl_dump *d);
/* Pages of a kdump-compressed file whose descriptors were damaged (they read
 * as unreadable; libkdumpfile would have overrun its buffers on them). */
size_t kdl_dump_damaged_pages(const struct kdl_dump *d);

/* CPUs whose notes the dump carries. */
int kdl_dump_cpus(const struct kdl_dump *d);
/* Registers of a CPU from its notes; false when there are none. *pid is the
 * PRSTATUS pid (may be 0 / meaningless for QEMU dumps), may be NULL. */
bool kdl_dump_cpu_regs(const struct kdl_dump *d, int cpu, struct kdl_regs *regs, int *pid);
/* GS base (per-CPU area) and CR3 of a CPU when the notes carry them (QEMU). */
bool kdl_dump_cpu_gs_base(const struct kdl_dump *d, int cpu, uint64_t *gs_base);
bool kdl_dump_cpu_cr3(const struct kdl_dump *d, int cpu, uint64_t *cr3);

/* Find the KASLR offset of the kernel text when VMCOREINFO does not give it
 * (kaslr.c): `link_addr` is the link-time address of `len` known bytes
 * `expect` (core/analysis.c passes linux_banner from the vmlinux; at most 256
 * bytes are compared); candidates 2 MiB apart in the kernel image range are
 * compared through the page tables of the CPU notes. KDL_ERR_NOTFOUND when
 * none matches (or there is no CR3). After success, virtual reads use the
 * page tables too. */
struct kdl_error *kdl_dump_find_kaslr(struct kdl_dump *d, uint64_t link_addr,
				      const void *expect, size_t len, uint64_t *offset);

/* "libkdumpfile 0.5.1 (built with)": the version kdlview was compiled
 * against (libkdumpfile has no run-time version query). A static string. */
const char *kdl_dump_lib_version(void);

#endif
