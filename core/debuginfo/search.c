/* core/debuginfo/search.c - look for a dump's debug vmlinux by release and
 * build-id (order and rules: search.h). */
#include "core/debuginfo/search.h"

#include "core/debuginfo/debuginfo_priv.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool kdl_di_elf_build_id(Elf *elf, char *buf, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		Elf_Data *data;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 || !nh.n_descsz ||
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) ||
			    nh.n_descsz * 2 + 1 > len)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				snprintf(buf + 2 * i, 3, "%02x",
					 ((unsigned char *)data->d_buf)[desc_off + i]);
			return true;
		}
	}
	return false;
}

bool kdl_elf_build_id(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	bool found;

	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	found = elf && elf_kind(elf) == ELF_K_ELF && kdl_di_elf_build_id(elf, buf, len);
	if (elf)
		elf_end(elf);
	close(fd);
	return found;
}

typedef bool (*candidate_fn)(void *arg, const char *path, bool named_by_release);

/* Every candidate path in order; stops when fn returns true. */
static void each_candidate(const char *rel, const char *bid, candidate_fn fn, void *arg)
{
	static const char *const std_rel[] = {
		"/usr/lib/debug/boot/vmlinux-%s", "/usr/lib/debug/lib/modules/%s/vmlinux",
		NULL, "/boot/vmlinux-%s", "/lib/modules/%s/build/vmlinux",
	};
	static const char *const dir_rel[] = {
		"%s/vmlinux-%s", "%s/%s/vmlinux", "%s/boot/vmlinux-%s", "%s/lib/modules/%s/vmlinux",
	};
	const char *env = getenv("KDLVIEW_DEBUG_PATH");
	char path[4096], bidpath[300] = "";

	/* .build-id/xx/rest.debug */
	if (bid && strlen(bid) > 2 && strlen(bid) < 200)
		snprintf(bidpath, sizeof(bidpath), ".build-id/%.2s/%s.debug", bid, bid + 2);
	if (env) {
		char *dirs = strdup(env), *save = NULL;
		bool stop = false;

		for (char *d = dirs ? strtok_r(dirs, ":", &save) : NULL; d && !stop;
		     d = strtok_r(NULL, ":", &save)) {
			for (size_t i = 0; rel && !stop && i < sizeof(dir_rel) / sizeof(*dir_rel); i++) {
				snprintf(path, sizeof(path), dir_rel[i], d, rel);
				stop = fn(arg, path, true);
			}
			snprintf(path, sizeof(path), "%s/%s", d, bidpath);
			stop = stop || (bidpath[0] && fn(arg, path, false));
			snprintf(path, sizeof(path), "%s/vmlinux", d);
			stop = stop || fn(arg, path, false);
		}
		free(dirs);
		if (stop)
			return;
	}
	for (size_t i = 0; i < sizeof(std_rel) / sizeof(*std_rel); i++) {
		if (!std_rel[i]) {
			snprintf(path, sizeof(path), "/usr/lib/debug/%s", bidpath);
			if (bidpath[0] && fn(arg, path, false))
				return;
			continue;
		}
		if (!rel)
			continue;
		snprintf(path, sizeof(path), std_rel[i], rel);
		if (fn(arg, path, true))
			return;
	}
}

struct order_buf {
	char *buf;
	size_t len, used;
};

static bool print_one(void *arg, const char *path, bool named)
{
	struct order_buf *o = arg;
	int n;

	(void)named;
	if (o->used >= o->len)
		return true;
	n = snprintf(o->buf + o->used, o->len - o->used, "%s\n", path);
	o->used += n > 0 ? (size_t)n : 0;
	return false;
}

void kdl_debuginfo_search_order(const char *release, const char *build_id, char *buf,
				size_t len)
{
	struct order_buf o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	each_candidate(release, build_id, print_one, &o);
}

struct match {
	const char *bid;
	char *found;
	size_t rejected;
};

static bool try_one(void *arg, const char *path, bool named_by_release)
{
	struct match *m = arg;
	struct stat st;
	char have[130];

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	if (m->bid ? kdl_elf_build_id(path, have, sizeof(have)) &&
		     !strncmp(m->bid, have, strlen(have)) : named_by_release) {
		m->found = strdup(path);
		return m->found != NULL;
	}
	m->rejected++;
	return false;
}

char *kdl_debuginfo_find_vmlinux(const char *release, const char *build_id, size_t *rejected)
{
	struct match m = { build_id && *build_id ? build_id : NULL, NULL, 0 };

	each_candidate(release, m.bid, try_one, &m);
	if (rejected)
		*rejected = m.rejected;
	return m.found;
}
