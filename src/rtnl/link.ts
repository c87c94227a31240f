/**
 * Links: struct ifinfomsg + IFLA_* attributes, decoded into a typed {@link Link}.
 * @module
 */
import {
  binary,
  bool8,
  decodeAttrs,
  type DecodeOptions,
  encodeAttrs,
  enumOf,
  lladdr,
  nested,
  NOFIT,
  policy,
  s32,
  string,
  stringMax,
  struct,
  u16,
  u32,
  u64,
  u8,
  readU64,
  Policy,
  type AttrSetBase,
  type Codec,
  type PathSource,
  WIRE,
  moreConsts,
} from '../netlink/attr.js';
import { NLA_TYPE_MASK } from '../netlink/constants.js';
import { ArgumentError, DecodeError } from '../netlink/errors.js';
import { Writer } from '../netlink/writer.js';
import { checkRange } from '../netlink/message.js';
import { afSpecPolicyFor, protinfoPolicyFor, type BridgeAfSpec, type Inet6Info, type LinkAfSpec } from './afspec.js';
import type { BridgePortOptions } from './kinds/bridge.js';
import { bounded } from './kinds/common.js';
import { getKind, type KnownKind } from './kinds/registry.js';
import type { RouteSchema } from './schema.js';
import { UAPI as U } from './uapi.js';
import { IFINDEX, ifname } from './ifname.js';

/** Newer IFLA_* numbers than the installed 6.1 uapi headers know (from kernel 6.2..6.18 if_link.h). */
export const IFLA_DEVLINK_PORT = 62;
export const IFLA_GSO_IPV4_MAX_SIZE = 63;
export const IFLA_GRO_IPV4_MAX_SIZE = 64;
export const IFLA_DPLL_PIN = 65;
export const IFLA_MAX_PACING_OFFLOAD_HORIZON = 66;
export const IFLA_NETNS_IMMUTABLE = 67;
export const IFLA_HEADROOM = 68;
export const IFLA_TAILROOM = 69;

const IFLA_CONSTS = moreConsts(U, { IFLA_DEVLINK_PORT, IFLA_GSO_IPV4_MAX_SIZE, IFLA_GRO_IPV4_MAX_SIZE, IFLA_DPLL_PIN, IFLA_MAX_PACING_OFFLOAD_HORIZON, IFLA_NETNS_IMMUTABLE, IFLA_HEADROOM, IFLA_TAILROOM });

/** IF_OPER_* as names (RFC 2863). */
export type OperState = 'unknown' | 'notpresent' | 'down' | 'lowerlayerdown' | 'testing' | 'dormant' | 'up';
export const operState = enumOf<OperState>(u8, {
  0: 'unknown',
  1: 'notpresent',
  2: 'down',
  3: 'lowerlayerdown',
  4: 'testing',
  5: 'dormant',
  6: 'up',
});

/** Variable-width unsigned integer (NLA_UINT: u32 or u64 on the wire), as bigint. */
export const uint: Codec<bigint> = {
  name: 'uint',
  decode: (b, o, len, ctx) => {
    if (len === 4) {
      ctx.variant = 1;
      return BigInt(b.readUInt32LE(o));
    }
    if (len === 8) return readU64(b, o);
    return NOFIT;
  },
  encode: (w, v, variant) => {
    if (variant === 1 || (variant === 0 && v <= 0xffffffffn)) w.u32(Number(v));
    else w.u64(v);
  },
  check: u64.check,
};

const STATS_FIELDS = [
  'rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxErrors', 'txErrors', 'rxDropped', 'txDropped', 'multicast',
  'collisions', 'rxLengthErrors', 'rxOverErrors', 'rxCrcErrors', 'rxFrameErrors', 'rxFifoErrors', 'rxMissedErrors',
  'txAbortedErrors', 'txCarrierErrors', 'txFifoErrors', 'txHeartbeatErrors', 'txWindowErrors', 'rxCompressed',
  'txCompressed', 'rxNohandler',
] as const;

