/**
 * Table-driven netlink attribute (TLV) codec.
 *
 * A {@link Policy} lists, for one attribute space (IFLA_*, IFLA_VXLAN_*, ...),
 * each attribute's type number, uapi name, API name and {@link Codec}. The same
 * table drives decoding (bytes -> plain object), encoding (object -> bytes),
 * validation of user input (with ArgumentError naming the field) and printing.
 *
 * Lossless: a decoded object remembers the wire order, NLA_F_* flags and
 * unknown attributes (kept as raw bytes in `unknown`), so decode -> encode
 * gives back the same bytes. The bookkeeping sits under a symbol key
 * ({@link WIRE}) and is invisible to JSON and Object.keys.
 * @module
 */
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from './constants.js';
import { ArgumentError, DecodeError } from './errors.js';
import { describe, formatIPv4, formatIPv6, formatIP, formatMac, parseIP, parseMac } from './ip.js';
import { Writer } from './writer.js';
import { decodeString, isCanonicalString, printableString, stringByteLength, stringBytes } from './strings.js';

/** Symbol under which decoded attribute sets keep their wire layout. */
export const WIRE: unique symbol = Symbol.for('rtnetlink.wire');

/** An attribute this library has no codec for (or whose size was unexpected), kept verbatim. */
export interface UnknownAttr {
  /** Attribute type without NLA_F_* bits. */
  type: number;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER bits as received. */
  flags: number;
  /** Payload bytes (a view into the received datagram). */
  data: Uint8Array;
}

/** Fields every decoded attribute set may carry. */
export interface AttrSetBase {
  /** Attributes this library does not know, kept so re-encoding is lossless. */
  unknown?: UnknownAttr[];
}

/** Wire entry bits above the 16-bit raw type. */
const W_UNKNOWN = 1 << 24; // entry refers to the next element of `unknown`
const W_VARIANT_SHIFT = 16; // codec-specific variant (e.g. string without NUL)
const W_VARIANT_MASK = 0xff;

/** State passed to codecs while decoding one attribute. */
export interface DecodeCtx {
  /**
   * The attribute's siblings: those decoded so far, or, for a codec marked
   * `afterSiblings`, every other attribute of the set (final values).
   */
  parent: Record<string, unknown>;
  /** Human path for errors, e.g. "IFLA_LINKINFO". */
  readonly path: string;
  /** A codec may set a variant (0..255) here so the encoder can reproduce odd encodings. */
  variant: number;
}

/** The decode context. The path is built only when asked for (errors, nested sets), not once per attribute. */
class Ctx implements DecodeCtx {
  variant = 0;
  uapi = '';
  private base: string | PathSource = '';
  constructor(private readonly sc: Scratch) {}
  /** Start a new attribute set (contexts are pooled per nesting depth). */
  reset(base: string | PathSource): void {
    this.base = base;
    this.variant = 0;
    this.uapi = '';
  }
  /**
   * The siblings decoded so far, materialized only when a codec asks. Codecs
   * marked `afterSiblings` (IFLA_INFO_DATA asks for the kind) are decoded
   * after the whole set: they see the final value of every sibling.
   */
  get parent(): Record<string, unknown> {
    const v: Record<string, unknown> = {};
    const { keys, vals, n } = this.sc;
    for (let i = 0; i < n; i++) if (vals[i] !== HOLE) v[keys[i]!] = vals[i];
    return v;
  }
  get path(): string {
    return pathOf(this.base) + '/' + this.uapi;
  }
}

/**
 * Where an attribute set sits, for error messages: a string, or the parent's
 * decode context, whose path is only built if an error needs it (nested sets
 * are decoded synchronously inside their parent, so it is still current).
 */
export interface PathSource {
  readonly path: string;
}
function pathOf(p: string | PathSource): string {
  return typeof p === 'string' ? p : p.path;
}

/** Sentinel a codec returns when the payload does not fit it; the attribute is then kept raw. */
export const NOFIT: unique symbol = Symbol('rtnetlink.nofit');

export interface Codec<T = unknown> {
  /** Short name for docs and printing: 'u32', 'string', 'nested(IFLA_INFO_*)', ... */
  readonly name: string;
  /** If set, only payloads of exactly this size decode; others are kept raw. */
  readonly size?: number;
  /** Whether the encoder sets NLA_F_NESTED by default (nested codecs). */
  readonly nested?: boolean;
  /**
   * Decode after the other attributes of the set, so `ctx.parent` holds
   * their final values wherever they stand (the kernel reads a set whole: the
   * last IFLA_INFO_KIND decides how IFLA_INFO_DATA is read, even after it).
   */
  readonly afterSiblings?: boolean;
  decode(buf: Buffer, off: number, len: number, ctx: DecodeCtx): T | typeof NOFIT;
  /** Write the payload (not the attribute header). `variant` comes from a decoded object. */
  encode(w: Writer, value: T, variant: number, parent: Record<string, unknown>): void;
  /** Validate and normalize user input; throw ArgumentError naming `field`. */
  check(value: unknown, field: string, parent: Record<string, unknown>): T;
  /** Text form for printing. */
  format?(value: T): string;
  /** Whether to leave the attribute out for this value (e.g. `false` for flag-like codecs). */
  skip?(value: T, variant: number): boolean;
}

