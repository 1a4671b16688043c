#!/usr/bin/env bash
# Prints the README's table: for each everyday task, the lines of crates/oxido/examples/<task>.rs beside
# those of recipes/godo-examples/<task>/main.go. Both are counted the same way: every line that is neither
# blank nor a `//` comment (`//!` and `///` included); imports and `use` lines count.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tasks=(create_droplet list_by_tag reboot_droplet attach_volume domain_records firewall kubernetes_cluster
    postgres load_balancer project_assign snapshot cleanup)
count() { grep -cvE '^[[:space:]]*(//.*)?$' "$1"; }
echo "| Task | oxido | godo |"
echo "|---|--:|--:|"
total_rs=0 total_go=0
for task in "${tasks[@]}"; do
    rs="$(count "$root/crates/oxido/examples/$task.rs")"
    go="$(count "$root/recipes/godo-examples/$task/main.go")"
    total_rs=$((total_rs + rs)) total_go=$((total_go + go))
    echo "| \`$task\` | $rs | $go |"
done
echo "| **total** | **$total_rs** | **$total_go** |"
