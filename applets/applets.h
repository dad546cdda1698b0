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

/* CONFIG_STDIN_PASSTHROUGH, CONFIG_INTERACTIVE, CONFIG_SHELLS membership. */
enum { APPLET_STDIN_PASSTHROUGH = 1, APPLET_INTERACTIVE = 2, APPLET_SHELL = 4 };

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
#ifdef CONFIG_FILE_TAP
# define ENABLE_FILE_TAP 1
#else
# define ENABLE_FILE_TAP 0
#endif
#ifdef CONFIG_FAIL_OPEN_NOTICE
# define ENABLE_FAIL_OPEN_NOTICE 1
#else
# define ENABLE_FAIL_OPEN_NOTICE 0
#endif

#ifdef CONFIG_NET_SINK
# define ENABLE_NET_SINK 1
#else
# define ENABLE_NET_SINK 0
# define CONFIG_NET_PAYLOAD_MAX 1
#endif

/* Exit codes (doc/stdiocap.1 EXIT STATUS). */
enum {
	RC_USAGE = 2,
	RC_NOEXEC = 126,
	RC_NOTFOUND = 127,
};

/* main.c: applet_at(i) is the i-th applet, NULL past the last. */
const struct applet *applet_find(const char *name);
const struct applet *applet_at(size_t i);

/* install.c: stdiocap --install [-s] [DIR]; returns the exit code. */
int install_main(int argc, char **argv);

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

/* read.c: the capture readers (--ps, --tree, --transcript, --extract;
 * doc/reading.md; their hooks in read.h). read_is_command
 * says whether argv[1] of the multiplexer names one; read_main runs it
 * with argv[0] = that option and returns the exit code (with
 * CONFIG_READER=n: a one-line refusal, RC_USAGE). */
#ifdef CONFIG_READER
# define ENABLE_READER 1
# define USAGE_READER \
	"\nReading a capture (FILE, or - for stdin; default: the one above):\n" \
	"  --ps [--pid N] [--name NAME] [--follow] [FILE]   one line per process\n" \
	"  --tree [--pid N] [--name NAME] [FILE]   the process tree (their subtrees)\n" \
	"  --transcript [--env|--env-diff[=full]] [--raw] [--hide-relayed]\n" \
	"     [--pid N] [--name NAME] [--stream in|out|err]... [--follow] [FILE]\n" \
	"     every event, output as lines\n" \
	"  --extract [--instance K] [--follow] PID in|out|err [FILE]\n" \
	"     one stream of one process, byte for byte\n" \
	"  --replay [--instance K] [--speed X] [--max-wait S] PID [FILE]\n" \
	"     its stdout and stderr again, with their timing\n" \
	"  --cast [--instance K] [--max-wait S] [--raw] PID [FILE] > run.cast\n" \
	"     the same as an asciicast v2 file (asciinema play)\n" \
	"  --repair [FILE [OUT]]   a clean copy of a damaged capture\n" USAGE_CHART
#else
# define ENABLE_READER 0
# define USAGE_READER ""
#endif
#ifdef CONFIG_READER_CHART
# define ENABLE_READER_CHART 1
# define USAGE_CHART \
	"  --chart [--pid N] [--name NAME] [--failed] [FILE] > run.svg\n" \
	"     a timeline: what failed, at a glance\n"
#else
# define ENABLE_READER_CHART 0
# define USAGE_CHART ""
# define CONFIG_READER_CHART_MAX 1
#endif
/* console.c: --console-dump [FILE] (CONFIG_CONSOLE_DUMP) and, with the
 * readers, --console-restore LOG OUT (doc/network.md "Over the
 * console"); console_main runs argv[0] = that option. */
#ifdef CONFIG_CONSOLE_DUMP
# define ENABLE_CONSOLE_DUMP 1
# define USAGE_CONSOLE \
	"  --console-dump [FILE]   the capture as text for a serial console\n"
#else
# define ENABLE_CONSOLE_DUMP 0
# define USAGE_CONSOLE ""
#endif
#ifdef CONFIG_READER
# define USAGE_RESTORE \
	"  --console-restore LOG OUT.pcap   the capture back from a console log\n" \
	"A reader also reads a collector's capture (tcpdump, dumpcap: VXLAN),\n" \
	"  --board ADDR   only what the board at ADDR sent\n"
#else
# define USAGE_RESTORE ""
#endif
int console_is_command(const char *arg);
int console_main(int argc, char **argv, char **envp);

int read_is_command(const char *arg);
int read_main(int argc, char **argv);

#endif
