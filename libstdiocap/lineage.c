/* lineage.c - who ran this program: the destination of its records.
 * SPDX-License-Identifier: MIT
 *
 * doc/capture-format.md §3.3: the parent, except when the parent is itself a
 * stdiocap relay. Then a recorded program replaced itself with this
 * wrapper (`exec cmd`, or a shell running the last command of -c in
 * place), this process is that program, and the records name it: our
 * own pid. The parent is a relay when its executable is the same file
 * as ours and it holds our capture file open. The executable alone
 * would do on a native run (a relay's child runs the target, never
 * stdiocap itself), but under qemu-user every emulated process's
 * executable is the emulator: a wrapped program run by an unwrapped,
 * emulated shell would then name itself. The open capture file is what
 * only a relay of this capture has. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stdiocap.h"

/* Appends the decimal digits of v to buf at *i. v / 10 as a
 * multiplication (exact for every 32-bit v): 32-bit ARM has no divide
 * instruction, and -Os would call libgcc's division, which brings
 * raise() for division by zero (770 bytes). */
static void put_number(char *buf, size_t *i, uint32_t v)
{
	char digits[12];
	size_t n = 0;
	uint32_t q;

	do {
		q = (uint32_t)((uint64_t)v * 0xcccccccdu >> 35);
		digits[n++] = '0' + (v - q * 10);
	} while ((v = q) > 0);
	while (n)
		buf[(*i)++] = digits[--n];
}

/* "/proc/PID/" + tail, without stdio; returns the length. */
static size_t proc_path(char *buf, pid_t pid, const char *tail)
{
	static const char pre[] = "/proc/";
	size_t i, k;

	for (i = 0; pre[i]; i++)
		buf[i] = pre[i];
	put_number(buf, &i, pid);
	buf[i++] = '/';
	for (k = 0; tail[k]; k++)
		buf[i++] = tail[k];
	buf[i] = 0;
	return i;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* 1 if process pid has a descriptor open on the file cap describes.
 * Raw getdents64 into a stack buffer: musl's opendir allocates. */
static int holds_file(pid_t pid, const struct stat *cap)
{
	char path[64], buf[1024];
	struct stat st;
	size_t base, k;
	long n, off;
	int dir, found = 0;

	base = proc_path(path, pid, "fd/");
	dir = io_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (dir < 0)
		return 0;
	while (!found && (n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0)
		for (off = 0; off < n && !found;) {
			struct dirent *d = (struct dirent *)(buf + off);

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			for (k = 0; d->d_name[k] && base + k < sizeof path - 1; k++)
				path[base + k] = d->d_name[k];
			path[base + k] = 0;
			found = io_stat(path, &st) == 0 && same_file(&st, cap);
		}
	io_close(dir);
	return found;
}

/* 1 if process pid runs this same program and holds the file cap
 * open: a relay of this capture. Not inspectable (no /proc, another
 * user's process): 0. */
static int is_relay(pid_t pid, const struct stat *self, const struct stat *cap)
{
	struct stat st;
	char path[64];

	proc_path(path, pid, "exe");
	return io_stat(path, &st) == 0 && same_file(&st, self) &&
	       /* a socket (doc/network.md) is the relay's own: the
		* executable decides alone */
	       (S_ISSOCK(cap->st_mode) || holds_file(pid, cap));
}

uint32_t lineage_parent(int capfd, pid_t pid, const struct stat *exe)
{
	struct stat self, cap;
	pid_t ppid = getppid();

	if (pid == 1)
		return 0;	/* no parent: 10.0.0.0 */
	if (!exe && io_stat("/proc/self/exe", &self) == 0)
		exe = &self;
	if (ppid > 1 && exe && io_fstat(capfd, &cap) == 0 &&
	    is_relay(ppid, exe, &cap))
		return (uint32_t)pid;
	return ppid;
}

/* The parent of pid, from /proc/PID/stat ("pid (comm) S ppid ..."; comm
 * may hold anything, so after its last ')'); 0 if unknown. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	ssize_t n;
	pid_t pp = 0;
	int fd, i, close_at = -1;

	proc_path(path, pid, "stat");
	fd = io_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	n = io_read(fd, buf, sizeof buf - 1);
	io_close(fd);
	for (i = 0; i < n; i++)
		if (buf[i] == ')')
			close_at = i;
	if (close_at < 0 || close_at + 4 >= n)
		return 0;
	for (i = close_at + 4; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		pp = pp * 10 + (buf[i] - '0');
	return pp;
}

/* Bounds the walk: a process tree deeper than this is not a shell's. */
enum { ANCESTORS_MAX = 256 };

pid_t lineage_relay_above(int capfd, int outfd)
{
	struct stat self, cap, out;
	pid_t pid = getppid();
	int depth, far;

	if (io_stat("/proc/self/exe", &self) < 0 || io_fstat(capfd, &cap) < 0 ||
	    io_fstat(outfd, &out) < 0)
		return 0;
	/* a pipe or socket may lead anywhere, through other programs */
	far = S_ISFIFO(out.st_mode) || S_ISSOCK(out.st_mode);
	for (depth = 0; pid > 1 && depth < ANCESTORS_MAX; depth++) {
		if (is_relay(pid, &self, &cap) && (far || holds_file(pid, &out)))
			return pid;
		pid = parent_of(pid);
	}
	return 0;
}
