#!/usr/bin/python3
"""sig-counter.py - a target that records the signals it receives.

Used as an applet target by tests/signals.test:
    NAME DIR [timeout=SECONDS] [exit=N] [die=1]

At start it appends to DIR/log one line "sigign SIG..." naming the watched
signals that /proc/self/status shows ignored (SigIgn), then creates
DIR/ready (holding its pid) once it is set up.  It keeps ignored signals at
SIG_IGN (as it was started) but blocks them, so one that is sent anyway
stays pending where it can be seen.  The other watched signals are blocked
and taken with sigtimedwait, one at a time; each is appended to DIR/log at
once as "got SIG FROM" so a test can poll for it, where FROM is

    kernel  si_code SI_KERNEL (a terminal's ^C, a timer)
    parent  kill() by the parent process (the wrapper forwarding it)
    user    kill() by some other process

It stops on SIGTERM or after SECONDS (default 20) and prints on stdout the
same "sigign" line, one "SIG FROM" line per signal in arrival order, and a
"pending SIG" line for each ignored signal that was delivered anyway.  Then
it exits N (default 0), or with die=1 re-raises the SIGTERM it stopped on
and dies of it.
"""

import os
import signal
import sys
import time

WATCHED = ("HUP", "INT", "QUIT", "TERM", "USR1", "USR2", "WINCH", "ALRM", "CONT")
SI_USER, SI_KERNEL = 0, 0x80


def signum(name):
    return getattr(signal, "SIG" + name)


def sigign_names():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("SigIgn:"):
                mask = int(line.split()[1], 16)
                return [n for n in WATCHED if mask >> (signum(n) - 1) & 1]
    return []


def main():
    statedir = sys.argv[1]
    opts = dict(a.split("=", 1) for a in sys.argv[2:])
    deadline = time.monotonic() + float(opts.get("timeout", "20"))
    ignored = sigign_names()
    watch = {signum(n) for n in WATCHED if n not in ignored}
    signal.pthread_sigmask(signal.SIG_BLOCK, {signum(n) for n in WATCHED})
    report = ["sigign " + " ".join(ignored)]
    log = os.open(os.path.join(statedir, "log"), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(log, (report[0] + "\n").encode())
    ready = os.path.join(statedir, "ready")
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(ready + ".tmp", ready)

    stop = None
    while stop is None:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        info = signal.sigtimedwait(watch, left)
        if info is None:
            break
        name = signal.Signals(info.si_signo).name[3:]
        if info.si_code == SI_KERNEL:
            origin = "kernel"
        elif info.si_code == SI_USER and info.si_pid == os.getppid():
            origin = "parent"
        else:
            origin = "user"
        line = "%s %s" % (name, origin)
        os.write(log, ("got " + line + "\n").encode())
        report.append(line)
        if info.si_signo == signal.SIGTERM:
            stop = signal.SIGTERM
    pending = signal.sigpending()
    report += ["pending " + n for n in ignored if signum(n) in pending]
    sys.stdout.write("".join(r + "\n" for r in report))
    sys.stdout.flush()
    if stop is not None and opts.get("die") == "1":
        signal.signal(stop, signal.SIG_DFL)
        os.kill(os.getpid(), stop)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {stop})
    return int(opts.get("exit", "0"))


if __name__ == "__main__":
    sys.exit(main())
