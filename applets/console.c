/* console.c - the console way off the board (doc/network.md "Over the
 * console"): --console-dump prints a capture as text that survives a
 * serial console and any log that records it; --console-restore finds
 * it in such a log and writes the capture back.
 * SPDX-License-Identifier: MIT
 *
 * The text, line by line (each line may carry any prefix before the
 * '@' and anything after its last field: a LAVA log, minicom -C,
 * script(1) and their CR LF):
 *
 *   @stdiocap-begin 1 SIZE
 *   @stdiocap N BASE64 CRC        N from 0; BASE64 of 48 bytes (fewer
 *                                 in the last); CRC: CRC-32 of "N BASE64"
 *   @stdiocap-end LINES SIZE CRC  CRC: CRC-32 of the SIZE bytes
 *
 * A line lost, cut or garbled (a kernel message in the middle of it) is
 * told by its number or checksum; everything before it is kept. No
 * stdio, no allocation. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets.h"
#include "stdiocap.h"

enum { LINE_BYTES = 48, LINE_MAX_LEN = 1024 };

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char mark_begin[] = "@stdiocap-begin ";
static const char mark_line[] = "@stdiocap ";
static const char mark_end[] = "@stdiocap-end ";

/* CRC-32 (IEEE 802.3, as zlib and cksum -a crc32b), bit by bit: a
 * table would cost 1 KiB on the board. */
