#!/usr/bin/env python3
"""A stand-in browser for hands-free login tests: fetch argv[1] and follow redirects (the
emulator's /authorize answers with a 302 to aws-sso's loopback listener). Writes the final
HTTP status and page to the file named by argv[2], when given, so a test can check it."""

import sys
import urllib.error
import urllib.request


def main() -> int:
    url = sys.argv[1]
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            status, body = resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode("utf-8", "replace")
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            f.write(f"{status}\n{body}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
