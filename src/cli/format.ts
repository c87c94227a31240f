/**
 * Text and JSON rendering of rtnetlink objects for rtnl-dump: one-line
 * summaries close to `ip` output, and (with -d) every attribute by its uapi
 * name, unknown ones as `unknown(type=N) <hex>`.
 *
 * Summaries of addresses, routes, neighbours and rules read the fixed
 * headers and a few attributes straight from the message bytes (their
 * layouts are uapi), so they print the same whatever codecs are registered;
 * the attribute tree and JSON come from the schema registry (decodeMessage).
 * @module
 */
import { describeAttrs, WIRE, STRUCT_EXTRA, type AttrSpec, type NestedCodec, type Policy } from '../netlink/attr.js';
import { AF_BRIDGE, AF_INET, AF_INET6, NLA_F_NESTED, NLA_TYPE_MASK, NLMSG_HDRLEN } from '../netlink/constants.js';
import { formatIP, formatMac } from '../netlink/ip.js';
import type { RawMessage } from '../netlink/message.js';
import { linkPolicy, type Link } from '../rtnl/link.js';
import { RTM_NAMES, schemaFor } from '../rtnl/schema.js';
import * as U from '../rtnl/uapi.js';

/** Index -> interface name, filled from link dumps and link messages. */
export type NameCache = Map<number, string>;

export interface FormatOptions {
  /** Print every attribute (-d). */
  details: boolean;
  names: NameCache;
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

/** ISO time with nanoseconds from a bigint of ns since the epoch. */
export function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  const frac = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  return `${iso.slice(0, 19)}.${frac.toString().padStart(9, '0')}Z`;
}

// ------------------------------------------------------- attribute trees

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

function isAttrSet(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && WIRE in (v as object);
}

/** One value as text (scalars, addresses, structs, arrays, bytes). */
export function formatValue(spec: AttrSpec | undefined, v: unknown): string {
  if (v instanceof Uint8Array) return v.length ? hex(v) : '(empty)';
  if (typeof v === 'string') return spec?.codec.name === 'string' || spec?.codec.name === 'ifname' ? JSON.stringify(v) : v;
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
  for (const [name, value, spec] of describeAttrs(pol, obj)) {
    if (!spec) {
      // A known nested attribute kept raw (its inner policy is not registered): walk its TLVs.
      const known = name.endsWith('(raw)') ? [...pol.byName.values()].find((x) => `${x.uapi}(raw)` === name) : undefined;
      if (known && (known.codec as Partial<NestedCodec>).policyFor && value instanceof Uint8Array && looksLikeTlvs(value)) {
        out.push(`${indent}${name}`);
        const b = Buffer.from(value.buffer, value.byteOffset, value.length);
        // the members of a nest of nests (IFLA_AF_SPEC: one nest per address family) are nests too
        out.push(...rawAttrTree(b, 0, b.length, indent + '  ', 0, true));
      } else out.push(`${indent}${name} ${formatValue(undefined, value)}`);
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
        if (k === 'unknown') for (const u of x as Array<{ type: number; data: Uint8Array }>) out.push(`${indent}  unknown(type=${u.type}) ${hex(u.data)}`);
        else out.push(`${indent}  ${k} ${formatValue(undefined, x)}`);
      }
    } else {
      out.push(`${indent}${name} ${formatValue(spec, value)}`);
    }
  }
  return out;
}

/** Whether bytes parse exactly as a sequence of attributes. */
function looksLikeTlvs(b: Uint8Array): boolean {
  const v = Buffer.from(b.buffer, b.byteOffset, b.length);
  let off = 0;
  while (v.length - off >= 4) {
    const len = v.readUInt16LE(off);
    if (len < 4 || off + len > v.length) return false;
    off += (len + 3) & ~3;
  }
  return off >= v.length;
}

