/**
 * Attribute spaces: a {@link Policy} lists, for one space (IFLA_*,
 * IFLA_VXLAN_*, ...), each attribute's type number, uapi name, API name and
 * {@link Codec}; `policy()` builds one from a generated constants table, so
 * the uapi names are checked by the compiler. Also the contract every codec
 * implements and what it is given while decoding.
 * @module
 */
import { NLA_TYPE_MASK } from '../constants.js';
import type { Writer } from '../writer.js';
import { P_AFTER, P_MULTI } from './internal.js';
import type { ShapeNode } from './shapes.js';

/** Symbol under which decoded attribute sets keep their wire layout. */
export const WIRE: unique symbol = Symbol.for('rtnetlink.wire');

/** An attribute this library has no codec for (or whose size was unexpected), kept verbatim. */
export interface UnknownAttr {
  /** Attribute type without NLA_F_* bits. */
  type: number;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER bits as received. */
  flags: number;
  /** Payload bytes (a view into the received datagram). */
  data: Uint8Array;
}

/** Fields every decoded attribute set may carry. */
export interface AttrSetBase {
  /** Attributes this library does not know, kept so re-encoding is lossless. */
  unknown?: UnknownAttr[];
}

/**
 * Options that change how bytes decode, given to a top-level decode (a
 * message's schema, `decodeAttrs`) and seen by every codec of the message,
 * nested sets included, as `ctx.options`. Empty here: the layers above add
 * theirs by declaration merging, e.g. src/rtnl adds `inet6StatsLayout`:
 * `declare module '../netlink/attr/policy.js' { interface DecodeOptions { inet6StatsLayout?: ... } }`.
 * The core keeps no such setting of its own, process-wide or otherwise.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface DecodeOptions {}

/** State passed to codecs while decoding one attribute. */
export interface DecodeCtx {
  /** The options of the decode this attribute is part of (inherited by nested sets). */
  readonly options: DecodeOptions;
  /**
   * The attribute's siblings: those decoded so far, or, for a codec marked
   * `afterSiblings`, every other attribute of the set (final values).
   */
  parent: Record<string, unknown>;
  /** Human path for errors, e.g. "IFLA_LINKINFO". */
  readonly path: string;
  /** A codec may set a variant (0..255) here so the encoder can reproduce odd encodings. */
  variant: number;
}

/**
 * Where an attribute set sits, for error messages: a string, or the parent's
 * decode context, whose path is only built if an error needs it (nested sets
 * are decoded synchronously inside their parent, so it is still current).
 */
export interface PathSource {
  readonly path: string;
}

/** Sentinel a codec returns when the payload does not fit it; the attribute is then kept raw. */
export const NOFIT: unique symbol = Symbol('rtnetlink.nofit');

export interface Codec<T = unknown> {
  /** Short name for docs and printing: 'u32', 'string', 'nested(IFLA_INFO_*)', ... */
  readonly name: string;
  /** If set, only payloads of exactly this size decode; others are kept raw. */
  readonly size?: number;
  /** Whether the encoder sets NLA_F_NESTED by default (nested codecs). */
  readonly nested?: boolean;
  /**
   * Decode after the other attributes of the set, so `ctx.parent` holds
   * their final values wherever they stand (the kernel reads a set whole: the
   * last IFLA_INFO_KIND decides how IFLA_INFO_DATA is read, even after it).
   */
  readonly afterSiblings?: boolean;
  decode(buf: Buffer, off: number, len: number, ctx: DecodeCtx): T | typeof NOFIT;
  /** Write the payload (not the attribute header). `variant` comes from a decoded object. */
  encode(w: Writer, value: T, variant: number, parent: Record<string, unknown>): void;
  /** Validate and normalize user input; throw ArgumentError naming `field`. */
  check(value: unknown, field: string, parent: Record<string, unknown>): T;
  /** Text form for printing. */
  format?(value: T): string;
  /** Whether to leave the attribute out for this value (e.g. `false` for flag-like codecs). */
  skip?(value: T, variant: number): boolean;
}

export interface AttrSpec {
  /** Type number (without NLA_F_* bits). */
  readonly type: number;
  /** uapi name, e.g. 'IFLA_MTU'. */
  readonly uapi: string;
  /** API (camelCase) name, e.g. 'mtu'. */
  readonly name: string;
  readonly codec: Codec<unknown>;
  /** The attribute may repeat: the value is an array, one element per attribute. */
  readonly multi?: boolean;
  /** Set NLA_F_NESTED when encoding user input (default: the codec's). */
  readonly nestedFlag?: boolean;
  /** Reported by the kernel only; rejected in user input. */
  readonly readOnly?: boolean;
  /**
   * The value refers to an object the layer above can name (an interface:
   * src/rtnl's `IFINDEX`): user input may give the name, checked with
   * `ref.check` and resolved to the number by the layer above before sending
   * ({@link resolveRefs}).
   */
  readonly ref?: AttrRef;
}

