/**
 * Interfaces in attributes: the interface name rules (checkIfName and
 * friends), the `ifname` codec, and {@link IFINDEX}, the attribute option of
 * ifindex attributes (IFLA_LINK, IFLA_MASTER, RTA_OIF, ...) whose user input
 * may name the interface, resolved to its index before sending
 * ({@link resolveIfindexes}). The netlink core knows none of this: it
 * carries the reference (`AttrRef`) and checks names with it.
 * @module
 */
import { ArgumentError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { isCanonicalString, stringBytes, stringByteLength } from '../netlink/strings.js';
import { string, quoteString, resolveRefs, type AttrOpts, type AttrRef, type Codec, type Policy } from '../netlink/attr.js';

/**
 * Linux interface name rules (dev_valid_name), on the name's bytes: 1..15
 * bytes, not '.' or '..', no '/', ':', NUL or byte the kernel's isspace()
 * takes for space (\t \n \v \f \r, ' ' and 0xA0). A name read from the
 * kernel that is not UTF-8 (its bytes escaped as U+DC80..U+DCFF, see
 * src/netlink/strings.ts) addresses exactly that device.
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

/** The reference of ifindex attributes: user input may give an interface name (checked like the kernel's dev_valid_name). */
export const IFINDEX_REF: AttrRef = { kind: 'interface', check: (name, field) => void checkIfName(name, field) };

/** Attribute option of an ifindex attribute: `['IFLA_MASTER', 'master', u32, IFINDEX]`. */
export const IFINDEX: AttrOpts = { ref: IFINDEX_REF };

/** Whether an attribute of a policy is an ifindex (its value names an interface). */
export function isIfindexAttr(pol: Policy, name: string): boolean {
  return pol.byName.get(name)?.ref === IFINDEX_REF;
}

/**
 * Walk a checked object and replace interface names in ifindex attributes
 * ({@link IFINDEX}) by indexes, using `resolve`. Recurses into nested policies.
 */
export async function resolveIfindexes(
  pol: Policy,
  obj: Record<string, unknown>,
  resolve: (name: string, field: string) => Promise<number>,
  field = '',
): Promise<void> {
  await resolveRefs(pol, obj, (ref, name, f) => {
    if (ref !== IFINDEX_REF) throw new ArgumentError(f, `a ${ref.kind} name cannot be resolved here`);
    return resolve(name, f);
  }, field);
}

/** Interface name: validated like the kernel's dev_valid_name. */
export const ifname: Codec<string> = {
  ...string,
  name: 'ifname',
  check: (v, f) => checkIfName(v, f),
};
