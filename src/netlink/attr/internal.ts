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
