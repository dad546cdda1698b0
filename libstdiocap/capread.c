/* capread.c - reading a capture back record by record: the global header
 * and every record checked by frame.c's decoders, in a fixed buffer, and
 * with cr->resync, past damage anywhere in the file.
 * SPDX-License-Identifier: MIT
 *
 * Any input must end in a record or an error code, never in a crash, a
 * hang or a large allocation: a length field is checked before anything
 * is read on its word (a 4 GiB record is refused from its 16 header
 * bytes). Fuzzed by tests/fuzz/fuzz_reader.c.
 *
 * Resynchronising (doc/capture-format.md §9): after damage, the next
 * record is the first offset where a record passes every check of the
 * decoders (fixed MACs, EtherType, IPv4 header and checksum, UDP length
 * equal to incl_len - 42...) and is followed by a valid record header
 * or the end of the input. A record whose next header is wrong may be a
 * torn one that the next writer's record follows inside it: when a valid
 * record starts inside it and its records carry on past its end (to a
 * valid record header, or exactly to the end), the torn one is the
 * damage; else it is whole and the damage follows it; likewise a record
 * the end of the input cuts, when whole records inside it run exactly
 * to the end. Scanning starts after
 * the damaged record's first byte, so a record whose payload holds pcap
 * frames is found before them; only where its own header is destroyed
 * can frames in its payload show as records. */
#include <errno.h>
#include <string.h>

#include "stdiocap.h"
#include "internal.h"

enum { MAX_RECORD = FRAME_RECORD_LEN + FRAME_PAYLOAD_MAX };

void capread_init(struct capread *cr, int fd)
{
	memset(cr, 0, offsetof(struct capread, buf));
	cr->fd = fd;
}

int capread_fail(struct capread *cr, enum capread_error err, uint32_t val)
{
	cr->err = err;
	cr->val = val;
	return -1;
}

long capread_fill(struct capread *cr, size_t n)
{
	ssize_t r;

	if (cr->len - cr->off >= n)
		return (long)n;
	memmove(cr->buf, cr->buf + cr->off, cr->len - cr->off);
	cr->len -= cr->off;
	cr->off = 0;
	while (cr->len < n) {
		r = io_read(cr->fd, cr->buf + cr->len, sizeof cr->buf - cr->len);
		if (r < 0)
			return -1;
		if (!r)
			return (long)cr->len;
		cr->len += r;
	}
	return (long)n;
}

/* Tries to have n unconsumed bytes at buf + off (at most sizeof buf):
 * the number there (fewer only when the input ended), -1 on a read
 * error (errno). Once read(2) returned 0 it is not asked again: scanning
 * damage asks again and again. */
static long get(struct capread *cr, size_t n)
{
	long r;

	if (n > sizeof cr->buf)
		n = sizeof cr->buf;
	if (cr->eof)
		return cr->len - cr->off >= n ? (long)n : (long)(cr->len - cr->off);
	r = capread_fill(cr, n);
	if (r >= 0 && (size_t)r < n)
		cr->eof = 1;
	return r;
}

/* The input ends inside something of n bytes: have of them. */
static int short_input(struct capread *cr, size_t n)
{
	cr->have = cr->len - cr->off;
	return capread_fail(cr, !cr->started && !cr->have ? CAPREAD_EMPTY :
			    CAPREAD_SHORT, n);
}

static int header(struct capread *cr)
{
	enum capread_error e;
	uint32_t val;
	long n = get(cr, FRAME_GLOBAL_LEN);

	if (n < 0)
		return capread_fail(cr, CAPREAD_SYSCALL, errno);
	if (n < FRAME_GLOBAL_LEN)
		return short_input(cr, FRAME_GLOBAL_LEN);
	e = frame_global_header_error(cr->buf + cr->off, &val);
	/* a collector's capture (outer.c): pcapng stays to be read as
	 * blocks */
	if (e && e != CAPREAD_NOT_PCAP && e != CAPREAD_VERSION &&
	    outer_start(cr, cr->buf + cr->off, e, val) == 0) {
		if (e != CAPREAD_PCAPNG)
			cr->off += FRAME_GLOBAL_LEN;
		cr->started = 1;
		return 0;
	}
	/* tcpdump's snapshot length, not ours: see capread_next */
	{
		const unsigned char *p = cr->buf + cr->off + 16;

		cr->outer.snaplen = p[0] | p[1] << 8 | p[2] << 16 |
				    (uint32_t)p[3] << 24;
	}
	if (e)
		return capread_fail(cr, e, val);
	cr->off += FRAME_GLOBAL_LEN;
	cr->offset = FRAME_GLOBAL_LEN;
	cr->started = 1;
	return 0;
}

/* The record at buf + i, of which the bytes up to buf + cr->len were
 * read: CAPREAD_OK with *h, an error, or CAPREAD_SHORT when it is cut
 * by the end of what was read. */
