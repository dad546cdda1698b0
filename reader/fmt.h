/* fmt.h - pure formatting into the caller's array (fmt.c): numbers,
 * times, dates, wait statuses, C escapes and argv as the readers show
 * them. Each returns the length written (no NUL); the sizes below are
 * the most each can write. Plain values in, text out: no reader type,
 * no state, no I/O (skalibs' *_fmt style).
 * SPDX-License-Identifier: MIT */
#ifndef FMT_H
#define FMT_H

#include <stddef.h>
#include <stdint.h>

enum {
	FMT_ULL = 20,		/* fmt_u */
	FMT_SECS = 22,		/* fmt_secs, fmt_duration */
	FMT_DATE = 26,		/* fmt_date */
	FMT_STATUS = 40,	/* fmt_status, fmt_end */
};
#define FMT_ESC(n) (4 * (n))		/* fmt_esc of n bytes */

size_t fmt_u(char *s, unsigned long long v);
size_t fmt_u0(char *s, unsigned v, unsigned digits);
size_t fmt_secs(char *s, long long us);	/* "-1.000020" */
size_t fmt_date(char *s, uint32_t t, uint32_t usec);	/* UTC */
size_t fmt_status(char *s, uint32_t status);	/* "exit 3", ... */
size_t fmt_esc(char *s, const unsigned char *p, size_t n, int quoted);
/* How a process ended: why, when it has no exit status ("unfinished"),
 * else its raw wait status as fmt_status says it. */
size_t fmt_end(char *s, const char *why, uint32_t status);
/* From one time to a later one, in seconds ("0.001250"); "-" when the
 * end is not known (known == 0). */
size_t fmt_duration(char *s, int known, uint32_t sec, uint32_t usec,
		    uint32_t end_sec, uint32_t end_usec);
/* The argv items in the n bytes at b (each ended by its NUL; the last
 * one may be cut short), as every reader shows a command line: items
 * C-escaped (fmt_esc), in double quotes when empty or holding ' ' or
 * '"' (so the line reads back as a shell would split it), joined by
 * spaces; base: argv[0] as its basename; cut: "..." after (argv goes
 * on). Writes the bytes from..from+cap of that text into dst and
 * returns its whole length, so any length can be written in pieces. */
size_t fmt_argv(char *dst, size_t cap, size_t from, const unsigned char *b,
		size_t n, int cut, int base);
/* A board's address (doc/network.md): len 4, "10.77.1.2"; len 16, RFC
 * 5952 text, "fd77:1::2"; len 0, nothing. */
enum { FMT_BOARD = 40 };
size_t fmt_board(char *s, const unsigned char *addr, size_t len);

#endif
