#!/usr/bin/env bash
# Runs the micro benchmarks (perf/TcpShadow.Benchmarks) with BenchmarkDotNet's ShortRun job and fails when
# any benchmark allocates more bytes per operation than perf/allocation-budgets.json allows, or has no budget.
#
#   scripts/bench-micro.sh                 # every benchmark
#   scripts/bench-micro.sh '*Checksum*'    # a BenchmarkDotNet --filter
#   BENCH_FULL=1 scripts/bench-micro.sh    # the default (longer, tighter) job instead of ShortRun
#   BENCH_CHECK_ONLY=1 scripts/bench-micro.sh  # re-check the last run's reports against the budgets
#
# Results land in artifacts/bench-micro/ (or $BENCH_ARTIFACTS): results/*-report-full.json, *.csv, *.md.
# BENCH_BUDGETS points at another budgets file.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
filter=${1:-*}
artifacts=${BENCH_ARTIFACTS:-$repo/artifacts/bench-micro}
budgets=${BENCH_BUDGETS:-$repo/perf/allocation-budgets.json}
job=(--short)
[[ ${BENCH_FULL:-0} == 1 ]] && job=()

if [[ ${BENCH_CHECK_ONLY:-0} != 1 ]]; then
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  cd "$repo"
  dotnet run -c Release --project perf/TcpShadow.Benchmarks -- "${job[@]}" --filter "$filter" --artifacts "$artifacts"
fi

python3 - "$budgets" "$artifacts/results" <<'PY'
import glob, json, os, sys

budgets = json.load(open(sys.argv[1]))["budgets"]
reports = sorted(glob.glob(os.path.join(sys.argv[2], "*-report-full.json")))
if not reports:
    sys.exit("bench-micro: no BenchmarkDotNet JSON reports in " + sys.argv[2])

failures = []
rows = []
for path in reports:
    for b in json.load(open(path))["Benchmarks"]:
        key = f'{b["Namespace"]}.{b["Type"]}.{b["Method"]}'
        case = f'{key}({b.get("Parameters") or ""})'
        allocated = (b.get("Memory") or {}).get("BytesAllocatedPerOperation")
        mean = (b.get("Statistics") or {}).get("Mean")
        if allocated is None or mean is None:
            failures.append(f"{case}: no measurements (did it run?)")
            continue
        if key not in budgets:
            failures.append(f"{case}: no budget in perf/allocation-budgets.json")
        elif allocated > budgets[key]:
            failures.append(f"{case}: allocates {allocated} B/op, budget {budgets[key]} B/op")
        rows.append((case, mean, allocated, budgets.get(key)))

for case, mean, allocated, budget in rows:
    print(f"{case:<95} {mean:10.2f} ns/op {allocated:6d} B/op (budget {budget})")
if failures:
    print("\nbench-micro: FAILED", *failures, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"\nbench-micro: {len(rows)} cases within their allocation budgets")
PY
