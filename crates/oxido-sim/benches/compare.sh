#!/usr/bin/env bash
# Requests/s of two oxido-sim binaries (e.g. an older commit's and today's) in one run, for a generic
# GET and a create POST at 32 keep-alive connections, with rounds alternated (A B, then B A, ...) so
# load from other work on this shared machine falls on both alike. Prints each round, then the
# ratios NEW / OLD of the summed requests/s and of the servers' own CPU per request (user + system,
# from /proc), and each binary's resident memory fresh and after the runs.
#
#   crates/oxido-sim/benches/compare.sh OLD NEW [SECONDS] [ROUNDS]
#
# SECONDS per measurement (default 3), ROUNDS of both binaries (default 4). wrk comes from
# `apt-get install wrk`. The GET is `GET /v2/volumes/{id}` of the demo seed's volume. The POST
# creates a volume with a fresh name each time; an account holds at most 1,000 volumes, so the
# creates rotate over $ACCOUNTS accounts (--other-account-token) and every account is reset
# (`POST /_sim/reset`) before each POST measurement. Any answer but 200 (GET) or 201 (POST) is
# printed in the errors column and makes the script exit 1: raise ACCOUNTS if creates run out of room.
set -euo pipefail
if [ $# -lt 2 ]; then
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
old_bin="$1"
new_bin="$2"
seconds="${3:-3}"
rounds="${4:-4}"
accounts="${ACCOUNTS:-100}"
port_old="${PORT:-39721}"
port_new=$((port_old + 1))
token="oxido-sim-demo-token"
admin="compare-admin-token"
volume="7724db7c-e098-11e5-b522-000f53304e51"
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

extra=()
tokens_lua="\"$token\""
for i in $(seq 1 "$accounts"); do
    extra+=(--other-account-token "compare-account-$i")
    tokens_lua="$tokens_lua, \"compare-account-$i\""
done

# One Lua state (wrk -t1), so the counter gives every request a fresh name and the next account.
cat >"$work/post.lua" <<EOF
local tokens = { $tokens_lua }
local n = 0
request = function()
    n = n + 1
    local headers = {
        ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1],
        ["Content-Type"] = "application/json",
    }
    local body = '{"name":"bench-' .. n .. '","region":"nyc1","size_gigabytes":1}'
    return wrk.format("POST", "/v2/volumes", headers, body)
end
EOF

start() {
    local bin="$1" port="$2" name="$3"
    "$bin" --listen "127.0.0.1:$port" --admin-token "$admin" \
        --rate-limit-per-minute 4000000000 --rate-limit-per-hour 4000000000 \
        --action-duration 0s "${extra[@]}" >"$work/$name.log" 2>&1 &
    pids+=($!)
    echo $! >"$work/$name.pid"
    for _ in $(seq 1 200); do
        curl -fsS -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v2/account" \
            2>/dev/null && return 0
        sleep 0.05
    done
    echo "$name ($bin) did not answer on port $port; its log:" >&2
    cat "$work/$name.log" >&2
    exit 1
}

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$(cat "$work/$1.pid")/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$(cat "$work/$1.pid")/stat"; }

start "$old_bin" "$port_old" old
start "$new_bin" "$port_new" new
fresh_old=$(rss_mib old)
fresh_new=$(rss_mib new)

# measure NAME PORT KIND: one wrk run; appends "kind name rps requests cpu_ticks errors" to results.
measure() {
    local name="$1" port="$2" kind="$3" out before after
    if [ "$kind" = post ]; then
        curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $admin" "http://127.0.0.1:$port/_sim/reset"
        before=$(cpu_ticks "$name")
        out=$(wrk -t1 -c32 -d"${seconds}s" -s "$work/post.lua" "http://127.0.0.1:$port")
    else
        before=$(cpu_ticks "$name")
        out=$(wrk -t1 -c32 -d"${seconds}s" -H "Authorization: Bearer $token" \
            "http://127.0.0.1:$port/v2/volumes/$volume")
    fi
    after=$(cpu_ticks "$name")
    local rps requests errors
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' <<<"$out")
    echo "$kind $name $rps $requests $((after - before)) ${errors:-none}" >>"$work/results"
    printf '| %s | %s | %s | %s |\n' "$kind" "$name" "$rps" "${errors:-none}"
}

# A short warm-up of each, so first-use costs are not measured.
for side in old:$port_old new:$port_new; do
    wrk -t1 -c32 -d1s -H "Authorization: Bearer $token" \
        "http://127.0.0.1:${side#*:}/v2/volumes/$volume" >/dev/null
done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| route | binary | req/s | errors |"
echo "|---|---|---:|---|"
for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) -eq 1 ]; then order="old:$port_old new:$port_new"; else order="new:$port_new old:$port_old"; fi
    for kind in get post; do
        for side in $order; do measure "${side%%:*}" "${side#*:}" "$kind"; done
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

hz=$(getconf CLK_TCK)
echo
echo "| route | old req/s (mean of $rounds) | new req/s (mean of $rounds) | new / old req/s | old CPU µs/req | new CPU µs/req | new / old CPU per request |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for kind in get post; do
    awk -v k="$kind" -v hz="$hz" '
        $1 == k { rps[$2] += $3; n[$2]++; req[$2] += $4; ticks[$2] += $5 }
        END {
            o = rps["old"] / n["old"]; w = rps["new"] / n["new"]
            co = ticks["old"] * 1e6 / hz / req["old"]; cw = ticks["new"] * 1e6 / hz / req["new"]
            label = (k == "get") ? "GET /v2/volumes/{id}" : "POST /v2/volumes (create)"
            printf "| %s | %.0f | %.0f | **%.2f** | %.1f | %.1f | %.2f |\n", label, o, w, w / o, co, cw, cw / co
        }' "$work/results"
done
echo
echo "resident memory: old fresh $fresh_old MiB, after $(rss_mib old) MiB; new fresh $fresh_new MiB, after $(rss_mib new) MiB"
if grep -qv ' none$' "$work/results"; then
    echo "some answers were not 2xx (see the errors column)" >&2
    exit 1
fi
