/* read.c - the reader's driver: the command line, the capture file, the
 * record loop and the instance table; the commands are hooks (read.h).
 * SPDX-License-Identifier: MIT
 *
 * One pass over the capture in file order. Memory grows with the
 * processes alive at once (inst.c) and, for --tree and --chart, with
 * the processes of the capture (ptree.c), within the budget of mem.h.
 * Everything compiles in every configuration; with CONFIG_READER=n only
 * read_main's refusal is left after --gc-sections.
 *
 * Rules (doc/reading.md):
 * - An instance is a PID from its execve records to its exit record. An
 *   execve record for a PID that already did I/O or has a whole blob
 *   starts a new instance: the PID was reused, so its predecessor ended
 *   without an exit record (INST_REPLACED).
 * - Every live instance stays in the table until its exit record, its
 *   PID's next execve or the end: all commands see the same processes.
 *   When memory runs out (a cgroup, ulimit -v) the reading stops with
 *   "out of memory" and exit 1, after what was read is shown.
 * - At the end of the input, instances without an exit record are
 *   INST_UNFINISHED: still running when the file was read, or their
 *   wrapper was killed (SIGKILL, a power cut).
 * - Without --follow, a regular file is read up to the size it had at
 *   start: a reader whose output is captured into the file it reads
 *   cannot feed on itself. --follow refuses only a real loop: when an
 *   ancestor of the reader is a wrapper capturing into FILE that its
 *   stdout can reach (feeds_itself); it follows truncation and
 *   replacement of FILE as tail -F does, with one line on stderr.
 * - A torn last record (the input ends inside it): what came before is
 *   shown, then one line naming it, exit 1; --follow waits for it to be
 *   completed or cut off by the next writer.
 * - Damage anywhere else (a record that fails the checks, zeros or junk
 *   in the middle, a record torn by the next one) is skipped: one line
 *   "stdiocap: FILE: offset O: N bytes skipped (WHAT)" per gap, then the
 *   reading goes on at the next valid record (capread.c), and the exit
 *   status is 1 at the end. Only what is not a capture at all stops at
 *   its global header.
 * - FILE is opened without blocking and must be a regular file (a FIFO
 *   or a device at the capture's path is refused); one written by
 *   another user is read with a note naming its owner. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "read.h"

/* The commands, and their names in the same order: the names alone, so
 * that a build without the reader links none of the commands. */
static const struct read_cmd *const cmds[] = {
	&read_ps, &read_tree, &read_transcript, &read_extract, &read_chart,
	&read_repair, &read_replay, &read_cast,
};
static const char names[] =
	"--ps\0--tree\0--transcript\0--extract\0--chart\0--repair\0"
	"--replay\0--cast\0";

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
	int nomem;		/* the table could not grow: stopped */
	long long tail_gap;	/* --follow: where damage running to the end
				 * began (a writer may cut it), else -1 */
	long long said_gap;	/* ... a gap from there was said already */
	char *pos[5];		/* the positional arguments */
	struct capread *cr;	/* in the run's memory */
	struct {
		void *p;
		size_t n;
	} mem;			/* the command's o->mem */
	unsigned char board_len, board[16];	/* --board */
	unsigned char (*boards)[17];	/* length, address (board_key) */
	unsigned nboards;
} rd;

/* A collector's capture (doc/network.md): a process is its pid on its
 * board. The board's index (from 1, in order of appearance) goes above
 * the 24 bits of the pid in the table's key; past 255 boards the last
 * index is shared. */
enum { BOARDS = 255 };
static uint32_t board_key(const struct capread_record *r)
{
	unsigned i;

	if (!r->board_len)
		return r->pid;
	if (!rd.boards && !(rd.boards = mem_alloc(BOARDS * sizeof *rd.boards)))
		return r->pid;
	for (i = 0; i < rd.nboards; i++)
		if (rd.boards[i][0] == r->board_len &&
		    !memcmp(rd.boards[i] + 1, r->board, r->board_len))
			break;
	if (i == rd.nboards && i < BOARDS) {
		rd.boards[i][0] = r->board_len;
		memcpy(rd.boards[i] + 1, r->board, r->board_len);
		rd.nboards++;
	}
	return r->pid | (uint32_t)(i < BOARDS ? i + 1 : BOARDS) << 24;
}

