"""slow-reader.py - a caller that stops reading the wrapper's output.

Usage: slow-reader.py OUTFILE WRAPPER ARGS...

Starts WRAPPER ARGS with stdout a pipe, reads one byte, then, without
reading more (the pipe fills and the wrapper has output it cannot
deliver), sends SIGTERM to the wrapper and measures how long until the
wrapper's child is gone (polling /proc, 5 s at most). Then it reads to
EOF, writes everything read to OUTFILE and prints:
    child gone: <yes|no> within 0.5 s
    wrapper: signal N | exit N
"""
import fcntl
import os
import signal
import struct
import termios
import subprocess
import sys
import time


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            st = f.read()
    except OSError:
        return False
    return st[st.rindex(b")") + 2:][:1] != b"Z"


def main():
    out, argv = sys.argv[1], sys.argv[2:]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, bufsize=0)
    first = p.stdout.read(1)
    size = fcntl.fcntl(p.stdout.fileno(), 1032)     # F_GETPIPE_SZ
    end = time.monotonic() + 5
    kids = children(p.pid)
    while not kids and time.monotonic() < end:
        time.sleep(0.01)
        kids = children(p.pid)
    # wait until our pipe is full and the wrapper holds more: it no
    # longer reads its child, whose own pipe is full in turn (the child
    # sleeps in pipe_write)
    while time.monotonic() < end:
        queued = struct.unpack("i", fcntl.ioctl(p.stdout.fileno(), termios.FIONREAD,
                                                b"\0" * 4))[0]
        try:
            with open("/proc/%d/wchan" % kids[0]) as f:
                wchan = f.read()
        except (OSError, IndexError):
            wchan = "pipe_write"
        if queued >= size - 1 and wchan == "pipe_write":
            break
        time.sleep(0.01)
    t0 = time.monotonic()
    os.kill(p.pid, signal.SIGTERM)
    while kids and alive(kids[0]) and time.monotonic() - t0 < 5:
        time.sleep(0.005)
    took = time.monotonic() - t0
    rest = p.stdout.read()
    p.wait()
    with open(out, "wb") as f:
        f.write(first + rest)
    print("child gone: %s within 0.5 s" % ("yes" if kids and took < 0.5 else "no"))
    rc = p.returncode
    print("wrapper: %s" % ("signal %d" % -rc if rc < 0 else "exit %d" % rc))


main()
