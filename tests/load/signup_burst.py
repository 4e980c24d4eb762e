#!/usr/bin/env python3
"""A burst of concurrent sign-ups against a running Lanyard, and the server's memory around it.

    python3 tests/load/signup_burst.py BASE_URL SERVER_PID [COUNT] [--taken]

Sends COUNT (default 150) sign-ups at once to BASE_URL/c/riverton/signup (a demo city), with a
username that is already taken (--taken: the demo youth "maya") or a fresh one each, and prints
the server's resident memory (VmRSS of SERVER_PID) before, at its peak during the burst, and two
seconds after, plus how the requests were answered. Standard library only. Start the demo with a
loose sign-up limit so that the burst reaches the hashing, e.g.
LANYARD__LIMITS__SIGNUPS_PER_ADDRESS=100000 lanyard demo --port 8400.
"""

import collections
import http.cookiejar
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


def rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    taken = "--taken" in sys.argv
    base, pid = args[0].rstrip("/"), int(args[1])
    count = int(args[2]) if len(args) > 2 else 150
    url = f"{base}/c/riverton/signup"

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(url, timeout=10).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)

    answers = collections.Counter()
    lock = threading.Lock()
    start = threading.Barrier(count + 1)

    def sign_up():
        name = "maya" if taken else f"burst-{uuid.uuid4().hex[:10]}"
        body = urllib.parse.urlencode({
            "csrf_token": token, "kind": "youth", "display_name": name, "username": name,
            "email": "", "password": "a long enough password", "birth_date": "2010-05-05",
        }).encode()
        request = urllib.request.Request(url, data=body, headers={"Cookie": cookie})
        start.wait()
        try:
            status = urllib.request.urlopen(request, timeout=60).status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError as e:
            status = type(e).__name__
        with lock:
            answers[status] += 1

    before = rss_kib(pid)
    threads = [threading.Thread(target=sign_up) for _ in range(count)]
    for t in threads:
        t.start()
    began = time.monotonic()
    start.wait()
    peak = before
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss_kib(pid))
        time.sleep(0.02)
    took = time.monotonic() - began
    time.sleep(2)
    after = rss_kib(pid)
    print(f"{count} sign-ups ({'taken name' if taken else 'fresh names'}) in {took:.1f} s; "
          f"answers: {dict(answers)}")
    print(f"VmRSS before {before / 1024:.0f} MiB, peak {peak / 1024:.0f} MiB, "
          f"2 s after {after / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
