/**
 * Readable rule builders: `match.ip.saddr('172.18.0.0/16')`,
 * `match.oifname.not('docker0')`, `tcp.dport(8080)`, `ct.state('established',
 * 'related')`, `masquerade()`, `dnat({ addr, port })`, `accept()` ... Each
 * call validates its arguments at once (ArgumentError naming the field) and
 * returns a statement; {@link compileRule} expands a rule's statements into
 * the expression list exactly as nft 1.0.6 does: same registers, payload
 * bases and offsets, cmp operators, value byte orders, and the implicit
 * dependency matches (`tcp dport 80` => meta l4proto tcp; `ip saddr ...` in
 * an inet table => meta nfproto ipv4), each emitted once per rule.
 * @module
 */
import { endianness } from 'node:os';
import { checkAttrs } from '../netlink/attr.js';
import { ArgumentError } from '../netlink/errors.js';
import { describe, parseIPv4, parseIPv6 } from '../netlink/ip.js';
import { EXPR_POLICIES, exprPolicy as EXPR_ENVELOPE, type Expr, type KnownExpr, type LogLevel, type NatFlag } from './expr.js';
import type { FamilyName } from './objects.js';

const LE = endianness() === 'LE';

/** Registers as nft allocates them. */
export const NFT_REG_VERDICT = 0;
export const NFT_REG_1 = 1;

// ------------------------------------------------------------ statements

const STMT: unique symbol = Symbol('rtnetlink.nft.stmt');

/** What a statement needs from the rule before it (an implicit match nft adds when missing). */
type Dep = { kind: 'l3'; proto: 'ip' | 'ip6' } | { kind: 'l4'; proto: 'tcp' | 'udp' };

/** The rule being compiled. */
export interface BuildContext {
  /** Table family. */
  readonly family: FamilyName;
  /** Dependencies already satisfied ('l3:ip', 'l4:tcp', ...). */
  readonly have: Set<string>;
  /** Field prefix for errors, e.g. "expr[2]". */
  readonly field: string;
}

/** One statement of a rule, made by a builder; expands to expressions at compile time. */
export interface Stmt {
  readonly [STMT]: true;
  /** Human form, e.g. "tcp dport 8080". */
  readonly text: string;
  /** Expand into expressions (dependencies first, as needed). */
  build(ctx: BuildContext): Expr[];
}

function stmt(text: string, build: (ctx: BuildContext) => Expr[]): Stmt {
  return { [STMT]: true, text, build };
}

/** Whether a value is a statement made by a builder. */
export function isStmt(v: unknown): v is Stmt {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[STMT] === true;
}

// ------------------------------------------------------ expression makers

