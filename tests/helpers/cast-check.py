#!/usr/bin/python3
"""cast-check.py - what --replay and --cast should give, read from the
capture on its own, and the checks of an asciicast v2 file.

Usage: cast-check.py COMMAND ARGS
  mk CAPTURE [GAP]         a crafted capture (below); GAP: seconds of
                           silence before the last output of pid 5000
  output CAPTURE PID OUT   the stdout and stderr bytes of PID's first
                           instance, in capture order, into OUT
  stream CAPTURE PID S OUT stream S (0 stdin, 1 stdout, 2 stderr) of it
  valid CAST               CAST is asciicast v2: a header with version 2
                           and integer width and height, then events
                           [time, code, text] with times that never
                           decrease; prints "ok"
  events CAST CODE OUT     the texts of the CODE events, joined, as UTF-8
  header CAST KEY          the header's KEY, as JSON
Exit 1 on a failed check, with the reason on stdout.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz"))
import mkcap  # noqa: E402


def mk(path, gap):
    """pid 5000 twice (its PID reused), with pid 5001 in between: output
    on both streams, a UTF-8 character cut between two records, a byte
    that is no UTF-8, typed input, exit 3."""
    r, S = mkcap.record, mkcap
    env = [b"TERM=xterm-256color", b"COLUMNS=100", b"LINES=30", b"SHELL=/bin/sh"]
    g = int(gap * 1000000)
    recs = [
        S.execve(0, 5000, [b"/bin/sh", b"-c", b"demo"], env),
        S.execve(1000, 5001, [b"other"]),
        r(100000, 5000, S.STDOUT, "h\u00e9llo\n".encode()),
        r(150000, 5001, S.STDOUT, b"not me\n"),
        r(200000, 5000, S.STDOUT, b"caf\xc3"),
        r(250000, 5000, S.STDERR, b"err\n"),
        r(500000 + g, 5000, S.STDOUT, b"\xa9 done\n"),
        r(550000 + g, 5000, S.STDIN, b"typed\n"),
        r(600000 + g, 5000, S.STDERR, b"bad \xff byte\n"),
        S.exit_rec(700000 + g, 5000, 3 << 8),
        S.execve(800000 + g, 5000, [b"echo", b"two"]),
        r(800100 + g, 5000, S.STDOUT, b"two\n"),
        S.exit_rec(800200 + g, 5000, 0),
    ]
    open(path, "wb").write(mkcap.global_header() + b"".join(recs))


def records(path, pid):
    """(event, payload) of PID's first instance, in file order."""
    data = open(path, "rb").read()
    off, seen_exit = 24, False
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        src = frame[26:30]
        if (src[1] << 16 | src[2] << 8 | src[3]) != pid:
            continue
        dport = struct.unpack_from(">H", frame, 36)[0]
        if dport == 3 and seen_exit:
            break
        yield dport, frame[42:]
        if dport == 4:
            seen_exit = True


def cast(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines[-1] != "":
        raise ValueError("the last line has no newline")
    head = json.loads(lines[0])
    events = [json.loads(l) for l in lines[1:-1]]
    return head, events


def main(argv):
    cmd = argv[1]
    if cmd == "mk":
        mk(argv[2], float(argv[3]) if len(argv) > 3 else 0)
        return 0
    if cmd in ("output", "stream"):
        want = {1, 2} if cmd == "output" else {int(argv[4])}
        out = b"".join(p for e, p in records(argv[2], int(argv[3])) if e in want)
        open(argv[-1], "wb").write(out)
        return 0
    head, events = cast(argv[2])
    if cmd == "valid":
        if head.get("version") != 2 or type(head.get("width")) is not int \
                or type(head.get("height")) is not int:
            print("bad header", head)
            return 1
        last = 0.0
        for e in events:
            if len(e) != 3 or not isinstance(e[0], (int, float)) \
                    or not isinstance(e[1], str) or not isinstance(e[2], str):
                print("bad event", e)
                return 1
            if e[0] < last:
                print("time goes back", e)
                return 1
            last = e[0]
        print("ok")
        return 0
    if cmd == "events":
        text = "".join(e[2] for e in events if e[1] == argv[3])
        open(argv[4], "wb").write(text.encode("utf-8"))
        return 0
    if cmd == "header":
        print(json.dumps(head.get(argv[3])))
        return 0
    print("unknown command", cmd)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
