/**
 * Seed 004 (Linux 中的虚拟网络接口), "七、vxlan/geneve": a point-to-point VXLAN
 * tunnel between host A (192.168.8.100) and host B (192.168.8.101) over
 * enp0s8: VNI 42, port 4789, overlay 10.20.1.0/24.
 *
 *   A: ip link add vxlan0 type vxlan id 42 dstport 4789 remote 192.168.8.101 local 192.168.8.100 dev enp0s8
 *      ip addr add 10.20.1.2/24 dev vxlan0; ip link set vxlan0 up
 *   B: ip link add vxlan0 type vxlan id 42 dstport 4789 remote 192.168.8.100 local 192.168.8.101 dev enp0s8
 *      ip addr add 10.20.1.3/24 dev vxlan0; ip link set vxlan0 up
 *   B: ping 10.20.1.2
 *
 * Stand-ins: namespaces `a` and `b`, cabled enp0s8 to enp0s8.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '004',
  section: 'VXLAN point to point: vxlan0 id 42 between 192.168.8.100 and .101',
  needs: ['veth', 'vxlan'],
  async setup(lab) {
    const a = await lab.ns('a');
    const b = await lab.ns('b');
    await a.rtnl.links.add({ name: 'enp0s8', kind: 'veth', peer: { name: 'enp0s8', netns: b.name } });
    const hosts = [
      { node: a, local: '192.168.8.100', remote: '192.168.8.101', overlay: '10.20.1.2/24' },
      { node: b, local: '192.168.8.101', remote: '192.168.8.100', overlay: '10.20.1.3/24' },
    ];
    for (const h of hosts) {
      await h.node.rtnl.links.set('enp0s8', { up: true });
      await h.node.rtnl.addrs.add('enp0s8', `${h.local}/24`);
      await h.node.rtnl.links.add({ name: 'vxlan0', kind: 'vxlan', vxlan: { id: 42, port: 4789, remote: h.remote, local: h.local, link: 'enp0s8' } });
      await h.node.rtnl.addrs.add('vxlan0', h.overlay); // ip addr add 10.20.1.2/24 dev vxlan0
      await h.node.rtnl.links.set('vxlan0', { up: true }); // ip link set vxlan0 up
    }

    lab.ping(b, '10.20.1.2', 'B reaches A through the tunnel');
    lab.shows(b, ['-d', 'link', 'show', 'dev', 'vxlan0'], [{ linkinfo: { info_kind: 'vxlan', info_data: { id: 42, remote: '192.168.8.100', local: '192.168.8.101', link: 'enp0s8', port: 4789 } } }], 'ip -d: the tunnel as configured on B');
  },
};

if (isMain(import.meta.url)) await main(example);
