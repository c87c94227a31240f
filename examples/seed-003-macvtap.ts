/**
 * Seed 003, "MACVTAP/IPVTAP": a macvtap device on eth0. Like a macvlan, but
 * its traffic goes to a character device /dev/tapN (N = its ifindex) that a
 * VM's QEMU reads and writes, instead of the host's network stack.
 *
 *   ip link add link eth0 name macvtap0 type macvtap
 *
 * Stand-ins: `host` (where eth0 is), `lan` (eth0's other end). Without a mode
 * the kernel's default applies: vepa.
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'MACVTAP: macvtap0 on eth0',
  needs: ['veth', 'macvtap'],
  async setup(lab) {
    const host = await lab.ns('host');
    const lan = await lab.ns('lan');
    await host.rtnl.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'eth0', netns: lan.name }, up: true });
    await host.rtnl.links.add({ name: 'macvtap0', kind: 'macvtap', link: 'eth0' }); // ip link add link eth0 name macvtap0 type macvtap
    await host.rtnl.links.set('macvtap0', { up: true });
    const tap = await host.rtnl.links.get('macvtap0');
    console.log(`macvtap0 is ifindex ${tap.index}: QEMU would open /dev/tap${tap.index}`);

    lab.shows(host, ['-d', 'link', 'show', 'dev', 'macvtap0'], [{ link: 'eth0', linkinfo: { info_kind: 'macvtap', info_data: { mode: 'vepa' } } }], 'ip -d: macvtap mode vepa on eth0');
  },
};

if (isMain(import.meta.url)) await main(example);
