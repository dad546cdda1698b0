/* relay.c - the poll loop between the caller's fds 0-2 and the child's pipes.
 * SPDX-License-Identifier: MIT
 *
 * s6-ioconnect's shape: a stream is read only while its buffer is empty,
 * and the poll set is rebuilt from that state every turn, so a slow
 * reader paces its writer and nothing can deadlock. Reads are exactly
 * 8192 bytes, one record each; everything read in one turn is captured
 * with one locked writev before any of it is forwarded (doc/stdiocap.1
 * DESCRIPTION), which is what keeps the relay from being bound by
 * system calls.
 *
 * No read or write here ever blocks (doc/limits.md): the child's
 * pipes are non-blocking, and the caller's fds, whose flags are shared
 * with other processes and never changed, are written through a private
 * non-blocking file description, with send(MSG_DONTWAIT) for a socket,
 * or a page at a time after POLLOUT. So a signal is served at once even
 * while the caller is not reading. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

enum { POLL_MAX = 5 };

/* Output is read up to RELAY_SLOTS chunks per poll round, so that one
 * locked writev captures several records (capfile_append). */
enum { RELAY_SLOTS = 6 };

/* How a stream's destination is written without blocking. */
enum way {
	WAY_WRITE,	/* write(): a non-blocking fd, or a regular file */
	WAY_SEND,	/* send(MSG_DONTWAIT): the caller's socket */
	WAY_BOUNDED,	/* write() of at most PIPE_BUF, only after POLLOUT */
};

struct stream {
	int from, to;		/* -1 when closed */
	enum way way;
	int ready;		/* a write may be tried without waiting for POLLOUT */
	size_t off, len;	/* pending bytes in buf */
	unsigned char buf[RELAY_SLOTS * FRAME_PAYLOAD_MAX];
};

struct relay {
	struct stream stream[3];	/* indexed by EVENT_STDIN... */
	struct capfile *cap;		/* NULL: relay without capturing */
	int sigfd;
	int tty_in;		/* private description of a terminal stdin, or -1 */
	pid_t child;		/* 0 once reaped (or PID 1's relay: none) */
	uint32_t pid;		/* the pid the records carry */
	int status;		/* raw wait status, once reaped */
	int stopsig;		/* the child stopped by it, not mirrored yet */
	int hungup;		/* our terminal hung up: we are its session leader */
	int write_errno;	/* first failed write to the caller's fd 1 or 2 */
	int stdin_allowed;	/* 0 while a background job on a tty */
	int in_pipe_size;	/* capacity of the child's stdin pipe */
	const struct sig_state *sig;
	struct tap tap[3];	/* regular files read back, by event (tap.c) */
	int tap_ms;		/* the next look at them, at the latest */
};

/* Three 48 KiB buffers, off the stack; one relay per process. */
static struct relay relay;

/* While a background job withholds a terminal stdin, how often it asks
 * whether it was brought to the foreground: bash's `fg` of a running
 * job sends no SIGCONT (doc/configuration.md "Terminals"). */
enum { FOREGROUND_POLL_MS = 100 };

/* How long a wrapper whose target writes only to files goes without
 * looking at them (doc/capture-format.md §4.1): soon after they moved,
 * then twice as long each time they did not, up to a second. */
enum { TAP_MIN_MS = 20, TAP_MAX_MS = 1000, TAP_ROUNDS = 4 };

/* "/proc/self/fd/N" opened anew: a file description of our own, whose
 * flags are ours to choose. -1 if that cannot be had (no /proc). */
static int open_private(int fd, int flags)
{
	char path[] = "/proc/self/fd/0";
	int p;

	path[sizeof path - 2] = (char)('0' + fd);
	p = io_openat(AT_FDCWD, path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		      0);
	return p < 0 ? -1 : io_move_high(p);
}

/* isatty() as musl makes it (TIOCGWINSZ), minus the errno it sets,
 * which nobody here reads: the raw call saves its wrapper. */
