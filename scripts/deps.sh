#!/usr/bin/env bash
# Installs what the scripts and end-to-end tests need from Debian packages. Idempotent and
# quiet: does nothing when everything is present, runs apt-get update only when a package
# cannot be found without it.
set -euo pipefail

# prometheus: only for promtool, which checks and unit-tests deploy/prometheus/*.yml; the service is not started.
pkgs=(nginx-light wrk hey tcpdump nftables iproute2 libpcap0.8 libpcap-dev procps ethtool prometheus)

if [[ $(id -u) -ne 0 ]]; then
  echo "deps.sh: not root, not installing packages (${pkgs[*]})" >&2
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

export DEBIAN_FRONTEND=noninteractive
echo "deps.sh: installing ${missing[*]}" >&2
install() { apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/tsh-deps.log 2>&1; }
if ! install; then
  apt-get update -qq >>/tmp/tsh-deps.log 2>&1 || true
  install || { cat /tmp/tsh-deps.log >&2; echo "deps.sh: apt-get install failed" >&2; exit 1; }
fi
