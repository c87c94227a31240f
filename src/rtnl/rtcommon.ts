/**
 * Names and small helpers shared by addresses, routes, neighbours and rules:
 * scope / protocol / route-type / table names (as iproute2 prints them),
 * address-family names, bit-flag name tables, interface references, and the
 * "derived field" marker that keeps decode -> encode lossless when a decoder
 * fills in a convenience value the kernel did not send.
 * @module
 */
import { encodeAttrs, type Policy } from '../netlink/attr.js';
import { AF_BRIDGE, AF_INET, AF_INET6, AF_MPLS, AF_UNSPEC } from '../netlink/constants.js';
import { UAPI } from './uapi.js';
import { ArgumentError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import type { Writer } from '../netlink/writer.js';
import { UAPI as U } from './uapi.js';
import { checkIfRefName } from './ifname.js';
const { RTNL_FAMILY_IP6MR, RTNL_FAMILY_IPMR } = UAPI;

/** An interface by name (string) or index (number). */
export type IfRef = string | number;

/** Validate an interface reference (name, alternative name or positive index); no I/O. */
export function checkIfRef(ref: unknown, field: string): IfRef {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref <= 0 || ref > 0x7fffffff) throw new ArgumentError(field, `expected an interface index > 0, got ${ref}`);
    return ref;
  }
  if (typeof ref === 'string') {
    // alternative names (IFLA_ALT_IFNAME) may be up to 127 bytes
    checkIfRefName(ref, field);
    return ref;
  }
  throw new ArgumentError(field, `expected an interface name or index, got ${describe(ref)}`);
}

// ------------------------------------------------------------- families

/** Address family names accepted in options: 'inet' (AF_INET), 'inet6' (AF_INET6), 'bridge' (AF_BRIDGE), 'mpls' (AF_MPLS). */
export type FamilyName = 'inet' | 'inet6' | 'bridge' | 'mpls';
/** A family by name or by AF_* number (0, 2, 7, 10, 28, 128, 129). */
export type FamilyRef = FamilyName | number;

const FAMILY_BY_NAME: Record<FamilyName, number> = { inet: AF_INET, inet6: AF_INET6, bridge: AF_BRIDGE, mpls: AF_MPLS };
const KNOWN_AF = new Set([AF_UNSPEC, AF_INET, AF_BRIDGE, AF_INET6, AF_MPLS, RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR]);

/** Family name -> AF_* number; throws ArgumentError (4 and 6 are rejected: they are not AF_* numbers). */
export function parseFamily(v: unknown, field: string, allowed?: readonly number[]): number {
  let n: number | undefined;
  if (typeof v === 'string') n = FAMILY_BY_NAME[v as FamilyName];
  else if (typeof v === 'number' && KNOWN_AF.has(v)) n = v;
  if (n === undefined) {
    const hint = v === 4 || v === 6 ? ` (use 'inet' / 'inet6', or AF_INET = 2 / AF_INET6 = 10)` : '';
    throw new ArgumentError(field, `unknown address family ${describe(v)}${hint}; expected 'inet', 'inet6', 'bridge' or an AF_* number`);
  }
  if (allowed && !allowed.includes(n)) {
    throw new ArgumentError(field, `family ${describe(v)} is not valid here (allowed: ${allowed.map(familyName).join(', ')})`);
  }
  return n;
}

/** AF_* number -> name ('inet', 'inet6', 'bridge', ...), or the number as text. */
export function familyName(af: number): string {
  switch (af) {
    case AF_UNSPEC: return 'unspec';
    case AF_INET: return 'inet';
    case AF_INET6: return 'inet6';
    case AF_BRIDGE: return 'bridge';
    case AF_MPLS: return 'mpls';
    case RTNL_FAMILY_IPMR: return 'ipmr';
    case RTNL_FAMILY_IP6MR: return 'ip6mr';
    default: return String(af);
  }
}

// ------------------------------------------------------------- name tables

/** A two-way table between numbers and names, with numbers allowed for unnamed values. */
export class NameTable<N extends string> {
  private readonly byName = new Map<string, number>();
  constructor(
    /** What the values are, for error messages ('route scope'). */
    readonly what: string,
    readonly names: Readonly<Record<number, N>>,
    aliases: Readonly<Record<string, number>> = {},
    private readonly max = 0xff,
  ) {
    for (const [k, v] of Object.entries(names)) this.byName.set(v as string, Number(k));
    for (const [k, v] of Object.entries(aliases)) this.byName.set(k, v);
  }
  /** Number -> name, or the number itself when unnamed. */
  name(n: number): N | number {
    return this.names[n] ?? n;
  }
  /** Name or number -> number; throws ArgumentError naming `field`. */
  parse(v: unknown, field: string): number {
    if (typeof v === 'string') {
      const n = this.byName.get(v);
      if (n !== undefined) return n;
      if (/^\d+$/.test(v) && Number(v) <= this.max) return Number(v);
      throw new ArgumentError(field, `unknown ${this.what} "${v}" (expected one of: ${[...this.byName.keys()].join(', ')}, or a number 0..${this.max})`);
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= this.max) return v;
    throw new ArgumentError(field, `expected a ${this.what} name or a number 0..${this.max}, got ${describe(v)}`);
  }
}