const value = (b: Uint8Array) => ({ value: Buffer.from(b) });
const exprMeta = (key: string, dreg = NFT_REG_1): Expr => ({ name: 'meta', data: { key: key as never, dreg } });
const exprCmp = (op: 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte', b: Uint8Array, sreg = NFT_REG_1): Expr => ({ name: 'cmp', data: { sreg, op, data: value(b) } });
const exprPayload = (base: 'll' | 'network' | 'transport', offset: number, len: number, dreg = NFT_REG_1): Expr => ({ name: 'payload', data: { dreg, base, offset, len } });
const exprBitwise = (len: number, mask: Uint8Array, withOp = false): Expr => ({
  name: 'bitwise',
  data: withOp
    ? { sreg: NFT_REG_1, dreg: NFT_REG_1, op: 'mask-xor', len, mask: value(mask), xor: value(new Uint8Array(len)) }
    : { sreg: NFT_REG_1, dreg: NFT_REG_1, len, mask: value(mask), xor: value(new Uint8Array(len)) },
});
const exprImm = (dreg: number, b: Uint8Array): Expr => ({ name: 'immediate', data: { dreg, data: value(b) } });
const exprVerdict = (code: 'accept' | 'drop' | 'jump' | 'goto' | 'return' | 'continue', chain?: string): Expr => ({
  name: 'immediate',
  data: { dreg: NFT_REG_VERDICT, data: { verdict: chain === undefined ? { code } : { code, chain } } },
});

const u8b = (v: number) => Uint8Array.of(v);
const be16b = (v: number) => Uint8Array.of(v >> 8, v & 0xff);
const host32 = (v: number) => {
  const b = Buffer.alloc(4);
  if (LE) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
};

// ------------------------------------------------------------ dependencies

const L4_NUM = { tcp: 6, udp: 17 } as const;
const NFPROTO = { ip: 2, ip6: 10 } as const;
const ETHERTYPE = { ip: 0x0800, ip6: 0x86dd } as const;

function need(ctx: BuildContext, d: Dep, what: string): Expr[] {
  const key = `${d.kind}:${d.proto}`;
  if (ctx.have.has(key)) return [];
  if (d.kind === 'l3') {
    const other = d.proto === 'ip' ? 'ip6' : 'ip';
    if (ctx.have.has(`l3:${other}`)) throw new ArgumentError(ctx.field, `${what} cannot follow an ${other} match in the same rule (conflicting protocols)`);
    ctx.have.add(key);
    switch (ctx.family) {
      case 'ip':
      case 'ip6':
        if (ctx.family !== d.proto) throw new ArgumentError(ctx.field, `${what} cannot match in an ${ctx.family} table`);
        return [];
      case 'inet':
        return [exprMeta('nfproto'), exprCmp('eq', u8b(NFPROTO[d.proto]))];
      case 'bridge':
      case 'netdev':
        return [exprMeta('protocol'), exprCmp('eq', be16b(ETHERTYPE[d.proto]))];
      default:
        throw new ArgumentError(ctx.field, `${what} cannot match in an ${ctx.family} table`);
    }
  }
  const other = d.proto === 'tcp' ? 'udp' : 'tcp';
  if (ctx.have.has(`l4:${other}`)) throw new ArgumentError(ctx.field, `${what} cannot follow a ${other} match in the same rule (conflicting protocols)`);
  if (ctx.family === 'arp') throw new ArgumentError(ctx.field, `${what} cannot match in an arp table`);
  ctx.have.add(key);
  return [exprMeta('l4proto'), exprCmp('eq', u8b(L4_NUM[d.proto]))];
}

// ------------------------------------------------------------ arguments

interface ParsedAddr {
  family: 'ip' | 'ip6';
  bytes: Uint8Array;
  prefix: number;
}

function parseAddr(v: unknown, field: string, family?: 'ip' | 'ip6', allowPrefix = true): ParsedAddr {
  if (typeof v !== 'string') throw new ArgumentError(field, `expected an address${allowPrefix ? ' or CIDR prefix' : ''} string, got ${describe(v)}`);
  const slash = v.indexOf('/');
  const addr = slash >= 0 ? v.slice(0, slash) : v;
  if (slash >= 0 && !allowPrefix) throw new ArgumentError(field, `"${v}": expected an address without a prefix length`);
  const b4 = parseIPv4(addr);
  const b6 = b4 ? undefined : parseIPv6(addr.startsWith('[') && addr.endsWith(']') ? addr.slice(1, -1) : addr);
  const fam = b4 ? 'ip' : b6 ? 'ip6' : undefined;
  if (!fam) throw new ArgumentError(field, `"${v}" is not an ${family === 'ip' ? 'IPv4' : family === 'ip6' ? 'IPv6' : 'IP'} address${allowPrefix ? ' or CIDR prefix' : ''}`);
  if (family && fam !== family) throw new ArgumentError(field, `"${v}" is an ${fam === 'ip' ? 'IPv4' : 'IPv6'} address; expected ${family === 'ip' ? 'IPv4' : 'IPv6'}`);
  const bytes = (b4 ?? b6)!;
  const max = bytes.length * 8;
  let prefix = max;
  if (slash >= 0) {
    const p = v.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) throw new ArgumentError(field, `"${v}": prefix length must be 0..${max}`);
    prefix = Number(p);
    for (let bit = prefix; bit < max; bit++) {
      if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) throw new ArgumentError(field, `"${v}" has host bits set beyond /${prefix}; give the network address (nft would clear them silently)`);
    }
  }
  return { family: fam, bytes, prefix };
}

function checkPort(v: unknown, field: string): number {
  if (typeof v === 'string' && /^\d+$/.test(v)) v = Number(v);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw new ArgumentError(field, `expected a port 0..65535, got ${describe(v)}`);
  return v;
}

/** A port or a range "lo-hi" / [lo, hi]. */
function checkPortRange(v: unknown, field: string): [number, number] {
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new ArgumentError(field, `expected [low, high], got an array of ${v.length}`);
    const r: [number, number] = [checkPort(v[0], `${field}[0]`), checkPort(v[1], `${field}[1]`)];
    if (r[0] > r[1]) throw new ArgumentError(field, `range ${r[0]}-${r[1]} is reversed`);
    return r;
  }
  if (typeof v === 'string' && /^\d+-\d+$/.test(v)) return checkPortRange(v.split('-'), field);
  const p = checkPort(v, field);
  return [p, p];
}

function checkU32(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new ArgumentError(field, `expected an integer 0..0xffffffff, got ${describe(v)}`);
  return v;
}

/** An interface name or an nft wildcard ("veth*"). */
function checkIfnameMatch(v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string') throw new ArgumentError(field, `expected an interface name, got ${describe(v)}`);
  const wildcard = v.endsWith('*') && !v.endsWith('\\*');
  const name = wildcard ? v.slice(0, -1) : v;
  const n = Buffer.byteLength(name);
  if (n === 0 && !wildcard) throw new ArgumentError(field, 'interface name is empty');
  if (n > 15) throw new ArgumentError(field, `interface name "${v}" is ${n} bytes long; at most 15 (IFNAMSIZ-1)`);
  if (name.includes('\0')) throw new ArgumentError(field, 'interface name contains a NUL byte');
  if (wildcard) return Buffer.from(name);
  const b = Buffer.alloc(16);
  b.write(name);
  return b;
}

function checkName(v: unknown, field: string, what: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ArgumentError(field, `expected a ${what} name, got ${describe(v)}`);
  if (Buffer.byteLength(v) > 255) throw new ArgumentError(field, `${what} name "${v.slice(0, 20)}..." is longer than 255 bytes (NFT_NAME_MAXLEN)`);
  if (v.includes('\0')) throw new ArgumentError(field, `${what} name contains a NUL byte`);
  return v;
}