size_t read_board(char *s, uint32_t key)
{
	unsigned i = key >> 24;

	if (!i || i > rd.nboards)
		return 0;
	return fmt_board(s, rd.boards[i - 1] + 1, rd.boards[i - 1][0]);
}

/* ---- instances through the hooks (the table is inst.c's) */

static int inst_start(struct inst *p)
{
	if (p == rd.blob)
		rd.blob = NULL;
	p->started = 1;
	p->match = (!(rd.o.set & OPT_PID) || p->pid == rd.o.pid) &&
		   (!(rd.o.set & OPT_NAME) || inst_name_matches(p, rd.o.name));
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
		k = 8 + fmt_board(b + 8, p->board, p->board_len);
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
	inst_free(p);
	return done;
}

/* A new instance for the PID of r; NULL when memory ran out (said). */
static struct inst *inst_open(const struct capread_record *r)
{
	struct inst *p = inst_new(board_key(r));
	char n[FMT_ULL + 1], k[FMT_ULL + 1], o[FMT_ULL + 1];

	if (!p) {
		n[fmt_u(n, rd.o.number)] = 0;
		o[fmt_u(o, rd.o.offset)] = 0;
		k[fmt_u(k, inst_live())] = 0;
		msg(rd.o.file, ": record ", n, " at offset ", o,
		    ": out of memory with ", k, " processes alive at once");
		rd.nomem = 1;
		return NULL;
	}
	p->seq = ++rd.seq;
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
	if (rd.cmd->record && rd.cmd->record(&rd.o, r))
		return 1;
	p = inst_find(board_key(r));
	if (rd.blob && (rd.blob != p || r->event != EVENT_EXECVE) &&
	    inst_start(rd.blob))
		return 1;
	if (r->event == EVENT_EXECVE && p &&
	    (p->io || frame_split_done(&p->split))) {
		if (inst_close(p, INST_REPLACED))
			return 1;
		p = NULL;
	}
	if (!p && !(p = inst_open(r)))
		return 1;
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

	if (rd.blob)
		inst_start(rd.blob);
	while ((p = inst_first()))
		inst_close(p, INST_UNFINISHED);
}

/* ---- errors: "stdiocap: FILE: record N at offset O: WHAT" */

/* What each error is, and whether its value follows the text. */
static const struct {
	const char *text;
	unsigned char val;
} errors[] = {
	[CAPREAD_EMPTY] = { "empty file, not a capture", 0 },
	[CAPREAD_SHORT] = { "truncated: the file ends after ", 0 },
	[CAPREAD_PCAPNG] = { "pcapng, not a stdiocap capture", 0 },
	[CAPREAD_NOT_PCAP] = { "not a pcap file", 0 },
	[CAPREAD_SWAPPED] = { "big-endian pcap, not a stdiocap capture", 0 },
	[CAPREAD_NANOSEC] = { "nanosecond pcap, not a stdiocap capture", 0 },
	[CAPREAD_VERSION] = { "pcap version is not 2.4", 0 },
	[CAPREAD_LINKTYPE] = { "link type is not 1 (Ethernet): ", 1 },
	[CAPREAD_LENGTH] = { "record length out of range (42 to 8234): ", 1 },
	[CAPREAD_SNAPPED] = { "original length differs from the saved one: ", 1 },
	[CAPREAD_USEC] = { "microseconds out of range: ", 1 },
	[CAPREAD_FRAME] = { "not a stdiocap frame (addresses, lengths or checksum)", 0 },
	[CAPREAD_EVENT] = { "unknown event (UDP destination port): ", 1 },
	[CAPREAD_EXIT] = { "exit record length is not 4: ", 1 },
	[CAPREAD_CUT] = { "a record of ", 0 },
};

