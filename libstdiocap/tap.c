/* tap.c - a regular file on fds 0-2 stays the target's own; what the
 * target read or wrote there is read back from the file.
 * SPDX-License-Identifier: MIT
 *
 * doc/capture-format.md §4.1: the wrapper and its child share the open
 * file description, so the wrapper sees the target's offset move
 * (lseek SEEK_CUR on its own copy of the fd) and reads the range it
 * moved over with pread, which moves nothing and consumes nothing.
 * Each byte of a file is recorded once: from where the offset was at
 * start (for an O_APPEND output, from the size the file had) up to the
 * furthest offset seen, as the file holds it when it is read back. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stdiocap.h"

/* A readable description of fd's file of our own (pread only: its
 * offset is never used), or fd itself when it is readable; -1 if none
 * can be had (no /proc, a file we may write but not read). */
static int readable(int fd, int fl)
{
	char path[] = "/proc/self/fd/0";
	int r;

	if ((fl & O_ACCMODE) != O_WRONLY)
		return fd;
	path[sizeof path - 2] = (char)('0' + fd);
	r = io_openat(AT_FDCWD, path, O_RDONLY | O_NOCTTY | O_CLOEXEC, 0);
	return r < 0 ? -1 : io_move_high(r);
}

void tap_plan(struct tap tap[3], enum spawn_fd mode[3], const int fl[3], int on)
{
	struct stat st[3];
	off_t at;
	int k, j, i, shared;

	for (i = 0; i < 3; i++)
		tap[i].fd = tap[i].rfd = -1;
	/* Outputs first (1, 2, 0): fds on one file (`>f 2>&1`, `<>f`) are
	 * recorded once, through the first, as that output. */
	for (k = 1; on && k <= 3; k++) {
		i = k % 3;
		if (mode[i] != SPAWN_PIPE || io_fstat(i, &st[i]) < 0 ||
		    !S_ISREG(st[i].st_mode))
			continue;
		shared = 0;
		for (j = 1; j < k; j++)
			shared |= tap[j].fd >= 0 && st[j].st_dev == st[i].st_dev &&
				  st[j].st_ino == st[i].st_ino;
		if (shared) {
			mode[i] = SPAWN_INHERIT;
			continue;
		}
		at = lseek(i, 0, SEEK_CUR);
		if (at < 0)
			continue;
		/* an O_APPEND write lands at the end, wherever the offset
		 * was: what was there before is not the target's */
		if (i && (fl[i] & O_APPEND) && st[i].st_size > at)
			at = st[i].st_size;
		tap[i].rfd = readable(i, fl[i]);
		if (tap[i].rfd < 0)
			continue;	/* relayed through a pipe, as before */
		tap[i].fd = i;
		tap[i].mark = tap[i].cur = at;
		mode[i] = SPAWN_INHERIT;
	}
}

ssize_t tap_read(struct tap *t, void *buf, size_t len)
{
	off_t cur;
	ssize_t got;

	if (t->fd < 0)
		return 0;
	/* the offset is asked again only once what it showed is read */
	if (t->cur <= t->mark) {
		t->cur = lseek(t->fd, 0, SEEK_CUR);
		if (t->cur < 0)
			return -1;
		if (t->cur <= t->mark)
			return 0;	/* nothing new, or sought back (unget) */
	}
	cur = t->cur;
	if ((off_t)len > cur - t->mark)
		len = (size_t)(cur - t->mark);
	do
		got = pread(t->rfd, buf, len, t->mark);
	while (got < 0 && errno == EINTR);
	if (got <= 0) {
		/* the file shrank under the offset: nothing there to read */
		if (got == 0)
			t->mark = cur;
		return got;
	}
	t->mark += got;
	return got;
}

void tap_close(struct tap *t)
{
	if (t->rfd > 2)
		io_close(t->rfd);
	t->fd = t->rfd = -1;
}