/** Attributes of a message no schema knows: type numbers and bytes (nested ones walked). */
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
    const data = buf.subarray(off + 4, off + len);
    if ((raw & NLA_F_NESTED || (childrenNested && data.length >= 4 && looksLikeTlvs(data))) && depth < 8) {
      out.push(`${indent}unknown(type=${type}) nested`);
      out.push(...rawAttrTree(buf, off + 4, off + len, indent + '  ', depth + 1));
    } else out.push(`${indent}unknown(type=${type}) ${data.length ? hex(data) : '(empty)'}`);
    off += (len + 3) & ~3;
  }
  if (off < end) out.push(`${indent}trailing bytes: ${hex(buf.subarray(off, end))}`);
  return out;
}

// --------------------------------------------------------- raw helpers

/** First occurrence of each attribute type in buf[off, end) (tolerant of garbage). */
function rawAttrs(buf: Buffer, off: number, end: number): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  while (end - off >= 4) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > end) break;
    const t = buf.readUInt16LE(off + 2) & NLA_TYPE_MASK;
    if (!m.has(t)) m.set(t, buf.subarray(off + 4, off + len));
    off += (len + 3) & ~3;
  }
  return m;
}

const ipOf = (b: Buffer | undefined): string | undefined => (b && (b.length === 4 || b.length === 16) ? formatIP(b, 0, b.length) : undefined);
const u32Of = (b: Buffer | undefined): number | undefined => (b && b.length >= 4 ? b.readUInt32LE(0) : undefined);
const strOf = (b: Buffer | undefined): string | undefined => {
  if (!b) return undefined;
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul < 0 ? b.length : nul);
};

export function ifname(names: NameCache, index: number): string {
  return names.get(index) ?? `if${index}`;
}

const familyName = (f: number): string => (f === AF_INET ? 'inet' : f === AF_INET6 ? 'inet6' : f === AF_BRIDGE ? 'bridge' : f === 0 ? 'unspec' : `family ${f}`);

function byValue(prefix: string, exclude: RegExp | undefined, map: (k: string) => string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [k, v] of Object.entries(U.UAPI)) {
    if (!k.startsWith(prefix) || (exclude && exclude.test(k))) continue;
    if (!(v in out)) out[v] = map(k.slice(prefix.length));
  }
  return out;
}
const lower = (s: string): string => s.toLowerCase();
const SCOPES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
const TABLES: Record<number, string> = { 253: 'default', 254: 'main', 255: 'local' };
const RT_TYPES = byValue('RTN_', /_MAX$/, lower);
const RT_PROTOS = byValue('RTPROT_', undefined, lower);
const ARPHRD: Record<number, string> = {
  1: 'ether', 772: 'loopback', 65534: 'none', 768: 'ipip', 769: 'tunnel6', 776: 'sit', 778: 'gre', 823: 'gre6', 824: 'netlink',
  512: 'ppp', 280: 'can', 801: 'ieee802.11', 519: 'rawip', 32: 'infiniband', 65535: 'void',
};
const scopeName = (s: number): string => SCOPES[s] ?? String(s);
const tableName = (t: number): string => TABLES[t] ?? String(t);

// ---------------------------------------------------------------- links

/** IFF_* names in the order `ip link` prints them. */
const IP_FLAG_ORDER: Array<[number, string]> = [
  [U.IFF_LOOPBACK, 'LOOPBACK'], [U.IFF_BROADCAST, 'BROADCAST'], [U.IFF_POINTOPOINT, 'POINTOPOINT'], [U.IFF_MULTICAST, 'MULTICAST'],
  [U.IFF_NOARP, 'NOARP'], [U.IFF_ALLMULTI, 'ALLMULTI'], [U.IFF_PROMISC, 'PROMISC'], [U.IFF_NOTRAILERS, 'NOTRAILERS'],
  [U.IFF_DEBUG, 'DEBUG'], [U.IFF_DYNAMIC, 'DYNAMIC'], [U.IFF_AUTOMEDIA, 'AUTOMEDIA'], [U.IFF_PORTSEL, 'PORTSEL'],
  [U.IFF_MASTER, 'MASTER'], [U.IFF_SLAVE, 'SLAVE'], [U.IFF_UP, 'UP'], [U.IFF_LOWER_UP, 'LOWER_UP'], [U.IFF_DORMANT, 'DORMANT'], [U.IFF_ECHO, 'ECHO'],
];

