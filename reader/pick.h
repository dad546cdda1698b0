/* pick.h - the one instance --extract, --replay and --cast read:
 * instance K of a PID (--instance, from 1 in start order), on one board
 * of a collector's capture (doc/network.md "Reading a farm").
 * SPDX-License-Identifier: MIT */
#ifndef PICK_H
#define PICK_H

#include "read.h"

struct pick {
	uint32_t seen;		/* instances of the PID so far, on its board */
	uint32_t key;		/* the first instance's key: the board it is on */
	uint32_t other;		/* the PID's key on another board, or 0 */
	int found;
};

/* Clears pk: the command's begin hook. */
void pick_begin(struct pick *pk);
/* Whether p, just started, is the instance asked for: instance
 * o->instance of pid o->pid, counted on the board the PID first shows
 * on (every record is on that one with --board, or in a file). A pick
 * gets p->ref 1. */
int pick_start(const struct read_opts *o, struct pick *pk, struct inst *p);
/* Whether reading may stop now that p ended: p was the pick and no
 * other board can hold the PID too (a file, or --board). */
int pick_done(const struct read_opts *o, const struct inst *p);
/* The end hook: one line and 1 when the PID is on two boards (which
 * one was meant is not ours to guess) or the instance never showed. */
int pick_end(const struct read_opts *o, const struct pick *pk);

#endif
