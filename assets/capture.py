#!/usr/bin/env python3
"""Record the README's picture of the picker: run `aws-sso demo` in a real terminal (tmux),
type a query, capture the screen with its colours (`capture-pane -e`) and turn the ANSI text
into an SVG (assets/picker.svg). Nothing here is drawn by hand: the SVG is what the terminal
showed.

    python3 assets/capture.py [path/to/aws-sso] [query]

Needs tmux. Uses target/release/aws-sso, else target/debug/aws-sso, unless a binary is given.
"""

import html
import os
import re
import subprocess
import sys
import tempfile
import time

WIDTH, HEIGHT = 130, 30
CELL_W, CELL_H, FONT = 8.4, 18, 14
PALETTE16 = [
    "#1e1e1e", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
]
DEFAULT_FG, DEFAULT_BG = "#d4d4d4", "#1e1e1e"


def color256(n):
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.underline = self.reverse = self.dim = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.underline, self.reverse, self.dim)

    def sgr(self, params):
        params = params or [0]
        i = 0
        while i < len(params):
            p = params[i]
            if p == 0:
                self.reset()
            elif p == 1:
                self.bold = True
            elif p == 2:
                self.dim = True
            elif p == 4:
                self.underline = True
            elif p == 7:
                self.reverse = True
            elif p == 22:
                self.bold = self.dim = False
            elif p == 24:
                self.underline = False
            elif p == 27:
                self.reverse = False
            elif 30 <= p <= 37:
                self.fg = PALETTE16[p - 30]
            elif 90 <= p <= 97:
                self.fg = PALETTE16[p - 90 + 8]
            elif 40 <= p <= 47:
                self.bg = PALETTE16[p - 40]
            elif 100 <= p <= 107:
                self.bg = PALETTE16[p - 100 + 8]
            elif p == 39:
                self.fg = None
            elif p == 49:
                self.bg = None
            elif p in (38, 48) and i + 1 < len(params):
                if params[i + 1] == 5 and i + 2 < len(params):
                    c = color256(params[i + 2])
                    i += 2
                elif params[i + 1] == 2 and i + 4 < len(params):
                    c = "#%02x%02x%02x" % tuple(params[i + 2:i + 5])
                    i += 4
                else:
                    c = None
                if p == 38:
                    self.fg = c
                else:
                    self.bg = c
            i += 1


def cells(line):
    """[(char, pen key)] for one captured line."""
    pen, out = Pen(), []
    for m in re.finditer(r"\x1b\[([0-9;:]*)m|\x1b\][^\x07]*\x07|(.)", line):
        if m.group(2) is not None:
            out.append((m.group(2), pen.key()))
        elif m.group(1) is not None:
            pen.sgr([int(x) for x in re.split("[;:]", m.group(1)) if x != ""])
    return out


def svg(lines):
    w, h = WIDTH * CELL_W + 20, len(lines) * CELL_H + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h}" viewBox="0 0 {w:.0f} {h}">',
        f'<rect width="100%" height="100%" rx="6" fill="{DEFAULT_BG}"/>',
        f'<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT}" xml:space="preserve">',
    ]
    for row, line in enumerate(lines):
        y = 10 + row * CELL_H
        runs, col = [], 0
        for ch, key in cells(line):
            if runs and runs[-1][1] == key:
                runs[-1][0].append(ch)
            else:
                runs.append(([ch], key, col))
            col += 1
        for chars, (fg, bg, bold, underline, reverse, dim), start in runs:
            fg, bg = fg or DEFAULT_FG, bg
            if reverse:
                fg, bg = (bg or DEFAULT_BG), fg
            x = 10 + start * CELL_W
            if bg:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{len(chars) * CELL_W:.1f}" height="{CELL_H}" fill="{bg}"/>'
                )
            text = "".join(chars)
            if not text.strip():
                continue
            style = ' font-weight="bold"' if bold else ""
            style += ' text-decoration="underline"' if underline else ""
            style += ' opacity="0.7"' if dim else ""
            parts.append(
                f'<text x="{x:.1f}" y="{y + CELL_H - 5}" fill="{fg}"{style} textLength="{len(chars) * CELL_W:.1f}">{html.escape(text)}</text>'
            )
    parts.append("</g></svg>")
    return "\n".join(parts) + "\n"


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    exe = sys.argv[1] if len(sys.argv) > 1 else next(
        p for p in (f"{root}/target/release/aws-sso", f"{root}/target/debug/aws-sso") if os.path.exists(p)
    )
    query = sys.argv[2] if len(sys.argv) > 2 else "prod data admin"
    sock = f"aws-sso-capture-{os.getpid()}"
    tmux = ["tmux", "-L", sock, "-f", "/dev/null"]
    home = tempfile.mkdtemp()
    env = f"env -u NO_COLOR HOME={home} TERM=xterm-256color COLORTERM=truecolor"
    subprocess.run(tmux + ["new-session", "-d", "-s", "c", "-x", str(WIDTH), "-y", str(HEIGHT),
                           f"{env} {exe} demo; sleep 60"], check=True)
    try:
        def screen(colours=False):
            args = ["capture-pane", "-p", "-t", "c"] + (["-e"] if colours else [])
            return subprocess.run(tmux + args, capture_output=True, text=True).stdout

        deadline = time.time() + 60
        while not re.search(r" (\d+)/\1\s*$", screen().splitlines()[0] if screen() else ""):
            if time.time() > deadline:
                sys.exit("the demo's picker never showed every role:\n" + screen())
            time.sleep(0.2)
        subprocess.run(tmux + ["send-keys", "-t", "c", "-l", query], check=True)
        time.sleep(1.5)
        lines = screen(colours=True).rstrip("\n").split("\n")
        out = os.path.join(root, "assets", "picker.svg")
        with open(out, "w") as f:
            f.write(svg(lines))
        print(f"wrote {out}")
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True)


if __name__ == "__main__":
    main()
