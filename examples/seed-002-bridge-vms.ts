/**
 * Seed 002 (kvm网络虚拟化), "配置 Linux Bridge br0": the host's NIC eth0 becomes a
 * port of bridge br0, the host's IP moves to br0, and each virtual machine's
 * card (vnet0, vnet1: TAP devices that QEMU holds) is plugged into br0, so the
 * VMs sit in the same LAN as the host (192.168.111.0/24).
 *
 *   /etc/network/interfaces: br0 with bridge_ports eth0, address 192.168.111.107/24
 *   virsh start VM1        -> vnet0 (TAP) master br0;  VM1 = 192.168.111.106
 *   virsh start VM2        -> vnet1 (TAP) master br0;  VM2 = 192.168.111.108
 *   brctl show             -> br0: eth0 vnet0 vnet1
 *
 * Stand-ins: namespace `lan` is the physical LAN (a router at 192.168.111.1 on
 * the other end of eth0), namespace `host` the KVM host, and the VMs are TAP
 * devices held by this process, which answers ARP and ping for the VM's
 * address (Lab.guest) as the guest's kernel would.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '002',
  section: 'Linux Bridge br0: eth0 and the VMs (TAP vnet0, vnet1) in one LAN',
  needs: ['veth', 'bridge', 'tap'],
  async setup(lab) {
    const lan = await lab.ns('lan');
    const host = await lab.ns('host');
    // the host's NIC, cabled to the LAN's router
    await host.rtnl.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'eth0', netns: lan.name } });
    await lan.rtnl.links.set('eth0', { up: true });
    await lan.rtnl.addrs.add('eth0', '192.168.111.1/24');

    // br0 with bridge_ports eth0; the IP is on br0, not on eth0
    await host.rtnl.links.add({ name: 'br0', kind: 'bridge' }); //                        ip link add br0 type bridge
    await host.rtnl.links.set('eth0', { master: 'br0', up: true }); //                     ip link set eth0 master br0 up
    await host.rtnl.links.set('br0', { up: true });
    await host.rtnl.addrs.add('br0', '192.168.111.107/24'); //                             ip address add 192.168.111.107/24 dev br0
    await host.rtnl.routes.add({ dst: 'default', gateway: '192.168.111.1' });

    // virsh start VM1 / VM2: libvirt creates the TAP device and plugs it into br0
    const vms = [
      { tap: 'vnet0', ip: '192.168.111.106', mac: '52:54:00:75:dd:1a' },
      { tap: 'vnet1', ip: '192.168.111.108', mac: '52:54:00:75:dd:1b' },
    ];
    for (const vm of vms) {
      await lab.guest(host, vm.tap, vm.ip, vm.mac);
      await host.rtnl.links.set(vm.tap, { master: 'br0', up: true }); //                  ip link set vnet0 master br0 up
    }

    lab.ping(lan, '192.168.111.106', 'the LAN reaches VM1 through eth0 -> br0 -> vnet0');
    lab.ping(lan, '192.168.111.108', 'and VM2');
    lab.ping(lan, '192.168.111.107', 'the host itself, on br0');
    lab.ping(host, '192.168.111.106', 'the host reaches VM1');
    lab.shows(host, ['link', 'show', 'master', 'br0'], [{ ifname: 'eth0' }, { ifname: 'vnet0' }, { ifname: 'vnet1' }], 'brctl show: br0 has eth0, vnet0, vnet1');
    lab.shows(host, ['address', 'show', 'dev', 'br0'], [{ addr_info: [{ local: '192.168.111.107', prefixlen: 24 }] }], 'the IP is on br0');
  },
};

if (isMain(import.meta.url)) await main(example);
