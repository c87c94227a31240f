/**
 * IFLA_AF_SPEC and IFLA_PROTINFO: per address family link information.
 *
 * - AF_UNSPEC link messages carry IFLA_AF_SPEC = { AF_INET: { IFLA_INET_CONF },
 *   AF_INET6: { IFLA_INET6_* }, AF_MCTP: {...} }.
 * - AF_BRIDGE link messages (bridge ports, `bridge link` / `bridge vlan`)
 *   carry IFLA_AF_SPEC = IFLA_BRIDGE_* (VLAN info, flags, mode) and
 *   IFLA_PROTINFO = IFLA_BRPORT_*.
 * - AF_INET6 link messages (RTM_GETLINK with family AF_INET6) carry
 *   IFLA_PROTINFO = IFLA_INET6_*.
 *
 * Settable over RTM_SETLINK (the kernel's set_link_af): AF_INET devconf
 * entries (sent as a nest of { IPV4_DEVCONF_x: u32 }), AF_INET6 token and
 * address generation mode. IPv6 devconf (disable_ipv6, forwarding, ...) is
 * read-only over rtnetlink; the kernel only takes it through sysctl.
 * @module
 */
import {
  binary,
  enumOf,
  ipv6,
  nested,
  NOFIT,
  policy,
  readU64,
  struct,
  u16,
  u32,
  u8,
  type AttrSetBase,
  type Codec,
  type Policy,
} from '../netlink/attr.js';
import { GENERATE_AFTER, plainMaker } from '../netlink/attr/internal.js';
import { once } from '../netlink/once.js';
import { createRequire } from 'node:module';
import { release as osRelease } from 'node:os';
import { AF_BRIDGE, AF_INET, AF_INET6 } from '../netlink/constants.js';
import { ArgumentError } from '../netlink/errors.js';
import type { Writer } from '../netlink/writer.js';
import { describe } from '../netlink/ip.js';
import { UAPI } from './uapi.js';
const { IFLA_MCTP_NET } = UAPI;

/** AF_MCTP (<sys/socket.h>, not a uapi constant). */
export const AF_MCTP = 45;
/** DEVCONF_FORCE_FORWARDING: newer than the installed uapi headers (kernel 6.17). */
export const DEVCONF_FORCE_FORWARDING = 59;
/** IFLA_MCTP_NET (linux/if_link.h); IFLA_MCTP_PHYS_BINDING is newer than the pinned 6.1 headers. */
export { IFLA_MCTP_NET };
export const IFLA_MCTP_PHYS_BINDING = 2;

const camel = (s: string): string => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The devconf names from the UAPI table: the names of `prefix` constants
 * (camelCase, without the prefix), index = value - first. Scans the ~2,000
 * names of the table (~1 ms at a cold start): the decoders use the literal
 * lists below, and test/unit/afspec-stats.test.ts checks that they are what
 * this computes from the pinned headers.
 */
export function devconfNamesFromUapi(prefix: 'IPV4_DEVCONF_' | 'DEVCONF_', first: number, extra: Record<string, number> = {}): string[] {
  const all: Record<string, number> = { ...extra };
  for (const k in UAPI) if (k.startsWith(prefix) && !k.endsWith('_MAX')) all[k] = UAPI[k as keyof typeof UAPI];
  const out: string[] = [];
  for (const [k, v] of Object.entries(all)) out[v - first] = camel(k.slice(prefix.length));
  return out;
}

/**
 * IPv4 devconf names (IPV4_DEVCONF_*, camelCase): index i is devconf i+1,
 * e.g. forwarding, rpFilter, arpIgnore. The UAPI table's names
 * ({@link devconfNamesFromUapi}`('IPV4_DEVCONF_', 1)`), written out.
 */
