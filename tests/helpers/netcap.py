#!/usr/bin/python3
"""netcap.py - the tests' own, independent reader of a collector's capture
(doc/network.md): what tcpdump or dumpcap saved on the host while boards
sent their records as VXLAN datagrams; and a forger of a small one.

Usage: netcap.py COMMAND ARGS
  collect OUT MARKER   copy a classic pcap stream from stdin (tcpdump -U
                       -w -) to OUT; stop once a packet holding the bytes
                       MARKER is written (the test's sentinel: the end of
                       what it sent has reached the collector)
  send ADDR PORT TEXT  one UDP datagram TEXT to ADDR (IPv4 or IPv6) PORT
  boards FARM          the outer source address of every board, sorted
  inner FARM OUT [ADDR]
                       the stdiocap records the boards sent (board ADDR
                       only), as a stdiocap capture OUT that
                       tests/pcapcheck.py can check; the collector's
                       timestamps
  loss FARM [ADDR]     one line "BOARD PID N" per process instance that
                       lost N records (gaps in its sequence numbers)
  farm OUT ADDR...     forges a collector's pcap (Ethernet, IPv4, VXLAN
                       on 4789): on each board ADDR (IPv4) the same
                       process, PID 1 `true` exiting 0, the boards'
                       records interleaved

FARM is pcap (either byte order, micro- or nanoseconds) or pcapng, with
Ethernet, Linux cooked (SLL) or cooked v2 (SLL2) links; VXLAN is found on
any UDP port, other traffic is skipped.
"""
import ipaddress
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capforge  # noqa: E402

STDIOCAP_ETH = bytes.fromhex("024341500000" "02535444494f" "0800")


def packets(data):
    """(sec, usec, linktype, bytes) of every packet of a pcap or pcapng."""
    magic = data[:4]
    if magic == b"\x0a\x0d\x0d\x0a":
        yield from pcapng_packets(data)
        return
    for endian in "<>":
        m = struct.unpack(endian + "I", magic)[0]
        if m in (0xa1b2c3d4, 0xa1b23c4d):
            break
    else:
        raise SystemExit("netcap: not a pcap or pcapng file")
    nano = m == 0xa1b23c4d
    link = struct.unpack_from(endian + "I", data, 20)[0] & 0x0fffffff
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack_from(endian + "IIII", data, off)
        yield sec, frac // 1000 if nano else frac, link, data[off + 16:off + 16 + incl]
        off += 16 + incl


def pcapng_packets(data):
    endian, links, res = "<", [], []
    off = 0
    while off + 12 <= len(data):
        btype = struct.unpack_from(endian + "I", data, off)[0]
        if btype == 0x0a0d0d0a:
            endian = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links, res = [], []
        blen = struct.unpack_from(endian + "I", data, off + 4)[0]
        body = data[off + 8:off + blen - 4]
        if btype == 1:                           # interface description
            links.append(struct.unpack_from(endian + "H", body, 0)[0])
            res.append(6)
            opt = 8
            while opt + 4 <= len(body):
                code, olen = struct.unpack_from(endian + "HH", body, opt)
                if code == 0:
                    break
                if code == 9:                    # if_tsresol
                    r = body[opt + 4]
                    res[-1] = r if r < 128 else None
                opt += 4 + ((olen + 3) & ~3)
        elif btype == 6:                         # enhanced packet
            ifid, hi, lo, cap = struct.unpack_from(endian + "IIII", body, 0)
            ts = (hi << 32) | lo
            digits = res[ifid] if res[ifid] is not None else 6
            usec = ts * 10 ** 6 // 10 ** digits
            yield usec // 10 ** 6, usec % 10 ** 6, links[ifid], body[20:20 + cap]
        off += blen


def outer_ip(link, pkt):
    """(source address text, IP packet) or None."""
    if link == 1:                                # Ethernet, VLAN tags skipped
        et, off = struct.unpack_from(">H", pkt, 12)[0], 14
        while et in (0x8100, 0x88a8) and len(pkt) >= off + 4:
            et, off = struct.unpack_from(">H", pkt, off + 2)[0], off + 4
    elif link == 113:                            # Linux cooked v1
        et, off = struct.unpack_from(">H", pkt, 14)[0], 16
    elif link == 276:                            # Linux cooked v2
        et, off = struct.unpack_from(">H", pkt, 0)[0], 20
    else:
        return None
    ip = pkt[off:]
    if et == 0x0800 and len(ip) >= 20 and ip[0] >> 4 == 4 and ip[9] == 17:
        frag = struct.unpack_from(">H", ip, 6)[0]
        if frag & 0x3fff:
            return None
        hl = (ip[0] & 15) * 4
        return str(ipaddress.IPv4Address(ip[12:16])), ip[hl:]
    if et == 0x86dd and len(ip) >= 40 and ip[6] == 17:
        return str(ipaddress.IPv6Address(ip[8:24])), ip[40:]
    return None