// -------------------------------------------------------------- matchers

/** A field matcher: `f(value)` (equal), `f.not(value)`, plus lookups in named sets. */
export interface FieldMatcher<V> {
  (value: V): Stmt;
  /** Not equal. */
  not(value: V): Stmt;
  /** Value is in the named set (`@set`); `setId` names a set created in the same transaction. */
  inSet(set: string, opts?: { setId?: number }): Stmt;
  /** Value is not in the named set. */
  notInSet(set: string, opts?: { setId?: number }): Stmt;
}
/** A port matcher adds ranges and verdict maps. */
export interface PortMatcher extends FieldMatcher<number | string> {
  /** low <= port <= high (nft: `dport 1-1024`, two cmp). */
  range(low: number, high: number): Stmt;
  /** Not in low..high (nft: `dport != 1-1024`, a range expression). */
  notRange(low: number, high: number): Stmt;
  /** The verdict from a verdict map keyed by this port (`dport vmap @name`). */
  vmap(set: string, opts?: { setId?: number }): Stmt;
}

function lookupExpr(set: string, inv: boolean, field: string, setId?: number, dreg?: number): Expr {
  checkName(set, `${field}.set`, 'set');
  if (setId !== undefined) checkU32(setId, `${field}.setId`);
  const data: Record<string, unknown> = { sreg: NFT_REG_1 };
  if (dreg !== undefined) data.dreg = dreg;
  data.set = set;
  if (setId !== undefined) data.setId = setId;
  if (inv) data.flags = ['inv'];
  return { name: 'lookup', data } as Expr;
}

function fieldMatcher<V>(
  text: string,
  load: (ctx: BuildContext) => Expr[],
  encode: (v: V, field: string) => Uint8Array,
  field: string,
): FieldMatcher<V> {
  const f = ((v: V) => {
    const b = encode(v, field);
    return stmt(`${text} ${String(v)}`, (ctx) => [...load(ctx), exprCmp('eq', b)]);
  }) as FieldMatcher<V>;
  f.not = (v: V) => {
    const b = encode(v, field);
    return stmt(`${text} != ${String(v)}`, (ctx) => [...load(ctx), exprCmp('neq', b)]);
  };
  f.inSet = (set: string, opts = {}) => {
    const e = lookupExpr(set, false, field, opts.setId);
    return stmt(`${text} @${set}`, (ctx) => [...load(ctx), e]);
  };
  f.notInSet = (set: string, opts = {}) => {
    const e = lookupExpr(set, true, field, opts.setId);
    return stmt(`${text} != @${set}`, (ctx) => [...load(ctx), e]);
  };
  return f;
}

/** An address matcher: `saddr('10.0.0.0/8')`; prefixes as nft encodes them. */
function addrMatcher(proto: 'ip' | 'ip6', fieldName: 'saddr' | 'daddr'): FieldMatcher<string> {
  const off = proto === 'ip' ? (fieldName === 'saddr' ? 12 : 16) : fieldName === 'saddr' ? 8 : 24;
  const len = proto === 'ip' ? 4 : 16;
  const text = `${proto} ${fieldName}`;
  const field = `${proto}.${fieldName}`;
  const dep = (ctx: BuildContext) => need(ctx, { kind: 'l3', proto }, text);
  const match = (op: 'eq' | 'neq') => (v: string) => {
    const a = parseAddr(v, field, proto);
    return stmt(`${text}${op === 'neq' ? ' !=' : ''} ${v}`, (ctx) => {
      const out = dep(ctx);
      if (a.prefix === len * 8) out.push(exprPayload('network', off, len), exprCmp(op, a.bytes));
      else if (a.prefix % 8 === 0 && a.prefix > 0) {
        // byte-aligned prefix: nft loads just the prefix bytes
        const n = a.prefix / 8;
        out.push(exprPayload('network', off, n), exprCmp(op, a.bytes.subarray(0, n)));
      } else {
        const mask = new Uint8Array(len);
        for (let bit = 0; bit < a.prefix; bit++) mask[bit >> 3]! |= 0x80 >> (bit & 7);
        out.push(exprPayload('network', off, len), exprBitwise(len, mask), exprCmp(op, a.bytes));
      }
      return out;
    });
  };
  const f = match('eq') as FieldMatcher<string>;
  f.not = match('neq');
  f.inSet = (set, opts = {}) => {
    const e = lookupExpr(set, false, field, opts.setId);
    return stmt(`${text} @${set}`, (ctx) => [...dep(ctx), exprPayload('network', off, len), e]);
  };
  f.notInSet = (set, opts = {}) => {
    const e = lookupExpr(set, true, field, opts.setId);
    return stmt(`${text} != @${set}`, (ctx) => [...dep(ctx), exprPayload('network', off, len), e]);
  };
  return f;
}

