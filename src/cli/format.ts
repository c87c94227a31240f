/**
 * Text and JSON rendering of rtnetlink objects for rtnl-dump: one-line
 * summaries close to `ip` output, and (with -d) every attribute by its uapi
 * name, unknown ones as `unknown(type=N) <hex>`.
 *
 * Every summary is printed from the typed decoded object (Link, Address,
 * Route, Neighbour, Rule: the same objects the API returns) with the name
 * tables of src/rtnl; the attribute tree walks the decoded object by its
 * policy (describeAttrs), and JSON is the decoded object itself.
 * @module
 */
import { describeAttrs, MAX_ATTRS, quoteString, WIRE, STRUCT_EXTRA, type AttrSpec, type NestedCodec, type Policy, type UnknownAttr } from '../netlink/attr.js';
import { printableString } from '../netlink/strings.js';
import { DecodeError } from '../netlink/errors.js';
import { AF_BRIDGE, AF_INET, AF_INET6, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK, NLMSG_HDRLEN, NLM_F_REQUEST } from '../netlink/constants.js';
import type { RawMessage } from '../netlink/message.js';
import { addrFlagNames, decodeAddress, IFADDRMSG_SIZE, INFINITY_LIFE_TIME, type Address } from '../rtnl/addr.js';
import { getKind } from '../rtnl/kinds/registry.js';
import { linkPolicy, type Link } from '../rtnl/link.js';
import { decodeNeighbour, NDMSG_SIZE, neighStateNames, neighStateValue, type Neighbour } from '../rtnl/neigh.js';
import { decodeRoute, RTMSG_SIZE, type Route } from '../rtnl/route.js';
import { familyName } from '../rtnl/rtcommon.js';
import { isIfindexAttr } from '../rtnl/ifname.js';
import { decodeRule, FIB_RULE_HDR_SIZE, RULE_ACTIONS, type Rule } from '../rtnl/rule.js';
import { RTM_NAMES, schemaFor } from '../rtnl/schema.js';
import type { MessageSchema } from '../netlink/protocol.js';
import { UAPI as U } from '../rtnl/uapi.js';
import { printLink } from './iplink.js';
import { ipProtoName, ipScopeName, ipTableName } from './ipnames.js';
import { IpPrinter } from './ipprint.js';

/**
 * Index -> interface name, filled from link dumps and from the kernel's link
 * messages (see {@link learnLinkName}).
 */
export type NameCache = Map<number, string>;

export interface FormatOptions {
  /** iproute2's details (`ip -d`): kind options, queues, GSO sizes; route type/table/proto/scope always. */
  details: boolean;
  /** Every attribute by its uapi name under the summary (`-dd`; `-d` for pcap and hex). */
  attrs?: boolean;
  /** `-s`: link counters (2: the error counters too). */
  stats?: number;
  names: NameCache;
  /** ifindex -> IFF_* flags, for `M-DOWN` (the lower device is down). */
  flags?: Map<number, number>;
  /** nsid -> namespace name, for `link-netns NAME`. */
  nsNames?: Map<number, string>;
}

// ------------------------------------------------------------------ JSON

/** JSON.stringify replacer: bigint as number (or string when too big), bytes as hex. */
export function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const orig = (this as Record<string, unknown> | undefined)?.[key];
  if (orig instanceof Uint8Array) return Buffer.from(orig.buffer, orig.byteOffset, orig.length).toString('hex');
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  return value;
}

export function toJson(v: unknown, indent?: number): string {
  return JSON.stringify(v, jsonReplacer, indent);
}

/** Largest |ms| a Date holds (ECMAScript: 100,000,000 days either side of the epoch). */
const DATE_MAX_MS = 8_640_000_000_000_000n;

/**
 * ISO time with nanoseconds from a bigint of ns since the epoch, or
 * undefined when the time is outside what a Date can hold (a pcapng
 * if_tsoffset or if_tsresol can put a timestamp anywhere in 64 bits).
 */
