#!/usr/bin/python3
"""Check an SVG written by `stdiocap --chart` against its capture, read by
the independent reader (tests/pcapcheck.py).

Usage: chart-check.py SVG CAPTURE [--records N] [--max-rows N] [--pid N]

- the SVG is well-formed XML, SVG 1.1, self-contained: no script, no
  reference to anything outside the file (href, url() other than #ids,
  @import), no foreignObject;
- one row (a <g> holding a <title> and one bar) per process instance,
  in tree order: children under their parent (the instance of the ppid
  that was the latest to start before them), in start order within a
  parent; the label is indented by depth;
- each bar's class is the outcome (ok, fail, sig, open) of the instance's
  exit record, its tooltip holds pid, parent, the status as --ps says it
  and the byte counts of the three streams; output marks only on
  instances that wrote output;
- no two text elements overlap (monospace, 0.6 em a character; labels
  carry textLength);
--records N: only the capture's first N records were readable (damaged
input): the chart must show the instances those records hold.
--max-rows N: the table held N instances (the rest cut): the first N
instances are drawn and a note says how many more there were.
--pid N: only the subtrees of instances with that pid.
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


def expected_rows(procs, only_pid):
    latest, children, roots = {}, {}, []
    for i, p in enumerate(procs):
        parent = latest.get(p["ppid"]) if p["ppid"] != p["pid"] else None
        (children.setdefault(parent, []) if parent is not None else roots).append(i)
        latest[p["pid"]] = i
    rows = []

    def walk(i, depth, shown):
        if only_pid is not None and not shown and procs[i]["pid"] == only_pid:
            shown, depth = True, 0
        if shown:
            rows.append((i, depth))
        for c in children.get(i, []):
            walk(c, depth + 1, shown)

    sys.setrecursionlimit(100000)
    for r in roots:
        walk(r, 0, only_pid is None)
    return rows


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
    for bad in ("<script", "foreignObject", "@import", "xlink:href", " href="):
        if bad in text:
            problem("not self-contained: %r" % bad)
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
    want = expected_rows(procs, only_pid)

    rows = [g for g in root.findall(NS + "g") if g.find(NS + "title") is not None]
    if len(rows) != len(want):
        problem("%d rows, the capture has %d instances to draw" % (len(rows), len(want)))
    labels_x = []
    for n, (g, (i, depth)) in enumerate(zip(rows, want)):
        p = procs[i]
        title = g.find(NS + "title").text
        bars = [r for r in g.findall(NS + "rect") if "bar" in r.get("class", "").split()]
        where = "row %d (pid %d)" % (n + 1, p["pid"])
        if len(bars) != 1:
            problem("%s: %d bars" % (where, len(bars)))
            continue
        if bars[0].get("class").split()[1] != outcome(p["status"]):
            problem("%s: bar class %r, status %s" % (where, bars[0].get("class"), status_words(p["status"])))
        lines = title.split("\n")
        pid_line = "pid %d, parent %d" % (p["pid"], p["ppid"])
        if pid_line not in lines:
            problem("%s: tooltip has no line %r" % (where, pid_line))
        if status_words(p["status"]) not in title:
            problem("%s: tooltip lacks %r" % (where, status_words(p["status"])))
        counts = "stdin %d B, stdout %d B, stderr %d B" % (
            len(p["stdin"]), len(p["stdout"]), len(p["stderr"]))
        if counts not in lines:
            problem("%s: tooltip lacks %r" % (where, counts))
        if p["argv"] and p["argv"][0].decode("ascii", "replace") not in lines[0]:
            problem("%s: tooltip's first line %r lacks argv[0]" % (where, lines[0]))
        marks = g.findall(NS + "rect[@class='io']")
        if bool(marks) != bool(p["stdout"] or p["stderr"]):
            problem("%s: %d output marks, %d bytes of output" % (
                where, len(marks), len(p["stdout"]) + len(p["stderr"])))
        label = g.find(NS + "text")
        labels_x.append(float(label.get("x")))
        if float(label.get("x")) != 12 + 10 * min(depth, 16):
            problem("%s: label at x=%s, depth %d" % (where, label.get("x"), depth))

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
