/**
 * Fuzzing inputs: a small seeded PRNG, mutations of real kernel datagrams,
 * and structure-aware random messages built from the attribute policies (so
 * random bytes reach nested decoders such as IFLA_LINKINFO/IFLA_INFO_DATA of
 * every registered kind). Every case has its own PRNG derived from (seed,
 * target, case number), so one case replays on its own.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PcapWriter } from '../../src/pcap/index.js';
import { corpusDir } from '../corpus.js';
import type { NestedCodec, Policy } from '../../src/netlink/attr.js';
import { NLA_F_NESTED, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN } from '../../src/netlink/constants.js';
import { Writer } from '../../src/netlink/writer.js';
import { listKinds } from '../../src/rtnl/kinds/registry.js';
import { schemaFor, type MessageSchema } from '../../src/rtnl/schema.js';

/** mulberry32: 32-bit state, good enough for choosing mutations, fully reproducible. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

/** Seed of case `i` of `target` under run seed `seed` (FNV-1a of the target name mixed in). */
export function caseSeed(seed: number, target: string, i: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let k = 0; k < target.length; k++) h = Math.imul(h ^ target.charCodeAt(k), 0x01000193);
  h = Math.imul(h ^ i, 0x9e3779b1);
  h ^= h >>> 16;
  return h >>> 0;
}

// ------------------------------------------------------------------ seeds

const fixtures = new URL('../../../test/fixtures/', import.meta.url);
function frames(file: string): Buffer[] {
  const j = JSON.parse(readFileSync(new URL(file, fixtures), 'utf8')) as { frames: Array<{ dir?: string; hex: string }> };
  return j.frames.filter((f) => f.dir === undefined || f.dir === 'in').map((f) => Buffer.from(f.hex, 'hex'));
}

/** Real kernel datagrams: test/fixtures (link dump, extended-ACK error, and fuzz-seeds.json with every family). */
export function seedDatagrams(): Buffer[] {
  return [...frames('link-dump.json'), ...frames('error-extack.json'), ...frames('fuzz-seeds.json')];
}

/**
 * Capture files: pcaps written with PcapWriter from runs of 1..6 seed
 * datagrams (both directions, several protocols), plus the real pcap/pcapng
 * files of the corpus (../shared/corpus) when it is present.
 */
export function seedCaptures(): Buffer[] {
  const dgs = seedDatagrams();
  const out: Buffer[] = [];
  for (let i = 0; i < dgs.length; i += 4) {
    const chunks: Buffer[] = [];
    const w = new PcapWriter((c) => chunks.push(c), { nanosecond: i % 8 === 0 });
    for (let k = 0; k < 1 + (i % 6) && i + k < dgs.length; k++) w.write(dgs[i + k]!, k % 2 ? 'out' : 'in', k === 3 ? 16 : 0, 1_700_000_000_000_000_000n + BigInt(i * 1000 + k));
    out.push(Buffer.concat(chunks));
  }
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      if (/\.pcap(ng)?$/.test(e)) out.push(readFileSync(p));
      else if (!e.includes('.')) walk(p);
    }
  };
  walk(join(corpusDir, 'pcaps'));
  return out;
}

/** Message types with a registered schema (RTM_NEWLINK, and every family that registered since). */
export function registeredTypes(): number[] {
  const out: number[] = [];
  for (let t = 16; t < 256; t++) if (schemaFor(t)) out.push(t);
  return out;
}

// ------------------------------------------------------------------ mutation

const INTERESTING16 = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 20, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000, 0x7fff, 0x8000, 0xfffc, 0xfffe, 0xffff];
const INTERESTING32 = [0, 1, 4, 15, 16, 17, 20, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

/** Offsets of attribute headers inside the messages of a datagram (best effort, for targeted length mutations). */
function attrOffsets(b: Buffer): number[] {
  const out: number[] = [];
  let off = 0;
  while (b.length - off >= NLMSG_HDRLEN) {
    const len = b.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > b.length) break;
    const type = b.readUInt16LE(off + 4);
    const hs = type === NLMSG_ERROR ? 20 : type === NLMSG_DONE ? 4 : (schemaFor(type)?.headerSize ?? 16);
    const walk = (s: number, e: number, depth: number): void => {
      while (e - s >= 4 && out.length < 4096) {
        const l = b.readUInt16LE(s);
        if (l < 4 || s + l > e) return;
        out.push(s);
        if (depth < 4 && (b.readUInt16LE(s + 2) & NLA_F_NESTED || l >= 8)) walk(s + 4, s + l, depth + 1);
        s += (l + 3) & ~3;
      }
    };
    walk(off + NLMSG_HDRLEN + hs, off + len, 0);
    off += (len + 3) & ~3;
  }
  return out;
}

