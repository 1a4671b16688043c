#!/usr/bin/env bash
# Runs recipes/godo/main.go against a fresh `oxido-sim --tls`. Needs Go and godo in a GOPATH
# (Debian: apt-get install golang-go golang-github-digitalocean-godo-dev, which puts godo in
# /usr/share/gocode); with modules and network, `go mod init && go get github.com/digitalocean/godo`
# works the same. Usage: recipes/run-godo.sh [path/to/oxido-sim]
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
export OXIDO_SIM_URL="$url" OXIDO_SIM_TOKEN=oxido-sim-demo-token OXIDO_SIM_CA="$work/ca.pem"
export GOPATH="${GOPATH:-/usr/share/gocode}" GO111MODULE=off GOCACHE="${GOCACHE:-$work/gocache}" NO_PROXY=127.0.0.1
go build -o "$work/recipe" "$here/godo/main.go"
"$work/recipe"
# The doctl wiring: no CA in code, SSL_CERT_FILE instead (doctl itself is not packaged here).
OXIDO_SIM_CA= SSL_CERT_FILE="$work/ca.pem" "$work/recipe"