const IPV4_DEVCONF_NAMES: readonly string[] = Object.freeze([
  'forwarding', 'mcForwarding', 'proxyArp', 'acceptRedirects', 'secureRedirects', 'sendRedirects', 'sharedMedia',
  'rpFilter', 'acceptSourceRoute', 'bootpRelay', 'logMartians', 'tag', 'arpfilter', 'mediumId', 'noxfrm', 'nopolicy',
  'forceIgmpVersion', 'arpAnnounce', 'arpIgnore', 'promoteSecondaries', 'arpAccept', 'arpNotify', 'acceptLocal',
  'srcVmark', 'proxyArpPvlan', 'routeLocalnet', 'igmpv2UnsolicitedReportInterval', 'igmpv3UnsolicitedReportInterval',
  'ignoreRoutesWithLinkdown', 'dropUnicastInL2Multicast', 'dropGratuitousArp', 'bcForwarding', 'arpEvictNocarrier',
]);
export const ipv4DevconfNames = (): readonly string[] => IPV4_DEVCONF_NAMES;
/**
 * IPv6 devconf names (DEVCONF_*, camelCase): index i is devconf i, e.g.
 * forwarding, disableIpv6, acceptRa. The UAPI table's names and
 * DEVCONF_FORCE_FORWARDING ({@link devconfNamesFromUapi}`('DEVCONF_', 0, { DEVCONF_FORCE_FORWARDING })`), written out.
 */
const IPV6_DEVCONF_NAMES: readonly string[] = Object.freeze([
  'forwarding', 'hoplimit', 'mtu6', 'acceptRa', 'acceptRedirects', 'autoconf', 'dadTransmits', 'rtrSolicits',
  'rtrSolicitInterval', 'rtrSolicitDelay', 'useTempaddr', 'tempValidLft', 'tempPreferedLft', 'regenMaxRetry',
  'maxDesyncFactor', 'maxAddresses', 'forceMldVersion', 'acceptRaDefrtr', 'acceptRaPinfo', 'acceptRaRtrPref',
  'rtrProbeInterval', 'acceptRaRtInfoMaxPlen', 'proxyNdp', 'optimisticDad', 'acceptSourceRoute', 'mcForwarding',
  'disableIpv6', 'acceptDad', 'forceTllao', 'ndiscNotify', 'mldv1UnsolicitedReportInterval',
  'mldv2UnsolicitedReportInterval', 'suppressFragNdisc', 'acceptRaFromLocal', 'useOptimistic', 'acceptRaMtu',
  'stableSecret', 'useOifAddrsOnly', 'acceptRaMinHopLimit', 'ignoreRoutesWithLinkdown', 'dropUnicastInL2Multicast',
  'dropUnsolicitedNa', 'keepAddrOnDown', 'rtrSolicitMaxInterval', 'seg6Enabled', 'seg6RequireHmac', 'enhancedDad',
  'addrGenMode', 'disablePolicy', 'acceptRaRtInfoMinPlen', 'ndiscTclass', 'rplSegEnabled', 'raDefrtrMetric',
  'ioam6Enabled', 'ioam6Id', 'ioam6IdWide', 'ndiscEvictNocarrier', 'acceptUntrackedNa', 'acceptRaMinLft',
  'forceForwarding',
]);
export const ipv6DevconfNames = (): readonly string[] => IPV6_DEVCONF_NAMES;

/**
 * IPSTATS_MIB_* (linux/snmp.h) in the order of kernels before 6.15, named like
 * /proc/net/snmp6 (`outTransmits`, IPSTATS_MIB_OUTPKTS, exists from 6.3 on).
 */
export const IPV6_STATS_NAMES: readonly string[] = [
  'num', 'inReceives', 'inOctets', 'inDelivers', 'outForwDatagrams', 'outRequests', 'outOctets', 'inHdrErrors',
  'inTooBigErrors', 'inNoRoutes', 'inAddrErrors', 'inUnknownProtos', 'inTruncatedPkts', 'inDiscards', 'outDiscards',
  'outNoRoutes', 'reasmTimeout', 'reasmReqds', 'reasmOKs', 'reasmFails', 'fragOKs', 'fragFails', 'fragCreates',
  'inMcastPkts', 'outMcastPkts', 'inBcastPkts', 'outBcastPkts', 'inMcastOctets', 'outMcastOctets', 'inBcastOctets',
  'outBcastOctets', 'inCsumErrors', 'inNoECTPkts', 'inECT1Pkts', 'inECT0Pkts', 'inCEPkts', 'reasmOverlaps', 'outTransmits',
];
/**
 * IPSTATS_MIB_* from Linux 6.15 on: the fast-path counters were moved to the
 * front of the enum ("net: snmp: reorder IPSTATS_MIB_* fields", 2025), which
 * changed the layout of IFLA_INET6_STATS without changing its size (38).
 */
