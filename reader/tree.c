/* tree.c - stdiocap --tree: the process tree, each process under the
 * one that ran it (ptree.c: the capture's lineage, linked only to a
 * parent instance alive when the child started), in start order;
 * --pid N, --name NAME: the subtrees of the processes that match; in a
 * collector's capture each board's processes under a line naming it,
 * boards in order of first appearance (doc/network.md "Reading a
 * farm"). doc/reading.md.
 * SPDX-License-Identifier: MIT
 *
 * The tree is printed at the end, so it keeps a small node per process
 * and the argv bytes shown, in the readers' memory (mem.h): when that
 * is spent, the processes read so far are printed and one line says
 * how many more there were, exit 1. */
#include <string.h>

#include "mem.h"
#include "ptree.h"
#include "read.h"

enum {
	ARGV_KEEP = 200,	/* bytes of argv kept per node */
	DEPTH_SHOWN = 32,	/* deeper nodes are indented no further */
};

/* What a line shows of a process, beside its ptree node (same number). */
struct info {
	uint32_t sec, usec, end_sec, end_usec, status;
	uint32_t argv;		/* its argv in the pool */
	uint16_t alen;		/* bytes kept */
	uint8_t end;		/* enum inst_end */
	uint8_t whole;		/* argv ends within alen ("..." otherwise) */
	uint8_t match;		/* passes --pid and --name */
};

static struct {
	struct ptree t;
	struct info *info;	/* info[1..t.n] */
	size_t info_cap;	/* entries */
	unsigned char *pool;	/* the argv bytes */
	size_t pool_len, pool_cap;
	unsigned long missing;	/* processes without a node */
	unsigned char boards[32];	/* bit per board index seen (0: none) */
} tt;

static void tree_free(void)
{
	ptree_free(&tt.t);
	mem_free(tt.info, tt.info_cap * sizeof *tt.info);
	mem_free(tt.pool, tt.pool_cap);
	memset(&tt, 0, sizeof tt);
}

static void tree_begin(const struct read_opts *o)
{
	(void)o;
	tree_free();
}

/* Room for node k's info and n more argv bytes. */
static int room(uint32_t k, size_t n)
{
	tt.info = mem_room(tt.info, &tt.info_cap, (size_t)k + 1,
			   sizeof *tt.info, 1024, SIZE_MAX);
	if (tt.info_cap <= k)
		return -1;
	tt.pool = mem_room(tt.pool, &tt.pool_cap, tt.pool_len + n, 1, 65536,
			   SIZE_MAX);
	return tt.pool_cap < tt.pool_len + n ? -1 : 0;
}

static int tree_start(const struct read_opts *o, struct inst *p)
{
	struct info *d;
	size_t argv = inst_argv_len(p), n;
	uint32_t k;

	(void)o;
	/* argv alone, with its terminating empty item when it fits */
	n = argv && argv <= p->hlen ? argv : p->hlen;
	if (n > ARGV_KEEP)
		n = ARGV_KEEP;
	if (tt.missing || room(tt.t.n + 1, n) < 0 ||
	    !(k = ptree_add(&tt.t, p->key, p->ppid))) {
		tt.missing++;
		return 0;
	}
	p->ref = k;
	tt.boards[PTREE_BOARD(p->key) / 8] |= 1 << PTREE_BOARD(p->key) % 8;
	d = &tt.info[k];
	memset(d, 0, sizeof *d);
	d->sec = d->end_sec = p->sec;
	d->usec = d->end_usec = p->usec;
	d->argv = tt.pool_len;
	d->alen = n;
	d->whole = argv && argv <= n;
	d->match = p->match;
	if (n)		/* (no pool yet when nothing was ever kept) */
		memcpy(tt.pool + tt.pool_len, p->head, n);
	tt.pool_len += n;
	return 0;
}

/* The end of an instance: how and when, into its node. */
static void tree_gone(const struct read_opts *o, struct inst *p)
{
	struct info *d = &tt.info[p->ref];

	(void)o;
	if (!p->ref)
		return;
	ptree_end(&tt.t, p->ref);
	d->end = p->end;
	d->status = p->status;
	d->end_sec = p->end_sec;
	d->end_usec = p->end_usec;
}

static int tree_exit(const struct read_opts *o, struct inst *p)
{
	tree_gone(o, p);
	return 0;
}

/* "PID PPID DURATION STATUS ARGV", argv indented by depth */
static void tree_line(uint32_t k, unsigned depth)
{
	const struct info *d = &tt.info[k];
	char b[FMT_STATUS];

	out_pad(b, fmt_u(b, PTREE_PID(tt.t.node[k].key)), 7, 1);
	out_ch(' ');
	out_pad(b, fmt_u(b, tt.t.node[k].ppid), 7, 1);
	out_ch(' ');
	out_pad(b, fmt_duration(b, d->end == INST_EXITED, d->sec, d->usec,
				d->end_sec, d->end_usec), 10, 1);
	out_ch(' ');
	out_pad(b, fmt_end(b, inst_why(d->end), d->status), 18, 0);
	out_ch(' ');
	if (depth > DEPTH_SHOWN)
		depth = DEPTH_SHOWN;
	if (depth) {
		out_pad("", 0, 3 * (depth - 1), 0);
		out_str("\\_ ");
	}
	out_argv(d->alen ? tt.pool + d->argv : (const unsigned char *)"",
		 d->alen, d->whole ? d->alen : 0);
	out_ch('\n');
}

/* Whether node k is a root to print: one without a parent, or with
 * --pid or --name one that matches under no other that does. */
static int is_root(const struct read_opts *o, uint32_t k)
{
	uint32_t i;

	if (!(o->set & (OPT_PID | OPT_NAME)))
		return !tt.t.node[k].parent;
	if (!tt.info[k].match)
		return 0;
	for (i = tt.t.node[k].parent; i; i = tt.t.node[i].parent)
		if (tt.info[i].match)
			return 0;
	return 1;
}

/* The roots of board index g (0: records without a board, first and
 * under no line) and their subtrees; "[BOARD]" above them. Board
 * indices count in order of first appearance (read.c). */
static void tree_board(const struct read_opts *o, unsigned g)
{
	char b[FMT_BOARD];
	uint32_t k, i;
	unsigned depth, said = !g;

	for (k = 1; k <= tt.t.n; k++) {
		if (PTREE_BOARD(tt.t.node[k].key) != g || !is_root(o, k))
			continue;
		if (!said++) {
			out_ch('[');
			out_mem(b, read_board(b, tt.t.node[k].key));
			out_str("]\n");
		}
		for (i = k, depth = 0; i; i = ptree_walk(&tt.t, k, i, &depth))
			tree_line(i, depth);
	}
}

static int tree_end(const struct read_opts *o)
{
	char b[FMT_ULL + 1];
	unsigned long missing = tt.missing;
	unsigned g;

	out_str("    PID    PPID   DURATION STATUS             ARGV\n");
	for (g = 0; g < 8 * sizeof tt.boards; g++)
		if (tt.boards[g / 8] >> g % 8 & 1)
			tree_board(o, g);
	tree_free();
	if (!missing)
		return 0;
	b[fmt_u(b, missing)] = 0;
	msg(o->file, ": --tree: out of memory: ", b, " processes not shown");
	return 1;
}

const struct read_cmd read_tree = {
	.opts = OPT_PID | OPT_NAME | OPT_BOARD,
	.begin = tree_begin,
	.start = tree_start,
	.exit = tree_exit,
	.gone = tree_gone,
	.end = tree_end,
};
