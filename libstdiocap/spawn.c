/* spawn.c - start the target with pipes on fds 0-2 and the start state.
 * SPDX-License-Identifier: MIT
 *
 * Exec failure comes back over a close-on-exec pipe, as in musl's
 * posix_spawn: the parent reads 0 bytes when execve succeeded, or the
 * child's errno when it did not. The read is also what keeps the relay
 * from reading stdin before the child wrote its execve records where
 * vfork is a plain fork (qemu-user emulates it so): not a variable
 * shared with the child, which would save a pipe per run. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stdiocap.h"

/* The pipes of the child's fds 0-2: end[i][0] is the child's end. */
struct pipes {
	int end[3][2];
};

static void pipes_close(struct pipes *p)
{
	int i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++)
			if (p->end[i][j] >= 0) {
				io_close(p->end[i][j]);
				p->end[i][j] = -1;
			}
}

static int pipe_high(int fd[2])
{
	/* The raw call: musl's pipe2() adds a fallback for kernels older
	 * than 2.6.27, which lack the O_PATH the capture file needs. */
	if (syscall(SYS_pipe2, fd, O_CLOEXEC) < 0)
		return -1;
	fd[0] = io_move_high(fd[0]);
	fd[1] = io_move_high(fd[1]);
	if (fd[0] < 0 || fd[1] < 0) {
		if (fd[0] >= 0)
			io_close(fd[0]);
		if (fd[1] >= 0)
			io_close(fd[1]);
		return -1;
	}
	return 0;
}

/* Makes the pipes mode[] asks for; the wrapper's ends are non-blocking
 * (its own descriptors only: doc/reliability.md). */
static int pipes_open(struct pipes *p, const enum spawn_fd mode[3])
{
	int i, fd[2];

	for (i = 0; i < 3; i++)
		p->end[i][0] = p->end[i][1] = -1;
	for (i = 0; i < 3; i++) {
		if (mode[i] != SPAWN_PIPE)
			continue;
		if (pipe_high(fd) < 0)
			goto fail;
		/* fd 0 is read by the child, 1 and 2 are written by it */
		p->end[i][0] = i == 0 ? fd[0] : fd[1];
		p->end[i][1] = i == 0 ? fd[1] : fd[0];
		if (io_fcntl(p->end[i][1], F_SETFL, O_NONBLOCK) < 0)
			goto fail;
	}
	return 0;
fail:
	pipes_close(p);
	return -1;
}

/* Puts the child's ends on fds 0-2. All pipe fds are >= 3, so no dup2
 * can overwrite an end another dup2 still needs. */
static int pipes_install(const struct pipes *p, const enum spawn_fd mode[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		if (mode[i] == SPAWN_PIPE && dup2(p->end[i][0], i) < 0)
			return -1;
		if (mode[i] == SPAWN_CLOSED)
			close(i);
	}
	return 0;
}

static void take_wrapper_ends(struct spawn *sp, struct pipes *p)
{
	int i;

	for (i = 0; i < 3; i++) {
		sp->fd[i] = p->end[i][1];
		p->end[i][1] = -1;
	}
}

int spawn_exec_rc(int err)
{
	return err == ENOENT ? 127 : 126;
}

/* doc/limits.md: the target dies with a wrapper killed by
 * SIGKILL, as the bare program would have been killed. The kernel sends
 * the parent-death signal only for a death after the prctl: a wrapper
 * killed while the child was on its way here is seen as a new parent.
 * A set-user-ID target loses the setting at execve (the kernel's rule). */
static void die_with(pid_t parent)
{
	/* a failed prctl (a seccomp filter) must not stop the target. The
	 * raw call: musl's prctl() only unpacks varargs for it. */
	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		kill(getpid(), SIGKILL);
}

int spawn_child(struct spawn *sp, const char *path, char *const argv[],
		char *const envp[], const enum spawn_fd mode[3],
		const struct sig_state *ss)
{
	struct pipes p;
	int report[2], err = 0;
	ssize_t r;
	pid_t pid, self = getpid();

	if (pipes_open(&p, mode) < 0)
		return -1;
	if (pipe_high(report) < 0) {
		pipes_close(&p);
		return -1;
	}
	/* vfork: the parent sleeps until execve, which saves copying the
	 * page tables. The child only makes system calls and no signal
	 * handler exists that could run in it (sig.c), so sharing the
	 * parent's memory is safe. */
	pid = vfork();
	if (pid == 0) {
		die_with(self);
		if (pipes_install(&p, mode) == 0) {
			if (sp->before_exec)
				sp->before_exec(sp->before_exec_ctx);
			sig_restore(ss);
			execve(path, argv, envp);
		}
		err = errno;
		while (write(report[1], &err, sizeof err) < 0 && errno == EINTR)
			;
		_exit(spawn_exec_rc(err));
	}
	io_close(report[1]);
	if (pid < 0) {
		io_close(report[0]);
		pipes_close(&p);
		return -1;
	}
	do
		r = read(report[0], &err, sizeof err);
	while (r < 0 && errno == EINTR);
	io_close(report[0]);
	sp->pid = pid;
	sp->exec_errno = r == sizeof err ? err : 0;
	take_wrapper_ends(sp, &p);
	pipes_close(&p);
	return 0;
}

int spawn_relay(struct spawn *sp, const enum spawn_fd mode[3])
{
	struct pipes p;
	pid_t pid;
	int i;

	if (pipes_open(&p, mode) < 0)
		return -1;
	/* The raw system call, as musl's _Fork makes it: musl's fork()
	 * also runs atfork handlers and takes the locks of other threads
	 * (about 1.5 KiB with what it pulls in), and we have neither. The
	 * child's cached thread id stays the parent's: the relay never
	 * uses it (no raise(), no pthread call). */
#ifdef SYS_fork
	pid = syscall(SYS_fork);
#else
	pid = syscall(SYS_clone, SIGCHLD, 0);
#endif
	if (pid < 0) {
		pipes_close(&p);
		return -1;
	}
	if (pid == 0) {
		/* The relay: out of the terminal's process group, so a
		 * console Ctrl-C meant for init cannot kill the capture. */
		setsid();
		sp->pid = getppid();
		sp->exec_errno = 0;
		take_wrapper_ends(sp, &p);
		pipes_close(&p);
		return 0;
	}
	for (i = 0; i < 3; i++)
		if (p.end[i][1] >= 0) {
			io_close(p.end[i][1]);
			p.end[i][1] = -1;
		}
	if (pipes_install(&p, mode) < 0) {
		pipes_close(&p);
		return -1;
	}
	pipes_close(&p);
	sp->pid = pid;
	sp->exec_errno = 0;
	for (i = 0; i < 3; i++)
		sp->fd[i] = -1;
	return 1;
}
