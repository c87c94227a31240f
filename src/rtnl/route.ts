/**
 * Routes: struct rtmsg + RTA_* attributes, decoded into a typed
 * {@link Route}. Registered for RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE.
 *
 * Conventions of the decoded object (all documented on the fields):
 * - `dst` is the prefix text "10.0.0.0/24" (RTA_DST + rtm_dst_len), or
 *   'default' when the kernel sent no RTA_DST and rtm_dst_len is 0;
 *   `from` likewise for RTA_SRC + rtm_src_len.
 * - `table` is RTA_TABLE (u32), or rtm_table when RTA_TABLE is absent.
 * - protocol / scope / type are names ('kernel', 'link', 'unicast') when
 *   known, numbers otherwise.
 * Values filled in by the decoder are skipped by the encoder, so decode ->
 * encode gives back the kernel's bytes.
 * @module
 */
import {
  binary,
  decodeAttrs,
  type DecodeOptions,
  encodeAttrs,
  ip,
  nested,
  NOFIT,
  policy,
  string,
  struct,
  u32,
  u8,
  be16,
  be32,
  type AttrSetBase,
  type Codec,
  type Policy,
  moreConsts,
} from '../netlink/attr.js';
import { AF_INET, AF_INET6 } from '../netlink/constants.js';
import { ArgumentError, DecodeError } from '../netlink/errors.js';
import { describe, formatIP, parseIP, parsePrefix } from '../netlink/ip.js';
import type { Writer } from '../netlink/writer.js';
import { namedU8 } from './addr.js';
import {
  encodeAttrsSkippingDerived,
  FlagTable,
  NameTable,
  PROTOCOLS,
  ROUTE_TYPES,
  SCOPES,
  setDerived,
  type ProtocolName,
  type RouteTypeName,
  type ScopeName,
} from './rtcommon.js';
import type { RouteSchema } from './schema.js';
import { UAPI as U } from './uapi.js';
import { IFINDEX } from './ifname.js';

/** RTA_* numbers newer than the 6.1 uapi headers (kernel 6.14+ rtnetlink.h). */
export const RTA_FLOWLABEL = 31;

const RTA_CONSTS = moreConsts(U, { RTA_FLOWLABEL });

// ------------------------------------------------------------------ codecs

/** RTA_DST / RTA_SRC payload: the address; the typed value carries "/len" (added by decodeRoute, stripped here). */
export const prefixAddr: Codec<string> = {
  name: 'ip (prefix)',
  decode: (b, o, len) => (len === 4 || len === 16 ? formatIP(b, o, len) : NOFIT),
  encode: (w, v) => {
    const slash = v.indexOf('/');
    w.bytes(parseIP(slash >= 0 ? v.slice(0, slash) : v)!.bytes);
  },
  check: (v, f) => {
    const p = parsePrefix(v as string, f);
    return `${p.address}/${p.prefixLen}`;
  },
};

/** struct rtvia (RTA_VIA): a next hop of another family, e.g. an IPv6 gateway for an IPv4 route. */
export interface RtVia {
  /** rtvia_family: AF_INET (2), AF_INET6 (10), or another AF_* (then `address` is hex). */
  family: number;
  /** rtvia_addr as text. */
  address: string;
}
export const viaCodec: Codec<RtVia> = {
  name: 'rtvia',
  decode: (b, o, len) => {
    if (len < 2) return NOFIT;
    const family = b.readUInt16LE(o);
    const n = len - 2;
    const address = (family === AF_INET && n === 4) || (family === AF_INET6 && n === 16) ? formatIP(b, o + 2, n) : b.toString('hex', o + 2, o + len);
    return { family, address };
  },
  encode: (w, v) => {
    w.u16(v.family);
    const ipb = parseIP(v.address);
    w.bytes(ipb ? ipb.bytes : Buffer.from(v.address, 'hex'));
  },
  check: (v, f) => {
    if (typeof v === 'string') {
      const r = parseIP(v);
      if (!r) throw new ArgumentError(f, `expected an IP address, got ${describe(v)}`);
      return { family: r.family === 4 ? AF_INET : AF_INET6, address: formatIP(r.bytes) };
    }
    const o = v as Partial<RtVia>;
    if (typeof o !== 'object' || o === null || typeof o.family !== 'number' || typeof o.address !== 'string') {
      throw new ArgumentError(f, `expected an address or { family, address }, got ${describe(v)}`);
    }
    return { family: o.family, address: o.address };
  },
};

