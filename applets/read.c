/* read.c - the reader commands: --ps, --transcript, --extract.
 * SPDX-License-Identifier: MIT
 *
 * One pass over the capture in file order, in fixed memory: a table of
 * PROC_MAX live process instances, one execve blob being assembled, the
 * previous environment for --env-diff. Output goes through out.c's
 * buffer: no stdio (it would cost ~10 KiB of musl).
 * Everything here compiles in every configuration; with CONFIG_READER=n
 * only read_main's refusal is left after --gc-sections.
 *
 * Choices (README "Reading a capture"):
 * - An instance is a PID from its execve record to its exit record; an
 *   execve record for a PID that already did I/O or has a whole blob
 *   starts a new instance (a reused PID whose predecessor left no exit
 *   record). --extract --instance K counts them from 1.
 * - --ps prints a process when its exit record is read (the order in
 *   which process accounting writes its records), then those without
 *   one ("running") in start order: streaming, so any capture size
 *   fits. START is UTC with microseconds; DURATION runs from the first
 *   record to the exit record.
 * - --transcript times are seconds since the capture's first record;
 *   a chunk is split after each newline, one output line per line.
 * - Text is C-escaped: printable ASCII as is, \\ \t \n \r, \xHH for
 *   the rest; an argument holding ' ' or '"' is put in double quotes.
 * - Signal names are Linux's generic numbering (x86, ARM, s390x...).
 * - More than PROC_MAX processes alive at once: the least recently
 *   active is listed early as "(table full)"; its later records count
 *   as a process without execve record (argv "...").
 * - Errors stop the reading: what was read is shown, then one line
 *   "stdiocap: FILE: record N at offset O: WHAT", exit 1. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets.h"
#include "stdiocap.h"

enum { CMD_PS, CMD_TRANSCRIPT, CMD_EXTRACT, CMD_CHART };

enum {
	PROC_MAX = 256,		/* live instances; the least recently active
				 * one is evicted when a 257th starts */
	HEAD_MAX = 256,		/* bytes of each blob kept for --ps, --name */
	BLOB_MAX = 65536,	/* bytes of one blob shown by --transcript */
};

struct proc {
	unsigned long seq;	/* start order; 0: a free slot */
	unsigned long last;	/* number of its latest record (eviction) */
	unsigned long long bytes[3];
	uint32_t pid, sec, usec;
	unsigned hlen;		/* bytes of head used */
	struct frame_split split;	/* the blob so far: where argv ends */
	unsigned char done;	/* the blob ended on a record boundary */
	unsigned char io;	/* a stdin/stdout/stderr record was seen */
	signed char shown;	/* transcript filter: -1 not decided yet */
	unsigned char target;	/* the --extract instance */
	unsigned char head[HEAD_MAX];
};

/* All state of one run; read_main clears it, so it can run again (the
 * fuzzer calls it many times in one process). */
static struct {
	int cmd, env, follow;
	int stream_mask;	/* transcript: bit per stream shown */
	int stream;		/* extract: the stream */
	int header;		/* ps: the header line is out */
	int has_pid;
	uint32_t pid, instance, seen;	/* --pid / --extract, --instance */
	const char *name;	/* --name */
	int found;		/* --extract: the instance appeared */
	int have_base, have_prev;
	uint32_t base_sec, base_usec;	/* the first record: time 0 */
	unsigned long seq;
	struct proc *blob_proc;	/* whose blob is being assembled */
	size_t blob_len, prev_len;
	unsigned long long blob_total;
} st;

static struct proc procs[PROC_MAX];
static unsigned char blob[BLOB_MAX], prev_env[BLOB_MAX];
static struct capread cr;

/* ---- the process table */

static struct proc *proc_find(uint32_t pid)
{
	int i;