export function isoNs(ns: bigint): string | undefined {
  // whole seconds rounded down, so times before 1970 keep a positive fraction
  let sec = ns / 1_000_000_000n;
  if (sec * 1_000_000_000n > ns) sec -= 1n;
  const frac = ns - sec * 1_000_000_000n;
  const ms = sec * 1000n;
  if (ms > DATE_MAX_MS || ms < -DATE_MAX_MS) return undefined;
  // years past 9999 come out as +010000-...: replace only the milliseconds
  return new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, `.${frac.toString().padStart(9, '0')}Z`);
}

/** A capture timestamp for text output: ISO time, or the raw ns count when no date can show it. */
export function timeText(ns: bigint): string {
  return isoNs(ns) ?? `timestamp ${ns} ns (outside the date range)`;
}

// ------------------------------------------------------- attribute trees

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

function isAttrSet(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && WIRE in (v as object);
}

/** One value as text (scalars, addresses, structs, arrays, bytes). */
export function formatValue(spec: AttrSpec | undefined, v: unknown): string {
  if (v instanceof Uint8Array) return v.length ? hex(v) : '(empty)';
  if (typeof v === 'string') return spec?.codec.name === 'string' || spec?.codec.name === 'ifname' ? quoteString(v) : printableString(v);
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => formatValue(undefined, x)).join(' ');
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>)
      .filter(([k]) => k !== 'unknown')
      .map(([k, x]) => `${k}=${formatValue(undefined, x)}`);
    const extra = (v as Record<symbol, unknown>)[STRUCT_EXTRA] as Uint8Array | undefined;
    if (extra) parts.push(`+${hex(extra)}`);
    return `{${parts.join(' ')}}`;
  }
  return String(v);
}

/**
 * Every attribute of a decoded object, in wire order, by uapi name; nested
 * sets indented below their attribute. Unknown attributes: `unknown(type=N) hex`.
 */
export function attrTree(pol: Policy, obj: Record<string, unknown>, indent: string): string[] {
  const out: string[] = [];
  for (const [name, value, spec, raw] of describeAttrs(pol, obj)) {
    if (!spec) {
      // Kept raw: an attribute no policy knows, or a known nest whose inner policy is not registered.
      const label = `${indent}${name}${nlaFlagText(raw?.flags ?? 0)}`;
      const known = name.endsWith('(raw)') ? [...pol.byName.values()].find((x) => `${x.uapi}(raw)` === name) : undefined;
      const knownNest = !!(known && (known.codec as Partial<NestedCodec>).policyFor);
      if ((knownNest || (raw?.flags ?? 0) & NLA_F_NESTED) && value instanceof Uint8Array && value.length && looksLikeTlvs(value)) {
        // walk its TLVs (the members of a known nest of nests, e.g. IFLA_AF_SPEC's one per address family, are nests too)
        out.push(label);
        const b = Buffer.from(value.buffer, value.byteOffset, value.length);
        out.push(...rawAttrTree(b, 0, b.length, indent + '  ', 0, knownNest));
      } else out.push(`${label} ${formatValue(undefined, value)}`);
      continue;
    }
    const sub = (spec.codec as Partial<NestedCodec>).policyFor?.(obj);
    if (sub && isAttrSet(value)) {
      out.push(`${indent}${name}`);
      out.push(...attrTree(sub, value, indent + '  '));
    } else if (isAttrSet(value) && spec.codec.name.startsWith('ifinfomsg')) {
      // VETH_INFO_PEER & co: an ifinfomsg and IFLA_* attributes
      const l = value as unknown as Link;
      out.push(`${indent}${name} ifinfomsg{family=${l.family} type=${l.type} index=${l.index} flags=0x${(l.flags >>> 0).toString(16)}}`);
      out.push(...attrTree(linkPolicy, value, indent + '  '));
    } else if (isAttrSet(value)) {
      // a nest decoded with a policy we cannot see from here: show its keys
      out.push(`${indent}${name}`);
      for (const [k, x] of Object.entries(value)) {
        if (k === 'unknown') for (const u of x as UnknownAttr[]) out.push(`${indent}  unknown(type=${u.type})${nlaFlagText(u.flags)} ${formatValue(undefined, u.data)}`);
        else out.push(`${indent}  ${k} ${formatValue(undefined, x)}`);
      }
    } else {
      out.push(`${indent}${name} ${formatValue(spec, value)}`);
    }
  }
  return out;
}