export interface AttrSpec {
  /** Type number (without NLA_F_* bits). */
  readonly type: number;
  /** uapi name, e.g. 'IFLA_MTU'. */
  readonly uapi: string;
  /** API (camelCase) name, e.g. 'mtu'. */
  readonly name: string;
  readonly codec: Codec<unknown>;
  /** The attribute may repeat: the value is an array, one element per attribute. */
  readonly multi?: boolean;
  /** Set NLA_F_NESTED when encoding user input (default: the codec's). */
  readonly nestedFlag?: boolean;
  /** Reported by the kernel only; rejected in user input. */
  readonly readOnly?: boolean;
  /** The value names an interface: user input may give a name, resolved to an index before sending. */
  readonly ifindex?: boolean;
}

const P_MULTI = 1;
const P_AFTER = 2;

/** An attribute space: type numbers <-> names <-> codecs. */
export class Policy {
  readonly byType: (AttrSpec | undefined)[] = [];
  readonly byName = new Map<string, AttrSpec>();
  /** Decoder bookkeeping: the trie of attribute sequences seen, each with a generated object constructor. */
  readonly shapes: ShapeNode = { next: new Map(), lastEntry: -1, lastNode: undefined };
  shapeCount = 0;
  /**
   * Decoder bookkeeping: per type, P_MULTI and P_AFTER (the spec's `multi`,
   * its codec's `afterSiblings`), read from one typed array in the hot loop
   * instead of from spec and codec objects of many shapes.
   */
  traits: Uint8Array = new Uint8Array(0);
  constructor(
    /** Name of the space, e.g. 'IFLA_VXLAN'. */
    readonly name: string,
    specs: AttrSpec[],
  ) {
    for (const s of specs) this.add(s);
  }
  add(s: AttrSpec): void {
    if (this.byName.has(s.name)) throw new Error(`policy ${this.name}: duplicate name ${s.name}`);
    if (this.byType[s.type]) throw new Error(`policy ${this.name}: duplicate type ${s.type} (${s.uapi})`);
    this.byType[s.type] = s;
    this.byName.set(s.name, s);
    if (this.traits.length <= s.type) {
      const t = new Uint8Array(s.type + 1);
      t.set(this.traits);
      this.traits = t;
    }
    this.traits[s.type] = s.multi ? P_MULTI : s.codec.afterSiblings ? P_AFTER : 0;
  }
  /** uapi name of a type number, or undefined. */
  uapiName(type: number): string | undefined {
    return this.byType[type & NLA_TYPE_MASK]?.uapi;
  }
}

/** Options for {@link attr}. */
export type AttrOpts = Partial<Pick<AttrSpec, 'multi' | 'nestedFlag' | 'readOnly' | 'ifindex'>>;

/** One line of a {@link policy} table: uapi name (a key of the constants table), API name, codec, options. */
export type PolicyEntry<K extends string = string> = readonly [uapi: K, name: string, codec: Codec<unknown>, opts?: AttrOpts];

/**
 * Build a Policy from a constants table and a compact list:
 * `policy('IFLA', UAPI, [['IFLA_MTU', 'mtu', u32], ...])`. The constants
 * tables are generated `as const` (scripts/gen-uapi.mjs), so a uapi name
 * that is not in the table is a compile error, not a surprise at load time.
 */
export function policy<C extends Readonly<Record<string, number>>>(
  name: string,
  consts: C,
  list: ReadonlyArray<PolicyEntry<keyof C & string>>,
): Policy {
  const specs: AttrSpec[] = list.map(([uapi, apiName, codec, opts]) => {
    const type = consts[uapi];
    if (type === undefined) throw new Error(`policy ${name}: unknown constant ${uapi}`);
    return { type, uapi, name: apiName, codec, ...opts };
  });
  return new Policy(name, specs);
}

// ------------------------------------------------------------------ decode

/**
 * Limits on what one message may make the decoder do, so hostile bytes
 * (captures, hex input, other processes) cannot exhaust the stack or the
 * heap. Both raise DecodeError with the attribute path.
 *
 * - Nesting: attribute sets nested more than MAX_NESTING deep (the
 *   message's own attributes are level 1; a veth peer's ifinfomsg + IFLA_*
 *   counts as one level, like any nest). The deepest kernel output we know
 *   is 6 levels (IFLA_LINKINFO/IFLA_INFO_DATA/.../IFLA_BOND_AD_INFO...,
 *   RTA_MULTIPATH/rtnexthop/RTA_ENCAP/...); the kernel's own nested policy
 *   validation stops at 10 (MAX_POLICY_RECURSION_DEPTH).
 * - Attributes per message: MAX_ATTRS in all sets of one message together.
 *   A kernel message holds a few hundred at most (a bridge port with 4,094
 *   VLANs: ~4,100; a nest is at most 64 KiB, so 16,384 4-byte attributes).
 */
export const MAX_NESTING = 32;
/** See {@link MAX_NESTING}. */
export const MAX_ATTRS = 65536;

/** Scratch value of a slot whose attribute's last occurrence did not decode (or is decoded after its siblings). */
const HOLE: unique symbol = Symbol('rtnetlink.hole');

/**
 * Decode the attributes in buf[off, end) with `pol`. Unknown attributes are
 * kept in `unknown`. Throws DecodeError on malformed framing and beyond the
 * limits ({@link MAX_NESTING}, {@link MAX_ATTRS}).
 *
 * A repeated attribute (not `multi`) holds its last occurrence, the one the
 * kernel applies (nla_parse keeps the last); the earlier ones are kept raw in
 * `unknown`, in wire order, so re-encoding is still byte-exact. Codecs that
 * depend on siblings (IFLA_INFO_DATA on IFLA_INFO_KIND) are decoded after
 * the whole set, with the final values of their siblings wherever they stand.
 */