/** rtm_scope / ifa_scope (RT_SCOPE_*), named as iproute2 prints them ('global' is RT_SCOPE_UNIVERSE). */
export type ScopeName = 'global' | 'site' | 'link' | 'host' | 'nowhere';
export const SCOPES = new NameTable<ScopeName>(
  'scope',
  { [U.RT_SCOPE_UNIVERSE]: 'global', [U.RT_SCOPE_SITE]: 'site', [U.RT_SCOPE_LINK]: 'link', [U.RT_SCOPE_HOST]: 'host', [U.RT_SCOPE_NOWHERE]: 'nowhere' },
  { universe: U.RT_SCOPE_UNIVERSE },
);

/** Route protocols (RTPROT_*) that appeared after the 6.1 headers. */
export const RTPROT_OVN = 84;

/** rtm_protocol (RTPROT_*), named like /etc/iproute2/rt_protos. */
export type ProtocolName =
  | 'unspec' | 'redirect' | 'kernel' | 'boot' | 'static' | 'gated' | 'ra' | 'mrt' | 'zebra' | 'bird' | 'dnrouted' | 'xorp' | 'ntk'
  | 'dhcp' | 'mrouted' | 'keepalived' | 'babel' | 'ovn' | 'openr' | 'bgp' | 'isis' | 'ospf' | 'rip' | 'eigrp';
export const PROTOCOLS = new NameTable<ProtocolName>('route protocol', {
  [U.RTPROT_UNSPEC]: 'unspec',
  [U.RTPROT_REDIRECT]: 'redirect',
  [U.RTPROT_KERNEL]: 'kernel',
  [U.RTPROT_BOOT]: 'boot',
  [U.RTPROT_STATIC]: 'static',
  [U.RTPROT_GATED]: 'gated',
  [U.RTPROT_RA]: 'ra',
  [U.RTPROT_MRT]: 'mrt',
  [U.RTPROT_ZEBRA]: 'zebra',
  [U.RTPROT_BIRD]: 'bird',
  [U.RTPROT_DNROUTED]: 'dnrouted',
  [U.RTPROT_XORP]: 'xorp',
  [U.RTPROT_NTK]: 'ntk',
  [U.RTPROT_DHCP]: 'dhcp',
  [U.RTPROT_MROUTED]: 'mrouted',
  [U.RTPROT_KEEPALIVED]: 'keepalived',
  [U.RTPROT_BABEL]: 'babel',
  [RTPROT_OVN]: 'ovn',
  [U.RTPROT_OPENR]: 'openr',
  [U.RTPROT_BGP]: 'bgp',
  [U.RTPROT_ISIS]: 'isis',
  [U.RTPROT_OSPF]: 'ospf',
  [U.RTPROT_RIP]: 'rip',
  [U.RTPROT_EIGRP]: 'eigrp',
});

/** rtm_type (RTN_*). */
export type RouteTypeName =
  | 'unspec' | 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'nat' | 'xresolve';
export const ROUTE_TYPES = new NameTable<RouteTypeName>('route type', {
  [U.RTN_UNSPEC]: 'unspec',
  [U.RTN_UNICAST]: 'unicast',
  [U.RTN_LOCAL]: 'local',
  [U.RTN_BROADCAST]: 'broadcast',
  [U.RTN_ANYCAST]: 'anycast',
  [U.RTN_MULTICAST]: 'multicast',
  [U.RTN_BLACKHOLE]: 'blackhole',
  [U.RTN_UNREACHABLE]: 'unreachable',
  [U.RTN_PROHIBIT]: 'prohibit',
  [U.RTN_THROW]: 'throw',
  [U.RTN_NAT]: 'nat',
  [U.RTN_XRESOLVE]: 'xresolve',
});

/** Routing table names (RT_TABLE_*) accepted where a table is expected. */
export type TableName = 'main' | 'local' | 'default' | 'unspec';
const TABLE_BY_NAME: Record<TableName, number> = { unspec: U.RT_TABLE_UNSPEC, default: U.RT_TABLE_DEFAULT, main: U.RT_TABLE_MAIN, local: U.RT_TABLE_LOCAL };

/** A table by name ('main', 'local', 'default') or id 0..2^32-1 (u32, RTA_TABLE / FRA_TABLE). */
export type TableRef = TableName | number;

