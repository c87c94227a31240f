/**
 * Seed 003, "NLMON": a netlink monitor device; a packet capture on it sees the
 * netlink messages of the namespace (tcpdump -i nlmon0 -w nlmsg.pcap, or
 * this library's capture: docs/monitor-pcap.md).
 *
 *   ip link add nlmon0 type nlmon
 *   ip link set nlmon0 up
 */
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'NLMON: nlmon0, up',
  needs: ['nlmon'],
  async setup(lab) {
    const host = await lab.ns('host');
    await host.rtnl.links.add({ name: 'nlmon0', kind: 'nlmon' }); // ip link add nlmon0 type nlmon
    await host.rtnl.links.set('nlmon0', { up: true }); //             ip link set nlmon0 up

    lab.shows(host, ['-d', 'link', 'show', 'dev', 'nlmon0'], [{ link_type: 'netlink', flags: ['NOARP', 'UP', 'LOWER_UP'], linkinfo: { info_kind: 'nlmon' } }], 'ip -d: nlmon, link/netlink, up');
  },
};

if (isMain(import.meta.url)) await main(example);
