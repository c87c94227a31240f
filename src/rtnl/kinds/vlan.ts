/**
 * vlan: 802.1Q / 802.1ad sub-interfaces (IFLA_VLAN_*), module 8021q.
 *
 *   ip link add link eth0 name eth0.10 type vlan id 10 protocol 802.1ad \
 *      reorder_hdr off gvrp on ingress-qos-map 1:2 egress-qos-map 2:3
 *   rtnl.links.add({ name: 'eth0.10', kind: 'vlan', link: 'eth0',
 *      vlan: { id: 10, protocol: '802.1ad', flags: { reorderHdr: false, gvrp: true },
 *              ingressQos: [{ from: 1, to: 2 }], egressQos: [{ from: 2, to: 3 }] } })
 * @module
 */
import { policy, struct, u16, type Codec, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe } from '../../netlink/ip.js';
import { UAPI } from '../uapi.js';
import { bounded, checkData, nestedList, optionsObject, vlanProtocol, type VlanProtocol } from './common.js';
import type { LinkKind } from './registry.js';
import type { LinkRef } from '../links.js';
const { IFLA_VLAN_QOS_MAPPING, VLAN_FLAG_BRIDGE_BINDING, VLAN_FLAG_GVRP, VLAN_FLAG_LOOSE_BINDING, VLAN_FLAG_MVRP, VLAN_FLAG_REORDER_HDR } = UAPI;

/** VLAN_FLAG_* bits (linux/if_vlan.h). */
export { VLAN_FLAG_REORDER_HDR, VLAN_FLAG_GVRP, VLAN_FLAG_LOOSE_BINDING, VLAN_FLAG_MVRP, VLAN_FLAG_BRIDGE_BINDING };

const FLAG_BITS: Array<[keyof VlanFlagNames, number]> = [
  ['reorderHdr', VLAN_FLAG_REORDER_HDR],
  ['gvrp', VLAN_FLAG_GVRP],
  ['looseBinding', VLAN_FLAG_LOOSE_BINDING],
  ['mvrp', VLAN_FLAG_MVRP],
  ['bridgeBinding', VLAN_FLAG_BRIDGE_BINDING],
];

/** The VLAN_FLAG_* bits by name (ip link: reorder_hdr, gvrp, loose_binding, mvrp, bridge_binding). */
export interface VlanFlagNames {
  /** VLAN_FLAG_REORDER_HDR (default on) */
  reorderHdr?: boolean;
  /** VLAN_FLAG_GVRP */
  gvrp?: boolean;
  /** VLAN_FLAG_LOOSE_BINDING */
  looseBinding?: boolean;
  /** VLAN_FLAG_MVRP */
  mvrp?: boolean;
  /** VLAN_FLAG_BRIDGE_BINDING */
  bridgeBinding?: boolean;
}

/** struct ifla_vlan_flags: the raw flags/mask plus one boolean per known bit. */
export interface VlanFlags extends VlanFlagNames {
  /** ifla_vlan_flags.flags */
  flags: number;
  /** ifla_vlan_flags.mask: bits of `flags` that are meant (the kernel reports 0xffffffff) */
  mask: number;
}

/**
 * IFLA_VLAN_FLAGS. Decodes to {@link VlanFlags}; user input is either
 * booleans by name ({ reorderHdr: false, gvrp: true }: only those bits are
 * put in the mask) or raw { flags, mask }.
 */
export const vlanFlags: Codec<VlanFlags> = {
  name: 'ifla_vlan_flags',
  size: 8,
  decode: (b, o) => {
    const flags = b.readUInt32LE(o);
    const mask = b.readUInt32LE(o + 4);
    const out: VlanFlags = { flags, mask };
    for (const [k, bit] of FLAG_BITS) if (mask & bit) out[k] = (flags & bit) !== 0;
    return out;
  },
  encode: (w, v) => {
    w.u32(v.flags >>> 0);
    w.u32(v.mask >>> 0);
  },
  check: (v, f) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(f, `expected { reorderHdr?, gvrp?, looseBinding?, mvrp?, bridgeBinding? } or { flags, mask }, got ${describe(v)}`);
    const r = v as Record<string, unknown>;
    let flags = 0;
    let mask = 0;
    const raw = r.flags !== undefined || r.mask !== undefined;
    for (const [k, x] of Object.entries(r)) {
      if (x === undefined) continue;
      if (k === 'flags' || k === 'mask') {
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new ArgumentError(`${f}.${k}`, `expected a u32, got ${describe(x)}`);
        continue;
      }
      const bit = FLAG_BITS.find(([n]) => n === k)?.[1];
      if (bit === undefined) throw new ArgumentError(`${f}.${k}`, `unknown VLAN flag "${k}" (known: ${FLAG_BITS.map(([n]) => n).join(', ')}, flags, mask)`);
      if (typeof x !== 'boolean') throw new ArgumentError(`${f}.${k}`, `expected true or false, got ${describe(x)}`);
      if (raw) {
        // booleans next to raw flags/mask must agree with them
        const fl = (r.flags as number | undefined) ?? 0;
        const mk = (r.mask as number | undefined) ?? 0xffffffff;
        if (mk & bit && ((fl & bit) !== 0) !== x) throw new ArgumentError(`${f}.${k}`, `contradicts ${f}.flags`);
        continue;
      }
      mask |= bit;
      if (x) flags |= bit;
    }
    if (raw) return { flags: ((r.flags as number | undefined) ?? 0) >>> 0, mask: ((r.mask as number | undefined) ?? 0xffffffff) >>> 0 };
    return { flags: flags >>> 0, mask: mask >>> 0 };
  },
};