	for (i = 0; i < PROC_MAX; i++)
		if (procs[i].seq && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

/* Where argv ends in the instance's blob (see struct proc); 0: unknown. */
static size_t argv_len(const struct proc *p)
{
	return frame_split_argv_len(&p->split);
}

/* --name NAME matches argv[0], or its basename without a login '-'. */
static int name_matches(const struct proc *p)
{
	const unsigned char *z = memchr(p->head, 0, p->hlen), *b;
	size_t n = z ? (size_t)(z - p->head) : p->hlen, l;

	l = strlen(st.name);
	if (n == l && !memcmp(p->head, st.name, l))
		return 1;
	for (b = p->head + n; b > p->head && b[-1] != '/'; b--)
		;
	if (b < p->head + n && *b == '-')
		b++;
	return (size_t)(p->head + n - b) == l && !memcmp(b, st.name, l);
}

/* Whether the transcript shows this instance; decided once its blob
 * (or its first other record) is in. */
static int shown(struct proc *p)
{
	if (p->shown < 0)
		p->shown = (!st.has_pid || p->pid == st.pid) &&
			   (!st.name || name_matches(p));
	return p->shown;
}

/* --ps: "PID START DURATION IN OUT ERR STATUS ARGV" */
static void ps_line(struct proc *p, const char *why, uint32_t status,
		    uint32_t sec, uint32_t usec)
{
	size_t mark;
	int i;

	if (!shown(p))
		return;
	mark = out_mark(128);
	out_u(p->pid);
	out_pad(mark, 7, 1);
	out_ch(' ');
	out_date(p->sec, p->usec);
	out_ch(' ');
	mark = out_mark(0);
	if (why)
		out_ch('-');
	else
		out_secs(((long long)sec - p->sec) * 1000000 + usec - p->usec);
	out_pad(mark, 10, 1);
	for (i = 0; i < 3; i++) {
		out_ch(' ');
		mark = out_mark(0);
		out_u(p->bytes[i]);
		out_pad(mark, 8, 1);
	}
	out_ch(' ');
	mark = out_mark(64);
	if (why)
		out_str(why);
	else
		out_status(status);
	out_pad(mark, 18, 0);
	out_ch(' ');
	out_argv(p->head, p->hlen, argv_len(p));
	out_ch('\n');
}

/* The transcript's line start: "  0.000213    4242 " */
static void prefix(uint32_t sec, uint32_t usec, uint32_t pid)
{
	size_t mark;

	mark = out_mark(40);
	out_secs(((long long)sec - st.base_sec) * 1000000 + usec -
		 st.base_usec);
	out_pad(mark, 10, 1);
	out_ch(' ');
	mark = out_mark(0);
	out_u(pid);
	out_pad(mark, 7, 1);
	out_ch(' ');
}

static void word(const char *w)
{
	size_t mark;

	mark = out_mark(8);
	out_str(w);
	out_pad(mark, 7, 0);
}

/* Next non-empty item of an env list at *pos (< n); 0 at the end. */
static size_t env_item(const unsigned char *e, size_t n, size_t *pos,
		       const unsigned char **item)
{
	const unsigned char *z;
	size_t l;

	while (*pos < n && !e[*pos])
		++*pos;
	if (*pos >= n)
		return 0;
	*item = e + *pos;
	z = memchr(*item, 0, e + n - *item);
	l = z ? (size_t)(z - *item) : n - *pos;
	*pos += l;
	return l;
}

/* Whether env (n bytes) has item (l bytes): exactly, or by its name. */
static int env_has(const unsigned char *e, size_t n, const unsigned char *it,
		   size_t l, int by_name)
{
	const unsigned char *o, *eq = by_name ? memchr(it, '=', l) : NULL;
	size_t pos = 0, ol;

	if (eq)
		l = eq - it + 1;	/* "NAME=" is a prefix of the item */
	while ((ol = env_item(e, n, &pos, &o)))
		if ((eq ? ol >= l : ol == l) && !memcmp(o, it, l))
			return 1;
	return 0;
}

static void env_line(const struct proc *p, char mark,
		     const unsigned char *it, size_t l)
{
	prefix(p->sec, p->usec, p->pid);
	word("env");
	if (mark)
		out_ch(mark);
	out_esc(it, l, 0);
	out_ch('\n');
}

/* The exec line of the blob assembled for blob_proc, and its env lines:
 * every variable (--env), or +added/changed and -removed against the
 * previous exec line shown (--env-diff). */
static void blob_finish(void)
{
	struct proc *p = st.blob_proc;
	const unsigned char *e, *it;
	size_t n, pos, l;

	st.blob_proc = NULL;
	if (!shown(p))
		return;
	prefix(p->sec, p->usec, p->pid);
	word("exec");
	n = argv_len(p);
	out_argv(blob, st.blob_len, n);
	out_ch('\n');
	if (!st.env)
		return;
	e = blob + (n < st.blob_len ? n : st.blob_len);
	n = blob + st.blob_len - e;
	pos = 0;
	while ((l = env_item(e, n, &pos, &it)))
		if (st.env == 1 || !st.have_prev ||
		    !env_has(prev_env, st.prev_len, it, l, 0))
			env_line(p, st.env == 1 ? 0 : '+', it, l);
	if (st.env == 2 && st.have_prev) {
		pos = 0;
		while ((l = env_item(prev_env, st.prev_len, &pos, &it)))
			if (!env_has(e, n, it, l, 1)) {
				const unsigned char *eq = memchr(it, '=', l);

				env_line(p, '-', it, eq ? (size_t)(eq - it) : l);
			}
	}
	if (st.blob_total > st.blob_len) {
		prefix(p->sec, p->usec, p->pid);
		word("env");
		out_str("... (");
		out_u(st.blob_total - st.blob_len);
		out_str(" bytes of the execve record not shown)\n");
	}
	memcpy(prev_env, e, n);
	st.prev_len = n;
	st.have_prev = 1;
}

/* An instance ends: with its exit record (why NULL) or without one. */
static void proc_close(struct proc *p, const char *why, uint32_t status,
		       uint32_t sec, uint32_t usec)
{
	if (p == st.blob_proc)
		blob_finish();
	if (st.cmd == CMD_PS)
		ps_line(p, why, status, sec, usec);
	p->seq = 0;
}

static struct proc *proc_new(const struct capread_record *r)
{
	struct proc *p = NULL;
	int i;

	for (i = 0; i < PROC_MAX && !p; i++)
		if (!procs[i].seq)
			p = &procs[i];
	if (!p) {
		/* full: evict the least recently active (not --extract's) */
		for (i = 0; i < PROC_MAX; i++)
			if (!procs[i].target && (!p || procs[i].last < p->last))
				p = &procs[i];
		proc_close(p, "(table full)", 0, 0, 0);
	}
	memset(p, 0, offsetof(struct proc, head));
	p->seq = ++st.seq;
	p->pid = r->pid;
	p->sec = r->sec;
	p->usec = r->usec;
	frame_split_init(&p->split);
	p->shown = st.name ? -1 : !st.has_pid || p->pid == st.pid;
	/* instances are counted from their execve record (or the first
	 * record of a PID, in a capture that starts mid-way) */
	if (st.cmd == CMD_EXTRACT && r->pid == st.pid &&
	    (r->event == EVENT_EXECVE || !st.seen) && ++st.seen == st.instance)
		p->target = st.found = 1;
	return p;
}

/* A dport-3 payload: the next bytes of the instance's blob. */
static void blob_feed(struct proc *p, const struct capread_record *r)
{
	size_t n;

	frame_split_feed(&p->split, r->data, r->len);
	n = r->len < HEAD_MAX - p->hlen ? r->len : HEAD_MAX - p->hlen;
	memcpy(p->head + p->hlen, r->data, n);
	p->hlen += n;
	p->done = frame_split_done(&p->split);
	if (st.cmd != CMD_TRANSCRIPT)
		return;
	if (st.blob_proc != p) {
		st.blob_proc = p;
		st.blob_len = 0;
		st.blob_total = 0;
	}
	n = r->len < BLOB_MAX - st.blob_len ? r->len : BLOB_MAX - st.blob_len;
	memcpy(blob + st.blob_len, r->data, n);
	st.blob_len += n;
	st.blob_total += r->len;
	if (p->done)
		blob_finish();
}

/* One stdin/stdout/stderr chunk: one line per line of the chunk, the
 * newline shown as \n at the end of its line. */
static void chunk(const struct proc *p, const struct capread_record *r)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	const unsigned char *b = r->data, *end = b + r->len, *z;

	do {
		z = memchr(b, '\n', end - b);
		z = z ? z + 1 : end;
		prefix(r->sec, r->usec, p->pid);
		word(names[r->event]);
		out_esc(b, z - b, 0);
		out_ch('\n');
		b = z;
	} while (b < end);
}

/* One record; returns 1 when the command has all it needs. */
static int record(const struct capread_record *r)
{
	struct proc *p;
	uint32_t status;

	if (st.cmd == CMD_CHART) {	/* chart.c keeps its own table */
		chart_record(r, 1, r->ppid);
		return 0;
	}
	if (!st.have_base) {
		st.have_base = 1;
		st.base_sec = r->sec;
		st.base_usec = r->usec;
	}
	p = proc_find(r->pid);
	if (st.blob_proc && (st.blob_proc != p || r->event != EVENT_EXECVE))
		blob_finish();
	if (r->event == EVENT_EXECVE && p && (p->io || p->done)) {
		/* SPEC §4: the blob comes first, so this is a new process
		 * with a reused pid whose predecessor left no exit record */
		proc_close(p, "no exit record", 0, 0, 0);
		p = NULL;
	}
	if (!p)
		p = proc_new(r);
	p->last = cr.number;
	switch (r->event) {
	case EVENT_EXECVE:
		blob_feed(p, r);
		return 0;
	case EVENT_EXIT:
		status = frame_exit_decode(r->data);
		if (st.cmd == CMD_TRANSCRIPT && shown(p)) {
			prefix(r->sec, r->usec, p->pid);
			out_status(status);
			out_ch('\n');
		}
		if (p->target)
			return 1;
		proc_close(p, NULL, status, r->sec, r->usec);
		return 0;
	default:
		p->io = 1;
		p->bytes[r->event] += r->len;
		if (st.cmd == CMD_TRANSCRIPT && shown(p) &&
		    st.stream_mask >> r->event & 1)
			chunk(p, r);
		if (p->target && (int)r->event == st.stream)
			out_mem(r->data, r->len);
		return 0;
	}
}

/* ---- errors: "stdiocap: FILE: record N at offset O: WHAT" */

static void read_error(const char *file)
{
	static const char *const what[] = {
		[CAPREAD_EMPTY] = "empty file, not a capture",
		[CAPREAD_SHORT] = "truncated: the file ends after ",
		[CAPREAD_PCAPNG] = "pcapng, not a stdiocap capture",
		[CAPREAD_NOT_PCAP] = "not a pcap file",
		[CAPREAD_SWAPPED] = "big-endian pcap, not a stdiocap capture",
		[CAPREAD_NANOSEC] = "nanosecond pcap, not a stdiocap capture",
		[CAPREAD_VERSION] = "pcap version is not 2.4",
		[CAPREAD_LINKTYPE] = "link type is not 1 (Ethernet): ",
		[CAPREAD_LENGTH] = "record length out of range (42 to 8234): ",
		[CAPREAD_SNAPPED] = "original length differs from the saved one: ",
		[CAPREAD_USEC] = "microseconds out of range: ",
		[CAPREAD_FRAME] = "not a stdiocap frame (addresses, lengths or checksum)",
		[CAPREAD_EVENT] = "unknown event (UDP destination port): ",
		[CAPREAD_EXIT] = "exit record length is not 4: ",
	};
	const char *s = what[cr.err];

	if (!s) {
		msg_sys(cr.val, file);
		return;
	}
	/* composed in the (flushed) output buffer, written by msg */
	if (cr.started) {
		out_str("record ");
		out_u(cr.number + 1);
		out_str(" at offset ");
		out_u(cr.offset);
		out_str(": ");
	} else if (cr.err == CAPREAD_SHORT) {
		out_str("global header ");
	}
	out_str(s);
	if (cr.err == CAPREAD_SHORT) {
		out_u(cr.have);
		out_str(" of ");
	}
	if (s[strlen(s) - 1] == ' ')
		out_u(cr.val);
	if (cr.err == CAPREAD_SHORT)
		out_str(" bytes");
	msg(file, ": ", out_take());
}

/* ---- the command line */

static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || (n = n * 10 + *s - '0') > 0xffffffff)
			return -1;
	}
	*v = n;
	return 0;
}

