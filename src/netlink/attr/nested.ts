/**
 * Nested attribute sets, with a fixed policy or one chosen by a sibling
 * (IFLA_INFO_DATA by IFLA_INFO_KIND).
 * @module
 */
import { ArgumentError } from '../errors.js';
import { checkAttrs } from './check.js';
import { decodeAttrs } from './decode.js';
import { encodeAttrs } from './encode.js';
import { NOFIT, type Codec, type Policy } from './policy.js';

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
      const v = decodeAttrs<Record<string, unknown>>(b, o, o + len, p, ctx);
      return p.view === undefined ? v : p.view.fromWire(v);
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