static int is_tty(int fd)
{
	struct winsize ws;

	return syscall(SYS_ioctl, fd, TIOCGWINSZ, &ws) == 0;
}

/* The null device (1, 3 on Linux everywhere). */
static int is_null(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3);
}

int relay_plan(enum spawn_fd mode[3], int flags, struct tap tap[3])
{
	struct stat st;
	int i, fl, fls[3], tty_in = -1;

	if ((flags & RELAY_SHELL) && is_tty(0))
		flags |= RELAY_INTERACTIVE;	/* an interactive shell */
	for (i = 0; i < 3; i++) {
		fl = fls[i] = io_fcntl(i, F_GETFL, 0);
		if (fl < 0)
			mode[i] = SPAWN_CLOSED;
		/* doc/reliability.md: what the wrapper cannot use as the child
		 * would is the child's to fail on, as bare; /dev/null has
		 * nothing to read, so nothing to relay or capture */
		else if ((fl & O_PATH) ||
			 (fl & O_ACCMODE) == (i ? O_RDONLY : O_WRONLY) ||
			 (i == 0 && io_fstat(0, &st) == 0 &&
			  (S_ISDIR(st.st_mode) || is_null(&st))))
			mode[i] = SPAWN_INHERIT;
		else if ((flags & RELAY_INTERACTIVE) && is_tty(i))
			mode[i] = SPAWN_INHERIT;
		else
			mode[i] = SPAWN_PIPE;
	}
	if (mode[0] == SPAWN_PIPE && (flags & RELAY_STDIN_OWN))
		mode[0] = SPAWN_INHERIT;
	/* doc/configuration.md "Terminals": a terminal stdin is the child's;
	 * read anyway
	 * only through a non-blocking description of our own, so that a
	 * key read by the child first never leaves the relay blocked. */
	if (mode[0] == SPAWN_PIPE && is_tty(0)) {
		if (flags & RELAY_TTY_INTERPOSE)
			tty_in = open_private(0, O_RDONLY);
		if (tty_in < 0)
			mode[0] = SPAWN_INHERIT;
	}
	tap_plan(tap, mode, fls, flags & RELAY_FILES);
	return tty_in;
}

