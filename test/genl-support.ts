/**
 * Generic netlink fixtures (scripts/capture-genl-fixtures.mjs): what ip
 * macsec, teamnl, wg, ethtool and genl sent and received, and what they
 * printed. Family ids are learnt from each case's own controller exchange.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { splitMessages, type RawMessage } from '../src/netlink/message.js';
import { GenlFamilyIds, decodeGenlMessage, genlFamilySpec, type DevRef, type EthtoolTransport, type GenlCallOptions, type GenlMessage } from '../src/genl/index.js';
import { encodeAttrs, type Policy } from '../src/netlink/attr.js';
import { NetlinkError } from '../src/netlink/errors.js';
import { Writer } from '../src/netlink/writer.js';
import type { Link } from '../src/rtnl/link.js';

export interface GenlDatagram {
  dir: 'in' | 'out';
  sock: number;
  hex: string;
}
export interface GenlCase {
  scenario: string;
  name: string;
  cmd: string;
  status: number;
  stdout: string;
  stderr?: string;
  datagrams: GenlDatagram[];
}
export interface GenlFixture {
  note: string;
  kernel: string;
  tools: Record<string, string>;
  cases: GenlCase[];
}

function load(file: string): GenlFixture {
  return JSON.parse(readFileSync(new URL(`../../test/fixtures/${file}`, import.meta.url), 'utf8')) as GenlFixture;
}
/** Captured in the VM lane (Debian 6.1): macsec, team, wireguard, ethtool, ctrl. */
export const vmFixture = load('genl-6.1.json');
/** Captured on the development host (newer kernel): ethtool on veth, ctrl. */
export const hostFixture = load('genl-host.json');
export const allCases = (): Array<GenlCase & { fixture: string }> => [
  ...vmFixture.cases.map((c) => ({ ...c, fixture: `6.1` })),
  ...hostFixture.cases.map((c) => ({ ...c, fixture: 'host' })),
];

export function getCase(scenario: string, name: string, fixture = vmFixture): GenlCase {
  const c = fixture.cases.find((x) => x.scenario === scenario && x.name === name);
  if (!c) throw new Error(`no fixture case ${scenario}/${name}`);
  return c;
}

/** One message of a case, with its direction and the ids known when it was seen. */
export interface CaseMessage {
  dir: 'in' | 'out';
  raw: RawMessage;
  /** The bytes of this message alone. */
  bytes: Buffer;
  decoded?: GenlMessage;
}

/**
 * Walk a case's datagrams in order, learning family ids from the
 * controller's answers as a capture decoder does (one table per capture: a
 * tool may resolve a family on one socket and use the id on another, as
 * ethtool does), decoding every generic netlink message.
 */
export function caseMessages(c: GenlCase): CaseMessage[] {
  const ids = new GenlFamilyIds();
  const out: CaseMessage[] = [];
  for (const d of c.datagrams) {
    const buf = Buffer.from(d.hex, 'hex');
    for (const m of splitMessages(buf)) {
      ids.learn(m);
      const bytes = buf.subarray(m.offset, m.offset + m.len);
      out.push({ dir: d.dir, raw: m, bytes, ...(m.type >= 16 ? { decoded: decodeGenlMessage(m, ids) } : {}) });
    }
  }
  return out;
}

/** The ids a case's socket learnt (all sockets merged). */
export function caseIds(c: GenlCase): GenlFamilyIds {
  const ids = new GenlFamilyIds();
  for (const d of c.datagrams) for (const m of splitMessages(Buffer.from(d.hex, 'hex'))) ids.learn(m);
  return ids;
}

/** Requests the tool sent to a family (decoded). */
export function requestsTo(c: GenlCase, family: string): CaseMessage[] {
  return caseMessages(c).filter((m) => m.dir === 'out' && m.decoded?.family === family);
}
/** Messages the kernel sent from a family (decoded). */
export function answersFrom(c: GenlCase, family: string): CaseMessage[] {
  return caseMessages(c).filter((m) => m.dir === 'in' && m.decoded?.family === family);
}

