#!/usr/bin/env bash
# End-to-end benchmark: replicate each workload from online to target and report, per workload,
# online and target request counts, loss, the CPU time of tcpshadow and tcpshadow-intercept
# (utime+stime from /proc/PID/stat, before/after), CPU µs per copied request and peak RSS (VmHWM).
# Both binaries are restarted for every workload, so VmHWM is that workload's peak.
#
# Usage: sudo scripts/bench-e2e.sh [-d SECONDS=10] [-w WORKLOADS] [--baseline] [--no-build] [-- EXTRA TCPSHADOW ARGS]
#   WORKLOADS: comma list of keepalive, close, open5000, open2000 (default: all four)
#     keepalive  wrk -t2 -c32, keep-alive, closed loop
#     close      wrk -t2 -c32, Connection: close (new connection per request), closed loop
#     open5000   5000 new connections/s, open loop (TcpShadow.LoadGen)
#     open2000   2000 new connections/s, open loop
#   --baseline   run the load without the binaries (what the topology alone sustains)
# Output: a tab-separated table on stdout (also saved as $TSH_RUN_DIR/bench.tsv); logs in $TSH_RUN_DIR/logs.
# Environment: TSH_TOPO (default bench), TSH_RUN_DIR, TSH_CONFIG, TSH_TCPSHADOW/TSH_INTERCEPT overrides.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export TSH_TOPO="${TSH_TOPO:-bench}"
source "$here/lib/common.sh"
source "$here/lib/procs.sh"
source "$here/lib/netns.sh"
source "$here/lib/nginx.sh"
source "$here/lib/load.sh"
source "$here/lib/replicate.sh"
tsh_init_env

duration=10 workloads="keepalive,close,open5000,open2000" baseline=0 build=1 extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -d) duration="$2"; shift 2 ;;
    -w) workloads="$2"; shift 2 ;;
    --baseline) baseline=1; shift ;;
    --no-build) build=0; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) tsh_die "unknown argument '$1' (see --help)" ;;
  esac
done
tsh_check_bounds "$duration"
IFS=, read -r -a wl <<<"$workloads"
for w in "${wl[@]}"; do
  case "$w" in keepalive|close|open5000|open2000) ;; *) tsh_die "unknown workload '$w' (keepalive, close, open5000, open2000)" ;; esac
done
tsh_require_root "bench-e2e.sh"
tsh_need_cmd ip nginx wrk ss dotnet awk

if (( build )); then
  tsh_log "building (Release)"
  (cd "$TSH_REPO_ROOT" && dotnet build Appliance.sln -c "${TSH_CONFIG:-Release}" --nologo -v quiet) >/dev/null ||
    tsh_die "build failed: run 'dotnet build Appliance.sln -c Release' to see why"
fi
tsh_find_binaries
hz=$(getconf CLK_TCK)

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  tsh_stop_load
  tsh_stop tcpshadow 5 TERM
  tsh_stop intercept 5 TERM
  tsh_topology_down
  tsh_log "logs in $TSH_RUN_DIR/logs"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tsh_topology_up
tsh_nginx_up
on_log=$(tsh_nginx_access_log online) tg_log=$(tsh_nginx_access_log target)

table="$TSH_RUN_DIR/bench.tsv"
header=$'workload\tonline_req\ttarget_req\tlost\tloss_pct\trepl_cpu_s\ticpt_cpu_s\tcpu_us_per_req\trepl_peak_rss_mb\ticpt_peak_rss_mb'
printf '%s\n' "$header" >"$table"

ticks() { local p; if p=$(tsh_pid_of "$1"); then tsh_cpu_ticks "$p"; else echo 0; fi; }
hwm_mb() { local p; if p=$(tsh_pid_of "$1"); then awk -v k="$(tsh_peak_rss_kb "$p")" 'BEGIN { printf "%.1f", k / 1024 }'; else echo n/a; fi; }

for w in "${wl[@]}"; do
  prefix="b${w}$(date +%H%M%S)"
  repl_ok=1
  if (( ! baseline )); then
    tsh_start_intercept intercept && tsh_start_replicator tcpshadow "${extra[@]}" || repl_ok=0
    (( repl_ok )) || tsh_warn "$w: the binaries did not start; measuring the load alone"
  fi
  r0=$(ticks tcpshadow) i0=$(ticks intercept)
  load_log="$TSH_RUN_DIR/logs/load-$w.log"
  tsh_log "$w: ${duration}s of load (log $load_log)"
  case "$w" in
    keepalive) tsh_wrk "$prefix" "$duration" 32 2 >"$load_log" 2>&1 ;;
    close) tsh_wrk "$prefix" "$duration" 32 2 close >"$load_log" 2>&1 ;;
    open5000) tsh_loadgen_open "$prefix" "$duration" 5000 >"$load_log" 2>&1 ;;
    open2000) tsh_loadgen_open "$prefix" "$duration" 2000 >"$load_log" 2>&1 ;;
  esac
  online=$(tsh_wait_settled "$on_log" "$prefix" 5)
  target=$(tsh_wait_settled "$tg_log" "$prefix" 30 "$online")
  online=$(tsh_count_ids "$on_log" "$prefix")
  lost=$(tsh_lost "$on_log" "$tg_log" "$prefix")
  r1=$(ticks tcpshadow) i1=$(ticks intercept)
  rh=$(hwm_mb tcpshadow) ih=$(hwm_mb intercept)
  tsh_stop tcpshadow 5 TERM
  tsh_stop intercept 5 TERM
  awk -v w="$w" -v o="$online" -v t="$target" -v l="$lost" -v rc=$((r1 - r0)) -v ic=$((i1 - i0)) -v hz="$hz" \
      -v rh="$rh" -v ih="$ih" -v ok="$repl_ok" -v base="$baseline" 'BEGIN {
    rs = rc / hz; is = ic / hz
    per = (t > 0 && ok && !base) ? sprintf("%.1f", (rs + is) * 1e6 / t) : "n/a"
    printf "%s\t%d\t%d\t%d\t%.3f\t%.2f\t%.2f\t%s\t%s\t%s\n", w, o, t, l, o ? 100 * l / o : 0, rs, is, per, rh, ih
  }' | tee -a "$table" >/dev/null
  tsh_log "$w: $(tail -n 1 "$table")"
done

echo
column -t -s $'\t' "$table" 2>/dev/null || cat "$table"
echo
echo "table (tab-separated): $table; logs: $TSH_RUN_DIR/logs"
