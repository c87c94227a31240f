/**
 * The codecs: integers (u8..s64, big-endian, booleans, flags), strings
 * (lossless for bytes that are not UTF-8), bytes, addresses, enums, C
 * structs and arrays of scalars.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { describe, formatIPv4, formatIPv6, formatIP, formatMac, parseIP, parseMac } from '../ip.js';
import type { Writer } from '../writer.js';
import { decodeString, isCanonicalString, printableString, stringByteLength } from '../strings.js';
import { NOFIT, type Codec } from './policy.js';
import { GENERATE_AFTER, plainMaker } from './internal.js';

function intCheck(name: string, min: number, max: number) {
  return (v: unknown, field: string): number => {
    // only integers: `true` is not 1 (a boolean option is a flag/bool8/bool32 codec, which take booleans)
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ArgumentError(field, `expected an integer (${name}), got ${describe(v)}`);
    if (v < min || v > max) throw new ArgumentError(field, `${v} is out of range for ${name} (${min}..${max})`);
    return v;
  };
}

export const u8: Codec<number> = {
  name: 'u8',
  size: 1,
  decode: (b, o) => b[o]!,
  encode: (w, v) => w.u8(v),
  check: intCheck('u8', 0, 0xff),
};
export const u16: Codec<number> = {
  name: 'u16',
  size: 2,
  decode: (b, o) => b[o]! | (b[o + 1]! << 8), // size checked by the caller: byte loads, no per-call validation
  encode: (w, v) => w.u16(v),
  check: intCheck('u16', 0, 0xffff),
};
export const u32: Codec<number> = {
  name: 'u32',
  size: 4,
  decode: (b, o) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000,
  encode: (w, v) => w.u32(v),
  check: intCheck('u32', 0, 0xffffffff),
};
export const s8: Codec<number> = {
  name: 's8',
  size: 1,
  decode: (b, o) => b.readInt8(o),
  encode: (w, v) => w.s8(v),
  check: intCheck('s8', -128, 127),
};
export const s16: Codec<number> = {
  name: 's16',
  size: 2,
  decode: (b, o) => b.readInt16LE(o),
  encode: (w, v) => w.s16(v),
  check: intCheck('s16', -32768, 32767),
};
export const s32: Codec<number> = {
  name: 's32',
  size: 4,
  decode: (b, o) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24),
  encode: (w, v) => w.s32(v),
  check: intCheck('s32', -2147483648, 2147483647),
};
export const be16: Codec<number> = {
  name: 'be16',
  size: 2,
  decode: (b, o) => b.readUInt16BE(o),
  encode: (w, v) => w.be16(v),
  check: intCheck('be16', 0, 0xffff),
};
export const be32: Codec<number> = {
  name: 'be32',
  size: 4,
  decode: (b, o) => b.readUInt32BE(o),
  encode: (w, v) => w.be32(v),
  check: intCheck('be32', 0, 0xffffffff),
};

function bigCheck(name: string, signed: boolean) {
  return (v: unknown, field: string): bigint => {
    let b: bigint;
    if (typeof v === 'bigint') b = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
    else throw new ArgumentError(field, `expected a bigint or safe integer (${name}), got ${describe(v)}`);
    const ok = signed ? BigInt.asIntN(64, b) === b : BigInt.asUintN(64, b) === b;
    if (!ok) throw new ArgumentError(field, `${b} is out of range for ${name}`);
    return b;
  };
}

const BIG_ZERO = 0n;
const TWO32 = 4294967296n;

/**
 * Read a little-endian u64 as a bigint. Buffer#readBigUInt64LE allocates
 * several intermediate bigints per call; counters are mostly zero or below
 * 2^32, which this reads with one allocation or none (a link dump carries
 * ~70 counters per link).
 */
