#!/usr/bin/env python3
"""Benchmark: one Tab press, i.e. the real release binary answering a `COMP_LINE` request
(docs/shell.md) the way bash's `complete -C aws-sso aws-sso` runs it, over a synthetic cache.

For each size it writes cache.json (the generator of list_100k.py) into a throw-away HOME
with the encrypted file store configured (completion must never open it), warms the derived
files (cache.bin, cache.profiles) with one run, then times whole processes for a few kinds of
request: a profile prefix, account ids narrowed by a role, role ARNs, a subcommand and a flag
name. Every answer is checked to be non-empty, so a broken completion cannot look fast.

Goal (issue #10): <= 20 ms per Tab at 10,000 roles.

Usage: python3 benches/completion.py [--sizes 10000,100000] [--runs 30]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from list_100k import ROOT, synthetic_cache  # noqa: E402

REQUESTS = [
    ("profile prefix", "aws-sso eval -p acme-prod-pay", "acme-prod-pay", "-p"),
    ("accounts with a role", "aws-sso exec -R Billing -A 1000000", "1000000", "-A"),
    ("ARNs", "aws-sso console --arn arn:aws:iam::10000001", "arn:aws:iam::10000001", "--arn"),
    ("subcommand", "aws-sso se", "se", "aws-sso"),
    ("flag", "aws-sso eval --pr", "--pr", "eval"),
]


def home_with(roles):
    home = tempfile.mkdtemp(prefix="aws-sso-completion-bench-")
    cfg = os.path.join(home, ".aws-sso")
    os.makedirs(cfg)
    with open(os.path.join(cfg, "cache.json"), "w") as f:
        json.dump(synthetic_cache(roles // 10, 10), f)
    with open(os.path.join(cfg, "config.yaml"), "w") as f:
        f.write("SSOConfig:\n  Default:\n    SSORegion: us-east-1\n"
                "    StartUrl: https://d-0000000000.awsapps.com/start\n"
                f"SecureStore: file\nFileStore: {cfg}/secure\nCacheRefresh: 0\n")
    return home


def tab(exe, home, line, word, prev):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=home, COMP_LINE=line, COMP_POINT=str(len(line)))
    start = time.perf_counter()
    out = subprocess.run([exe, "aws-sso", word, prev], env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, check=True)
    took = time.perf_counter() - start
    if not out.stdout.strip() or out.stderr:
        sys.exit(f"bad answer for {line!r}: {out.stdout[:200]!r} {out.stderr[:200]!r}")
    return took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "aws-sso")
    print("| roles | request | median | p90 | max | answers |")
    print("|---|---|---|---|---|---|")
    for size in [int(s) for s in args.sizes.split(",")]:
        home = home_with(size)
        subprocess.run([exe, "list", "--csv", "Profile"], env=dict(os.environ, HOME=home),
                       capture_output=True, check=True)  # writes cache.bin + cache.profiles
        for name, line, word, prev in REQUESTS:
            times = sorted(tab(exe, home, line, word, prev) * 1000 for _ in range(args.runs))
            env = dict(os.environ, HOME=home, COMP_LINE=line, COMP_POINT=str(len(line)))
            n = len(subprocess.run([exe, "aws-sso", word, prev], env=env,
                                   capture_output=True).stdout.splitlines())
            p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
            print(f"| {size:,} | {name} | {statistics.median(times):.1f} ms | {p90:.1f} ms "
                  f"| {times[-1]:.1f} ms | {n} |")
        if os.path.exists(os.path.join(home, ".aws-sso", "secure")):
            sys.exit("completion created the secure store")
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