static int parse_stream(const char *s)
{
	if (!strncmp(s, "std", 3))
		s += 3;
	return !strcmp(s, "in") ? 0 : !strcmp(s, "out") ? 1 :
	       !strcmp(s, "err") ? 2 : -1;
}

static int usage(const char *cmd, const char *what, const char *arg)
{
	msg(cmd, ": ", what, arg, " (try --help)");
	return RC_USAGE;
}

int read_is_command(const char *arg)
{
	return !strcmp(arg, "--ps") || !strcmp(arg, "--transcript") ||
	       !strcmp(arg, "--extract") || !strcmp(arg, "--chart");
}

static int run(const char *file, int fd)
{
	struct capread_record r;
	struct stat sb;
	struct proc *p;
	int n = 0, i, follow = st.follow && fstat(fd, &sb) == 0 &&
			   S_ISREG(sb.st_mode);

	capread_init(&cr, fd);
	for (;;) {
		/* flush before a read that may block (a pipe, --follow) */
		if (cr.len - cr.off < FRAME_RECORD_LEN + FRAME_PAYLOAD_MAX)
			out_flush();
		if (out_error())
			break;
		n = capread_next(&cr, &r);
		if (st.cmd == CMD_PS && cr.started && !st.header) {
			st.header = 1;
			out_str("    PID START                        DURATION"
				"       IN      OUT      ERR STATUS             ARGV\n");
		}
		if (n > 0) {
			if (record(&r))
				break;
		} else if (follow && (n == 0 || cr.err == CAPREAD_SHORT ||
				      cr.err == CAPREAD_EMPTY)) {
			out_flush();
			poll(NULL, 0, 100);	/* already linked */
		} else {
			break;
		}
	}
	if (st.blob_proc)
		blob_finish();
	if (st.cmd == CMD_CHART)
		chart_finish(file, n < 0, cr.number, cr.offset);
	/* --ps: the processes without an exit record, in start order */
	while (st.cmd == CMD_PS) {
		p = NULL;
		for (i = 0; i < PROC_MAX; i++)
			if (procs[i].seq && (!p || procs[i].seq < p->seq))
				p = &procs[i];
		if (!p)
			break;
		proc_close(p, "running", 0, 0, 0);
	}
	out_flush();
	if (out_error()) {
		msg_sys(out_error(), "write error");
		return 1;
	}
	if (n < 0) {
		read_error(file);
		return 1;
	}
	if (st.cmd == CMD_EXTRACT && !st.found) {
		out_u(st.instance);
		out_str(" of pid ");
		out_u(st.pid);
		msg(file, ": no instance ", out_take());
		return 1;
	}
	return 0;
}

