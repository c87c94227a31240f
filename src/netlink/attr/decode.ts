/**
 * Decoding attribute sets: bytes -> plain objects that remember their wire
 * layout (lossless), with the nesting and size limits hostile input needs.
 * @module
 */
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from '../constants.js';
import { DecodeError } from '../errors.js';
import { P_AFTER, P_MULTI, pathOf, W_UNKNOWN, W_VARIANT_MASK, W_VARIANT_SHIFT } from './internal.js';
import { NOFIT, WIRE, type DecodeCtx, type DecodeOptions, type PathSource, type Policy, type UnknownAttr } from './policy.js';
import { makerFor, shapeStep, type ShapeNode } from './shapes.js';
import { keepBytes } from './codecs.js';

/** The decode context. The path is built only when asked for (errors, nested sets), not once per attribute. */
class Ctx implements DecodeCtx {
  variant = 0;
  uapi = '';
  options: DecodeOptions = NO_OPTIONS;
  private base: string | PathSource = '';
  constructor(private readonly sc: Scratch) {}
  /** Start a new attribute set (contexts are pooled per nesting depth). */
  reset(base: string | PathSource, options: DecodeOptions): void {
    this.base = base;
    this.options = options;
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

/** The options of a decode given none. */
const NO_OPTIONS: DecodeOptions = Object.freeze({});

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
 *
 * `options` reach every codec as `ctx.options`; a set nested in another
 * (decoded inside its parent's codec) inherits its parent's unless given its own.
 */
export function decodeAttrs<T = Record<string, unknown>>(
  buf: Buffer,
  off: number,
  end: number,
  pol: Policy,
  path: string | PathSource = pol.name,
  options?: DecodeOptions,
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
  ctx.reset(path, options ?? (d > 0 ? scratch[d - 1]!.ctx.options : NO_OPTIONS));
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
    if (entry & W_UNKNOWN) (unknown ??= []).push({ type, flags: raw & ~NLA_TYPE_MASK & 0xffff, data: keepBytes(buf, off + 4, len - 4) });
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
    if (e & W_UNKNOWN) unknown.push({ type: t, flags: e & ~NLA_TYPE_MASK & 0xffff, data: keepBytes(buf, p + 4, len - 4) });
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
