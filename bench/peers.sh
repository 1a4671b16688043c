#!/usr/bin/env bash
# oxido against its peer, pydo (DigitalOcean's official Python client), in one run against one server.
#
# Starts the oxido-sim binary on 127.0.0.1 with the demo seed, runs pydo's droplet_actions.get loop,
# then oxido's equivalent (the oxido-bench binary, which also times the bare-reqwest loop and the
# `oxido` CLI one-shot), and prints a table with the ratios against the issue's targets.
#
#   bench/peers.sh [--seconds N]        # N seconds per loop, default 10
#
# Needs python3 (with venv) and network access to PyPI the first time, for pydo 0.44.0.
# Nothing leaves 127.0.0.1 once the venv exists; every loop is bounded in count and time.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=10
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "peers.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -ge 1 ]] || { echo "peers.sh: --seconds wants a positive integer, got '$seconds'" >&2; exit 2; }

venv=bench/.venv
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import pydo' 2>/dev/null; then
    echo "==> creating $venv with pydo 0.44.0" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'pydo==0.44.0'
fi

echo "==> building release binaries (oxido-sim, oxido-bench, oxido)" >&2
cargo build --release --locked -p oxido-sim -p oxido-bench -p oxido-cli >&2
target_dir=$(cargo metadata --format-version 1 --no-deps | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release"

port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
token="peers-bench-token"
workdir=$(mktemp -d)
sim_pid=""
cleanup() {
    if [[ -n "$sim_pid" ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
    rm -rf "$workdir"
}
trap cleanup EXIT

# Rate limits are lifted so the emulator measures throughput, not its own 429s.
"$bin/oxido-sim" --listen "127.0.0.1:$port" --token "$token" --seed demo \
    --rate-limit-per-minute 1000000000 --rate-limit-per-hour 1000000000 >"$workdir/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do
    if "$venv/bin/python" -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null; then
        break
    fi
    kill -0 "$sim_pid" 2>/dev/null || { echo "oxido-sim exited early:" >&2; cat "$workdir/sim.log" >&2; exit 1; }
    sleep 0.1
done

echo "==> pydo loop (${seconds}s)" >&2
"$venv/bin/python" bench/pydo_loop.py --endpoint "$url" --token "$token" --seconds "$seconds" >"$workdir/pydo.json"

echo "==> oxido loops (${seconds}s each) and CLI one-shot" >&2
"$bin/oxido-bench" --base-url "$url" --token "$token" --seconds "$seconds" \
    --cli "$bin/oxido" --json >"$workdir/oxido.json"

"$venv/bin/python" bench/peers_report.py "$workdir/pydo.json" "$workdir/oxido.json"
