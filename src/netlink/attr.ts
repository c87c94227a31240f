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
export * from './attr/policy.js';
export { decodeAttrs, forEachAttr, MAX_NESTING, MAX_ATTRS } from './attr/decode.js';
export type { ShapeNode } from './attr/shapes.js';
export { encodeAttrs, encodeAttrsToBuffer } from './attr/encode.js';
export { checkAttrs, resolveRefs } from './attr/check.js';
export * from './attr/codecs.js';
export * from './attr/nested.js';
export * from './attr/describe.js';
