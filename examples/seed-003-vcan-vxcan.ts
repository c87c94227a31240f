/**
 * Seed 003, "VCAN" and "VXCAN": a virtual CAN interface, and a vxcan pair (the
 * CAN counterpart of veth) between two namespaces.
 *
 *   ip link add dev vcan1 type vcan
 *   ip netns add net1; ip netns add net2
 *   ip link add vxcan1 netns net1 type vxcan peer name vxcan2 netns net2
 *
 * `host` stands in for the root namespace.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'VCAN vcan1; VXCAN vxcan1 in net1, peer vxcan2 in net2',
  needs: ['vcan', 'vxcan'],
  async setup(lab) {
    const host = await lab.ns('host');
    const net1 = await lab.ns('net1');
    const net2 = await lab.ns('net2');
    await host.rtnl.links.add({ name: 'vcan1', kind: 'vcan', up: true }); //                                              ip link add dev vcan1 type vcan
    await host.rtnl.links.add({ name: 'vxcan1', netns: net1.name, kind: 'vxcan', peer: { name: 'vxcan2', netns: net2.name } }); // ip link add vxcan1 netns net1 type vxcan peer name vxcan2 netns net2
    await net1.rtnl.links.set('vxcan1', { up: true });
    await net2.rtnl.links.set('vxcan2', { up: true });

    lab.shows(host, ['-d', 'link', 'show', 'dev', 'vcan1'], [{ link_type: 'can', linkinfo: { info_kind: 'vcan' } }], 'ip -d: vcan, link/can');
    lab.shows(net1, ['-d', 'link', 'show', 'dev', 'vxcan1'], [{ link_type: 'can', operstate: 'UP', linkinfo: { info_kind: 'vxcan' } }], 'vxcan1 in net1, up (its peer is up)');
    lab.shows(net2, ['-d', 'link', 'show', 'dev', 'vxcan2'], [{ link_type: 'can', linkinfo: { info_kind: 'vxcan' } }], 'vxcan2 in net2');
  },
};

if (isMain(import.meta.url)) await main(example);