/** struct ifla_vlan_qos_mapping: priority `from` -> `to`. */
export interface VlanQosMapping {
  from: number;
  to: number;
}
const qosMapping = struct<VlanQosMapping>('ifla_vlan_qos_mapping', [
  ['from', 'u32'],
  ['to', 'u32'],
]);
const qosMap: Codec<VlanQosMapping[]> = nestedList(IFLA_VLAN_QOS_MAPPING, qosMapping, 'IFLA_VLAN_QOS_MAPPING');

export { vlanProtocol, type VlanProtocol };

/** IFLA_INFO_DATA of a vlan link (decoded and as options). */
export interface VlanOptions {
  /** IFLA_VLAN_ID: 0..4094 (required on add) */
  id?: number;
  /** IFLA_VLAN_FLAGS: flags by name, or raw { flags, mask } */
  flags?: VlanFlagNames | { flags: number; mask?: number };
  /** IFLA_VLAN_EGRESS_QOS: skb priority -> 802.1p PCP (`egress-qos-map FROM:TO`) */
  egressQos?: VlanQosMapping[];
  /** IFLA_VLAN_INGRESS_QOS: 802.1p PCP -> skb priority (`ingress-qos-map FROM:TO`) */
  ingressQos?: VlanQosMapping[];
  /** IFLA_VLAN_PROTOCOL: '802.1Q' (default) or '802.1ad', or an ethertype number */
  protocol?: VlanProtocol | number;
}

/** IFLA_INFO_DATA of a vlan link as the kernel reports it. */
export interface VlanData extends Omit<VlanOptions, 'flags'> {
  flags?: VlanFlags;
}

export const vlanPolicy: () => Policy = once(() => policy('IFLA_VLAN', UAPI, [
  ['IFLA_VLAN_ID', 'id', bounded(u16, 0, 4094, 'a VLAN id')],
  ['IFLA_VLAN_FLAGS', 'flags', vlanFlags],
  ['IFLA_VLAN_EGRESS_QOS', 'egressQos', qosMap],
  ['IFLA_VLAN_INGRESS_QOS', 'ingressQos', qosMap],
  ['IFLA_VLAN_PROTOCOL', 'protocol', vlanProtocol],
]));

declare module './registry.js' {
  interface KindAddOptions {
    /** A vlan needs its parent (`link`) and an id. */
    vlan: { link: LinkRef; vlan: VlanOptions & { id: number } };
  }
  interface KindOptions {
    vlan: VlanOptions;
  }
  interface KindData {
    vlan: VlanData;
  }
}

/** The vlan kind (registered by kinds/table.ts). */
export const vlanKind: LinkKind = {
  ether: true,
  kind: 'vlan',
  get data() { return vlanPolicy(); },
  module: '8021q',
  needsLink: true,
  check(options, _all, mode) {
    const o = optionsObject(options, 'vlan', 'vlan');
    const out = checkData(vlanPolicy(), o, 'vlan');
    if (mode === 'add' && out.id === undefined) throw new ArgumentError('vlan.id', 'a vlan link needs an id (0..4094): vlan: { id: 10 }');
    for (const k of ['ingressQos', 'egressQos'] as const) {
      const maps = out[k] as VlanQosMapping[] | undefined;
      maps?.forEach((m, i) => {
        const prio = k === 'ingressQos' ? m.from : m.to;
        if (prio > 7) throw new ArgumentError(`vlan.${k}[${i}].${k === 'ingressQos' ? 'from' : 'to'}`, `${prio} is not an 802.1p priority (0..7)`);
      });
    }
    return out;
  },
};
