/**
 * The protocol registry: what the netlink core knows about each netlink
 * protocol (NETLINK_ROUTE, NETLINK_GENERIC, NETLINK_NETFILTER, ...) without
 * knowing any of them. A {@link Protocol} names message types, finds the
 * schema (fixed header + attribute policy + typed decoder) of a message,
 * maps an extended-ACK offset back to an attribute path, and summarizes a
 * message for debug output. The request engine, `debug` tracing, the
 * capture decoder and the CLI go through it; none of them branches on a
 * protocol number.
 *
 * How a protocol finds a schema is its own business: by nlmsg_type
 * (rtnetlink), by subsystem and message (nfnetlink:
 * `subsys << 8 | msg`), or by family name and command (generic netlink,
 * whose family ids the kernel assigns at run time). State a protocol learns
 * from the traffic (the generic netlink family ids) lives in a
 * {@link DecodeContext}: one per socket, one per capture, never
 * process-wide.
 * @module
 */
import { attrPathAt, decodeAttrs, encodeAttrs, STRUCT_EXTRA, type Codec, type DecodeOptions, type Policy, type StructField } from './attr.js';
import { NETLINK_FAMILY_NAMES, NLMSG_HDRLEN, NLMSG_MIN_TYPE, NLMSG_TYPE_NAMES } from './constants.js';
import type { RawMessage } from './message.js';
import type { Writer } from './writer.js';

/** Decode options (declared with the attribute codec, which hands them to every codec: src/netlink/attr/policy.ts). */
export type { DecodeOptions };

/** How to decode and encode one kind of message (its fixed header and attributes). */
export interface MessageSchema<T extends object = Record<string, unknown>> {
  /** Object kind, e.g. 'link', 'route', 'rule' (nftables), 'family' (generic netlink controller). */
  readonly name: string;
  /** Size of the fixed header after the nlmsghdr (ifinfomsg 16, nfgenmsg 4, genlmsghdr 4 + the family's). */
  readonly headerSize: number;
  /** Policy of the attributes after the fixed header. */
  readonly policy: Policy;
  /** Decode the payload buf[off, end) (after the nlmsghdr) into a typed object. */
  decode(buf: Buffer, off: number, end: number, msgType: number, opts?: DecodeOptions): T;
  /** Encode a (decoded or built) object as payload. */
  encode(w: Writer, obj: T): void;
}

/** What a protocol looks at to find a message's schema: its type and where its bytes are. */
export interface MessageRef {
  type: number;
  buf: Buffer;
  /** Offset of the nlmsghdr in buf. */
  offset: number;
  /** nlmsg_len */
  len: number;
}

/** Per-socket / per-capture decoding state: the protocol, the decode options, what the protocol learned. */
export interface DecodeContext {
  readonly protocol: Protocol;
  readonly options: DecodeOptions;
  /** Owned by the protocol (e.g. generic netlink: family id -> name); undefined for protocols that learn nothing. */
  readonly state: unknown;
}

/** The request kinds whose NLM_F_* bits 8-11 mean different things. */
export type Operation = 'get' | 'new' | 'del';

/** What the core needs to know about one netlink protocol. */
export interface Protocol {
  /** The socket protocol number (NETLINK_ROUTE = 0, NETLINK_NETFILTER = 12, NETLINK_GENERIC = 16). */
  readonly family: number;
  /** 'NETLINK_ROUTE' */
  readonly name: string;
  /** NETLINK_GET_STRICT_CHK by default on sockets of this protocol. */
  readonly strictCheck?: boolean;
  /** Name of a message type: 'RTM_NEWLINK', 'NFT_MSG_NEWRULE', 'nlctrl/CTRL_CMD_NEWFAMILY', 'NLMSG_ERROR'. */
  messageName(type: number, ctx?: DecodeContext, msg?: MessageRef): string;
  /** The schema of a message, if the protocol has one (control messages never do). */
  schemaFor(msg: MessageRef, ctx?: DecodeContext): MessageSchema | undefined;
  /** Whether a request type is a get, new or del (for naming NLM_F_* bits 8-11). */
  operation?(type: number, ctx?: DecodeContext, msg?: MessageRef): Operation | undefined;
  /**
   * Name the attribute at an extended-ACK offset of a request (one message:
   * nlmsghdr + payload, offset counted from the nlmsghdr). Default: the
   * schema's header or the attribute path by its policy.
   */
  describeOffset?(request: Buffer, offset: number, ctx?: DecodeContext): string | undefined;
  /** One-line summary for `rtnetlink:msg` debug output. */
  summarize?(msg: RawMessage, ctx?: DecodeContext): string | undefined;
  /** New per-context state (called once per socket / capture). */
  createState?(): unknown;
  /** Learn from a message seen in this context (generic netlink: CTRL_CMD_NEWFAMILY gives a family id). */
  observe?(msg: RawMessage, ctx: DecodeContext): void;
}