/** struct rtnl_link_stats64 (IFLA_STATS64); counters are bigint. Fields a kernel does not send are absent. */
export type LinkStats64 = { [K in (typeof STATS_FIELDS)[number] | 'rxOtherhostDropped']?: bigint };
/** struct rtnl_link_stats (IFLA_STATS, 32-bit counters). */
export type LinkStats = { [K in (typeof STATS_FIELDS)[number]]?: number };

export const stats64 = struct<LinkStats64>('rtnl_link_stats64', [...STATS_FIELDS.map((f) => [f, 'u64'] as [string, 'u64']), ['rxOtherhostDropped', 'u64']]);
export const stats32 = struct<LinkStats>('rtnl_link_stats', STATS_FIELDS.map((f) => [f, 'u32'] as [string, 'u32']));

/** struct rtnl_link_ifmap (IFLA_MAP). */
export interface LinkIfmap {
  memStart?: bigint;
  memEnd?: bigint;
  baseAddr?: bigint;
  irq?: number;
  dma?: number;
  port?: number;
}
const ifmap = struct<LinkIfmap>('rtnl_link_ifmap', [
  ['memStart', 'u64'],
  ['memEnd', 'u64'],
  ['baseAddr', 'u64'],
  ['irq', 'u16'],
  ['dma', 'u8'],
  ['port', 'u8'],
  ['_pad', 'pad32'],
]);

/** IFLA_PROP_LIST */
export interface LinkPropList extends AttrSetBase {
  /** IFLA_ALT_IFNAME (repeated): alternative names. */
  altNames?: string[];
}
export const propListPolicy = policy('IFLA_PROP', IFLA_CONSTS, [['IFLA_ALT_IFNAME', 'altNames', string, { multi: true }]]);

/** IFLA_LINKINFO */
export interface LinkInfo extends AttrSetBase {
  /** IFLA_INFO_KIND: 'veth', 'bridge', 'vxlan', ... */
  kind?: KnownKind | (string & {});
  /** IFLA_INFO_DATA: kind-specific options, decoded with the kind's policy. */
  data?: Record<string, unknown>;
  /** IFLA_INFO_XSTATS: kind-specific extended stats (raw). */
  xstats?: Uint8Array;
  /** IFLA_INFO_SLAVE_KIND: kind of the master this device is enslaved to ('bridge', 'bond', ...). */
  slaveKind?: string;
  /** IFLA_INFO_SLAVE_DATA: per-port options of the master's kind (e.g. IFLA_BRPORT_*). */
  slaveData?: Record<string, unknown>;
}

export const linkInfoPolicy: Policy = policy('IFLA_INFO', IFLA_CONSTS, [
  ['IFLA_INFO_KIND', 'kind', string],
  ['IFLA_INFO_DATA', 'data', nested((p) => getKind(p.kind)?.data, { name: 'nested(IFLA_<KIND>_*)' })],
  ['IFLA_INFO_XSTATS', 'xstats', binary],
  ['IFLA_INFO_SLAVE_KIND', 'slaveKind', string],
  ['IFLA_INFO_SLAVE_DATA', 'slaveData', nested((p) => getKind(p.slaveKind)?.slaveData, { name: 'nested(IFLA_<KIND>_SLAVE_*)' })],
]);

/** IFLA_XDP */
export const xdpPolicy = policy('IFLA_XDP', IFLA_CONSTS, [
  ['IFLA_XDP_FD', 'fd', s32],
  ['IFLA_XDP_ATTACHED', 'attached', u8],
  ['IFLA_XDP_FLAGS', 'flags', u32],
  ['IFLA_XDP_PROG_ID', 'progId', u32],
  ['IFLA_XDP_DRV_PROG_ID', 'drvProgId', u32],
  ['IFLA_XDP_SKB_PROG_ID', 'skbProgId', u32],
  ['IFLA_XDP_HW_PROG_ID', 'hwProgId', u32],
  ['IFLA_XDP_EXPECTED_FD', 'expectedFd', s32],
]);