/** `ip -d link` style lines for a link. */
export function formatLink(l: Link, o: FormatOptions): string[] {
  const flags = IP_FLAG_ORDER.filter(([bit]) => l.flags & bit).map(([, n]) => n);
  if (l.flags & U.IFF_UP && !(l.flags & U.IFF_RUNNING)) flags.unshift('NO-CARRIER');
  let at = '';
  if (l.link !== undefined && l.link !== l.index) {
    at = l.link === 0 ? '@NONE' : l.linkNetnsId !== undefined ? `@if${l.link}` : `@${ifname(o.names, l.link)}`;
  }
  const p: string[] = [`${l.index}: ${l.name}${at}: <${flags.join(',')}>`];
  if (l.mtu !== undefined) p.push(`mtu ${l.mtu}`);
  if (l.qdisc !== undefined) p.push(`qdisc ${l.qdisc}`);
  if (l.master !== undefined) p.push(`master ${ifname(o.names, l.master)}`);
  if (l.operState !== undefined) p.push(`state ${String(l.operState).toUpperCase()}`);
  if (l.linkMode !== undefined) p.push(`mode ${l.linkMode === 1 ? 'DORMANT' : l.linkMode === 0 ? 'DEFAULT' : l.linkMode}`);
  if (l.group !== undefined) p.push(`group ${l.group === 0 ? 'default' : l.group}`);
  if (l.txQueueLen !== undefined) p.push(`qlen ${l.txQueueLen}`);
  const out = [p.join(' ')];
  const q: string[] = [`    link/${ARPHRD[l.type] ?? `[${l.type}]`}`];
  if (l.address !== undefined) q.push(l.address);
  if (l.broadcast !== undefined) q.push(`brd ${l.broadcast}`);
  if (l.permAddress !== undefined && l.permAddress !== l.address) q.push(`permaddr ${l.permAddress}`);
  if (l.linkNetnsId !== undefined) q.push(`link-netnsid ${l.linkNetnsId}`);
  if (o.details) {
    if (l.promiscuity !== undefined) q.push(`promiscuity ${l.promiscuity}`);
    if (l.allmulti !== undefined) q.push(`allmulti ${l.allmulti}`);
    if (l.minMtu !== undefined) q.push(`minmtu ${l.minMtu}`);
    if (l.maxMtu !== undefined) q.push(`maxmtu ${l.maxMtu}`);
  }
  out.push(q.join(' '));
  if (o.details) {
    const info = l.linkInfo;
    if (info?.kind !== undefined) out.push(`    ${info.kind}${kindData(info.data)}`);
    if (info?.slaveKind !== undefined) out.push(`    ${info.slaveKind}_slave${kindData(info.slaveData)}`);
  }
  for (const a of l.propList?.altNames ?? []) out.push(`    altname ${a}`);
  if (o.details) {
    out.push('    attributes:');
    out.push(...attrTree(linkPolicy, l as unknown as Record<string, unknown>, '      '));
  }
  return out;
}

/** Kind options on one line, `key value`, snake_case like ip. */
function kindData(d: Record<string, unknown> | undefined): string {
  if (!d) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    if (k === 'unknown' || v === undefined) continue;
    if (isAttrSet(v)) continue; // nested (e.g. veth peer): in the attribute tree
    parts.push(`${k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())} ${formatValue(undefined, v)}`);
  }
  return parts.length ? ' ' + parts.join(' ') : '';
}

// ------------------------------------------------------------ addresses

const IFA_FLAG_NAMES: Array<[number, string]> = [
  [U.IFA_F_SECONDARY, 'secondary'],
  [U.IFA_F_NODAD, 'nodad'],
  [U.IFA_F_OPTIMISTIC, 'optimistic'],
  [U.IFA_F_DADFAILED, 'dadfailed'],
  [U.IFA_F_HOMEADDRESS, 'home'],
  [U.IFA_F_DEPRECATED, 'deprecated'],
  [U.IFA_F_TENTATIVE, 'tentative'],
  [U.IFA_F_MANAGETEMPADDR, 'mngtmpaddr'],
  [U.IFA_F_NOPREFIXROUTE, 'noprefixroute'],
  [U.IFA_F_MCAUTOJOIN, 'autojoin'],
  [U.IFA_F_STABLE_PRIVACY, 'stable-privacy'],
];

