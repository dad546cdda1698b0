/* read.c - the reader's driver: the command line, the capture file, the
 * record loop and the instance table; the commands are hooks (read.h).
 * SPDX-License-Identifier: MIT
 *
 * One pass over the capture in file order, in fixed memory mapped per
 * run (--tree excepted: it keeps one small node per process).
 * Everything compiles in every configuration; with CONFIG_READER=n only read_main's refusal is
 * left after --gc-sections.
 *
 * Rules (README "Reading a capture"):
 * - An instance is a PID from its execve records to its exit record. An
 *   execve record for a PID that already did I/O or has a whole blob
 *   starts a new instance: the PID was reused, so its predecessor ended
 *   without an exit record (INST_REPLACED).
 * - Up to INST_MAX instances are live at once; a new one beyond that
 *   evicts the least recently active (INST_EVICTED), whose later records
 *   count as a process without execve record (argv "...").
 * - At the end of the input, instances without an exit record are
 *   INST_UNFINISHED: still running when the file was read, or their
 *   wrapper was killed (SIGKILL, a power cut).
 * - Without --follow, a regular file is read up to the size it had at
 *   start: a reader whose output is captured into the file it reads
 *   cannot feed on itself. --follow refuses when its stdout is a pipe or
 *   socket (a wrapper may be relaying it) and FILE is the capture that
 *   $STDIO_PCAP (or the default) names; it follows truncation and
 *   replacement of FILE as tail -F does, with one line on stderr.
 * - A torn last record (the input ends inside it): what came before is
 *   shown, then one line naming it, exit 1; --follow waits for it to be
 *   completed or cut off by the next writer.
 * - Other errors stop the reading alike:
 *   "stdiocap: FILE: record N at offset O: WHAT", exit 1. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read.h"

enum { INST_MAX = 256 };

/* The commands, and their names in the same order: the names alone, so
 * that a build without the reader links none of the commands. */
static const struct read_cmd *const cmds[] = {
	&read_ps, &read_tree, &read_transcript, &read_extract, &read_chart,
};
static const char names[] = "--ps\0--tree\0--transcript\0--extract\0--chart\0";

/* All state of one run; read_main clears it. */
static struct {
	const struct read_cmd *cmd;
	const char *name;	/* the command's name */
	struct read_opts o;
	unsigned long seq;	/* instances started so far */
	struct inst *blob;	/* whose blob is being assembled */
	int fd, follow, have_base;
	int begun;		/* the begin hook ran */
	off_t limit;		/* bytes to read; -1: no limit */
	struct stat sb;		/* the file being read (--follow) */
	off_t seen_size;	/* --follow: the file when last read */
	struct timespec seen_mtime;
	unsigned char board_len, board[16];	/* --board */
} rd;

static struct inst *insts;	/* INST_MAX, in the run's mapping */
static struct {
	void *p;
	size_t n;
} map;				/* the run's memory (read_main) */
static struct capread cr;

/* capread_init, with the --board filter */
static void cr_init(void)
{
	capread_init(&cr, rd.fd);
	cr.outer.board_len = rd.board_len;
	memcpy(cr.outer.board, rd.board, sizeof rd.board);
}

/* ---- the instance table */

/* A process is its pid on its board (doc/network.md: several boards
 * in one collector's capture). */
static struct inst *inst_find(const struct capread_record *r)
{
	int i;

	for (i = 0; i < INST_MAX; i++)
		if (insts[i].seq && insts[i].pid == r->pid &&
		    insts[i].board_len == r->board_len &&
		    !memcmp(insts[i].board, r->board, r->board_len))
			return &insts[i];
	return NULL;
}

/* --name NAME matches argv[0], or its basename without a login '-'. */
static int name_matches(const struct inst *p, const char *name)
{
	const unsigned char *z = memchr(p->head, 0, p->hlen), *b;
	size_t n = z ? (size_t)(z - p->head) : p->hlen, l = strlen(name);

	if (n == l && !memcmp(p->head, name, l))
		return 1;
	for (b = p->head + n; b > p->head && b[-1] != '/'; b--)
		;
	if (b < p->head + n && *b == '-')
		b++;
	return (size_t)(p->head + n - b) == l && !memcmp(b, name, l);
}

