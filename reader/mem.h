/* mem.h - the readers' memory (mem.c): zeroed anonymous mappings that
 * grow, within a budget the reader can keep.
 * SPDX-License-Identifier: MIT */
#ifndef MEM_H
#define MEM_H

#include <stddef.h>

/* Sets the budget for one run: half of the tightest cgroup memory
 * limit above this process (v2 memory.max, v1 memory.limit_in_bytes) (the rest is for the page cache of the
 * capture being read, the binary and the cgroup's other processes);
 * no cgroup limit: no budget of its own (mmap and ulimit -v decide). */
void mem_init(void);
/* n zeroed bytes; NULL with errno ENOMEM past the budget or when the
 * kernel refuses (ulimit -v). */
void *mem_alloc(size_t n);
/* The n bytes at p (from mem_alloc, or NULL with n 0) grown to want
 * bytes, the new ones zeroed; may move. NULL (p kept) as mem_alloc. */
void *mem_grow(void *p, size_t n, size_t want);
/* A table of *cap items of size bytes at p (NULL with *cap 0) grown to
 * hold need items, as a reader's tables grow: *cap doubled (first when
 * 0) until it does, at most max. Returns the table, moved perhaps, with
 * *cap updated; on failure (past max, or mem_grow's NULL) p itself with
 * *cap kept, so that the caller sees *cap < need and its table intact.
 * Grows nothing when need <= *cap. */
void *mem_room(void *p, size_t *cap, size_t need, size_t size,
	       size_t first, size_t max);
void mem_free(void *p, size_t n);

#endif
