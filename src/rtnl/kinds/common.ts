/**
 * Codecs and checks shared by the link-kind modules: attributes the kernel
 * dumps as u8 but accepts as NLA_FLAG, lists of nested attributes, indexed
 * arrays, 64-bit enums, bounded integers, IPv4-or-IPv6 options that map to
 * two attributes.
 * @module
 */
import { be16, checkAttrs, enumOf, forEachAttr, NOFIT, type Codec, type DecodeCtx, type Policy, type PolicyView } from '../../netlink/attr.js';
import { NLA_F_NESTED, NLA_TYPE_MASK } from '../../netlink/constants.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe, parseIP } from '../../netlink/ip.js';

/**
 * An attribute the kernel dumps as a u8 (0/1) but whose request policy is
 * NLA_FLAG (e.g. IFLA_VXLAN_TTL_INHERIT). Decodes either form; user input
 * `true` is sent as a zero-length flag, `false` is left out. A decoded u8 is
 * re-encoded as a u8 (byte-exact round trip).
 */
export const flagU8: Codec<boolean | number> = {
  name: 'flag (dumped as u8)',
  decode: (b, o, len, ctx) => {
    if (len === 0) return true;
    if (len !== 1) return NOFIT;
    ctx.variant = 1;
    const v = b[o]!;
    return v === 0 ? false : v === 1 ? true : v;
  },
  encode: (w, v, variant) => {
    if (variant === 1) w.u8(typeof v === 'boolean' ? (v ? 1 : 0) : v);
  },
  check: (v, f) => {
    if (typeof v !== 'boolean') throw new ArgumentError(f, `expected true or false, got ${describe(v)}`);
    return v;
  },
  skip: (v, variant) => variant !== 1 && v === false,
};

/** The context for the elements of a list nest: the nest's path and siblings (a spread of `ctx` would lose its getters). */
function elemCtx(ctx: DecodeCtx): DecodeCtx {
  return {
    get parent() {
      return ctx.parent;
    },
    get path() {
      return ctx.path;
    },
    options: ctx.options,
    variant: 0,
  };
}

/**
 * A nest holding attributes of one type only (e.g. IFLA_MACVLAN_MACADDR_DATA
 * = IFLA_MACVLAN_MACADDR, IFLA_MACVLAN_MACADDR, ...), as an array. A nest with
 * anything else in it is kept raw.
 */
export function nestedList<T>(elemType: number, elem: Codec<T>, name: string): Codec<T[]> {
  return {
    name: `nest of ${name}`,
    decode: (b, o, len, ctx) => {
      const out: T[] = [];
      let ok = true;
      const ectx = elemCtx(ctx);
      // malformed framing is a DecodeError (from forEachAttr); other contents are kept raw
      forEachAttr(b, o, o + len, (type, flags, po, plen) => {
        if (!ok) return;
        if (type !== elemType || flags !== 0 || (elem.size !== undefined && elem.size !== plen)) {
          ok = false;
          return;
        }
        ectx.variant = 0;
        const v = elem.decode(b, po, plen, ectx);
        if (v === NOFIT) ok = false;
        else out.push(v as T);
      }, ctx.path);
      return ok ? out : NOFIT;
    },
    encode: (w, v, _variant, p) => {
      for (const x of v) {
        const s = w.attrStart(elemType);
        elem.encode(w, x, 0, p);
        w.attrEnd(s);
      }
    },
    check: (v, f, p) => {
      if (!Array.isArray(v)) throw new ArgumentError(f, `expected an array, got ${describe(v)}`);
      return v.map((x, i) => elem.check(x, `${f}[${i}]`, p));
    },
  };
}

/**
 * A nest whose attribute types are the array indexes 0, 1, 2, ... (the
 * kernel's "indexed array", e.g. IFLA_BOND_ARP_IP_TARGET). Anything else is
 * kept raw.
 */
