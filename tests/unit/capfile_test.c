/* capfile_test.c - the capture file: creation, validation, appending
 * (doc/safety.md; doc/capture-format.md §2-§8).
 * SPDX-License-Identifier: MIT
 *
 * Works in a mkdtemp directory under /tmp (not sticky itself). Expected
 * records are built by an independent reference writer below, byte by
 * byte, so the test holds on big-endian hosts too. Checks that could
 * hang or need closed fds 0-2 run in a forked child that reports through
 * its exit status. Prints one PASS:/FAIL:/SKIP: line per assertion
 * group; exits 0 (non-zero only if the test itself cannot run). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stdiocap.h"
#include "unit.h"

enum { BIG = 64 * 1024 };

static const unsigned char golden[FRAME_GLOBAL_LEN] = {
	0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
};

static void note(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* A detail line under the next result, indented as testing.sh does. */
static void note(const char *fmt, ...)
{
	va_list ap;

	printf("      ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Reads up to max bytes of path; -1 if it cannot be read. */
static long slurp(const char *path, unsigned char *buf, size_t max)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	long n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while ((size_t)n < max && (r = read(fd, buf + n, max - n)) > 0)
		n += r;
	close(fd);
	return n;
}

static int spit(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -1;
}

static unsigned long le32(const unsigned char *p)
{
	return p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 |
	       (unsigned long)p[3] << 24;
}

/* ---- the reference writer: doc/capture-format.md §2-§4 spelled out
 * independently */

/* The ppid every record of these tests carries (struct capfile ppid). */
#define REF_PPID 0x0a1b2cUL

/* The 58 header bytes of a record, timestamps zero (never compared). */
static void ref_head(unsigned char *o, unsigned long pid, int event,
		     size_t len, unsigned seq)
{
	static const unsigned char eth[14] = {
		0x02, 0x43, 0x41, 0x50, 0x00, 0x00,
		0x02, 0x53, 0x54, 0x44, 0x49, 0x4f, 0x08, 0x00
	};
	unsigned long caplen = 42 + len, sum = 0;
	unsigned char *ip = o + 30, *udp = o + 50;
	int i;

	memset(o, 0, FRAME_RECORD_LEN);
	for (i = 0; i < 4; i++) {
		o[8 + i] = caplen >> (8 * i) & 0xff;
		o[12 + i] = caplen >> (8 * i) & 0xff;
	}
	memcpy(o + 16, eth, sizeof eth);
	ip[0] = 0x45;
	ip[2] = (28 + len) >> 8 & 0xff;
	ip[3] = (28 + len) & 0xff;
	ip[4] = seq >> 8 & 0xff;	/* the sequence number (§3.5) */
	ip[5] = seq & 0xff;
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10;
	ip[13] = pid >> 16 & 0xff;
	ip[14] = pid >> 8 & 0xff;
	ip[15] = pid & 0xff;
	ip[16] = 10;		/* 10.D.E.F: REF_PPID, the lineage */
	ip[17] = REF_PPID >> 16;
	ip[18] = REF_PPID >> 8 & 0xff;
	ip[19] = REF_PPID & 0xff;
	for (i = 0; i < 20; i += 2)
		sum += (unsigned long)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ip[10] = sum >> 8;
	ip[11] = sum & 0xff;
	udp[0] = pid >> 8 & 0xff;
	udp[1] = pid & 0xff;
	udp[2] = 0;
	udp[3] = event;
	udp[4] = (8 + len) >> 8 & 0xff;
	udp[5] = (8 + len) & 0xff;
}

/* Walks the records of buf[24..n): each must match the reference header
 * (timestamps aside, those only sane) for pid and event. Concatenates
 * the payloads into cat (if not NULL), counts records and the largest
 * payload. 0 on success. */
static int walk(const unsigned char *buf, long n, unsigned long pid,
		int event, unsigned char *cat, size_t *catlen, int *records,
		size_t *maxlen)
{
	long off = FRAME_GLOBAL_LEN;
	unsigned char want[FRAME_RECORD_LEN];

	*records = 0;
	*maxlen = 0;
	if (catlen)
		*catlen = 0;
	while (off < n) {
		unsigned long incl;
		size_t len;

		if (n - off < FRAME_RECORD_LEN)
			return note("short header at %ld: %ld bytes left", off,
				    n - off), -1;
		incl = le32(buf + off + 8);
		if (incl < 42 || incl > 42 + FRAME_PAYLOAD_MAX ||
		    (long)(off + 16 + incl) > n)
			return note("bad length at %ld: incl_len %lu", off, incl),
			       -1;
		len = incl - 42;
		ref_head(want, pid, event, len, (unsigned)*records);
		if (memcmp(buf + off + 8, want + 8, FRAME_RECORD_LEN - 8))
			return note("header differs at %ld (payload %zu)", off,
				    len), -1;
		if (le32(buf + off + 4) >= 1000000)
			return note("ts_usec at %ld: %lu", off,
				    le32(buf + off + 4)), -1;
		if (cat) {
			memcpy(cat + *catlen, buf + off + FRAME_RECORD_LEN, len);
			*catlen += len;
		}
		if (len > *maxlen)
			*maxlen = len;
		++*records;
		off += FRAME_RECORD_LEN + len;
	}
	return 0;
}

/* ---- creation and validation */

static void test_create(mode_t mask, const char *name, const char *label)
{
	struct capfile cf;
	enum capfile_refusal why;
	unsigned char buf[64];
	struct stat st;
	mode_t old = umask(mask);
	int r = capfile_open(&cf, unit_path(name), 0, 1000, &why);
	char text[160];

	umask(old);
	snprintf(text, sizeof text, "new file is mode 0600 with umask %s", label);
	unit_result(r == 0 && why == CAPFILE_OK && stat(unit_path(name), &st) == 0 &&
		    (st.st_mode & 07777) == 0600, text);
	snprintf(text, sizeof text,
		 "new file (umask %s) holds exactly the 24-byte global header", label);
	unit_result(r == 0 && slurp(unit_path(name), buf, sizeof buf) == 24 &&
		    !memcmp(buf, golden, 24), text);
	if (r == 0) {
		snprintf(text, sizeof text,
			 "capture fd (umask %s) is >= 3 and close-on-exec", label);
		unit_result(cf.fd >= 3 && (fcntl(cf.fd, F_GETFD) & FD_CLOEXEC), text);
		capfile_close(&cf);
		unit_result(cf.fd == -1, "capfile_close sets fd to -1");
	}
}

static void test_reopen(void)
{
	struct capfile a, b;
	enum capfile_refusal why;
	unsigned char buf[64];
	int ra, rb;

	ra = capfile_open(&a, unit_path("twice"), 0, 1000, &why);
	rb = capfile_open(&b, unit_path("twice"), 0, 1000, &why);
	unit_result(ra == 0 && rb == 0 && why == CAPFILE_OK &&
		    slurp(unit_path("twice"), buf, sizeof buf) == 24 &&
		    !memcmp(buf, golden, 24),
		    "second open of the same file writes no second header");
	if (ra == 0)
		capfile_close(&a);
	if (rb == 0)
		capfile_close(&b);
}

static void test_existing_capture(void)
{
	unsigned char file[24 + 58 + 3], buf[128];
	struct capfile cf;
	enum capfile_refusal why;
	int r;

	memcpy(file, golden, 24);
	ref_head(file + 24, 77, EVENT_STDOUT, 3, 0);
	memcpy(file + 24 + 58, "abc", 3);
	spit(unit_path("existing"), file, sizeof file);
	r = capfile_open(&cf, unit_path("existing"), 0, 1000, &why);
	unit_result(r == 0 && slurp(unit_path("existing"), buf, sizeof buf) ==
		    (long)sizeof file && !memcmp(buf, file, sizeof file),
		    "existing capture is accepted and left as it was");
	if (r == 0)
		capfile_close(&cf);
}

static void test_foreign(const char *name, const char *label,
			 const unsigned char *data, size_t len)
{
	unsigned char buf[256];
	struct capfile cf;
	enum capfile_refusal why;
	int r;
	char text[160];

	spit(unit_path(name), data, len);
	errno = 0;
	r = capfile_open(&cf, unit_path(name), 0, 1000, &why);
	snprintf(text, sizeof text,
		 "%s is refused CAPFILE_NOT_OURS and left byte-identical", label);
	unit_result(r == -1 && why == CAPFILE_NOT_OURS &&
		    slurp(unit_path(name), buf, sizeof buf) == (long)len &&
		    !memcmp(buf, data, len), text);
	if (r == 0)
		capfile_close(&cf);
}

static void test_foreign_files(void)
{
	static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\n";
	static const unsigned char big[24] = {
		0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x02, 0x00, 0x04,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0x01
	};
	unsigned char nano[24], raw[24];

	memcpy(nano, golden, 24);
	nano[0] = 0x4d;
	nano[1] = 0x3c;
	memcpy(raw, golden, 24);
	raw[20] = 101;
	test_foreign("passwd", "a text file",
		     (const unsigned char *)passwd, sizeof passwd - 1);
	test_foreign("bigendian", "a big-endian pcap", big, sizeof big);
	test_foreign("nano", "a nanosecond pcap", nano, sizeof nano);
	test_foreign("raw", "a link type 101 pcap", raw, sizeof raw);
	test_foreign("ten", "a 10-byte file (start of our header)", golden, 10);
	test_foreign("short", "a 23-byte file (our header less one byte)",
		     golden, 23);
}

/* A FIFO, a directory, a device: refused in a child that an alarm kills
 * if the open hangs. */
static void test_not_regular(const char *path, const char *label)
{
	pid_t pid;
	int status;
	char text[160];

	pid = fork();
	if (pid == 0) {
		struct capfile cf;
		enum capfile_refusal why;

		alarm(5);
		if (capfile_open(&cf, path, 0, 1000, &why) == 0)
			_exit(2);
		_exit(why == CAPFILE_NOT_REGULAR ? 0 : 3);
	}
	snprintf(text, sizeof text,
		 "%s is refused CAPFILE_NOT_REGULAR without hanging", label);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		unit_result(0, text);
		return;
	}
	if (WIFSIGNALED(status))
		note("child: killed by signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status))
		note("child: exit %d (2: opened, 3: other refusal)",
		     WEXITSTATUS(status));
	unit_result(WIFEXITED(status) && WEXITSTATUS(status) == 0, text);
}

static void test_missing_dir(void)
{
	struct capfile cf;
	enum capfile_refusal why;
	int r;

	errno = 0;
	r = capfile_open(&cf, unit_path("no/such/dir/cap.pcap"), 0, 1000, &why);
	unit_result(r == -1 && why == CAPFILE_SYSCALL && errno == ENOENT,
		    "missing directory: -1, CAPFILE_SYSCALL, errno ENOENT");
	if (r == 0)
		capfile_close(&cf);
}

/* A world-writable sticky directory of our own (like /tmp). */
static void test_sticky(void)
{
	const char *sdir = unit_path("sticky");
	char link[300], file[300], other[300];
	struct capfile cf;
	enum capfile_refusal why;
	int r;

	snprintf(link, sizeof link, "%s/link.pcap", sdir);
	snprintf(file, sizeof file, "%s/own.pcap", sdir);
	snprintf(other, sizeof other, "%s/other.pcap", sdir);
	if (mkdir(sdir, 0700) < 0 || chmod(sdir, 01777) < 0) {
		unit_result(0, "sticky directory set up");
		return;
	}
	r = capfile_open(&cf, file, 0, 1000, &why);
	unit_result(r == 0, "own new file in a sticky world-writable dir is accepted");
	if (r == 0)
		capfile_close(&cf);
	if (symlink(file, link) < 0) {
		unit_result(0, "symlink set up");
		return;
	}
	r = capfile_open(&cf, link, 0, 1000, &why);
	unit_result(r == -1 && why == CAPFILE_STICKY_SYMLINK,
		    "symlink (to our own capture) in a sticky dir is refused");
	if (r == 0)
		capfile_close(&cf);
	if (geteuid() != 0) {
		printf("SKIP: capfile: another user's file in a sticky dir is refused (needs root to chown)\n");
		return;
	}
	if (spit(other, golden, 24) < 0 || chown(other, 65534, 65534) < 0) {
		unit_result(0, "other user's file set up");
		return;
	}
	r = capfile_open(&cf, other, 0, 1000, &why);
	unit_result(r == -1 && why == CAPFILE_STICKY_OWNER,
		    "another user's capture in a sticky dir is refused");
	if (r == 0)
		capfile_close(&cf);
}

/* fds 0-2 closed before opening: the capture fd must not take one of
 * them (the child would inherit it as a standard stream). */
static void test_closed_std(const char *name, const char *label)
{
	char text[160];
	const char *path = unit_path(name);
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		struct capfile cf;
		enum capfile_refusal why;
		int i;

		close(0);
		close(1);
		close(2);
		if (capfile_open(&cf, path, 0, 1000, &why) < 0)
			_exit(3);
		if (cf.fd < 3)
			_exit(4);
		if (!(fcntl(cf.fd, F_GETFD) & FD_CLOEXEC))
			_exit(5);
		for (i = 0; i < 3; i++)
			if (fcntl(i, F_GETFD) >= 0)
				_exit(6);
		_exit(0);
	}
	snprintf(text, sizeof text,
		 "with fds 0-2 closed, %s: fd >= 3, close-on-exec, 0-2 stay closed",
		 label);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		unit_result(0, text);
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		note("child: status %#x (exit 3 open failed, 4 fd<3, 5 no cloexec, 6 fd 0-2 open)",
		     (unsigned)status);
	unit_result(WIFEXITED(status) && WEXITSTATUS(status) == 0, text);
}

