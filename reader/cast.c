/* cast.c - stdiocap --cast PID: a process's run as an asciicast v2 file,
 * the format asciinema records and plays (asciinema play, asciinema
 * cat, the web player). doc/stdiocap.1 "--cast".
 * SPDX-License-Identifier: MIT
 *
 * The header line gives the terminal size (COLUMNS and LINES of the
 * process's environment, else 80x24), its start time, its argv as the
 * command, its TERM and SHELL, and --max-wait as idle_time_limit (the
 * players cap pauses to it). Then one event per record, its time in
 * seconds since the execve record: stdout and stderr as output ("o"),
 * both going to the terminal as they did, stdin as input ("i"), and a
 * marker ("m") with the exit status at the end.
 *
 * A terminal showed each newline the process wrote as a carriage return
 * and a newline (the tty's ONLCR), and a player writes to a terminal in
 * raw mode: so "\n" is written as "\r\n", unless --raw asks for the
 * bytes as they were written.
 *
 * asciicast strings are JSON, so text: valid UTF-8 is kept as it is,
 * a character cut between two records of a stream is joined again, and
 * bytes that are not UTF-8 become U+FFFD (the player would show them so
 * too). --extract gives the bytes exactly. */
#include <string.h>

#include "pick.h"
#include "read.h"
#include "replay.h"

enum {
	BLOB_MAX = 65536,	/* bytes of the execve blob kept: the header */
	CARRY = 3,		/* bytes of a cut UTF-8 character */
};

struct cast {
	const struct read_opts *o;
	int crlf;		/* "\n" as "\r\n" (not --raw) */
	struct inst *blob_of;	/* whose blob is in blob */
	size_t blob_len;
	struct pick pick;
	uint32_t sec, usec;	/* the pick's first record: time 0 */
	unsigned char ncarry[3];
	unsigned char carry[3][CARRY];	/* per stream */
	unsigned char buf[CARRY + FRAME_PAYLOAD_MAX];
	unsigned char blob[BLOB_MAX];
};
static struct cast *cs;		/* this run's, in o->mem */

/* ---- JSON text */

/* The length of the UTF-8 character at b (n bytes there): 1 to 4; 0
 * when b does not start one; -1 when it is cut short by the end. */
