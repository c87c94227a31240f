/**
 * nlmon: netlink monitor device, captures netlink traffic for tcpdump
 * (no IFLA_INFO_DATA), module nlmon.
 *
 *   ip link add nlmon0 type nlmon
 *   rtnl.links.add({ name: 'nlmon0', kind: 'nlmon' })
 * @module
 */
import { registerKind } from './registry.js';

registerKind({ kind: 'nlmon', module: 'nlmon' });
