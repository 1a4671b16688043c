"""Print the peers comparison table from pydo_loop.py's and oxido-bench's JSON outputs.

    python bench/peers_report.py pydo.json oxido.json

Targets come from issue 5: oxido >= 20x pydo's calls/s; oxido's per-call latency within 2x of the
bare-HTTP loop; the CLI one-shot under 1/10 of pydo's import-plus-client time and under 15 MB resident.
"""

import json
import sys


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def scenario(report, name):
    for entry in report["scenarios"]:
        if entry["name"] == name:
            return entry
    raise SystemExit(f"oxido-bench output has no scenario named {name!r}")


def verdict(ok):
    return "met" if ok else "MISSED"


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    pydo = load(sys.argv[1])
    oxido = load(sys.argv[2])
    sdk = scenario(oxido, "sdk_get_sequential")
    bare = scenario(oxido, "bare_reqwest_get_sequential")
    cli = oxido["cli_one_shot"]

    rows = [
        ("pydo 0.44.0 droplet_actions.get", pydo["calls_per_sec"], pydo["p50_us"], pydo["p99_us"]),
        ("oxido droplet_actions().get", sdk["calls_per_sec"], sdk["p50_us"], sdk["p99_us"]),
        ("bare reqwest GET (no SDK)", bare["calls_per_sec"], bare["p50_us"], bare["p99_us"]),
    ]
    print()
    print(f"{'client':<34} {'calls/s':>10} {'p50 us':>9} {'p99 us':>9}")
    for name, rate, p50, p99 in rows:
        print(f"{name:<34} {rate:>10.1f} {p50:>9.1f} {p99:>9.1f}")

    print()
    print(f"{'start-up':<34} {'time ms':>10} {'RSS MiB':>9}")
    print(
        f"{'pydo import + Client()':<34} {pydo['import_and_construct_ms']:>10.1f}"
        f" {pydo['rss_after_client_kib'] / 1024:>9.1f}"
    )
    print(
        f"{'oxido CLI one-shot get (median)':<34} {cli['median_wall_ms']:>10.1f}"
        f" {cli['max_rss_kib'] / 1024:>9.1f}"
    )

    speedup = sdk["calls_per_sec"] / pydo["calls_per_sec"]
    overhead = sdk["mean_us"] / bare["mean_us"]
    startup = cli["median_wall_ms"] / pydo["import_and_construct_ms"]
    cli_mib = cli["max_rss_kib"] / 1024
    print()
    print(f"{'ratio':<44} {'value':>8}  target")
    print(f"{'oxido calls/s / pydo calls/s':<44} {speedup:>7.1f}x  >= 20x  {verdict(speedup >= 20)}")
    print(
        f"{'oxido mean latency / bare reqwest mean':<44} {overhead:>7.2f}x  <= 2x   {verdict(overhead <= 2)}"
    )
    print(
        f"{'CLI one-shot / pydo import+client time':<44} {startup:>7.3f}x  < 0.1x  {verdict(startup < 0.1)}"
    )
    print(f"{'CLI one-shot peak RSS (MiB)':<44} {cli_mib:>8.1f}  < 15    {verdict(cli_mib < 15)}")


if __name__ == "__main__":
    main()
