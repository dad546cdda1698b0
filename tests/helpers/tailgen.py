"""tailgen.py - thousands of damaged capture tails for tests/tail.test.

usage: tailgen.py CHECKER DIR COUNT SEED

Builds COUNT captures in DIR, each a run of good records followed by a
tail of one kind (what a fault leaves: nothing, zeros, junk, a torn
record, a torn record then zeros, bytes of another capture, junk then a
record appended after it, a long run of zeros, a power cut's zeros then
stale blocks of an older capture, the same with a record of this file
after them, a chain whose later records are stamped before its first as
on a board whose clock was set back), with payloads that are
text, binary ending in zeros, exit statuses, or slices of other
captures (a wrapped cat of a pcap), nested once. CHECKER (tail_check)
repairs each as a writer would and prints the size left; the sizes are
held against tests/helpers/tailrule.py and against the truth the
generator knows. Prints one line per finding, then a summary:
  cases N differ N cutgood N exact N kept-damage N
(exact: cut at the end of the good records, the last record of this file
for stale+good and clock-reset; kept-damage: the file does not
chain from its header to its end after the repair) and one line per tail
kind.
"""
import os
import random
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tailrule  # noqa: E402

GLOBAL = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")


def ip_sum(ip):
    s = sum(struct.unpack(">10H", ip))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


# the clock as the writer reads it; records are stamped far from now and
# from the boot's start, so the two readings (here, in the writer) agree
NOW, BOOT = tailrule.clock()
# another capture's records (stale blocks, payloads of a wrapped cat) are
# older than this file's, which start at a random moment after them
OLD = NOW - 400000000


def record(rng, payload, event=None, pid=None, ts=None):
    pid = rng.randrange(2, 1 << 22) if pid is None else pid
    ppid = rng.randrange(1, 1 << 22)
    event = rng.choice([0, 1, 2, 3]) if event is None else event
    n = len(payload)
    ts = OLD + rng.randrange(100000000) if ts is None else ts
    ts = struct.pack("<IIII", ts, rng.randrange(1000000), 42 + n, 42 + n)
    ip = bytearray(struct.pack(">BBHHHBBH", 0x45, 0, 28 + n, 0, 0, 64, 17, 0))
    ip += bytes([10, pid >> 16 & 255, pid >> 8 & 255, pid & 255,
                 10, ppid >> 16 & 255, ppid >> 8 & 255, ppid & 255])
    struct.pack_into(">H", ip, 10, ip_sum(bytes(ip)))
    udp = struct.pack(">HHHH", pid & 0xFFFF, event, 8 + n, 0)
    return ts + tailrule.ETH + bytes(ip) + udp + payload


def small_capture(rng, count):
    out = bytearray(GLOBAL)
    for _ in range(count):
        kind = rng.random()
        if kind < 0.3:
            out += record(rng, b"\0\0\0\0", 4)
        elif kind < 0.6:
            out += record(rng, bytes(rng.randrange(256)
                                     for _ in range(rng.randrange(1, 80))))
        elif kind < 0.9:
            out += record(rng, b"x" * rng.randrange(1, 400))
        else:
            out += record(rng, b"y" * rng.randrange(4000, 8193))
    return bytes(out)


class Stock:
    """captures to take payload slices from: a wrapped cat of them"""
    def __init__(self, rng):
        self.inner = small_capture(rng, 400)
        outer = bytearray(GLOBAL)
        pos = 0
        while pos < len(self.inner):
            chunk = self.inner[pos:pos + 8192]
            outer += record(rng, chunk, 1, 777)
            pos += len(chunk)
        self.outer = bytes(outer)

    def slice(self, rng, n):
        src = self.outer if rng.random() < 0.25 else self.inner
        at = rng.randrange(0, len(src) - n) if len(src) > n else 0
        return src[at:at + n]