def records(data, board=None):
    """(board, sec, usec, inner frame) of every stdiocap datagram."""
    for sec, usec, link, pkt in packets(data):
        got = outer_ip(link, pkt)
        if not got:
            continue
        src, udp = got
        if board is not None and src != board:
            continue
        vx = udp[8:]
        if len(vx) < 8 + 42 or vx[0] & 0x08 == 0 or vx[8:22] != STDIOCAP_ETH:
            continue
        yield src, sec, usec, vx[8:]


def inner(farm, out, board=None):
    with open(farm, "rb") as f:
        data = f.read()
    res = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
    for _src, sec, usec, frame in records(data, board):
        res.append(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)
    with open(out, "wb") as f:
        f.write(b"".join(res))


def loss(farm, board=None):
    with open(farm, "rb") as f:
        data = f.read()
    last, lost = {}, {}
    for src, _s, _u, frame in records(data, board):
        seq = struct.unpack_from(">H", frame, 18)[0]
        pid = int.from_bytes(frame[27:30], "big")
        event = struct.unpack_from(">H", frame, 36)[0]
        key = (src, pid)
        if key in last and last[key] is not None:
            gap = (seq - last[key] - 1) & 0xffff
            lost[key] = lost.get(key, 0) + gap
        last[key] = None if event == 4 else seq
        lost.setdefault(key, 0)
    for (src, pid), n in sorted(lost.items()):
        if n:
            print(src, pid, n)


def collect(out, marker):
    src = sys.stdin.buffer
    with open(out, "wb") as f:
        head = src.read(24)
        f.write(head)
        f.flush()
        endian = "<" if head[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        while True:
            rec = src.read(16)
            if len(rec) < 16:
                raise SystemExit("netcap: the collector ended before the marker")
            incl = struct.unpack_from(endian + "I", rec, 8)[0]
            pkt = src.read(incl)
            f.write(rec + pkt)
            f.flush()       # a reader may follow the file as it grows
            if marker in pkt:
                return


def send(addr, port, text):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.sendto(text.encode(), (addr, int(port)))


def datagram(board, frame):
    """Ethernet, IPv4 from board to 10.77.0.1, UDP to 4789, VXLAN (VNI
    0), then the forged frame."""
    vx = bytes([8, 0, 0, 0, 0, 0, 0, 0]) + frame
    udp = struct.pack(">HHHH", 40000, 4789, 8 + len(vx), 0) + vx
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                     0, ipaddress.IPv4Address(board).packed,
                     bytes([10, 77, 0, 1]))
    ip = ip[:10] + struct.pack(">H", capforge.checksum(ip)) + ip[12:]
    return bytes.fromhex("020000000001" "020000000002" "0800") + ip + udp


def farm(out, boards):
    # tcpdump's snapshot length (a stdiocap file has 65535)
    res, t = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1)], 0
    events = [(capforge.EXECVE, capforge.blob([b"true"], [b"PATH=/bin"])),
              (capforge.EXIT, struct.pack(">I", 0))]
    for seq, (event, payload) in enumerate(events, 1):
        for board in boards:
            frame = bytearray(capforge.frame(1, 0, event, payload))
            # its sequence number (the inner identification field,
            # doc/capture-format.md §3.5), then the header's checksum again
            frame[18:20] = struct.pack(">H", seq)
            frame[24:26] = b"\0\0"
            frame[24:26] = struct.pack(">H", capforge.checksum(bytes(frame[14:34])))
            pkt = datagram(board, bytes(frame))
            sec, usec = divmod(capforge.T0 * 1000000 + t, 1000000)
            res.append(struct.pack("<IIII", sec, usec, len(pkt), len(pkt)) + pkt)
            t += 1000
    with open(out, "wb") as f:
        f.write(b"".join(res))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "collect":
        collect(args[0], args[1].encode())
    elif cmd == "send":
        send(*args)
    elif cmd == "boards":
        with open(args[0], "rb") as f:
            for b in sorted({src for src, _s, _u, _f in records(f.read())}):
                print(b)
    elif cmd == "inner":
        inner(args[0], args[1], args[2] if len(args) > 2 else None)
    elif cmd == "farm":
        farm(args[0], args[1:])
    elif cmd == "loss":
        loss(args[0], args[1] if len(args) > 1 else None)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
