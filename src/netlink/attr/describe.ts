/**
 * Reading decoded sets and raw bytes by uapi name: every attribute in wire
 * order (CLI -d), and the attribute at an extended-ACK offset.
 * @module
 */
import { NLA_F_NESTED, NLA_TYPE_MASK } from '../constants.js';
import { DecodeError } from '../errors.js';
import { decodeAttrs, MAX_NESTING } from './decode.js';
import { W_UNKNOWN } from './internal.js';
import type { NestedCodec } from './nested.js';
import { WIRE, type AttrSpec, type Policy, type UnknownAttr } from './policy.js';

/**
 * Render `decodeAttrs` output generically (for the CLI and debug): returns
 * [uapiName, value, spec] in wire order; attributes kept raw come as
 * unknown(type=N) (or NAME(raw) when the policy names them) with no spec and
 * their UnknownAttr (type, NLA_F_* flags, bytes) as a fourth element.
 */
export function describeAttrs(pol: Policy, obj: Record<string, unknown>): Array<[string, unknown, AttrSpec | undefined, UnknownAttr?]> {
  const out: Array<[string, unknown, AttrSpec | undefined, UnknownAttr?]> = [];
  if (pol.view !== undefined) obj = pol.view.toWire(obj);
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