static int inst_start(struct inst *p)
{
	if (p == rd.blob)
		rd.blob = NULL;
	p->started = 1;
	p->match = (!(rd.o.set & OPT_PID) || p->pid == rd.o.pid) &&
		   (!(rd.o.set & OPT_NAME) || name_matches(p, rd.o.name));
	return rd.cmd->start ? rd.cmd->start(&rd.o, p) : 0;
}

/* "stdiocap: FILE: pid N (board B): K records lost", never glued over
 * (doc/network.md "What is lost when"). */
static void report_lost(const struct inst *p)
{
	char pid[FMT_ULL + 1], n[FMT_ULL + 1], b[FMT_BOARD + 10];
	size_t k;

	pid[fmt_u(pid, p->pid)] = 0;
	n[fmt_u(n, p->lost)] = 0;
	k = 0;
	if (p->board_len) {
		memcpy(b, " (board ", 8);
		k = 8 + fmt_board(b + 8, p);
		b[k++] = ')';
	}
	b[k] = 0;
	msg(rd.o.file, ": pid ", pid, b, ": ", n,
	    p->lost == 1 ? " record lost" : " records lost");
}

/* The instance leaves the table: by its exit record or without one. */
static int inst_close(struct inst *p, enum inst_end end)
{
	int done = 0;

	if (!p->started)
		done = inst_start(p);
	if (p->lost && p->match)
		report_lost(p);
	p->end = end;
	if (end == INST_EXITED && rd.cmd->exit)
		done |= rd.cmd->exit(&rd.o, p);
	else if (end != INST_EXITED && rd.cmd->gone)
		rd.cmd->gone(&rd.o, p);
	p->seq = 0;
	return done;
}

/* Makes room for one more instance: evicts the least recently active
 * one not pinned when all slots are taken. */
static int inst_room(void)
{
	struct inst *p = NULL;
	int i;

	for (i = 0; i < INST_MAX; i++) {
		if (!insts[i].seq)
			return 0;
		if (!insts[i].pinned && (!p || insts[i].last < p->last))
			p = &insts[i];
	}
	return p ? inst_close(p, INST_EVICTED) : 0;
}

/* A free slot for the PID of r (inst_room made sure there is one). */
static struct inst *inst_new(const struct capread_record *r)
{
	struct inst *p = insts;

	while (p->seq)
		p++;
	memset(p, 0, offsetof(struct inst, head));
	p->seq = ++rd.seq;
	p->pid = r->pid;
	p->ppid = r->ppid;
	p->sec = p->end_sec = r->sec;
	p->usec = p->end_usec = r->usec;
	p->board_len = r->board_len;
	memcpy(p->board, r->board, r->board_len);
	p->last_seq = r->seq - 1;	/* no gap before the first */
	frame_split_init(&p->split);
	return p;
}

/* One record; returns 1 when the command has all it needs. */
static int on_record(const struct capread_record *r)
{
	struct inst *p;
	size_t n;

	if (!rd.have_base) {
		rd.have_base = 1;
		rd.o.base_sec = r->sec;
		rd.o.base_usec = r->usec;
	}
	p = inst_find(r);
	if (rd.blob && (rd.blob != p || r->event != EVENT_EXECVE) &&
	    inst_start(rd.blob))
		return 1;
	if (r->event == EVENT_EXECVE && p &&
	    (p->io || frame_split_done(&p->split))) {
		if (inst_close(p, INST_REPLACED))
			return 1;
		p = NULL;
	}
	if (!p) {
		if (inst_room())
			return 1;
		p = inst_new(r);
	}
	p->last = cr.number;
	/* records lost between two of its own (doc/capture-format.md
	 * §3.5); all zero: a capture older than sequence numbers */
	if (r->seq || p->last_seq)
		p->lost += (uint16_t)(r->seq - p->last_seq - 1);
	p->last_seq = r->seq;
	if (r->event == EVENT_EXECVE) {
		frame_split_feed(&p->split, r->data, r->len);
		n = r->len < INST_HEAD - p->hlen ? r->len : INST_HEAD - p->hlen;
		memcpy(p->head + p->hlen, r->data, n);
		p->hlen += n;
		if (p->started)
			return 0;	/* a blob resumed after other records */
		if (rd.cmd->exec)
			rd.cmd->exec(p, r->data, r->len);
		if (!frame_split_done(&p->split)) {
			rd.blob = p;
			return 0;
		}
		return inst_start(p);
	}
	if (!p->started && inst_start(p))
		return 1;
	p->end_sec = r->sec;
	p->end_usec = r->usec;
	if (r->event == EVENT_EXIT) {
		p->status = frame_exit_decode(r->data);
		return inst_close(p, INST_EXITED);
	}
	p->io = 1;
	p->bytes[r->event] += r->len;
	return rd.cmd->io ? rd.cmd->io(&rd.o, p, r) : 0;
}

