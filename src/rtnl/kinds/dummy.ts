/**
 * dummy: a device that drops everything (no IFLA_INFO_DATA), module dummy.
 *
 *   ip link add dummy0 type dummy
 *   rtnl.links.add({ name: 'dummy0', kind: 'dummy' })
 * @module
 */
import { registerKind } from './registry.js';

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

registerKind({ kind: 'dummy', module: 'dummy' });
