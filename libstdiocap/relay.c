/* relay.c - the poll loop between the caller's fds 0-2 and the child's pipes.
 * SPDX-License-Identifier: MIT
 *
 * s6-ioconnect's shape: a stream is read only while its buffer is empty,
 * and the poll set is rebuilt from that state every turn, so a slow
 * reader paces its writer and nothing can deadlock. Reads are exactly
 * 8192 bytes, one record each; everything read in one turn is captured
 * with one locked writev before any of it is forwarded (SPEC §3), which
 * is what keeps the relay from being bound by system calls. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
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
	int fg;

	if (r->stream[EVENT_STDIN].from < 0)
		return;
	/* TIOCGPGRP fails unless stdin is our controlling terminal, the
	 * only case where reading it can stop us */
	r->stdin_allowed = io_ioctl_int(0, TIOCGPGRP, &fg) < 0 ||
			   fg == getpgrp();
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

void relay_lock_wait(void *ctx, long usec)
{
	struct relay *r = ctx;
	struct pollfd p = { .fd = r->sigfd, .events = POLLIN };

	/* fd -1 is ignored by poll: a plain pause (PID 1's relay) */
	if (poll(&p, 1, (usec + 999) / 1000) > 0)
		read_signals(r);
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

/* Reads up to `chunks` reads of exactly FRAME_PAYLOAD_MAX bytes into the
 * buffer, one record each: for the child's output as many as the buffer
 * holds while the pipe has more; for stdin one, plus those that
 * stdin_extra_chunks allows. One locked writev then captures them all.
 * Returns the number of records added; sets *eof at EOF or a read error
 * that ends the stream (EIO of a hung-up terminal). */
static size_t fill(struct relay_stream *s, int chunks,
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
		rec[n].len = got;
		rec[n].event = event;
		n++;
		s->len += got;
		if (got < FRAME_PAYLOAD_MAX)
			break;	/* the pipe is empty for now */
	}
	return n;
}

/* Stdin chunks beyond the first of a round: only those the caller has
 * ready (so no read blocks) and the child's pipe has room for, so the
 * wrapper never holds more than one undelivered chunk (SPEC §4). */
static int stdin_extra_chunks(const struct relay *r)
{
	const struct relay_stream *in = &r->stream[EVENT_STDIN];
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

int relay_run(struct relay *r, void (*lost)(int err, void *ctx), void *ctx)
{
	struct relay_stream *in = &r->stream[EVENT_STDIN];
	struct pollfd pfd[POLL_MAX];
	struct relay_stream *who[POLL_MAX];
	struct capfile_record rec[3 * RELAY_SLOTS];	/* a full round */
	int in_slot, to_slot, sig_slot, eof;
	size_t i, k, n;

	r->stdin_allowed = 1;
	stdin_check_foreground(r);
	if (r->cap) {	/* a lock wait serves signals (capfile.c) */
		r->cap->wait = relay_lock_wait;
		r->cap->wait_ctx = r;
	}
	r->in_pipe_size = in->to >= 0 ? fcntl(in->to, F_GETPIPE_SZ) : -1;
	for (;;) {
		if (r->stream[EVENT_STDOUT].from < 0 &&
		    r->stream[EVENT_STDERR].from < 0 && r->child <= 0)
			break;
		k = 0;
		in_slot = to_slot = sig_slot = -1;
		if (in->from >= 0 && in->len == 0 && r->stdin_allowed) {
			in_slot = k;
			who[k] = in;
			pfd[k++] = (struct pollfd){ .fd = in->from, .events = POLLIN };
		}
		/* Polled even when idle: POLLERR says the child stopped
		 * reading, before another chunk of stdin is consumed. */
		if (in->to >= 0) {
			to_slot = k;
			who[k] = NULL;
			pfd[k++] = (struct pollfd){ .fd = in->to,
				.events = in->len ? POLLOUT : 0 };
		}
		for (i = EVENT_STDOUT; i <= EVENT_STDERR; i++)
			if (r->stream[i].from >= 0) {
				who[k] = &r->stream[i];
				pfd[k++] = (struct pollfd){
					.fd = r->stream[i].from, .events = POLLIN };
			}
		if (r->sigfd >= 0) {
			sig_slot = k;
			who[k] = NULL;
			pfd[k++] = (struct pollfd){ .fd = r->sigfd, .events = POLLIN };
		}
		if (poll(pfd, k, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (sig_slot >= 0 && pfd[sig_slot].revents && read_signals(r) < 0)
			return -1;

		n = 0;
		for (i = 0; i < k; i++) {
			struct relay_stream *s = who[i];

			if (!s || !pfd[i].revents)
				continue;
			if ((int)i == in_slot && !r->stdin_allowed)
				continue;	/* moved to the background */
			s->off = s->len = 0;
			n += fill(s, s == in ? 1 : RELAY_SLOTS, rec + n,
				  (enum frame_event)(s - r->stream), &eof);
			if (s == in && !eof && in->len == FRAME_PAYLOAD_MAX)
				n += fill(s, stdin_extra_chunks(r), rec + n,
					  EVENT_STDIN, &eof);
			if (!eof)
				continue;
			if (s == in)
				s->from = -1;	/* the caller's fd 0 stays open */
			else
				stream_close_from(s);
		}
		capture(r, rec, n, lost, ctx);

		if (to_slot >= 0 && (pfd[to_slot].revents & (POLLERR | POLLHUP)))
			stdin_stop(in);
		if (in->len && in->to >= 0)
			forward_input(in);
		/* EOF of our stdin reaches the child once all is forwarded */
		if (in->from < 0 && in->len == 0 && in->to >= 0)
			stream_close_to(in);
		for (i = EVENT_STDOUT; i <= EVENT_STDERR; i++)
			if (r->stream[i].len)
				forward_output(&r->stream[i]);
	}
	return 0;
}
