#!/usr/bin/python3
"""Strict, independent reader/validator of stdiocap capture files.

Usage: pcapcheck.py FILE [--dump DIR] [--require-exit] [--expect-procs N] [--summary]

FILE may be '-' for stdin.  Every field of the capture format is checked; the
first violation is reported on stderr as
    pcapcheck: FILE: record K at offset O: WHAT
(K counts records from 1, like Wireshark frame numbers; O is the byte offset
of the record header) and the exit status is 1.  Importable: read_capture()
returns the process instances and raises CaptureError on violations.
"""

import argparse
import os
import struct
import sys

GLOBAL_MAGIC = b"\xd4\xc3\xb2\xa1"              # 0xa1b2c3d4 little-endian
GLOBAL_HDR = struct.Struct("<4sHHiIII")          # magic ver_maj ver_min zone sigfigs snaplen network
REC_HDR = struct.Struct("<IIII")                 # ts_sec ts_usec incl_len orig_len
IP_HDR = struct.Struct(">BBHHHBBH4s4s")
UDP_HDR = struct.Struct(">HHHH")
ETH_HDR = bytes.fromhex("024341500000" "02535444494f" "0800")   # dst, src MAC, IPv4
HDRS_LEN = 14 + 20 + 8
MAX_PAYLOAD = 8192
EV_STDIN, EV_STDOUT, EV_STDERR, EV_EXECVE, EV_EXIT = 0, 1, 2, 3, 4
STREAMS = {EV_STDIN: "stdin", EV_STDOUT: "stdout", EV_STDERR: "stderr"}


class CaptureError(Exception):
    """A violation of the capture format; str() is the full message."""

    def __init__(self, message, record=None, offset=None):
        if record is not None:
            message = "record %d at offset %d: %s" % (record, offset, message)
        super().__init__(message)
        self.record, self.offset = record, offset


def status_text(status):
    """Decode a raw wait status: 'exit N', 'signal S', 'signal S core' or 'running'."""
    if status is None:
        return "running"
    if status & 0x7f == 0:
        return "exit %d" % (status >> 8)
    return "signal %d%s" % (status & 0x7f, " core" if status & 0x80 else "")


def _valid_status(status):
    if status & 0x7f == 0:                       # normal exit: N << 8, N 0..255
        return status & 0xff == 0 and status >> 16 == 0
    return status & 0x7f != 0x7f and status >> 8 == 0   # killed by a signal


def _ip_checksum_ok(header):
    total = sum(struct.unpack(">10H", header))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total == 0xffff


def _parse_blob(blob):
    """Split an execve blob into (argv, env); raise ValueError if malformed.

    The format ends each list with an empty string, so an empty argv
    element is ambiguous (doc/capture-format.md §5, "The ambiguity of
    an empty argument"). The split taken is the first empty
    string after which every string looks like an environment entry
    (contains '='), else the first empty string; for the usual blob both
    are the same."""
    blob = bytes(blob)
    if len(blob) < 2 or not blob.endswith(b"\0\0"):
        raise ValueError("execve blob (%d bytes) does not end with the env terminator"
                         % len(blob))
    items = blob[:-2].split(b"\0") if len(blob) > 2 else []
    if blob == b"\0\0":
        return [], []
    for k, item in enumerate(items):
        if not item and all(b"=" in e for e in items[k + 1:]):
            return items[:k], items[k + 1:]
    if b"" in items:
        k = items.index(b"")
        return items[:k], items[k + 1:]
    raise ValueError("execve blob has no argv terminator")


def _finish_blob(proc):
    try:
        proc["argv"], proc["env"] = _parse_blob(proc["_blob"])
    except ValueError as exc:
        raise CaptureError("pid %d: %s" % (proc["pid"], exc), *proc["_where"]) from None
    proc["_blob"] = None


def _check_global(data):
    if not data:
        raise CaptureError("empty file")
    if len(data) < GLOBAL_HDR.size:
        raise CaptureError("truncated global header (%d bytes)" % len(data))
    magic, vmaj, vmin, zone, sigfigs, snaplen, network = GLOBAL_HDR.unpack_from(data)
    if magic != GLOBAL_MAGIC:
        what = {b"\xa1\xb2\xc3\xd4": "big-endian pcap magic",
                b"\x4d\x3c\xb2\xa1": "nanosecond pcap magic"}.get(magic, "bad magic")
        raise CaptureError("global header: %s %s, expected d4c3b2a1" % (what, magic.hex()))
    for name, got, want in (("version", (vmaj, vmin), (2, 4)), ("thiszone", zone, 0),
                            ("sigfigs", sigfigs, 0), ("snaplen", snaplen, 65535),
                            ("network", network, 1)):
        if got != want:
            raise CaptureError("global header: %s is %s, expected %s" % (name, got, want))


