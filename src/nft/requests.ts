/**
 * Request messages from user specs, validated before anything is sent:
 * tables, chains (base chains with type, hook, priority, policy; regular
 * chains), rules (append/insert at a position, replace by handle), named
 * sets and maps with typed elements (intervals included), deletes by name or
 * handle, and the dump/get requests. Each returns an {@link NftMessage} with
 * the attributes and flags nft 1.0.6 uses, for {@link encodeBatch}.
 * @module
 */
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST } from '../netlink/constants.js';
import { ArgumentError } from '../netlink/errors.js';
import type { AttrSetBase } from '../netlink/attr.js';
import { describe, parseIPv4, parseIPv6 } from '../netlink/ip.js';
import { compileRule, type RuleItem } from './builders.js';
import type { Expr } from './expr.js';
import { nftType, type NftMessage } from './message.js';
import {
  HOOKS,
  familyNumber,
  type ChainAttrs,
  type FamilyName,
  type RuleAttrs,
  type SetAttrs,
  type SetElemAttrs,
  type SetElemListAttrs,
  type SetFlag,
  type TableAttrs,
  type TableFlag,
} from './objects.js';
import { endianness } from 'node:os';

const FAMILY_NAMES = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'] as const;

function checkFamily(v: unknown, field = 'family'): FamilyName {
  if (typeof v !== 'string' || familyNumber(v) === undefined) throw new ArgumentError(field, `expected one of ${FAMILY_NAMES.join(', ')}, got ${describe(v)}`);
  return v as FamilyName;
}
function checkName(v: unknown, field: string, what: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ArgumentError(field, `expected a ${what} name, got ${describe(v)}`);
  if (Buffer.byteLength(v) > 255) throw new ArgumentError(field, `${what} name is longer than 255 bytes (NFT_NAME_MAXLEN)`);
  if (v.includes('\0')) throw new ArgumentError(field, `${what} name contains a NUL byte`);
  return v;
}
function checkHandle(v: unknown, field: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return BigInt(v);
  if (typeof v === 'bigint' && v > 0n && v <= 0xffffffffffffffffn) return v;
  throw new ArgumentError(field, `expected a handle (positive integer or bigint), got ${describe(v)}`);
}
function checkU32(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new ArgumentError(field, `expected an integer 0..0xffffffff, got ${describe(v)}`);
  return v;
}
function checkKeys(o: object, known: string[], field: string): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new ArgumentError(field ? `${field}.${k}` : k, `unknown option "${k}" (known: ${known.join(', ')})`);
}
function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(field, `expected an options object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}
function msg<A>(type: string, flags: number, family: FamilyName | 0, attrs: A): NftMessage<A & object> {
  return { type: nftType(type as never), flags: NLM_F_REQUEST | flags, family: family === 0 ? 0 : familyNumber(family)!, attrs: attrs as A & object };
}

// ------------------------------------------------------------------ tables

/** A table to add. */
export interface TableSpec {
  family: FamilyName;
  name: string;
  /** dormant, owner, persist */
  flags?: TableFlag[];
  /** Fail with EEXIST if it exists (`nft create table`). */
  exclusive?: boolean;
}
/** NFT_MSG_NEWTABLE (`nft add table`). */
export function addTable(spec: TableSpec): NftMessage<TableAttrs> {
  const o = obj(spec, 'table');
  checkKeys(o, ['family', 'name', 'flags', 'exclusive'], '');
  const family = checkFamily(o.family);
  const name = checkName(o.name, 'name', 'table');
  const flags = (o.flags ?? []) as TableFlag[];
  if (!Array.isArray(flags)) throw new ArgumentError('flags', `expected a list of flags, got ${describe(flags)}`);
  flags.forEach((f, i) => {
    if (!['dormant', 'owner', 'persist'].includes(f)) throw new ArgumentError(`flags[${i}]`, `unknown table flag "${String(f)}" (dormant, owner, persist)`);
  });
  return msg('NEWTABLE', o.exclusive ? NLM_F_EXCL : 0, family, { name, flags: [...flags] });
}
/** NFT_MSG_DELTABLE by name or handle (deletes its chains, rules and sets). */
export function delTable(spec: { family: FamilyName; name?: string; handle?: bigint | number }): NftMessage<TableAttrs> {
  const o = obj(spec, 'table');
  checkKeys(o, ['family', 'name', 'handle'], '');
  const family = checkFamily(o.family);
  if (o.handle !== undefined) return msg('DELTABLE', 0, family, { handle: checkHandle(o.handle, 'handle') });
  return msg('DELTABLE', 0, family, { name: checkName(o.name, 'name', 'table') });
}

// ------------------------------------------------------------------ chains

/** Standard priorities by name (nft's names; the bridge family has its own). */
export const PRIORITIES: Readonly<Record<string, number>> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
export const BRIDGE_PRIORITIES: Readonly<Record<string, number>> = { dstnat: -300, filter: -200, out: 100, srcnat: 300 };

const CHAIN_TYPES: Record<string, { families: string[]; hooks?: string[] }> = {
  filter: { families: ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'] },
  nat: { families: ['ip', 'ip6', 'inet'], hooks: ['prerouting', 'input', 'output', 'postrouting'] },
  route: { families: ['ip', 'ip6', 'inet'], hooks: ['output'] },
};

/** A chain to add: a base chain (type + hook + priority) or a regular chain. */
export interface ChainSpec {
  family: FamilyName;
  table: string;
  name: string;
  /** filter, nat or route (base chains). */
  type?: 'filter' | 'nat' | 'route';
  /** prerouting, input, forward, output, postrouting, ingress, egress (by family). */
  hook?: string;
  /** Number or a standard name (raw, mangle, dstnat, filter, security, srcnat). */
  priority?: number | string;
  /** Default verdict of a base chain. */
  policy?: 'accept' | 'drop';
  /** netdev (and inet ingress): the device. */
  device?: string;
}
/** NFT_MSG_NEWCHAIN (`nft add chain`). */
export function addChain(spec: ChainSpec): NftMessage<ChainAttrs> {
  const o = obj(spec, 'chain');
  checkKeys(o, ['family', 'table', 'name', 'type', 'hook', 'priority', 'policy', 'device'], '');
  const family = checkFamily(o.family);
  const table = checkName(o.table, 'table', 'table');
  const name = checkName(o.name, 'name', 'chain');
  const base = o.type !== undefined || o.hook !== undefined || o.priority !== undefined || o.policy !== undefined || o.device !== undefined;
  if (!base) return msg('NEWCHAIN', NLM_F_CREATE, family, { table, name });
  const type = o.type ?? 'filter';
  const t = typeof type === 'string' ? CHAIN_TYPES[type] : undefined;
  if (!t) throw new ArgumentError('type', `unknown chain type ${describe(type)} (filter, nat, route)`);
  if (!t.families.includes(family)) throw new ArgumentError('type', `a ${String(type)} chain cannot be in an ${family} table`);
  if (typeof o.hook !== 'string') throw new ArgumentError('hook', `a base chain needs a hook (${Object.keys(HOOKS[family] ?? {}).join(', ')}), got ${describe(o.hook)}`);
  const hooknum = HOOKS[family]?.[o.hook];
  if (hooknum === undefined) throw new ArgumentError('hook', `unknown hook "${o.hook}" for the ${family} family (${Object.keys(HOOKS[family] ?? {}).join(', ')})`);
  if (t.hooks && !t.hooks.includes(o.hook)) throw new ArgumentError('hook', `a ${String(type)} chain cannot use hook ${o.hook} (${t.hooks.join(', ')})`);
  let priority: number;
  if (typeof o.priority === 'string') {
    const p = (family === 'bridge' ? BRIDGE_PRIORITIES : PRIORITIES)[o.priority];
    if (p === undefined) throw new ArgumentError('priority', `unknown priority name "${o.priority}" (${Object.keys(family === 'bridge' ? BRIDGE_PRIORITIES : PRIORITIES).join(', ')}, or a number)`);
    priority = p;
  } else if (typeof o.priority === 'number' && Number.isInteger(o.priority) && o.priority >= -2147483648 && o.priority <= 2147483647) priority = o.priority;
  else throw new ArgumentError('priority', `expected a priority (integer or a standard name), got ${describe(o.priority)}`);
  const needsDev = family === 'netdev' || (family === 'inet' && o.hook === 'ingress');
  if (needsDev && typeof o.device !== 'string') throw new ArgumentError('device', `a ${family} ${o.hook} chain needs a device`);
  if (!needsDev && o.device !== undefined) throw new ArgumentError('device', `only netdev (and inet ingress) chains take a device`);
  if (o.device !== undefined && (typeof o.device !== 'string' || !o.device || Buffer.byteLength(o.device) > 15)) throw new ArgumentError('device', `expected an interface name, got ${describe(o.device)}`);
  const attrs: ChainAttrs = { table, name, type: String(type) };
  if (o.policy !== undefined) {
    if (o.policy !== 'accept' && o.policy !== 'drop') throw new ArgumentError('policy', `expected 'accept' or 'drop', got ${describe(o.policy)}`);
    attrs.policy = o.policy;
  }
  attrs.hook = o.device !== undefined ? { hooknum, priority, dev: o.device as string } : { hooknum, priority };
  return msg('NEWCHAIN', NLM_F_CREATE, family, attrs);
}
/** NFT_MSG_DELCHAIN by name or handle (the chain must be empty and unreferenced). */
export function delChain(spec: { family: FamilyName; table: string; name?: string; handle?: bigint | number }): NftMessage<ChainAttrs> {
  const o = obj(spec, 'chain');
  checkKeys(o, ['family', 'table', 'name', 'handle'], '');
  const family = checkFamily(o.family);
  const table = checkName(o.table, 'table', 'table');
  if (o.handle !== undefined) return msg('DELCHAIN', 0, family, { table, handle: checkHandle(o.handle, 'handle') });
  return msg('DELCHAIN', 0, family, { table, name: checkName(o.name, 'name', 'chain') });
}
/** Flush a chain's rules (NFT_MSG_DELRULE with table and chain, no handle); without chain: all rules of the table. */
export function flushChain(spec: { family: FamilyName; table: string; chain?: string }): NftMessage<RuleAttrs> {
  const o = obj(spec, 'chain');
  checkKeys(o, ['family', 'table', 'chain'], '');
  const family = checkFamily(o.family);
  const table = checkName(o.table, 'table', 'table');
  return msg('DELRULE', 0, family, o.chain === undefined ? { table } : { table, chain: checkName(o.chain, 'chain', 'chain') });
}

// ------------------------------------------------------------------- rules

/** A rule to add. */
export interface RuleSpec {
  family: FamilyName;
  table: string;
  chain: string;
  /** Statements (builders) and/or raw expressions, in order. */
  expr: readonly RuleItem[];
  /** Append after (or, with `insert`, before) the rule with this handle. Default: at the end (or start with `insert`). */
  position?: bigint | number;
  /** Insert at the start of the chain (or before `position`) instead of appending. */
  insert?: boolean;
  /** Replace the rule with this handle. */
  replace?: bigint | number;
  /** NFTA_RULE_USERDATA (raw; nft keeps comments there). */
  userdata?: Uint8Array;
}
/** NFT_MSG_NEWRULE (`nft add rule` / `insert rule` / `replace rule`). */
export function addRule(spec: RuleSpec): NftMessage<RuleAttrs> {
  const o = obj(spec, 'rule');
  checkKeys(o, ['family', 'table', 'chain', 'expr', 'position', 'insert', 'replace', 'userdata'], '');
  const family = checkFamily(o.family);
  const table = checkName(o.table, 'table', 'table');
  const chain = checkName(o.chain, 'chain', 'chain');
  const expr: Expr[] = compileRule(family, o.expr as RuleItem[], 'expr');
  if (expr.length === 0) throw new ArgumentError('expr', 'a rule needs at least one statement');
  const attrs: RuleAttrs = { table, chain };
  let flags = NLM_F_CREATE | NLM_F_APPEND;
  if (o.replace !== undefined) {
    if (o.position !== undefined || o.insert) throw new ArgumentError('replace', 'replace excludes position and insert');
    attrs.handle = checkHandle(o.replace, 'replace');
    flags = NLM_F_REPLACE;
  }
  if (o.insert !== undefined && typeof o.insert !== 'boolean') throw new ArgumentError('insert', `expected true or false, got ${describe(o.insert)}`);
  if (o.insert) flags = NLM_F_CREATE;
  if (o.position !== undefined) attrs.position = checkHandle(o.position, 'position');
  attrs.expr = expr;
  if (o.userdata !== undefined) {
    if (!(o.userdata instanceof Uint8Array) || o.userdata.length > 256) throw new ArgumentError('userdata', 'expected at most 256 bytes (NFT_USERDATA_MAXLEN)');
    attrs.userdata = o.userdata;
  }
  return msg('NEWRULE', flags, family, attrs);
}
/** NFT_MSG_DELRULE by handle. */
export function delRule(spec: { family: FamilyName; table: string; chain: string; handle: bigint | number }): NftMessage<RuleAttrs> {
  const o = obj(spec, 'rule');
  checkKeys(o, ['family', 'table', 'chain', 'handle'], '');
  const family = checkFamily(o.family);
  return msg('DELRULE', 0, family, {
    table: checkName(o.table, 'table', 'table'),
    chain: checkName(o.chain, 'chain', 'chain'),
    handle: checkHandle(o.handle, 'handle'),
  });
}

// -------------------------------------------------------------------- sets

/**
 * nft's data types (userspace ids, sent as NFTA_SET_KEY_TYPE / DATA_TYPE so
 * that nft can print the set), with their size and byte order.
 */
export const SET_TYPES = {
  ipv4_addr: { id: 7, len: 4, byteorder: 'big' },
  ipv6_addr: { id: 8, len: 16, byteorder: 'big' },
  ether_addr: { id: 9, len: 6, byteorder: 'big' },
  inet_proto: { id: 12, len: 1, byteorder: 'big' },
  inet_service: { id: 13, len: 2, byteorder: 'big' },
  mark: { id: 19, len: 4, byteorder: 'host' },
  ifname: { id: 41, len: 16, byteorder: 'host' },
} as const;
export type SetKeyType = keyof typeof SET_TYPES;
/** NFTA_SET_DATA_TYPE of verdict maps. */
export const NFT_DATA_VERDICT = 0xffffff00;

/** A named set or map. */
export interface SetSpec {
  family: FamilyName;
  table: string;
  name: string;
  /** Key type. */
  type: SetKeyType;
  /** Value type of a map ('verdict' for a verdict map). */
  map?: SetKeyType | 'verdict';
  /** interval (prefixes/ranges as keys), timeout, constant, dynamic. */
  flags?: Array<'interval' | 'timeout' | 'constant' | 'dynamic'>;
  /** NFTA_SET_ID (required by the kernel): lets rules and elements of the same transaction refer to it. Default: a fresh number. */
  id?: number;
  /** Default element timeout (ms). */
  timeout?: number;
}
/** NFTA_SET_USERDATA as nft writes it (NFTNL_UDATA_SET_KEYBYTEORDER/DATABYTEORDER/DATA_INTERVAL, u32 in host order). */
function setUserdata(key: SetKeyType, map: SetKeyType | 'verdict' | undefined): Buffer {
  const bo = (t: SetKeyType | 'verdict') => (t === 'verdict' ? 0 : SET_TYPES[t].byteorder === 'big' ? 2 : 1);
  const tlv = (type: number, v: number) => {
    const b = Buffer.alloc(6);
    b[0] = type;
    b[1] = 4;
    if (endianness() === 'LE') b.writeUInt32LE(v, 2);
    else b.writeUInt32BE(v, 2);
    return b;
  };
  const parts = [tlv(0, bo(key))];
  if (map !== undefined) parts.push(tlv(1, bo(map)), tlv(6, 0));
  return Buffer.concat(parts);
}
function checkSetType(v: unknown, field: string, allowVerdict = false): SetKeyType | 'verdict' {
  if (allowVerdict && v === 'verdict') return v;
  if (typeof v !== 'string' || !(v in SET_TYPES)) throw new ArgumentError(field, `unknown set type ${describe(v)} (${Object.keys(SET_TYPES).join(', ')}${allowVerdict ? ', verdict' : ''})`);
  return v as SetKeyType;
}
let setIdCounter = 0;
/** A set id for a set given none (unique in this process; the kernel only compares ids inside one transaction). */
function nextSetId(): number {
  setIdCounter = (setIdCounter % 0x7fffffff) + 1;
  return setIdCounter;
}
/** NFT_MSG_NEWSET (`nft add set` / `add map`). */
export function addSet(spec: SetSpec): NftMessage<SetAttrs> {
  const o = obj(spec, 'set');
  checkKeys(o, ['family', 'table', 'name', 'type', 'map', 'flags', 'id', 'timeout'], '');
  const family = checkFamily(o.family);
  const table = checkName(o.table, 'table', 'table');
  const name = checkName(o.name, 'name', 'set');
  const key = checkSetType(o.type, 'type') as SetKeyType;
  const map = o.map === undefined ? undefined : checkSetType(o.map, 'map', true);
  const flags: SetFlag[] = [];
  const uf = (o.flags ?? []) as string[];
  if (!Array.isArray(uf)) throw new ArgumentError('flags', `expected a list, got ${describe(uf)}`);
  uf.forEach((f, i) => {
    if (!['interval', 'timeout', 'constant', 'dynamic'].includes(f)) throw new ArgumentError(`flags[${i}]`, `unknown set flag "${String(f)}" (interval, timeout, constant, dynamic)`);
  });
  // nft's order of bits: constant, interval, map, timeout, dynamic
  if (uf.includes('constant')) flags.push('constant');
  if (uf.includes('interval')) flags.push('interval');
  if (map !== undefined) flags.push('map');
  if (uf.includes('timeout') || o.timeout !== undefined) flags.push('timeout');
  if (uf.includes('dynamic')) flags.push('dynamic');
  const attrs: SetAttrs = { table, name, flags, keyType: SET_TYPES[key].id, keyLen: SET_TYPES[key].len };
  if (map !== undefined) {
    attrs.dataType = map === 'verdict' ? NFT_DATA_VERDICT : SET_TYPES[map].id;
    attrs.dataLen = map === 'verdict' ? 0 : SET_TYPES[map].len;
  }
  if (o.timeout !== undefined) attrs.timeout = BigInt(checkU32(o.timeout, 'timeout'));
  // the kernel requires NFTA_SET_ID (it names the set inside the transaction); nft numbers them per batch
  attrs.id = o.id !== undefined ? checkU32(o.id, 'id') : nextSetId();
  attrs.userdata = setUserdata(key, map);
  return msg('NEWSET', NLM_F_CREATE, family, attrs);
}
/** NFT_MSG_DELSET by name or handle. */
export function delSet(spec: { family: FamilyName; table: string; name?: string; handle?: bigint | number }): NftMessage<SetAttrs> {
  const o = obj(spec, 'set');
  checkKeys(o, ['family', 'table', 'name', 'handle'], '');
  const family = checkFamily(o.family);
  const table = checkName(o.table, 'table', 'table');
  if (o.handle !== undefined) return msg('DELSET', 0, family, { table, handle: checkHandle(o.handle, 'handle') });
  return msg('DELSET', 0, family, { table, name: checkName(o.name, 'name', 'set') });
}

/** A map element: key and value ('accept'/'drop'/{ jump: 'chain' } for verdict maps). */
export type SetElementValue = string | number | { key: string | number; value: string | number | { jump: string } | { goto: string } };

/** Elements to add to (or delete from) a set. */
export interface SetElementsSpec {
  family: FamilyName;
  table: string;
  set: string;
  /** The set's key type (and value type for maps), to encode the elements. */
  type: SetKeyType;
  map?: SetKeyType | 'verdict';
  /** Whether the set has the interval flag (prefixes and ranges become start/end elements). */
  interval?: boolean;
  /** NFTA_SET_ELEM_LIST_SET_ID: the set was created in the same transaction. */
  setId?: number;
  elements: SetElementValue[];
}

function keyBytes(type: SetKeyType, v: unknown, field: string): Buffer {
  switch (type) {
    case 'ipv4_addr':
    case 'ipv6_addr': {
      const b = typeof v === 'string' ? (type === 'ipv4_addr' ? parseIPv4(v) : parseIPv6(v)) : undefined;
      if (!b) throw new ArgumentError(field, `expected an ${type === 'ipv4_addr' ? 'IPv4' : 'IPv6'} address, got ${describe(v)}`);
      return Buffer.from(b);
    }
    case 'inet_service': {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw new ArgumentError(field, `expected a port 0..65535, got ${describe(v)}`);
      return Buffer.from([v >> 8, v & 0xff]);
    }
    case 'inet_proto': {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) throw new ArgumentError(field, `expected a protocol number 0..255, got ${describe(v)}`);
      return Buffer.from([v]);
    }
    case 'mark': {
      const n = checkU32(v, field);
      const b = Buffer.alloc(4);
      if (endianness() === 'LE') b.writeUInt32LE(n);
      else b.writeUInt32BE(n);
      return b;
    }
    case 'ifname': {
      if (typeof v !== 'string' || !v || Buffer.byteLength(v) > 15 || v.includes('\0')) throw new ArgumentError(field, `expected an interface name, got ${describe(v)}`);
      const b = Buffer.alloc(16);
      b.write(v);
      return b;
    }
    case 'ether_addr': {
      if (typeof v !== 'string' || !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(v)) throw new ArgumentError(field, `expected a MAC address, got ${describe(v)}`);
      return Buffer.from(v.replaceAll(':', ''), 'hex');
    }
  }
}

/** Interval keys: a prefix "10.0.0.0/8", a range "a-b" (addresses or ports), or one value: [start, end] inclusive. */
function intervalOf(type: SetKeyType, v: unknown, field: string): [Buffer, Buffer] {
  if ((type === 'ipv4_addr' || type === 'ipv6_addr') && typeof v === 'string' && v.includes('/')) {
    const [a, p] = v.split('/');
    const start = keyBytes(type, a, field);
    const bits = start.length * 8;
    if (!/^\d+$/.test(p ?? '') || Number(p) > bits) throw new ArgumentError(field, `"${v}": prefix length must be 0..${bits}`);
    const plen = Number(p);
    const end = Buffer.from(start);
    for (let bit = plen; bit < bits; bit++) {
      if (start[bit >> 3]! & (0x80 >> (bit & 7))) throw new ArgumentError(field, `"${v}" has host bits set beyond /${plen}`);
      end[bit >> 3]! |= 0x80 >> (bit & 7);
    }
    return [start, end];
  }
  if (typeof v === 'string' && /^[^-]+-[^-]+$/.test(v) && !(type === 'ipv6_addr')) {
    const [a, b] = v.split('-');
    const x = keyBytes(type, type === 'inet_service' || type === 'mark' ? Number(a) : a, field);
    const y = keyBytes(type, type === 'inet_service' || type === 'mark' ? Number(b) : b, field);
    if (Buffer.compare(x, y) > 0) throw new ArgumentError(field, `range "${v}" is reversed`);
    return [x, y];
  }
  const k = keyBytes(type, v, field);
  return [k, k];
}

function plusOne(b: Buffer): Buffer | undefined {
  const r = Buffer.from(b);
  for (let i = r.length - 1; i >= 0; i--) {
    if (r[i] !== 0xff) {
      r[i]!++;
      return r;
    }
    r[i] = 0;
  }
  return undefined; // wrapped: the interval runs to the end of the key space
}

function mapValue(map: SetKeyType | 'verdict', v: unknown, field: string): SetElemAttrs['data'] {
  if (map === 'verdict') {
    if (v === 'accept' || v === 'drop' || v === 'return' || v === 'continue') return { verdict: { code: v } };
    if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o.jump === 'string') return { verdict: { code: 'jump', chain: checkName(o.jump, `${field}.jump`, 'chain') } };
      if (typeof o.goto === 'string') return { verdict: { code: 'goto', chain: checkName(o.goto, `${field}.goto`, 'chain') } };
    }
    throw new ArgumentError(field, `expected accept, drop, return, continue, { jump } or { goto }, got ${describe(v)}`);
  }
  return { value: keyBytes(map, v, field) };
}

/**
 * NFT_MSG_NEWSETELEM (`nft add element`). Interval sets get nft's encoding:
 * sorted start elements and end elements (flag interval-end, key = last + 1),
 * with a leading end element at 0 when the first interval does not start at 0.
 */
export function addElements(spec: SetElementsSpec): NftMessage<SetElemListAttrs> {
  return elementsMsg('NEWSETELEM', NLM_F_CREATE, spec);
}
/** NFT_MSG_DELSETELEM */
export function delElements(spec: SetElementsSpec): NftMessage<SetElemListAttrs> {
  return elementsMsg('DELSETELEM', 0, spec);
}
function elementsMsg(type: string, flags: number, spec: SetElementsSpec): NftMessage<SetElemListAttrs> {
  const o = obj(spec, 'elements');
  checkKeys(o, ['family', 'table', 'set', 'type', 'map', 'interval', 'setId', 'elements'], '');
  const family = checkFamily(o.family);
  const table = checkName(o.table, 'table', 'table');
  const set = checkName(o.set, 'set', 'set');
  const key = checkSetType(o.type, 'type') as SetKeyType;
  const map = o.map === undefined ? undefined : checkSetType(o.map, 'map', true);
  if (!Array.isArray(o.elements) || o.elements.length === 0) throw new ArgumentError('elements', `expected a non-empty array, got ${describe(o.elements)}`);
  const elems: SetElemAttrs[] = [];
  const entries = (o.elements as unknown[]).map((e, i) => {
    const f = `elements[${i}]`;
    if (map !== undefined) {
      if (typeof e !== 'object' || e === null || !('key' in e) || !('value' in e)) throw new ArgumentError(f, `a map element is { key, value }, got ${describe(e)}`);
      const me = e as { key: unknown; value: unknown };
      return { key: me.key, data: mapValue(map, me.value, `${f}.value`), f };
    }
    return { key: e, data: undefined, f };
  });
  if (o.interval) {
    if (map !== undefined) throw new ArgumentError('interval', 'interval maps are not supported by this helper yet');
    const ivs = entries.map((e) => intervalOf(key, e.key, `${e.f}`)).sort((a, b) => Buffer.compare(a[0], b[0]));
    for (let i = 1; i < ivs.length; i++) {
      if (Buffer.compare(ivs[i]![0], ivs[i - 1]![1]) <= 0) throw new ArgumentError('elements', 'intervals overlap (nft would merge them; give them merged)');
    }
    if (ivs.length && ivs[0]![0].some((x) => x !== 0)) elems.push({ flags: ['interval-end'], key: { value: Buffer.alloc(SET_TYPES[key].len) } });
    for (const [start, end] of ivs) {
      elems.push({ key: { value: start } });
      const next = plusOne(end);
      if (next) elems.push({ flags: ['interval-end'], key: { value: next } });
    }
  } else {
    for (const e of entries) {
      const el: SetElemAttrs = { key: { value: keyBytes(key, e.key, `${e.f}${map !== undefined ? '.key' : ''}`) } };
      if (e.data) el.data = e.data;
      elems.push(el);
    }
  }
  const attrs: SetElemListAttrs = { table, set };
  if (o.setId !== undefined) attrs.setId = checkU32(o.setId, 'setId');
  attrs.elements = elems;
  return msg(type, flags, family, attrs);
}

// ------------------------------------------------------------ gets, dumps

/** Dump requests (`list`): every object of a kind, optionally of one family. */
export function dumpRequest(kind: 'tables' | 'chains' | 'rules' | 'sets' | 'flowtables' | 'objects', family?: FamilyName): NftMessage<AttrSetBase> {
  const type = { tables: 'GETTABLE', chains: 'GETCHAIN', rules: 'GETRULE', sets: 'GETSET', flowtables: 'GETFLOWTABLE', objects: 'GETOBJ' }[kind];
  if (!type) throw new ArgumentError('kind', `expected tables, chains, rules, sets, flowtables or objects, got ${describe(kind)}`);
  return msg(type, NLM_F_DUMP, family === undefined ? 0 : checkFamily(family), {});
}
/** Dump a set's elements (NFT_MSG_GETSETELEM, NLM_F_DUMP with table and set). */
export function dumpElements(spec: { family: FamilyName; table: string; set: string }): NftMessage<SetElemListAttrs> {
  const o = obj(spec, 'set');
  return msg('GETSETELEM', NLM_F_DUMP, checkFamily(o.family), { table: checkName(o.table, 'table', 'table'), set: checkName(o.set, 'set', 'set') });
}
/** NFT_MSG_GETGEN: the ruleset generation id (for NFNL_BATCH_GENID). */
export function getGen(): NftMessage<AttrSetBase> {
  return msg('GETGEN', 0, 0, {});
}

// ---------------------------------------------------------------- flushes

/** `nft flush ruleset`: NFT_MSG_DELTABLE without a name deletes every table (of one family, or all). */
export function flushRuleset(family?: FamilyName): NftMessage<TableAttrs> {
  return msg('DELTABLE', 0, family === undefined ? 0 : checkFamily(family), {});
}
/** `nft flush table`: every rule of the table (NFT_MSG_DELRULE with the table only). */
export function flushTable(spec: { family: FamilyName; table: string }): NftMessage<RuleAttrs> {
  const o = obj(spec, 'table');
  checkKeys(o, ['family', 'table'], '');
  return msg('DELRULE', 0, checkFamily(o.family), { table: checkName(o.table, 'table', 'table') });
}
/** `nft flush set`: every element of a set (NFT_MSG_DELSETELEM without elements). */
export function flushSet(spec: { family: FamilyName; table: string; set: string }): NftMessage<SetElemListAttrs> {
  const o = obj(spec, 'set');
  checkKeys(o, ['family', 'table', 'set'], '');
  return msg('DELSETELEM', 0, checkFamily(o.family), { table: checkName(o.table, 'table', 'table'), set: checkName(o.set, 'set', 'set') });
}