function lft(v: number): string {
  return v === 0xffffffff ? 'forever' : `${v}sec`;
}

export function formatAddr(m: RawMessage, o: FormatOptions): string[] {
  const b = m.buf;
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  if (end - p < 8) return [`short ifaddrmsg (${end - p} bytes)`];
  const family = b[p]!;
  const plen = b[p + 1]!;
  const scope = b[p + 3]!;
  const index = b.readUInt32LE(p + 4);
  const a = rawAttrs(b, p + 8, end);
  const flags = u32Of(a.get(U.IFA_FLAGS)) ?? b[p + 2]!;
  const local = ipOf(a.get(U.IFA_LOCAL));
  const address = ipOf(a.get(U.IFA_ADDRESS));
  const parts = [`${index}: ${ifname(o.names, index)}`, `   ${familyName(family)}`];
  if (local && address && local !== address) parts.push(`${local} peer ${address}/${plen}`);
  else parts.push(`${local ?? address ?? '?'}/${plen}`);
  const brd = ipOf(a.get(U.IFA_BROADCAST));
  if (brd) parts.push(`brd ${brd}`);
  parts.push(`scope ${scopeName(scope)}`);
  if (!(flags & U.IFA_F_PERMANENT)) parts.push('dynamic');
  for (const [bit, n] of IFA_FLAG_NAMES) {
    if (flags & bit && !(bit === U.IFA_F_SECONDARY && family === AF_INET6)) parts.push(n);
    else if (bit === U.IFA_F_SECONDARY && family === AF_INET6 && flags & bit) parts.push('temporary');
  }
  const label = strOf(a.get(U.IFA_LABEL));
  if (label) parts.push(label);
  const out = [parts.join(' ')];
  const ci = a.get(U.IFA_CACHEINFO);
  if (ci && ci.length >= 8) out.push(`       valid_lft ${lft(ci.readUInt32LE(4))} preferred_lft ${lft(ci.readUInt32LE(0))}`);
  return out;
}

// --------------------------------------------------------------- routes

export function formatRoute(m: RawMessage, o: FormatOptions): string[] {
  const b = m.buf;
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  if (end - p < 12) return [`short rtmsg (${end - p} bytes)`];
  const family = b[p]!;
  const dstLen = b[p + 1]!;
  const srcLen = b[p + 2]!;
  const tos = b[p + 3]!;
  const type = b[p + 7]!;
  const a = rawAttrs(b, p + 12, end);
  const table = u32Of(a.get(U.RTA_TABLE)) ?? b[p + 4]!;
  const parts: string[] = [];
  if (family === AF_INET6) parts.push('inet6');
  else if (family !== AF_INET) parts.push(familyName(family));
  if (type !== U.RTN_UNICAST) parts.push(RT_TYPES[type] ?? `type${type}`);
  const dst = ipOf(a.get(U.RTA_DST));
  parts.push(dst ? (dstLen === (family === AF_INET6 ? 128 : 32) ? dst : `${dst}/${dstLen}`) : dstLen ? `0/${dstLen}` : 'default');
  const src = ipOf(a.get(U.RTA_SRC));
  if (src) parts.push(`from ${src}/${srcLen}`);
  if (tos) parts.push(`tos 0x${tos.toString(16)}`);
  const gw = ipOf(a.get(U.RTA_GATEWAY));
  if (gw) parts.push(`via ${gw}`);
  const oif = u32Of(a.get(U.RTA_OIF));
  if (oif !== undefined) parts.push(`dev ${ifname(o.names, oif)}`);
  if (table !== U.RT_TABLE_MAIN) parts.push(`table ${tableName(table)}`);
  if (b[p + 5] !== U.RTPROT_BOOT) parts.push(`proto ${RT_PROTOS[b[p + 5]!] ?? b[p + 5]}`);
  if (b[p + 6] !== 0) parts.push(`scope ${scopeName(b[p + 6]!)}`);
  const pref = ipOf(a.get(U.RTA_PREFSRC));
  if (pref) parts.push(`src ${pref}`);
  const metric = u32Of(a.get(U.RTA_PRIORITY));
  if (metric !== undefined) parts.push(`metric ${metric}`);
  const flags = b.readUInt32LE(p + 8);
  if (flags & U.RTNH_F_LINKDOWN) parts.push('linkdown');
  if (flags & U.RTNH_F_ONLINK) parts.push('onlink');
  const out = [parts.join(' ')];
  const mp = a.get(U.RTA_MULTIPATH);
  if (mp) {
    let q = 0;
    while (mp.length - q >= 8) {
      const len = mp.readUInt16LE(q);
      if (len < 8 || q + len > mp.length) break;
      const hops = mp[q + 3]!;
      const idx = mp.readInt32LE(q + 4);
      const na = rawAttrs(mp, q + 8, q + len);
      const ngw = ipOf(na.get(U.RTA_GATEWAY));
      out.push(`\tnexthop${ngw ? ` via ${ngw}` : ''} dev ${ifname(o.names, idx)} weight ${hops + 1}`);
      q += (len + 3) & ~3;
    }
  }
  return out;
}

