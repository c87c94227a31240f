/**
 * Seed 003, "Bonded Interface": bond1 in active-backup mode with link
 * monitoring every 100 ms, over eth0 and eth1.
 *
 *   ip link add bond1 type bond miimon 100 mode active-backup
 *   ip link set eth0 master bond1
 *   ip link set eth1 master bond1
 *
 * Stand-ins: eth0 and eth1 are veth ends whose peers are ports of a bridge in
 * namespace `switch` (10.3.1.1), the switch both NICs are cabled to.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'Bonded interface: bond1 active-backup, miimon 100, over eth0 and eth1',
  needs: ['veth', 'bridge', 'bond'],
  async setup(lab) {
    const host = await lab.ns('host');
    const sw = await lab.ns('switch');
    await sw.rtnl.links.add({ name: 'sw', kind: 'bridge', up: true });
    await sw.rtnl.addrs.add('sw', '10.3.1.1/24');
    for (const [nic, port] of [['eth0', 'sw-p0'], ['eth1', 'sw-p1']] as const) {
      await host.rtnl.links.add({ name: nic, kind: 'veth', peer: { name: port, netns: sw.name } });
      await sw.rtnl.links.set(port, { master: 'sw', up: true });
    }
    await host.rtnl.links.add({ name: 'bond1', kind: 'bond', bond: { mode: 'active-backup', miimon: 100 } }); // ip link add bond1 type bond miimon 100 mode active-backup
    await host.rtnl.links.set('eth0', { master: 'bond1' }); //                                                  ip link set eth0 master bond1
    await host.rtnl.links.set('eth1', { master: 'bond1' }); //                                                  ip link set eth1 master bond1
    await host.rtnl.links.set('bond1', { up: true });
    await host.rtnl.addrs.add('bond1', '10.3.1.2/24');

    lab.ping(host, '10.3.1.1', 'the switch is reached through the bond');
    lab.shows(host, ['-d', 'link', 'show', 'dev', 'bond1'], [{ linkinfo: { info_kind: 'bond', info_data: { mode: 'active-backup', miimon: 100 } } }], 'ip -d: mode active-backup miimon 100');
    lab.shows(host, ['-d', 'link', 'show', 'master', 'bond1'], [{ ifname: 'eth0', linkinfo: { info_slave_kind: 'bond' } }, { ifname: 'eth1', linkinfo: { info_slave_kind: 'bond' } }], 'eth0 and eth1 are its slaves');
  },
};

if (isMain(import.meta.url)) await main(example);
