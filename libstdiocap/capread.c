/* capread.c - reading a capture back record by record: the global header
 * and every record checked against SPEC §4, in a fixed buffer.
 * SPDX-License-Identifier: MIT
 *
 * Any input must end in a record or an error code, never in a crash, a
 * hang or a large allocation: a length field is checked before anything
 * is read on its word (a 4 GiB record is refused from its 16 header
 * bytes). Fuzzed by tests/fuzz/fuzz_reader.c. */
#include <errno.h>
#include <string.h>

#include "stdiocap.h"

enum { PCAP_REC_LEN = 16, FRAME_MIN = FRAME_RECORD_LEN - PCAP_REC_LEN };

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be16(const unsigned char *p)
{
	return p[0] << 8 | p[1];
}

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
	uint32_t magic;

	if (need(cr, FRAME_GLOBAL_LEN) < 0)
		return -1;
	p = cr->buf + cr->off;
	if (!frame_global_header_valid(p)) {
		magic = le32(p);
		if (magic == 0xa1b2c3d4)
			return fail(cr, be16(p + 4) == 0x0200 && be16(p + 6) == 0x0400 ?
				    CAPREAD_LINKTYPE : CAPREAD_VERSION, le32(p + 20));
		if (magic == 0xa1b23c4d)
			return fail(cr, CAPREAD_NANOSEC, 0);
		if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
			return fail(cr, CAPREAD_SWAPPED, 0);
		if (magic == 0x0a0d0d0a)
			return fail(cr, CAPREAD_PCAPNG, 0);
		return fail(cr, CAPREAD_NOT_PCAP, 0);
	}
	cr->off += FRAME_GLOBAL_LEN;
	cr->offset = FRAME_GLOBAL_LEN;
	cr->started = 1;
	return 0;
}

/* A fuzzer cannot forge checksums: builds for fuzzing (scripts/fuzz)
 * skip this one check, so mutated lengths reach the code behind it. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
# define ip_sum_ok(ip) 1
#else
# define ip_sum_ok(ip) (frame_ip_checksum(ip, 20) == 0)
#endif

/* The Ethernet/IPv4/UDP headers of a frame of len payload bytes, as
 * frame_record_header writes them; 0 if they are not. */
static int frame_ok(const unsigned char *f, size_t len)
{
	const unsigned char *ip = f + 14, *udp = ip + 20;

	return !memcmp(f, frame_ethernet, sizeof frame_ethernet) &&
	       ip[0] == 0x45 && be16(ip + 2) == 28 + len && ip[9] == 17 &&
	       ip_sum_ok(ip) && ip[12] == 10 &&
	       !memcmp(ip + 16, frame_ip_dst, sizeof frame_ip_dst) &&
	       be16(udp) == be16(ip + 14) && be16(udp + 4) == 8 + len;
}

int capread_next(struct capread *cr, struct capread_record *rec)
{
	const unsigned char *p;
	uint32_t incl;
	size_t len;

	if (!cr->started && header(cr) < 0)
		return -1;
	if (fill(cr, 1) == 0 && cr->len == cr->off)
		return 0;		/* end of input on a record boundary */
	if (need(cr, PCAP_REC_LEN) < 0)
		return -1;
	p = cr->buf + cr->off;
	incl = le32(p + 8);
	if (incl < FRAME_MIN || incl > FRAME_MIN + FRAME_PAYLOAD_MAX)
		return fail(cr, CAPREAD_LENGTH, incl);
	if (le32(p + 12) != incl)
		return fail(cr, CAPREAD_SNAPPED, le32(p + 12));
	if (le32(p + 4) >= 1000000)
		return fail(cr, CAPREAD_USEC, le32(p + 4));
	if (need(cr, PCAP_REC_LEN + incl) < 0)
		return -1;
	p = cr->buf + cr->off;		/* fill may have moved it */
	len = incl - FRAME_MIN;
	if (!frame_ok(p + PCAP_REC_LEN, len))
		return fail(cr, CAPREAD_FRAME, 0);
	rec->event = be16(p + PCAP_REC_LEN + 36);
	if (rec->event > EVENT_EXIT)
		return fail(cr, CAPREAD_EVENT, rec->event);
	if (rec->event == EVENT_EXIT && len != 4)
		return fail(cr, CAPREAD_EXIT, len);
	rec->sec = le32(p);
	rec->usec = le32(p + 4);
	rec->pid = p[PCAP_REC_LEN + 27] << 16 | p[PCAP_REC_LEN + 28] << 8 |
		   p[PCAP_REC_LEN + 29];
	rec->data = p + FRAME_RECORD_LEN;
	rec->len = len;
	cr->off += PCAP_REC_LEN + incl;
	cr->offset += PCAP_REC_LEN + incl;
	cr->number++;
	return 1;
}
