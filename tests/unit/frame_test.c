/* frame_test.c - golden bytes of the capture format, both directions
 * (doc/capture-format.md).
 * SPDX-License-Identifier: MIT
 *
 * Every expected value is a byte array written out by hand, never built
 * from integers with host byte order, so this test gives the same answer
 * on little- and big-endian hosts (it also runs under qemu-s390x). The
 * IPv4 checksums below were computed by hand and checked independently
 * (python3: ones' complement sum of the ten 16-bit big-endian words).
 * Prints one PASS:/FAIL: line per assertion group; exits 0. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

/* On a mismatch, show the first differing offset (VERBOSE-free). */
static int same_bytes(const unsigned char *got, const unsigned char *want,
		      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (got[i] != want[i]) {
			printf("      offset %zu: got %02x, want %02x\n", i,
			       got[i], want[i]);
			return 0;
		}
	return 1;
}

/* frame_record_header with its fields spelt out. */
static void rec(unsigned char *out, uint32_t sec, uint32_t usec, uint32_t pid,
		uint32_t ppid, enum frame_event event, size_t len)
{
	struct frame_head h;

	h.sec = sec;
	h.usec = usec;
	h.pid = pid;
	h.ppid = ppid;
	h.event = event;
	h.len = len;
	h.seq = 0;
	frame_record_header(out, &h);
}

/* frame_decode of want gives back exactly these fields. */
static int decodes_to(const unsigned char *in, uint32_t sec, uint32_t usec,
		      uint32_t pid, uint32_t ppid, enum frame_event event,
		      size_t len)
{
	struct frame_head h;
	uint32_t val;

	memset(&h, 0x55, sizeof h);
	if (frame_decode(in, &h, &val) != CAPREAD_OK)
		return 0;
	return h.sec == sec && h.usec == usec && h.pid == pid &&
	       h.ppid == ppid && h.event == event && h.len == len;
}

/* An independent check of an IPv4 header: the ones' complement sum of
 * its words, checksum included, is 0xffff. */
static int ip_header_sums_to_ffff(const unsigned char *ip)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		sum += (unsigned long)ip[i] * 256 + ip[i + 1];
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static void test_global_header(void)
{
	static const unsigned char want[FRAME_GLOBAL_LEN] = {
		0xd4, 0xc3, 0xb2, 0xa1,	/* magic 0xa1b2c3d4, LE: microseconds */
		0x02, 0x00, 0x04, 0x00,	/* version 2.4 */
		0x00, 0x00, 0x00, 0x00,	/* thiszone */
		0x00, 0x00, 0x00, 0x00,	/* sigfigs */
		0xff, 0xff, 0x00, 0x00,	/* snaplen 65535 */
		0x01, 0x00, 0x00, 0x00,	/* network 1: Ethernet */
	};
	unsigned char got[FRAME_GLOBAL_LEN + 4];

	memset(got, 0xaa, sizeof got);
	frame_global_header(got);
	unit_result(same_bytes(got, want, FRAME_GLOBAL_LEN),
		    "global header is d4 c3 b2 a1 02 00 04 00 0*8 ff ff 00 00 01 00 00 00");
	unit_result(got[24] == 0xaa && got[25] == 0xaa && got[26] == 0xaa &&
		    got[27] == 0xaa, "global header writes exactly 24 bytes");
	unit_result(FRAME_GLOBAL_LEN == 24 && FRAME_RECORD_LEN == 58 &&
		    FRAME_PAYLOAD_MAX == 8192,
		    "sizes: global 24, record header 58, payload max 8192");
}

static void test_checksum(void)
{
	/* RFC 1071 section 3: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2 */
	static const unsigned char rfc1071[8] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7
	};
	/* the classic IPv4 example 192.168.0.1 -> 192.168.0.199: b861 */
	static const unsigned char ipv4[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7
	};
	static const unsigned char odd[3] = { 0x00, 0x01, 0xf2 };
	unsigned char filled[20], ones[20];

	unit_result(frame_ip_checksum(rfc1071, 8) == 0x220d,
		    "checksum of RFC 1071 example 0001f203f4f5f6f7 is ~ddf2 = 220d");
	unit_result(frame_ip_checksum(ipv4, 20) == 0xb861,
		    "checksum of the 192.168.0.1 -> 192.168.0.199 header is b861");
	memcpy(filled, ipv4, 20);
	filled[10] = 0xb8;
	filled[11] = 0x61;
	unit_result(frame_ip_checksum(filled, 20) == 0,
		    "checksum over a header with its checksum in place is 0");
	unit_result(frame_ip_checksum(odd, 3) == 0x0dfe,
		    "odd length pads a zero byte (0001 f200 -> 0dfe)");
	unit_result(frame_ip_checksum(odd, 0) == 0xffff,
		    "checksum of nothing is ffff");
	memset(ones, 0xff, sizeof ones);
	unit_result(frame_ip_checksum(ones, 20) == 0x0000,
		    "end-around carry folds 10 x ffff to ffff (checksum 0)");
}

