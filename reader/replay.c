/* replay.c - stdiocap --replay PID: a process's stdout and stderr
 * written again with the timing they were recorded with, as
 * scriptreplay and sudoreplay play a session back. doc/stdiocap.1
 * "--replay".
 * SPDX-License-Identifier: MIT
 *
 * The recorded stdout goes to our stdout and the recorded stderr to our
 * stderr, so that at a terminal the two interleave as they did and in
 * a pipe they stay apart. Each record waits for the time between it and
 * the process's previous record (its execve record for the first),
 * divided by --speed, at most --max-wait seconds (sudoreplay's -m,
 * scriptreplay's --maxdelay): a capture of a boot that waited a minute
 * for a network replays in seconds. The instance is picked as
 * --extract picks it (pick.c). */
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "pick.h"
#include "read.h"
#include "replay.h"

static struct {
	struct pick pick;
	unsigned long long prev;	/* us: the pick's previous record */
} rp;

static unsigned long long us_of(uint32_t sec, uint32_t usec)
{
	return sec * 1000000ull + usec;
}

const char *replay_check(struct read_opts *o, char **arg)
{
	if (!arg[0] || read_parse_u32(arg[0], &o->pid) < 0)
		return "needs the PID to play back";
	return NULL;
}

/* The wait before a record d us after the previous one: d / --speed,
 * at most --max-wait (both in millionths). */
static unsigned long long delay(const struct read_opts *o, unsigned long long d)
{
	if (o->set & OPT_SPEED)
		d = d / o->speed * 1000000 + d % o->speed * 1000000 / o->speed;
	if (o->set & OPT_MAX_WAIT && d > o->max_wait)
		d = o->max_wait;
	return d;
}

static void wait_us(unsigned long long d)
{
	struct timespec ts = { (time_t)(d / 1000000), (long)(d % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void rp_begin(const struct read_opts *o)
{
	(void)o;
	pick_begin(&rp.pick);
}

static int rp_start(const struct read_opts *o, struct inst *p)
{
	if (pick_start(o, &rp.pick, p)) {
		rp.prev = us_of(p->sec, p->usec);
	}
	return 0;
}

/* A chunk of stdout or stderr, after its wait. Our stdout goes through
 * out.c, flushed before each wait so it shows when recorded; stderr is
 * written at once. */
static int rp_io(const struct read_opts *o, struct inst *p,
		 const struct capread_record *r)
{
	unsigned long long t = us_of(r->sec, r->usec);

	if (!p->ref || r->event == EVENT_STDIN || !(o->streams >> r->event & 1))
		return 0;
	out_flush();
	if (out_error())
		return 1;
	wait_us(delay(o, t > rp.prev ? t - rp.prev : 0));
	rp.prev = t;
	if (r->event == EVENT_STDOUT) {
		out_mem(r->data, r->len);
		out_flush();
	} else if (io_write_all(2, r->data, r->len) < 0) {
		if (errno == EPIPE) {
			signal(SIGPIPE, SIG_DFL);
			raise(SIGPIPE);
		}
		msg_sys(errno, "--replay: stderr");
		return 1;
	}
	return out_error() != 0;
}

static int rp_exit(const struct read_opts *o, struct inst *p)
{
	return pick_done(o, p);	/* all of it is played */
}

static int rp_end(const struct read_opts *o)
{
	return pick_end(o, &rp.pick);
}

const struct read_cmd read_replay = {
	.opts = OPT_INSTANCE | OPT_SPEED | OPT_MAX_WAIT | OPT_STREAM | OPT_BOARD,
	.args = 1,
	.check = replay_check,
	.begin = rp_begin,
	.start = rp_start,
	.io = rp_io,
	.exit = rp_exit,
	.end = rp_end,
};
