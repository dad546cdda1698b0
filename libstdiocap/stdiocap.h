/* stdiocap.h - the capture engine's public interface, one section per file.
 * SPDX-License-Identifier: MIT
 *
 * Nothing here prints or exits: functions return -1 with errno set (or
 * the documented value) and the caller in applets/ decides. */
#ifndef STDIOCAP_H
#define STDIOCAP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>

/* ---- frame.c: the capture format, both directions
 * (doc/capture-format.md); no system calls. Nothing else knows an
 * offset of it. */

enum {
	FRAME_GLOBAL_LEN = 24,	/* pcap global header */
	FRAME_PCAP_LEN = 16,	/* pcap record header */
	FRAME_RECORD_LEN = 58,	/* record header 16 + Ethernet 14 + IPv4 20 + UDP 8 */
	FRAME_PAYLOAD_MAX = 8192,
	FRAME_EXIT_LEN = 4,	/* the exit payload */
};

enum frame_event {
	EVENT_STDIN = 0,
	EVENT_STDOUT = 1,
	EVENT_STDERR = 2,
	EVENT_EXECVE = 3,
	EVENT_EXIT = 4,
};

/* What is wrong with a capture (the decoders, capread.c); values carried
 * in a uint32_t val where noted. */
enum capread_error {
	CAPREAD_OK = 0,
	CAPREAD_SYSCALL,	/* read(2) failed: val is its errno */
	CAPREAD_EMPTY,		/* not one byte of input */
	CAPREAD_SHORT,		/* input ends inside the global header or a
				 * record: have of val bytes. More input may
				 * still come (a wrapper is appending): calling
				 * capread_next again reads on from there. */
	CAPREAD_PCAPNG,		/* a pcapng file */
	CAPREAD_NOT_PCAP,	/* no pcap magic at all */
	CAPREAD_SWAPPED,	/* a big-endian pcap */
	CAPREAD_NANOSEC,	/* a nanosecond pcap */
	CAPREAD_VERSION,	/* pcap version other than 2.4 */
	CAPREAD_LINKTYPE,	/* val: the link type, not 1 (Ethernet) */
	CAPREAD_LENGTH,		/* val: incl_len outside 42..42+8192 */
	CAPREAD_SNAPPED,	/* val: orig_len, not equal to incl_len */
	CAPREAD_USEC,		/* val: ts_usec >= 1000000 */
	CAPREAD_FRAME,		/* not a stdiocap Ethernet/IPv4/UDP frame */
	CAPREAD_EVENT,		/* val: the UDP destination port, over 4 */
	CAPREAD_EXIT,		/* val: exit payload length, not 4 */
	CAPREAD_CUT,		/* val: the record's length; it is cut short
				 * by a valid record inside it (a torn write
				 * followed by other writers' records) */
};

/* The 24-byte global header, little-endian on every host. */
void frame_global_header(unsigned char out[FRAME_GLOBAL_LEN]);

/* 1 if the first 24 bytes are a header this tool writes (LE microsecond
 * magic, version 2.4, link type 1; other fields not compared), else 0. */
int frame_global_header_valid(const unsigned char in[FRAME_GLOBAL_LEN]);

/* CAPREAD_OK for such a header, else what it is instead (CAPREAD_PCAPNG,
 * _SWAPPED, _NANOSEC, _VERSION, _LINKTYPE, _NOT_PCAP); *val is the link
 * type. */
enum capread_error frame_global_header_error(const unsigned char in[FRAME_GLOBAL_LEN],
					     uint32_t *val);

/* The fields of one record header. */
struct frame_head {
	uint32_t sec, usec;	/* wall clock, usec < 1000000 */
	uint32_t pid;		/* the full pid: IPv4 source 10.A.B.C */
	uint32_t ppid;		/* who ran it: IPv4 destination 10.D.E.F
				 * (doc/capture-format.md §3.3); 0 for PID 1 */
	enum frame_event event;	/* the UDP destination port */
	size_t len;		/* payload bytes, <= FRAME_PAYLOAD_MAX */
	uint16_t seq;		/* the IPv4 identification: this process's
				 * record number, mod 65536
				 * (doc/capture-format.md §3.5) */
};

