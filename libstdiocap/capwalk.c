/* capwalk.c - the capture file's path, checked and opened in one walk.
 * SPDX-License-Identifier: MIT
 *
 * The most security-sensitive code of the project (doc/stdiocap.1
 * SECURITY): a root wrapper writing into /tmp must not be
 * turned against a file of someone else's choosing. Every component is
 * opened with O_NOFOLLOW relative to the directory fd held from the step
 * before, so nothing can be swapped between a check and the open (a
 * directory replaced by a symlink meanwhile is met as a symlink). A
 * symlink is followed (read and walked in turn) unless it sits in a
 * world-writable sticky directory; the rules are checked on what was
 * opened, not on what was looked at. tests/unit/capwalk_test.c tries
 * every refusal. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

enum { SYMLINK_MAX = 40 };	/* as the kernel's ELOOP limit */

static int mode_is_sticky(mode_t mode)
{
	return (mode & S_ISVTX) && (mode & S_IWOTH);
}

struct walk {
	char rest[PATH_MAX];	/* what is left to walk */
	char name[NAME_MAX + 1];	/* the component at hand */
	int dirfd;		/* the directory it is in */
	int sticky;		/* whether that is world-writable and sticky */
	int links;		/* symlinks followed so far */
};

/* Makes fd, a directory opened O_PATH, the one the walk is in. */
static int walk_enter(struct walk *w, int fd)
{
	struct stat st;

	if (io_fstat(fd, &st) < 0) {
		io_close(fd);
		return -1;
	}
	if (w->dirfd >= 0)
		io_close(w->dirfd);
	w->dirfd = fd;
	w->sticky = mode_is_sticky(st.st_mode);
	return 0;
}

/* Replaces the component at hand, a symlink fd in w->dirfd, by its
 * target: rest becomes target/rest; an absolute target restarts at /. */
static int walk_follow(struct walk *w, int lfd)
{
	char target[PATH_MAX];
	size_t tl, rl = strlen(w->rest);
	ssize_t n;
	int fd;

	if (++w->links > SYMLINK_MAX) {
		errno = ELOOP;
		return -1;
	}
	/* the raw call: musl's readlinkat() only wraps it */
	n = syscall(SYS_readlinkat, lfd, "", target, sizeof target);
	if (n < 0)
		return -1;
	tl = n;
	if (tl + 1 + rl + 1 > sizeof w->rest) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memmove(w->rest + tl + (rl ? 1 : 0), w->rest, rl + 1);
	memcpy(w->rest, target, tl);
	if (rl)
		w->rest[tl] = '/';
	if (target[0] == '/') {
		fd = io_openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC,
			       0);
		if (fd < 0 || walk_enter(w, fd) < 0)
			return -1;
	}
	return 0;
}

/* Takes the next component off rest into name: 1, or 0 when none is
 * left. "." and empty components are skipped. */
static int walk_next(struct walk *w)
{
	char *p = w->rest;
	size_t n;

	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			w->rest[0] = 0;
			return 0;
		}
		/* a loop, not strchr: musl's brings strchrnul along */
		for (n = 0; p[n] && p[n] != '/'; n++)
			;
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(w->name, p, n);
		w->name[n] = 0;
		p += n;
		if (strcmp(w->name, "."))
			break;
	}
	memmove(w->rest, p, strlen(p) + 1);
	return 1;
}

/* 1 if nothing but slashes is left: the component at hand is the last. */
static int walk_last(const struct walk *w)
{
	const char *p = w->rest;

	while (*p == '/')
		p++;
	return !*p;
}

/* Opens the capture file: created 0600 if missing, else the existing
 * regular file, with the sticky-directory rules applied to what is
 * opened. Returns the fd, or -1 with *why (or errno) saying why; *st is
 * what the fd is (st_ino 0: a file just created, not looked at). Each
 * directory is looked at once, when it is entered, and an existing
 * file is looked for before one is created: this walk runs on every
 * wrapped run (doc/performance.md). */
static int walk_open(const char *path, enum capfile_refusal *why,
		     struct stat *st)
{
	const int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY |
			  O_NONBLOCK | O_NOFOLLOW;
	struct walk w;
	size_t len = strlen(path);
	int fd, r, tries = 0;

