/**
 * vcan: virtual CAN bus interface (no IFLA_INFO_DATA), module vcan.
 *
 *   ip link add vcan0 type vcan
 *   rtnl.links.add({ name: 'vcan0', kind: 'vcan' })
 * @module
 */
import type { LinkKind } from './registry.js';

declare module './registry.js' {
  interface KindAddOptions {
    /** No kind options. */
    vcan: {};
  }
  interface KindData {
    /** No IFLA_INFO_DATA. */
    vcan: NoKindData;
  }
}

/** The vcan kind (registered by kinds/table.ts). */
export const vcanKind: LinkKind = { kind: 'vcan', module: 'vcan' };
