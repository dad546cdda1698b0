/* read.h - the capture reader: one driver (read.c) with its table of
 * live instances (inst.c), and one file per command (ps.c, tree.c,
 * transcript.c, extract.c, chart.c, repair.c), in toybox ps.c's shape;
 * open.c opens the capture.
 * Beside them, knowing no reader type: the tree builder (ptree.h), the
 * memory within a budget (mem.h), pure formatting (fmt.h) and the
 * buffered output (out.h). doc/reading.md is the user's
 * side of it.
 * SPDX-License-Identifier: MIT
 *
 * The driver owns everything common: the command line (the options of
 * struct read_opts, each command saying which it takes), the capture
 * file (size at start, --follow with truncation and rotation, torn last
 * record, gaps of damage), the record loop and the instance table
 * (inst.c). A command never
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
 *                             (INST_REPLACED, INST_UNFINISHED)
 *   end                       once after begin, when the reading ends
 *                             (not while --follow runs)
 *
 * A record hook, when a command has one, sees every good record first,
 * whole (--repair). Hooks that return int return 1 when the command
 * has all it needs (the loop stops), 0 to go on. Any hook may be NULL.
 * o->number and o->offset always name the record being handled, so a
 * command's messages name the places the driver's do. A hook writes
 * through out.h and formats with fmt.h; the driver flushes. Commands
 * keep their own state in their file, cleared by begin (read_main runs
 * many times in one process under the fuzzer); large buffers go in
 * o->mem (mem bytes, zeroed for each run) or mem.h's mappings, never in
 * bss, which every wrapped process would carry. Lineage (who ran whom)
 * comes from ptree.h, the same for every command.
 *
 * Adding a command: a struct read_cmd in its own file, a pointer to it
 * in cmds[] and its name at the same place in names[] (read.c), its
 * usage in USAGE_READER (applets.h), its rules in doc/reading.md. */
#ifndef READ_H
#define READ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "applets.h"
#include "fmt.h"
#include "out.h"
#include "stdiocap.h"

/* ---- options, as flags: a command lists the ones it takes */
enum {
	OPT_FOLLOW = 1 << 0,	/* --follow */
	OPT_ENV = 1 << 1,	/* --env: every variable of each exec */
	OPT_ENV_DIFF = 1 << 2,	/* --env-diff: what changed (the parent) */
	OPT_PID = 1 << 3,	/* --pid N */
	OPT_NAME = 1 << 4,	/* --name NAME */
	OPT_STREAM = 1 << 5,	/* --stream in|out|err, repeatable */
	OPT_INSTANCE = 1 << 6,	/* --instance K */
	OPT_SPEED = 1 << 7,	/* --speed X */
	OPT_MAX_WAIT = 1 << 8,	/* --max-wait S */
	OPT_RAW = 1 << 9,	/* --raw: records as they are */
	OPT_HIDE_RELAYED = 1 << 10,	/* --hide-relayed */
	OPT_ENV_FULL = 1 << 11,	/* --env-diff=full: against the previous */
	OPT_FAILED = 1 << 12,	/* --failed: the failed and their ancestors */
	OPT_BOARD = 1 << 13,	/* --board ADDR (doc/network.md) */
};

struct read_opts {
	unsigned set;		/* OPT_* given on the command line */
	uint32_t pid;		/* --pid, or --extract's PID */
	uint32_t instance;	/* --instance (default 1) */
	const char *name;	/* --name */
	unsigned streams;	/* bit per enum frame_event 0..2 (default all) */
	int stream;		/* --extract's STREAM */
	unsigned long long speed;	/* --speed, in millionths (> 0) */
	unsigned long long max_wait;	/* --max-wait, in microseconds */
	const char *file;	/* the capture, as named in messages */
	char *const *args;	/* the positional arguments (--repair's OUT) */
	uint32_t base_sec, base_usec;	/* the first record: time 0 */
	unsigned long number;	/* the record being handled, from 1; at
				 * end: the good records read */
	unsigned long long offset;	/* its file offset; at end: where
					 * the reading stopped */
	unsigned long gaps;	/* damaged regions skipped (said on stderr) */
	unsigned long long gap_bytes;	/* their bytes */
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
	INST_UNFINISHED,	/* no exit record up to the end of the file */
};

enum { INST_HEAD = 256 };	/* bytes of each blob kept (argv, --name) */