def _check_packet(pkt, fail):
    """Validate Ethernet/IPv4/UDP headers of one record; return (pid, ppid, event, payload).

    ppid is the IPv4 destination 10.D.E.F: the process that ran this one
    (doc/capture-format.md §3.3), 0 for PID 1."""
    plen = len(pkt) - HDRS_LEN
    if pkt[:14] != ETH_HDR:
        fail("bad Ethernet header %s" % pkt[:14].hex())
    ver, tos, tot_len, ident, frag, ttl, proto, ip_csum, src, dst = IP_HDR.unpack_from(pkt, 14)
    for name, got, want in (("version/IHL", ver, 0x45), ("TOS", tos, 0),
                            ("total length", tot_len, 28 + plen),
                            ("flags/fragment", frag, 0), ("TTL", ttl, 64), ("protocol", proto, 17)):
        if got != want:
            fmt = "%#x" if name == "version/IHL" else "%d"
            fail(("IPv4 %s is " + fmt + ", expected " + fmt) % (name, got, want))
    if not _ip_checksum_ok(pkt[14:34]):
        fail("bad IPv4 header checksum %#06x" % ip_csum)
    if dst[0] != 10:
        fail("IPv4 destination %s not in 10.0.0.0/8" % ".".join(map(str, dst)))
    if src[0] != 10:
        fail("IPv4 source %s not in 10.0.0.0/8" % ".".join(map(str, src)))
    pid = int.from_bytes(src[1:], "big")
    if pid == 0:
        fail("IPv4 source 10.0.0.0 encodes pid 0")
    sport, dport, ulen, ucsum = UDP_HDR.unpack_from(pkt, 34)
    if sport != pid & 0xffff:
        fail("UDP source port %d does not match pid %d (expected %d)" % (sport, pid, pid & 0xffff))
    if ulen != 8 + plen:
        fail("UDP length %d, expected %d" % (ulen, 8 + plen))
    if ucsum != 0:
        fail("UDP checksum %#06x, expected 0" % ucsum)
    if dport > EV_EXIT:
        fail("unknown event (UDP destination port %d)" % dport)
    return pid, int.from_bytes(dst[1:], "big"), dport, pkt[HDRS_LEN:]


def read_capture(path_or_bytes, require_exit=False, expect_procs=None):
    """Parse and validate a capture (a path, '-' for stdin, or bytes).

    Returns a list of process-instance dicts in file order (order of their
    first execve record) with keys pid, ppid (who ran it), argv, env (lists of bytes), stdin,
    stdout, stderr (bytes), status (raw wait status int, or None if there is
    no exit record), first_ts, last_ts (float seconds).  Raises CaptureError.
    """
    return read_capture_counted(path_or_bytes, require_exit, expect_procs)[0]