/* The 58 bytes that precede a payload of h->len bytes: pcap record
 * header, Ethernet, IPv4 from 10.pid to 10.ppid, UDP from port
 * pid & 0xffff to port event. */
void frame_record_header(unsigned char out[FRAME_RECORD_LEN],
			 const struct frame_head *h);

/* Decoding is strict: only what frame_record_header writes is accepted.
 * frame_decode_pcap checks the 16-byte pcap record header (lengths,
 * usec) and sets h->sec, usec, len; frame_decode_net then checks the 42
 * bytes behind it for that len and sets pid, ppid, event; frame_decode
 * does both. CAPREAD_OK, else CAPREAD_LENGTH, _SNAPPED, _USEC, _FRAME,
 * _EVENT or _EXIT with *val as enum capread_error says. */
enum capread_error frame_decode_pcap(const unsigned char in[FRAME_PCAP_LEN],
				     struct frame_head *h, uint32_t *val);
enum capread_error frame_decode_net(const unsigned char in[FRAME_RECORD_LEN],
				    struct frame_head *h, uint32_t *val);
enum capread_error frame_decode(const unsigned char in[FRAME_RECORD_LEN],
				struct frame_head *h, uint32_t *val);

/* The IPv4 header checksum of len bytes (ones' complement of the sum). */
uint16_t frame_ip_checksum(const unsigned char *p, size_t len);

/* The exit payload: the raw wait status, big-endian. */
void frame_exit_encode(unsigned char out[FRAME_EXIT_LEN], int status);
uint32_t frame_exit_decode(const unsigned char in[FRAME_EXIT_LEN]);

/* Encoding the execve blob "argv0\0...\0\0env0\0...\0\0" payload by
 * payload, without building it whole. Async-signal-safe (a vfork child
 * may use it). */
struct frame_blob {
	char *const *list[2];	/* argv, envp (NULL: empty) */
	int part;		/* 2 once both terminators are out */
	size_t arg, pos;	/* where the last payload stopped */
};
void frame_blob_init(struct frame_blob *b, char *const argv[],
		     char *const envp[]);
/* The next at most FRAME_PAYLOAD_MAX bytes into buf; 0 once all is out
 * (the first call never returns 0: the blob has at least 2 bytes). */
size_t frame_blob_next(struct frame_blob *b, unsigned char *buf);

/* Decoding the blob as it streams in: feed one instance's dport-3
 * payloads in file order. An empty argument makes the split ambiguous
 * (doc/capture-format.md §5): argv ends at the last empty item after which
 * every item holds '=', else at the first empty item (the rule of
 * tests/pcapcheck.py). */
struct frame_split {
	uint32_t len;		/* bytes fed */
	/* offsets just past an empty item's NUL: the first one, the latest
	 * one, the one before the latest */
	uint32_t first_end, last_end, snap_end;
	unsigned char last_ok, snap_ok;	/* later items all hold '=' */
	unsigned char eq;	/* the current item holds '=' */
	unsigned char terms;	/* empty items seen (2: env may end) */
	unsigned char nul;	/* the last byte ended an item (or none yet) */
	unsigned char empty;	/* ... and that item was empty */
};
void frame_split_init(struct frame_split *s);
void frame_split_feed(struct frame_split *s, const unsigned char *p,
		      size_t n);
/* 1 if what was fed can be a whole blob: it ends with the environment's
 * terminator (an empty item after at least one other). */
int frame_split_done(const struct frame_split *s);
/* Bytes of argv, its terminator included (a blob of n arguments...\0\0
 * splits at argv_len): by the rule above once done, before that the
 * first empty item; 0 while no empty item was fed. */
size_t frame_split_argv_len(const struct frame_split *s);

/* ---- io.c: system-call wrappers that retry EINTR and finish short writes */

ssize_t io_read(int fd, void *buf, size_t len);
/* Writes all len bytes to a blocking fd; -1 on error (errno kept). */
int io_write_all(int fd, const void *buf, size_t len);
/* Closes fd keeping errno. */
void io_close(int fd);
/* Moves fd to the lowest free number >= 3, close-on-exec; returns it. */
int io_move_high(int fd);
/* fcntl(fd, cmd, arg) for commands with an int argument or none
 * (F_GETFL, F_SETFL, F_DUPFD_CLOEXEC, F_GETPIPE_SZ). */
