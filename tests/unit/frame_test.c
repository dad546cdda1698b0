/* frame_test.c - golden bytes of the capture format (SPEC §4).
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

#include "stdiocap.h"

static void result(int ok, const char *name)
{
	printf("%s: frame: %s\n", ok ? "PASS" : "FAIL", name);
}

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
	result(same_bytes(got, want, FRAME_GLOBAL_LEN),
	       "global header is d4 c3 b2 a1 02 00 04 00 0*8 ff ff 00 00 01 00 00 00");
	result(got[24] == 0xaa && got[25] == 0xaa && got[26] == 0xaa &&
	       got[27] == 0xaa, "global header writes exactly 24 bytes");
	result(FRAME_GLOBAL_LEN == 24 && FRAME_RECORD_LEN == 58 &&
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

	result(frame_ip_checksum(rfc1071, 8) == 0x220d,
	       "checksum of RFC 1071 example 0001f203f4f5f6f7 is ~ddf2 = 220d");
	result(frame_ip_checksum(ipv4, 20) == 0xb861,
	       "checksum of the 192.168.0.1 -> 192.168.0.199 header is b861");
	memcpy(filled, ipv4, 20);
	filled[10] = 0xb8;
	filled[11] = 0x61;
	result(frame_ip_checksum(filled, 20) == 0,
	       "checksum over a header with its checksum in place is 0");
	result(frame_ip_checksum(odd, 3) == 0x0dfe,
	       "odd length pads a zero byte (0001 f200 -> 0dfe)");
	result(frame_ip_checksum(odd, 0) == 0xffff,
	       "checksum of nothing is ffff");
	memset(ones, 0xff, sizeof ones);
	result(frame_ip_checksum(ones, 20) == 0x0000,
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
	frame_record_header(got, 1700000000u, 123456u, 0x012345u,
			    EVENT_STDOUT, 5);
	result(same_bytes(got, want, FRAME_RECORD_LEN),
	       "record header, pid 74565 stdout 5 bytes: hand-computed 58 bytes");
	result(got[58] == 0xaa && got[59] == 0xaa && got[60] == 0xaa &&
	       got[61] == 0xaa, "record header writes exactly 58 bytes");
	result(ip_header_sums_to_ffff(got + 30),
	       "record header IPv4 checksum verifies (sum ffff)");
}

/* Example B: pid 1, stdin, empty payload, time 0. Checksum by hand:
 * 4500 001c 0000 0000 4011 0000 0a00 0001 0aff fffe: sum 19a2b ->
 * 9a2c -> ~ = 65d3. */
static void test_record_example_b(void)
{
	static const unsigned char want[FRAME_RECORD_LEN] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x2a, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00,	/* 42 */
		0x02, 0x43, 0x41, 0x50, 0x00, 0x00,
		0x02, 0x53, 0x54, 0x44, 0x49, 0x4f, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00,	/* total 28 */
		0x40, 0x11, 0x65, 0xd3,
		0x0a, 0x00, 0x00, 0x01, 0x0a, 0xff, 0xff, 0xfe,
		0x00, 0x01, 0x00, 0x00,	/* sport 1, dport 0 (stdin) */
		0x00, 0x08, 0x00, 0x00,	/* UDP length 8 */
	};
	unsigned char got[FRAME_RECORD_LEN];

	frame_record_header(got, 0, 0, 1, EVENT_STDIN, 0);
	result(same_bytes(got, want, FRAME_RECORD_LEN),
	       "record header, pid 1 stdin 0 bytes: hand-computed 58 bytes");
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

	frame_record_header(got, 0xfedcba98u, 999999u, 0x400000u,
			    EVENT_STDERR, FRAME_PAYLOAD_MAX);
	result(same_bytes(got, want, FRAME_RECORD_LEN),
	       "record header, pid 4194304 stderr 8192 bytes: hand-computed 58 bytes");
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
		frame_record_header(h, 1, 2, pids[i].pid, EVENT_EXIT, 4);
		if (h[42] != 10 || h[43] != pids[i].a || h[44] != pids[i].b ||
		    h[45] != pids[i].c || h[50] != pids[i].sport_hi ||
		    h[51] != pids[i].sport_lo) {
			printf("      pid %lu: src %u.%u.%u.%u sport %02x%02x\n",
			       pids[i].pid, h[42], h[43], h[44], h[45], h[50],
			       h[51]);
			ok = 0;
		}
		if (!ip_header_sums_to_ffff(h + 30))
			sums = 0;
	}
	result(ok, "pid > 65535: source 10.A.B.C is the full pid, sport = pid & 0xffff");
	result(sums, "IPv4 checksum verifies for every pid");

	for (ev = EVENT_STDIN; ev <= EVENT_EXIT; ev++) {
		frame_record_header(h, 0, 0, 300, (enum frame_event)ev, 1);
		if (h[52] != 0 || h[53] != ev)
			ev_ok = 0;
	}
	result(ev_ok, "UDP destination port is the event number 0..4");

	frame_record_header(h, 0, 0, 42, EVENT_STDOUT, 0);
	result(h[8] == 42 && h[9] == 0 && h[12] == 42 && h[13] == 0 &&
	       h[32] == 0 && h[33] == 28 && h[54] == 0 && h[55] == 8 &&
	       ip_header_sums_to_ffff(h + 30),
	       "payload length 0: incl/orig 42, IPv4 total 28, UDP length 8");
	frame_record_header(h, 0, 0, 42, EVENT_STDOUT, 8192);
	result(h[8] == 0x2a && h[9] == 0x20 && h[10] == 0 && h[11] == 0 &&
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
	result(frame_global_header_valid(h) == 1,
	       "valid: the header frame_global_header writes");
	result(frame_global_header_valid(ours) == 1,
	       "valid: hand-written LE microsecond 2.4 Ethernet header");
	result(frame_global_header_valid(big) == 0,
	       "refused: big-endian pcap header (a1 b2 c3 d4)");

	memcpy(h, ours, sizeof h);
	h[0] = 0x4d; h[1] = 0x3c; h[2] = 0xb2; h[3] = 0xa1;
	result(frame_global_header_valid(h) == 0,
	       "refused: nanosecond magic (4d 3c b2 a1)");

	memcpy(h, ours, sizeof h);
	h[20] = 101;
	result(frame_global_header_valid(h) == 0,
	       "refused: link type 101 (raw IP)");

	memcpy(h, ours, sizeof h);
	h[21] = 0x01;	/* link type 0x101: low byte still 1 */
	result(frame_global_header_valid(h) == 0,
	       "refused: link type 257 (all 4 bytes compared)");

	memcpy(h, ours, sizeof h);
	h[6] = 3;
	result(frame_global_header_valid(h) == 0, "refused: version 2.3");

	memcpy(h, ours, sizeof h);
	h[4] = 3;
	result(frame_global_header_valid(h) == 0, "refused: version 3.4");

	memcpy(h, ours, sizeof h);
	h[8] = 0x10;		/* thiszone */
	h[12] = 0x07;		/* sigfigs */
	h[16] = 0x00; h[17] = 0x00; h[18] = 0x04; h[19] = 0x00;	/* snaplen 262144 */
	result(frame_global_header_valid(h) == 1,
	       "valid: thiszone, sigfigs and snaplen are not compared");

	memset(h, 0, sizeof h);
	result(frame_global_header_valid(h) == 0, "refused: 24 zero bytes");
}

int main(void)
{
	test_global_header();
	test_checksum();
	test_record_example_a();
	test_record_example_b();
	test_record_example_c();
	test_record_fields();
	test_header_valid();
	fflush(stdout);
	return 0;
}