/** Top-level IFLA_* attributes of a link message. */
export interface LinkAttrs extends AttrSetBase {
  /** IFLA_IFNAME */
  name?: string;
  /** IFLA_ADDRESS: link-layer address, lower-case "aa:bb:cc:dd:ee:ff". */
  address?: string;
  /** IFLA_BROADCAST */
  broadcast?: string;
  /** IFLA_MTU */
  mtu?: number;
  /** IFLA_LINK: index of the lower device (e.g. the veth peer, the vxlan/vlan parent). */
  link?: number;
  /** IFLA_QDISC */
  qdisc?: string;
  /** IFLA_STATS (32-bit counters) */
  stats?: LinkStats;
  /** IFLA_COST */
  cost?: Uint8Array;
  /** IFLA_PRIORITY */
  priority?: Uint8Array;
  /** IFLA_MASTER: index of the master device (bridge, bond, vrf). */
  master?: number;
  /** IFLA_WIRELESS */
  wireless?: Uint8Array;
  /** IFLA_PROTINFO: protocol specific (AF_BRIDGE messages: IFLA_BRPORT_*, AF_INET6 messages: IFLA_INET6_*); see {@link AnyLink} for the narrowed forms. */
  protinfo?: BridgePortOptions | Inet6Info | Uint8Array;
  /** IFLA_TXQLEN */
  txQueueLen?: number;
  /** IFLA_MAP */
  map?: LinkIfmap;
  /** IFLA_WEIGHT */
  weight?: number;
  /** IFLA_OPERSTATE (RFC 2863) */
  operState?: OperState | number;
  /** IFLA_LINKMODE: 0 default, 1 dormant, 2 testing */
  linkMode?: number;
  /** IFLA_LINKINFO */
  linkInfo?: LinkInfo;
  /** IFLA_NET_NS_PID (request only) */
  netnsPid?: number;
  /** IFLA_IFALIAS: at most 254 bytes (sent NUL-terminated; IFALIASZ is 256); '' removes the alias */
  alias?: string;
  /** IFLA_NUM_VF */
  numVf?: number;
  /** IFLA_VFINFO_LIST (raw) */
  vfInfoList?: Uint8Array;
  /** IFLA_STATS64 */
  stats64?: LinkStats64;
  /** IFLA_VF_PORTS (raw) */
  vfPorts?: Uint8Array;
  /** IFLA_PORT_SELF (raw) */
  portSelf?: Uint8Array;
  /**
   * IFLA_AF_SPEC: per address family. In AF_UNSPEC messages a {@link LinkAfSpec}
   * ({ inet, inet6, mctp }); in AF_BRIDGE messages a {@link BridgeAfSpec}
   * (VLAN info).
   */
  afSpec?: LinkAfSpec | BridgeAfSpec;
  /** IFLA_GROUP */
  group?: number;
  /** IFLA_NET_NS_FD (request only) */
  netnsFd?: number;
  /** IFLA_EXT_MASK (request only): RTEXT_FILTER_* */
  extMask?: number;
  /** IFLA_PROMISCUITY */
  promiscuity?: number;
  /** IFLA_NUM_TX_QUEUES: 1..4096, at creation */
  numTxQueues?: number;
  /** IFLA_NUM_RX_QUEUES: 1..4096, at creation */
  numRxQueues?: number;
  /** IFLA_CARRIER */
  carrier?: boolean | number;
  /** IFLA_PHYS_PORT_ID */
  physPortId?: Uint8Array;
  /** IFLA_CARRIER_CHANGES */
  carrierChanges?: number;
  /** IFLA_PHYS_SWITCH_ID */
  physSwitchId?: Uint8Array;
  /** IFLA_LINK_NETNSID: namespace id (as seen from this namespace) of the namespace IFLA_LINK lives in. */
  linkNetnsId?: number;
  /** IFLA_PHYS_PORT_NAME */
  physPortName?: string;
  /** IFLA_PROTO_DOWN */
  protoDown?: boolean | number;
  /** IFLA_GSO_MAX_SEGS */
  gsoMaxSegs?: number;
  /** IFLA_GSO_MAX_SIZE */
  gsoMaxSize?: number;
  /** IFLA_PAD */
  pad?: Uint8Array;
  /** IFLA_XDP */
  xdp?: Record<string, unknown>;
  /** IFLA_EVENT (notifications): IFLA_EVENT_* */
  event?: number;
  /** IFLA_NEW_NETNSID */
  newNetnsId?: number;
  /** IFLA_TARGET_NETNSID */
  targetNetnsId?: number;
  /** IFLA_CARRIER_UP_COUNT */
  carrierUpCount?: number;
  /** IFLA_CARRIER_DOWN_COUNT */
  carrierDownCount?: number;
  /** IFLA_NEW_IFINDEX: requested index on create / move */
  newIfindex?: number;
  /** IFLA_MIN_MTU */
  minMtu?: number;
  /** IFLA_MAX_MTU */
  maxMtu?: number;
  /** IFLA_PROP_LIST */
  propList?: LinkPropList;
  /** IFLA_ALT_IFNAME (top level: used to address a link by alternative name) */
  altName?: string;
  /** IFLA_PERM_ADDRESS */
  permAddress?: string;
  /** IFLA_PROTO_DOWN_REASON (raw) */
  protoDownReason?: Uint8Array;
  /** IFLA_PARENT_DEV_NAME */
  parentDevName?: string;
  /** IFLA_PARENT_DEV_BUS_NAME */
  parentDevBusName?: string;
  /** IFLA_GRO_MAX_SIZE */
  groMaxSize?: number;
  /** IFLA_TSO_MAX_SIZE */
  tsoMaxSize?: number;
  /** IFLA_TSO_MAX_SEGS */
  tsoMaxSegs?: number;
  /** IFLA_ALLMULTI */
  allmulti?: number;
  /** IFLA_DEVLINK_PORT (raw) */
  devlinkPort?: Uint8Array;
  /** IFLA_GSO_IPV4_MAX_SIZE */
  gsoIpv4MaxSize?: number;
  /** IFLA_GRO_IPV4_MAX_SIZE */
  groIpv4MaxSize?: number;
  /** IFLA_DPLL_PIN (raw) */
  dpllPin?: Uint8Array;
  /** IFLA_MAX_PACING_OFFLOAD_HORIZON (ns) */
  maxPacingOffloadHorizon?: bigint;
  /** IFLA_NETNS_IMMUTABLE */
  netnsImmutable?: boolean | number;
  /** IFLA_HEADROOM */
  headroom?: number;
  /** IFLA_TAILROOM */
  tailroom?: number;
}

