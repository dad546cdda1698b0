/* capwalk_test.c - every refusal of the capture file's path walk
 * (libstdiocap/capwalk.c; doc/stdiocap.1 SECURITY), tried
 * on a temporary directory tree of its own.
 * SPDX-License-Identifier: MIT
 *
 * The tree lives in a mkdtemp directory under /tmp; "sticky" in it is a
 * world-writable sticky directory like /tmp itself. Each refusal is
 * checked for its reason and for having left nothing behind; each rule
 * that holds only in sticky directories is checked not to refuse
 * elsewhere. Checks needing root (another owner) print SKIP otherwise.
 * Prints one PASS:/FAIL:/SKIP: line per assertion. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	return fd < 0 ? -1 : close(fd);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* capwalk_open(path): the refusal (CAPFILE_OK when it opened) and the
 * errno of a CAPFILE_SYSCALL one. In a child an alarm kills, so an open
 * that would hang fails the check instead of the run. */
static enum capfile_refusal try_open(const char *path, int *err)
{
	int pfd[2], fd, status;
	enum capfile_refusal why;
	int res[2] = { -1, 0 };
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		alarm(5);
		fd = capwalk_open(path, &why);
		res[0] = fd >= 0 ? CAPFILE_OK : (int)why;
		res[1] = fd >= 0 ? 0 : errno;
		if (fd >= 0 && (fd < 3 || !(fcntl(fd, F_GETFD) & FD_CLOEXEC)))
			res[0] = -2;
		_exit(write(pfd[1], res, sizeof res) == sizeof res ? 0 : 1);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], res, sizeof res) != sizeof res)
		res[0] = -1;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	*err = res[1];
	return (enum capfile_refusal)res[0];
}

static void refused(const char *path, enum capfile_refusal want,
		    const char *name)
{
	int err;
	enum capfile_refusal got = try_open(path, &err);

	if (got != want)
		printf("      got refusal %d (errno %d), want %d\n", (int)got,
		       err, (int)want);
	unit_result(got == want, name);
}

static void refused_errno(const char *path, int want, const char *name)
{
	int err;
	enum capfile_refusal got = try_open(path, &err);

	if (got != CAPFILE_SYSCALL || err != want)
		printf("      got refusal %d errno %d (%s), want errno %d\n",
		       (int)got, err, strerror(err), want);
	unit_result(got == CAPFILE_SYSCALL && err == want, name);
}

/* A sticky world-writable directory and a plain one, side by side. */
static int tree(void)
{
	return mkdir(unit_path("sticky"), 0700) < 0 ||
	       chmod(unit_path("sticky"), 01777) < 0 ||
	       mkdir(unit_path("plain"), 0700) < 0 ||
	       mkdir(unit_path("elsewhere"), 0700) < 0 ? -1 : 0;
}

static void test_sticky_symlinks(void)
{
	symlink(unit_path("sticky/own.pcap"), unit_path("sticky/link.pcap"));
	touch(unit_path("sticky/own.pcap"));
	refused(unit_path("sticky/link.pcap"), CAPFILE_STICKY_SYMLINK,
		"a symlink to our own file in a sticky dir is refused");
	symlink(unit_path("elsewhere/new.pcap"), unit_path("sticky/dangling.pcap"));
	refused(unit_path("sticky/dangling.pcap"), CAPFILE_STICKY_SYMLINK,
		"a dangling symlink in a sticky dir is refused");
	unit_result(!exists(unit_path("elsewhere/new.pcap")),
		    "... and creates nothing where it points");
	/* a directory of the path that is a symlink in the sticky dir: what
	 * an attacker swaps in for a directory */
	symlink(unit_path("elsewhere"), unit_path("sticky/sub"));
	refused(unit_path("sticky/sub/cap.pcap"), CAPFILE_STICKY_SYMLINK,
		"a symlinked directory component in a sticky dir is refused");
	unit_result(!exists(unit_path("elsewhere/cap.pcap")),
		    "... and nothing is created behind it");
	/* the same link outside a sticky dir is followed */
	symlink(unit_path("elsewhere"), unit_path("plain/sub"));
	refused(unit_path("plain/sub/cap.pcap"), CAPFILE_OK,
		"a symlinked directory outside a sticky dir is followed");
	unit_result(exists(unit_path("elsewhere/cap.pcap")),
		    "... and the file is created where it points");
	symlink("../elsewhere/cap.pcap", unit_path("plain/rel.pcap"));
	refused(unit_path("plain/rel.pcap"), CAPFILE_OK,
		"a relative symlink to a file outside a sticky dir is followed");
}

