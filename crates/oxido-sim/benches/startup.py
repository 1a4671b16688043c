#!/usr/bin/env python3
"""Start-up of oxido-sim binaries: process spawn to the first answered `GET /v2/regions` (200, whole
body read), and resident memory right then, median of N runs, binaries alternated run by run so load
from other work falls on all alike.

    crates/oxido-sim/benches/startup.py [--runs N] [--state FILE] BIN [BIN ...]
    crates/oxido-sim/benches/startup.py --make-state FILE [--objects 10000] BIN

--make-state starts BIN with `--state FILE` (which must not exist yet), creates the objects through the
API (Droplets, volumes, tags and domains, spread over the demo account and --accounts others, since an
account holds at most 1,000 objects of a kind), saves with `POST /_sim/save` and stops. --state then
starts every run from that file (the same account tokens are passed, so the file's accounts load as
they were). Each run is stopped with SIGKILL, so the file is never rewritten.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

TOKEN = "oxido-sim-demo-token"
ADMIN = "startup-admin-token"
HOST = "127.0.0.1"


def account_tokens(count):
    return [TOKEN] + [f"startup-account-{i}" for i in range(1, count)]


def command(binary, port, accounts, state):
    cmd = [binary, "--listen", f"{HOST}:{port}", "--admin-token", ADMIN,
           "--rate-limit-per-minute", "4000000000", "--rate-limit-per-hour", "4000000000",
           "--action-duration", "0s"]
    for token in account_tokens(accounts)[1:]:
        cmd += ["--other-account-token", token]
    if state:
        cmd += ["--state", state]
    return cmd


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def first_answer(port, deadline):
    """Polls until GET /v2/regions answers 200; returns when it has, or raises past the deadline."""
    while True:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/v2/regions", headers={"Authorization": f"Bearer {TOKEN}"})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
            raise RuntimeError(f"GET /v2/regions answered {response.status}")
        except (ConnectionRefusedError, ConnectionResetError, socket.timeout, http.client.RemoteDisconnected):
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer on port {port} within the deadline")
            time.sleep(0.0005)


def one_run(binary, port, accounts, state):
    cmd = command(binary, port, accounts, state)
    started = time.monotonic()
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        first_answer(port, started + 30)
        elapsed = time.monotonic() - started
        rss = rss_mib(process.pid)
    except Exception:
        process.kill()
        _, err = process.communicate(timeout=10)
        sys.stderr.write(err.decode(errors="replace"))
        raise
    process.send_signal(signal.SIGKILL)
    # The child's own CPU (user + system) up to the kill, a moment after its first answer: unlike the
    # wall time, it hardly moves when other work shares the cores.
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = -signal.SIGKILL
    return elapsed * 1000, rss, (usage.ru_utime + usage.ru_stime) * 1000


def make_state(binary, path, objects, accounts, port):
    if os.path.exists(path):
        sys.exit(f"{path} exists already; --make-state writes a new file")
    process = subprocess.Popen(command(binary, port, accounts, path), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        first_answer(port, time.monotonic() + 30)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)

        def post(token, path_, body):
            conn.request("POST", path_, body=json.dumps(body),
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            if response.status not in (200, 201, 202, 204):
                raise RuntimeError(f"POST {path_} {body} answered {response.status}: {data[:300]!r}")

        # Per account: 10% Droplets, 40% volumes, 30% tags, 20% domains.
        kinds = [
            (0.1, lambda n: ("/v2/droplets", {"name": f"d-{n}", "region": "nyc3", "size": "s-1vcpu-1gb",
                                              "image": "ubuntu-24-04-x64"})),
            (0.4, lambda n: ("/v2/volumes", {"name": f"v-{n}", "region": "nyc1", "size_gigabytes": 1})),
            (0.3, lambda n: ("/v2/tags", {"name": f"t-{n}"})),
            (0.2, lambda n: ("/v2/domains", {"name": f"d{n}.example.com"})),
        ]
        tokens = account_tokens(accounts)
        per_account = -(-objects // len(tokens))
        made = 0
        for a, token in enumerate(tokens):
            for share, make in kinds:
                for i in range(round(per_account * share)):
                    if made == objects:
                        break
                    path_, body = make(f"{a}-{i}")
                    post(token, path_, body)
                    made += 1
        conn.request("POST", "/_sim/save", headers={"Authorization": f"Bearer {ADMIN}"})
        response = conn.getresponse()
        response.read()
        if response.status != 204:
            raise RuntimeError(f"POST /_sim/save answered {response.status}")
        print(f"created {made} objects over {len(tokens)} accounts; {path}: "
              f"{os.path.getsize(path) / 1e6:.1f} MB")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--state")
    parser.add_argument("--make-state")
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--port", type=int, default=39741)
    args = parser.parse_args()
    if not 1 <= args.runs <= 1000:
        sys.exit("--runs must be 1..1000")
    if args.make_state:
        make_state(args.binaries[0], args.make_state, args.objects, args.accounts, args.port)
        return
    times = {b: [] for b in args.binaries}
    rss = {b: [] for b in args.binaries}
    cpu = {b: [] for b in args.binaries}
    print(f"load average before: {os.getloadavg()}")
    for run in range(args.runs):
        # Rotate the order each run.
        order = args.binaries[run % len(args.binaries):] + args.binaries[:run % len(args.binaries)]
        for binary in order:
            t, r, c = one_run(binary, args.port, args.accounts, args.state)
            times[binary].append(t)
            rss[binary].append(r)
            cpu[binary].append(c)
    print(f"load average after: {os.getloadavg()}")
    what = f"state file {args.state} ({os.path.getsize(args.state) / 1e6:.1f} MB)" if args.state else "no state file"
    print(f"| binary ({what}) | runs | start-up to first GET /v2/regions, median | min | max | CPU to then, median | RSS then, median |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for binary in args.binaries:
        ts = times[binary]
        print(f"| {binary} | {len(ts)} | {statistics.median(ts):.1f} ms | {min(ts):.1f} ms | {max(ts):.1f} ms "
              f"| {statistics.median(cpu[binary]):.1f} ms | {statistics.median(rss[binary]):.1f} MiB |")


if __name__ == "__main__":
    main()
