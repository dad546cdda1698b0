/* install.c - stdiocap --install [-s] [DIR]: links to this binary, one
 * per applet, made on the board itself (BusyBox's --install habit).
 * SPDX-License-Identifier: MIT
 *
 * Without DIR each link goes to the directory of its applet's target
 * (hello=/usr/bin/hello.real gives /usr/bin/hello), as make install's
 * CONFIG_INSTALL_LAYOUT_TARGET does; with DIR all go there. Hard links
 * by default, symbolic ones with -s. A link that would replace its own
 * target (ls=/bin/ls without DIR) is refused: nothing would be left to
 * run. An existing file at a link's place is replaced in one rename, so
 * no moment exists without a program there. doc/stdiocap.1 "--install". */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>	/* rename() only: no stdio streams */
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets.h"
#include "stdiocap.h"

/* The path of this binary: /proc/self/exe, or the absolute path the
 * kernel executed where /proc is not mounted (an early initramfs). */
static int self_path(char *buf, size_t size)
{
	const char *execfn;
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n > 0) {
		buf[n] = 0;
		return 0;
	}
	execfn = (const char *)getauxval(AT_EXECFN);
	if (execfn && execfn[0] == '/' && strlen(execfn) < size) {
		memcpy(buf, execfn, strlen(execfn) + 1);
		return 0;
	}
	errno = ENOENT;
	return -1;
}

/* mkdir -p of path's first len bytes */
static int make_dirs(char *path, size_t len)
{
	size_t i;
	char c;

	for (i = 1; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		c = path[i];
		path[i] = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			path[i] = c;
			return -1;
		}
		path[i] = c;
	}
	return 0;
}

/* dst = a + b + c, or -1 (ENAMETOOLONG) */
static int join(char *dst, size_t size, const char *a, const char *b,
		const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);

	if (la + lb + lc >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dst, a, la);
	memcpy(dst + la, b, lb);
	memcpy(dst + la + lb, c, lc + 1);
	return 0;
}

static int install_one(const char *self, const struct applet *a,
		       const char *dir, int sym)
{
	/* on the stack: only --install uses them, and then briefly */
	char link_path[PATH_MAX], tmp[PATH_MAX], ldir[PATH_MAX];
	const char *slash = strrchr(a->target, '/');
	size_t dlen;
	int r;

	if (dir) {
		dlen = strlen(dir);
		if (dlen >= sizeof ldir) {
			msg_sys(ENAMETOOLONG, dir);
			return -1;
		}
		memcpy(ldir, dir, dlen + 1);
	} else {
		if (!strcmp(slash + 1, a->name)) {
			msg(a->name, "=", a->target,
			    ": the link would replace its own target; not installed");
			return -1;
		}
		dlen = (size_t)(slash - a->target);
		memcpy(ldir, a->target, dlen);
		ldir[dlen] = 0;
	}
	if (join(link_path, sizeof link_path, ldir, "/", a->name) < 0 ||
	    join(tmp, sizeof tmp, ldir, "/.stdiocap-install.", a->name) < 0) {
		msg_sys(errno, ldir, "/", a->name);
		return -1;
	}
	if (dlen && make_dirs(ldir, dlen) < 0) {
		msg_sys(errno, ldir);
		return -1;
	}
	unlink(tmp);
	r = sym ? symlink(self, tmp) : link(self, tmp);
	if (r < 0) {
		msg_sys(errno, link_path, sym ? "" : " (a hard link; -s for a symbolic one)");
		return -1;
	}
	if (rename(tmp, link_path) < 0) {
		msg_sys(errno, link_path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int install_main(int argc, char **argv)
{
	char self[PATH_MAX];
	const struct applet *a;
	const char *dir = NULL;
	int i = 1, sym = 0, rc = 0;
	size_t k;

	if (i < argc && !strcmp(argv[i], "-s")) {
		sym = 1;
		i++;
	}
	if (i < argc && argv[i][0] != '-')
		dir = argv[i++];
	if (i < argc || (dir && !*dir)) {
		msg("--install: ", i < argc ? argv[i] : "\"\"",
		    ": unexpected (usage: --install [-s] [DIR])");
		return RC_USAGE;
	}
	if (self_path(self, sizeof self) < 0) {
		msg_sys(errno, "--install: cannot find this binary's path");
		return 1;
	}
	for (k = 0; (a = applet_at(k)); k++)
		if (install_one(self, a, dir, sym) < 0)
			rc = 1;
	return rc;
}