export function decodeAttrs<T = Record<string, unknown>>(
  buf: Buffer,
  off: number,
  end: number,
  pol: Policy,
  path: string | PathSource = pol.name,
): T {
  // Values are gathered by position, then the object is built in one go by a
  // constructor generated for this exact sequence of attributes (cached in a
  // trie on the policy). Storing ~50 properties under computed keys costs
  // microseconds per object and leaves it in V8's slow dictionary mode; an
  // object literal with fixed keys is an order of magnitude cheaper and every
  // link of the same kind shares one fast shape.
  // Scratch space is pooled per nesting depth (nested sets decode inside
  // their parent's loop; at most MAX_NESTING of them); `seen` maps an
  // attribute type to its slot, valid when stamped with this call's stamp.
  if (depth >= MAX_NESTING) throw new DecodeError(`attributes nested more than ${MAX_NESTING} levels deep`, off, pathOf(path));
  if (depth === 0) attrBudget = MAX_ATTRS;
  const d = depth++;
  // The scratch arrays are filled by index with explicit counts, never
  // truncated: `arr.length = 0` would free their backing stores and every
  // call would grow them again (a few KB of garbage per link).
  const sc = (scratch[d] ??= newScratch());
  try {
  const keys = sc.keys;
  const vals = sc.vals;
  let n = 0;
  sc.n = 0;
  const ntypes = pol.byType.length;
  if (sc.seen.length < ntypes) {
    // sized by the largest policy seen (only known types are tracked), not by the 16,384 possible types
    sc.seen = new Float64Array(ntypes);
    sc.slot = new Int32Array(ntypes);
  }
  const seen = sc.seen;
  const slot = sc.slot;
  // stamps count calls as doubles: they do not wrap (2^53)
  const stamp = ++stampCounter;
  // The wire layout is gathered in pooled scratch too: it is copied only
  // for a new shape (its frozen layout) or when the shape cache is full.
  const wire = sc.wire;
  let wn = 0;
  let unknown: UnknownAttr[] | undefined;
  const ctx = sc.ctx;
  ctx.reset(path);
  const start = off;
  // a repeated attribute, or one decoded after its siblings that did not fit: fixed up once at the end
  let irregular = false;
  let deferred = 0;
  if (off < 0 || end > buf.length) throw new DecodeError(`attributes [${off}, ${end}) lie outside a ${buf.length}-byte buffer`, off, pathOf(path));
  while (end - off >= 4) {
    if (--attrBudget < 0) throw new DecodeError(`more than ${MAX_ATTRS} attributes in one message`, off, pathOf(path));
    const len = buf[off]! | (buf[off + 1]! << 8);
    const raw = buf[off + 2]! | (buf[off + 3]! << 8);
    if (len < 4) throw new DecodeError(`attribute length ${len} is below the 4-byte header`, off, pathOf(path));
    if (off + len > end) {
      throw new DecodeError(`attribute type ${raw & NLA_TYPE_MASK} length ${len} runs past the end (${end - off} bytes left)`, off, pathOf(path));
    }
    const type = raw & NLA_TYPE_MASK;
    const spec = pol.byType[type];
    let entry = raw | W_UNKNOWN;
    if (spec !== undefined) {
      const c = spec.codec;
      const traits = pol.traits[type]!;
      if (c.size === undefined || c.size === len - 4) {
        if (traits === P_AFTER) {
          // decoded after the loop, once every sibling is known; the slot is reserved here (wire order)
          sc.defer[deferred++] = wn;
          sc.defer[deferred++] = off;
          if (seen[type] !== stamp) {
            seen[type] = stamp;
            slot[type] = n;
            keys[n] = spec.name;
            vals[n] = HOLE;
            sc.n = ++n;
          } else irregular = true;
          entry = raw;
        } else {
          ctx.variant = 0;
          ctx.uapi = spec.uapi;
          const v = c.decode(buf, off + 4, len - 4, ctx);
          if (v !== NOFIT) {
            if (seen[type] !== stamp) {
              seen[type] = stamp;
              slot[type] = n;
              keys[n] = spec.name;
              vals[n] = traits === P_MULTI ? [v] : v;
              sc.n = ++n;
            } else if (traits === P_MULTI) (vals[slot[type]!] as unknown[]).push(v);
            else {
              // repeated: the kernel applies the last occurrence
              vals[slot[type]!] = v;
              irregular = true;
            }
            entry = raw | ((ctx.variant & W_VARIANT_MASK) << W_VARIANT_SHIFT);
          }
        }
      }
      if (entry & W_UNKNOWN && traits !== P_MULTI && seen[type] === stamp) {
        // a later occurrence that does not decode: the field no longer holds a value the kernel would apply
        vals[slot[type]!] = HOLE;
        irregular = true;
      }
    }
    if (entry & W_UNKNOWN) (unknown ??= []).push({ type, flags: raw & ~NLA_TYPE_MASK & 0xffff, data: buf.subarray(off + 4, off + len) });
    wire[wn++] = entry;
    off += (len + 3) & ~3;
  }
  if (off < end) throw new DecodeError(`${end - off} trailing bytes do not form an attribute`, off, pathOf(path));
  if (deferred > 0) {
    // The last occurrence of each deferred attribute decodes now (earlier ones stay raw).
    const done = sc.doneTypes;
    let nd = 0;
    for (let k = deferred - 2; k >= 0; k -= 2) {
      const wi = sc.defer[k]!;
      const e = wire[wi]!;
      const type = e & NLA_TYPE_MASK;
      let last = true;
      for (let j = 0; j < nd; j++) if (done[j] === type) last = false;
      if (!last) {
        wire[wi] = (e & 0xffff) | W_UNKNOWN;
        continue;
      }
      done[nd++] = type;
      const ao = sc.defer[k + 1]!;
      const alen = buf[ao]! | (buf[ao + 1]! << 8);
      const spec = pol.byType[type]!;
      ctx.variant = 0;
      ctx.uapi = spec.uapi;
      const v = spec.codec.decode(buf, ao + 4, alen - 4, ctx);
      if (v === NOFIT) {
        wire[wi] = (e & 0xffff) | W_UNKNOWN;
        irregular = true;
      } else {
        vals[slot[type]!] = v;
        wire[wi] = (e & 0xffff) | ((ctx.variant & W_VARIANT_MASK) << W_VARIANT_SHIFT);
      }
    }
    if (deferred > SCRATCH_KEEP) sc.defer = [];
  }
  if (irregular) {
    unknown = fixUp(sc, pol, buf, start, wn);
    n = sc.n;
  }
  // The trie is keyed by whole wire entries (type, flags, variant, kept raw
  // or not): reaching a node means the layout is the node's, and with it the
  // keys (the order of each key's first decoded entry; fixUp() restores that
  // order for irregular sets), so objects of a node share its maker and
  // frozen layout.
  let node: ShapeNode | undefined = pol.shapes;
  for (let i = 0; i < wn && node !== undefined; i++) node = shapeStep(pol, node, wire[i]!);
  if (node !== undefined) {
    if (node.make === undefined) {
      const make = makerFor(keys, n);
      if (make !== undefined) {
        node.make = make;
        node.wire = Object.freeze(wire.slice(0, wn));
      }
    }
    if (node.make !== undefined) {
      const obj = node.make(vals, node.wire as number[], unknown) as T;
      vals.fill(undefined, 0, n); // hold no references to decoded values
      if (wn > SCRATCH_KEEP) sc.wire = [];
      return obj;
    }
  }
  // Shape cache full (adversarial or very varied input): build generically.
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) out[keys[i]!] = vals[i];
  vals.fill(undefined, 0, n);
  if (unknown) out.unknown = unknown;
  (out as Record<symbol, unknown>)[WIRE] = wire.slice(0, wn);
  if (wn > SCRATCH_KEEP) sc.wire = [];
  return { ...out } as T;
  } catch (e) {
    // hold nothing of a failed decode, and no flood-sized arrays
    sc.vals.fill(undefined);
    if (sc.wire.length > SCRATCH_KEEP) sc.wire = [];
    if (sc.defer.length > SCRATCH_KEEP) sc.defer = [];
    throw e;
  } finally {
    depth--;
  }
}