	if (len >= sizeof w.rest) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(w.rest, path, len + 1);	/* not strcpy: musl's adds stpcpy */
	w.links = 0;
	w.dirfd = -1;
	fd = io_openat(AT_FDCWD, path[0] == '/' ? "/" : ".",
		       O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0 || walk_enter(&w, fd) < 0)
		return -1;
	while ((r = walk_next(&w)) > 0) {
		/* Look before opening: opening a device can have effects. */
		fd = io_openat(w.dirfd, w.name,
			       O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
		if (fd < 0 && errno == ENOENT && walk_last(&w)) {
			/* O_NONBLOCK: opening a FIFO must not hang; O_EXCL,
			 * so a file we create is never someone's. */
			fd = io_openat(w.dirfd, w.name,
				       flags | O_CREAT | O_EXCL, 0600);
			if (fd >= 0) {
				/* whatever the umask: captures hold secrets.
				 * The raw call: musl's fchmod carries an
				 * O_PATH fallback through /proc. */
				if (syscall(SYS_fchmod, fd, 0600) < 0) {
					io_close(fd);
					fd = -1;
				}
				io_close(w.dirfd);
				st->st_ino = 0;
				return fd;
			}
			if (errno == EEXIST && ++tries < 8) {
				/* made since we looked: look again */
				memmove(w.rest + strlen(w.name), w.rest,
					strlen(w.rest) + 1);
				memcpy(w.rest, w.name, strlen(w.name));
				continue;
			}
			break;
		}
		if (fd < 0)
			break;
		if (io_fstat(fd, st) < 0) {
			io_close(fd);
			break;
		}
		if (S_ISLNK(st->st_mode)) {
			if (w.sticky) {
				io_close(fd);
				*why = CAPFILE_STICKY_SYMLINK;
				break;
			}
			r = walk_follow(&w, fd);
			io_close(fd);
			if (r < 0)
				break;
			continue;
		}
		if (!walk_last(&w)) {
			if (!S_ISDIR(st->st_mode)) {
				io_close(fd);
				errno = ENOTDIR;
				break;
			}
			io_close(w.dirfd);
			w.dirfd = fd;
			w.sticky = mode_is_sticky(st->st_mode);
			continue;
		}
		io_close(fd);
		if (!S_ISREG(st->st_mode)) {
			*why = CAPFILE_NOT_REGULAR;
			break;
		}
		fd = io_openat(w.dirfd, w.name, flags, 0);
		if (fd < 0)
			break;
		if (io_fstat(fd, st) < 0 || !S_ISREG(st->st_mode) ||
		    (w.sticky && st->st_uid != geteuid()) ||
		    (w.sticky && st->st_nlink > 1)) {
			/* what was opened is checked, not what was looked at */
			if (!S_ISREG(st->st_mode))
				*why = CAPFILE_NOT_REGULAR;
			else if (st->st_uid != geteuid())
				*why = CAPFILE_STICKY_OWNER;
			else
				*why = CAPFILE_STICKY_LINKS;
			io_close(fd);
			break;
		}
		io_close(w.dirfd);
		return fd;
	}
	if (r == 0)
		errno = EISDIR;	/* the path names a directory */
	io_close(w.dirfd);
	return -1;
}

/* The caller's output must never get pcap bytes mixed in. f: what fd
 * is, if known (st_ino not 0). */
static int same_as_stdio(int fd, struct stat *f)
{
	struct stat s;
	int i;

	if (!f->st_ino && io_fstat(fd, f) < 0)
		return 0;
	for (i = 1; i <= 2; i++)
		if (io_fstat(i, &s) == 0 && s.st_dev == f->st_dev &&
		    s.st_ino == f->st_ino)
			return 1;
	return 0;
}

int capwalk_open(const char *path, enum capfile_refusal *why)
{
	struct stat st;
	int fd;

	*why = CAPFILE_SYSCALL;
	fd = walk_open(path, why, &st);
	if (fd < 0)
		return -1;
	fd = io_move_high(fd);
	if (fd < 0)
		return -1;
	if (same_as_stdio(fd, &st)) {
		*why = CAPFILE_IS_STDIO;
		io_close(fd);
		return -1;
	}
	return fd;
}
