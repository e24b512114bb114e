#!/usr/bin/env python3
"""Benchmark: `aws-sso list --csv` over a 100,000-role cache.json.

Builds the release binary, writes a synthetic Version 4 cache (10,000 accounts x 10 roles,
realistic names and tags) into a throw-away HOME, then runs the real binary several times and
reports the median wall time, the cache-load time the binary logs at debug level, and each
run's own peak RSS. The "cold" row deletes the binary snapshot (cache.bin) before every run, so
it measures the first start after another tool wrote cache.json; the other rows use the
snapshot that run wrote.

Goals (issue: foundation): cache load <= 100 ms, peak RSS <= 60 MB.

Usage: python3 benches/list_100k.py [--accounts N] [--roles M] [--runs K]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROLES = ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing",
         "DeveloperAccess", "SecurityAudit", "NetworkAdmin", "DataScientist",
         "SupportUser", "ViewOnlyAccess"]
ENVS = ["prod", "staging", "dev", "sandbox", "shared"]
TEAMS = ["payments", "search", "identity", "platform", "data", "mobile", "growth", "infra"]


def synthetic_cache(accounts, roles_per_account):
    accts = {}
    for i in range(accounts):
        acct = 100000000000 + i * 7919
        env, team = ENVS[i % len(ENVS)], TEAMS[(i // len(ENVS)) % len(TEAMS)]
        alias = f"acme-{env}-{team}-{i:05d}"
        pad = f"{acct:012d}"
        roles = {}
        for r in ROLES[:roles_per_account]:
            roles[r] = {
                "Arn": f"arn:aws:iam::{pad}:role/{r}",
                "Tags": {"AccountAlias": alias, "AccountID": pad,
                         "Email": f"aws+{env}-{team}-{i}@example.com", "Role": r,
                         "Env": env, "Team": team},
            }
        accts[str(acct)] = {"Alias": alias, "EmailAddress": f"aws+{env}-{team}-{i}@example.com",
                            "Roles": roles}
    now = int(time.time())
    return {"Version": 4, "ConfigCreatedAt": now + 3600, "SSO": {"Default": {
        "LastUpdate": now, "ConfigHash": "", "History": [],
        "Roles": {"Accounts": accts, "SSORegion": "us-east-1",
                  "StartUrl": "https://d-0000000000.awsapps.com/start", "DefaultRegion": ""}}}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=10000)
    ap.add_argument("--roles", type=int, default=10)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--write-cache", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write_cache:
        with open(args.write_cache, "w") as f:
            json.dump(synthetic_cache(args.accounts, args.roles), f, indent=2)
        return

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "aws-sso"],
                   cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "aws-sso")
    home = tempfile.mkdtemp(prefix="aws-sso-bench-")
    cfg_dir = os.path.join(home, ".aws-sso")
    os.makedirs(cfg_dir)
    with open(os.path.join(cfg_dir, "config.yaml"), "w") as f:
        f.write("SSOConfig:\n  Default:\n    SSORegion: us-east-1\n"
                "    StartUrl: https://d-0000000000.awsapps.com/start\n")
    path = os.path.join(cfg_dir, "cache.json")
    # Written by a child process: a child's peak RSS on Linux includes the process it was
    # forked from, so this one must stay small while it measures.
    subprocess.run([sys.executable, __file__, "--write-cache", path, "--accounts",
                    str(args.accounts), "--roles", str(args.roles)], check=True)
    n_roles = args.accounts * args.roles
    size_mb = os.path.getsize(path) / 1e6
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = home

    print(f"cache: {n_roles} roles, {size_mb:.1f} MB  ({path})")
    print(f"{'command':<30} {'median ms':>10} {'min ms':>8} {'load ms':>8} {'peak RSS MB':>12} {'rows':>8}")
    worst_rss = 0.0
    snapshot = os.path.join(cfg_dir, "cache.bin")
    for label, extra, cold in [("list --csv, cold (parse JSON)", [], True),
                               ("list --csv (default fields)", [], False),
                               ("list --csv Arn", ["Arn"], False),
                               ("list (table)", None, False)]:
        cmd = [binary, "-L", "debug", "list"] + (["--csv"] + extra if extra is not None else [])
        walls, loads, rss, rows = [], [], [], 0
        for _ in range(args.runs):
            if cold and os.path.exists(snapshot):
                os.remove(snapshot)
            wall, code, peak_kb, out, err = run_measured(cmd, env)
            if code != 0:
                sys.exit(f"{label} failed: {err.decode()[-500:]}")
            walls.append(wall)
            rss.append(peak_kb / 1024)
            rows = out.count(b"\n")
            m = re.search(rb"loaded cache .* in ([0-9.]+) ms", err)
            if cold != (b"from its snapshot" not in err):
                sys.exit(f"{label}: expected {'no ' if cold else ''}snapshot use: {err.decode()}")
            if m:
                loads.append(float(m.group(1)))
        load = f"{statistics.median(loads):.1f}" if loads else "-"
        worst_rss = max(worst_rss, max(rss))
        print(f"{label:<30} {statistics.median(walls):>10.1f} {min(walls):>8.1f} {load:>8} "
              f"{max(rss):>12.1f} {rows:>8}")
    print(f"peak RSS of any run: {worst_rss:.1f} MB (goal <= 60 MB)")


def run_measured(cmd, env):
    """Run `cmd` with its output in files; return (wall ms, exit code, its own peak RSS in KiB,
    stdout, stderr). `wait4` gives this child's rusage alone (RUSAGE_CHILDREN would also count
    the cargo build above)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - t0) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return wall, proc.returncode, usage.ru_maxrss, out.read(), err.read()


if __name__ == "__main__":
    main()