static enum capread_error decode_at(const struct capread *cr, size_t i,
				    struct frame_head *h, uint32_t *val)
{
	enum capread_error e;

	if (i >= cr->len || cr->len - i < FRAME_PCAP_LEN)
		return CAPREAD_SHORT;
	e = frame_decode_pcap(cr->buf + i, h, val);
	if (e)
		return e;
	if (cr->len - i < FRAME_RECORD_LEN)
		return CAPREAD_SHORT;
	return frame_decode_net(cr->buf + i, h, val);
}

/* Whether the records from buf + i on are valid up to the first one
 * that starts at or after buf + limit, and that one has a valid record
 * header or is cut by the end of what was read. */
static int chain(const struct capread *cr, size_t i, size_t limit)
{
	struct frame_head h;
	uint32_t val;
	enum capread_error e;

	while (i < limit) {
		e = decode_at(cr, i, &h, &val);
		if (e)
			return e == CAPREAD_SHORT;
		i += FRAME_RECORD_LEN + h.len;
	}
	if (i >= cr->len || cr->len - i < FRAME_PCAP_LEN)
		return 1;
	return frame_decode_pcap(cr->buf + i, &h, &val) == CAPREAD_OK;
}

/* Whether the records from buf + i on are all valid and whole and end
 * exactly where the input ends (all of it was read). */
static int chain_to_end(const struct capread *cr, size_t i)
{
	struct frame_head h;
	uint32_t val;

	while (i < cr->len) {
		if (decode_at(cr, i, &h, &val) != CAPREAD_OK ||
		    cr->len - i < FRAME_RECORD_LEN + h.len)
			return 0;
		i += FRAME_RECORD_LEN + h.len;
	}
	return 1;
}

/* Moves on by n damaged bytes, counting them in the gap. */
static void skip(struct capread *cr, size_t n, enum capread_error e,
		 uint32_t val)
{
	if (!cr->gap) {
		cr->gap_at = cr->offset;
		cr->gap_err = e;
		cr->gap_val = val;
	}
	cr->gap += n;
	cr->off += n;
	cr->offset += n;
}

/* Whether h was stamped before a: records of one file never go back in
 * time (doc/capture-format.md §6.3). */
static int older(const struct frame_head *h, const struct frame_head *a)
{
	return h->sec < a->sec || (h->sec == a->sec && h->usec < a->usec);
}

/* Whether the valid records from buf + i on carry on past buf + end:
 * the first one that starts at or after end is valid (all its header)
 * or that place is exactly the end of the input, and neither it nor the
 * record across end is older than a, the record that ends at end (the
 * next writers stamp later; a power cut's stale blocks of an older
 * capture are older). A chain that leaves end into damage, or whose
 * record across end is cut by the end of the input, proves nothing: the
 * frames of a capture in the payload of the record that ends at end
 * look just the same (doc/capture-format.md §9), and that record is
 * whole. */
static int chain_past(const struct capread *cr, size_t i, size_t end,
		      const struct frame_head *a)
{
	struct frame_head h = { 0 };
	uint32_t val;

	while (i < end) {
		if (decode_at(cr, i, &h, &val) != CAPREAD_OK)
			return 0;
		i += FRAME_RECORD_LEN + h.len;
	}
	if (older(&h, a))
		return 0;
	if (i == cr->len && cr->eof)
		return 1;
	return decode_at(cr, i, &h, &val) == CAPREAD_OK && !older(&h, a);
}

/* The record at off is whole but the header after it is wrong: the
 * offset of a record inside it from which valid records run past its
 * end (it was torn and the next writers' records follow), else 0 (it
 * is whole and the damage starts at its end). */
static size_t torn_by(struct capread *cr, size_t total)
{
	struct frame_head a;
	uint32_t val;
	size_t i;

	if (get(cr, total + MAX_RECORD + FRAME_RECORD_LEN) < 0 ||
	    decode_at(cr, cr->off, &a, &val) != CAPREAD_OK)
		return 0;
	for (i = cr->off + 1; i < cr->off + total; i++)
		if (chain_past(cr, i, cr->off + total, &a))
			return i - cr->off;
	return 0;
}

/* The record at off is cut by the end of the input after n bytes: the
 * offset of a record inside it from which whole records run exactly to
 * the end, else 0 (a torn last record). Exact, so that frames in the
 * torn record's own payload (a wrapped cat of a capture) that stop
 * where it was torn are not taken for records. */
static size_t torn_to_end(struct capread *cr, size_t n)
{
	struct frame_head h;
	uint32_t val;
	size_t i;

	for (i = cr->off + 1; i + FRAME_RECORD_LEN <= cr->off + n; i++)
		if (decode_at(cr, i, &h, &val) == CAPREAD_OK &&
		    chain_to_end(cr, i))
			return i - cr->off;
	return 0;
}

