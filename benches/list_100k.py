#!/usr/bin/env python3
"""Benchmark: `aws-sso list --csv` over a 100,000-role cache.json.

Builds the release binary, writes a synthetic Version 4 cache (10,000 accounts x 10 roles,
realistic names and tags) into a throw-away HOME, then runs the real binary several times and
reports the median wall time, the cache-load time the binary logs at debug level, and the peak
RSS of the child processes.

Goals (issue: foundation): cache load <= 100 ms, peak RSS <= 60 MB.

Usage: python3 benches/list_100k.py [--accounts N] [--roles M] [--runs K]
"""
import argparse
import json
import os
import re
import resource
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
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "aws-sso"],
                   cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "aws-sso")
    home = tempfile.mkdtemp(prefix="aws-sso-bench-")
    cfg_dir = os.path.join(home, ".aws-sso")
    os.makedirs(cfg_dir)
    with open(os.path.join(cfg_dir, "config.yaml"), "w") as f:
        f.write("SSOConfig:\n  Default:\n    SSORegion: us-east-1\n"
                "    StartUrl: https://d-0000000000.awsapps.com/start\n")
    cache = synthetic_cache(args.accounts, args.roles)
    path = os.path.join(cfg_dir, "cache.json")
    with open(path, "w") as f:
        json.dump(cache, f, indent=2)
    n_roles = args.accounts * args.roles
    size_mb = os.path.getsize(path) / 1e6
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = home

    print(f"cache: {n_roles} roles, {size_mb:.1f} MB")
    print(f"{'command':<34} {'median ms':>10} {'min ms':>8} {'load ms':>8} {'rows':>8}")
    for label, extra in [("list --csv (default fields)", []),
                         ("list --csv Arn", ["Arn"]),
                         ("list (table)", None)]:
        cmd = [binary, "-L", "debug", "list"] + (["--csv"] + extra if extra is not None else [])
        walls, loads, rows = [], [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            walls.append((time.perf_counter() - t0) * 1000)
            if p.returncode != 0:
                sys.exit(f"{label} failed: {p.stderr.decode()[-500:]}")
            rows = p.stdout.count(b"\n")
            m = re.search(rb"loaded cache .* in ([0-9.]+) ms", p.stderr)
            if m:
                loads.append(float(m.group(1)))
        load = f"{statistics.median(loads):.1f}" if loads else "-"
        print(f"{label:<34} {statistics.median(walls):>10.1f} {min(walls):>8.1f} {load:>8} {rows:>8}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak RSS of any run: {peak_kb / 1024:.1f} MB")


if __name__ == "__main__":
    main()
