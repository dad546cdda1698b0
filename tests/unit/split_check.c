/* split_check.c - frame.c's streaming argv/env splitter as a filter, for
 * tests/format.test to hold against tests/pcapcheck.py's rule.
 * SPDX-License-Identifier: MIT
 *
 * stdin: blobs, each as a 4-byte little-endian length, a 4-byte
 * little-endian piece size, then the blob. stdout: one line per blob,
 * "ARGV_LEN DONE", the blob fed in pieces of that size. */
#include <stdio.h>
#include <stdlib.h>

#include "stdiocap.h"

static unsigned long le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned long)p[3] << 24;
}

int main(void)
{
	static unsigned char blob[1 << 20];
	unsigned char h[8];
	struct frame_split s;
	size_t n, step, i;

	while (fread(h, 1, 8, stdin) == 8) {
		n = le32(h);
		step = le32(h + 4);
		if (n > sizeof blob || !step || fread(blob, 1, n, stdin) != n)
			return 2;
		frame_split_init(&s);
		for (i = 0; i < n; i += step)
			frame_split_feed(&s, blob + i, n - i < step ? n - i : step);
		printf("%zu %d\n", frame_split_argv_len(&s), frame_split_done(&s));
	}
	return 0;
}
