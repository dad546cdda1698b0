/* frame.c - byte packing of the pcap global header and record headers.
 * SPDX-License-Identifier: MIT
 *
 * Every multi-byte field is stored byte by byte, so the bytes are the
 * same on little- and big-endian hosts (SPEC §4): pcap fields
 * little-endian, network headers big-endian. */
#include "stdiocap.h"

const unsigned char frame_ethernet[14] = {
	0x02, 'C', 'A', 'P', 0, 0,		/* destination */
	0x02, 'S', 'T', 'D', 'I', 'O',		/* source */
	0x08, 0x00,				/* IPv4 */
};
const unsigned char frame_ip_dst[4] = { 10, 255, 255, 254 };

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

static unsigned char *put_bytes(unsigned char *p, const unsigned char *s,
				size_t n)
{
	while (n--)
		*p++ = *s++;
	return p;
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
	size_t i;

	for (i = 0; i < sizeof magic_version; i++)
		if (in[i] != magic_version[i])
			return 0;
	return in[20] == 1 && in[21] == 0 && in[22] == 0 && in[23] == 0;
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

void frame_record_header(unsigned char out[FRAME_RECORD_LEN], uint32_t sec,
			 uint32_t usec, uint32_t pid, enum frame_event event,
			 size_t len)
{
	unsigned char *p = out, *ip;
	uint32_t caplen = 42 + len;

	p = put_le32(p, sec);
	p = put_le32(p, usec);
	p = put_le32(p, caplen);
	p = put_le32(p, caplen);

	p = put_bytes(p, frame_ethernet, sizeof frame_ethernet);

	ip = p;
	*p++ = 0x45;			/* version 4, IHL 5 */
	*p++ = 0;			/* TOS */
	p = put_be16(p, 28 + len);	/* total length */
	p = put_be16(p, 0);		/* identification */
	p = put_be16(p, 0);		/* flags, fragment offset */
	*p++ = 64;			/* TTL */
	*p++ = 17;			/* UDP */
	p = put_be16(p, 0);		/* checksum, filled below */
	*p++ = 10;			/* 10.A.B.C: the full pid (SPEC §4) */
	*p++ = pid >> 16;
	*p++ = pid >> 8;
	*p++ = pid;
	p = put_bytes(p, frame_ip_dst, sizeof frame_ip_dst);
	put_be16(ip + 10, frame_ip_checksum(ip, 20));

	p = put_be16(p, pid & 0xffff);
	p = put_be16(p, event);
	p = put_be16(p, 8 + len);
	put_be16(p, 0);			/* UDP checksum: none */
}