export function indexedArray<T>(elem: Codec<T>, name: string): Codec<T[]> {
  return {
    name: `indexed array of ${name}`,
    decode: (b, o, len, ctx) => {
      const out: T[] = [];
      let ok = true;
      const ectx = elemCtx(ctx);
      // malformed framing is a DecodeError (from forEachAttr); other contents are kept raw
      forEachAttr(b, o, o + len, (type, flags, po, plen) => {
        if (!ok) return;
        if (type !== out.length || flags !== 0 || (elem.size !== undefined && elem.size !== plen)) {
          ok = false;
          return;
        }
        ectx.variant = 0;
        const v = elem.decode(b, po, plen, ectx);
        if (v === NOFIT) ok = false;
        else out.push(v as T);
      }, ctx.path);
      return ok ? out : NOFIT;
    },
    encode: (w, v, _variant, p) => {
      v.forEach((x, i) => {
        const s = w.attrStart(i & NLA_TYPE_MASK);
        elem.encode(w, x, 0, p);
        w.attrEnd(s);
      });
    },
    check: (v, f, p) => {
      if (!Array.isArray(v)) throw new ArgumentError(f, `expected an array, got ${describe(v)}`);
      return v.map((x, i) => elem.check(x, `${f}[${i}]`, p));
    },
  };
}

/** A base integer codec with a narrower accepted range for user input. */
export function bounded(base: Codec<number>, min: number, max: number, what?: string): Codec<number> {
  return {
    ...base,
    check: (v, f, p) => {
      const n = base.check(v, f, p);
      if (n < min || n > max) throw new ArgumentError(f, `${n} is out of range${what ? ` for ${what}` : ''} (${min}..${max})`);
      return n;
    },
  };
}

/**
 * Like enumOf() for bigint values (u64 attributes such as IFLA_MACSEC_CIPHER_SUITE).
 * `aliases` are other values the kernel reports for a name (e.g. a legacy
 * id); they decode to the name and re-encode to the same value.
 */
export function u64Enum<N extends string>(names: Record<N, bigint>, aliases: Array<[bigint, N]> = []): Codec<N | bigint> {
  const byValue = new Map<bigint, N>();
  for (const [k, v] of Object.entries(names) as Array<[N, bigint]>) if (!byValue.has(v)) byValue.set(v, k);
  const list = Object.keys(names).join(', ');
  return {
    name: 'u64 enum',
    size: 8,
    decode: (b, o, _len, ctx) => {
      const v = b.readBigUInt64LE(o);
      const a = aliases.findIndex(([x]) => x === v);
      if (a >= 0) {
        ctx.variant = a + 1;
        return aliases[a]![1];
      }
      return byValue.get(v) ?? v;
    },
    encode: (w, v, variant) => {
      const alias = variant > 0 ? aliases[variant - 1] : undefined;
      if (alias && alias[1] === v) w.u64(alias[0]);
      else w.u64(typeof v === 'bigint' ? v : names[v]);
    },
    check: (v, f) => {
      if (typeof v === 'string') {
        if (!(v in names)) throw new ArgumentError(f, `unknown value "${v}" (expected one of: ${list}, or a bigint)`);
        return v as N;
      }
      if (typeof v === 'bigint' && BigInt.asUintN(64, v) === v) return v;
      throw new ArgumentError(f, `expected one of: ${list}, or a bigint, got ${describe(v)}`);
    },
  };
}

/** Reject keys of `options` not in `known` (for kinds that take extra, non-attribute options). */
export function checkKeys(options: Record<string, unknown>, known: readonly string[], field: string, what: string): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new ArgumentError(`${field}.${k}`, `unknown option "${k}" for ${what} (known: ${known.join(', ')})`);
  }
}

/** The option object for a kind, or an empty one; rejects non-objects. */
export function optionsObject(options: unknown, field: string, what: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ArgumentError(field, `expected an object of ${what} options, got ${describe(options)}`);
  }
  return { ...(options as Record<string, unknown>) };
}

/**
 * Move an IPv4-or-IPv6 user option to the attribute of its family: e.g.
 * vxlan `remote: '2001:db8::1'` -> group6, `remote: '192.0.2.1'` -> group.
 * Returns the family (4 or 6) or undefined when the option is absent.
 */
