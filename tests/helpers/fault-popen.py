#!/usr/bin/python3
"""fault-popen.py PIDFILE CMD [ARGS...]

Starts CMD with subprocess.Popen (stdin, stdout and stderr inherited; every
other fd closed), writes Popen.pid to PIDFILE, waits, and exits as CMD did
(128+S if CMD was killed by signal S).  faults.test compares the pid with
the "$$" a wrapped shell prints: equal means the wrapper exec'd the target
in its own process (fail open: no fork).
"""
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    proc = subprocess.Popen(sys.argv[2:], close_fds=True)
    with open(sys.argv[1], "w") as f:
        f.write("%d\n" % proc.pid)
    rc = proc.wait()
    return 128 - rc if rc < 0 else rc


if __name__ == "__main__":
    sys.exit(main())