static void test_links(void)
{
	touch(unit_path("sticky/one.pcap"));
	link(unit_path("sticky/one.pcap"), unit_path("sticky/two.pcap"));
	refused(unit_path("sticky/two.pcap"), CAPFILE_STICKY_LINKS,
		"a file with two hard links in a sticky dir is refused");
	touch(unit_path("plain/one.pcap"));
	link(unit_path("plain/one.pcap"), unit_path("plain/two.pcap"));
	refused(unit_path("plain/two.pcap"), CAPFILE_OK,
		"a file with two hard links outside a sticky dir is accepted");
}

static void test_owner(void)
{
	if (geteuid() != 0) {
		printf("SKIP: capwalk: another user's file in a sticky dir is refused (needs root to chown)\n");
		return;
	}
	touch(unit_path("sticky/theirs.pcap"));
	chown(unit_path("sticky/theirs.pcap"), 65534, 65534);
	refused(unit_path("sticky/theirs.pcap"), CAPFILE_STICKY_OWNER,
		"another user's file in a sticky dir is refused");
	touch(unit_path("plain/theirs.pcap"));
	chown(unit_path("plain/theirs.pcap"), 65534, 65534);
	refused(unit_path("plain/theirs.pcap"), CAPFILE_OK,
		"another user's file outside a sticky dir is accepted (mode permitting)");
}

static void test_not_regular(void)
{
	mkfifo(unit_path("sticky/fifo"), 0600);
	refused(unit_path("sticky/fifo"), CAPFILE_NOT_REGULAR,
		"a FIFO is refused, without hanging in open");
	mkfifo(unit_path("plain/fifo"), 0600);
	refused(unit_path("plain/fifo"), CAPFILE_NOT_REGULAR,
		"a FIFO outside a sticky dir is refused too");
	refused("/dev/null", CAPFILE_NOT_REGULAR, "a device is refused");
	refused(unit_path("plain"), CAPFILE_NOT_REGULAR, "a directory is refused");
	refused(unit_path("plain/"), CAPFILE_NOT_REGULAR,
		"a directory named with a trailing slash is refused");
	refused_errno("/", EISDIR, "the root directory: EISDIR");
	symlink("/dev/null", unit_path("plain/null.pcap"));
	refused(unit_path("plain/null.pcap"), CAPFILE_NOT_REGULAR,
		"a symlink to a device is refused as a device");
}

static void test_syscall_errors(void)
{
	char longname[PATH_MAX + 16];

	refused_errno(unit_path("missing/cap.pcap"), ENOENT,
		      "a missing directory: ENOENT");
	touch(unit_path("plain/file"));
	refused_errno(unit_path("plain/file/cap.pcap"), ENOTDIR,
		      "a file used as a directory: ENOTDIR");
	symlink("loop2", unit_path("plain/loop1"));
	symlink("loop1", unit_path("plain/loop2"));
	refused_errno(unit_path("plain/loop1"), ELOOP, "a symlink loop: ELOOP");
	memset(longname, 'a', sizeof longname - 1);
	longname[0] = '/';
	longname[sizeof longname - 1] = 0;
	refused_errno(longname, ENAMETOOLONG,
		      "a path longer than PATH_MAX: ENAMETOOLONG");
	memset(longname, 'b', NAME_MAX + 1);
	longname[NAME_MAX + 1] = 0;
	refused_errno(longname, ENAMETOOLONG,
		      "a component longer than NAME_MAX: ENAMETOOLONG");
}

