/**
 * ipvlan and ipvtap: L2/L3 virtual interfaces sharing the parent's MAC
 * (IFLA_IPVLAN_*), modules ipvlan / ipvtap.
 *
 *   ip link add name ipvl0 link eth0 type ipvlan mode l3s private
 *   rtnl.links.add({ name: 'ipvl0', kind: 'ipvlan', link: 'eth0', ipvlan: { mode: 'l3s', flags: 'private' } })
 *
 * ipvtap takes the same options under `ipvtap`.
 * @module
 */
import { enumOf, policy, u16, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { UAPI } from '../uapi.js';
import { checkData, optionsObject } from './common.js';
import type { LinkKind } from './registry.js';
import type { LinkRef } from '../links.js';

/** IPVLAN_MODE_* */
export type IpvlanMode = 'l2' | 'l3' | 'l3s';
/** IFLA_IPVLAN_FLAGS as the one mode they select: 0 bridge (default), IPVLAN_F_PRIVATE 1, IPVLAN_F_VEPA 2. */
export type IpvlanFlags = 'bridge' | 'private' | 'vepa';

/** IFLA_INFO_DATA of an ipvlan/ipvtap link. */
export interface IpvlanOptions {
  /** IFLA_IPVLAN_MODE (`mode l2|l3|l3s`; kernel default l3) */
  mode?: IpvlanMode | number;
  /** IFLA_IPVLAN_FLAGS (`bridge|private|vepa`) */
  flags?: IpvlanFlags | number;
}

export const ipvlanPolicy: () => Policy = once(() => policy('IFLA_IPVLAN', UAPI, [
  ['IFLA_IPVLAN_MODE', 'mode', enumOf<IpvlanMode>(u16, { 0: 'l2', 1: 'l3', 2: 'l3s' })],
  ['IFLA_IPVLAN_FLAGS', 'flags', enumOf<IpvlanFlags>(u16, { 0: 'bridge', 1: 'private', 2: 'vepa' })],
]));

declare module './registry.js' {
  interface KindAddOptions {
    /** An ipvlan/ipvtap needs its parent (`link`). */
    ipvlan: { link: LinkRef; ipvlan?: IpvlanOptions };
    ipvtap: { link: LinkRef; ipvtap?: IpvlanOptions };
  }
  interface KindOptions {
    ipvlan: IpvlanOptions;
    ipvtap: IpvlanOptions;
  }
  interface KindData {
    ipvlan: IpvlanOptions;
    ipvtap: IpvlanOptions;
  }
}

function ipvlanKind(kind: 'ipvlan' | 'ipvtap'): LinkKind {
  return {
    kind,
    ether: true,
    get data() { return ipvlanPolicy(); },
    module: kind,
    needsLink: true,
    check: (options) => checkData(ipvlanPolicy(), optionsObject(options, kind, kind), kind),
  };
}

/** The ipvlan kinds (registered by kinds/table.ts). */
export const ipvlanKinds: readonly LinkKind[] = [ipvlanKind('ipvlan'), ipvlanKind('ipvtap')];