// ----------------------------------------------------------- neighbours

const NUD_NAMES: Array<[number, string]> = [
  [U.NUD_INCOMPLETE, 'INCOMPLETE'],
  [U.NUD_REACHABLE, 'REACHABLE'],
  [U.NUD_STALE, 'STALE'],
  [U.NUD_DELAY, 'DELAY'],
  [U.NUD_PROBE, 'PROBE'],
  [U.NUD_FAILED, 'FAILED'],
  [U.NUD_NOARP, 'NOARP'],
  [U.NUD_PERMANENT, 'PERMANENT'],
];

export function formatNeigh(m: RawMessage, o: FormatOptions): string[] {
  const b = m.buf;
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  if (end - p < 12) return [`short ndmsg (${end - p} bytes)`];
  const family = b[p]!;
  const index = b.readInt32LE(p + 4);
  const state = b.readUInt16LE(p + 8);
  const flags = b[p + 10]!;
  const a = rawAttrs(b, p + 12, end);
  const dst = ipOf(a.get(U.NDA_DST));
  const ll = a.get(U.NDA_LLADDR);
  const parts: string[] = [];
  if (family === AF_BRIDGE) {
    if (ll) parts.push(formatMac(ll, 0, ll.length));
    parts.push(`dev ${ifname(o.names, index)}`);
    if (dst) parts.push(`dst ${dst}`);
    const vlan = a.get(U.NDA_VLAN);
    if (vlan && vlan.length >= 2) parts.push(`vlan ${vlan.readUInt16LE(0)}`);
    const master = u32Of(a.get(U.NDA_MASTER));
    if (master !== undefined) parts.push(`master ${ifname(o.names, master)}`);
    if (flags & U.NTF_SELF) parts.push('self');
    if (state & U.NUD_PERMANENT) parts.push('permanent');
    else if (state & U.NUD_NOARP) parts.push('static');
  } else {
    parts.push(dst ?? '?', `dev ${ifname(o.names, index)}`);
    if (ll) parts.push(`lladdr ${formatMac(ll, 0, ll.length)}`);
    if (flags & U.NTF_ROUTER) parts.push('router');
    if (flags & U.NTF_PROXY) parts.push('proxy');
    const st = NUD_NAMES.filter(([bit]) => state & bit).map(([, n]) => n);
    parts.push(st.length ? st.join(',') : 'NONE');
  }
  return [parts.join(' ')];
}

// ---------------------------------------------------------------- rules

