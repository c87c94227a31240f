/**
 * Neighbours (ARP / NDP entries) and bridge / vxlan FDB entries: struct
 * ndmsg + NDA_* attributes, decoded into a typed {@link Neighbour}.
 * Registered for RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH.
 * @module
 */
import { be16, decodeAttrs, flag, ip, lladdr, nested, policy, s32, struct, u16, u32, u8, type AttrSetBase, type Policy, type DecodeOptions } from '../netlink/attr.js';
import { DecodeError } from '../netlink/errors.js';
import type { Writer } from '../netlink/writer.js';
import { namedU8 } from './addr.js';
import { encodeAttrsSkippingDerived, FlagTable, PROTOCOLS, ROUTE_TYPES, type ProtocolName, type RouteTypeName } from './rtcommon.js';
import type { RouteSchema } from './schema.js';
import { UAPI as U } from './uapi.js';
import { IFINDEX } from './ifname.js';

/** NTF_EXT_* bits newer than the 6.1 headers (NDA_FLAGS_EXT). */
export const NTF_EXT_LOCKED = 1 << 1;
export const NTF_EXT_EXT_VALIDATED = 1 << 2;

/** NUD_* states by name, as `ip neigh` shows them (lower case). */
export type NeighStateName = 'none' | 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'noarp' | 'permanent';

/** NUD_* bits. */
export const NEIGH_STATES = new FlagTable(
  'neighbour state',
  [
    [U.NUD_INCOMPLETE, 'incomplete'],
    [U.NUD_REACHABLE, 'reachable'],
    [U.NUD_STALE, 'stale'],
    [U.NUD_DELAY, 'delay'],
    [U.NUD_PROBE, 'probe'],
    [U.NUD_FAILED, 'failed'],
    [U.NUD_NOARP, 'noarp'],
    [U.NUD_PERMANENT, 'permanent'],
  ],
  0xffff,
);
const STATE_BY_BIT = new Map<number, NeighStateName>(NEIGH_STATES.bits.map(([b, n]) => [b, n as NeighStateName]));

/** A state value as a name when it is exactly one NUD_* bit (or 0 = 'none'), else the number. */
export function neighStateName(state: number): NeighStateName | number {
  if (state === 0) return 'none';
  return STATE_BY_BIT.get(state) ?? state;
}

/** NUD_* bits of a state given as a name, names or a number (the inverse of {@link neighStateName}); ArgumentError naming `field`. */
export function neighStateValue(state: unknown, field = 'state'): number {
  return state === 'none' ? 0 : NEIGH_STATES.parse(state, field);
}

/** Names of the NUD_* bits in a state, e.g. ['noarp', 'permanent'] for 0xc0. */
export function neighStateNames(state: number): string[] {
  return state === 0 ? ['none'] : NEIGH_STATES.names(state);
}

/** NTF_* (ndm_flags) names. */
export type NeighFlagName = 'use' | 'self' | 'master' | 'proxy' | 'extern_learn' | 'offloaded' | 'sticky' | 'router';
export const NEIGH_FLAGS = new FlagTable(
  'neighbour flag',
  [
    [U.NTF_USE, 'use'],
    [U.NTF_SELF, 'self'],
    [U.NTF_MASTER, 'master'],
    [U.NTF_PROXY, 'proxy'],
    [U.NTF_EXT_LEARNED, 'extern_learn'],
    [U.NTF_OFFLOADED, 'offloaded'],
    [U.NTF_STICKY, 'sticky'],
    [U.NTF_ROUTER, 'router'],
  ],
  0xff,
);
/** Names of the NTF_* bits in ndm_flags. */
export function neighFlagNames(flags: number): string[] {
  return NEIGH_FLAGS.names(flags);
}

/** NTF_EXT_* (NDA_FLAGS_EXT) names. */
export type NeighExtFlagName = 'managed' | 'locked' | 'ext_validated';
export const NEIGH_EXT_FLAGS = new FlagTable('extended neighbour flag', [
  [U.NTF_EXT_MANAGED, 'managed'],
  [NTF_EXT_LOCKED, 'locked'],
  [NTF_EXT_EXT_VALIDATED, 'ext_validated'],
]);

