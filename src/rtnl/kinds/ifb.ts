/**
 * ifb: intermediate functional block, for ingress shaping (no IFLA_INFO_DATA), module ifb.
 *
 *   ip link add ifb0 type ifb
 *   rtnl.links.add({ name: 'ifb0', kind: 'ifb' })
 * @module
 */
import type { LinkKind } from './registry.js';

declare module './registry.js' {
  interface KindAddOptions {
    /** No kind options. */
    ifb: {};
  }
  interface KindData {
    /** No IFLA_INFO_DATA. */
    ifb: NoKindData;
  }
}

/** The ifb kind (registered by kinds/table.ts). */
export const ifbKind: LinkKind = { kind: 'ifb', ether: true, module: 'ifb' };
