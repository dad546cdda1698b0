/* outer.c - reading a collector's capture: what tcpdump or dumpcap saved
 * on a host while boards sent their records as VXLAN datagrams
 * (doc/network.md "Reading a farm"; doc/capture-format.md §12).
 * SPDX-License-Identifier: MIT
 *
 * capread.c hands over when the input is not a stdiocap file: pcap of
 * either byte order and precision or pcapng, with Ethernet (VLAN tags
 * skipped), Linux cooked v1/v2 or raw IP links. Every packet that is a
 * UDP datagram (IPv4 unfragmented, or IPv6 without extension headers)
 * on any port, holding a VXLAN header and a valid forged frame, is one
 * record; anything else (the other traffic of a busy interface) is
 * skipped and counted. The board is the datagram's outer source address.
 * Same rules as capread.c: a fixed buffer, no allocation, every length
 * checked before it is used; a block too big for the buffer is skipped
 * (no datagram of ours is that big). */
#include <errno.h>
#include <string.h>

#include "stdiocap.h"
#include "internal.h"

enum { LINK_ETHERNET = 1, LINK_RAW = 101, LINK_SLL = 113, LINK_SLL2 = 276 };

static uint32_t get32(const unsigned char *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3] :
		    (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
}

static uint32_t get16(const unsigned char *p, int be)
{
	return be ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[1] << 8 | p[0]);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* n unconsumed bytes at buf + off: 1, 0 at the end of input (have set),
 * -1 on a read error. The end is not latched (capread.c's get does):
 * --follow reads on once the collector's capture grows. */
static int fill(struct capread *cr, size_t n)
{
	long r = capread_fill(cr, n);

	if (r < 0)
		return capread_fail(cr, CAPREAD_SYSCALL, errno);
	if ((size_t)r < n) {
		cr->have = (uint32_t)r;
		return 0;
	}
	return 1;
}

/* Consumes n bytes, reading past what the buffer holds. */
static int skip(struct capread *cr, unsigned long long n)
{
	size_t k;
	int r;

	while (n) {
		if (cr->off == cr->len && (r = fill(cr, 1)) <= 0)
			return r < 0 ? -1 : capread_fail(cr, CAPREAD_SHORT, 0);
		k = cr->len - cr->off < n ? cr->len - cr->off : (size_t)n;
		cr->off += k;
		n -= k;
	}
	return 1;
}

/* The bytes of an IP packet and its link: the UDP payload and the
 * board, or 0. */
static size_t udp_payload(const unsigned char *p, size_t n, uint32_t link,
			  const unsigned char **pay, struct capread_record *rec)
{
	uint32_t et, hl, ulen;
	const unsigned char *ip;
	size_t off;

	if (link == LINK_ETHERNET) {
		if (n < 14)
			return 0;
		et = get16(p + 12, 1);
		for (off = 14; (et == 0x8100 || et == 0x88a8) && n >= off + 4;
		     off += 4)
			et = get16(p + off + 2, 1);
	} else if (link == LINK_SLL) {
		if (n < 16)
			return 0;
		et = get16(p + 14, 1);
		off = 16;
	} else if (link == LINK_SLL2) {
		if (n < 20)
			return 0;
		et = get16(p, 1);
		off = 20;
	} else if (link == LINK_RAW) {
		off = 0;
		et = n && p[0] >> 4 == 6 ? 0x86dd : 0x0800;
	} else {
		return 0;
	}
	ip = p + off;
	n -= off;
	if (et == 0x0800 && n >= 20 && ip[0] >> 4 == 4 && ip[9] == 17 &&
	    !(get16(ip + 6, 1) & 0x3fff)) {
		hl = (ip[0] & 15) * 4u;
		memcpy(rec->board, ip + 12, 4);
		rec->board_len = 4;
	} else if (et == 0x86dd && n >= 40 && ip[0] >> 4 == 6 && ip[6] == 17) {
		hl = 40;
		memcpy(rec->board, ip + 8, 16);
		rec->board_len = 16;
	} else {
		return 0;
	}
	if (n < hl + 8)
		return 0;
	ulen = get16(ip + hl + 4, 1);
	if (ulen < 8 || n < hl + ulen)
		return 0;	/* snapped: not all of it was saved */
	*pay = ip + hl + 8;
	return ulen - 8;
}

/* One packet; 1 with *rec filled when it is a record of ours. */
static int unwrap(struct capread *cr, const unsigned char *p, size_t n,
		  uint32_t link, struct capread_record *rec)
{
	unsigned char head[FRAME_RECORD_LEN];
	const unsigned char *vx;
	struct frame_head h;
	uint32_t val;
	size_t len = udp_payload(p, n, link, &vx, rec);

	if (len < 8 + FRAME_RECORD_LEN - FRAME_PCAP_LEN || !(vx[0] & 0x08) ||
	    memcmp(vx + 8, frame_ethernet, sizeof frame_ethernet))
		return 0;
	if (cr->outer.board_len && (cr->outer.board_len != rec->board_len ||
	    memcmp(cr->outer.board, rec->board, rec->board_len)))
		return 0;	/* --board: another one */
	len -= 8 + FRAME_RECORD_LEN - FRAME_PCAP_LEN;
	if (len > FRAME_PAYLOAD_MAX)
		return 0;
	h.len = len;
	memcpy(head + FRAME_PCAP_LEN, vx + 8, FRAME_RECORD_LEN - FRAME_PCAP_LEN);
	if (frame_decode_net(head, &h, &val))
		return 0;
	rec->pid = h.pid;
	rec->ppid = h.ppid;
	rec->event = h.event;
	rec->seq = h.seq;
	rec->data = vx + 8 + FRAME_RECORD_LEN - FRAME_PCAP_LEN;
	rec->len = len;
	return 1;
}

/* A pcapng interface: its link type and timestamp resolution. */
static void pcapng_interface(struct capread *cr, const unsigned char *b,
			     size_t n, int be)
{
	struct capread_outer *o = &cr->outer;
	size_t off = 16, olen;
	unsigned code;

	if (o->nif >= CAPREAD_IFS) {
		o->nif++;	/* its packets are skipped */
		return;
	}
	o->if_link[o->nif] = get16(b + 8, be);
	o->if_res[o->nif] = 6;
	while (off + 4 <= n - 4) {
		code = get16(b + off, be);
		olen = get16(b + off + 2, be);
		if (code == 0 || off + 4 + olen > n - 4)
			break;
		if (code == 9 && olen >= 1)
			o->if_res[o->nif] = b[off + 4];
		off += 4 + ((olen + 3) & ~(size_t)3);
	}
	o->nif++;
}

/* A pcapng timestamp in units of 10^-res (or 2^-res with bit 7). */
static void pcapng_time(struct capread_record *rec, uint64_t ts, unsigned res)
{
	uint64_t div = 1, s;

	if (res & 0x80) {
		res &= 0x7f;
		if (res > 63)
			res = 63;
		s = ts >> res;
		rec->sec = (uint32_t)s;
		rec->usec = (uint32_t)(((ts - (s << res)) * 1000000) >> res);
		return;
	}
	while (res > 6 && res--)
		div *= 10;
	for (; res < 6; res++)
		ts *= 10;
	ts /= div;
	rec->sec = (uint32_t)(ts / 1000000);
	rec->usec = (uint32_t)(ts % 1000000);
}

static int next_pcapng(struct capread *cr, struct capread_record *rec)
{
	struct capread_outer *o = &cr->outer;
	const unsigned char *b;
	uint32_t type, blen, ifid, caplen;
	int r;

	for (;;) {
		r = fill(cr, 12);
		if (r <= 0)
			return r < 0 ? -1 : cr->have ?
			       capread_fail(cr, CAPREAD_SHORT, 12) : 0;
		b = cr->buf + cr->off;
		type = get32(b, o->be);
		if (type == 0x0a0d0d0a) {	/* a new section: its byte order */
			o->be = get32(b + 8, 1) == 0x1a2b3c4d;
			o->nif = 0;
		}
		blen = get32(b + 4, o->be);
		if (blen < 12 || blen & 3)
			return capread_fail(cr, CAPREAD_LENGTH, blen);
		if (blen > sizeof cr->buf) {
			if (skip(cr, blen) < 0)
				return -1;
			cr->offset += blen;
			continue;
		}
		r = fill(cr, blen);
		if (r <= 0)
			return r < 0 ? -1 : capread_fail(cr, CAPREAD_SHORT, blen);
		b = cr->buf + cr->off;
		cr->off += blen;
		cr->offset += blen;
		if (type == 1 && blen >= 20) {
			pcapng_interface(cr, b, blen, o->be);
			continue;
		}
		if (type != 6 || blen < 32)
			continue;
		ifid = get32(b + 8, o->be);
		caplen = get32(b + 20, o->be);
		if (ifid >= o->nif || ifid >= CAPREAD_IFS || caplen > blen - 32)
			continue;
		if (!unwrap(cr, b + 28, caplen, o->if_link[ifid], rec)) {
			o->skipped++;
			continue;
		}
		pcapng_time(rec, (uint64_t)get32(b + 12, o->be) << 32 |
			    get32(b + 16, o->be), o->if_res[ifid]);
		cr->number++;
		return 1;
	}
}

static int next_pcap(struct capread *cr, struct capread_record *rec)
{
	struct capread_outer *o = &cr->outer;
	const unsigned char *b;
	uint32_t incl, frac;
	int r;

	for (;;) {
		r = fill(cr, FRAME_PCAP_LEN);
		if (r <= 0)
			return r < 0 ? -1 : cr->have ?
			       capread_fail(cr, CAPREAD_SHORT, FRAME_PCAP_LEN) : 0;
		b = cr->buf + cr->off;
		incl = get32(b + 8, o->be);
		if (incl > sizeof cr->buf - FRAME_PCAP_LEN) {
			if (skip(cr, FRAME_PCAP_LEN + (unsigned long long)incl) < 0)
				return -1;
			cr->offset += FRAME_PCAP_LEN + (unsigned long long)incl;
			continue;
		}
		r = fill(cr, FRAME_PCAP_LEN + incl);
		if (r <= 0)
			return r < 0 ? -1 : capread_fail(cr, CAPREAD_SHORT,
							 FRAME_PCAP_LEN + incl);
		b = cr->buf + cr->off;
		cr->off += FRAME_PCAP_LEN + incl;
		cr->offset += FRAME_PCAP_LEN + incl;
		if (!unwrap(cr, b + FRAME_PCAP_LEN, incl, o->link, rec)) {
			o->skipped++;
			continue;
		}
		frac = get32(b + 4, o->be);
		rec->sec = get32(b, o->be);
		rec->usec = o->nsec ? frac / 1000 : frac;
		if (rec->usec >= 1000000)
			rec->usec = 999999;
		cr->number++;
		return 1;
	}
}

int outer_start(struct capread *cr, const unsigned char *head,
		enum capread_error why, uint32_t why_val)
{
	struct capread_outer *o = &cr->outer;
	uint32_t magic = get32(head, 0);

	o->kind = 0;
	o->why = why;
	o->why_val = why_val;
	if (magic == 0x0a0d0d0a) {
		o->kind = CAPREAD_OUTER_PCAPNG;
		o->be = get32(head + 8, 1) == 0x1a2b3c4d;
		o->nif = 0;
		return 0;	/* the section header is read as a block */
	}
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		o->be = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		o->be = 1;
	else
		return -1;
	o->nsec = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	o->link = get32(head + 20, o->be) & 0x0fffffff;
	if (o->link != LINK_ETHERNET && o->link != LINK_RAW &&
	    o->link != LINK_SLL && o->link != LINK_SLL2)
		return -1;
	o->kind = CAPREAD_OUTER_PCAP;
	return 0;
}

int outer_next(struct capread *cr, struct capread_record *rec)
{
	int r;

	rec->ppid = 0;
	rec->board_len = 0;
	r = cr->outer.kind == CAPREAD_OUTER_PCAPNG ? next_pcapng(cr, rec) :
	    next_pcap(cr, rec);
	if (r > 0) {
		/* the record as a file holds it (--repair writes one): the
		 * 16 bytes before the frame are the datagram's UDP and
		 * VXLAN headers, consumed, in our buffer */
		unsigned char *f = cr->buf + (rec->data - cr->buf) - FRAME_RECORD_LEN;
		uint32_t incl = (uint32_t)(FRAME_RECORD_LEN - FRAME_PCAP_LEN + rec->len);

		put32(f, rec->sec);
		put32(f + 4, rec->usec);
		put32(f + 8, incl);
		put32(f + 12, incl);
		rec->frame = f;
		return r;
	}
	if (cr->number)
		return r;
	/* not one record of ours: no capture of ours after all, and the
	 * error is the one a stdiocap file's reader gives */
	if (cr->outer.why == CAPREAD_FRAME)
		cr->offset = FRAME_GLOBAL_LEN;	/* its first frame */
	else
		cr->started = 0;	/* its global header */
	return capread_fail(cr, cr->outer.why, cr->outer.why_val);
}
