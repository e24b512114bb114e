#!/usr/bin/env python3
"""Requests/s and latency of `aws-sso ecs server` for a warm slot on loopback.

Starts the real binary (`ecs server --port 0 --no-renew`) in a throw-away HOME with a bearer
token, loads synthetic credentials into the default slot (PUT /), then runs N client threads,
each on its own keep-alive connection (http.client), doing `GET /` with the token for the given
time. Prints requests/s and p50/p99/max latency. Every reply must be 200 with the loaded key.

  python3 benches/ecs_server.py [--bin target/release/aws-sso] [--seconds 10] [--concurrency 8]
"""

import argparse, http.client, json, os, re, subprocess, sys, tempfile, threading, time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/debug/aws-sso")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--concurrency", type=int, default=8)
    a = ap.parse_args()

    home = tempfile.mkdtemp()
    os.makedirs(f"{home}/.aws-sso")
    with open(f"{home}/.aws-sso/config.yaml", "w") as f:
        f.write("SSOConfig:\n  Default:\n    SSORegion: us-east-1\n"
                "    StartUrl: https://d-1234567890.awsapps.com/start\n"
                f"SecureStore: json\nJsonStore: {home}/.aws-sso/store.json\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=home, NO_COLOR="1")
    token = subprocess.run([a.bin, "setup", "ecs", "auth", "--generate"], env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    server = subprocess.Popen([a.bin, "ecs", "server", "--port", "0", "--no-renew"], env=env, stderr=subprocess.PIPE, text=True)
    port = None
    for line in server.stderr:
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    # Request logging (INFO, one line per request) is part of what is measured; drain it.
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    auth = {"Authorization": f"Bearer {token}"}
    try:
        c = http.client.HTTPConnection("127.0.0.1", port)
        creds = {"roleName": "Bench", "accountId": 123456789012, "accessKeyId": "ASIABENCH",
                 "secretAccessKey": "s" * 40, "sessionToken": "t" * 600,
                 "expiration": int((time.time() + 3600) * 1000), "roleChaining": False}
        c.request("PUT", "/", json.dumps({"Creds": creds, "ProfileName": "bench"}), auth)
        assert c.getresponse().status == 200
        c.close()

        latencies, errors, stop = [], [], time.monotonic() + a.seconds

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", port)
            mine = []
            while time.monotonic() < stop:
                t = time.perf_counter()
                conn.request("GET", "/", headers=auth)
                r = conn.getresponse()
                body = r.read()
                mine.append(time.perf_counter() - t)
                if r.status != 200 or b"ASIABENCH" not in body:
                    errors.append(r.status)
            latencies.extend(mine)

        threads = [threading.Thread(target=worker) for _ in range(a.concurrency)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
    finally:
        server.terminate()
        server.wait(10)
    lat = sorted(latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
    print(f"{a.bin}: {len(lat)} requests in {wall:.1f} s, concurrency {a.concurrency}: "
          f"{len(lat) / wall:,.0f} req/s, p50 {pct(0.50):.2f} ms, p99 {pct(0.99):.2f} ms, "
          f"max {lat[-1] * 1000:.2f} ms, errors {len(errors)}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