/**
 * The end of an irregular set (a repeated attribute, or a deferred one that
 * did not fit): every occurrence of a non-`multi` attribute but the last is
 * turned raw, `unknown` is rebuilt in wire order, and keys/vals are put in
 * the order of the first decoded wire entry of each (what they are for a
 * regular set with this layout, so the shape trie stays keyed correctly).
 * Linear in the number of attributes; only hostile or odd input comes here.
 */
function fixUp(sc: Scratch, pol: Policy, buf: Buffer, start: number, wn: number): UnknownAttr[] | undefined {
  const wire = sc.wire;
  const lastAt = sc.lastAt.length >= pol.byType.length ? sc.lastAt : (sc.lastAt = new Int32Array(pol.byType.length));
  for (let i = 0; i < wn; i++) {
    const t = wire[i]! & NLA_TYPE_MASK;
    if (pol.byType[t] !== undefined && pol.traits[t] !== P_MULTI) lastAt[t] = i;
  }
  const oldVals = sc.vals.slice(0, sc.n);
  const slot = sc.slot;
  const unknown: UnknownAttr[] = [];
  let n = 0;
  // "key emitted" reuses `seen` with a fresh stamp (this set's own stamp is not needed any more)
  const mark = ++stampCounter;
  let p = start;
  for (let i = 0; i < wn; i++) {
    const len = buf[p]! | (buf[p + 1]! << 8);
    let e = wire[i]!;
    const t = e & NLA_TYPE_MASK;
    const s = pol.byType[t];
    if (!(e & W_UNKNOWN) && s !== undefined && pol.traits[t] !== P_MULTI && lastAt[t] !== i) wire[i] = e = (e & 0xffff) | W_UNKNOWN;
    if (e & W_UNKNOWN) unknown.push({ type: t, flags: e & ~NLA_TYPE_MASK & 0xffff, data: buf.subarray(p + 4, p + len) });
    else if (s !== undefined && sc.seen[t] !== mark) {
      sc.seen[t] = mark;
      sc.keys[n] = s.name;
      sc.vals[n++] = oldVals[slot[t]!];
    }
    p += (len + 3) & ~3;
  }
  sc.vals.fill(undefined, n, oldVals.length);
  sc.n = n;
  return unknown.length ? unknown : undefined;
}

/** Scratch arrays longer than this after a call are dropped (a flood of attributes must not stay pinned in the pool). */
const SCRATCH_KEEP = 1024;

interface Scratch {
  keys: string[];
  vals: unknown[];
  /** Entries of keys/vals in use by the current call. */
  n: number;
  wire: number[];
  ctx: Ctx;
  seen: Float64Array;
  slot: Int32Array;
  /** Deferred attributes: (wire index, byte offset) pairs. */
  defer: number[];
  doneTypes: number[];
  /** Irregular sets: wire index of the last occurrence per type. */
  lastAt: Int32Array;
}
function newScratch(): Scratch {
  const sc = { keys: [], vals: [], n: 0, wire: [], seen: new Float64Array(64), slot: new Int32Array(64), defer: [], doneTypes: [], lastAt: new Int32Array(0) } as unknown as Scratch;
  sc.ctx = new Ctx(sc);
  return sc;
}
const scratch: Scratch[] = [];
let depth = 0;
let stampCounter = 0;
/** Attributes the current message may still hold (reset when a top-level set starts). */
let attrBudget = MAX_ATTRS;