/* Appends t to b at *n. */
static void add(char *b, size_t *n, const char *t)
{
	size_t l = strlen(t);

	memcpy(b + *n, t, l);
	*n += l;
}

/* What is wrong, with its value, into b at *n. */
static void add_what(char *b, size_t *n, enum capread_error e, uint32_t val)
{
	add(b, n, errors[e].text);
	if (errors[e].val)
		*n += fmt_u(b + *n, val);
	if (e == CAPREAD_CUT) {
		*n += fmt_u(b + *n, val);
		add(b, n, " bytes cut short by the next one");
	}
}

static void read_error(void)
{
	char b[200];
	size_t n = 0;

	if (rd.cr->err == CAPREAD_SYSCALL || !errors[rd.cr->err].text) {
		msg_sys(rd.cr->val, rd.o.file);
		return;
	}
	if (rd.cr->started) {
		add(b, &n, "record ");
		n += fmt_u(b + n, rd.cr->number + 1);
		add(b, &n, " at offset ");
		n += fmt_u(b + n, rd.cr->offset);
		add(b, &n, ": ");
	} else if (rd.cr->err == CAPREAD_SHORT) {
		add(b, &n, "global header ");
	}
	add_what(b, &n, rd.cr->err, rd.cr->val);
	if (rd.cr->err == CAPREAD_SHORT) {
		n += fmt_u(b + n, rd.cr->have);
		add(b, &n, " of ");
		n += fmt_u(b + n, rd.cr->val);
		add(b, &n, " bytes");
	}
	b[n] = 0;
	msg(rd.o.file, ": ", b);
}

/* "FILE: offset O: N bytes skipped (WHAT)": the gap capread skipped
 * before the record it returned (or the end). */
static void gap_report(void)
{
	char b[240];
	size_t n = 0;

	rd.o.gaps++;
	rd.o.gap_bytes += rd.cr->gap;
	add(b, &n, "offset ");
	n += fmt_u(b + n, rd.cr->gap_at);
	add(b, &n, ": ");
	n += fmt_u(b + n, rd.cr->gap);
	add(b, &n, rd.cr->gap == 1 ? " byte skipped (" : " bytes skipped (");
	add_what(b, &n, rd.cr->gap_err, rd.cr->gap_val);
	add(b, &n, ")");
	b[n] = 0;
	out_flush();	/* the line lands after what came before it */
	msg(rd.o.file, ": ", b);
}

/* ---- the capture file */

/* Reading from the start of rd.fd: past damage; checking each record
 * against the next where a read never blocks (a regular file). */
static void cap_start(void)
{
	capread_init(rd.cr, rd.fd);
	rd.cr->outer.board_len = rd.board_len;	/* --board */
	memcpy(rd.cr->outer.board, rd.board, sizeof rd.board);
	rd.cr->resync = 1;
	rd.cr->lookahead = S_ISREG(rd.sb.st_mode);
}

/* Reads on from pos (a record boundary, or 0: the global header) with
 * fd, after a pause of --follow. From 0 (a file truncated or replaced),
 * the live instances are forgotten without a hook: their wrappers write
 * their execve records again into an emptied file, and a replaced one
 * never gets their records. */
