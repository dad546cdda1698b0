/* ptree.h - who ran whom (ptree.c): the process tree of a capture, one
 * node per instance in start order, for every reader that needs lineage
 * (--tree, --chart). Its own PID index, not the driver's table: the
 * tree keeps every instance to the end, the table only live ones.
 * SPDX-License-Identifier: MIT */
#ifndef PTREE_H
#define PTREE_H

#include <stdint.h>

/* Node numbers count from 1 in the order of ptree_add; 0: none.
 * A process is its key: its pid in the low 24 bits, in a collector's
 * capture its board's index above them (struct inst's key), so that a
 * process is only ever joined to a parent on its own board
 * (doc/network.md "Reading a farm"). */
#define PTREE_PID(key) ((key) & 0xffffffu)
#define PTREE_BOARD(key) ((key) >> 24)

struct ptree_node {
	uint32_t key, ppid;	/* the parent: a pid (24 bits) */
	uint32_t parent, child, last, next;	/* children in start order */
	uint32_t ended;		/* ptree_end was called */
};

struct ptree {
	struct ptree_node *node;	/* node[1..n] */
	uint32_t n, cap;
	uint32_t *slot;		/* open addressing: key -> latest node */
	uint32_t slots;		/* a power of two, or 0 */
};

/* Empties t (a zeroed struct is an empty tree too). */
void ptree_free(struct ptree *t);
/* A new instance of key, just started, run by ppid (a pid on key's
 * board): linked under the latest instance of ppid on that board if
 * that one is still alive (not ended), so
 * that a reused PID never adopts another's children (doc/capture-
 * format.md §3.3 and §9). Returns its node number; 0 with errno
 * ENOMEM when the memory budget (mem.h) is spent. */
uint32_t ptree_add(struct ptree *t, uint32_t key, uint32_t ppid);
/* Instance k has ended: later processes are not its children. */
void ptree_end(struct ptree *t, uint32_t k);
/* The node after k in depth-first order within the subtree of root,
 * *depth kept up to date (no recursion: captures nest deeply); 0 when
 * the subtree is done. */
uint32_t ptree_walk(const struct ptree *t, uint32_t root, uint32_t k,
		    unsigned *depth);

#endif