/** RTAX_* metric names (RTA_METRICS). */
export type MetricName =
  | 'mtu' | 'window' | 'rtt' | 'rttvar' | 'ssthresh' | 'cwnd' | 'advmss' | 'reordering' | 'hoplimit'
  | 'initcwnd' | 'features' | 'rtoMin' | 'initrwnd' | 'quickack' | 'ccAlgo' | 'fastopenNoCookie';

const METRIC_BITS: Array<[number, MetricName]> = [
  [U.RTAX_MTU, 'mtu'],
  [U.RTAX_WINDOW, 'window'],
  [U.RTAX_RTT, 'rtt'],
  [U.RTAX_RTTVAR, 'rttvar'],
  [U.RTAX_SSTHRESH, 'ssthresh'],
  [U.RTAX_CWND, 'cwnd'],
  [U.RTAX_ADVMSS, 'advmss'],
  [U.RTAX_REORDERING, 'reordering'],
  [U.RTAX_HOPLIMIT, 'hoplimit'],
  [U.RTAX_INITCWND, 'initcwnd'],
  [U.RTAX_FEATURES, 'features'],
  [U.RTAX_RTO_MIN, 'rtoMin'],
  [U.RTAX_INITRWND, 'initrwnd'],
  [U.RTAX_QUICKACK, 'quickack'],
  [U.RTAX_CC_ALGO, 'ccAlgo'],
  [U.RTAX_FASTOPEN_NO_COOKIE, 'fastopenNoCookie'],
];
/** RTAX_LOCK bits: 1 << RTAX_<metric>, named by metric. */
export const METRIC_LOCKS = new FlagTable('locked metric', METRIC_BITS.map(([n, name]) => [1 << n, name] as const));

/** RTAX_LOCK: a bitmask (1 << RTAX_*); user input may also name the metrics: ['mtu', 'advmss']. */
const lockCodec: Codec<number> = { ...u32, name: 'u32 (1 << RTAX_*)', check: (v, f) => METRIC_LOCKS.parse(v, f) };

/** RTA_METRICS (RTAX_*): TCP/path metrics of a route. */
export interface RouteMetrics extends AttrSetBase {
  /** RTAX_LOCK: metrics the kernel must not change (bitmask 1 << RTAX_*; see {@link metricLockNames}). Input may be names. */
  lock?: number;
  /** RTAX_MTU */
  mtu?: number;
  /** RTAX_WINDOW */
  window?: number;
  /** RTAX_RTT: initial RTT estimate, in ms << 3 (kernel units, as stored). */
  rtt?: number;
  /** RTAX_RTTVAR: initial RTT variance, in ms << 2 (kernel units). */
  rttvar?: number;
  /** RTAX_SSTHRESH */
  ssthresh?: number;
  /** RTAX_CWND */
  cwnd?: number;
  /** RTAX_ADVMSS */
  advmss?: number;
  /** RTAX_REORDERING */
  reordering?: number;
  /** RTAX_HOPLIMIT */
  hoplimit?: number;
  /** RTAX_INITCWND */
  initcwnd?: number;
  /** RTAX_FEATURES: RTAX_FEATURE_* bits (1 = ecn) */
  features?: number;
  /** RTAX_RTO_MIN: in ms (kernel units) */
  rtoMin?: number;
  /** RTAX_INITRWND */
  initrwnd?: number;
  /** RTAX_QUICKACK */
  quickack?: number;
  /** RTAX_CC_ALGO: congestion control algorithm name ('cubic', 'bbr', ...) */
  ccAlgo?: string;
  /** RTAX_FASTOPEN_NO_COOKIE */
  fastopenNoCookie?: number;
}

