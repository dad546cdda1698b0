/* pick.c - the instance --extract, --replay and --cast read (pick.h).
 * SPDX-License-Identifier: MIT */
#include <string.h>

#include "pick.h"

void pick_begin(struct pick *pk)
{
	memset(pk, 0, sizeof *pk);
}

/* Instances count from their execve record (or from the first record of
 * the PID, in a capture that starts mid-way). */
int pick_start(const struct read_opts *o, struct pick *pk, struct inst *p)
{
	if (p->pid != o->pid)
		return 0;
	if (!pk->seen && !pk->key)
		pk->key = p->key;
	if (p->key != pk->key) {	/* (never with --board) */
		pk->other = p->key;
		return 0;
	}
	if (!(p->split.len || !pk->seen) || ++pk->seen != o->instance)
		return 0;
	p->ref = pk->found = 1;
	return 1;
}

int pick_done(const struct read_opts *o, const struct inst *p)
{
	return p->ref && !(p->key >> 24 && !(o->set & OPT_BOARD));
}

int pick_end(const struct read_opts *o, const struct pick *pk)
{
	char k[FMT_ULL + 1], pid[FMT_ULL + 1], a[FMT_BOARD + 1],
	     b[FMT_BOARD + 1];

	pid[fmt_u(pid, o->pid)] = 0;
	if (pk->other) {
		a[read_board(a, pk->key)] = 0;
		b[read_board(b, pk->other)] = 0;
		msg(o->file, ": pid ", pid, " is on more than one board (", a,
		    ", ", b, "): choose one with --board ADDR");
		return 1;
	}
	if (pk->found || o->broken || o->gaps)
		return 0;
	k[fmt_u(k, o->instance)] = 0;
	msg(o->file, ": no instance ", k, " of pid ", pid);
	return 1;
}
