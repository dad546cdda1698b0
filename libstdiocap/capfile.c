/* capfile.c - open, validate, lock and append to the shared capture file.
 * SPDX-License-Identifier: MIT
 *
 * Every record goes out in one writev under flock(LOCK_EX), and the
 * global header is checked and written under the same lock, so any number
 * of wrappers share one file without tearing a record (README "The
 * format, for Wireshark and tshark"). Under the same lock, before each
 * append: a file found empty gets the global header again (truncated or
 * rotated under us), a torn tail left by a killed writer is cut off
 * (README "Torn tails"), and the timestamp is taken, so time never runs
 * backwards in file order. The lock is never waited for without bound
 * (README "Reliability"). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "stdiocap.h"

enum {
	BATCH_MAX = 3 * RELAY_SLOTS,	/* one poll round: every buffer full */
	REC_MAX = FRAME_RECORD_LEN + FRAME_PAYLOAD_MAX,
	/* the tail examined for a torn record: its last whole record and
	 * the torn one both fit */
	WINDOW = 2 * REC_MAX,
	SYMLINK_MAX = 40,		/* as the kernel's ELOOP limit */
};

#ifdef STDIOCAP_FAULTS
#include <signal.h>
#include <stdlib.h>
/* Test-only builds (CONFIG_EXTRA_CFLAGS=-DSTDIOCAP_FAULTS): stop the
 * wrapper with SIGSTOP while it holds the lock for an output record, so
 * tests can show that nobody else waits for it without bound. */
static void fault_point(enum frame_event event)
{
	static int stopped;	/* once: the exit record goes through */
	const char *f = getenv("STDIOCAP_FAULT");

	if (f && !strcmp(f, "stop-in-lock") && event != EVENT_EXECVE &&
	    !stopped++)
		kill(getpid(), SIGSTOP);	/* the relay: see spawn.c */
}
#else
# define fault_point(event) ((void)0)
#endif

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
static int lock_ex(struct capfile *cf)
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

static void unlock(int fd)
{
	flock_nb(fd, LOCK_UN);
}

/* Unlocks without clobbering the errno of the failure being reported. */
static int unlock_fail(int fd)
{
	int e = errno;

	unlock(fd);
	errno = e;
	return -1;
}

/* Cuts the file back to size, keeping the errno of the failure that
 * made it necessary. */
static void cut_back(int fd, off_t size)
{
	int e = errno;

	if (ftruncate(fd, size) < 0) {
		/* the error reported is the one that brought us here */
	}
	errno = e;
}

