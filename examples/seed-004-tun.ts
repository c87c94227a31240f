/**
 * Seed 004 (Linux 中的虚拟网络接口), "一、tun/tap": a program opens a TUN device
 * tun0 (the article's mytun, in C) and prints what it reads; the user gives
 * tun0 an address and brings it up, which adds the subnet route. Pinging
 * tun0's own address is answered by the kernel; pinging another address of
 * the subnet goes to the program, which answers nothing (100% loss) and
 * prints "Read 84 bytes from tun/tap device" (and reads the IPv6
 * router solicitations the kernel sends on an up device).
 *
 *   ./mytun                                         (creates tun0, reads it)
 *   ip addr add 172.21.22.23/24 dev tun0
 *   ip link set tun0 up
 *   ip route ls        -> 172.21.22.0/24 dev tun0 proto kernel scope link src 172.21.22.23
 *   ping -c 4 172.21.22.23      (answered)
 *   ping -c 4 172.21.22.26      (read by mytun, no answer)
 *
 * `host` stands in for the article's machine; this process is mytun.
 */
import { Tun } from 'rtnetlink';
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '004',
  section: 'TUN: tun0 read by a program, 172.21.22.23/24, route, ping',
  needs: ['tun'],
  async setup(lab) {
    const host = await lab.ns('host');
    await host.rtnl.links.set('lo', { up: true }); // a machine's lo is up (a new namespace's is not): local addresses answer over lo
    const tun = await Tun.open({ name: 'tun0', mode: 'tun', netns: host.name }); // mytun: open /dev/net/tun, TUNSETIFF tun0
    lab.onTeardown(() => tun.close());
    tun.on('data', (packet: Buffer) => console.log(`Read ${packet.length} bytes from tun/tap device`));
    await host.rtnl.addrs.add('tun0', '172.21.22.23/24'); // ip addr add 172.21.22.23/24 dev tun0
    await host.rtnl.links.set('tun0', { up: true }); //         ip link set tun0 up

    lab.shows(host, ['route', 'show'], [{ dst: '172.21.22.0/24', dev: 'tun0', protocol: 'kernel', scope: 'link', prefsrc: '172.21.22.23' }], 'ip route ls: the subnet route via tun0');
    lab.ping(host, '172.21.22.23', "tun0's own address: the kernel answers");
    lab.ping(host, '172.21.22.26', 'another address: the packet goes to this program, which does not answer', { expect: 'no reply' });
    lab.shows(host, ['-d', 'link', 'show', 'dev', 'tun0'], [{ link_type: 'none', linkinfo: { info_kind: 'tun', info_data: { type: 'tun' } } }], 'ip -d: tun type tun, link/none');
  },
};

if (isMain(import.meta.url)) await main(example);
