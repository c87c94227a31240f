/**
 * Seed 000 (/work/shared/seeds/000_*.txt), "连接两个网络环境": two network
 * namespaces joined by a veth pair, like a cable between two machines.
 *
 *   ip netns add net0; ip netns add net1
 *   ip link add type veth                       (veth0 + veth1, in the root namespace)
 *   ip link set veth0 netns net0; ip link set veth1 netns net1
 *   ip netns exec net0 ip link set veth0 up; ip netns exec net0 ip address add 10.0.1.1/24 dev veth0
 *   ip netns exec net1 ip link set veth1 up; ip netns exec net1 ip address add 10.0.1.2/24 dev veth1
 *   ip netns exec net0 ping -c 3 10.0.1.2
 *
 * The article makes the pair in the root namespace and moves both ends; a
 * namespace `host` stands in for the root one, so nothing is created on the
 * machine outside the lab's namespaces.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '000',
  section: '连接两个网络环境: two namespaces joined by a veth pair',
  needs: ['veth'],
  async setup(lab) {
    const net0 = await lab.ns('net0');
    const net1 = await lab.ns('net1');
    const host = await lab.ns('host');
    await host.rtnl.links.add({ kind: 'veth', name: 'veth0', peer: 'veth1' }); // ip link add type veth
    await host.rtnl.links.set('veth0', { netns: net0.name }); //                   ip link set veth0 netns net0
    await host.rtnl.links.set('veth1', { netns: net1.name }); //                   ip link set veth1 netns net1
    await net0.rtnl.links.set('veth0', { up: true });
    await net0.rtnl.addrs.add('veth0', '10.0.1.1/24');
    await net1.rtnl.links.set('veth1', { up: true });
    await net1.rtnl.addrs.add('veth1', '10.0.1.2/24');

    lab.ping(net0, '10.0.1.2', 'net0 reaches net1 over the veth pair');
    lab.ping(net1, '10.0.1.1', 'and back');
    lab.shows(host, ['link', 'show', 'type', 'veth'], [], 'both ends left the root (host) namespace');
    lab.shows(net0, ['address', 'show', 'dev', 'veth0'], [{ ifname: 'veth0', addr_info: [{ local: '10.0.1.1', prefixlen: 24 }] }], "what the article's `ip ad` shows in net0");
  },
};

if (isMain(import.meta.url)) await main(example);
