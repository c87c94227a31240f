/**
 * Attribute codecs specific to nf_tables: every integer attribute of
 * nf_tables is in network byte order (NLA_BE32/NLA_BE64), registers and
 * enums included; lists are runs of NFTA_LIST_ELEM.
 * @module
 */
import { NLA_F_NESTED, NLA_TYPE_MASK } from '../netlink/constants.js';
import {
  NOFIT,
  be16,
  be32,
  decodeAttrs,
  encodeAttrs,
  checkAttrs,
  nested,
  Policy,
  type Codec,
  type NestedCodec,
} from '../netlink/attr.js';
import { ArgumentError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { NFT_UAPI } from './uapi.js';
const { NFTA_LIST_ELEM } = NFT_UAPI;

export { be16, be32 };

/** Big-endian u64 (handles, counters, limit rates, timeouts) as an exact bigint. */
export const be64: Codec<bigint> = {
  name: 'be64',
  size: 8,
  decode: (b, o) => b.readBigUInt64BE(o),
  encode: (w, v) => {
    w.ensure(8);
    w.buf.writeBigUInt64BE(BigInt.asUintN(64, BigInt(v)), w.pos);
    w.pos += 8;
  },
  check: (v, f) => {
    let b: bigint;
    if (typeof v === 'bigint') b = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
    else throw new ArgumentError(f, `expected a bigint or safe integer (be64), got ${describe(v)}`);
    if (b < 0n || b > 0xffffffffffffffffn) throw new ArgumentError(f, `${b} is out of range for be64`);
    return b;
  },
};

/** Big-endian signed 32-bit (verdict codes: NFT_JUMP = -3 ...). */
export const bes32: Codec<number> = {
  name: 'bes32',
  size: 4,
  decode: (b, o) => b.readInt32BE(o),
  encode: (w, v) => {
    w.ensure(4);
    w.buf.writeInt32BE(v | 0, w.pos);
    w.pos += 4;
  },
  check: (v, f) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new ArgumentError(f, `expected a signed 32-bit integer, got ${describe(v)}`);
    }
    return v;
  },
};

/**
 * Map values of a base codec to names; unknown values stay numbers (so any
 * value the kernel sends decodes, and re-encodes to the same bytes).
 */
export function named<N extends string>(base: Codec<number>, names: Readonly<Record<number, N>>, what = base.name): Codec<N | number> {
  // the reverse map on first encode or check (hundreds of these codecs are made at import; most only decode)
  let rev: Map<string, number> | undefined;
  const byName = (): Map<string, number> => {
    if (rev) return rev;
    rev = new Map<string, number>();
    for (const [k, v] of Object.entries(names)) if (!rev.has(v as string)) rev.set(v as string, Number(k));
    return rev;
  };
  return {
    name: `${what} enum`,
    size: base.size,
    decode: (b, o, len, ctx) => {
      const v = base.decode(b, o, len, ctx) as number;
      return names[v] ?? v;
    },
    encode: (w, v, variant, p) => base.encode(w, typeof v === 'string' ? byName().get(v)! : v, variant, p),
    check: (v, f, p) => {
      if (typeof v === 'string') {
        if (!byName().has(v)) throw new ArgumentError(f, `unknown value "${v}" (expected one of: ${[...byName().keys()].join(', ')}, or a number)`);
        return v as N;
      }
      return base.check(v, f, p);
    },
    format: (v) => String(v),
  };
}

/**
 * A bit set as a list of names; bits without a name stay as one number at the
 * end of the list, so decoding is lossless (`['interval', 0x200]`).
 */
export function flagsOf<N extends string>(base: Codec<number>, names: Readonly<Record<number, N>>): Codec<Array<N | number>> {
  const bits = Object.entries(names).map(([k, v]) => [Number(k), v] as [number, N]);
  const byName = new Map<string, number>(bits.map(([k, v]) => [v, k]));
  const toNum = (v: Array<N | number>): number => v.reduce<number>((n, x) => (n | (typeof x === 'string' ? byName.get(x)! : x)) >>> 0, 0);
  return {
    name: `${base.name} flags`,
    size: base.size,
    decode: (b, o, len, ctx) => {
      let v = base.decode(b, o, len, ctx) as number;
      const out: Array<N | number> = [];
      for (const [bit, n] of bits) {
        if ((v & bit) === bit && bit !== 0) {
          out.push(n);
          v = (v & ~bit) >>> 0;
        }
      }
      if (v !== 0) out.push(v);
      return out;
    },
    encode: (w, v, variant, p) => base.encode(w, toNum(v), variant, p),
    check: (v, f, p) => {
      const arr = typeof v === 'number' ? [v] : typeof v === 'string' ? [v] : v;
      if (!Array.isArray(arr)) throw new ArgumentError(f, `expected a list of flag names (${[...byName.keys()].join(', ')}), got ${describe(v)}`);
      return arr.map((x, i) => {
        if (typeof x === 'string') {
          if (!byName.has(x)) throw new ArgumentError(`${f}[${i}]`, `unknown flag "${x}" (expected one of: ${[...byName.keys()].join(', ')})`);
          return x as N;
        }
        return base.check(x, `${f}[${i}]`, p);
      });
    },
  };
}