export function parseTable(v: unknown, field: string): number {
  if (typeof v === 'string') {
    const n = TABLE_BY_NAME[v as TableName];
    if (n !== undefined) return n;
    if (/^\d+$/.test(v) && Number(v) <= 0xffffffff) return Number(v);
    throw new ArgumentError(field, `unknown table "${v}" (expected main, local, default or a number 0..4294967295)`);
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  throw new ArgumentError(field, `table ${describe(v)} is out of range (expected main, local, default or an integer 0..4294967295)`);
}

/** Table id -> 'main' / 'local' / 'default', or the number. */
export function tableName(id: number): TableName | number {
  switch (id) {
    case U.RT_TABLE_MAIN: return 'main';
    case U.RT_TABLE_LOCAL: return 'local';
    case U.RT_TABLE_DEFAULT: return 'default';
    case U.RT_TABLE_UNSPEC: return 'unspec';
    default: return id;
  }
}

// ------------------------------------------------------------- bit flags

/** Names for the bits of a flags field; parse accepts a number, a name or an array of names. */
export class FlagTable {
  private readonly byName = new Map<string, number>();
  constructor(
    readonly what: string,
    readonly bits: ReadonlyArray<readonly [bit: number, name: string]>,
    private readonly max = 0xffffffff,
  ) {
    for (const [b, n] of bits) this.byName.set(n, b);
  }
  /** Names of the set bits; unnamed bits as '0x..'. */
  names(v: number): string[] {
    const out: string[] = [];
    let rest = v >>> 0;
    for (const [b, n] of this.bits) {
      if ((rest & b) === b && b !== 0) {
        out.push(n);
        rest &= ~b >>> 0;
      }
    }
    if (rest) out.push(`0x${rest.toString(16)}`);
    return out;
  }
  /** Number | name | name[] -> number; ArgumentError on unknown names. */
  parse(v: unknown, field: string): number {
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < 0 || v > this.max) throw new ArgumentError(field, `${this.what} ${v} is out of range (0..${this.max})`);
      return v;
    }
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) throw new ArgumentError(field, `expected ${this.what} as an array of names or a number, got ${describe(v)}`);
    let out = 0;
    list.forEach((n, i) => {
      const b = typeof n === 'string' ? this.byName.get(n) : undefined;
      if (b === undefined) {
        throw new ArgumentError(`${field}[${i}]`, `unknown ${this.what} ${describe(n)} (known: ${[...this.byName.keys()].join(', ')})`);
      }
      out = (out | b) >>> 0;
    });
    return out;
  }
}

// ------------------------------------------------------------- derived fields

/**
 * Keys a decoder filled in for convenience although the kernel did not send
 * them (e.g. `table` from rtm_table when RTA_TABLE is absent). The encoders
 * skip them so decode -> encode gives back the received bytes.
 */
export const DERIVED: unique symbol = Symbol.for('rtnetlink.derived');

/** Set a convenience value that must not be encoded. */
export function setDerived(obj: object, key: string, value: unknown): void {
  const o = obj as Record<string | symbol, unknown>;
  o[key] = value;
  let list = o[DERIVED] as string[] | undefined;
  if (!list) {
    list = [];
    Object.defineProperty(o, DERIVED, { value: list, enumerable: false, configurable: true, writable: true });
  }
  list.push(key);
}

/** encodeAttrs, leaving out the keys a decoder derived. */
export function encodeAttrsSkippingDerived(w: Writer, pol: Policy, obj: Record<string, unknown>): void {
  const skip = (obj as Record<symbol, unknown>)[DERIVED] as string[] | undefined;
  if (!skip || skip.length === 0) {
    encodeAttrs(w, pol, obj);
    return;
  }
  const copy: Record<string | symbol, unknown> = { ...obj }; // keeps the WIRE symbol (own, enumerable)
  for (const k of skip) delete copy[k];
  encodeAttrs(w, pol, copy as Record<string, unknown>);
}

/** Reject keys an options object must not have. */
export function checkKeys(obj: Record<string, unknown>, known: readonly string[], field: string, what: string): void {
  for (const k of Object.keys(obj)) {
    if (obj[k] === undefined) continue;
    if (!known.includes(k)) throw new ArgumentError(field ? `${field}.${k}` : k, `unknown option "${k}" for ${what} (known: ${known.join(', ')})`);
  }
}

/** Require a plain object. */
export function checkObject(v: unknown, field: string, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(field, `expected ${what} as an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

/** Integer in [min, max]. */
export function checkInt(v: unknown, field: string, min: number, max: number, what = 'an integer'): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ArgumentError(field, `expected ${what} ${min}..${max}, got ${describe(v)}`);
  if (v < min || v > max) throw new ArgumentError(field, `${v} is out of range (${min}..${max})`);
  return v;
}

export function checkBool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(field, `expected true or false, got ${describe(v)}`);
  return v;
}

/** IP protocol numbers by name (for route get / rules: ipProto). */
export type IpProtoName = 'icmp' | 'igmp' | 'tcp' | 'udp' | 'gre' | 'esp' | 'ah' | 'ipv6-icmp' | 'sctp' | 'udplite';
export const IP_PROTOS = new NameTable<IpProtoName>('IP protocol', {
  1: 'icmp',
  2: 'igmp',
  6: 'tcp',
  17: 'udp',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  132: 'sctp',
  136: 'udplite',
});