/** struct ifinfomsg */
export interface IfInfoMsg {
  /** ifi_family: AF_UNSPEC (0) usually, AF_BRIDGE (7) for bridge port/vlan messages */
  family: number;
  /** ifi_type: ARPHRD_* (1 = ether, 772 = loopback, 65534 = none) */
  type: number;
  /** ifi_index */
  index: number;
  /** ifi_flags: IFF_* */
  flags: number;
  /** ifi_change: IFF_* mask of flags to change (requests) / changed (events) */
  change: number;
}

/** What every link message has: ifinfomsg fields but the family, the IFLA_* attributes but the family-specific two, the derived fields. */
export interface LinkFields extends Omit<IfInfoMsg, 'family'>, Omit<LinkAttrs, 'afSpec' | 'protinfo'> {
  /** IFLA_IFNAME (always present in kernel messages). */
  name: string;
  /** Derived: linkInfo.kind ('veth', 'bridge', ...); undefined for devices without rtnl_link_ops (lo, physical NICs). */
  kind?: KnownKind | (string & {});
  /** Derived: linkInfo.slaveKind when enslaved. */
  slaveKind?: string;
  /** Derived: IFF_UP is set in flags. */
  up: boolean;
}

/**
 * Check a device address for an Ethernet-like device (IFLA_ADDRESS of veth,
 * bridge, vxlan, macvlan...): 6 bytes, not a group (multicast/broadcast)
 * address, not all zeros - what the kernel's is_valid_ether_addr() demands
 * (the kinds' validate hooks answer EADDRNOTAVAIL, eth_validate_addr() at
 * `up` too). `v` is the normalized string from the lladdr codec.
 */
