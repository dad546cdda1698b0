/* caplock.c - the capture lock, never waited for without bound.
 * SPDX-License-Identifier: MIT
 *
 * Every append holds flock(LOCK_EX) on the capture file
 * (doc/capture-format.md §8). A holder stopped by a debugger or a
 * rotation script must not freeze every wrapped program on the board, so
 * a wait ends after cf->lock_ms (doc/stdiocap.1 "Reliability"), and
 * while it waits the relay goes on serving signals (cf->wait). */
#include <errno.h>
#include <poll.h>
#include <sys/file.h>
#include <time.h>

#include "internal.h"

static int flock_nb(int fd, int op)
{
	int r;

	do
		r = flock(fd, op | LOCK_NB);
	while (r < 0 && errno == EINTR);
	return r;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* flock(LOCK_EX), waiting at most cf->lock_ms: retried with a growing
 * pause (1 to 2 ms) in which cf->wait serves the relay's signals. */
int caplock_take(struct capfile *cf)
{
	long long deadline = 0, t;
	long pause = 50;

	while (flock_nb(cf->fd, LOCK_EX) < 0) {
		if (errno != EWOULDBLOCK)
			return -1;
		t = now_us();
		if (!deadline)
			deadline = t + cf->lock_ms * 1000LL;
		if (t >= deadline) {
			cf->why = CAPFILE_LOCK_TIMEOUT;
			errno = EWOULDBLOCK;
			return -1;
		}
		if (cf->wait)
			cf->wait(cf->wait_ctx, pause);
		else
			poll(NULL, 0, (pause + 999) / 1000);	/* poll: linked anyway */
		if (pause < 2000)
			pause *= 2;
	}
	return 0;
}

void caplock_release(int fd)
{
	int e = errno;

	flock_nb(fd, LOCK_UN);
	errno = e;
}