/** A node of a policy's shape trie: one per distinct sequence of wire entries (attribute layout). */
export interface ShapeNode {
  next: Map<number, ShapeNode>;
  /** The transition (wire entry) taken last, checked before `next`. */
  lastEntry?: number;
  lastNode?: ShapeNode;
  make?: (vals: unknown[], wire: number[], unknown: UnknownAttr[] | undefined) => Record<string, unknown>;
  /** The wire layout every object of this node has (the trie path is the layout), shared by them. */
  wire?: readonly number[];
}


/**
 * Bounds on the shape caches, so odd or hostile input cannot grow memory:
 * trie nodes per policy, and generated constructors in all. Real dumps use a
 * few dozen shapes; past the bounds objects are built generically (correct,
 * slower).
 */
const MAX_SHAPES = 1024;
const MAX_MAKERS = 256;
let makers = 0;

function shapeStep(pol: Policy, node: ShapeNode, entry: number): ShapeNode | undefined {
  // Most nodes have one successor (a kernel sends attributes in a fixed
  // order): the last transition taken is checked before the map.
  if (node.lastEntry === entry) return node.lastNode;
  let n = node.next.get(entry);
  if (n === undefined) {
    if (pol.shapeCount >= MAX_SHAPES) return undefined;
    pol.shapeCount++;
    n = { next: new Map(), lastEntry: -1, lastNode: undefined };
    node.next.set(entry, n);
  }
  node.lastEntry = entry;
  node.lastNode = n;
  return n;
}

/** Makers by key list: trie nodes that differ only in layout (a repeated or a raw-kept attribute) share one. */
const makerCache = new Map<string, NonNullable<ShapeNode['make']>>();
function makerFor(keys: string[], n: number): ShapeNode['make'] {
  const ks = keys.slice(0, n);
  const id = ks.join('\0');
  let m = makerCache.get(id);
  if (m === undefined) {
    if (makers >= MAX_MAKERS) return undefined;
    makers++;
    m = makeShape(ks);
    makerCache.set(id, m);
  }
  return m;
}