/** struct nda_cacheinfo (NDA_CACHEINFO): ages in clock ticks (USER_HZ, 1/100 s). */
export interface NeighCacheInfo {
  /** ndm_confirmed: ticks since last confirmed */
  confirmed: number;
  /** ndm_used: ticks since last used */
  used: number;
  /** ndm_updated: ticks since last updated */
  updated: number;
  /** ndm_refcnt */
  refcnt: number;
}
export const neighCacheInfo = struct<NeighCacheInfo>('nda_cacheinfo', [
  ['confirmed', 'u32'],
  ['used', 'u32'],
  ['updated', 'u32'],
  ['refcnt', 'u32'],
]);

/** NDA_FDB_EXT_ATTRS (NFEA_*) */
export interface FdbExtAttrs extends AttrSetBase {
  /** NFEA_ACTIVITY_NOTIFY (FDB_NOTIFY_BIT / FDB_NOTIFY_INACTIVE_BIT) */
  activityNotify?: number;
  /** NFEA_DONT_REFRESH */
  dontRefresh?: boolean;
}
export const fdbExtPolicy = policy('NFEA', U, [
  ['NFEA_ACTIVITY_NOTIFY', 'activityNotify', u8],
  ['NFEA_DONT_REFRESH', 'dontRefresh', flag],
]);

/** NDA_* attributes of a neighbour message. */
export interface NeighbourAttrs extends AttrSetBase {
  /** NDA_DST: the neighbour's IP address; for vxlan FDB entries the remote VTEP. */
  dst?: string;
  /** NDA_LLADDR: link-layer address "aa:bb:cc:dd:ee:ff" (FDB: the MAC). */
  lladdr?: string;
  /** NDA_CACHEINFO */
  cacheInfo?: NeighCacheInfo;
  /** NDA_PROBES: probes sent */
  probes?: number;
  /** NDA_VLAN: bridge FDB vlan id */
  vlan?: number;
  /** NDA_PORT: vxlan FDB remote UDP port */
  port?: number;
  /** NDA_VNI: vxlan FDB remote VNI */
  vni?: number;
  /** NDA_IFINDEX: vxlan FDB: the interface to reach the remote through (`bridge fdb ... via DEV`) */
  via?: number;
  /** NDA_MASTER: index of the master (bridge) of the port */
  master?: number;
  /** NDA_LINK_NETNSID */
  linkNetnsId?: number;
  /** NDA_SRC_VNI: vxlan FDB source VNI (collect-metadata devices) */
  srcVni?: number;
  /** NDA_PROTOCOL: originator (RTPROT_*) */
  protocol?: ProtocolName | number;
  /** NDA_NH_ID: nexthop group id */
  nhId?: number;
  /** NDA_FDB_EXT_ATTRS */
  fdbExtAttrs?: FdbExtAttrs;
  /** NDA_FLAGS_EXT: NTF_EXT_* bits */
  flagsExt?: number;
  /** NDA_NDM_STATE_MASK (requests) */
  stateMask?: number;
  /** NDA_NDM_FLAGS_MASK (requests) */
  flagsMask?: number;
}

/** struct ndmsg */
export interface NdMsg {
  /** ndm_family: AF_INET (2), AF_INET6 (10), AF_BRIDGE (7, FDB entries) */
  family: number;
  /** ndm_ifindex: the interface (FDB: the port, or the vxlan device) */
  index: number;
  /** ndm_state: NUD_* as a name when a single state ('reachable', 'permanent', ...), else the number (see {@link neighStateNames}) */
  state: NeighStateName | number;
  /** ndm_flags: NTF_* (see {@link neighFlagNames}) */
  flags: number;
  /** ndm_type: RTN_* of the address ('unicast', 'multicast', ...) */
  type: RouteTypeName | number;
}

