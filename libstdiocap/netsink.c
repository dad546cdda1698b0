/* netsink.c - the network destination: every record leaves as one UDP
 * datagram to a collector (doc/network.md, doc/capture-format.md §12).
 * SPDX-License-Identifier: MIT
 *
 * A datagram is a VXLAN header (RFC 7348) and the forged Ethernet frame
 * exactly as a file holds it, without the pcap record header: the
 * collector's capture engine stamps it. Sending never waits (the socket
 * is non-blocking) and a record that cannot go now is dropped; its
 * sequence number is spent all the same, so readers count the gap. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stdiocap.h"

static const char scheme[] = "udp://";

int netsink_is_url(const char *path)
{
	return !strncmp(path, scheme, sizeof scheme - 1);
}

/* "udp://A.B.C.D[:PORT]" or "udp://[V6][:PORT]": IP literals only (no
 * DNS on a board that may not have a resolver yet). */
static int parse(const char *url, struct sockaddr_in6 *sa6,
		 struct sockaddr_in *sa4)
{
	char host[48];
	const char *p = url + sizeof scheme - 1, *end;
	unsigned long port = NETSINK_PORT;
	size_t n;
	int v6 = *p == '[';

	if (v6) {
		end = strchr(++p, ']');
		if (!end)
			return -1;
		n = (size_t)(end++ - p);
	} else {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
	}
	if (n == 0 || n >= sizeof host)
		return -1;
	memcpy(host, p, n);
	host[n] = 0;
	if (*end == ':') {
		if (!end[1])
			return -1;
		for (port = 0, p = end + 1; *p >= '0' && *p <= '9'; p++)
			if ((port = port * 10 + (unsigned long)(*p - '0')) > 65535)
				return -1;
		end = p;
	}
	if (*end || port == 0)
		return -1;
	if (v6) {
		sa6->sin6_family = AF_INET6;
		sa6->sin6_port = htons(port);
		return inet_pton(AF_INET6, host, &sa6->sin6_addr) == 1 ?
		       AF_INET6 : -1;
	}
	sa4->sin_family = AF_INET;
	sa4->sin_port = htons(port);
	return inet_pton(AF_INET, host, &sa4->sin_addr) == 1 ? AF_INET : -1;
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
	struct msghdr m;
	int refused = 0;

	frame_record_header(head, h);
	iov[0].iov_base = (void *)vxlan;
	iov[0].iov_len = sizeof vxlan;
	iov[1].iov_base = head + FRAME_PCAP_LEN;
	iov[1].iov_len = FRAME_RECORD_LEN - FRAME_PCAP_LEN;
	iov[2].iov_base = (void *)data;
	iov[2].iov_len = h->len;
	memset(&m, 0, sizeof m);
	m.msg_iov = iov;
	m.msg_iovlen = 3;
	for (;;) {
		if (sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
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