static ssize_t pread_all(int fd, unsigned char *buf, size_t n, off_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, buf + got, n - got, off + got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

/* ---- the path: checked and opened in one walk (README "Capture file
 * safety"). Every component is opened with O_NOFOLLOW relative to the
 * directory fd held from the step before, so nothing can be swapped
 * between a check and the open. A symlink is followed (read and walked
 * in turn) unless it sits in a world-writable sticky directory. */

static int dir_is_sticky(int dirfd)
{
	struct stat st;

	return io_fstat(dirfd, &st) == 0 && (st.st_mode & S_ISVTX) &&
	       (st.st_mode & S_IWOTH);
}

struct walk {
	char rest[PATH_MAX];	/* what is left to walk */
	char name[NAME_MAX + 1];	/* the component at hand */
	int dirfd;		/* the directory it is in */
	int links;		/* symlinks followed so far */
};

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
		if (fd < 0)
			return -1;
		io_close(w->dirfd);
		w->dirfd = fd;
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
 * opened. Returns the fd, or -1 with *why (or errno) saying why. */
static int open_walk(const char *path, enum capfile_refusal *why)
{
	const int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY |
			  O_NONBLOCK | O_NOFOLLOW;
	struct walk w;
	struct stat st;
	size_t len = strlen(path);
	int fd, r, sticky, tries = 0;

	if (len >= sizeof w.rest) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(w.rest, path, len + 1);	/* not strcpy: musl's adds stpcpy */
	w.links = 0;
	w.dirfd = io_openat(AT_FDCWD, path[0] == '/' ? "/" : ".",
			    O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (w.dirfd < 0)
		return -1;
	while ((r = walk_next(&w)) > 0) {
		sticky = dir_is_sticky(w.dirfd);
		if (walk_last(&w)) {
			/* O_NONBLOCK: opening a FIFO must not hang; O_EXCL
			 * first, so a file we create is never someone's. */
			fd = io_openat(w.dirfd, w.name,
				       flags | O_CREAT | O_EXCL, 0600);
			if (fd >= 0) {
				/* whatever the umask: captures hold secrets.
				 * The raw call: musl's fchmod carries an
				 * O_PATH fallback through /proc. */
				if (syscall(SYS_fchmod, fd, 0600) < 0)
					fd = io_close(fd);
				io_close(w.dirfd);
				return fd;
			}
			if (errno != EEXIST)
				break;
		}
		/* Look before opening: opening a device can have effects. */
		fd = io_openat(w.dirfd, w.name,
			       O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
		if (fd < 0) {
			if (errno == ENOENT && walk_last(&w) && ++tries < 8) {
				/* removed since O_EXCL saw it: again */
				memmove(w.rest + strlen(w.name), w.rest,
					strlen(w.rest) + 1);
				memcpy(w.rest, w.name, strlen(w.name));
				continue;
			}
			break;
		}
		if (io_fstat(fd, &st) < 0) {
			io_close(fd);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			if (sticky) {
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
			if (!S_ISDIR(st.st_mode)) {
				io_close(fd);
				errno = ENOTDIR;
				break;
			}
			io_close(w.dirfd);
			w.dirfd = fd;
			continue;
		}
		io_close(fd);
		if (!S_ISREG(st.st_mode)) {
			*why = CAPFILE_NOT_REGULAR;
			break;
		}
		fd = io_openat(w.dirfd, w.name, flags, 0);
		if (fd < 0)
			break;
		if (io_fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    (sticky && st.st_uid != geteuid()) ||
		    (sticky && st.st_nlink > 1)) {
			/* what was opened is checked, not what was looked at */
			if (!S_ISREG(st.st_mode))
				*why = CAPFILE_NOT_REGULAR;
			else if (st.st_uid != geteuid())
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
	return io_close(w.dirfd);
}

/* The caller's output must never get pcap bytes mixed in. */
static int same_as_stdio(int fd)
{
	struct stat f, s;
	int i;

	if (io_fstat(fd, &f) < 0)
		return 0;
	for (i = 1; i <= 2; i++)
		if (io_fstat(i, &s) == 0 && s.st_dev == f.st_dev &&
		    s.st_ino == f.st_ino)
			return 1;
	return 0;
}

/* ---- under the lock: the file's state before an append */

/* An empty file gets our header, a non-empty one must already start
 * with it (never write into someone else's file). Returns the size. */
static off_t check_header(struct capfile *cf, int *fresh)
{
	unsigned char hdr[FRAME_GLOBAL_LEN];
	struct stat st;
	ssize_t r;

	if (io_fstat(cf->fd, &st) < 0)
		return -1;
	if (st.st_size == cf->end)
		return st.st_size;	/* as we left it: nothing to check */
	r = pread_all(cf->fd, hdr, sizeof hdr, 0);
	if (r < 0)
		return -1;
	if (r == 0) {
		/* new, or truncated or rotated under us (: >f, logrotate's
		 * copytruncate): a capture again */
		frame_global_header(hdr);
		if (io_write_all(cf->fd, hdr, sizeof hdr) < 0) {
			cut_back(cf->fd, 0);
			return -1;
		}
		*fresh = 1;
		return FRAME_GLOBAL_LEN;
	}
	if (r < FRAME_GLOBAL_LEN || !frame_global_header_valid(hdr)) {
		cf->why = CAPFILE_NOT_OURS;
		errno = EINVAL;
		return -1;
	}
	return st.st_size;
}

/* The walk from a known record boundary (the global header's end) to
 * the end: where the whole valid records end, the size when they reach
 * it. What follows them is a torn record, or junk a power cut left (a
 * tail of zeros), when it is at most WINDOW bytes; further back it is a
 * record broken in the middle of the file: -1, never cut (the tail is
 * not the problem, and cutting would lose what follows). */
static off_t walk_from_start(int fd, off_t size)
{
	unsigned char rec[FRAME_RECORD_LEN];
	struct frame_head h;
	off_t off = FRAME_GLOBAL_LEN;
	uint32_t val;
	ssize_t n;

	while (off < size) {
		n = pread_all(fd, rec, sizeof rec, off);
		if (n < 0)
			return -1;
		if ((size_t)n < FRAME_RECORD_LEN ||
		    frame_decode(rec, &h, &val) ||
		    off + FRAME_RECORD_LEN + (off_t)h.len > size)
			return size - off <= WINDOW ? off : -1;
		off += FRAME_RECORD_LEN + h.len;
	}
	return size;
}

/* Where the file must be cut so that it ends on a record boundary
 * (size: it does), or -1 when that cannot be told. Payloads may hold
 * whole stdiocap records (a wrapped cat of a capture), so a record
 * header found by scanning back proves nothing alone: every offset of
 * the last WINDOW bytes that starts a chain of whole valid records
 * ending at the end, or at a torn prefix of a record, is a candidate,
 * and the true last boundary is one of them. If all agree, that is the
 * cut; if not, the walk from the start decides. */
static off_t tail_cut(int fd, off_t size)
{
	unsigned char buf[WINDOW];
	off_t start = size - WINDOW;
	size_t cut;
	ssize_t r;

	if (start <= FRAME_GLOBAL_LEN)
		return walk_from_start(fd, size);
	r = pread_all(fd, buf, WINDOW, start);
	if (r < 0)
		return -1;
	if (r < WINDOW)
		return walk_from_start(fd, size);	/* shrank meanwhile */
	cut = frame_tail_cut(buf, WINDOW);
	if (cut > WINDOW)
		return walk_from_start(fd, size);
	return start + cut;
}

/* Under the lock: the file ends on a record boundary behind a global
 * header of ours. Returns its size; *fresh says the header was just
 * written (a new, truncated or rotated file). */
static off_t prepare(struct capfile *cf, int *fresh)
{
	off_t size, cut;

	*fresh = 0;
	size = check_header(cf, fresh);
	if (size < 0 || size == cf->end || size == FRAME_GLOBAL_LEN)
		return size;
	cut = tail_cut(cf->fd, size);
	if (cut >= FRAME_GLOBAL_LEN && cut < size) {
		if (ftruncate(cf->fd, cut) < 0)
			return -1;
		return cut;
	}
	return size;
}

static void stamp(struct frame_head *h)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	h->sec = ts.tv_sec;
	h->usec = ts.tv_nsec / 1000;
}

int capfile_open(struct capfile *cf, const char *path, off_t max_bytes,
		 int lock_ms, enum capfile_refusal *why)
{
	int fd, fresh;

	*why = CAPFILE_SYSCALL;
	memset(cf, 0, sizeof *cf);
	cf->fd = -1;
	cf->path = path;
	cf->max_bytes = max_bytes;
	cf->lock_ms = lock_ms;
	cf->end = -1;
	fd = open_walk(path, why);
	if (fd < 0)
		return -1;
	cf->fd = io_move_high(fd);
	if (cf->fd < 0)
		return -1;
	if (same_as_stdio(cf->fd)) {
		*why = CAPFILE_IS_STDIO;
		return io_close(cf->fd);
	}
	if (lock_ex(cf) < 0 || (cf->end = prepare(cf, &fresh)) < 0) {
		*why = cf->why ? cf->why : CAPFILE_SYSCALL;
		if (cf->why != CAPFILE_LOCK_TIMEOUT)
			unlock_fail(cf->fd);
		return io_close(cf->fd);
	}
	unlock(cf->fd);
	*why = CAPFILE_OK;
	return 0;
}

/* A short write sets no errno: writing the next byte once tells why
 * (ENOSPC, EFBIG, EDQUOT). Then all that the torn record put in the file
 * is cut off again, so the file ends on a record boundary. */
static void cut_torn(const struct capfile *cf, const struct iovec *iov,
		     size_t written, off_t size)
{
	size_t off = written;
	ssize_t more;
	int i = 0, e = ENOSPC;

	while (off >= iov[i].iov_len)
		off -= iov[i++].iov_len;
	more = write(cf->fd, (const char *)iov[i].iov_base + off, 1);
	if (more < 0)
		e = errno;
	if (ftruncate(cf->fd, size)) {
		/* the error reported is the write's */
	}
	errno = e;
}

/* Writes iov at the end (size) under the lock the caller holds; a
 * failed write is cut off so the file ends on a record boundary. */
static int write_locked(struct capfile *cf, struct iovec *iov, int n,
			size_t total, off_t size)
{
	ssize_t w;

	if (cf->max_bytes && size + (off_t)total > cf->max_bytes) {
		cf->over_cap = 1;
		errno = EFBIG;
		return -1;
	}
	do
		w = writev(cf->fd, iov, n);
	while (w < 0 && errno == EINTR);
	if (w >= 0 && (size_t)w == total) {
		cf->end = size + total;
		return 0;
	}
	if (w > 0)
		cut_torn(cf, iov, w, size);
	return -1;
}

/* The execve blob of argv and envp as dport-3 records, at size, under
 * the lock; the header fields but event and len come from h. A blob
 * that does not fit whole is cut off whole, or a reader would meet a
 * process whose argv never ends. */
static int blob_locked(struct capfile *cf, struct frame_head h,
		       char *const argv[], char *const envp[], off_t size)
{
	unsigned char buf[FRAME_PAYLOAD_MAX], head[FRAME_RECORD_LEN];
	struct frame_blob blob;
	struct iovec iov[2];
	off_t before = size;

	h.event = EVENT_EXECVE;
	frame_blob_init(&blob, argv, envp);
	while ((h.len = frame_blob_next(&blob, buf))) {
		h.seq = cf->seq++;
		frame_record_header(head, &h);
		iov[0].iov_base = head;
		iov[0].iov_len = FRAME_RECORD_LEN;
		iov[1].iov_base = buf;
		iov[1].iov_len = h.len;
		if (write_locked(cf, iov, 2, FRAME_RECORD_LEN + h.len, size) < 0) {
			cut_back(cf->fd, before);
			cf->end = before;
			return -1;
		}
		size = cf->end;
	}
	return 0;
}

int capfile_append(struct capfile *cf, uint32_t pid,
		   struct capfile_record *rec, size_t n)
{
	struct iovec iov[2 * BATCH_MAX];
	struct frame_head h;
	size_t i, total = 0;
	off_t size;
	int fresh;

	if (n > BATCH_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (cf->sink)
		return cf->sink(cf, pid, rec, n);
	if (lock_ex(cf) < 0)
		return -1;
	size = prepare(cf, &fresh);
	if (size < 0)
		return unlock_fail(cf->fd);
	fault_point(rec[0].event);
	stamp(&h);
	h.pid = pid;
	h.ppid = cf->ppid;
	/* A file emptied under us (rotated): the process is introduced
	 * again, so its records are a capture of their own. */
	if (fresh && cf->argv) {
		if (blob_locked(cf, h, cf->argv, cf->envp, size) < 0)
			return unlock_fail(cf->fd);
		size = cf->end;
	}
	for (i = 0; i < n; i++) {
		h.event = rec[i].event;
		h.len = rec[i].len;
		h.seq = cf->seq++;
		frame_record_header(rec[i].head, &h);
		iov[2 * i].iov_base = rec[i].head;
		iov[2 * i].iov_len = FRAME_RECORD_LEN;
		iov[2 * i + 1].iov_base = (void *)rec[i].data;
		iov[2 * i + 1].iov_len = rec[i].len;
		total += FRAME_RECORD_LEN + rec[i].len;
	}
	if (write_locked(cf, iov, 2 * n, total, size) < 0)
		return unlock_fail(cf->fd);
	unlock(cf->fd);
	return 0;
}

int capfile_append_execve(struct capfile *cf, uint32_t pid,
			  char *const argv[], char *const envp[])
{
	struct frame_head h;
	off_t size;
	int fresh;

	/* One lock for the whole blob keeps its records consecutive. */
	if (lock_ex(cf) < 0)
		return -1;
	size = prepare(cf, &fresh);
	if (size < 0)
		return unlock_fail(cf->fd);
	stamp(&h);
	h.pid = pid;
	h.ppid = cf->ppid;
	if (blob_locked(cf, h, argv, envp, size) < 0)
		return unlock_fail(cf->fd);
	cf->argv = argv;
	cf->envp = envp;
	unlock(cf->fd);
	return 0;
}

int capfile_append_exit(struct capfile *cf, uint32_t pid, int status)
{
	unsigned char be[FRAME_EXIT_LEN];
	struct capfile_record rec;

	frame_exit_encode(be, status);
	rec.data = be;
	rec.len = sizeof be;
	rec.event = EVENT_EXIT;
	return capfile_append(cf, pid, &rec, 1);
}

void capfile_close(struct capfile *cf)
{
	if (cf->fd >= 0)
		io_close(cf->fd);
	cf->fd = -1;
}