function makeShape(keys: string[]): NonNullable<ShapeNode['make']> {
  const fields = keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`);
  const body = fields.length ? fields.join(', ') + ', ' : '';
  return new Function(
    'WIRE',
    `return (v, w, u) => u === undefined ? { ${body}[WIRE]: w } : { ${body}unknown: u, [WIRE]: w };`,
  )(WIRE) as NonNullable<ShapeNode['make']>;
}

/** Iterate raw attributes in buf[off, end): calls fn(type, flags, payloadOff, payloadLen). */
export function forEachAttr(
  buf: Buffer,
  off: number,
  end: number,
  fn: (type: number, flags: number, off: number, len: number) => void,
  path = '',
): void {
  while (end - off >= 4) {
    const len = buf.readUInt16LE(off);
    const raw = buf.readUInt16LE(off + 2);
    if (len < 4) throw new DecodeError(`attribute length ${len} is below the 4-byte header`, off, path);
    if (off + len > end) throw new DecodeError(`attribute length ${len} runs past the end`, off, path);
    fn(raw & NLA_TYPE_MASK, raw & (NLA_F_NESTED | NLA_F_NET_BYTEORDER), off + 4, len - 4);
    off += (len + 3) & ~3;
  }
  if (off < end) throw new DecodeError(`${end - off} trailing bytes do not form an attribute`, off, path);
}

// ------------------------------------------------------------------ encode

function writeOne(w: Writer, spec: AttrSpec, value: unknown, rawType: number, variant: number, parent: Record<string, unknown>): void {
  if (value === undefined || value === null) return;
  if (value === false && spec.codec === flag) return;
  if (spec.codec.skip?.(value, variant)) return;
  const s = w.attrStart(rawType);
  spec.codec.encode(w, value, variant, parent);
  w.attrEnd(s);
}

function defaultRaw(spec: AttrSpec): number {
  const nf = spec.nestedFlag ?? spec.codec.nested ?? false;
  return nf ? spec.type | NLA_F_NESTED : spec.type;
}

/**
 * Encode the attributes of `obj` with `pol`. Keys that are not attributes of
 * the policy are ignored (so a decoded message with derived fields can be
 * re-encoded); validate user input with {@link checkAttrs} first.
 */
export function encodeAttrs(w: Writer, pol: Policy, obj: Record<string, unknown>): void {
  // Which attributes were written (and, for repeated ones, how many) is kept
  // in stamped per-type arrays pooled per nesting depth, not in a Set and a
  // Map per call: count[type] is valid while mark[type] is this call's stamp.
  const d = encDepth++;
  const es = (encScratch[d] ??= { mark: new Float64Array(64), count: new Int32Array(64) });
  if (es.mark.length < pol.byType.length) {
    // sized by the largest policy (only its types are counted), not by the 16,384 possible types
    es.mark = new Float64Array(pol.byType.length);
    es.count = new Int32Array(pol.byType.length);
  }
  try {
    const stamp = ++encStamp; // a double: never wraps
    const { mark, count } = es;
    const wire = (obj as Record<symbol, unknown>)[WIRE] as number[] | undefined;
    const unknown = obj.unknown as UnknownAttr[] | undefined;
    let ui = 0;
    if (wire !== undefined) {
      for (let i = 0; i < wire.length; i++) {
        const e = wire[i]!;
        if (e & W_UNKNOWN) {
          const u = unknown?.[ui++];
          if (u) writeUnknown(w, u);
          continue;
        }
        const type = e & NLA_TYPE_MASK;
        const spec = pol.byType[type];
        if (spec === undefined) continue;
        const v = obj[spec.name];
        if (v === undefined) continue;
        const variant = (e >>> W_VARIANT_SHIFT) & W_VARIANT_MASK;
        const k = mark[type] === stamp ? count[type]! : 0;
        if (spec.multi) {
          const arr = v as unknown[];
          if (!Array.isArray(arr) || k >= arr.length) continue;
          mark[type] = stamp;
          count[type] = k + 1;
          writeOne(w, spec, arr[k], e & 0xffff, variant, obj);
        } else {
          if (k > 0) continue;
          mark[type] = stamp;
          count[type] = 1;
          writeOne(w, spec, v, e & 0xffff, variant, obj);
        }
      }
    }
    for (const key in obj) {
      const spec = pol.byName.get(key);
      if (spec === undefined) continue;
      const v = obj[key];
      if (v === undefined) continue;
      const k = mark[spec.type] === stamp ? count[spec.type]! : 0;
      if (spec.multi) {
        const arr = v as unknown[];
        for (let i = k; i < arr.length; i++) writeOne(w, spec, arr[i], defaultRaw(spec), 0, obj);
      } else if (k === 0) {
        writeOne(w, spec, v, defaultRaw(spec), 0, obj);
      }
    }
    if (unknown) for (; ui < unknown.length; ui++) writeUnknown(w, unknown[ui]!);
  } finally {
    encDepth--;
  }
}
const encScratch: Array<{ mark: Float64Array; count: Int32Array }> = [];
let encDepth = 0;
let encStamp = 0;

function writeUnknown(w: Writer, u: UnknownAttr): void {
  const s = w.attrStart((u.type & NLA_TYPE_MASK) | (u.flags & (NLA_F_NESTED | NLA_F_NET_BYTEORDER)));
  w.bytes(u.data);
  w.attrEnd(s);
}

// ------------------------------------------------------------------- check

function knownNames(pol: Policy): string {
  const names = [...pol.byName.values()].filter((s) => !s.readOnly).map((s) => s.name);
  return names.length > 20 ? names.slice(0, 20).join(', ') + ', ...' : names.join(', ');
}

/**
 * Validate user input against a policy and return a normalized copy.
 * Throws ArgumentError naming the field for unknown options or bad values.
 * `unknown: [{type, data}]` is accepted as an escape hatch for raw attributes.
 */
export function checkAttrs(pol: Policy, input: unknown, field: string, opts: { allowReadOnly?: boolean } = {}): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ArgumentError(field, `expected an object of ${pol.name}_* options, got ${describe(input)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (v === undefined) continue;
    const f = field ? `${field}.${k}` : k;
    if (k === 'unknown') {
      out.unknown = checkUnknown(v, f);
      continue;
    }
    const spec = pol.byName.get(k);
    if (!spec) throw new ArgumentError(f, `unknown option "${k}" for ${pol.name} (known: ${knownNames(pol)})`);
    if (spec.readOnly && !opts.allowReadOnly) throw new ArgumentError(f, `${spec.uapi} is reported by the kernel and cannot be set`);
    if (spec.multi) {
      if (!Array.isArray(v)) throw new ArgumentError(f, `expected an array, got ${describe(v)}`);
      out[k] = v.map((x, i) => checkValue(spec, x, `${f}[${i}]`, out));
    } else {
      out[k] = checkValue(spec, v, f, out);
    }
  }
  return out;
}

function checkValue(spec: AttrSpec, v: unknown, f: string, parent: Record<string, unknown>): unknown {
  if (spec.ifindex && typeof v === 'string') {
    checkIfName(v, f);
    return v; // resolved to an index by the caller before encoding
  }
  return spec.codec.check(v, f, parent);
}

function checkUnknown(v: unknown, f: string): UnknownAttr[] {
  if (!Array.isArray(v)) throw new ArgumentError(f, 'expected an array of { type, data }');
  return v.map((u, i) => {
    const e = u as Partial<UnknownAttr>;
    if (!e || typeof e.type !== 'number' || !Number.isInteger(e.type) || e.type < 0 || e.type > NLA_TYPE_MASK) {
      throw new ArgumentError(`${f}[${i}].type`, 'expected an attribute type 0..16383');
    }
    if (!(e.data instanceof Uint8Array)) throw new ArgumentError(`${f}[${i}].data`, 'expected a Buffer or Uint8Array');
    return { type: e.type, flags: e.flags ?? 0, data: e.data };
  });
}

/**
 * Linux interface name rules (dev_valid_name), on the name's bytes: 1..15
 * bytes, not '.' or '..', no '/', ':', NUL or byte the kernel's isspace()
 * takes for space (\t \n \v \f \r, ' ' and 0xA0). A name read from the
 * kernel that is not UTF-8 (its bytes escaped as U+DC80..U+DCFF, see
 * ./strings.ts) addresses exactly that device.
 */
export function checkIfName(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new ArgumentError(field, `expected an interface name string, got ${describe(v)}`);
  if (v.length === 0) throw new ArgumentError(field, 'interface name is empty');
  checkNameBytes(v, field, 15);
  if (v === '.' || v === '..') throw new ArgumentError(field, `"${v}" is not a valid interface name`);
  return v;
}