export const metricsPolicy: Policy = policy('RTAX', U, [
  ['RTAX_LOCK', 'lock', lockCodec],
  ['RTAX_MTU', 'mtu', u32],
  ['RTAX_WINDOW', 'window', u32],
  ['RTAX_RTT', 'rtt', u32],
  ['RTAX_RTTVAR', 'rttvar', u32],
  ['RTAX_SSTHRESH', 'ssthresh', u32],
  ['RTAX_CWND', 'cwnd', u32],
  ['RTAX_ADVMSS', 'advmss', u32],
  ['RTAX_REORDERING', 'reordering', u32],
  ['RTAX_HOPLIMIT', 'hoplimit', u32],
  ['RTAX_INITCWND', 'initcwnd', u32],
  ['RTAX_FEATURES', 'features', u32],
  ['RTAX_RTO_MIN', 'rtoMin', u32],
  ['RTAX_INITRWND', 'initrwnd', u32],
  ['RTAX_QUICKACK', 'quickack', u32],
  ['RTAX_CC_ALGO', 'ccAlgo', string],
  ['RTAX_FASTOPEN_NO_COOKIE', 'fastopenNoCookie', u32],
]);

/** Names of the metrics locked in an RTAX_LOCK value. */
export function metricLockNames(lock: number): string[] {
  return METRIC_LOCKS.names(lock);
}

/** RTA_PREF (IPv6 router preference, ICMPV6_ROUTER_PREF_*). */
export type RoutePrefName = 'medium' | 'high' | 'low' | 'invalid';
export const ROUTE_PREFS = new NameTable<RoutePrefName>('route preference', { 0: 'medium', 1: 'high', 2: 'invalid', 3: 'low' });

/** RTA_ENCAP_TYPE (LWTUNNEL_ENCAP_*). */
export type EncapTypeName = 'none' | 'mpls' | 'ip' | 'ila' | 'ip6' | 'seg6' | 'bpf' | 'seg6local' | 'rpl' | 'ioam6' | 'xfrm';
export const ENCAP_TYPES = new NameTable<EncapTypeName>(
  'encap type',
  {
    [U.LWTUNNEL_ENCAP_NONE]: 'none',
    [U.LWTUNNEL_ENCAP_MPLS]: 'mpls',
    [U.LWTUNNEL_ENCAP_IP]: 'ip',
    [U.LWTUNNEL_ENCAP_ILA]: 'ila',
    [U.LWTUNNEL_ENCAP_IP6]: 'ip6',
    [U.LWTUNNEL_ENCAP_SEG6]: 'seg6',
    [U.LWTUNNEL_ENCAP_BPF]: 'bpf',
    [U.LWTUNNEL_ENCAP_SEG6_LOCAL]: 'seg6local',
    [U.LWTUNNEL_ENCAP_RPL]: 'rpl',
    [U.LWTUNNEL_ENCAP_IOAM6]: 'ioam6',
    [U.LWTUNNEL_ENCAP_XFRM]: 'xfrm',
  },
  {},
  0xffff,
);
const encapType: Codec<EncapTypeName | number> = {
  name: 'u16 (LWTUNNEL_ENCAP_*)',
  size: 2,
  decode: (b, o) => ENCAP_TYPES.name(b.readUInt16LE(o)),
  encode: (w, v) => w.u16(ENCAP_TYPES.parse(v, 'encapType')),
  check: (v, f) => ENCAP_TYPES.parse(v, f),
};

