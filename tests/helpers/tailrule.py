"""tailrule.py - the writer's torn-tail rule (doc/capture-format.md §7.2),
written again from the document, for tests/tail.test to hold the C code
(libstdiocap/frame.c frame_tail_cut, capfile.c tail_cut) against.

cut(data) -> the size the file must have after the repair (len(data):
nothing cut), data being the whole file, global header included; the
clock (now, boot start) as the writer would read it.
"""
import re
import struct
import time

GLOBAL = 24
HEAD = 58
PAYLOAD_MAX = 8192
REC_MAX = HEAD + PAYLOAD_MAX
ZEROS_MAX = 1 << 20
ETH = bytes([0x02, 0x43, 0x41, 0x50, 0, 0, 0x02, 0x53, 0x54, 0x44, 0x49,
             0x4F, 0x08, 0x00])


def _ip_sum_ok(ip):
    s = sum(struct.unpack(">10H", ip))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s == 0xFFFF


def _pcap_ok(w, o):
    """payload length of the pcap record header at o, or None"""
    incl, orig = struct.unpack_from("<II", w, o + 8)
    usec = struct.unpack_from("<I", w, o + 4)[0]
    if incl != orig or not 42 <= incl <= 42 + PAYLOAD_MAX or usec >= 1000000:
        return None
    return incl - 42


def _net_ok(w, o, plen):
    ip, udp = o + 30, o + 50
    if w[o + 16:o + 30] != ETH or w[ip] != 0x45 or w[ip + 9] != 17:
        return False
    if struct.unpack_from(">H", w, ip + 2)[0] != 28 + plen:
        return False
    if not _ip_sum_ok(w[ip:ip + 20]) or w[ip + 12] != 10 or w[ip + 16] != 10:
        return False
    if w[udp:udp + 2] != w[ip + 14:ip + 16]:
        return False
    if struct.unpack_from(">H", w, udp + 4)[0] != 8 + plen:
        return False
    dport = struct.unpack_from(">H", w, udp + 2)[0]
    return dport < 4 or (dport == 4 and plen == 4)


def whole(w, o, n):
    """length of the whole valid record at w[o:], within w[:n], or 0"""
    if o + HEAD > n:
        return 0
    plen = _pcap_ok(w, o)
    if plen is None or o + HEAD + plen > n or not _net_ok(w, o, plen):
        return 0
    return HEAD + plen


def prefix(w, o, m):
    """w[o:o+m] is a valid record cut short"""
    if m < 16:
        if m >= 8 and struct.unpack_from("<I", w, o + 4)[0] >= 1000000:
            return False
        if m >= 12:
            incl = struct.unpack_from("<I", w, o + 8)[0]
            return 42 <= incl <= 42 + PAYLOAD_MAX
        return True
    plen = _pcap_ok(w, o)
    if plen is None or m >= HEAD + plen:
        return False
    if m >= HEAD:
        return _net_ok(w, o, plen)
    k = min(m, 30) - 16
    return w[o + 16:o + 16 + k] == ETH[:k]


def window_cut(w, nz, at_boundary):
    """index in w where the file ends after the repair, or None (keep)"""
    n = len(w)
    has_record_after = {}

    def record_after(p):
        if p not in has_record_after:
            has_record_after[p] = any(whole(w, q, n)
                                      for q in range(p + 1, nz))
        return has_record_after[p]

    # every chain that covers the window, and where it ends
    starts = [0] if at_boundary else range(min(REC_MAX, n))
    ends = set()
    for o in starts:
        if not at_boundary and not whole(w, o, n):
            continue
        p = o
        while True:
            ln = whole(w, p, n)
            if not ln:
                break
            p += ln
        ends.add(p)
    explained = [p for p in ends if p >= nz or prefix(w, p, nz - p)]
    if explained:
        return max(explained)
    junk = [p for p in ends if not record_after(p)]
    return max(junk) if junk else None


def window(data):
    """(end, unsure): where the window's rule (§7.2) ends the file, and
    whether it could not decide (zeros too long, no chain end kept)"""
    size = len(data)
    nz = size
    while nz > GLOBAL and data[nz - 1] == 0:
        nz -= 1
    # the writer reads zeros back in pieces of a maximum record, until
    # it has read ZEROS_MAX: a longer run is kept whole
    piece = REC_MAX
    if nz > GLOBAL and nz <= size - -(-ZEROS_MAX // piece) * piece:
        return size, True
    lo = max(GLOBAL, nz - 3 * REC_MAX)
    hi = min(size, nz + REC_MAX)
    c = window_cut(data[lo:hi], nz - lo, lo == GLOBAL)
    return (size, True) if c is None else (lo + c, False)


def header(w, o):
    """(sec, usec) of a valid 58-byte record header at o, or None"""
    if o + HEAD > len(w):
        return None
    plen = _pcap_ok(w, o)
    if plen is None or not _net_ok(w, o, plen):
        return None
    return struct.unpack_from("<II", w, o)


_MAYBE = re.compile(rb"(?s)(?=.{8}(..)\0\0\1\0\0)")


def _maybe(w, lo, hi):
    """offsets o in [lo, hi) whose incl_len == orig_len < 64 KiB, the
    first thing a valid record header needs (fast, in C)"""
    return (lo + m.start() for m in _MAYBE.finditer(w[lo:hi + HEAD]))


def ending(w, end):
    """(sec, usec) of the longest whole valid record ending at end"""
    for p in _maybe(w, max(GLOBAL, end - REC_MAX), end - HEAD + 1):
        if p + HEAD <= end and whole(w, p, end) == end - p:
            return header(w, p)
    return None


def clock():
    """(now, boot start), whole seconds of the wall clock"""
    now = time.time()
    return int(now), int(now - time.clock_gettime(time.CLOCK_BOOTTIME))


def cut(data, now=None, boot=None):
    """§7.5 on top of §7.2: a tail that may be another file's makes the
    writer walk the records from the header to the first break, and
    cut there when nothing after it can be this file's"""
    size = len(data)
    if size <= GLOBAL:
        return size
    if now is None:
        now, boot = clock()
    end, unsure = window(data)
    first = header(data, GLOBAL)
    if first is None:
        return end
    since = boot if now < first[0] else float("inf")
    if not unsure:
        last = ending(data, end) if end > GLOBAL else None
        if last is None or not (last < first and last[0] < since):
            return end
    pos, good = GLOBAL, None
    while pos + HEAD <= size:
        st = header(data, pos)
        ln = whole(data, pos, size)
        if st is None or not ln:
            break
        good = st
        pos += ln
    if pos >= size or good is None:
        return end
    # the furthest end of a whole record after the break that could
    # be this file's (a torn one is no good record): none, cut at the break; else cut where the window
    # says if that is past them, else nothing
    ours = 0
    for q in _maybe(data, pos, size - HEAD + 1):
        st = header(data, q)
        ln = whole(data, q, size)
        if st is not None and ln and (st >= good or st[0] >= since):
            ours = max(ours, q + ln)
    if not ours:
        return pos
    return end if ours <= end else size