int io_fcntl(int fd, int cmd, int arg);
/* fstat and stat (struct stat from <sys/stat.h>). */
struct stat;
int io_fstat(int fd, struct stat *st);
int io_stat(const char *path, struct stat *st);
/* openat(dirfd, path, flags, mode). */
int io_openat(int dirfd, const char *path, int flags, int mode);
/* ioctl(fd, request, value) for requests that read one int (FIONREAD,
 * TIOCGPGRP); 0, or -1 with errno. */
int io_ioctl_int(int fd, unsigned long request, int *value);
/* clock_gettime(clock, ts) (struct timespec from <time.h>). */
struct timespec;
int io_clock(int clock, struct timespec *ts);

/* ---- capfile.c: the shared capture file (doc/safety.md;
 * doc/capture-format.md §7, §8) */

/* Why capfile_open refused a file or capturing stopped, when errno
 * alone would not say. */
enum capfile_refusal {
	CAPFILE_OK = 0,
	CAPFILE_SYSCALL,	/* errno says it */
	CAPFILE_NOT_REGULAR,	/* a FIFO, device, directory... */
	CAPFILE_NOT_OURS,	/* non-empty and not our pcap header */
	CAPFILE_STICKY_SYMLINK,	/* symlink in a world-writable sticky dir */
	CAPFILE_STICKY_OWNER,	/* other user's file in a sticky dir */
	CAPFILE_STICKY_LINKS,	/* a file with hard links in a sticky dir */
	CAPFILE_IS_STDIO,	/* the wrapper's own stdout or stderr */
	CAPFILE_LOCK_TIMEOUT,	/* lock held by another for over lock_ms */
	CAPFILE_KEEP_FREE,	/* its filesystem would fall below the floor */
	CAPFILE_MAX_USE,	/* it would pass its share of the filesystem */
};

struct capfile_record;
struct capfile {
	int fd;			/* -1 once capturing stopped */
	const char *path;	/* for messages */
	off_t max_bytes;	/* 0: no cap */
	int over_cap;		/* 1 once an append was refused by the cap */
	/* the free-space floor and largest share of the filesystem, in
	 * percent (0: none), and the bytes that may be appended before the
	 * filesystem is looked at again (capfile_set_floor) */
	int keep_free_pct, max_use_pct;
	off_t room;
	enum capfile_refusal why;	/* set when an append failed on a rule */
	uint32_t ppid;		/* the records' lineage
				 * (doc/capture-format.md §3.3), 0 after
				 * capfile_open: the caller sets it */
	int lock_ms;		/* the longest wait for the lock */
	off_t end;		/* where our last append ended; -1: unknown */
	unsigned stamps;	/* records stamped by system call (capfile.c) */
	/* the walk of a suspect tail at open (capfile.c): its state, the
	 * file's size when the walk was found due, and the cut it found,
	 * made while the file still has walk_size bytes and no whole
	 * record starts at the cut (0: none) */
	int walk;
	uint32_t walk_since;
	off_t walk_size, walk_cut;
	/* the execve blob written by capfile_append_execve: written again
	 * before the next records when the file is found emptied */
	char *const *argv, *const *envp;
	/* While waiting for the lock: waits up to ms for fd to be
	 * readable, serving the relay's signals meanwhile; > 0 once fd is
	 * readable, 0 if not (yet), -1 with errno. NULL: poll fd. */
	int (*wait)(void *ctx, int fd, int ms);
	void *wait_ctx;
	uint16_t seq;		/* the next record's sequence number
				 * (doc/capture-format.md §3.5) */
	/* Another destination (netsink.c): when set, every record that
	 * capfile_append gets goes to sink instead of the file, and fd is
	 * the sink's socket (its execve records: netsink_execve). */
	int (*sink)(struct capfile *cf, uint32_t pid,
		    struct capfile_record *rec, size_t n);
	size_t sink_payload;	/* the sink's largest payload */
};

