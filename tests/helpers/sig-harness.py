#!/usr/bin/python3
"""sig-harness.py - runs a wrapper the way a shell or a terminal would.

tests/signals.test drives the wrapper through this, since sh cannot set up
ignored signals, timers, pseudo-terminals or process groups precisely.
Every mode prints a transcript of facts on stdout, which the test compares
with what a correct wrapper gives; a deadline ends every wait (a hang is a
"timeout ..." line, never a stalled suite).

  status [--ignore SIG]... [--alarm SECONDS] [--core] [--elapsed]
         [--pidfile FILE] -- ARGV...
      forks, sets the given signals to SIG_IGN (the others to SIG_DFL), an
      ITIMER_REAL alarm, an unlimited RLIMIT_CORE, then execs ARGV; prints
      the raw wait status ("exit N", "signal S", "signal S core") and with
      --elapsed the run time in whole seconds, rounded down ("elapsed N").

  pty SCENARIO DIR -- ARGV...
      runs ARGV in a fresh session whose controlling terminal is a new
      pseudo-terminal, as a job in its own process group (SCENARIO below);
      the session leader plays the interactive shell.
      intr  foreground job; waits for DIR/ready, stops the wrapper (see
            scenario_key), types ^C, waits for the target (sig-counter.py)
            to log it, continues the wrapper, waits for the target to log
            the SIGCONT, then kill -TERM the wrapper; DIR/out and DIR/err
            are the wrapper's stdout and stderr
      stop  foreground job fed a known stream on a pipe; ^Z half-way, checks
            wrapper and child are stopped, sends the rest, SIGCONT to the
            group; DIR/stream is the stream, DIR/out what came out
      bg    background job with the terminal as stdin; prints what the
            target writes, types a line once it wrote its first line, then
            writes a line to the fifo DIR/go; the typed line must stay
            unread on the terminal
      fg    background job with the terminal as stdin; once the target
            printed its first line a line is typed, then the job is made
            the foreground group and sent SIGCONT, and what it prints is
            shown; ^D ends it
      tty   foreground job; shows what appears on the terminal
      quit, winch  like intr, with ^\\ or a window size change
      hangup  the wrapper is the session leader (a login shell); closes
            the terminal's master side, waits for the target to log a
            SIGHUP from its parent, then kill -TERM the wrapper
"""

import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time
import traceback

DEADLINE = 20.0


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def status_text(st):
    if os.WIFEXITED(st):
        return "exit %d" % os.WEXITSTATUS(st)
    if os.WIFSIGNALED(st):
        return "signal %d%s" % (os.WTERMSIG(st), " core" if os.WCOREDUMP(st) else "")
    if os.WIFSTOPPED(st):
        return "stopped %d" % os.WSTOPSIG(st)
    return "continued"


def child_defaults():
    """What a shell gives a foreground job: default dispositions."""
    for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGXFSZ,
              signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU, signal.SIGUSR1,
              signal.SIGUSR2, signal.SIGHUP, signal.SIGTERM, signal.SIGALRM):
        signal.signal(s, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())


def exec_argv(argv):
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)


def wait_deadline(pid, flags=0, seconds=DEADLINE):
    """waitpid with a deadline; None when it passed."""
    end = time.monotonic() + seconds
    while True:
        p, st = os.waitpid(pid, flags | os.WNOHANG)
        if p:
            return st
        if time.monotonic() > end:
            return None
        time.sleep(0.01)


