/* wrap.c - the policy of one wrapped run: capture or fail open, spawn,
 * relay, record the exit, end like the child.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets.h"
#include "stdiocap.h"

/* doc/stdiocap.1 EXIT STATUS (126): a target that is this very binary would
 * fork forever. This binary is found through the path the kernel was
 * asked to execute (AT_EXECFN), else through /proc/self/exe (a path
 * gone since, or an fexecve): a plain path is looked up in half the time
 * of /proc's link, on every run. *self is what this binary is (lineage.c
 * needs it too), or st_ino 0 if unknown. */
static int target_is_self(const char *target, struct stat *self)
{
	struct stat t;
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	int have = (execfn && io_stat(execfn, self) == 0) ||
		   io_stat("/proc/self/exe", self) == 0;

	if (!have)
		self->st_ino = 0;
	return have && io_stat(target, &t) == 0 &&
	       t.st_dev == self->st_dev && t.st_ino == self->st_ino;
}

static const char *refusal_text(enum capfile_refusal why)
{
	switch (why) {
	case CAPFILE_NOT_REGULAR:
		return "not a regular file";
	case CAPFILE_NOT_OURS:
		return "not a capture written by stdiocap";
	case CAPFILE_STICKY_SYMLINK:
		return "symlink in a sticky world-writable directory";
	case CAPFILE_STICKY_OWNER:
		return "another user's file in a sticky world-writable directory";
	case CAPFILE_STICKY_LINKS:
		return "a file with more than one hard link in a sticky "
		       "world-writable directory";
	case CAPFILE_IS_STDIO:
		return "is this program's own stdout or stderr";
	case CAPFILE_LOCK_TIMEOUT:
		return "lock held by another process for over CONFIG_LOCK_TIMEOUT_MS";
	case CAPFILE_KEEP_FREE:
		return "its filesystem is down to CONFIG_KEEP_FREE_PERCENT free";
	case CAPFILE_MAX_USE:
		return "it fills CONFIG_MAX_USE_PERCENT of its filesystem";
	default:
		return "unknown reason";
	}
}

static int exec_direct(const char *target, char **argv, char **envp)
{
	execve(target, argv, envp);
	msg_sys(errno, target);
	return spawn_exec_rc(errno);
}

/* doc/safety.md, fail open: every path on which
 * capturing turns out to be impossible ends here, and only here the configuration decides: say
 * why (err, or the text why), then run the target uncaptured, or refuse
 * (CONFIG_FAIL_CLOSED). */
static int uncaptured(const struct applet *a, char **argv, char **envp,
		      const char *path, int err, const char *why)
{
	const char *lead = ENABLE_FAIL_CLOSED ? "refusing to run uncaptured: " :
						"not capturing: ";

	if (ENABLE_FAIL_CLOSED || ENABLE_FAIL_OPEN_NOTICE) {
		if (why)
			msg(lead, path, ": ", why);
		else
			msg_sys(err, lead, path);
	}
	if (ENABLE_FAIL_CLOSED)
		return RC_NOEXEC;
	return exec_direct(a->target, argv, envp);
}

static void capture_lost(int err, const struct capfile *cf)
{
	if (cf->over_cap)
		msg("capture stopped: ", cf->path,
		    ": size cap CONFIG_PCAP_MAX_BYTES reached");
	else if (cf->why)
		msg("capture stopped: ", cf->path, ": ", refusal_text(cf->why));
	else
		msg_sys(err, "capture stopped: ", cf->path);
}

/* How a shell started with argv decides whether it is interactive
 * (POSIX sh, "Options": -i, or no -c and no script operand with a
 * terminal on stdin; bash, dash and BusyBox ash agree): SHELL_FORCED
 * for -i, SHELL_IF_TTY when it will be with a terminal stdin, else
 * SHELL_NOT (sh -c, sh SCRIPT). */
enum { SHELL_NOT, SHELL_IF_TTY, SHELL_FORCED };

