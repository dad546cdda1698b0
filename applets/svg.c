/* svg.c - text for an SVG file: captured bytes shown as the other
 * readers show them (C escapes, README "Reading a capture"), then made
 * safe for XML. Written through out.c's buffer; no stdio.
 * SPDX-License-Identifier: MIT */
#include <string.h>

#include "applets.h"

/* ASCII text with the XML specials as entities (attribute-safe too). */
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

/* Byte c as shown: printable ASCII as is, backslash (and '"' when
 * quoted) escaped, \t \n \r, \xHH for the rest. Returns its length. */
static size_t esc_byte(char d[4], unsigned char c, int quoted)
{
	static const char hex[] = "0123456789abcdef";

	if (c >= ' ' && c < 0x7f && c != '\\' && (c != '"' || !quoted)) {
		d[0] = c;
		return 1;
	}
	d[0] = '\\';
	if (c == '\\' || c == '"' || c == '\t' || c == '\n' || c == '\r') {
		d[1] = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : c;
		return 2;
	}
	d[1] = 'x';
	d[2] = hex[c >> 4];
	d[3] = hex[c & 15];
	return 4;
}

/* Appends s (n chars) to the display string dst of cap bytes at *len;
 * *len counts what did not fit too. */
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
	size_t len = 0, i;
	char d[4];
	int q, first = 1;

	while (b < end || first) {
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
		for (; s < z; s++) {
			i = esc_byte(d, *s, q);
			put(dst, cap, &len, d, i);
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

void svg_esc(const unsigned char *p, size_t n)
{
	char d[4];

	while (n--)
		svg_text(d, esc_byte(d, *p++, 0));
}
