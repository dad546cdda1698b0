#!/usr/bin/python3
"""fault-mkcap.py SIZE FILE

Writes FILE as a valid stdiocap capture of exactly SIZE bytes (SIZE >= 153):
the global header, then one process (pid 4242, argv "filler", no env)
with an execve record, stdout records padding the file to SIZE, and an
exit record (status 0).  faults.test uses it to leave a chosen number of
bytes below a size cap.
"""
import struct
import sys

ETH = bytes.fromhex("024341500000" "02535444494f" "0800")
DST = bytes([10, 255, 255, 254])
PID = 4242


def checksum(hdr):
    total = sum(struct.unpack(">10H", hdr))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def record(event, payload):
    src = bytes([10, PID >> 16 & 255, PID >> 8 & 255, PID & 255])
    ip = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), 0, 0,
                               64, 17, 0, src, DST))
    ip[10:12] = struct.pack(">H", checksum(bytes(ip)))
    udp = struct.pack(">HHHH", PID & 0xffff, event, 8 + len(payload), 0)
    frame = ETH + bytes(ip) + udp + payload
    return struct.pack("<IIII", 1700000000, 0, len(frame), len(frame)) + frame


def main():
    size, path = int(sys.argv[1]), sys.argv[2]
    head = struct.pack("<4sHHiIII", b"\xd4\xc3\xb2\xa1", 2, 4, 0, 0, 65535, 1)
    execve = record(3, b"filler\0\0\0")
    exit_rec = record(4, b"\0\0\0\0")
    left = size - len(head) - len(execve) - len(exit_rec)
    if left < 0 or 0 < left < 59:
        sys.exit("fault-mkcap.py: cannot make a capture of %d bytes" % size)
    body = []
    while left:
        p = min(8192, left - 58)
        if 0 < left - 58 - p < 59:       # keep room for one more record
            p -= 59
        body.append(record(1, b"x" * p))
        left -= 58 + p
    with open(path, "wb") as f:
        f.write(head + execve + b"".join(body) + exit_rec)


if __name__ == "__main__":
    main()
