#!/usr/bin/env bash
# Instructions per sequential GET for each side of `oxido-bench --nginx`, counted by callgrind (repeatable on a
# noisy machine, unlike time). Each side runs alone twice, with N and 3N calls; the difference divided by 2N is
# the cost of one call with start-up, warm-up and nginx's start taken out. The server's instructions are not
# counted (nginx is another process). `decode` is the SDK's decode of the reference body alone, without I/O.
#
#   crates/oxido-bench/instructions.sh [N]     # default N = 1000; needs valgrind and nginx
set -euo pipefail
cd "$(dirname "$0")/../.."

calls=${1:-1000}
[[ "$calls" =~ ^[0-9]+$ && "$calls" -ge 10 ]] || { echo "instructions.sh: N must be an integer >= 10" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is not installed (apt-get install -y valgrind)" >&2; exit 1; }

cargo build --release --locked -p oxido-bench >&2
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bench="$target_dir/release/oxido-bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count() { # side calls -> instructions of the whole run
    valgrind --tool=callgrind --callgrind-out-file="$work/out" "$bench" --nginx --calls "$2" --only "$1" --json \
        >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/log"
}

declare -A per_call
for side in sdk bare bare-decode decode; do
    low=$(count "$side" "$calls")
    high=$(count "$side" $((3 * calls)))
    per_call[$side]=$(( (high - low) / (2 * calls) ))
    echo "$side: ${per_call[$side]} instructions per call" >&2
done
awk -v s="${per_call[sdk]}" -v b="${per_call[bare]}" -v d="${per_call[bare-decode]}" -v o="${per_call[decode]}" 'BEGIN {
    printf "instructions per call: SDK %d, bare reqwest %d, bare reqwest + decode %d; the SDK decode alone %d\n", s, b, d, o
    printf "SDK / bare: %.2fx; SDK / bare + decode: %.2fx\n", s / b, s / d
}'