/* The capture path is the wrapper's own stdout, or its stderr under
 * another name of the same file (a hard link): refused. */
static void test_stdio(void)
{
	static const char *const bound[3] = { NULL, "plain/out", "plain/out2" };
	int fd, i, err, saved;
	enum capfile_refusal got;
	char name[96];

	touch(unit_path("plain/out"));
	link(unit_path("plain/out"), unit_path("plain/out2"));
	for (i = 1; i <= 2; i++) {
		fflush(stdout);
		saved = dup(i);
		fd = open(unit_path(bound[i]), O_WRONLY);
		dup2(fd, i);
		close(fd);
		got = try_open(unit_path("plain/out"), &err);
		dup2(saved, i);
		close(saved);
		snprintf(name, sizeof name, "the wrapper's own %s is refused",
			 i == 1 ? "stdout" : "stderr (opened by another name)");
		unit_result(got == CAPFILE_IS_STDIO, name);
	}
}

/* The attack the one-step walk exists for: a directory of the path
 * swapped with a symlink to elsewhere, back and forth, while the
 * capture is opened again and again. Whatever the timing, nothing is
 * ever created or opened behind the symlink. */
static void test_swap_race(void)
{
	const char *d = unit_path("sticky/d"), *l = unit_path("sticky/l");
	int i, err, opened = 0, refusals = 0, ok = 1;
	enum capfile_refusal got;
	pid_t pid;

#ifndef SYS_renameat2
	printf("SKIP: capwalk: a directory swapped for a symlink (no renameat2)\n");
	return;
#else
	mkdir(unit_path("target"), 0700);
	mkdir(d, 0700);
	symlink(unit_path("target"), l);
	pid = fork();
	if (pid == 0) {
		for (;;)	/* RENAME_EXCHANGE: atomic swap of d and l */
			syscall(SYS_renameat2, AT_FDCWD, d, AT_FDCWD, l, 2);
	}
	for (i = 0; i < 2000 && pid > 0; i++) {
		got = try_open(unit_path("sticky/d/cap.pcap"), &err);
		if (got == CAPFILE_OK)
			opened++;
		else if (got == CAPFILE_STICKY_SYMLINK || got == CAPFILE_NOT_REGULAR ||
			 (got == CAPFILE_SYSCALL && (err == ENOENT || err == ENOTDIR)))
			refusals++;
		else
			ok = 0;
		if (exists(unit_path("target/cap.pcap")))
			break;
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (syscall(SYS_renameat2, AT_FDCWD, d, AT_FDCWD, l, 2) < 0 &&
	    errno == ENOSYS) {
		printf("SKIP: capwalk: a directory swapped for a symlink (kernel without renameat2)\n");
		return;
	}
	/* the counts vary from run to run: said only on a failure, so the
	 * output stays the same under qemu (tests/cross.test compares it) */
	if (!ok || exists(unit_path("target/cap.pcap")) || !refusals)
		printf("      %d opened in the real directory, %d refused\n",
		       opened, refusals);
	unit_result(ok && !exists(unit_path("target/cap.pcap")) && refusals > 0,
		    "a directory swapped for a symlink 2000 times during opens: nothing created behind it");
#endif
}

int main(void)
{
	if (unit_begin("capwalk", 1) < 0 || tree() < 0) {
		perror("capwalk_test: set up");
		return 1;
	}
	refused(unit_path("plain/new.pcap"), CAPFILE_OK,
		"a new file in a plain dir is created");
	refused(unit_path("sticky/new.pcap"), CAPFILE_OK,
		"a new file of our own in a sticky dir is created");
	refused(unit_path("sticky/new.pcap"), CAPFILE_OK,
		"our own existing file in a sticky dir is opened");
	test_sticky_symlinks();
	test_links();
	test_owner();
	test_not_regular();
	test_syscall_errors();
	test_stdio();
	test_swap_race();
	unit_end();
	return 0;
}
