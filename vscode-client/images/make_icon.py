"""Draws images/icon.png (128x128): a guide (amber lines) above a bracketed code block.

Standard library only: python3 images/make_icon.py
"""
import struct
import zlib
from pathlib import Path

SIZE, SS = 128, 4  # output size, supersampling factor
N = SIZE * SS

BG = (30, 58, 95)
GUIDE = (255, 193, 7)
CODE = (144, 202, 249)
BRACKET = (255, 255, 255)


def rounded_rect_alpha(x, y, x0, y0, x1, y1, r):
    """1 inside the rounded rectangle [x0,x1]x[y0,y1] with corner radius r, else 0."""
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return 0
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return 1 if (x - cx) ** 2 + (y - cy) ** 2 <= r * r else 0


# shapes in output pixels: (x0, y0, x1, y1, radius, colour)
shapes = [
    (0, 0, 127, 127, 24, BG),
    # the guide: a comment marker and three lines
    (18, 18, 26, 26, 4, GUIDE),
    (32, 18, 104, 26, 4, GUIDE),
    (32, 33, 92, 41, 4, GUIDE),
    (32, 48, 80, 56, 4, GUIDE),
    # the block: a bracket and indented code lines
    (18, 68, 23, 110, 2, BRACKET),
    (18, 68, 30, 73, 2, BRACKET),
    (18, 105, 30, 110, 2, BRACKET),
    (36, 70, 84, 77, 3, CODE),
    (48, 83, 108, 90, 3, CODE),
    (48, 96, 96, 103, 3, CODE),
]

acc = [[[0, 0, 0, 0] for _ in range(SIZE)] for _ in range(SIZE)]
for py in range(N):
    for px in range(N):
        x, y = (px + 0.5) / SS, (py + 0.5) / SS
        colour = None
        for x0, y0, x1, y1, r, c in shapes:
            if rounded_rect_alpha(x, y, x0, y0, x1 + 1, y1 + 1, r):
                colour = c
        if colour is not None:
            a = acc[py // SS][px // SS]
            a[0] += colour[0]
            a[1] += colour[1]
            a[2] += colour[2]
            a[3] += 1

raw = bytearray()
for row in acc:
    raw.append(0)
    for r, g, b, n in row:
        if n:
            raw += bytes((r // n, g // n, b // n, 255 * n // (SS * SS)))
        else:
            raw += bytes((0, 0, 0, 0))


def chunk(tag, data):
    body = tag + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")
out = Path(__file__).with_name("icon.png")
out.write_bytes(png)
print(f"wrote {out} ({len(png)} bytes)")
