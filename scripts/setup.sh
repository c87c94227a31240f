#!/usr/bin/env bash
# Install the system packages the tests need, when missing (Debian/Ubuntu).
# Called by `npm test`; safe to run again. Non-root: only reports what is missing.
#   iproute2, iputils-ping: the independent oracle (`ip -j ...`) and ping in the seed scenarios
#   tcpdump, tshark:        nlmon captures and the second opinion on our pcap decoding
#   strace:                 iproute2's own datagrams, byte for byte (kernel/cli-iproute2); nft's bytes (scripts/capture-nft-fixtures.mjs)
#   nftables:               nft, the oracle of the nf_tables tests
#   make, g++, python3:     node-gyp builds the native syscall addon
#   qemu/kernel/busybox:    the VM test lane (scripts/vm-prereqs.sh)
set -u
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have ip || need+=(iproute2)
have ping || need+=(iputils-ping)
have tcpdump || need+=(tcpdump)
have tshark || need+=(tshark)
have nft || need+=(nftables)
have strace || need+=(strace)
have make || need+=(make)
have g++ || need+=(g++)
have python3 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! have apt-get; then
    echo "setup: missing system packages: ${need[*]} (run as root on Debian to install them)" >&2
  else
    echo "setup: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections 2>/dev/null || true
    apt-get update -qq >/dev/null 2>&1 || apt-get update
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || apt-get install -y --no-install-recommends "${need[@]}"
  fi
fi
if [ -x "$(dirname "$0")/vm-prereqs.sh" ] || [ -f "$(dirname "$0")/vm-prereqs.sh" ]; then
  if [ "${RTNL_SKIP_VM:-}" != 1 ] && [ "$(id -u)" = 0 ]; then
    bash "$(dirname "$0")/vm-prereqs.sh" || echo "setup: VM lane prerequisites could not be installed; the VM lane will not run" >&2
  fi
fi
exit 0
