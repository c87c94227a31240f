/**
 * Seed 003, "MACVLAN": two bridge-mode macvlan devices on eth0, each moved into
 * a namespace of its own: two "containers" with their own MAC addresses on
 * eth0's LAN, able to reach each other (bridge mode) and the LAN, with no
 * bridge device.
 *
 *   ip link add macvlan1 link eth0 type macvlan mode bridge
 *   ip link add macvlan2 link eth0 type macvlan mode bridge
 *   ip netns add net1; ip netns add net2
 *   ip link set macvlan1 netns net1
 *   ip link set macvlan2 netns net2
 *
 * Stand-ins: `host` (where eth0 is), `lan` (eth0's other end, 10.3.4.1).
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'MACVLAN: macvlan1 / macvlan2 (mode bridge) on eth0, moved to net1 / net2',
  needs: ['veth', 'macvlan'],
  async setup(lab) {
    const host = await lab.ns('host');
    const lan = await lab.ns('lan');
    await host.rtnl.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'eth0', netns: lan.name }, up: true });
    await lan.rtnl.links.set('eth0', { up: true });
    await lan.rtnl.addrs.add('eth0', '10.3.4.1/24');
    const nets = [];
    for (const i of [1, 2]) {
      await host.rtnl.links.add({ name: `macvlan${i}`, kind: 'macvlan', link: 'eth0', macvlan: { mode: 'bridge' } }); // ip link add macvlan1 link eth0 type macvlan mode bridge
      const net = await lab.ns(`net${i}`); //                                                                        ip netns add net1
      await host.rtnl.links.set(`macvlan${i}`, { netns: net.name }); //                                              ip link set macvlan1 netns net1
      await net.rtnl.links.set(`macvlan${i}`, { up: true });
      await net.rtnl.addrs.add(`macvlan${i}`, `10.3.4.1${i}/24`);
      nets.push(net);
    }
    const [net1, net2] = nets as [(typeof nets)[0], (typeof nets)[0]];

    lab.ping(net1, '10.3.4.12', 'macvlan1 to macvlan2: bridge mode switches between them');
    lab.ping(net1, '10.3.4.1', 'net1 reaches the LAN through eth0');
    lab.ping(net2, '10.3.4.1', 'net2 too');
    lab.shows(net1, ['-d', 'link', 'show', 'dev', 'macvlan1'], [{ linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } } }], 'ip -d: macvlan mode bridge');
  },
};

if (isMain(import.meta.url)) await main(example);
