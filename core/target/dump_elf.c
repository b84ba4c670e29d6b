/* core/target/dump_elf.c - the format "elf": ELF core dumps (kdump's /proc/vmcore
 * copies, QEMU's dump-guest-memory, whose segments carry only physical
 * addresses), read through libkdumpfile (dump_kdumpfile.c). Here: what
 * libkdumpfile does not say well or at all - refusing ELF files that are no
 * x86_64 core, truncation (program headers or notes cut off are refused:
 * libkdumpfile would read them past the end of the file), and the CR3 and GS
 * base in QEMU's CPU notes.
 */
#include "core/target/dump_priv.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static enum kdl_dump_claim elf_probe(const unsigned char *hdr)
{
	if (memcmp(hdr, ELFMAG, SELFMAG))
		return KDL_CLAIM_NO;
	return ((const Elf64_Ehdr *)(const void *)hdr)->e_type == ET_CORE ? KDL_CLAIM_DUMP
									 : KDL_CLAIM_NOT_DUMP;
}

struct kdl_error *kdl_elf_check_size(struct kdl_dump *d)
{
	Elf64_Ehdr eh;
	struct stat st;
	uint64_t size, end;

	if (fstat(d->fd, &st) != 0 || !kdl_pread_full(d->fd, &eh, sizeof(eh), 0) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		return NULL;
	size = (uint64_t)st.st_size;
	end = eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (eh.e_phoff > size || end > size)
		return kdl_dump_cut(d, "its program headers end", end, size);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (!kdl_pread_full(d->fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))))
			return kdl_dump_cut(d, "its program headers end", end, size);
		if (ph.p_offset <= size && ph.p_filesz <= size - ph.p_offset)
			continue;
		/* the notes carry the CPUs and VMCOREINFO: nothing of them can
		 * be trusted; a memory segment cut off leaves the rest usable */
		if (ph.p_type == PT_NOTE)
			return kdl_dump_cut(d, "its notes end", ph.p_offset + ph.p_filesz, size);
		d->truncated = true;
	}
	return NULL;
}

/* QEMU adds one "QEMU" note per CPU to its ELF dumps (QEMUCPUState): the
 * control registers live at offset 392 (cr0..cr4), kernel_gs_base at 432, the
 * GS segment base at 264. */
void kdl_elf_qemu_notes(struct kdl_dump *d)
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
				struct kdl_dump_cpu *c = &d->cpus[cpu++];
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

static struct kdl_error *elf_open(struct kdl_dump *d, const unsigned char *hdr, const char *arch)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(const void *)hdr;
	struct kdl_error *err;

	if (eh->e_type != ET_CORE)
		return kdl_error_create(KDL_ERR_INPUT, "%s: not a crash dump (an ELF file, but not "
					"a core dump)", d->path);
	/* libkdumpfile's own errors for these are obscure ("Wrong PRSTATUS size") */
	if (hdr[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64)
		return kdl_error_create(KDL_ERR_INPUT, "%s: unsupported architecture (ELF %s, "
					"machine %u; only x86_64 dumps are supported)", d->path,
					hdr[EI_CLASS] == ELFCLASS64 ? "64-bit" : "32-bit",
					hdr[EI_CLASS] == ELFCLASS64 ? eh->e_machine :
					((const Elf32_Ehdr *)(const void *)hdr)->e_machine);
	err = kdl_elf_check_size(d);
	if (err)
		return err;
	err = kdl_kdf_open(d, arch, false);
	if (err)
		return err;
	if (d->ncpus)
		kdl_elf_qemu_notes(d);
	return NULL;
}

const struct kdl_dump_format_ops kdl_dump_format_elf = {
	.name = "elf",
	.probe = elf_probe,
	.open = elf_open,
	.read_phys = kdl_kdf_read_phys,
	.read_virt = kdl_kdf_read_virt,
	.close = kdl_kdf_close,
};