def poll_until(cond, seconds=DEADLINE):
    end = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def mode_status(args):
    ignore, alarm, core, elapsed, pidfile = [], None, False, False, None
    while args[0] != "--":
        opt = args.pop(0)
        if opt == "--ignore":
            ignore.append(getattr(signal, "SIG" + args.pop(0)))
        elif opt == "--alarm":
            alarm = float(args.pop(0))
        elif opt == "--core":
            core = True
        elif opt == "--elapsed":
            elapsed = True
        elif opt == "--pidfile":
            pidfile = args.pop(0)
        else:
            raise SystemExit("sig-harness.py: unknown option " + opt)
    argv = args[1:]
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        child_defaults()
        for s in ignore:
            signal.signal(s, signal.SIG_IGN)
        if core:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE,
                               (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        if alarm is not None:
            signal.setitimer(signal.ITIMER_REAL, alarm)
        exec_argv(argv)
    if pidfile:
        with open(pidfile + ".tmp", "w") as f:
            f.write("%d\n" % pid)
        os.rename(pidfile + ".tmp", pidfile)
    _, st = os.waitpid(pid, 0)
    out(status_text(st))
    if elapsed:
        out("elapsed %d" % int(time.monotonic() - start))


# ---- pseudo-terminal scenarios: everything below runs in the session leader


class Job:
    """ARGV as a job of the session: its own process group, fds 0-2 given."""

    def __init__(self, argv, fds, tty, foreground):
        go_r, go_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.setpgid(0, 0)
            os.close(go_w)
            os.read(go_r, 1)            # the shell has set us up
            for i, fd in enumerate(fds):
                os.dup2(fd, i)
            os.closerange(3, 1024)
            child_defaults()
            exec_argv(argv)
        os.close(go_r)
        os.setpgid(self.pid, self.pid)
        if foreground:
            os.tcsetpgrp(tty, self.pid)
        os.write(go_w, b"x")
        os.close(go_w)

    def wait(self):
        """Prints how the wrapper ended; one that stops is killed."""
        st = wait_deadline(self.pid, os.WUNTRACED)
        if st is None or os.WIFSTOPPED(st):
            out("wrapper: " + ("timeout" if st is None else status_text(st)))
            os.killpg(self.pid, signal.SIGKILL)
            os.killpg(self.pid, signal.SIGCONT)
            os.waitpid(self.pid, 0)
            return
        out("wrapper: " + status_text(st))


def proc_state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def children_of(pid):
    kids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    return kids


def read_until(fd, want, buf=b"", seconds=DEADLINE):
    """Reads fd until buf contains want (or EOF/deadline); returns buf."""
    end = time.monotonic() + seconds
    while want not in buf:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:                 # EIO: the terminal has no slave left
            break
        if not chunk:
            break
        buf += chunk
    return buf


def read_eof(fd, seconds):
    end = time.monotonic() + seconds
    buf = b""
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            out("timeout waiting for EOF")
            return buf
        chunk = os.read(fd, 65536)
        if not chunk:
            return buf
        buf += chunk


class Drain:
    """Keeps the terminal's output drained and collected."""

    def __init__(self, master):
        self.master, self.data = master, b""

    def until(self, want, seconds=DEADLINE):
        self.data = read_until(self.master, want, self.data, seconds)
        return want in self.data


def logged(statedir, line):
    try:
        with open(os.path.join(statedir, "log")) as f:
            return line + "\n" in f.read()
    except OSError:
        return False


def scenario_key(key, name):
    """A foreground job; the terminal sends SIGNAME (key typed, or a resize).

    The wrapper is held stopped meanwhile, so the child has taken the
    terminal's signal before the wrapper could forward a copy: otherwise
    a wrong copy could merge with the pending original and go unseen.
    The SIGCONT that resumes it is forwarded ("CONT parent")."""

    def scenario(argv, d, master, tty):
        job = Job(argv, [tty, os.open(d + "/out", os.O_WRONLY | os.O_CREAT, 0o644),
                         os.open(d + "/err", os.O_WRONLY | os.O_CREAT, 0o644)], tty, True)
        if not poll_until(lambda: os.path.exists(d + "/ready")):
            out("timeout waiting for the target to start")
        os.kill(job.pid, signal.SIGSTOP)
        st = wait_deadline(job.pid, os.WUNTRACED)
        if st is None or not os.WIFSTOPPED(st):
            out("the wrapper did not stop on SIGSTOP")
        if key is None:
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
        else:
            os.write(master, key)
        if not poll_until(lambda: logged(d, "got %s kernel" % name)):
            out("the target got no SIG%s from the terminal" % name)
        os.kill(job.pid, signal.SIGCONT)
        if not poll_until(lambda: logged(d, "got CONT parent")):
            out("the target got no SIGCONT from the wrapper")
        os.kill(job.pid, signal.SIGTERM)
        job.wait()
    return scenario


def scenario_stop(argv, d, master, tty):
    stream = bytes(range(256)) * 256            # 64 KiB
    half = len(stream) // 2
    with open(d + "/stream", "wb") as f:
        f.write(stream)
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    job = Job(argv, [in_r, out_w, os.open(d + "/err", os.O_WRONLY | os.O_CREAT, 0o644)],
              tty, True)
    os.close(in_r)
    os.close(out_w)
    os.write(in_w, stream[:half])               # fits in the pipe
    got = b""
    while len(got) < half:
        if not select.select([out_r], [], [], DEADLINE)[0]:
            out("timeout reading the first half")
            break
        got += os.read(out_r, 65536)
    out("first half: %d bytes" % len(got))
    os.write(master, b"\x1a")                   # ^Z: SIGTSTP to the group
    st = wait_deadline(job.pid, os.WUNTRACED)
    out("after ^Z: wrapper %s" % (status_text(st) if st is not None else "not stopped"))
    kids = children_of(job.pid)
    ok = poll_until(lambda: kids and all(proc_state(k) == "T" for k in kids), 5)
    out("after ^Z: %d child(ren), %s" % (len(kids), "stopped" if ok else
                                           "states " + ",".join(proc_state(k) for k in kids)))
    os.write(in_w, stream[half:])               # written while they are stopped
    os.killpg(job.pid, signal.SIGCONT)          # what `fg` does
    st = wait_deadline(job.pid, os.WCONTINUED)
    out("after SIGCONT: wrapper %s" % (status_text(st) if st is not None else "not continued"))
    while len(got) < len(stream):
        if not select.select([out_r], [], [], DEADLINE)[0]:
            out("timeout reading the second half")
            break
        chunk = os.read(out_r, 65536)
        if not chunk:
            break
        got += chunk
    os.close(in_w)                              # cat ends at EOF
    got += read_eof(out_r, DEADLINE)
    with open(d + "/out", "wb") as f:
        f.write(got)
    out("output: %d bytes, %s" % (len(got), "the stream" if got == stream else "DIFFERENT"))
    job.wait()


fifo_fd = []


def open_writer(fifo):
    try:
        fifo_fd.append(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        return True
    except OSError:                     # ENXIO: no reader yet
        return False


def scenario_bg(argv, d, master, tty):
    fifo = d + "/go"
    os.mkfifo(fifo)
    out_r, out_w = os.pipe()
    drain = Drain(master)
    job = Job(argv, [tty, out_w, out_w], tty, False)
    os.close(out_w)
    got = read_until(out_r, b"\n")
    os.write(master, b"typed\n")
    drain.until(b"typed")                       # the echo: the line is in
    # now let the target go on (it cannot open the fifo if it was stopped)
    if poll_until(lambda: open_writer(fifo)):
        os.write(fifo_fd[0], b"go\n")
        os.close(fifo_fd[0])
    else:
        out("the target never opened " + fifo)
    job.wait()
    got += read_eof(out_r, 5)
    for line in got.decode(errors="replace").splitlines():
        out("output: " + line)
    n = struct.unpack("i", fcntl.ioctl(tty, termios.FIONREAD, b"\0" * 4))[0]
    out("unread on the terminal: %d bytes" % n)


def scenario_fg(argv, d, master, tty):
    out_r, out_w = os.pipe()
    drain = Drain(master)
    job = Job(argv, [tty, out_w, out_w], tty, False)
    os.close(out_w)
    # the first line relayed: the wrapper has looked at the terminal
    got = read_until(out_r, b"\n")
    out("in the background: %r" % got)
    os.write(master, b"line\n")
    drain.until(b"line")
    os.tcsetpgrp(tty, job.pid)                  # what `fg` does
    os.killpg(job.pid, signal.SIGCONT)
    got = read_until(out_r, b"line\n")
    out("after fg: %r" % got)
    os.write(master, b"\x04")                   # ^D: EOF
    got = read_eof(out_r, DEADLINE)
    out("after ^D: %r" % got)
    job.wait()


def scenario_tty(argv, d, master, tty):
    null = os.open("/dev/null", os.O_RDWR)
    drain = Drain(master)
    job = Job(argv, [null, null, null], tty, True)
    job.wait()
    drain.until(b"\n", 5)
    out("terminal: %r" % drain.data)


SCENARIOS = {"intr": scenario_key(b"\x03", "INT"), "quit": scenario_key(b"\x1c", "QUIT"),
             "winch": scenario_key(None, "WINCH"), "stop": scenario_stop, "bg": scenario_bg,
             "fg": scenario_fg, "tty": scenario_tty}


def mode_hangup(d, argv):
    """The wrapper is the session leader (a login shell); the terminal
    hangs up: the kernel's SIGHUP goes to the leader alone."""
    master, tty = os.openpty()
    leader = os.fork()
    if leader == 0:
        os.setsid()
        fcntl.ioctl(tty, termios.TIOCSCTTY, 0)
        os.dup2(tty, 0)
        os.dup2(os.open(d + "/out", os.O_WRONLY | os.O_CREAT, 0o644), 1)
        os.dup2(os.open(d + "/err", os.O_WRONLY | os.O_CREAT, 0o644), 2)
        os.closerange(3, 1024)
        child_defaults()
        exec_argv(argv)
    os.close(tty)
    if not poll_until(lambda: os.path.exists(d + "/ready")):
        out("timeout waiting for the target to start")
    os.close(master)                            # hang up
    if not poll_until(lambda: logged(d, "got HUP parent")):
        out("the target got no SIGHUP from the wrapper")
    os.kill(leader, signal.SIGTERM)
    st = wait_deadline(leader)
    out("wrapper: " + (status_text(st) if st is not None else "timeout"))
    if st is None:
        os.kill(leader, signal.SIGKILL)
    return 0


def mode_pty(args):
    if args[0] == "hangup":
        return mode_hangup(args[1], args[3:])
    scenario, d, argv = SCENARIOS[args[0]], args[1], args[3:]
    master, tty = os.openpty()
    leader = os.fork()
    if leader == 0:
        rc = 0
        try:
            os.setsid()
            fcntl.ioctl(tty, termios.TIOCSCTTY, 0)
            # the shell itself ignores what would stop it (tcsetpgrp from
            # the background); its jobs get the defaults (child_defaults)
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            scenario(argv, d, master, tty)
        except BaseException:           # never back into the caller's code
            traceback.print_exc()
            rc = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(rc)
    os.close(tty)
    _, st = os.waitpid(leader, 0)
    return 0 if st == 0 else 1


def main():
    args = sys.argv[1:]
    if args[0] == "status":
        mode_status(args[1:])
        return 0
    if args[0] == "pty":
        return mode_pty(args[1:])
    raise SystemExit("sig-harness.py: unknown mode " + args[0])


if __name__ == "__main__":
    sys.exit(main())
