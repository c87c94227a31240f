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
