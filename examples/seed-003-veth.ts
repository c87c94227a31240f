/**
 * Seed 003, "VETH": a veth pair created straight into two namespaces: veth1 in
 * net1, veth2 in net2; with an address on each end they talk to each other.
 *
 *   ip netns add net1; ip netns add net2
 *   ip link add veth1 netns net1 type veth peer name veth2 netns net2
 *
 * The pair is created from a third namespace (`host`, standing in for the root
 * namespace), which keeps neither end.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'VETH: veth1 in net1, peer veth2 in net2, in one request',
  needs: ['veth'],
  async setup(lab) {
    const host = await lab.ns('host');
    const net1 = await lab.ns('net1');
    const net2 = await lab.ns('net2');
    // ip link add veth1 netns net1 type veth peer name veth2 netns net2
    await host.rtnl.links.add({ name: 'veth1', netns: net1.name, kind: 'veth', peer: { name: 'veth2', netns: net2.name } });
    await net1.rtnl.links.set('veth1', { up: true });
    await net1.rtnl.addrs.add('veth1', '10.3.6.1/24');
    await net2.rtnl.links.set('veth2', { up: true });
    await net2.rtnl.addrs.add('veth2', '10.3.6.2/24');

    lab.ping(net1, '10.3.6.2', 'net1 to net2 over the pair');
    lab.shows(host, ['link', 'show', 'type', 'veth'], [], 'neither end stayed in the namespace that made the pair');
    lab.shows(net2, ['-d', 'link', 'show', 'dev', 'veth2'], [{ ifname: 'veth2', linkinfo: { info_kind: 'veth' } }], 'veth2 in net2');
  },
};

if (isMain(import.meta.url)) await main(example);