function portMatcher(proto: 'tcp' | 'udp', fieldName: 'sport' | 'dport'): PortMatcher {
  const off = fieldName === 'sport' ? 0 : 2;
  const text = `${proto} ${fieldName}`;
  const field = `${proto}.${fieldName}`;
  const load = (ctx: BuildContext) => [...need(ctx, { kind: 'l4', proto }, text), exprPayload('transport', off, 2)];
  const f = fieldMatcher<number | string>(text, load, (v, fl) => be16b(checkPort(v, fl)), field) as PortMatcher;
  f.range = (low, high) => {
    const [a, b] = checkPortRange([low, high], field);
    return stmt(`${text} ${a}-${b}`, (ctx) => [...load(ctx), exprCmp('gte', be16b(a)), exprCmp('lte', be16b(b))]);
  };
  f.notRange = (low, high) => {
    const [a, b] = checkPortRange([low, high], field);
    return stmt(`${text} != ${a}-${b}`, (ctx) => [
      ...load(ctx),
      { name: 'range', data: { sreg: NFT_REG_1, op: 'neq', fromData: value(be16b(a)), toData: value(be16b(b)) } },
    ]);
  };
  f.vmap = (set, opts = {}) => {
    const e = lookupExpr(set, false, field, opts.setId, NFT_REG_VERDICT);
    return stmt(`${text} vmap @${set}`, (ctx) => [...load(ctx), e]);
  };
  return f;
}

const L4_NAMES: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, icmpv6: 58, sctp: 132, udplite: 136 };
function checkL4(v: unknown, field: string): number {
  if (typeof v === 'string') {
    const n = L4_NAMES[v];
    if (n === undefined) throw new ArgumentError(field, `unknown protocol "${v}" (known: ${Object.keys(L4_NAMES).join(', ')}, or a number)`);
    return n;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) throw new ArgumentError(field, `expected a protocol name or number 0..255, got ${describe(v)}`);
  return v;
}
function markL4(ctx: BuildContext, n: number): void {
  if (n === 6) ctx.have.add('l4:tcp');
  if (n === 17) ctx.have.add('l4:udp');
}

const NFPROTO_NAMES: Record<string, number> = { ipv4: 2, ipv6: 10, ip: 2, ip6: 10, arp: 3, bridge: 7, netdev: 5, inet: 1 };

/** meta matchers (`meta l4proto`, `meta mark`, ...). */
function metaMatchers() {
  const l4 = (v: string | number) => checkL4(v, 'meta.l4proto');
  const l4proto = ((v: string | number) => {
    const n = l4(v);
    return stmt(`meta l4proto ${String(v)}`, (ctx) => {
      markL4(ctx, n);
      return [exprMeta('l4proto'), exprCmp('eq', u8b(n))];
    });
  }) as FieldMatcher<string | number>;
  l4proto.not = (v) => {
    const n = l4(v);
    return stmt(`meta l4proto != ${String(v)}`, () => [exprMeta('l4proto'), exprCmp('neq', u8b(n))]);
  };
  l4proto.inSet = (set, opts = {}) => {
    const e = lookupExpr(set, false, 'meta.l4proto', opts.setId);
    return stmt(`meta l4proto @${set}`, () => [exprMeta('l4proto'), e]);
  };
  l4proto.notInSet = (set, opts = {}) => {
    const e = lookupExpr(set, true, 'meta.l4proto', opts.setId);
    return stmt(`meta l4proto != @${set}`, () => [exprMeta('l4proto'), e]);
  };
  const nfproto = fieldMatcher<string | number>(
    'meta nfproto',
    () => [exprMeta('nfproto')],
    (v, f) => {
      const n = typeof v === 'string' ? NFPROTO_NAMES[v] : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255) throw new ArgumentError(f, `expected ipv4, ipv6 (or a number), got ${describe(v)}`);
      return u8b(n);
    },
    'meta.nfproto',
  );
  const markBase = fieldMatcher<number>('meta mark', () => [exprMeta('mark')], (v, f) => host32(checkU32(v, f)), 'meta.mark');
  /** `meta mark & mask == value` */
  const masked = (mask: number, v: number) => {
    const m = host32(checkU32(mask, 'meta.mark.mask'));
    const b = host32(checkU32(v, 'meta.mark.value'));
    return stmt(`meta mark & 0x${mask.toString(16)} == 0x${v.toString(16)}`, () => [exprMeta('mark'), exprBitwise(4, m, true), exprCmp('eq', b)]);
  };
  const mark = Object.assign(markBase, { masked });
  const protocol = fieldMatcher<string | number>(
    'meta protocol',
    () => [exprMeta('protocol')],
    (v, f) => {
      const n = v === 'ip' ? 0x0800 : v === 'ip6' ? 0x86dd : v === 'arp' ? 0x0806 : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffff) throw new ArgumentError(f, `expected ip, ip6, arp or an ethertype number, got ${describe(v)}`);
      return be16b(n);
    },
    'meta.protocol',
  );
  return { l4proto, nfproto, mark, protocol };
}

function ifnameMatcher(key: 'iifname' | 'oifname'): FieldMatcher<string> {
  return fieldMatcher<string>(key, () => [exprMeta(key)], (v, f) => checkIfnameMatch(v, f), key);
}

