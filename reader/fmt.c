/* fmt.c - the reader's formatters: numbers, times, dates, wait statuses,
 * C escapes and argv, each into the caller's array, returning the length
 * (skalibs' *_fmt style). Pure: no state, no I/O, no reader type.
 * SPDX-License-Identifier: MIT */
#include <string.h>

#include "fmt.h"

size_t fmt_u(char *s, unsigned long long v)
{
	char b[FMT_ULL], *p = b + sizeof b;
	size_t n;

	do
		*--p = '0' + v % 10;
	while (v /= 10);
	n = b + sizeof b - p;
	memcpy(s, p, n);
	return n;
}

/* v in exactly digits digits, zero-padded. */
size_t fmt_u0(char *s, unsigned v, unsigned digits)
{
	unsigned i;

	for (i = digits; i--; v /= 10)
		s[i] = '0' + v % 10;
	return digits;
}

size_t fmt_secs(char *s, long long us)
{
	size_t n = 0;
	unsigned long long u = us;

	if (us < 0) {
		s[n++] = '-';
		u = -u;
	}
	n += fmt_u(s + n, u / 1000000);
	s[n++] = '.';
	return n + fmt_u0(s + n, u % 1000000, 6);
}

/* "YYYY-MM-DD HH:MM:SS.uuuuuu" UTC: counted from 1970, a year and a
 * month at a time (at most 136 + 12 steps; smaller than the formula). */
size_t fmt_date(char *s, uint32_t t, uint32_t usec)
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
	fmt_u0(s, y, 4);
	s[4] = '-';
	fmt_u0(s + 5, m + 1, 2);
	s[7] = '-';
	fmt_u0(s + 8, d + 1, 2);
	s[10] = ' ';
	fmt_u0(s + 11, t % 86400 / 3600, 2);
	s[13] = ':';
	fmt_u0(s + 14, t % 3600 / 60, 2);
	s[16] = ':';
	fmt_u0(s + 17, t % 60, 2);
	s[19] = '.';
	fmt_u0(s + 20, usec, 6);
	return FMT_DATE;
}

/* Linux generic signal numbers (x86, ARM, s390x...): the capture holds
 * the recording host's numbers, whatever host reads it. */
static const char signames[] =
	"HUP\0INT\0QUIT\0ILL\0TRAP\0ABRT\0BUS\0FPE\0KILL\0USR1\0SEGV\0"
	"USR2\0PIPE\0ALRM\0TERM\0STKFLT\0CHLD\0CONT\0STOP\0TSTP\0TTIN\0"
	"TTOU\0URG\0XCPU\0XFSZ\0VTALRM\0PROF\0WINCH\0IO\0PWR\0SYS\0";

static size_t fmt_str(char *s, const char *t)
{
	size_t n = strlen(t);

	memcpy(s, t, n);
	return n;
}

/* "exit 3", "killed by SIGTERM", "killed by signal 40 (core dumped)" */
size_t fmt_status(char *s, uint32_t status)
{
	unsigned sig = status & 0x7f, i;
	const char *name = signames;
	size_t n;

	if (!sig) {
		n = fmt_str(s, "exit ");
		return n + fmt_u(s + n, status >> 8 & 0xff);
	}
	n = fmt_str(s, "killed by ");
	for (i = 1; i < sig && *name; i++)
		name += strlen(name) + 1;
	if (*name) {
		n += fmt_str(s + n, "SIG");
		n += fmt_str(s + n, name);
	} else {
		n += fmt_str(s + n, "signal ");
		n += fmt_u(s + n, sig);
	}
	if (status & 0x80)
		n += fmt_str(s + n, " (core dumped)");
	return n;
}

/* C-style escapes: printable ASCII as is, backslash and (quoted) '"'
 * escaped, \t \n \r, every other byte \xHH: safe on any terminal. */