def payload(rng, stock):
    kind = rng.random()
    big = rng.random() < 0.35
    n = 8192 if big and rng.random() < 0.7 else rng.randrange(1, 8193 if big else 700)
    if kind < 0.35:
        return stock.slice(rng, n), None
    if kind < 0.5:
        return b"\0\0\0\0", 4
    if kind < 0.65:
        body = bytes(rng.randrange(256) for _ in range(min(n, 64)))
        zeros = rng.randrange(1, 3000)
        return (body * (n // len(body)) + bytes(zeros))[-n:], None
    return bytes(rng.randrange(32, 127) for _ in range(min(n, 97))) * \
        (n // min(n, 97) or 1), None


class Clock:
    """this file's timestamps: they never run backwards"""
    def __init__(self, rng, start):
        self.rng = rng
        self.t = start

    def __call__(self):
        self.t += self.rng.randrange(1, 3)
        return self.t


def good_records(rng, stock, clock):
    out = bytearray(GLOBAL)
    for _ in range(rng.randrange(1, 9)):
        p, ev = payload(rng, stock)
        out += record(rng, p, ev, ts=clock())
    return bytes(out)


def stale(rng, stock):
    """what a power cut shows past the last record: zeros to the end
    of its block, then the blocks of a deleted older capture"""
    src = stock.outer if rng.random() < 0.5 else stock.inner
    at = rng.randrange(24, len(src) // 2)
    return bytes(rng.randrange(4096)) + \
        src[at:at + rng.randrange(1000, len(src) - at)]


def tail(rng, stock, kind, clock):
    if kind == "clean":
        return b""
    if kind == "zeros":
        return bytes(rng.choice([rng.randrange(1, 64), rng.randrange(1, 20000)]))
    if kind == "junk":
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
    p, ev = payload(rng, stock)
    rec = record(rng, p, ev)
    torn = rec[:rng.randrange(1, len(rec))]
    if kind == "torn":
        return torn
    if kind == "torn+zeros":
        return torn + bytes(rng.randrange(1, 9000))
    if kind == "other-file":
        return stock.slice(rng, rng.randrange(1, 12000))
    if kind == "junk+record":
        junk = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 2000)))
        return junk + record(rng, b"appended after the damage", ts=clock())
    if kind == "long-zeros":
        return bytes(rng.randrange(40000, 120000))
    if kind == "stale":
        return stale(rng, stock)
    if kind == "stale+good":
        # this file's writers went on after the damage: a gap
        return stale(rng, stock) + record(rng, b"written after", ts=clock())
    if kind == "clock-reset":
        # a board without a real-time clock: the first record is dated
        # after now, the later ones before this boot; the chain is whole
        out = bytearray()
        t = BOOT - rng.randrange(100000, 10000000)
        for _ in range(rng.randrange(1, 5)):
            p, ev = payload(rng, stock)
            out += record(rng, p, ev, ts=t)
            t += rng.randrange(3)
        return bytes(out)
    raise ValueError(kind)


def valid(data):
    """the records chain from the global header to the end exactly"""
    off = 24
    while off < len(data):
        n = tailrule.whole(data, off, len(data))
        if not n:
            return False
        off += n
    return True


KINDS = ["clean", "zeros", "junk", "torn", "torn+zeros", "other-file",
         "junk+record", "long-zeros", "stale", "stale+good", "clock-reset"]


def main():
    checker, tmp, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    stock = Stock(rng)
    cases = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        if kind == "clock-reset":
            clock = Clock(rng, NOW + rng.randrange(1000000, 100000000))
        else:
            clock = Clock(rng, NOW - rng.randrange(1000000, 100000000))
        good = good_records(rng, stock, clock)
        data = good + tail(rng, stock, kind, clock)
        # the good records: up to the last one of this file
        keep = len(data) if kind in ("stale+good", "clock-reset") else len(good)
        path = os.path.join(tmp, "c%05d.pcap" % i)
        with open(path, "wb") as f:
            f.write(data)
        cases.append((path, kind, keep, data))
    res = subprocess.run([checker], input="".join(c[0] + "\n" for c in cases),
                         capture_output=True, text=True, check=True)
    sizes = res.stdout.split("\n")
    differ = cutgood = exact = kept = 0
    per = {k: [0, 0, 0, 0] for k in KINDS}
    for (path, kind, good, data), got in zip(cases, sizes):
        want = tailrule.cut(data, NOW, BOOT)
        if got != str(want):
            differ += 1
            print("differs: %s (%s): writer left %s bytes, the rule says %d"
                  % (path, kind, got, want))
            continue
        size = int(got)
        per[kind][0] += 1
        if size < good:
            cutgood += 1
            print("cut a good record: %s (%s): %d bytes left, good records end at %d"
                  % (path, kind, size, good))
        elif size == good or (kind == "junk+record" and size == len(data)):
            exact += 1
            per[kind][1] += 1
        elif valid(data[:size]):
            per[kind][2] += 1
        else:
            kept += 1
            per[kind][3] += 1
        os.unlink(path)
    print("cases %d differ %d cutgood %d exact %d kept-damage %d"
          % (len(cases), differ, cutgood, exact, kept))
    for k in KINDS:
        print("kind %s: %d cases, %d exact, %d valid with more kept, %d damage kept"
              % (k, per[k][0], per[k][1], per[k][2], per[k][3]))


if __name__ == "__main__":
    main()