int capread_next(struct capread *cr, struct capread_record *rec)
{
	struct frame_head h, next;
	enum capread_error e;
	const unsigned char *z;
	uint32_t val = 0;
	size_t total, cut, k;
	long n;

	cr->gap = 0;
	if (!cr->started && header(cr) < 0)
		return -1;
	if (cr->outer.kind)
		return outer_next(cr, rec);
	for (;;) {
		n = get(cr, FRAME_RECORD_LEN);
		if (n < 0)
			return capread_fail(cr, CAPREAD_SYSCALL, errno);
		if (!n)
			return 0;	/* end of input on a record boundary */
		if (n < FRAME_PCAP_LEN)
			return short_input(cr, FRAME_PCAP_LEN);
		/* tcpdump -i eth0 writes the header a stdiocap file has,
		 * but with its own snapshot length: its first frame not
		 * ours makes it a collector's capture (outer.c) */
		if (!cr->number && cr->offset == FRAME_GLOBAL_LEN &&
		    cr->outer.snaplen != 65535 && n >= FRAME_RECORD_LEN &&
		    memcmp(cr->buf + cr->off + FRAME_PCAP_LEN, frame_ethernet,
			   sizeof frame_ethernet)) {
			static const unsigned char ethernet_pcap[FRAME_GLOBAL_LEN] = {
				0xd4, 0xc3, 0xb2, 0xa1, [20] = 1
			};

			outer_start(cr, ethernet_pcap, CAPREAD_FRAME, 0);
			return outer_next(cr, rec);
		}
		e = frame_decode_pcap(cr->buf + cr->off, &h, &val);
		total = FRAME_RECORD_LEN + h.len;
		if (!e && n < FRAME_RECORD_LEN)
			return short_input(cr, total);
		if (!e)
			e = frame_decode_net(cr->buf + cr->off, &h, &val);
		if (!e) {
			n = get(cr, total + (cr->lookahead ? FRAME_PCAP_LEN : 0));
			if (n < 0)
				return capread_fail(cr, CAPREAD_SYSCALL, errno);
			if ((size_t)n < total) {
				/* a torn record, or one torn and followed by
				 * the next writers' records to the end */
				cut = cr->resync ? torn_to_end(cr, n) : 0;
				if (!cut)
					return short_input(cr, total);
				skip(cr, cut, CAPREAD_CUT, total);
				continue;
			}
			/* the next record header alone: decoding the whole
			 * next record would decode every record twice */
			if (!cr->resync || (size_t)n < total + FRAME_PCAP_LEN ||
			    frame_decode_pcap(cr->buf + cr->off + total, &next,
					      &val) == CAPREAD_OK)
				break;
			cut = torn_by(cr, total);
			if (!cut)
				break;	/* whole: the damage follows it */
			skip(cr, cut, CAPREAD_CUT, total);
			continue;
		}
		if (!cr->resync)
			return capread_fail(cr, e, val);
		/* damage: on to the next offset where a record passes
		 * every check and is followed by a valid header or the end */
		skip(cr, 1, e, val);
		for (;;) {
			n = get(cr, MAX_RECORD + FRAME_PCAP_LEN);
			if (n < 0)
				return capread_fail(cr, CAPREAD_SYSCALL, errno);
			if (n < FRAME_PCAP_LEN) {
				skip(cr, n, e, val);	/* damage to the end */
				return 0;
			}
			/* a record can only start 16 bytes before the first
			 * byte of its destination MAC, 0x02 (doc/capture-
			 * format.md §3.2): leap to the next one (zeros and
			 * junk are skipped at memchr's speed) */
			z = memchr(cr->buf + cr->off + FRAME_PCAP_LEN, 0x02,
				   n - FRAME_PCAP_LEN);
			k = z ? (size_t)(z - cr->buf) - cr->off - FRAME_PCAP_LEN :
			    (size_t)n - FRAME_PCAP_LEN;
			if (k) {
				skip(cr, k, e, val);
				continue;
			}
			/* a record the input cuts short is no place to
			 * start again: it is part of the damage */
			if (decode_at(cr, cr->off, &h, &val) == CAPREAD_OK &&
			    (size_t)n >= FRAME_RECORD_LEN + h.len &&
			    chain(cr, cr->off, cr->off + 1))
				break;
			skip(cr, 1, e, val);
		}
	}
	rec->sec = h.sec;
	rec->usec = h.usec;
	rec->pid = h.pid;
	rec->ppid = h.ppid;
	rec->event = h.event;
	rec->frame = cr->buf + cr->off;
	rec->data = cr->buf + cr->off + FRAME_RECORD_LEN;
	rec->len = h.len;
	rec->seq = h.seq;
	rec->board_len = 0;
	cr->off += total;
	cr->offset += total;
	cr->number++;
	return 1;
}
