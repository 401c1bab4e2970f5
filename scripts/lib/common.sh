# shellcheck shell=bash
# Common helpers for TcpShadow scripts. Source it; it defines functions and variables only.
#
# Environment:
#   TSH_TOPO     topology tag (default e2e): namespaces are tsh-$TSH_TOPO-{client,online,switch,target,assist}
#   TSH_RUN_DIR  run directory for pid files, configs and logs (default /tmp/tsh-$TSH_TOPO)
#   TSH_QUIET    1 to silence tsh_log

[[ -n "${_TSH_COMMON_SH:-}" ]] && return 0
_TSH_COMMON_SH=1

TSH_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TSH_REPO_ROOT="$(cd "$TSH_SCRIPTS_DIR/.." && pwd)"

tsh_init_env() {
  TSH_TOPO="${TSH_TOPO:-e2e}"
  # The tag ends up in namespace and file names: keep it boring.
  if [[ ! "$TSH_TOPO" =~ ^[a-z0-9][a-z0-9-]{0,15}$ ]]; then
    tsh_die "TSH_TOPO='$TSH_TOPO' must be 1-16 chars of [a-z0-9-] (e.g. TSH_TOPO=e2e)"
  fi
  TSH_RUN_DIR="${TSH_RUN_DIR:-/tmp/tsh-$TSH_TOPO}"
  TSH_NS_PREFIX="tsh-$TSH_TOPO"
  TSH_NS_CLIENT="$TSH_NS_PREFIX-client"
  TSH_NS_ONLINE="$TSH_NS_PREFIX-online"
  TSH_NS_SWITCH="$TSH_NS_PREFIX-switch"
  TSH_NS_TARGET="$TSH_NS_PREFIX-target"
  TSH_NS_ASSIST="$TSH_NS_PREFIX-assist"
  TSH_ALL_NS=("$TSH_NS_CLIENT" "$TSH_NS_ONLINE" "$TSH_NS_SWITCH" "$TSH_NS_TARGET" "$TSH_NS_ASSIST")
  export TSH_TOPO TSH_RUN_DIR
}

tsh_log() { [[ "${TSH_QUIET:-0}" == 1 ]] || printf '[tsh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
tsh_warn() { printf '[tsh %s] warning: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
tsh_die() { printf '[tsh] error: %s\n' "$*" >&2; exit 1; }

tsh_require_root() {
  [[ $(id -u) -eq 0 ]] || tsh_die "$1 needs root (network namespaces, raw sockets); run it with sudo"
}

tsh_need_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || tsh_die "'$c' not found; run scripts/deps.sh (as root) first"
  done
}

# tsh_ns_exec NS CMD...: run CMD inside namespace NS.
tsh_ns_exec() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }

# Namespace name for a role (client|online|switch|target|assist).
tsh_ns() { printf '%s-%s' "$TSH_NS_PREFIX" "$1"; }

# tsh_wait_until TIMEOUT_S DESCRIPTION CMD...: poll CMD every 0.1 s until it succeeds.
tsh_wait_until() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s%N) + timeout * 1000000000 ))
  while (( $(date +%s%N) < deadline )); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  tsh_warn "timed out after ${timeout}s waiting for $what"
  return 1
}

# tsh_tcp_open NS HOST PORT: true when a TCP connect from inside NS succeeds (bash /dev/tcp, no curl needed).
tsh_tcp_open() {
  ip netns exec "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null
}

# tsh_entry_cmd PATH: a dll runs with dotnet, anything else directly.
tsh_entry_cmd() { if [[ "$1" == *.dll ]]; then printf 'dotnet\n%s\n' "$1"; else printf '%s\n' "$1"; fi; }

# Locate the entry points. Order: TSH_TCPSHADOW / TSH_INTERCEPT / TSH_LOADGEN (an executable or
# a dll), then published single-file binaries (scripts/publish.sh -> out/), then the dlls built
# in TSH_CONFIG (default Release). Sets the arrays TSH_TCPSHADOW_CMD, TSH_INTERCEPT_CMD, TSH_LOADGEN_CMD.
tsh_find_binaries() {
  local config="${TSH_CONFIG:-Release}" pub="${TSH_PUBLISH_DIR:-$TSH_REPO_ROOT/out}"
  local dp="$TSH_REPO_ROOT/src/DataPlane/bin/$config/net10.0/tcpshadow.dll"
  local ic="$TSH_REPO_ROOT/src/Intercept/bin/$config/net10.0/tcpshadow-intercept.dll"
  local lg="$TSH_REPO_ROOT/tests/TcpShadow.LoadGen/bin/$config/net10.0/TcpShadow.LoadGen.dll"
  if [[ -x "$pub/tcpshadow" && -x "$pub/tcpshadow-intercept" ]]; then
    dp="$pub/tcpshadow" ic="$pub/tcpshadow-intercept"
  fi
  dp="${TSH_TCPSHADOW:-$dp}" ic="${TSH_INTERCEPT:-$ic}" lg="${TSH_LOADGEN:-$lg}"
  local f
  for f in "$dp" "$ic" "$lg"; do
    [[ -f "$f" ]] || tsh_die "$f not found: build first (dotnet build Appliance.sln -c $config)"
  done
  tsh_log "binaries: $dp, $ic"
  mapfile -t TSH_TCPSHADOW_CMD < <(tsh_entry_cmd "$dp")
  mapfile -t TSH_INTERCEPT_CMD < <(tsh_entry_cmd "$ic")
  mapfile -t TSH_LOADGEN_CMD < <(tsh_entry_cmd "$lg")
}
