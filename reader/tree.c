/* tree.c - stdiocap --tree: the process tree, each process under the
 * one that ran it (the capture's lineage: its parent PID), in start
 * order; --pid N: the subtrees of N alone. README "Reading a capture".
 * SPDX-License-Identifier: MIT
 *
 * The tree is printed at the end, so it keeps a node per process: the
 * nodes and a PID -> latest node map (capture PIDs have 24 bits) live
 * in one anonymous mapping reserved at begin and touched only as used.
 * When it is full, later processes are counted and said to be missing. */
#include <string.h>
#include <sys/mman.h>

#include "read.h"

enum {
	PID_SLOTS = 1 << 24,	/* a capture's PIDs: 10.A.B.C */
	ARGV_KEEP = 200,	/* bytes of argv kept per node */
	DEPTH_SHOWN = 32,	/* deeper nodes are indented no further */
};

struct node {
	struct inst p;		/* the instance; p.head holds only argv */
	uint32_t parent, child, last, next;	/* node numbers; 0: none */
	uint32_t argv;		/* argv's length in p.head; 0: "..." */
};

static struct {
	unsigned char *map;	/* the mapping: the pid map, then nodes */
	size_t size;
	uint32_t *by_pid;	/* latest node number of each pid */
	struct node *nodes;	/* nodes[1...] */
	uint32_t n, max;
	unsigned long missing;	/* processes without a node */
} tt;

static void tree_begin(const struct read_opts *o)
{
	size_t size;

	(void)o;
	if (tt.map)
		munmap(tt.map, tt.size);
	memset(&tt, 0, sizeof tt);
	/* as much as the address space allows, up to 1 GiB of nodes */
	for (size = (size_t)1 << 30; size >= (size_t)1 << 20; size >>= 1) {
		tt.size = PID_SLOTS * sizeof *tt.by_pid + size;
		tt.map = mmap(NULL, tt.size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (tt.map != MAP_FAILED)
			break;
		tt.map = NULL;
	}
	if (!tt.map)
		return;
	tt.by_pid = (uint32_t *)tt.map;
	tt.nodes = (struct node *)(tt.map + PID_SLOTS * sizeof *tt.by_pid);
	tt.max = size / sizeof *tt.nodes - 1;
}

static int tree_start(const struct read_opts *o, struct inst *p)
{
	struct node *d, *up;
	size_t argv = inst_argv_len(p);

	(void)o;
	if (tt.n == tt.max) {
		tt.missing++;
		return 0;
	}
	p->ref = ++tt.n;
	d = &tt.nodes[tt.n];
	memcpy(&d->p, p, offsetof(struct inst, head));
	/* argv alone, with its terminating empty item when it fits */
	d->p.hlen = argv && argv <= p->hlen ? argv : p->hlen;
	if (d->p.hlen > ARGV_KEEP)
		d->p.hlen = ARGV_KEEP;
	memcpy(d->p.head, p->head, d->p.hlen);
	d->argv = argv <= ARGV_KEEP ? argv : 0;
	if (p->ppid && p->ppid != p->pid && tt.by_pid[p->ppid & 0xffffff]) {
		d->parent = tt.by_pid[p->ppid & 0xffffff];
		up = &tt.nodes[d->parent];
		if (up->last)
			tt.nodes[up->last].next = tt.n;
		else
			up->child = tt.n;
		up->last = tt.n;
	}
	tt.by_pid[p->pid & 0xffffff] = tt.n;
	return 0;
}

/* The end of an instance: how and when, into its node. */
static void tree_gone(const struct read_opts *o, struct inst *p)
{
	struct node *d = &tt.nodes[p->ref];

	(void)o;
	if (!p->ref)
		return;
	d->p.end = p->end;
	d->p.status = p->status;
	d->p.end_sec = p->end_sec;
	d->p.end_usec = p->end_usec;
}

static int tree_exit(const struct read_opts *o, struct inst *p)
{
	tree_gone(o, p);
	return 0;
}

/* "PID PPID DURATION STATUS ARGV", argv indented by depth */
static void tree_line(const struct node *d, unsigned depth)
{
	char b[FMT_STATUS];

	out_pad(b, fmt_u(b, d->p.pid), 7, 1);
	out_ch(' ');
	out_pad(b, fmt_u(b, d->p.ppid), 7, 1);
	out_ch(' ');
	out_pad(b, fmt_duration(b, &d->p), 10, 1);
	out_ch(' ');
	out_pad(b, fmt_end(b, &d->p), 18, 0);
	out_ch(' ');
	if (depth > DEPTH_SHOWN)
		depth = DEPTH_SHOWN;
	if (depth) {
		out_pad("", 0, 3 * (depth - 1), 0);
		out_str("\\_ ");
	}
	out_argv(d->p.head, d->p.hlen, d->argv);
	out_ch('\n');
}

/* Node k and everything under it, depth first, children in start
 * order (no recursion: a capture may nest deeply). */
static void subtree(uint32_t k)
{
	uint32_t i = k;
	unsigned depth = 0;

	for (;;) {
		tree_line(&tt.nodes[i], depth);
		if (tt.nodes[i].child) {
			i = tt.nodes[i].child;
			depth++;
			continue;
		}
		while (i != k && !tt.nodes[i].next) {
			i = tt.nodes[i].parent;
			depth--;
		}
		if (i == k)
			return;
		i = tt.nodes[i].next;
	}
}

/* Whether node k is a root to print: one without a parent, or with
 * --pid one of that PID under no other of it. */
static int is_root(const struct read_opts *o, uint32_t k)
{
	uint32_t i;

	if (!(o->set & OPT_PID))
		return !tt.nodes[k].parent;
	if (tt.nodes[k].p.pid != o->pid)
		return 0;
	for (i = tt.nodes[k].parent; i; i = tt.nodes[i].parent)
		if (tt.nodes[i].p.pid == o->pid)
			return 0;
	return 1;
}

static int tree_end(const struct read_opts *o)
{
	char b[FMT_ULL + 1];
	uint32_t k;

	out_str("    PID    PPID   DURATION STATUS             ARGV\n");
	for (k = 1; k <= tt.n; k++)
		if (is_root(o, k))
			subtree(k);
	if (!tt.map || tt.missing) {
		b[fmt_u(b, tt.missing)] = 0;
		msg(o->file, ": --tree: out of memory: ",
		    tt.map ? b : "all", " processes not shown");
		return 1;
	}
	return 0;
}

const struct read_cmd read_tree = {
	.opts = OPT_PID | OPT_BOARD,
	.begin = tree_begin,
	.start = tree_start,
	.exit = tree_exit,
	.gone = tree_gone,
	.end = tree_end,
};
