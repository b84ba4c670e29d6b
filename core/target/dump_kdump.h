/* core/target/dump_kdump.h - private to core/target/dump.c: a direct reader for the pages of kdump-compressed
 * (makedumpfile) files, beside libkdumpfile. It serves only the common case
 * (a page present in the dump, zlib-compressed or stored raw) and says no to
 * everything else, which dump.c then reads through libkdumpfile as before, so
 * errors (excluded pages, damage) keep libkdumpfile's meaning. Why: reading a
 * page is most of the analysis of a big dump; this path maps the file once,
 * skips libkdumpfile's per-read bookkeeping and, when the system has libdeflate,
 * decompresses about twice as fast as zlib (both check the zlib checksum).
 */
#ifndef KDL_DUMP_KDUMP_H
#define KDL_DUMP_KDUMP_H

#include <stdbool.h>
#include <stdint.h>

struct kdl_kdfast;

/* NULL when fd is not a plain kdump-compressed file this reader handles
 * (split dumps, other block sizes, a header that does not fit the file). */
struct kdl_kdfast *kdl_kdfast_open(int fd);

/* The 4096 bytes of page frame pfn into out; false: not served here (absent,
 * excluded, another compression, damaged) - read it the usual way. */
bool kdl_kdfast_read(struct kdl_kdfast *f, uint64_t pfn, void *out);

void kdl_kdfast_close(struct kdl_kdfast *f);

#endif