export const IPV6_STATS_NAMES_6_15: readonly string[] = [
  'num', 'inReceives', 'inOctets', 'inDelivers', 'inNoECTPkts', 'inECT1Pkts', 'inECT0Pkts', 'inCEPkts',
  'outRequests', 'outTransmits', 'outOctets', 'outForwDatagrams', 'inHdrErrors', 'inTooBigErrors', 'inNoRoutes',
  'inAddrErrors', 'inUnknownProtos', 'inTruncatedPkts', 'inDiscards', 'outDiscards', 'outNoRoutes', 'reasmTimeout',
  'reasmReqds', 'reasmOKs', 'reasmFails', 'fragOKs', 'fragFails', 'fragCreates', 'inMcastPkts', 'outMcastPkts',
  'inBcastPkts', 'outBcastPkts', 'inMcastOctets', 'outMcastOctets', 'inBcastOctets', 'outBcastOctets', 'inCsumErrors',
  'reasmOverlaps',
];
/** Which IFLA_INET6_STATS layout a 38-entry array is read with: the kernel's since 6.15, or the one before. */
export type Inet6StatsLayout = 'legacy' | '6.15';

/** The layout of the running kernel, from its release string (`uname -r`). */
export function kernelInet6StatsLayout(release: string = osRelease()): Inet6StatsLayout {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return '6.15';
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 6 || (major === 6 && minor >= 15) ? '6.15' : 'legacy';
}
declare module '../netlink/attr/policy.js' {
  interface DecodeOptions {
    /**
     * The layout a 38-entry IFLA_INET6_STATS array is read with (a capture
     * taken on a kernel on the other side of 6.15). Default: the process
     * default ({@link setInet6StatsLayout}), which is the running kernel's.
     */
    inet6StatsLayout?: Inet6StatsLayout;
  }
}

let defaultInet6StatsLayout: Inet6StatsLayout = kernelInet6StatsLayout();
/**
 * The IFLA_INET6_STATS layout of decodes that give none in their options
 * (`inet6StatsLayout`: `readNetlinkCapture(src, { decodeOptions })`,
 * `NetlinkSocket.open({ decodeOptions })`, a schema's `decode(..., opts)`),
 * and of user-built stats objects to encode. The default is the running
 * kernel's. Arrays of 37 entries (kernels before 6.3) always use the legacy
 * order. Prefer the decode option: this default is process-wide.
 */
export function setInet6StatsLayout(layout: Inet6StatsLayout): void {
  defaultInet6StatsLayout = checkInet6StatsLayout(layout, 'layout');
}
export function getInet6StatsLayout(): Inet6StatsLayout {
  return defaultInet6StatsLayout;
}
/** Validate a layout name (ArgumentError naming `field`). */
export function checkInet6StatsLayout(layout: unknown, field: string): Inet6StatsLayout {
  if (layout !== 'legacy' && layout !== '6.15') throw new ArgumentError(field, `expected 'legacy' or '6.15', got ${describe(layout)}`);
  return layout;
}
/** ICMP6_MIB_* (linux/snmp.h) in order. */
export const ICMP6_STATS_NAMES: readonly string[] = ['num', 'inMsgs', 'inErrors', 'outMsgs', 'outErrors', 'inCsumErrors', 'ratelimitHost'];

const COUNT: unique symbol = Symbol('rtnetlink.arrayCount');

/**
 * A fixed array of 32-bit (signed) or 64-bit values indexed by a kernel enum,
 * decoded to an object keyed by name (entries past the known names are
 * `<prefix><index>`). Lossless: the number of entries is remembered.
 *
 * With `nestBase` (IPv4 devconf), user input is encoded the way the kernel
 * takes it: a nest of { type = index + nestBase: u32 value }.
 */
