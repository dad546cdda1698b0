/* capfile.c - open, validate, lock and append to the shared capture file.
 * SPDX-License-Identifier: MIT
 *
 * Every record goes out in one writev under flock(LOCK_EX), and the
 * global header is checked and written under the same lock, so any number
 * of wrappers share one file without tearing a record (SPEC §4). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "stdiocap.h"

enum { BATCH_MAX = 3 * RELAY_SLOTS };	/* one poll round: every buffer full */

static int lock(int fd, int op)
{
	int r;

	do
		r = flock(fd, op);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Unlocks without clobbering the errno of the failure being reported. */
static int unlock_fail(int fd)
{
	int e = errno;

	lock(fd, LOCK_UN);
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

static int is_sticky(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && (st.st_mode & S_ISVTX) &&
	       (st.st_mode & S_IWOTH);
}

/* In a world-writable sticky directory (/tmp) another user may have
 * planted a symlink or a file for us. Walks the directories leading to
 * path: -1 if one of them is a symlink sitting in such a directory (its
 * owner chose where the capture goes, and the kernel's
 * protected_symlinks checks only the last component), else 1 if the
 * file's own directory is one, else 0. */
static int sticky_walk(const char *path)
{
	char part[PATH_MAX];
	size_t i, n = strlen(path);
	struct stat st;
	int sticky;

	if (n >= sizeof part)
		return -1;	/* cannot tell: assume the worst */
	memcpy(part, path, n + 1);
	sticky = is_sticky(part[0] == '/' ? "/" : ".");
	for (i = 1; i < n; i++) {
		if (part[i] != '/' || part[i - 1] == '/')
			continue;
		part[i] = 0;
		if (sticky && lstat(part, &st) == 0 && S_ISLNK(st.st_mode))
			return -1;
		sticky = is_sticky(part);
		part[i] = '/';
	}
	return sticky;
}

static int open_file(const char *path, int sticky, enum capfile_refusal *why)
{
	int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int fd, tries;
	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
	if (sticky)
		flags |= O_NOFOLLOW;
	for (tries = 0; tries < 8; tries++) {
		fd = open(path, flags | O_CREAT | O_EXCL, 0600);
		if (fd >= 0) {
			/* whatever the umask: captures hold secrets. The raw
			 * call: musl's fchmod carries an O_PATH fallback
			 * through /proc that this fd never needs. */
			if (syscall(SYS_fchmod, fd, 0600) < 0)
				return io_close(fd);
			return fd;
		}
		if (errno != EEXIST)
			break;
		/* Look before opening: opening a device can have effects. */
		if (sticky ? lstat(path, &st) : stat(path, &st)) {
			if (errno == ENOENT)
				continue;	/* removed meanwhile: retry */
			return -1;
		}
		if (sticky && S_ISLNK(st.st_mode)) {
			*why = CAPFILE_STICKY_SYMLINK;
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			*why = CAPFILE_NOT_REGULAR;
			return -1;
		}
		fd = open(path, flags, 0600);
		if (fd >= 0 || errno != ENOENT)
			break;
	}
	if (fd < 0 && errno == ELOOP && sticky)
		*why = CAPFILE_STICKY_SYMLINK;
	return fd;
}

/* Under the lock: an empty file gets our header, a non-empty one must
 * already start with it (SPEC §3: never write into someone else's file). */
static int check_header(int fd, enum capfile_refusal *why)
{
	unsigned char hdr[FRAME_GLOBAL_LEN];
	struct stat st;
	ssize_t r;

	if (fstat(fd, &st) < 0)
		return -1;
	if (st.st_size == 0) {
		frame_global_header(hdr);
		if (io_write_all(fd, hdr, sizeof hdr) < 0) {
			cut_back(fd, 0);
			return -1;
		}
		return 0;
	}
	if (st.st_size < FRAME_GLOBAL_LEN) {
		*why = CAPFILE_NOT_OURS;
		return -1;
	}
	do
		r = pread(fd, hdr, sizeof hdr, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r != FRAME_GLOBAL_LEN || !frame_global_header_valid(hdr)) {
		*why = CAPFILE_NOT_OURS;
		return -1;
	}
	return 0;
}

int capfile_open(struct capfile *cf, const char *path, off_t max_bytes,
		 enum capfile_refusal *why)
{
	int sticky = sticky_walk(path);
	struct stat st;
	int fd;

	*why = CAPFILE_SYSCALL;
	cf->fd = -1;
	cf->path = path;
	cf->max_bytes = max_bytes;
	cf->over_cap = 0;
	cf->ppid = 0;
	if (sticky < 0) {
		*why = CAPFILE_STICKY_SYMLINK;
		return -1;
	}
	fd = open_file(path, sticky, why);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return io_close(fd);
	if (!S_ISREG(st.st_mode)) {
		*why = CAPFILE_NOT_REGULAR;
		return io_close(fd);
	}
	if (sticky && st.st_uid != geteuid()) {
		*why = CAPFILE_STICKY_OWNER;
		return io_close(fd);
	}
	fd = io_move_high(fd);
	if (fd < 0)
		return -1;
	if (lock(fd, LOCK_EX) < 0)
		return io_close(fd);
	if (check_header(fd, why) < 0) {
		unlock_fail(fd);
		return io_close(fd);
	}
	if (lock(fd, LOCK_UN) < 0)
		return io_close(fd);
	*why = CAPFILE_OK;
	cf->fd = fd;
	return 0;
}

/* A short write sets no errno: writing the next byte once tells why
 * (ENOSPC, EFBIG, EDQUOT). Then all that the torn record put in the file
 * is cut off again, so the file ends on a record boundary. */
static void cut_torn(const struct capfile *cf, const struct iovec *iov,
		     size_t written)
{
	size_t off = written;
	struct stat st;
	ssize_t more;
	int i = 0, e = ENOSPC;

	while (off >= iov[i].iov_len)
		off -= iov[i++].iov_len;
	more = write(cf->fd, (const char *)iov[i].iov_base + off, 1);
	if (more < 0)
		e = errno;
	else
		written += more;
	if (fstat(cf->fd, &st) == 0 && ftruncate(cf->fd, st.st_size - written)) {
		/* the error reported is the write's */
	}
	errno = e;
}

/* Writes iov under the lock the caller holds; a torn tail is cut off so
 * the file ends on a record boundary again. */
static int write_locked(struct capfile *cf, struct iovec *iov, int n,
			size_t total)
{
	struct stat st;
	ssize_t w;

	if (cf->max_bytes) {
		if (fstat(cf->fd, &st) < 0)
			return -1;
		if (st.st_size + (off_t)total > cf->max_bytes) {
			cf->over_cap = 1;
			errno = EFBIG;
			return -1;
		}
	}
	do
		w = writev(cf->fd, iov, n);
	while (w < 0 && errno == EINTR);
	if (w >= 0 && (size_t)w == total)
		return 0;
	if (w > 0)
		cut_torn(cf, iov, w);
	return -1;
}

int capfile_append(struct capfile *cf, uint32_t pid,
		   struct capfile_record *rec, size_t n)
{
	struct iovec iov[2 * BATCH_MAX];
	struct frame_head h;
	struct timespec ts;
	size_t i, total = 0;

	if (n > BATCH_MAX) {
		errno = EINVAL;
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	h.sec = ts.tv_sec;
	h.usec = ts.tv_nsec / 1000;
	h.pid = pid;
	h.ppid = cf->ppid;
	for (i = 0; i < n; i++) {
		h.event = rec[i].event;
		h.len = rec[i].len;
		frame_record_header(rec[i].head, &h);
		iov[2 * i].iov_base = rec[i].head;
		iov[2 * i].iov_len = FRAME_RECORD_LEN;
		iov[2 * i + 1].iov_base = (void *)rec[i].data;
		iov[2 * i + 1].iov_len = rec[i].len;
		total += FRAME_RECORD_LEN + rec[i].len;
	}
	if (lock(cf->fd, LOCK_EX) < 0)
		return -1;
	if (write_locked(cf, iov, 2 * n, total) < 0)
		return unlock_fail(cf->fd);
	return lock(cf->fd, LOCK_UN);
}

int capfile_append_execve(struct capfile *cf, uint32_t pid,
			  char *const argv[], char *const envp[])
{
	unsigned char buf[FRAME_PAYLOAD_MAX], head[FRAME_RECORD_LEN];
	struct frame_blob blob;
	struct frame_head h;
	struct timespec ts;
	struct iovec iov[2];
	struct stat before;

	/* One lock for the whole blob keeps its records consecutive; a blob
	 * that does not fit whole is cut off whole, or a reader would meet
	 * a process whose argv never ends. */
	if (lock(cf->fd, LOCK_EX) < 0)
		return -1;
	if (fstat(cf->fd, &before) < 0)
		return unlock_fail(cf->fd);
	clock_gettime(CLOCK_REALTIME, &ts);
	h.sec = ts.tv_sec;
	h.usec = ts.tv_nsec / 1000;
	h.pid = pid;
	h.ppid = cf->ppid;
	h.event = EVENT_EXECVE;
	frame_blob_init(&blob, argv, envp);
	while ((h.len = frame_blob_next(&blob, buf))) {
		frame_record_header(head, &h);
		iov[0].iov_base = head;
		iov[0].iov_len = FRAME_RECORD_LEN;
		iov[1].iov_base = buf;
		iov[1].iov_len = h.len;
		if (write_locked(cf, iov, 2, FRAME_RECORD_LEN + h.len) < 0) {
			cut_back(cf->fd, before.st_size);
			return unlock_fail(cf->fd);
		}
	}
	return lock(cf->fd, LOCK_UN);
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