/* ---- appending */

static void test_append3(void)
{
	static const unsigned char nul[3] = { 'a', 0, 'b' };
	struct capfile_record rec[3] = {
		{ .data = "hello\n", .len = 6, .event = EVENT_STDOUT },
		{ .data = "oops", .len = 4, .event = EVENT_STDERR },
		{ .data = nul, .len = 3, .event = EVENT_STDIN },
	};
	static unsigned char buf[1024];
	unsigned char want[FRAME_RECORD_LEN];
	const unsigned long pid = 0x010203;	/* 66051: above 65535 */
	struct capfile cf;
	enum capfile_refusal why;
	struct timespec before, after;
	long n, off;
	int ok, i, ts_ok = 1;

	if (capfile_open(&cf, unit_path("three"), 0, 1000, &why) < 0) {
		unit_result(0, "capfile_open of a new file");
		return;
	}
	cf.ppid = REF_PPID;
	/* the clock capfile uses: time() may lag it (a coarse clock) */
	clock_gettime(CLOCK_REALTIME, &before);
	ok = capfile_append(&cf, pid, rec, 3) == 0;
	clock_gettime(CLOCK_REALTIME, &after);
	capfile_close(&cf);
	unit_result(ok, "capfile_append of 3 records returns 0");
	n = slurp(unit_path("three"), buf, sizeof buf);
	unit_result(n == 24 + 3 * 58 + 6 + 4 + 3,
		    "3 records add exactly 3 x 58 bytes + payloads");
	ok = n == 24 + 3 * 58 + 6 + 4 + 3 && !memcmp(buf, golden, 24);
	for (i = 0, off = 24; ok && i < 3; i++) {
		ref_head(want, pid, rec[i].event, rec[i].len, (unsigned)i);
		if (memcmp(buf + off + 8, want + 8, FRAME_RECORD_LEN - 8) ||
		    memcmp(buf + off + 58, rec[i].data, rec[i].len)) {
			note("record %d at offset %ld differs", i, off);
			ok = 0;
		}
		if ((time_t)le32(buf + off) < before.tv_sec ||
		    (time_t)le32(buf + off) > after.tv_sec ||
		    le32(buf + off + 4) >= 1000000)
			ts_ok = 0;
		off += 58 + rec[i].len;
	}
	unit_result(ok, "3 records: exact bytes after the header (timestamps aside), in order");
	unit_result(ok && ts_ok, "record timestamps are now, usec < 1000000");
}

