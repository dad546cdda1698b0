#!/usr/bin/python3
"""Captures for the readers' agreement, damage and memory tests, built
from doc/capture-format.md alone (not from libstdiocap).

Usage: reader-mkcap.py conc N OUT      N processes alive at once, a tree
       reader-mkcap.py seq N OUT       N processes one after another
       reader-mkcap.py reuse OUT       a PID reused by an unrecorded process
       reader-mkcap.py payload OUT     a record whose payload is a capture
       reader-mkcap.py payload-more OUT   the same, 20 processes after it
       reader-mkcap.py damage HOW IN OUT [K]
           HOW: zeros (512 zero bytes inserted before record K, default
           the middle one), junk (300 bytes of junk there), torn (record
           K cut to its first half, the next records after it), tail (512
           zero bytes appended: a power cut), hdr (record K's IPv4
           checksum broken). Prints "OFFSET BYTES LOST K": where the
           damage is, the bytes a reader skips, the records lost (record
           K, or none).
       reader-mkcap.py drop IN OUT K   IN without its record number K (from 1)
"""

import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capforge import STDOUT, exit_rec, record  # noqa: E402
from capforge import execve as capforge_execve  # noqa: E402
from capforge import global_header as header  # noqa: E402


def execve(t, pid, ppid, argv):
    return capforge_execve(t, pid, ppid, argv, [b"PATH=/bin"])


def conc(n):
    """n processes alive at once: PIDs 1000.., each under the one four
    places up (a tree), the first under PID 1 (outside the capture)."""
    out = [header()]
    ppid = [1] + [1000 + (i - 1) // 4 for i in range(1, n)]
    for i in range(n):
        out.append(execve(i, 1000 + i, ppid[i], [b"p%d" % i]))
    for i in range(n):
        out.append(record(n + i, 1000 + i, ppid[i], STDOUT, b"o%d\n" % i))
    for i in reversed(range(n)):
        out.append(exit_rec(3 * n - i, 1000 + i, ppid[i], (i % 3) << 8))
    return b"".join(out)


def seq(n):
    """n processes one after another, PIDs cycling through 300000 (so the
    PID index stays small and the tree is what grows)."""
    out = [header()]
    for i in range(n):
        pid = 2 + i % 300000
        out.append(execve(2 * i, pid, 1, [b"s"]))
        out.append(exit_rec(2 * i + 1, pid, 1, 0))
    return b"".join(out)


def reuse():
    """PID 500 (a recorded sh) exits; later an unrecorded process gets
    PID 500 and runs PID 600: 600 must not be drawn under the old 500.
    PID 700 runs while 500 is alive: it is 500's child."""
    return header() + b"".join([
        execve(0, 500, 1, [b"sh"]),
        execve(10, 700, 500, [b"child"]),
        exit_rec(20, 700, 500, 0),
        exit_rec(30, 500, 1, 0),
        execve(1000, 600, 500, [b"orphan"]),
        exit_rec(1010, 600, 500, 0),
    ])


def payload():
    """A wrapped cat of a capture: its stdout record holds pcap records."""
    inner = conc(3)
    return header() + b"".join([
        execve(0, 800, 1, [b"cat", b"x.pcap"]),
        record(1, 800, 1, STDOUT, inner[:8000]),
        exit_rec(2, 800, 1, 0),
        execve(3, 801, 1, [b"true"]),
        exit_rec(4, 801, 1, 0),
    ])


def payload_cut():
    """A wrapped cat of a capture as the last record, its payload cut in
    the middle of a frame of the capture it holds (as pipe reads cut
    it): that frame reaches 982 bytes past the end of the record."""
    inner = b"".join(record(i, 700, 1, STDOUT, bytes([65 + i]) * 3000)
                     for i in range(3))
    return header() + b"".join([
        execve(0, 800, 1, [b"cat", b"x.pcap"]),
        record(1, 800, 1, STDOUT, inner[:8192]),
    ])


def payload_stale():
    """payload_cut() whose capture is an older one, and after the record
    the rest of that older capture, as a power cut's stale blocks of it
    leave it: the frames in the payload chain on past the record's end
    into the stale records, which are older than the record."""
    inner = b"".join(record(i - 10000000, 700, 1, STDOUT,
                            bytes([65 + i]) * 3000) for i in range(6))
    return header() + b"".join([
        execve(0, 800, 1, [b"cat", b"x.pcap"]),
        record(1, 800, 1, STDOUT, inner[:8192]),
    ]) + inner[8192:]


def after(how, data):
    """Damage after the end: a power cut's zeros, junk, or another
    file's stale records, not on a record boundary."""
    if how == "zeros":
        return data + bytes(700)
    if how == "junk":
        rnd = random.Random(11)
        return data + bytes(rnd.randrange(256) for _ in range(700))
    if how == "stale":
        return data + conc(40)[1001:1040] + seq(3)[24:]
    sys.exit("after: unknown HOW " + how)


def payload_more():
    """payload(), then 20 more processes: a tear in the big record is
    followed by more than the rest of its length."""
    return payload() + b"".join(
        execve(10 + 2 * i, 900 + i, 1, [b"q%d" % i]) +
        exit_rec(11 + 2 * i, 900 + i, 1, 0) for i in range(20))


def boundaries(data):
    """The offset of every record."""
    off, out = 24, []
    while off < len(data):
        out.append(off)
        off += 16 + struct.unpack("<I", data[off + 8:off + 12])[0]
    return out


def damage(how, data, k=None):
    b = boundaries(data) + [len(data)]
    k = (len(b) - 1) // 2 if k is None else k - 1
    off = b[k]
    if how == "zeros":
        return data[:off] + bytes(512) + data[off:], (off, 512, 0, k + 1)
    if how == "junk":
        rnd = random.Random(7)
        junk = bytes(rnd.randrange(256) for _ in range(300))
        return data[:off] + junk + data[off:], (off, 300, 0, k + 1)
    if how == "torn":
        size = b[k + 1] - off
        return (data[:off + size // 2] + data[off + size:],
                (off, size // 2, 1, k + 1))
    if how == "tail":
        return data + bytes(512), (len(data), 512, 0, k + 1)
    if how == "hdr":
        data = bytearray(data)
        data[off + 16 + 14 + 10] ^= 0xff
        return bytes(data), (off, b[k + 1] - off, 1, k + 1)
    sys.exit("damage: unknown HOW " + how)


def main(a):
    if a[0] == "damage":
        out, what = damage(a[1], open(a[2], "rb").read(),
                           int(a[4]) if len(a) > 4 else None)
        open(a[3], "wb").write(out)
        print(*what)
        return
    if a[0] == "after":
        open(a[3], "wb").write(after(a[1], open(a[2], "rb").read()))
        return
    if a[0] == "drop":
        data = open(a[1], "rb").read()
        b = boundaries(data) + [len(data)]
        k = int(a[3]) - 1
        open(a[2], "wb").write(data[:b[k]] + data[b[k + 1]:])
        return
    if a[0] in ("conc", "seq"):
        data = (conc if a[0] == "conc" else seq)(int(a[1]))
        out = a[2]
    else:
        data = {"reuse": reuse, "payload": payload,
                "payload-more": payload_more, "payload-cut": payload_cut,
                "payload-stale": payload_stale}[a[0]]()
        out = a[1]
    open(out, "wb").write(data)


if __name__ == "__main__":
    main(sys.argv[1:])
