/* frame.c - the capture format, both directions: the pcap global header,
 * record headers (with lineage), the exit payload and the execve blob.
 * SPDX-License-Identifier: MIT
 *
 * The one place that knows an offset of the format
 * (doc/capture-format.md). No system calls: capfile.c writes what is
 * packed here, capread.c and the readers decode with it.
 * Every multi-byte field is stored byte by byte, so the bytes are the
 * same on little- and big-endian hosts: pcap fields little-endian,
 * network headers big-endian. */
#include <string.h>

#include "internal.h"

const unsigned char frame_ethernet[14] = {
	0x02, 'C', 'A', 'P', 0, 0,		/* destination */
	0x02, 'S', 'T', 'D', 'I', 'O',		/* source */
	0x08, 0x00,				/* IPv4 */
};

/* Offsets in a record: pcap header, then the frame. */
enum {
	OFF_SEC = 0, OFF_USEC = 4, OFF_INCL = 8, OFF_ORIG = 12,
	OFF_IP = FRAME_PCAP_LEN + 14,
	OFF_UDP = OFF_IP + 20,
	NET_LEN = FRAME_RECORD_LEN - FRAME_PCAP_LEN,	/* 42 */
};

static unsigned char *put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
	return p + 4;
}

static unsigned char *put_le16(unsigned char *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	return p + 2;
}

static unsigned char *put_be16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
	return p + 2;
}

