/* mem.c - the readers' memory: anonymous mappings, never malloc (the
 * wrapper shares the binary and links no allocator), counted against a
 * budget so that a reader in a small cgroup (v2 memory.max, or v1's
 * memory.limit_in_bytes) says "out of memory" and
 * exits 1 instead of being OOM-killed: the kernel overcommits, so in a
 * cgroup an mmap succeeds and the page faults kill (doc/stdiocap.1
 * OPTIONS).
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem.h"
#include "stdiocap.h"

static struct {
	size_t used, budget;	/* bytes; budget 0: none of our own */
} mem;

static size_t pages(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

/* The number in the small file at path; 0 if none ("max") or unknown.
 * cgroup v1 says "no limit" with a number near 2^63. */
static unsigned long long read_limit(const char *path)
{
	char b[32];
	unsigned long long v = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), i;

	if (fd < 0)
		return 0;
	n = io_read(fd, b, sizeof b - 1);
	close(fd);
	for (i = 0; i < n && b[i] >= '0' && b[i] <= '9' && v < 1ull << 62; i++)
		v = v * 10 + (b[i] - '0');
	return v < 1ull << 62 ? v : 0;
}

/* The tightest limit in file of the cgroup at path (under the hierarchy
 * mounted at base) and of each one above it; 0: none. */
static unsigned long long limit_up(const char *base, char *path,
				   const char *file)
{
	char f[600];
	unsigned long long lim, best = 0;
	size_t b = strlen(base), n, l = strlen(file);

	for (;;) {
		n = strlen(path);
		if (b + n + l + 2 > sizeof f)
			return best;
		memcpy(f, base, b);
		memcpy(f + b, path, n);
		f[b + n] = '/';
		memcpy(f + b + n + 1, file, l + 1);
		lim = read_limit(f);
		if (lim && (!best || lim < best))
			best = lim;
		if (n <= 1)
			return best;
		while (n > 1 && path[n - 1] != '/')
			n--;
		path[n > 1 ? n - 1 : 1] = 0;
	}
}

/* Whether the controllers field c (up to ':') names memory. */
static int has_memory(const char *c)
{
	size_t n;

	for (; *c && *c != ':'; c += n + (c[n] == ',')) {
		n = strcspn(c, ",:");
		if (n == 6 && !memcmp(c, "memory", 6))
			return 1;
	}
	return 0;
}

void mem_init(void)
{
	char cg[1024], *s, *c, *e;
	unsigned long long lim, best = 0;
	ssize_t n;
	int fd;

	mem.used = 0;
	mem.budget = 0;
	/* /proc/self/cgroup: "0::/PATH" for cgroup v2, "N:memory:/PATH"
	 * for v1's memory controller; a board may have either */
	fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = io_read(fd, cg, sizeof cg - 1);
	close(fd);
	if (n <= 0)
		return;
	cg[n] = 0;
	for (s = cg; s && *s; s = e) {
		e = s + strcspn(s, "\n");
		if (*e)
			*e++ = 0;
		else
			e = NULL;
		c = strchr(s, ':');
		if (!c || !(s = strchr(c + 1, ':')) || s[1] != '/')
			continue;
		lim = c[1] == ':' ?
		      limit_up("/sys/fs/cgroup", s + 1, "memory.max") :
		      has_memory(c + 1) ?
		      limit_up("/sys/fs/cgroup/memory", s + 1,
			       "memory.limit_in_bytes") : 0;
		if (lim && (!best || lim < best))
			best = lim;
	}
	mem.budget = best / 2;
	if (best && !mem.budget)
		mem.budget = 1;
}

static int fits(size_t more)
{
	if (mem.budget && more > mem.budget - (mem.used < mem.budget ?
					       mem.used : mem.budget)) {
		errno = ENOMEM;
		return 0;
	}
	return 1;
}

void *mem_alloc(size_t n)
{
	void *p;

	n = pages(n);
	if (!fits(n))
		return NULL;
	p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	mem.used += n;
	return p;
}

void *mem_grow(void *p, size_t n, size_t want)
{
	void *q;

	n = pages(n);
	want = pages(want);
	if (want <= n)
		return p;
	if (!p)
		return mem_alloc(want);
	if (!fits(want - n))
		return NULL;
	/* the pages mremap adds to an anonymous mapping are zero */
	q = mremap(p, n, want, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return NULL;
	mem.used += want - n;
	return q;
}

void *mem_room(void *p, size_t *cap, size_t need, size_t size,
	       size_t first, size_t max)
{
	size_t c = *cap ? *cap : first;
	void *q;

	if (need <= *cap)
		return p;
	while (c < need && c < max)
		c = c > max / 2 ? max : 2 * c;
	if (c > max)
		c = max;
	if (c < need || c > (size_t)-1 / size) {
		errno = ENOMEM;
		return p;
	}
	q = mem_grow(p, *cap * size, c * size);
	if (!q)
		return p;
	*cap = c;
	return q;
}

void mem_free(void *p, size_t n)
{
	if (!p)
		return;
	n = pages(n);
	munmap(p, n);
	mem.used -= n < mem.used ? n : mem.used;
}
