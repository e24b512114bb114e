#!/usr/bin/env python3
"""How many roles a query keeps: the real picker (in tmux, its counter read off the screen)
beside `fzf --filter` over the same roles' `aws-sso list --csv` lines.

Two rosters: the demo organisation (`aws-sso demo`: 300 accounts x 4 roles) and the synthetic
100,000-role cache of benches/list_100k.py (10,000 accounts x 10 roles). Needs tmux and fzf
(Debian: `apt-get install tmux fzf`).

Usage: python3 benches/match_counts.py [--bin target/release/aws-sso] [--only demo|100k]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benches"))
import list_100k  # noqa: E402

QUERIES = ["web-dev", "web-dev adm", "prodadm", "prod adm", "adm", "sbx", "payments read",
           "^Data", "Access$", "'Admin", "!prod adm", "arn:aws:iam::0"]


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", "match-counts", *args], capture_output=True,
                          text=True, check=check).stdout


def counter(screen):
    first = screen.splitlines()[0] if screen else ""
    m = re.search(r"(\d+)/(\d+)\s*$", first)
    return (int(m.group(1)), int(m.group(2))) if m else None


def settled(total, timeout=60.0):
    """The counter once it reads the same for 0.5 s (and, at the start, shows every role)."""
    deadline = time.time() + timeout
    last, since = None, time.time()
    while time.time() < deadline:
        c = counter(tmux("capture-pane", "-p", "-t", "p"))
        if c != last:
            last, since = c, time.time()
        elif c and c[1] == total and time.time() - since > 0.5:
            return c
        time.sleep(0.05)
    sys.exit(f"the picker's counter never settled (last {last})")


def picker_counts(binary, home, total):
    env = f"HOME={home} AWS_SSO_THEME=dark"
    tmux("kill-server", check=False)
    tmux("new-session", "-d", "-s", "p", "-x", "160", "-y", "40",
         f"env {env} {binary} eval --shell bash > /dev/null")
    settled(total)
    out = {}
    for q in QUERIES:
        tmux("send-keys", "-t", "p", "-l", q)
        out[q] = settled(total)[0]
        tmux("send-keys", "-t", "p", "C-u")
        settled(total)
    tmux("kill-server", check=False)
    return out


def fzf_counts(binary, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = home
    lines = subprocess.run([binary, "list", "--csv"], env=env, capture_output=True,
                           check=True).stdout
    out = {}
    for q in QUERIES:
        r = subprocess.run(["fzf", "--filter", q], input=lines, capture_output=True)
        out[q] = r.stdout.count(b"\n")
    return out, lines.count(b"\n")


def demo_home(binary):
    err = subprocess.run([binary, "demo", "--keep"], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, check=True).stderr
    m = re.search(r"kept (\S+)", err)
    if not m:
        sys.exit(f"demo did not say where it kept its files: {err}")
    return m.group(1)


def big_home():
    home = tempfile.mkdtemp(prefix="aws-sso-counts-")
    cfg = os.path.join(home, ".aws-sso")
    os.makedirs(cfg)
    with open(os.path.join(cfg, "config.yaml"), "w") as f:
        f.write("SSOConfig:\n  Default:\n    SSORegion: us-east-1\n"
                "    StartUrl: https://d-0000000000.awsapps.com/start\n")
    subprocess.run([sys.executable, list_100k.__file__, "--write-cache",
                    os.path.join(cfg, "cache.json")], check=True)
    return home


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "aws-sso"))
    ap.add_argument("--only", choices=["demo", "100k"])
    args = ap.parse_args()
    if not shutil.which("tmux") or not shutil.which("fzf"):
        sys.exit("needs tmux and fzf")
    binary = os.path.abspath(args.bin)
    for name in ["demo", "100k"]:
        if args.only and args.only != name:
            continue
        home = demo_home(binary) if name == "demo" else big_home()
        try:
            fzf, total = fzf_counts(binary, home)
            ours = picker_counts(binary, home, total)
        finally:
            shutil.rmtree(home, ignore_errors=True)
        print(f"\n{name}: {total:,} roles\n")
        print("| query | aws-sso | fzf --filter |")
        print("|---|---|---|")
        for q in QUERIES:
            print(f"| `{q}` | {ours[q]:,} | {fzf[q]:,} |")


if __name__ == "__main__":
    main()