struct inst {
	unsigned long seq;	/* start order from 1; 0: a free slot */
	unsigned long long bytes[3];	/* per stream */
	uint32_t pid, ppid;
	uint32_t sec, usec;	/* its first record */
	uint32_t end_sec, end_usec;	/* its exit record, else its latest */
	uint32_t status;	/* raw wait status when end == INST_EXITED */
	enum inst_end end;
	unsigned char match;	/* passes --pid and --name (set at start) */
	unsigned char started;	/* start hook called */
	unsigned char io;	/* a stdin/stdout/stderr record was seen */
	uint32_t ref;		/* the command's own use (tree: its node) */
	/* a collector's capture (doc/network.md): the board that sent it
	 * (board_len 0 in a file), its records lost (sequence gaps) */
	unsigned long lost;
	uint32_t key;		/* the table's: pid, board index << 24 */
	uint16_t last_seq;
	unsigned char board_len;
	unsigned char board[16];
	struct inst *prev, *next;	/* the table's, in start order */
	struct frame_split split;	/* its execve blob so far */
	unsigned hlen;		/* bytes of head used */
	unsigned char head[INST_HEAD];
};

/* Where argv ends in the instance's blob: just past its terminating
 * empty item; 0 while not known. */
#define inst_argv_len(p) frame_split_argv_len(&(p)->split)

/* ---- inst.c: the table of live instances, one per PID, growing in
 * the readers' memory (mem.h). Capture PIDs have 24 bits, so it never
 * holds more than 2^24 (16,777,216: four times Linux's largest pid_max,
 * 512 times the default); memory is the bound in practice, and running
 * out of it stops the reading with one line, never an eviction that
 * would make the commands disagree. */
void inst_reset(void);		/* empty (a run's start; a truncated file) */
/* key: the pid, in a collector's capture with its board's index (from
 * 1) in the top 8 bits */
struct inst *inst_find(uint32_t key);
/* A new live instance of pid, zeroed up to head, last in start order;
 * NULL with errno ENOMEM. */
struct inst *inst_new(uint32_t key);
void inst_free(struct inst *p);
struct inst *inst_first(void);	/* the oldest live one, or NULL */
unsigned long inst_live(void);
/* Why an instance that ended so has no exit status ("unfinished"...);
 * NULL for INST_EXITED. */
const char *inst_why(enum inst_end end);
/* The key of p's parent: its ppid on p's board (doc/network.md
 * "Reading a farm": a process is only ever joined to a parent on its
 * own board) */
#define inst_parent_key(p) (((p)->key & ~0xffffffu) | ((p)->ppid & 0xffffffu))
/* fmt_end and fmt_duration of an instance */
size_t inst_fmt_end(char *s, const struct inst *p);
size_t inst_fmt_duration(char *s, const struct inst *p);
/* --name NAME matches argv[0], or its basename without a login '-'. */
int inst_name_matches(const struct inst *p, const char *name);

/* ---- the hooks */
struct read_cmd {
	unsigned opts;		/* OPT_* it takes */
	size_t mem;		/* bytes of zeroed memory it needs (o->mem):
				 * mapped per run, so that the buffers of the
				 * reader are no bss in every wrapper */
	unsigned args;		/* positional arguments before FILE */
	unsigned more;		/* optional positional arguments after FILE */
	unsigned repairs;	/* it keeps the good records: damage is no
				 * failure of its own (exit code from end) */
	/* checks them (and the options); returns 0 or a usage message */
	const char *(*check)(struct read_opts *o, char **arg);
	void (*begin)(const struct read_opts *o);
	int (*record)(const struct read_opts *o,
		      const struct capread_record *r);
	void (*exec)(struct inst *p, const unsigned char *b, size_t n);
	int (*start)(const struct read_opts *o, struct inst *p);
	int (*io)(const struct read_opts *o, struct inst *p,
		  const struct capread_record *r);
	int (*exit)(const struct read_opts *o, struct inst *p);
	void (*gone)(const struct read_opts *o, struct inst *p);
	/* returns the exit code: 0, or 1 after its own one-line message */
	int (*end)(const struct read_opts *o);
};

/* ---- open.c: the capture file, opened carefully */
/* path opened for reading without ever blocking, refused (one line
 * naming cmd's way to read a stream) unless a regular file: its fd, or
 * -1 (said). */
int open_capture(const char *path, struct stat *sb, const char *cmd);
/* one line when another user wrote the capture (and where) */
void open_note_owner(const char *path, const struct stat *sb);

/* read.c: the board of a key (struct inst's) as fmt_board writes it
 * (FMT_BOARD bytes at most); 0 when it has none (a file's records) */
size_t read_board(char *s, uint32_t key);

/* read.c: the values of options and arguments; -1 when malformed */
int read_parse_u32(const char *s, uint32_t *v);
int read_parse_stream(const char *s);	/* in|out|err (or stdin...) */
/* "2", "0.25": millionths (6 decimals at most) */
int read_parse_micro(const char *s, unsigned long long *v);

extern const struct read_cmd read_ps, read_tree, read_transcript,
	read_extract, read_chart, read_repair, read_replay, read_cast;

#endif
