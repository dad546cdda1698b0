/* read.h - the capture reader: one driver (read.c) and one file per
 * command (ps.c, tree.c, transcript.c, extract.c), in toybox ps.c's
 * shape. README "Reading a capture" is the user's side of it.
 * SPDX-License-Identifier: MIT
 *
 * The driver owns everything common: the command line (the options of
 * struct read_opts, each command saying which it takes), the capture
 * file (size at start, --follow with truncation and rotation, torn last
 * record), the record loop and the instance table. A command never
 * reads a record itself and the driver never asks which command runs:
 * it calls the command's hooks, in this order for every instance:
 *
 *   begin                     once, when the global header is read
 *                             (not for input that is no capture)
 *   exec (0..n)               each execve payload of the instance, as read
 *                             (up to start: a blob resumed after another
 *                             process's records only feeds the split)
 *   start                     once, when its execve blob is complete (or
 *                             cut short by any other record, or missing:
 *                             a capture that starts mid-way)
 *   io (0..n)                 each stdin/stdout/stderr record
 *   exit  or  gone            its exit record (p->status set), or it left
 *                             the table without one: p->end says why
 *                             (INST_REPLACED, INST_EVICTED, INST_UNFINISHED)
 *   end                       once after begin, when the reading ends
 *                             (not while --follow runs)
 *
 * Hooks that return int return 1 when the command has all it needs (the
 * loop stops), 0 to go on. Any hook may be NULL. A hook writes through
 * out.c and formats with fmt.c; the driver flushes. Commands keep their
 * own state in their file, cleared by begin (read_main runs many times
 * in one process under the fuzzer); large buffers go in o->mem (mem
 * bytes, zeroed for each run), never in bss, which every wrapped
 * process would carry.
 *
 * Adding a command: a struct read_cmd in its own file, a pointer to it
 * in cmds[] and its name at the same place in names[] (read.c), its
 * usage in USAGE_READER (applets.h), its rules in README "Reading a
 * capture". */
#ifndef READ_H
#define READ_H

#include <stddef.h>
#include <stdint.h>

#include "applets.h"
#include "stdiocap.h"

/* ---- options, as flags: a command lists the ones it takes */
enum {
	OPT_FOLLOW = 1 << 0,	/* --follow */
	OPT_ENV = 1 << 1,	/* --env: every variable of each exec */
	OPT_ENV_DIFF = 1 << 2,	/* --env-diff: what changed since the last */
	OPT_PID = 1 << 3,	/* --pid N */
	OPT_NAME = 1 << 4,	/* --name NAME */
	OPT_STREAM = 1 << 5,	/* --stream in|out|err, repeatable */
	OPT_INSTANCE = 1 << 6,	/* --instance K */
	OPT_BOARD = 1 << 7,	/* --board ADDR (doc/network.md) */
};

struct read_opts {
	unsigned set;		/* OPT_* given on the command line */
	uint32_t pid;		/* --pid, or --extract's PID */
	uint32_t instance;	/* --instance (default 1) */
	const char *name;	/* --name */
	unsigned streams;	/* bit per enum frame_event 0..2 (default all) */
	int stream;		/* --extract's STREAM */
	const char *file;	/* the capture, as named in messages */
	uint32_t base_sec, base_usec;	/* the first record: time 0 */
	int broken;		/* end: the input ended in an error, which
				 * the driver reports after end */
	void *mem;		/* the command's cmd->mem bytes, zeroed */
};

/* ---- instances: a PID from its execve records to its exit record */
enum inst_end {
	INST_LIVE = 0,
	INST_EXITED,		/* its exit record was read */
	INST_REPLACED,		/* its PID started again (a new execve): it
				 * ended without an exit record */
	INST_EVICTED,		/* the table was full: it was dropped */
	INST_UNFINISHED,	/* no exit record up to the end of the file */
};

enum { INST_HEAD = 256 };	/* bytes of each blob kept (argv, --name) */

