#!/usr/bin/env bash
# Install the system packages the tests need, when missing (Debian/Ubuntu).
# Called by `npm test`; safe to run again. Non-root: only reports what is missing.
#   iproute2, iputils-ping: the independent oracle (`ip -j ...`) and ping in the seed scenarios
#   tcpdump, tshark:        nlmon captures and the second opinion on our pcap decoding
#   strace:                 iproute2's own datagrams, byte for byte (kernel/cli-iproute2); nft's bytes (scripts/capture-nft-fixtures.mjs)
#   nftables:               nft, the oracle of the nf_tables tests
#   wireguard-tools, libteam-utils, ethtool: wg, teamnl and ethtool, the oracles of the generic netlink tests
#                           (the VM lane sees the host's /, so they serve the macsec/team/wireguard tests there too)
#   make, g++, python3:     node-gyp, when the addon is built from source (native/ changed
#                           since the prebuilds were made; a developer's `npx node-gyp rebuild`)
#   gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, linux-libc-dev-arm64-cross:
#                           `npm run prebuilds` cross-compiles the arm64 binary, and the
#                           package lane rebuilds both binaries to compare them byte for byte
#   qemu-user-static, libc6-arm64-cross, libstdc++6-arm64-cross:
#                           the arm64 lane runs an arm64 Node (and the arm64 prebuild) under qemu-user
#   uidmap:                 newuidmap, so a non-root `npm test` maps the user's subordinate
#                           uids into its user namespace (unshare --map-auto)
#   qemu/kernel/busybox:    the VM test lane (scripts/vm-prereqs.sh)
# With RTNL_TEST_USER=NAME (set by .ci/run), also creates that unprivileged
# user (useradd, with a /etc/subuid range) for the non-root check.
set -u
need=()
have() { command -v "$1" >/dev/null 2>&1; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }
have ip || need+=(iproute2)
have ping || need+=(iputils-ping)
have tcpdump || need+=(tcpdump)
have tshark || need+=(tshark)
have nft || need+=(nftables)
have strace || need+=(strace)
have wg || need+=(wireguard-tools)
have teamnl || need+=(libteam-utils)
have ethtool || [ -x /usr/sbin/ethtool ] || [ -x /sbin/ethtool ] || need+=(ethtool)
have make || need+=(make)
have g++ || need+=(g++)
have python3 || need+=(python3)
have aarch64-linux-gnu-gcc || need+=(gcc-aarch64-linux-gnu)
have qemu-aarch64-static || need+=(qemu-user-static)
have newuidmap || need+=(uidmap)
if have dpkg-query; then
  for p in libc6-dev-arm64-cross linux-libc-dev-arm64-cross libc6-arm64-cross libstdc++6-arm64-cross; do
    installed "$p" || need+=("$p")
  done
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! have apt-get; then
    echo "setup: missing system packages: ${need[*]} (run as root on Debian to install them: sudo bash scripts/setup.sh)" >&2
  else
    echo "setup: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections 2>/dev/null || true
    # other apt users (unattended upgrades, a parallel run) hold the lock for a while: wait for it
    apt=(apt-get -o DPkg::Lock::Timeout=600)
    "${apt[@]}" update -qq >/dev/null 2>&1 || "${apt[@]}" update
    "${apt[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null || "${apt[@]}" install -y --no-install-recommends "${need[@]}"
  fi
fi
if [ -n "${RTNL_TEST_USER:-}" ] && [ "$(id -u)" = 0 ] && ! id "$RTNL_TEST_USER" >/dev/null 2>&1; then
  echo "setup: creating the unprivileged test user $RTNL_TEST_USER" >&2
  # useradd gives the user a subordinate uid/gid range in /etc/subuid, /etc/subgid (login.defs SUB_UID_*)
  useradd --create-home --shell /bin/bash "$RTNL_TEST_USER" || echo "setup: useradd $RTNL_TEST_USER failed" >&2
fi
if [ -x "$(dirname "$0")/vm-prereqs.sh" ] || [ -f "$(dirname "$0")/vm-prereqs.sh" ]; then
  if [ "${RTNL_SKIP_VM:-}" != 1 ] && [ "$(id -u)" = 0 ]; then
    bash "$(dirname "$0")/vm-prereqs.sh" || echo "setup: VM lane prerequisites could not be installed; the VM lane will not run" >&2
  fi
fi
exit 0