export function checkEtherDeviceAddress(v: string, field: string, kind: string): void {
  const b = v.split(':').map((x) => parseInt(x, 16));
  if (b.length !== 6) throw new ArgumentError(field, `"${v}" is not a 6-byte Ethernet address, which a ${kind} link needs`);
  if (b[0]! & 1) throw new ArgumentError(field, `"${v}" is a multicast (group) address; a ${kind} device needs a unicast address (the lowest bit of the first byte clear)`);
  if (b.every((x) => x === 0)) throw new ArgumentError(field, `"${v}" (all zeros) is not a valid ${kind} device address`);
}

/**
 * IFLA_IFALIAS: at most 254 bytes. The attribute we send is NUL-terminated, and
 * the kernel refuses a 256-byte payload (IFALIASZ: text and NUL), so 254 bytes
 * of text is the most that fits (iproute2 sends no NUL and gets 255).
 */
const alias = stringMax(U.IFALIASZ - 2, 'an interface alias');
/** IFLA_NUM_TX_QUEUES / IFLA_NUM_RX_QUEUES: rtnl_create_link() accepts 1..4096. */
const queueCount = bounded(u32, 1, 4096, 'a queue count');

/**
 * A network interface as the kernel reports it in an AF_UNSPEC message:
 * what links.list(), links.get() and links.add() return. IFLA_AF_SPEC holds
 * the per-family settings ({ inet, inet6, mctp }).
 */
export interface Link extends LinkFields {
  /** ifi_family: AF_UNSPEC */
  family: 0;
  /** IFLA_AF_SPEC: per address family (inet devconf, inet6 flags/token/addrGenMode, mctp). */
  afSpec?: LinkAfSpec;
  /** IFLA_PROTINFO: not sent in AF_UNSPEC messages; kept raw if it ever is. */
  protinfo?: Uint8Array;
}

/**
 * A link in an AF_BRIDGE message (links.list({ family: AF_BRIDGE }), bridge
 * port events): IFLA_AF_SPEC holds the port's VLANs, IFLA_PROTINFO its
 * IFLA_BRPORT_* settings.
 */
export interface BridgeLink extends LinkFields {
  /** ifi_family: AF_BRIDGE (7) */
  family: 7;
  /** IFLA_AF_SPEC: IFLA_BRIDGE_* (VLAN info, flags). */
  afSpec?: BridgeAfSpec;
  /** IFLA_PROTINFO: IFLA_BRPORT_* of a bridge port. */
  protinfo?: BridgePortOptions;
}

/** A link in an AF_INET6 message (links.list({ family: AF_INET6 }), IPv6 RA events): IFLA_PROTINFO holds IFLA_INET6_*. */
export interface Inet6Link extends LinkFields {
  /** ifi_family: AF_INET6 (10) */
  family: 10;
  /** Not sent in AF_INET6 messages. */
  afSpec?: undefined;
  /** IFLA_PROTINFO: IFLA_INET6_* (flags, token, addrGenMode, counters). */
  protinfo?: Inet6Info;
}

/** A link message of another family: IFLA_AF_SPEC and IFLA_PROTINFO have no known layout there and are kept raw in `unknown`. */
export interface OtherFamilyLink extends LinkFields {
  family: number;
  afSpec?: undefined;
  protinfo?: undefined;
}

/**
 * A decoded link message of any family (decodeLink(), monitor 'link'
 * events): test `family` to narrow `afSpec` and `protinfo`:
 * `if (l.family === 0) l.afSpec?.inet6?.addrGenMode`.
 */
export type AnyLink = Link | BridgeLink | Inet6Link | OtherFamilyLink;