/** struct rta_cacheinfo (RTA_CACHEINFO). */
export interface RouteCacheInfo {
  clntref: number;
  /** rta_lastuse: jiffies (clock_t) since last use */
  lastuse: number;
  /** rta_expires: clock ticks until the route expires (0 = never) */
  expires: number;
  error: number;
  used: number;
  id: number;
  ts: number;
  tsage: number;
}
export const routeCacheInfo = struct<RouteCacheInfo>('rta_cacheinfo', [
  ['clntref', 'u32'],
  ['lastuse', 'u32'],
  ['expires', 's32'],
  ['error', 'u32'],
  ['used', 'u32'],
  ['id', 'u32'],
  ['ts', 'u32'],
  ['tsage', 'u32'],
]);

/** struct rta_mfc_stats (RTA_MFC_STATS, multicast routes). */
export interface MfcStats {
  packets: bigint;
  bytes: bigint;
  wrongIf: bigint;
}
const mfcStats = struct<MfcStats>('rta_mfc_stats', [
  ['packets', 'u64'],
  ['bytes', 'u64'],
  ['wrongIf', 'u64'],
]);

/** RTNH_F_* (rtnh_flags, and rtm_flags for single-path routes). */
export const NEXTHOP_FLAGS = new FlagTable('next-hop flag', [
  [U.RTNH_F_DEAD, 'dead'],
  [U.RTNH_F_PERVASIVE, 'pervasive'],
  [U.RTNH_F_ONLINK, 'onlink'],
  [U.RTNH_F_OFFLOAD, 'offload'],
  [U.RTNH_F_LINKDOWN, 'linkdown'],
  [U.RTNH_F_UNRESOLVED, 'unresolved'],
  [U.RTNH_F_TRAP, 'trap'],
]);

/** rtm_flags: RTNH_F_* in the low byte, RTM_F_* above. */
export const ROUTE_FLAGS = new FlagTable('route flag', [
  ...NEXTHOP_FLAGS.bits,
  [U.RTM_F_NOTIFY, 'notify'],
  [U.RTM_F_CLONED, 'cloned'],
  [U.RTM_F_EQUALIZE, 'equalize'],
  [U.RTM_F_PREFIX, 'prefix'],
  [U.RTM_F_LOOKUP_TABLE, 'lookup_table'],
  [U.RTM_F_FIB_MATCH, 'fib_match'],
  [U.RTM_F_OFFLOAD, 'rt_offload'],
  [U.RTM_F_TRAP, 'rt_trap'],
  [U.RTM_F_OFFLOAD_FAILED, 'rt_offload_failed'],
]);

/** Names of the bits of rtm_flags, e.g. ['onlink'], ['linkdown'], ['cloned']. */
export function routeFlagNames(flags: number): string[] {
  return ROUTE_FLAGS.names(flags);
}

/** Attributes inside one rtnexthop of RTA_MULTIPATH. */
export interface NexthopAttrs extends AttrSetBase {
  /** RTA_GATEWAY */
  gateway?: string;
  /** RTA_VIA */
  via?: RtVia;
  /** RTA_FLOW: realms */
  flow?: number;
  /** RTA_ENCAP_TYPE */
  encapType?: EncapTypeName | number;
  /** RTA_ENCAP (raw nested LWTUNNEL_* attributes) */
  encap?: Uint8Array;
  /** RTA_NEWDST (MPLS) */
  newdst?: Uint8Array;
}

/** One next hop of a multipath route (struct rtnexthop + attributes). */
export interface Nexthop extends NexthopAttrs {
  /** rtnh_flags: RTNH_F_* (see {@link routeFlagNames}) */
  flags: number;
  /** rtnh_hops: weight - 1 */
  hops: number;
  /** rtnh_ifindex */
  ifindex: number;
  /** Derived: hops + 1, as `ip route` shows and takes it. */
  weight: number;
}

