/* mem.c - the readers' memory: anonymous mappings, never malloc (the
 * wrapper shares the binary and links no allocator), counted against a
 * budget so that a reader in a small cgroup says "out of memory" and
 * exits 1 instead of being OOM-killed: the kernel overcommits, so in a
 * cgroup an mmap succeeds and the page faults kill (README "Reading a
 * capture", doc/stdiocap.1 LIMITS).
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

/* The number in the small file at path ("max": none); 0 if unknown. */
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
	for (i = 0; i < n && b[i] >= '0' && b[i] <= '9'; i++)
		v = v * 10 + (b[i] - '0');
	return i ? v : 0;
}

void mem_init(void)
{
	char cg[512], path[600];
	unsigned long long lim, best = 0;
	ssize_t n;
	char *s;
	int fd;

	mem.used = 0;
	mem.budget = 0;
	/* cgroup v2: the line "0::/PATH" of /proc/self/cgroup */
	fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = io_read(fd, cg, sizeof cg - 1);
	close(fd);
	if (n <= 0)
		return;
	cg[n] = 0;
	/* the line of the unified hierarchy (no strstr: it is large) */
	for (s = cg; *s && strncmp(s, "0::/", 4); s = *s ? s + 1 : s)
		s += strcspn(s, "\n");
	if (!*s)
		return;
	s += 3;
	s[strcspn(s, "\n")] = 0;
	/* this cgroup and each one above it: the tightest limit binds */
	for (;;) {
		memcpy(path, "/sys/fs/cgroup", 14);
		n = strlen(s);
		memcpy(path + 14, s, n);
		memcpy(path + 14 + n, "/memory.max", 12);
		lim = read_limit(path);
		if (lim && (!best || lim < best))
			best = lim;
		if (n <= 1)
			break;
		while (n > 1 && s[n - 1] != '/')
			n--;
		s[n > 1 ? n - 1 : 1] = 0;
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

void mem_free(void *p, size_t n)
{
	if (!p)
		return;
	n = pages(n);
	munmap(p, n);
	mem.used -= n < mem.used ? n : mem.used;
}
