/* out.h - the readers' buffered standard output (out.c), without stdio:
 * the writers of what fmt.c formats.
 * SPDX-License-Identifier: MIT */
#ifndef OUT_H
#define OUT_H

#include <stddef.h>

void out_reset(void);
int out_error(void);		/* errno of a failed write, else 0 */
void out_flush(void);
void out_mem(const void *p, size_t n);
void out_str(const char *s);
void out_ch(char c);
void out_u(unsigned long long v);
/* s (n bytes) padded with spaces to width, right- or left-aligned */
void out_pad(const char *s, size_t n, size_t width, int right);
void out_esc(const unsigned char *p, size_t n, int quoted);
/* the argv items in the n bytes at b, which hold argv up to end (0:
 * not known), as fmt_argv shows them; "..." when argv goes on past n */
void out_argv(const unsigned char *b, size_t n, size_t end);

#endif
