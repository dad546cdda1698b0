/* svg.h - text for an SVG file (svg.c), written through out.c.
 * SPDX-License-Identifier: MIT */
#ifndef SVG_H
#define SVG_H

#include <stddef.h>

/* ASCII text with the XML specials as entities (safe in attributes). */
void svg_text(const char *s, size_t n);
/* Bytes as the readers show them (C escapes, fmt_esc), XML-safe. */
void svg_esc(const unsigned char *p, size_t n);

#endif