static void test_exit_record(unsigned long status, const unsigned char be[4],
			     const char *label)
{
	static unsigned char buf[256];
	unsigned char want[FRAME_RECORD_LEN];
	struct capfile cf;
	enum capfile_refusal why;
	char text[160];
	long n;
	int ok;

	unlink(unit_path("exit"));
	if (capfile_open(&cf, unit_path("exit"), 0, 1000, &why) < 0) {
		unit_result(0, "capfile_open of a new file");
		return;
	}
	cf.ppid = REF_PPID;
	ok = capfile_append_exit(&cf, 4242, (int)status) == 0;
	capfile_close(&cf);
	n = slurp(unit_path("exit"), buf, sizeof buf);
	ref_head(want, 4242, EVENT_EXIT, 4, 0);
	snprintf(text, sizeof text,
		 "exit record for status %s: dport 4, 4 bytes big-endian", label);
	unit_result(ok && n == 24 + 58 + 4 &&
		    !memcmp(buf + 24 + 8, want + 8, FRAME_RECORD_LEN - 8) &&
		    !memcmp(buf + 24 + 58, be, 4), text);
}

static void test_exit_records(void)
{
	static const unsigned char e1[4] = { 0x00, 0x00, 0x01, 0x00 };
	static const unsigned char sig[4] = { 0x00, 0x00, 0x00, 0x8b };
	static const unsigned char all[4] = { 0x12, 0x34, 0x56, 0x78 };
	static const unsigned char e255[4] = { 0x00, 0x00, 0xff, 0x00 };

	test_exit_record(0x0100, e1, "0x100 (exit 1)");
	test_exit_record(0xff00, e255, "0xff00 (exit 255)");
	test_exit_record(0x8b, sig, "0x8b (SIGSEGV, core)");
	test_exit_record(0x12345678, all, "0x12345678 (byte order)");
}

