/**
 * Attribute codecs generic netlink families need beyond src/netlink/attr.ts:
 * nested arrays (elements whose attribute type is their index, or 0 for
 * every element), fixed-length byte strings shown as hex or base64, and
 * values whose layout depends on a sibling attribute.
 * @module
 */
import { NLA_F_NESTED, NLA_TYPE_MASK } from '../netlink/constants.js';
import { ArgumentError, DecodeError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { checkAttrs, decodeAttrs, encodeAttrs, NOFIT, type Codec, type Policy } from '../netlink/attr.js';
import type { Writer } from '../netlink/writer.js';

/** Where a decoded nested array keeps its elements' attribute types (with NLA_F_* bits) when they are not the default sequence. */
export const ARRAY_TYPES: unique symbol = Symbol.for('rtnetlink.arrayTypes');

/** A nested array codec: its element policy is visible to printers and to offset mapping. */
export interface ArrayCodec<T> extends Codec<T[]> {
  readonly elementPolicy: Policy;
  /** Attribute type of element i when encoding user input. */
  elementType(i: number): number;
}

/**
 * A nest holding one nested attribute set per element. The kernel numbers
 * the elements in two ways: `index` 1..n (nlctrl's ops and groups, macsec's SA
 * and RXSC lists, ethtool's bits) or 0 for every element (wireguard's peers
 * and allowed IPs). `nestedFlag`: whether the array attribute and each
 * element carry NLA_F_NESTED when we encode user input. Decoding keeps the types as received (under
 * {@link ARRAY_TYPES} when they differ from the default), so re-encoding is
 * byte-identical.
 */
export function nestedArray<T extends object = Record<string, unknown>>(
  pol: Policy,
  opts: { numbering: 'index' | 'zero'; nestedFlag: boolean; base?: number },
): ArrayCodec<T> {
  const base = opts.numbering === 'zero' ? 0 : (opts.base ?? 1);
  const flagBits = opts.nestedFlag ? NLA_F_NESTED : 0;
  const elementType = (i: number): number => (opts.numbering === 'zero' ? 0 : base + i) | flagBits;
  return {
    name: `array(${pol.name}_*)`,
    nested: opts.nestedFlag,
    elementPolicy: pol,
    elementType,
    decode: (b, o, len, ctx) => {
      const out: T[] = [];
      const types: number[] = [];
      let regular = true;
      let off = o;
      const end = o + len;
      while (end - off >= 4) {
        const alen = b[off]! | (b[off + 1]! << 8);
        const raw = b[off + 2]! | (b[off + 3]! << 8);
        if (alen < 4) throw new DecodeError(`attribute length ${alen} is below the 4-byte header`, off, ctx.path);
        if (off + alen > end) throw new DecodeError(`element length ${alen} runs past the end (${end - off} bytes left)`, off, ctx.path);
        const i = out.length;
        // the element's path is only built if an error needs it
        out.push(decodeAttrs<T>(b, off + 4, off + alen, pol, { get path() { return `${ctx.path}[${i}]`; } }));
        types.push(raw);
        if (raw !== elementType(i)) regular = false;
        off += (alen + 3) & ~3;
      }
      if (off < end) throw new DecodeError(`${end - off} trailing bytes do not form an attribute`, off, ctx.path);
      if (!regular) Object.defineProperty(out, ARRAY_TYPES, { value: types, enumerable: false });
      return out;
    },
    encode: (w: Writer, v: T[]) => {
      const types = (v as unknown as Record<symbol, number[] | undefined>)[ARRAY_TYPES];
      for (let i = 0; i < v.length; i++) {
        const s = w.attrStart(types && types.length === v.length ? types[i]! : elementType(i));
        encodeAttrs(w, pol, v[i] as unknown as Record<string, unknown>);
        w.attrEnd(s);
      }
    },
    check: (v, f) => {
      if (!Array.isArray(v)) throw new ArgumentError(f, `expected an array, got ${describe(v)}`);
      return v.map((x, i) => checkAttrs(pol, x, `${f}[${i}]`) as T);
    },
  };
}

/** Bytes of one exact length, shown as lower-case hex; user input: hex string or bytes. */
export function hexBytes(size: number, what: string): Codec<string> {
  return {
    name: `hex${size * 8}`,
    size,
    decode: (b, o) => b.toString('hex', o, o + size),
    encode: (w, v) => w.bytes(Buffer.from(v, 'hex')),
    check: (v, f) => toBytes(v, f, size, what).toString('hex'),
  };
}

/** Bytes of one exact length, shown as base64 (like `wg`); user input: base64, hex or bytes. */
export function base64Bytes(size: number, what: string): Codec<string> {
  return {
    name: `base64(${size})`,
    size,
    decode: (b, o) => b.toString('base64', o, o + size),
    encode: (w, v) => w.bytes(Buffer.from(v, 'base64')),
    check: (v, f) => toBytes(v, f, size, what).toString('base64'),
  };
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * User bytes: a Buffer/Uint8Array, a hex string (even number of digits) or,
 * for `base64: true`, a base64 string. `size`: exact length required.
 */
export function toBytes(v: unknown, f: string, size: number | undefined, what: string, opts: { base64?: boolean } = { base64: true }): Buffer {
  let b: Buffer | undefined;
  if (v instanceof Uint8Array) b = Buffer.from(v.buffer, v.byteOffset, v.length);
  else if (typeof v === 'string') {
    const s = v.trim();
    if (size !== undefined && /^[0-9a-fA-F]+$/.test(s) && s.length === size * 2) b = Buffer.from(s, 'hex');
    else if (opts.base64 !== false && B64.test(s) && s.length % 4 === 0) {
      b = Buffer.from(s, 'base64');
      if (b.toString('base64') !== s) b = undefined; // non-canonical padding bits
    } else if (/^([0-9a-fA-F]{2})+$/.test(s)) b = Buffer.from(s, 'hex');
  }
  if (!b) throw new ArgumentError(f, `expected ${what} as ${opts.base64 !== false ? 'base64, ' : ''}hex or bytes, got ${describe(v)}`);
  if (size !== undefined && b.length !== size) throw new ArgumentError(f, `${what} must be ${size} bytes, got ${b.length}`);
  return b;
}

/**
 * A value whose codec depends on a sibling attribute decoded before it (the
 * team option's TEAM_ATTR_OPTION_DATA is typed by TEAM_ATTR_OPTION_TYPE).
 * When the sibling is absent or its codec does not fit, the attribute is kept
 * raw (lossless).
 */
export function bySibling(name: string, pick: (parent: Record<string, unknown>) => Codec<unknown> | undefined): Codec<unknown> & { codecFor(parent: Record<string, unknown>): Codec<unknown> | undefined } {
  return {
    name,
    codecFor: pick,
    decode: (b, o, len, ctx) => {
      const c = pick(ctx.parent);
      if (!c || (c.size !== undefined && c.size !== len)) return NOFIT;
      return c.decode(b, o, len, ctx);
    },
    encode: (w, v, variant, parent) => {
      const c = pick(parent);
      if (!c) throw new ArgumentError(name, 'no codec for this value');
      c.encode(w, v, variant, parent);
    },
    check: (v, f, parent) => {
      const c = pick(parent);
      if (!c) throw new ArgumentError(f, 'cannot be checked without its type');
      return c.check(v, f, parent);
    },
    skip: (v) => v === false,
  };
}

/** The type number of an attribute type with its NLA_F_* bits removed. */
export function attrType(raw: number): number {
  return raw & NLA_TYPE_MASK;
}
