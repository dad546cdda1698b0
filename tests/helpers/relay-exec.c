/* relay-exec.c - test helper of tests/relay.test: start a program with a
 * chosen argv[0] and a chosen starting signal state, changing nothing else
 * (no fd, no environment variable, no other signal).
 *
 * Usage: relay-exec -p PATH [-i SIG]... [-b SIG]... -- ARGV0 [ARGS...]
 *   -p PATH  the file to execute (argv[0] is ARGV0, not PATH)
 *   -i SIG   start it with SIG ignored (SIG_IGN survives execve)
 *   -b SIG   start it with SIG blocked (the mask survives execve)
 * SIG is a name without "SIG" (HUP INT QUIT USR1 USR2 TERM PIPE ALRM).
 * Exit 125 on a usage error, 126/127 if execv fails.
 * SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	int signo;
} names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
};

static int signo_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i].name))
			return names[i].signo;
	fprintf(stderr, "relay-exec: %s: unknown signal name\n", name);
	return -1;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	sigset_t block;
	int c, s;

	sigemptyset(&block);
	while ((c = getopt(argc, argv, "+p:i:b:")) != -1) {
		switch (c) {
		case 'p':
			path = optarg;
			break;
		case 'i':
		case 'b':
			s = signo_of(optarg);
			if (s < 0)
				return 125;
			if (c == 'i')
				signal(s, SIG_IGN);
			else
				sigaddset(&block, s);
			break;
		default:
			return 125;
		}
	}
	if (!path || optind >= argc) {
		fputs("usage: relay-exec -p PATH [-i SIG]... [-b SIG]... -- ARGV0 [ARGS...]\n",
		      stderr);
		return 125;
	}
	if (sigprocmask(SIG_BLOCK, &block, NULL) < 0) {
		perror("relay-exec: sigprocmask");
		return 125;
	}
	execv(path, argv + optind);
	fprintf(stderr, "relay-exec: %s: %s\n", path, strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