export const linkPolicy: Policy = policy('IFLA', IFLA_CONSTS, [
  ['IFLA_ADDRESS', 'address', lladdr],
  ['IFLA_BROADCAST', 'broadcast', lladdr],
  ['IFLA_IFNAME', 'name', ifname],
  ['IFLA_MTU', 'mtu', u32],
  ['IFLA_LINK', 'link', u32, IFINDEX],
  ['IFLA_QDISC', 'qdisc', string],
  ['IFLA_STATS', 'stats', stats32, { readOnly: true }],
  ['IFLA_COST', 'cost', binary],
  ['IFLA_PRIORITY', 'priority', binary],
  ['IFLA_MASTER', 'master', u32, IFINDEX],
  ['IFLA_WIRELESS', 'wireless', binary, { readOnly: true }],
  // AF_UNSPEC messages carry no IFLA_PROTINFO; family-specific decoding is in familyPolicy().
  ['IFLA_PROTINFO', 'protinfo', binary],
  ['IFLA_TXQLEN', 'txQueueLen', u32],
  ['IFLA_MAP', 'map', ifmap],
  ['IFLA_WEIGHT', 'weight', u32],
  ['IFLA_OPERSTATE', 'operState', operState],
  ['IFLA_LINKMODE', 'linkMode', u8],
  ['IFLA_LINKINFO', 'linkInfo', nested(linkInfoPolicy)],
  ['IFLA_NET_NS_PID', 'netnsPid', u32],
  ['IFLA_IFALIAS', 'alias', alias],
  ['IFLA_NUM_VF', 'numVf', u32, { readOnly: true }],
  ['IFLA_VFINFO_LIST', 'vfInfoList', binary],
  ['IFLA_STATS64', 'stats64', stats64, { readOnly: true }],
  ['IFLA_VF_PORTS', 'vfPorts', binary],
  ['IFLA_PORT_SELF', 'portSelf', binary],
  // per-family nests (AF_INET, AF_INET6, AF_MCTP): afspec.ts; families it does not know are kept raw in `unknown`
  ['IFLA_AF_SPEC', 'afSpec', nested(() => afSpecPolicyFor(0), { name: 'nested(AF_*)' })],
  ['IFLA_GROUP', 'group', u32],
  ['IFLA_NET_NS_FD', 'netnsFd', s32],
  ['IFLA_EXT_MASK', 'extMask', u32],
  ['IFLA_PROMISCUITY', 'promiscuity', u32, { readOnly: true }],
  ['IFLA_NUM_TX_QUEUES', 'numTxQueues', queueCount],
  ['IFLA_NUM_RX_QUEUES', 'numRxQueues', queueCount],
  ['IFLA_CARRIER', 'carrier', bool8],
  ['IFLA_PHYS_PORT_ID', 'physPortId', binary, { readOnly: true }],
  ['IFLA_CARRIER_CHANGES', 'carrierChanges', u32, { readOnly: true }],
  ['IFLA_PHYS_SWITCH_ID', 'physSwitchId', binary, { readOnly: true }],
  ['IFLA_LINK_NETNSID', 'linkNetnsId', s32],
  ['IFLA_PHYS_PORT_NAME', 'physPortName', string, { readOnly: true }],
  ['IFLA_PROTO_DOWN', 'protoDown', bool8],
  ['IFLA_GSO_MAX_SEGS', 'gsoMaxSegs', u32],
  ['IFLA_GSO_MAX_SIZE', 'gsoMaxSize', u32],
  ['IFLA_PAD', 'pad', binary, { readOnly: true }],
  ['IFLA_XDP', 'xdp', nested(xdpPolicy)],
  ['IFLA_EVENT', 'event', u32, { readOnly: true }],
  ['IFLA_NEW_NETNSID', 'newNetnsId', s32],
  ['IFLA_TARGET_NETNSID', 'targetNetnsId', s32],
  ['IFLA_CARRIER_UP_COUNT', 'carrierUpCount', u32, { readOnly: true }],
  ['IFLA_CARRIER_DOWN_COUNT', 'carrierDownCount', u32, { readOnly: true }],
  ['IFLA_NEW_IFINDEX', 'newIfindex', s32],
  ['IFLA_MIN_MTU', 'minMtu', u32, { readOnly: true }],
  ['IFLA_MAX_MTU', 'maxMtu', u32, { readOnly: true }],
  ['IFLA_PROP_LIST', 'propList', nested(propListPolicy), { nestedFlag: true }],
  ['IFLA_ALT_IFNAME', 'altName', string],
  ['IFLA_PERM_ADDRESS', 'permAddress', lladdr, { readOnly: true }],
  ['IFLA_PROTO_DOWN_REASON', 'protoDownReason', binary],
  ['IFLA_PARENT_DEV_NAME', 'parentDevName', string, { readOnly: true }],
  ['IFLA_PARENT_DEV_BUS_NAME', 'parentDevBusName', string, { readOnly: true }],
  ['IFLA_GRO_MAX_SIZE', 'groMaxSize', u32],
  ['IFLA_TSO_MAX_SIZE', 'tsoMaxSize', u32, { readOnly: true }],
  ['IFLA_TSO_MAX_SEGS', 'tsoMaxSegs', u32, { readOnly: true }],
  ['IFLA_ALLMULTI', 'allmulti', u32, { readOnly: true }],
  ['IFLA_DEVLINK_PORT', 'devlinkPort', binary, { readOnly: true }],
  ['IFLA_GSO_IPV4_MAX_SIZE', 'gsoIpv4MaxSize', u32],
  ['IFLA_GRO_IPV4_MAX_SIZE', 'groIpv4MaxSize', u32],
  ['IFLA_DPLL_PIN', 'dpllPin', binary, { readOnly: true }],
  ['IFLA_MAX_PACING_OFFLOAD_HORIZON', 'maxPacingOffloadHorizon', uint, { readOnly: true }],
  ['IFLA_NETNS_IMMUTABLE', 'netnsImmutable', bool8, { readOnly: true }],
  ['IFLA_HEADROOM', 'headroom', u16, { readOnly: true }],
  ['IFLA_TAILROOM', 'tailroom', u16, { readOnly: true }],
]);

