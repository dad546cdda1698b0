/* relay.c - the poll loop between the caller's fds 0-2 and the child's pipes.
 * SPDX-License-Identifier: MIT
 *
 * s6-ioconnect's shape: one 8192-byte buffer per stream, a stream is read
 * only while its buffer is empty, and the poll set is rebuilt from that
 * state every turn, so a slow reader paces its writer and nothing can
 * deadlock. Everything read in one turn is captured with one locked
 * writev before any of it is forwarded (SPEC §3). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stdiocap.h"

enum { POLL_MAX = 5 };

static void stream_close_from(struct relay_stream *s)
{
	if (s->from > 2)
		io_close(s->from);
	s->from = -1;
}

static void stream_close_to(struct relay_stream *s)
{
	if (s->to > 2)
		io_close(s->to);
	s->to = -1;
	s->off = s->len = 0;
}

/* The child no longer reads its stdin: stop reading ours (SPEC §3). */
static void stdin_stop(struct relay_stream *s)
{
	stream_close_to(s);
	s->from = -1;		/* the caller's fd 0 stays open */
}

/* SPEC §3: a background job must not read a terminal, or the kernel
 * stops it with SIGTTIN where the bare command would run on. */
static void stdin_check_foreground(struct relay *r)
{
	pid_t fg;

	if (r->stream[EVENT_STDIN].from < 0)
		return;
	/* fails unless stdin is our controlling terminal, the only case
	 * where reading it can stop us */
	fg = io_foreground_group(0);
	r->stdin_allowed = fg < 0 || fg == getpgrp();
}

static void reap(struct relay *r)
{
	int status;
	pid_t p;

	while (r->child > 0) {
		/* no WUNTRACED: a stopped child has not exited */
		p = waitpid(r->child, &status, WNOHANG);
		if (p == 0 || (p < 0 && errno == EINTR))
			return;
		if (p < 0) {
			/* ECHILD: someone else reaped it; nothing to wait for */
			r->status = 0;
			r->child = 0;
			return;
		}
		r->status = status;
		r->child = 0;
	}
}

static int read_signals(struct relay *r)
{
	struct signalfd_siginfo si;
	ssize_t n;

	for (;;) {
		n = read(r->sigfd, &si, sizeof si);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		if (n != sizeof si)
			return 0;
		if (si.ssi_signo == SIGCHLD) {
			reap(r);
			continue;
		}
		if (si.ssi_signo == SIGCONT)
			stdin_check_foreground(r);
		if (r->child > 0 &&
		    sig_should_forward(r->sig, si.ssi_signo, si.ssi_code))
			kill(r->child, si.ssi_signo);
	}
}

static void capture(struct relay *r, struct capfile_record *rec, size_t n,
		    void (*lost)(int, void *), void *ctx)
{
	if (!r->cap || r->cap->fd < 0 || n == 0)
		return;
	if (capfile_append(r->cap, r->pid, rec, n) < 0) {
		r->capture_errno = errno;
		capfile_close(r->cap);
		lost(r->capture_errno, ctx);
	}
}

/* Forwards the child's output to the caller's blocking fd 1 or 2. When
 * the caller's reader is gone, closing the pipe lets the child meet the
 * broken pipe itself, as it would bare (SPEC §3). */
static void forward_output(struct relay_stream *s)
{
	const unsigned char *p = s->buf;
	size_t left = s->len;
	struct pollfd out = { .fd = s->to, .events = POLLOUT };
	ssize_t w;

	while (s->to >= 0 && left) {
		w = write(s->to, p, left);
		if (w >= 0) {
			p += w;
			left -= w;
		} else if (errno == EAGAIN) {
			/* someone made the caller's file non-blocking:
			 * wait as a blocking write would */
			poll(&out, 1, -1);
		} else if (errno != EINTR) {
			s->to = -1;
		}
	}
	if (s->to < 0)
		stream_close_from(s);
	s->len = 0;
}

/* Writes what the child's non-blocking stdin pipe takes now; POLLOUT
 * promises one free page, not 8 KiB, so the rest waits in the buffer. */
static void forward_input(struct relay_stream *s)
{
	ssize_t w;

	while (s->len) {
		w = write(s->to, s->buf + s->off, s->len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				stdin_stop(s);
			return;
		}
		s->off += w;
		s->len -= w;
	}
	s->off = 0;
}

/* One read into an empty buffer; returns bytes, 0 at EOF or error. */
static size_t fill(struct relay_stream *s)
{
	ssize_t n = io_read(s->from, s->buf, sizeof s->buf);

	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0)
		return (size_t)-1;	/* EOF, or an error that ends it (EIO) */
	s->len = n;
	s->off = 0;
	return n;
}

int relay_run(struct relay *r, void (*lost)(int err, void *ctx), void *ctx)
{
	struct relay_stream *in = &r->stream[EVENT_STDIN];
	struct pollfd pfd[POLL_MAX];
	struct relay_stream *who[POLL_MAX];
	struct capfile_record rec[3];
	size_t i, k, n, got;
	int sigslot, ready;

	r->stdin_allowed = 1;
	stdin_check_foreground(r);
	for (;;) {
		k = 0;
		sigslot = -1;
		if (in->from >= 0 && in->len == 0 && r->stdin_allowed) {
			pfd[k] = (struct pollfd){ .fd = in->from, .events = POLLIN };
			who[k++] = in;
		}
		/* Polled even when idle: POLLERR says the child stopped
		 * reading, before another chunk of stdin is consumed. */
		if (in->to >= 0) {
			pfd[k] = (struct pollfd){ .fd = in->to,
				.events = in->len ? POLLOUT : 0 };
			who[k++] = NULL;
		}
		for (i = EVENT_STDOUT; i <= EVENT_STDERR; i++)
			if (r->stream[i].from >= 0) {
				pfd[k] = (struct pollfd){
					.fd = r->stream[i].from, .events = POLLIN };
				who[k++] = &r->stream[i];
			}
		if (r->stream[EVENT_STDOUT].from < 0 &&
		    r->stream[EVENT_STDERR].from < 0 && r->child <= 0)
			break;
		if (r->sigfd >= 0) {
			sigslot = k;
			pfd[k++] = (struct pollfd){ .fd = r->sigfd, .events = POLLIN };
		}
		ready = poll(pfd, k, -1);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (sigslot >= 0 && pfd[sigslot].revents &&
		    read_signals(r) < 0)
			return -1;

		n = 0;
		for (i = 0; i < k; i++) {
			struct relay_stream *s = who[i];

			if (!s || (int)i == sigslot || !pfd[i].revents)
				continue;
			if (s == in && !r->stdin_allowed)
				continue;	/* moved to the background */
			got = fill(s);
			if (got == 0)
				continue;
			if (got == (size_t)-1) {
				if (s == in) {
					/* EOF: the child sees EOF too */
					stream_close_to(s);
					s->from = -1;
				} else {
					stream_close_from(s);
				}
				continue;
			}
			rec[n].data = s->buf;
			rec[n].len = got;
			rec[n].event = (enum frame_event)(s - r->stream);
			n++;
		}
		capture(r, rec, n, lost, ctx);

		for (i = 0; i < k; i++)
			if (!who[i] && (int)i != sigslot && pfd[i].revents &&
			    in->to >= 0) {
				if (pfd[i].revents & (POLLERR | POLLHUP))
					stdin_stop(in);
			}
		if (in->len && in->to >= 0)
			forward_input(in);
		for (i = EVENT_STDOUT; i <= EVENT_STDERR; i++)
			if (r->stream[i].len)
				forward_output(&r->stream[i]);
	}
	return 0;
}