/** Apply 1..4 random mutations to a copy of `src` (`other` is a second seed for splicing). */
export function mutate(rng: Rng, src: Buffer, other: Buffer): Buffer {
  let b: Buffer = Buffer.from(src);
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    if (b.length === 0) b = rng.bytes(16);
    const at = rng.int(b.length);
    switch (rng.int(12)) {
      case 0: // flip a bit
        b[at] = b[at]! ^ (1 << rng.int(8));
        break;
      case 1: // interesting byte
        b[at] = rng.pick([0, 1, 0x7f, 0x80, 0xff, 0x20, 0x10]);
        break;
      case 2: // interesting u16 (attribute lengths and types)
        if (at + 2 <= b.length) b.writeUInt16LE(rng.pick(INTERESTING16), at & ~1);
        break;
      case 3: // interesting u32 (nlmsg_len, seq, errors)
        if ((at & ~3) + 4 <= b.length) b.writeUInt32LE(rng.pick(INTERESTING32), at & ~3);
        break;
      case 4: { // an attribute's length or type set to something odd
        const offs = attrOffsets(b);
        if (offs.length) {
          const o = rng.pick(offs);
          if (rng.chance(0.6)) {
            const cur = b.readUInt16LE(o);
            b.writeUInt16LE(rng.pick([0, 1, 3, 4, 5, cur - 1, cur + 1, cur + 4, cur - 4, 0xffff, rng.int(0x10000)]) & 0xffff, o);
          } else b.writeUInt16LE((rng.int(0x80) | (rng.chance(0.3) ? NLA_F_NESTED : 0)) & 0xffff, o + 2);
        }
        break;
      }
      case 5: // truncate
        b = b.subarray(0, rng.int(b.length + 1));
        break;
      case 6: // append random bytes
        b = Buffer.concat([b, rng.bytes(1 + rng.int(64))]);
        break;
      case 7: { // splice: head of this, tail of the other
        const cut = rng.int(other.length + 1);
        b = Buffer.concat([b.subarray(0, at), other.subarray(cut)]);
        break;
      }
      case 8: { // duplicate a region
        const len = 1 + rng.int(Math.min(256, b.length - at));
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      }
      case 9: { // delete a region
        const len = 1 + rng.int(Math.min(64, b.length - at));
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
        break;
      }
      case 10: // random bytes over a region
        rng.bytes(Math.min(1 + rng.int(16), b.length - at)).copy(b, at);
        break;
      default: { // make the first nlmsg_len agree with the new size, so decoding goes past the framing
        if (b.length >= 4) b.writeUInt32LE(b.length, 0);
        break;
      }
    }
  }
  return b;
}

// ------------------------------------------------------------------ structure-aware generation

const KIND_NAMES = (): string[] => listKinds().map((k) => k.kind);

function randomString(rng: Rng): Buffer {
  const s = rng.chance(0.5) ? rng.pick(KIND_NAMES().concat(['', 'lo', 'eth0', 'x'.repeat(20)])) : rng.bytes(rng.int(24)).toString('latin1');
  const body = Buffer.from(s, 'latin1');
  return rng.chance(0.8) ? Buffer.concat([body, Buffer.from([0])]) : body;
}

function randomPayload(rng: Rng, size: number | undefined): Buffer {
  const n = size !== undefined && rng.chance(0.8) ? size : rng.pick([0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 20, 24, 32, rng.int(300)]);
  return rng.bytes(n);
}

/**
 * Random attributes for `pol`, each payload shaped by its codec most of the
 * time (right size, nested where nested), wrong the rest of the time.
 */
