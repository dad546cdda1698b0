/* netsink.c - the network destination: every record leaves as one UDP
 * datagram to a collector (doc/network.md, doc/capture-format.md §12).
 * SPDX-License-Identifier: MIT
 *
 * A datagram is a VXLAN header (RFC 7348) and the forged Ethernet frame
 * exactly as a file holds it, without the pcap record header: the
 * collector's capture engine stamps it. Sending never waits (the socket
 * is non-blocking) and a record that cannot go now is dropped; its
 * sequence number is spent all the same, so readers count the gap. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "stdiocap.h"

static const char scheme[] = "udp://";

int netsink_is_url(const char *path)
{
	size_t i;

	for (i = 0; scheme[i] && path[i] == scheme[i]; i++)
		;
	return !scheme[i];
}

/* Parsers by hand: musl's inet_pton and strchr would cost 1 KiB of a
 * wrapper that must stay within 2 KiB of its size without this file
 * (doc/network.md "Sizes"). Each returns the end of what it took, or
 * NULL. */

/* A decimal number up to max. */
static const char *number(const char *p, unsigned long max, unsigned long *v)
{
	const char *start = p;

	for (*v = 0; *p >= '0' && *p <= '9' && p - start < 6; p++)
		*v = *v * 10 + (unsigned long)(*p - '0');
	return p == start || *v > max ? NULL : p;
}

/* A.B.C.D into 4 bytes. */
static const char *ipv4(const char *p, unsigned char *out)
{
	unsigned long v;
	int i;

	for (i = 0; i < 4; i++) {
		if (i && *p++ != '.')
			return NULL;
		if (!(p = number(p, 255, &v)))
			return NULL;
		out[i] = (unsigned char)v;
	}
	return p;
}

static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : -1;
}

/* RFC 4291 text: up to 8 groups, one "::", an IPv4 tail; up to ']'. */
static const char *ipv6(const char *p, unsigned char *out)
{
	unsigned char w[16];
	int n = 0, gap = -1, d, k;
	unsigned v;

	if (p[0] == ':' && p[1] == ':') {
		gap = 0;
		p += 2;
	}
	while (*p != ']' && n < 16) {
		for (v = 0, k = 0; k < 4 && (d = hex(p[k])) >= 0; k++)
			v = v << 4 | (unsigned)d;
		if (p[k] == '.' && n <= 12) {
			if (!(p = ipv4(p, w + n)))
				return NULL;
			n += 4;
			break;
		}
		if (!k)
			return NULL;
		w[n++] = v >> 8;
		w[n++] = v & 0xff;
		p += k;
		if (*p == ']')
			break;
		if (*p++ != ':')
			return NULL;
		if (*p == ':') {
			if (gap >= 0)
				return NULL;
			gap = n;
			p++;
		} else if (*p == ']') {
			return NULL;	/* a single trailing ':' */
		}
	}
	if (*p != ']' || (gap < 0 ? n != 16 : n > 14))
		return NULL;
	memset(out, 0, 16);
	if (gap < 0)
		gap = n;
	memcpy(out, w, (size_t)gap);
	memcpy(out + 16 - (n - gap), w + gap, (size_t)(n - gap));
	return p + 1;
}

int netsink_addr(const char *s, unsigned char out[16])
{
	char v6[48];
	size_t n;
	const char *end = ipv4(s, out);

	if (end && !*end)
		return 4;
	for (n = 0; s[n] && n < sizeof v6 - 2; n++)
		v6[n] = s[n];
	v6[n++] = ']';
	v6[n] = 0;
	end = ipv6(v6, out);
	return end && !*end ? 16 : 0;
}

/* "udp://A.B.C.D[:PORT]" or "udp://[V6][:PORT]": IP literals only (no
 * DNS on a board that may not have a resolver yet). Returns the address
 * family, or -1. */
static int parse(const char *url, struct sockaddr_in6 *sa6,
		 struct sockaddr_in *sa4)
{
	const char *p = url + sizeof scheme - 1;
	unsigned long port = NETSINK_PORT;
	int family = *p == '[' ? AF_INET6 : AF_INET;