static void output_init(struct stream *s, int fd)
{
	struct stat st;
	int pty;

	s->to = fd;
	s->way = WAY_WRITE;
	s->ready = 1;
	if (io_fstat(fd, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		s->way = WAY_SEND;
		return;
	}
	/* Pipes, FIFOs and terminals wait for a reader. Other files and
	 * devices do not, and reopening some devices makes a new instance
	 * (a pseudo-terminal master opened again is another terminal). */
	if (!S_ISFIFO(st.st_mode) && (!S_ISCHR(st.st_mode) || !is_tty(fd) ||
				      io_ioctl_int(fd, TIOCGPTN, &pty) == 0))
		return;
	s->to = open_private(fd, O_WRONLY);
	if (s->to < 0) {
		s->to = fd;
		s->way = WAY_BOUNDED;
		s->ready = 0;
	}
}

struct relay *relay_init(const struct spawn *sp, int tty_in,
			 const struct tap tap[3],
			 struct capfile *cap, int sigfd,
			 const struct sig_state *ss)
{
	struct relay *r = &relay;
	struct stream *in = &r->stream[EVENT_STDIN];
	int i;

	/* a target that was never executed reads nothing of ours */
	r->tty_in = tty_in;
	in->from = sp->fd[0] < 0 || sp->exec_errno ? -1 :
		   tty_in >= 0 ? tty_in : 0;
	in->to = sp->fd[0];
	in->way = WAY_WRITE;
	in->ready = 1;
	in->off = in->len = 0;
	for (i = EVENT_STDOUT; i <= EVENT_STDERR; i++) {
		r->stream[i].from = sp->fd[i];
		r->stream[i].to = -1;
		r->stream[i].off = r->stream[i].len = 0;
		if (sp->fd[i] >= 0)
			output_init(&r->stream[i], i);
	}
	r->cap = cap;
	r->sigfd = sigfd;
	r->sig = ss;
	/* as PID 1 (doc/installing.md) the
	 * target is our parent */
	r->child = sp->pid == 1 ? 0 : sp->pid;
	r->pid = (uint32_t)sp->pid;
	r->status = r->stopsig = r->hungup = r->write_errno = 0;
	r->stdin_allowed = 1;
	for (i = 0; i < 3; i++)
		r->tap[i] = tap[i];
	r->tap_ms = TAP_MIN_MS;
	r->in_pipe_size = in->to >= 0 ?
			  io_fcntl(in->to, F_GETPIPE_SZ, 0) : -1;
	return r;
}

static void stream_close_from(struct stream *s)
{
	if (s->from > 2)
		io_close(s->from);
	s->from = -1;
}

static void stream_close_to(struct stream *s)
{
	if (s->to > 2)
		io_close(s->to);
	s->to = -1;
	s->off = s->len = 0;
}

/* The child no longer reads its stdin: stop reading ours (doc/limits.md: stdin
 * is read eagerly). */
static void stdin_stop(struct stream *s)
{
	stream_close_to(s);
	stream_close_from(s);	/* the caller's fd 0 stays open */
}

/* doc/configuration.md "Terminals": a background job must not read a terminal,
 * or the kernel
 * stops it with SIGTTIN where the bare command would run on. */
static void stdin_check_foreground(struct relay *r)
{
	int fg;

	if (r->stream[EVENT_STDIN].from < 0)
		return;
	/* TIOCGPGRP fails unless stdin is our controlling terminal, the
	 * only case where reading it can stop us */
	r->stdin_allowed = io_ioctl_int(0, TIOCGPGRP, &fg) < 0 ||
			   fg == getpgrp();
}

/* The one place the child is waited for. A stopped or continued child
 * has not exited (doc/configuration.md "Terminals"): its stop is mirrored. */
static void reap(struct relay *r, int options)
{
	int status;
	pid_t p;

	while (r->child > 0) {
		p = waitpid(r->child, &status, options | WUNTRACED | WCONTINUED);
		if (p == 0)
			return;
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0) {
			/* ECHILD: someone else reaped it; nothing to wait for */
			r->status = 0;
			r->child = 0;
		} else if (WIFSTOPPED(status)) {
			r->stopsig = WSTOPSIG(status);
		} else if (WIFCONTINUED(status)) {
			r->stopsig = 0;
		} else {
			r->status = status;
			r->child = 0;
			r->stopsig = 0;	/* killed while stopped */
		}
	}
}

static int read_signals(struct relay *r)
{
	struct signalfd_siginfo si;
	ssize_t n;
	int signo;

	for (;;) {
		n = read(r->sigfd, &si, sizeof si);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		if (n != sizeof si)
			return 0;
		signo = (int)si.ssi_signo;
		if (signo == SIGCHLD) {
			reap(r, WNOHANG);
			continue;
		}
		/* doc/configuration.md "Terminals": the console session ended;
		 * when the
		 * child is gone, so are we, and the kernel hangs up the
		 * foreground group as it would have after the bare one. */
		if (signo == SIGHUP && si.ssi_code == SI_KERNEL &&
		    getsid(0) == getpid())
			r->hungup = 1;
		if (signo == SIGCONT)
			stdin_check_foreground(r);
		if (r->child > 0 &&
		    sig_should_forward(r->sig, signo, si.ssi_code)) {
			kill(r->child, signo);
			if (signo == SIGCONT)
				r->stopsig = 0;
		}
	}
}

int relay_lock_wait(void *ctx, int fd, int ms)
{
	struct relay *r = ctx;
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		/* fd -1 is ignored by poll: PID 1's relay has no signalfd */
		{ .fd = r->sigfd, .events = POLLIN },
	};
	int n = poll(p, 2, ms);

	if (n > 0 && p[1].revents)
		read_signals(r);
	return n < 0 ? -1 : p[0].revents != 0;
}