export function randomAttrs(rng: Rng, w: Writer, pol: Policy | undefined, depth: number): void {
  const count = rng.int(depth === 0 ? 12 : 6);
  const specs = pol ? pol.byType.filter((s) => s !== undefined) : [];
  const parent: Record<string, unknown> = {};
  // kind-like selectors first, so kind-dependent nests (IFLA_INFO_DATA) find their policy
  const ordered = specs.filter((s) => s!.name === 'kind' || s!.name === 'slaveKind');
  for (const s of ordered) {
    if (!rng.chance(0.9)) continue;
    const kind = rng.pick(KIND_NAMES());
    parent[s!.name] = kind;
    w.attrString(s!.type, kind);
  }
  for (let i = 0; i < count; i++) {
    const known = specs.length > 0 && rng.chance(0.85);
    const spec = known ? rng.pick(specs)! : undefined;
    const type = spec ? spec.type : rng.int(pol ? pol.byType.length + 4 : 64);
    const nestedCodec = spec ? (spec.codec as Partial<NestedCodec>) : undefined;
    const sub = nestedCodec?.policyFor?.(parent);
    if (depth < 4 && (sub || (nestedCodec?.policyFor && rng.chance(0.5)) || (!spec && rng.chance(0.2)))) {
      const s = w.attrStart(type | (rng.chance(0.5) ? NLA_F_NESTED : 0));
      randomAttrs(rng, w, sub, depth + 1);
      w.attrEnd(s);
      continue;
    }
    const s = w.attrStart(type);
    const codecName = spec?.codec.name ?? '';
    if (/string|ifname/.test(codecName) && rng.chance(0.8)) w.bytes(randomString(rng));
    else if (spec && 'byteSize' in spec.codec && rng.chance(0.7)) w.bytes(rng.bytes(Math.max(0, (spec.codec as { byteSize: number }).byteSize - (rng.chance(0.3) ? rng.int(8) : 0))));
    else w.bytes(randomPayload(rng, spec?.codec.size));
    w.attrEnd(s);
  }
}

/** A random but well-framed datagram of 1..3 messages of registered types (and sometimes ERROR/DONE). */
export function randomDatagram(rng: Rng, types: number[]): Buffer {
  const w = new Writer(1024);
  const msgs = 1 + rng.int(3);
  for (let m = 0; m < msgs; m++) {
    const r = rng.u32() % 10;
    const type = r === 0 ? NLMSG_ERROR : r === 1 ? NLMSG_DONE : rng.pick(types);
    const st = w.msgStart(type, rng.int(0x10000), rng.u32(), rng.chance(0.9) ? 0 : rng.u32());
    if (type === NLMSG_ERROR) {
      w.s32(-rng.int(140));
      w.msgStart(rng.pick(types), rng.int(0x10000), rng.u32(), rng.u32());
      if (rng.chance(0.5)) randomAttrs(rng, w, undefined, 2);
      randomAttrs(rng, w, undefined, 2);
    } else if (type === NLMSG_DONE) {
      w.s32(-rng.int(3));
      if (rng.chance(0.5)) randomAttrs(rng, w, undefined, 2);
    } else {
      const schema = schemaFor(type) as MessageSchema | undefined;
      const hs = schema?.headerSize ?? 16;
      const hdr = rng.bytes(rng.chance(0.9) ? hs : rng.int(hs + 1));
      if (rng.chance(0.7) && hdr.length > 0) hdr[0] = rng.pick([0, 2, 7, 10, 129, rng.int(256)]); // family
      w.bytes(hdr);
      w.align4();
      randomAttrs(rng, w, schema?.policy, 0);
    }
    w.msgEnd(st);
  }
  return w.toBuffer();
}

// ------------------------------------------------------------------ hostile inputs

const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINKINFO = 18;
const IFLA_IFALIAS = 20;
const IFLA_AF_SPEC = 26;
const IFLA_PROP_LIST = 52;
const IFLA_ALT_IFNAME = 53;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;
const RTM_NEWLINK = 16;

/** Name bytes that are not (all) valid UTF-8: invalid bytes, a real U+FFFD, overlongs, encoded surrogates, truncated sequences. */
export function hostileName(rng: Rng): Buffer {
  const parts = [
    [0xff], [0xfe], [0x80], [0xc0, 0x80], [0xef, 0xbf, 0xbd], [0xed, 0xa0, 0x80], [0xed, 0xb2, 0x80], [0xf4, 0x90, 0x80, 0x80],
    [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0x78], [0x61], [0xa0], [0x5c],
  ];
  const out: number[] = [];
  const n = 1 + rng.int(6);
  for (let i = 0; i < n && out.length < 15; i++) out.push(...rng.pick(parts));
  return Buffer.from(out.slice(0, 15));
}

