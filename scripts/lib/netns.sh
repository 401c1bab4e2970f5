# shellcheck shell=bash
# The five-namespace test network (TCPCopy's "assist" architecture):
#
#   client (c0 198.18.1.2-9/24) ── (o0 198.18.1.1/24) online (o1 198.18.2.1/24) ──┐
#                                                                              switch: br0
#   target (t0 198.18.2.2/24) ─────────────────────────────────────────────────────┤
#   assist (a0 198.18.2.3/24, ip_forward=0: a black hole) ─────────────────────────┘
#
# target routes the client range (198.18.1.0/24) and the -c rewrite range (198.18.100.0/24)
# via assist, so its responses to copied sessions reach assist (where tcpshadow-intercept
# captures them) and die there. IPv6 mirrors it in 2001:2::/48 (2001:2:0:1::/64 client link,
# 2001:2:0:2::/64 switch, 2001:2:0:100::/64 rewrite range).
#
# Environment:
#   TSH_OFFLOADS=keep  leave veth checksum/segmentation offloads on (default: off, see below)

[[ -n "${_TSH_NETNS_SH:-}" ]] && return 0
_TSH_NETNS_SH=1

# Addresses, exported for the other scripts and the C# harness (which hard-codes the same plan).
TSH_CLIENT_IP=198.18.1.2
TSH_CLIENT_EXTRA_IPS=(198.18.1.3 198.18.1.4 198.18.1.5 198.18.1.6 198.18.1.7 198.18.1.8 198.18.1.9)
TSH_ONLINE_IP=198.18.1.1
TSH_ONLINE_SWITCH_IP=198.18.2.1
TSH_TARGET_IP=198.18.2.2
TSH_ASSIST_IP=198.18.2.3
TSH_REWRITE_NET=198.18.100.0/24
TSH_CLIENT_NET=198.18.1.0/24
TSH_CLIENT_IP6=2001:2:0:1::2
TSH_ONLINE_IP6=2001:2:0:1::1
TSH_ONLINE_SWITCH_IP6=2001:2:0:2::1
TSH_TARGET_IP6=2001:2:0:2::2
TSH_ASSIST_IP6=2001:2:0:2::3
TSH_REWRITE_NET6=2001:2:0:100::/64
TSH_CLIENT_NET6=2001:2:0:1::/64
# Interface names inside the namespaces.
TSH_IF_CLIENT=c0
TSH_IF_ONLINE_CLIENT=o0
TSH_IF_ONLINE_SWITCH=o1
TSH_IF_TARGET=t0
TSH_IF_ASSIST=a0

tsh_ns_exists() { ip netns list 2>/dev/null | awk '{ print $1 }' | grep -qx -- "$1"; }

tsh_sysctl() { ip netns exec "$1" sysctl -qw "$2" >/dev/null 2>&1 || tsh_warn "sysctl $2 failed in $1"; }

tsh_ns_create() {
  local ns="$1"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  # rp_filter uses max(all, <iface>): zero 'all' and 'default' before any interface exists.
  tsh_sysctl "$ns" net.ipv4.conf.all.rp_filter=0
  tsh_sysctl "$ns" net.ipv4.conf.default.rp_filter=0
  tsh_sysctl "$ns" net.ipv6.conf.all.accept_ra=0
  tsh_sysctl "$ns" net.ipv6.conf.default.accept_ra=0
  tsh_sysctl "$ns" net.ipv6.conf.all.accept_dad=0
  tsh_sysctl "$ns" net.ipv6.conf.default.accept_dad=0
  # Generous accept queues and port ranges: the open-loop workload makes 5000 connections/s.
  tsh_sysctl "$ns" net.core.somaxconn=8192
  tsh_sysctl "$ns" net.ipv4.tcp_max_syn_backlog=8192
  tsh_sysctl "$ns" net.ipv4.ip_local_port_range="10000 65000"
  tsh_sysctl "$ns" net.ipv4.tcp_tw_reuse=1
}

