#!/usr/bin/python3
"""What a power cut left of a capture, and what the next append made of it
(tests/powercut.test).

  powercut-check.py cut PIDMIN FILE CONSOLE PREFIX --durable|--any
      FILE is the capture read out of the disk image after the cut; the
      guest's PIDs are PIDMIN and up (records with other PIDs are not
      its own: stale blocks of the capture that filled the disk once).
      Finds its good part: the longest run of the guest's whole records
      from the global header on that tests/pcapcheck.py accepts (every
      record before the damage). Prints one line "good=BYTES records=N
      kept=BYTES size=BYTES tail=KIND done=N", KIND saying what follows
      the good part:
        none   nothing: the file ends on a record boundary
        torn   the start of one record, cut short
        zeros  zero bytes only
        gap    damage, then the guest's whole records again (data=
               writeback: blocks written out of order)
        foreign  whole records again, but not the guest's: stale blocks
               of the capture that filled the disk once (another file)
        junk   anything else
      kept is where the guest's last whole record ends (after a gap:
      the last one behind it; else the good part's end): PREFIX gets
      the bytes up to there, every one of which a writer must keep.
      done=N counts the "pc done W I" lines of CONSOLE (the runs that
      had exited before the cut). With --durable (the disk was mounted
      sync: every write was on the disk when it returned) each of those
      runs must be in the good part with its exit record, or it fails
      (--any: no such claim).
  powercut-check.py after PREFIX CUT FILE TAG
      FILE is the capture CUT after one more wrapped run (argv holding
      TAG) appended to it: it must start with PREFIX byte for byte (no
      good record lost: else exit status 1) and go on with whole records
      only (else exit status 3, saying when the damage of CUT is still
      there as it was), that run's, exit
      0. Unless the cut left a gap it must also pass pcapcheck whole
      (it prints "records=N", how many);
      after a gap, what follows PREFIX must (a gap a writer could only
      close by rewriting the file, or by cutting the records behind it).

Exit status 0 when the claim holds; 1 (or 3, above) with one line on
stderr saying what does not.
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pcapcheck  # noqa: E402  (tests/pcapcheck.py, the independent reader)

HDR = pcapcheck.GLOBAL_HDR.size
REC = pcapcheck.REC_HDR.size


def record_end(data, off, pidmin=0):
    """End of the whole, well-formed record at off (a guest's record: its
    PID pidmin or more), or None."""
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
        pid = pcapcheck._check_packet(data[off + REC:end], fail)[0]
    except ValueError:
        return None
    return end if pid >= pidmin else None


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


def good_part(data, pidmin):
    """Record boundaries from the header on, as far as records are whole
    and well-formed; then the longest of them pcapcheck accepts."""
    ends = [HDR]
    off = HDR
    while True:
        end = record_end(data, off, pidmin)
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


def last_kept(data, start, pidmin):
    """After start, the end of the guest's last whole record that begins a
    chain of two (or ends the file): what a reader resynchronising after
    damage finds. start when there is none."""
    eth = pcapcheck.ETH_HDR
    last = start
    pos = data.find(eth, start + REC)
    while pos >= 0:
        off = pos - REC
        end = record_end(data, off, pidmin)
        if end is not None and (end == len(data) or record_end(data, end, pidmin) is not None):
            while end is not None:
                last, end = end, record_end(data, end, pidmin)
            pos = data.find(eth, last + REC)
        else:
            pos = data.find(eth, pos + 1)
    return last


def tail_kind(data, good, kept):
    tail = data[good:]
    if not tail:
        return "none"
    if kept > good:
        return "gap"
    if torn_start(tail):
        return "torn"
    if not tail.strip(b"\0"):
        return "zeros"
    if last_kept(data, good, 0) > good:
        return "foreign"
    return "junk"


def tags_in(procs):
    """PC_TAG value -> list of processes carrying it."""
    tags = {}
    for proc in procs:
        for entry in proc["env"]:
            if entry.startswith(b"PC_TAG="):
                tags.setdefault(entry[7:].decode(), []).append(proc)
    return tags


def cut(pidmin, path, console, prefix, durable):
    with open(path, "rb") as f:
        data = f.read()
    try:
        pcapcheck._check_global(data)
    except pcapcheck.CaptureError as exc:
        return "the global header is gone: %s" % exc
    good, nrec = good_part(data, pidmin)
    kept = last_kept(data, good, pidmin)
    with open(prefix, "wb") as f:
        f.write(data[:kept])
    with open(console, "rb") as f:
        done = re.findall(rb"pc done (\d+) (\d+)", f.read())
    print("good=%d records=%d kept=%d size=%d tail=%s done=%d"
          % (good, nrec, kept, len(data), tail_kind(data, good, kept), len(done)))
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


def after(prefix, before, path, tag):
    """(status, why): 1 when a good record is lost, 3 when the file is
    not valid, (0, None) when the claim holds."""
    with open(prefix, "rb") as f:
        old = f.read()
    with open(before, "rb") as f:
        damaged = f.read()
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(old):
        at = next((k for k in range(min(len(old), len(data))) if old[k] != data[k]),
                  min(len(old), len(data)))
        return 1, ("a good record is lost: the %d bytes of good records differ from offset %d"
                   % (len(old), at))
    try:
        procs, nrec = pcapcheck.read_capture_counted(data)
    except pcapcheck.CaptureError as exc:
        nrec = None
        gap, _ = good_part(old, 0)
        if gap == len(old):
            kept = ""
            if len(damaged) > len(old) and data.startswith(damaged):
                kept = " (the %d bytes after the good records kept as they were)" % (
                    len(damaged) - len(old))
            return 3, "not a valid capture: %s%s" % (exc, kept)
        # the gap stays; what follows it must be whole
        try:
            procs = pcapcheck.read_capture(data[:HDR] + data[len(old):])
        except pcapcheck.CaptureError as exc2:
            return 3, "after the %d bytes kept: %s" % (len(old), exc2)
    mine = [p for p in procs if tag.encode() in p["argv"]]
    if len(mine) != 1 or mine[0]["status"] != 0:
        return 3, "the appended run (%s) is not there once with exit 0" % tag
    if nrec is not None:
        print("records=%d" % nrec)
    return 0, None


def main(argv):
    if len(argv) >= 6 and argv[1] == "cut":
        why = cut(int(argv[2]), argv[3], argv[4], argv[5], "--durable" in argv[6:])
        rc = 1 if why else 0
    elif len(argv) == 6 and argv[1] == "after":
        rc, why = after(argv[2], argv[3], argv[4], argv[5])
    else:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    if why:
        print("powercut-check: %s" % why, file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
