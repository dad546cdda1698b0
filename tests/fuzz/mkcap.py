#!/usr/bin/python3
"""Craft stdiocap captures with fixed PIDs and timestamps, byte for byte as
doc/capture-format.md describes them (independently of libstdiocap), so
that reader and dissector tests can expect exact output.

Usage: mkcap.py SCENARIO OUTFILE     (python3 stdlib only)
       mkcap.py --list

Scenarios are below (SCENARIOS); "bad-*" ones are deliberately broken
inputs for the robustness tests. Times start at T0 = 1700000000
(2023-11-14 22:13:20 UTC).
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "helpers"))
import capforge  # noqa: E402
from capforge import (T0, STDIN, STDOUT, STDERR, EXECVE, EXIT,  # noqa: E402
                      global_header, checksum, blob)

# Lineage: the IPv4 destination names the process that ran this one.
# Each scenario's parent PIDs (default 1); see basic() and tree().
PARENT = {53: 4242, 123: 4242, 70000: 4242, 71: 70, 72: 71, 73: 70,
          74: 73, 75: 0}
ENV = [b"HOME=/root", b"PATH=/bin:/usr/bin", b"TERM=vt100"]


def record(t_us, pid, event, payload):
    """One pcap record at T0 + t_us microseconds, from PID to its PARENT."""
    return capforge.record(t_us, pid, PARENT.get(pid, 1), event, payload)


def execve(t_us, pid, argv, env=ENV):
    """The execve records of one process, split at 8192 bytes."""
    return capforge.execve(t_us, pid, PARENT.get(pid, 1), argv, env)


def exit_rec(t_us, pid, status):
    return capforge.exit_rec(t_us, pid, PARENT.get(pid, 1), status)


def basic():
    """Four processes: nested, every stream, full PID > 65535, PIDs 53 and
    123 (DNS and NTP ports), exit, signal, core dump, one still running."""
    return global_header() + b"".join([
        execve(0, 4242, [b"sh", b"-c", b"echo hi; cat; echo warn >&2"]),
        execve(1000, 53, [b"echo", b"x y", b'q"uote']),
        record(1500, 53, STDOUT, b"x y q\"uote\n"),
        exit_rec(2000, 53, 3 << 8),
        record(3000, 4242, STDOUT, b"hi\n"),
        record(4000, 4242, STDIN, b"line one\nline two\n"),
        record(4100, 4242, STDOUT, b"line one\nline two\n"),
        record(4200, 4242, STDIN, b"\x00\x01\xff\t\\ end"),
        record(4300, 4242, STDOUT, b"\x00\x01\xff\t\\ end"),
        record(5000, 4242, STDERR, b"warn\n"),
        execve(6000, 123, [b"/bin/true"], ENV + [b"EXTRA=1"]),
        exit_rec(6500, 123, 15),
        execve(7000, 70000, [b"-sh", b"-i", b"\x1b[1m"], [b"HOME=/", b"TERM=vt100", b"NEW=x"]),
        record(7100, 70000, STDERR, b"sh: no newline"),
        exit_rec(7200, 70000, 11 | 0x80),
        exit_rec(8000, 4242, 0),
        execve(9000, 99, [b"yes"]),
        record(9100, 99, STDOUT, b"y\n" * 4),
    ])


def reuse():
    """PID 500 runs three times: twice with an exit record, then without."""
    return global_header() + b"".join([
        execve(0, 500, [b"echo", b"first"]),
        record(100, 500, STDOUT, b"first\n"),
        exit_rec(200, 500, 0),
        execve(1000, 500, [b"echo", b"second"]),
        record(1100, 500, STDOUT, b"second\n"),
        record(1150, 500, STDERR, b"oops\n"),
        exit_rec(1200, 500, 1 << 8),
        execve(2000, 500, [b"cat"]),
        record(2100, 500, STDIN, b"third\n"),
    ])


def split():
    """An execve blob of 8192 + N bytes (two records), then another
    process's records, then the first process's output."""
    big = b"BIG=" + b"x" * 9000
    return global_header() + b"".join([
        execve(0, 700, [b"env", b"-0"], [b"A=1", big, b"Z=26"]),
        execve(10, 701, [b"true"], [b"A=1", b"Z=26"]),
        exit_rec(20, 701, 0),
        record(30, 700, STDOUT, b"A=1\0"),
        exit_rec(40, 700, 0),
    ])


def exact8192():
    """A blob of exactly 8192 bytes, then one of 8193: the split edges."""
    b1 = blob([b"a"], [b"E=" + b"e" * (8192 - 7)])
    assert len(b1) == 8192
    b2 = blob([b"b"], [b"E=" + b"e" * (8192 - 6)])
    assert len(b2) == 8193
    return global_header() + b"".join([
        execve(0, 800, [b"a"], [b"E=" + b"e" * (8192 - 7)]),
        exit_rec(10, 800, 0),
        execve(20, 801, [b"b"], [b"E=" + b"e" * (8192 - 6)]),
        exit_rec(30, 801, 2 << 8),
    ])


def wellknown():
    """One stderr record for each of a few well-known-port PIDs, then a
    stdin record of PID 53 (UDP port 0)."""
    recs = []
    for i, pid in enumerate([53, 67, 123, 161, 5353]):
        recs.append(execve(i * 100, pid, [b"prog%d" % pid]))
        recs.append(record(i * 100 + 10, pid, STDERR, b"err %d\n" % pid))
    recs.append(record(1000, 53, STDIN, b"in 53\n"))
    recs.append(exit_rec(1100, 53, 9))
    return global_header() + b"".join(recs)


def many():
    """300 processes running at once (more than the reader's table of 256
    live ones), then their exit records, newest first."""
    recs = []
    for i in range(300):
        recs.append(execve(i * 10, 1000 + i, [b"p%d" % i], []))
        recs.append(record(i * 10 + 1, 1000 + i, STDOUT, b"%d\n" % i))
    for i in reversed(range(300)):
        recs.append(exit_rec(10000 + i, 1000 + i, i % 256 << 8))
    return global_header() + b"".join(recs)


def empty_args():
    """Empty arguments, which the blob format cannot tell from the argv
    terminator (doc/capture-format.md §5): readers split at the last empty
    item after which every item holds '=', else at the first."""
    return global_header() + b"".join([
        execve(0, 10, [b"sh", b"-c", b""], [b"A=1"]),
        exit_rec(1, 10, 0),
        execve(2, 11, [b"test", b"", b"=", b""], [b"A=1", b"B=2"]),
        execve(3, 12, [b"x"], []),
        execve(5, 14, [b"e"], [b"NOEQ"]),
    ])


def tree():
    """A process tree (PARENT): 70 runs 71 (which runs 72) and 73 (which
    runs 74, killed so that its exit record never came); 75 has no parent
    (PID 1's own, 10.0.0.0); 76 is an orphan of an unrecorded 1."""
    return global_header() + b"".join([
        execve(0, 70, [b"sh", b"/etc/init.d/rcS"]),
        execve(10, 71, [b"sh", b"-c", b"cat"]),
        execve(20, 72, [b"cat"]),
        record(25, 72, STDOUT, b"x"),
        exit_rec(30, 72, 0),
        exit_rec(40, 71, 0),
        execve(50, 73, [b"make"]),
        execve(60, 74, [b"cc", b"-c", b"a.c"]),
        exit_rec(70, 73, 9),
        execve(80, 75, [b"init"]),
        execve(90, 76, [b"syslogd", b"-n"]),
        exit_rec(100, 70, 2 << 8),
    ])


def interleaved():
    """PID 900's execve blob split over two records with PID 901's
    records between them (a reader must show 900 once)."""
    b = blob([b"env"], [b"A=" + b"a" * 9000])
    return global_header() + b"".join([
        record(0, 900, EXECVE, b[:8192]),
        execve(10, 901, [b"true"]),
        exit_rec(20, 901, 0),
        record(30, 900, EXECVE, b[8192:]),
        record(40, 900, STDOUT, b"A=a...\n"),
        exit_rec(50, 900, 0),
    ])


def header_only():
    return global_header()


def bad_truncated_record():
    return basic()[:24 + 58 + 10]


def bad_truncated_header():
    return global_header()[:10]


def bad_huge_length():
    r = bytearray(basic()[:24 + 200])
    r[24 + 8:24 + 16] = struct.pack("<II", 0xffffffff, 0xffffffff)
    return bytes(r)


def bad_garbage():
    return bytes((i * 7919 + 13) & 255 for i in range(300))


def bad_linktype():
    return global_header(link=101) + basic()[24:]


def bad_bigendian():
    return global_header(endian=">") + basic()[24:]


def bad_nanosec():
    return global_header(magic=0xa1b23c4d) + basic()[24:]


def bad_pcapng():
    return struct.pack("<III", 0x0a0d0d0a, 28, 0x1a2b3c4d) + b"\0" * 16


def bad_foreign():
    """A real-looking DNS query over Ethernet/IPv4/UDP from another tool."""
    eth = bytes.fromhex("001122334455" "66778899aabb" "0800")
    payload = bytes.fromhex("12340100000100000000000003777777076578616d706c6503636f6d0000010001")
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), 1, 0, 64, 17,
                     0, bytes([192, 168, 1, 2]), bytes([192, 168, 1, 1]))
    ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
    udp = struct.pack(">HHHH", 40000, 53, 8 + len(payload), 0)
    data = eth + ip + udp + payload
    return global_header() + struct.pack("<IIII", T0, 0, len(data), len(data)) + data


