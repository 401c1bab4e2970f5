#!/usr/bin/env bash
# Regenerates the kernel-produced packet fixtures under tests/TcpShadow.Tests/Captures/.
#
# Two network namespaces joined by a veth pair carry a few short TCP exchanges (IPv4, IPv4 over
# an 802.1Q sub-interface, IPv6) between real kernel stacks, and tcpdump records them on the veth
# (Ethernet) and on `any` (Linux cooked SLL and SLL2). TX checksum offload is off on every sending
# device, so the checksums in the files are the ones the kernel computed, not partial ones.
#
# Needs root, iproute2, ethtool, tcpdump and python3. Uses only 198.18.0.0/15 and 2001:2::/48,
# creates only the namespaces tsh-pk-a and tsh-pk-b, and deletes exactly those on exit.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$repo/tests/TcpShadow.Tests/Captures"
work=$(mktemp -d /tmp/tsh-pk-fixtures.XXXXXX)
nsa=tsh-pk-a
nsb=tsh-pk-b
python=$(command -v python3)
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  ip netns del "$nsa" 2>/dev/null || true
  ip netns del "$nsb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for tool in ip ethtool tcpdump; do
  command -v "$tool" >/dev/null || { echo "make-fixtures: $tool is required" >&2; exit 1; }
done
[[ $(id -u) -eq 0 ]] || { echo "make-fixtures: run as root (namespaces and capture)" >&2; exit 1; }

# A stale pair from an interrupted run would make `ip netns add` fail.
ip netns del "$nsa" 2>/dev/null || true
ip netns del "$nsb" 2>/dev/null || true
ip netns add "$nsa"
ip netns add "$nsb"
ip link add pk-a netns "$nsa" type veth peer name pk-b netns "$nsb"

setup_side() {
  local ns=$1 dev=$2 v4=$3 v6=$4
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$v4/24" dev "$dev"
  ip -n "$ns" addr add "$v6/64" dev "$dev" nodad
  # tx off: the kernel fills in the checksums itself instead of leaving a partial sum for "hardware".
  ip netns exec "$ns" ethtool -K "$dev" tx off >/dev/null
  ip -n "$ns" link set "$dev" up
}
setup_side "$nsa" pk-a 198.18.50.1 2001:2:0:50::1
setup_side "$nsb" pk-b 198.18.50.2 2001:2:0:50::2

# start_capture FILE IFACE FILTER [extra tcpdump args...]: records in namespace B until stop_captures.
capture_pids=()
start_capture() {
  local file=$1 iface=$2 filter=$3
  shift 3
  ip netns exec "$nsb" tcpdump -Z root -U --immediate-mode -n -i "$iface" "$@" -w "$work/$file" "$filter" 2>"$work/$file.log" &
  pids+=("$!")
  capture_pids+=("$!")
  local tries=0
  until grep -q "listening on" "$work/$file.log" 2>/dev/null; do
    tries=$((tries + 1))
    [[ $tries -le 50 ]] || { echo "make-fixtures: tcpdump did not start:" >&2; cat "$work/$file.log" >&2; exit 1; }
    sleep 0.1
  done
}
stop_captures() {
  local pid
  # Let the last ACK reach the tap before the captures stop.
  sleep 1
  for pid in "${capture_pids[@]}"; do
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  capture_pids=()
}

# exchange ADDRESS PORT: one request, one response, FIN both ways, between real kernel stacks.
exchange() {
  local addr=$1 port=$2
  timeout 20 ip netns exec "$nsb" "$python" - "$addr" "$port" <<'PY' &
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(1)
s.settimeout(10)
c, _ = s.accept()
c.settimeout(10)
request = c.recv(4096)
body = b"tcpshadow fixture response\n" * 8
c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
c.shutdown(socket.SHUT_WR)
while c.recv(4096):
    pass
c.close()
s.close()
PY
  local server=$!
  pids+=("$server")
  sleep 0.5
  timeout 20 ip netns exec "$nsa" "$python" - "$addr" "$port" <<'PY'
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
c = socket.create_connection((addr, port), timeout=10)
c.sendall(b"GET /fixture HTTP/1.0\r\nHost: tcpshadow\r\n\r\n")
while c.recv(4096):
    pass
c.close()
PY
  wait "$server"
}

start_capture eth-ipv4.pcap pk-b "tcp port 8080"
start_capture sll-ipv4.pcap any "tcp port 8080" -y LINUX_SLL
start_capture sll2-ipv4.pcap any "tcp port 8080" -y LINUX_SLL2
exchange 198.18.50.2 8080
stop_captures

# This kernel has no 8021q module (no vlan links, no tc vlan action, no bridge VLAN filtering), so the
# tagged fixtures replay the kernel's own IPv4 frames from namespace A with an 802.1Q tag (VID 10)
# inserted. Namespace B's receive path strips the tag into metadata and libpcap puts it back, so the
# files show exactly what libpcap writes for tagged traffic on Ethernet and on `any`.
start_capture eth-vlan.pcap pk-b "vlan"
start_capture sll-vlan.pcap any "tcp" -y LINUX_SLL
start_capture sll2-vlan.pcap any "tcp" -y LINUX_SLL2
timeout 20 ip netns exec "$nsa" "$python" - "$work/eth-ipv4.pcap" pk-a <<'PY'
import socket, struct, sys
path, dev = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
magic = struct.unpack_from("<I", data)[0]
endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
offset = 24
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((dev, 0))
while offset + 16 <= len(data):
    _, _, caplen, _ = struct.unpack_from(endian + "IIII", data, offset)
    frame = data[offset + 16:offset + 16 + caplen]
    offset += 16 + caplen
    # TPID 0x8100, PCP 0, DEI 0, VID 10, then the frame's own EtherType.
    s.send(frame[:12] + struct.pack(">HH", 0x8100, 10) + frame[12:])
PY
stop_captures

start_capture eth-ipv6.pcap pk-b "tcp port 8082"
start_capture sll2-ipv6.pcap any "tcp port 8082" -y LINUX_SLL2
exchange 2001:2:0:50::2 8082
stop_captures

mkdir -p "$out"
for f in "$work"/*.pcap; do
  install -m 0644 "$f" "$out/"
  printf '%-16s %s packets\n' "$(basename "$f")" "$(tcpdump -n -r "$f" 2>/dev/null | wc -l)"
done