/* The end of the input: the instances without exit record, in start
 * order. */
static void end_of_input(void)
{
	struct inst *p;
	int i;

	if (rd.blob)
		inst_start(rd.blob);
	for (;;) {
		p = NULL;
		for (i = 0; i < INST_MAX; i++)
			if (insts[i].seq && (!p || insts[i].seq < p->seq))
				p = &insts[i];
		if (!p)
			break;
		inst_close(p, INST_UNFINISHED);
	}
}

/* ---- errors: "stdiocap: FILE: record N at offset O: WHAT" */

static void read_error(void)
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
	char b[160];
	size_t n = 0, l;

	if (!s) {
		msg_sys(cr.val, rd.o.file);
		return;
	}
	if (cr.started) {
		memcpy(b, "record ", 7);
		n = 7 + fmt_u(b + 7, cr.number + 1);
		memcpy(b + n, " at offset ", 11);
		n += 11;
		n += fmt_u(b + n, cr.offset);
		memcpy(b + n, ": ", 2);
		n += 2;
	} else if (cr.err == CAPREAD_SHORT) {
		memcpy(b, "global header ", 14);
		n = 14;
	}
	l = strlen(s);
	memcpy(b + n, s, l);
	n += l;
	if (cr.err == CAPREAD_SHORT) {
		n += fmt_u(b + n, cr.have);
		memcpy(b + n, " of ", 4);
		n += 4;
	}
	if (s[l - 1] == ' ')
		n += fmt_u(b + n, cr.val);
	if (cr.err == CAPREAD_SHORT) {
		memcpy(b + n, " bytes", 6);
		n += 6;
	}
	b[n] = 0;
	msg(rd.o.file, ": ", b);
}

/* ---- the capture file */

/* Reads on from pos (a record boundary, or 0: the global header) with
 * fd, after a pause of --follow. From 0 (a file truncated or replaced),
 * the live instances are forgotten without a hook: their wrappers write
 * their execve records again into an emptied file, and a replaced one
 * never gets their records. */
static int reread(off_t pos)
{
	unsigned long number = cr.number;
	int i;

	if (!pos) {
		for (i = 0; i < INST_MAX; i++)
			insts[i].seq = 0;
		rd.blob = NULL;
	}

	if (lseek(rd.fd, pos, SEEK_SET) < 0)
		return -1;
	cr_init();
	if (pos) {
		cr.started = 1;
		cr.offset = pos;
		cr.number = number;
	}
	return 0;
}

/* --follow after the end of the input: waits, then reads on from the
 * next record, from the start of a truncated file, or from the start
 * of the file the path names now (tail -F). Returns -1 on an error
 * (said), else 0. */
