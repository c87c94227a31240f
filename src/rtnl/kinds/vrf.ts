/**
 * vrf: L3 master devices (IFLA_VRF_*), module vrf. Enslaved devices report
 * IFLA_VRF_PORT_TABLE as slave data.
 *
 *   ip link add vrf-blue type vrf table 10
 *   rtnl.links.add({ name: 'vrf-blue', kind: 'vrf', vrf: { table: 10 } })
 * @module
 */
import { policy, u32, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { UAPI } from '../uapi.js';
import { bounded, checkData, optionsObject } from './common.js';
import type { LinkKind } from './registry.js';

/** IFLA_INFO_DATA of a vrf link. */
export interface VrfOptions {
  /** IFLA_VRF_TABLE: routing table id (`table`, required on add) */
  table?: number;
}

/** IFLA_INFO_SLAVE_DATA of a device enslaved to a vrf. */
export interface VrfPortData {
  /** IFLA_VRF_PORT_TABLE (read-only): the vrf's table */
  table?: number;
}

export const vrfPolicy: () => Policy = once(() => policy('IFLA_VRF', UAPI, [['IFLA_VRF_TABLE', 'table', bounded(u32, 1, 0xffffffff, 'a routing table id')]]));
export const vrfPortPolicy: () => Policy = once(() => policy('IFLA_VRF_PORT', UAPI, [['IFLA_VRF_PORT_TABLE', 'table', u32, { readOnly: true }]]));

declare module './registry.js' {
  interface KindAddOptions {
    /** A vrf needs its routing table. */
    vrf: { vrf: VrfOptions & { table: number } };
  }
  interface KindOptions {
    vrf: VrfOptions;
  }
  interface KindData {
    vrf: VrfOptions;
  }
  interface SlaveData {
    vrf: VrfPortData;
  }
}

/** The vrf kind (registered by kinds/table.ts). */
export const vrfKind: LinkKind = {
  ether: true,
  kind: 'vrf',
  get data() { return vrfPolicy(); },
  get slaveData() { return vrfPortPolicy(); },
  module: 'vrf',
  check(options, _all, mode) {
    const out = checkData(vrfPolicy(), optionsObject(options, 'vrf', 'vrf'), 'vrf');
    if (mode === 'add' && out.table === undefined) throw new ArgumentError('vrf.table', 'a vrf link needs a routing table: vrf: { table: 10 }');
    return out;
  },
};
