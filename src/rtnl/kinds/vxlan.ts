/**
 * vxlan: VXLAN tunnel endpoints (IFLA_VXLAN_*), module vxlan.
 *
 *   ip link add vxlan0 type vxlan id 42 dstport 4789 remote 192.168.8.101 \
 *      local 192.168.8.100 dev enp0s8 ttl 64 nolearning
 *   rtnl.links.add({ name: 'vxlan0', kind: 'vxlan', vxlan: { id: 42, port: 4789,
 *      remote: '192.168.8.101', local: '192.168.8.100', link: 'enp0s8', ttl: 64, learning: false } })
 *
 * The kernel keeps the remote (unicast) or group (multicast) address in one
 * attribute, IFLA_VXLAN_GROUP or IFLA_VXLAN_GROUP6 by family; as options,
 * `remote`, `group` and `local` take IPv4 or IPv6 and are sent as the
 * attribute of their family. They read back the same way (like `ip -d link`
 * prints them): a unicast IFLA_VXLAN_GROUP/GROUP6 as `remote`, a multicast
 * one as `group`, IFLA_VXLAN_LOCAL/LOCAL6 as `local` (a policy view).
 * @module
 */
import { be16, be32, binary, bool8, enumOf, flag, ipv4, ipv6, policy, struct, u32, u8, moreConsts, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { UAPI } from '../uapi.js';
import { bounded, checkData, flagU8, isIPv6Text, isMulticast, isMulticastText, optionsObject, renamingView, splitFamily, withView } from './common.js';
import type { LinkKind } from './registry.js';
import { IFINDEX } from '../ifname.js';

/** Newer than the installed uapi headers (upstream if_link.h). */
export const IFLA_VXLAN_LOCALBYPASS = 31; // 6.6
export const IFLA_VXLAN_LABEL_POLICY = 32; // 6.13
export const IFLA_VXLAN_RESERVED_BITS = 33; // 6.14
export const IFLA_VXLAN_MC_ROUTE = 34; // 6.16

/** struct ifla_vxlan_port_range (UDP source port range, `srcport LOW HIGH`). */
export interface VxlanPortRange {
  low: number;
  high: number;
}
const portRange = struct<VxlanPortRange>('ifla_vxlan_port_range', [
  ['low', 'be16'],
  ['high', 'be16'],
]);

/** VXLAN_DF_*: don't-fragment bit of the outer IPv4 header. */
export type VxlanDf = 'unset' | 'set' | 'inherit';
/** VXLAN_LABEL_*: IPv6 flow label policy. */
export type VxlanLabelPolicy = 'fixed' | 'inherit';

/** IFLA_INFO_DATA of a vxlan link: what the kernel reports and what links.add()/set() take. */
export interface VxlanOptions {
  /** IFLA_VXLAN_ID: VNI, 0..16777215 (`id`) */
  id?: number;
  /** IFLA_VXLAN_GROUP / GROUP6 holding a unicast address: the remote VTEP, IPv4 or IPv6 (`remote`) */
  remote?: string;
  /** IFLA_VXLAN_GROUP / GROUP6 holding a multicast address: the group, IPv4 or IPv6 (`group`) */
  group?: string;
  /** IFLA_VXLAN_GROUP6 by its wire name: accepted as an option; reads back as `remote` or `group` */
  group6?: string;
  /** IFLA_VXLAN_LINK: underlay device (`dev`), by name or index */
  link?: number | string;
  /** IFLA_VXLAN_LOCAL / LOCAL6: source address, IPv4 or IPv6 (`local`) */
  local?: string;
  /** IFLA_VXLAN_LOCAL6 by its wire name: accepted as an option; reads back as `local` */
  local6?: string;
  /** IFLA_VXLAN_TTL (`ttl`; 0 = the route's hop limit) */
  ttl?: number;
  /** IFLA_VXLAN_TOS (`tos`; 1 = inherit) */
  tos?: number;
  /** IFLA_VXLAN_LEARNING (`[no]learning`) */
  learning?: boolean | number;
  /** IFLA_VXLAN_AGEING: FDB entry lifetime in seconds (`ageing`) */
  ageing?: number;
  /** IFLA_VXLAN_LIMIT: max FDB entries, 0 = unlimited (`maxaddress`) */
  limit?: number;
  /** IFLA_VXLAN_PORT_RANGE: UDP source port range (`srcport LOW HIGH`) */
  portRange?: VxlanPortRange;
  /** IFLA_VXLAN_PROXY: ARP/ND proxy (`[no]proxy`) */
  proxy?: boolean | number;
  /** IFLA_VXLAN_RSC: route short circuit (`[no]rsc`) */
  rsc?: boolean | number;
  /** IFLA_VXLAN_L2MISS: netlink notification on L2 miss (`[no]l2miss`) */
  l2miss?: boolean | number;
  /** IFLA_VXLAN_L3MISS: netlink notification on L3 miss (`[no]l3miss`) */
  l3miss?: boolean | number;
  /** IFLA_VXLAN_PORT: UDP destination port (`dstport`; kernel default 8472) */
  port?: number;
  /** IFLA_VXLAN_UDP_CSUM: UDP checksum over IPv4 (`[no]udpcsum`) */
  udpCsum?: boolean | number;
  /** IFLA_VXLAN_UDP_ZERO_CSUM6_TX (`[no]udp6zerocsumtx`) */
  udpZeroCsum6Tx?: boolean | number;
  /** IFLA_VXLAN_UDP_ZERO_CSUM6_RX (`[no]udp6zerocsumrx`) */
  udpZeroCsum6Rx?: boolean | number;
  /** IFLA_VXLAN_REMCSUM_TX (`[no]remcsumtx`) */
  remcsumTx?: boolean | number;
  /** IFLA_VXLAN_REMCSUM_RX (`[no]remcsumrx`) */
  remcsumRx?: boolean | number;
  /** IFLA_VXLAN_GBP: group based policy extension (`gbp`) */
  gbp?: boolean;
  /** IFLA_VXLAN_REMCSUM_NOPARTIAL */
  remcsumNopartial?: boolean;
  /** IFLA_VXLAN_COLLECT_METADATA: external control plane (`external`) */
  collectMetadata?: boolean | number;
  /** IFLA_VXLAN_LABEL: IPv6 flow label (`flowlabel`, network order, 20 bits) */
  label?: number;
  /** IFLA_VXLAN_GPE: generic protocol extension (`gpe`) */
  gpe?: boolean;
  /** IFLA_VXLAN_TTL_INHERIT (`ttl inherit`; requests a flag, dumped as u8) */
  ttlInherit?: boolean | number;
  /** IFLA_VXLAN_DF (`df unset|set|inherit`) */
  df?: VxlanDf | number;
  /** IFLA_VXLAN_VNIFILTER: per-VNI filtering, with collectMetadata (`vnifilter`) */
  vnifilter?: boolean | number;
  /** IFLA_VXLAN_LOCALBYPASS (`[no]localbypass`, kernel 6.6) */
  localbypass?: boolean | number;
  /** IFLA_VXLAN_LABEL_POLICY (`flowlabel inherit`, kernel 6.13) */
  labelPolicy?: VxlanLabelPolicy | number;
  /** IFLA_VXLAN_RESERVED_BITS: VXLAN header bits accepted on receive (8 bytes, kernel 6.14) */
  reservedBits?: Uint8Array;
  /** IFLA_VXLAN_MC_ROUTE: route multicast traffic (`[no]mcroute`, kernel 6.16) */
  mcRoute?: boolean | number;
}

/**
 * IFLA_INFO_DATA of a vxlan link as the kernel reports it, under the option
 * names: `remote` (unicast) or `group` (multicast), `local`, whatever their
 * family. (`group6`/`local6` only appear for odd input that sends both
 * families of one address.)
 */
export type VxlanData = Omit<VxlanOptions, 'link'> & { link?: number };

// Decoded IFLA_VXLAN_GROUP/GROUP6 read back as the option they were written with.
const vxlanView = renamingView(
  (k, v) => (k === 'group' || k === 'group6' ? (isMulticastText(v) ? 'group' : 'remote') : k === 'local6' ? 'local' : undefined),
  (k, v) => (k === 'remote' || k === 'group' ? (isIPv6Text(v) ? 'group6' : 'group') : k === 'local' ? (isIPv6Text(v) ? 'local6' : 'local') : undefined),
);

export const vxlanPolicy: () => Policy = once(() => withView(policy(
  'IFLA_VXLAN',
  moreConsts(UAPI, { IFLA_VXLAN_LOCALBYPASS, IFLA_VXLAN_LABEL_POLICY, IFLA_VXLAN_RESERVED_BITS, IFLA_VXLAN_MC_ROUTE }),
  [
    ['IFLA_VXLAN_ID', 'id', bounded(u32, 0, 0xffffff, 'a VNI')],
    ['IFLA_VXLAN_GROUP', 'group', ipv4],
    ['IFLA_VXLAN_LINK', 'link', u32, IFINDEX],
    ['IFLA_VXLAN_LOCAL', 'local', ipv4],
    ['IFLA_VXLAN_TTL', 'ttl', u8],
    ['IFLA_VXLAN_TOS', 'tos', u8],
    ['IFLA_VXLAN_LEARNING', 'learning', bool8],
    ['IFLA_VXLAN_AGEING', 'ageing', u32],
    ['IFLA_VXLAN_LIMIT', 'limit', u32],
    ['IFLA_VXLAN_PORT_RANGE', 'portRange', portRange],
    ['IFLA_VXLAN_PROXY', 'proxy', bool8],
    ['IFLA_VXLAN_RSC', 'rsc', bool8],
    ['IFLA_VXLAN_L2MISS', 'l2miss', bool8],
    ['IFLA_VXLAN_L3MISS', 'l3miss', bool8],
    ['IFLA_VXLAN_PORT', 'port', be16],
    ['IFLA_VXLAN_GROUP6', 'group6', ipv6],
    ['IFLA_VXLAN_LOCAL6', 'local6', ipv6],
    ['IFLA_VXLAN_UDP_CSUM', 'udpCsum', bool8],
    ['IFLA_VXLAN_UDP_ZERO_CSUM6_TX', 'udpZeroCsum6Tx', bool8],
    ['IFLA_VXLAN_UDP_ZERO_CSUM6_RX', 'udpZeroCsum6Rx', bool8],
    ['IFLA_VXLAN_REMCSUM_TX', 'remcsumTx', bool8],
    ['IFLA_VXLAN_REMCSUM_RX', 'remcsumRx', bool8],
    ['IFLA_VXLAN_GBP', 'gbp', flag],
    ['IFLA_VXLAN_REMCSUM_NOPARTIAL', 'remcsumNopartial', flag],
    ['IFLA_VXLAN_COLLECT_METADATA', 'collectMetadata', bool8],
    ['IFLA_VXLAN_LABEL', 'label', bounded(be32, 0, 0xfffff, 'an IPv6 flow label')],
    ['IFLA_VXLAN_GPE', 'gpe', flag],
    ['IFLA_VXLAN_TTL_INHERIT', 'ttlInherit', flagU8],
    ['IFLA_VXLAN_DF', 'df', enumOf<VxlanDf>(u8, { 0: 'unset', 1: 'set', 2: 'inherit' })],
    ['IFLA_VXLAN_VNIFILTER', 'vnifilter', bool8],
    ['IFLA_VXLAN_LOCALBYPASS', 'localbypass', bool8],
    ['IFLA_VXLAN_LABEL_POLICY', 'labelPolicy', enumOf<VxlanLabelPolicy>(u32, { 0: 'fixed', 1: 'inherit' })],
    ['IFLA_VXLAN_RESERVED_BITS', 'reservedBits', binary],
    ['IFLA_VXLAN_MC_ROUTE', 'mcRoute', bool8],
  ],
  ),
  vxlanView,
));

/** links.add() options of a vxlan link: a VNI, unless the device is external (collectMetadata). */
export type VxlanAddOptions = VxlanOptions & ({ id: number } | { collectMetadata: true });

declare module './registry.js' {
  interface KindAddOptions {
    vxlan: { vxlan: VxlanAddOptions };
  }
  interface KindOptions {
    vxlan: VxlanOptions;
  }
  interface KindData {
    vxlan: VxlanData;
  }
}

/** The vxlan kind (registered by kinds/table.ts). */
export const vxlanKind: LinkKind = {
  ether: true,
  kind: 'vxlan',
  get data() { return vxlanPolicy(); },
  module: 'vxlan',
  check(options, _all, mode) {
    const o = optionsObject(options, 'vxlan', 'vxlan');
    if (o.remote !== undefined && (o.group !== undefined || o.group6 !== undefined)) {
      throw new ArgumentError('vxlan.remote', 'give either remote (unicast) or group (multicast), not both');
    }
    splitFamily(o, 'group', 'group', 'group6', 'vxlan', (ip, f) => {
      if (!isMulticast(ip)) throw new ArgumentError(f, 'group must be a multicast address; use remote for a unicast peer');
    });
    splitFamily(o, 'remote', 'group', 'group6', 'vxlan', (ip, f) => {
      if (isMulticast(ip)) throw new ArgumentError(f, 'remote must be a unicast address; use group for a multicast group');
    });
    splitFamily(o, 'local', 'local', 'local6', 'vxlan', (ip, f) => {
      if (isMulticast(ip)) throw new ArgumentError(f, 'local must be a unicast address');
    });
    const out = checkData(vxlanPolicy(), o, 'vxlan');
    if (out.ttl !== undefined && out.ttlInherit === true) throw new ArgumentError('vxlan.ttlInherit', 'conflicts with vxlan.ttl');
    if (mode === 'add' && out.id === undefined && !out.collectMetadata) {
      throw new ArgumentError('vxlan.id', 'a vxlan link needs a VNI (vxlan: { id: 42 }) unless it is external (collectMetadata: true)');
    }
    const v4 = out.group !== undefined || out.local !== undefined;
    const v6 = out.group6 !== undefined || out.local6 !== undefined;
    if (v4 && v6) throw new ArgumentError('vxlan.local', 'remote/group and local must be of the same address family');
    return out;
  },
};
