/**
 * Validating user input against a policy before anything is sent:
 * ArgumentError naming the field (`vxlan.id`) for unknown options, bad
 * values and read-only attributes.
 * @module
 */
import { NLA_TYPE_MASK } from '../constants.js';
import { ArgumentError } from '../errors.js';
import { describe } from '../ip.js';
import type { AttrRef, AttrSpec, Policy, UnknownAttr } from './policy.js';
import type { NestedCodec } from './nested.js';

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
  if (spec.ref !== undefined && typeof v === 'string') {
    spec.ref.check(v, f);
    return v; // resolved to a number by the layer that defines the reference, before encoding
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
 * Walk a checked object and replace the names given for {@link AttrRef}
 * attributes by numbers, using `resolve` (called with the attribute's
 * reference, the name and the field). Recurses into nested policies. The
 * layer that defines a reference supplies the resolver (src/rtnl: interface
 * names to indexes).
 */
export async function resolveRefs(
  pol: Policy,
  obj: Record<string, unknown>,
  resolve: (ref: AttrRef, name: string, field: string) => Promise<number>,
  field = '',
): Promise<void> {
  for (const [k, v] of Object.entries(obj)) {
    const spec = pol.byName.get(k);
    if (!spec) continue;
    const f = field ? `${field}.${k}` : k;
    const ref = spec.ref;
    if (ref !== undefined) {
      if (typeof v === 'string') obj[k] = await resolve(ref, v, f);
      else if (spec.multi && Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string') v[i] = await resolve(ref, v[i] as string, `${f}[${i}]`);
      }
      continue;
    }
    const sub = (spec.codec as Partial<NestedCodec>).policyFor?.(obj);
    if (sub && v && typeof v === 'object') {
      if (spec.multi && Array.isArray(v)) {
        for (const x of v) if (x && typeof x === 'object') await resolveRefs(sub, x as Record<string, unknown>, resolve, f);
      } else await resolveRefs(sub, v as Record<string, unknown>, resolve, f);
    }
  }
}
