#!/usr/bin/env python3
"""Benchmark: our picker against interactive fzf, both in the same pseudo-terminal harness.

What a person feels is the screen, so both programs run in a pty (120x40) whose output is fed
to a terminal emulator (pyte); nothing is measured in-process. For each size the picker
reads a synthetic role cache (the generator of list_100k.py) and fzf gets the same rows as
lines (`aws-sso list` without its header). Sessions alternate, ours then fzf's then fzf's
then ours, so a slow minute of a shared machine hurts both alike. Per session:

* launch -> all roles searchable: from spawn, as soon as the program has drawn anything,
  type a query whose only match is the last role of the list (its account alias and role
  name, both exact terms: `'acme-shared-infra-09999 'ViewOnlyAccess`), and wait until the
  screen shows that one match out of the whole list (`1/100000`): every role has been read
  and is searchable;
* keystroke -> results on screen: the queries below typed one key at a time, then Ctrl-U.
  After each key the harness waits until the terminal output has been quiet for 400 ms; the
  key's time is from writing it to the pty to the arrival of the last output that changed
  the emulated screen (the cursor moving or a redraw of identical cells does not count).

`--busy` runs the same again while another process keeps one core busy (a Python loop).

Needs fzf (`apt-get install fzf`; Debian's 0.38 was used) and pyte (`pip install pyte`):
neither is a dependency of the project or its tests. Builds the release binary first.

Usage: python3 benches/picker_vs_fzf.py [--sizes 10000,100000] [--rounds 4] [--busy]
"""
import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from list_100k import ROOT  # noqa: E402
from picker_launch import env_for, home_with  # noqa: E402

try:
    import pyte
except ImportError:
    sys.exit("this bench needs pyte, a terminal emulator: pip install pyte")

WIDTH, HEIGHT = 120, 40
QUIET = 0.4
QUERIES = ["prodadm", "acme-dev pay", "stag read", "data sci", "infra net"]
CTRL_U = b"\x15"


class Session:
    """One program in a pty, its output timestamped as it arrives."""

    def __init__(self, argv, env, stdin_path=None):
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
            if stdin_path:
                # fzf: the lines on stdin, the screen on stderr (this pty).
                os.dup2(os.open(stdin_path, os.O_RDONLY), 0)
            else:
                # aws-sso draws on /dev/tty (this pty); a log line on stderr would land on
                # the screen.
                os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            os.execve(argv[0], argv, env)
        self.start = time.perf_counter()
        self.pid, self.fd = pid, fd
        self.screen = pyte.Screen(WIDTH, HEIGHT)
        self.stream = pyte.ByteStream(self.screen)

    def read(self, timeout):
        """The next chunk of output and when it came, or None after `timeout` of silence."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return None
        try:
            data = os.read(self.fd, 1 << 20)
        except OSError:
            return None
        return time.perf_counter(), data

    def text(self):
        return "\n".join(self.screen.display)

    def wait_for(self, pred, limit=30.0):
        """Feed output to the screen until `pred(text)`; return the time of that chunk."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            chunk = self.read(0.05)
            if chunk is None:
                continue
            self.stream.feed(chunk[1])
            if pred(self.text()):
                return chunk[0]
        raise RuntimeError(f"timed out; screen:\n{self.text()}")

    def settle(self):
        """Read until QUIET seconds pass without output; the time of the last chunk that
        changed the screen (None when nothing changed)."""
        chunks = []
        while True:
            chunk = self.read(QUIET)
            if chunk is None:
                break
            chunks.append(chunk)
        # Emulate after the fact, so the emulator's own cost never delays a timestamp.
        last, shown = None, self.screen.display
        for at, data in chunks:
            self.stream.feed(data)
            now = self.screen.display
            if now != shown:
                last, shown = at, now
        return last

    def key(self, data):
        sent = time.perf_counter()
        os.write(self.fd, data)
        changed = self.settle()
        return None if changed is None else changed - sent

    def close(self):
        try:
            os.write(self.fd, b"\x1b")
        except OSError:
            pass
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            self.read(0.02)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def session(argv, env, stdin_path, launch_query, total, keys_out):
    """Launch, measure launch -> searchable, then every keystroke; return the launch time."""
    s = Session(argv, env, stdin_path)
    try:
        s.wait_for(lambda text: text.strip() != "", 30)
        os.write(s.fd, launch_query.encode())
        one = re.compile(rf"(?<![0-9])1/{total}(?![0-9])")
        at = s.wait_for(lambda text: one.search(text) is not None, 60)
        launch = at - s.start
        s.settle()
        s.key(CTRL_U)
        for q in QUERIES:
            for c in q:
                t = s.key(c.encode())
                if t is not None:
                    keys_out.append(t)
            t = s.key(CTRL_U)
            if t is not None:
                keys_out.append(t)
        return launch
    finally:
        s.close()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def ms(x):
    return f"{x * 1000:.1f}"


