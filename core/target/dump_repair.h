/* core/target/dump_repair.h - neutralise page descriptors of a kdump-compressed file
 * that would make libkdumpfile overrun its buffers (private to core/target/dump.c).
 *
 * libkdumpfile 0.5.1 copies a page's stored size into a block-sized buffer
 * without checking it: a descriptor whose size exceeds the block size (a
 * damaged or hostile dump) corrupts the heap. Such descriptors are rewritten,
 * in a private unlinked copy of the file, into ones that fail to decompress,
 * so that those pages read as unreadable and the rest of the dump stays
 * usable.
 */
#ifndef KDL_DUMP_REPAIR_H
#define KDL_DUMP_REPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/base/error.h"

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

/* Check the page descriptors of the kdump-compressed file open as fd. When
 * some are bad, *out_fd is a new descriptor of a repaired private copy (the
 * caller owns it) and *nbad their count; otherwise *out_fd is -1 and *nbad 0.
 * A file whose header or descriptor table cannot be read is left alone (the
 * caller's open reports it). KDL_ERR_INPUT when a copy is needed but cannot
 * be made. */
struct kdl_error *kdl_kdump_repair(const char *path, int fd, int *out_fd, size_t *nbad);

#endif