/** A neighbour / FDB entry as the kernel reports it. */
export interface Neighbour extends NdMsg, NeighbourAttrs {}

export const neighPolicy: Policy = policy('NDA', U, [
  ['NDA_DST', 'dst', ip],
  ['NDA_LLADDR', 'lladdr', lladdr],
  ['NDA_CACHEINFO', 'cacheInfo', neighCacheInfo, { readOnly: true }],
  ['NDA_PROBES', 'probes', u32, { readOnly: true }],
  ['NDA_VLAN', 'vlan', u16],
  ['NDA_PORT', 'port', be16],
  ['NDA_VNI', 'vni', u32],
  ['NDA_IFINDEX', 'via', u32, IFINDEX],
  ['NDA_MASTER', 'master', u32, IFINDEX],
  ['NDA_LINK_NETNSID', 'linkNetnsId', s32],
  ['NDA_SRC_VNI', 'srcVni', u32],
  ['NDA_PROTOCOL', 'protocol', namedU8(PROTOCOLS)],
  ['NDA_NH_ID', 'nhId', u32],
  ['NDA_FDB_EXT_ATTRS', 'fdbExtAttrs', nested(fdbExtPolicy, { nestedFlag: true })],
  ['NDA_FLAGS_EXT', 'flagsExt', u32],
  ['NDA_NDM_STATE_MASK', 'stateMask', u16],
  ['NDA_NDM_FLAGS_MASK', 'flagsMask', u8],
]);

export const NDMSG_SIZE = 12;

/** Encode struct ndmsg (state and type may be names). */
export function writeNdMsg(w: Writer, h: Partial<NdMsg>): void {
  w.ensure(NDMSG_SIZE);
  w.u8(h.family ?? 0);
  w.u8(0);
  w.u16(0);
  w.s32(h.index ?? 0);
  w.u16(neighStateValue(h.state ?? 0));
  w.u8(h.flags ?? 0);
  w.u8(typeof h.type === 'string' ? ROUTE_TYPES.parse(h.type, 'type') : (h.type ?? 0));
}

/** Decode a neighbour message payload (ndmsg + attributes) at buf[off, end). */
export function decodeNeighbour(buf: Buffer, off: number, end: number, opts?: DecodeOptions): Neighbour {
  if (end - off < NDMSG_SIZE) throw new DecodeError(`ndmsg needs ${NDMSG_SIZE} bytes, have ${end - off}`, off, 'ndmsg');
  const n = decodeAttrs<Neighbour>(buf, off + NDMSG_SIZE, end, neighPolicy, neighPolicy.name, opts);
  n.family = buf[off]!;
  n.index = buf.readInt32LE(off + 4);
  n.state = neighStateName(buf.readUInt16LE(off + 8));
  n.flags = buf[off + 10]!;
  n.type = ROUTE_TYPES.name(buf[off + 11]!);
  return n;
}

/** Encode a neighbour (header + attributes) as a message payload. */
export function encodeNeighbour(w: Writer, n: Partial<Neighbour>): void {
  writeNdMsg(w, n);
  encodeAttrsSkippingDerived(w, neighPolicy, n as Record<string, unknown>);
}

/** The RTM_*NEIGH messages of the NETLINK_ROUTE protocol (its schema table is in schema.ts). */
export const neighSchema: RouteSchema<Partial<Neighbour>> = {
  types: [U.RTM_NEWNEIGH, U.RTM_DELNEIGH, U.RTM_GETNEIGH],
  name: 'neigh',
  headerSize: NDMSG_SIZE,
  policy: neighPolicy,
  decode: (buf, off, end, _type, opts) => decodeNeighbour(buf, off, end, opts),
  encode: (w, obj) => encodeNeighbour(w, obj as Partial<Neighbour>),
};

declare module './monitor.js' {
  interface MonitorObjectMap {
    /** RTM_NEWNEIGH / RTM_DELNEIGH events (group 'neigh'; kind = the schema's name) */
    neigh: Neighbour;
  }
}
