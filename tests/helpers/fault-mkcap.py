#!/usr/bin/python3
"""fault-mkcap.py SIZE FILE

Writes FILE as a valid stdiocap capture of exactly SIZE bytes (SIZE >= 153):
the global header, then one process (pid 4242, argv "filler", no env)
with an execve record, stdout records padding the file to SIZE, and an
exit record (status 0).  faults.test uses it to leave a chosen number of
bytes below a size cap.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capforge  # noqa: E402

PID = 4242


def record(event, payload):
    """At T0, to the parent of captures before the lineage."""
    return capforge.record(0, PID, capforge.NO_PARENT, event, payload)


def main():
    size, path = int(sys.argv[1]), sys.argv[2]
    head = capforge.global_header()
    execve = record(capforge.EXECVE, b"filler\0\0\0")
    exit_rec = record(capforge.EXIT, b"\0\0\0\0")
    left = size - len(head) - len(execve) - len(exit_rec)
    if left < 0 or 0 < left < 59:
        sys.exit("fault-mkcap.py: cannot make a capture of %d bytes" % size)
    body = []
    while left:
        p = min(8192, left - 58)
        if 0 < left - 58 - p < 59:       # keep room for one more record
            p -= 59
        body.append(record(capforge.STDOUT, b"x" * p))
        left -= 58 + p
    with open(path, "wb") as f:
        f.write(head + execve + b"".join(body) + exit_rec)


if __name__ == "__main__":
    main()
