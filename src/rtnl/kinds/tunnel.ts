/**
 * Pieces shared by the IP tunnel kind modules (gre.ts: IFLA_GRE_*,
 * iptun.ts: IFLA_IPTUN_*): codecs for the flag words and the FOU/GUE
 * encapsulation attributes, the iproute2 short forms of the IPv6 tunnel
 * options, and the change semantics of the kernel's ip_tunnel / ip6_tunnel
 * drivers (see {@link prepareTunnel}). Registers no kind.
 * @module
 */
import { be16, enumOf, NOFIT, u16, u32, u8, type Codec, type Policy } from '../../netlink/attr.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe, parseIP } from '../../netlink/ip.js';
import { UAPI } from '../uapi.js';
import type { KindContext } from './registry.js';
const { IP6_TNL_F_ALLOW_LOCAL_REMOTE, IP6_TNL_F_IGN_ENCAP_LIMIT, IP6_TNL_F_MIP6_DEV, IP6_TNL_F_RCV_DSCP_COPY, IP6_TNL_F_USE_ORIG_FLOWLABEL, IP6_TNL_F_USE_ORIG_FWMARK, IP6_TNL_F_USE_ORIG_TCLASS } = UAPI;

// ------------------------------------------------------------ flag words

/** A flag word as booleans by name; bits without a name are kept in `other`. */
export type FlagBits<K extends string> = { [k in K]?: boolean } & {
  /** Set bits this library has no name for (as a number in the word's byte order). */
  other?: number;
};

/**
 * A flag word (`base` gives size and byte order) decoded to one boolean per
 * named bit, every name present, plus `other` for unnamed bits. User input is
 * an object of booleans (names left out count as false; links.set() merges
 * them into the current flags, see prepareTunnel) or the raw number.
 */
export function bitFlags<K extends string>(base: Codec<number>, name: string, bits: Record<K, number>): Codec<FlagBits<K>> {
  const entries = Object.entries(bits) as Array<[K, number]>;
  const known = entries.reduce((m, [, b]) => m | b, 0);
  const max = base.size === 1 ? 0xff : base.size === 2 ? 0xffff : 0xffffffff;
  const list = entries.map(([k]) => k).join(', ');
  const fromNumber = (v: number): FlagBits<K> => {
    const out = {} as FlagBits<K>;
    for (const [k, b] of entries) (out as Record<string, boolean>)[k] = (v & b) !== 0;
    const rest = (v & ~known) >>> 0;
    if (rest) out.other = rest;
    return out;
  };
  return {
    name,
    size: base.size,
    decode: (b, o, len, ctx) => {
      const v = base.decode(b, o, len, ctx);
      return v === NOFIT ? NOFIT : fromNumber(v as number);
    },
    encode: (w, v, variant, p) => {
      let n = (v.other ?? 0) >>> 0;
      for (const [k, b] of entries) if ((v as Record<string, unknown>)[k] === true) n |= b;
      base.encode(w, n >>> 0, variant, p);
    },
    check: (v, f) => {
      if (typeof v === 'number') {
        if (!Number.isInteger(v) || v < 0 || v > max) throw new ArgumentError(f, `${v} is out of range for ${name} (0..${max})`);
        return fromNumber(v);
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(f, `expected an object of booleans { ${list} } or a number, got ${describe(v)}`);
      const out = {} as FlagBits<K>;
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined) continue;
        if (k === 'other') {
          if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max) throw new ArgumentError(`${f}.other`, `expected an integer 0..${max}, got ${describe(x)}`);
          if (x & known) throw new ArgumentError(`${f}.other`, `0x${x.toString(16)} overlaps named bits (${list}); set those by name`);
          if (x) out.other = x;
          continue;
        }
        if (!(k in bits)) throw new ArgumentError(`${f}.${k}`, `unknown flag "${k}" of ${name} (known: ${list}, other)`);
        if (typeof x !== 'boolean') throw new ArgumentError(`${f}.${k}`, `expected true or false, got ${describe(x)}`);
        (out as Record<string, boolean>)[k] = x;
      }
      return out;
    },
  };
}