def run(exe, fzf, sizes, rounds, label):
    rows = []
    for size in sizes:
        load = os.getloadavg()[0]
        home = home_with(size)
        env = env_for(home)
        env.pop("NO_COLOR", None)
        env.pop("FZF_DEFAULT_OPTS", None)
        env.pop("FZF_DEFAULT_COMMAND", None)
        listing = subprocess.run([exe, "list"], env=env, capture_output=True, check=True).stdout
        # The rows under the header's `====` rule.
        text = listing.decode().split("=\n", 1)[1]
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) != size:
            sys.exit(f"`aws-sso list` gave {len(lines)} rows, expected {size}")
        lines_path = os.path.join(home, "lines.txt")
        with open(lines_path, "w") as f:
            f.write("\n".join(lines) + "\n")
        cells = [c.strip() for c in lines[-1].split("|")]
        alias, role = cells[1], cells[2]
        launch_query = f"'{alias} '{role}"
        ours_argv = [exe, "eval", "--shell", "bash"]
        fzf_argv = [fzf]
        # A first run of each warms the page cache and writes cache.bin.
        session(ours_argv, env, None, launch_query, size, [])
        session(fzf_argv, env, lines_path, launch_query, size, [])
        res = {"aws-sso": ([], []), "fzf": ([], [])}
        for r in range(rounds):
            order = [("aws-sso", ours_argv, None), ("fzf", fzf_argv, lines_path)]
            if r % 2:
                order.reverse()
            for name, argv, stdin_path in order:
                launches, keys = res[name]
                launches.append(session(argv, env, stdin_path, launch_query, size, keys))
        for name, (launches, keys) in res.items():
            rows.append((label, size, name, statistics.median(keys), pct(keys, 99), max(keys),
                         len(keys), statistics.median(launches), max(launches), load))
            print(f"  {label} {size:,} {name}: keystroke median {ms(statistics.median(keys))} ms "
                  f"p99 {ms(pct(keys, 99))} ms ({len(keys)} keys); launch->searchable median "
                  f"{ms(statistics.median(launches))} ms", file=sys.stderr)
        shutil.rmtree(home, ignore_errors=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--busy", action="store_true", help="also measure with one core kept busy")
    ap.add_argument("--exe", help="this aws-sso binary instead of building the release one")
    args = ap.parse_args()
    fzf = shutil.which("fzf")
    if not fzf:
        sys.exit("this bench needs fzf: apt-get install fzf")
    exe = args.exe
    if not exe:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "aws-sso"], cwd=ROOT,
                       check=True)
        exe = os.path.join(ROOT, "target", "release", "aws-sso")
    sizes = [int(s) for s in args.sizes.split(",")]
    fzf_version = subprocess.run([fzf, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"load average before: {os.getloadavg()[0]:.2f}; fzf {fzf_version}; {os.cpu_count()} cores",
          file=sys.stderr)
    rows = run(exe, fzf, sizes, args.rounds, "no hog")
    if args.busy:
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            rows += run(exe, fzf, sizes, args.rounds, "1 core busy")
        finally:
            hog.kill()
            hog.wait()
    print("| load | roles | program | keystroke -> screen median | p99 | max | keys "
          "| launch -> all searchable median | max |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, size, name, med, p99, mx, n, lmed, lmax, load in rows:
        print(f"| {label} (loadavg {load:.1f}) | {size:,} | {name} | {ms(med)} ms | {ms(p99)} ms "
              f"| {ms(mx)} ms | {n} | {ms(lmed)} ms | {ms(lmax)} ms |")
    by = {(r[0], r[1], r[2]): r for r in rows}
    for label, size, name, *_ in rows:
        ours, theirs = by.get((label, size, "aws-sso")), by.get((label, size, "fzf"))
        if ours and theirs and name == "aws-sso":
            print(f"{label} {size:,}: fzf/ours median {theirs[3] / ours[3]:.1f}x, "
                  f"p99 {theirs[4] / ours[4]:.1f}x, launch {theirs[7] / ours[7]:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