/** ifinfomsg + attributes of a link message, in a message of type RTM_NEWLINK. */
function linkMessage(rng: Rng, body: (w: Writer) => void): Buffer {
  const w = new Writer(1 << 16);
  const st = w.msgStart(RTM_NEWLINK, 2, rng.u32(), 0);
  w.zero(16);
  body(w);
  w.msgEnd(st);
  return w.toBuffer();
}

/** IFLA_LINKINFO { kind veth, data { peer { ifinfomsg, IFLA_LINKINFO ... } } }, `depth` levels (about 40 bytes each, <= 1,600 in 64 KiB). */
function vethChain(rng: Rng, w: Writer, depth: number, odd: boolean): void {
  const li = w.attrStart(IFLA_LINKINFO | NLA_F_NESTED);
  const dataFirst = odd && rng.chance(0.2);
  if (!dataFirst) w.attrString(IFLA_INFO_KIND, 'veth');
  const da = w.attrStart(IFLA_INFO_DATA | NLA_F_NESTED);
  const pe = w.attrStart(VETH_INFO_PEER);
  w.zero(16);
  if (odd && rng.chance(0.1)) w.attrString(IFLA_IFNAME, 'p');
  if (depth > 1) vethChain(rng, w, depth - 1, odd);
  w.attrEnd(pe);
  w.attrEnd(da);
  if (dataFirst) w.attrString(IFLA_INFO_KIND, 'veth');
  if (odd && rng.chance(0.1)) w.attrString(IFLA_INFO_KIND, rng.pick(['veth', 'bridge', 'nope']));
  w.attrEnd(li);
}

/**
 * Hostile datagrams: what the decoder's limits are for (docs/design.md,
 * "Hostile input"). Depth bombs (a veth peer chain hundreds of levels deep;
 * a plain NLA_F_NESTED chain thousands deep, reached through known nests and
 * by the offset describer), attribute floods (up to past the per-message
 * limit), repeated attributes (the last one counts), and names whose bytes
 * are not UTF-8.
 */