export const nexthopPolicy: Policy = policy('RTA', RTA_CONSTS, [
  ['RTA_GATEWAY', 'gateway', ip],
  ['RTA_VIA', 'via', viaCodec],
  ['RTA_FLOW', 'flow', u32],
  ['RTA_ENCAP_TYPE', 'encapType', encapType],
  ['RTA_ENCAP', 'encap', binary],
  ['RTA_NEWDST', 'newdst', binary],
]);

/** RTA_MULTIPATH: an array of struct rtnexthop, each followed by its attributes. */
export const multipathCodec: Codec<Nexthop[]> = {
  name: 'rtnexthop[]',
  decode: (b, o, len, ctx) => {
    const out: Nexthop[] = [];
    const end = o + len;
    let p = o;
    while (end - p >= 8) {
      const nlen = b.readUInt16LE(p);
      if (nlen < 8 || p + nlen > end) throw new DecodeError(`rtnexthop length ${nlen} is invalid (${end - p} bytes left)`, p, ctx.path);
      const nh = decodeAttrs<Nexthop>(b, p + 8, p + nlen, nexthopPolicy, ctx.path + '/rtnexthop');
      nh.flags = b[p + 2]!;
      nh.hops = b[p + 3]!;
      nh.ifindex = b.readInt32LE(p + 4);
      nh.weight = nh.hops + 1;
      out.push(nh);
      p += (nlen + 3) & ~3;
    }
    if (p < end) return NOFIT; // trailing bytes: keep the whole attribute raw (lossless)
    return out;
  },
  encode: (w, v) => {
    for (const nh of v) {
      w.align4();
      const start = w.pos;
      w.u16(0);
      w.u8(nh.flags ?? 0);
      w.u8(nh.hops ?? (nh.weight !== undefined ? nh.weight - 1 : 0));
      w.s32(nh.ifindex ?? 0);
      encodeAttrs(w, nexthopPolicy, nh as unknown as Record<string, unknown>);
      w.buf.writeUInt16LE(w.pos - start, start);
    }
  },
  check: (v, f) => {
    if (!Array.isArray(v) || v.length === 0) throw new ArgumentError(f, `expected a non-empty array of next hops, got ${describe(v)}`);
    return v as Nexthop[];
  },
};

/** RTA_* attributes of a route message. */
export interface RouteAttrs extends AttrSetBase {
  /** RTA_DST + rtm_dst_len as "10.0.0.0/24"; 'default' when there is no RTA_DST and the length is 0. */
  dst?: string;
  /** RTA_SRC + rtm_src_len: source prefix ("from" in `ip route`). */
  from?: string;
  /** RTA_IIF: input interface index */
  iif?: number;
  /** RTA_OIF: output interface index */
  oif?: number;
  /** RTA_GATEWAY */
  gateway?: string;
  /** RTA_PRIORITY: the metric (`ip route ... metric N`) */
  priority?: number;
  /** RTA_PREFSRC: preferred source address (`ip route ... src A`) */
  prefsrc?: string;
  /** RTA_METRICS */
  metrics?: RouteMetrics;
  /** RTA_MULTIPATH */
  multipath?: Nexthop[];
  /** RTA_PROTOINFO (unused by the kernel) */
  protoinfo?: Uint8Array;
  /** RTA_FLOW: realms (`realm` in ip route) */
  flow?: number;
  /** RTA_CACHEINFO */
  cacheInfo?: RouteCacheInfo;
  /** RTA_SESSION (unused) */
  session?: Uint8Array;
  /** RTA_MP_ALGO (unused) */
  mpAlgo?: number;
  /** RTA_TABLE (u32); rtm_table when absent */
  table?: number;
  /** RTA_MARK: fwmark (route get) */
  mark?: number;
  /** RTA_MFC_STATS (multicast routes) */
  mfcStats?: MfcStats;
  /** RTA_VIA: next hop of another family */
  via?: RtVia;
  /** RTA_NEWDST (MPLS) */
  newdst?: Uint8Array;
  /** RTA_PREF: IPv6 router preference */
  pref?: RoutePrefName | number;
  /** RTA_ENCAP_TYPE */
  encapType?: EncapTypeName | number;
  /** RTA_ENCAP (raw LWTUNNEL_* attributes) */
  encap?: Uint8Array;
  /** RTA_EXPIRES: seconds (IPv6 requests) */
  expires?: number;
  /** RTA_PAD */
  pad?: Uint8Array;
  /** RTA_UID: uid for the lookup (route get) */
  uid?: number;
  /** RTA_TTL_PROPAGATE (MPLS) */
  ttlPropagate?: number;
  /** RTA_IP_PROTO (route get) */
  ipProto?: number;
  /** RTA_SPORT (route get) */
  sport?: number;
  /** RTA_DPORT (route get) */
  dport?: number;
  /** RTA_NH_ID: nexthop object id */
  nhId?: number;
  /** RTA_FLOWLABEL (IPv6 route get, kernel 6.14+) */
  flowlabel?: number;
}

