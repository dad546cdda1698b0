/* svg.h - text for an SVG file (svg.c), written through out.c.
 * SPDX-License-Identifier: MIT */
#ifndef SVG_H
#define SVG_H

#include <stddef.h>

/* ASCII text with the XML specials as entities (safe in attributes). */
void svg_text(const char *s, size_t n);
/* Bytes as the readers show them (C escapes, fmt_esc), XML-safe. */
void svg_esc(const unsigned char *p, size_t n);
/* The argv items at b (n bytes, each item ended by its NUL; the last
 * one may be cut) as --ps shows them, into dst (cap bytes): joined by
 * spaces, quoted where empty or holding ' ' or '"'; base: argv[0] as
 * its basename; cut: " ..." after. Returns the whole length, which
 * may exceed cap (then dst holds its first cap bytes). */
size_t svg_argv_show(char *dst, size_t cap, const unsigned char *b, size_t n,
		     int cut, int base);

#endif