export function readU64(b: Buffer, o: number): bigint {
  if (o < 0 || o + 8 > b.length) throw new RangeError(`u64 at ${o} is outside a ${b.length}-byte buffer`);
  // byte loads: cheaper than two validated Buffer#readUInt32LE calls (~70 of these per link)
  const lo = (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
  const hi = (b[o + 4]! | (b[o + 5]! << 8) | (b[o + 6]! << 16)) + b[o + 7]! * 0x1000000;
  if (hi === 0) return lo === 0 ? BIG_ZERO : BigInt(lo);
  return BigInt(hi) * TWO32 + BigInt(lo);
}

/** u64 values are bigint (exact). User input may be a bigint or a safe integer number. */
export const u64: Codec<bigint> = {
  name: 'u64',
  size: 8,
  decode: (b, o) => readU64(b, o),
  encode: (w, v) => w.u64(v),
  check: bigCheck('u64', false),
};
export const s64: Codec<bigint> = {
  name: 's64',
  size: 8,
  decode: (b, o) => b.readBigInt64LE(o),
  encode: (w, v) => w.s64(v),
  check: bigCheck('s64', true),
};

/** Zero-length attribute whose presence means true. */
export const flag: Codec<boolean> = {
  name: 'flag',
  size: 0,
  decode: () => true,
  encode: () => undefined,
  check: (v, f) => {
    if (typeof v !== 'boolean') throw new ArgumentError(f, `expected true or false, got ${describe(v)}`);
    return v;
  },
};

/** u8 holding 0/1, presented as a boolean (other values stay numbers). */
export const bool8: Codec<boolean | number> = {
  name: 'u8 (bool)',
  size: 1,
  decode: (b, o) => {
    const v = b[o]!;
    return v === 0 ? false : v === 1 ? true : v;
  },
  encode: (w, v) => w.u8(typeof v === 'boolean' ? (v ? 1 : 0) : v),
  check: (v, f) => (typeof v === 'boolean' ? v : intCheck('u8', 0, 0xff)(v, f)),
};
/** u32 holding 0/1, presented as a boolean. */
export const bool32: Codec<boolean | number> = {
  name: 'u32 (bool)',
  size: 4,
  decode: (b, o) => {
    const v = b.readUInt32LE(o);
    return v === 0 ? false : v === 1 ? true : v;
  },
  encode: (w, v) => w.u32(typeof v === 'boolean' ? (v ? 1 : 0) : v),
  check: (v, f) => (typeof v === 'boolean' ? v : intCheck('u32', 0, 0xffffffff)(v, f)),
};

const V_NO_NUL = 1; // string attribute had no NUL terminator
const V_EXTRA = 2; // string attribute had bytes after the first NUL (kept as hidden tail)
/** Zero bytes after the terminator that fit the variant (8 bits: 2 flag bits, 6 for the count); more stay raw. */
const MAX_EXTRA_NULS = 63;

/**
 * NUL-terminated string (a missing terminator is tolerated and reproduced).
 * Bytes are decoded losslessly (./strings.ts): valid UTF-8 as text, any
 * other byte as U+DC80..U+DCFF, which the encoder writes back as that byte.
 */
export const string: Codec<string> = {
  name: 'string',
  decode: (b, o, len, ctx) => {
    if (len === 0) {
      ctx.variant = V_NO_NUL;
      return '';
    }
    const end = o + len;
    let nul = o;
    while (nul < end && b[nul] !== 0) nul++; // bounded by the attribute (Buffer#indexOf would scan the whole datagram)
    if (nul === end) {
      ctx.variant = V_NO_NUL;
      return decodeString(b, o, end);
    }
    if (nul !== end - 1) {
      // bytes after the terminator: not canonical; keep as binary to stay lossless
      for (let i = nul + 1; i < end; i++) if (b[i] !== 0) return NOFIT;
      if (end - 1 - nul > MAX_EXTRA_NULS) return NOFIT;
      ctx.variant = V_EXTRA | ((end - 1 - nul) << 2);
    }
    return decodeString(b, o, nul);
  },
  encode: (w, v, variant) => {
    w.str(v);
    if (!(variant & V_NO_NUL)) w.u8(0);
    if (variant & V_EXTRA) w.zero(variant >> 2);
  },
  check: (v, f) => {
    if (typeof v !== 'string') throw new ArgumentError(f, `expected a string, got ${describe(v)}`);
    if (v.includes('\0')) throw new ArgumentError(f, 'string contains a NUL byte');
    if (!isCanonicalString(v)) throw new ArgumentError(f, `string ${JSON.stringify(v)} holds a lone surrogate that is not an escaped byte, or escaped bytes that form UTF-8: it would be sent as other bytes than it says`);
    return v;
  },
  format: (v) => quoteString(v),
};

/** A string in double quotes for text output (JSON escapes; bytes that are not UTF-8 as \xNN). */
export function quoteString(v: string): string {
  if (!/[\udc80-\udcff]/.test(v)) return JSON.stringify(v);
  return `"${v.split(/((?<![\ud800-\udbff])[\udc80-\udcff])/).map((part, i) => (i % 2 ? printableString(part) : JSON.stringify(part).slice(1, -1))).join('')}"`;
}

/** Bounded string (e.g. interface names, 1..maxBytes bytes). */
export function stringMax(maxBytes: number, what = 'string'): Codec<string> {
  return {
    ...string,
    check: (v, f, p) => {
      const s = string.check(v, f, p);
      const n = stringByteLength(s);
      if (n > maxBytes) throw new ArgumentError(f, `${what} is ${n} bytes long; at most ${maxBytes} are allowed`);
      return s;
    },
  };
}

/** Raw bytes (Buffer view). User input: Buffer/Uint8Array or a hex string. */
/** The value of every empty binary payload (frozen: a zero-length Buffer holds nothing to change). */
export const EMPTY_BYTES: Buffer = Object.freeze(Buffer.alloc(0)) as Buffer;

/** Largest payload keepBytes() copies; longer ones stay views of the datagram. */
const COPY_MAX = 1024;

/**
 * Bytes kept in a decoded object: a copy for short payloads, so that a decoded
 * link does not hold on to the whole receive datagram (~32 KiB) it came from
 * (empty IFLA_DEVLINK_PORT / IFLA_DPLL_PIN nests did, for every link of a
 * dump); one shared empty Buffer for empty payloads.
 */
export function keepBytes(b: Buffer, o: number, len: number): Buffer {
  if (len === 0) return EMPTY_BYTES;
  if (len > COPY_MAX) return b.subarray(o, o + len);
  const out = Buffer.allocUnsafe(len);
  b.copy(out, 0, o, o + len);
  return out;
}

export const binary: Codec<Uint8Array> = {
  name: 'binary',
  decode: (b, o, len) => keepBytes(b, o, len),
  encode: (w, v) => w.bytes(v),
  check: (v, f) => {
    if (v instanceof Uint8Array) return v;
    if (typeof v === 'string' && /^([0-9a-fA-F]{2})*$/.test(v)) return Buffer.from(v, 'hex');
    throw new ArgumentError(f, `expected a Buffer or hex string, got ${describe(v)}`);
  },
  format: (v) => Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex'),
};

/** Link-layer address lengths that exist (IPv4 tunnels 4, Ethernet 6, FireWire 8, IPv6 tunnels 16, InfiniBand 20, 32 max). */
const LLADDR_LENGTHS = new Set([4, 6, 8, 16, 20, 32]);

/** Link-layer address as "aa:bb:cc:dd:ee:ff" (decodes any length; user input must have a real hardware address length). */
export const lladdr: Codec<string> = {
  name: 'lladdr',
  // 1..32 bytes (MAX_ADDR_LEN): what parseMac can encode again; other sizes stay raw so re-encoding is lossless.
  decode: (b, o, len) => (len >= 1 && len <= 32 ? formatMac(b, o, len) : NOFIT),
  encode: (w, v) => w.bytes(parseMac(v)),
  check: (v, f) => {
    const b = parseMac(v, f);
    if (!LLADDR_LENGTHS.has(b.length)) throw new ArgumentError(f, `"${String(v)}" has ${b.length} bytes; a link-layer address has 6 (Ethernet), or 4, 8, 16, 20`);
    return formatMac(b);
  },
};
/** Ethernet address: exactly 6 bytes. */
export const mac: Codec<string> = {
  name: 'mac',
  size: 6,
  decode: (b, o, len) => formatMac(b, o, len),
  encode: (w, v) => w.bytes(parseMac(v)),
  check: (v, f) => formatMac(parseMac(v, f, 6)),
};

export const ipv4: Codec<string> = {
  name: 'ipv4',
  size: 4,
  decode: (b, o) => formatIPv4(b, o),
  encode: (w, v) => w.bytes(parseIP(v)!.bytes),
  check: (v, f) => {
    const ip = typeof v === 'string' ? parseIP(v) : undefined;
    if (!ip || ip.family !== 4) throw new ArgumentError(f, `expected an IPv4 address, got ${describe(v)}`);
    return formatIPv4(ip.bytes);
  },
};
export const ipv6: Codec<string> = {
  name: 'ipv6',
  size: 16,
  decode: (b, o) => formatIPv6(b, o),
  encode: (w, v) => w.bytes(parseIP(v)!.bytes),
  check: (v, f) => {
    const ip = typeof v === 'string' ? parseIP(v) : undefined;
    if (!ip || ip.family !== 6) throw new ArgumentError(f, `expected an IPv6 address, got ${describe(v)}`);
    return formatIPv6(ip.bytes);
  },
};
/** IPv4 or IPv6 by payload length (4 or 16). */
export const ip: Codec<string> = {
  name: 'ip',
  decode: (b, o, len) => (len === 4 || len === 16 ? formatIP(b, o, len) : NOFIT),
  encode: (w, v) => w.bytes(parseIP(v)!.bytes),
  check: (v, f) => {
    const r = typeof v === 'string' ? parseIP(v) : undefined;
    if (!r) throw new ArgumentError(f, `expected an IPv4 or IPv6 address, got ${describe(v)}`);
    return formatIP(r.bytes);
  },
};

/** Map some values of a base codec to names; unknown values stay numbers. */
export function enumOf<N extends string>(base: Codec<number>, names: Record<number, N>): Codec<N | number> {
  const byName = new Map<string, number>();
  for (const [k, v] of Object.entries(names)) byName.set(v as string, Number(k));
  const list = [...byName.keys()].join(', ');
  return {
    name: `${base.name} enum`,
    size: base.size,
    decode: (b, o, len, ctx) => {
      const v = base.decode(b, o, len, ctx) as number;
      return names[v] ?? v;
    },
    encode: (w, v, variant, p) => base.encode(w, typeof v === 'string' ? byName.get(v)! : v, variant, p),
    check: (v, f, p) => {
      if (typeof v === 'string') {
        const n = byName.get(v);
        if (n === undefined) throw new ArgumentError(f, `unknown value "${v}" (expected one of: ${list}, or a number)`);
        return v as N;
      }
      return base.check(v, f, p);
    },
  };
}

/** A fixed C struct of scalar fields; a shorter payload decodes the fields that fit, extra bytes are kept. */
export type StructField = [name: string, type: 'u8' | 'u16' | 'u32' | 'u64' | 's32' | 'be16' | 'be32' | 'pad8' | 'pad16' | 'pad32'];

/** Structs with more fields than this are copied into a fast-properties object after decoding. */
const FAST_COPY_ABOVE = 12;

const FIELD_SIZE: Record<StructField[1], number> = { u8: 1, u16: 2, u32: 4, u64: 8, s32: 4, be16: 2, be32: 4, pad8: 1, pad16: 2, pad32: 4 };

export const STRUCT_EXTRA: unique symbol = Symbol.for('rtnetlink.structExtra');

export function struct<T extends object>(name: string, fields: StructField[]): Codec<T> & { fields: StructField[]; byteSize: number } {
  const byteSize = fields.reduce((n, f) => n + FIELD_SIZE[f[1]], 0);
  // Full-size payloads (the common case) decode through one generated object
  // literal: no intermediate object, and one fast shape for all of them.
  // (reads as byte loads: the payload size was checked, and Buffer#read* validate the offset on every call)
  const READ: Partial<Record<StructField[1], string>> = {
    u8: 'b[o + @]',
    u16: '(b[o + @] | (b[o + @ + 1] << 8))',
    u32: '((b[o + @] | (b[o + @ + 1] << 8) | (b[o + @ + 2] << 16)) + b[o + @ + 3] * 0x1000000)',
    s32: '(b[o + @] | (b[o + @ + 1] << 8) | (b[o + @ + 2] << 16) | (b[o + @ + 3] << 24))',
    u64: 'readU64(b, o + @)',
    be16: 'b.readUInt16BE(o + @)',
    be32: 'b.readUInt32BE(o + @)',
  };
  let at = 0;
  const parts: Array<[string, string]> = [];
  for (const [fname, t] of fields) {
    const r = READ[t];
    if (r) parts.push([fname, r.replaceAll('@', String(at))]);
    at += FIELD_SIZE[t];
  }
  // generated on first use: compiling them for every struct at import cost start-up time (new Function has no compile cache)
  let full: ((b: Buffer, o: number) => T) | undefined;
  // ... after GENERATE_AFTER full-size payloads: until then the loop below builds the same object
  let fullSeen = 0;
  const makeFull = (): ((b: Buffer, o: number) => T) =>
    (full = plainMaker<(b: Buffer, o: number) => T & object>(['b', 'o'], parts, { readU64 }));
  const WRITE: Record<StructField[1], string> = {
    u8: 'w.u8(Number(@))', u16: 'w.u16(Number(@))', u32: 'w.u32(Number(@))', s32: 'w.s32(Number(@))', u64: 'w.u64(@)',
    be16: 'w.be16(Number(@))', be32: 'w.be32(Number(@))', pad8: 'w.zero(1)', pad16: 'w.zero(2)', pad32: 'w.zero(4)',
  };
  const named = fields.filter(([, t]) => !t.startsWith('pad'));
  const present = named.length ? named.map(([f]) => `r[${JSON.stringify(f)}] !== undefined`).join(' && ') : 'true';
  const writes = fields.map(([f, t]) => WRITE[t].replace('@', `r[${JSON.stringify(f)}]`) + ';').join(' ');
  /** Writes the whole struct and returns true when every field is present; otherwise writes nothing. */
  let writeFull: ((w: Writer, r: Record<string, unknown>) => boolean) | undefined;
  const makeWriteFull = (): ((w: Writer, r: Record<string, unknown>) => boolean) =>
    (writeFull = new Function(`return (w, r) => { if (!(${present})) return false; ${writes} return true; };`)() as (w: Writer, r: Record<string, unknown>) => boolean);
  return {
    name,
    fields,
    byteSize,
    decode: (b, o, len) => {
      if (len === byteSize && (full !== undefined || ++fullSeen > GENERATE_AFTER)) return (full ?? makeFull())(b, o);
      const out: Record<string, unknown> = {};
      let p = o;
      const end = o + len;
      for (const [fname, t] of fields) {
        const sz = FIELD_SIZE[t];
        if (p + sz > end) break;
        switch (t) {
          case 'u8': out[fname] = b[p]; break;
          case 'u16': out[fname] = b.readUInt16LE(p); break;
          case 'u32': out[fname] = b.readUInt32LE(p); break;
          case 's32': out[fname] = b.readInt32LE(p); break;
          case 'u64': out[fname] = readU64(b, p); break;
          case 'be16': out[fname] = b.readUInt16BE(p); break;
          case 'be32': out[fname] = b.readUInt32BE(p); break;
          default: break;
        }
        p += sz;
      }
      if (p < end) (out as Record<symbol, unknown>)[STRUCT_EXTRA] = keepBytes(b, p, end - p);
      return (fields.length > FAST_COPY_ABOVE ? { ...out } : out) as T;
    },
    encode: (w, v) => {
      const r = v as Record<string, unknown>;
      // Every field present (the usual case): one generated straight-line writer.
      if ((writeFull ?? makeWriteFull())(w, r)) {
        const extra = (r as Record<symbol, unknown>)[STRUCT_EXTRA] as Uint8Array | undefined;
        if (extra) w.bytes(extra);
        return;
      }
      // Fields are written in order up to the first missing one (a shorter
      // struct from an older kernel); pads only between present fields.
      let pad = 0;
      let complete = true;
      for (const [fname, t] of fields) {
        if (t.startsWith('pad')) {
          pad += FIELD_SIZE[t];
          continue;
        }
        const x = r[fname];
        if (x === undefined) {
          complete = false;
          break;
        }
        if (pad) {
          w.zero(pad);
          pad = 0;
        }
        switch (t) {
          case 'u8': w.u8(Number(x)); break;
          case 'u16': w.u16(Number(x)); break;
          case 'u32': w.u32(Number(x)); break;
          case 's32': w.s32(Number(x)); break;
          case 'u64': w.u64(x as bigint | number); break;
          case 'be16': w.be16(Number(x)); break;
          case 'be32': w.be32(Number(x)); break;
          default: break;
        }
      }
      if (complete && pad) w.zero(pad);
      const extra = (r as Record<symbol, unknown>)[STRUCT_EXTRA] as Uint8Array | undefined;
      if (extra) w.bytes(extra);
    },
    check: (v, f) => {
      if (typeof v !== 'object' || v === null) throw new ArgumentError(f, `expected an object (${name}), got ${describe(v)}`);
      const r = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [fname, t] of fields) {
        if (t.startsWith('pad')) continue;
        const x = r[fname] ?? (t === 'u64' ? 0n : 0);
        if (t === 'u64') out[fname] = bigCheck('u64', false)(x, `${f}.${fname}`);
        else {
          const max = t === 'u8' ? 0xff : t === 'u16' || t === 'be16' ? 0xffff : 0xffffffff;
          out[fname] = intCheck(t, t === 's32' ? -2147483648 : 0, t === 's32' ? 2147483647 : max)(x, `${f}.${fname}`);
        }
      }
      for (const k of Object.keys(r)) {
        if (!fields.some(([n]) => n === k)) throw new ArgumentError(`${f}.${k}`, `unknown field "${k}" of ${name}`);
      }
      return out as T;
    },
  };
}

/** Array of fixed-size scalars filling the payload (e.g. IFLA_INET_CONF). */
export function arrayOf(elem: Codec<number>, elemSize: number): Codec<number[]> {
  return {
    name: `${elem.name}[]`,
    decode: (b, o, len, ctx) => {
      if (len % elemSize !== 0) return NOFIT;
      const out: number[] = new Array(len / elemSize);
      for (let i = 0; i < out.length; i++) out[i] = elem.decode(b, o + i * elemSize, elemSize, ctx) as number;
      return out;
    },
    encode: (w, v, variant, p) => {
      for (const x of v) elem.encode(w, x, 0, p);
    },
    check: (v, f, p) => {
      if (!Array.isArray(v)) throw new ArgumentError(f, `expected an array, got ${describe(v)}`);
      return v.map((x, i) => elem.check(x, `${f}[${i}]`, p));
    },
  };
}
