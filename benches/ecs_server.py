#!/usr/bin/env python3
"""Requests/s and latency of `aws-sso ecs server` for a warm slot on loopback.

Starts the real binary (`ecs server --port 0 --no-renew`) in a throw-away HOME with a bearer
token, loads synthetic credentials into the default slot (PUT /), then runs N client threads,
each on its own keep-alive connection (http.client), doing `GET /` with the token for the given
time. Prints requests/s and p50/p99/max latency. Every reply must be 200 with the loaded key.

With --stalled N, a hostile neighbour keeps N connections open that never finish a request
(nothing sent, half the headers, or a PUT's headers and half its body, with and without the
token), reopening each one the server closes; the clients then open a new connection per
request (as an SDK does), so accepting is measured too. --nofile limits the server's file
descriptors (`ulimit -n`).

  python3 benches/ecs_server.py [--bin target/release/aws-sso] [--seconds 10] [--concurrency 8]
  python3 benches/ecs_server.py --bin target/release/aws-sso --concurrency 1 --stalled 500 [--nofile 256]
"""

import argparse, http.client, json, os, re, resource, selectors, socket, subprocess, sys
import tempfile, threading, time


class Stallers:
    """Keeps `n` stalled connections open to 127.0.0.1:`port` until stopped."""

    def __init__(self, port, n, token):
        put = ("PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\n{}Content-Length: 4000\r\n\r\n"
               '{{"Creds":{{')
        self.payloads = [b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriza",
                         put.format(f"Authorization: Bearer {token}\r\n").encode(),
                         put.format("").encode()]
        self.port, self.n, self.sel = port, n, selectors.DefaultSelector()
        self.stop, self.opened, self.samples = False, 0, []
        self.thread = threading.Thread(target=self.run, daemon=True)

    def open_one(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        s.sendall(self.payloads[self.opened % len(self.payloads)])
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ)
        self.opened += 1

    def fill(self):
        while len(self.sel.get_map()) < self.n and not self.stop:
            try:
                self.open_one()
            except OSError:
                time.sleep(0.01)

    def run(self):
        while not self.stop:
            self.fill()
            self.samples.append(len(self.sel.get_map()))
            # Readable: the server answered (403/408) or closed it: reopen.
            for key, _ in self.sel.select(timeout=0.05):
                self.sel.unregister(key.fileobj)
                key.fileobj.close()

    def close(self):
        self.stop = True
        self.thread.join(5)
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/debug/aws-sso")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--stalled", type=int, default=0, help="stalled connections kept open")
    ap.add_argument("--nofile", type=int, default=0, help="the server's ulimit -n")
    ap.add_argument("--fresh", action="store_true",
                    help="a new connection per request (implied by --stalled)")
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
    limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (a.nofile, a.nofile))) \
        if a.nofile else None
    server = subprocess.Popen([a.bin, "ecs", "server", "--port", "0", "--no-renew"], env=env,
                              stderr=subprocess.PIPE, text=True, preexec_fn=limit)
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

        stallers = None
        if a.stalled:
            stallers = Stallers(port, a.stalled, token)
            stallers.fill()
            stallers.thread.start()

        latencies, errors, stop = [], [], time.monotonic() + a.seconds
        fresh = a.fresh or bool(stallers)

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine = []
            while time.monotonic() < stop:
                if fresh:
                    conn.close()
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
        if stallers:
            stallers.close()
    finally:
        server.terminate()
        server.wait(10)
    lat = sorted(latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
    print(f"{a.bin}: {len(lat)} requests in {wall:.1f} s, concurrency {a.concurrency}"
          f"{', a new connection each' if a.fresh or a.stalled else ''}: "
          f"{len(lat) / wall:,.0f} req/s, p50 {pct(0.50):.2f} ms, p99 {pct(0.99):.2f} ms, "
          f"max {lat[-1] * 1000:.2f} ms, errors {len(errors)}")
    if stallers:
        held = sorted(stallers.samples)
        print(f"  while stalled connections were open: {a.stalled} asked, median "
              f"{held[len(held) // 2]} open, {stallers.opened} opened in all"
              + (f", server ulimit -n {a.nofile}" if a.nofile else ""))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
