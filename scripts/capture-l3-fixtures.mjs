// Capture real kernel datagrams of address, route, neighbour, rule and nsid
// dumps for the unit tests (run once, as root, after `npx tsc`):
//   node scripts/capture-l3-fixtures.mjs
// The namespaces are built with the library; the vxlan device (a kind module
// of its own) and a few ip-only route options are set up with iproute2.
import { Rtnl, netns } from 'rtnetlink';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { release } from 'node:os';

const ns = 'rtnl-fixture-l3-' + process.pid;
const peer = ns + '-b';
await netns.add(ns);
await netns.add(peer);
const frames = [];
const ipc = (...a) => execFileSync('ip', ['-n', ns, ...a]);
const r = await Rtnl.open({ netns: ns, tap: (dir, buf) => frames.push({ dir, hex: buf.toString('hex') }) });
const out = {};
const take = () => frames.splice(0, frames.length);
try {
  await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
  await r.links.set('veth0', { up: true });
  await r.links.set('veth1', { up: true });
  await r.links.set('lo', { up: true });
  await r.addrs.add('veth0', '10.0.1.1/24', { broadcast: '+', label: 'veth0:a', validLft: 300, preferredLft: 200, metric: 5 });
  await r.addrs.add('veth0', '10.0.1.2/24');
  await r.addrs.add({ dev: 'veth0', address: '10.9.0.1', peer: '10.9.0.2/32' });
  await r.addrs.add('veth0', '2001:db8::1/64', { flags: ['nodad', 'noprefixroute'] });
  await r.addrs.add('veth0', '2001:db8::10/64', { flags: ['nodad'] });
  await r.routes.add({ dst: '10.2.0.0/16', dev: 'veth0', table: 100, metric: 10, metrics: { mtu: 1400, lock: ['mtu'], advmss: 1360, initcwnd: 10, ccAlgo: 'reno' } });
  await r.routes.add({ dst: '10.3.0.0/16', table: 100, multipath: [{ gateway: '10.0.1.5', weight: 2 }, { gateway: '10.0.1.6' }] });
  await r.routes.add({ dst: '10.4.0.0/16', gateway: 'fe80::1', dev: 'veth0', table: 100 });
  await r.routes.add({ dst: '192.0.2.0/24', type: 'blackhole', table: 100 });
  await r.routes.add({ dst: '2001:db8:5::/64', gateway: '2001:db8::2', pref: 'high', expires: 300, table: 100 });
  await r.routes.add({ dst: '2001:db8:6::/64', table: 100, multipath: [{ gateway: '2001:db8::3' }, { gateway: '2001:db8::4', weight: 3 }] });
  ipc('-6', 'route', 'add', '2001:db8:21::/64', 'from', '2001:db8:99::/64', 'via', '2001:db8::9', 'table', '100');
  await r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', lladdr: '02:00:00:00:00:07' });
  await r.neighs.add({ dev: 'veth0', dst: '2001:db8::7', lladdr: '02:00:00:00:00:17', state: 'stale', flags: ['router'] });
  ipc('link', 'add', 'vxlan0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.0.1.1');
  await r.neighs.fdb.append({ dev: 'vxlan0', lladdr: '00:00:00:00:00:00', dst: '192.168.1.2' });
  await r.neighs.fdb.append({ dev: 'vxlan0', lladdr: '00:00:00:00:00:00', dst: '192.168.1.3', vni: 100, port: 4790 });
  await r.rules.add({ priority: 100, from: '10.0.0.0/8', to: '192.168.0.0/16', table: 100 });
  await r.rules.add({ priority: 200, not: true, fwmark: 0x10, fwmask: 0xff, iif: 'veth0', table: 100000, protocol: 'static' });
  await r.rules.add({ priority: 600, uidRange: [1000, 2000], ipProto: 'tcp', sport: [1000, 2000], dport: 80, table: 5 });
  await r.nsids.set(peer, 7);
  take();

  await r.addrs.list();
  out['addr-dump'] = { note: 'RTM_GETADDR dump (all families): lo, veth0 with 10.0.1.1/24 brd+ label veth0:a lifetimes metric 5, secondary 10.0.1.2/24, peer 10.9.0.1 -> 10.9.0.2/32, 2001:db8::1/64 nodad noprefixroute, 2001:db8::10/64 nodad, link-local addresses', frames: take() };
  await r.routes.list({ table: 100 });
  out['route-dump'] = { note: 'RTM_GETROUTE dump of table 100: metrics with mtu lock and cc algo, IPv4 multipath, RTA_VIA inet6, blackhole, IPv6 pref/expires, IPv6 multipath, IPv6 source-specific route', frames: take() };
  await r.routes.get('10.0.1.9');
  out['route-get'] = { note: 'RTM_GETROUTE 10.0.1.9 with RTM_F_LOOKUP_TABLE and its answer', frames: take() };
  await r.neighs.list();
  await r.neighs.fdb.list({ dev: 'vxlan0' });
  out['neigh-dump'] = { note: 'RTM_GETNEIGH dumps: ARP/NDP (10.0.1.7 permanent, 2001:db8::7 stale router, multicast noarp) then AF_BRIDGE FDB of vxlan0 (two head-end replication entries)', frames: take() };
  await r.rules.list();
  out['rule-dump'] = { note: 'RTM_GETRULE dump (both families) with from/to, not fwmark/mask iif table 100000 proto static, uidrange ipproto sport/dport ranges', frames: take() };
  await r.nsids.list();
  out['nsid-dump'] = { note: 'RTM_GETNSID dump with one peer namespace at id 7', frames: take() };
  try {
    await r.routes.add({ dst: '10.50.0.0/16', gateway: '10.77.0.1', table: 100 });
  } catch (e) {
    console.log(e.message);
  }
  out['route-error'] = { note: 'RTM_NEWROUTE via an unreachable gateway and the kernel error with extended ACK', frames: take() };
} finally {
  await r.close();
  await netns.del(ns);
  await netns.del(peer);
}
for (const [name, v] of Object.entries(out)) {
  v.note += `; captured from kernel ${release()} with the library tap`;
  writeFileSync(`test/fixtures/${name}.json`, JSON.stringify(v, null, 1));
  console.log(name, v.frames.map((f) => f.dir + f.hex.length / 2).join(' '));
}