struct inst {
	unsigned long seq;	/* start order from 1; 0: a free slot */
	unsigned long last;	/* number of its latest record (eviction) */
	unsigned long long bytes[3];	/* per stream */
	uint32_t pid, ppid;
	uint32_t sec, usec;	/* its first record */
	uint32_t end_sec, end_usec;	/* its exit record, else its latest */
	uint32_t status;	/* raw wait status when end == INST_EXITED */
	enum inst_end end;
	unsigned char match;	/* passes --pid and --name (set at start) */
	unsigned char pinned;	/* never evicted (a command's own choice) */
	unsigned char started;	/* start hook called */
	unsigned char io;	/* a stdin/stdout/stderr record was seen */
	uint32_t ref;		/* the command's own use (tree: its node) */
	/* a collector's capture (doc/network.md): the board that sent it
	 * (board_len 0 in a file), its records lost (sequence gaps) */
	unsigned long lost;
	uint16_t last_seq;
	unsigned char board_len;
	unsigned char board[16];
	struct frame_split split;	/* its execve blob so far */
	unsigned hlen;		/* bytes of head used */
	unsigned char head[INST_HEAD];
};

/* Where argv ends in the instance's blob: just past its terminating
 * empty item; 0 while not known. */
#define inst_argv_len(p) frame_split_argv_len(&(p)->split)

/* ---- the hooks */
struct read_cmd {
	unsigned opts;		/* OPT_* it takes */
	size_t mem;		/* bytes of zeroed memory it needs (o->mem):
				 * mapped per run, so that the buffers of the
				 * reader are no bss in every wrapper */
	unsigned args;		/* positional arguments before FILE */
	/* checks them (and the options); returns 0 or a usage message */
	const char *(*check)(struct read_opts *o, char **arg);
	void (*begin)(const struct read_opts *o);
	void (*exec)(struct inst *p, const unsigned char *b, size_t n);
	int (*start)(const struct read_opts *o, struct inst *p);
	int (*io)(const struct read_opts *o, struct inst *p,
		  const struct capread_record *r);
	int (*exit)(const struct read_opts *o, struct inst *p);
	void (*gone)(const struct read_opts *o, struct inst *p);
	/* returns the exit code: 0, or 1 after its own one-line message */
	int (*end)(const struct read_opts *o);
};

/* read.c: the values of options and arguments; -1 when malformed */
int read_parse_u32(const char *s, uint32_t *v);
int read_parse_stream(const char *s);	/* in|out|err (or stdin...) */

extern const struct read_cmd read_ps, read_tree, read_transcript,
	read_extract, read_chart;

/* ---- fmt.c: pure formatting into the caller's array; each returns the
 * length written (no NUL). Sizes are the most each can write. */
enum {
	FMT_ULL = 20,		/* fmt_u */
	FMT_SECS = 22,		/* fmt_secs */
	FMT_DATE = 26,		/* fmt_date */
	FMT_STATUS = 40,	/* fmt_status */
};
#define FMT_ESC(n) (4 * (n))		/* fmt_esc of n bytes */
size_t fmt_u(char *s, unsigned long long v);
size_t fmt_u0(char *s, unsigned v, unsigned digits);
size_t fmt_secs(char *s, long long us);	/* "-1.000020" */
size_t fmt_date(char *s, uint32_t t, uint32_t usec);	/* UTC */
size_t fmt_status(char *s, uint32_t status);	/* "exit 3", ... */
size_t fmt_esc(char *s, const unsigned char *p, size_t n, int quoted);
/* how an instance ended: its exit status, or why it has none */
size_t fmt_end(char *s, const struct inst *p);
/* the board an instance came from, "10.77.1.2" or "fd77:1::2"; 0 bytes
 * in a file capture */
enum { FMT_BOARD = 40 };
size_t fmt_board(char *s, const struct inst *p);
/* its duration, from its first record to its exit record; "-" without */
size_t fmt_duration(char *s, const struct inst *p);

/* ---- out.c: the buffered standard output (no stdio) */
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
 * not known), joined with spaces; "..." when argv goes on past n */
void out_argv(const unsigned char *b, size_t n, size_t end);

#endif