/** GRE header flag bits (GRE_*, big-endian in IFLA_GRE_IFLAGS / OFLAGS; linux/if_tunnel.h writes them as __cpu_to_be16(), which the generator does not evaluate). */
export const GRE_CSUM = 0x8000;
export const GRE_KEY = 0x2000;
export const GRE_SEQ = 0x1000;

/** IFLA_GRE_IFLAGS / OFLAGS: the GRE header flags of received / sent packets (iproute2: `[no]icsum`, `ikey`, `[no]iseq` and the o* forms). */
export type GreFlags = FlagBits<'csum' | 'key' | 'seq'>;
export const greFlags = bitFlags(be16, 'GRE flags (be16)', { csum: GRE_CSUM, key: GRE_KEY, seq: GRE_SEQ });

/** IP6_TNL_F_* (linux/ip6_tunnel.h): IFLA_GRE_FLAGS of ip6gre kinds, IFLA_IPTUN_FLAGS of ip6tnl. */
export {
  IP6_TNL_F_IGN_ENCAP_LIMIT,
  IP6_TNL_F_USE_ORIG_TCLASS,
  IP6_TNL_F_USE_ORIG_FLOWLABEL,
  IP6_TNL_F_MIP6_DEV,
  IP6_TNL_F_RCV_DSCP_COPY,
  IP6_TNL_F_USE_ORIG_FWMARK,
  IP6_TNL_F_ALLOW_LOCAL_REMOTE,
};
/** Capability bits the kernel computes from the endpoints and reports (include/net/ip6_tunnel.h, not uapi). */
export const IP6_TNL_F_CAP_XMIT = 0x10000;
export const IP6_TNL_F_CAP_RCV = 0x20000;
export const IP6_TNL_F_CAP_PER_PACKET = 0x40000;

/** IP6_TNL_F_* by name, with the iproute2 keyword that sets each. */
export type Ip6TnlFlags = FlagBits<
  | 'ignEncapLimit' // `encaplimit none`
  | 'useOrigTclass' // `tclass inherit`
  | 'useOrigFlowlabel' // `flowlabel inherit`
  | 'mip6Dev' // `mip6` (ip -6 tunnel)
  | 'rcvDscpCopy' // `dscp inherit`
  | 'useOrigFwmark' // `fwmark inherit`
  | 'allowLocalRemote' // `[no]allow-localremote`
  | 'capXmit' // reported: the tunnel can send (its local address is on this host)
  | 'capRcv' // reported: the tunnel can receive
  | 'capPerPacket' // reported: wildcard endpoints, decided per packet
>;
export const ip6TnlFlags: Codec<Ip6TnlFlags> = bitFlags(u32, 'IP6_TNL_F_* (u32)', {
  ignEncapLimit: IP6_TNL_F_IGN_ENCAP_LIMIT,
  useOrigTclass: IP6_TNL_F_USE_ORIG_TCLASS,
  useOrigFlowlabel: IP6_TNL_F_USE_ORIG_FLOWLABEL,
  mip6Dev: IP6_TNL_F_MIP6_DEV,
  rcvDscpCopy: IP6_TNL_F_RCV_DSCP_COPY,
  useOrigFwmark: IP6_TNL_F_USE_ORIG_FWMARK,
  allowLocalRemote: IP6_TNL_F_ALLOW_LOCAL_REMOTE,
  // the kernel recomputes these on every change (ip6_tnl_get_cap); sending them back is harmless
  capXmit: IP6_TNL_F_CAP_XMIT,
  capRcv: IP6_TNL_F_CAP_RCV,
  capPerPacket: IP6_TNL_F_CAP_PER_PACKET,
});

// ------------------------------------------------------------ IPv6 flow info

/** IFLA_GRE_FLOWINFO / IFLA_IPTUN_FLOWINFO: the outer IPv6 header's traffic class and flow label (iproute2: `tclass`, `flowlabel`). */
export interface FlowInfo {
  /** Traffic class, 0..255 (`tclass`) */
  tclass?: number;
  /** Flow label, 0..0xfffff (`flowlabel`) */
  flowlabel?: number;
  /** The top 4 bits of the word (the IP version nibble; 0 in practice) */
  other?: number;
}