export const IFINFOMSG_SIZE = 16;

/** Encode struct ifinfomsg. */
export function writeIfInfoMsg(w: Writer, h: Partial<IfInfoMsg>): void {
  w.ensure(IFINFOMSG_SIZE);
  w.u8(h.family ?? 0);
  w.u8(0);
  w.u16(h.type ?? 0);
  w.s32(h.index ?? 0);
  w.u32(h.flags ?? 0);
  w.u32(h.change ?? 0);
}

/** Decode a link message payload (ifinfomsg + attributes) at buf[off, end). Narrow the result on `family`. */
export function decodeLink(buf: Buffer, off: number, end: number, opts?: DecodeOptions): AnyLink {
  checkRange(buf, off, end);
  return decodeLinkAt(buf, off, end, undefined, opts);
}

/** decodeLink, with the attribute path of a nested ifinfomsg (a veth peer) for errors. */
function decodeLinkAt(buf: Buffer, off: number, end: number, path: PathSource | undefined, opts?: DecodeOptions): AnyLink {
  if (end - off < IFINFOMSG_SIZE) throw new DecodeError(`ifinfomsg needs 16 bytes, have ${end - off}`, off, 'ifinfomsg');
  const family = buf[off]!;
  const pol = family === 0 ? linkPolicy : familyPolicy(family);
  const attrs = decodeAttrs<LinkAttrs>(buf, off + IFINFOMSG_SIZE, end, pol, path ?? pol.name, opts);
  const link = attrs as OtherFamilyLink;
  link.family = family;
  link.type = buf.readUInt16LE(off + 2);
  link.index = buf.readInt32LE(off + 4);
  link.flags = buf.readUInt32LE(off + 8);
  link.change = buf.readUInt32LE(off + 12);
  const info = link.linkInfo;
  if (info?.kind !== undefined) link.kind = info.kind;
  if (info?.slaveKind !== undefined) link.slaveKind = info.slaveKind;
  link.up = (link.flags & U.IFF_UP) !== 0;
  if (link.name === undefined) link.name = '';
  return link as AnyLink;
}

const familyPolicies = new Map<number, Policy>();
/** The IFLA policy with IFLA_PROTINFO and IFLA_AF_SPEC resolved for a message family (0, AF_BRIDGE, AF_INET6, ...). */
export function linkPolicyFor(family: number): Policy {
  return family === 0 ? linkPolicy : familyPolicy(family);
}
function familyPolicy(family: number): Policy {
  let p = familyPolicies.get(family);
  if (p) return p;
  const specs = [...linkPolicy.byName.values()].map((s) =>
    s.uapi === 'IFLA_PROTINFO'
      ? { ...s, codec: nested(() => protinfoPolicyFor(family), { name: 'nested(IFLA_PROTINFO)' }) }
      : s.uapi === 'IFLA_AF_SPEC'
        ? { ...s, codec: nested(() => afSpecPolicyFor(family), { name: 'nested(IFLA_AF_SPEC)' }) }
        : s,
  );
  p = new Policy('IFLA', specs);
  familyPolicies.set(family, p);
  return p;
}

