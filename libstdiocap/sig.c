/* sig.c - the signal state a run starts with, what it forwards, how it ends.
 * SPDX-License-Identifier: MIT
 *
 * The wrapper never installs a handler: forwarded signals are blocked and
 * read from a signalfd, so the child can be given back exactly the state
 * the wrapper was started with (doc/stdiocap.1 DESCRIPTION) and no handler can
 * ever run
 * between fork and exec. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stdiocap.h"

/* doc/configuration.md "Terminals": what a kill of the wrapper's pid must pass
 * on to
 * the child. The job-control stops are among them: read
 * from the signalfd, they never stop the wrapper while its child runs;
 * the wrapper stops only when the child has stopped (sig_stop_like). */
static const int forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGALRM,
	SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU,
};

/* Signals whose disposition the wrapper changes for itself. */
static const int changed[] = { SIGPIPE, SIGXFSZ, SIGCHLD };

/* The kernel's struct sigaction for rt_sigaction, as musl's generic
 * ksigaction.h lays it out (MIPS alone has its own). The wrapper only
 * ever sets SIG_DFL or SIG_IGN, and puts back what it read: the raw
 * system call, without musl's sigaction (about 1 KiB with its locks),
 * whose extras (restorer, handler bookkeeping) serve handlers only. */
#ifdef __mips__
# error "struct ksigaction: MIPS has its own layout"
#endif
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
#ifdef SA_RESTORER
	void (*restorer)(void);
#endif
	unsigned mask[2];	/* _NSIG / 8 bytes */
#ifndef SA_RESTORER
	void *unused;
#endif
};

static int ksigaction(int signo, const struct ksigaction *sa,
		      struct ksigaction *old)
{
	/* musl reserves 32-34 for itself and refuses them: so do we */
	if (signo - 32U < 3) {
		errno = EINVAL;
		return -1;
	}
	return syscall(SYS_rt_sigaction, signo, sa, old, _NSIG / 8);
}

int sig_disposition(int signo, void (*handler)(int))
{
	struct ksigaction sa = { .handler = handler };

	return ksigaction(signo, &sa, NULL);
}

static const struct itimerval timer_off;

int sig_takeover(struct sig_state *ss)
{
	struct ksigaction sa;
	sigset_t block;
	size_t i;
	int fd, e;

	sigemptyset(&ss->ignored);
	sigemptyset(&ss->caught);
	if (sigprocmask(SIG_SETMASK, NULL, &ss->mask) < 0)
		return -1;
	for (i = 0; i < sizeof forwarded / sizeof *forwarded; i++) {
		if (ksigaction(forwarded[i], NULL, &sa) < 0)
			return -1;
		if (sa.handler == SIG_IGN)
			sigaddset(&ss->ignored, forwarded[i]);
		/* An ignored SIGCONT still resumes us: keep watching it, for
		 * the background-job check, but never forward it. */
		if (sa.handler != SIG_IGN || forwarded[i] == SIGCONT)
			sigaddset(&ss->caught, forwarded[i]);
	}
	for (i = 0; i < sizeof changed / sizeof *changed; i++) {
		if (ksigaction(changed[i], NULL, &sa) < 0)
			return -1;
		if (sa.handler == SIG_IGN)
			sigaddset(&ss->ignored, changed[i]);
	}
	sigaddset(&ss->caught, SIGCHLD);
	if (getitimer(ITIMER_REAL, &ss->timer) < 0)
		return -1;

	block = ss->mask;
	for (i = 1; i < _NSIG; i++)
		if (sigismember(&ss->caught, i) == 1)
			sigaddset(&block, i);
	if (sigprocmask(SIG_SETMASK, &block, NULL) < 0)
		return -1;
	/* The raw call (the kernel's sigset is _NSIG/8 bytes, as musl passes
	 * it): musl's signalfd() adds a fallback for pre-2.6.27 kernels,
	 * which lack the O_PATH the capture file needs. */
	fd = syscall(SYS_signalfd4, -1, &ss->caught, _NSIG / 8,
		     SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd >= 0)
		fd = io_move_high(fd);
	if (fd < 0)
		goto fail;
	/* SIGCHLD at SIG_IGN would reap the child behind our back. */
	if (sig_disposition(SIGPIPE, SIG_IGN) < 0 ||
	    sig_disposition(SIGXFSZ, SIG_IGN) < 0 ||
	    sig_disposition(SIGCHLD, SIG_DFL) < 0 ||
	    setitimer(ITIMER_REAL, &timer_off, NULL) < 0) {
		io_close(fd);
		goto fail;
	}
	return fd;
fail:
	e = errno;
	sig_restore(ss);
	errno = e;
	return -1;
}

void sig_restore(const struct sig_state *ss)
{
	size_t i;

	for (i = 0; i < sizeof changed / sizeof *changed; i++)
		sig_disposition(changed[i],
				sigismember(&ss->ignored, changed[i]) == 1 ?
				SIG_IGN : SIG_DFL);
	if (ss->timer.it_value.tv_sec || ss->timer.it_value.tv_usec)
		setitimer(ITIMER_REAL, &ss->timer, NULL);
	sigprocmask(SIG_SETMASK, &ss->mask, NULL);
}

int sig_should_forward(const struct sig_state *ss, int signo, int code)
{
	if (sigismember(&ss->ignored, signo) == 1)
		return 0;
	if (code != SI_KERNEL)
		return 1;	/* kill(), sigqueue(), tgkill() */
	/* From the kernel: a terminal's INT/QUIT/WINCH/TSTP (and the
	 * TTIN/TTOU of a background job) went to the whole group or to the
	 * reader itself; a hangup reaches only the session leader, and a
	 * timer only the process that armed it. */
	return signo == SIGALRM || (signo == SIGHUP && getsid(0) == getpid());
}

_Noreturn void sig_end_like(int status)
{
	struct rlimit no_core = { 0, 0 };
	sigset_t only;
	int signo;

	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	signo = WTERMSIG(status);
	/* coreutils timeout's recipe: the child's core is the one that
	 * matters; ours would overwrite it. */
	/* prlimit, not setrlimit: musl's setrlimit drags in the code
	 * that applies it to every thread, and we have one. */
	prlimit(0, RLIMIT_CORE, &no_core, NULL);
	syscall(SYS_prctl, PR_SET_DUMPABLE, 0);	/* as spawn.c */
	sig_disposition(signo, SIG_DFL);
	sigemptyset(&only);
	sigaddset(&only, signo);
	/* kill, not raise: one thread, and raise's cached thread id is
	 * musl's business (spawn.c forks with the raw system call) */
	kill(getpid(), signo);
	sigprocmask(SIG_UNBLOCK, &only, NULL);
	_exit(128 + signo);
}

void sig_stop_like(int signo)
{
	struct ksigaction dfl = { .handler = SIG_DFL }, old;
	sigset_t one, saved;
	int restore;

	/* The wrapper keeps the stop signals blocked (read from the
	 * signalfd) or at the disposition it was started with: for this
	 * one stop, the default action, then back. SIGSTOP cannot be
	 * caught, blocked or changed: sigaction fails and kill stops. */
	restore = ksigaction(signo, &dfl, &old) == 0;
	sigemptyset(&one);
	sigaddset(&one, signo);
	sigprocmask(SIG_UNBLOCK, &one, &saved);
	kill(getpid(), signo);	/* stopped here until a SIGCONT */
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (restore)
		ksigaction(signo, &old, NULL);
}
