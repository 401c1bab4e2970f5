#!/usr/bin/env bash
# Bounded load against the online nginx of a running topology, and request counting.
#
# Usage:
#   scripts/load.sh keepalive PREFIX [DURATION_S=10] [CONNS=32]   wrk -t2, keep-alive, closed loop
#   scripts/load.sh close     PREFIX [DURATION_S=10] [CONNS=32]   wrk -t2, Connection: close, closed loop
#   scripts/load.sh open      PREFIX [DURATION_S=10] [RATE=5000]  new connections per second, open loop
#   scripts/load.sh count     PREFIX [SETTLE_MAX_S=5]             prints: online=N target=N lost=N
#
# Every request path is /r/PREFIX-<unique id>; PREFIX is [A-Za-z0-9_]+ and names one run.
# Environment: TSH_TOPO, TSH_RUN_DIR (as topology.sh), TSH_CONFIG (Release).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib/common.sh"
source "$here/lib/procs.sh"
source "$here/lib/netns.sh"
source "$here/lib/nginx.sh"
source "$here/lib/load.sh"
tsh_init_env

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ $# -ge 2 ]] || usage
cmd="$1" prefix="$2"
[[ "$prefix" =~ ^[A-Za-z0-9_]{1,32}$ ]] || tsh_die "PREFIX '$prefix' must be 1-32 of [A-Za-z0-9_]"
case "$cmd" in
  keepalive) tsh_wrk "$prefix" "${3:-10}" "${4:-32}" 2 ;;
  close) tsh_wrk "$prefix" "${3:-10}" "${4:-32}" 2 close ;;
  open) tsh_find_binaries; tsh_loadgen_open "$prefix" "${3:-10}" "${4:-5000}" ;;
  count)
    on=$(tsh_nginx_access_log online) tg=$(tsh_nginx_access_log target)
    o=$(tsh_wait_settled "$on" "$prefix" "${3:-5}")
    t=$(tsh_wait_settled "$tg" "$prefix" "${3:-30}" "$o")
    echo "online=$o target=$t lost=$(tsh_lost "$on" "$tg" "$prefix")"
    ;;
  *) usage ;;
esac
