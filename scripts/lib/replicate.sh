# shellcheck shell=bash
# Starting the two TcpShadow binaries inside the topology, the way the e2e tests do:
#   assist: tcpshadow-intercept -i a0 -F 'tcp and src port 80'          (listens on :36524)
#   online: tcpshadow -x 198.18.1.1:80-198.18.2.2:80 -s 198.18.2.3 [...]  (connects to it)

[[ -n "${_TSH_REPLICATE_SH:-}" ]] && return 0
_TSH_REPLICATE_SH=1

TSH_INTERCEPT_PORT=36524

# tsh_socket_exists NS STATE FILTER: an ss(8) socket match inside NS.
tsh_socket_exists() {
  [[ -n "$(ip netns exec "$1" ss -Htn state "$2" "$3" 2>/dev/null)" ]]
}

# tsh_wait_for_socket NAME NS STATE FILTER TIMEOUT_S: wait for the socket while process NAME lives.
tsh_wait_for_socket() {
  local name="$1" ns="$2" state="$3" filter="$4" timeout="$5" i
  for (( i = 0; i < timeout * 10; i++ )); do
    tsh_socket_exists "$ns" "$state" "$filter" && return 0
    tsh_pid_of "$name" >/dev/null || { tsh_warn "$name exited before '$state $filter'"; return 1; }
    sleep 0.1
  done
  tsh_warn "$name: no socket '$state $filter' after ${timeout}s"
  return 1
}

# tsh_start_intercept NAME [EXTRA ARGS...]: start intercept on assist and wait until it listens.
tsh_start_intercept() {
  local name="$1"; shift
  local log="$TSH_RUN_DIR/logs/$name.log"
  tsh_spawn "$name" "$TSH_NS_ASSIST" "$log" "${TSH_INTERCEPT_CMD[@]}" -i "$TSH_IF_ASSIST" -F 'tcp and src port 80' "$@"
  tsh_wait_for_socket "$name" "$TSH_NS_ASSIST" listening "sport = :$TSH_INTERCEPT_PORT" 30 || {
    tail -n 20 "$log" >&2; return 1; }
  tsh_log "$name listens on $TSH_ASSIST_IP:$TSH_INTERCEPT_PORT"
}

# tsh_start_replicator NAME [EXTRA ARGS...]: start tcpshadow on online and wait until it reaches intercept.
tsh_start_replicator() {
  local name="$1"; shift
  local log="$TSH_RUN_DIR/logs/$name.log"
  tsh_spawn "$name" "$TSH_NS_ONLINE" "$log" "${TSH_TCPSHADOW_CMD[@]}" \
    -x "$TSH_ONLINE_IP:80-$TSH_TARGET_IP:80" -s "$TSH_ASSIST_IP" "$@"
  tsh_wait_for_socket "$name" "$TSH_NS_ONLINE" established "dport = :$TSH_INTERCEPT_PORT" 30 || {
    tail -n 20 "$log" >&2; return 1; }
  tsh_log "$name is connected to intercept"
  # Connected is the last visible step; give capture set-up a moment.
  sleep 1
}