def bad_event():
    return global_header() + execve(0, 42, [b"x"]) + record(10, 42, 9, b"?")


def bad_exit_len():
    return global_header() + execve(0, 42, [b"x"]) + record(10, 42, EXIT, b"\0\0")


SCENARIOS = {name.replace("_", "-"): fn for name, fn in list(globals().items())
             if callable(fn) and fn.__module__ == __name__ and
             fn.__name__ not in ("record", "execve", "exit_rec", "envdiff",
                                 "main")}


def envdiff(many):
    """40 execs of about 60 KB of environment each, one variable changed
    from one to the next: made of 6000 tiny variables (many) or of 4 big
    ones (few). --env-diff must take about as long on both (it once took
    quadratic time in the number of variables)."""
    recs = []
    for i in range(40):
        if many:
            env = [b"V%05d=1" % k for k in range(1, 6000)]
        else:
            env = [b"%c=%s" % (c, b"x" * 18000) for c in b"BCD"]
        env.insert(0, b"V00000=%d" % i)
        recs.append(execve(i * 10, 2000 + i, [b"p"], env))
        recs.append(exit_rec(i * 10 + 5, 2000 + i, 0))
    return global_header() + b"".join(recs)


# Large captures, made on request only (not in --list).
LARGE = {"envdiff-many": lambda: envdiff(True),
         "envdiff-few": lambda: envdiff(False)}


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(sorted(SCENARIOS)))
        return 0
    make = SCENARIOS.get(argv[1]) or LARGE.get(argv[1]) if len(argv) == 3 else None
    if not make:
        sys.stderr.write("usage: mkcap.py SCENARIO OUTFILE | --list\n")
        return 2
    with open(argv[2], "wb") as f:
        f.write(make())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
