/**
 * Small shared checks of the typed generic netlink families.
 * @module
 */
import { checkIfName } from '../rtnl/ifname.js';
import { ArgumentError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import type { DevRef } from './transport.js';

/** An interface name (dev_valid_name) or a positive ifindex. */
export function checkDev(ref: unknown, field = 'dev'): DevRef {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 1 || ref > 0x7fffffff) throw new ArgumentError(field, `expected an interface index >= 1, got ${describe(ref)}`);
    return ref;
  }
  if (typeof ref === 'string') return checkIfName(ref, field);
  throw new ArgumentError(field, `expected an interface name or index, got ${describe(ref)}`);
}

/** A plain options object (not null, not an array). */
export function checkObject(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(field, `expected an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

/** Throw for keys of `o` not in `known`. */
export function checkKeys(o: Record<string, unknown>, known: readonly string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (o[k] === undefined) continue;
    if (!known.includes(k)) throw new ArgumentError(field ? `${field}.${k}` : k, `unknown option "${k}" (known: ${known.join(', ')})`);
  }
}

/** An integer in [min, max]. */
export function checkInt(v: unknown, field: string, min: number, max: number, what = 'an integer'): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ArgumentError(field, `expected ${what} ${min}..${max}, got ${describe(v)}`);
  return v;
}

/** true or false. */
export function checkBool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(field, `expected true or false, got ${describe(v)}`);
  return v;
}

/** A u64 given as a bigint or a safe integer, in [min, max]. */
export function checkU64(v: unknown, field: string, min: bigint, max: bigint, what = 'an integer'): bigint {
  let b: bigint | undefined;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  if (b === undefined || b < min || b > max) throw new ArgumentError(field, `expected ${what} ${min}..${max} (a bigint or safe integer), got ${describe(v)}`);
  return b;
}