/** Bits of a flags value as one number. */
export function flagsValue<N extends string>(names: Readonly<Record<number, N>>, v: Array<N | number> | undefined): number {
  if (!v) return 0;
  let n = 0;
  for (const x of v) {
    if (typeof x === 'number') n |= x;
    else for (const [k, name] of Object.entries(names)) if (name === x) n |= Number(k);
  }
  return n >>> 0;
}

/**
 * A list attribute: a run of NFTA_LIST_ELEM (nested), each decoded with
 * `elem`. Anything else inside (another type, a missing NLA_F_NESTED bit)
 * does not fit and the whole attribute is kept raw: lossless either way.
 */
export function listOf(
  pol: Policy | ((parent: Record<string, unknown>) => Policy),
  name = 'list',
  /** Number new lists' elements 1, 2, 3 ... like libnftnl does for set elements. */
  indexedList = false,
): Codec<Array<Record<string, unknown>>> & NestedCodec {
  const polFor = (p: Record<string, unknown>): Policy => (typeof pol === 'function' ? pol(p) : pol);
  const codec = {
    name: `${name}[]`,
    nested: true,
    policyFor: () => listPolicyOf(polFor({})),
    decode: (b: Buffer, o: number, len: number, ctx: Parameters<Codec['decode']>[3]) => {
      const end = o + len;
      const out: Array<Record<string, unknown>> = [];
      let p = o;
      // framing first: a list that is not a run of NFTA_LIST_ELEM, all with
      // or all without NLA_F_NESTED (nft sets it, the kernel does not), stays raw
      // Element types: all NFTA_LIST_ELEM (rules, the kernel's dumps) or
      // numbered 1, 2, 3, ... (libnftnl's set element lists); either way all
      // with or all without NLA_F_NESTED.
      let nestedBits = -1;
      let constant = true;
      let indexed = true;
      let i = 0;
      while (end - p >= 4) {
        const l = b[p]! | (b[p + 1]! << 8);
        const t = b[p + 2]! | (b[p + 3]! << 8);
        if (l < 4 || p + l > end) return NOFIT;
        const nb = t & NLA_F_NESTED;
        if (nestedBits < 0) nestedBits = nb;
        else if (nb !== nestedBits) return NOFIT;
        const ty = t & NLA_TYPE_MASK;
        i++;
        if (ty !== NFTA_LIST_ELEM) constant = false;
        if (ty !== i) indexed = false;
        if (t & ~(NLA_F_NESTED | NLA_TYPE_MASK)) return NOFIT;
        p += (l + 3) & ~3;
      }
      if (p !== end || (!constant && !indexed)) return NOFIT;
      ctx.variant = (nestedBits === 0 && i > 0 ? V_NO_NESTED_FLAG : 0) | (constant ? V_CONSTANT : V_INDEXED);
      const ep = polFor(ctx.parent);
      p = o;
      while (p < end) {
        const l = b[p]! | (b[p + 1]! << 8);
        out.push(decodeAttrs(b, p + 4, p + l, ep, ctx));
        p += (l + 3) & ~3;
      }
      return out;
    },
    encode: (w: Parameters<Codec['encode']>[0], v: Array<Record<string, unknown>>, variant: number, parent: Record<string, unknown>) => {
      const ep = polFor(parent);
      const flag = variant & V_NO_NESTED_FLAG ? 0 : NLA_F_NESTED;
      const indexed = variant & V_INDEXED ? true : variant & V_CONSTANT ? false : indexedList;
      let i = 0;
      for (const e of v) {
        const s = w.attrStart((indexed ? ++i : NFTA_LIST_ELEM) | flag);
        encodeAttrs(w, ep, e);
        w.attrEnd(s);
      }
    },
    check: (v: unknown, f: string, parent: Record<string, unknown>) => {
      if (!Array.isArray(v)) throw new ArgumentError(f, `expected an array, got ${describe(v)}`);
      const ep = polFor(parent);
      return v.map((x, i) => checkAttrs(ep, x, `${f}[${i}]`));
    },
  };
  return codec as unknown as Codec<Array<Record<string, unknown>>> & NestedCodec;
}

/** List variant: the elements came without NLA_F_NESTED (as the kernel sends them). */
const V_NO_NESTED_FLAG = 1;
/** List variant: elements numbered 1, 2, 3 ... instead of all NFTA_LIST_ELEM (libnftnl's set element lists). */
const V_INDEXED = 2;
/** List variant: decoded with every element typed NFTA_LIST_ELEM. */
const V_CONSTANT = 4;

/** For attribute-path printing: a policy whose only attribute is NFTA_LIST_ELEM of `elem`. */
const listPolicies = new WeakMap<Policy, Policy>();
function listPolicyOf(elem: Policy): Policy {
  let p = listPolicies.get(elem);
  if (!p) {
    p = new Policy('NFTA_LIST', [{ type: NFTA_LIST_ELEM, uapi: 'NFTA_LIST_ELEM', name: 'elem', codec: nested(elem, { nestedFlag: true }), multi: true, nestedFlag: true }]);
    listPolicies.set(elem, p);
  }
  return p;
}

/** Strip the NLA_F_* bits of a raw attribute type. */
export const typeOf = (raw: number): number => raw & NLA_TYPE_MASK;