/**
 * The schema of messages made of a fixed header (a `struct()` codec, e.g.
 * nfgenmsg, genlmsghdr) and attributes: the header's fields and the
 * attributes are properties of one decoded object (header fields are not
 * attributes, so they never encode as such). `defaults` fill header fields
 * an object to encode lacks.
 */
export function headerSchema<H extends object>(
  name: string,
  header: Codec<H> & { byteSize: number; fields: StructField[] },
  policy: Policy,
  defaults: Partial<H> = {},
): MessageSchema {
  const size = header.byteSize;
  const fields = header.fields.filter(([, t]) => !t.startsWith('pad')).map(([f]) => f);
  return {
    name,
    headerSize: size,
    policy,
    decode: (buf, off, end, _type, opts) => {
      const o = decodeAttrs<Record<string, unknown>>(buf, off + size, end, policy, policy.name, opts);
      Object.assign(o, header.decode(buf, off, size, { parent: o, path: name, variant: 0, options: opts ?? NO_OPTIONS }));
      return o;
    },
    encode: (w, obj) => {
      const h: Record<string | symbol, unknown> = { ...defaults };
      for (const f of fields) if (obj[f] !== undefined) h[f] = obj[f];
      delete h[STRUCT_EXTRA];
      header.encode(w, h as H, 0, obj);
      encodeAttrs(w, policy, obj);
    },
  };
}

const NO_OPTIONS: DecodeOptions = Object.freeze({});

/** A protocol nothing is known about: control messages by name, others as `type 0x..`. */
export function rawProtocol(family: number): Protocol {
  return {
    family,
    name: NETLINK_FAMILY_NAMES[family] ?? `NETLINK_${family}`,
    messageName: (type) => controlName(type) ?? `type 0x${type.toString(16)}`,
    schemaFor: () => undefined,
  };
}

/** NLMSG_NOOP/ERROR/DONE/OVERRUN by name (shared by every protocol), or undefined. */
export function controlName(type: number): string | undefined {
  return type < NLMSG_MIN_TYPE ? (NLMSG_TYPE_NAMES[type] ?? `NLMSG_type_${type}`) : undefined;
}

const registry = new Map<number, Protocol>();

/** Make a protocol known by its number (replaces an earlier one). */
export function registerProtocol(p: Protocol): void {
  registry.set(p.family, p);
}

/** The protocol registered for a number, or a raw one. */
export function protocolFor(family: number): Protocol {
  return registry.get(family) ?? rawProtocol(family);
}

/** Every registered protocol. */
export function listProtocols(): Protocol[] {
  return [...registry.values()];
}

/** Short "key=value" summary of a decoded object's scalar fields (for `summarize`). */
export function summarizeObject(o: Record<string, unknown>, keys: readonly string[]): string {
  const parts: string[] = [];
  for (const k of keys) {
    const v = o[k];
    if (v === undefined || v === null || v === '' || typeof v === 'object') continue;
    parts.push(`${k}=${String(v)}`);
  }
  return parts.join(' ');
}

/** A decoding context for one socket or one capture. */
export function createDecodeContext(protocol: Protocol | number, options: DecodeOptions = {}): DecodeContext {
  const p = typeof protocol === 'number' ? protocolFor(protocol) : protocol;
  return { protocol: p, options, state: p.createState?.() };
}

/**
 * Map an extended-ACK offset in a request onto the request: 'nlmsghdr',
 * '<schema> header', or the attribute path by the schema's policy
 * (IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_ID). The protocol's own
 * describeOffset wins when it has one.
 */
export function describeOffsetWith(ctx: DecodeContext, request: Buffer, offset: number): string | undefined {
  if (ctx.protocol.describeOffset) return ctx.protocol.describeOffset(request, offset, ctx);
  return describeBySchema(ctx, request, offset);
}

/** The default of {@link describeOffsetWith}: the schema's header, or the attribute path by its policy. */
export function describeBySchema(ctx: DecodeContext, request: Buffer, offset: number): string | undefined {
  if (request.length < NLMSG_HDRLEN) return undefined;
  const len = Math.min(request.length, request.readUInt32LE(0));
  const m: MessageRef = { type: request.readUInt16LE(4), buf: request, offset: 0, len };
  const s = ctx.protocol.schemaFor(m, ctx);
  if (!s) return undefined;
  const start = NLMSG_HDRLEN + s.headerSize;
  if (offset < start) return offset >= NLMSG_HDRLEN ? `${s.name} header` : 'nlmsghdr';
  return attrPathAt(request, start, len, s.policy, offset);
}
