/* internal.h - what the capture engine's files share with each other and
 * with tests/unit, never with applets/ (they see stdiocap.h only).
 * SPDX-License-Identifier: MIT */
#ifndef STDIOCAP_INTERNAL_H
#define STDIOCAP_INTERNAL_H

#include "stdiocap.h"

/* ---- frame.c: the parts of the format only the writer's repair uses */

/* The fixed Ethernet header of every record (locally administered MACs,
 * EtherType IPv4). */
extern const unsigned char frame_ethernet[14];

/* For a tail that may be torn (capfile.c): the length of the whole,
 * valid record at p (n bytes there), else 0; and whether the n bytes are
 * a valid record cut short (every field they hold could be written). */
size_t frame_whole(const unsigned char *p, size_t n);
int frame_prefix_ok(const unsigned char *p, size_t n);

/* The torn-tail rule (doc/capture-format.md §7.2) on a window of the
 * file's last bytes, fed front to back: the window holds nz bytes before
 * the trailing run of zeros (nz <= FRAME_TAIL_MAX), then zeros up to
 * total. at_boundary: it starts right after the global header (a known
 * record boundary). frame_tail_feed takes the next n bytes of the first
 * nz and must be able to read FRAME_RECORD_LEN - 1 bytes past them (or
 * up to nz, whichever is less). frame_tail_end: where in the window the
 * file must end (cut there), or FRAME_CUT_NONE: keep every byte. Never a
 * cut before the end of a whole valid record that a chain covering the
 * window reaches. */
enum {
	FRAME_RECORD_MAX = FRAME_RECORD_LEN + FRAME_PAYLOAD_MAX,
	FRAME_TAIL_MAX = 3 * FRAME_RECORD_MAX,
	FRAME_CUT_NONE = 0x7fffffff,
};
struct frame_tail {
	unsigned char next[FRAME_TAIL_MAX / 8 + 1];	/* a chain goes on here */
	size_t nz, total, at, starts;
	size_t explained, junk;	/* the latest chain ends of each kind */
	size_t last;		/* the latest offset that starts a whole record */
	int any_whole;
	/* of the whole records that end at nz or in the zeros after it,
	 * the longest of those that end last: where (0: none), and its
	 * header, which §7.5 compares with the first record's */
	size_t ending_end;
	struct frame_head ending;
};
void frame_tail_init(struct frame_tail *t, size_t nz, size_t total,
		     int at_boundary);
void frame_tail_feed(struct frame_tail *t, const unsigned char *buf,
		     size_t n);
size_t frame_tail_end(const struct frame_tail *t);
/* The header of the longest whole valid record that ends at end (a cut
 * frame_tail_end gave, at or after nz), as capfile.c's stamp_ending
 * would read it from the file; NULL if the pass did not keep it. */
const struct frame_head *frame_tail_ending(const struct frame_tail *t,
					   size_t end);

/* ---- capread.c: what outer.c's reader of a collector's capture shares */

/* Says why capread_next fails (cr->err, cr->val): -1. */
int capread_fail(struct capread *cr, enum capread_error err, uint32_t val);
/* Moves the unconsumed bytes to the front of buf and reads until n of
 * them (n <= sizeof buf) are there: n, fewer when read(2) returned 0
 * first (the end of input for now), -1 on a read error (errno). Leaves
 * cr->eof to the caller: capread.c latches the end, outer.c reads on
 * past it (--follow). */
long capread_fill(struct capread *cr, size_t n);

/* ---- capwalk.c: the capture file's path, checked and opened in one walk */

/* Opens path (created 0600 if missing) with the rules of doc/stdiocap.1
 * SECURITY applied to what is opened: in a world-writable
 * sticky directory no symlink, no other user's file, no file with more
 * than one hard link; nowhere a FIFO, device or directory, or the
 * wrapper's own stdout or stderr. Returns an fd >= 3, close-on-exec,
 * O_RDWR|O_APPEND, or -1 with *why (CAPFILE_SYSCALL: errno) saying
 * which rule refused it. */
int capwalk_open(const char *path, enum capfile_refusal *why);

/* ---- caplock.c: the capture lock, never waited for without bound */

/* flock(cf->fd, LOCK_EX), queued for in the kernel, waiting at most
 * cf->lock_ms while cf->wait serves the relay's signals. 0, or -1 with
 * errno (EWOULDBLOCK and cf->why = CAPFILE_LOCK_TIMEOUT when the bound
 * passed). */
int caplock_take(struct capfile *cf);
/* Releases it, keeping errno. */
void caplock_release(int fd);

/* ---- relay.c */

/* The capture's lock-wait hook (struct capfile wait): waits up to ms
 * for fd to be readable or a signal on the relay's signalfd, and serves
 * a signal as the loop would (forwards it, reaps the child), so a lock
 * wait never delays one. > 0: fd is readable. */
int relay_lock_wait(void *ctx, int fd, int ms);

#endif
