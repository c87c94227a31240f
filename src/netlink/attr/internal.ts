/**
 * Bookkeeping shared by the attribute decoder, encoder and printer (not
 * part of the public `attr` API).
 * @module
 */
import type { PathSource } from './policy.js';

/** Wire entry bits above the 16-bit raw type. */
export const W_UNKNOWN = 1 << 24; // entry refers to the next element of `unknown`
export const W_VARIANT_SHIFT = 16; // codec-specific variant (e.g. string without NUL)
export const W_VARIANT_MASK = 0xff;


/** Policy traits per type (Policy.traits): the spec is `multi`; its codec decodes after its siblings. */
export const P_MULTI = 1;
export const P_AFTER = 2;

/** The text of a path source. */
export function pathOf(p: string | PathSource): string {
  return typeof p === 'string' ? p : p.path;
}

/**
 * How many objects a generated builder's plain equivalent builds before the
 * builder is generated ({@link plainMaker}: the decoders' per-layout
 * constructors, full structs, devconf arrays). Generating one costs a
 * compile (new Function has no compile cache: ~0.1-0.3 ms each), which a
 * short program decoding a few links paid for every layout it met (~4 ms of
 * `rtnl-dump link`'s start, issue 16); a dump of many objects of a layout
 * gets the generated builder after this many. Both build the same object:
 * the same own properties, in the same order, with the same values.
 */
export const GENERATE_AFTER = 16;

/** A property name that can follow a dot in generated code (else it is written as a quoted key). */
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Generate a function `(...params) => object` that builds a plain object
 * with the given own properties, in order, each set to an expression of the
 * parameters (and of the `env` names). A field whose key is `[NAME]` stores
 * under the symbol (or computed key) `NAME` of `env`.
 *
 * The object is made by a generated constructor whose `prototype` is
 * Object.prototype: the result is an ordinary plain object (its prototype
 * is Object.prototype, like a literal's), and every result shares one fast
 * V8 shape, as with an object literal. Unlike an object literal, it has no
 * V8 allocation site: V8 decides to pretenure (allocate in the old
 * generation) literal sites whose objects survive, as every decoded object
 * of a list() result does, and each such decision deoptimized the generated
 * decoders (compiled again, ~100 ms for the largest) and made decoding 3-4x
 * slower for the rest of the run (old-to-new write barriers), at random
 * points of a process's life.
 */
export function plainMaker<F extends (...args: never[]) => object>(params: readonly string[], fields: ReadonlyArray<readonly [key: string, expr: string]>, env: Readonly<Record<string, unknown>> = {}): F {
  const stmts = fields.map(([k, e]) => {
    if (k === '__proto__') return `Object.defineProperty(this, '__proto__', { value: ${e}, writable: true, enumerable: true, configurable: true });`;
    return `${k.startsWith('[') ? `this${k}` : IDENT.test(k) ? `this.${k}` : `this[${JSON.stringify(k)}]`} = ${e};`;
  });
  const envNames = Object.keys(env);
  const p = params.join(', ');
  const src = `function Plain(${p}) { ${stmts.join(' ')} }\nPlain.prototype = Object.prototype;\nreturn (${p}) => new Plain(${p});`;
  return new Function(...envNames, src)(...envNames.map((n) => env[n])) as F;
}