/**
 * A name that addresses an existing interface: its name (1..15 bytes, sent
 * as IFLA_IFNAME) or an alternative name (16..127 bytes, IFLA_ALT_IFNAME).
 * Returns the byte length (what decides which attribute carries it).
 */
export function checkIfRefName(v: string, field: string): number {
  if (v.length === 0) throw new ArgumentError(field, 'interface name is empty');
  const n = stringByteLength(v);
  if (n > 127) throw new ArgumentError(field, `interface name ${quoteString(v)} is ${n} bytes long; the kernel allows at most 15 (IFNAMSIZ-1), 127 for an alternative name`);
  if (n <= 15) checkIfName(v, field);
  else checkNameBytes(v, field, 127);
  return n;
}

/**
 * The byte checks of an interface or alternative name (at most `max`
 * bytes, no '/', ':', NUL or kernel-isspace byte, and a string that is
 * exactly what its bytes decode to). Returns the byte length.
 */
export function checkNameBytes(v: string, field: string, max: number): number {
  if (!isCanonicalString(v)) throw new ArgumentError(field, `interface name ${quoteString(v)} holds a lone surrogate that is not an escaped byte, or escaped bytes that form UTF-8: it would address another name`);
  const b = stringBytes(v);
  if (b.length > max) throw new ArgumentError(field, `interface name ${quoteString(v)} is ${b.length} bytes long; the kernel allows at most ${max}${max === 15 ? ' (IFNAMSIZ-1)' : ''}`);
  for (const c of b) {
    if (c === 0x2f || c === 0x3a || c === 0 || c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0) {
      throw new ArgumentError(field, `interface name ${quoteString(v)} contains '/', ':', a NUL or whitespace`);
    }
  }
  return b.length;
}

/**
 * Walk a checked object and replace interface names in `ifindex` attributes
 * by indexes, using `resolve`. Recurses into nested policies.
 */
export async function resolveIfindexes(
  pol: Policy,
  obj: Record<string, unknown>,
  resolve: (name: string, field: string) => Promise<number>,
  field = '',
): Promise<void> {
  for (const [k, v] of Object.entries(obj)) {
    const spec = pol.byName.get(k);
    if (!spec) continue;
    const f = field ? `${field}.${k}` : k;
    if (spec.ifindex) {
      if (typeof v === 'string') obj[k] = await resolve(v, f);
      else if (spec.multi && Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string') v[i] = await resolve(v[i] as string, `${f}[${i}]`);
      }
      continue;
    }
    const sub = (spec.codec as Partial<NestedCodec>).policyFor?.(obj);
    if (sub && v && typeof v === 'object') {
      if (spec.multi && Array.isArray(v)) {
        for (const x of v) if (x && typeof x === 'object') await resolveIfindexes(sub, x as Record<string, unknown>, resolve, f);
      } else await resolveIfindexes(sub, v as Record<string, unknown>, resolve, f);
    }
  }
}

// ------------------------------------------------------------------ codecs

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

/** Interface name: validated like the kernel's dev_valid_name. */
export const ifname: Codec<string> = {
  ...string,
  name: 'ifname',
  check: (v, f) => checkIfName(v, f),
};

