#!/usr/bin/python3
"""stress-magic.py FILE

Walks FILE record by record (24-byte global header, then 16-byte record
headers and their incl_len bytes) and prints the offsets, among offset 0
and every record boundary, where the global header magic d4c3b2a1 starts,
one per line.  A file with exactly one global header prints "0" alone.
"""
import struct
import sys

MAGIC = b"\xd4\xc3\xb2\xa1"


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    hits = [0] if data[:4] == MAGIC else []
    off = 24
    while off + 16 <= len(data):
        if data[off:off + 4] == MAGIC:
            hits.append(off)
        incl = struct.unpack_from("<I", data, off + 8)[0]
        off += 16 + incl
    for h in hits:
        print(h)
    return 0


if __name__ == "__main__":
    sys.exit(main())
