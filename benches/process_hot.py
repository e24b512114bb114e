#!/usr/bin/env python3
"""Benchmark: `aws-sso process` (credential_process) as the AWS CLI runs it, whole processes.

Starts the project's IAM Identity Center emulator (release build) on 127.0.0.1, logs in with a
fake browser, then measures:

* cold: `process --arn` with no cached credentials (one GetRoleCredentials), beside the bare
  round trip of a GetRoleCredentials-sized HTTP request to the emulator;
* warm: `process --arn` and `process --profile` with valid cached credentials, over a cache of
  N roles (the emulator's roles plus synthetic accounts), for each N in --roles.

Store: `json` by default; `--store secret-service` runs the same inside a private
dbus-run-session with gnome-keyring unlocked (Debian: dbus gnome-keyring).

Goals (issue: credentials): warm median <= 5 ms (json) / <= 15 ms (Secret Service),
p99 <= 2x median; cold <= one GetRoleCredentials round trip + 20 ms; --arn flat in N;
--profile within 2x of --arn at 100,000 roles.

Usage: python3 benches/process_hot.py [--runs K] [--roles 1000,100000] [--store json|secret-service]
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
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from list_100k import synthetic_cache  # noqa: E402

BROWSER = "#!/usr/bin/env python3\nimport sys, urllib.request\nurllib.request.urlopen(sys.argv[1], timeout=10).read()\n"


def percentile(values, p):
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))
    return s[k]


def timed(cmd, env, runs):
    walls = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        walls.append((time.perf_counter() - t0) * 1000)
        if r.returncode != 0:
            sys.exit(f"{cmd} failed: {r.stderr.decode()[-400:]}")
    return walls


def inflate(cache_path, total_roles):
    """Add synthetic accounts to the real cache until it holds about `total_roles` roles."""
    with open(cache_path) as f:
        cache = json.load(f)
    inst = cache["SSO"]["Default"]
    have = sum(len(a.get("Roles", {})) for a in inst["Roles"]["Accounts"].values())
    extra = max(0, total_roles - have)
    if extra:
        synth = synthetic_cache((extra + 9) // 10, 10)["SSO"]["Default"]["Roles"]["Accounts"]
        inst["Roles"]["Accounts"].update(synth)
    tmp = cache_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(cache, f, indent=2)
    os.replace(tmp, cache_path)
    # Keep ConfigCreatedAt/LastUpdate fresh so nothing refreshes.
    return have + extra


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--roles", default="1000,100000")
    ap.add_argument("--store", default="json", choices=["json", "secret-service"])
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.store == "secret-service" and not args.inner:
        script = ("printf %s benchpw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
                  f"exec {sys.executable} {os.path.abspath(__file__)} --inner --store secret-service "
                  f"--runs {args.runs} --roles {args.roles}")
        home = tempfile.mkdtemp(prefix="aws-sso-bench-ss-")
        env = dict(os.environ, XDG_DATA_HOME=os.path.join(home, "data"),
                   XDG_RUNTIME_DIR=os.path.join(home, "run"))
        os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700)
        subprocess.run(["cargo", "build", "--release", "--quiet", "--workspace", "--bins"], cwd=ROOT, check=True)
        sys.exit(subprocess.run(["dbus-run-session", "--", "sh", "-c", script], env=env).returncode)

    if not args.inner:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--workspace", "--bins"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "aws-sso")
    emulator = os.path.join(ROOT, "target", "release", "aws-sso-emulator")
    emu = subprocess.Popen([emulator, "--accounts", "20", "--roles", "5"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    try:
        url = emu.stdout.readline().strip().split()[-1]
        run(args, binary, url)
    finally:
        emu.terminate()
        emu.wait()


def run(args, binary, url):
    home = tempfile.mkdtemp(prefix="aws-sso-bench-")
    cfg = os.path.join(home, ".aws-sso")
    bindir = os.path.join(home, "bin")
    os.makedirs(cfg)
    os.makedirs(bindir)
    with open(os.path.join(bindir, "xdg-open"), "w") as f:
        f.write(BROWSER)
    os.chmod(os.path.join(bindir, "xdg-open"), 0o755)
    store = "SecureStore: json\n" if args.store == "json" else "SecureStore: secret-service\n"
    with open(os.path.join(cfg, "config.yaml"), "w") as f:
        f.write("SSOConfig:\n  Default:\n    SSORegion: us-east-1\n"
                "    StartUrl: https://d-0000000000.awsapps.com/start\nAuthWorkflow: pkce\n" + store)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=home, PATH=bindir + ":" + os.environ["PATH"], AWS_ENDPOINT_URL_SSO=url,
               AWS_ENDPOINT_URL_SSO_OIDC=url, AWS_ENDPOINT_URL_STS=url)
    env.pop("DISPLAY", None)
    subprocess.run([binary, "login"], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    rows = subprocess.run([binary, "list", "--csv", "Arn,Profile"], env=env, check=True,
                          capture_output=True, text=True).stdout.split("\n")
    arns = [r.split(",") for r in rows if r]

    # Cold: every run gets a role it has no credentials for yet.
    cold = []
    for arn, _ in arns[: min(20, len(arns))]:
        cold += timed([binary, "process", "--arn", arn], env, 1)
    # The bare round trip a GetRoleCredentials costs (same size request, keep-alive off).
    rtt = []
    for _ in range(20):
        t0 = time.perf_counter()
        try:
            urllib.request.urlopen(url + "/federation/credentials?account_id=1&role_name=x", timeout=5).read()
        except Exception:
            pass
        rtt.append((time.perf_counter() - t0) * 1000)
    print(f"store: {args.store}; runs per row: {args.runs}")
    print(f"cold process --arn (one GetRoleCredentials): median {statistics.median(cold):.1f} ms; "
          f"bare emulator round trip {statistics.median(rtt):.1f} ms")

    arn, profile = arns[0]
    print(f"{'roles':>8} {'command':<22} {'median ms':>10} {'p99 ms':>8} {'min ms':>8}  calls/s")
    cache_path = os.path.join(cfg, "cache.json")
    for n in [int(x) for x in args.roles.split(",")]:
        total = inflate(cache_path, n)
        for label, cmd in [("process --arn", [binary, "process", "--arn", arn]),
                           ("process --profile", [binary, "process", "--profile", profile])]:
            timed(cmd, env, 3)  # warm the page cache and cache.bin
            walls = timed(cmd, env, args.runs)
            med = statistics.median(walls)
            print(f"{total:>8} {label:<22} {med:>10.2f} {percentile(walls, 99):>8.2f} "
                  f"{min(walls):>8.2f}  {1000 / med:>7.0f}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