/** struct rtmsg */
export interface RtMsg {
  /** rtm_family: AF_INET (2), AF_INET6 (10), RTNL_FAMILY_IPMR (128), ... */
  family: number;
  /** rtm_dst_len */
  dstLen: number;
  /** rtm_src_len */
  srcLen: number;
  /** rtm_tos */
  tos: number;
  /** rtm_table: the table id if < 256; else RT_TABLE_UNSPEC in requests and RT_TABLE_COMPAT (252) from the kernel (the id is in RTA_TABLE / `table`) */
  rtmTable: number;
  /** rtm_protocol: RTPROT_* ('kernel', 'boot', 'static', ...) */
  protocol: ProtocolName | number;
  /** rtm_scope: RT_SCOPE_* ('global', 'link', 'host', ...) */
  scope: ScopeName | number;
  /** rtm_type: RTN_* ('unicast', 'local', 'blackhole', ...) */
  type: RouteTypeName | number;
  /** rtm_flags: RTNH_F_* | RTM_F_* (see {@link routeFlagNames}) */
  flags: number;
}

/** A route as the kernel reports it. */
export interface Route extends RtMsg, RouteAttrs {
  /** 'default' or "prefix/len" */
  dst: string;
  /** Routing table id (RTA_TABLE, else rtm_table). */
  table: number;
}

export const routePolicy: Policy = policy('RTA', RTA_CONSTS, [
  ['RTA_DST', 'dst', prefixAddr],
  ['RTA_SRC', 'from', prefixAddr],
  ['RTA_IIF', 'iif', u32, IFINDEX],
  ['RTA_OIF', 'oif', u32, IFINDEX],
  ['RTA_GATEWAY', 'gateway', ip],
  ['RTA_PRIORITY', 'priority', u32],
  ['RTA_PREFSRC', 'prefsrc', ip],
  ['RTA_METRICS', 'metrics', nested(metricsPolicy)],
  ['RTA_MULTIPATH', 'multipath', multipathCodec],
  ['RTA_PROTOINFO', 'protoinfo', binary],
  ['RTA_FLOW', 'flow', u32],
  ['RTA_CACHEINFO', 'cacheInfo', routeCacheInfo, { readOnly: true }],
  ['RTA_SESSION', 'session', binary],
  ['RTA_MP_ALGO', 'mpAlgo', u32],
  ['RTA_TABLE', 'table', u32],
  ['RTA_MARK', 'mark', u32],
  ['RTA_MFC_STATS', 'mfcStats', mfcStats, { readOnly: true }],
  ['RTA_VIA', 'via', viaCodec],
  ['RTA_NEWDST', 'newdst', binary],
  ['RTA_PREF', 'pref', namedU8(ROUTE_PREFS)],
  ['RTA_ENCAP_TYPE', 'encapType', encapType],
  ['RTA_ENCAP', 'encap', binary],
  ['RTA_EXPIRES', 'expires', u32],
  ['RTA_PAD', 'pad', binary, { readOnly: true }],
  ['RTA_UID', 'uid', u32],
  ['RTA_TTL_PROPAGATE', 'ttlPropagate', u8],
  ['RTA_IP_PROTO', 'ipProto', u8],
  ['RTA_SPORT', 'sport', be16],
  ['RTA_DPORT', 'dport', be16],
  ['RTA_NH_ID', 'nhId', u32],
  ['RTA_FLOWLABEL', 'flowlabel', be32],
]);

