/* open.c - the readers open a capture as carefully as writers do
 * (doc/stdiocap.1 OPTIONS): never blocking on what sits at its path,
 * only a regular file, and a word when someone else wrote it.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read.h"

/* Opens path for reading without ever blocking (a FIFO at the path
 * would wait for a writer, a device may do anything) and refuses what
 * is not a regular file: fd, or -1 (said). */
int open_capture(const char *path, struct stat *sb, const char *cmd)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), fl;

	if (fd < 0) {
		msg_sys(errno, path);
		return -1;
	}
	if (fstat(fd, sb) < 0 || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		msg_sys(errno, path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb->st_mode)) {
		msg(path, S_ISFIFO(sb->st_mode) ? ": a FIFO" :
		    S_ISDIR(sb->st_mode) ? ": a directory" :
		    S_ISCHR(sb->st_mode) || S_ISBLK(sb->st_mode) ? ": a device" :
		    ": a socket", ", not a capture file (read a stream with - "
		    "as FILE: stdiocap ", cmd, " - <", path, ")");
		close(fd);
		return -1;
	}
	return fd;
}

/* Whose capture it is: a note when another user wrote it, since its
 * records then say what that user chose (a crafted file at the default
 * path would show made-up history as this user's). */
void open_note_owner(const char *path, const struct stat *sb)
{
	char u[FMT_ULL + 1], me[FMT_ULL + 1], dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat d;
	size_t n;
	int sticky = 0;

	if (sb->st_uid == geteuid())
		return;
	n = slash ? (size_t)(slash - path) + 1 : 0;
	if (n < sizeof dir - 1) {
		memcpy(dir, n ? path : ".", n ? n : 1);
		dir[n ? n : 1] = 0;
		sticky = stat(dir, &d) == 0 && d.st_mode & S_ISVTX &&
			 d.st_uid != geteuid();
	}
	u[fmt_u(u, sb->st_uid)] = 0;
	me[fmt_u(me, geteuid())] = 0;
	msg(path, ": note: written by uid ", u, ", not by you (uid ", me,
	    sticky ? "), in a shared sticky directory: its records are what "
		     "that user put there" :
		     "): its records are what that user put there");
}