function namedArray<V extends number | bigint>(
  label: string,
  namesOf: () => readonly string[],
  width: 4 | 8,
  keyPrefix: string,
  nestBase?: number,
): Codec<Record<string, V>> {
  // the names and their index are built on first use, not at import
  const indexOf_ = once(() => {
    const index = new Map<string, number>();
    namesOf().forEach((n, i) => index.set(n, i));
    return index;
  });
  // how many entries have names (the generated literals are for those sizes),
  // read when the names are first needed and kept (not a call per decode)
  let named = -1;
  const namedCount = (): number => (named >= 0 ? named : (named = namesOf().length));
  const keyRe = new RegExp(`^${keyPrefix}(\\d+)$`);
  const keyAt = (i: number): string => namesOf()[i] ?? `${keyPrefix}${i}`;
  const indexOf = (k: string): number | undefined => {
    const i = indexOf_().get(k);
    if (i !== undefined) return i;
    const m = keyRe.exec(k);
    return m ? Number(m[1]) : undefined;
  };
  // Hot path: a link dump carries ~200 of these values per link. A decoder
  // generated per entry count builds the object as one literal with fixed
  // keys, so every object shares one fast V8 shape (computed-key stores on
  // an empty object go to dictionary mode past a dozen keys, and cost GC).
  // Reads are inlined as byte loads: the payload length was checked once, and
  // Buffer#readInt32LE validates its offset on every call.
  const read = (at: string): string =>
    width === 4 ? `(b[${at}] | (b[${at} + 1] << 8) | (b[${at} + 2] << 16) | (b[${at} + 3] << 24))` : `readU64(b, ${at})`;
  const literals = new Map<number, (b: Buffer, o: number) => Record<string | symbol, V>>();
  let generic = 0;
  const literalFor = (n: number): ((b: Buffer, o: number) => Record<string | symbol, V>) => {
    let f = literals.get(n);
    if (!f) {
      const fields = Array.from({ length: n }, (_, i): [string, string] => [keyAt(i), read(`o + ${i * width}`)]);
      fields.push(['[COUNT]', String(n)]);
      f = plainMaker<(b: Buffer, o: number) => Record<string | symbol, V>>(['b', 'o'], fields, { COUNT, readU64 });
      literals.set(n, f);
    }
    return f;
  };
  // The encoding side of the literals: one generated writer per entry count,
  // reading the values by fixed names (computed keys would be megamorphic).
  const writers = new Map<number, (w: Writer, v: Record<string, V>) => void>();
  const writerFor = (n: number): ((w: Writer, v: Record<string, V>) => void) => {
    let f = writers.get(n);
    if (!f) {
      const stmts = Array.from({ length: n }, (_, i) => {
        const x = `v[${JSON.stringify(keyAt(i))}]`;
        return width === 4 ? `w.s32(Number(${x} ?? 0));` : `w.u64(${x} ?? 0n);`;
      });
      f = new Function(`return (w, v) => { ${stmts.join(' ')} };`)() as (w: Writer, v: Record<string, V>) => void;
      writers.set(n, f);
    }
    return f;
  };
  return {
    name: label,
    decode: (b, o, len, ctx) => {
      if (len % width !== 0) return NOFIT;
      ctx.variant = 1;
      const n = len / width;
      // Generated literals only for the sizes kernels send (bounded cache);
      // anything longer (a newer kernel, or garbage) takes the generic loop.
      // ... generated after GENERATE_AFTER arrays (until then the loop below builds the same object)
      if (n <= namedCount() && (literals.has(n) || ++generic > GENERATE_AFTER)) return literalFor(n)(b, o) as Record<string, V>;
      const out: Record<string | symbol, V> = {};
      for (let i = 0; i < n; i++) out[keyAt(i)] = (width === 4 ? b.readInt32LE(o + i * 4) : readU64(b, o + i * 8)) as V;
      out[COUNT] = n as V;
      return { ...out } as Record<string, V>;
    },
    encode: (w, v, variant) => {
      const count = (v as Record<symbol, unknown>)[COUNT] as number | undefined;
      if (variant === 1 || nestBase === undefined) {
        let n = count ?? 0;
        if (count === undefined) for (const k of Object.keys(v)) n = Math.max(n, (indexOf(k) ?? -1) + 1);
        if (n <= namedCount()) {
          writerFor(n)(w, v);
          return;
        }
        for (let i = 0; i < n; i++) {
          const x = v[keyAt(i)];
          if (width === 4) w.s32(Number(x ?? 0));
          else w.u64(BigInt(x ?? 0));
        }
        return;
      }
      for (const [k, x] of Object.entries(v)) {
        const i = indexOf(k);
        if (i === undefined || x === undefined) continue;
        const s = w.attrStart(i + nestBase);
        w.s32(Number(x));
        w.attrEnd(s);
      }
    },
    check: (v, f) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(f, `expected an object of ${label} values by name, got ${describe(v)}`);
      const out: Record<string, V> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined) continue;
        const i = indexOf(k);
        if (i === undefined || (nestBase !== undefined && i + nestBase < 1)) {
          throw new ArgumentError(`${f}.${k}`, `unknown ${label} entry "${k}" (known: ${namesOf().filter(Boolean).slice(0, 12).join(', ')}, ...)`);
        }
        if (typeof x !== 'number' || !Number.isInteger(x) || x < -2147483648 || x > 4294967295) {
          throw new ArgumentError(`${f}.${k}`, `expected a 32-bit integer, got ${describe(x)}`);
        }
        out[k] = (x > 2147483647 ? x - 4294967296 : x) as V;
      }
      return out;
    },
  };
}