def read_capture_counted(path_or_bytes, require_exit=False, expect_procs=None):
    """Like read_capture(), but return (processes, number of records)."""
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
    elif path_or_bytes == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path_or_bytes, "rb") as f:
            data = f.read()
    _check_global(data)
    procs, current = [], {}                      # current: pid -> latest instance
    off, recno = GLOBAL_HDR.size, 0
    while off < len(data):
        recno += 1

        def fail(what, _r=recno, _o=off):
            raise CaptureError(what, _r, _o)

        if len(data) - off < REC_HDR.size:
            fail("truncated record header (%d of %d bytes)" % (len(data) - off, REC_HDR.size))
        ts_sec, ts_usec, incl, orig = REC_HDR.unpack_from(data, off)
        if ts_usec >= 1000000:
            fail("ts_usec %d >= 1000000" % ts_usec)
        if incl != orig:
            fail("incl_len %d != orig_len %d" % (incl, orig))
        if not HDRS_LEN <= incl <= HDRS_LEN + MAX_PAYLOAD:
            fail("incl_len %d out of range %d..%d" % (incl, HDRS_LEN, HDRS_LEN + MAX_PAYLOAD))
        if len(data) - off - REC_HDR.size < incl:
            fail("truncated record (%d of %d bytes)" % (len(data) - off - REC_HDR.size, incl))
        pkt = data[off + REC_HDR.size:off + REC_HDR.size + incl]
        pid, ppid, ev, payload = _check_packet(pkt, fail)
        ts = ts_sec + ts_usec / 1e6
        proc = current.get(pid)
        seq = struct.unpack_from(">H", pkt, 18)[0]   # doc/capture-format.md §3.5
        if proc is not None and not proc["_exited"]:
            want = (proc["_seq"] + 1) & 0xffff
            if seq != want and not (seq == 0 and proc["_seq0"]):
                fail("pid %d: sequence number (IPv4 identification) %d, expected %d"
                     % (pid, seq, want))
        if ev == EV_EXECVE:
            if not payload:
                fail("empty execve record for pid %d" % pid)
            if proc is None or proc["_exited"]:
                proc = {"pid": pid, "ppid": ppid, "argv": None, "env": None, "stdin": bytearray(),
                        "stdout": bytearray(), "stderr": bytearray(), "status": None,
                        "first_ts": ts, "last_ts": ts, "_blob": bytearray(),
                        "_exited": False, "_where": (recno, off)}
                procs.append(proc)
                current[pid] = proc
            elif proc["_blob"] is None:
                fail("execve record for pid %d after its stdio records" % pid)
            if proc["ppid"] != ppid:
                fail("pid %d: destination (ppid) %d, its first record said %d"
                     % (pid, ppid, proc["ppid"]))
            proc["_blob"] += payload
        elif proc is not None and proc["ppid"] != ppid:
            fail("pid %d: destination (ppid) %d, its first record said %d"
                 % (pid, ppid, proc["ppid"]))
        else:
            if proc is None:
                fail("event %d for pid %d without execve record" % (ev, pid))
            if proc["_exited"]:
                fail("event %d for pid %d after its exit record" % (ev, pid))
            if proc["_blob"] is not None:
                _finish_blob(proc)
            if ev == EV_EXIT:
                if len(payload) != 4:
                    fail("exit record payload is %d bytes, expected 4" % len(payload))
                status = int.from_bytes(payload, "big")
                if not _valid_status(status):
                    fail("invalid wait status %#010x for pid %d" % (status, pid))
                proc["status"], proc["_exited"] = status, True
            else:
                if not payload:
                    fail("empty %s record for pid %d" % (STREAMS[ev], pid))
                proc[STREAMS[ev]] += payload
        proc["last_ts"] = ts
        proc["_seq"], proc["_seq0"] = seq, proc.get("_seq0", True) and seq == 0
        off += REC_HDR.size + incl
    for proc in procs:
        if proc["_blob"] is not None:
            _finish_blob(proc)
        if require_exit and not proc["_exited"]:
            raise CaptureError("pid %d has no exit record" % proc["pid"], *proc["_where"])
    if expect_procs is not None and len(procs) != expect_procs:
        raise CaptureError("expected %d process(es), found %d" % (expect_procs, len(procs)))
    for proc in procs:
        for key in ("_blob", "_exited", "_where", "_seq", "_seq0"):
            del proc[key]
        for key in STREAMS.values():
            proc[key] = bytes(proc[key])
    return procs, recno


def _lines(items):
    return b"".join(item + b"\n" for item in items)


def dump(procs, directory):
    """Write DIR/i.{argv,env,stdin,stdout,stderr,pid[,exit]} per process and DIR/index."""
    os.makedirs(directory, exist_ok=True)
    index = []
    for i, proc in enumerate(procs):
        files = {"argv": _lines(proc["argv"]), "env": _lines(proc["env"]),
                 "stdin": proc["stdin"], "stdout": proc["stdout"], "stderr": proc["stderr"],
                 "pid": b"%d\n" % proc["pid"]}
        text = status_text(proc["status"]).encode()
        if proc["status"] is not None:
            files["exit"] = text + b"\n"
        for ext, content in files.items():
            with open(os.path.join(directory, "%d.%s" % (i, ext)), "wb") as f:
                f.write(content)
        argv0 = proc["argv"][0] if proc["argv"] else b""
        index.append(b"%d %d %s %s\n" % (i, proc["pid"], argv0, text))
    with open(os.path.join(directory, "index"), "wb") as f:
        f.write(b"".join(index))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="pcapcheck.py", description="Validate a stdiocap capture.")
    ap.add_argument("file", metavar="FILE", help="capture file, or - for stdin")
    ap.add_argument("--dump", metavar="DIR", help="write per-process files into DIR")
    ap.add_argument("--require-exit", action="store_true", help="every process needs an exit record")
    ap.add_argument("--expect-procs", type=int, metavar="N", help="require exactly N processes")
    ap.add_argument("--summary", action="store_true", help="print one line per process")
    args = ap.parse_args(argv)
    try:
        procs, nrec = read_capture_counted(args.file, args.require_exit, args.expect_procs)
    except (CaptureError, OSError) as exc:
        print("pcapcheck: %s: %s" % (args.file, exc), file=sys.stderr)
        return 1
    if args.dump:
        dump(procs, args.dump)
    if args.summary:
        out = sys.stdout.buffer
        for proc in procs:
            out.write(b"pid=%d argv=%s stdin=%d stdout=%d stderr=%d exit=%s\n" % (
                proc["pid"], proc["argv"][0] if proc["argv"] else b"", len(proc["stdin"]),
                len(proc["stdout"]), len(proc["stderr"]), status_text(proc["status"]).encode()))
        out.write(b"records=%d procs=%d\n" % (nrec, len(procs)))
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