/* The options: which commands take each (bit per CMD_), and its kind. */
enum { O_FOLLOW, O_ENV, O_ENV_DIFF, O_PID, O_NAME, O_STREAM, O_INSTANCE };
static const struct opt {
	char name[11];
	unsigned char cmds;
} opts[] = {
	[O_FOLLOW] = { "--follow", 7 },
	[O_ENV] = { "--env", 2 },
	[O_ENV_DIFF] = { "--env-diff", 2 },
	[O_PID] = { "--pid", 11 },	/* from here on: with a value */
	[O_NAME] = { "--name", 11 },
	[O_STREAM] = { "--stream", 2 },
	[O_INSTANCE] = { "--instance", 4 },
};

int read_main(int argc, char **argv)
{
	const char *cmd = argv[0], *pos[3] = { NULL, NULL, NULL };
	const char *file, *a, *v = NULL;
	int i, o, npos = 0, fd, rc, s;

	if (!ENABLE_READER) {
		msg(cmd, ": reader not built in (CONFIG_READER)");
		return RC_USAGE;
	}
	memset(&st, 0, sizeof st);
	out_reset();
	for (i = 0; i < PROC_MAX; i++)
		procs[i].seq = 0;	/* proc_new clears the rest */
	st.cmd = cmd[2] == 'p' ? CMD_PS : cmd[2] == 't' ? CMD_TRANSCRIPT :
		 cmd[2] == 'c' ? CMD_CHART : CMD_EXTRACT;
	if (st.cmd == CMD_CHART && !ENABLE_READER_CHART) {
		msg(cmd, ": chart not built in (CONFIG_READER_CHART)");
		return RC_USAGE;
	}
	st.instance = 1;
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || !a[1]) {
			if (npos == (st.cmd == CMD_EXTRACT ? 3 : 1))
				return usage(cmd, "too many arguments: ", a);
			pos[npos++] = a;
			continue;
		}
		for (o = 0; o < (int)(sizeof opts / sizeof *opts); o++)
			if (opts[o].cmds >> st.cmd & 1 && !strcmp(a, opts[o].name))
				break;
		if (o == sizeof opts / sizeof *opts)
			return usage(cmd, "unknown option: ", a);
		if (o >= O_PID) {
			if (++i == argc)
				return usage(cmd, "missing value: ", a);
			v = argv[i];
		}
		s = 0;
		switch (o) {
		case O_FOLLOW:
			st.follow = 1;
			break;
		case O_ENV:
		case O_ENV_DIFF:
			st.env = o;	/* 1: all, 2: the difference */
			break;
		case O_PID:
			s = parse_u32(v, &st.pid);
			st.has_pid = 1;
			break;
		case O_NAME:
			st.name = v;
			break;
		case O_STREAM:
			s = parse_stream(v);
			st.stream_mask |= 1 << (s & 3);	/* s < 0: refused below */
			break;
		default:	/* O_INSTANCE, counted from 1 */
			s = parse_u32(v, &st.instance);
			if (!st.instance)
				s = -1;
		}
		if (s < 0)
			return usage(cmd, "bad value: ", v);
	}
	file = pos[0];
	if (st.cmd == CMD_EXTRACT) {
		if (npos < 2 || parse_u32(pos[0], &st.pid) < 0 ||
		    (s = parse_stream(pos[1])) < 0)
			return usage(cmd, "needs PID and STREAM (in, out, err)", "");
		st.stream = s;
		file = pos[2];
	} else if (!st.stream_mask) {
		st.stream_mask = 7;
	}
	if (!file) {
		file = getenv("STDIO_PCAP");
		if (!file || !*file)
			file = CONFIG_DEFAULT_PCAP;
	}
	if (!strcmp(file, "-")) {
		fd = 0;
		file = "stdin";
	} else {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			msg_sys(errno, file);
			return 1;
		}
	}
	if (st.cmd == CMD_CHART && chart_begin(st.has_pid, st.pid, st.name) < 0) {
		msg_sys(errno, cmd);
		rc = 1;
	} else {
		rc = run(file, fd);
	}
	if (fd)
		close(fd);
	return rc;
}
