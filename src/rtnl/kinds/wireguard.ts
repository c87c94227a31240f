/**
 * wireguard: WireGuard interfaces (no IFLA_INFO_DATA), module wireguard. Only
 * creation goes over rtnetlink; keys and peers are configured with the
 * generic netlink "wireguard" family (`wg`): `genl.wireguard.set()`
 * (src/genl/wireguard.ts, docs/genl.md).
 *
 *   ip link add wg0 type wireguard
 *   rtnl.links.add({ name: 'wg0', kind: 'wireguard' })
 * @module
 */
import type { LinkKind } from './registry.js';

declare module './registry.js' {
  interface KindAddOptions {
    /** No kind options. */
    wireguard: {};
  }
  interface KindData {
    /** No IFLA_INFO_DATA. */
    wireguard: NoKindData;
  }
}

/** The wireguard kind (registered by kinds/table.ts). */
export const wireguardKind: LinkKind = { kind: 'wireguard', module: 'wireguard' };
