/* replay.h - the PID --replay and --cast play back (replay.c), and
 * the asciicast writer's text encoding (cast.c).
 * SPDX-License-Identifier: MIT */
#ifndef REPLAY_H
#define REPLAY_H

#include "read.h"

/* The positional PID of --replay and --cast. */
const char *replay_check(struct read_opts *o, char **arg);

#endif
