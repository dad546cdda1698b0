/* caplock.c - the capture lock: queued for in the kernel, never waited
 * for without bound.
 * SPDX-License-Identifier: MIT
 *
 * Every append holds flock(LOCK_EX) on the capture file
 * (doc/capture-format.md §8). Writers must queue for it, not poll: on a
 * busy boot hundreds of wrappers take turns, and a poller that sleeps
 * between tries loses its turn again and again. But a blocking flock
 * cannot be bounded or interrupted without a signal, and the relay must
 * go on serving signals while it waits (doc/reliability.md "Lock waits").
 * So a contended lock is waited for by a helper process: a lock taken
 * with flock belongs to the open file description, which the helper
 * shares, so once the helper's blocking flock returns, the wrapper holds
 * the lock too. Meanwhile the wrapper polls the helper's pipe and the
 * relay's signalfd (cf->wait) until cf->lock_ms has passed. A holder
 * stopped by a debugger or a rotation script then costs the capture,
 * never the run. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

enum {
	PROGRESS_MS = 50,	/* how often a waiter looks for progress */
	PATIENCE_MS = 30000,	/* the longest wait, progress or not */
};

static int flock_nb(int fd, int op)
{
	int r;

	do
		r = flock(fd, op | LOCK_NB);
	while (r < 0 && errno == EINTR);
	return r;
}

static long long now_ms(void)
{
	struct timespec ts;

	io_clock(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The helper: queues for the lock, says so on out, ends. It dies with
 * the wrapper (a lock it then got would go with the last fd). The raw
 * fork: it may run in a vfork child (the execve records, spawn.c), and
 * musl's fork() would take locks and run atfork handlers for a process
 * that has none. */
static pid_t helper_start(int fd, int out)
{
	pid_t pid;

#ifdef SYS_fork
	pid = syscall(SYS_fork);
#else
	pid = syscall(SYS_clone, SIGCHLD, 0);
#endif
	if (pid)
		return pid;
	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			_exit(1);
	_exit(write(out, "", 1) == 1 ? 0 : 1);
}

/* The file's size, or -1: what a holder making progress changes. */
static off_t size_of(int fd)
{
	struct stat st;

	return io_fstat(fd, &st) < 0 ? -1 : st.st_size;
}

/* Waits for the helper's word on in, serving signals; without a helper
 * (in -1), tries the lock at each look instead. The bound is on a
 * holder that makes no progress: each time the file has changed since
 * the last look, the lock changed hands (every holder appends), and the
 * wait may go on for cf->lock_ms more, for PATIENCE_MS in all (or
 * lock_ms, if longer). A busy queue is waited out, a stopped or stuck
 * holder is not.
 * 1: the lock is ours; 0: the bound passed; -1: an error. */
static int helper_wait(struct capfile *cf, int in)
{
	struct pollfd p = { .fd = in, .events = POLLIN };
	long long now = now_ms(), deadline = now + cf->lock_ms,
		  end = now + (cf->lock_ms > PATIENCE_MS ? cf->lock_ms :
				PATIENCE_MS);
	off_t size = size_of(cf->fd), was;
	int r, ms;
	char c;

	for (;;) {
		now = now_ms();
		was = size;
		size = size_of(cf->fd);
		if (size != was)
			deadline = now + cf->lock_ms < end ? now + cf->lock_ms : end;
		if (now >= deadline)
			return 0;
		ms = deadline - now < PROGRESS_MS ? (int)(deadline - now) :
		     PROGRESS_MS;
		if (cf->wait)
			r = cf->wait(cf->wait_ctx, in, ms);
		else
			r = poll(&p, 1, ms);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0)
			return read(in, &c, 1) == 1;
		/* no helper (fork refused: a process limit): ask */
		if (in < 0 && flock_nb(cf->fd, LOCK_EX) == 0)
			return 1;
	}
}

int caplock_take(struct capfile *cf)
{
	int pipefd[2], got, status, e;
	pid_t pid;

	if (flock_nb(cf->fd, LOCK_EX) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -1;
	/* the raw call: musl's pipe2() carries a fallback for kernels
	 * before 2.6.27 (200 bytes) */
	if (syscall(SYS_pipe2, pipefd, O_CLOEXEC) < 0)
		return -1;
	pid = helper_start(cf->fd, pipefd[1]);
	io_close(pipefd[1]);
	if (pid < 0) {
		io_close(pipefd[0]);
		pipefd[0] = -1;	/* poll ignores it: a pause between tries */
	}
	got = helper_wait(cf, pipefd[0]);
	e = errno;
	if (pid > 0)
		io_close(pipefd[0]);
	if (pid > 0) {
		kill(pid, SIGKILL);	/* still queued, or done already */
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	/* The helper may have got the lock as the deadline passed: the
	 * description then holds it, and asking again says so at once. */
	if (got == 0 && flock_nb(cf->fd, LOCK_EX) == 0)
		got = 1;
	if (got > 0)
		return 0;
	if (got == 0) {
		cf->why = CAPFILE_LOCK_TIMEOUT;
		e = EWOULDBLOCK;
	}
	errno = e;
	return -1;
}

void caplock_release(int fd)
{
	int e = errno;

	flock_nb(fd, LOCK_UN);
	errno = e;
}