/* Opens path (creating 0600) with the checks of doc/safety.md made on
 * what is opened, in one walk; validates or initialises it under the
 * lock, waiting for it at most lock_ms. Returns 0, or -1 with *why
 * saying which rule refused it (CAPFILE_SYSCALL: errno). */
int capfile_open(struct capfile *cf, const char *path, off_t max_bytes,
		 int lock_ms, enum capfile_refusal *why);

/* Sets the free-space floor and the largest share of its filesystem the
 * capture may use, in percent (0: none; doc/reliability.md): once an
 * append would pass either, it fails with ENOSPC and cf->why
 * CAPFILE_KEEP_FREE or CAPFILE_MAX_USE. The filesystem is looked at
 * (fstatfs) now, and again after every MiB this writer appends, or at
 * every append within 4 MiB of a limit. 0, or -1 with *why saying which
 * limit is already passed (ENOSPC); the file is then closed. */
int capfile_set_floor(struct capfile *cf, int keep_free_pct, int max_use_pct,
		      enum capfile_refusal *why);

/* One record: header bytes (filled by capfile_append) plus payload. */
struct capfile_record {
	unsigned char head[FRAME_RECORD_LEN];
	const void *data;
	size_t len;
	enum frame_event event;
};

/* Appends n records for pid with one writev under one flock(LOCK_EX),
 * timestamped under it. Before: an empty file gets the global header, a
 * torn tail is cut off (doc/capture-format.md §7); after a failed write the
 * file is cut back. -1 with errno (ENOSPC, EFBIG...) on failure; EFBIG
 * and over_cap set when the size cap would be passed; cf->why set when
 * the lock was not had in time or the file is no longer a capture. */
int capfile_append(struct capfile *cf, uint32_t pid,
		   struct capfile_record *rec, size_t n);

/* Appends the execve blob of argv and envp as dport-3 records of at most
 * FRAME_PAYLOAD_MAX bytes, consecutive under one lock. argv and envp are
 * kept (not copied): a file found empty later (truncated, rotated) gets
 * them again before the next records of pid. */
int capfile_append_execve(struct capfile *cf, uint32_t pid,
			  char *const argv[], char *const envp[]);

/* Appends the dport-4 record: the raw wait status, big-endian. */
int capfile_append_exit(struct capfile *cf, uint32_t pid, int status);

/* Closes the file (errno kept); cf->fd becomes -1. */
void capfile_close(struct capfile *cf);

/* ---- netsink.c: the network destination, udp://ADDR:PORT (doc/network.md;
 * doc/capture-format.md §12) */

enum {
	NETSINK_PORT = 4789,		/* the IANA VXLAN port */
	NETSINK_VNI = 0x535443,		/* "STC": the VXLAN network identifier */
	NETSINK_OVERHEAD = 20 + 8 + 8 + 42,	/* outer IPv4, UDP, VXLAN, frame */
};

/* 1 if path names a network destination (starts "udp://"). */
int netsink_is_url(const char *path);

/* Opens a non-blocking UDP socket connected to url ("udp://A.B.C.D[:PORT]"
 * or "udp://[IPv6][:PORT]", port default 4789, IP literals only) and
 * makes cf send there: every record goes out as VXLAN datagrams of at
 * most payload bytes of payload each (a longer record is cut into
 * several of the same stream). -1 with errno: EINVAL for a url that is
 * none of those, else what socket/connect said (ENETUNREACH: no route,
 * no interface yet). */
int netsink_open(struct capfile *cf, const char *url, size_t payload);

/* An IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1") address into out:
 * returns its length, 4 or 16, or 0 when s is neither (--board). */
int netsink_addr(const char *s, unsigned char out[16]);

/* capfile_append_execve for such a cf (that one needs a file): the blob
 * as dport-3 records cut to the payload size. Async-signal-safe. */
int netsink_execve(struct capfile *cf, uint32_t pid, char *const argv[],
		   char *const envp[]);

/* ---- lineage.c: who ran this program (doc/capture-format.md §3.3) */

/* The pid the records of this run name as their parent: getppid(), or
 * our own pid (pid) when the parent is a stdiocap relay (a recorded
 * program exec'd this wrapper in place), 0 as PID 1. exe: what
 * /proc/self/exe is, if the caller has it (NULL: looked up here). */