/* The child stopped: once nothing is left to relay right now, stop the
 * same way, so the caller's shell shows the job stopped (doc/configuration.md
 * "Terminals"); continued, continue the child too. */
static void mirror_stop(struct relay *r)
{
	sig_stop_like(r->stopsig);
	r->stopsig = 0;
	/* a SIGCONT read from the signalfd is forwarded; one the wrapper
	 * was started ignoring still resumes the child, as bare */
	if (r->child > 0 && r->sig &&
	    sigismember(&r->sig->ignored, SIGCONT) == 1)
		kill(r->child, SIGCONT);
	stdin_check_foreground(r);
}

static void capture(struct relay *r, struct capfile_record *rec, size_t n,
		    void (*lost)(int, const struct capfile *))
{
	if (!r->cap || r->cap->fd < 0 || n == 0)
		return;
	if (capfile_append(r->cap, r->pid, rec, n) < 0) {
		int err = errno;

		capfile_close(r->cap);
		lost(err, r->cap);
	}
}

/* Writes what the destination takes now, the rest waits for POLLOUT.
 * When the caller's reader is gone, closing the pipe lets the child
 * meet the broken pipe itself, as bare (doc/reliability.md); any other
 * failed write is remembered for the exit status. */
static void forward(struct relay *r, struct stream *s)
{
	size_t n;
	ssize_t w;

	while (s->len && s->ready && s->to >= 0) {
		n = s->len;
		if (s->way == WAY_BOUNDED) {
			/* POLLOUT promises a page, no more */
			if (n > PIPE_BUF)
				n = PIPE_BUF;
			s->ready = 0;
		}
		if (s->way == WAY_SEND)
			w = send(s->to, s->buf + s->off, n,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			w = write(s->to, s->buf + s->off, n);
		if (w >= 0) {
			s->off += (size_t)w;
			s->len -= (size_t)w;
		} else if (errno == EINTR) {
			s->ready = 1;
		} else if (errno == EAGAIN) {
			s->ready = 0;
		} else if (s == &r->stream[EVENT_STDIN]) {
			stdin_stop(s);
		} else {
			if (errno != EPIPE && !r->write_errno)
				r->write_errno = errno;
			stream_close_to(s);
			stream_close_from(s);
		}
	}
	if (!s->len)
		s->off = 0;
}

/* Reads up to `chunks` reads of exactly FRAME_PAYLOAD_MAX bytes into the
 * empty buffer, one record each: for the child's output as many as the
 * buffer holds while the pipe has more; for stdin one, plus those that
 * stdin_extra_chunks allows. One locked writev then captures them all.
 * Returns the number of records added; sets *eof at EOF or a read error
 * that ends the stream (EIO of a hung-up terminal). */
static size_t fill(struct stream *s, int chunks,
		   struct capfile_record *rec, enum frame_event event, int *eof)
{
	size_t n = 0;
	ssize_t got;

	*eof = 0;
	while (chunks-- > 0 && s->len + FRAME_PAYLOAD_MAX <= sizeof s->buf) {
		got = io_read(s->from, s->buf + s->len, FRAME_PAYLOAD_MAX);
		if (got < 0 && errno == EAGAIN)
			break;
		if (got <= 0) {
			*eof = 1;
			break;
		}
		rec[n].data = s->buf + s->len;
		rec[n].len = (size_t)got;
		rec[n].event = event;
		n++;
		s->len += (size_t)got;
		if (got < FRAME_PAYLOAD_MAX)
			break;	/* the pipe is empty for now */
	}
	return n;
}

/* Stdin chunks beyond the first of a round: only those the caller has
 * ready (so no read blocks) and the child's pipe has room for, so the
 * wrapper never holds more than one undelivered chunk
 * (doc/capture-format.md §6.1). */
static int stdin_extra_chunks(const struct relay *r)
{
	const struct stream *in = &r->stream[EVENT_STDIN];
	int ready, queued, room, want;

	if (in->from < 0 || in->to < 0 || r->in_pipe_size <= 0 ||
	    io_ioctl_int(in->from, FIONREAD, &ready) < 0 || ready <= 0 ||
	    io_ioctl_int(in->to, FIONREAD, &queued) < 0)
		return 0;
	room = (r->in_pipe_size - queued - (int)in->len) / FRAME_PAYLOAD_MAX;
	want = (ready + FRAME_PAYLOAD_MAX - 1) / FRAME_PAYLOAD_MAX;
	if (want > room)
		want = room;
	return want;
}

/* Reads back what the target's offsets moved over in its files and
 * captures it, up to RELAY_SLOTS records per file; 1 when a file gave
 * that many (more may be waiting), else 0. */
static int tap_sample(struct relay *r, void (*lost)(int, const struct capfile *))
{
	struct capfile_record rec[3 * RELAY_SLOTS];
	struct stream *s;
	size_t n = 0;
	ssize_t got;
	int i, k, full = 0, tapped = 0;

	if (!r->cap || r->cap->fd < 0)
		return 0;
	for (i = EVENT_STDIN; i <= EVENT_STDERR; i++) {
		s = &r->stream[i];
		if (r->tap[i].fd >= 0)
			tapped |= 1 << i;
		/* at most RELAY_SLOTS records a file: a target writing while
		 * it is read back makes short ones, and rec[] holds no more */
		for (k = 0; k < RELAY_SLOTS && r->tap[i].fd >= 0 &&
		     s->len + FRAME_PAYLOAD_MAX <= sizeof s->buf; k++) {
			got = tap_read(&r->tap[i], s->buf + s->len,
				       FRAME_PAYLOAD_MAX);
			if (got < 0)
				tap_close(&r->tap[i]);
			if (got <= 0)
				break;
			rec[n].data = s->buf + s->len;
			rec[n].len = (size_t)got;
			rec[n].event = (enum frame_event)i;
			n++;
			s->len += (size_t)got;
		}
		if (k == RELAY_SLOTS)
			full = 1;
	}
	r->tap_ms = n ? TAP_MIN_MS : r->tap_ms * 2 > TAP_MAX_MS ?
		    TAP_MAX_MS : r->tap_ms * 2;
	capture(r, rec, n, lost);
	/* nothing of it is forwarded: the target wrote or read it itself */
	for (i = EVENT_STDIN; i <= EVENT_STDERR; i++)
		if (tapped & 1 << i)
			r->stream[i].len = 0;
	return full;
}

static int tapping(const struct relay *r)
{
	return r->cap && r->cap->fd >= 0 &&
	       (r->tap[0].fd >= 0 || r->tap[1].fd >= 0 || r->tap[2].fd >= 0);
}

/* Done when both outputs are at EOF with nothing held for the caller and
 * the child is reaped; after a hangup, as soon as the child is. */
static int finished(const struct relay *r)
{
	int i;

	if (r->child > 0)
		return 0;
	if (r->hungup)
		return 1;
	for (i = EVENT_STDOUT; i <= EVENT_STDERR; i++)
		if (r->stream[i].from >= 0 ||
		    (r->stream[i].len && r->stream[i].to >= 0))
			return 0;
	return 1;
}

int relay_run(struct relay *r, void (*lost)(int, const struct capfile *),
	      struct relay_end *end)
{
	struct stream *in = &r->stream[EVENT_STDIN], *s;
	struct pollfd pfd[POLL_MAX];
	struct stream *who[POLL_MAX];
	struct capfile_record rec[3 * RELAY_SLOTS];	/* a full round */
	int in_slot, sig_slot, eof, timeout, ready, more = 0, ret = 0;
	size_t i, k, n;

	stdin_check_foreground(r);
	if (r->cap) {	/* a lock wait serves signals (capfile.c) */
		r->cap->wait = relay_lock_wait;
		r->cap->wait_ctx = r;
	}
	while (!finished(r)) {
		k = 0;
		in_slot = sig_slot = -1;
		for (i = EVENT_STDIN; i <= EVENT_STDERR; i++) {
			s = &r->stream[i];
			if (s->from >= 0 && s->len == 0 &&
			    (s != in || r->stdin_allowed)) {
				if (s == in)
					in_slot = (int)k;
				who[k] = s;
				pfd[k++] = (struct pollfd){ .fd = s->from,
					.events = POLLIN };
			}
			/* The child's stdin is polled even when idle:
			 * POLLERR says the child stopped reading, before
			 * another chunk of stdin is consumed. */
			if (s->to >= 0 && ((s->len && !s->ready) || s == in)) {
				who[k] = s;
				pfd[k++] = (struct pollfd){ .fd = s->to,
					.events = s->len && !s->ready ?
						  POLLOUT : 0 };
			}
		}
		if (r->sigfd >= 0) {
			sig_slot = (int)k;
			who[k] = NULL;
			pfd[k++] = (struct pollfd){ .fd = r->sigfd, .events = POLLIN };
		}
		timeout = r->stopsig && r->child > 0 ? 0 :
			  in->from >= 0 && !r->stdin_allowed ?
			  FOREGROUND_POLL_MS : -1;
		/* while the target runs, look at its files now and then;
		 * at once while a look left more to read */
		if (tapping(r) && (more || r->child > 0) &&
		    (timeout < 0 || more || r->tap_ms < timeout))
			timeout = more ? 0 : r->tap_ms;
		ready = poll(pfd, k, timeout);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			ret = -1;
			break;
		}
		/* every wake looks at the files first: what the target
		 * wrote there before it stopped or wrote to a pipe; a few
		 * buffers at most, then signals and pipes get their turn */
		more = 0;
		for (i = 0; i < TAP_ROUNDS && (i == 0 || more) && tapping(r); i++)
			more = tap_sample(r, lost);
		if (ready == 0) {
			if (r->stopsig && r->child > 0)
				mirror_stop(r);
			else
				stdin_check_foreground(r);
			continue;
		}
		if (sig_slot >= 0 && pfd[sig_slot].revents && read_signals(r) < 0) {
			ret = -1;
			break;
		}

		n = 0;
		for (i = 0; i < k; i++) {
			s = who[i];
			if (!s || !pfd[i].revents)
				continue;
			if (pfd[i].fd == s->to) {
				/* the child closed its stdin, or the
				 * caller's fd takes more (or failed) */
				if (s == in && (pfd[i].revents & (POLLERR | POLLHUP)))
					stdin_stop(in);
				else
					s->ready = 1;
				continue;
			}
			if ((int)i == in_slot && !r->stdin_allowed)
				continue;	/* moved to the background */
			n += fill(s, s == in ? 1 : RELAY_SLOTS, rec + n,
				  (enum frame_event)(s - r->stream), &eof);
			if (s == in && !eof && in->len == FRAME_PAYLOAD_MAX)
				n += fill(s, stdin_extra_chunks(r), rec + n,
					  EVENT_STDIN, &eof);
			if (eof)
				stream_close_from(s);	/* fd 0 stays open */
		}
		capture(r, rec, n, lost);

		for (i = EVENT_STDIN; i <= EVENT_STDERR; i++)
			forward(r, &r->stream[i]);
		/* EOF of our stdin reaches the child once all is forwarded */
		if (in->from < 0 && in->len == 0 && in->to >= 0)
			stream_close_to(in);
	}
	if (ret < 0) {
		int err = errno;

		reap(r, 0);
		errno = err;
	}
	/* the child is gone: the rest of what it moved over */
	while (tapping(r) && tap_sample(r, lost))
		;
	for (i = EVENT_STDIN; i <= EVENT_STDERR; i++)
		tap_close(&r->tap[i]);
	end->status = r->status;
	end->write_errno = r->write_errno;
	return ret;
}
