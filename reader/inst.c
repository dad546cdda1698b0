/* inst.c - the driver's table of live instances (read.h): slots in
 * chunks that never move (hooks keep pointers), a PID index with open
 * addressing, and a list in start order; all in the readers' memory
 * (mem.h), grown as a capture needs it.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "mem.h"
#include "read.h"

enum { CHUNK = 256 };		/* slots per chunk */

static struct {
	struct inst **chunk;	/* chunk[0..nchunk) */
	size_t nchunk, chunk_cap;
	struct inst *free;	/* free slots, through ->next */
	struct inst *first, *last;	/* live ones in start order */
	struct inst **slot;	/* PID index; slots a power of two */
	size_t slots;
	unsigned long live;
} it;

void inst_reset(void)
{
	size_t i;

	for (i = 0; i < it.nchunk; i++)
		mem_free(it.chunk[i], CHUNK * sizeof **it.chunk);
	mem_free(it.chunk, it.chunk_cap * sizeof *it.chunk);
	mem_free(it.slot, it.slots * sizeof *it.slot);
	memset(&it, 0, sizeof it);
}

static size_t hash(uint32_t pid)
{
	return pid * 2654435761u & (it.slots - 1);
}

static struct inst **slot_of(uint32_t pid)
{
	size_t h = hash(pid);

	while (it.slot[h] && it.slot[h]->key != pid)
		h = (h + 1) & (it.slots - 1);
	return &it.slot[h];
}

struct inst *inst_find(uint32_t pid)
{
	return it.slots ? *slot_of(pid) : NULL;
}

/* The index kept at most half full: twice the size and every live one
 * in it again. */
static int index_room(void)
{
	struct inst **old = it.slot, *p;
	size_t n = it.slots;

	if (2 * (it.live + 1) < it.slots)
		return 0;
	it.slots = n ? 2 * n : 1024;
	it.slot = mem_alloc(it.slots * sizeof *it.slot);
	if (!it.slot) {
		it.slot = old;
		it.slots = n;
		return -1;
	}
	for (p = it.first; p; p = p->next)
		*slot_of(p->key) = p;
	mem_free(old, n * sizeof *old);
	return 0;
}

/* One more chunk of free slots. */
static int chunk_add(void)
{
	struct inst *c;
	void *p;
	size_t i;

	if (it.nchunk == it.chunk_cap) {
		p = mem_grow(it.chunk, it.chunk_cap * sizeof *it.chunk,
			     (it.chunk_cap + 512) * sizeof *it.chunk);
		if (!p)
			return -1;
		it.chunk = p;
		it.chunk_cap += 512;
	}
	c = mem_alloc(CHUNK * sizeof *c);
	if (!c)
		return -1;
	it.chunk[it.nchunk++] = c;
	for (i = CHUNK; i--;) {
		c[i].next = it.free;
		it.free = &c[i];
	}
	return 0;
}

struct inst *inst_new(uint32_t pid)
{
	struct inst *p;

	if (index_room() < 0 || (!it.free && chunk_add() < 0))
		return NULL;
	p = it.free;
	it.free = p->next;
	memset(p, 0, offsetof(struct inst, head));
	/* the key: the pid, and a collector's board above it (read.c) */
	p->key = pid;
	p->pid = pid & 0xffffff;
	p->prev = it.last;
	if (it.last)
		it.last->next = p;
	else
		it.first = p;
	it.last = p;
	*slot_of(pid) = p;
	it.live++;
	return p;
}

void inst_free(struct inst *p)
{
	struct inst **s = slot_of(p->key);
	size_t i = (size_t)(s - it.slot), j = i, k;

	/* out of the index: linear probing, so each entry after the hole
	 * that its probe would no longer reach moves back into it */
	if (*s == p) {
		*s = NULL;
		for (;;) {
			j = (j + 1) & (it.slots - 1);
			if (!it.slot[j])
				break;
			k = hash(it.slot[j]->key);
			if (j > i ? k <= i || k > j : k <= i && k > j) {
				it.slot[i] = it.slot[j];
				it.slot[j] = NULL;
				i = j;
			}
		}
	}
	if (p->prev)
		p->prev->next = p->next;
	else
		it.first = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		it.last = p->prev;
	p->seq = 0;
	p->next = it.free;
	it.free = p;
	it.live--;
}

struct inst *inst_first(void)
{
	return it.first;
}

unsigned long inst_live(void)
{
	return it.live;
}

const char *inst_why(enum inst_end end)
{
	static const char *const why[] = {
		[INST_LIVE] = "running",
		[INST_EXITED] = NULL,
		[INST_REPLACED] = "no exit record",
		[INST_UNFINISHED] = "unfinished",
	};

	return why[end];
}

size_t inst_fmt_end(char *s, const struct inst *p)
{
	return fmt_end(s, inst_why(p->end), p->status);
}

size_t inst_fmt_duration(char *s, const struct inst *p)
{
	return fmt_duration(s, p->end == INST_EXITED, p->sec, p->usec,
			    p->end_sec, p->end_usec);
}

int inst_name_matches(const struct inst *p, const char *name)
{
	const unsigned char *z = memchr(p->head, 0, p->hlen), *b;
	size_t n = z ? (size_t)(z - p->head) : p->hlen, l = strlen(name);

	if (n == l && !memcmp(p->head, name, l))
		return 1;
	for (b = p->head + n; b > p->head && b[-1] != '/'; b--)
		;
	if (b < p->head + n && *b == '-')
		b++;
	return (size_t)(p->head + n - b) == l && !memcmp(b, name, l);
}