static int shell_mode(char **argv)
{
	char **a = argv + 1;
	const char *p;
	int cmd = 0, forced = 0, from_stdin = 0;

	for (; *a && (**a == '-' || **a == '+'); a++) {
		p = *a;
		/* "-" and "--" end the options */
		if (!p[1] || (p[1] == '-' && !p[2])) {
			a++;
			break;
		}
		/* bash's long options (--norc); one that takes an argument
		 * (--rcfile F) makes F look like a script: captured as any */
		if (p[1] == '-')
			continue;
		for (p++; *p; p++) {
			if (*p == 'c')
				cmd = 1;
			else if (*p == 'i' && **a == '-')
				forced = 1;
			else if (*p == 's')
				from_stdin = 1;
			else if ((*p == 'o' || *p == 'O') && a[1]) {
				a++;	/* -o NAME */
				break;
			}
		}
	}
	if (forced)
		return SHELL_FORCED;
	return cmd || (*a && !from_stdin) ? SHELL_NOT : SHELL_IF_TTY;
}

/* doc/configuration.md "Terminals": what the child inherits rather than
 * relayed. A
 * shell (CONFIG_SHELLS) that will be interactive is an interactive
 * applet: at a console it must prompt, edit lines and survive ^C as
 * bare. Regular files too (doc/capture-format.md §4.1), except as PID 1,
 * whose relay is not the target's parent and cannot tell when it is
 * done. */
static int relay_flags(const struct applet *a, char **argv, pid_t self)
{
	int shell = a->flags & APPLET_SHELL ? shell_mode(argv) : SHELL_NOT;

	return (a->flags & APPLET_STDIN_PASSTHROUGH ? RELAY_STDIN_OWN : 0) |
	       (a->flags & APPLET_INTERACTIVE || shell == SHELL_FORCED ?
		RELAY_INTERACTIVE : 0) |
	       (shell == SHELL_IF_TTY ? RELAY_SHELL : 0) |
	       (ENABLE_TTY_INTERPOSE ? RELAY_TTY_INTERPOSE : 0) |
	       (ENABLE_FILE_TAP && self != 1 ? RELAY_FILES : 0);
}

/* The execve records, written by the vfork child before execve (spawn.c
 * before_exec): in the file before the target runs, hence before
 * anything it runs (doc/capture-format.md §3.3). The child shares our memory:
 * err comes back in it. */
struct exec_note {
	struct capfile *cf;
	char **argv, **envp;
	int err;
};

/* The execve records to the file, or to a collector (doc/network.md). */
static int append_execve(struct capfile *cf, uint32_t pid, char **argv,
			 char **envp)
{
	if (ENABLE_NET_SINK && cf->sink)
		return netsink_execve(cf, pid, argv, envp);
	return capfile_append_execve(cf, pid, argv, envp);
}

static void note_execve(void *ctx)
{
	struct exec_note *n = ctx;

	if (append_execve(n->cf, getpid(), n->argv, n->envp) < 0)
		n->err = errno;
}

/* How many records (of at most piece bytes) the execve blob took: the
 * sequence numbers the vfork child spent. Counted again here because
 * where vfork is a fork (qemu-user) the child's count never comes back
 * (doc/capture-format.md §3.5). */
static uint16_t execve_records(char **argv, char **envp, size_t piece)
{
	size_t len = 2, n = 0, r, left;	/* the two terminators */
	char **l;

	for (l = argv; *l; l++)
		len += strlen(*l) + 1;
	for (l = envp; *l; l++)
		len += strlen(*l) + 1;
	/* by subtraction: a division by piece would bring libgcc's on
	 * 32-bit ARM */
	for (; len; len -= r) {
		r = len < FRAME_PAYLOAD_MAX ? len : FRAME_PAYLOAD_MAX;
		for (left = r; left; left -= left < piece ? left : piece)
			n++;
	}
	return (uint16_t)n;
}

/* doc/stdiocap.1 "PID 1": init must stay PID 1, so the relay moves into a
 * child and the target is executed here. There is no exit record. */
static int wrap_pid1(const struct applet *a, char **argv, char **envp,
		     struct capfile *cf, const enum spawn_fd mode[3], int tty_in,
		     const struct tap tap[3])
{
	static const int ignore[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM,
				      SIGUSR1, SIGUSR2, SIGPIPE, SIGXFSZ };
	struct relay_end end;
	struct spawn sp;
	size_t i;
	int r;

	/* Written by PID 1 itself, before the relay exists: init runs other
	 * wrapped programs at once, and its own records must come first. */
	r = append_execve(cf, 1, argv, envp) < 0 ? -1 :
	    spawn_relay(&sp, mode);
	if (r < 0) {
		int err = errno;

		capfile_close(cf);
		return uncaptured(a, argv, envp, cf->path, err, NULL);
	}
	if (r > 0) {
		capfile_close(cf);
		return exec_direct(a->target, argv, envp);
	}
	/* The relay outlives a shutdown's kill -TERM -1 as long as it can,
	 * so init's last words are still relayed. */
	for (i = 0; i < sizeof ignore / sizeof *ignore; i++)
		sig_disposition(ignore[i], SIG_IGN);
	relay_run(relay_init(&sp, tty_in, tap, cf, -1, NULL), capture_lost, &end);
	_exit(0);
}