/** Raw bytes (Buffer view). User input: Buffer/Uint8Array or a hex string. */
export const binary: Codec<Uint8Array> = {
  name: 'binary',
  decode: (b, o, len) => b.subarray(o, o + len),
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
  const parts: string[] = [];
  for (const [fname, t] of fields) {
    const r = READ[t];
    if (r) parts.push(`${JSON.stringify(fname)}: ${r.replaceAll('@', String(at))}`);
    at += FIELD_SIZE[t];
  }
  const full = new Function('readU64', `return (b, o) => ({ ${parts.join(', ')} });`)(readU64) as (b: Buffer, o: number) => T;
  const WRITE: Record<StructField[1], string> = {
    u8: 'w.u8(Number(@))', u16: 'w.u16(Number(@))', u32: 'w.u32(Number(@))', s32: 'w.s32(Number(@))', u64: 'w.u64(@)',
    be16: 'w.be16(Number(@))', be32: 'w.be32(Number(@))', pad8: 'w.zero(1)', pad16: 'w.zero(2)', pad32: 'w.zero(4)',
  };
  const named = fields.filter(([, t]) => !t.startsWith('pad'));
  const present = named.length ? named.map(([f]) => `r[${JSON.stringify(f)}] !== undefined`).join(' && ') : 'true';
  const writes = fields.map(([f, t]) => WRITE[t].replace('@', `r[${JSON.stringify(f)}]`) + ';').join(' ');
  /** Writes the whole struct and returns true when every field is present; otherwise writes nothing. */
  const writeFull = new Function(`return (w, r) => { if (!(${present})) return false; ${writes} return true; };`)() as (w: Writer, r: Record<string, unknown>) => boolean;
  return {
    name,
    fields,
    byteSize,
    decode: (b, o, len) => {
      if (len === byteSize) return full(b, o);
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
      if (p < end) (out as Record<symbol, unknown>)[STRUCT_EXTRA] = b.subarray(p, end);
      return (fields.length > FAST_COPY_ABOVE ? { ...out } : out) as T;
    },
    encode: (w, v) => {
      const r = v as Record<string, unknown>;
      // Every field present (the usual case): one generated straight-line writer.
      if (writeFull(w, r)) {
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

export interface NestedCodec extends Codec<Record<string, unknown>> {
  /** The policy for this nest given the parent object (fixed or chosen by a sibling such as IFLA_INFO_KIND). */
  policyFor(parent: Record<string, unknown>): Policy | undefined;
}

/**
 * Nested attributes. `pol` may be a function of the parent object, e.g. the
 * IFLA_INFO_DATA policy depends on IFLA_INFO_KIND. When it returns undefined
 * (an unknown kind) the attribute is kept raw in `unknown`.
 */
export function nested(pol: Policy | (() => Policy) | ((parent: Record<string, unknown>) => Policy | undefined), opts: { nestedFlag?: boolean; name?: string } = {}): NestedCodec {
  const isFn = typeof pol === 'function';
  const needsParent = isFn && (pol as (...a: unknown[]) => unknown).length > 0;
  const policyFor = (parent: Record<string, unknown>): Policy | undefined => (isFn ? (pol as (p: Record<string, unknown>) => Policy | undefined)(parent) : pol);
  return {
    name: opts.name ?? (isFn ? 'nested' : `nested(${(pol as Policy).name}_*)`),
    nested: opts.nestedFlag ?? false,
    afterSiblings: needsParent,
    policyFor,
    decode: (b, o, len, ctx) => {
      // Only policies chosen from siblings (IFLA_INFO_DATA by IFLA_INFO_KIND) need the parent object.
      const p = isFn ? (needsParent ? policyFor(ctx.parent) : (pol as () => Policy | undefined)()) : (pol as Policy);
      if (!p) return NOFIT;
      return decodeAttrs(b, o, o + len, p, ctx);
    },
    encode: (w, v, variant, parent) => {
      const p = policyFor(parent);
      if (!p) throw new ArgumentError('nested', 'no policy for nested attribute');
      encodeAttrs(w, p, v);
    },
    check: (v, f, parent) => {
      const p = policyFor(parent);
      if (!p) throw new ArgumentError(f, 'cannot be set here (its kind is unknown)');
      return checkAttrs(p, v, f);
    },
  };
}

/**
 * Render `decodeAttrs` output generically (for the CLI and debug): returns
 * [uapiName, value, spec] in wire order; attributes kept raw come as
 * unknown(type=N) (or NAME(raw) when the policy names them) with no spec and
 * their UnknownAttr (type, NLA_F_* flags, bytes) as a fourth element.
 */
export function describeAttrs(pol: Policy, obj: Record<string, unknown>): Array<[string, unknown, AttrSpec | undefined, UnknownAttr?]> {
  const out: Array<[string, unknown, AttrSpec | undefined, UnknownAttr?]> = [];
  const wire = (obj as Record<symbol, unknown>)[WIRE] as number[] | undefined;
  const unknown = (obj.unknown as UnknownAttr[] | undefined) ?? [];
  if (!wire) {
    for (const [k, v] of Object.entries(obj)) {
      const spec = pol.byName.get(k);
      if (spec) out.push([spec.uapi, v, spec]);
    }
    for (const u of unknown) out.push([`unknown(type=${u.type})`, u.data, undefined, u]);
    return out;
  }
  let ui = 0;
  const counts = new Map<string, number>();
  for (const e of wire) {
    if (e & W_UNKNOWN) {
      const u = unknown[ui++];
      if (u) out.push([pol.uapiName(u.type) ? `${pol.uapiName(u.type)}(raw)` : `unknown(type=${u.type})`, u.data, undefined, u]);
      continue;
    }
    const spec = pol.byType[e & NLA_TYPE_MASK];
    if (!spec) continue;
    const v = obj[spec.name];
    if (spec.multi && Array.isArray(v)) {
      const k = counts.get(spec.name) ?? 0;
      counts.set(spec.name, k + 1);
      out.push([spec.uapi, v[k], spec]);
    } else out.push([spec.uapi, v, spec]);
  }
  return out;
}

/** Bytes needed to encode an object (for pre-sizing). Rarely needed; Writer grows. */
export function encodeAttrsToBuffer(pol: Policy, obj: Record<string, unknown>): Buffer {
  const w = new Writer(256);
  encodeAttrs(w, pol, obj);
  return w.toBuffer();
}

/**
 * Name the attribute at byte `offset` of an attribute area buf[off, end)
 * (used to turn an extended-ACK offset into "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_ID").
 * Returns undefined if the offset is not at or inside an attribute.
 */
export function attrPathAt(buf: Buffer, off: number, end: number, pol: Policy | undefined, offset: number, level = 1): string | undefined {
  if (level > MAX_NESTING) return '...';
  let parent: Record<string, unknown> = {};
  if (pol) {
    try {
      parent = decodeAttrs(buf, off, end, pol);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      parent = {};
    }
  }
  let p = off;
  while (end - p >= 4) {
    const len = buf.readUInt16LE(p);
    const raw = buf.readUInt16LE(p + 2);
    if (len < 4 || p + len > end) return undefined;
    if (offset >= p && offset < p + Math.max(len, 4)) {
      const type = raw & NLA_TYPE_MASK;
      const spec = pol?.byType[type];
      const name = spec?.uapi ?? `${pol ? pol.name + '_' : ''}type ${type}`;
      if (offset < p + 4) return name;
      const sub = spec ? (spec.codec as Partial<NestedCodec>).policyFor?.(parent) : undefined;
      if (sub || raw & NLA_F_NESTED) {
        const inner = attrPathAt(buf, p + 4, p + len, sub, offset, level + 1);
        return inner ? `${name}/${inner}` : name;
      }
      return name;
    }
    p += (len + 3) & ~3;
  }
  return undefined;
}
