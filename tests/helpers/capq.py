#!/usr/bin/python3
"""capq.py - questions about a capture, for the capture-truth tests.

Usage: capq.py COMMAND CAPTURE [ARGS]
  procs         one line per process instance in file order:
                "INDEX PID PPID ARGV..." (arguments joined by spaces)
  causal        every instance whose ppid is the pid of another recorded
                instance comes after it in file order; prints "ok"
  group-first VAR MARK
                group instances by the value of environment variable VAR;
                in every group the first one in file order has MARK in its
                argv; prints "ok" and the number of groups
  time-order    record timestamps never decrease in file order; "ok"
  ppid-of PATTERN
                the ppid of the one instance whose argv (joined) contains
                PATTERN (=PATTERN: is exactly PATTERN)
  pid-of PATTERN
                its pid
  stdout-of PATTERN
                its stdout bytes, as captured
Instances are told apart by argv, never by position. Exit 1 on a failed
check, with the reason on stdout.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pcapcheck  # noqa: E402


def joined(p):
    return b" ".join(p["argv"] or []).decode("latin-1")


def env(p, var):
    pre = var.encode() + b"="
    for e in p["env"] or []:
        if e.startswith(pre):
            return e[len(pre):].decode("latin-1")
    return None


def one(procs, pattern):
    if pattern.startswith("="):
        hits = [p for p in procs if joined(p) == pattern[1:]]
    else:
        hits = [p for p in procs if pattern in joined(p)]
    if len(hits) != 1:
        print("%d instances match %r" % (len(hits), pattern))
        sys.exit(1)
    return hits[0]


def main():
    cmd, cap = sys.argv[1], sys.argv[2]
    if cmd == "time-order":
        data = open(cap, "rb").read()
        off, last, n = 24, (0, 0), 0
        while off < len(data):
            sec, usec, incl, _ = struct.unpack_from("<IIII", data, off)
            n += 1
            if (sec, usec) < last:
                print("record %d at offset %d: %d.%06d after %d.%06d"
                      % (n, off, sec, usec, last[0], last[1]))
                sys.exit(1)
            last = (sec, usec)
            off += 16 + incl
        print("ok %d" % n)
        return
    procs = pcapcheck.read_capture(cap)
    if cmd == "procs":
        for i, p in enumerate(procs):
            print(i, p["pid"], p["ppid"], joined(p))
    elif cmd == "causal":
        index = {}
        for i, p in enumerate(procs):
            index.setdefault(p["pid"], []).append(i)
        checked = 0
        for i, p in enumerate(procs):
            parents = index.get(p["ppid"], [])
            if p["ppid"] == p["pid"] or not parents:
                continue
            checked += 1
            if min(parents) > i:
                print("instance %d (pid %d, %s) precedes its parent %d (pid %d)"
                      % (i, p["pid"], joined(p), min(parents), p["ppid"]))
                sys.exit(1)
        print("ok %d" % checked)
    elif cmd == "group-first":
        var, mark = sys.argv[3], sys.argv[4]
        first = {}
        for i, p in enumerate(procs):
            v = env(p, var)
            if v is not None and v not in first:
                first[v] = (i, p)
        for v, (i, p) in sorted(first.items()):
            if mark not in joined(p):
                print("%s=%s: instance %d (%s) comes first" % (var, v, i, joined(p)))
                sys.exit(1)
        print("ok %d" % len(first))
    elif cmd == "ppid-of":
        print(one(procs, sys.argv[3])["ppid"])
    elif cmd == "pid-of":
        print(one(procs, sys.argv[3])["pid"])
    elif cmd == "stdout-of":
        sys.stdout.buffer.write(one(procs, sys.argv[3])["stdout"])
    else:
        sys.exit("capq.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
