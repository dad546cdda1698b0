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
#include "generated/version.h"	/* STDIOCAP_VERSION, STDIOCAP_CONFIG */

static const char usage[] =
	"Usage: stdiocap NAME [ARGS...], or NAME [ARGS...] through a link\n"
	"Runs applet NAME's target, relaying and recording its argv, env,\n"
	"stdin/stdout/stderr and exit status in $STDIO_PCAP (default\n"
	CONFIG_DEFAULT_PCAP ").\n"
	"  --list   one line NAME TARGET per applet\n"
	"  --install [-s] [DIR]   link every applet to this binary: in DIR,\n"
	"     else each in its target's directory; -s: symbolic links\n"
	"  --version   the version and the configuration built in\n"
	"  -h, --help   this text\n"
	USAGE_CONSOLE
	USAGE_READER
	USAGE_RESTORE;

/* Built-in commands other than the readers: all start with '-', which
 * no applet name may (scripts/mkapplets), so none can collide. */
static const char builtins[] = "--list\0--install\0--version\0--help\0";

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

const struct applet *applet_at(size_t i)
{
	return i < sizeof applets / sizeof *applets ? &applets[i] : NULL;
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

/* The version, then what the build chose: "KEY=value" lines of the
 * configuration (include/generated/version.h, from auto.conf), so a
 * board's binary says how it was built. */
static int version(void)
{
	static const char head[] = "stdiocap " STDIOCAP_VERSION "\n";
	char count[16], *p = count + sizeof count;
	size_t n = sizeof applets / sizeof *applets;

	*--p = 0;
	*--p = '\n';
	do
		*--p = (char)('0' + n % 10);
	while (n /= 10);
	if (say(1, head) < 0 || say(1, "applets: ") < 0 || say(1, p) < 0 ||
	    say(1, STDIOCAP_CONFIG) < 0) {
		msg_sys(errno, "--version");
		return 1;
	}
	return 0;
}

/* The built-in command NAME would be with its dashes fixed ("ps",
 * "-ps" for --ps), or NULL: a suggestion for a mistyped command. */
static const char *near_command(const char *name)
{
	static char fixed[32];
	const char *n;
	size_t len;

	while (*name == '-')
		name++;
	len = strlen(name);
	if (!len || len > sizeof fixed - 3)
		return NULL;
	fixed[0] = fixed[1] = '-';
	memcpy(fixed + 2, name, len + 1);
	if (read_is_command(fixed) || console_is_command(fixed))
		return fixed;
	for (n = builtins; *n; n += strlen(n) + 1)
		if (!strcmp(n, fixed))
			return fixed;
	return NULL;
}

static int multiplexer(int argc, char **argv, char **envp)
{
	const struct applet *a;
	const char *near;

	if (argc < 2) {
		say(2, usage);
		return RC_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return say(1, usage) < 0 ? 1 : 0;
	if (!strcmp(argv[1], "--list"))
		return list();
	if (!strcmp(argv[1], "--version"))
		return version();
	if (!strcmp(argv[1], "--install"))
		return install_main(argc - 1, argv + 1);
	if (read_is_command(argv[1]))
		return read_main(argc - 1, argv + 1);
	if ((ENABLE_CONSOLE_DUMP || ENABLE_READER) && console_is_command(argv[1]))
		return console_main(argc - 1, argv + 1, envp);
	near = near_command(argv[1]);
	if (argv[1][0] == '-') {
		if (near)
			msg(argv[1], ": unknown option; did you mean ", near,
			    "?");
		else
			msg(argv[1], ": unknown option (try --help)");
		return RC_USAGE;
	}
	a = applet_find(argv[1]);
	if (!a) {
		/* doc/stdiocap.1 DESCRIPTION: still one line and 127, but a
		 * reader's name without its dashes points at it */
		if (near)
			msg(argv[1], ": applet not found; did you mean ", near,
			    "?");
		else
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
	/* doc/stdiocap.1 DESCRIPTION: argv[0] may name nothing (`exec -a
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
