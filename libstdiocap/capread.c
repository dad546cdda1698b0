/* capread.c - reading a capture back record by record: the global header
 * and every record checked by frame.c's decoders, in a fixed buffer.
 * SPDX-License-Identifier: MIT
 *
 * Any input must end in a record or an error code, never in a crash, a
 * hang or a large allocation: a length field is checked before anything
 * is read on its word (a 4 GiB record is refused from its 16 header
 * bytes). Fuzzed by tests/fuzz/fuzz_reader.c. */
#include <errno.h>
#include <string.h>

#include "stdiocap.h"

void capread_init(struct capread *cr, int fd)
{
	memset(cr, 0, offsetof(struct capread, buf));
	cr->fd = fd;
}

static int fail(struct capread *cr, enum capread_error err, uint32_t val)
{
	cr->err = err;
	cr->val = val;
	return -1;
}

/* Makes n (<= sizeof buf) unconsumed bytes available at buf + off:
 * 1 when they are, 0 when the input ended first, -1 on a read error. */
static int fill(struct capread *cr, size_t n)
{
	ssize_t r;

	if (cr->len - cr->off >= n)
		return 1;
	memmove(cr->buf, cr->buf + cr->off, cr->len - cr->off);
	cr->len -= cr->off;
	cr->off = 0;
	while (cr->len < n) {
		r = io_read(cr->fd, cr->buf + cr->len, sizeof cr->buf - cr->len);
		if (r <= 0)
			return r;
		cr->len += r;
	}
	return 1;
}

/* fill, with the ways it can fail told apart. */
static int need(struct capread *cr, size_t n)
{
	int r = fill(cr, n);

	if (r > 0)
		return 0;
	if (r < 0)
		return fail(cr, CAPREAD_SYSCALL, errno);
	cr->have = cr->len - cr->off;
	return fail(cr, !cr->started && !cr->have ? CAPREAD_EMPTY :
		    CAPREAD_SHORT, n);
}

static int header(struct capread *cr)
{
	const unsigned char *p;
	enum capread_error e;
	uint32_t val;

	if (need(cr, FRAME_GLOBAL_LEN) < 0)
		return -1;
	p = cr->buf + cr->off;
	e = frame_global_header_error(p, &val);
	/* a collector's capture (outer.c): pcapng stays to be read as
	 * blocks */
	if (e && e != CAPREAD_NOT_PCAP && e != CAPREAD_VERSION &&
	    outer_start(cr, p, e, val) == 0) {
		if (e != CAPREAD_PCAPNG)
			cr->off += FRAME_GLOBAL_LEN;
		cr->started = 1;
		return 0;
	}
	if (e)
		return fail(cr, e, val);
	cr->off += FRAME_GLOBAL_LEN;
	cr->offset = FRAME_GLOBAL_LEN;
	cr->started = 1;
	return 0;
}

int capread_next(struct capread *cr, struct capread_record *rec)
{
	struct frame_head h;
	enum capread_error e;
	uint32_t val;

	if (!cr->started && header(cr) < 0)
		return -1;
	if (cr->outer.kind)
		return outer_next(cr, rec);
	if (fill(cr, 1) == 0 && cr->len == cr->off)
		return 0;		/* end of input on a record boundary */
	if (need(cr, FRAME_PCAP_LEN) < 0)
		return -1;
	/* tcpdump -i eth0 writes the header a stdiocap file has: a first
	 * frame that is not ours makes it a collector's capture */
	if (!cr->number && cr->offset == FRAME_GLOBAL_LEN &&
	    fill(cr, FRAME_RECORD_LEN) > 0 &&
	    memcmp(cr->buf + cr->off + FRAME_PCAP_LEN, frame_ethernet,
		   sizeof frame_ethernet)) {
		static const unsigned char ethernet_pcap[FRAME_GLOBAL_LEN] = {
			0xd4, 0xc3, 0xb2, 0xa1, [20] = 1
		};

		outer_start(cr, ethernet_pcap, CAPREAD_FRAME, 0);
		return outer_next(cr, rec);
	}
	e = frame_decode_pcap(cr->buf + cr->off, &h, &val);
	if (e)
		return fail(cr, e, val);
	if (need(cr, FRAME_RECORD_LEN + h.len) < 0)
		return -1;
	/* fill may have moved the record */
	e = frame_decode_net(cr->buf + cr->off, &h, &val);
	if (e)
		return fail(cr, e, val);
	rec->sec = h.sec;
	rec->usec = h.usec;
	rec->pid = h.pid;
	rec->ppid = h.ppid;
	rec->event = h.event;
	rec->data = cr->buf + cr->off + FRAME_RECORD_LEN;
	rec->len = h.len;
	rec->seq = h.seq;
	rec->board_len = 0;
	cr->off += FRAME_RECORD_LEN + h.len;
	cr->offset += FRAME_RECORD_LEN + h.len;
	cr->number++;
	return 1;
}