/** conntrack state names and their NF_CT_STATE_* bits. */
export const CT_STATES = { invalid: 1, established: 2, related: 4, new: 8, untracked: 64 } as const;
export type CtState = keyof typeof CT_STATES;
/** conntrack status names and their IPS_* bits. */
export const CT_STATUS = {
  expected: 0x1, 'seen-reply': 0x2, assured: 0x4, confirmed: 0x8, snat: 0x10, dnat: 0x20, dying: 0x200,
} as const;
export type CtStatus = keyof typeof CT_STATUS;

function ctFlags<K extends string>(key: 'state' | 'status', table: Readonly<Record<K, number>>) {
  const bits = (names: K[], field: string): number => {
    if (names.length === 0) throw new ArgumentError(field, `expected at least one of: ${Object.keys(table).join(', ')}`);
    let n = 0;
    names.forEach((s, i) => {
      const b = (table as Record<string, number>)[s as string];
      if (b === undefined) throw new ArgumentError(`${field}[${i}]`, `unknown ct ${key} "${String(s)}" (expected one of: ${Object.keys(table).join(', ')})`);
      n |= b;
    });
    return n;
  };
  const load = (): Expr => ({ name: 'ct', data: { key, dreg: NFT_REG_1 } });
  const f = (...names: K[]) => {
    const n = bits(names, `ct.${key}`);
    return stmt(`ct ${key} ${names.join(',')}`, () => [load(), exprBitwise(4, host32(n)), exprCmp('neq', host32(0))]);
  };
  /** Not any of the states: one state compares directly (as nft does), several through a mask. */
  f.not = (...names: K[]) => {
    const n = bits(names, `ct.${key}`);
    if (names.length === 1) return stmt(`ct ${key} != ${names[0]}`, () => [load(), exprCmp('neq', host32(n))]);
    return stmt(`ct ${key} != ${names.join(',')}`, () => [load(), exprBitwise(4, host32(n)), exprCmp('eq', host32(0))]);
  };
  return f;
}

/** Field matches. Each returns a statement for `rules.add({ expr: [...] })`. */
export const match = {
  ip: {
    saddr: addrMatcher('ip', 'saddr'),
    daddr: addrMatcher('ip', 'daddr'),
    /** `ip protocol tcp` (payload; satisfies tcp/udp dependencies like nft) */
    protocol: (v: string | number) => {
      const n = checkL4(v, 'ip.protocol');
      return stmt(`ip protocol ${String(v)}`, (ctx) => {
        const out = [...need(ctx, { kind: 'l3', proto: 'ip' }, 'ip protocol'), exprPayload('network', 9, 1), exprCmp('eq', u8b(n))];
        markL4(ctx, n);
        return out;
      });
    },
  },
  ip6: {
    saddr: addrMatcher('ip6', 'saddr'),
    daddr: addrMatcher('ip6', 'daddr'),
  },
  tcp: { sport: portMatcher('tcp', 'sport'), dport: portMatcher('tcp', 'dport') },
  udp: { sport: portMatcher('udp', 'sport'), dport: portMatcher('udp', 'dport') },
  /** Input interface name; "veth*" matches a prefix. */
  iifname: ifnameMatcher('iifname'),
  /** Output interface name; "veth*" matches a prefix. */
  oifname: ifnameMatcher('oifname'),
  meta: metaMatchers(),
  ct: {
    state: ctFlags<CtState>('state', CT_STATES),
    status: ctFlags<CtStatus>('status', CT_STATUS),
  },
};
/** `tcp.dport(80)` is `match.tcp.dport(80)`. */
export const tcp = match.tcp;
export const udp = match.udp;
export const ip = match.ip;
export const ip6 = match.ip6;
export const meta = {
  ...match.meta,
  /** Statements that write metadata. */
  set: {
    /** `meta mark set VALUE` */
    mark: (v: number) => {
      const b = host32(checkU32(v, 'meta.set.mark'));
      return stmt(`meta mark set 0x${v.toString(16)}`, () => [exprImm(NFT_REG_1, b), { name: 'meta', data: { key: 'mark', sreg: NFT_REG_1 } }]);
    },
  },
};
export const ct = match.ct;

// ------------------------------------------------------------- statements

/** `counter` */
export function counter(): Stmt {
  return stmt('counter', () => [{ name: 'counter', data: {} }]);
}

