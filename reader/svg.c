/* svg.c - text for an SVG file: captured bytes shown as the other
 * readers show them (C escapes, README "Reading a capture"), then made
 * safe for XML. Written through out.c's buffer; no stdio.
 * SPDX-License-Identifier: MIT */
#include <string.h>

#include "read.h"
#include "svg.h"

void svg_text(const char *s, size_t n)
{
	size_t i, from = 0;
	const char *e;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		default: continue;
		}
		out_mem(s + from, i - from);
		out_str(e);
		from = i + 1;
	}
	out_mem(s + from, n - from);
}

void svg_esc(const unsigned char *p, size_t n)
{
	char b[FMT_ESC(64)];
	size_t k;

	for (; n; n -= k, p += k) {
		k = n < 64 ? n : 64;
		svg_text(b, fmt_esc(b, p, k, 0));
	}
}

/* Appends s (n bytes) to dst (cap bytes) at *len; *len counts what did
 * not fit too. */
static void put(char *dst, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len < cap)
		memcpy(dst + *len, s, n < cap - *len ? n : cap - *len);
	*len += n;
}

size_t svg_argv_show(char *dst, size_t cap, const unsigned char *b, size_t n,
		     int cut, int base)
{
	const unsigned char *z, *end = b + n, *s;
	char e[FMT_ESC(16)];
	size_t len = 0, k;
	int q, first = 1;

	for (;;) {
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
			put(dst, cap, &len, " ", 1);
		q = z == s || memchr(s, ' ', z - s) || memchr(s, '"', z - s);
		if (q)
			put(dst, cap, &len, "\"", 1);
		for (; s < z; s += k) {
			k = z - s < 16 ? (size_t)(z - s) : 16;
			put(dst, cap, &len, e, fmt_esc(e, s, k, q));
		}
		if (q)
			put(dst, cap, &len, "\"", 1);
		first = 0;
		b = z < end ? z + 1 : end;
		if (b == end)
			break;
	}
	if (cut)
		put(dst, cap, &len, " ...", 4);
	return len;
}