/** be32 flow info word split into traffic class and flow label; fields left out of user input count as 0 (links.set() keeps the current ones). */
export const flowInfo: Codec<FlowInfo> = {
  name: 'flowinfo (be32)',
  size: 4,
  decode: (b, o) => {
    const v = b.readUInt32BE(o);
    const out: FlowInfo = { tclass: (v >>> 20) & 0xff, flowlabel: v & 0xfffff };
    if (v >>> 28) out.other = v >>> 28;
    return out;
  },
  encode: (w, v) => w.be32((((v.other ?? 0) << 28) | ((v.tclass ?? 0) << 20) | (v.flowlabel ?? 0)) >>> 0),
  check: (v, f) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(f, `expected { tclass, flowlabel }, got ${describe(v)}`);
    const out: FlowInfo = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      const max = k === 'tclass' ? 0xff : k === 'flowlabel' ? 0xfffff : k === 'other' ? 0xf : -1;
      if (max < 0) throw new ArgumentError(`${f}.${k}`, `unknown field "${k}" (known: tclass, flowlabel, other)`);
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max) throw new ArgumentError(`${f}.${k}`, `expected an integer 0..${max}, got ${describe(x)}`);
      (out as Record<string, number>)[k] = x;
    }
    return out;
  },
};

// ------------------------------------------------------------ scalars in iproute2's forms

/** TTL / hop limit: 0 is `inherit` (the route's, or the inner packet's). */
export const ttlCodec = enumOf<'inherit'>(u8, { 0: 'inherit' });
/** IPv4 TOS: 1 is `inherit` (copy the inner packet's). */
export const tosCodec = enumOf<'inherit'>(u8, { 1: 'inherit' });

/** TUNNEL_ENCAP_*: the UDP encapsulation of the tunnel packets (`encap fou|gue|none`). */
export type TunnelEncapType = 'none' | 'fou' | 'gue' | 'mpls';
export const encapType = enumOf<TunnelEncapType>(u16, { 0: 'none', 1: 'fou', 2: 'gue', 3: 'mpls' });
/** TUNNEL_ENCAP_FLAG_*: `[no]encap-csum`, `[no]encap-udp6-csum`, `[no]encap-remcsum`. */
export type TunnelEncapFlags = FlagBits<'csum' | 'csum6' | 'remcsum'>;
export const encapFlags = bitFlags(u16, 'TUNNEL_ENCAP_FLAG_* (u16)', { csum: 1, csum6: 2, remcsum: 4 });
/** UDP source port of the encapsulation (`encap-sport PORT|auto`; 0 = auto). */
export const encapSport = enumOf<'auto'>(be16, { 0: 'auto' });

/** Options every IP tunnel kind has, by API name with the iproute2 keyword. */
export interface TunnelEncapOptions {
  /** ENCAP_TYPE: UDP encapsulation (`encap fou|gue|none`) */
  encapType?: TunnelEncapType | number;
  /** ENCAP_FLAGS (`[no]encap-csum`, `[no]encap-udp6-csum`, `[no]encap-remcsum`) */
  encapFlags?: TunnelEncapFlags | number;
  /** ENCAP_SPORT: UDP source port (`encap-sport PORT|auto`) */
  encapSport?: number | 'auto';
  /** ENCAP_DPORT: UDP destination port (`encap-dport PORT`) */
  encapDport?: number;
}

// ------------------------------------------------------------ option checks

/** A finite integer in [min, max], or throw an ArgumentError naming `f`. */
export function intIn(v: unknown, f: string, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ArgumentError(f, `expected ${what} (an integer ${min}..${max}), got ${describe(v)}`);
  if (v < min || v > max) throw new ArgumentError(f, `${v} is out of range for ${what} (${min}..${max})`);
  return v;
}

/**
 * Reject a tunnel endpoint of the wrong IP family early, with a message that
 * names the kind to use instead (`gre` -> `ip6gre`).
 */