/** IPv4 devconf (IFLA_INET_CONF): forwarding, mcForwarding, proxyArp, ..., arpEvictNocarrier (values as in sysctl). */
export type Ipv4Devconf = Record<string, number>;
/** IPv6 devconf (IFLA_INET6_CONF): forwarding, hoplimit, mtu6, acceptRa, ..., disableIpv6, ... */
export type Ipv6Devconf = Record<string, number>;

export const inetPolicy = policy('IFLA_INET', UAPI, [['IFLA_INET_CONF', 'conf', namedArray<number>('IPV4_DEVCONF', ipv4DevconfNames, 4, 'devconf', 1)]]);

/** IN6_ADDR_GEN_MODE_* */
export type AddrGenMode = 'eui64' | 'none' | 'stable_privacy' | 'random';
export const addrGenMode = enumOf<AddrGenMode>(u8, { 0: 'eui64', 1: 'none', 2: 'stable_privacy', 3: 'random' });

/** struct ifla_cacheinfo (IFLA_INET6_CACHEINFO); times in ms, tstamp in 1/100 s since boot. */
export interface Inet6CacheInfo {
  maxReasmLen?: number;
  tstamp?: number;
  reachableTime?: number;
  retransTime?: number;
}
const cacheinfo = struct<Inet6CacheInfo>('ifla_cacheinfo', [
  ['maxReasmLen', 'u32'],
  ['tstamp', 'u32'],
  ['reachableTime', 'u32'],
  ['retransTime', 'u32'],
]);

/**
 * IFLA_INET6_STATS: the array's names follow the kernel's layout, taken from
 * the decode's options (`inet6StatsLayout`) or the process default
 * ({@link setInet6StatsLayout}). A decoded array remembers the layout it was
 * read with (variant 2: 6.15), so it re-encodes byte-exact whatever the
 * default is now.
 */
function inet6Stats(): Codec<Record<string, bigint>> {
  const legacy = namedArray<bigint>('IPSTATS_MIB', () => IPV6_STATS_NAMES, 8, 'mib');
  const v615 = namedArray<bigint>('IPSTATS_MIB', () => IPV6_STATS_NAMES_6_15, 8, 'mib');
  return {
    name: 'IPSTATS_MIB',
    decode: (b, o, len, ctx) => {
      if ((ctx.options.inet6StatsLayout ?? defaultInet6StatsLayout) === '6.15' && len >= 38 * 8) {
        const v = v615.decode(b, o, len, ctx);
        if (v !== NOFIT) ctx.variant = V_615;
        return v;
      }
      return legacy.decode(b, o, len, ctx);
    },
    encode: (w, v, variant, p) => {
      const n = (v as Record<symbol, unknown>)[COUNT] as number | undefined;
      // variant 1: decoded in the legacy layout; 2: in 6.15's; 0: built by the user (the default layout)
      const use615 = variant === V_615 || (variant === 0 && defaultInet6StatsLayout === '6.15' && (n === undefined || n >= 38));
      (use615 ? v615 : legacy).encode(w, v, 1, p);
    },
    check: (v, f, p) => (defaultInet6StatsLayout === '6.15' ? v615 : legacy).check(v, f, p),
  };
}
/** The variant of an IFLA_INET6_STATS array read in the 6.15 layout. */
const V_615 = 2;

