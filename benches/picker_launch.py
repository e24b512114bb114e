#!/usr/bin/env python3
"""Benchmark: the picker as a person meets it, the real release binary in a pty.

For each size it writes a synthetic cache.json (the generator of list_100k.py) into a
throw-away HOME, then runs `aws-sso eval` in a pseudo-terminal and measures:

* launch -> first frame: from spawn until the first frame that shows the role counter
  (`/<total>`), read from the pty;
* peak RSS of the whole picker process (wait4's ru_maxrss), after typing a query and
  pressing Esc;
* fzf on the same lines: `aws-sso list --csv` output piped into `fzf --filter <query>`
  (when fzf is installed), time per query, against our in-process results-complete time
  from `cargo bench --bench picker` (reported separately), and fzf's own launch.

Goals (issue #9): first frame <= 30 ms at 10,000 roles and <= 120 ms at 100,000; peak RSS
<= 64 MB at 100,000.

The "cold" rows delete cache.bin (and cache.profiles) before each run: the first start after
another tool (aws-sso-cli) wrote cache.json, which parses the JSON, renders every profile
name and writes cache.bin for the starts after it. Every other start (and the first after our
own refresh, which keeps the names it renders) reads the picker's rows from cache.bin.

Usage: python3 benches/picker_launch.py [--sizes 10000,100000] [--runs 10]
"""
import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from list_100k import ROOT, synthetic_cache  # noqa: E402


def home_with(roles):
    home = tempfile.mkdtemp(prefix="aws-sso-picker-bench-")
    cfg = os.path.join(home, ".aws-sso")
    os.makedirs(cfg)
    accounts = roles // 10
    with open(os.path.join(cfg, "cache.json"), "w") as f:
        json.dump(synthetic_cache(accounts, 10), f)
    with open(os.path.join(cfg, "config.yaml"), "w") as f:
        f.write("SSOConfig:\n  Default:\n    SSORegion: us-east-1\n"
                "    StartUrl: https://d-0000000000.awsapps.com/start\n"
                f"SecureStore: json\nJsonStore: {cfg}/store.json\nCacheRefresh: 0\n")
    return home


def env_for(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=home, TERM="xterm-256color", SHELL="/bin/bash", NO_COLOR="1")
    return env


def one_run(exe, home, total, query="prodadm"):
    """Spawn in a pty; return (seconds to the first frame, peak RSS in MB, seconds until the
    counter shows every role or None).

    The first frame is the first one with a role counter (`<matched>/<total>`; the picker
    draws a screenful of roles before the rest are in the matcher). Later frames are diffs
    (ratatui writes only changed cells), so the pty stream cannot tell when the count is
    complete; the in-process bench measures that.
    """
    pid, fd = pty.fork()
    if pid == 0:
        # A pty starts at 0x0: give it the size of a normal terminal window first.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.execve(exe, [exe, "eval", "--shell", "bash"], env_for(home))
    start = time.perf_counter()
    os.set_blocking(fd, False)
    seen = b""
    first = None
    full = None
    counter = re.compile(rb"\d+/\d+")
    # Every role in the list: the counter reads total/total (the picker's first frame shows
    # a screenful while the rest stream into the matcher).
    full_counter = f"{total}/{total}".encode()
    deadline = start + 20
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.005)
        if r:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if first is None and counter.search(seen):
                first = time.perf_counter() - start
                deadline = min(deadline, start + first + 3)
            if full_counter in seen:
                full = time.perf_counter() - start
                break
    # Type a query (the matcher's memory at work), then leave. Keep reading the pty all
    # along: a full pty buffer would block the picker's writes and it would never see Esc.
    def drain(seconds):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            r, _, _ = select.select([fd], [], [], 0.005)
            if r:
                try:
                    os.read(fd, 65536)
                except OSError:
                    return

    for c in query:
        os.write(fd, c.encode())
        drain(0.01)
    drain(0.3)
    os.write(fd, b"\x1b")
    while True:
        done, _, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        drain(0.01)
    os.close(fd)
    return first, usage.ru_maxrss / 1024.0, full


def fzf_times(exe, home, queries, runs):
    fzf = shutil.which("fzf")
    if not fzf:
        return None
    lines = subprocess.run([exe, "list", "--csv"], env=env_for(home), capture_output=True, check=True).stdout
    out = {}
    for q in queries:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([fzf, "--filter", q], input=lines, capture_output=True)
            times.append(time.perf_counter() - t)
        out[q] = statistics.median(times)
    return out, len(lines.splitlines())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "aws-sso")
    print("| roles | first frame median | p90 | max | peak RSS max | all roles in, median |")
    print("|---|---|---|---|---|---|")
    homes = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        home = home_with(size)
        homes[size] = home
        one_run(exe, home, size)  # warm the page cache and write cache.bin
        firsts, rss, fulls = [], [], []
        for _ in range(args.runs):
            f, m, a = one_run(exe, home, size)
            if f is None:
                sys.exit(f"no first frame at {size} roles")
            firsts.append(f * 1000)
            rss.append(m)
            if a is not None:
                fulls.append(a * 1000)
        firsts.sort()
        p90 = firsts[min(len(firsts) - 1, int(len(firsts) * 0.9))]
        all_in = f"{statistics.median(fulls):.1f} ms" if fulls else "not seen"
        print(f"| {size:,} | {statistics.median(firsts):.1f} ms | {p90:.1f} ms | {max(firsts):.1f} ms | {max(rss):.1f} MB | {all_in} |")
        cold, cold_rss = [], []
        for _ in range(max(1, args.runs // 3)):
            for name in ("cache.bin", "cache.profiles"):
                try:
                    os.remove(os.path.join(home, ".aws-sso", name))
                except FileNotFoundError:
                    pass
            f, m, _ = one_run(exe, home, size)
            if f is None:
                sys.exit(f"no first frame at {size} roles (cold)")
            cold.append(f * 1000)
            cold_rss.append(m)
        cold.sort()
        print(f"| {size:,} cold | {statistics.median(cold):.1f} ms | - | {max(cold):.1f} ms | {max(cold_rss):.1f} MB | - |")
    big = max(homes)
    res = fzf_times(exe, homes[big], ["p", "prod", "prodadm", "prod adm pay"], 5)
    if res is None:
        print("\nfzf not installed: no side-by-side (apt-get install fzf)")
    else:
        times, n = res
        print(f"\nfzf --filter over the same {n:,} `list --csv` lines (median of 5, whole process):")
        for q, t in times.items():
            print(f"  {q!r}: {t * 1000:.1f} ms")
    for home in homes.values():
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
