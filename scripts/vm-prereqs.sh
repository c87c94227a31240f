#!/usr/bin/env bash
# Install what the VM test lane (test/vm/run) needs, when missing (Debian, root):
#   qemu-system-x86   the emulator (TCG; no KVM needed)
#   linux-image-amd64 Debian's stock kernel + modules (vlan, bonding, team, vrf, ...)
#   busybox-static    the VM's initramfs userland
# Idempotent: does nothing (and no `apt-get update`) when all three are installed.
set -u
pkgs=(qemu-system-x86 linux-image-amd64 busybox-static)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }
need=()
for p in "${pkgs[@]}"; do installed "$p" || need+=("$p"); done
# A kernel package is only useful with its image and modules actually present.
if installed linux-image-amd64 && ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
  echo "vm-prereqs: linux-image-amd64 is installed but /boot has no vmlinuz-*; reinstalling it" >&2
  need+=(--reinstall linux-image-amd64)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "vm-prereqs: missing ${need[*]}; run as root: sudo bash $0" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "vm-prereqs: missing ${need[*]} and apt-get is not available (Debian/Ubuntu only)" >&2
  exit 1
fi
echo "vm-prereqs: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >/dev/null 2>&1 && ! apt-get update; then
  echo "vm-prereqs: apt-get update failed" >&2
  exit 1
fi
if ! apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 &&
   ! apt-get install -y --no-install-recommends "${need[@]}"; then
  echo "vm-prereqs: apt-get install ${need[*]} failed" >&2
  exit 1
fi
for p in "${pkgs[@]}"; do
  installed "$p" || { echo "vm-prereqs: $p still not installed" >&2; exit 1; }
done
command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo "vm-prereqs: qemu-system-x86_64 not found after install" >&2; exit 1; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "vm-prereqs: no /boot/vmlinuz-* after install" >&2; exit 1; }
echo "vm-prereqs: done" >&2
exit 0