/** Where the well-formed attributes in buf[off, end) stop (end when they all are). */
function tlvEnd(buf: Buffer, off: number, end: number): number {
  while (end - off >= 4) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > end) return off;
    off = Math.min(end, off + ((len + 3) & ~3));
  }
  return off;
}

/** Whether bytes parse exactly as a sequence of attributes. */
function looksLikeTlvs(b: Uint8Array): boolean {
  return tlvEnd(Buffer.from(b.buffer, b.byteOffset, b.length), 0, b.length) === b.length;
}

/** ` [NLA_F_NESTED|NLA_F_NET_BYTEORDER]` for the flag bits of an attribute type ('' when none). */
export function nlaFlagText(flags: number): string {
  const names: string[] = [];
  if (flags & NLA_F_NESTED) names.push('NLA_F_NESTED');
  if (flags & NLA_F_NET_BYTEORDER) names.push('NLA_F_NET_BYTEORDER');
  return names.length ? ` [${names.join('|')}]` : '';
}

/**
 * Attributes of a message no schema knows: type numbers, NLA_F_* flags and
 * bytes; nests walked (those flagged NLA_F_NESTED, and with childrenNested
 * members that parse as attributes, shown as `nested`).
 */
export function rawAttrTree(buf: Buffer, off: number, end: number, indent: string, depth = 0, childrenNested = false): string[] {
  const out: string[] = [];
  while (end - off >= 4) {
    const len = buf.readUInt16LE(off);
    const raw = buf.readUInt16LE(off + 2);
    if (len < 4 || off + len > end) {
      out.push(`${indent}malformed attribute at offset ${off}: ${hex(buf.subarray(off, end))}`);
      return out;
    }
    const type = raw & NLA_TYPE_MASK;
    const label = `${indent}unknown(type=${type})${nlaFlagText(raw)}`;
    const data = buf.subarray(off + 4, off + len);
    const flagged = (raw & NLA_F_NESTED) !== 0 && data.length > 0 && looksLikeTlvs(data);
    if ((flagged || (childrenNested && data.length >= 4 && looksLikeTlvs(data))) && depth < 8) {
      out.push(flagged ? label : `${label} nested`);
      out.push(...rawAttrTree(buf, off + 4, off + len, indent + '  ', depth + 1));
    } else out.push(`${label} ${data.length ? hex(data) : '(empty)'}`);
    off += (len + 3) & ~3;
  }
  if (off < end) out.push(`${indent}trailing bytes: ${hex(buf.subarray(off, end))}`);
  return out;
}

// ---------------------------------------------------------------- names

export function ifname(names: NameCache, index: number): string {
  const n = names.get(index);
  return n === undefined ? `if${index}` : printableString(n); // bytes that are not UTF-8 as \xNN
}

/**
 * Keep the name table in step with a link message: RTM_NEWLINK teaches the
 * index's name, RTM_DELLINK forgets it (a link line never needs its own
 * index's entry: it prints the name it carries). Only the kernel's own
 * messages count: a request (NLM_F_REQUEST, which the kernel never sets and
 * without which it ignores a message) says what user space asks for, often
 * by name with ifindex 0 ("any"), and is no evidence of what an index is
 * called. Index 0 is never a device.
 */
export function learnLinkName(names: NameCache, m: Pick<RawMessage, 'type' | 'flags'>, l: Pick<Link, 'index' | 'name'>): void {
  if (m.flags & NLM_F_REQUEST || !l.index) return;
  if (m.type === U.RTM_NEWLINK && l.name) names.set(l.index, l.name);
  else if (m.type === U.RTM_DELLINK) names.delete(l.index);
}