/* Builds the execve blob of argv and envp (doc/capture-format.md §5). */
static size_t ref_blob(unsigned char *out, char *const argv[],
		       char *const envp[])
{
	char *const *list[2] = { argv, envp };
	size_t n = 0, l;
	int part, i;

	for (part = 0; part < 2; part++) {
		for (i = 0; list[part][i]; i++) {
			l = strlen(list[part][i]) + 1;
			memcpy(out + n, list[part][i], l);
			n += l;
		}
		out[n++] = 0;
	}
	return n;
}

/* Writes the execve records of argv/envp into a new file, reads them back
 * and compares. Returns the number of records, -1 on a mismatch. */
static int execve_case(const char *name, char *const argv[],
		       char *const envp[], size_t want_len, const char *label)
{
	static unsigned char buf[BIG], blob[BIG], cat[BIG];
	struct capfile cf;
	enum capfile_refusal why;
	size_t blen, catlen, maxlen;
	int records = -1, ok;
	long n;
	char text[200];

	blen = ref_blob(blob, argv, envp);
	if (capfile_open(&cf, unit_path(name), 0, 1000, &why) < 0) {
		unit_result(0, "capfile_open of a new file");
		return -1;
	}
	cf.ppid = REF_PPID;
	ok = capfile_append_execve(&cf, 0x2a2b2c, argv, envp) == 0;
	capfile_close(&cf);
	n = slurp(unit_path(name), buf, sizeof buf);
	ok = ok && blen == want_len && n > 24 &&
	     walk(buf, n, 0x2a2b2c, EVENT_EXECVE, cat, &catlen, &records,
		  &maxlen) == 0;
	snprintf(text, sizeof text,
		 "%s: dport-3 records of <= 8192 bytes whose concatenation is argv\\0..\\0env\\0..\\0",
		 label);
	if (ok && !(maxlen <= FRAME_PAYLOAD_MAX && catlen == blen &&
		    !memcmp(cat, blob, blen)))
		note("%s: concatenation %zu bytes, blob %zu bytes", label,
		     catlen, blen);
	ok = ok && maxlen <= FRAME_PAYLOAD_MAX && catlen == blen &&
	     !memcmp(cat, blob, blen);
	unit_result(ok, text);
	return ok ? records : -1;
}

