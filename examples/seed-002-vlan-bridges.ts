/**
 * Seed 002 (kvm网络虚拟化), "配置 VLAN": eth0 is a trunk; its VLAN sub-devices
 * eth0.10 and eth0.20 are ports of the bridges brvlan10 and brvlan20, and each
 * VM's card is plugged into the bridge of its VLAN. Both VMs get addresses of
 * one subnet, and still cannot reach each other: ARP does not cross VLANs
 * ("验证 VLAN 的隔离性").
 *
 *   /etc/network/interfaces: eth0.10 (vlan-raw-device eth0), brvlan10 (bridge_ports eth0.10),
 *                            eth0.20, brvlan20 (bridge_ports eth0.20)
 *   VM1: vnet0 master brvlan10, 192.168.100.10     VM2: vnet1 master brvlan20, 192.168.100.20
 *
 * Stand-ins: namespace `host` is the KVM host; the switch port at the other
 * end of the trunk is a veth end `trunk` in namespace `switch`, with one VLAN
 * device per VLAN, each moved into a namespace of its own (`pc10`, `pc20`:
 * a computer on an access port of VLAN 10 / 20, 192.168.100.1 / .2). The VMs are
 * TAP devices held by this process (Lab.guest).
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '002',
  section: 'VLAN: eth0.10 / eth0.20 in brvlan10 / brvlan20, VM1 and VM2 isolated',
  needs: ['veth', 'bridge', 'tap', 'vlan'],
  async setup(lab) {
    const host = await lab.ns('host');
    const sw = await lab.ns('switch');
    const pc10 = await lab.ns('pc10');
    const pc20 = await lab.ns('pc20');
    await host.rtnl.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'trunk', netns: sw.name }, up: true });
    await sw.rtnl.links.set('trunk', { up: true });

    const vms = [
      { vid: 10, tap: 'vnet0', ip: '192.168.100.10', mac: '52:54:00:00:00:10', pc: pc10, pcIp: '192.168.100.1/24' },
      { vid: 20, tap: 'vnet1', ip: '192.168.100.20', mac: '52:54:00:00:00:20', pc: pc20, pcIp: '192.168.100.2/24' },
    ];
    for (const v of vms) {
      await host.rtnl.links.add({ name: `eth0.${v.vid}`, kind: 'vlan', link: 'eth0', vlan: { id: v.vid } }); // ip link add link eth0 name eth0.10 type vlan id 10
      await host.rtnl.links.add({ name: `brvlan${v.vid}`, kind: 'bridge', up: true }); //                      ip link add brvlan10 type bridge
      await host.rtnl.links.set(`eth0.${v.vid}`, { master: `brvlan${v.vid}`, up: true }); //                   ip link set eth0.10 master brvlan10 up
      await lab.guest(host, v.tap, v.ip, v.mac);
      await host.rtnl.links.set(v.tap, { master: `brvlan${v.vid}`, up: true }); //                             virsh start VM1: vnet0 into brvlan10
      // the switch side: VLAN device on the trunk, moved into the access-port computer's namespace
      await sw.rtnl.links.add({ name: `trunk.${v.vid}`, kind: 'vlan', link: 'trunk', vlan: { id: v.vid } });
      await sw.rtnl.links.set(`trunk.${v.vid}`, { netns: v.pc.name });
      await v.pc.rtnl.links.set(`trunk.${v.vid}`, { up: true });
      await v.pc.rtnl.addrs.add(`trunk.${v.vid}`, v.pcIp);
    }

    lab.ping(pc10, '192.168.100.10', 'VLAN 10 reaches VM1 (trunk -> eth0.10 -> brvlan10 -> vnet0)');
    lab.ping(pc20, '192.168.100.20', 'VLAN 20 reaches VM2');
    lab.ping(pc20, '192.168.100.10', 'VLAN 20 does not reach VM1: same subnet, other VLAN', { expect: 'no reply' });
    lab.ping(pc10, '192.168.100.20', 'VLAN 10 does not reach VM2', { expect: 'no reply' });
    lab.shows(host, ['-d', 'link', 'show', 'dev', 'eth0.10'], [{ link: 'eth0', linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 10 }, info_slave_kind: 'bridge' } }], 'eth0.10: VLAN 10 on eth0, port of brvlan10');
    lab.shows(host, ['link', 'show', 'master', 'brvlan20'], [{ ifname: 'eth0.20' }, { ifname: 'vnet1' }], 'brctl show: brvlan20 has eth0.20 and vnet1');
  },
};

if (isMain(import.meta.url)) await main(example);
