/* svg.h - text for an SVG file (svg.c), written through out.c.
 * SPDX-License-Identifier: MIT */
#ifndef SVG_H
#define SVG_H

#include <stddef.h>

/* ASCII text with the XML specials as entities (safe in attributes). */
void svg_text(const char *s, size_t n);
/* Bytes as the readers show them (C escapes, fmt_esc), XML-safe. */
void svg_esc(const unsigned char *p, size_t n);

/* Coordinates are in tenths of a pixel: "12.5" from 125. */
void svg_num10(unsigned long long v);
void svg_attr(const char *name, unsigned long long v10);	/* ' name="v"' */
/* <rect class="CLS" x y width height/> (no class when cls is NULL) */
void svg_rect(const char *cls, unsigned long long x, unsigned long long y,
	      unsigned long long w, unsigned long long h);
void svg_line(const char *cls, unsigned long long x1, unsigned long long y1,
	      unsigned long long x2, unsigned long long y2);
/* Opens <text x y [class]>; the caller writes the text and closes it. */
void svg_text_open(unsigned long long x, unsigned long long y, const char *cls);
/* A whole <text> of s (n bytes, ASCII) given its width len10: with a
 * monospace font no font can make it overlap its neighbours. */
void svg_text_fit(unsigned long long x, unsigned long long y, const char *cls,
		  unsigned long long len10, const char *s, size_t n);

#endif