/** Every `unknown` attribute list under a decoded value, by path. */
export function unknownPaths(v: unknown, path = ''): string[] {
  const out: string[] = [];
  const walk = (x: unknown, p: string, depth: number): void => {
    if (depth > 32 || x === null || typeof x !== 'object' || x instanceof Uint8Array) return;
    if (Array.isArray(x)) return x.forEach((y, i) => walk(y, `${p}[${i}]`, depth + 1));
    for (const [k, y] of Object.entries(x)) {
      if (k === 'unknown' && Array.isArray(y) && y.length) out.push(`${p}.unknown(${(y as Array<{ type: number }>).map((u) => u.type).join(',')})`);
      else walk(y, `${p}.${k}`, depth + 1);
    }
  };
  walk(v, path, 0);
  return out;
}

/**
 * A copy of one message with the padding after every attribute zeroed,
 * walking nests by the message's policy. The kernel ignores padding, and
 * libmnl (ethtool, wg) leaves whatever was in its buffer there; our encoder
 * writes zeros.
 */
export function zeroPadding(bytes: Buffer, pol: Policy | undefined, attrsStart: number): Buffer {
  const out = Buffer.from(bytes);
  const walk = (off: number, end: number, p: Policy | undefined, elem: Policy | undefined, depth: number): void => {
    while (end - off >= 4 && depth < 16) {
      const len = out.readUInt16LE(off);
      if (len < 4 || off + len > end) return;
      const padEnd = Math.min(end, off + ((len + 3) & ~3));
      out.fill(0, off + len, padEnd);
      const spec = elem ? undefined : p?.byType[out.readUInt16LE(off + 2) & 0x3fff];
      const codec = spec?.codec as { elementPolicy?: Policy; policyFor?: (x: Record<string, unknown>) => Policy | undefined } | undefined;
      if (elem) walk(off + 4, off + len, elem, undefined, depth + 1);
      else if (codec?.elementPolicy) walk(off + 4, off + len, undefined, codec.elementPolicy, depth + 1);
      else if (codec?.policyFor) {
        const sub = codec.policyFor({});
        if (sub) walk(off + 4, off + len, sub, undefined, depth + 1);
      }
      off = padEnd;
    }
  };
  walk(attrsStart, out.length, pol, undefined, 0);
  return out;
}


/** A request a typed family made through {@link FakeTransport}. */
export interface RecordedCall {
  family: string;
  cmd: number;
  attrs: Record<string, unknown> | undefined;
  opts: GenlCallOptions;
  dump: boolean;
}

/**
 * A transport that records the requests of a typed family instead of sending
 * them, knows a few links, and answers with messages taken from a fixture.
 * Lets the unit tests compare what the library would send with what the
 * real tools sent.
 */
export class FakeTransport implements EthtoolTransport {
  readonly calls: RecordedCall[] = [];
  private readonly linksByRef = new Map<DevRef, Link>();
  constructor(
    links: Array<{ name: string; index: number; kind?: string; data?: Record<string, unknown> }> = [],
    readonly answer: (family: string, cmd: number) => GenlMessage[] = () => [],
  ) {
    for (const l of links) {
      const link = { index: l.index, name: l.name, ...(l.kind ? { linkInfo: { kind: l.kind, ...(l.data ? { data: l.data } : {}) } } : {}) } as unknown as Link;
      this.linksByRef.set(l.name, link);
      this.linksByRef.set(l.index, link);
    }
  }
  async call(family: string, cmd: number, attrs: Record<string, unknown> | undefined, opts: GenlCallOptions = {}): Promise<GenlMessage[]> {
    this.calls.push({ family, cmd, attrs, opts, dump: false });
    return this.answer(family, cmd);
  }
  async dumpAll(family: string, cmd: number, attrs: Record<string, unknown> | undefined, opts: GenlCallOptions = {}): Promise<GenlMessage[]> {
    this.calls.push({ family, cmd, attrs, opts, dump: true });
    return this.answer(family, cmd);
  }
  async link(ref: DevRef, field: string): Promise<Link> {
    const l = this.linksByRef.get(ref);
    if (!l) throw new NetlinkError(-19, { message: `${field}: no interface ${String(ref)}` });
    return l;
  }
  async ifindex(ref: DevRef, field: string): Promise<number> {
    return typeof ref === 'number' ? ref : (await this.link(ref, field)).index;
  }
  async ifname(index: number): Promise<string | undefined> {
    return this.linksByRef.get(index)?.name;
  }
  ethtoolIoctl(): number {
    return -95;
  }
  readonly groups: string[] = [];
  async withMulticastGroup<T>(family: string, group: string, fn: () => Promise<T>): Promise<T> {
    this.groups.push(`${family}/${group}`);
    return fn();
  }
}