const ro = { readOnly: true } as const;
export const inet6Policy = policy('IFLA_INET6', UAPI, [
  ['IFLA_INET6_FLAGS', 'flags', u32, ro],
  ['IFLA_INET6_CONF', 'conf', namedArray<number>('DEVCONF', ipv6DevconfNames, 4, 'devconf'), ro],
  ['IFLA_INET6_STATS', 'stats', inet6Stats(), ro],
  ['IFLA_INET6_MCAST', 'mcast', binary, ro],
  ['IFLA_INET6_CACHEINFO', 'cacheinfo', cacheinfo, ro],
  ['IFLA_INET6_ICMP6STATS', 'icmp6stats', namedArray<bigint>('ICMP6_MIB', () => ICMP6_STATS_NAMES, 8, 'mib'), ro],
  ['IFLA_INET6_TOKEN', 'token', ipv6],
  ['IFLA_INET6_ADDR_GEN_MODE', 'addrGenMode', addrGenMode],
  ['IFLA_INET6_RA_MTU', 'raMtu', u32, ro],
]);

export const mctpPolicy = policy('IFLA_MCTP', { IFLA_MCTP_NET, IFLA_MCTP_PHYS_BINDING }, [
  ['IFLA_MCTP_NET', 'net', u32],
  ['IFLA_MCTP_PHYS_BINDING', 'physBinding', u8, ro],
]);

/** IFLA_AF_SPEC of AF_UNSPEC link messages: one nest per address family. */
export const afSpecPolicy = policy('AF', { AF_INET, AF_INET6, AF_MCTP }, [
  ['AF_INET', 'inet', nested(inetPolicy)],
  ['AF_INET6', 'inet6', nested(inet6Policy)],
  ['AF_MCTP', 'mctp', nested(mctpPolicy)],
]);

/** struct bridge_vlan_info (IFLA_BRIDGE_VLAN_INFO): flags BRIDGE_VLAN_INFO_* and the VLAN id. */
export interface BridgeVlanInfo {
  /** BRIDGE_VLAN_INFO_MASTER 1, PVID 2, UNTAGGED 4, RANGE_BEGIN 8, RANGE_END 16, BRENTRY 32, ONLY_OPTS 64 */
  flags: number;
  vid: number;
}
export const bridgeVlanInfo = struct<BridgeVlanInfo>('bridge_vlan_info', [
  ['flags', 'u16'],
  ['vid', 'u16'],
]);

/** IFLA_BRIDGE_VLAN_TUNNEL_INFO */
export const bridgeVlanTunnelPolicy = policy('IFLA_BRIDGE_VLAN_TUNNEL', UAPI, [
  ['IFLA_BRIDGE_VLAN_TUNNEL_ID', 'id', u32],
  ['IFLA_BRIDGE_VLAN_TUNNEL_VID', 'vid', u16],
  ['IFLA_BRIDGE_VLAN_TUNNEL_FLAGS', 'flags', u16],
]);

/** IFLA_AF_SPEC of AF_BRIDGE link messages (IFLA_BRIDGE_*). */
export interface BridgeAfSpec extends AttrSetBase {
  /** IFLA_BRIDGE_FLAGS: BRIDGE_FLAGS_MASTER 1, BRIDGE_FLAGS_SELF 2 */
  flags?: number;
  /** IFLA_BRIDGE_MODE: BRIDGE_MODE_VEB 0, BRIDGE_MODE_VEPA 1 */
  mode?: number;
  /** IFLA_BRIDGE_VLAN_INFO (repeated) */
  vlanInfo?: BridgeVlanInfo[];
  /** IFLA_BRIDGE_VLAN_TUNNEL_INFO (repeated) */
  vlanTunnelInfo?: Array<{ id?: number; vid?: number; flags?: number }>;
  /** IFLA_BRIDGE_MRP (raw nest) */
  mrp?: Uint8Array;
  /** IFLA_BRIDGE_CFM (raw nest) */
  cfm?: Uint8Array;
  /** IFLA_BRIDGE_MST (raw nest) */
  mst?: Uint8Array;
}
export const bridgeAfSpecPolicy = policy('IFLA_BRIDGE', UAPI, [
  ['IFLA_BRIDGE_FLAGS', 'flags', u16],
  ['IFLA_BRIDGE_MODE', 'mode', u16],
  ['IFLA_BRIDGE_VLAN_INFO', 'vlanInfo', bridgeVlanInfo, { multi: true }],
  ['IFLA_BRIDGE_VLAN_TUNNEL_INFO', 'vlanTunnelInfo', nested(bridgeVlanTunnelPolicy), { multi: true }],
  ['IFLA_BRIDGE_MRP', 'mrp', binary],
  ['IFLA_BRIDGE_CFM', 'cfm', binary],
  ['IFLA_BRIDGE_MST', 'mst', binary],
]);