export function hostileDatagram(rng: Rng): Buffer {
  switch (rng.int(7)) {
    case 0: { // veth peer chain
      // at most 60 bytes a level with the odd extras: <= 1,000 levels fit a 64 KiB nest
      const odd = rng.chance(0.5);
      const depth = rng.chance(0.5) ? 20 + rng.int(30) : 100 + rng.int(odd ? 900 : 1400);
      return linkMessage(rng, (w) => vethChain(rng, w, depth, odd));
    }
    case 1: { // plain nested chain inside a known nest, 4 bytes a level
      const depth = 100 + rng.int(16000);
      return linkMessage(rng, (w) => {
        const outer = w.attrStart(rng.pick([IFLA_AF_SPEC, IFLA_LINKINFO, IFLA_PROP_LIST]) | NLA_F_NESTED);
        const starts: number[] = [];
        const type = rng.chance(0.5) ? rng.int(8) : rng.int(0x4000);
        for (let i = 0; i < depth && w.pos < 65000; i++) starts.push(w.attrStart(type | NLA_F_NESTED));
        for (let i = starts.length - 1; i >= 0; i--) w.attrEnd(starts[i]!);
        w.attrEnd(outer);
      });
    }
    case 2: { // flood of small attributes (often past MAX_ATTRS)
      // mostly small (a flood costs the schemas target ~20 decodes); one in ten around MAX_ATTRS (65,536)
      const n = rng.chance(0.9) ? 100 + rng.int(4000) : 60000 + rng.int(10000);
      const type = rng.pick([0x3f00, IFLA_MTU, IFLA_IFNAME, IFLA_LINKINFO, 0]);
      const w = new Writer(n * 4 + 64);
      const st = w.msgStart(RTM_NEWLINK, 0, rng.u32(), 0);
      w.zero(16);
      for (let i = 0; i < n; i++) {
        w.u16(4);
        w.u16(type);
      }
      w.msgEnd(st);
      return w.toBuffer();
    }
    case 3: { // a flood inside nests: many 64 KiB nests of 4-byte attributes
      return linkMessage(rng, (w) => {
        const nests = 1 + rng.int(3);
        for (let k = 0; k < nests; k++) {
          const s = w.attrStart(rng.pick([IFLA_AF_SPEC, IFLA_PROP_LIST, IFLA_LINKINFO]) | NLA_F_NESTED);
          const n = rng.int(rng.chance(0.2) ? 16000 : 2000);
          for (let i = 0; i < n; i++) {
            w.u16(4);
            w.u16(rng.int(8));
          }
          w.attrEnd(s);
        }
      });
    }
    case 4: { // repeated attributes, the value that counts last
      return linkMessage(rng, (w) => {
        const n = 2 + rng.int(rng.chance(0.8) ? 8 : 5000);
        for (let i = 0; i < n; i++) {
          switch (rng.int(5)) {
            case 0: w.attrU32(IFLA_MTU, 1000 + rng.int(9000)); break;
            case 1: { const s = w.attrStart(IFLA_MTU); w.u16(rng.int(0x10000)); w.attrEnd(s); break; } // wrong size: kept raw
            case 2: w.attrString(IFLA_IFNAME, rng.pick(['a', 'b', 'eth0', ''])); break;
            case 3: { const s = w.attrStart(IFLA_LINKINFO | NLA_F_NESTED); w.attrString(IFLA_INFO_KIND, rng.pick(['veth', 'bridge', 'vxlan', 'x'])); if (rng.chance(0.5)) { const d = w.attrStart(IFLA_INFO_DATA | NLA_F_NESTED); w.attrU32(1 + rng.int(4), rng.u32()); w.attrEnd(d); } if (rng.chance(0.3)) w.attrString(IFLA_INFO_KIND, rng.pick(['veth', 'bridge', 'vxlan'])); w.attrEnd(s); break; }
            default: w.attrString(IFLA_IFALIAS, 'alias' + rng.int(10)); break;
          }
        }
      });
    }
    case 5: { // names that are not UTF-8
      return linkMessage(rng, (w) => {
        const put = (type: number): void => {
          const s = w.attrStart(type);
          w.bytes(hostileName(rng));
          if (rng.chance(0.8)) w.u8(0);
          w.attrEnd(s);
        };
        put(IFLA_IFNAME);
        if (rng.chance(0.5)) put(IFLA_IFALIAS);
        if (rng.chance(0.5)) {
          const p = w.attrStart(IFLA_PROP_LIST | NLA_F_NESTED);
          for (let i = rng.int(4); i >= 0; i--) put(IFLA_ALT_IFNAME);
          w.attrEnd(p);
        }
        if (rng.chance(0.3)) {
          const li = w.attrStart(IFLA_LINKINFO | NLA_F_NESTED);
          put(IFLA_INFO_KIND);
          w.attrEnd(li);
        }
      });
    }
    default: { // a real datagram with some of its top-level attributes repeated
      const seeds = seedDatagrams();
      for (let tries = 0; tries < 8; tries++) {
        const d = rng.pick(seeds);
        if (d.length < NLMSG_HDRLEN || d.readUInt32LE(0) !== d.length) continue;
        const type = d.readUInt16LE(4);
        const hs = schemaFor(type)?.headerSize;
        if (hs === undefined) continue;
        const start = NLMSG_HDRLEN + ((hs + 3) & ~3);
        const attrs: Buffer[] = [];
        for (let o = start; d.length - o >= 4; ) {
          const l = d.readUInt16LE(o);
          if (l < 4 || o + l > d.length) break;
          attrs.push(d.subarray(o, o + ((l + 3) & ~3)));
          o += (l + 3) & ~3;
        }
        if (attrs.length === 0) continue;
        const out = [...attrs];
        for (let k = 1 + rng.int(6); k > 0; k--) out.splice(rng.int(out.length + 1), 0, rng.pick(attrs));
        const b = Buffer.concat([d.subarray(0, start), ...out]);
        b.writeUInt32LE(b.length, 0);
        return b;
      }
      return linkMessage(rng, (w) => w.attrU32(IFLA_MTU, 1500));
    }
  }
}