export function formatRule(m: RawMessage, o: FormatOptions): string[] {
  const b = m.buf;
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  if (end - p < 12) return [`short fib_rule_hdr (${end - p} bytes)`];
  const dstLen = b[p + 1]!;
  const srcLen = b[p + 2]!;
  const action = b[p + 7]!;
  const flags = b.readUInt32LE(p + 8);
  const a = rawAttrs(b, p + 12, end);
  const prio = u32Of(a.get(U.FRA_PRIORITY)) ?? 0;
  const parts: string[] = [`${b[p] === AF_INET6 ? 'inet6 ' : ''}${prio}:\t`];
  if (flags & 2) parts.push('not'); // FIB_RULE_INVERT
  const src = ipOf(a.get(U.FRA_SRC));
  parts.push(`from ${src ? (srcLen ? `${src}/${srcLen}` : src) : 'all'}`);
  const dst = ipOf(a.get(U.FRA_DST));
  if (dst) parts.push(`to ${dst}/${dstLen}`);
  const mark = u32Of(a.get(U.FRA_FWMARK));
  if (mark !== undefined) {
    const mask = u32Of(a.get(U.FRA_FWMASK));
    parts.push(`fwmark 0x${mark.toString(16)}${mask !== undefined && mask !== 0xffffffff ? `/0x${mask.toString(16)}` : ''}`);
  }
  const iif = strOf(a.get(U.FRA_IIFNAME));
  if (iif) parts.push(`iif ${iif}`);
  const oif = strOf(a.get(U.FRA_OIFNAME));
  if (oif) parts.push(`oif ${oif}`);
  const table = u32Of(a.get(U.FRA_TABLE)) ?? b[p + 4]!;
  if (action === U.FR_ACT_TO_TBL) parts.push(`lookup ${tableName(table)}`);
  else if (action === U.FR_ACT_GOTO) parts.push(`goto ${u32Of(a.get(U.FRA_GOTO)) ?? '?'}`);
  else if (action === U.FR_ACT_NOP) parts.push('nop');
  else parts.push(({ [U.FR_ACT_BLACKHOLE]: 'blackhole', [U.FR_ACT_UNREACHABLE]: 'unreachable', [U.FR_ACT_PROHIBIT]: 'prohibit' } as Record<number, string>)[action] ?? `action ${action}`);
  const proto = a.get(U.FRA_PROTOCOL);
  if (o.details && proto && proto.length >= 1 && proto[0] !== 0) parts.push(`proto ${RT_PROTOS[proto[0]!] ?? proto[0]}`);
  return [parts.join(' ').replace(':\t ', ':\t')];
}

// ------------------------------------------------------------- dispatch

/** Fixed header sizes of RTM families (for messages without a registered schema). */
const HEADER_SIZES: Record<string, number> = {
  LINK: 16, ADDR: 8, ROUTE: 12, NEIGH: 12, RULE: 12, QDISC: 20, TCLASS: 20, TFILTER: 20, ACTION: 4, PREFIX: 12,
  NEIGHTBL: 4, NDUSEROPT: 16, ADDRLABEL: 12, NETCONF: 4, MDB: 8, NSID: 4, STATS: 12, NEXTHOP: 8, CHAIN: 20,
};

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
 * details every attribute. `obj` is the schema's decoding when available.
 */
export function formatRouteMessage(m: RawMessage, obj: Record<string, unknown> | undefined, o: FormatOptions): string[] {
  const sfx = suffixOf(m.type);
  const schema = schemaFor(m.type);
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  let lines: string[];
  if (sfx === 'LINK' && obj && 'index' in obj) {
    const l = obj as unknown as Link;
    if (l.name) o.names.set(l.index, l.name);
    return formatLink(l, o);
  }
  switch (sfx) {
    case 'ADDR':
      lines = formatAddr(m, o);
      break;
    case 'ROUTE':
      lines = formatRoute(m, o);
      break;
    case 'NEIGH':
      lines = formatNeigh(m, o);
      break;
    case 'RULE':
      lines = formatRule(m, o);
      break;
    default:
      lines = [`${sfx ? sfx.toLowerCase() : `type ${m.type}`}${obj && schema ? ' ' + headerFields(schema.policy, obj) : ''}`];
  }
  if (o.details) {
    if (obj && schema) lines.push(...attrTree(schema.policy, obj, '    '));
    else {
      const hs = (schema?.headerSize ?? (sfx ? HEADER_SIZES[sfx] : undefined)) ?? 0;
      if (hs) lines.push(`    header ${hex(m.buf.subarray(p, Math.min(end, p + hs)))}`);
      lines.push(...rawAttrTree(m.buf, p + hs, end, '    '));
    }
  }
  return lines;
}