/* 10.A.B.C for the 24-bit value A<<16 | B<<8 | C. */
static unsigned char *put_addr(unsigned char *p, uint32_t v)
{
	p[0] = 10;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return p + 4;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be16(const unsigned char *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t addr24(const unsigned char *p)
{
	return (uint32_t)p[1] << 16 | p[2] << 8 | p[3];
}

void frame_global_header(unsigned char out[FRAME_GLOBAL_LEN])
{
	unsigned char *p = out;

	p = put_le32(p, 0xa1b2c3d4);
	p = put_le16(p, 2);
	p = put_le16(p, 4);
	p = put_le32(p, 0);		/* thiszone */
	p = put_le32(p, 0);		/* sigfigs */
	p = put_le32(p, 65535);		/* snaplen */
	put_le32(p, 1);			/* LINKTYPE_ETHERNET */
}

int frame_global_header_valid(const unsigned char in[FRAME_GLOBAL_LEN])
{
	static const unsigned char magic_version[8] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0
	};

	return !memcmp(in, magic_version, sizeof magic_version) &&
	       in[20] == 1 && in[21] == 0 && in[22] == 0 && in[23] == 0;
}

enum capread_error frame_global_header_error(const unsigned char in[FRAME_GLOBAL_LEN],
					     uint32_t *val)
{
	uint32_t magic = le32(in);

	*val = le32(in + 20);	/* the link type */
	if (frame_global_header_valid(in))
		return CAPREAD_OK;
	if (magic == 0xa1b2c3d4)
		return be16(in + 4) == 0x0200 && be16(in + 6) == 0x0400 ?
		       CAPREAD_LINKTYPE : CAPREAD_VERSION;
	if (magic == 0xa1b23c4d)
		return CAPREAD_NANOSEC;
	if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		return CAPREAD_SWAPPED;
	if (magic == 0x0a0d0d0a)
		return CAPREAD_PCAPNG;
	return CAPREAD_NOT_PCAP;
}

uint16_t frame_ip_checksum(const unsigned char *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

void frame_record_header(unsigned char out[FRAME_RECORD_LEN],
			 const struct frame_head *h)
{
	unsigned char *p = out, *ip;
	uint32_t caplen = NET_LEN + h->len;

	p = put_le32(p, h->sec);
	p = put_le32(p, h->usec);
	p = put_le32(p, caplen);
	p = put_le32(p, caplen);

	memcpy(p, frame_ethernet, sizeof frame_ethernet);
	p += sizeof frame_ethernet;

	ip = p;
	*p++ = 0x45;			/* version 4, IHL 5 */
	*p++ = 0;			/* TOS */
	p = put_be16(p, 28 + h->len);	/* total length */
	p = put_be16(p, h->seq);	/* identification: the sequence
					 * number, doc/capture-format.md §3.5 */
	p = put_be16(p, 0);		/* flags, fragment offset */
	*p++ = 64;			/* TTL */
	*p++ = 17;			/* UDP */
	p = put_be16(p, 0);		/* checksum, filled below */
	p = put_addr(p, h->pid);	/* 10.A.B.C: the full pid */
	p = put_addr(p, h->ppid);	/* 10.D.E.F: who ran it (lineage) */
	put_be16(ip + 10, frame_ip_checksum(ip, 20));

	p = put_be16(p, h->pid & 0xffff);
	p = put_be16(p, h->event);
	p = put_be16(p, 8 + h->len);
	put_be16(p, 0);			/* UDP checksum: none */
}

enum capread_error frame_decode_pcap(const unsigned char in[FRAME_PCAP_LEN],
				     struct frame_head *h, uint32_t *val)
{
	uint32_t incl = le32(in + OFF_INCL);

	if (incl < NET_LEN || incl > NET_LEN + FRAME_PAYLOAD_MAX) {
		*val = incl;
		return CAPREAD_LENGTH;
	}
	if (le32(in + OFF_ORIG) != incl) {
		*val = le32(in + OFF_ORIG);
		return CAPREAD_SNAPPED;
	}
	if (le32(in + OFF_USEC) >= 1000000) {
		*val = le32(in + OFF_USEC);
		return CAPREAD_USEC;
	}
	h->sec = le32(in + OFF_SEC);
	h->usec = le32(in + OFF_USEC);
	h->len = incl - NET_LEN;
	return CAPREAD_OK;
}

/* A fuzzer cannot forge checksums: builds for fuzzing (scripts/fuzz)
 * skip this one check, so mutated lengths reach the code behind it. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
# define ip_sum_ok(ip) 1
#else
# define ip_sum_ok(ip) (frame_ip_checksum(ip, 20) == 0)
#endif

enum capread_error frame_decode_net(const unsigned char in[FRAME_RECORD_LEN],
				    struct frame_head *h, uint32_t *val)
{
	const unsigned char *ip = in + OFF_IP, *udp = in + OFF_UDP;

	if (memcmp(in + FRAME_PCAP_LEN, frame_ethernet, sizeof frame_ethernet) ||
	    ip[0] != 0x45 || be16(ip + 2) != 28 + h->len || ip[9] != 17 ||
	    !ip_sum_ok(ip) || ip[12] != 10 || ip[16] != 10 ||
	    be16(udp) != be16(ip + 14) || be16(udp + 4) != 8 + h->len) {
		*val = 0;
		return CAPREAD_FRAME;
	}
	*val = be16(udp + 2);
	if (*val > EVENT_EXIT)
		return CAPREAD_EVENT;
	if (*val == EVENT_EXIT && h->len != FRAME_EXIT_LEN) {
		*val = h->len;
		return CAPREAD_EXIT;
	}
	h->event = *val;
	h->seq = be16(ip + 4);
	h->pid = addr24(ip + 12);
	h->ppid = addr24(ip + 16);
	return CAPREAD_OK;
}

enum capread_error frame_decode(const unsigned char in[FRAME_RECORD_LEN],
				struct frame_head *h, uint32_t *val)
{
	enum capread_error e = frame_decode_pcap(in, h, val);

	return e ? e : frame_decode_net(in, h, val);
}

void frame_exit_encode(unsigned char out[FRAME_EXIT_LEN], int status)
{
	uint32_t s = status;

	out[0] = s >> 24;
	out[1] = s >> 16;
	out[2] = s >> 8;
	out[3] = s;
}

uint32_t frame_exit_decode(const unsigned char in[FRAME_EXIT_LEN])
{
	return (uint32_t)in[0] << 24 | in[1] << 16 | in[2] << 8 | in[3];
}

void frame_blob_init(struct frame_blob *b, char *const argv[],
		     char *const envp[])
{
	b->list[0] = argv;
	b->list[1] = envp;
	b->part = 0;
	b->arg = 0;
	b->pos = 0;
}

size_t frame_blob_next(struct frame_blob *b, unsigned char *buf)
{
	size_t n = 0;

	while (n < FRAME_PAYLOAD_MAX && b->part < 2) {
		char *const *l = b->list[b->part];
		const char *s = l ? l[b->arg] : NULL;

		if (!s) {
			/* the empty string that ends argv, then envp */
			buf[n++] = 0;
			b->part++;
			b->arg = 0;
			continue;
		}
		while (n < FRAME_PAYLOAD_MAX && s[b->pos])
			buf[n++] = s[b->pos++];
		if (n == FRAME_PAYLOAD_MAX)
			break;
		buf[n++] = 0;
		b->arg++;
		b->pos = 0;
	}
	return n;
}

