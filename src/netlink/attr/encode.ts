/**
 * Encoding attribute sets: objects -> bytes, in the decoded wire order when
 * there is one (byte-exact round trips), then any other keys.
 * @module
 */
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from '../constants.js';
import { Writer } from '../writer.js';
import { flag } from './codecs.js';
import { W_UNKNOWN, W_VARIANT_MASK, W_VARIANT_SHIFT } from './internal.js';
import { WIRE, type AttrSpec, type Policy, type UnknownAttr } from './policy.js';

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
  if (pol.view !== undefined) obj = pol.view.toWire(obj);
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


/** Bytes needed to encode an object (for pre-sizing). Rarely needed; Writer grows. */
export function encodeAttrsToBuffer(pol: Policy, obj: Record<string, unknown>): Buffer {
  const w = new Writer(256);
  encodeAttrs(w, pol, obj);
  return w.toBuffer();
}
