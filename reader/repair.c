/* repair.c - stdiocap --repair [FILE [OUT]]: a clean copy of a damaged
 * capture, the global header and every good record in file order, as
 * the driver finds them past damage (capread.c, doc/capture-format.md
 * §9); Wireshark and tshark read the copy whole, and a writer can append
 * to it. pcapfix's job for stdiocap's own format.
 * SPDX-License-Identifier: MIT
 *
 * OUT: the named file (created 0600, never FILE itself); without it,
 * standard output when that is not a terminal, else FILE.repaired. The
 * original is never written to. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read.h"

/* o->mem: the output buffer, then the copy's name (no bss: every
 * wrapper would carry it) */
enum { BUF = 65536, NAME = 4096 };

static struct {
	int fd;			/* the copy; -1: none */
	int failed;		/* a write failed (said) */
	size_t len;		/* bytes in the buffer */
	char *name;		/* the copy's name, for messages */
	unsigned long kept;
} rp;

static const char *rp_check(struct read_opts *o, char **arg)
{
	(void)o;
	(void)arg;
	rp.fd = -1;
	return NULL;
}

static int flush(const struct read_opts *o)
{
	if (rp.fd < 0 || rp.failed || !rp.len)
		return rp.failed;
	if (io_write_all(rp.fd, o->mem, rp.len) < 0) {
		msg_sys(errno, rp.name);
		rp.failed = 1;
	}
	rp.len = 0;
	return rp.failed;
}

static int put(const struct read_opts *o, const void *p, size_t n)
{
	if (rp.len + n > BUF && flush(o))
		return 1;
	memcpy((char *)o->mem + rp.len, p, n);
	rp.len += n;
	return 0;
}

/* The copy, opened without truncating until it is known not to be the
 * capture being read. */
static void rp_begin(const struct read_opts *o)
{
	const char *out = o->args[0];
	unsigned char h[FRAME_GLOBAL_LEN];
	struct stat in, sb;
	size_t n;

	rp.failed = 1;
	rp.len = 0;
	rp.kept = 0;
	rp.name = (char *)o->mem + BUF;
	if (!out && !isatty(1)) {
		rp.fd = 1;
		memcpy(rp.name, "stdout", 7);
	} else {
		if (!out) {
			n = strlen(o->file);
			if (n > NAME - 10) {
				msg(o->file, ": --repair: name too long for "
				    "FILE.repaired: name OUT");
				return;
			}
			memcpy(rp.name, o->file, n);
			memcpy(rp.name + n, ".repaired", 10);
		} else if (strlen(out) < NAME) {
			memcpy(rp.name, out, strlen(out) + 1);
		} else {
			msg(out, ": name too long");
			return;
		}
		rp.fd = open(rp.name, O_WRONLY | O_CREAT | O_CLOEXEC |
			     O_NOFOLLOW | O_NOCTTY, 0600);
		if (rp.fd < 0) {
			msg_sys(errno, rp.name);
			return;
		}
	}
	if (fstat(rp.fd, &sb) < 0) {
		msg_sys(errno, rp.name);
		return;
	}
	if (stat(o->file, &in) == 0 && in.st_dev == sb.st_dev &&
	    in.st_ino == sb.st_ino) {
		msg(rp.name, ": is the capture being repaired: name another "
		    "OUT");
		return;
	}
	if (S_ISREG(sb.st_mode) && rp.fd != 1 && ftruncate(rp.fd, 0) < 0) {
		msg_sys(errno, rp.name);
		return;
	}
	rp.failed = 0;
	frame_global_header(h);
	put(o, h, sizeof h);
}

static int rp_record(const struct read_opts *o, const struct capread_record *r)
{
	if (rp.failed)
		return 1;
	rp.kept++;
	return put(o, r->frame, FRAME_RECORD_LEN + r->len);
}

static int rp_end(const struct read_opts *o)
{
	char k[FMT_ULL + 1], g[FMT_ULL + 1], b[FMT_ULL + 1];
	int failed = flush(o);

	if (rp.fd > 1 && close(rp.fd) < 0 && !failed) {
		msg_sys(errno, rp.name);
		failed = 1;
	}
	rp.fd = -1;
	if (failed)
		return 1;
	k[fmt_u(k, rp.kept)] = 0;
	g[fmt_u(g, o->gaps)] = 0;
	b[fmt_u(b, o->gap_bytes)] = 0;
	msg(o->file, ": repaired into ", rp.name, ": ", k, " records kept, ",
	    g, o->gaps == 1 ? " gap of " : " gaps of ", b, " bytes left out",
	    o->broken ? ", and the torn last record" : "");
	return 0;
}

const struct read_cmd read_repair = {
	.mem = BUF + NAME,
	.more = 1,
	.repairs = 1,
	.check = rp_check,
	.begin = rp_begin,
	.record = rp_record,
	.end = rp_end,
};