uint32_t lineage_parent(int capfd, pid_t pid, const struct stat *exe);

/* The nearest ancestor of this process that is a stdiocap relay holding
 * the file capfd is open on and that what is written to outfd can reach
 * (doc/reading.md: --follow would read back what it
 * prints): outfd is a pipe or socket, or a file that relay holds (a
 * file it reads back, doc/capture-format.md §4.1). 0 if none, or where
 * /proc cannot say. */
pid_t lineage_relay_above(int capfd, int outfd);

/* ---- sig.c: the signal state a run starts with, forwards and ends with */

struct sig_state {
	sigset_t mask;		/* mask the wrapper was started with */
	sigset_t ignored;	/* signals it was started with at SIG_IGN */
	sigset_t caught;	/* what the wrapper reads from its signalfd */
	struct itimerval timer;	/* the caller's pending alarm, moved to the child */
};

/* Records the start state, then takes over: forwarded signals and SIGCHLD
 * blocked and read from the returned signalfd, SIGPIPE and SIGXFSZ
 * ignored, SIGCHLD at SIG_DFL, the alarm timer disarmed. -1 on error,
 * with the start state restored. */
int sig_takeover(struct sig_state *ss);

/* Sets signo to SIG_IGN or SIG_DFL (no flags, empty mask): signal()
 * without musl's wrapper, whose SA_RESTART only a handler would see. */
int sig_disposition(int signo, void (*handler)(int));

/* Restores the start state exactly (for the child between fork and exec,
 * or before executing the target directly). Async-signal-safe. */
void sig_restore(const struct sig_state *ss);

/* 1 if a signal read from the signalfd must be passed on to the child:
 * sent by a process (kill, sigqueue) or a timer, not a terminal's
 * Ctrl-C/Ctrl-\/Ctrl-Z that reached the whole process group already. */
int sig_should_forward(const struct sig_state *ss, int signo, int code);

/* Ends the wrapper the way the child ended: exit code, or death by the
 * same signal without a core file of its own. Never returns. */
_Noreturn void sig_end_like(int status);

/* Stops the wrapper with signo, the signal that stopped the child, so
 * the caller's shell shows the job stopped with the same word; returns
 * once the wrapper is continued (or at once where the kernel discards
 * the stop: an orphaned process group). */
void sig_stop_like(int signo);

/* ---- spawn.c: starting the target */

/* Which of the child's fds 0/1/2 are pipes to the relay, inherited from
 * the wrapper as they are, or closed because the wrapper's are closed. */
enum spawn_fd { SPAWN_PIPE, SPAWN_INHERIT, SPAWN_CLOSED };

struct spawn {
	pid_t pid;
	int fd[3];	/* wrapper's end of the child's 0/1/2 pipes, or -1 */
	int exec_errno;	/* 0 if execve succeeded */
	/* Set by the caller (NULL: none): run in the vfork child right
	 * before execve, in the parent's memory (system calls only). The
	 * execve records are written there, so they are in the file before
	 * the target runs (doc/capture-format.md §3.3). */
	void (*before_exec)(void *ctx);
	void *before_exec_ctx;
};

/* The exit code of a target that could not be executed: 127 when it is
 * missing, else 126 (doc/stdiocap.1 EXIT STATUS). The one place it is made. */
int spawn_exec_rc(int err);

/* Forks; the child gets fds 0-2 as mode[] says, the start signal state
 * and timer, a parent-death SIGKILL, and execve(path, argv, envp).
 * Returns once execve succeeded or failed (sp->exec_errno; the child
 * then _exit()s spawn_exec_rc(errno), reaped by the relay). */
int spawn_child(struct spawn *sp, const char *path, char *const argv[],
		char *const envp[], const enum spawn_fd mode[3],
		const struct sig_state *ss);

/* PID 1 variant: forks the relay instead. In the parent (PID 1) the
 * fds 0-2 are replaced by pipe ends and it returns 1: the caller then
 * execs the target itself. In the child (the relay) it returns 0 with
 * sp->pid = the target's pid (1). */
int spawn_relay(struct spawn *sp, const enum spawn_fd mode[3]);

