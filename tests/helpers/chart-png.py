#!/usr/bin/python3
"""Check a PNG a browser rendered from a --chart SVG (no PIL: zlib and
struct).

Usage: chart-png.py PNG WIDTH HEIGHT

The image is WIDTH x HEIGHT pixels, not blank (more than 2 % of it is not
the background), and holds the fill colours of the bars the chart must
show: green (exit 0), red (non-zero exit) and purple (killed by a
signal), each over at least 10 pixels (a bar is 3 px wide at least). Exits 1 with one line saying what is wrong.
"""

import struct
import sys
import zlib

GREEN, RED, PURPLE = (0x5c, 0xb8, 0x5c), (0xe8, 0x41, 0x2c), (0x9b, 0x4d, 0xca)


def pixels(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("PNG kind not handled: depth %d colour type %d interlace %d"
                         % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    prev, rows = bytearray(stride), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main(argv):
    want_w, want_h = int(argv[2]), int(argv[3])
    with open(argv[1], "rb") as f:
        w, h, bpp, rows = pixels(f.read())
    if (w, h) != (want_w, want_h):
        print("chart-png: %dx%d pixels, expected %dx%d" % (w, h, want_w, want_h))
        return 1
    counts, ink = {}, 0
    for line in rows:
        for i in range(0, len(line), bpp):
            px = tuple(line[i:i + 3])
            if px != (255, 255, 255):
                ink += 1
                counts[px] = counts.get(px, 0) + 1
    if ink < w * h // 50:
        print("chart-png: blank: %d of %d pixels are not white" % (ink, w * h))
        return 1
    for name, rgb in (("green (exit 0)", GREEN), ("red (non-zero exit)", RED),
                      ("purple (killed by a signal)", PURPLE)):
        if counts.get(rgb, 0) < 10:
            print("chart-png: %d pixels of %s, expected at least 10" % (counts.get(rgb, 0), name))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