/** Encode a link (header + attributes) as a message payload. */
export function encodeLink(w: Writer, link: Partial<AnyLink>): void {
  if (!(w instanceof Writer)) throw new ArgumentError('w', 'expected a Writer');
  if (typeof link !== 'object' || link === null || Array.isArray(link)) throw new ArgumentError('link', 'expected a link object');
  writeIfInfoMsg(w, link);
  let attrs = link as Record<string, unknown>;
  // decodeLink() fills name '' when IFLA_IFNAME was absent (a request by
  // index, a dump request): not an attribute to put back on the wire.
  const wire = (link as Record<symbol, unknown>)[WIRE] as number[] | undefined;
  if (link.name === '' && wire && !wire.some((e) => e < 1 << 24 /* not an entry of `unknown` */ && (e & NLA_TYPE_MASK) === U.IFLA_IFNAME)) {
    attrs = { ...attrs };
    delete attrs.name;
  }
  encodeAttrs(w, link.family ? familyPolicy(link.family) : linkPolicy, attrs);
}

/**
 * VETH_INFO_PEER / VXCAN_INFO_PEER payload: a struct ifinfomsg followed by
 * IFLA_* attributes of the peer.
 */
export const peerCodec: Codec<Partial<AnyLink>> = {
  name: 'ifinfomsg + IFLA_*',
  decode: (b, o, len, ctx) => {
    if (len < IFINFOMSG_SIZE) return NOFIT;
    return decodeLinkAt(b, o, o + len, ctx);
  },
  encode: (w, v) => encodeLink(w, v),
  check: (v, f) => {
    if (typeof v !== 'object' || v === null) throw new ArgumentError(f, 'expected peer options');
    return v as Partial<AnyLink>;
  },
};

/** The RTM_*LINK messages of the NETLINK_ROUTE protocol (its schema table is in schema.ts). */
export const linkSchema: RouteSchema<Partial<AnyLink>> = {
  types: [U.RTM_NEWLINK, U.RTM_DELLINK, U.RTM_GETLINK, U.RTM_SETLINK],
  name: 'link',
  headerSize: IFINFOMSG_SIZE,
  policy: linkPolicy,
  decode: (buf, off, end, _type, opts) => decodeLink(buf, off, end, opts),
  encode: (w, obj) => encodeLink(w, obj as Partial<AnyLink>),
};

/** IFF_* flag names, as `ip link` prints them. */
export const IFF_NAMES: Array<[number, string]> = [
  [U.IFF_UP, 'UP'],
  [U.IFF_BROADCAST, 'BROADCAST'],
  [U.IFF_DEBUG, 'DEBUG'],
  [U.IFF_LOOPBACK, 'LOOPBACK'],
  [U.IFF_POINTOPOINT, 'POINTOPOINT'],
  [U.IFF_NOTRAILERS, 'NOTRAILERS'],
  [U.IFF_RUNNING, 'RUNNING'],
  [U.IFF_NOARP, 'NOARP'],
  [U.IFF_PROMISC, 'PROMISC'],
  [U.IFF_ALLMULTI, 'ALLMULTI'],
  [U.IFF_MASTER, 'MASTER'],
  [U.IFF_SLAVE, 'SLAVE'],
  [U.IFF_MULTICAST, 'MULTICAST'],
  [U.IFF_PORTSEL, 'PORTSEL'],
  [U.IFF_AUTOMEDIA, 'AUTOMEDIA'],
  [U.IFF_DYNAMIC, 'DYNAMIC'],
  [U.IFF_LOWER_UP, 'LOWER_UP'],
  [U.IFF_DORMANT, 'DORMANT'],
  [U.IFF_ECHO, 'ECHO'],
];

/** Names of the IFF_* bits set in `flags`, e.g. ['UP', 'BROADCAST', 'MULTICAST']. */
export function linkFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of IFF_NAMES) if (flags & bit) out.push(name);
  return out;
}
