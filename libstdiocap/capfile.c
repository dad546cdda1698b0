/* capfile.c - validate, repair and append to the shared capture file.
 * SPDX-License-Identifier: MIT
 *
 * Every record goes out in one writev under flock(LOCK_EX) (caplock.c),
 * and the global header is checked and written under the same lock, so
 * any number of wrappers share one file without tearing a record
 * (doc/capture-format.md §8). Under the same lock, before each append: a
 * file found empty gets the global header again (truncated or rotated
 * under us), a torn tail left by a killed writer is cut off
 * (doc/capture-format.md §7), and the timestamp is taken, so time never
 * runs backwards in file order. The path is opened by capwalk.c. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

enum {
	/* records per writev: IOV_MAX (1024) allows 512; a larger batch
	 * goes out in several writevs under the same lock */
	BATCH_MAX = 32,
	/* the longest run of zeros at the end that a writer reads back
	 * through to find the last record before it (§7.2) */
	ZEROS_MAX = 1 << 20,
	/* a step found emptied under it is done again at most so often */
	ROTATE_TRIES = 4,
	/* the most a writer appends between two looks at the free space */
	ROOM_MAX = 1 << 20,
	/* the walk of a suspect tail reads this much at a time, on the
	 * stack and only then (§7.5) */
	WALK_PIECE = 64 << 10,
	/* cf->walk: prepare may ask for the walk; it asked */
	WALK_MAY = 1, WALK_DUE,
};

#ifdef STDIOCAP_FAULTS
#include <signal.h>
#include <stdlib.h>
/* Test-only builds (CONFIG_EXTRA_CFLAGS=-DSTDIOCAP_FAULTS): stop the
 * wrapper with SIGSTOP while it holds the lock for an output record, so
 * tests can show that nobody else waits for it without bound. */
static void fault_point(enum frame_event event)
{
	static int stopped;	/* once: the exit record goes through */
	const char *f = getenv("STDIOCAP_FAULT");

	if (f && !strcmp(f, "stop-in-lock") && event != EVENT_EXECVE &&
	    !stopped++)
		kill(getpid(), SIGSTOP);	/* the relay: see spawn.c */
}
#else
# define fault_point(event) ((void)0)
#endif

/* Unlocks without clobbering the errno of the failure being reported. */
static int unlock_fail(int fd)
{
	caplock_release(fd);
	return -1;
}

/* Cuts the file back to size, keeping the errno of the failure that
 * made it necessary. */
static void cut_back(int fd, off_t size)
{
	int e = errno;

	if (ftruncate(fd, size) < 0) {
		/* the error reported is the one that brought us here */
	}
	errno = e;
}

