#!/usr/bin/python3
"""Check an SVG written by `stdiocap --chart` against its capture, read by
the independent reader (tests/pcapcheck.py).

Usage: chart-check.py SVG CAPTURE [--records N] [--max-rows N] [--pid N]
                     [--failed 1]

- the SVG is well-formed XML, SVG 1.1, self-contained: no script, no
  reference to anything outside the file (href, url() other than #ids,
  @import), no foreignObject;
- one row (a <g id="rK"> holding a <title>, the PID, the label and the
  bars) per process instance, in tree order: children under their parent
  (the instance of the ppid that was the latest to start before them,
  while it lived), in start order within a parent; the label is indented
  by depth; back-to-back siblings with nothing under them that repeat a
  group of 1 to 4 argvs fold into one row per argv ("NAME xN"), one bar
  per instance in it;
- the summary says "N processes, K failed"; the failed instances drawn
  are listed (20 at most) as links to their rows; after the bar of each
  failed instance its status ("exit 3", "SIGTERM"), after a folded row
  with failures "F failed";
- each bar's class is the outcome (ok, fail, sig, open) of the instance's
  exit record, its tooltip holds pid, parent, the status as --ps says it
  and the byte counts of the three streams (a folded row: one line per
  instance, pid, parent and status); stdout marks (class out) and
  stderr marks (class err) exactly on the instances that wrote them;
- no two text elements overlap (monospace, 0.6 em a character; labels
  carry textLength);
--records N: only the capture's first N records were readable (damaged
input): the chart must show the instances those records hold.
--max-rows N: the table held N instances (the rest cut): the first N
instances are drawn and a note says how many more there were.
--pid N: only the subtrees of instances with that pid.
--failed 1: only the failed instances and their ancestors.
Exits 1 with one line per problem.
"""

import os
import re
import signal
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import pcapcheck  # noqa: E402

NS = "{http://www.w3.org/2000/svg}"
problems = []


def problem(what):
    problems.append(what)


def status_words(st):
    if st is None:
        return "no exit record"
    if st & 0x7f == 0:
        return "exit %d" % (st >> 8)
    try:
        name = signal.Signals(st & 0x7f).name
    except ValueError:
        name = "signal %d" % (st & 0x7f)
    return "killed by %s%s" % (name, " (core dumped)" if st & 0x80 else "")


def outcome(st):
    if st is None:
        return "open"
    if st & 0x7f:
        return "sig"
    return "fail" if st >> 8 else "ok"


def failed(p):
    return p["status"] is not None and p["status"] != 0


def expected_rows(procs, only_pid, failed_only=False):
    """[(members, depth)]: the rows, each the instances it draws."""
    latest, children, roots, parent = {}, {}, [], {}
    for i, p in enumerate(procs):
        up = latest.get(p["ppid"]) if p["ppid"] != p["pid"] else None
        parent[i] = up
        (children.setdefault(up, []) if up is not None else roots).append(i)
        latest[p["pid"]] = i
    shown = []

    def walk(i, depth, on):
        if only_pid is not None and not on and procs[i]["pid"] == only_pid:
            on, depth = True, 0
        if on:
            shown.append((i, depth))
        for c in children.get(i, []):
            walk(c, depth + 1, on)

    sys.setrecursionlimit(100000)
    for r in roots:
        walk(r, 0, only_pid is None)
    if failed_only:
        inset = {i for i, _ in shown}
        keep = set()
        for i, _ in shown:
            if failed(procs[i]):
                j = i
                while j is not None and j in inset and j not in keep:
                    keep.add(j)
                    j = parent[j]
        shown = [(i, d) for i, d in shown if i in keep]
    n = len(shown)
    leaf = [k + 1 == n or shown[k + 1][1] <= shown[k][1] for k in range(n)]
    argv = [procs[i]["argv"] for i, _ in shown]
    rows, j = [], 0
    while j < n:
        end = j
        while end < n and leaf[end] and shown[end][1] == shown[j][1] and \
                parent[shown[end][0]] == parent[shown[j][0]]:
            end += 1
        if end == j:
            rows.append(([shown[j][0]], shown[j][1]))
            j += 1
            continue
        while j < end:
            bp, br = 1, 1
            p = 1
            while p <= 4 and 2 * p <= end - j:
                r = 1
                while j + (r + 1) * p <= end and \
                        argv[j + r * p:j + (r + 1) * p] == argv[j:j + p]:
                    r += 1
                if r >= 2 and r * p > br * bp:
                    bp, br = p, r
                p += 1
            for q in range(bp):
                rows.append(([shown[j + q + t * bp][0] for t in range(br)], shown[j][1]))
            j += bp * br
    return rows


