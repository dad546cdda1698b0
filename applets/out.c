/* out.c - buffered standard output of the reader commands: numbers,
 * dates, C escapes, argv and wait statuses, without stdio.
 * SPDX-License-Identifier: MIT
 *
 * One buffer written with write(2). EPIPE ends the process as SIGPIPE
 * would have, had the caller not ignored it (git does the same). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "stdiocap.h"

enum { OUT_MAX = 4096 };

static struct {
	int err;	/* errno of a failed write: nothing more is written */
	size_t len;
	char buf[OUT_MAX];
} out;

void out_reset(void)
{
	out.err = 0;
	out.len = 0;
}

int out_error(void)
{
	return out.err;
}


/* Writes n bytes to stdout unless writing failed before. */
static void out_write(const void *p, size_t n)
{
	if (!n || out.err || io_write_all(1, p, n) == 0)
		return;
	if (errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	out.err = errno;
}

void out_flush(void)
{
	out_write(out.buf, out.len);
	out.len = 0;
}

/* Room for n more bytes without a flush in between (n <= OUT_MAX). */
static void out_room(size_t n)
{
	if (out.len + n > sizeof out.buf)
		out_flush();
}

void out_mem(const void *p, size_t n)
{
	if (n > sizeof out.buf / 2) {
		out_flush();
		out_write(p, n);
		return;
	}
	out_room(n);
	memcpy(out.buf + out.len, p, n);
	out.len += n;
}

void out_str(const char *s)
{
	out_mem(s, strlen(s));
}

void out_ch(char c)
{
	out_room(1);
	out.buf[out.len++] = c;
}

/* Decimal digits of v ending at end; returns where they start. */
static char *fmt_u(char *end, unsigned long long v)
{
	do
		*--end = '0' + v % 10;
	while (v /= 10);
	return end;
}

void out_u(unsigned long long v)
{
	char b[20], *s = fmt_u(b + sizeof b, v);

	out_mem(s, b + sizeof b - s);
}

/* v in exactly n digits, zero-padded. */
void out_u0(unsigned v, int n)
{
	char b[10];
	int i;

	for (i = n; i--; v /= 10)
		b[i] = '0' + v % 10;
	out_mem(b, n);
}

/* Pads what was written since mark (from out_mark) to width columns,
 * right-aligned or left-aligned. */
void out_pad(size_t mark, size_t width, int right)
{
	size_t n = out.len - mark;

	if (n >= width)
		return;
	if (right)
		memmove(out.buf + mark + width - n, out.buf + mark, n);
	memset(out.buf + (right ? mark : out.len), ' ', width - n);
	out.len = mark + width;
}

/* Signed seconds with microseconds: "-1.000020". */
void out_secs(long long us)
{
	if (us < 0) {
		out_ch('-');
		us = -us;
	}
	out_u(us / 1000000);
	out_ch('.');
	out_u0(us % 1000000, 6);
}

/* "YYYY-MM-DD HH:MM:SS.uuuuuu" UTC: counted from 1970, a year and a
 * month at a time (at most 136 + 12 steps; smaller than the formula). */
void out_date(uint32_t t, uint32_t usec)
{
	static const unsigned char mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	uint32_t d = t / 86400, y = 1970, m = 0, n;

	for (;;) {
		int leap = !(y % 4) && (y % 100 || !(y % 400));

		if (d < 365u + leap) {
			for (; d >= (n = mdays[m] + (m == 1 && leap)); m++)
				d -= n;
			break;
		}
		d -= 365 + leap;
		y++;
	}
	out_u0(y, 4);
	out_ch('-');
	out_u0(m + 1, 2);
	out_ch('-');
	out_u0(d + 1, 2);
	out_ch(' ');
	out_u0(t % 86400 / 3600, 2);
	out_ch(':');
	out_u0(t % 3600 / 60, 2);
	out_ch(':');
	out_u0(t % 60, 2);
	out_ch('.');
	out_u0(usec, 6);
}

/* C-style escapes: printable ASCII as is, backslash and (quoted) '"'
 * escaped, \t \n \r, every other byte \xHH: safe on any terminal. */
void out_esc(const unsigned char *p, size_t n, int quoted)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c;

	while (n--) {
		c = *p++;
		out_room(4);
		if (c >= ' ' && c < 0x7f && c != '\\' && (c != '"' || !quoted)) {
			out.buf[out.len++] = c;
			continue;
		}
		out.buf[out.len++] = '\\';
		if (c == '\\' || c == '"')
			out.buf[out.len++] = c;
		else if (c == '\t')
			out.buf[out.len++] = 't';
		else if (c == '\n')
			out.buf[out.len++] = 'n';
		else if (c == '\r')
			out.buf[out.len++] = 'r';
		else {
			out.buf[out.len++] = 'x';
			out.buf[out.len++] = hex[c >> 4];
			out.buf[out.len++] = hex[c & 15];
		}
	}
}

/* The argv items in the n bytes at b, which hold them up to end (just
 * past argv's terminator; 0: not known), joined with spaces; an item
 * that is empty or holds ' ' or '"' is quoted. "..." when the bytes end
 * before argv does. */
void out_argv(const unsigned char *b, size_t n, size_t end)
{
	const unsigned char *z, *stop, *start = b;
	int q, more = !end || end > n;

	stop = b + (more ? n : end - 1);
	while (b < stop) {
		z = memchr(b, 0, stop - b);
		if (!z)
			z = stop;
		q = z == b || memchr(b, ' ', z - b) || memchr(b, '"', z - b);
		if (q)
			out_ch('"');
		out_esc(b, z - b, q);
		if (q)
			out_ch('"');
		b = z < stop ? z + 1 : stop;
		if (b < stop)
			out_ch(' ');
	}
	if (more)
		out_str(b > start ? " ..." : "...");
}

/* Linux generic signal numbers (x86, ARM, s390x...): the capture holds
 * the recording host's numbers, whatever host reads it. */
static const char signames[] =
	"HUP\0INT\0QUIT\0ILL\0TRAP\0ABRT\0BUS\0FPE\0KILL\0USR1\0SEGV\0"
	"USR2\0PIPE\0ALRM\0TERM\0STKFLT\0CHLD\0CONT\0STOP\0TSTP\0TTIN\0"
	"TTOU\0URG\0XCPU\0XFSZ\0VTALRM\0PROF\0WINCH\0IO\0PWR\0SYS\0";

/* "exit 3", "killed by SIGTERM", "killed by signal 40 (core dumped)" */
void out_status(uint32_t status)
{
	unsigned sig = status & 0x7f, i;
	const char *s = signames;

	if (!sig) {
		out_str("exit ");
		out_u(status >> 8 & 0xff);
		return;
	}
	out_str("killed by ");
	for (i = 1; i < sig && *s; i++)
		s += strlen(s) + 1;
	if (*s) {
		out_str("SIG");
		out_str(s);
	} else {
		out_str("signal ");
		out_u(sig);
	}
	if (status & 0x80)
		out_str(" (core dumped)");
}


size_t out_mark(size_t room)
{
	out_room(room);
	return out.len;
}

const char *out_take(void)
{
	out_ch(0);
	out.len = 0;
	return out.buf;
}
