// Capture real kernel datagrams of every rtnetlink family as fuzzing seeds
// (test/fixtures/fuzz-seeds.json). Run once, as root, after `npm run build:ts`:
//   node scripts/capture-fuzz-seeds.mjs
// The namespace holds links of several kinds (veth, bridge with ports and
// VLANs, vxlan with an FDB entry, macvlan, macvtap, ifb, tun), IPv4/IPv6
// addresses, routes (incl. multipath and a second table), neighbours and
// policy rules; we record link dumps (AF_UNSPEC and AF_BRIDGE), raw dumps of
// addresses, routes, neighbours, rules and netconf, multicast notifications
// while things change, ACKs and errors with extended ACK.
import { Rtnl, NetlinkSocket } from 'rtnetlink';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { release } from 'node:os';

const ns = 'rtnl-fuzzseed-' + process.pid;
const ip = (...a) => execFileSync('ip', ['-n', ns, ...a], { stdio: ['ignore', 'ignore', 'inherit'] });
execFileSync('ip', ['netns', 'add', ns]);
const frames = [];
const tap = (what) => (dir, buf) => { if (dir === 'in') frames.push({ what, hex: Buffer.from(buf).toString('hex') }); };
try {
  // multicast listener first, so the setup below produces notifications
  // RTNLGRP_LINK 1, NEIGH 3, IPV4_IFADDR 5, IPV4_ROUTE 7, IPV4_RULE 8, IPV6_IFADDR 9, IPV6_ROUTE 11, IPV4_NETCONF 24
  const mon = NetlinkSocket.open({ netns: { path: `/run/netns/${ns}` }, groups: [1, 3, 5, 7, 8, 9, 11, 24], tap: tap('event') });
  mon.onMulticast(() => {});
  ip('link', 'set', 'lo', 'up');
  ip('link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
  ip('link', 'add', 'br0', 'type', 'bridge', 'stp_state', '1');
  ip('link', 'set', 'veth0', 'master', 'br0', 'up');
  ip('link', 'set', 'br0', 'up');
  ip('link', 'set', 'veth1', 'up', 'mtu', '1400', 'alias', 'the other end');
  ip('link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '192.0.2.1', 'ttl', '5', 'nolearning');
  ip('link', 'add', 'mv0', 'link', 'veth1', 'type', 'macvlan', 'mode', 'bridge');
  ip('link', 'add', 'mvt0', 'link', 'veth1', 'type', 'macvtap', 'mode', 'vepa');
  ip('link', 'add', 'ifb0', 'type', 'ifb');
  ip('tuntap', 'add', 'tun0', 'mode', 'tun');
  ip('link', 'property', 'add', 'dev', 'veth1', 'altname', 'a-much-longer-alternative-name');
  ip('addr', 'add', '192.0.2.1/24', 'dev', 'veth1');
  ip('addr', 'add', '198.51.100.7/32', 'peer', '198.51.100.8', 'dev', 'veth1');
  ip('addr', 'add', '2001:db8::1/64', 'dev', 'veth1', 'nodad');
  ip('addr', 'add', '10.9.0.1/16', 'dev', 'br0', 'label', 'br0:x', 'valid_lft', '100', 'preferred_lft', '50');
  ip('route', 'add', '203.0.113.0/24', 'via', '192.0.2.254', 'dev', 'veth1', 'metric', '20', 'mtu', '1300');
  ip('route', 'add', '198.18.0.0/15', 'nexthop', 'via', '192.0.2.253', 'weight', '1', 'nexthop', 'via', '192.0.2.252', 'weight', '3');
  ip('route', 'add', 'blackhole', '100.64.0.0/10', 'table', '100');
  ip('route', 'add', '2001:db8:1::/48', 'via', '2001:db8::2', 'dev', 'veth1', 'pref', 'high');
  ip('neigh', 'add', '192.0.2.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'veth1', 'nud', 'permanent');
  ip('neigh', 'add', '2001:db8::9', 'lladdr', '02:00:00:00:00:0a', 'dev', 'veth1', 'nud', 'reachable');
  execFileSync('bridge', ['-n', ns, 'fdb', 'add', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '192.0.2.77', 'self', 'permanent']);
  ip('rule', 'add', 'from', '192.0.2.0/24', 'table', '100', 'priority', '1000');
  ip('rule', 'add', 'fwmark', '0x10/0xff', 'lookup', '100', 'priority', '1001');
  ip('-6', 'rule', 'add', 'to', '2001:db8:1::/48', 'table', '100', 'priority', '1002');
  await new Promise((r) => setTimeout(r, 100));

  const r = await Rtnl.open({ netns: ns, tap: tap('links') });
  await r.links.list();
  const br = await Rtnl.open({ netns: ns, tap: tap('bridge-links') });
  await br.links.list({ family: 7 });
  await br.close();
  const s = NetlinkSocket.open({ netns: { path: `/run/netns/${ns}` }, tap: tap('dump') });
  const hdr = (n) => new Uint8Array(n);
  for (const [type, size] of [[22, 8] /* RTM_GETADDR ifaddrmsg */, [26, 12] /* RTM_GETROUTE rtmsg */, [30, 12] /* RTM_GETNEIGH ndmsg */, [34, 12] /* RTM_GETRULE */, [82, 4] /* RTM_GETNETCONF */]) {
    try { await s.dumpAll(type, hdr(size)); } catch (e) { console.log(`dump ${type}: ${e.message}`); }
  }
  const bridgeNeigh = new Uint8Array(12); bridgeNeigh[0] = 7; // AF_BRIDGE: the FDB
  try { await s.dumpAll(30, bridgeNeigh); } catch (e) { console.log(`fdb dump: ${e.message}`); }
  s.close();
  // errors with extended ACK and plain ACKs
  const e = await Rtnl.open({ netns: ns, tap: tap('ack-error') });
  for (const opts of [{ name: 'x0', kind: 'nosuchkind' }, { name: 'veth0', kind: 'veth', peer: 'zz' }, { name: 'v9', kind: 'veth', peer: 'v10', mtu: 100000 }, { name: 'br9', kind: 'bridge', master: 'veth1' }]) {
    try { await e.links.add(opts); } catch (err) { console.log(err.message); }
  }
  await e.links.set('veth1', { txQueueLen: 500 });
  try { await e.links.get('nope0'); } catch (err) { console.log(err.message); }
  // changes while the monitor listens
  await e.links.add({ name: 'tmp0', kind: 'veth', peer: 'tmp1' });
  await e.links.del('tmp0');
  ip('addr', 'del', '192.0.2.1/24', 'dev', 'veth1');
  ip('route', 'flush', 'table', '100');
  await new Promise((r2) => setTimeout(r2, 200));
  await e.close();
  await r.close();
  mon.close();
} finally {
  execFileSync('ip', ['netns', 'del', ns]);
}
const counts = {};
for (const f of frames) counts[f.what] = (counts[f.what] ?? 0) + 1;
writeFileSync('test/fixtures/fuzz-seeds.json', JSON.stringify({
  note: `Kernel datagrams (inbound only) recorded with the socket tap in a namespace holding links of several kinds, addresses, routes, neighbours, FDB entries and rules: dumps of every family, multicast notifications, ACKs and extended-ACK errors. Kernel ${release()}. Made by scripts/capture-fuzz-seeds.mjs; seeds for test/unit/fuzz-*.test.ts.`,
  frames,
}, null, 1) + '\n');
console.log(frames.length, 'datagrams', counts, JSON.stringify(frames).length, 'bytes');