export function splitFamily(
  opts: Record<string, unknown>,
  key: string,
  v4: string,
  v6: string,
  field: string,
  check?: (ip: { family: 4 | 6; bytes: Uint8Array }, f: string) => void,
): 4 | 6 | undefined {
  const v = opts[key];
  if (v === undefined) return undefined;
  const ip = typeof v === 'string' ? parseIP(v) : undefined;
  if (!ip) throw new ArgumentError(`${field}.${key}`, `expected an IPv4 or IPv6 address, got ${describe(v)}`);
  check?.(ip as { family: 4 | 6; bytes: Uint8Array }, `${field}.${key}`);
  if (key !== v4 && key !== v6) delete opts[key];
  if (ip.family === 4) {
    if (opts[v4] !== undefined && key !== v4) throw new ArgumentError(`${field}.${key}`, `conflicts with ${field}.${v4}`);
    if (key === v6) delete opts[v6];
    opts[v4] = v;
  } else {
    if (opts[v6] !== undefined && key !== v6) throw new ArgumentError(`${field}.${key}`, `conflicts with ${field}.${v6}`);
    if (key === v4) delete opts[v4];
    opts[v6] = v;
  }
  return ip.family as 4 | 6;
}

/** Whether an address is multicast (224.0.0.0/4 or ff00::/8). */
export function isMulticast(ip: { family: number; bytes: Uint8Array }): boolean {
  return ip.family === 4 ? (ip.bytes[0]! & 0xf0) === 0xe0 : ip.bytes[0] === 0xff;
}

/** checkAttrs with the kind's name in the field path (e.g. "vxlan.id"). */
export function checkData(pol: Policy, opts: Record<string, unknown>, field: string): Record<string, unknown> {
  return checkAttrs(pol, opts, field);
}

/** NLA_F_NESTED, re-exported for kinds that build nests by hand. */
export { NLA_F_NESTED };

/**
 * A {@link PolicyView} that renames keys by their value: `viewKey(key,
 * value)` names a decoded (wire-keyed) value as the user writes it, `wireKey`
 * is the inverse; undefined keeps the key. An object whose renaming would
 * make two keys collide (only hostile input can: say both IFLA_VXLAN_GROUP
 * and IFLA_VXLAN_GROUP6 multicast) is left wire-keyed. Symbol keys (the wire
 * layout) are carried over.
 */
export function renamingView(
  viewKey: (key: string, value: unknown) => string | undefined,
  wireKey: (key: string, value: unknown) => string | undefined,
): PolicyView {
  const rename = (obj: Record<string, unknown>, to: (key: string, value: unknown) => string | undefined): Record<string, unknown> => {
    let changed = false;
    const keys = Object.keys(obj);
    const targets = keys.map((k) => {
      const t = to(k, obj[k]);
      if (t !== undefined && t !== k) changed = true;
      return t ?? k;
    });
    if (!changed || new Set(targets).size !== targets.length) return obj;
    const out: Record<string | symbol, unknown> = {};
    keys.forEach((k, i) => (out[targets[i]!] = obj[k]));
    for (const sym of Object.getOwnPropertySymbols(obj)) out[sym] = (obj as Record<symbol, unknown>)[sym];
    return out as Record<string, unknown>;
  };
  return { fromWire: (o) => rename(o, viewKey), toWire: (o) => rename(o, wireKey) };
}

/** Whether a textual IP address is IPv6. */
export function isIPv6Text(v: unknown): boolean {
  return typeof v === 'string' && v.includes(':');
}

/** Whether a textual IP address is multicast (224.0.0.0/4, ff00::/8). */
export function isMulticastText(v: unknown): boolean {
  const ip = typeof v === 'string' ? parseIP(v) : undefined;
  return ip !== undefined && ip !== null && isMulticast(ip);
}

/** 802.1Q (0x8100) or 802.1ad (0x88a8): a VLAN protocol (ethertype), as `ip` names it. */
export type VlanProtocol = '802.1Q' | '802.1ad';
/** IFLA_VLAN_PROTOCOL / IFLA_BR_VLAN_PROTOCOL: be16 ethertype, named when 802.1Q or 802.1ad. */
export const vlanProtocol = enumOf<VlanProtocol>(be16, { 0x8100: '802.1Q', 0x88a8: '802.1ad' });

/** `pol` with its {@link PolicyView} set (for a policy built on first use, with once()). */
export function withView(pol: Policy, view: PolicyView): Policy {
  pol.view = view;
  return pol;
}
