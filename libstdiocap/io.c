/* io.c - system calls that retry EINTR, finish short writes, keep errno.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "stdiocap.h"

ssize_t io_read(int fd, void *buf, size_t len)
{
	ssize_t r;

	do
		r = read(fd, buf, len);
	while (r < 0 && errno == EINTR);
	return r;
}

int io_write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t w;

	while (len) {
		w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= w;
	}
	return 0;
}

void io_close(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}

int io_move_high(int fd)
{
	int high;

	if (fd >= 3)
		return fd;
	/* Never leave one of our fds on 0-2: a closed standard stream of the
	 * caller must stay closed for the child (doc/reliability.md). */
	high = io_fcntl(fd, F_DUPFD_CLOEXEC, 3);
	io_close(fd);
	return high;
}

int io_ioctl_int(int fd, unsigned long request, int *value)
{
	/* The raw system call: musl's ioctl() carries a time64 conversion
	 * table (about 1 KiB on 32-bit ARM) that these requests never need. */
	return syscall(SYS_ioctl, fd, request, value) < 0 ? -1 : 0;
}

int io_fcntl(int fd, int cmd, int arg)
{
	/* The raw system call: musl's fcntl() (about 400 bytes) adds
	 * F_GETOWN, lock-struct and pre-2.6.24 F_DUPFD_CLOEXEC cases that
	 * the commands used here never reach. */
	return syscall(SYS_fcntl, fd, cmd, arg);
}

int io_openat(int dirfd, const char *path, int flags, int mode)
{
	/* The raw call, with the O_LARGEFILE musl's openat() adds on 32-bit
	 * hosts; its wrapper only unpacks the mode from varargs. */
	return syscall(SYS_openat, dirfd, path, flags | O_LARGEFILE, mode);
}

/* fstat and stat as raw system calls: musl's fstatat is 550 bytes on
 * x86_64 and about 900 on 32-bit ARM (statx first, then the old calls,
 * then a /proc fallback for kernels without O_PATH, which the capture
 * file walk needs anyway). fstat fails with EBADF on an O_PATH fd
 * before Linux 3.6: the empty path then asks again, as musl does. On
 * x86_64 the kernel's struct stat is libc's; on ARM (EABI) the
 * kernel's struct stat64 is converted, as musl's arm/kstat.h has it;
 * other hosts keep libc's calls. */
#if defined(__x86_64__) && !defined(__ILP32__)
# define SYS_FSTAT SYS_fstat
# define SYS_FSTATAT SYS_newfstatat
#elif defined(__arm__)
# define SYS_FSTAT SYS_fstat64
# define SYS_FSTATAT SYS_fstatat64
struct kstat {
	unsigned long long dev;
	unsigned char pad0[4];
	unsigned long ino32;
	unsigned int mode, nlink;
	unsigned long uid, gid;
	unsigned long long rdev;
	unsigned char pad3[4];
	long long size;
	unsigned long blksize;
	unsigned long long blocks;
	unsigned long atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	unsigned long long ino;
};
#endif

#ifdef SYS_FSTAT
/* path NULL: fd itself */
static int raw_stat(int fd, const char *path, struct stat *st)
{
#ifdef __arm__
	struct kstat k, *buf = &k;
#else
	struct stat *buf = st;
#endif
	long r;

	if (path)
		r = syscall(SYS_FSTATAT, fd, path, buf, 0);
	else if ((r = syscall(SYS_FSTAT, fd, buf)) < 0 && errno == EBADF)
		r = syscall(SYS_FSTATAT, fd, "", buf, AT_EMPTY_PATH);
	if (r < 0)
		return -1;
#ifdef __arm__
	*st = (struct stat){
		.st_dev = k.dev, .st_ino = k.ino, .st_mode = k.mode,
		.st_nlink = k.nlink, .st_uid = k.uid, .st_gid = k.gid,
		.st_rdev = k.rdev, .st_size = k.size,
		.st_blksize = k.blksize, .st_blocks = k.blocks,
		.st_atim = { k.atime, k.atime_ns },
		.st_mtim = { k.mtime, k.mtime_ns },
		.st_ctim = { k.ctime, k.ctime_ns },
	};
#endif
	return 0;
}
#endif

int io_fstat(int fd, struct stat *st)
{
#ifdef SYS_FSTAT
	return raw_stat(fd, NULL, st);
#else
	return fstat(fd, st);
#endif
}

int io_stat(const char *path, struct stat *st)
{
#ifdef SYS_FSTAT
	return raw_stat(AT_FDCWD, path, st);
#else
	return stat(path, st);
#endif
}

int io_clock(int clock, struct timespec *ts)
{
	/* The raw call where libc's struct timespec is the kernel's (64-bit
	 * hosts): a wrapped run reads the clock two to four times, and
	 * musl's clock_gettime first looks the vDSO symbol up and faults its
	 * pages in, which costs more than those few system calls (2% of a
	 * wrapped true; doc/performance.md). Other hosts keep libc's call. */
#if defined(SYS_clock_gettime) && ULONG_MAX > 0xffffffffUL
	return syscall(SYS_clock_gettime, clock, ts) < 0 ? -1 : 0;
#else
	return clock_gettime(clock, ts);
#endif
}