/* ---- tap.c: a regular file on fds 0-2 handed to the target as it is,
 * captured by reading back what its offset moved over
 * (doc/capture-format.md §4.1) */

struct tap {
	int fd;		/* the caller's fd 0-2, whose offset the target moves;
			 * -1: not a tap */
	int rfd;	/* the same file, readable (fd itself or our own) */
	off_t mark;	/* recorded up to here: the furthest offset read back */
	off_t cur;	/* the offset last seen */
};

/* With on, for each of fds 0-2 that mode[] would relay through a pipe
 * and that is a regular file the wrapper can read back (fl: the fds'
 * F_GETFL flags): a tap, and mode[i] becomes
 * SPAWN_INHERIT. Of fds on one file (`>f 2>&1`) only the first of
 * stdout, stderr, stdin is a tap; the others are inherited and recorded
 * through it. Taps not made have fd -1. */
void tap_plan(struct tap tap[3], enum spawn_fd mode[3], const int fl[3], int on);

/* Reads into buf at most len bytes of what the offset moved over since
 * the last call (pread: nothing is consumed); 0 when nothing new, -1
 * with errno. */
ssize_t tap_read(struct tap *t, void *buf, size_t len);

void tap_close(struct tap *t);

/* ---- relay.c: the poll loop between the caller and the child */

/* What relay_plan may hand to the child as it is (doc/configuration.md
 * "Terminals"). */
enum {
	RELAY_STDIN_OWN = 1,	/* stdin inherited: neither read nor captured */
	RELAY_INTERACTIVE = 2,	/* every fd 0-2 that is a terminal inherited */
	RELAY_TTY_INTERPOSE = 4, /* a terminal stdin read anyway */
	RELAY_FILES = 8,	/* regular files inherited and tapped (tap.c) */
	RELAY_SHELL = 16,	/* RELAY_INTERACTIVE if stdin is a terminal */
};

/* The loop's state is private to relay.c; there is one per process. */
struct relay;

/* How the run ended: the child's raw wait status, and the errno of a
 * failed write to the caller's stdout or stderr other than EPIPE (0 if
 * none; the child was then shown a broken pipe). */
struct relay_end {
	int status;
	int write_errno;
};

/* Decides mode[] for the child's fds 0-2 from the caller's fds and
 * flags: a closed fd stays closed, one the wrapper could not use the
 * same way (a directory or write-only fd as stdin, a read-only
 * stdout), /dev/null as stdin, a terminal stdin and (RELAY_FILES)
 * regular files are inherited, the rest are pipes. tap[] receives the
 * regular files to read back (tap.c). Returns the relay's own
 * description of a terminal stdin it reads anyway (RELAY_TTY_INTERPOSE);
 * else -1. Both are the caller's, handed to relay_init. */
int relay_plan(enum spawn_fd mode[3], int flags, struct tap tap[3]);

/* Sets up the relay between the caller's fds 0-2 and sp's pipes, with
 * tty_in and tap what relay_plan returned, the capture file cap (NULL: relay
 * only) and the signalfd sigfd (-1: none). A child of pid 1 is PID 1
 * itself (the relay was forked): it is not waited for. */
struct relay *relay_init(const struct spawn *sp, int tty_in,
			 const struct tap tap[3],
			 struct capfile *cap, int sigfd,
			 const struct sig_state *ss);

/* Relays until stdout and stderr are at EOF, everything held is
 * delivered and the child is reaped (without a child: until the EOFs).
 * When an append fails, capturing stops, lost(errno, cap) is called
 * once, relaying goes on. Fills *end. Returns 0, or -1 with errno when
 * poll or the signalfd failed (the child was then waited for). */
int relay_run(struct relay *r, void (*lost)(int err, const struct capfile *cf),
	      struct relay_end *end);

/* ---- capread.c: reading a capture back, record by record (the readers) */

/* Why capread_next stopped: enum capread_error (frame.c section); cr->val,
 * cr->have say more where noted. */

