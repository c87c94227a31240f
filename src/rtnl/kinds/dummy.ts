/**
 * dummy: a device that drops everything (no IFLA_INFO_DATA), module dummy.
 *
 *   ip link add dummy0 type dummy
 *   rtnl.links.add({ name: 'dummy0', kind: 'dummy' })
 * @module
 */
import type { LinkKind } from './registry.js';

declare module './registry.js' {
  interface KindAddOptions {
    /** No kind options. */
    dummy: {};
  }
  interface KindData {
    /** No IFLA_INFO_DATA. */
    dummy: NoKindData;
  }
}

/** The dummy kind (registered by kinds/table.ts). */
export const dummyKind: LinkKind = { kind: 'dummy', ether: true, module: 'dummy' };