export function checkEndpoints(o: Record<string, unknown>, keys: readonly string[], family: 4 | 6, field: string, kind: string, other: string): void {
  for (const k of keys) {
    const v = o[k];
    if (v === undefined) continue;
    const ip = typeof v === 'string' ? parseIP(v) : undefined;
    if (!ip) throw new ArgumentError(`${field}.${k}`, `expected an IPv${family} address, got ${describe(v)}`);
    if (ip.family !== family) {
      throw new ArgumentError(`${field}.${k}`, `"${v}" is an IPv${ip.family} address, but a ${kind} tunnel runs over IPv${family} (use ${other} for IPv${ip.family})`);
    }
  }
}

/** Whether an address string is all zeros (iproute2's `any`). */
export function isAnyAddress(v: unknown): boolean {
  const ip = typeof v === 'string' ? parseIP(v) : undefined;
  return !!ip && ip.bytes.every((b) => b === 0);
}

/** Reject options that the kind's kernel driver does not take (they would be ignored). */
export function rejectKeys(o: Record<string, unknown>, keys: readonly string[], field: string, kind: string, hint: string): void {
  for (const k of keys) {
    if (o[k] !== undefined) throw new ArgumentError(`${field}.${k}`, `not an option of ${kind} links (${hint})`);
  }
}

/** A flag-word patch: booleans by name. */
type Patch = Record<string, boolean | number>;

/** Put `patch` over the (checked) object option `key` of `out`. */
export function applyPatch(out: Record<string, unknown>, key: string, patch: Patch): void {
  if (Object.keys(patch).length === 0) return;
  out[key] = { ...((out[key] as Record<string, unknown> | undefined) ?? {}), ...patch };
}

/**
 * iproute2's short forms of the IPv6 tunnel options (ip6gre kinds and
 * ip6tnl), taken out of `o` and returned as patches of `flags` (IP6_TNL_F_*)
 * and `flowinfo`:
 * - `tclass: N | 'inherit'`, `flowlabel: N | 'inherit'` (the fields of flowinfo, or the USE_ORIG_* flag)
 * - `encapLimit: 'none'` (IGN_ENCAP_LIMIT; a number is the attribute itself)
 * - `dscp: 'inherit'` (RCV_DSCP_COPY), `fwmark: 'inherit'` (USE_ORIG_FWMARK)
 * - `allowLocalRemote: boolean` (ALLOW_LOCAL_REMOTE)
 *
 * Like iproute2, a number for `encapLimit` or `fwmark` clears the flag its
 * string form sets (`derived`), unless an explicit `flags` object names that
 * flag (so decoded data passed back as options keeps its flags).
 */
export function takeIp6ShortForms(o: Record<string, unknown>, field: string): Ip6ShortForms {
  const flags: Patch = {};
  const flowinfo: Patch = {};
  const derived: Patch = {};
  const take = (k: string): unknown => {
    const v = o[k];
    delete o[k];
    return v;
  };
  const tclass = take('tclass');
  if (tclass === 'inherit') {
    flags.useOrigTclass = true;
    flowinfo.tclass = 0;
  } else if (tclass !== undefined) {
    flowinfo.tclass = intIn(tclass, `${field}.tclass`, 0, 0xff, "a traffic class or 'inherit'");
    flags.useOrigTclass = false;
  }
  const label = take('flowlabel');
  if (label === 'inherit') {
    flags.useOrigFlowlabel = true;
    flowinfo.flowlabel = 0;
  } else if (label !== undefined) {
    flowinfo.flowlabel = intIn(label, `${field}.flowlabel`, 0, 0xfffff, "a flow label or 'inherit'");
    flags.useOrigFlowlabel = false;
  }
  if (o.encapLimit === 'none') {
    delete o.encapLimit;
    flags.ignEncapLimit = true;
  } else if (typeof o.encapLimit === 'string') {
    throw new ArgumentError(`${field}.encapLimit`, `expected 0..255 or 'none', got ${describe(o.encapLimit)}`);
  } else if (o.encapLimit !== undefined) derived.ignEncapLimit = false;
  const dscp = take('dscp');
  if (dscp !== undefined) {
    if (dscp !== 'inherit' && typeof dscp !== 'boolean') throw new ArgumentError(`${field}.dscp`, `expected 'inherit' (or true/false), got ${describe(dscp)}`);
    flags.rcvDscpCopy = dscp !== false;
  }
  if (o.fwmark === 'inherit') {
    o.fwmark = 0;
    flags.useOrigFwmark = true;
  } else if (o.fwmark !== undefined) derived.useOrigFwmark = false;
  const alr = take('allowLocalRemote');
  if (alr !== undefined) {
    if (typeof alr !== 'boolean') throw new ArgumentError(`${field}.allowLocalRemote`, `expected true or false, got ${describe(alr)}`);
    flags.allowLocalRemote = alr;
  }
  return { flags, flowinfo, derived };
}