/* One record; data points into the reader's buffer until the next call. */
struct capread_record {
	uint32_t sec, usec;
	uint32_t pid;		/* the full pid, from the IPv4 source */
	uint32_t ppid;		/* who ran it, from the IPv4 destination
				 * (doc/capture-format.md §3.3); 0 for 10.0.0.0
				 * */
	enum frame_event event;
	const unsigned char *frame;	/* the whole record, header first */
	const unsigned char *data;	/* its payload, len bytes */
	size_t len;
	uint16_t seq;		/* its sequence number (capture-format §3.5) */
	/* the board that sent it, in a collector's capture (outer.c): its
	 * IPv4 (board_len 4) or IPv6 (16) address; board_len 0 in a file */
	unsigned char board_len;
	unsigned char board[16];
};

/* A collector's capture (outer.c): how to unwrap it. */
enum { CAPREAD_OUTER_PCAP = 1, CAPREAD_OUTER_PCAPNG = 2, CAPREAD_IFS = 16 };
struct capread_outer {
	unsigned char kind;	/* 0: a stdiocap file; CAPREAD_OUTER_* */
	unsigned char be;	/* big-endian pcap, or pcapng section */
	unsigned char nsec;	/* pcap: nanosecond timestamps */
	unsigned char board_len;	/* set by the caller: only this board */
	unsigned char board[16];
	uint32_t link;		/* pcap: the link type */
	unsigned nif;		/* pcapng: interfaces of the section */
	uint16_t if_link[CAPREAD_IFS];
	unsigned char if_res[CAPREAD_IFS];	/* if_tsresol */
	unsigned long skipped;	/* packets that were no record of ours */
	uint32_t snaplen;	/* of a pcap header like ours (capread.c) */
	/* what capread.c would have said: the error when the input ends
	 * without one record of ours (then it was no capture of ours) */
	enum capread_error why;
	uint32_t why_val;
};

/* No allocation: the largest record (58 + 8192 bytes) fits buf almost
 * four times over, so a record, the one that may follow inside it and
 * the header after that are checked in place. off..len is what was read
 * and not consumed yet. */
struct capread {
	int fd;
	int started;		/* the global header was read and accepted */
	int resync;		/* skip damage (set by the caller) */
	int lookahead;		/* reads never block (a regular file): a
				 * record is checked against the next one */
	int eof;		/* read(2) returned 0: no more until init */
	enum capread_error err;	/* why the last capread_next returned -1 */
	uint32_t val, have;
	unsigned long number;	/* records returned so far */
	unsigned long long offset;	/* file offset of the next record */
	struct capread_outer outer;	/* kind 0: a stdiocap file */
	/* the damage skipped before the record (or end) just returned:
	 * gap bytes from gap_at, the first thing wrong there gap_err and
	 * gap_val; gap 0: none */
	unsigned long long gap, gap_at;
	enum capread_error gap_err;
	uint32_t gap_val;
	size_t off, len;
	unsigned char buf[32768];
};

/* Starts reading a capture from fd (any position: a pipe is fine). */
void capread_init(struct capread *cr, int fd);

/* Reads the global header (first call) and the next record, checked
 * as doc/capture-format.md §9 says. Returns 1 with *rec filled, 0 at a
 * clean end of input (on a record boundary), -1 with cr->err set: the
 * record that failed is number cr->number + 1 at offset cr->offset.
 * With cr->resync, damage is skipped instead (a record whose checks
 * fail, or one torn by the record after it): reading goes on at the
 * next valid record (§9) and cr->gap says what was skipped; only an
 * input that ends inside a record is still an error (a torn tail).
 * Reads at most sizeof cr->buf bytes ahead and never allocates,
 * whatever the input. */
int capread_next(struct capread *cr, struct capread_record *rec);

/* ---- outer.c: a collector's capture (doc/network.md "Reading a farm"),
 * read through capread_next once capread.c hands over */

/* Takes over after the 24 bytes head (already consumed; for pcapng the
 * section header block is not: cr->off must be at its start) when they
 * are a pcap of another kind than a stdiocap file's, or pcapng; -1 when
 * they are no capture outer.c reads. */
int outer_start(struct capread *cr, const unsigned char *head,
		enum capread_error why, uint32_t why_val);

/* The next record of ours, as capread_next says (1, 0, -1). */
int outer_next(struct capread *cr, struct capread_record *rec);

#endif
