/* replay.h - the instance --replay and --cast play back (replay.c), and
 * the asciicast writer's text encoding (cast.c).
 * SPDX-License-Identifier: MIT */
#ifndef REPLAY_H
#define REPLAY_H

#include "read.h"

/* Whether p is the instance asked for: instance o->instance of pid
 * o->pid, counted from 1 in start order (as --extract counts). *seen
 * counts the instances of the pid so far; the caller clears it in its
 * begin hook. A pick gets p->ref 1. */
int replay_pick(const struct read_opts *o, struct inst *p, uint32_t *seen);

/* The positional PID of --replay and --cast. */
const char *replay_check(struct read_opts *o, char **arg);

#endif
