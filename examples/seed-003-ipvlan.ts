/**
 * Seed 003, "IPVLAN": an L2-mode ipvlan device on eth0, moved into namespace
 * ns0. It shares eth0's MAC address.
 *
 *   ip netns add ns0
 *   ip link add name ipvl0 link eth0 type ipvlan mode l2
 *   ip link set dev ipvl0 netns ns0
 *
 * Stand-ins: `host` (where eth0 is), `lan` (eth0's other end, 10.3.5.1).
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'IPVLAN: ipvl0 (mode l2) on eth0, moved to ns0',
  needs: ['veth', 'ipvlan'],
  async setup(lab) {
    const host = await lab.ns('host');
    const lan = await lab.ns('lan');
    const ns0 = await lab.ns('ns0'); //                                                                      ip netns add ns0
    await host.rtnl.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'eth0', netns: lan.name }, up: true });
    await lan.rtnl.links.set('eth0', { up: true });
    await lan.rtnl.addrs.add('eth0', '10.3.5.1/24');
    await host.rtnl.links.add({ name: 'ipvl0', kind: 'ipvlan', link: 'eth0', ipvlan: { mode: 'l2' } }); // ip link add name ipvl0 link eth0 type ipvlan mode l2
    await host.rtnl.links.set('ipvl0', { netns: ns0.name }); //                                              ip link set dev ipvl0 netns ns0
    await ns0.rtnl.links.set('ipvl0', { up: true });
    await ns0.rtnl.addrs.add('ipvl0', '10.3.5.11/24');
    const eth0 = await host.rtnl.links.get('eth0');

    lab.ping(ns0, '10.3.5.1', 'ns0 reaches the LAN through eth0');
    lab.shows(ns0, ['-d', 'link', 'show', 'dev', 'ipvl0'], [{ address: eth0.address, linkinfo: { info_kind: 'ipvlan', info_data: { mode: 'l2' } } }], "ip -d: ipvlan mode l2, with eth0's MAC address");
  },
};

if (isMain(import.meta.url)) await main(example);
