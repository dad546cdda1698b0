#!/usr/bin/python3
"""Write a capture of N process instances for the --chart tests, byte for
byte as doc/capture-format.md describes (independently of libstdiocap):
a wrapped test suite. One root shell (pid 100, run by pid 1) runs test
shells one after the other; each test shell runs three commands, the
second one in parallel with the third. Pids count up from 1000 and wrap
before 32768, so a long capture reuses them (as a board does). Outcomes
cycle: most exit 0; exit 1, SIGTERM, SIGSEGV with core, and a few never
write an exit record. Output and input records at known times.

Usage: chart-mkcap.py N OUTFILE [--lineage 0|1]
       chart-mkcap.py --clock-jump OUTFILE   (1970, then 2096)
With --lineage 0 every record names the same parent (10.255.255.254),
as captures written before the lineage did.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capforge  # noqa: E402
from capforge import STDIN, STDOUT, STDERR, T0  # noqa: E402

ENV = [b"HOME=/root", b"PATH=/bin:/usr/bin", b"TERM=vt100"]


class Cap:
    def __init__(self, f, lineage):
        self.f, self.lineage = f, lineage
        f.write(capforge.global_header())

    def parent(self, ppid):
        return ppid if self.lineage else capforge.NO_PARENT

    def rec(self, t_us, pid, ppid, event, payload):
        self.f.write(capforge.record(t_us, pid, self.parent(ppid), event,
                                     payload))

    def execve(self, t_us, pid, ppid, argv):
        self.f.write(capforge.execve(t_us, pid, self.parent(ppid), argv, ENV))

    def exit(self, t_us, pid, ppid, status):
        self.f.write(capforge.exit_rec(t_us, pid, self.parent(ppid), status))


def outcome(k):
    """The wait status of the k-th command, None: no exit record."""
    if k % 61 == 5:
        return None
    if k % 41 == 3:
        return 11 | 0x80          # SIGSEGV, core dumped
    if k % 13 == 7:
        return 15                 # SIGTERM
    if k % 7 == 2:
        return 1 << 8
    return 0


def clock_jump(path):
    """A board without a clock boots in 1970; a wrong RTC or NTP answer
    sets 2096 (a span of 126 years: t * width overflows 64 bits)."""
    with open(path, "wb") as f:
        cap = Cap(f, True)
        late = (4000000000 - T0) * 1000000
        cap.execve(5 * 1000000 - T0 * 1000000, 1, 0, [b"/init"])
        cap.execve(6 * 1000000 - T0 * 1000000, 50, 1, [b"ntpd", b"-q"])
        cap.exit(late, 50, 1, 0)
        cap.execve(late + 1000000, 51, 1, [b"udhcpc"])
        cap.exit(late + 4000000, 51, 1, 0)


def main(argv):
    if argv[1] == "--clock-jump":
        return clock_jump(argv[2])
    lineage = True
    if "--lineage" in argv:
        i = argv.index("--lineage")
        lineage = argv[i + 1] != "0"
        del argv[i:i + 2]
    n = int(argv[1])
    with open(argv[2], "wb") as f:
        cap = Cap(f, lineage)
        t, made, nextpid = 0, 1, 1000

        def newpid():
            nonlocal nextpid
            pid = nextpid
            nextpid = 1000 if nextpid >= 32000 else nextpid + 1
            return pid

        cap.execve(t, 100, 1, [b"/bin/sh", b"run-tests"])
        test = 0
        while made < n:
            test += 1
            sh = newpid()
            t += 50
            cap.execve(t, sh, 100, [b"/bin/sh", b"-c", b"test %d" % test])
            made += 1
            cmds = []
            for j in range(min(3, n - made)):
                pid = newpid()
                t += 30
                cap.execve(t, pid, sh, [b"/usr/bin/cmd%d" % j, b"--case",
                                        b"%d" % test, b"a<b&c>\"d\""])
                made += 1
                cmds.append(pid)
            for j, pid in enumerate(cmds):
                t += 40
                if j == 1:
                    cap.rec(t, pid, sh, STDIN, b"in\n")
                cap.rec(t + 5, pid, sh, STDOUT, b"out %d\n" % pid)
                if (pid + j) % 5 == 0:
                    cap.rec(t + 9, pid, sh, STDERR, b"warning\n")
                st = outcome(made - len(cmds) + j)
                if st is not None:
                    cap.exit(t + 20, pid, sh, st)
            t += 60
            cap.exit(t, sh, 100, 0 if test % 11 else 1 << 8)
        cap.rec(t + 100, 100, 1, STDOUT, b"done\n")
        cap.exit(t + 200, 100, 1, 0)


if __name__ == "__main__":
    main(sys.argv)