/* Example A: a pid above 65535, 5 bytes of stdout. By hand:
 * caplen 42+5 = 47 = 0x2f; IPv4 total 28+5 = 33 = 0x21; UDP 8+5 = 13;
 * pid 0x012345 -> 10.1.35.69, sport 0x2345; checksum of
 * 4500 0021 0000 0000 4011 0000 0a01 2345 0aff fffe: sum 1bd75 ->
 * bd76 -> ~ = 4289. */
static void test_record_example_a(void)
{
	static const unsigned char want[FRAME_RECORD_LEN] = {
		0x00, 0xf1, 0x53, 0x65,	/* ts_sec 1700000000 = 0x6553f100 LE */
		0x40, 0xe2, 0x01, 0x00,	/* ts_usec 123456 = 0x1e240 LE */
		0x2f, 0x00, 0x00, 0x00,	/* incl_len 47 */
		0x2f, 0x00, 0x00, 0x00,	/* orig_len 47 */
		0x02, 0x43, 0x41, 0x50, 0x00, 0x00,	/* dst MAC */
		0x02, 0x53, 0x54, 0x44, 0x49, 0x4f,	/* src MAC */
		0x08, 0x00,		/* EtherType IPv4 */
		0x45, 0x00, 0x00, 0x21,	/* v4 IHL 5, TOS, total 33 */
		0x00, 0x00, 0x00, 0x00,	/* id, flags/frag */
		0x40, 0x11, 0x42, 0x89,	/* TTL 64, UDP, checksum 4289 */
		0x0a, 0x01, 0x23, 0x45,	/* 10.1.35.69: pid 0x012345 */
		0x0a, 0xff, 0xff, 0xfe,	/* 10.255.255.254 */
		0x23, 0x45, 0x00, 0x01,	/* sport pid & 0xffff, dport 1 */
		0x00, 0x0d, 0x00, 0x00,	/* UDP length 13, checksum 0 */
	};
	unsigned char got[FRAME_RECORD_LEN + 4];

	memset(got, 0xaa, sizeof got);
	rec(got, 1700000000u, 123456u, 0x012345u, 0xfffffe, EVENT_STDOUT, 5);
	unit_result(same_bytes(got, want, FRAME_RECORD_LEN),
		    "record header, pid 74565 stdout 5 bytes: hand-computed 58 bytes");
	unit_result(got[58] == 0xaa && got[59] == 0xaa && got[60] == 0xaa &&
		    got[61] == 0xaa, "record header writes exactly 58 bytes");
	unit_result(ip_header_sums_to_ffff(got + 30),
		    "record header IPv4 checksum verifies (sum ffff)");
	unit_result(decodes_to(want, 1700000000u, 123456u, 0x012345u, 0xfffffe,
			       EVENT_STDOUT, 5),
		    "decode: hand-computed example A gives its fields back");
}

/* Example B: pid 1, stdin, empty payload, time 0, destination 10.0.0.0
 * (PID 1 has no parent). Checksum by hand:
 * 4500 001c 0000 0000 4011 0000 0a00 0001 0a00 0000: sum 992e ->
 * ~ = 66d1. */
