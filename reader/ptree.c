/* ptree.c - who ran whom: one node per instance, in start order, each
 * under the instance that ran it, with a PID index of its own (open
 * addressing, latest instance of each PID), both growing in the
 * readers' memory (mem.h).
 * SPDX-License-Identifier: MIT
 *
 * The rule (doc/capture-format.md §9): a process is linked under the
 * latest instance of its destination PID only while that instance is
 * alive, as the kernel would have it: a PID reused by an unrecorded
 * process after a recorded one exited must not adopt the unrecorded
 * one's children. A process is its key (ptree.h): the parent is looked
 * for on the child's board only (doc/network.md "Reading a farm"). */
#include <errno.h>
#include <string.h>

#include "mem.h"
#include "ptree.h"

void ptree_free(struct ptree *t)
{
	mem_free(t->node, (size_t)t->cap * sizeof *t->node);
	mem_free(t->slot, (size_t)t->slots * sizeof *t->slot);
	memset(t, 0, sizeof *t);
}

static uint32_t hash(uint32_t key, uint32_t slots)
{
	return key * 2654435761u & (slots - 1);
}

/* The slot of key: the one holding it, or the empty one where it goes. */
static uint32_t *slot_of(const struct ptree *t, uint32_t key)
{
	uint32_t h = hash(key, t->slots);

	while (t->slot[h] && t->node[t->slot[h]].key != key)
		h = (h + 1) & (t->slots - 1);
	return &t->slot[h];
}

/* Room for one more node and one more key in the index (kept at most
 * half full, so a probe is short). */
static int room(struct ptree *t)
{
	uint32_t *old = t->slot, n = t->slots, i, cap;
	void *p;

	if (t->n + 1 >= t->cap) {
		cap = t->cap ? 2 * t->cap : 1024;
		if (cap < t->cap || cap > UINT32_MAX / 2)
			return errno = ENOMEM, -1;
		p = mem_grow(t->node, (size_t)t->cap * sizeof *t->node,
			     (size_t)cap * sizeof *t->node);
		if (!p)
			return -1;
		t->node = p;
		t->cap = cap;
	}
	if (2 * (t->n + 1) < t->slots)
		return 0;
	/* a new index, twice the size, and every node's key in it again */
	t->slots = n ? 2 * n : 2048;
	t->slot = mem_alloc((size_t)t->slots * sizeof *t->slot);
	if (!t->slot) {
		t->slot = old;
		t->slots = n;
		return -1;
	}
	for (i = 1; i <= t->n; i++)
		*slot_of(t, t->node[i].key) = i;	/* later ones win */
	mem_free(old, (size_t)n * sizeof *old);
	return 0;
}

uint32_t ptree_add(struct ptree *t, uint32_t key, uint32_t ppid)
{
	struct ptree_node *d, *up;
	uint32_t k, *s, pkey = (key & ~0xffffffu) | PTREE_PID(ppid);

	if (room(t) < 0)
		return 0;
	k = ++t->n;
	d = &t->node[k];
	memset(d, 0, sizeof *d);
	d->key = key;
	d->ppid = PTREE_PID(ppid);
	if (pkey != key && (s = slot_of(t, pkey)) && *s &&
	    !t->node[*s].ended) {
		d->parent = *s;
		up = &t->node[*s];
		if (up->last)
			t->node[up->last].next = k;
		else
			up->child = k;
		up->last = k;
	}
	*slot_of(t, key) = k;
	return k;
}

void ptree_end(struct ptree *t, uint32_t k)
{
	if (k && k <= t->n)
		t->node[k].ended = 1;
}

uint32_t ptree_walk(const struct ptree *t, uint32_t root, uint32_t k,
		    unsigned *depth)
{
	if (t->node[k].child) {
		++*depth;
		return t->node[k].child;
	}
	while (k != root && !t->node[k].next) {
		k = t->node[k].parent;
		--*depth;
	}
	return k == root ? 0 : t->node[k].next;
}