/**
 * `--json` with names beside indexes: a copy of a decoded object where each
 * field holding an interface index (`index`, `master`, `link`, `oif`, `iif`,
 * a next hop's `ifindex`, kind options such as vxlan `link` or bond
 * `activeSlave`) is followed by `<field>Name` with the device's name, when
 * the name is known (the index is in this namespace's link dump). A link's
 * `link` is another namespace's index when `linkNetnsId` is set: no name.
 */
export function withIfNames(kind: string, obj: Record<string, unknown>, names: NameCache): Record<string, unknown> {
  const named = (o: Record<string, unknown>, fields: (k: string) => boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      out[k] = v;
      if (typeof v === 'number' && v > 0 && fields(k) && !(`${k}Name` in o)) {
        const n = names.get(v);
        if (n !== undefined) out[`${k}Name`] = n;
      }
    }
    return out;
  };
  const byPolicy = (pol: Policy | undefined, o: unknown): unknown => {
    if (!pol || typeof o !== 'object' || o === null) return o;
    return named(o as Record<string, unknown>, (k) => isIfindexAttr(pol, k));
  };
  switch (kind) {
    case 'link': {
      const l = obj as unknown as Link;
      const out = named(obj, (k) => k === 'master' || (k === 'link' && l.linkNetnsId === undefined));
      const li = l.linkInfo;
      if (li && (li.data || li.slaveData)) {
        const info: Record<string, unknown> = { ...li };
        if (li.data) info.data = byPolicy(getKind(li.kind)?.data, li.data);
        if (li.slaveData) info.slaveData = byPolicy(getKind(li.slaveKind)?.slaveData, li.slaveData);
        out.linkInfo = info;
      }
      return out;
    }
    case 'address':
      return named(obj, (k) => k === 'index');
    case 'neighbour':
      return named(obj, (k) => k === 'index' || k === 'master');
    case 'route': {
      const out = named(obj, (k) => k === 'oif' || k === 'iif');
      const mp = (obj as unknown as Route).multipath;
      if (mp) out.multipath = mp.map((nh) => named(nh as unknown as Record<string, unknown>, (k) => k === 'ifindex'));
      return out;
    }
    default:
      return obj;
  }
}

/** 'inet', 'inet6', 'bridge', ... ('family N' when unnamed). */
function familyLabel(af: number): string {
  const n = familyName(af);
  return n === String(af) ? `family ${af}` : n;
}


// ---------------------------------------------------------------- links

/**
 * `ip link` lines for a link, from the same printer as `-j` (iplink.ts):
 * with `details` what `ip -d link` adds (kind and port options in
 * iproute2's words and units), with `stats` the counters, with `attrs`
 * every attribute by its uapi name under `attributes:`.
 */
export function formatLink(l: Link, o: FormatOptions): string[] {
  const p = new IpPrinter(false);
  printLink(p, l, { names: o.names, flags: o.flags, nsNames: o.nsNames, details: o.details, stats: o.stats ?? 0, brief: false }, { doLink: true, family: 'packet' });
  const out = p.lines();
  if (o.attrs) {
    out.push('    attributes:');
    out.push(...attrTree(linkPolicy, l as unknown as Record<string, unknown>, '      '));
  }
  return out;
}

// ------------------------------------------------------------ addresses

const lft = (v: number): string => (v === INFINITY_LIFE_TIME ? 'forever' : `${v}sec`);