static int reread(off_t pos)
{
	unsigned long number = rd.cr->number;
	struct capread_outer outer = rd.cr->outer;	/* a collector's */

	if (!pos) {
		inst_reset();
		rd.blob = NULL;
	}

	if (lseek(rd.fd, pos, SEEK_SET) < 0)
		return -1;
	cap_start();
	if (pos) {
		rd.cr->started = 1;
		rd.cr->offset = pos;
		rd.cr->number = number;
		rd.cr->outer = outer;	/* packets, not records, from pos */
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
	off_t pos = rd.cr->started ? (off_t)rd.cr->offset : 0;
	int fd;

	out_flush();
	for (;;) {
		poll(NULL, 0, 100);
		if (fstat(rd.fd, &rd.sb) < 0) {
			msg_sys(errno, rd.o.file);
			return -1;
		}
		if (rd.tail_gap >= 0 && rd.sb.st_size >= rd.tail_gap &&
		    (rd.sb.st_size != rd.seen_size ||
		     rd.sb.st_mtim.tv_sec != rd.seen_mtime.tv_sec ||
		     rd.sb.st_mtim.tv_nsec != rd.seen_mtime.tv_nsec)) {
			/* the damage at the end may have been cut off and
			 * written over (a writer's repair after a power
			 * cut): read again from where it began, without
			 * saying the same gap twice */
			rd.seen_size = rd.sb.st_size;
			rd.seen_mtime = rd.sb.st_mtim;
			rd.said_gap = pos = rd.tail_gap;
			rd.tail_gap = -1;
			return reread(pos);
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
			fd = open(rd.o.file, O_RDONLY | O_CLOEXEC |
				  O_NONBLOCK | O_NOCTTY);
			if (fd < 0)
				continue;	/* gone again: keep the old one */
			if (fstat(fd, &now) < 0 || !S_ISREG(now.st_mode) ||
			    fcntl(fd, F_SETFL, 0) < 0) {
				close(fd);
				continue;	/* not a capture: wait */
			}
			close(rd.fd);
			rd.fd = fd;
			rd.seen_size = -1;
			msg(rd.o.file, ": file replaced: following the new one");
			return reread(0);
		}
	}
}

/* Whether following FILE would read back this reader's own output: a
 * wrapper capturing into FILE is an ancestor, and stdout can reach it
 * (a pipe, or a file it reads back); a pipe to grep in a shell that is
 * not wrapped, or a file of its own, is no loop. */
static int feeds_itself(void)
{
	return lineage_relay_above(rd.fd, 1) > 0;
}

/* The next record: 1, or 0 at the end of the input, or -1 (rd.cr->err),
 * or -2 (an error, said). */
static int next(struct capread_record *r)
{
	unsigned long long start, lim = rd.limit;
	int n;

	for (;;) {
		/* flush before a read that may block (a pipe, --follow) */
		if (rd.cr->len - rd.cr->off < FRAME_RECORD_LEN + FRAME_PAYLOAD_MAX)
			out_flush();
		if (out_error())
			return 0;
		n = capread_next(rd.cr, r);
		if (n >= 0)	/* --follow: damage up to the end, for now */
			rd.tail_gap = !n && rd.cr->gap ?
				      (long long)rd.cr->gap_at : -1;
		start = n > 0 ? rd.cr->offset - FRAME_RECORD_LEN - r->len : rd.cr->offset;
		if (rd.cr->started && !rd.begun) {
			rd.begun = 1;
			if (rd.cmd->begin)
				rd.cmd->begin(&rd.o);
		}
		if (!n && rd.cr->gap && rd.cr->gap_at == FRAME_GLOBAL_LEN &&
		    !rd.cr->number) {
			/* nothing after the header is a stdiocap record: a
			 * pcap of another tool, or garbage; said as such */
			rd.cr->err = rd.cr->gap_err;
			rd.cr->val = rd.cr->gap_val;
			rd.cr->offset = FRAME_GLOBAL_LEN;
			return -1;
		}
		if (rd.cr->gap && (long long)rd.cr->gap_at == rd.said_gap)
			rd.cr->gap = 0;		/* --follow: said before */
		if (rd.cr->gap && (rd.limit < 0 || rd.cr->gap_at < lim)) {
			if (rd.limit >= 0 && rd.cr->gap_at + rd.cr->gap > lim)
				rd.cr->gap = lim - rd.cr->gap_at;
			gap_report();
		}
		if (rd.limit >= 0 && rd.cr->started &&
		    (n > 0 ? rd.cr->offset > lim : start >= lim)) {
			/* past the size at start: what follows came later */
			if (n <= 0 || start >= lim)
				return 0;
			/* a record torn at that size, completed since */
			rd.cr->err = CAPREAD_SHORT;
			rd.cr->have = lim - start;
			rd.cr->val = rd.cr->have < FRAME_PCAP_LEN ? FRAME_PCAP_LEN :
				 rd.cr->offset - start;
			rd.cr->offset = start;
			rd.cr->number--;
			return -1;
		}
		if (n > 0) {
			rd.o.number = rd.cr->number;
			rd.o.offset = start;
		}
		if (n > 0 || !rd.follow ||
		    (n < 0 && rd.cr->err != CAPREAD_SHORT && rd.cr->err != CAPREAD_EMPTY))
			return n;
		if (follow_wait() < 0)
			return -2;
	}
}

static int run(void)
{
	struct capread_record r;
	int n, rc = 0;

	rd.tail_gap = rd.said_gap = -1;
	rd.follow = rd.o.set & OPT_FOLLOW && S_ISREG(rd.sb.st_mode);
	rd.limit = S_ISREG(rd.sb.st_mode) && !rd.follow ? rd.sb.st_size : -1;
	rd.seen_size = rd.sb.st_size;
	rd.seen_mtime = rd.sb.st_mtim;
	if (rd.follow && feeds_itself()) {
		msg(rd.o.file, ": refusing --follow: a wrapper capturing into "
		    "this file is an ancestor of this reader and its output can "
		    "reach it: what it prints would be captured and read again");
		return 1;
	}
	cap_start();
	while ((n = next(&r)) > 0)
		if (on_record(&r) || rd.nomem)
			break;
	rd.o.number = rd.cr->number;
	rd.o.offset = rd.cr->offset;
	if (rd.begun && (n <= 0 || rd.nomem) && n != -2 && !out_error())
		end_of_input();
	rd.o.broken = n < 0 || rd.nomem;
	if (rd.begun && rd.cmd->end)
		rc = rd.cmd->end(&rd.o);
	out_flush();
	if (out_error()) {
		msg_sys(out_error(), "write error");
		return 1;
	}
	if (n == -1)
		read_error();
	if (rd.cmd->repairs && rd.begun && !rd.nomem &&
	    (n >= 0 || (n == -1 && rd.cr->err == CAPREAD_SHORT)))
		return rc;
	if (rd.o.gaps > 1 && !rd.nomem && n >= 0) {
		char g[FMT_ULL + 1], k[FMT_ULL + 1];

		g[fmt_u(g, rd.o.gaps)] = 0;
		k[fmt_u(k, rd.o.gap_bytes)] = 0;
		msg(rd.o.file, ": damaged: ", g, " gaps, ", k, " bytes in all, "
		    "skipped (stdiocap --repair writes a clean copy)");
	}
	return n < 0 || rd.nomem || rd.o.gaps ? 1 : rc;
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

int read_parse_micro(const char *s, unsigned long long *v)
{
	unsigned long long n = 0;
	unsigned frac = 0;
	int dot = 0;

	if (!*s || *s == '.')
		return -1;
	for (; *s; s++) {
		if (*s == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (*s < '0' || *s > '9' || frac == 6 || n > 0xffffffffull)
			return -1;
		n = n * 10 + *s - '0';
		frac += dot;
	}
	for (; frac < 6; frac++)
		n *= 10;
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

/* The options; value: it takes one. */
static const struct opt {
	char name[15];
	unsigned char value;
	unsigned short flag;	/* OPT_* */
} opts[] = {
	{ "--follow", 0, OPT_FOLLOW }, { "--env", 0, OPT_ENV },
	{ "--env-diff", 0, OPT_ENV_DIFF }, { "--raw", 0, OPT_RAW },
	{ "--env-diff=full", 0, OPT_ENV_DIFF | OPT_ENV_FULL },
	{ "--hide-relayed", 0, OPT_HIDE_RELAYED }, { "--failed", 0, OPT_FAILED },
	{ "--pid", 1, OPT_PID }, { "--name", 1, OPT_NAME },
	{ "--stream", 1, OPT_STREAM }, { "--instance", 1, OPT_INSTANCE },
	{ "--speed", 1, OPT_SPEED }, { "--max-wait", 1, OPT_MAX_WAIT },
	{ "--board", 1, OPT_BOARD },
};

static int parse(int argc, char **argv)
{
	char **pos = rd.pos;	/* rd's: o.args points into it */
	const char *a, *v = NULL, *why;
	unsigned npos = 0, flag;
	int i, s;
	size_t o;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || !a[1]) {
			if (npos > rd.cmd->args + rd.cmd->more)
				return usage("too many arguments: ", a);
			pos[npos++] = argv[i];
			continue;
		}
		for (o = 0; o < sizeof opts / sizeof *opts; o++)
			if (!strcmp(a, opts[o].name))
				break;
		if (o == sizeof opts / sizeof *opts)
			return usage("unknown option: ", a);
		flag = opts[o].flag;
		if ((rd.cmd->opts & flag) != flag)
			return usage("option not taken by this command: ", a);
		if (opts[o].value) {
			if (++i == argc)
				return usage("missing value: ", a);
			v = argv[i];
		}
		s = 0;
		if (flag & (OPT_ENV | OPT_ENV_DIFF))	/* the last */
			rd.o.set &= ~(OPT_ENV | OPT_ENV_DIFF | OPT_ENV_FULL);
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
		} else if (flag == OPT_SPEED) {
			s = read_parse_micro(v, &rd.o.speed);
			if (!rd.o.speed)
				s = -1;
		} else if (flag == OPT_MAX_WAIT) {
			s = read_parse_micro(v, &rd.o.max_wait);
		}
		if (s < 0)
			return usage("bad value: ", v);
	}
	if (!rd.o.streams)
		rd.o.streams = 7;
	if (rd.cmd->check && (why = rd.cmd->check(&rd.o, pos)))
		return usage(why, "");
	rd.o.file = pos[rd.cmd->args];
	rd.o.args = pos + rd.cmd->args + 1;
	return 0;
}

/* Opens the capture the command line names (or $STDIO_PCAP, or the
 * default; - is stdin): 0, or 1 (said). */
static int open_input(void)
{
	if (!rd.o.file) {
		rd.o.file = getenv("STDIO_PCAP");
		if (!rd.o.file || !*rd.o.file)
			rd.o.file = CONFIG_DEFAULT_PCAP;
	}
	if (!strcmp(rd.o.file, "-")) {
		rd.o.file = "stdin";
		rd.fd = 0;
		if (fstat(0, &rd.sb) == 0)
			return 0;
		msg_sys(errno, rd.o.file);
		return 1;
	}
	rd.fd = open_capture(rd.o.file, &rd.sb, rd.name);
	if (rd.fd < 0)
		return 1;
	open_note_owner(rd.o.file, &rd.sb);
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
	/* the reading buffer and the command's memory, zeroed */
	mem_init();
	inst_reset();
	rd.cr = mem_alloc(sizeof *rd.cr);
	rd.mem.n = rd.cmd->mem;
	if (!rd.cr || (rd.mem.n && !(rd.mem.p = mem_alloc(rd.mem.n)))) {
		msg_sys(errno, rd.name);
		rc = 1;
	} else {
		rd.o.mem = rd.mem.p;
		rc = open_input() ? 1 : run();
	}
	if (rd.fd > 0)
		close(rd.fd);
	inst_reset();
	mem_free(rd.mem.p, rd.mem.n);
	mem_free(rd.cr, sizeof *rd.cr);
	mem_free(rd.boards, rd.boards ? BOARDS * sizeof *rd.boards : 0);
	return rc;
}