static uint32_t crc32_add(uint32_t crc, const unsigned char *p, size_t n)
{
	int k;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

/* v / 10 as a multiplication (exact for every 32-bit v): -Os on 32-bit
 * ARM would call libgcc's division (lineage.c does the same). */
static size_t put_u(char *s, uint32_t v)
{
	char d[12];
	size_t n = 0, k = 0;
	uint32_t q;

	do {
		q = (uint32_t)((uint64_t)v * 0xcccccccdu >> 35);
		d[n++] = (char)('0' + (v - q * 10));
	} while ((v = q));
	while (n)
		s[k++] = d[--n];
	return k;
}

static size_t put_hex(char *s, uint32_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		s[i] = "0123456789abcdef"[v >> (28 - 4 * i) & 15];
	return 8;
}

static size_t put_str(char *s, const char *t)
{
	size_t n = strlen(t);

	memcpy(s, t, n);
	return n;
}

/* ---- the board: --console-dump [FILE] */

static int dump(const char *path)
{
	unsigned char in[LINE_BYTES * 64];
	char line[LINE_MAX_LEN];
	unsigned long long size, done = 0, no = 0;
	uint32_t all = 0, v;
	struct stat st;
	size_t n, i, k, got, at;
	ssize_t r;
	int fd = io_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

	if (fd < 0 || io_fstat(fd, &st) < 0) {
		msg_sys(errno, path);
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		msg(path, ": not a regular file");
		return 1;
	}
	/* what the file holds now: wrappers may append while it prints */
	size = (unsigned long long)st.st_size;
	if (size > 0xffffffffu) {	/* days at any console speed */
		msg(path, ": over 4 GiB, too big for a console");
		io_close(fd);
		return 1;
	}
	n = put_str(line, mark_begin);
	n += put_str(line + n, "1 ");
	n += put_u(line + n, size);
	line[n++] = '\n';
	if (io_write_all(1, line, n) < 0)
		goto write_error;
	while (done < size) {
		k = size - done < sizeof in ? (size_t)(size - done) : sizeof in;
		for (got = 0; got < k; got += (size_t)r) {
			r = io_read(fd, in + got, k - got);
			if (r <= 0) {
				msg_sys(r < 0 ? errno : EIO, path);
				io_close(fd);
				return 1;
			}
		}
		all = crc32_add(all, in, k);
		for (at = 0; at < k; at += i) {
			i = k - at < LINE_BYTES ? k - at : LINE_BYTES;
			n = put_str(line, mark_line);
			n += put_u(line + n, no++);
			line[n++] = ' ';
			for (v = 0; v < i; v += 3) {
				uint32_t w = (uint32_t)in[at + v] << 16 |
					     (v + 1 < i ? in[at + v + 1] << 8 : 0) |
					     (v + 2 < i ? in[at + v + 2] : 0);

				line[n++] = b64[w >> 18];
				line[n++] = b64[w >> 12 & 63];
				line[n++] = v + 1 < i ? b64[w >> 6 & 63] : '=';
				line[n++] = v + 2 < i ? b64[w & 63] : '=';
			}
			/* the checksum covers "N BASE64" */
			v = crc32_add(0, (unsigned char *)line + sizeof mark_line - 1,
				      n - (sizeof mark_line - 1));
			line[n++] = ' ';
			n += put_hex(line + n, v);
			line[n++] = '\n';
			if (io_write_all(1, line, n) < 0)
				goto write_error;
		}
		done += k;
	}
	io_close(fd);
	n = put_str(line, mark_end);
	n += put_u(line + n, no);
	line[n++] = ' ';
	n += put_u(line + n, size);
	line[n++] = ' ';
	n += put_hex(line + n, all);
	line[n++] = '\n';
	if (io_write_all(1, line, n) == 0)
		return 0;
write_error:
	msg_sys(errno, "--console-dump: write error");
	io_close(fd);
	return 1;
}

/* ---- the host: --console-restore LOG OUT */

struct restore {
	int out;			/* the capture being written */
	int open;			/* a begin was seen, no end yet */
	int ok;				/* the last block ended whole */
	unsigned long long line_no;	/* of the log, for messages */
	unsigned long long next;	/* the data line expected */
	unsigned long long size;	/* bytes written */
	uint32_t crc;			/* of those bytes */
	unsigned long long damaged;	/* log line of the damage; 0: none */
	const char *why;
};

/* The decimal number at *p, and the space after it. */
static int get_u(const char **p, unsigned long long *v)
{
	const char *s = *p;

	for (*v = 0; *s >= '0' && *s <= '9' && s - *p < 19; s++)
		*v = *v * 10 + (unsigned)(*s - '0');
	if (s == *p || *s != ' ')
		return -1;
	*p = s + 1;
	return 0;
}

static int get_hex(const char *s, uint32_t *v)
{
	int i, d;

	for (*v = 0, i = 0; i < 8; i++) {
		d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' :
		    s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

static int unb64(int c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

/* Marks the block damaged at this line (the first damage counts);
 * returns 0 for the caller to return. */
static int damage(struct restore *rs, const char *why)
{
	if (rs->open && !rs->damaged) {
		rs->damaged = rs->line_no;
		rs->why = why;
	}
	return 0;
}

static void begin(struct restore *rs, const char *p)
{
	/* the last capture in the log wins: a board that dumped twice */
	if (ftruncate(rs->out, 0) < 0 || lseek(rs->out, 0, SEEK_SET) < 0) {
		rs->why = "cannot truncate the output";
		rs->damaged = rs->line_no;
		return;
	}
	(void)p;
	rs->open = 1;
	rs->ok = 0;
	rs->next = rs->size = 0;
	rs->crc = 0;
	rs->damaged = 0;
}

static int data(struct restore *rs, const char *p)
{
	unsigned char bytes[LINE_MAX_LEN];
	unsigned long long no;
	const char *start = p, *q;
	uint32_t crc, w;
	size_t n = 0;
	int i, d[4];

	if (!rs->open || rs->damaged)
		return 0;
	if (get_u(&p, &no) < 0)
		return damage(rs, "a garbled line");
	for (q = p; *q && *q != ' '; q++)
		;
	if (*q != ' ' || get_hex(q + 1, &crc) < 0)
		return damage(rs, "a garbled line");
	if (crc32_add(0, (const unsigned char *)start, (size_t)(q - start)) != crc)
		return damage(rs, "a line whose checksum does not match");
	if (no != rs->next)
		return damage(rs, "a line missing");
	if ((q - p) % 4)
		return damage(rs, "a garbled line");
	for (; p < q; p += 4) {
		for (i = 0; i < 4; i++)
			d[i] = p[i] == '=' && i >= 2 ? 0 : unb64(p[i]);
		if (d[0] < 0 || d[1] < 0 || d[2] < 0 || d[3] < 0)
			return damage(rs, "a garbled line");
		w = (uint32_t)d[0] << 18 | (uint32_t)d[1] << 12 |
		    (uint32_t)d[2] << 6 | (uint32_t)d[3];
		bytes[n++] = (unsigned char)(w >> 16);
		if (p[2] != '=')
			bytes[n++] = (unsigned char)(w >> 8);
		if (p[3] != '=')
			bytes[n++] = (unsigned char)w;
	}
	if (io_write_all(rs->out, bytes, n) < 0) {
		rs->why = strerror(errno);
		rs->damaged = rs->line_no;
		return 0;
	}
	rs->crc = crc32_add(rs->crc, bytes, n);
	rs->size += n;
	rs->next++;
	return 0;
}

static int end(struct restore *rs, const char *p)
{
	unsigned long long lines, size;
	uint32_t crc;

	if (!rs->open || rs->damaged)
		return 0;
	if (get_u(&p, &lines) < 0 || get_u(&p, &size) < 0 ||
	    get_hex(p, &crc) < 0)
		return damage(rs, "a garbled end line");
	if (lines != rs->next || size != rs->size || crc != rs->crc)
		return damage(rs, "lines missing before the end line");
	rs->open = 0;
	rs->ok = 1;
	return 0;
}

/* One line of the log (NUL-terminated, CR LF stripped): the markers may
 * come after any prefix. */
static void restore_line(struct restore *rs, const char *s)
{
	const char *p;

	/* by hand: musl's strstr is 1 KiB */
	for (p = s; *p && strncmp(p, "@stdiocap", 9); p++)
		;
	if (!*p)
		return;
	if (!strncmp(p, mark_begin, sizeof mark_begin - 1))
		begin(rs, p + sizeof mark_begin - 1);
	else if (!strncmp(p, mark_line, sizeof mark_line - 1))
		data(rs, p + sizeof mark_line - 1);
	else if (!strncmp(p, mark_end, sizeof mark_end - 1))
		end(rs, p + sizeof mark_end - 1);
}

/* The capture cut back to its last whole record (the damage may have
 * come in the middle of one): returns the records kept. */
static unsigned long keep_whole(struct restore *rs)
{
	unsigned char h[FRAME_PCAP_LEN];
	unsigned long long at = FRAME_GLOBAL_LEN, incl;
	unsigned long records = 0;

	if (rs->size < FRAME_GLOBAL_LEN)
		at = 0;
	while (at && at + FRAME_PCAP_LEN <= rs->size &&
	       pread(rs->out, h, sizeof h, (off_t)at) == (ssize_t)sizeof h) {
		incl = (unsigned long long)h[8] | h[9] << 8 | h[10] << 16 |
		       (unsigned long long)h[11] << 24;
		if (at + FRAME_PCAP_LEN + incl > rs->size)
			break;
		at += FRAME_PCAP_LEN + incl;
		records++;
	}
	if (ftruncate(rs->out, (off_t)at) == 0)
		rs->size = at;
	return records;
}

static int restore(const char *log, const char *out)
{
	char buf[8192], line[LINE_MAX_LEN + 1];
	char a[24], b[24], c[24];
	struct restore rs;
	size_t len = 0, i;
	int skipping = 0;
	ssize_t r;
	int fd = io_openat(AT_FDCWD, log, O_RDONLY | O_CLOEXEC, 0);
	unsigned long kept;

	if (fd < 0) {
		msg_sys(errno, log);
		return 1;
	}
	memset(&rs, 0, sizeof rs);
	/* 0600: a capture holds environments, hence secrets */
	rs.out = io_openat(AT_FDCWD, out, O_RDWR | O_CREAT | O_TRUNC |
			   O_CLOEXEC, 0600);
	if (rs.out < 0) {
		msg_sys(errno, out);
		io_close(fd);
		return 1;
	}
	while ((r = io_read(fd, buf, sizeof buf)) > 0)
		for (i = 0; i < (size_t)r; i++) {
			if (buf[i] != '\n') {
				/* a line too long is none of ours */
				if (len < LINE_MAX_LEN)
					line[len++] = buf[i];
				else
					skipping = 1;
				continue;
			}
			rs.line_no++;
			while (len && line[len - 1] == '\r')
				len--;
			line[len] = 0;
			if (!skipping)
				restore_line(&rs, line);
			len = 0;
			skipping = 0;
		}
	if (r < 0) {
		msg_sys(errno, log);
		io_close(fd);
		io_close(rs.out);
		return 1;
	}
	if (len && !skipping) {		/* a last line without newline */
		rs.line_no++;
		line[len] = 0;
		restore_line(&rs, line);
	}
	io_close(fd);
	if (!rs.ok && !rs.open && !rs.damaged) {
		msg(log, ": no capture in it (no @stdiocap-begin line)");
		io_close(rs.out);
		return 1;
	}
	if (rs.ok) {
		if (close(rs.out) < 0 && errno != EINTR) {
			msg_sys(errno, out);
			return 1;
		}
		return 0;
	}
	kept = keep_whole(&rs);
	a[put_u(a, rs.damaged ? rs.damaged : rs.line_no)] = 0;
	b[put_u(b, kept)] = 0;
	c[put_u(c, rs.size)] = 0;
	if (rs.damaged)
		msg(log, ": line ", a, ": ", rs.why, "; ", out, " keeps the ",
		    b, " records before it (", c, " bytes)");
	else
		msg(log, ": cut short after line ", a, " (no @stdiocap-end); ",
		    out, " keeps the ", b, " whole records (", c, " bytes)");
	io_close(rs.out);
	return 1;
}

int console_is_command(const char *arg)
{
	return (ENABLE_CONSOLE_DUMP && !strcmp(arg, "--console-dump")) ||
	       (ENABLE_READER && !strcmp(arg, "--console-restore"));
}

int console_main(int argc, char **argv, char **envp)
{
	const char *path = NULL;

	if (ENABLE_READER && !strcmp(argv[0], "--console-restore")) {
		if (argc != 3) {
			msg("usage: --console-restore LOG OUT.pcap");
			return RC_USAGE;
		}
		return restore(argv[1], argv[2]);
	}
	if (argc > 2) {
		msg("usage: --console-dump [FILE]");
		return RC_USAGE;
	}
	if (argc == 2) {
		path = argv[1];
	} else {
		/* STDIO_PCAP, when it names a file (doc/stdiocap.1 ENVIRONMENT)
		 * */
		for (; *envp; envp++)
			if (!strncmp(*envp, "STDIO_PCAP=", 11) && (*envp)[11])
				path = *envp + 11;
		if (!path || (ENABLE_NET_SINK && netsink_is_url(path)))
			path = CONFIG_DEFAULT_PCAP;
	}
	return dump(path);
}
