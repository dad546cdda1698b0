/* extract.c - stdiocap --extract PID STREAM: one stream of one instance
 * of a process, byte for byte. Instances of a PID are counted from 1 in
 * start order (--instance K), on one board of a collector's capture
 * (pick.c). doc/reading.md.
 * SPDX-License-Identifier: MIT */
#include "read.h"
#include "pick.h"

static struct pick ex;

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
	pick_begin(&ex);
}

static int ex_start(const struct read_opts *o, struct inst *p)
{
	pick_start(o, &ex, p);
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
	return pick_done(o, p);	/* the instance is complete */
}

static int ex_end(const struct read_opts *o)
{
	return pick_end(o, &ex);
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
