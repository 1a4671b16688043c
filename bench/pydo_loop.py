"""Measure pydo's droplet_actions.get against a local server and print one JSON object.

Used by bench/peers.sh. Everything stays on 127.0.0.1: the endpoint is a required argument
and anything that is not a loopback URL is refused. The loop is bounded both by a call count
and by a wall-clock budget, whichever ends first.
"""

import argparse
import json
import sys
import time
from urllib.parse import urlparse

DROPLET_ID = 3164444
ACTION_ID = 36804636


def resident_kib(field):
    """Read one memory figure (VmRSS or VmHWM) of this process from /proc, in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/self/status")


def percentile(sorted_values, fraction):
    index = min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True, help="base URL of the local server")
    parser.add_argument("--token", required=True)
    parser.add_argument("--max-calls", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()

    host = urlparse(args.endpoint).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing to benchmark against a non-loopback endpoint: {args.endpoint}")

    started = time.perf_counter()
    from pydo import Client  # the import is part of what is measured

    imported = time.perf_counter()
    client = Client(token=args.token, endpoint=args.endpoint)
    constructed = time.perf_counter()
    rss_after_client_kib = resident_kib("VmRSS")

    def call():
        # azure-core refuses bearer tokens over plain http unless told otherwise per call.
        action = client.droplet_actions.get(
            droplet_id=DROPLET_ID, action_id=ACTION_ID, enforce_https=False
        )
        if action["action"]["id"] != ACTION_ID:
            raise RuntimeError(f"unexpected response: {action!r}")

    for _ in range(args.warmup):
        call()

    latencies = []
    deadline = time.perf_counter() + args.seconds
    loop_start = time.perf_counter()
    while len(latencies) < args.max_calls and time.perf_counter() < deadline:
        before = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - loop_start
    latencies.sort()

    print(
        json.dumps(
            {
                "client": "pydo 0.44.0",
                "calls": len(latencies),
                "seconds": round(elapsed, 3),
                "calls_per_sec": round(len(latencies) / elapsed, 1),
                "p50_us": round(percentile(latencies, 0.50) * 1e6, 1),
                "p99_us": round(percentile(latencies, 0.99) * 1e6, 1),
                "import_ms": round((imported - started) * 1e3, 1),
                "construct_ms": round((constructed - imported) * 1e3, 1),
                "import_and_construct_ms": round((constructed - started) * 1e3, 1),
                "rss_after_client_kib": rss_after_client_kib,
                "peak_rss_kib": resident_kib("VmHWM"),
            }
        )
    )


if __name__ == "__main__":
    main()
