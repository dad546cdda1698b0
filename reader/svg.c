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