size_t fmt_esc(char *s, const unsigned char *p, size_t n, int quoted)
{
	static const char hex[] = "0123456789abcdef", named[] = "tn\0\0r";
	char *o = s;
	unsigned char c;

	while (n--) {
		c = *p++;
		if (c >= ' ' && c < 0x7f && c != '\\' && (c != '"' || !quoted)) {
			*o++ = c;
			continue;
		}
		*o++ = '\\';
		if (c == '\\' || c == '"') {
			*o++ = c;
		} else if (c >= '\t' && c <= '\r' && named[c - '\t']) {
			*o++ = named[c - '\t'];
		} else {
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	return o - s;
}

size_t fmt_end(char *s, const char *why, uint32_t status)
{
	return why ? fmt_str(s, why) : fmt_status(s, status);
}

size_t fmt_duration(char *s, int known, uint32_t sec, uint32_t usec,
		    uint32_t end_sec, uint32_t end_usec)
{
	if (!known) {
		*s = '-';
		return 1;
	}
	return fmt_secs(s, ((long long)end_sec - sec) * 1000000 +
			   end_usec - (long long)usec);
}

/* Appends t (n bytes) to the text at *len, keeping the part of it that
 * falls in from..from+cap; *len counts all of it. */
static void put(char *dst, size_t cap, size_t from, size_t *len,
		const char *t, size_t n)
{
	size_t lo = *len > from ? *len : from, hi = *len + n;

	if (hi > from + cap)
		hi = from + cap;
	if (lo < hi)
		memcpy(dst + (lo - from), t + (lo - *len), hi - lo);
	*len += n;
}

size_t fmt_argv(char *dst, size_t cap, size_t from, const unsigned char *b,
		size_t n, int cut, int base)
{
	const unsigned char *z, *end = b + n, *s;
	char e[FMT_ESC(16)];
	size_t len = 0, k;
	int q, first = 1;

	while (b < end) {
		z = memchr(b, 0, end - b);
		if (!z)
			z = end;
		s = b;
		if (first && base) {	/* argv[0]'s basename */
			for (s = z; s > b && s[-1] != '/'; s--)
				;
			if (s == z)
				s = b;
		}
		if (!first)
			put(dst, cap, from, &len, " ", 1);
		q = z == s || memchr(s, ' ', z - s) || memchr(s, '"', z - s);
		if (q)
			put(dst, cap, from, &len, "\"", 1);
		for (; s < z; s += k) {
			k = z - s < 16 ? (size_t)(z - s) : 16;
			put(dst, cap, from, &len, e, fmt_esc(e, s, k, q));
		}
		if (q)
			put(dst, cap, from, &len, "\"", 1);
		first = 0;
		b = z < end ? z + 1 : end;
	}
	if (cut)
		put(dst, cap, from, &len, &" ..."[first], 4 - first);
	return len;
}

/* RFC 5952 text of an IPv6 address: lowercase, no leading zeros, the
 * longest run of two or more zero groups as "::". */
static size_t fmt_ipv6(char *s, const unsigned char *a)
{
	static const char hex[] = "0123456789abcdef";
	unsigned g[8], v;
	int i, k, run = 0, at = -1, len = 0;
	size_t n = 0;

	for (i = 0; i < 8; i++) {
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		len = g[i] ? 0 : len + 1;
		if (len > run && len >= 2) {
			run = len;
			at = i - len + 1;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == at) {
			s[n++] = ':';
			s[n++] = ':';
			i += run - 1;
			continue;
		}
		if (i && i != at + run)
			s[n++] = ':';
		for (v = g[i], k = 12; k > 0 && !(v >> k); k -= 4)
			;
		for (; k >= 0; k -= 4)
			s[n++] = hex[v >> k & 15];
	}
	return n;
}

size_t fmt_board(char *s, const unsigned char *addr, size_t len)
{
	size_t n = 0;
	int i;

	if (len == 16)
		return fmt_ipv6(s, addr);
	for (i = 0; i < 4 && len == 4; i++) {
		if (i)
			s[n++] = '.';
		n += fmt_u(s + n, addr[i]);
	}
	return n;
}
