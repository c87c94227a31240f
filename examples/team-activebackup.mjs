#!/usr/bin/env node
// Seed 003, team device in activebackup mode with two ports, through the
// library only (the kernel's team driver without teamd), then an active
// port switch. The ports' peers sit in a second namespace, bridged, with
// 10.1.1.2 on the bridge; team0 has 10.1.1.1.
//
//   node examples/team-activebackup.mjs NS NS_SWITCH            # build; active port eth1, then switched to eth2
//   ip netns exec NS teamnl team0 getoption activeport           # teamnl's view (eth2's index)
//   ip netns exec NS ping 10.1.1.2
//   node examples/team-activebackup.mjs --cleanup NS NS_SWITCH
//
// Seed:   teamd -t team0 -c '{"runner": {"name": "activebackup"}, ...}'; teamdctl team0 port add eth0/eth1
// Here:   rtnl.links.add({ name: 'team0', kind: 'team' })
//         genl.team.setOptions('team0', { mode: 'activebackup' })            (teamnl team0 setoption mode activebackup)
//         rtnl.links.set('eth1', { master: 'team0' })                          (ip link set eth1 master team0)
//         genl.team.setOptions('team0', { activeport: 'eth1' })               (teamnl team0 setoption activeport IFINDEX)
// teamd also gives the ports the team's MAC (hwaddr_policy same_all) and watches
// their links; here the ports are created with the team's MAC, and the switch is explicit.
import { Genl, Rtnl, netns } from '../dist/src/index.js';

const args = process.argv.slice(2);
const cleanup = args[0] === '--cleanup';
const [ns = 'team-host', sw = 'team-switch'] = cleanup ? args.slice(1) : args;
if (cleanup) {
  for (const n of [ns, sw]) if (await netns.exists(n)) await netns.del(n);
  process.exit(0);
}
await netns.add(ns);
await netns.add(sw);
const r = await Rtnl.open({ netns: ns });
const rs = await Rtnl.open({ netns: sw });
const g = await Genl.open({ netns: ns });
try {
  await rs.links.add({ name: 'br0', kind: 'bridge' });
  await rs.links.set('br0', { up: true });
  await rs.addrs.add('br0', '10.1.1.2/24');

  await r.links.add({ name: 'team0', kind: 'team' });
  await g.team.setOptions('team0', { mode: 'activebackup' });
  const mac = (await r.links.get('team0')).address;
  for (const [port, peer] of [['eth1', 'p1'], ['eth2', 'p2']]) {
    await r.links.add({ name: port, kind: 'veth', address: mac, peer: { name: peer, netns: sw } });
    await rs.links.set(peer, { master: 'br0', up: true });
    await r.links.set(port, { master: 'team0' });
    await r.links.set(port, { up: true });
  }
  await r.links.set('team0', { up: true });
  await r.addrs.add('team0', '10.1.1.1/24');

  await g.team.setOptions('team0', { activeport: 'eth1' });
  console.log(`active port: ${await g.team.option('team0', 'activeport')} (eth1)`);
  // the switch
  await g.team.setOptions('team0', { activeport: 'eth2' });
  console.log(`active port: ${await g.team.option('team0', 'activeport')} (eth2)`);
  for (const p of await g.team.ports('team0')) console.log(`port ${p.ifindex}: ${p.name}: ${p.linkup ? 'up' : 'down'} ${p.speed}Mbit`);
} finally {
  await g.close();
  await r.close();
  await rs.close();
}
console.log(`ready: ip netns exec ${ns} teamnl team0 getoption activeport`);
