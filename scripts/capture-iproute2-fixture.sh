#!/usr/bin/env bash
# Record test/fixtures/iproute2-<kernel>.pcap: a plain nlmon capture of
# iproute2 alone (no library involved) in a namespace of the VM lane (the host
# kernel has no nlmon): `ip monitor` listening while ip creates a dummy and a
# veth pair, addresses, a route, a neighbour and a rule, lists them all (the
# address, route and neighbour dumps go out as whole request buffers with
# 120-256 trailing zero bytes), deletes the dummy and lists links again. The
# file comes back base64-encoded on stdout (the VM cannot write into the
# repository), with the `ip -j` views the unit test uses as its oracle
# (test/fixtures/iproute2-<kernel>.json). Run as root; then update the
# literals of test/unit/capture-iproute2.test.ts if the scenario changes.
set -euo pipefail
cd "$(dirname "$0")/.."
kver=$(test/vm/run uname -r | cut -d. -f1,2)
out=test/fixtures/iproute2-$kver.pcap
json=test/fixtures/iproute2-$kver.json
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
test/vm/run sh -c '
set -e
ns=rtnl-ip2
ip netns add $ns
n() { ip -n $ns "$@"; }
n link add nlmon0 type nlmon
n link set nlmon0 up
ip netns exec $ns tcpdump -i nlmon0 -w /tmp/ip2.pcap -U -n 2>/tmp/td.err &
td=$!
i=0; until grep -q "listening on nlmon0" /tmp/td.err; do i=$((i+1)); [ $i -lt 300 ] || exit 1; sleep 0.1; done
ip netns exec $ns ip monitor link address route neigh rule >/dev/null &
mon=$!
sleep 1
n link add d0 type dummy
n link add v0 type veth peer name v1
n link set d0 up
n link set v0 up
n link set v1 up
n addr add 192.0.2.1/24 dev v0
n addr add 2001:db8::1/64 dev v0 nodad
n route add 198.51.100.0/24 via 192.0.2.2
n neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev v0
n rule add from 192.0.2.0/24 table 100 pref 100
n link show >/dev/null
n addr show >/dev/null
n route show >/dev/null
n -6 route show >/dev/null
n neigh show >/dev/null
n rule show >/dev/null
# the oracle: what ip itself lists, before the dummy goes
echo BEGIN-JSON
printf "{\"links\":%s,\"addrs\":%s}\n" "$(n -j link show)" "$(n -j addr show)"
echo END-JSON
n link del d0
n link show >/dev/null
sleep 1
kill $mon
sleep 0.5
kill -INT $td
wait $td || true
cat /tmp/td.err >&2
echo BEGIN-PCAP
base64 -w0 /tmp/ip2.pcap
echo
echo END-PCAP
ip netns del $ns
' >"$tmp"
sed -n '/^BEGIN-PCAP$/,/^END-PCAP$/p' "$tmp" | sed '1d;$d' | base64 -d >"$out"
sed -n '/^BEGIN-JSON$/,/^END-JSON$/p' "$tmp" | sed '1d;$d' | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s),null,1)+"\n"))' >"$json"
echo "wrote $out ($(stat -c %s "$out") bytes) and $json"