/** `ip -o addr` style lines for an address. */
export function formatAddr(a: Address, o: FormatOptions): string[] {
  const parts = [`${a.index}: ${ifname(o.names, a.index)}`, `   ${familyLabel(a.family)}`];
  if (a.local !== undefined && a.address !== undefined && a.local !== a.address) parts.push(`${a.local} peer ${a.address}/${a.prefixLen}`);
  else parts.push(`${a.local ?? a.address ?? '?'}/${a.prefixLen}`);
  if (a.broadcast !== undefined) parts.push(`brd ${a.broadcast}`);
  parts.push(`scope ${a.scope}`);
  if (!(a.flags & U.IFA_F_PERMANENT)) parts.push('dynamic');
  for (const n of addrFlagNames(a.flags & ~U.IFA_F_PERMANENT)) {
    // unnamed bits are left out; IFA_F_SECONDARY is IFA_F_TEMPORARY for IPv6
    if (!n.startsWith('0x')) parts.push(n === 'secondary' && a.family === AF_INET6 ? 'temporary' : n);
  }
  if (a.label) parts.push(printableString(a.label));
  const out = [parts.join(' ')];
  if (a.cacheInfo && a.cacheInfo.valid !== undefined && a.cacheInfo.preferred !== undefined) out.push(`       valid_lft ${lft(a.cacheInfo.valid)} preferred_lft ${lft(a.cacheInfo.preferred)}`);
  return out;
}

// --------------------------------------------------------------- routes

/** `ip route` style lines for a route (multipath next hops on their own lines). */
export function formatRoute(r: Route, o: FormatOptions): string[] {
  const parts: string[] = [];
  if (r.family === AF_INET6) parts.push('inet6');
  else if (r.family !== AF_INET) parts.push(familyLabel(r.family));
  if (r.type !== 'unicast' || o.details) parts.push(typeof r.type === 'number' ? `type${r.type}` : r.type);
  // a host route without its /32 or /128, like ip
  const full = `/${r.family === AF_INET6 ? 128 : 32}`;
  parts.push(r.dst.endsWith(full) ? r.dst.slice(0, -full.length) : r.dst);
  if (r.from !== undefined) parts.push(`from ${r.from}`);
  if (r.tos) parts.push(`tos 0x${r.tos.toString(16)}`);
  if (r.gateway !== undefined) parts.push(`via ${r.gateway}`);
  if (r.oif !== undefined) parts.push(`dev ${ifname(o.names, r.oif)}`);
  if (r.table !== U.RT_TABLE_MAIN || o.details) parts.push(`table ${ipTableName(r.table)}`);
  if (r.protocol !== 'boot' || o.details) parts.push(`proto ${typeof r.protocol === 'number' ? ipProtoName(r.protocol) : r.protocol}`);
  if (r.scope !== 'global' || o.details) parts.push(`scope ${typeof r.scope === 'number' ? ipScopeName(r.scope) : r.scope}`);
  if (r.prefsrc !== undefined) parts.push(`src ${r.prefsrc}`);
  if (r.priority !== undefined) parts.push(`metric ${r.priority}`);
  if (r.flags & U.RTNH_F_LINKDOWN) parts.push('linkdown');
  if (r.flags & U.RTNH_F_ONLINK) parts.push('onlink');
  const out = [parts.join(' ')];
  for (const nh of r.multipath ?? []) {
    out.push(`\tnexthop${nh.gateway !== undefined ? ` via ${nh.gateway}` : ''} dev ${ifname(o.names, nh.ifindex)} weight ${nh.weight}`);
  }
  return out;
}

// ----------------------------------------------------------- neighbours

/** `ip neigh` style line (`bridge fdb` style for AF_BRIDGE entries). */
export function formatNeigh(n: Neighbour, o: FormatOptions): string[] {
  const state = neighStateValue(n.state);
  const parts: string[] = [];
  if (n.family === AF_BRIDGE) {
    if (n.lladdr !== undefined) parts.push(n.lladdr);
    parts.push(`dev ${ifname(o.names, n.index)}`);
    if (n.dst !== undefined) parts.push(`dst ${n.dst}`);
    if (n.vlan !== undefined) parts.push(`vlan ${n.vlan}`);
    if (n.master !== undefined) parts.push(`master ${ifname(o.names, n.master)}`);
    if (n.flags & U.NTF_SELF) parts.push('self');
    if (state & U.NUD_PERMANENT) parts.push('permanent');
    else if (state & U.NUD_NOARP) parts.push('static');
  } else {
    parts.push(n.dst ?? '?', `dev ${ifname(o.names, n.index)}`);
    if (n.lladdr !== undefined) parts.push(`lladdr ${n.lladdr}`);
    if (n.flags & U.NTF_ROUTER) parts.push('router');
    if (n.flags & U.NTF_PROXY) parts.push('proxy');
    const st = neighStateNames(state).filter((x) => !x.startsWith('0x'));
    parts.push(st.length ? st.join(',').toUpperCase() : 'NONE');
  }
  return [parts.join(' ')];
}

