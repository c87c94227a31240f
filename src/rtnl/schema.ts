/**
 * The NETLINK_ROUTE protocol: for each RTM_* type, its fixed header size,
 * top-level attribute policy and typed decoder/encoder, registered by the
 * family modules (link.ts, addr.ts, ...), and {@link routeProtocol}, the
 * registry entry the socket, the monitor, the CLI and the capture decoder
 * use, so every place decodes with the same codecs.
 * @module
 */
import { NLMSG_HDRLEN, NLMSG_MIN_TYPE, NLMSG_TYPE_NAMES, NETLINK_ROUTE } from '../netlink/constants.js';
import type { RawMessage } from '../netlink/message.js';
import { ArgumentError } from '../netlink/errors.js';
import {
  controlName,
  createDecodeContext,
  describeBySchema,
  summarizeObject,
  type DecodeContext,
  type DecodeOptions,
  type MessageSchema,
  type Operation,
  type Protocol,
} from '../netlink/protocol.js';
import { UAPI } from './uapi.js';
import { linkSchema } from './link.js';
import { addressSchema } from './addr.js';
import { routeSchema } from './route.js';
import { neighSchema } from './neigh.js';
import { ruleSchema } from './rule.js';
import { nsidSchema } from './nsid.js';

export type { MessageSchema };

/** A schema with the RTM_* types it is for. */
export interface RouteSchema<T extends object = Record<string, unknown>> extends MessageSchema<T> {
  readonly types: readonly number[];
}

/** RTM_* number -> name ('RTM_NEWLINK'). */
export const RTM_NAMES: Record<number, string> = {};
for (const k in UAPI) {
  if (!k.startsWith('RTM_') || !/^RTM_(NEW|DEL|GET|SET)[A-Z0-9]+$/.test(k)) continue;
  const v = UAPI[k as keyof typeof UAPI];
  if (!(v in RTM_NAMES)) RTM_NAMES[v] = k;
}

/** Name of a NETLINK_ROUTE message type. */
export function rtmName(type: number): string {
  return NLMSG_TYPE_NAMES[type] ?? RTM_NAMES[type] ?? `RTM_type_${type}`;
}

// Decoded messages are plain attribute objects: every schema is stored under its record view.
const schemas = new Map<number, MessageSchema>();
for (const s of [linkSchema, addressSchema, routeSchema, neighSchema, ruleSchema, nsidSchema] as ReadonlyArray<RouteSchema<object>>) {
  for (const t of s.types) schemas.set(t, s as unknown as MessageSchema);
}

/** Register a schema for message types (the built-in families are in the table already). */
export function registerSchema<T extends object>(types: number[], schema: MessageSchema<T>): void {
  for (const t of types) schemas.set(t, schema as unknown as MessageSchema);
}

/** Schema for an RTM_* type, if known. */
export function schemaFor(type: number): MessageSchema | undefined {
  return schemas.get(type);
}

/**
 * Decode a raw NETLINK_ROUTE message into its typed object (undefined for
 * unknown types). `opts`: decode options, e.g. the IFLA_INET6_STATS layout.
 */
export function decodeMessage(m: RawMessage, opts?: DecodeOptions): Record<string, unknown> | undefined {
  if (typeof m !== 'object' || m === null || !Buffer.isBuffer(m.buf)) throw new ArgumentError('message', 'expected a message from splitMessages()');
  const s = schemas.get(m.type);
  if (!s) return undefined;
  return s.decode(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len, m.type, opts);
}

/** Turn an extended-ACK offset in a request into an attribute path. */
export function describeRequestOffset(request: Buffer, offset: number): string | undefined {
  return describeBySchema(routeContext, request, offset);
}

const SUMMARY_KEYS = ['name', 'index', 'kind', 'family', 'address', 'local', 'prefixLen', 'dst', 'dstLen', 'gateway', 'oif', 'table', 'lladdr', 'state', 'priority', 'master', 'mtu'];

/** Short "key=value" summary of a message for debug output. */
export function summarizeMessage(m: RawMessage, ctx?: DecodeContext): string | undefined {
  if (m.type < NLMSG_MIN_TYPE) return undefined;
  const o = decodeMessage(m, ctx?.options);
  return o ? summarizeObject(o, SUMMARY_KEYS) : undefined;
}

/** Whether an RTM_* type is a get, new or del request (its NLM_F_* bits 8-11 differ). */
function operation(type: number): Operation | undefined {
  const name = RTM_NAMES[type];
  if (name === undefined) return undefined;
  return name.startsWith('RTM_GET') ? 'get' : name.startsWith('RTM_NEW') ? 'new' : name.startsWith('RTM_DEL') ? 'del' : undefined;
}

/** NETLINK_ROUTE in the protocol registry: RTM_* names, the schemas registered above, ext-ack paths, summaries. */
export const routeProtocol: Protocol = {
  family: NETLINK_ROUTE,
  name: 'NETLINK_ROUTE',
  strictCheck: true,
  messageName: (type) => controlName(type) ?? RTM_NAMES[type] ?? `RTM_type_${type}`,
  schemaFor: (m) => schemas.get(m.type),
  operation,
  summarize: summarizeMessage,
};
const routeContext = createDecodeContext(routeProtocol);