static void test_record_example_b(void)
{
	static const unsigned char want[FRAME_RECORD_LEN] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x2a, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00,	/* 42 */
		0x02, 0x43, 0x41, 0x50, 0x00, 0x00,
		0x02, 0x53, 0x54, 0x44, 0x49, 0x4f, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00,	/* total 28 */
		0x40, 0x11, 0x66, 0xd1,
		0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00,	/* sport 1, dport 0 (stdin) */
		0x00, 0x08, 0x00, 0x00,	/* UDP length 8 */
	};
	unsigned char got[FRAME_RECORD_LEN];

	rec(got, 0, 0, 1, 0, EVENT_STDIN, 0);
	unit_result(same_bytes(got, want, FRAME_RECORD_LEN),
		    "record header, pid 1 stdin 0 bytes, ppid 0: hand-computed 58 bytes");
	unit_result(decodes_to(want, 0, 0, 1, 0, EVENT_STDIN, 0),
		    "decode: hand-computed example B gives its fields back (ppid 0)");
}

/* Example C: the largest payload, pid 2^22 (Linux pid_max limit):
 * 10.64.0.0 and sport 0; ts_sec past 2038. Checksum by hand:
 * 4500 201c 0000 0000 4011 0000 0a40 0000 0aff fffe: sum 1ba6a ->
 * ba6b -> ~ = 4594. */
static void test_record_example_c(void)
{
	static const unsigned char want[FRAME_RECORD_LEN] = {
		0x98, 0xba, 0xdc, 0xfe,	/* ts_sec 0xfedcba98 LE */
		0x3f, 0x42, 0x0f, 0x00,	/* ts_usec 999999 = 0xf423f LE */
		0x2a, 0x20, 0x00, 0x00,	/* 42 + 8192 = 8234 = 0x202a */
		0x2a, 0x20, 0x00, 0x00,
		0x02, 0x43, 0x41, 0x50, 0x00, 0x00,
		0x02, 0x53, 0x54, 0x44, 0x49, 0x4f, 0x08, 0x00,
		0x45, 0x00, 0x20, 0x1c,	/* total 28 + 8192 = 0x201c */
		0x00, 0x00, 0x00, 0x00,
		0x40, 0x11, 0x45, 0x94,
		0x0a, 0x40, 0x00, 0x00,	/* pid 0x400000 */
		0x0a, 0xff, 0xff, 0xfe,
		0x00, 0x00, 0x00, 0x02,	/* sport 0x400000 & 0xffff = 0; stderr */
		0x20, 0x08, 0x00, 0x00,	/* UDP 8 + 8192 = 0x2008 */
	};
	unsigned char got[FRAME_RECORD_LEN];

	rec(got, 0xfedcba98u, 999999u, 0x400000u, 0xfffffe, EVENT_STDERR,
	    FRAME_PAYLOAD_MAX);
	unit_result(same_bytes(got, want, FRAME_RECORD_LEN),
		    "record header, pid 4194304 stderr 8192 bytes: hand-computed 58 bytes");
	unit_result(decodes_to(want, 0xfedcba98u, 999999u, 0x400000u, 0xfffffe,
			       EVENT_STDERR, FRAME_PAYLOAD_MAX),
		    "decode: hand-computed example C gives its fields back");
}