# tsh_veth NS_A IF_A MAC_A NS_B IF_B [MAC_B]: a veth pair created directly inside the namespaces.
tsh_veth() {
  local nsa="$1" ifa="$2" maca="$3" nsb="$4" ifb="$5" macb="${6:-}"
  ip link add "$ifa" netns "$nsa" address "$maca" type veth peer name "$ifb" netns "$nsb" \
    ${macb:+address "$macb"}
  tsh_sysctl "$nsa" "net.ipv4.conf.$ifa.rp_filter=0"
  tsh_sysctl "$nsb" "net.ipv4.conf.$ifb.rp_filter=0"
  tsh_offloads "$nsa" "$ifa"
  tsh_offloads "$nsb" "$ifb"
}

# veth offloads checksums and segmentation to a "wire" that never computes them: a locally
# generated packet crosses veth with CHECKSUM_PARTIAL (the TCP checksum field holds only the
# pseudo-header sum) and, with TSO/GSO, as one segment of up to 64 KiB. A packet socket on the
# next host then sees what no real NIC delivers. Turning the offloads off makes every packet
# on a veth look like one that came off a wire: full checksums, MTU-sized segments.
tsh_offloads() {
  [[ "${TSH_OFFLOADS:-off}" == keep ]] && return 0
  if command -v ethtool >/dev/null 2>&1; then
    ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 ||
      ip netns exec "$1" ethtool -K "$2" tx off >/dev/null 2>&1 ||
      tsh_warn "ethtool -K $2 (in $1) failed; captures may show partial checksums"
  else
    [[ -n "${_TSH_ETHTOOL_WARNED:-}" ]] ||
      tsh_warn "ethtool missing: veth checksum offload stays on (captures show partial checksums)"
    _TSH_ETHTOOL_WARNED=1
  fi
}