static void test_execve(void)
{
	static char s1[12001], s2[7988], s3[8185], s4[8188];
	char a0[] = "prog", y[] = "Y=1";
	char *argv1[] = { a0, s1, NULL }, *envp1[] = { s2, y, NULL };
	char *argv2[] = { a0, s3, NULL }, *argv3[] = { a0, s4, NULL };
	char *none[] = { NULL };
	int r;

	/* 20000 bytes: "prog\0" 5 + s1 12001 + "\0" 1 + s2 7988 +
	 * "Y=1\0" 4 + "\0" 1 */
	memset(s1, 'a', sizeof s1 - 1);
	memcpy(s2, "X=", 2);
	memset(s2 + 2, 'b', sizeof s2 - 3);
	r = execve_case("execve20000", argv1, envp1, 20000,
			"20000-byte blob");
	if (r != 3)
		note("got %d records", r);
	unit_result(r == 3, "20000-byte blob is split into 3 records");

	/* exactly 8192: "prog\0" 5 + 8184 chars + NUL + 2 list ends */
	memset(s3, 'c', sizeof s3 - 1);
	r = execve_case("execve8192", argv2, none, 8192, "8192-byte blob");
	unit_result(r == 1, "8192-byte blob is exactly one record");

	/* "prog\0" 5 + 8187 chars fill the first 8192 bytes exactly: the
	 * string's NUL and the two list ends make the second record */
	memset(s4, 'd', sizeof s4 - 1);
	r = execve_case("execve8195", argv3, none, 8195,
			"8195-byte blob, a string ending at byte 8192");
	unit_result(r == 2, "8195-byte blob is two records");

	r = execve_case("execve2", none, none, 2, "empty argv and envp");
	unit_result(r == 1, "empty argv and envp: one record holding \\0\\0");
}

