"""capforge.py - stdiocap records built byte for byte as
doc/capture-format.md describes them (independently of libstdiocap), for
the scripts that craft or rewrite captures: tests/fuzz/mkcap.py and, in
tests/helpers, reader-mkcap.py, chart-mkcap.py, fault-mkcap.py,
cross-normalise.py and netcap.py (its forged farm). A module, never run; each of them is run by path
from any directory, so it finds this one next to its own file:

    sys.path.insert(0, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), ...))

(python3 stdlib only; tests/pcapcheck.py, the independent reader, keeps
its own code on purpose.)
"""

import struct

T0 = 1700000000                 # 2023-11-14 22:13:20 UTC: t_us counts from it
ETH = bytes.fromhex("024341500000" "02535444494f" "0800")
STDIN, STDOUT, STDERR, EXECVE, EXIT = range(5)
NO_PARENT = 0xfffffe            # 10.255.255.254: captures before the lineage


def global_header(magic=0xa1b2c3d4, major=2, minor=4, link=1, endian="<"):
    return struct.pack(endian + "IHHiIII", magic, major, minor, 0, 0, 65535, link)


def checksum(hdr):
    """The IPv4 header checksum of the 20 bytes hdr."""
    total = sum(struct.unpack(">10H", hdr))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def addr(pid):
    """10.A.B.C: a PID (or a parent PID) as an IPv4 address."""
    return bytes([10, pid >> 16 & 255, pid >> 8 & 255, pid & 255])


def frame(pid, ppid, event, payload):
    """Ethernet, IPv4 (from pid, to its parent ppid) and UDP, then payload."""
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), 0, 0, 64,
                     17, 0, addr(pid), addr(ppid))
    ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
    udp = struct.pack(">HHHH", pid & 0xffff, event, 8 + len(payload), 0)
    return ETH + ip + udp + payload


def record(t_us, pid, ppid, event, payload):
    """One pcap record at T0 + t_us microseconds."""
    data = frame(pid, ppid, event, payload)
    sec, usec = divmod(T0 * 1000000 + t_us, 1000000)
    return struct.pack("<IIII", sec, usec, len(data), len(data)) + data


def blob(argv, env):
    return b"".join(a + b"\0" for a in argv) + b"\0" + \
        b"".join(e + b"\0" for e in env) + b"\0"


def execve(t_us, pid, ppid, argv, env):
    """The execve records of one process: split at 8192 bytes
    (doc/capture-format.md §5 "Split into records")."""
    b = blob(argv, env)
    return b"".join(record(t_us, pid, ppid, EXECVE, b[i:i + 8192])
                    for i in range(0, len(b), 8192))


def exit_rec(t_us, pid, ppid, status):
    return record(t_us, pid, ppid, EXIT, struct.pack(">I", status))
