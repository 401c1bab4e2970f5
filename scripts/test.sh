#!/usr/bin/env bash
# The one test command (README and .ci/run call it).
#   - installs Debian packages (scripts/deps.sh) when root; the end-to-end tests skip when not root
#   - builds Appliance.sln (Release) and runs every test project
#   - last line: "N passed, N failed, N skipped" summed over everything it ran; exit 1 on any failure
#
# Environment:
#   TSH_SKIP_E2E=1     leave out the end-to-end tests (trait Category=EndToEnd)
#   TSH_TEST_FILTER    extra dotnet test --filter expression
#   TSH_CONFIG         build configuration (default Release)
set -uo pipefail
cd "$(dirname "$0")/.."

config="${TSH_CONFIG:-Release}"
results="TestResults"
log="$results/test-run.log"
mkdir -p "$results"
: >"$log"
rm -f "$results"/*.trx

summary() {
  echo "$1 passed, $2 failed, $3 skipped"
  [[ "$2" -eq 0 ]]
  exit $?
}

if [[ $(id -u) -eq 0 ]]; then
  scripts/deps.sh || { echo "test.sh: scripts/deps.sh failed" >&2; summary 0 1 0; }
else
  echo "test.sh: not root: skipping package installation; end-to-end tests will be skipped" >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build Appliance.sln -c "$config" --nologo -v quiet >>"$log" 2>&1
rc=$?
grep -E ': (error|warning) ' "$log" | sort -u >&2
if [[ $rc -ne 0 ]]; then
  echo "test.sh: build failed (full log: $log)" >&2
  summary 0 1 0
fi

filter="${TSH_TEST_FILTER:-}"
if [[ "${TSH_SKIP_E2E:-0}" == 1 ]]; then
  filter="${filter:+($filter)&}Category!=EndToEnd"
fi

args=(test Appliance.sln -c "$config" --no-build --nologo
      --results-directory "$results" --logger "trx" --logger "console;verbosity=normal")
[[ -n "$filter" ]] && args+=(--filter "$filter")
TSH_CONFIG="$config" dotnet "${args[@]}" 2>&1 | tee -a "$log"
rc=${PIPESTATUS[0]}

# Count this run's test results in its trx files (one per test assembly). The trx <Counters>
# element does not count skipped tests (they are outcome="NotExecuted" results), so count results.
read -r passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*>' | grep -o ' outcome="[A-Za-z]*"' |
    awk -F'"' '
      $2 == "Passed" { p++ ; next }
      $2 == "NotExecuted" { s++ ; next }
      { f++ }
      END { print p + 0, f + 0, s + 0 }')

if [[ $rc -ne 0 && $failed -eq 0 ]]; then
  # The runner failed without a failed test: a crashed or aborted test host counts as a failure.
  echo "test.sh: dotnet test exited $rc without reporting a failed test (see $log)" >&2
  failed=1
fi
# House style is part of the suite: one more test, passed or failed.
if dotnet format Appliance.sln --verify-no-changes >>"$log" 2>&1; then
  passed=$((passed + 1))
else
  echo "test.sh: dotnet format --verify-no-changes found style drift (run 'dotnet format Appliance.sln'; details in $log)" >&2
  failed=$((failed + 1))
fi
echo "test.sh: results in $results/ (trx), full log $log" >&2
summary "$passed" "$failed" "$skipped"
