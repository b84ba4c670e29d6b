/* core/target/target.c - the generic memory-read interface and the synthetic target
 * used by tests. */
#include "core/target/target.h"

#include <stdlib.h>
#include <string.h>

struct kdl_target {
	const struct kdl_target_ops *ops;
	void *priv;
	size_t faults;
};

/* tests/fuzz capture hook (see target.h) */
static kdl_target_capture_fn capture_fn;
static void *capture_arg;

void kdl_target_set_capture_hook(kdl_target_capture_fn fn, void *arg)
{
	capture_fn = fn;
	capture_arg = arg;
}

struct kdl_error *kdl_target_create(const struct kdl_target_ops *ops, void *priv,
				    struct kdl_target **out)
{
	struct kdl_target *t = calloc(1, sizeof(*t));

	if (!t) {
		if (ops && ops->destroy)
			ops->destroy(priv);
		return kdl_error_create(KDL_ERR_NOMEM, "create target: out of memory");
	}
	t->ops = ops;
	t->priv = priv;
	*out = t;
	return NULL;
}

void kdl_target_destroy(struct kdl_target *t)
{
	if (!t)
		return;
	if (t->ops && t->ops->destroy)
		t->ops->destroy(t->priv);
	free(t);
}

struct kdl_error *kdl_target_read(struct kdl_target *t, uint64_t addr, void *buf, size_t len)
{
	struct kdl_error *err;

	if (len == 0)
		return NULL;
	if (addr + len < addr) {
		t->faults++;
		return kdl_error_create(KDL_ERR_FAULT, "read %zu bytes at 0x%llx: wraps around",
					len, (unsigned long long)addr);
	}
	err = t->ops->read(t->priv, addr, buf, len);
	if (err) {
		t->faults++;
	} else if (capture_fn) {
		kdl_target_capture_fn fn = capture_fn;

		capture_fn = NULL;
		fn(capture_arg, t, addr, buf, len);
		capture_fn = fn;
	}
	return err;
}

struct kdl_error *kdl_target_read_u64(struct kdl_target *t, uint64_t addr, uint64_t *out)
{
	unsigned char b[8];
	struct kdl_error *err = kdl_target_read(t, addr, b, sizeof(b));
	uint64_t v = 0;

	if (err)
		return err;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	*out = v;
	return NULL;
}

struct kdl_error *kdl_target_read_u32(struct kdl_target *t, uint64_t addr, uint32_t *out)
{
	unsigned char b[4];
	struct kdl_error *err = kdl_target_read(t, addr, b, sizeof(b));

	if (err)
		return err;
	*out = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return NULL;
}

int kdl_target_peek_u64(struct kdl_target *t, uint64_t addr, uint64_t *out)
{
	struct kdl_error *err = kdl_target_read_u64(t, addr, out);

	if (err) {
		kdl_error_destroy(err);
		return 0;
	}
	return 1;
}

size_t kdl_target_fault_count(const struct kdl_target *t)
{
	return t ? t->faults : 0;
}

/* Synthetic target: a sorted-by-insertion list of regions; later maps win. */
struct synth_region {
	uint64_t addr;
	size_t len;
	unsigned char *data;
};

struct synth {
	struct synth_region *regions;
	size_t n;
};

static const struct synth_region *synth_find(const struct synth *s, uint64_t addr)
{
	for (size_t i = s->n; i-- > 0;) {
		const struct synth_region *r = &s->regions[i];

		if (addr >= r->addr && addr - r->addr < r->len)
			return r;
	}
	return NULL;
}

static struct kdl_error *synth_read(void *priv, uint64_t addr, void *buf, size_t len)
{
	const struct synth *s = priv;
	unsigned char *dst = buf;
	uint64_t a = addr;
	size_t left = len;

	while (left) {
		const struct synth_region *r = synth_find(s, a);
		size_t off, n;

		if (!r)
			return kdl_error_create(KDL_ERR_FAULT,
						"read %zu bytes at 0x%llx: address not mapped",
						len, (unsigned long long)addr);
		off = (size_t)(a - r->addr);
		n = r->len - off < left ? r->len - off : left;
		memcpy(dst, r->data + off, n);
		dst += n;
		a += n;
		left -= n;
	}
	return NULL;
}

static struct kdl_error *synth_read_phys(void *priv, uint64_t paddr, void *buf, size_t len)
{
	(void)priv;
	(void)buf;
	return kdl_error_create(KDL_ERR_FAULT, "read %zu bytes at physical 0x%llx: "
				"synthetic target has no physical memory",
				len, (unsigned long long)paddr);
}

static void synth_destroy(void *priv)
{
	struct synth *s = priv;

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->regions[i].data);
	free(s->regions);
	free(s);
}

static const struct kdl_target_ops synth_ops = {
	.read = synth_read,
	.read_phys = synth_read_phys,
	.destroy = synth_destroy,
};

struct kdl_error *kdl_target_create_synthetic(struct kdl_target **out)
{
	struct synth *s = calloc(1, sizeof(*s));

	if (!s)
		return kdl_error_create(KDL_ERR_NOMEM, "create synthetic target: out of memory");
	return kdl_target_create(&synth_ops, s, out);
}

struct kdl_error *kdl_target_synthetic_map(struct kdl_target *t, uint64_t addr,
					   const void *data, size_t len)
{
	struct synth *s;
	struct synth_region *nr;
	unsigned char *copy;

	if (!t || t->ops != &synth_ops)
		return kdl_error_create(KDL_ERR_INTERNAL, "map: not a synthetic target");
	if (len == 0 || addr + len < addr)
		return kdl_error_create(KDL_ERR_USAGE, "map 0x%llx+%zu: bad range",
					(unsigned long long)addr, len);
	s = t->priv;
	copy = malloc(len);
	if (!copy)
		return kdl_error_create(KDL_ERR_NOMEM, "map: out of memory");
	if (data)
		memcpy(copy, data, len);
	else
		memset(copy, 0, len);
	nr = realloc(s->regions, (s->n + 1) * sizeof(*nr));
	if (!nr) {
		free(copy);
		return kdl_error_create(KDL_ERR_NOMEM, "map: out of memory");
	}
	s->regions = nr;
	s->regions[s->n++] = (struct synth_region){ addr, len, copy };
	return NULL;
}