const PER: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 };
const BYTE_UNITS: Record<string, number> = { bytes: 1, kbytes: 1024, mbytes: 1024 * 1024 };
/** Options of {@link limit}. */
export interface LimitOptions {
  /** Packets (or `unit`s of bytes) per `per`. */
  rate: number;
  /** Time unit, default 'second'. */
  per?: 'second' | 'minute' | 'hour' | 'day' | 'week';
  /** 'packets' (default) or a byte unit. */
  unit?: 'packets' | 'bytes' | 'kbytes' | 'mbytes';
  /** Burst (packets, or bytes with a byte unit); nft's default is 5 packets, 0 bytes. */
  burst?: number;
  /** `limit rate over ...`: match when the rate is exceeded. */
  over?: boolean;
}
/** `limit rate [over] N/per [burst B packets]` */
export function limit(opts: LimitOptions): Stmt {
  if (typeof opts !== 'object' || opts === null) throw new ArgumentError('limit', `expected { rate, per }, got ${describe(opts)}`);
  const per = opts.per ?? 'second';
  if (PER[per] === undefined) throw new ArgumentError('limit.per', `unknown unit "${String(per)}" (second, minute, hour, day, week)`);
  const unit = opts.unit ?? 'packets';
  if (unit !== 'packets' && BYTE_UNITS[unit] === undefined) throw new ArgumentError('limit.unit', `unknown unit "${String(unit)}" (packets, bytes, kbytes, mbytes)`);
  if (typeof opts.rate !== 'number' || !Number.isInteger(opts.rate) || opts.rate <= 0) throw new ArgumentError('limit.rate', `expected a positive integer, got ${describe(opts.rate)}`);
  const burst = opts.burst ?? (unit === 'packets' ? 5 : 0);
  checkU32(burst, 'limit.burst');
  const rate = BigInt(opts.rate) * BigInt(unit === 'packets' ? 1 : BYTE_UNITS[unit]!);
  const data: Record<string, unknown> = { rate, unit: BigInt(PER[per]!) };
  if (burst !== 0) data.burst = burst;
  data.type = unit === 'packets' ? 'packets' : 'bytes';
  data.flags = opts.over ? ['inv'] : [];
  return stmt(`limit rate ${opts.over ? 'over ' : ''}${opts.rate}/${per}`, () => [{ name: 'limit', data } as Expr]);
}

/** Options of {@link log}. */
export interface LogOptions {
  prefix?: string;
  /** Syslog level (kernel log); not with `group`. */
  level?: LogLevel;
  /** nflog group (userspace logging). */
  group?: number;
  snaplen?: number;
  qthreshold?: number;
}
const LEVELS: readonly string[] = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];
/** `log [prefix "..."] [level L] [group N]` */
export function log(opts: LogOptions = {}): Stmt {
  if (typeof opts !== 'object' || opts === null) throw new ArgumentError('log', `expected an options object, got ${describe(opts)}`);
  const data: Record<string, unknown> = {};
  if (opts.group !== undefined) {
    if (!Number.isInteger(opts.group) || opts.group < 0 || opts.group > 0xffff) throw new ArgumentError('log.group', `expected 0..65535, got ${describe(opts.group)}`);
    data.group = opts.group;
  }
  if (opts.prefix !== undefined) {
    if (typeof opts.prefix !== 'string' || opts.prefix.includes('\0')) throw new ArgumentError('log.prefix', `expected a string without NUL, got ${describe(opts.prefix)}`);
    if (Buffer.byteLength(opts.prefix) > 127) throw new ArgumentError('log.prefix', 'longer than 127 bytes (NF_LOG_PREFIXLEN - 1)');
    data.prefix = opts.prefix;
  }
  if (opts.snaplen !== undefined) data.snaplen = checkU32(opts.snaplen, 'log.snaplen');
  if (opts.qthreshold !== undefined) {
    if (!Number.isInteger(opts.qthreshold) || opts.qthreshold < 0 || opts.qthreshold > 0xffff) throw new ArgumentError('log.qthreshold', 'expected 0..65535');
    data.qthreshold = opts.qthreshold;
  }
  if (opts.level !== undefined) {
    if (!LEVELS.includes(opts.level)) throw new ArgumentError('log.level', `unknown level "${String(opts.level)}" (${LEVELS.join(', ')})`);
    if (opts.group !== undefined) throw new ArgumentError('log.level', 'level and group exclude each other (kernel log vs nflog)');
    data.level = opts.level;
  }
  return stmt('log', () => [{ name: 'log', data } as Expr]);
}

/** `accept` */
export const accept = (): Stmt => stmt('accept', () => [exprVerdict('accept')]);
/** `drop` */
export const drop = (): Stmt => stmt('drop', () => [exprVerdict('drop')]);
/** `continue` */
export const cont = (): Stmt => stmt('continue', () => [exprVerdict('continue')]);
/** `return` */
export const ret = (): Stmt => stmt('return', () => [exprVerdict('return')]);
/** `jump CHAIN` */
export function jump(chain: string): Stmt {
  checkName(chain, 'jump', 'chain');
  return stmt(`jump ${chain}`, () => [exprVerdict('jump', chain)]);
}
/** `goto CHAIN` */
export function goto(chain: string): Stmt {
  checkName(chain, 'goto', 'chain');
  return stmt(`goto ${chain}`, () => [exprVerdict('goto', chain)]);
}
/** Verdicts by name (`verdict.return()` since `return` is a keyword). */
export const verdict = { accept, drop, continue: cont, return: ret, jump, goto };

// -------------------------------------------------------------------- NAT

