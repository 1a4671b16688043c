#!/usr/bin/env bash
# Runs the 12 godo programs of recipes/godo-examples (the same tasks as crates/oxido/examples) in order
# against one fresh `oxido-sim --tls`, the way a user points them at the real API: DIGITALOCEAN_TOKEN and
# DIGITALOCEAN_API_URL, with the emulator's CA in SSL_CERT_FILE. Needs Go and godo in a GOPATH (see
# run-godo.sh). Usage: recipes/run-godo-examples.sh [path/to/oxido-sim]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sim="${1:-oxido-sim}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$sim" --tls --listen 127.0.0.1:0 --action-duration 100ms --ca-out "$work/ca.pem" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 500); do grep -q '^admin routes:' "$work/log" && break; sleep 0.02; done
url="$(sed -n 's/^oxido-sim listening on //p' "$work/log" | head -1)"
[ -n "$url" ] || { cat "$work/log" >&2; echo "oxido-sim did not start" >&2; exit 1; }
export DIGITALOCEAN_TOKEN=oxido-sim-demo-token DIGITALOCEAN_API_URL="$url" SSL_CERT_FILE="$work/ca.pem"
export GOPATH="${GOPATH:-/usr/share/gocode}" GO111MODULE=off GOCACHE="${GOCACHE:-$work/gocache}" NO_PROXY=127.0.0.1

# run NAME [ARGS…] EXPECTED: runs one program (60 s at most) and checks a line of what it printed.
run() {
    local name="$1" expect="${*: -1}" out
    go build -o "$work/$name" "$here/godo-examples/$name/main.go"
    out="$(timeout 60 "$work/$name" "${@:2:$#-2}")"
    printf '%s: %s\n' "$name" "$out"
    grep -Eq "$expect" <<<"$out" || { echo "$name printed no line matching $expect" >&2; exit 1; }
    last="$out"
}
run create_droplet '^droplet [0-9]+ oxido-example-1 is active'
droplet="$(sed -n 's/^droplet \([0-9]*\) .*/\1/p' <<<"$last")"
run list_by_tag "^$droplet oxido-example-1 active"
run reboot_droplet "$droplet" "^droplet $droplet rebooted"
run attach_volume "$droplet" "attached to droplet $droplet"
run domain_records '^domain oxido-example.com: A record [0-9]+, CNAME record [0-9]+'
run firewall '^firewall [0-9a-f-]+'
run kubernetes_cluster 'apiVersion: v1'
run postgres 'is online with user app and db app'
run load_balancer 'is active'
run project_assign "$droplet" "do:droplet:$droplet"
run snapshot "$droplet" 'oxido-example-snapshot'
run cleanup '^deleted ssh key'
run list_by_tag '^0 droplets tagged oxido-example'
