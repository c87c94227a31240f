/**
 * nlmon: netlink monitor device, captures netlink traffic for tcpdump
 * (no IFLA_INFO_DATA), module nlmon.
 *
 *   ip link add nlmon0 type nlmon
 *   rtnl.links.add({ name: 'nlmon0', kind: 'nlmon' })
 * @module
 */
import type { LinkKind } from './registry.js';

declare module './registry.js' {
  interface KindAddOptions {
    /** No kind options. */
    nlmon: {};
  }
  interface KindData {
    /** No IFLA_INFO_DATA. */
    nlmon: NoKindData;
  }
}

/** The nlmon kind (registered by kinds/table.ts). */
export const nlmonKind: LinkKind = { kind: 'nlmon', module: 'nlmon' };
