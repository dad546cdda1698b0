/* out.c - the reader's buffered standard output, without stdio: one
 * buffer written with write(2), and the writers of what fmt.c formats.
 * SPDX-License-Identifier: MIT
 *
 * EPIPE ends the process as SIGPIPE would have, had the caller not
 * ignored it (git does the same). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "out.h"
#include "stdiocap.h"

static struct {
	int err;	/* errno of a failed write: nothing more is written */
	size_t len;
	char buf[4096];
} out;

void out_reset(void)
{
	out.err = 0;
	out.len = 0;
}

int out_error(void)
{
	return out.err;
}

/* Writes n bytes to stdout unless writing failed before. */
static void out_write(const void *p, size_t n)
{
	if (!n || out.err || io_write_all(1, p, n) == 0)
		return;
	if (errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	out.err = errno;
}

void out_flush(void)
{
	out_write(out.buf, out.len);
	out.len = 0;
}

void out_mem(const void *p, size_t n)
{
	if (out.len + n > sizeof out.buf)
		out_flush();
	if (n > sizeof out.buf / 2) {
		out_write(p, n);
		return;
	}
	memcpy(out.buf + out.len, p, n);
	out.len += n;
}

void out_str(const char *s)
{
	out_mem(s, strlen(s));
}

void out_ch(char c)
{
	out_mem(&c, 1);
}

void out_u(unsigned long long v)
{
	char b[FMT_ULL];

	out_mem(b, fmt_u(b, v));
}

void out_pad(const char *s, size_t n, size_t width, int right)
{
	static const char spaces[16] = "                ";
	size_t gap = n < width ? width - n : 0, k;

	if (!right)
		out_mem(s, n);
	for (; gap; gap -= k) {
		k = gap < sizeof spaces ? gap : sizeof spaces;
		out_mem(spaces, k);
	}
	if (right)
		out_mem(s, n);
}

/* fmt_esc in pieces: any length in a small array. */
void out_esc(const unsigned char *p, size_t n, int quoted)
{
	char b[FMT_ESC(256)];
	size_t k;

	for (; n; p += k, n -= k) {
		k = n < 256 ? n : 256;
		out_mem(b, fmt_esc(b, p, k, quoted));
	}
}

void out_argv(const unsigned char *b, size_t n, size_t end)
{
	char buf[1024];
	size_t from = 0, len, cut = !end || end > n;

	do {
		len = fmt_argv(buf, sizeof buf, from, b, cut ? n : end - 1,
			       cut, 0);
		out_mem(buf, len - from < sizeof buf ? len - from : sizeof buf);
		from += sizeof buf;
	} while (from < len);
}