static ssize_t pread_all(int fd, unsigned char *buf, size_t n, off_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, buf + got, n - got, off + got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

/* ---- under the lock: the file's state before an append */

/* An empty file gets our header, a non-empty one must already start
 * with it (never write into someone else's file). Returns the size. */
static off_t check_header(struct capfile *cf, int *fresh)
{
	unsigned char hdr[FRAME_GLOBAL_LEN];
	struct stat st;
	ssize_t r;

	if (io_fstat(cf->fd, &st) < 0)
		return -1;
	if (st.st_size == cf->end)
		return st.st_size;	/* as we left it: nothing to check */
	r = pread_all(cf->fd, hdr, sizeof hdr, 0);
	if (r < 0)
		return -1;
	if (r == 0) {
		/* new, or truncated or rotated under us (: >f, logrotate's
		 * copytruncate): a capture again */
		frame_global_header(hdr);
		if (io_write_all(cf->fd, hdr, sizeof hdr) < 0) {
			cut_back(cf->fd, 0);
			return -1;
		}
		*fresh = 1;
		return FRAME_GLOBAL_LEN;
	}
	if (r < FRAME_GLOBAL_LEN || !frame_global_header_valid(hdr)) {
		cf->why = CAPFILE_NOT_OURS;
		errno = EINVAL;
		return -1;
	}
	return st.st_size;
}

/* Where the trailing run of zeros begins (a power cut's tail), found by
 * reading back at most ZEROS_MAX bytes in pieces of FRAME_RECORD_MAX; 0
 * when the run is longer than that (or the file shrank: a rotation,
 * which the write then finds); -1 on error. */
static off_t zeros_start(int fd, off_t size, unsigned char *buf)
{
	off_t pos = size, from;
	ssize_t r;
	size_t n;

	while (pos > FRAME_GLOBAL_LEN && size - pos < ZEROS_MAX) {
		from = pos - FRAME_RECORD_MAX;
		if (from < FRAME_GLOBAL_LEN)
			from = FRAME_GLOBAL_LEN;
		n = pos - from;
		r = pread_all(fd, buf, n, from);
		if (r < 0)
			return -1;
		if (r != (ssize_t)n)
			return 0;	/* emptied meanwhile: see write_locked */
		while (n && !buf[n - 1])
			n--;
		if (n)
			return from + n;
		pos = from;
	}
	return pos <= FRAME_GLOBAL_LEN ? FRAME_GLOBAL_LEN : 0;
}

/* The tail rule of doc/capture-format.md §7.2: where the file must be
 * cut so that it ends on a record boundary (size: it does), or size
 * when nothing can be cut without risking a good record. Reads at most
 * FRAME_TAIL_MAX bytes, plus a run of zeros of up to ZEROS_MAX, a piece
 * at a time: what the rule keeps of them is a bit per byte. */
static off_t tail_cut(int fd, off_t size, int *unsure,
		      struct frame_head *ending, int *have_ending)
{
	unsigned char buf[FRAME_RECORD_MAX];
	struct frame_tail t;
	off_t nz, from, to, at;
	size_t n, cut;
	ssize_t r;

	*unsure = 0;
	*have_ending = 0;
	nz = zeros_start(fd, size, buf);
	*unsure = !nz;
	if (nz <= 0)
		return nz < 0 ? -1 : size;	/* too long: kept (§7.2) */
	/* the window: three maximum records before the zeros (the chains
	 * start in the first, before the last whole record and a torn one),
	 * and the one record that may reach into them */
	from = nz - FRAME_TAIL_MAX;
	if (from < FRAME_GLOBAL_LEN)
		from = FRAME_GLOBAL_LEN;
	to = nz + FRAME_RECORD_MAX;
	if (to > size)
		to = size;
	frame_tail_init(&t, nz - from, to - from, from == FRAME_GLOBAL_LEN);
	for (at = from; at < nz; at += n) {
		/* a piece, and the header bytes that may run past it */
		n = nz - at < (off_t)sizeof buf ? (size_t)(nz - at) : sizeof buf;
		r = pread_all(fd, buf, n, at);
		if (r < 0)
			return -1;
		if (r != (ssize_t)n)
			return size;	/* emptied meanwhile: see write_locked */
		if (at + (off_t)n < nz)
			n -= FRAME_RECORD_LEN;
		frame_tail_feed(&t, buf, n);
	}
	cut = frame_tail_end(&t);
	*unsure = cut == FRAME_CUT_NONE;
	if (cut == FRAME_CUT_NONE)
		return size;
	/* §7.5 looks at the record the file will end with: the pass
	 * kept its header when it ends at or after nz (no second read) */
	if (frame_tail_ending(&t, cut)) {
		*ending = *frame_tail_ending(&t, cut);
		*have_ending = 1;
	}
	return from + (off_t)cut;
}

/* ---- a tail that may be another file's (§7.5): looked at under the
 * lock, walked outside it */

/* Whether a was stamped before b. */
static int stamp_before(const struct frame_head *a, const struct frame_head *b)
{
	return a->sec < b->sec || (a->sec == b->sec && a->usec < b->usec);
}

/* Whether the pcap record header at p gives incl_len v: the one test
 * most offsets fail, before the whole header is looked at. */
static int incl_is(const unsigned char *p, size_t v)
{
	return p[8] == (v & 0xff) && p[9] == (v >> 8 & 0xff) && !p[10] &&
	       !p[11] && !(v >> 16);
}

/* The header of the record that ends at end, the longest such (a
 * record's payload may hold forged ones ending there too); 0 if none. */
static int stamp_ending(int fd, off_t end, struct frame_head *h)
{
	unsigned char buf[FRAME_RECORD_MAX];
	off_t from = end - FRAME_RECORD_MAX;
	size_t i, n;
	uint32_t val;

	if (from < FRAME_GLOBAL_LEN)
		from = FRAME_GLOBAL_LEN;
	n = end - from;
	if (pread_all(fd, buf, n, from) != (ssize_t)n)
		return 0;
	for (i = 0; i + FRAME_RECORD_LEN <= n; i++)
		if (incl_is(buf + i, n - i - FRAME_PCAP_LEN) &&
		    frame_whole(buf + i, n - i) == n - i)
			return frame_decode(buf + i, h, &val) == CAPREAD_OK;
	return 0;
}

/* Whether the tail may be another file's bytes (a power cut shows
 * stale blocks), given end, where the window's rule ends the file, and
 * unsure, whether it could not decide (a run of zeros too long, or no
 * chain end it keeps): then, or when the record that ends at end is
 * stamped before the first record (time never runs backwards in a
 * file, §6). A clock set back below the first record's time (a board
 * without a real-time clock) makes every record look so: then only
 * records from before this boot count, and one append of this boot
 * ends it. *since: a record stamped at or after it is this boot's
 * (UINT32_MAX when the clock is not behind). ending: the header of the
 * record that ends at end, when tail_cut found it; NULL: read it. */
static int tail_suspect(int fd, off_t end, int unsure, uint32_t *since,
			const struct frame_head *ending)
{
	unsigned char head[FRAME_RECORD_LEN];
	struct frame_head first, last;
	struct timespec now, up;
	uint32_t val;

	if (end < 0 || pread_all(fd, head, sizeof head, FRAME_GLOBAL_LEN) !=
	    (ssize_t)sizeof head || frame_decode(head, &first, &val))
		return 0;	/* no first record: the window's rule alone */
	*since = UINT32_MAX;
	if (io_clock(CLOCK_REALTIME, &now) < 0)
		return 0;
	if ((uint32_t)now.tv_sec < first.sec) {
		if (io_clock(CLOCK_BOOTTIME, &up) < 0)
			return 0;
		*since = now.tv_sec - up.tv_sec;
	}
	if (unsure)
		return 1;
	if (ending)
		last = *ending;
	else if (end <= FRAME_GLOBAL_LEN || !stamp_ending(fd, end, &last))
		return 0;
	return stamp_before(&last, &first) && last.sec < *since;
}

/* Walks the records from the global header, in pieces of buf, to the
 * first break b (no whole valid record starts there). Then looks at
 * every offset after b for a whole valid record that could be this
 * file's: stamped no earlier than the last record before b, or at or
 * after since (a torn one is no good record: §7.2 cuts it anyway). Returns b when there is none (all after b is zeros,
 * junk or another file's records); else end, the window's cut, if the
 * records of this file all end before it; else size: keep it all. */
static off_t walk_cut(int fd, off_t size, uint32_t since, off_t end)
{
	unsigned char buf[WALK_PIECE];
	struct frame_head h, last = { 0 };
	off_t pos = FRAME_GLOBAL_LEN, at = 0, q, ours = 0;
	size_t have = 0;
	uint32_t val;
	ssize_t r;
	int any = 0;

	while (pos + FRAME_RECORD_LEN <= size) {
		if (pos + FRAME_RECORD_LEN > at + (off_t)have) {
			r = pread_all(fd, buf, sizeof buf, pos);
			if (r < FRAME_RECORD_LEN)
				return size;	/* shrank: not ours to judge */
			at = pos;
			have = r;
		}
		if (frame_decode(buf + (pos - at), &h, &val) ||
		    pos + FRAME_RECORD_LEN + (off_t)h.len > size)
			break;
		last = h;
		any = 1;
		pos += FRAME_RECORD_LEN + h.len;
	}
	if (pos >= size || !any)
		return size;
	for (q = pos; q + FRAME_RECORD_LEN <= size; q++) {
		if (q + FRAME_RECORD_LEN > at + (off_t)have) {
			r = pread_all(fd, buf, sizeof buf, q);
			if (r < FRAME_RECORD_LEN)
				return size;
			at = q;
			have = r;
		}
		if (!frame_decode(buf + (q - at), &h, &val) &&
		    (!stamp_before(&h, &last) || h.sec >= since) &&
		    q + FRAME_RECORD_LEN + (off_t)h.len <= size &&
		    q + FRAME_RECORD_LEN + (off_t)h.len > ours)
			ours = q + FRAME_RECORD_LEN + h.len;
	}
	if (!ours)
		return pos;
	return ours <= end ? end : size;	/* this file's, after damage */
}

/* Whether a whole valid record starts at pos (< size). Where the walk
 * of §7.5 broke there was none: one there now, in a file of the same
 * size, is another writer's, which cut there and appended meanwhile. */
static int whole_at(int fd, off_t pos, off_t size)
{
	unsigned char head[FRAME_RECORD_LEN];
	struct frame_head h;
	uint32_t val;

	return pos < size &&
	       pread_all(fd, head, sizeof head, pos) == sizeof head &&
	       !frame_decode(head, &h, &val) &&
	       pos + FRAME_RECORD_LEN + (off_t)h.len <= size;
}

/* Under the lock: the file ends on a record boundary behind a global
 * header of ours. Returns its size; *fresh says the header was just
 * written (a new, truncated or rotated file). A rotation between the
 * look at the tail and the cut would have the cut extend the emptied
 * file with zeros: the header is looked at again after a cut, and a
 * file without it emptied again and made a capture afresh. */
static off_t prepare(struct capfile *cf, int *fresh)
{
	unsigned char hdr[FRAME_GLOBAL_LEN];
	struct frame_head ending;
	off_t size, cut;
	int tries, unsure, have_ending;

	for (tries = 0; tries < ROTATE_TRIES; tries++) {
		*fresh = 0;
		size = check_header(cf, fresh);
		if (size < 0 || size == cf->end || size == FRAME_GLOBAL_LEN)
			return size;
		if (size == cf->walk_size &&
		    !whole_at(cf->fd, cf->walk_cut, size)) {
			cut = cf->walk_cut;	/* as the walk found it */
		} else {
			cut = tail_cut(cf->fd, size, &unsure, &ending,
				       &have_ending);
			if (cf->walk == WALK_MAY &&
			    tail_suspect(cf->fd, cut, unsure, &cf->walk_since,
					 have_ending ? &ending : NULL)) {
				/* nothing cut: capfile_open walks, unlocked */
				cf->walk = WALK_DUE;
				cf->walk_size = size;
				cf->walk_cut = cut;
				return size;
			}
		}
		cf->walk_size = 0;
		if (cut < FRAME_GLOBAL_LEN || cut >= size)
			return size;
		if (ftruncate(cf->fd, cut) < 0)
			return -1;
		if (pread_all(cf->fd, hdr, sizeof hdr, 0) == sizeof hdr &&
		    frame_global_header_valid(hdr))
			return cut;
		if (ftruncate(cf->fd, 0) < 0)
			return -1;
		cf->end = -1;
	}
	errno = EAGAIN;		/* emptied again and again: not now */
	return -1;
}

/* The first STAMP_SYSCALLS records are stamped by system call: a short
 * run stamps two or three, and musl's first clock_gettime costs more
 * (it looks the vDSO symbol up and faults its pages in,
 * doc/performance.md). Later ones by the vDSO: a long relay adds no
 * system call per batch. */
enum { STAMP_SYSCALLS = 4 };

static void stamp(struct capfile *cf, struct frame_head *h)
{
	struct timespec ts;

	if (cf->stamps < STAMP_SYSCALLS) {
		cf->stamps++;
		io_clock(CLOCK_REALTIME, &ts);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
	}
	h->sec = ts.tv_sec;
	h->usec = ts.tv_nsec / 1000;
}

/* Takes the lock and makes the file ready (prepare). A tail that may
 * be another file's (§7.5) is walked with the lock released: O(file),
 * once per fault, and no writer waits for it; then the lock is taken
 * again and the cut the walk found made if the file is as it was. */
static int open_prepare(struct capfile *cf)
{
	int fresh;

	if (caplock_take(cf) < 0)
		return -1;
	cf->walk = WALK_MAY;
	cf->end = prepare(cf, &fresh);
	if (cf->end >= 0 && cf->walk == WALK_DUE) {
		caplock_release(cf->fd);
		cf->walk_cut = walk_cut(cf->fd, cf->walk_size, cf->walk_since,
					cf->walk_cut);
		cf->walk = 0;
		cf->end = -1;
		if (caplock_take(cf) < 0)
			return -1;
		cf->end = prepare(cf, &fresh);
	}
	cf->walk = 0;
	return cf->end < 0 ? -1 : 0;
}

int capfile_open(struct capfile *cf, const char *path, off_t max_bytes,
		 int lock_ms, enum capfile_refusal *why)
{

	memset(cf, 0, sizeof *cf);
	cf->path = path;
	cf->max_bytes = max_bytes;
	cf->lock_ms = lock_ms;
	cf->end = -1;
	cf->fd = capwalk_open(path, why);
	if (cf->fd < 0)
		return -1;
	if (open_prepare(cf) < 0) {
		*why = cf->why ? cf->why : CAPFILE_SYSCALL;
		if (cf->why != CAPFILE_LOCK_TIMEOUT)
			caplock_release(cf->fd);
		capfile_close(cf);
		return -1;
	}
	caplock_release(cf->fd);
	*why = CAPFILE_OK;
	return 0;
}

/* A short write sets no errno: writing the next byte once tells why
 * (ENOSPC, EFBIG, EDQUOT). Then all that the torn record put in the file
 * is cut off again, so the file ends on a record boundary. */
static void cut_torn(const struct capfile *cf, const struct iovec *iov,
		     size_t written, off_t size)
{
	size_t off = written;
	ssize_t more;
	int i = 0, e = ENOSPC;

	while (off >= iov[i].iov_len)
		off -= iov[i++].iov_len;
	more = write(cf->fd, (const char *)iov[i].iov_base + off, 1);
	if (more < 0)
		e = errno;
	if (ftruncate(cf->fd, size)) {
		/* the error reported is the write's */
	}
	errno = e;
}

/* Whether total more bytes at size keep the capture within its floor
 * and share of the filesystem. The filesystem is asked again only after
 * this writer has appended ROOM_MAX bytes since the last look, or at
 * every append once that look found it within 4 * ROOM_MAX of a limit
 * (other writers fill it too). Products, not quotients: a 64-bit
 * division is a library call on 32-bit ARM. Not knowing (fstatfs
 * failed) does not stop a capture. */
static int floor_ok(struct capfile *cf, off_t size, size_t total)
{
	struct statfs sf;
	unsigned long long bs, fs, avail, want;

	if (!cf->keep_free_pct && !cf->max_use_pct)
		return 1;
	if (cf->room >= (off_t)total) {
		cf->room -= total;
		return 1;
	}
	if (fstatfs(cf->fd, &sf) < 0)
		return 1;
	bs = sf.f_frsize ? sf.f_frsize : sf.f_bsize;
	fs = sf.f_blocks * bs;
	avail = sf.f_bavail * bs;
	cf->room = ROOM_MAX;
	want = total + 4 * ROOM_MAX;
	if (cf->keep_free_pct) {
		cf->why = CAPFILE_KEEP_FREE;
		if (avail < total || (avail - total) * 100 < fs * cf->keep_free_pct)
			goto over;
		if (avail < want || (avail - want) * 100 < fs * cf->keep_free_pct)
			cf->room = 0;
	}
	if (cf->max_use_pct) {
		cf->why = CAPFILE_MAX_USE;
		if ((size + total) * 100ULL > fs * cf->max_use_pct)
			goto over;
		if ((size + want) * 100ULL > fs * cf->max_use_pct)
			cf->room = 0;
	}
	cf->why = CAPFILE_OK;
	return 1;
over:
	cf->room = -1;
	return 0;
}

int capfile_set_floor(struct capfile *cf, int keep_free_pct, int max_use_pct,
		      enum capfile_refusal *why)
{
	cf->keep_free_pct = keep_free_pct;
	cf->max_use_pct = max_use_pct;
	cf->room = -1;
	if (floor_ok(cf, cf->end < 0 ? 0 : cf->end, 0))
		return 0;
	*why = cf->why;
	capfile_close(cf);
	errno = ENOSPC;
	return -1;
}

/* Writes iov at the end (size) under the lock the caller holds; a
 * failed write is cut off so the file ends on a record boundary.
 * Returns 0, -1 with errno, or 1 when the file was emptied under us
 * between the check and the write (`: >f` takes no lock): the bytes
 * then went to its start, behind no header. Where the write left the
 * offset says it (O_APPEND writes at the end, whatever it is now). */
static int write_locked(struct capfile *cf, struct iovec *iov, int n,
			size_t total, off_t size)
{
	ssize_t w;
	off_t pos;

	if (cf->max_bytes && size + (off_t)total > cf->max_bytes) {
		cf->over_cap = 1;
		errno = EFBIG;
		return -1;
	}
	if (!floor_ok(cf, size, total)) {
		errno = ENOSPC;
		return -1;
	}
	do
		w = writev(cf->fd, iov, n);
	while (w < 0 && errno == EINTR);
	if (w >= 0 && (size_t)w == total) {
		pos = lseek(cf->fd, 0, SEEK_CUR);
		cf->end = pos < 0 ? -1 : pos;
		return pos == (off_t)total ? 1 : 0;
	}
	if (w > 0)
		cut_torn(cf, iov, w, size);
	return -1;
}

/* The execve blob of argv and envp as dport-3 records, at size, under
 * the lock; the header fields but event and len come from h. A blob
 * that does not fit whole is cut off whole, or a reader would meet a
 * process whose argv never ends. 0, -1, or 1 as write_locked. */
static int blob_locked(struct capfile *cf, struct frame_head h,
		       char *const argv[], char *const envp[], off_t size)
{
	unsigned char buf[FRAME_PAYLOAD_MAX], head[FRAME_RECORD_LEN];
	struct frame_blob blob;
	struct iovec iov[2];
	off_t before = size;
	int r;

	h.event = EVENT_EXECVE;
	frame_blob_init(&blob, argv, envp);
	while ((h.len = frame_blob_next(&blob, buf))) {
		h.seq = cf->seq++;
		frame_record_header(head, &h);
		iov[0].iov_base = head;
		iov[0].iov_len = FRAME_RECORD_LEN;
		iov[1].iov_base = buf;
		iov[1].iov_len = h.len;
		r = write_locked(cf, iov, 2, FRAME_RECORD_LEN + h.len, size);
		if (r > 0)
			return r;
		if (r < 0) {
			cut_back(cf->fd, before);
			cf->end = before;
			return -1;
		}
		size = cf->end;
	}
	return 0;
}

/* rec[0..n) for h's process at size, in writevs of at most BATCH_MAX
 * records. 0, -1, or 1 as write_locked. */
static int records_locked(struct capfile *cf, struct frame_head h,
			  struct capfile_record *rec, size_t n, off_t size)
{
	struct iovec iov[2 * BATCH_MAX];
	size_t i, k, total;
	int r;

	for (i = 0; i < n; size = cf->end) {
		for (k = 0, total = 0; k < BATCH_MAX && i < n; k++, i++) {
			h.event = rec[i].event;
			h.len = rec[i].len;
			h.seq = cf->seq++;
			frame_record_header(rec[i].head, &h);
			iov[2 * k].iov_base = rec[i].head;
			iov[2 * k].iov_len = FRAME_RECORD_LEN;
			iov[2 * k + 1].iov_base = (void *)rec[i].data;
			iov[2 * k + 1].iov_len = rec[i].len;
			total += FRAME_RECORD_LEN + rec[i].len;
		}
		r = write_locked(cf, iov, 2 * k, total, size);
		if (r)
			return r;
	}
	return 0;
}

/* One locked step: the file made ready (prepare), the execve blob when
 * argv is given, or when the file was found emptied and this process was
 * introduced in it before (its records are then a capture of their
 * own), then rec. A file emptied under the step (a rotation) is emptied
 * again and the step done once more, header first, so no rotation ever
 * leaves a file without its global header (doc/capture-format.md §7.3). */
static int append_locked(struct capfile *cf, uint32_t pid,
			 char *const argv[], char *const envp[],
			 struct capfile_record *rec, size_t n)
{
	struct frame_head h;
	off_t size;
	int fresh, r, tries;
	uint16_t seq = cf->seq;

	for (tries = 0; tries < ROTATE_TRIES; tries++) {
		/* a step done again writes the same records again */
		cf->seq = seq;
		size = prepare(cf, &fresh);
		if (size < 0)
			return -1;
		if (n)
			fault_point(rec[0].event);
		stamp(cf, &h);
		h.pid = pid;
		h.ppid = cf->ppid;
		r = 0;
		if (argv || (fresh && cf->argv)) {
			r = argv ? blob_locked(cf, h, argv, envp, size) :
			    blob_locked(cf, h, cf->argv, cf->envp, size);
			size = cf->end;
		}
		if (!r)
			r = records_locked(cf, h, rec, n, size);
		if (r <= 0)
			return r;
		if (ftruncate(cf->fd, 0) < 0)
			return -1;
		cf->end = -1;
	}
	errno = EAGAIN;		/* emptied again and again: not now */
	return -1;
}

int capfile_append(struct capfile *cf, uint32_t pid,
		   struct capfile_record *rec, size_t n)
{
	if (cf->sink)
		return cf->sink(cf, pid, rec, n);
	if (caplock_take(cf) < 0)
		return -1;
	if (append_locked(cf, pid, NULL, NULL, rec, n) < 0)
		return unlock_fail(cf->fd);
	caplock_release(cf->fd);
	return 0;
}

int capfile_append_execve(struct capfile *cf, uint32_t pid,
			  char *const argv[], char *const envp[])
{
	/* One lock for the whole blob keeps its records consecutive. */
	if (caplock_take(cf) < 0)
		return -1;
	if (append_locked(cf, pid, argv, envp, NULL, 0) < 0)
		return unlock_fail(cf->fd);
	cf->argv = argv;
	cf->envp = envp;
	caplock_release(cf->fd);
	return 0;
}

int capfile_append_exit(struct capfile *cf, uint32_t pid, int status)
{
	unsigned char be[FRAME_EXIT_LEN];
	struct capfile_record rec;

	frame_exit_encode(be, status);
	rec.data = be;
	rec.len = sizeof be;
	rec.event = EVENT_EXIT;
	return capfile_append(cf, pid, &rec, 1);
}

void capfile_close(struct capfile *cf)
{
	if (cf->fd >= 0)
		io_close(cf->fd);
	cf->fd = -1;
}
