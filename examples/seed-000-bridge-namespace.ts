/**
 * Seed 000, "一个稍微复杂的网络环境": net0 and net1 joined through a third
 * namespace `bridge` holding a Linux bridge `br`; the veth ends are renamed
 * after what they connect as they are moved.
 *
 *   ip netns add net0; ip netns add net1; ip netns add bridge
 *   ip link add type veth
 *   ip link set dev veth0 name net0-bridge netns net0
 *   ip link set dev veth1 name bridge-net0 netns bridge
 *   ip link add type veth
 *   ip link set dev veth0 name net1-bridge netns net1
 *   ip link set dev veth1 name bridge-net1 netns bridge
 *   ip netns exec bridge brctl addbr br
 *   ip netns exec bridge ip link set dev br up
 *   ip netns exec bridge ip link set dev bridge-net0 up; ... bridge-net1 up
 *   ip netns exec bridge brctl addif br bridge-net0; ... bridge-net1
 *   ip netns exec net0 ip link set dev net0-bridge up; ip address add 10.0.1.1/24 dev net0-bridge
 *   ip netns exec net1 ip link set dev net1-bridge up; ip address add 10.0.1.2/24 dev net1-bridge
 *   ip netns exec net0 ping -c 3 10.0.1.2
 *
 * A namespace `host` stands in for the root namespace where the pairs are made.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '000',
  section: '一个稍微复杂的网络环境: net0 and net1 through a bridge namespace with bridge br',
  needs: ['veth', 'bridge'],
  async setup(lab) {
    const net0 = await lab.ns('net0');
    const net1 = await lab.ns('net1');
    const bridge = await lab.ns('bridge');
    const host = await lab.ns('host');
    for (const [n, node] of [['net0', net0], ['net1', net1]] as const) {
      await host.rtnl.links.add({ kind: 'veth', name: 'veth0', peer: 'veth1' }); //               ip link add type veth
      await host.rtnl.links.set('veth0', { name: `${n}-bridge`, netns: node.name }); //            ip link set dev veth0 name net0-bridge netns net0
      await host.rtnl.links.set('veth1', { name: `bridge-${n}`, netns: bridge.name }); //          ip link set dev veth1 name bridge-net0 netns bridge
    }
    await bridge.rtnl.links.add({ kind: 'bridge', name: 'br' }); //                                brctl addbr br
    await bridge.rtnl.links.set('br', { up: true });
    for (const port of ['bridge-net0', 'bridge-net1']) {
      await bridge.rtnl.links.set(port, { up: true });
      await bridge.rtnl.links.set(port, { master: 'br' }); //                                      brctl addif br bridge-net0
    }
    await net0.rtnl.links.set('net0-bridge', { up: true });
    await net0.rtnl.addrs.add('net0-bridge', '10.0.1.1/24');
    await net1.rtnl.links.set('net1-bridge', { up: true });
    await net1.rtnl.addrs.add('net1-bridge', '10.0.1.2/24');

    lab.ping(net0, '10.0.1.2', 'net0 reaches net1 across the bridge');
    lab.shows(bridge, ['link', 'show', 'master', 'br'], [{ ifname: 'bridge-net0' }, { ifname: 'bridge-net1' }], 'both ports are in br (brctl show)');
    lab.shows(net0, ['link', 'show', 'dev', 'net0-bridge'], [{ ifname: 'net0-bridge', link_type: 'ether' }], 'the renamed end in net0');
  },
};

if (isMain(import.meta.url)) await main(example);
