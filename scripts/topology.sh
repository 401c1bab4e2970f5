#!/usr/bin/env bash
# The TcpShadow test network: five network namespaces (client, online, switch, target,
# assist) with addresses in 198.18.0.0/15. See scripts/lib/netns.sh for the plan.
#
# Usage:
#   scripts/topology.sh up [--nginx]     create (tearing down a stale copy first); --nginx starts
#                                        nginx on online (198.18.1.1:80) and target (198.18.2.2:80)
#   scripts/topology.sh nginx            (re)start both nginx instances
#   scripts/topology.sh down             stop recorded processes, delete this topology's namespaces
#   scripts/topology.sh exec ROLE CMD..  run CMD in tsh-$TSH_TOPO-ROLE (client|online|switch|target|assist)
#   scripts/topology.sh status           addresses, routes and recorded processes
#   scripts/topology.sh env              print the namespace names and run dir as shell assignments
#
# Environment: TSH_TOPO (default e2e), TSH_RUN_DIR (default /tmp/tsh-$TSH_TOPO),
#              TSH_OFFLOADS=keep to leave veth offloads on.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=lib/procs.sh
source "$here/lib/procs.sh"
# shellcheck source=lib/netns.sh
source "$here/lib/netns.sh"
# shellcheck source=lib/nginx.sh
source "$here/lib/nginx.sh"
tsh_init_env

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  up)
    tsh_require_root "topology.sh up"
    tsh_need_cmd ip
    with_nginx=0
    for a in "$@"; do
      case "$a" in
        --nginx) with_nginx=1 ;;
        *) usage ;;
      esac
    done
    tsh_topology_up
    if (( with_nginx )); then tsh_nginx_up; fi
    ;;
  nginx)
    tsh_require_root "topology.sh nginx"
    tsh_nginx_up
    ;;
  down)
    tsh_require_root "topology.sh down"
    tsh_topology_down
    ;;
  exec)
    [[ $# -ge 2 ]] || usage
    role="$1"; shift
    case "$role" in client|online|switch|target|assist) ;; *) usage ;; esac
    exec ip netns exec "$(tsh_ns "$role")" "$@"
    ;;
  status)
    tsh_topology_status
    ;;
  env)
    printf 'TSH_TOPO=%q\nTSH_RUN_DIR=%q\n' "$TSH_TOPO" "$TSH_RUN_DIR"
    for r in client online switch target assist; do printf 'TSH_NS_%s=%q\n' "${r^^}" "$(tsh_ns "$r")"; done
    ;;
  -h|--help|help) usage 0 ;;
  *) usage ;;
esac
