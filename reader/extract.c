/* extract.c - stdiocap --extract PID STREAM: one stream of one instance
 * of a process, byte for byte. Instances of a PID are counted from 1 in
 * start order (--instance K). doc/reading.md.
 * SPDX-License-Identifier: MIT
 *
 * A collector's capture (doc/network.md "Reading a farm"): a PID is
 * only a process on its board, and boards reuse each other's PIDs.
 * Without --board the whole capture is read, and a PID found on a
 * second board stops the reading with one line asking for --board
 * (exit 1): which board's process was meant is not ours to guess. */
#include "read.h"

static struct {
	uint32_t seen;		/* instances of the PID so far */
	int found;
	uint32_t key, other;	/* the first's key; one on another board */
} ex;

static const char *ex_check(struct read_opts *o, char **arg)
{
	int s;

	if (!arg[1] || read_parse_u32(arg[0], &o->pid) < 0 ||
	    (s = read_parse_stream(arg[1])) < 0)
		return "needs PID and STREAM (in, out, err)";
	o->stream = s;
	return 0;
}

static void ex_begin(const struct read_opts *o)
{
	(void)o;
	ex.seen = 0;
	ex.found = 0;
	ex.key = ex.other = 0;
}

/* Instances count from their execve record (or from the first record
 * of the PID, in a capture that starts mid-way). */
static int ex_start(const struct read_opts *o, struct inst *p)
{
	if (p->pid != o->pid)
		return 0;
	if (!ex.seen && !ex.key)
		ex.key = p->key;
	if (p->key != ex.key) {		/* (never with --board) */
		ex.other = p->key;
		return 1;
	}
	if ((p->split.len || !ex.seen) &&
	    ++ex.seen == o->instance) {
		p->ref = ex.found = 1;
	}
	return 0;
}

static int ex_io(const struct read_opts *o, struct inst *p,
		 const struct capread_record *r)
{
	if (p->ref && (int)r->event == o->stream)
		out_mem(r->data, r->len);
	return 0;
}

static int ex_exit(const struct read_opts *o, struct inst *p)
{
	/* the instance is complete; on a farm, unless another board has
	 * the PID too */
	return p->ref && !(p->key >> 24 && !(o->set & OPT_BOARD));
}

static int ex_end(const struct read_opts *o)
{
	char k[FMT_ULL + 1], pid[FMT_ULL + 1], a[FMT_BOARD + 1],
	     b[FMT_BOARD + 1];

	if (ex.other) {
		pid[fmt_u(pid, o->pid)] = 0;
		a[read_board(a, ex.key)] = 0;
		b[read_board(b, ex.other)] = 0;
		msg(o->file, ": pid ", pid, " is on more than one board (", a,
		    ", ", b, "): choose one with --board ADDR");
		return 1;
	}
	if (ex.found || o->broken || o->gaps)
		return 0;
	k[fmt_u(k, o->instance)] = 0;
	pid[fmt_u(pid, o->pid)] = 0;
	msg(o->file, ": no instance ", k, " of pid ", pid);
	return 1;
}

const struct read_cmd read_extract = {
	.opts = OPT_INSTANCE | OPT_FOLLOW | OPT_BOARD,
	.args = 2,
	.check = ex_check,
	.begin = ex_begin,
	.start = ex_start,
	.io = ex_io,
	.exit = ex_exit,
	.end = ex_end,
};