// ---------------------------------------------------------------- rules

/** `ip rule` style line. */
export function formatRule(r: Rule, o: FormatOptions): string[] {
  const parts: string[] = [`${r.family === AF_INET6 ? 'inet6 ' : ''}${r.priority}:\t`];
  if (r.flags & U.FIB_RULE_INVERT) parts.push('not');
  // FRA_SRC with src_len 0 prints as the bare address
  parts.push(`from ${r.from === undefined ? 'all' : r.srcLen ? r.from : r.from.slice(0, r.from.lastIndexOf('/'))}`);
  if (r.to !== undefined) parts.push(`to ${r.to}`);
  if (r.fwmark !== undefined) {
    const mask = r.fwmask !== undefined && r.fwmask !== 0xffffffff ? `/0x${r.fwmask.toString(16)}` : '';
    parts.push(`fwmark 0x${r.fwmark.toString(16)}${mask}`);
  }
  if (r.iif) parts.push(`iif ${r.iif}`);
  if (r.oif) parts.push(`oif ${r.oif}`);
  const act = r.action;
  if (act === 'lookup') parts.push(`lookup ${ipTableName(r.table)}`);
  else if (act === 'goto') parts.push(`goto ${r.goto ?? '?'}`);
  else if (act === 'nop' || act === 'blackhole' || act === 'unreachable' || act === 'prohibit') parts.push(act);
  else parts.push(`action ${typeof act === 'number' ? act : RULE_ACTIONS.parse(act, 'action')}`);
  if (r.protocol !== undefined && ((r.protocol !== 'unspec' && r.protocol !== 'kernel') || o.details)) parts.push(`proto ${r.protocol}`);
  return [parts.join(' ').replace(':\t ', ':\t')];
}

// ------------------------------------------------------------- dispatch

/** Fixed header sizes of RTM families without a registered schema (for -d of their bytes). */
const HEADER_SIZES: Record<string, number> = {
  QDISC: 20, TCLASS: 20, TFILTER: 20, ACTION: 4, PREFIX: 12,
  NEIGHTBL: 4, NDUSEROPT: 16, ADDRLABEL: 12, NETCONF: 4, MDB: 8, NSID: 4, STATS: 12, NEXTHOP: 8, CHAIN: 20,
};

/** Summary printers of the RTM families that have one, with their typed decoder and header size. */
interface Summary {
  /** The fixed header: its C name and size. */
  header: string;
  headerSize: number;
  decode(buf: Buffer, off: number, end: number): unknown;
  format(obj: unknown, o: FormatOptions): string[];
}
function summary<T>(header: string, headerSize: number, decode: (buf: Buffer, off: number, end: number) => T, format: (obj: T, o: FormatOptions) => string[]): Summary {
  return { header, headerSize, decode, format: format as (obj: unknown, o: FormatOptions) => string[] };
}
const SUMMARIES: Record<string, Summary> = {
  ADDR: summary('ifaddrmsg', IFADDRMSG_SIZE, decodeAddress, formatAddr),
  ROUTE: summary('rtmsg', RTMSG_SIZE, decodeRoute, formatRoute),
  NEIGH: summary('ndmsg', NDMSG_SIZE, decodeNeighbour, formatNeigh),
  RULE: summary('fib_rule_hdr', FIB_RULE_HDR_SIZE, decodeRule, formatRule),
};

/**
 * A message whose attributes do not all decode (a decode error is printed
 * after it): summarized from its header and the attributes that decode on
 * their own, so the line still says what the message is about.
 */