/**
 * A kind of object an attribute may refer to by name in user input (e.g. an
 * interface by its name, for an ifindex attribute). The netlink core only
 * checks and carries the name; the layer that defines the reference resolves it.
 */
export interface AttrRef {
  /** What is referred to, for messages: 'interface'. */
  readonly kind: string;
  /** Validate a name given for this reference; throw ArgumentError naming `field`. */
  check(name: string, field: string): void;
}

/**
 * Names under which a nest's values read back when they differ from the
 * attribute's (e.g. a vxlan's unicast IFLA_VXLAN_GROUP is its `remote`, an
 * IFLA_VXLAN_GROUP6 its `remote` or `group`): `fromWire` renames the keys of
 * an object decoded with the policy, `toWire` is its inverse (it must leave a
 * wire-keyed object as it is). Both keep the WIRE layout and `unknown`, so
 * encode(decode(bytes)) stays byte-identical. Applied by nested() when it
 * decodes, and by encodeAttrs() and describeAttrs().
 */
export interface PolicyView {
  fromWire(obj: Record<string, unknown>): Record<string, unknown>;
  toWire(obj: Record<string, unknown>): Record<string, unknown>;
}

/** An attribute space: type numbers <-> names <-> codecs. */
export class Policy {
  readonly byType: (AttrSpec | undefined)[] = [];
  readonly byName = new Map<string, AttrSpec>();
  /** See {@link PolicyView}; set by the policy's owner (a link kind). */
  view: PolicyView | undefined = undefined;
  /** Decoder bookkeeping: the trie of attribute sequences seen, each with a generated object constructor. */
  readonly shapes: ShapeNode = { next: new Map(), lastEntry: -1, lastNode: undefined };
  shapeCount = 0;
  /**
   * Decoder bookkeeping: per type, P_MULTI and P_AFTER (the spec's `multi`,
   * its codec's `afterSiblings`), read from one typed array in the hot loop
   * instead of from spec and codec objects of many shapes.
   */
  traits: Uint8Array = new Uint8Array(0);
  constructor(
    /** Name of the space, e.g. 'IFLA_VXLAN'. */
    readonly name: string,
    specs: AttrSpec[],
  ) {
    // one traits array for the whole table (growing it per add() allocated a typed array per attribute at import)
    let max = -1;
    for (const s of specs) if (s.type > max) max = s.type;
    this.traits = new Uint8Array(max + 1);
    for (const s of specs) this.add(s);
  }
  add(s: AttrSpec): void {
    if (this.byName.has(s.name)) throw new Error(`policy ${this.name}: duplicate name ${s.name}`);
    if (this.byType[s.type]) throw new Error(`policy ${this.name}: duplicate type ${s.type} (${s.uapi})`);
    this.byType[s.type] = s;
    this.byName.set(s.name, s);
    if (this.traits.length <= s.type) {
      const t = new Uint8Array(s.type + 1);
      t.set(this.traits);
      this.traits = t;
    }
    this.traits[s.type] = s.multi ? P_MULTI : s.codec.afterSiblings ? P_AFTER : 0;
  }
  /** uapi name of a type number, or undefined. */
  uapiName(type: number): string | undefined {
    return this.byType[type & NLA_TYPE_MASK]?.uapi;
  }
}

/**
 * A constants table with a few more names (constants newer than the pinned
 * uapi headers) for {@link policy}: `moreConsts(UAPI, { IFLA_HEADROOM })`.
 * The base table is the new object's prototype, not copied (the generated
 * tables hold ~2,000 names; a spread copied them all at every import).
 */
export function moreConsts<B extends object, E extends Readonly<Record<string, number>>>(base: B, extra: E): B & E {
  return Object.freeze(Object.assign(Object.create(base) as object, extra)) as B & E;
}

/** Options for {@link attr}. */
export type AttrOpts = Partial<Pick<AttrSpec, 'multi' | 'nestedFlag' | 'readOnly' | 'ref'>>;

/** One line of a {@link policy} table: uapi name (a key of the constants table), API name, codec, options. */
export type PolicyEntry<K extends string = string> = readonly [uapi: K, name: string, codec: Codec<unknown>, opts?: AttrOpts];

/**
 * Build a Policy from a constants table and a compact list:
 * `policy('IFLA', UAPI, [['IFLA_MTU', 'mtu', u32], ...])`. The constants
 * tables are generated `as const` (scripts/gen-uapi.mjs), so a uapi name
 * that is not in the table is a compile error, not a surprise at load time.
 */
export function policy<C extends Readonly<Record<string, number>>>(
  name: string,
  consts: C,
  list: ReadonlyArray<PolicyEntry<keyof C & string>>,
): Policy {
  const specs: AttrSpec[] = list.map(([uapi, apiName, codec, opts]) => {
    const type = consts[uapi];
    if (type === undefined) throw new Error(`policy ${name}: unknown constant ${uapi}`);
    return { type, uapi, name: apiName, codec, ...opts };
  });
  return new Policy(name, specs);
}