	p = family == AF_INET6 ? ipv6(p + 1, sa6->sin6_addr.s6_addr) :
	    ipv4(p, (unsigned char *)&sa4->sin_addr);
	if (p && *p == ':')
		p = number(p + 1, 65535, &port);
	if (!p || *p || !port)
		return -1;
	sa6->sin6_family = (sa_family_t)family;	/* sin_family too */
	sa6->sin6_port = htons((uint16_t)port);	/* sin_port too */
	return family;
}

/* One piece of a record as one datagram; 0 also when it was dropped
 * (doc/network.md "What is lost when"). */
static int send_one(int fd, const struct frame_head *h, const void *data)
{
	static const unsigned char vxlan[8] = {
		0x08, 0, 0, 0,		/* flags: the VNI is valid */
		NETSINK_VNI >> 16 & 0xff, NETSINK_VNI >> 8 & 0xff,
		NETSINK_VNI & 0xff, 0,
	};
	unsigned char head[FRAME_RECORD_LEN];
	struct iovec iov[3];
	int refused = 0;

	frame_record_header(head, h);
	iov[0].iov_base = (void *)vxlan;
	iov[0].iov_len = sizeof vxlan;
	iov[1].iov_base = head + FRAME_PCAP_LEN;
	iov[1].iov_len = FRAME_RECORD_LEN - FRAME_PCAP_LEN;
	iov[2].iov_base = (void *)data;
	iov[2].iov_len = h->len;
	for (;;) {
		/* writev on the connected, non-blocking socket: one
		 * datagram, and no code of sendmsg's own (300 bytes) */
		if (writev(fd, iov, 3) >= 0)
			return 0;
		/* A capture engine collects without a socket bound to the
		 * port, so the collector's kernel answers each datagram
		 * with ICMP port unreachable; the connected socket reports
		 * that on the next send, which it did not send. */
		if (errno == ECONNREFUSED && !refused++)
			continue;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return 0;	/* a full socket buffer: dropped */
		return -1;
	}
}

/* struct capfile sink: each record cut to sink_payload bytes, each piece
 * one datagram and one sequence number. */
static int netsink_send(struct capfile *cf, uint32_t pid,
			struct capfile_record *rec, size_t n)
{
	struct frame_head h;
	const unsigned char *p;
	size_t i, left;

	h.sec = h.usec = 0;	/* not sent: the collector stamps */
	h.pid = pid;
	h.ppid = cf->ppid;
	for (i = 0; i < n; i++) {
		h.event = rec[i].event;
		p = rec[i].data;
		left = rec[i].len;
		do {
			h.len = left < cf->sink_payload ? left : cf->sink_payload;
			h.seq = cf->seq++;
			if (send_one(cf->fd, &h, p) < 0)
				return -1;
			p += h.len;
			left -= h.len;
		} while (left);
	}
	return 0;
}

int netsink_execve(struct capfile *cf, uint32_t pid, char *const argv[],
		   char *const envp[])
{
	unsigned char buf[FRAME_PAYLOAD_MAX];
	struct capfile_record rec;
	struct frame_blob blob;

	rec.data = buf;
	rec.event = EVENT_EXECVE;
	frame_blob_init(&blob, argv, envp);
	while ((rec.len = frame_blob_next(&blob, buf)))
		if (netsink_send(cf, pid, &rec, 1) < 0)
			return -1;
	return 0;
}

int netsink_open(struct capfile *cf, const char *url, size_t payload)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} a;
	int family, fd;

	memset(cf, 0, sizeof *cf);
	memset(&a, 0, sizeof a);
	cf->fd = -1;
	cf->path = url;
	cf->end = -1;
	family = parse(url, &a.in6, &a.in4);
	if (family < 0 || payload == 0 || payload > FRAME_PAYLOAD_MAX) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	cf->fd = io_move_high(fd);
	if (cf->fd < 0)
		return -1;
	/* connect() looks the route up now: no route, no interface yet
	 * (early boot) are known before the target runs (fail open). */
	if (connect(cf->fd, &a.sa, family == AF_INET ? sizeof a.in4 :
		    sizeof a.in6) < 0) {
		io_close(cf->fd);
		cf->fd = -1;
		return -1;
	}
	cf->sink = netsink_send;
	cf->sink_payload = payload;
	return 0;
}
