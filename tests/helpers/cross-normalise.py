#!/usr/bin/python3
"""cross-normalise.py IN OUT - a stdiocap capture with timestamps and PIDs made
comparable, for tests/cross.test's byte-order proof.

Changes exactly these fields and nothing else:
  - ts_sec and ts_usec of every record header: zero;
  - the PID in the IPv4 source address (10.A.B.C), the UDP source port and
    the parent PID in the IPv4 destination (10.D.E.F, lineage): the N-th
    distinct PID in file order (source before destination) becomes N, and
    the parent 0 of PID 1 stays 0;
  - the IPv4 header checksum: recomputed for the new source address.
Every other byte (global header, incl_len/orig_len, Ethernet, the rest of
IPv4 and UDP, payloads) is copied unchanged, so two captures of the same
session made on hosts of different byte order must come out identical.
Reads the record layout with explicit little-endian lengths; exits 1 on a
truncated file.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capforge import checksum as ip_checksum  # noqa: E402

GLOBAL_LEN = 24
REC_HDR = struct.Struct("<IIII")
ETH_LEN = 14
IP_LEN = 20


def normalise(data):
    if len(data) < GLOBAL_LEN:
        raise ValueError("short global header")
    out = bytearray(data[:GLOBAL_LEN])
    pids = {}
    off = GLOBAL_LEN
    while off < len(data):
        if len(data) - off < REC_HDR.size:
            raise ValueError("truncated record header at offset %d" % off)
        _, _, incl, orig = REC_HDR.unpack_from(data, off)
        pkt = bytearray(data[off + REC_HDR.size:off + REC_HDR.size + incl])
        if len(pkt) != incl or incl < ETH_LEN + IP_LEN + 8:
            raise ValueError("truncated record at offset %d" % off)
        ip = ETH_LEN
        pid = int.from_bytes(pkt[ip + 13:ip + 16], "big")
        new = pids.setdefault(pid, len(pids) + 1)
        pkt[ip + 13:ip + 16] = new.to_bytes(3, "big")          # 10.A.B.C
        pkt[ip + IP_LEN:ip + IP_LEN + 2] = (new & 0xffff).to_bytes(2, "big")  # sport
        ppid = int.from_bytes(pkt[ip + 17:ip + 20], "big")
        if ppid:
            ppid = pids.setdefault(ppid, len(pids) + 1)
        pkt[ip + 17:ip + 20] = ppid.to_bytes(3, "big")          # 10.D.E.F
        pkt[ip + 10:ip + 12] = b"\0\0"
        pkt[ip + 10:ip + 12] = ip_checksum(bytes(pkt[ip:ip + IP_LEN])).to_bytes(2, "big")
        out += REC_HDR.pack(0, 0, incl, orig) + pkt
        off += REC_HDR.size + incl
    return bytes(out)


def main(argv):
    if len(argv) != 3:
        print("usage: cross-normalise.py IN OUT", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        data = f.read()
    try:
        out = normalise(data)
    except ValueError as exc:
        print("cross-normalise.py: %s: %s" % (argv[1], exc), file=sys.stderr)
        return 1
    with open(argv[2], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