/** NAT flags as options. */
export interface NatFlagOptions {
  /** NF_NAT_RANGE_PROTO_RANDOM */
  random?: boolean;
  /** NF_NAT_RANGE_PROTO_RANDOM_FULLY */
  fullyRandom?: boolean;
  /** NF_NAT_RANGE_PERSISTENT */
  persistent?: boolean;
}
function natFlagList(o: NatFlagOptions, ports: boolean, field: string): NatFlag[] {
  for (const k of ['random', 'fullyRandom', 'persistent'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new ArgumentError(`${field}.${k}`, `expected true or false, got ${describe(o[k])}`);
  }
  const out: NatFlag[] = [];
  if (ports) out.push('proto-specified');
  if (o.random) out.push('random');
  if (o.persistent) out.push('persistent');
  if (o.fullyRandom) out.push('fully-random');
  return out;
}
function checkKeys(o: object, known: string[], field: string): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new ArgumentError(`${field}.${k}`, `unknown option "${k}" (known: ${known.join(', ')})`);
}
function needL4ForPorts(ctx: BuildContext, what: string): void {
  if (!ctx.have.has('l4:tcp') && !ctx.have.has('l4:udp')) {
    throw new ArgumentError(`${ctx.field}.port`, `${what} with a port needs a transport protocol match before it (e.g. tcp.dport(...) or meta.l4proto('tcp')), as nft requires`);
  }
}

/** Options of {@link masquerade}. */
export interface MasqueradeOptions extends NatFlagOptions {
  /** Source port or range ("1024-2000", [1024, 2000]). */
  port?: number | string | [number, number];
}
/** `masquerade [to :PORT[-PORT]] [random] [persistent] [fully-random]` */
export function masquerade(opts: MasqueradeOptions = {}): Stmt {
  if (typeof opts !== 'object' || opts === null) throw new ArgumentError('masquerade', `expected an options object, got ${describe(opts)}`);
  checkKeys(opts, ['port', 'random', 'fullyRandom', 'persistent'], 'masquerade');
  const ports = opts.port === undefined ? undefined : checkPortRange(opts.port, 'masquerade.port');
  const flags = natFlagList(opts, ports !== undefined, 'masquerade');
  return stmt('masquerade', (ctx) => {
    if (ctx.family !== 'ip' && ctx.family !== 'ip6' && ctx.family !== 'inet') throw new ArgumentError(ctx.field, `masquerade works in ip, ip6 and inet tables, not ${ctx.family}`);
    const out: Expr[] = [];
    const data: Record<string, unknown> = {};
    if (flags.length) data.flags = flags;
    if (ports) {
      needL4ForPorts(ctx, 'masquerade');
      out.push(exprImm(1, be16b(ports[0])));
      data.regProtoMin = 1;
      if (ports[1] !== ports[0]) {
        out.push(exprImm(2, be16b(ports[1])));
        data.regProtoMax = 2;
      }
    }
    out.push({ name: 'masq', data } as Expr);
    return out;
  });
}

/** Options of {@link snat} / {@link dnat}. */
export interface NatOptions extends NatFlagOptions {
  /** Address or range ("192.0.2.1", "192.0.2.1-192.0.2.10", ["a", "b"]). */
  addr?: string | [string, string];
  /** Port or range. */
  port?: number | string | [number, number];
  /** Address family in an inet table ('ip' or 'ip6'); inferred from `addr` when absent. */
  family?: 'ip' | 'ip6';
}

function natStmt(type: 'snat' | 'dnat', opts: NatOptions): Stmt {
  if (typeof opts !== 'object' || opts === null) throw new ArgumentError(type, `expected { addr, port }, got ${describe(opts)}`);
  checkKeys(opts, ['addr', 'port', 'family', 'random', 'fullyRandom', 'persistent'], type);
  if (opts.family !== undefined && opts.family !== 'ip' && opts.family !== 'ip6') throw new ArgumentError(`${type}.family`, `expected 'ip' or 'ip6', got ${describe(opts.family)}`);
  let addrs: [ParsedAddr, ParsedAddr] | undefined;
  if (opts.addr !== undefined) {
    const parts = Array.isArray(opts.addr) ? opts.addr : typeof opts.addr === 'string' && /^[^-]+-[^-]+$/.test(opts.addr) && !opts.addr.includes(':') ? opts.addr.split('-') : [opts.addr];
    if (parts.length < 1 || parts.length > 2) throw new ArgumentError(`${type}.addr`, 'expected an address or a range of two');
    const a = parseAddr(parts[0], `${type}.addr`, opts.family, false);
    const b = parts.length === 2 ? parseAddr(parts[1], `${type}.addr`, a.family, false) : a;
    if (Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes)) > 0) throw new ArgumentError(`${type}.addr`, 'address range is reversed');
    addrs = [a, b];
  }
  const ports = opts.port === undefined ? undefined : checkPortRange(opts.port, `${type}.port`);
  if (!addrs && !ports) throw new ArgumentError(type, `${type} needs an address, a port or both`);
  const flags = natFlagList(opts, ports !== undefined, type);
  return stmt(`${type} to ${String(opts.addr ?? '')}${ports ? ':' + ports.join('-') : ''}`, (ctx) => {
    let fam: 'ip' | 'ip6';
    if (ctx.family === 'ip' || ctx.family === 'ip6') fam = ctx.family;
    else if (ctx.family === 'inet') {
      const f = opts.family ?? addrs?.[0].family;
      if (!f) throw new ArgumentError(`${ctx.field}.family`, `${type} in an inet table needs family 'ip' or 'ip6' (or an address)`);
      fam = f;
    } else throw new ArgumentError(ctx.field, `${type} works in ip, ip6 and inet tables, not ${ctx.family}`);
    if (addrs && addrs[0].family !== fam) throw new ArgumentError(`${ctx.field}.addr`, `an ${addrs[0].family === 'ip' ? 'IPv4' : 'IPv6'} address in an ${fam} ${type}`);
    if (ports) needL4ForPorts(ctx, type);
    const out: Expr[] = [];
    const data: Record<string, unknown> = { type, family: fam === 'ip' ? 'ipv4' : 'ipv6' };
    let r = 1;
    if (addrs) {
      out.push(exprImm(r, addrs[0].bytes));
      data.regAddrMin = r++;
      if (Buffer.compare(Buffer.from(addrs[0].bytes), Buffer.from(addrs[1].bytes)) !== 0) {
        out.push(exprImm(r, addrs[1].bytes));
        data.regAddrMax = r++;
      }
    }
    if (ports) {
      out.push(exprImm(r, be16b(ports[0])));
      data.regProtoMin = r++;
      if (ports[1] !== ports[0]) {
        out.push(exprImm(r, be16b(ports[1])));
        data.regProtoMax = r++;
      }
    }
    if (flags.length) data.flags = flags;
    out.push({ name: 'nat', data } as Expr);
    return out;
  });
}
/** `snat to ADDR[-ADDR][:PORT[-PORT]]` */
export const snat = (opts: NatOptions): Stmt => natStmt('snat', opts);
/** `dnat to ADDR[-ADDR][:PORT[-PORT]]` */
export const dnat = (opts: NatOptions): Stmt => natStmt('dnat', opts);