/** The attribute bytes a recorded call would send (after genlmsghdr). */
export function callAttrBytes(c: RecordedCall): Buffer {
  const pol = c.opts.policy ?? genlFamilySpec(c.family)?.policy(c.cmd, false);
  if (!pol) throw new Error(`no policy for ${c.family} ${c.cmd}`);
  const w = new Writer(256);
  if (c.attrs) encodeAttrs(w, pol, c.attrs);
  return w.toBuffer();
}

/** The attribute bytes of a captured request, padding zeroed. */
export function requestAttrBytes(m: CaseMessage): Buffer {
  return zeroPadding(m.bytes, m.decoded?.policy, 20).subarray(20);
}

// ------------------------------------------------ the tools' printed output

/** `wg show DEV dump`: the device line and the peer lines by public key, split at tabs. */
export function parseWgDump(text: string): { dev: string[]; peers: Map<string, string[]> } {
  const lines = text.split('\n').filter(Boolean).map((l) => l.split('\t'));
  return { dev: lines[0]!, peers: new Map(lines.slice(1).map((l) => [l[0]!, l])) };
}

/** One device of `ip macsec show`. */
export interface MacsecText {
  index: number;
  name: string;
  flags: Record<string, string>;
  cipher: string;
  icv: number;
  txsc: string;
  encodingSa: number;
  tx: string[];
  rxsc: Array<{ sci: string; state: string; sas: string[] }>;
  offload: string;
}

export function parseMacsecShow(text: string): MacsecText[] {
  const out: MacsecText[] = [];
  let cur: MacsecText | undefined;
  let inRx = false;
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^(\d+): (\S+): (.*)$/.exec(line))) {
      const words = m[3]!.trim().split(/\s+/);
      const flags: Record<string, string> = {};
      for (let i = 0; i + 1 < words.length; i += 2) flags[words[i]!] = words[i + 1]!;
      cur = { index: Number(m[1]), name: m[2]!, flags, cipher: '', icv: 0, txsc: '', encodingSa: -1, tx: [], rxsc: [], offload: '' };
      out.push(cur);
      inRx = false;
    } else if (!cur) continue;
    else if ((m = /cipher suite: (\S+), using ICV length (\d+)/.exec(line))) {
      cur.cipher = m[1]!;
      cur.icv = Number(m[2]);
    } else if ((m = /TXSC: (\w+) on SA (\d+)/.exec(line))) {
      cur.txsc = m[1]!;
      cur.encodingSa = Number(m[2]);
    } else if ((m = /RXSC: (\w+), state (\w+)/.exec(line))) {
      cur.rxsc.push({ sci: m[1]!, state: m[2]!, sas: [] });
      inRx = true;
    } else if ((m = /^\s+(\d): PN (\d+),(?:SSCI (\w+))?\s*state (\w+), key (\w+)/.exec(line))) {
      const sa = `${m[1]} pn=${m[2]} ssci=${m[3] ?? '-'} ${m[4]} ${m[5]}`;
      if (inRx) cur.rxsc.at(-1)!.sas.push(sa);
      else cur.tx.push(sa);
    } else if ((m = /offload: (\w+)/.exec(line))) cur.offload = m[1]!;
  }
  return out;
}

/** `ethtool -k DEV` lines: name -> { on, fixed, requested } (ethtool's group lines included; callers keep the kernel's names). */
export function parseEthtoolK(text: string): Map<string, { on: boolean; fixed: boolean; requested?: boolean }> {
  const out = new Map<string, { on: boolean; fixed: boolean; requested?: boolean }>();
  for (const line of text.split('\n')) {
    const m = /^\s*([\w-]+): (on|off)( \[fixed\])?( \[requested (on|off)\])?$/.exec(line);
    if (m) out.set(m[1]!, { on: m[2] === 'on', fixed: m[3] !== undefined, ...(m[5] ? { requested: m[5] === 'on' } : {}) });
  }
  return out;
}


/** A WireGuard key pair (X25519) in base64, made in-process (no `wg genkey`). */
export function wgKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const b64 = (s: string): string => Buffer.from(s, 'base64url').toString('base64');
  return { privateKey: b64(privateKey.export({ format: 'jwk' }).d!), publicKey: b64(publicKey.export({ format: 'jwk' }).x!) };
}

/** A random 32-byte preshared key in base64. */
export function wgPsk(): string {
  return randomBytes(32).toString('base64');
}