void frame_split_init(struct frame_split *s)
{
	memset(s, 0, sizeof *s);
	s->nul = 1;
}

void frame_split_feed(struct frame_split *s, const unsigned char *p,
		      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, s->len++) {
		s->empty = 0;
		if (p[i]) {
			s->eq |= p[i] == '=';
			s->nul = 0;
			continue;
		}
		if (s->nul) {		/* an empty item */
			s->empty = 1;
			s->terms += s->terms < 2;
			s->snap_end = s->last_end;
			s->snap_ok = s->last_ok;
			s->last_end = s->len + 1;
			s->last_ok = 1;
			if (!s->first_end)
				s->first_end = s->len + 1;
		} else {
			s->last_ok &= s->eq;
		}
		s->eq = 0;
		s->nul = 1;
	}
}

int frame_split_done(const struct frame_split *s)
{
	return s->terms == 2 && s->empty;
}

size_t frame_split_argv_len(const struct frame_split *s)
{
	return frame_split_done(s) && s->snap_ok ? s->snap_end : s->first_end;
}

size_t frame_whole(const unsigned char *p, size_t n)
{
	struct frame_head h;
	uint32_t val;

	if (n < FRAME_RECORD_LEN || frame_decode(p, &h, &val) ||
	    n < FRAME_RECORD_LEN + h.len)
		return 0;
	return FRAME_RECORD_LEN + h.len;
}

int frame_prefix_ok(const unsigned char *p, size_t n)
{
	struct frame_head h;
	uint32_t val, incl;
	size_t i;

	if (n < FRAME_PCAP_LEN) {
		/* the pcap header cut short: the fields it holds */
		if (n >= OFF_USEC + 4 && le32(p + OFF_USEC) >= 1000000)
			return 0;
		if (n < OFF_INCL + 4)
			return 1;
		incl = le32(p + OFF_INCL);
		return incl >= NET_LEN && incl <= NET_LEN + FRAME_PAYLOAD_MAX;
	}
	if (frame_decode_pcap(p, &h, &val))
		return 0;
	if (n >= FRAME_RECORD_LEN + h.len)
		return 0;		/* whole: not a prefix */
	if (n >= FRAME_RECORD_LEN)
		return frame_decode_net(p, &h, &val) == CAPREAD_OK;
	for (i = FRAME_PCAP_LEN; i < n && i < FRAME_PCAP_LEN + 14; i++)
		if (p[i] != frame_ethernet[i - FRAME_PCAP_LEN])
			return 0;
	return 1;
}

/* A cheap first test for a record header at p: incl_len == orig_len,
 * both below 64 KiB (most offsets fail here). */
static int maybe_header(const unsigned char *p)
{
	return !memcmp(p + OFF_INCL, p + OFF_ORIG, 4) && !p[OFF_INCL + 2] &&
	       !p[OFF_INCL + 3];
}

/* The torn-tail rule of doc/capture-format.md §7.2, in one pass over
 * the window. Every chain of whole valid records that covers the window
 * ends somewhere; the true last record boundary is one of those ends. An
 * end is *explained* when what follows it is what a fault leaves at the
 * end of a file: zeros, or a valid record cut short and then zeros. It
 * is *junk-ended* when what follows holds no whole valid record at all.
 * The cut is the latest explained end, else the latest junk-ended one,
 * else none: the latest, because an end found inside a good record's
 * payload (forged records in it) always lies before that record's own
 * end. The chains are walked together, front to back: a bit marks each
 * offset where some chain's next record starts, so chains that meet go
 * on as one. */
