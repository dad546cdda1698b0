#!/usr/bin/python3
"""Whether every reader saw the same processes and parents.

Usage: reader-agree.py N PS TREE CHART TRANSCRIPT
  N: the processes of a `reader-mkcap.py conc N` capture (PIDs 1000..,
  each under the one four places up, the first under PID 1 outside the
  capture); the other arguments are the outputs of --ps, --tree, --chart
  and --transcript on it. Prints what differs; exit 1 if anything does.
"""

import re
import sys


def expected(n):
    return {1000 + i: (1 if i == 0 else 1000 + (i - 1) // 4) for i in range(n)}


def ps(text):
    rows = {}
    for line in text.splitlines()[1:]:
        f = line.split()
        rows.setdefault(int(f[0]), []).append(int(f[1]))
    return rows


def tree(text):
    """PID -> (PPID column, PID of the row it is drawn under or None)."""
    rows, stack = {}, []
    for line in text.splitlines()[1:]:
        f = line.split()
        pid, ppid = int(f[0]), int(f[1])
        # the argv column starts at 46 ("exit N" statuses fit theirs);
        # each level of depth is 3 more columns, the last one "\\_ "
        k = line.find("\\_ ", 46)
        depth = 0 if k < 0 else (k - 46) // 3 + 1
        del stack[depth:]
        rows.setdefault(pid, []).append((ppid, stack[-1] if stack else None))
        stack.append(pid)
    return rows


def main(a):
    n = int(a[0])
    want = expected(n)
    bad = []
    p = ps(open(a[1]).read())
    if {k: v for k, v in p.items()} != {k: [v] for k, v in want.items()}:
        bad.append("--ps: %d rows for %d pids, want %d once each" %
                   (sum(map(len, p.values())), len(p), n))
    t = tree(open(a[2]).read())
    tw = {k: [(v, v if v in want else None)] for k, v in want.items()}
    if t != tw:
        diff = [k for k in set(t) | set(tw) if t.get(k) != tw.get(k)][:3]
        bad.append("--tree: %d rows; first differences %s" %
                   (sum(map(len, t.values())),
                    [(k, t.get(k), tw.get(k)) for k in diff]))
    chart = open(a[3]).read()
    m = re.search(r"(\d+) process(es)?\b", chart)
    if not m or int(m.group(1)) != n:
        bad.append("--chart: says %s, want %d processes" %
                   (m.group(0) if m else "no count", n))
    tr = open(a[4]).read()
    ex = re.findall(r"^\s*\S+\s+(\d+) exec ", tr, re.M)
    ends = re.findall(r"^\s*\S+\s+(\d+) exit ", tr, re.M)
    if sorted(map(int, ex)) != sorted(want) or \
            sorted(map(int, ends)) != sorted(want):
        bad.append("--transcript: %d exec and %d exit lines, want %d each" %
                   (len(ex), len(ends), n))
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
