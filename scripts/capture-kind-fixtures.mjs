// Capture real kernel RTM_NEWLINK dumps of every link kind for the unit tests
// (test/fixtures/kinds-*.json). Run as root, after `npx tsc`:
//   node scripts/capture-kind-fixtures.mjs host > test/fixtures/kinds-host.json
//   test/vm/run node scripts/capture-kind-fixtures.mjs vm > test/fixtures/kinds-vm.json
//   test/vm/run node scripts/capture-kind-fixtures.mjs tunnels > test/fixtures/kinds-tunnels.json
// "host" needs veth, bridge, vxlan, macvlan, macvtap, tun; "vm" the kinds of a
// stock distribution kernel (vlan, bond, geneve, ipvlan, macsec, vrf, vxcan, ...);
// "tunnels" the IP tunnels (ip_gre, ip6_gre, ipip, sit, ip6_tunnel) and fou/fou6.
import { Rtnl, netns } from '../dist/src/index.js';
import { execFileSync } from 'node:child_process';
import { release } from 'node:os';

const mode = process.argv[2] ?? 'host';
const ns = `rtnl-kfix-${process.pid}`;
await netns.add(ns);
const frames = [];
const r = await Rtnl.open({ netns: ns, tap: (dir, buf) => frames.push({ dir, hex: buf.toString('hex') }) });
const captures = [];
async function capture(name, family = 0) {
  frames.length = 0;
  await r.links.list(family ? { family } : {});
  captures.push({ name, family, frames: frames.filter((f) => f.dir === 'in').map((f) => f.hex) });
}
try {
  await r.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'eth0p', address: '02:00:00:00:00:02' }, address: '02:00:00:00:00:01' });
  if (mode === 'tunnels') {
    // FOU/GUE encapsulation needs the fou (IPv4) and fou6 (IPv6) modules, which nothing autoloads
    execFileSync('modprobe', ['-a', 'fou', 'fou6']);
    await r.links.add({ name: 'gre1', kind: 'gre', gre: { remote: '192.0.2.1', local: '192.0.2.2', link: 'eth0', ttl: 64, tos: 0x10, key: '0.0.1.0', seq: true, csum: true, fwmark: 0x42 } });
    await r.links.add({ name: 'gre2', kind: 'gre', gre: { remote: '192.0.2.3', local: '192.0.2.4', ikey: 7, okey: 8, icsum: true, oseq: true, pmtudisc: false, ignoreDf: true, tos: 'inherit', encapType: 'fou', encapSport: 'auto', encapDport: 5555, encapFlags: { csum: true } } });
    await r.links.add({ name: 'gre3', kind: 'gre', gre: { collectMetadata: true } });
    await r.links.add({ name: 'gretap1', kind: 'gretap', address: '02:00:00:00:01:01', gretap: { remote: '192.0.2.5', local: '192.0.2.6', key: 9, ttl: 'inherit' } });
    await r.links.add({ name: 'erspan1', kind: 'erspan', erspan: { remote: '192.0.2.7', local: '192.0.2.8', seq: true, key: 10, erspanIndex: 123 } });
    await r.links.add({ name: 'erspan2', kind: 'erspan', erspan: { remote: '192.0.2.9', local: '192.0.2.10', seq: true, key: 11, erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 } });
    await r.links.add({ name: 'ip6gre1', kind: 'ip6gre', ip6gre: { remote: '2001:db8::1', local: '2001:db8::2', link: 'eth0', ttl: 32, tclass: 0x12, flowlabel: 0x12345, encapLimit: 'none', dscp: 'inherit', key: 12, seq: true } });
    await r.links.add({ name: 'ip6gretap1', kind: 'ip6gretap', ip6gretap: { remote: '2001:db8::3', local: '2001:db8::4', tclass: 'inherit', flowlabel: 'inherit', encapLimit: 2, fwmark: 'inherit', allowLocalRemote: true, encapType: 'gue', encapDport: 6080 } });
    await r.links.add({ name: 'ip6erspan1', kind: 'ip6erspan', ip6erspan: { remote: '2001:db8::5', local: '2001:db8::6', seq: true, key: 13, erspanVer: 2, erspanDir: 'ingress', erspanHwid: 0x3f } });
    await r.links.add({ name: 'ipip1', kind: 'ipip', ipip: { remote: '192.0.3.1', local: '192.0.3.2', link: 'eth0', ttl: 64, tos: 0x20, fwmark: 7, mode: 'any', encapType: 'gue', encapSport: 7777, encapDport: 6666, encapFlags: { csum: true, remcsum: true } } });
    await r.links.add({ name: 'ipip2', kind: 'ipip', ipip: { collectMetadata: true } });
    await r.links.add({ name: 'sit1', kind: 'sit', sit: { local: '192.0.3.4', isatap: true, mode: 'ip6ip', ttl: 64 } });
    await r.links.add({ name: 'sit2', kind: 'sit', sit: { local: '192.0.3.5', ip6rdPrefix: '2001:db8::/32', ip6rdRelayPrefix: '192.0.3.0/24', ttl: 32, tos: 'inherit' } });
    await r.links.add({ name: 'ip6tnl1', kind: 'ip6tnl', ip6tnl: { mode: 'ipip6', remote: '2001:db8:1::1', local: '2001:db8:1::2', ttl: 'inherit', encapLimit: 'none', tclass: 'inherit', flowlabel: 0xabcde, dscp: 'inherit', fwmark: 5 } });
    await r.links.add({ name: 'ip6tnl2', kind: 'ip6tnl', ip6tnl: { collectMetadata: true } });
    await capture('tunnels-unspec');
  } else if (mode === 'host') {
    await r.links.add({ name: 'vx4', kind: 'vxlan', vxlan: { id: 4242, remote: '192.0.2.7', local: '192.0.2.1', link: 'eth0', port: 4789, portRange: { low: 1000, high: 2000 }, ttl: 5, tos: 0x10, learning: false, proxy: true, l2miss: true, ageing: 100, limit: 50, udpCsum: false, gbp: true, df: 'set' } });
    await r.links.add({ name: 'vx6', kind: 'vxlan', vxlan: { id: 7, group: 'ff05::5', local: '2001:db8::2', link: 'eth0', ttlInherit: true, label: 0x12345, udpZeroCsum6Tx: true } });
    await r.links.add({ name: 'vxe', kind: 'vxlan', vxlan: { collectMetadata: true, vnifilter: true, port: 4790 } });
    await r.links.add({ name: 'mvsrc', kind: 'macvlan', link: 'eth0', macvlan: { mode: 'source', nodst: true, macaddrMode: 'set', macaddrData: ['02:00:00:00:00:0a', '02:00:00:00:00:0b'] } });
    await r.links.add({ name: 'mtap', kind: 'macvtap', link: 'eth0', macvtap: { mode: 'bridge', bcQueueLen: 77 } });
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'tuntap', 'add', 'tap0', 'mode', 'tap', 'multi_queue', 'user', '4242', 'group', '4243']);
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'tuntap', 'add', 'tun0', 'mode', 'tun', 'pi', 'vnet_hdr']);
    await r.links.add({ name: 'br0', kind: 'bridge', bridge: { stpState: 0, priority: 0x1000 } });
    await r.links.set('eth0p', { master: 'br0' });
    await r.links.set('eth0p', { bridgePort: { cost: 10, learning: false, hairpin: true, isolated: true } });
    await r.links.set('eth0', { afSpec: { inet6: { addrGenMode: 'none' }, inet: { conf: { forwarding: 1 } } } });
    await capture('host-unspec');
    await capture('host-bridge', 7);
    await capture('host-inet6', 10);
  } else {
    await r.links.add({ name: 'eth0.10', kind: 'vlan', link: 'eth0', vlan: { id: 10, protocol: '802.1ad', flags: { reorderHdr: false, gvrp: true }, ingressQos: [{ from: 1, to: 2 }], egressQos: [{ from: 2, to: 3 }] } });
    await r.links.add({ name: 'bond0', kind: 'bond', bond: { mode: 'active-backup', arpInterval: 100, arpIpTarget: ['192.0.2.1', '192.0.2.2'], nsIp6Target: ['2001:db8::1'], arpValidate: 'all', failOverMac: 'active' } });
    await r.links.add({ name: 'eth1', kind: 'veth', peer: 'eth1p' });
    await r.links.set('eth1', { master: 'bond0' });
    await r.links.set('eth1', { bondSlave: { queueId: 2, prio: 5 } });
    await r.links.add({ name: 'gnv0', kind: 'geneve', geneve: { id: 10, remote: '192.0.2.1', ttl: 64, df: 'set', port: 6082 } });
    await r.links.add({ name: 'eth2', kind: 'veth', peer: 'eth2p' });
    await r.links.add({ name: 'ipvl0', kind: 'ipvlan', link: 'eth2', ipvlan: { mode: 'l3s', flags: 'private' } });
    await r.links.add({ name: 'eth3', kind: 'veth', peer: 'eth3p', address: '02:00:00:00:00:03' });
    await r.links.add({ name: 'macsec0', kind: 'macsec', link: 'eth3', macsec: { port: 11, encrypt: true, cipherSuite: 'gcm-aes-256', replayProtect: true, window: 32 } });
    await r.links.add({ name: 'vrf0', kind: 'vrf', vrf: { table: 1010 } });
    await r.links.set('eth3p', { master: 'vrf0' });
    await r.links.add({ name: 'vxcan0', kind: 'vxcan', peer: 'vxcan1' });
    await r.links.add({ name: 'brv', kind: 'bridge', bridge: { vlanFiltering: true } });
    await r.links.add({ name: 'eth4', kind: 'veth', peer: 'eth4p' });
    await r.links.set('eth4', { master: 'brv' });
    await r.bridgeVlans.add('eth4', { vid: 10, pvid: true, untagged: true });
    await r.bridgeVlans.add('eth4', { vid: 20, vidEnd: 22 });
    await capture('vm-unspec');
    await capture('vm-bridge', 7);
  }
} finally {
  await r.close();
  await netns.del(ns);
}
process.stdout.write(JSON.stringify({ note: `RTM_GETLINK dumps captured with the library tap on kernel ${release()} by scripts/capture-kind-fixtures.mjs ${mode}`, captures }, null, 1) + '\n');
