/* ps.c - stdiocap --ps: one line per process, printed when it ends (the
 * order in which process accounting writes its records), streaming, so
 * any capture size fits. doc/reading.md.
 * SPDX-License-Identifier: MIT */
#include "read.h"

static void ps_begin(const struct read_opts *o)
{
	(void)o;
	out_str("    PID    PPID START                        DURATION"
		"       IN      OUT      ERR STATUS             ARGV\n");
}

/* "PID PPID START DURATION IN OUT ERR STATUS ARGV" */
static void ps_line(const struct read_opts *o, struct inst *p)
{
	char b[FMT_STATUS + FMT_DATE];
	int i;

	(void)o;
	if (!p->match)
		return;
	out_pad(b, fmt_u(b, p->pid), 7, 1);
	out_ch(' ');
	out_pad(b, fmt_u(b, p->ppid), 7, 1);
	out_ch(' ');
	out_mem(b, fmt_date(b, p->sec, p->usec));
	out_ch(' ');
	out_pad(b, inst_fmt_duration(b, p), 10, 1);
	for (i = 0; i < 3; i++) {
		out_ch(' ');
		out_pad(b, fmt_u(b, p->bytes[i]), 8, 1);
	}
	out_ch(' ');
	out_pad(b, inst_fmt_end(b, p), 18, 0);
	out_ch(' ');
	/* a collector's capture (doc/network.md): the board, and what the
	 * network lost of this process */
	if (p->board_len) {
		out_ch('[');
		out_mem(b, fmt_board(b, p->board, p->board_len));
		out_str("] ");
	}
	if (p->lost) {
		out_ch('(');
		out_u(p->lost);
		out_str(p->lost == 1 ? " record lost) " : " records lost) ");
	}
	out_argv(p->head, p->hlen, inst_argv_len(p));
	out_ch('\n');
}

static int ps_exit(const struct read_opts *o, struct inst *p)
{
	ps_line(o, p);
	return 0;
}

const struct read_cmd read_ps = {
	.opts = OPT_PID | OPT_NAME | OPT_FOLLOW | OPT_BOARD,
	.begin = ps_begin,
	.exit = ps_exit,
	.gone = ps_line,
};
