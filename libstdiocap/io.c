/* io.c - system calls that retry EINTR, finish short writes, keep errno.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
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

int io_close(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
	return -1;
}

int io_move_high(int fd)
{
	int high;

	if (fd >= 3)
		return fd;
	/* Never leave one of our fds on 0-2: a closed standard stream of the
	 * caller must stay closed for the child (SPEC §3 transparency). */
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
