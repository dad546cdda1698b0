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
void mem_free(void *p, size_t n);

#endif
