#!/usr/bin/env bash
# Demo: live replication of 10 s of keep-alive HTTP load from online to target.
#   builds (Release) -> topology up -> nginx on online and target -> tcpshadow-intercept on assist
#   -> tcpshadow on online -> wrk from client -> online vs target counts, loss, last log lines
#   -> cleanup (also on Ctrl-C).
# Usage: sudo scripts/demo.sh [-d SECONDS] [--no-build] [-- EXTRA TCPSHADOW ARGS]
# Environment: TSH_TOPO (default demo), TSH_RUN_DIR (default /tmp/tsh-$TSH_TOPO), TSH_CONFIG.
# Uses published binaries from out/ (scripts/publish.sh) when present, else the built dlls.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export TSH_TOPO="${TSH_TOPO:-demo}"
source "$here/lib/common.sh"
source "$here/lib/procs.sh"
source "$here/lib/netns.sh"
source "$here/lib/nginx.sh"
source "$here/lib/load.sh"
source "$here/lib/replicate.sh"
tsh_init_env

duration=10 build=1 extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -d) duration="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) tsh_die "unknown argument '$1' (see --help)" ;;
  esac
done
tsh_check_bounds "$duration"
tsh_require_root "demo.sh"
tsh_need_cmd ip nginx wrk ss dotnet

if (( build )); then
  tsh_log "building (Release)"
  (cd "$TSH_REPO_ROOT" && dotnet build Appliance.sln -c "${TSH_CONFIG:-Release}" --nologo -v quiet) >/dev/null ||
    tsh_die "build failed: run 'dotnet build Appliance.sln -c Release' to see why"
fi
tsh_find_binaries

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  tsh_log "cleaning up"
  tsh_stop_load
  tsh_stop tcpshadow 5 TERM
  tsh_stop intercept 5 TERM
  tsh_topology_down
  tsh_log "logs kept in $TSH_RUN_DIR/logs and $TSH_RUN_DIR/nginx-*/"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tsh_topology_up
tsh_nginx_up
tsh_start_intercept intercept || tsh_die "tcpshadow-intercept did not start (log: $TSH_RUN_DIR/logs/intercept.log)"
tsh_start_replicator tcpshadow "${extra[@]}" || tsh_die "tcpshadow did not start (log: $TSH_RUN_DIR/logs/tcpshadow.log)"

prefix="demo$(date +%H%M%S)"
tsh_log "driving ${duration}s of keep-alive load (wrk -t2 -c32) from client to $TSH_ONLINE_IP:80"
tsh_wrk "$prefix" "$duration" 32 2
sleep 2
on_log=$(tsh_nginx_access_log online) tg_log=$(tsh_nginx_access_log target)
online=$(tsh_wait_settled "$on_log" "$prefix" 5)
target=$(tsh_wait_settled "$tg_log" "$prefix" 30 "$online")
lost=$(tsh_lost "$on_log" "$tg_log" "$prefix")
pct=$(awk -v l="$lost" -v o="$online" 'BEGIN { printf "%.3f", o ? 100 * l / o : 0 }')

echo
echo "online requests: $online"
echo "target requests: $target"
echo "lost:            $lost ($pct%)"
for n in tcpshadow intercept; do
  echo "--- $n: last lines of $TSH_RUN_DIR/logs/$n.log"
  tsh_stop "$n" 5 TERM  # stopping first lets them print their final stats
  tail -n 8 "$TSH_RUN_DIR/logs/$n.log" 2>/dev/null || true
done
echo
echo "logs: $TSH_RUN_DIR/logs/{tcpshadow,intercept}.log, access logs: $on_log $tg_log"
