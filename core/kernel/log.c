/* core/kernel/log.c - what the dump says about the kernel itself: the kernel
 * log (printk ring buffer, 5.10+), init_uts_ns and the crash time. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/str.h"
#include "core/debuginfo/debuginfo.h"
#include "core/kernel/kernel_priv.h"

struct logbuf {
	char *p;
	size_t n, cap;
};

static bool log_add(struct logbuf *b, const char *s, size_t len)
{
	if (b->n + len + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 65536;
		char *np;

		while (ncap < b->n + len + 1)
			ncap *= 2;
		if (ncap > MAX_LOG)
			return false;
		np = realloc(b->p, ncap);
		if (!np)
			return false;
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
	return true;
}

struct kdl_error *kdl_kernel_read_log(struct kdl_kernel *k, char **text, size_t *len)
{
	const struct kdl_layout *L = k->L;
	uint64_t rb, count_bits, descs, infos, head_id, tail_id, size_bits, data;
	uint64_t dr, tr, count, dsize;
	struct logbuf b = { 0 };
	char *msg = NULL;

	if (!L->prb.ok || !L->prb_ptr)
		return kdl_error_create(KDL_ERR_NOTFOUND, "kernel log: no printk ring buffer "
					"(kernel older than 5.10?)");
	if (!rd64(k, L->prb_ptr, &rb) || !kernel_ptr(rb))
		return kdl_error_create(KDL_ERR_FAULT, "kernel log: prb unreadable");
	dr = rb + L->prb.desc_ring.off;
	tr = rb + L->prb.text_data_ring.off;
	if (!rdfield(k, dr, &L->prb.dr_count_bits, &count_bits) ||
	    !rdfield(k, dr, &L->prb.dr_descs, &descs) || !rdfield(k, dr, &L->prb.dr_infos, &infos) ||
	    !rdfield(k, dr, &L->prb.dr_head_id, &head_id) ||
	    !rdfield(k, dr, &L->prb.dr_tail_id, &tail_id) ||
	    !rdfield(k, tr, &L->prb.tr_size_bits, &size_bits) ||
	    !rdfield(k, tr, &L->prb.tr_data, &data) || count_bits > 24 || size_bits > 28 ||
	    size_bits < 4)
		return kdl_error_create(KDL_ERR_CORRUPT, "kernel log: ring buffer header "
					"unreadable or corrupt");
	count = 1ull << count_bits;
	dsize = 1ull << size_bits;
	msg = malloc(65536);
	if (!msg)
		return kdl_error_create(KDL_ERR_NOMEM, "kernel log: out of memory");
	/* ids count up from tail to head; at most `count` of them are live */
	for (uint64_t id = tail_id, steps = 0; steps <= count; id++, steps++) {
		uint64_t d = descs + (id & (count - 1)) * L->prb.desc_size;
		uint64_t inf = infos + (id & (count - 1)) * L->prb.info_size;
		uint64_t sv, begin, next, ts = 0, tlen = 0, start, state;
		char line[96 + 4 * 1024];
		size_t o;

		if (!rdfield(k, d, &L->prb.desc_state_var, &sv))
			break;
		state = (sv >> 62) & 3;
		/* 1 committed, 2 finalized; the id must match */
		if ((sv & ~(3ull << 62)) == (id & ~(3ull << 62)) && (state == 1 || state == 2) &&
		    rd64(k, d + L->prb.desc_text_blk_lpos.off + L->prb.blk_begin.off, &begin) &&
		    rd64(k, d + L->prb.desc_text_blk_lpos.off + L->prb.blk_next.off, &next) &&
		    rdfield(k, inf, &L->prb.info_text_len, &tlen)) {
			rdfield(k, inf, &L->prb.info_ts_nsec, &ts);
			if ((begin & 1) || (next & 1) || tlen == 0) {
				tlen = 0; /* data-less record */
				start = 0;
			} else if ((begin >> size_bits) != (next >> size_bits)) {
				start = 0; /* wrapped: the text sits at the ring's start */
			} else {
				start = begin & (dsize - 1);
			}
			if (tlen > 4096)
				tlen = 4096;
			if (tlen && start + L->prb.blk_id_off.off + tlen <= dsize) {
				struct kdl_error *err = kdl_target_read(
					k->t, data + start + L->prb.blk_id_off.off, msg, tlen);

				if (err) {
					kdl_error_destroy(err);
					tlen = 0;
				}
			} else {
				tlen = 0;
			}
			o = (size_t)snprintf(line, sizeof(line), "[%5llu.%06llu] ",
					     (unsigned long long)(ts / 1000000000ull),
					     (unsigned long long)(ts % 1000000000ull / 1000));
			/* keep embedded newlines of multi-line records, clean the rest */
			for (size_t i = 0; i < tlen && o + 5 < sizeof(line); i++) {
				unsigned char c = (unsigned char)msg[i];

				if (c == '\n' || (c >= 0x20 && c < 0x7f) || c == '\t')
					line[o++] = (char)c;
				else
					o += (size_t)snprintf(line + o, sizeof(line) - o, "\\x%02x", c);
			}
			line[o++] = '\n';
			if (!log_add(&b, line, o))
				break;
		}
		if (id == head_id)
			break;
	}
	free(msg);
	if (!b.p)
		return kdl_error_create(KDL_ERR_NOTFOUND, "kernel log: empty");
	*text = b.p;
	*len = b.n;
	return NULL;
}

/* The layout field of init_uts_ns.name.<field>, NULL for an unknown name. */
static const struct kdl_field *uts_field(const struct kdl_layout *L, const char *field)
{
	static const struct { const char *name; size_t off; } names[] = {
		{ "sysname", offsetof(struct kdl_layout, uts.sysname) },
		{ "nodename", offsetof(struct kdl_layout, uts.nodename) },
		{ "release", offsetof(struct kdl_layout, uts.release) },
		{ "version", offsetof(struct kdl_layout, uts.version) },
		{ "machine", offsetof(struct kdl_layout, uts.machine) },
		{ "domainname", offsetof(struct kdl_layout, uts.domainname) },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, field))
			return (const struct kdl_field *)((const char *)L + names[i].off);
	return NULL;
}

bool kdl_kernel_uts(struct kdl_kernel *k, const char *field, char *buf, size_t len)
{
	const struct kdl_field *f;
	char raw[65];
	uint64_t base, size;
	struct kdl_error *err;

	if (!k->di || !len || !kdl_debuginfo_symbol_addr(k->di, "init_uts_ns", &base))
		return false;
	f = uts_field(k->L, field);
	if (!f || !f->ok)
		return false;
	size = f->size;
	if (size > sizeof(raw) - 1)
		size = sizeof(raw) - 1;
	err = kdl_target_read(k->t, base + f->off, raw, size);
	if (err) {
		kdl_error_destroy(err);
		return false;
	}
	raw[size] = '\0';
	kdl_sanitize(raw, strlen(raw), buf, len);
	return buf[0] != '\0';
}

int64_t kdl_kernel_crash_time(struct kdl_kernel *k)
{
	uint64_t v;

	if (!k->L->tk_core || !rdfield(k, k->L->tk_core, &k->L->tk_xtime_sec, &v))
		return -1;
	return (int64_t)v;
}
