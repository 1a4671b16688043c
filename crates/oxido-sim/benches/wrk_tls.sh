#!/usr/bin/env bash
# HTTPS against plain HTTP on the oxido-sim binary under wrk, in one run: one process serving
# HTTP on one port and HTTPS (--tls-listen) on another, GET /v2/droplets/3164444 at 32 keep-alive
# connections, rounds alternated so the shared machine's noise hits both alike. Prints each
# round's req/s, the means and their ratio (HTTPS / HTTP).
#
#   crates/oxido-sim/benches/wrk_tls.sh [BINARY] [SECONDS] [ROUNDS]
#
# BINARY defaults to $CARGO_TARGET_DIR/release/oxido-sim; wrk comes from `apt-get install wrk`.
set -euo pipefail
bin="${1:-${CARGO_TARGET_DIR:-target}/release/oxido-sim}"
seconds="${2:-5}"
rounds="${3:-3}"
work="$(mktemp -d)"
"$bin" --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --ca-out "$work/ca.pem" \
    --rate-limit-per-minute 4000000000 --rate-limit-per-hour 4000000000 >"$work/log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 500); do grep -q '^admin routes:' "$work/log" && break; sleep 0.02; done
http="$(sed -n 's/^oxido-sim listening on \(http:.*\)/\1/p' "$work/log")"
https="$(sed -n 's/^oxido-sim listening on \(https:.*\)/\1/p' "$work/log")"
[ -n "$http" ] && [ -n "$https" ] || { cat "$work/log" >&2; exit 1; }
rate() {
    wrk -t1 -c32 -d"${seconds}s" -H "Authorization: Bearer oxido-sim-demo-token" "$1/v2/droplets/3164444" |
        awk '/^Requests\/sec/ {print $2}'
}
plain=() tls=()
for round in $(seq 1 "$rounds"); do
    p="$(rate "$http")"
    t="$(rate "$https")"
    plain+=("$p") tls+=("$t")
    printf 'round %d: HTTP %s req/s, HTTPS %s req/s\n' "$round" "$p" "$t"
done
printf '%s\n' "${plain[@]}" >"$work/plain"
printf '%s\n' "${tls[@]}" >"$work/tls"
mp="$(awk '{s+=$1} END {printf "%.0f", s/NR}' "$work/plain")"
mt="$(awk '{s+=$1} END {printf "%.0f", s/NR}' "$work/tls")"
printf 'mean: HTTP %s req/s, HTTPS %s req/s, ratio %s\n' "$mp" "$mt" "$(awk -v a="$mt" -v b="$mp" 'BEGIN {printf "%.2f", a/b}')"