/* Field-level checks over several pids and events. */
static void test_record_fields(void)
{
	static const struct {
		unsigned long pid;
		unsigned char a, b, c, sport_hi, sport_lo;
	} pids[] = {
		{ 1, 0, 0, 1, 0x00, 0x01 },
		{ 65535, 0x00, 0xff, 0xff, 0xff, 0xff },
		{ 65536, 0x01, 0x00, 0x00, 0x00, 0x00 },	/* sport wraps to 0 */
		{ 65537, 0x01, 0x00, 0x01, 0x00, 0x01 },
		{ 4194303, 0x3f, 0xff, 0xff, 0xff, 0xff },
		{ 16777215, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	unsigned char h[FRAME_RECORD_LEN];
	size_t i;
	int ok = 1, sums = 1, ev_ok = 1;
	int ev;

	for (i = 0; i < sizeof pids / sizeof *pids; i++) {
		rec(h, 1, 2, pids[i].pid, pids[i].pid, EVENT_EXIT, 4);
		if (h[42] != 10 || h[43] != pids[i].a || h[44] != pids[i].b ||
		    h[45] != pids[i].c || h[50] != pids[i].sport_hi ||
		    h[51] != pids[i].sport_lo || h[46] != 10 ||
		    h[47] != pids[i].a || h[48] != pids[i].b ||
		    h[49] != pids[i].c) {
			printf("      pid %lu: src %u.%u.%u.%u sport %02x%02x\n",
			       pids[i].pid, h[42], h[43], h[44], h[45], h[50],
			       h[51]);
			ok = 0;
		}
		if (!ip_header_sums_to_ffff(h + 30))
			sums = 0;
	}
	unit_result(ok, "pid > 65535: source 10.A.B.C is the full pid, sport = pid & 0xffff, destination 10.D.E.F the full ppid");
	unit_result(sums, "IPv4 checksum verifies for every pid");

	for (ev = EVENT_STDIN; ev <= EVENT_EXIT; ev++) {
		rec(h, 0, 0, 300, 299, (enum frame_event)ev, 1);
		if (h[52] != 0 || h[53] != ev)
			ev_ok = 0;
	}
	unit_result(ev_ok, "UDP destination port is the event number 0..4");

	rec(h, 0, 0, 42, 41, EVENT_STDOUT, 0);
	unit_result(h[8] == 42 && h[9] == 0 && h[12] == 42 && h[13] == 0 &&
		    h[32] == 0 && h[33] == 28 && h[54] == 0 && h[55] == 8 &&
		    ip_header_sums_to_ffff(h + 30),
		    "payload length 0: incl/orig 42, IPv4 total 28, UDP length 8");
	rec(h, 0, 0, 42, 41, EVENT_STDOUT, 8192);
	unit_result(h[8] == 0x2a && h[9] == 0x20 && h[10] == 0 && h[11] == 0 &&
		    h[12] == 0x2a && h[13] == 0x20 && h[32] == 0x20 &&
		    h[33] == 0x1c && h[54] == 0x20 && h[55] == 0x08 &&
		    ip_header_sums_to_ffff(h + 30),
		    "payload length 8192: incl/orig 8234, IPv4 total 8220, UDP length 8200");
}

static void test_header_valid(void)
{
	static const unsigned char ours[FRAME_GLOBAL_LEN] = {
		0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,
		0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0x01, 0, 0, 0
	};
	/* what a big-endian libpcap writes: same fields, other byte order */
	static const unsigned char big[FRAME_GLOBAL_LEN] = {
		0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x02, 0x00, 0x04,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0x01
	};
	unsigned char h[FRAME_GLOBAL_LEN];

	frame_global_header(h);
	unit_result(frame_global_header_valid(h) == 1,
		    "valid: the header frame_global_header writes");
	unit_result(frame_global_header_valid(ours) == 1,
		    "valid: hand-written LE microsecond 2.4 Ethernet header");
	unit_result(frame_global_header_valid(big) == 0,
		    "refused: big-endian pcap header (a1 b2 c3 d4)");

	memcpy(h, ours, sizeof h);
	h[0] = 0x4d; h[1] = 0x3c; h[2] = 0xb2; h[3] = 0xa1;
	unit_result(frame_global_header_valid(h) == 0,
		    "refused: nanosecond magic (4d 3c b2 a1)");

	memcpy(h, ours, sizeof h);
	h[20] = 101;
	unit_result(frame_global_header_valid(h) == 0,
		    "refused: link type 101 (raw IP)");

	memcpy(h, ours, sizeof h);
	h[21] = 0x01;	/* link type 0x101: low byte still 1 */
	unit_result(frame_global_header_valid(h) == 0,
		    "refused: link type 257 (all 4 bytes compared)");

	memcpy(h, ours, sizeof h);
	h[6] = 3;
	unit_result(frame_global_header_valid(h) == 0, "refused: version 2.3");

	memcpy(h, ours, sizeof h);
	h[4] = 3;
	unit_result(frame_global_header_valid(h) == 0, "refused: version 3.4");

	memcpy(h, ours, sizeof h);
	h[8] = 0x10;		/* thiszone */
	h[12] = 0x07;		/* sigfigs */
	h[16] = 0x00; h[17] = 0x00; h[18] = 0x04; h[19] = 0x00;	/* snaplen 262144 */
	unit_result(frame_global_header_valid(h) == 1,
		    "valid: thiszone, sigfigs and snaplen are not compared");

	memset(h, 0, sizeof h);
	unit_result(frame_global_header_valid(h) == 0, "refused: 24 zero bytes");
}

/* Decoding refuses every field frame_record_header would not write. */
static void test_decode_errors(void)
{
	static const struct {
		size_t off;
		unsigned char byte;
		enum capread_error want;
		const char *what;
	} bad[] = {
		{ 8, 0x29, CAPREAD_LENGTH, "incl_len 41" },
		{ 10, 0x01, CAPREAD_LENGTH, "incl_len over 8234" },
		{ 12, 0x30, CAPREAD_SNAPPED, "orig_len != incl_len" },
		{ 7, 0x01, CAPREAD_USEC, "usec >= 1000000" },
		{ 16, 0x03, CAPREAD_FRAME, "destination MAC" },
		{ 27, 0x00, CAPREAD_FRAME, "source MAC" },
		{ 30, 0x46, CAPREAD_FRAME, "IPv4 IHL 6" },
		{ 33, 0x22, CAPREAD_FRAME, "IPv4 total length" },
		{ 39, 0x06, CAPREAD_FRAME, "protocol TCP" },
		{ 41, 0x00, CAPREAD_FRAME, "IPv4 checksum" },
		{ 42, 11, CAPREAD_FRAME, "source not 10/8" },
		{ 46, 11, CAPREAD_FRAME, "destination not 10/8" },
		{ 51, 0x44, CAPREAD_FRAME, "source port != pid & 0xffff" },
		{ 55, 0x0c, CAPREAD_FRAME, "UDP length" },
	};
	unsigned char h[FRAME_RECORD_LEN];
	struct frame_head d;
	uint32_t val;
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		rec(h, 1, 2, 0x012345, 7, EVENT_STDOUT, 5);
		h[bad[i].off] = bad[i].byte;
		if (bad[i].off >= 30 && bad[i].off < 50 && bad[i].off != 40 &&
		    bad[i].off != 41) {
			/* keep the checksum right: only the field is wrong */
			h[40] = h[41] = 0;
			h[40] = frame_ip_checksum(h + 30, 20) >> 8;
			h[41] = frame_ip_checksum(h + 30, 20) & 0xff;
		}
		if (frame_decode(h, &d, &val) != bad[i].want) {
			printf("      %s: not refused as %d\n", bad[i].what,
			       bad[i].want);
			ok = 0;
		}
	}
	unit_result(ok, "decode refuses each wrong field (lengths, usec, MACs, IPv4, UDP)");

	rec(h, 1, 2, 300, 299, EVENT_EXIT, 4);
	h[53] = 5;
	unit_result(frame_decode(h, &d, &val) == CAPREAD_EVENT && val == 5,
		    "decode refuses event 5 (val 5)");
	rec(h, 1, 2, 300, 299, EVENT_EXIT, 3);
	unit_result(frame_decode(h, &d, &val) == CAPREAD_EXIT && val == 3,
		    "decode refuses an exit payload of 3 bytes (val 3)");
	rec(h, 1, 2, 300, 299, EVENT_STDIN, 8);
	h[8] = h[12] = 0x29;
	unit_result(frame_decode_pcap(h, &d, &val) == CAPREAD_LENGTH && val == 41,
		    "decode_pcap needs only 16 bytes and says the length (41)");
	rec(h, 1, 2, 0x123456, 0xabcdef, EVENT_STDIN, 8);
	unit_result(h[46] == 10 && h[47] == 0xab && h[48] == 0xcd && h[49] == 0xef &&
		    decodes_to(h, 1, 2, 0x123456, 0xabcdef, EVENT_STDIN, 8),
		    "ppid 0xabcdef: destination 10.171.205.239, decoded back");
}

static void test_global_header_error(void)
{
	unsigned char h[FRAME_GLOBAL_LEN];
	uint32_t val;

	frame_global_header(h);
	unit_result(frame_global_header_error(h, &val) == CAPREAD_OK,
		    "global header: ours is CAPREAD_OK");
	h[20] = 101;
	unit_result(frame_global_header_error(h, &val) == CAPREAD_LINKTYPE &&
		    val == 101, "global header: link type 101 named");
	frame_global_header(h);
	h[6] = 3;
	unit_result(frame_global_header_error(h, &val) == CAPREAD_VERSION,
		    "global header: version 2.3");
	h[0] = 0xa1; h[1] = 0xb2; h[2] = 0xc3; h[3] = 0xd4;
	unit_result(frame_global_header_error(h, &val) == CAPREAD_SWAPPED,
		    "global header: big-endian");
	h[0] = 0x4d; h[1] = 0x3c; h[2] = 0xb2; h[3] = 0xa1;
	unit_result(frame_global_header_error(h, &val) == CAPREAD_NANOSEC,
		    "global header: nanoseconds");
	h[0] = 0x0a; h[1] = 0x0d; h[2] = 0x0d; h[3] = 0x0a;
	unit_result(frame_global_header_error(h, &val) == CAPREAD_PCAPNG,
		    "global header: pcapng");
	h[0] = 'r';
	unit_result(frame_global_header_error(h, &val) == CAPREAD_NOT_PCAP,
		    "global header: not a pcap");
}

static void test_exit(void)
{
	static const int st[] = { 0, 1 << 8, 255 << 8, 9, 11 | 0x80, 0x7f };
	unsigned char b[FRAME_EXIT_LEN];
	size_t i;
	int ok = 1;

	frame_exit_encode(b, 3 << 8);
	unit_result(b[0] == 0 && b[1] == 0 && b[2] == 3 && b[3] == 0,
		    "exit 3 is 00 00 03 00 (big-endian wait status)");
	frame_exit_encode(b, 11 | 0x80);
	unit_result(b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0x8b,
		    "SIGSEGV with core is 00 00 00 8b");
	for (i = 0; i < sizeof st / sizeof *st; i++) {
		frame_exit_encode(b, st[i]);
		ok &= frame_exit_decode(b) == (uint32_t)st[i];
	}
	b[0] = 0x12; b[1] = 0x34; b[2] = 0x56; b[3] = 0x78;
	unit_result(ok && frame_exit_decode(b) == 0x12345678,
		    "exit payload decodes to what was encoded");
}

/* The blob in one buffer, by frame_blob_next. */
static size_t blob_all(unsigned char *out, size_t cap, char *const argv[],
		       char *const envp[], size_t *records)
{
	struct frame_blob b;
	size_t n, total = 0;

	frame_blob_init(&b, argv, envp);
	*records = 0;
	while ((n = frame_blob_next(&b, out + total))) {
		total += n;
		++*records;
		if (total + FRAME_PAYLOAD_MAX > cap)
			break;
	}
	return total;
}

static void test_blob(void)
{
	static unsigned char out[4 * FRAME_PAYLOAD_MAX + 64];
	static char big[FRAME_PAYLOAD_MAX + 2];
	char *argv[] = { "ls", "-l", NULL }, *envp[] = { "A=1", NULL };
	char *bigv[] = { big, NULL };
	size_t n, r, i;
	int ok;

	n = blob_all(out, sizeof out, argv, envp, &r);
	unit_result(n == 12 && r == 1 && !memcmp(out, "ls\0-l\0\0A=1\0\0", 12),
		    "blob of ls -l / A=1 is ls\\0-l\\0\\0A=1\\0\\0 in one payload");
	n = blob_all(out, sizeof out, NULL, NULL, &r);
	unit_result(n == 2 && r == 1 && !out[0] && !out[1],
		    "blob of no argv, no env is \\0\\0");
	for (i = FRAME_PAYLOAD_MAX - 3; i <= FRAME_PAYLOAD_MAX + 1; i++) {
		memset(big, 'x', i);
		big[i] = 0;
		n = blob_all(out, sizeof out, bigv, NULL, &r);
		ok = n == i + 3 && r == (n + FRAME_PAYLOAD_MAX - 1) / FRAME_PAYLOAD_MAX &&
		     out[i] == 0 && out[i + 1] == 0 && out[i + 2] == 0 &&
		     out[0] == 'x' && out[i - 1] == 'x';
		if (!ok) {
			printf("      argument of %zu bytes: blob %zu in %zu\n",
			       i, n, r);
			break;
		}
	}
	unit_result(ok, "blob around 8192 bytes: split into full payloads, nothing lost");
}

/* Feeds blob in pieces of step bytes; argv_len and done after all. */
static void split(const unsigned char *blob, size_t n, size_t step,
		  size_t *argv_len, int *done)
{
	struct frame_split s;
	size_t i;

	frame_split_init(&s);
	for (i = 0; i < n; i += step)
		frame_split_feed(&s, blob + i, n - i < step ? n - i : step);
	*argv_len = frame_split_argv_len(&s);
	*done = frame_split_done(&s);
}

static void test_split(void)
{
	/* blob, its length, argv_len by tests/pcapcheck.py's rule */
	static const struct {
		const char *blob;
		size_t n, argv_len;
		const char *what;
	} cases[] = {
		{ "ls\0-l\0\0A=1\0\0", 12, 7, "ls -l / A=1" },
		{ "\0\0", 2, 1, "no argv, no env" },
		{ "sh\0\0\0", 5, 4, "sh, no env" },
		{ "\0A=1\0\0", 6, 1, "no argv, A=1" },
		{ "a\0\0b\0\0X=1\0\0", 11, 6, "empty argument inside argv" },
		{ "a\0\0\0\0", 5, 4, "empty last argument, no env" },
		{ "a\0\0b\0\0", 6, 3, "env item without '=': first empty item" },
		{ "a\0\0\0X=1\0\0", 9, 4, "empty last argument, X=1" },
	};
	size_t i, step, len;
	int done, ok = 1;

	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		for (step = 1; step <= cases[i].n; step++) {
			split((const unsigned char *)cases[i].blob, cases[i].n,
			      step, &len, &done);
			if (len != cases[i].argv_len || !done) {
				printf("      %s, pieces of %zu: argv_len %zu "
				       "done %d\n", cases[i].what, step, len,
				       done);
				ok = 0;
				break;
			}
		}
	unit_result(ok, "split: argv ends where tests/pcapcheck.py says, fed in any pieces");
	split((const unsigned char *)"ls\0-l\0\0A=1\0", 11, 11, &len, &done);
	unit_result(!done && len == 7, "split: a blob without its last NUL is not done");
	split((const unsigned char *)"ls\0-l", 5, 5, &len, &done);
	unit_result(!done && len == 0, "split: no empty item yet: argv_len 0");
}

/* n bytes of records: payloads of len bytes of fill, at buf; returns the
 * offset after them. */
static size_t put_records(unsigned char *buf, size_t at, int count,
			  size_t len, unsigned char fill)
{
	while (count--) {
		rec(buf + at, 1, 2, 300, 299, EVENT_STDOUT, len);
		memset(buf + at + FRAME_RECORD_LEN, fill, len);
		at += FRAME_RECORD_LEN + len;
	}
	return at;
}

/* The tail rule (frame_tail_*) on buf[from..to), the zeros from the
 * last non-zero byte on, fed in pieces of 1000 bytes. */
static size_t tail_cut_fed(const unsigned char *buf, size_t from, size_t to,
			   int at_boundary)
{
	static struct frame_tail t;
	size_t nz = to, at, n;

	while (nz > from && !buf[nz - 1])
		nz--;
	frame_tail_init(&t, nz - from, to - from, at_boundary);
	for (at = from; at < nz; at += n) {
		n = nz - at < 1000 ? nz - at : 1000;
		frame_tail_feed(&t, buf + at, n);
	}
	return frame_tail_end(&t);
}

static size_t tail_cut(const unsigned char *buf, size_t from, size_t to)
{
	return tail_cut_fed(buf, from, to, from == 0);
}

static void test_tail_cut(void)
{
	enum { N = 2 * FRAME_RECORD_MAX };
	static unsigned char buf[FRAME_TAIL_MAX + 4 * FRAME_RECORD_MAX];
	size_t end, n, cut;
	int ok = 1;

	memset(buf, 0, sizeof buf);
	/* whole records up to exactly the end: nothing to cut */
	end = put_records(buf, 0, 5, 4000, 'a');
	unit_result(tail_cut(buf, end - N, end) == N,
		    "tail_cut: records ending exactly at the end: cut at the end");
	unit_result(tail_cut(buf, 0, end) == end,
		    "tail_cut: ... also from a known boundary");
	/* a record torn at each length: cut where it starts */
	put_records(buf, end, 1, 4000, 'b');
	for (n = 1; n < FRAME_RECORD_LEN + 4000; n += 7) {
		cut = tail_cut(buf, end + n - N, end + n);
		if (cut != N - n) {
			printf("      torn after %zu bytes: cut %zu\n", n, cut);
			ok = 0;
			break;
		}
	}
	unit_result(ok, "tail_cut: a last record torn at any length is cut where it starts");
	/* zeros after the last record (a power cut), and after a torn one */
	memset(buf + end, 0, 3000);
	unit_result(tail_cut(buf, end + 3000 - N, end + 3000) == N - 3000,
		    "tail_cut: zeros after the last record are cut");
	put_records(buf, end, 1, 4000, 'b');
	memset(buf + end + 100, 0, 1000);
	unit_result(tail_cut(buf, end + 1100 - N, end + 1100) == N - 1100,
		    "tail_cut: a torn record followed by zeros is cut where it starts");
	/* ... unless the zeros complete it: its missing bytes read as
	 * zeros, and it is kept as a whole record (§7.2) */
	memset(buf + end + 100, 0, 5000);
	unit_result(tail_cut(buf, end + 5100 - N, end + 5100) == N - 5100 + 4058,
		    "tail_cut: a record completed by zeros is kept, the zeros after it cut");
	/* a last record whose payload ends in zeros, then zeros */
	end = put_records(buf, 0, 5, 4000, 'a');
	n = put_records(buf, end, 1, 100, 0);
	memset(buf + n, 0, 500);
	unit_result(tail_cut(buf, n + 500 - N, n + 500) == N - 500,
		    "tail_cut: a record ending in zero bytes, then zeros: the record is kept");
	/* a payload that is itself records, torn right after one of them:
	 * the inner chain reaches the end exactly, the outer tears there */
	end = put_records(buf, 0, 4, 4000, 'c');
	rec(buf + end, 1, 2, 400, 399, EVENT_STDOUT, 8000);
	n = put_records(buf, end + FRAME_RECORD_LEN, 3, 100, 'd');
	unit_result(tail_cut(buf, n - N, n) == N - (n - end),
		    "tail_cut: records inside a torn payload: cut where the torn record starts");
	/* ... followed by zeros */
	memset(buf + n, 0, 512);
	unit_result(tail_cut(buf, n + 512 - N, n + 512) == N - (n + 512 - end),
		    "tail_cut: records inside a torn payload, then zeros: cut where it starts");
	/* junk without any record in it after the last record */
	end = put_records(buf, 0, 5, 4000, 'a');
	for (n = 0; n < 300; n++)
		buf[end + n] = (unsigned char)(n * 37 + 11);
	unit_result(tail_cut(buf, end + 300 - N, end + 300) == N - 300,
		    "tail_cut: junk holding no record after the last record is cut");
	/* junk, then a whole record (someone appended after damage): kept */
	n = put_records(buf, end + 300, 1, 50, 'z');
	cut = tail_cut(buf, n - N, n);
	unit_result(cut == FRAME_CUT_NONE,
		    "tail_cut: a record after junk: nothing is cut");
	memset(buf, 0, N);
	unit_result(tail_cut(buf, 0, N) == 0,
		    "tail_cut: only zeros after the global header: cut to it");
	unit_result(tail_cut_fed(buf, 0, N, 0) == FRAME_CUT_NONE,
		    "tail_cut: only zeros, no known boundary: nothing is cut");
}

/* doc/capture-format.md §3.5: the sequence number is the IPv4
 * identification, big-endian, covered by the header checksum, and
 * decoded back. */
static void test_seq(void)
{
	unsigned char out[FRAME_RECORD_LEN];
	struct frame_head h, d;
	uint32_t val;

	memset(&h, 0, sizeof h);
	h.pid = 4242;
	h.ppid = 1;
	h.event = EVENT_STDOUT;
	h.len = 3;
	h.seq = 0xbeef;
	frame_record_header(out, &h);
	unit_result(out[FRAME_PCAP_LEN + 18] == 0xbe && out[FRAME_PCAP_LEN + 19] == 0xef,
		    "seq 0xbeef is the IPv4 identification, big-endian (frame bytes 18-19)");
	unit_result(ip_header_sums_to_ffff(out + FRAME_PCAP_LEN + 14),
		    "the IPv4 checksum covers the sequence number");
	memset(&d, 0x55, sizeof d);
	unit_result(frame_decode(out, &d, &val) == CAPREAD_OK && d.seq == 0xbeef,
		    "frame_decode gives the sequence number back");
}

int main(void)
{
	unit_begin("frame", 0);
	test_global_header();
	test_checksum();
	test_record_example_a();
	test_record_example_b();
	test_record_example_c();
	test_record_fields();
	test_header_valid();
	test_decode_errors();
	test_global_header_error();
	test_exit();
	test_blob();
	test_split();
	test_tail_cut();
	test_seq();
	fflush(stdout);
	return 0;
}