/* ---- the size cap and failing writes */

static void test_cap(void)
{
	static unsigned char before[BIG], after[BIG];
	static char big[20000];
	char a0[] = "prog";
	char *argv[] = { a0, big, NULL }, *envp[] = { NULL };
	struct capfile_record rec[3] = {
		{ .data = "0123456789", .len = 10, .event = EVENT_STDOUT },
		{ .data = "x", .len = 1, .event = EVENT_STDOUT },
		{ .data = "y", .len = 1, .event = EVENT_STDOUT },
	};
	struct capfile cf;
	enum capfile_refusal why;
	long nb, na;
	int r;

	/* 24 + 58 + 10 = 92: the first record ends exactly on the cap */
	if (capfile_open(&cf, unit_path("cap"), 92, 1000, &why) < 0) {
		unit_result(0, "capfile_open with a size cap");
		return;
	}
	unit_result(capfile_append(&cf, 1000, rec, 1) == 0,
		    "size cap: a record ending exactly on the cap is written");
	nb = slurp(unit_path("cap"), before, sizeof before);
	errno = 0;
	r = capfile_append(&cf, 1000, rec + 1, 1);
	unit_result(r == -1 && errno == EFBIG,
		    "size cap: the next record fails with EFBIG");
	na = slurp(unit_path("cap"), after, sizeof after);
	unit_result(nb == 92 && na == nb && !memcmp(before, after, nb),
		    "size cap: file unchanged after the refused record");
	capfile_close(&cf);

	/* 3 records of which only 2 would fit: the batch is one writev */
	unlink(unit_path("cap"));
	if (capfile_open(&cf, unit_path("cap"), 24 + 68 + 59, 1000, &why) < 0) {
		unit_result(0, "capfile_open with a size cap");
		return;
	}
	errno = 0;
	r = capfile_append(&cf, 1000, rec, 3);
	na = slurp(unit_path("cap"), after, sizeof after);
	unit_result(r == -1 && errno == EFBIG && na == 24,
		    "size cap: a batch that would pass it is refused whole (EFBIG, file unchanged)");
	capfile_close(&cf);

	/* an execve blob of 3 records where only the first would fit */
	memset(big, 'z', sizeof big - 1);
	unlink(unit_path("cap"));
	if (capfile_open(&cf, unit_path("cap"), 24 + 58 + 8192 + 100, 1000, &why) < 0) {
		unit_result(0, "capfile_open with a size cap");
		return;
	}
	errno = 0;
	r = capfile_append_execve(&cf, 1000, argv, envp);
	na = slurp(unit_path("cap"), after, sizeof after);
	if (na != 24)
		note("execve: file is %ld bytes, expected 24", na);
	unit_result(r == -1 && errno == EFBIG && na == 24,
		    "size cap: an execve blob that does not fit leaves the file unchanged (EFBIG)");
	capfile_close(&cf);
}

/* A write cut short by RLIMIT_FSIZE (SIGXFSZ ignored, as the wrapper
 * does): the torn tail is cut off again and the file stays appendable. */