/* getenv("STDIO_PCAP") over envp, which is the environment: musl's
 * getenv would bring strchrnul and strncmp (about 450 bytes). */
static const char *pcap_env(char **envp)
{
	static const char name[] = "STDIO_PCAP=";
	size_t i;

	for (; *envp; envp++) {
		for (i = 0; name[i] && (*envp)[i] == name[i]; i++)
			;
		if (!name[i])
			return *envp + i;
	}
	return NULL;
}

int wrap_run(const struct applet *a, char **argv, char **envp)
{
	const char *path = pcap_env(envp);
	enum capfile_refusal why;
	enum spawn_fd mode[3];
	struct relay_end end;
	struct sig_state ss;
	struct capfile cf;
	struct exec_note note;
	struct spawn sp;
	struct stat exe;
	struct tap tap[3];
	pid_t self = getpid();
	int sigfd, tty_in;

	if (target_is_self(a->target, &exe)) {
		msg(a->target, ": is stdiocap itself; refusing to run it");
		return RC_NOEXEC;
	}
	if (!path || !*path)
		path = CONFIG_DEFAULT_PCAP;
	tty_in = relay_plan(mode, relay_flags(a, argv, self), tap);

	if (ENABLE_NET_SINK && netsink_is_url(path)) {
		/* doc/network.md: a collector instead of a file */
		if (netsink_open(&cf, path, CONFIG_NET_PAYLOAD_MAX) < 0)
			return uncaptured(a, argv, envp, path, errno,
					  errno != EINVAL ? NULL :
					  "not udp://IPv4[:PORT] or udp://[IPv6][:PORT]");
	} else if (capfile_open(&cf, path, CONFIG_PCAP_MAX_BYTES,
				CONFIG_LOCK_TIMEOUT_MS, &why) < 0 ||
		   capfile_set_floor(&cf, CONFIG_KEEP_FREE_PERCENT,
				     CONFIG_MAX_USE_PERCENT, &why) < 0)
		return uncaptured(a, argv, envp, path, errno,
				  why == CAPFILE_SYSCALL ? NULL :
				  refusal_text(why));
	cf.ppid = lineage_parent(cf.fd, self, exe.st_ino ? &exe : NULL);
	if (self == 1)
		return wrap_pid1(a, argv, envp, &cf, mode, tty_in, tap);

	sigfd = sig_takeover(&ss);
	note.cf = &cf;
	note.argv = argv;
	note.envp = envp;
	note.err = 0;
	sp.before_exec = note_execve;
	sp.before_exec_ctx = &note;
	if (sigfd < 0 || spawn_child(&sp, a->target, argv, envp, mode, &ss) < 0) {
		int err = errno;

		capfile_close(&cf);
		if (sigfd >= 0)
			sig_restore(&ss);
		return uncaptured(a, argv, envp, path, err, NULL);
	}
	cf.seq = execve_records(argv, envp, ENABLE_NET_SINK && cf.sink ?
				cf.sink_payload : FRAME_PAYLOAD_MAX);
	if (note.err) {
		capture_lost(note.err, &cf);
		capfile_close(&cf);
	}
	if (sp.exec_errno)
		msg_sys(sp.exec_errno, a->target);
	if (relay_run(relay_init(&sp, tty_in, tap, &cf, sigfd, &ss), capture_lost, &end) < 0)
		msg_sys(errno, "relay");
	if (cf.fd >= 0 && capfile_append_exit(&cf, sp.pid, end.status) < 0)
		capture_lost(errno, &cf);
	/* doc/stdiocap.1 EXIT STATUS: a failed write to the caller is never
	 * silent */
	if (end.write_errno) {
		msg_sys(end.write_errno, "write error");
		if (WIFEXITED(end.status) && WEXITSTATUS(end.status) == 0)
			end.status = 1 << 8;
	}
	sig_end_like(end.status);
}
