#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after another so they do not compete for
# cores, and prints libFuzzer's final statistics line per target. Logs go to fuzz/artifacts/logs/<target>.log (ignored by git).
#
#   fuzz/run-all.sh [SECONDS] [TARGET...]
#
# cargo-fuzz needs nightly features; on a stable toolchain RUSTC_BOOTSTRAP=1 unlocks them.
# FUZZ_TARGET_DIR, when set, is where cargo-fuzz builds (default: fuzz/target).
# SANITIZER defaults to none: the code under test is safe Rust, and AddressSanitizer slowed the targets
# 20-50x here (sim_requests: 357 vs 20,000 executions/s). SANITIZER=address brings it back.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-600}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(decode_action decode_action_page decode_api_error sim_requests)
fi
export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"
sanitizer="${SANITIZER:-none}"
mkdir -p artifacts/logs
target_dir=()
[[ -n "${FUZZ_TARGET_DIR:-}" ]] && target_dir=(--target-dir "$FUZZ_TARGET_DIR")

for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    seeds=()
    [[ -d "seeds/$target" ]] && seeds=("seeds/$target")
    echo "==> $target for ${seconds}s" >&2
    status=0
    cargo fuzz run -O --sanitizer "$sanitizer" "${target_dir[@]}" "$target" "corpus/$target" "${seeds[@]}" -- \
        -max_total_time="$seconds" -dict=dicts/json.dict -print_final_stats=1 \
        >"artifacts/logs/$target.log" 2>&1 || status=$?
    runs=$(grep -E '^stat::number_of_executed_units' "artifacts/logs/$target.log" | awk '{print $2}' || true)
    echo "$target ($sanitizer sanitizer, ${seconds}s): exit $status, executions ${runs:-unknown}, corpus $(ls "corpus/$target" | wc -l) inputs"
done
