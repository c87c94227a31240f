/**
 * Seed 004 (Linux 中的虚拟网络接口), "七、vxlan/geneve", multicast mode with a
 * bridge: each host's VTEP vxlan0 joins group 239.1.1.1 on enp0s8 (so one
 * VTEP reaches every other of VNI 42), is a port of bridge br0, and a
 * "container" (namespace container1) hangs off br0 by a veth pair whose
 * inner end is renamed eth0.
 *
 *   ip link add vxlan0 type vxlan id 42 dstport 4789 group 239.1.1.1 dev enp0s8
 *   ip link add br0 type bridge
 *   ip link set vxlan0 master bridge           (the article means br0)
 *   ip link set vxlan0 up; ip link set br0 up
 *   ip netns add container1
 *   ip link add veth0 type veth peer name veth1
 *   ip link set dev veth0 master br0; ip link set dev veth0 up
 *   ip link set dev veth1 netns container1
 *   ip netns exec container1 ip link set lo up
 *   ip netns exec container1 ip link set veth1 name eth0
 *   ip netns exec container1 ip addr add 10.20.1.11/24 dev eth0
 *   ip netns exec container1 ip link set eth0 up
 *   "然后在另一台机器上做同样的操作": the same on host B, its container at 10.20.1.12
 *
 * Stand-ins: namespaces `a` and `b` for the two machines (192.168.8.100 and
 * .101 on enp0s8), `container1` and `container2` for the containers.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '004',
  section: 'VXLAN multicast (group 239.1.1.1) in a bridge, a container on each host',
  needs: ['veth', 'bridge', 'vxlan'],
  async setup(lab) {
    const a = await lab.ns('a');
    const b = await lab.ns('b');
    await a.rtnl.links.add({ name: 'enp0s8', kind: 'veth', peer: { name: 'enp0s8', netns: b.name } });
    const machines = [
      { node: a, underlay: '192.168.8.100/24', container: 'container1', ip: '10.20.1.11/24' },
      { node: b, underlay: '192.168.8.101/24', container: 'container2', ip: '10.20.1.12/24' },
    ];
    const containers = [];
    for (const m of machines) {
      const h = m.node.rtnl;
      await h.links.set('enp0s8', { up: true });
      await h.addrs.add('enp0s8', m.underlay);
      await h.links.add({ name: 'vxlan0', kind: 'vxlan', vxlan: { id: 42, port: 4789, group: '239.1.1.1', link: 'enp0s8' } });
      await h.links.add({ name: 'br0', kind: 'bridge' }); //          ip link add br0 type bridge
      await h.links.set('vxlan0', { master: 'br0', up: true }); //    ip link set vxlan0 master br0; ip link set vxlan0 up
      await h.links.set('br0', { up: true });
      const c = await lab.ns(m.container); //                          ip netns add container1
      await h.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' }); // ip link add veth0 type veth peer name veth1
      await h.links.set('veth0', { master: 'br0', up: true });
      await h.links.set('veth1', { netns: c.name }); //                ip link set dev veth1 netns container1
      await c.rtnl.links.set('lo', { up: true });
      await c.rtnl.links.set('veth1', { name: 'eth0' }); //            ip netns exec container1 ip link set veth1 name eth0
      await c.rtnl.addrs.add('eth0', m.ip);
      await c.rtnl.links.set('eth0', { up: true });
      containers.push(c);
    }
    const [c1, c2] = containers as [(typeof containers)[0], (typeof containers)[0]];

    lab.ping(c1, '10.20.1.12', "container1 on A reaches B's container: br0 -> vxlan0 -> 239.1.1.1 -> B's vxlan0 -> br0");
    lab.ping(c2, '10.20.1.11', 'and back');
    lab.shows(a, ['-d', 'link', 'show', 'dev', 'vxlan0'], [{ master: 'br0', linkinfo: { info_kind: 'vxlan', info_data: { id: 42, group: '239.1.1.1', link: 'enp0s8', port: 4789 }, info_slave_kind: 'bridge' } }], 'ip -d: vxlan id 42 group 239.1.1.1 dev enp0s8 dstport 4789, port of br0');
    lab.shows(c1, ['address', 'show', 'dev', 'eth0'], [{ ifname: 'eth0', addr_info: [{ local: '10.20.1.11', prefixlen: 24 }] }], 'the renamed veth1 in container1');
  },
};

if (isMain(import.meta.url)) await main(example);
