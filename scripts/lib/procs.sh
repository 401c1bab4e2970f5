# shellcheck shell=bash
# Process bookkeeping: every process a script starts is recorded as "PID STARTTIME" in
# $TSH_RUN_DIR/pids/NAME.pid and stopped by that PID only (never by name). STARTTIME
# (field 22 of /proc/PID/stat) guards against signalling a recycled PID.

[[ -n "${_TSH_PROCS_SH:-}" ]] && return 0
_TSH_PROCS_SH=1

# Start time in clock ticks since boot, or empty when PID is gone. A zombie counts as gone:
# a daemon (nginx) that exits is re-parented to PID 1, which may be slow to reap it.
tsh_proc_starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  # comm (field 2) may hold spaces: cut after the last ')'; state is then word 1, starttime word 20.
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  [[ "$1" == Z || "$1" == X ]] && return 0
  printf '%s' "${20}"
}

tsh_pidfile() { printf '%s/pids/%s.pid' "$TSH_RUN_DIR" "$1"; }

# tsh_record_pid NAME PID: remember PID (with its start time) under NAME.
tsh_record_pid() {
  mkdir -p "$TSH_RUN_DIR/pids"
  printf '%s %s\n' "$2" "$(tsh_proc_starttime "$2")" >"$(tsh_pidfile "$1")"
}

# tsh_pid_of NAME: print the live PID recorded under NAME (nothing if gone or recycled).
tsh_pid_of() {
  local f pid start
  f=$(tsh_pidfile "$1")
  [[ -f "$f" ]] || return 1
  read -r pid start <"$f" || return 1
  [[ -n "$pid" && -n "$start" ]] || return 1
  [[ "$(tsh_proc_starttime "$pid")" == "$start" ]] || return 1
  printf '%s' "$pid"
}

# tsh_spawn NAME NS LOGFILE CMD...: start CMD inside namespace NS (or the current one when NS
# is '-'), detached from our stdio, and record its PID. `ip netns exec` execs CMD, so the
# recorded PID is CMD itself.
tsh_spawn() {
  local name="$1" ns="$2" log="$3"; shift 3
  mkdir -p "$(dirname "$log")"
  if [[ "$ns" == - ]]; then
    "$@" </dev/null >>"$log" 2>&1 &
  else
    ip netns exec "$ns" "$@" </dev/null >>"$log" 2>&1 &
  fi
  local pid=$!
  tsh_record_pid "$name" "$pid"
  tsh_log "started $name (pid $pid) in ${ns/#-/root ns}; log: $log"
}

# tsh_stop NAME [GRACE_S=5] [SIGNAL=TERM]: signal, wait up to GRACE_S, then SIGKILL. The
# TcpShadow binaries print their final stats on TERM (a background job of a script inherits SIGINT ignored).
tsh_stop() {
  local name="$1" grace="${2:-5}" sig="${3:-TERM}" pid i
  if pid=$(tsh_pid_of "$name"); then
    kill -"$sig" "$pid" 2>/dev/null || true
    for (( i = 0; i < grace * 10; i++ )); do
      [[ -n "$(tsh_proc_starttime "$pid")" ]] || break
      sleep 0.1
    done
    if [[ -n "$(tsh_proc_starttime "$pid")" ]]; then
      tsh_warn "$name (pid $pid) ignored SIG$sig for ${grace}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$(tsh_pidfile "$name")"
}

# tsh_stop_all [GRACE_S]: stop every process recorded in this run dir.
tsh_stop_all() {
  local f
  [[ -d "$TSH_RUN_DIR/pids" ]] || return 0
  for f in "$TSH_RUN_DIR"/pids/*.pid; do
    [[ -e "$f" ]] || continue
    tsh_stop "$(basename "$f" .pid)" "${1:-5}"
  done
}

# tsh_cpu_ticks PID: utime+stime in clock ticks.
tsh_cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  echo $(( ${12} + ${13} ))
}

# tsh_peak_rss_kb PID: VmHWM in kB.
tsh_peak_rss_kb() {
  awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}