/** Patches of `flags` and `flowinfo` from the IPv6 short forms (see takeIp6ShortForms). */
export interface Ip6ShortForms {
  flags: Patch;
  flowinfo: Patch;
  derived: Patch;
}

/** After the options are checked: the derived flags where the explicit `flags` is silent, then the short forms over everything. */
export function finishIp6ShortForms(out: Record<string, unknown>, short: Ip6ShortForms): void {
  const explicit = (out.flags ?? {}) as Record<string, unknown>;
  applyPatch(out, 'flags', Object.fromEntries(Object.entries(short.derived).filter(([k]) => explicit[k] === undefined)));
  applyPatch(out, 'flags', short.flags);
  applyPatch(out, 'flowinfo', short.flowinfo);
}

// ------------------------------------------------------------ links.set(): merge with the current parameters

/** Plain object values (flag words, flowinfo) are merged field by field. */
function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/**
 * The kernel's IP tunnel drivers (ip_gre, ip6_gre, ipip, sit, ip6_tunnel)
 * rebuild all of a tunnel's parameters from each RTM_NEWLINK: an attribute
 * left out of a change goes back to its default (a `ttl` change alone would
 * clear the remote address and the keys). Like iproute2, links.set() reads
 * the current IFLA_INFO_DATA first and sends it with the changes on top (the
 * flag words and flowinfo merged field by field). Addresses that are all
 * zeros (`any`) are left out, as iproute2 does: the kernel refuses a zero
 * remote for the tap kinds. Between the read and the change another process
 * may change the tunnel (iproute2 has the same window).
 */
export function mergeCurrent(current: Record<string, unknown>, changes: Record<string, unknown>, pol: Policy, addressKeys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(current)) {
    const spec = pol.byName.get(k);
    if (!spec || spec.readOnly || v === undefined) continue; // unknown attributes are not sent back
    if (addressKeys.includes(k) && isAnyAddress(v)) continue;
    out[k] = isPlain(v) ? { ...v } : v;
  }
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] = isPlain(v) && isPlain(cur) && k !== 'unknown' ? { ...cur, ...v } : v;
  }
  return out;
}

/**
 * prepare() of an IP tunnel kind: in links.set() merge the changes into the
 * current parameters (see {@link mergeCurrent}; not when the link is of
 * another kind: the kernel then refuses the change), and resolve `link`
 * (the underlay device) by name.
 */
export function prepareTunnel(kind: string, pol: () => Policy, addressKeys: readonly string[]) {
  return async (options: Record<string, unknown> | undefined, _all: Record<string, unknown>, ctx: KindContext): Promise<Record<string, unknown> | undefined> => {
    let data = options;
    if (ctx.mode === 'set') {
      // nothing to change: send no IFLA_INFO_DATA at all (an empty one would reset the tunnel)
      if (!data || Object.keys(data).length === 0) return undefined;
      const cur = await ctx.current();
      if (cur?.kind === kind && cur.data) data = mergeCurrent(cur.data, data, pol(), addressKeys);
    }
    if (data && typeof data.link === 'string') data = { ...data, link: await ctx.ifindex(data.link, `${kind}.link`) };
    return data;
  };
}
