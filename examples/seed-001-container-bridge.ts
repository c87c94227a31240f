/**
 * Seed 001 (基于veth的网络虚拟化): containers on a bridge, the way docker's bridge
 * network is built. Each container is a network namespace with an `eth0`
 * (one end of a veth pair); the other end is a port of `bridge0` in the host,
 * which holds the containers' gateway address. Inside, the kernel adds the
 * subnet route with the address; the default route points at the bridge
 * (section 3.2):
 *
 *   ip link add bridge0 type bridge; ip address add 172.27.0.1/16 dev bridge0; ip link set bridge0 up
 *   ip link add veth-ns1 type veth peer name eth0 netns ns1            (per container)
 *   ip link set veth-ns1 master bridge0 up
 *   ip netns exec ns1 ip link set lo up; ip netns exec ns1 ip link set eth0 up
 *   ip netns exec ns1 ip address add 172.27.0.2/16 dev eth0
 *   ip netns exec ns1 route add -net 0.0.0.0 gw 172.27.0.1            (= ip route add default via 172.27.0.1)
 *
 * A namespace `host` stands in for the root namespace.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '001',
  section: 'veth pairs into a bridge, default route via the bridge (container network)',
  needs: ['veth', 'bridge'],
  async setup(lab) {
    const host = await lab.ns('host');
    await host.rtnl.links.add({ name: 'bridge0', kind: 'bridge' }); //                                    ip link add bridge0 type bridge
    await host.rtnl.addrs.add('bridge0', '172.27.0.1/16');
    await host.rtnl.links.set('bridge0', { up: true });
    const containers = [];
    for (const [i, role] of ['ns1', 'ns2'].entries()) {
      const c = await lab.ns(role);
      // ip link add veth-ns1 type veth peer name eth0 netns ns1: the container end is created inside
      await host.rtnl.links.add({ name: `veth-${role}`, kind: 'veth', peer: { name: 'eth0', netns: c.name } });
      await host.rtnl.links.set(`veth-${role}`, { master: 'bridge0', up: true });
      await c.rtnl.links.set('lo', { up: true });
      await c.rtnl.links.set('eth0', { up: true });
      await c.rtnl.addrs.add('eth0', `172.27.0.${i + 2}/16`);
      await c.rtnl.routes.add({ dst: 'default', gateway: '172.27.0.1' }); //                            route add -net 0.0.0.0 gw 172.27.0.1
      containers.push(c);
    }
    // TODO(nft helper): section 3.3, NAT: masquerade what 172.27.0.0/16 sends out of the host
    // (iptables -t nat -A POSTROUTING -s 172.27.0.0/16 ! -o bridge0 -j MASQUERADE) with the
    // library's nftables API, plus an "outside" namespace and a check that it sees the host's address.
    const [ns1, ns2] = containers as [(typeof containers)[0], (typeof containers)[0]];
    lab.ping(ns1, '172.27.0.3', 'container to container through bridge0');
    lab.ping(ns2, '172.27.0.1', 'container to the host (its gateway)');
    lab.shows(ns1, ['route', 'show'], [{ dst: 'default', gateway: '172.27.0.1', dev: 'eth0' }, { dst: '172.27.0.0/16', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: '172.27.0.2' }], "the article's route -n: subnet route and default route");
    lab.shows(host, ['link', 'show', 'master', 'bridge0'], [{ ifname: 'veth-ns1' }, { ifname: 'veth-ns2' }], 'both host ends are ports of bridge0');
  },
};

if (isMain(import.meta.url)) await main(example);