tsh_topology_up() {
  tsh_topology_down quiet
  mkdir -p "$TSH_RUN_DIR"/{pids,logs}
  tsh_log "creating topology $TSH_TOPO (namespaces $TSH_NS_PREFIX-*) in run dir $TSH_RUN_DIR"
  local ns
  for ns in "${TSH_ALL_NS[@]}"; do tsh_ns_create "$ns"; done
  # Remember what we created, so 'down' deletes exactly these.
  printf '%s\n' "${TSH_ALL_NS[@]}" >"$TSH_RUN_DIR/namespaces"

  # Locally administered MACs (02:...), 74:73 = "ts"; 4th byte = subnet, 6th = host.
  tsh_veth "$TSH_NS_CLIENT" c0 02:74:73:01:00:02 "$TSH_NS_ONLINE" o0 02:74:73:01:00:01
  tsh_veth "$TSH_NS_ONLINE" o1 02:74:73:02:00:01 "$TSH_NS_SWITCH" sw1
  tsh_veth "$TSH_NS_TARGET" t0 02:74:73:02:00:02 "$TSH_NS_SWITCH" sw2
  tsh_veth "$TSH_NS_ASSIST" a0 02:74:73:02:00:03 "$TSH_NS_SWITCH" sw3

  # switch: a plain learning bridge, no IP, no STP (ports forward at once).
  ip -n "$TSH_NS_SWITCH" link add br0 type bridge stp_state 0 forward_delay 0
  local p
  for p in sw1 sw2 sw3; do
    ip -n "$TSH_NS_SWITCH" link set "$p" master br0
    ip -n "$TSH_NS_SWITCH" link set "$p" up
  done
  ip -n "$TSH_NS_SWITCH" link set br0 up

  # client
  ip -n "$TSH_NS_CLIENT" addr add "$TSH_CLIENT_IP/24" dev c0
  for p in "${TSH_CLIENT_EXTRA_IPS[@]}"; do ip -n "$TSH_NS_CLIENT" addr add "$p/24" dev c0; done
  ip -n "$TSH_NS_CLIENT" -6 addr add "$TSH_CLIENT_IP6/64" dev c0 nodad
  ip -n "$TSH_NS_CLIENT" link set c0 up
  ip -n "$TSH_NS_CLIENT" route add default via "$TSH_ONLINE_IP"
  ip -n "$TSH_NS_CLIENT" -6 route add default via "$TSH_ONLINE_IP6"

  # online: the production host. No forwarding: client traffic terminates at its nginx.
  ip -n "$TSH_NS_ONLINE" addr add "$TSH_ONLINE_IP/24" dev o0
  ip -n "$TSH_NS_ONLINE" addr add "$TSH_ONLINE_SWITCH_IP/24" dev o1
  ip -n "$TSH_NS_ONLINE" -6 addr add "$TSH_ONLINE_IP6/64" dev o0 nodad
  ip -n "$TSH_NS_ONLINE" -6 addr add "$TSH_ONLINE_SWITCH_IP6/64" dev o1 nodad
  ip -n "$TSH_NS_ONLINE" link set o0 up
  ip -n "$TSH_NS_ONLINE" link set o1 up

  # target: the system under test; responses to (fake) clients go to assist.
  ip -n "$TSH_NS_TARGET" addr add "$TSH_TARGET_IP/24" dev t0
  ip -n "$TSH_NS_TARGET" -6 addr add "$TSH_TARGET_IP6/64" dev t0 nodad
  ip -n "$TSH_NS_TARGET" link set t0 up
  ip -n "$TSH_NS_TARGET" route add "$TSH_CLIENT_NET" via "$TSH_ASSIST_IP"
  ip -n "$TSH_NS_TARGET" route add "$TSH_REWRITE_NET" via "$TSH_ASSIST_IP"
  ip -n "$TSH_NS_TARGET" -6 route add "$TSH_CLIENT_NET6" via "$TSH_ASSIST_IP6"
  ip -n "$TSH_NS_TARGET" -6 route add "$TSH_REWRITE_NET6" via "$TSH_ASSIST_IP6"

  # assist: receives the target's responses and drops them (ip_forward=0 is the black hole).
  ip -n "$TSH_NS_ASSIST" addr add "$TSH_ASSIST_IP/24" dev a0
  ip -n "$TSH_NS_ASSIST" -6 addr add "$TSH_ASSIST_IP6/64" dev a0 nodad
  ip -n "$TSH_NS_ASSIST" link set a0 up
  tsh_sysctl "$TSH_NS_ASSIST" net.ipv4.ip_forward=0
  tsh_sysctl "$TSH_NS_ASSIST" net.ipv6.conf.all.forwarding=0
  tsh_log "topology $TSH_TOPO is up"
}

# tsh_topology_down [quiet]: stop recorded processes, delete exactly this topology's namespaces.
tsh_topology_down() {
  local quiet="${1:-}" ns found=0
  if declare -F tsh_stop_all >/dev/null; then tsh_stop_all 5; fi
  for ns in "${TSH_ALL_NS[@]}"; do
    if tsh_ns_exists "$ns"; then
      found=1
      # A namespace outlives a process still inside it only by name; warn about strays.
      local pids
      pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
      [[ -z "$pids" ]] || tsh_warn "processes still in $ns (not started by us, or not recorded): $pids"
      ip netns del "$ns" || tsh_warn "could not delete namespace $ns"
    fi
  done
  rm -f "$TSH_RUN_DIR/namespaces"
  [[ -n "$quiet" && $found == 0 ]] || tsh_log "topology $TSH_TOPO is down"
}

tsh_topology_status() {
  local ns
  for ns in "${TSH_ALL_NS[@]}"; do
    if tsh_ns_exists "$ns"; then
      echo "== $ns"
      ip -n "$ns" -br addr
      ip -n "$ns" route | sed 's/^/   route: /'
    else
      echo "== $ns (absent)"
    fi
  done
  if [[ -d "$TSH_RUN_DIR/pids" ]]; then
    local f name pid
    for f in "$TSH_RUN_DIR"/pids/*.pid; do
      [[ -e "$f" ]] || continue
      name=$(basename "$f" .pid)
      if pid=$(tsh_pid_of "$name"); then echo "process $name: pid $pid running"; else echo "process $name: gone"; fi
    done
  fi
}