static void test_torn(void)
{
	const char *path = unit_path("torn");
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		static unsigned char payload[1000];
		struct capfile_record rec = {
			.data = payload, .len = sizeof payload,
			.event = EVENT_STDOUT
		};
		struct capfile_record small = {
			.data = "0123456789", .len = 10, .event = EVENT_STDOUT
		};
		struct capfile cf;
		enum capfile_refusal why;
		struct rlimit rl;
		struct stat st;

		alarm(10);
		signal(SIGXFSZ, SIG_IGN);
		if (capfile_open(&cf, path, 0, 1000, &why) < 0)
			_exit(3);
		if (getrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(3);
		rl.rlim_cur = 24 + 100;
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(3);
		if (capfile_append(&cf, 99, &rec, 1) != -1)
			_exit(4);
		if (fstat(cf.fd, &st) < 0 || st.st_size != 24)
			_exit(5);
		if (capfile_append(&cf, 99, &small, 1) != 0)
			_exit(6);
		if (fstat(cf.fd, &st) < 0 || st.st_size != 24 + 68)
			_exit(7);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		unit_result(0, "torn write test runs");
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		note("child: status %#x (4 no error, 5 tail left, 6/7 not appendable)",
		     (unsigned)status);
	unit_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "a write cut short by RLIMIT_FSIZE returns -1, is cut off, file stays appendable");
}

/* The lock waited for without a helper process (fork refused: here
 * RLIMIT_NPROC as an unprivileged user): still bounded, and it says
 * CAPFILE_LOCK_TIMEOUT, not the fork's EAGAIN. */
static void test_lock_without_fork(void)
{
	const char *path = unit_path("nofork");
	int holder, status;
	pid_t pid;

	if (geteuid() != 0) {
		printf("SKIP: capfile: the lock is waited for when fork is refused (needs root to setuid)\n");
		return;
	}
	holder = open(path, O_RDWR | O_CREAT, 0600);
	if (holder < 0 || flock(holder, LOCK_EX) < 0) {
		unit_result(0, "lock holder set up");
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct capfile cf;
		enum capfile_refusal why;
		struct capfile_record rec = {
			.data = "x", .len = 1, .event = EVENT_STDOUT
		};
		struct rlimit rl = { 1, 1 };

		alarm(10);
		if (capfile_open(&cf, path, 0, 200, &why) == 0)
			_exit(2);	/* the lock is held: cannot be */
		if (why != CAPFILE_LOCK_TIMEOUT)
			_exit(3);
		/* again, opened by hand, without fork */
		cf.fd = open(path, O_RDWR | O_APPEND);
		cf.lock_ms = 200;
		cf.end = -1;
		cf.why = CAPFILE_OK;
		if (cf.fd < 0 || setgid(65534) < 0 || setuid(65534) < 0 ||
		    setrlimit(RLIMIT_NPROC, &rl) < 0)
			_exit(4);
		if (fork() == 0)
			_exit(0);	/* fork is refused, or the test means nothing */
		if (errno != EAGAIN)
			_exit(5);
		if (capfile_append(&cf, 1, &rec, 1) == 0)
			_exit(6);
		_exit(cf.why == CAPFILE_LOCK_TIMEOUT && errno == EWOULDBLOCK ? 0 : 7);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		unit_result(0, "lock without fork test runs");
		return;
	}
	close(holder);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		note("child: status %#x (3 no timeout at open, 4 setup, 5 fork not refused, 6 appended, 7 other error)",
		     (unsigned)status);
	unit_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "fork refused: a held lock is still waited for, bounded, and said so (no EAGAIN)");
}

int main(void)
{
	if (unit_begin("capfile", 1) < 0) {
		perror("capfile_test: mkdtemp");
		return 1;
	}
	test_create(0, "umask0", "0");
	test_create(077, "umask077", "077");
	test_create(0777, "umask0777", "0777");
	test_reopen();
	test_existing_capture();
	test_foreign_files();

	if (mkfifo(unit_path("fifo"), 0600) == 0)
		test_not_regular(unit_path("fifo"), "a FIFO");
	else
		unit_result(0, "mkfifo for the FIFO test");
	if (mkdir(unit_path("adir"), 0700) == 0)
		test_not_regular(unit_path("adir"), "a directory");
	else
		unit_result(0, "mkdir for the directory test");
	test_not_regular("/dev/null", "/dev/null (a device)");
	test_missing_dir();
	test_sticky();
	test_closed_std("closed-new", "new file");
	test_closed_std("twice", "existing file");

	test_append3();
	test_exit_records();
	test_execve();
	test_cap();
	test_torn();
	test_lock_without_fork();

	unit_end();
	return 0;
}