function salvage(s: Summary, m: RawMessage, o: FormatOptions): string[] | undefined {
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  if (end - p < s.headerSize) return [`short ${s.header} (${end - p} bytes)`];
  const head = m.buf.subarray(p, p + s.headerSize);
  const decodes = (b: Buffer): boolean => {
    try {
      s.decode(b, 0, b.length);
      return true;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      return false;
    }
  };
  const good: Buffer[] = [head];
  const stop = tlvEnd(m.buf, p + s.headerSize, end);
  // at most as many attributes as a message may hold (MAX_ATTRS): a flood of them is not summarized one by one
  for (let off = p + s.headerSize, k = 0; off < stop && k < MAX_ATTRS; k++) {
    const next = off + ((m.buf.readUInt16LE(off) + 3) & ~3);
    const tlv = Buffer.alloc(next - off);
    m.buf.copy(tlv, 0, off, Math.min(next, stop));
    if (decodes(Buffer.concat([head, tlv]))) good.push(tlv);
    off = next;
  }
  const b = Buffer.concat(good);
  return decodes(b) ? s.format(s.decode(b, 0, b.length), o) : s.format(s.decode(head, 0, head.length), o);
}

function suffixOf(type: number): string | undefined {
  const n = RTM_NAMES[type];
  return n ? /^RTM_(?:NEW|DEL|GET|SET)(.+)$/.exec(n)?.[1] : undefined;
}

/** Header fields of a decoded object: its keys that are not attributes. */
function headerFields(pol: Policy, obj: Record<string, unknown>): string {
  return Object.entries(obj)
    .filter(([k, v]) => !pol.byName.has(k) && k !== 'unknown' && typeof v !== 'object')
    .map(([k, v]) => `${k} ${formatValue(undefined, v)}`)
    .join(' ');
}

/**
 * Lines for one NETLINK_ROUTE message: an ip-like summary, and with
 * details every attribute. `obj` is the schema's decoding when available
 * (undefined when it failed: the summary then comes from what does decode).
 */
export function formatRouteMessage(m: RawMessage, obj: Record<string, unknown> | undefined, o: FormatOptions): string[] {
  const sfx = suffixOf(m.type);
  const schema = schemaFor(m.type);
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  if (sfx === 'LINK' && obj && 'index' in obj) {
    const l = obj as unknown as Link;
    learnLinkName(o.names, m, l);
    if (o.flags && !(m.flags & NLM_F_REQUEST) && l.index) {
      if (m.type === U.RTM_NEWLINK) o.flags.set(l.index, l.flags);
      else if (m.type === U.RTM_DELLINK) o.flags.delete(l.index);
    }
    return formatLink(l, o);
  }
  const s = sfx ? SUMMARIES[sfx] : undefined;
  const summaryLines = s && (obj ? s.format(obj, o) : salvage(s, m, o));
  const lines = summaryLines || [`${sfx ? sfx.toLowerCase() : `type ${m.type}`}${obj && schema ? ' ' + headerFields(schema.policy, obj) : ''}`];
  if (o.attrs) {
    if (obj && schema) lines.push(...attrTree(schema.policy, obj, '    '));
    else {
      const hs = (schema?.headerSize ?? (sfx ? HEADER_SIZES[sfx] : undefined)) ?? 0;
      if (hs) lines.push(`    header ${hex(m.buf.subarray(p, Math.min(end, p + hs)))}`);
      lines.push(...rawAttrTree(m.buf, p + hs, end, '    '));
    }
  }
  return lines;
}

/**
 * Lines for a decoded message of a protocol without ip-like summaries
 * (nf_tables, generic netlink): its kind and header fields, and with
 * details every attribute.
 */
export function formatObjectMessage(schema: MessageSchema, obj: Record<string, unknown>, o: FormatOptions): string[] {
  const head = headerFields(schema.policy, obj);
  const lines = [`${schema.name}${head ? ' ' + head : ''}`];
  if (o.details) lines.push(...attrTree(schema.policy, obj, '    '));
  return lines;
}