static int utf8_len(const unsigned char *b, size_t n)
{
	unsigned c = b[0], need, lo = 0x80, hi = 0xbf, i;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
	if (c == 0xe0)
		lo = 0xa0;	/* no overlong forms */
	else if (c == 0xed)
		hi = 0x9f;	/* no surrogates */
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;	/* nothing past U+10FFFF */
	for (i = 1; i <= need; i++) {
		if (i >= n)
			return -1;
		if (b[i] < lo || b[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return (int)need + 1;
}

/* The n bytes at b as the inside of a JSON string, each "\n" as
 * "\r\n" with crlf. A character cut by the end is left unwritten
 * unless whole is set (then it is one U+FFFD); returns the bytes
 * written. */
static size_t json_text(const unsigned char *b, size_t n, int whole, int crlf)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = "\\u00";
	size_t i = 0;
	int l;

	while (i < n) {
		l = utf8_len(b + i, n - i);
		if (l < 0 && !whole)
			break;
		if (l <= 0) {
			out_str("\xef\xbf\xbd");	/* U+FFFD */
			i += l < 0 ? n - i : 1;
			continue;
		}
		if (l > 1 || (b[i] >= 0x20 && b[i] != '"' && b[i] != '\\')) {
			out_mem(b + i, (size_t)l);
		} else if (b[i] == '"' || b[i] == '\\') {
			out_ch('\\');
			out_ch((char)b[i]);
		} else if (b[i] == '\n') {
			out_str(crlf ? "\\r\\n" : "\\n");
		} else if (b[i] == '\r') {
			out_str("\\r");
		} else if (b[i] == '\t') {
			out_str("\\t");
		} else {
			e[4] = hex[b[i] >> 4];
			e[5] = hex[b[i] & 15];
			out_mem(e, 6);
		}
		i += (size_t)l;
	}
	return i;
}

/* "NAME": "VALUE" of the env item it (l bytes) if its name is name. */
static void env_field(const unsigned char *it, size_t l, const char *name)
{
	size_t k = strlen(name);

	if (l <= k || memcmp(it, name, k) || it[k] != '=')
		return;
	out_str(", \"");
	out_str(name);
	out_str("\": \"");
	json_text(it + k + 1, l - k - 1, 1, 0);
	out_ch('"');
}

/* The terminal size a variable of the environment gives, else def. */
static unsigned env_size(const unsigned char *e, size_t n, const char *name,
			 unsigned def)
{
	const unsigned char *z, *end = e + n;
	size_t k = strlen(name);
	unsigned v;

	for (; e < end; e = z + 1) {
		z = memchr(e, 0, end - e);
		if (!z)
			z = end;
		if ((size_t)(z - e) <= k || memcmp(e, name, k) || e[k] != '=')
			continue;
		for (v = 0, e += k + 1;
		     e < z && *e >= '0' && *e <= '9' && v < 10000; e++)
			v = v * 10 + (*e - '0');
		return e == z && v > 0 && v < 10000 ? v : def;
	}
	return def;
}

/* Seconds as "12.000345" */
static void secs(unsigned long long us)
{
	char b[FMT_ULL];

	out_u(us / 1000000);
	out_ch('.');
	out_mem(b, fmt_u0(b, (unsigned)(us % 1000000), 6));
}

/* ---- the file */

static void header(const struct read_opts *o, const struct inst *p)
{
	const unsigned char *b = cs->blob, *e, *z, *end;
	size_t argv = inst_argv_len(p), n = cs->blob_of == p ? cs->blob_len : 0;

	if (argv > n)
		argv = n;
	e = b + argv;
	end = b + n;
	out_str("{\"version\": 2, \"width\": ");
	out_u(env_size(e, end - e, "COLUMNS", 80));
	out_str(", \"height\": ");
	out_u(env_size(e, end - e, "LINES", 24));
	out_str(", \"timestamp\": ");
	out_u(p->sec);
	if (o->set & OPT_MAX_WAIT) {
		out_str(", \"idle_time_limit\": ");
		secs(o->max_wait);
	}
	out_str(", \"title\": \"stdiocap --cast ");
	out_u(p->pid);
	out_ch('"');
	if (argv) {
		out_str(", \"command\": \"");
		for (; b + 1 < e; b = z + 1) {
			z = memchr(b, 0, e - b);
			if (!z)
				z = e;
			json_text(b, z - b, 1, 0);
			if (z + 2 < e)
				out_ch(' ');
		}
		out_ch('"');
	}
	out_str(", \"env\": {\"stdiocap_pid\": \"");
	out_u(p->pid);
	out_ch('"');
	for (; e < end; e = z + 1) {
		z = memchr(e, 0, end - e);
		if (!z)
			z = end;
		env_field(e, z - e, "SHELL");
		env_field(e, z - e, "TERM");
	}
	out_str("}}\n");
}

/* [TIME, "CODE", "TEXT"] for the bytes at b, after what stream s kept
 * of a cut character; whole: keep nothing back. */
static void event(const struct inst *p, uint32_t sec, uint32_t usec,
		  const char *code, int s, const unsigned char *b, size_t n,
		  int whole)
{
	size_t k = cs->ncarry[s], done;
	long long t = ((long long)sec - p->sec) * 1000000 + usec -
		      (long long)p->usec;

	memcpy(cs->buf, cs->carry[s], k);
	memcpy(cs->buf + k, b, n);
	n += k;
	/* only a cut character: nothing to show yet */
	if (!whole && n && n <= CARRY && utf8_len(cs->buf, n) < 0) {
		memcpy(cs->carry[s], cs->buf, n);
		cs->ncarry[s] = (unsigned char)n;
		return;
	}
	out_ch('[');
	secs(t < 0 ? 0 : (unsigned long long)t);
	out_str(", \"");
	out_str(code);
	out_str("\", \"");
	done = json_text(cs->buf, n, whole, cs->crlf && *code == 'o');
	out_str("\"]\n");
	cs->ncarry[s] = (unsigned char)(n - done);
	memcpy(cs->carry[s], cs->buf + done, n - done);
}

/* ---- the hooks */

static void cast_begin(const struct read_opts *o)
{
	cs = o->mem;
	cs->o = o;
	cs->crlf = !(o->set & OPT_RAW);
	pick_begin(&cs->pick);
}

static void cast_exec(struct inst *p, const unsigned char *b, size_t n)
{
	if (p->pid != cs->o->pid)
		return;
	if (cs->blob_of != p) {
		cs->blob_of = p;
		cs->blob_len = 0;
	}
	if (n > BLOB_MAX - cs->blob_len)
		n = BLOB_MAX - cs->blob_len;
	memcpy(cs->blob + cs->blob_len, b, n);
	cs->blob_len += n;
}

static int cast_start(const struct read_opts *o, struct inst *p)
{
	if (pick_start(o, &cs->pick, p)) {
		header(o, p);
	}
	if (cs->blob_of == p)
		cs->blob_of = NULL;	/* the slot may hold another one next */
	return 0;
}

static int cast_io(const struct read_opts *o, struct inst *p,
		   const struct capread_record *r)
{
	(void)o;
	if (p->ref)
		event(p, r->sec, r->usec, r->event == EVENT_STDIN ? "i" : "o",
		      r->event, r->data, r->len, 0);
	return 0;
}

/* What is left of cut characters, then the exit status as a marker. */
static int cast_exit(const struct read_opts *o, struct inst *p)
{
	char b[FMT_STATUS];
	int s;

	(void)o;
	if (!p->ref)
		return 0;
	for (s = 0; s < 3; s++)
		if (cs->ncarry[s])
			event(p, p->end_sec, p->end_usec, s ? "o" : "i", s,
			      NULL, 0, 1);
	event(p, p->end_sec, p->end_usec, "m", 0, (const unsigned char *)b,
	      fmt_status(b, p->status), 1);
	return pick_done(o, p);
}

static int cast_end(const struct read_opts *o)
{
	return pick_end(o, &cs->pick);
}

const struct read_cmd read_cast = {
	.mem = sizeof(struct cast),
	.opts = OPT_INSTANCE | OPT_MAX_WAIT | OPT_RAW | OPT_BOARD,
	.args = 1,
	.check = replay_check,
	.begin = cast_begin,
	.exec = cast_exec,
	.start = cast_start,
	.io = cast_io,
	.exit = cast_exit,
	.end = cast_end,
};
