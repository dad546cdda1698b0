#!/usr/bin/python3
"""What a power cut left of a capture, and what the next append made of it
(tests/powercut.test).

  powercut-check.py cut FILE CONSOLE PREFIX [--durable]
      FILE is the capture read out of the disk image after the cut.
      Finds its good part: the longest run of whole records from the
      global header on that tests/pcapcheck.py accepts (every record
      before the damage), writes those bytes to PREFIX, and prints one
      line "good=BYTES records=N size=BYTES tail=KIND done=N", KIND
      saying what follows the good part:
        none   nothing: the file ends on a record boundary
        torn   the start of one record, cut short
        zeros  zero bytes only
        gap    junk, then whole records again (damage in the middle)
        junk   anything else (stale blocks, records of another file)
      done=N counts the "pc done W I" lines of CONSOLE (the runs that
      had exited before the cut). With --durable (the disk was mounted
      sync: every write was on the disk when it returned) each of those
      runs must be in the good part with its exit record, or it fails.
  powercut-check.py after PREFIX FILE TAG
      FILE is the capture after one more wrapped run (argv holding TAG)
      appended to it: it must start with PREFIX byte for byte (no good
      record lost), pass pcapcheck whole, and hold that run with exit 0.

Exit status 0 when the claim holds; 1 with one line on stderr saying
what does not.
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pcapcheck  # noqa: E402  (tests/pcapcheck.py, the independent reader)

HDR = pcapcheck.GLOBAL_HDR.size
REC = pcapcheck.REC_HDR.size


def record_end(data, off):
    """End of the whole, well-formed record at off, or None."""
    if len(data) - off < REC:
        return None
    _, usec, incl, orig = pcapcheck.REC_HDR.unpack_from(data, off)
    if usec >= 1000000 or incl != orig:
        return None
    if not pcapcheck.HDRS_LEN <= incl <= pcapcheck.HDRS_LEN + pcapcheck.MAX_PAYLOAD:
        return None
    end = off + REC + incl
    if end > len(data):
        return None

    def fail(_what):
        raise ValueError

    try:
        pcapcheck._check_packet(data[off + REC:end], fail)
    except ValueError:
        return None
    return end


def torn_start(tail):
    """tail is the beginning of one record, cut short."""
    if len(tail) >= REC:
        _, usec, incl, orig = pcapcheck.REC_HDR.unpack_from(tail)
        if usec >= 1000000 or incl != orig or len(tail) >= REC + incl:
            return False
        if not pcapcheck.HDRS_LEN <= incl <= pcapcheck.HDRS_LEN + pcapcheck.MAX_PAYLOAD:
            return False
    eth = tail[REC:REC + len(pcapcheck.ETH_HDR)]
    return len(tail) > 0 and pcapcheck.ETH_HDR.startswith(eth)


def good_part(data):
    """Record boundaries from the header on, as far as records are whole
    and well-formed; then the longest of them pcapcheck accepts."""
    ends = [HDR]
    off = HDR
    while True:
        end = record_end(data, off)
        if end is None:
            break
        ends.append(end)
        off = end
    for end in reversed(ends):
        try:
            _, nrec = pcapcheck.read_capture_counted(data[:end])
            return end, nrec
        except pcapcheck.CaptureError:
            continue
    return HDR, 0


def resyncs(data, start):
    """Two whole records in a row somewhere after start."""
    eth = pcapcheck.ETH_HDR
    pos = data.find(eth, start + REC)
    while pos >= 0:
        off = pos - REC
        end = record_end(data, off)
        if end is not None and (end == len(data) or record_end(data, end) is not None):
            return True
        pos = data.find(eth, pos + 1)
    return False


def tail_kind(data, good):
    tail = data[good:]
    if not tail:
        return "none"
    if torn_start(tail):
        return "torn"
    if not tail.strip(b"\0"):
        return "zeros"
    if resyncs(data, good):
        return "gap"
    return "junk"


def tags_in(procs):
    """PC_TAG value -> list of processes carrying it."""
    tags = {}
    for proc in procs:
        for entry in proc["env"]:
            if entry.startswith(b"PC_TAG="):
                tags.setdefault(entry[7:].decode(), []).append(proc)
    return tags


def cut(path, console, prefix, durable):
    with open(path, "rb") as f:
        data = f.read()
    try:
        pcapcheck._check_global(data)
    except pcapcheck.CaptureError as exc:
        return "the global header is gone: %s" % exc
    good, nrec = good_part(data)
    with open(prefix, "wb") as f:
        f.write(data[:good])
    with open(console, "rb") as f:
        done = re.findall(rb"pc done (\d+) (\d+)", f.read())
    print("good=%d records=%d size=%d tail=%s done=%d"
          % (good, nrec, len(data), tail_kind(data, good), len(done)))
    if durable:
        tags = tags_in(pcapcheck.read_capture(data[:good]))
        for w, i in done:
            tag = "%s-%s" % (w.decode(), i.decode())
            procs = tags.get(tag)
            if not procs:
                return "run %s had exited before the cut but is not in the capture" % tag
            if any(p["status"] is None for p in procs):
                return "run %s had exited before the cut but has no exit record" % tag
    return None


def after(prefix, path, tag):
    with open(prefix, "rb") as f:
        old = f.read()
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(old):
        at = next((k for k in range(min(len(old), len(data))) if old[k] != data[k]),
                  min(len(old), len(data)))
        return "the good part (%d bytes) is not kept: it differs from offset %d" % (len(old), at)
    try:
        procs = pcapcheck.read_capture(data)
    except pcapcheck.CaptureError as exc:
        return "not a valid capture: %s" % exc
    mine = [p for p in procs if tag.encode() in p["argv"]]
    if len(mine) != 1 or mine[0]["status"] != 0:
        return "the appended run (%s) is not there once with exit 0" % tag
    return None


def main(argv):
    if len(argv) >= 5 and argv[1] == "cut":
        why = cut(argv[2], argv[3], argv[4], "--durable" in argv[5:])
    elif len(argv) == 5 and argv[1] == "after":
        why = after(argv[2], argv[3], argv[4])
    else:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    if why:
        print("powercut-check: %s" % why, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
