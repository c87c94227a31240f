/**
 * Seed 003, "VXLAN": a VXLAN device with VNI 100 between two hosts, 1.1.1.1 and
 * 2.2.2.2, over eth0, on the IANA port 4789.
 *
 *   ip link add vx0 type vxlan id 100 local 1.1.1.1 remote 2.2.2.2 dev eth0 dstport 4789
 *
 * Stand-ins: namespaces `a` (1.1.1.1) and `b` (2.2.2.2, the mirror image of
 * the command) cabled eth0 to eth0; each reaches the other's address through
 * eth0 (a /32 route). The overlay: 10.100.0.1 and 10.100.0.2 on vx0.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'VXLAN: vx0 id 100 local 1.1.1.1 remote 2.2.2.2 dev eth0 dstport 4789',
  needs: ['veth', 'vxlan'],
  async setup(lab) {
    const a = await lab.ns('a');
    const b = await lab.ns('b');
    await a.rtnl.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'eth0', netns: b.name } });
    const ends = [
      { node: a, local: '1.1.1.1', remote: '2.2.2.2', overlay: '10.100.0.1/24' },
      { node: b, local: '2.2.2.2', remote: '1.1.1.1', overlay: '10.100.0.2/24' },
    ];
    for (const e of ends) {
      await e.node.rtnl.links.set('eth0', { up: true });
      await e.node.rtnl.addrs.add('eth0', `${e.local}/32`);
      await e.node.rtnl.routes.add({ dst: `${e.remote}/32`, dev: 'eth0' }); //  ip route add 2.2.2.2/32 dev eth0
      // ip link add vx0 type vxlan id 100 local 1.1.1.1 remote 2.2.2.2 dev eth0 dstport 4789
      await e.node.rtnl.links.add({ name: 'vx0', kind: 'vxlan', vxlan: { id: 100, local: e.local, remote: e.remote, link: 'eth0', port: 4789 } });
      await e.node.rtnl.links.set('vx0', { up: true });
      await e.node.rtnl.addrs.add('vx0', e.overlay);
    }

    lab.ping(a, '10.100.0.2', 'through the tunnel: 10.100.0.0/24 inside UDP 1.1.1.1 -> 2.2.2.2:4789');
    lab.shows(a, ['-d', 'link', 'show', 'dev', 'vx0'], [{ linkinfo: { info_kind: 'vxlan', info_data: { id: 100, remote: '2.2.2.2', local: '1.1.1.1', link: 'eth0', port: 4789 } } }], 'ip -d: vxlan id 100 remote 2.2.2.2 local 1.1.1.1 dev eth0 dstport 4789');
  },
};

if (isMain(import.meta.url)) await main(example);
