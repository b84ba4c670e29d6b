/* core/dump_repair.h - neutralise page descriptors of a kdump-compressed file
 * that would make libkdumpfile overrun its buffers (private to core/dump.c).
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

#include <stddef.h>

#include "error.h"

/* Check the page descriptors of the kdump-compressed file open as fd. When
 * some are bad, *out_fd is a new descriptor of a repaired private copy (the
 * caller owns it) and *nbad their count; otherwise *out_fd is -1 and *nbad 0.
 * A file whose header or descriptor table cannot be read is left alone (the
 * caller's open reports it). KDL_ERR_INPUT when a copy is needed but cannot
 * be made. */
struct kdl_error *kdl_kdump_repair(const char *path, int fd, int *out_fd, size_t *nbad);

#endif
