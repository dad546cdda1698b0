/* svg.c - the pieces of an SVG file: numbers in tenths of a pixel,
 * attributes, rectangles, text elements, and captured bytes shown as the
 * other readers show them (C escapes, doc/stdiocap.1), then made safe
 * for XML. Written through out.c's buffer; no stdio.
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

void svg_num10(unsigned long long v)
{
	out_u(v / 10);
	if (v % 10) {
		out_ch('.');
		out_ch((char)('0' + v % 10));
	}
}

void svg_attr(const char *name, unsigned long long v10)
{
	out_ch(' ');
	out_str(name);
	out_str("=\"");
	svg_num10(v10);
	out_ch('"');
}

static void svg_class(const char *cls)
{
	if (cls) {
		out_str(" class=\"");
		out_str(cls);
		out_ch('"');
	}
}

void svg_rect(const char *cls, unsigned long long x, unsigned long long y,
	      unsigned long long w, unsigned long long h)
{
	out_str("<rect");
	svg_class(cls);
	svg_attr("x", x);
	svg_attr("y", y);
	svg_attr("width", w);
	svg_attr("height", h);
	out_str("/>");
}

void svg_line(const char *cls, unsigned long long x1, unsigned long long y1,
	      unsigned long long x2, unsigned long long y2)
{
	out_str("<line");
	svg_class(cls);
	svg_attr("x1", x1);
	svg_attr("y1", y1);
	svg_attr("x2", x2);
	svg_attr("y2", y2);
	out_str("/>");
}

void svg_text_open(unsigned long long x, unsigned long long y, const char *cls)
{
	out_str("<text");
	svg_attr("x", x);
	svg_attr("y", y);
	svg_class(cls);
	out_ch('>');
}

void svg_text_fit(unsigned long long x, unsigned long long y, const char *cls,
		  unsigned long long len10, const char *s, size_t n)
{
	out_str("<text lengthAdjust=\"spacingAndGlyphs\"");
	svg_attr("textLength", len10);
	svg_attr("x", x);
	svg_attr("y", y);
	svg_class(cls);
	out_ch('>');
	svg_text(s, n);
	out_str("</text>");
}