export const RTMSG_SIZE = 12;

/** Encode struct rtmsg (names are accepted for protocol, scope and type). */
export function writeRtMsg(w: Writer, h: Partial<RtMsg>): void {
  w.ensure(RTMSG_SIZE);
  w.u8(h.family ?? 0);
  w.u8(h.dstLen ?? 0);
  w.u8(h.srcLen ?? 0);
  w.u8(h.tos ?? 0);
  w.u8(h.rtmTable ?? 0);
  w.u8(typeof h.protocol === 'string' ? PROTOCOLS.parse(h.protocol, 'protocol') : (h.protocol ?? 0));
  w.u8(typeof h.scope === 'string' ? SCOPES.parse(h.scope, 'scope') : (h.scope ?? 0));
  w.u8(typeof h.type === 'string' ? ROUTE_TYPES.parse(h.type, 'type') : (h.type ?? 0));
  w.u32(h.flags ?? 0);
}

function zeroAddr(family: number): string {
  return family === AF_INET6 ? '::' : '0.0.0.0';
}

/** Decode a route message payload (rtmsg + attributes) at buf[off, end). */
export function decodeRoute(buf: Buffer, off: number, end: number, opts?: DecodeOptions): Route {
  if (end - off < RTMSG_SIZE) throw new DecodeError(`rtmsg needs ${RTMSG_SIZE} bytes, have ${end - off}`, off, 'rtmsg');
  const r = decodeAttrs<Route>(buf, off + RTMSG_SIZE, end, routePolicy, routePolicy.name, opts);
  const family = buf[off]!;
  r.family = family;
  r.dstLen = buf[off + 1]!;
  r.srcLen = buf[off + 2]!;
  r.tos = buf[off + 3]!;
  r.rtmTable = buf[off + 4]!;
  r.protocol = PROTOCOLS.name(buf[off + 5]!);
  r.scope = SCOPES.name(buf[off + 6]!);
  r.type = ROUTE_TYPES.name(buf[off + 7]!);
  r.flags = buf.readUInt32LE(off + 8);
  if (r.dst !== undefined) r.dst = `${r.dst}/${r.dstLen}`;
  else setDerived(r, 'dst', r.dstLen === 0 ? 'default' : `${zeroAddr(family)}/${r.dstLen}`);
  if (r.from !== undefined) r.from = `${r.from}/${r.srcLen}`;
  if (r.table === undefined) setDerived(r, 'table', r.rtmTable);
  return r;
}

/** Encode a route (header + attributes) as a message payload. */
export function encodeRoute(w: Writer, r: Partial<Route>): void {
  writeRtMsg(w, r);
  encodeAttrsSkippingDerived(w, routePolicy, r as Record<string, unknown>);
}

/** The RTM_*ROUTE messages of the NETLINK_ROUTE protocol (its schema table is in schema.ts). */
export const routeSchema: RouteSchema<Partial<Route>> = {
  types: [U.RTM_NEWROUTE, U.RTM_DELROUTE, U.RTM_GETROUTE],
  name: 'route',
  headerSize: RTMSG_SIZE,
  policy: routePolicy,
  decode: (buf, off, end, _type, opts) => decodeRoute(buf, off, end, opts),
  encode: (w, obj) => encodeRoute(w, obj as Partial<Route>),
};