static int follow_wait(void)
{
	struct stat now;
	off_t pos = cr.started ? (off_t)cr.offset : 0;
	int fd;

	out_flush();
	for (;;) {
		poll(NULL, 0, 100);
		if (fstat(rd.fd, &rd.sb) < 0) {
			msg_sys(errno, rd.o.file);
			return -1;
		}
		if (rd.sb.st_size < pos) {
			msg(rd.o.file, ": file truncated: reading it again from the start");
			return reread(0);
		}
		if (rd.sb.st_size != rd.seen_size ||
		    rd.sb.st_mtim.tv_sec != rd.seen_mtime.tv_sec ||
		    rd.sb.st_mtim.tv_nsec != rd.seen_mtime.tv_nsec) {
			rd.seen_size = rd.sb.st_size;
			rd.seen_mtime = rd.sb.st_mtim;
			if (rd.sb.st_size > pos)
				return reread(pos);
		}
		/* all of this file is read: has the path moved on? */
		if (stat(rd.o.file, &now) == 0 &&
		    (now.st_dev != rd.sb.st_dev || now.st_ino != rd.sb.st_ino)) {
			fd = open(rd.o.file, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;	/* gone again: keep the old one */
			close(rd.fd);
			rd.fd = fd;
			rd.seen_size = -1;
			msg(rd.o.file, ": file replaced: following the new one");
			return reread(0);
		}
	}
}

/* Whether following FILE would read back this reader's own output: its
 * stdout is a pipe or socket (a wrapper may relay it) and FILE is the
 * capture wrappers started from here write to. */
static int feeds_itself(void)
{
	const char *cap = getenv("STDIO_PCAP");
	struct stat o, c;

	if (!cap || !*cap)
		cap = CONFIG_DEFAULT_PCAP;
	return fstat(1, &o) == 0 && (S_ISFIFO(o.st_mode) || S_ISSOCK(o.st_mode)) &&
	       stat(cap, &c) == 0 && c.st_dev == rd.sb.st_dev &&
	       c.st_ino == rd.sb.st_ino;
}

/* The next record: 1, or 0 at the end of the input, or -1 (cr.err),
 * or -2 (an error, said). */
static int next(struct capread_record *r)
{
	unsigned long long start, lim = rd.limit;
	int n;

	for (;;) {
		/* flush before a read that may block (a pipe, --follow) */
		if (cr.len - cr.off < FRAME_RECORD_LEN + FRAME_PAYLOAD_MAX)
			out_flush();
		if (out_error())
			return 0;
		start = cr.offset;
		n = capread_next(&cr, r);
		if (cr.started && !rd.begun) {
			rd.begun = 1;
			if (rd.cmd->begin)
				rd.cmd->begin(&rd.o);
		}
		if (rd.limit >= 0 && cr.started &&
		    (n > 0 ? cr.offset > lim : cr.offset >= lim)) {
			/* past the size at start: what follows came later */
			if (n <= 0 || start >= lim)
				return 0;
			/* a record torn at that size, completed since */
			cr.err = CAPREAD_SHORT;
			cr.have = lim - start;
			cr.val = cr.have < FRAME_PCAP_LEN ? FRAME_PCAP_LEN :
				 cr.offset - start;
			cr.offset = start;
			cr.number--;
			return -1;
		}
		if (n > 0 || !rd.follow ||
		    (n < 0 && cr.err != CAPREAD_SHORT && cr.err != CAPREAD_EMPTY))
			return n;
		if (follow_wait() < 0)
			return -2;
	}
}

static int run(void)
{
	struct capread_record r;
	int n, rc = 0;

	if (fstat(rd.fd, &rd.sb) < 0) {
		msg_sys(errno, rd.o.file);
		return 1;
	}
	rd.follow = rd.o.set & OPT_FOLLOW && S_ISREG(rd.sb.st_mode);
	rd.limit = S_ISREG(rd.sb.st_mode) && !rd.follow ? rd.sb.st_size : -1;
	rd.seen_size = rd.sb.st_size;
	rd.seen_mtime = rd.sb.st_mtim;
	if (rd.follow && feeds_itself()) {
		msg(rd.o.file, ": refusing --follow: stdout is a pipe, which a "
		    "wrapper may be capturing into this same file (redirect "
		    "stdout to a file)");
		return 1;
	}
	cr_init();
	while ((n = next(&r)) > 0)
		if (on_record(&r))
			break;
	if (rd.begun && n <= 0 && n != -2 && !out_error())
		end_of_input();
	rd.o.broken = n < 0;
	if (rd.begun && rd.cmd->end)
		rc = rd.cmd->end(&rd.o);
	out_flush();
	if (out_error()) {
		msg_sys(out_error(), "write error");
		return 1;
	}
	if (n == -1)
		read_error();
	return n < 0 ? 1 : rc;
}

/* ---- the command line */

int read_parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n = 0;

	if (!*s)
		return -1;
	for (; *s; s++)
		if (*s < '0' || *s > '9' || (n = n * 10 + *s - '0') > 0xffffffff)
			return -1;
	*v = n;
	return 0;
}

int read_parse_stream(const char *s)
{
	if (!strncmp(s, "std", 3))
		s += 3;
	return !strcmp(s, "in") ? 0 : !strcmp(s, "out") ? 1 :
	       !strcmp(s, "err") ? 2 : -1;
}

/* The index of the command named arg in cmds[]; -1: none. */
static int cmd_find(const char *arg)
{
	const char *n;
	int i = 0;

	for (n = names; *n; n += strlen(n) + 1, i++)
		if (!strcmp(arg, n))
			return i;
	return -1;
}

