#!/usr/bin/python3
"""stress-burst.py N CMD [ARGS...]

Forks N children that all block on one pipe, then releases them at once
(closing the pipe's write end gives every child EOF together); each child
then execs CMD.  Prints "started=N failed=K" (K: children that did not
exit 0) and exits 0 only if K is 0.  stress.test uses it to race N
wrappers on an absent capture file.
"""
import os
import sys


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    n, cmd = int(sys.argv[1]), sys.argv[2:]
    gate_r, gate_w = os.pipe()
    pids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            try:
                os.close(gate_w)
                os.read(gate_r, 1)          # blocks until the gate opens
                os.close(gate_r)
                os.execv(cmd[0], cmd)
            finally:
                os._exit(127)
        pids.append(pid)
    os.close(gate_r)
    os.close(gate_w)                        # the gate: every child wakes now
    failed = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        if status != 0:
            failed += 1
    print("started=%d failed=%d" % (len(pids), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
