/* applets.h - the applet table, the configuration as C constants, and the
 * one place that prints and exits.
 * SPDX-License-Identifier: MIT */
#ifndef APPLETS_H
#define APPLETS_H

#include <stddef.h>
#include <stdint.h>

#include "generated/autoconf.h"

struct applet {
	const char *name;
	const char *target;
	int flags;	/* APPLET_* below, from scripts/mkapplets.c */
};

/* CONFIG_STDIN_PASSTHROUGH, CONFIG_INTERACTIVE membership. */
enum { APPLET_STDIN_PASSTHROUGH = 1, APPLET_INTERACTIVE = 2 };

/* Booleans as 0/1, so code says if (ENABLE_X) and every configuration is
 * compiled and type-checked (BusyBox style). */
#ifdef CONFIG_FAIL_CLOSED
# define ENABLE_FAIL_CLOSED 1
#else
# define ENABLE_FAIL_CLOSED 0
#endif
#ifdef CONFIG_TTY_INTERPOSE
# define ENABLE_TTY_INTERPOSE 1
#else
# define ENABLE_TTY_INTERPOSE 0
#endif
#ifdef CONFIG_FAIL_OPEN_NOTICE
# define ENABLE_FAIL_OPEN_NOTICE 1
#else
# define ENABLE_FAIL_OPEN_NOTICE 0
#endif

/* Exit codes (README "Exit codes"). */
enum {
	RC_USAGE = 2,
	RC_NOEXEC = 126,
	RC_NOTFOUND = 127,
};

/* main.c */
const struct applet *applet_find(const char *name);

/* wrap.c: runs one applet; returns only an exit code on failure. */
int wrap_run(const struct applet *a, char **argv, char **envp);

/* msg.c: one line on stderr, "stdiocap: " + parts, assembled in one
 * buffer and written with one write(2); no stdio. msg_sys appends
 * ": strerror(errno)". errno is kept. */
void msg_parts(const char *const *part, unsigned n, int err);
#define MSG_V(...) ((const char *const[]){ __VA_ARGS__ })
#define MSG_N(...) (sizeof MSG_V(__VA_ARGS__) / sizeof(const char *))
#define msg(...) msg_parts(MSG_V(__VA_ARGS__), MSG_N(__VA_ARGS__), 0)
#define msg_sys(err, ...) msg_parts(MSG_V(__VA_ARGS__), MSG_N(__VA_ARGS__), err)

/* read.c: the capture readers (--ps, --transcript, --extract; README
 * "Reading a capture"). read_is_command says whether argv[1] of the
 * multiplexer names one; read_main runs it with argv[0] = that option
 * and returns the exit code (with CONFIG_READER=n: a one-line refusal,
 * RC_USAGE). */
#ifdef CONFIG_READER
# define ENABLE_READER 1
# define USAGE_READER \
	"\nReading a capture (FILE, or - for stdin; default: the one above):\n" \
	"  --ps [--pid N] [--name NAME] [FILE]   one line per process\n" \
	"  --transcript [--env|--env-diff] [--pid N] [--name NAME]\n" \
	"     [--stream in|out|err]... [--follow] [FILE]   every event\n" \
	"  --extract [--instance K] [--follow] PID in|out|err [FILE]\n" \
	"     one stream of one process, byte for byte\n"
#else
# define ENABLE_READER 0
# define USAGE_READER ""
#endif
int read_is_command(const char *arg);

/* out.c: buffered stdout of the reader commands (no stdio). out_mark
 * makes room for `room` bytes and returns the position out_pad pads
 * from; out_take returns what was written as a string, for a message,
 * and empties the buffer; out_error is the errno of a failed write. */
void out_reset(void);
int out_error(void);
void out_flush(void);
void out_mem(const void *p, size_t n);
void out_str(const char *s);
void out_ch(char c);
void out_u(unsigned long long v);
void out_u0(unsigned v, int n);
size_t out_mark(size_t room);
void out_pad(size_t mark, size_t width, int right);
void out_secs(long long us);
void out_date(uint32_t t, uint32_t usec);
void out_esc(const unsigned char *p, size_t n, int quoted);
void out_argv(const unsigned char *b, size_t n, size_t end);
void out_status(uint32_t status);
const char *out_take(void);
int read_main(int argc, char **argv);

#endif