int read_is_command(const char *arg)
{
	return cmd_find(arg) >= 0;
}

static int usage(const char *what, const char *arg)
{
	msg(rd.name, ": ", what, arg, " (try --help)");
	return RC_USAGE;
}

/* The options; those from OPT_PID on take a value. */
static const struct opt {
	char name[11];
	unsigned char flag;	/* OPT_* */
} opts[] = {
	{ "--follow", OPT_FOLLOW }, { "--env", OPT_ENV },
	{ "--env-diff", OPT_ENV_DIFF }, { "--pid", OPT_PID },
	{ "--name", OPT_NAME }, { "--stream", OPT_STREAM },
	{ "--instance", OPT_INSTANCE }, { "--board", OPT_BOARD },
};

static int parse(int argc, char **argv)
{
	char *pos[4] = { NULL, NULL, NULL, NULL };
	const char *a, *v = NULL, *why;
	unsigned npos = 0, flag;
	int i, s;
	size_t o;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || !a[1]) {
			if (npos > rd.cmd->args)
				return usage("too many arguments: ", a);
			pos[npos++] = argv[i];
			continue;
		}
		for (o = 0; o < sizeof opts / sizeof *opts; o++)
			if (rd.cmd->opts & opts[o].flag && !strcmp(a, opts[o].name))
				break;
		if (o == sizeof opts / sizeof *opts)
			return usage("unknown option: ", a);
		flag = opts[o].flag;
		if (flag >= OPT_PID) {
			if (++i == argc)
				return usage("missing value: ", a);
			v = argv[i];
		}
		s = 0;
		if (flag & (OPT_ENV | OPT_ENV_DIFF))
			rd.o.set &= ~(OPT_ENV | OPT_ENV_DIFF);	/* the last */
		rd.o.set |= flag;
		if (flag == OPT_PID) {
			s = read_parse_u32(v, &rd.o.pid);
		} else if (flag == OPT_NAME) {
			rd.o.name = v;
		} else if (flag == OPT_STREAM) {
			s = read_parse_stream(v);
			rd.o.streams |= 1u << (s & 3);	/* s < 0: refused */
		} else if (flag == OPT_BOARD) {
			rd.board_len = netsink_addr(v, rd.board);
			s = rd.board_len ? 0 : -1;
		} else if (flag == OPT_INSTANCE) {
			s = read_parse_u32(v, &rd.o.instance);
			if (!rd.o.instance)
				s = -1;
		}
		if (s < 0)
			return usage("bad value: ", v);
	}
	if (!rd.o.streams)
		rd.o.streams = 7;
	if (rd.cmd->check && (why = rd.cmd->check(&rd.o, pos)))
		return usage(why, "");
	rd.o.file = pos[rd.cmd->args];
	return 0;
}

int read_main(int argc, char **argv)
{
	int rc;

	memset(&rd, 0, sizeof rd);
	rc = cmd_find(argv[0]);
	if (!ENABLE_READER || rc < 0) {
		msg(argv[0], ": reader not built in (CONFIG_READER)");
		return RC_USAGE;
	}
	rd.cmd = cmds[rc];
	rd.name = argv[0];
	out_reset();
	rd.o.instance = 1;
	if ((rc = parse(argc, argv)))
		return rc;
	/* the instance table and the command's memory, zeroed */
	if (map.p)
		munmap(map.p, map.n);
	map.n = INST_MAX * sizeof *insts + rd.cmd->mem;
	map.p = mmap(NULL, map.n, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map.p == MAP_FAILED) {
		map.p = NULL;
		msg_sys(errno, rd.name);
		return 1;
	}
	insts = map.p;
	rd.o.mem = insts + INST_MAX;
	if (!rd.o.file) {
		rd.o.file = getenv("STDIO_PCAP");
		if (!rd.o.file || !*rd.o.file)
			rd.o.file = CONFIG_DEFAULT_PCAP;
	}
	if (!strcmp(rd.o.file, "-")) {
		rd.o.file = "stdin";
		rd.fd = 0;
	} else if ((rd.fd = open(rd.o.file, O_RDONLY | O_CLOEXEC)) < 0) {
		msg_sys(errno, rd.o.file);
		return 1;
	}
	rc = run();
	if (rd.fd)
		close(rd.fd);
	return rc;
}
