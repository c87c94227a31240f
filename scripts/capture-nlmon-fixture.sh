#!/usr/bin/env bash
# Record test/fixtures/nlmon-6.1.pcap: runs the live nlmon test
# (test/kernel/nlmon.test.ts) in the VM lane, which copies its capture to
# RTNL_NLMON_KEEP; the file comes back base64-encoded on stdout (the VM cannot
# write into the repository). Run as root after `npm run build`; then update
# the literals of test/unit/nlmon-fixture.test.ts from `tshark -r` of the new
# file (see the comments there).
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/nlmon-$(test/vm/run uname -r | cut -d. -f1,2).pcap
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
test/vm/run sh -c 'RTNL_NLMON_KEEP=/tmp/nlmon.pcap node dist/test/kernel/nlmon.test.js >&2 && echo BEGIN-NLMON && base64 -w0 /tmp/nlmon.pcap && echo && echo END-NLMON' >"$tmp"
sed -n '/^BEGIN-NLMON$/,/^END-NLMON$/p' "$tmp" | sed '1d;$d' | base64 -d >"$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
