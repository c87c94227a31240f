/**
 * Seed 003 (网络虚拟化相关的Linux接口介绍), "网桥": a bridge br0 joining the
 * physical eth0, two TAP devices (tap1, tap2: virtual machines) and a veth
 * end (veth1: a container).
 *
 *   ip link add br0 type bridge
 *   ip link set eth0 master br0
 *   ip link set tap1 master br0
 *   ip link set tap2 master br0
 *   ip link set veth1 master br0
 *
 * Stand-ins: namespace `host` (the machine), `lan` (what eth0 is cabled to,
 * 10.3.0.1), `container` (the veth's other end, 10.3.0.13); the TAP devices'
 * "VMs" are this process answering for 10.3.0.11 and 10.3.0.12 (Lab.guest).
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'Bridge: br0 with eth0, tap1, tap2, veth1',
  needs: ['veth', 'bridge', 'tap'],
  async setup(lab) {
    const host = await lab.ns('host');
    const lan = await lab.ns('lan');
    const ct = await lab.ns('container');
    await host.rtnl.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'eth0', netns: lan.name }, up: true });
    await lan.rtnl.links.set('eth0', { up: true });
    await lan.rtnl.addrs.add('eth0', '10.3.0.1/24');
    await lab.guest(host, 'tap1', '10.3.0.11', '52:54:00:03:00:11');
    await lab.guest(host, 'tap2', '10.3.0.12', '52:54:00:03:00:12');
    await host.rtnl.links.add({ name: 'veth1', kind: 'veth', peer: { name: 'eth0', netns: ct.name } });
    await ct.rtnl.links.set('eth0', { up: true });
    await ct.rtnl.addrs.add('eth0', '10.3.0.13/24');

    await host.rtnl.links.add({ name: 'br0', kind: 'bridge', up: true }); // ip link add br0 type bridge
    for (const port of ['eth0', 'tap1', 'tap2', 'veth1']) {
      await host.rtnl.links.set(port, { master: 'br0', up: true }); //       ip link set eth0 master br0
    }

    lab.ping(lan, '10.3.0.11', 'eth0 -> br0 -> tap1');
    lab.ping(lan, '10.3.0.12', 'eth0 -> br0 -> tap2');
    lab.ping(lan, '10.3.0.13', 'eth0 -> br0 -> veth1 -> the container');
    lab.ping(ct, '10.3.0.11', 'the container reaches a VM');
    lab.shows(host, ['link', 'show', 'master', 'br0'], [{ ifname: 'eth0' }, { ifname: 'tap1' }, { ifname: 'tap2' }, { ifname: 'veth1' }], 'the four ports of br0');
  },
};

if (isMain(import.meta.url)) await main(example);
