/**
 * vcan: virtual CAN bus interface (no IFLA_INFO_DATA), module vcan.
 *
 *   ip link add vcan0 type vcan
 *   rtnl.links.add({ name: 'vcan0', kind: 'vcan' })
 * @module
 */
import type { LinkKind } from './registry.js';

/** The vcan kind (registered by kinds/table.ts). */
export const vcanKind: LinkKind = { kind: 'vcan', module: 'vcan' };
