#!/usr/bin/env bash
# GET throughput and latency of the oxido-sim binary under wrk, at 32 connections, for the
# Droplet handler and the generic engine, beside a baseline route measured in the same run
# (the machine is shared, so compare ratios), and the server's own CPU time per request
# (user + system, from /proc: steadier than req/s when other work shares the cores).
#
#   crates/oxido-sim/benches/wrk.sh [BINARY] [SECONDS]
#
# BINARY defaults to $CARGO_TARGET_DIR/release/oxido-sim (build it with
# `cargo build --release -p oxido-sim`); wrk comes from `apt-get install wrk`.
set -euo pipefail
bin="${1:-${CARGO_TARGET_DIR:-target}/release/oxido-sim}"
seconds="${2:-10}"
port="${PORT:-39711}"
threads="${WRK_THREADS:-1}"
token="oxido-sim-demo-token"

"$bin" --listen "127.0.0.1:$port" --rate-limit-per-minute 4000000000 --rate-limit-per-hour 4000000000 \
    --action-duration 0s >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
done

run() {
    local name="$1" path="$2"
    curl -fsS -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path"
    # A short warm-up so first-use parsing and seeding are not measured.
    wrk -t"$threads" -c32 -d1s -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >/dev/null
    local out cpu_before cpu_after
    cpu_before=$(cpu_ticks)
    out=$(wrk -t"$threads" -c32 -d"${seconds}s" --latency -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$port$path")
    cpu_after=$(cpu_ticks)
    local rps p50 p99 errors requests cpu_us
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    cpu_us=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
        'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
    printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$name" "$path" "$rps" "$p50" "$p99" "$cpu_us" "${errors:-none}"
    echo "$rps" >"/tmp/wrk_rps_$name"
}

# utime + stime of the server, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

echo "| route | path | req/s | p50 | p99 | server CPU µs/request | errors |"
echo "|---|---|---:|---:|---:|---:|---|"
run baseline_action /v2/actions/36804636
run droplet /v2/droplets/3164444
run engine_volume /v2/volumes/7724db7c-e098-11e5-b522-000f53304e51
run baseline_account /v2/account
base=$(cat /tmp/wrk_rps_baseline_action)
for r in droplet engine_volume baseline_account; do
    awk -v a="$(cat /tmp/wrk_rps_$r)" -v b="$base" -v n="$r" 'BEGIN {printf "%s / baseline_action = %.2f\n", n, a/b}'
done
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
echo "RSS after the runs: $((rss / 1024)) MiB"