/** `redirect [to :PORT[-PORT]]` */
export function redirect(opts: { port?: number | string | [number, number] } & NatFlagOptions = {}): Stmt {
  if (typeof opts !== 'object' || opts === null) throw new ArgumentError('redirect', `expected an options object, got ${describe(opts)}`);
  checkKeys(opts, ['port', 'random', 'fullyRandom', 'persistent'], 'redirect');
  const ports = opts.port === undefined ? undefined : checkPortRange(opts.port, 'redirect.port');
  const flags = natFlagList(opts, ports !== undefined, 'redirect');
  return stmt('redirect', (ctx) => {
    const out: Expr[] = [];
    const data: Record<string, unknown> = {};
    if (ports) {
      needL4ForPorts(ctx, 'redirect');
      out.push(exprImm(1, be16b(ports[0])));
      data.regProtoMin = 1;
      if (ports[1] !== ports[0]) {
        out.push(exprImm(2, be16b(ports[1])));
        data.regProtoMax = 2;
      }
    }
    if (flags.length) data.flags = flags;
    out.push({ name: 'redir', data } as Expr);
    return out;
  });
}

/** `notrack` */
export function notrack(): Stmt {
  return stmt('notrack', () => [{ name: 'notrack' }]);
}

// ---------------------------------------------------------------- compile

/** An item of a rule: a builder statement, or a raw expression `{ name, data }`. */
export type RuleItem = Stmt | Expr;

/**
 * Expand a rule's statements into its expression list for a table of
 * `family`. Raw expressions pass through after validation against their
 * policy. Throws ArgumentError naming `expr[i]` (and the option) on anything
 * wrong, before any I/O.
 */
export function compileRule(family: FamilyName, items: readonly RuleItem[], field = 'expr'): Expr[] {
  if (!Array.isArray(items)) throw new ArgumentError(field, `expected an array of statements, got ${describe(items)}`);
  const have = new Set<string>();
  const out: Expr[] = [];
  items.forEach((it, i) => {
    const f = `${field}[${i}]`;
    if (isStmt(it)) {
      out.push(...it.build({ family, have, field: f }));
      return;
    }
    out.push(checkExpr(it, f));
  });
  return out;
}

/** Validate a raw expression `{ name, data }` against its policy (unknown names need `unknown` raw data). */
export function checkExpr(v: unknown, field: string): Expr {
  if (typeof v !== 'object' || v === null) throw new ArgumentError(field, `expected a statement (e.g. tcp.dport(80)) or an expression { name, data }, got ${describe(v)}`);
  const e = v as Record<string, unknown>;
  if (typeof e.name !== 'string' || !e.name) throw new ArgumentError(`${field}.name`, 'expected an expression name');
  const pol = EXPR_POLICIES[e.name];
  if (!pol) {
    if (e.data !== undefined) throw new ArgumentError(`${field}.data`, `no policy for expression "${e.name}": give its NFTA_EXPR_DATA raw in unknown: [{ type: 2, flags: 0x8000, data }]`);
    return checkAttrs(EXPR_ENVELOPE, e, field) as unknown as Expr;
  }
  const out = { name: e.name } as KnownExpr;
  if (e.data !== undefined) (out as { data?: unknown }).data = checkAttrs(pol, e.data, `${field}.data`);
  for (const k of Object.keys(e)) if (k !== 'name' && k !== 'data' && k !== 'unknown') throw new ArgumentError(`${field}.${k}`, `unknown key "${k}" of an expression (name, data)`);
  return out;
}
