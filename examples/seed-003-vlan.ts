/**
 * Seed 003, "VLAN": two VLAN devices on eth0, tagged 2 and 3.
 *
 *   ip link add link eth0 name eth0.2 type vlan id 2
 *   ip link add link eth0 name eth0.3 type vlan id 3
 *
 * Stand-in: eth0 is a veth end whose peer `trunk` in namespace `switch` is the
 * trunk port of the switch, with VLAN devices of its own (10.3.2.1, 10.3.3.1).
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'VLAN: eth0.2 and eth0.3 on eth0',
  needs: ['veth', 'vlan'],
  async setup(lab) {
    const host = await lab.ns('host');
    const sw = await lab.ns('switch');
    await host.rtnl.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'trunk', netns: sw.name }, up: true });
    await sw.rtnl.links.set('trunk', { up: true });
    for (const id of [2, 3]) {
      await host.rtnl.links.add({ name: `eth0.${id}`, kind: 'vlan', link: 'eth0', vlan: { id }, up: true }); // ip link add link eth0 name eth0.2 type vlan id 2
      await host.rtnl.addrs.add(`eth0.${id}`, `10.3.${id}.2/24`);
      await sw.rtnl.links.add({ name: `trunk.${id}`, kind: 'vlan', link: 'trunk', vlan: { id }, up: true });
      await sw.rtnl.addrs.add(`trunk.${id}`, `10.3.${id}.1/24`);
    }

    lab.ping(host, '10.3.2.1', 'VLAN 2 through the trunk');
    lab.ping(host, '10.3.3.1', 'VLAN 3 through the trunk');
    lab.shows(host, ['-d', 'link', 'show', 'dev', 'eth0.2'], [{ link: 'eth0', linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 2 } } }], 'ip -d: vlan protocol 802.1Q id 2 on eth0');
    lab.shows(host, ['-d', 'link', 'show', 'dev', 'eth0.3'], [{ link: 'eth0', linkinfo: { info_kind: 'vlan', info_data: { id: 3 } } }], 'and id 3');
  },
};

if (isMain(import.meta.url)) await main(example);