void frame_tail_init(struct frame_tail *t, size_t nz, size_t total,
		     int at_boundary)
{
	memset(t, 0, sizeof *t);
	t->nz = nz;
	t->total = total;
	t->starts = at_boundary ? 0 : FRAME_RECORD_MAX;
	t->explained = t->junk = FRAME_CUT_NONE;
	if (at_boundary)
		t->next[0] = 1;	/* the chain from the global header */
	if (at_boundary && !nz)
		t->explained = 0;	/* only zeros behind the header */
}

static void chain_end(struct frame_tail *t, const unsigned char *p, size_t q)
{
	if (q >= t->nz || frame_prefix_ok(p, t->nz - q)) {
		if (t->explained == FRAME_CUT_NONE || q > t->explained)
			t->explained = q;
	} else if (t->junk == FRAME_CUT_NONE || q > t->junk) {
		t->junk = q;
	}
}

/* The first offset in [q, limit) where a chain goes on, else limit: a
 * byte of the bitmap at a time. */
static size_t next_chain(const struct frame_tail *t, size_t q, size_t limit)
{
	size_t i = q / 8;
	unsigned bits = t->next[i] >> q % 8;

	while (!bits) {
		q = ++i * 8;
		if (q >= limit)
			return limit;
		bits = t->next[i];
	}
	for (; !(bits & 1); bits >>= 1)
		q++;
	return q < limit ? q : limit;
}

/* How many offsets from buf[i] on (up to n) cannot matter to the rule:
 * no chain goes on there and no record header can start there, since
 * its Ethernet header would not begin with frame_ethernet's first byte.
 * Only offsets whose header lies before the zeros are skipped; the
 * rule looks at the others one by one. This is what keeps the check
 * cheap: it runs on every wrapper's first append. */
static size_t tail_skip(const struct frame_tail *t, const unsigned char *buf,
			size_t i, size_t n)
{
	const unsigned char *eth;
	size_t q = t->at, end;

	if (q + FRAME_RECORD_LEN > t->nz)
		return 0;
	end = t->nz - FRAME_RECORD_LEN + 1 - q;	/* offsets before the zeros */
	if (end > n - i)
		end = n - i;
	eth = memchr(buf + i + FRAME_PCAP_LEN, frame_ethernet[0], end);
	if (eth)
		end = eth - (buf + i + FRAME_PCAP_LEN);
	return next_chain(t, q, q + end) - q;
}

void frame_tail_feed(struct frame_tail *t, const unsigned char *buf,
		     size_t n)
{
	unsigned char head[FRAME_RECORD_LEN];
	const unsigned char *p;
	size_t q, i, len, skip;
	uint32_t val;
	int pending;

	for (i = 0; i < n && t->at < t->nz; i++, t->at++) {
		skip = tail_skip(t, buf, i, n);
		i += skip;
		t->at += skip;
		if (i >= n || t->at >= t->nz)
			break;
		q = t->at;
		p = buf + i;
		if (q + FRAME_RECORD_LEN > t->nz) {
			/* the header runs into the zeros */
			memset(head, 0, sizeof head);
			memcpy(head, p, t->nz - q);
			p = head;
		}
		len = q + FRAME_RECORD_LEN <= t->total && maybe_header(p) ?
		      frame_whole(p, t->total - q) : 0;
		if (len) {
			t->last = q;
			t->any_whole = 1;
			if (q + len >= t->nz && q + len > t->ending_end &&
			    frame_decode(p, &t->ending, &val) == CAPREAD_OK)
				t->ending_end = q + len;
		}
		pending = (t->next[q / 8] >> q % 8 & 1) ||
			  (len && q < t->starts);
		if (!pending)
			continue;
		if (!len)
			chain_end(t, p, q);
		else if (q + len >= t->nz)
			chain_end(t, p, q + len);	/* into the zeros */
		else
			t->next[(q + len) / 8] |= 1 << (q + len) % 8;
	}
}

const struct frame_head *frame_tail_ending(const struct frame_tail *t,
					   size_t end)
{
	return t->ending_end && t->ending_end == end ? &t->ending : NULL;
}

size_t frame_tail_end(const struct frame_tail *t)
{
	if (t->explained != FRAME_CUT_NONE)
		return t->explained;
	/* junk-ended: no whole record starts after it */
	if (t->junk != FRAME_CUT_NONE && (!t->any_whole || t->last <= t->junk))
		return t->junk;
	return FRAME_CUT_NONE;
}