/** IFLA_INET6_* as decoded (AF_SPEC[AF_INET6], or IFLA_PROTINFO of AF_INET6 link messages). */
export interface Inet6Info extends AttrSetBase {
  /** IFLA_INET6_FLAGS: IF_RA_OTHERCONF 0x80, IF_RA_MANAGED 0x40, IF_RA_RCVD 0x20, IF_RS_SENT 0x10, IF_READY 0x80000000 */
  flags?: number;
  /** IFLA_INET6_CONF: IPv6 devconf by name (read-only over rtnetlink) */
  conf?: Ipv6Devconf;
  /** IFLA_INET6_STATS: IPSTATS_MIB_* counters by name */
  stats?: Record<string, bigint>;
  /** IFLA_INET6_MCAST (unused by the kernel) */
  mcast?: Uint8Array;
  /** IFLA_INET6_CACHEINFO */
  cacheinfo?: Inet6CacheInfo;
  /** IFLA_INET6_ICMP6STATS: ICMP6_MIB_* counters by name */
  icmp6stats?: Record<string, bigint>;
  /** IFLA_INET6_TOKEN: interface identifier token (`ip token`), "::" when unset */
  token?: string;
  /** IFLA_INET6_ADDR_GEN_MODE (`ip link set DEV addrgenmode ...`) */
  addrGenMode?: AddrGenMode | number;
  /** IFLA_INET6_RA_MTU: MTU from the last router advertisement */
  raMtu?: number;
}

/** IFLA_AF_SPEC of AF_UNSPEC link messages, decoded. */
export interface LinkAfSpec extends AttrSetBase {
  /** AF_INET: IFLA_INET_CONF = IPv4 devconf by name */
  inet?: { conf?: Ipv4Devconf } & AttrSetBase;
  /** AF_INET6: IFLA_INET6_* */
  inet6?: Inet6Info;
  /** AF_MCTP: IFLA_MCTP_* */
  mctp?: { net?: number; physBinding?: number } & AttrSetBase;
}

/** What links.set() accepts under `afSpec` (what the kernel's set_link_af handlers take). */
export interface LinkAfSpecOptions {
  /** AF_INET: set IPv4 devconf entries, e.g. { conf: { forwarding: 1, rpFilter: 2 } } (sysctl net.ipv4.conf.DEV.*). */
  inet?: { conf?: Record<string, number> };
  /** AF_INET6: `ip token set` and `ip link set DEV addrgenmode`. */
  inet6?: { token?: string; addrGenMode?: AddrGenMode | number };
  /** AF_MCTP: MCTP network id. */
  mctp?: { net?: number };
}

/** IFLA_AF_SPEC policy for a link message family. */
export function afSpecPolicyFor(family: number): Policy | undefined {
  if (family === 0) return afSpecPolicy;
  if (family === AF_BRIDGE) return bridgeAfSpecPolicy;
  return undefined;
}

// kinds/bridge.js (its port policy) on the first AF_BRIDGE protocol info (`bridge link`, port events):
// a static import loaded and ran the bridge kind at every start (~4 ms). docs/design.md, "The rule for lazy loads".
const load = createRequire(import.meta.url);
const bridgePortPolicy = (): Policy => (load('./kinds/bridge.js') as typeof import('./kinds/bridge.js')).bridgePortPolicy();

/** IFLA_PROTINFO policy for a link message family. */
export function protinfoPolicyFor(family: number): Policy | undefined {
  if (family === AF_BRIDGE) return bridgePortPolicy();
  if (family === AF_INET6) return inet6Policy;
  return undefined;
}

