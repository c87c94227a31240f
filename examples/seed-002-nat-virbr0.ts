/**
 * Seed 002 (kvm网络虚拟化), the `default` libvirt network: bridge virbr0 with
 * 192.168.122.1/24, a VM's card vnet0 (TAP) plugged into it, the VM at
 * 192.168.122.6 (from dnsmasq's DHCP in the article; a fixed address here),
 * and NAT so that the VM reaches the outside with the host's address.
 *
 *   virbr0: 192.168.122.1/24 (libvirt), brctl show -> virbr0: vnet0
 *   VM1 eth0 = 192.168.122.6, default route via 192.168.122.1
 *
 * The VM is a TAP device held by this process (Lab.guest), `host` a namespace
 * standing in for the KVM host.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '002',
  section: 'NAT network: virbr0 192.168.122.1/24 with VM1 on vnet0',
  needs: ['bridge', 'tap'],
  async setup(lab) {
    const host = await lab.ns('host');
    await host.rtnl.links.add({ name: 'virbr0', kind: 'bridge', up: true });
    await host.rtnl.addrs.add('virbr0', '192.168.122.1/24');
    await lab.guest(host, 'vnet0', '192.168.122.6', '52:54:00:75:dd:1a');
    await host.rtnl.links.set('vnet0', { master: 'virbr0', up: true });
    // The host forwards for the VM (libvirt sets net.ipv4.ip_forward); per device through rtnetlink:
    await host.rtnl.links.set('virbr0', { afSpec: { inet: { conf: { forwarding: 1 } } } });
    // TODO(nft helper): the NAT itself, libvirt's
    //   iptables -t nat -A POSTROUTING -s 192.168.122.0/24 ! -d 192.168.122.0/24 -j MASQUERADE
    // with the library's nftables API, an "outside" namespace behind the host's eth0, and a
    // check that the outside sees the host's address, not 192.168.122.6.

    lab.ping(host, '192.168.122.6', 'the host reaches VM1 on virbr0');
    lab.shows(host, ['link', 'show', 'master', 'virbr0'], [{ ifname: 'vnet0' }], 'brctl show: virbr0 has vnet0');
    lab.shows(host, ['-d', 'link', 'show', 'dev', 'vnet0'], [{ linkinfo: { info_kind: 'tun', info_data: { type: 'tap' }, info_slave_kind: 'bridge' } }], 'vnet0 is a TAP device and a bridge port');
  },
};

if (isMain(import.meta.url)) await main(example);