def short_status(st):
    w = status_words(st)
    return w[len("killed by "):] if w.startswith("killed by ") else w


def records_prefix(path, n):
    """The capture cut after its first n records (bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    off = 24
    for _ in range(n):
        off += 16 + int.from_bytes(data[off + 8:off + 12], "little")
    return data[:off]


def main(argv):
    svg, cap = argv[1], argv[2]
    opts = dict(zip(argv[3::2], argv[4::2]))
    with open(svg, "rb") as f:
        raw = f.read()
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        print("chart-check: %s: not well-formed XML: %s" % (svg, e))
        return 1
    if root.tag != NS + "svg" or root.get("version") != "1.1":
        problem("root is not <svg version=\"1.1\"> in the SVG namespace")
    text = raw.decode("utf-8")
    for bad in ("<script", "foreignObject", "@import"):
        if bad in text:
            problem("not self-contained: %r" % bad)
    ids = set(re.findall(r' id="([^"]*)"', text))
    for ref in re.findall(r'href="([^"]*)"', text):
        if not ref.startswith("#") or ref[1:] not in ids:
            problem("a link to %r, no element of this file" % ref)
    for ref in re.findall(r"url\(([^)]*)\)", text):
        if not ref.startswith("#"):
            problem("not self-contained: url(%s)" % ref)

    if "--records" in opts:
        procs = pcapcheck.read_capture(records_prefix(cap, int(opts["--records"])))
    else:
        procs = pcapcheck.read_capture(cap)
    only_pid = int(opts["--pid"]) if "--pid" in opts else None
    max_rows = int(opts.get("--max-rows", 0))
    if max_rows:
        cut = len(procs) - max_rows
        procs = procs[:max_rows]
    want = expected_rows(procs, only_pid, opts.get("--failed") == "1")
    drawn = [i for members, _ in want for i in members]
    pid_w = max([3] + [len(str(procs[i]["pid"])) for i in drawn])

    rows = [g for g in root.findall(NS + "g") if g.find(NS + "title") is not None]
    if len(rows) != len(want):
        problem("%d rows, the capture has %d to draw" % (len(rows), len(want)))
    row_of = {}
    for n, (g, (members, depth)) in enumerate(zip(rows, want)):
        p = procs[members[0]]
        where = "row %d (pid %d)" % (n + 1, p["pid"])
        if g.get("id") != "r%d" % (n + 1):
            problem("%s: id %r" % (where, g.get("id")))
        for i in members:
            row_of[procs[i]["pid"]] = n + 1
        title = g.find(NS + "title").text
        lines = title.split("\n")
        bars = [r for r in g.findall(NS + "rect") if "bar" in r.get("class", "").split()]
        if len(bars) != len(members):
            problem("%s: %d bars, %d instances" % (where, len(bars), len(members)))
            continue
        for r, i in zip(bars, members):
            if r.get("class").split()[1] != outcome(procs[i]["status"]):
                problem("%s: bar class %r, status %s" % (
                    where, r.get("class"), status_words(procs[i]["status"])))
            if float(r.get("width")) < 4:
                problem("%s: a bar %s px wide" % (where, r.get("width")))
        if p["argv"] and p["argv"][0].decode("ascii", "replace") not in lines[0]:
            problem("%s: tooltip's first line %r lacks argv[0]" % (where, lines[0]))
        texts = g.findall(NS + "text")
        if "".join(texts[0].itertext()) != str(p["pid"]):
            problem("%s: PID column says %r" % (where, "".join(texts[0].itertext())))
        label = texts[1]
        label_s = "".join(label.itertext())
        want_x = (12 + ((pid_w + 1 + 2 * min(depth, 16)) * 66) // 10)
        if abs(float(label.get("x")) - want_x) > 0.05:
            problem("%s: label at x=%s, depth %d (want %s)" % (where, label.get("x"), depth, want_x))
        nfail = sum(failed(procs[i]) for i in members)
        why = [t for t in texts if t.get("class") == "why"]
        if len(members) == 1:
            pid_line = "pid %d, parent %d" % (p["pid"], p["ppid"])
            if pid_line not in lines:
                problem("%s: tooltip has no line %r" % (where, pid_line))
            if status_words(p["status"]) not in title:
                problem("%s: tooltip lacks %r" % (where, status_words(p["status"])))
            counts = "stdin %d B, stdout %d B, stderr %d B" % (
                len(p["stdin"]), len(p["stdout"]), len(p["stderr"]))
            if counts not in lines:
                problem("%s: tooltip lacks %r" % (where, counts))
            want_why = [short_status(p["status"])] if nfail else []
        else:
            if not label_s.endswith(" \u00d7%d" % len(members)):
                problem("%s: folded label %r lacks the count %d" % (where, label_s, len(members)))
            for i in members[:40]:
                q = procs[i]
                line = "pid %d, parent %d: %s" % (q["pid"], q["ppid"], status_words(q["status"]))
                if not any(l.startswith(line) for l in lines):
                    problem("%s: tooltip has no line %r" % (where, line))
            want_why = ["%d failed" % nfail] if nfail else []
        if ["".join(t.itertext()) for t in why] != want_why:
            problem("%s: after the bar %r, want %r" % (
                where, ["".join(t.itertext()) for t in why], want_why))
        for cls, key in (("out", "stdout"), ("err", "stderr")):
            marks = g.findall(NS + "rect[@class='%s']" % cls)
            wrote = sum(1 for i in members if procs[i][key])
            if bool(marks) != bool(wrote) or len(marks) < wrote:
                problem("%s: %d %s marks, %d instances wrote %s" % (
                    where, len(marks), cls, wrote, key))

    # the summary and the list of failed ones, links to their rows
    texts = ["".join(t.itertext()) for t in root.iter(NS + "text")]
    nfail = sum(failed(q) for q in procs)
    summary = "%d process%s, %d failed" % (len(procs), "" if len(procs) == 1 else "es", nfail)
    if not max_rows and not any(t.startswith(summary) for t in texts):
        problem("no summary %r" % summary)
    links = root.findall(".//" + NS + "a")
    fails_drawn = [i for members, _ in want for i in members if failed(procs[i])]
    if len(links) != min(20, len(fails_drawn)):
        problem("%d links to failed ones, %d drawn failed" % (len(links), len(fails_drawn)))
    for a, i in zip(links, fails_drawn):
        q = procs[i]
        href = a.get("{http://www.w3.org/1999/xlink}href")
        s_ = "".join(a.itertext())
        if not s_.startswith("%d %s" % (q["pid"], status_words(q["status"]))):
            problem("the link %r does not name pid %d and %s" % (s_, q["pid"], status_words(q["status"])))
        if href != "#r%d" % row_of.get(q["pid"], 0):
            problem("the link of pid %d goes to %s, its row is r%s" % (q["pid"], href, row_of.get(q["pid"])))

    # no text over another: boxes of monospace text (0.6 em a character)
    boxes = []
    for t in root.iter(NS + "text"):
        s = "".join(t.itertext())
        size = 15 if t.get("class") == "head" else 11
        w = float(t.get("textLength", len(s) * 0.6 * size))
        x, y = float(t.get("x")), float(t.get("y"))
        if t.get("class") == "tick":
            x -= w / 2
        boxes.append((y - size * 0.8, y + size * 0.2, x, x + w, s))
    boxes.sort()
    # a sweep on y: the boxes still open when one starts are on its lines
    active = []
    for top, bottom, x0, x1, s in boxes:
        active = [b for b in active if b[1] > top]
        for b in active:
            if b[2] < x1 and x0 < b[3]:
                problem("text %r overlaps %r" % (s, b[4]))
        active.append((top, bottom, x0, x1, s))
        if len(problems) > 20:
            break

    if max_rows and cut > 0:
        notes = [("".join(t.itertext())) for t in root.iter(NS + "text") if t.get("class") == "note"]
        if not any(("%d more" % cut) in s for s in notes):
            problem("no note of the %d instances not drawn: %r" % (cut, notes))
    for p in problems[:20]:
        print("chart-check: %s: %s" % (svg, p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
