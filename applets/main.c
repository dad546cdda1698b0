/* main.c - multi-call dispatch on the name the binary was invoked as.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "applets.h"
#include "stdiocap.h"
#include "generated/applets.h"	/* applets[], sorted by scripts/mkapplets */

static const char usage[] =
	"Usage: stdiocap NAME [ARGS...], or NAME [ARGS...] through a link\n"
	"Runs applet NAME's target, relaying and recording its argv, env,\n"
	"stdin/stdout/stderr and exit status in $STDIO_PCAP (default\n"
	CONFIG_DEFAULT_PCAP ").\n"
	"  --list   one line NAME TARGET per applet\n"
	"  --help   this text\n"
	USAGE_CONSOLE
	USAGE_READER
	USAGE_RESTORE;

/* A scan stops early in the sorted table; bsearch() and its callback
 * cost about 100 bytes more than this loop, for tables of a few dozen
 * names (names are unique: scripts/mkapplets refuses duplicates). */
const struct applet *applet_find(const char *name)
{
	size_t i;
	int c;

	for (i = 0; i < sizeof applets / sizeof *applets; i++) {
		c = strcmp(name, applets[i].name);
		if (c <= 0)
			return c ? NULL : &applets[i];
	}
	return NULL;
}

/* The basename of argv[0] without writing to it: the target must get
 * argv[0] as invoked, and libc basename() may modify its argument. One
 * leading '-' is a login shell's mark ("-sh"), not part of the name. */
static const char *applet_name(const char *arg0)
{
	const char *s = strrchr(arg0, '/');

	s = s ? s + 1 : arg0;
	return *s == '-' ? s + 1 : s;
}

/* The applet named by the path the kernel executed or by a link on the
 * way from it to the binary (`echo2 -> echo -> stdiocap`). */
static const struct applet *applet_by_link(const char *execfn)
{
	static char path[2][4096];	/* main's own: no relay runs yet */
	const struct applet *a;
	const char *slash;
	int i, cur = 0;
	ssize_t n;
	size_t dir;

	/* memcpy of the measured length: strcpy would add musl's stpcpy */
	if (!execfn || (dir = strlen(execfn)) >= sizeof path[0])
		return NULL;
	memcpy(path[0], execfn, dir + 1);
	for (i = 0; i < 8; i++) {
		a = applet_find(applet_name(path[cur]));
		if (a)
			return a;
		/* a relative link is read from the link's directory */
		slash = strrchr(path[cur], '/');
		dir = slash ? (size_t)(slash - path[cur]) + 1 : 0;
		memcpy(path[!cur], path[cur], dir);
		/* the raw call: musl's readlink() only wraps it */
		n = syscall(SYS_readlinkat, AT_FDCWD, path[cur],
			    path[!cur] + dir, sizeof path[0] - 1 - dir);
		if (n <= 0)
			return NULL;
		if (path[!cur][dir] == '/')
			memmove(path[!cur], path[!cur] + dir, (size_t)n);
		else
			n += (ssize_t)dir;
		path[!cur][n] = 0;
		cur = !cur;
	}
	return NULL;
}

static int say(int fd, const char *s)
{
	return io_write_all(fd, s, strlen(s));
}

static int list(void)
{
	size_t i;

	for (i = 0; i < sizeof applets / sizeof *applets; i++)
		if (say(1, applets[i].name) < 0 || say(1, " ") < 0 ||
		    say(1, applets[i].target) < 0 || say(1, "\n") < 0) {
			msg_sys(errno, "--list");
			return 1;
		}
	return 0;
}

static int multiplexer(int argc, char **argv, char **envp)
{
	const struct applet *a;

	if (argc < 2) {
		say(2, usage);
		return RC_USAGE;
	}
	if (!strcmp(argv[1], "--help"))
		return say(1, usage) < 0 ? 1 : 0;
	if (!strcmp(argv[1], "--list"))
		return list();
	if (read_is_command(argv[1]))
		return read_main(argc - 1, argv + 1);
	if ((ENABLE_CONSOLE_DUMP || ENABLE_READER) && console_is_command(argv[1]))
		return console_main(argc - 1, argv + 1, envp);
	if (argv[1][0] == '-') {
		msg(argv[1], ": unknown option (try --help)");
		return RC_USAGE;
	}
	a = applet_find(argv[1]);
	if (!a) {
		msg(argv[1], ": applet not found");
		return RC_NOTFOUND;
	}
	return wrap_run(a, argv + 1, envp);
}

int main(int argc, char **argv, char **envp)
{
	const struct applet *a;
	const char *name;

	/* execve with an empty argv is legal (Linux 5.18+ passes one empty
	 * string instead); there is no name to run */
	if (argc < 1 || !argv[0] || !argv[0][0]) {
		msg("no argv[0]: cannot tell which applet to run");
		return RC_NOTFOUND;
	}
	name = applet_name(argv[0]);
	if (!strcmp(name, "stdiocap"))
		return multiplexer(argc, argv, envp);
	/* README "Interface": argv[0] may name nothing (`exec -a
	 * custom`); the link the kernel executed still does. argv[0] is
	 * passed on as it is. */
	a = applet_find(name);
	if (!a)
		a = applet_by_link((const char *)getauxval(AT_EXECFN));
	if (!a) {
		msg(name, ": applet not found");
		return RC_NOTFOUND;
	}
	return wrap_run(a, argv, envp);
}
