/**
 * Registry of NETLINK_ROUTE message types: for each RTM_* type, its fixed
 * header size, top-level attribute policy and typed decoder/encoder. Used by
 * the socket (error messages, debug), the monitor, the CLI and the capture
 * decoder, so every place decodes with the same codecs.
 * @module
 */
import { attrPathAt, type Policy } from '../netlink/attr.js';
import { NLMSG_HDRLEN, NLMSG_TYPE_NAMES } from '../netlink/constants.js';
import type { RawMessage } from '../netlink/message.js';
import { ArgumentError } from '../netlink/errors.js';
import type { Writer } from '../netlink/writer.js';
import { UAPI } from './uapi.js';

/** RTM_* number -> name ('RTM_NEWLINK'). */
export const RTM_NAMES: Record<number, string> = {};
for (const [k, v] of Object.entries(UAPI)) {
  if (/^RTM_(NEW|DEL|GET|SET)[A-Z0-9]+$/.test(k) && !(v in RTM_NAMES)) RTM_NAMES[v] = k;
}

/** Name of a NETLINK_ROUTE message type. */
export function rtmName(type: number): string {
  return NLMSG_TYPE_NAMES[type] ?? RTM_NAMES[type] ?? `RTM_type_${type}`;
}

/** How to decode and encode one family of rtnetlink messages. */
export interface MessageSchema<T extends object = Record<string, unknown>> {
  /** Object kind, e.g. 'link', 'address', 'route'. */
  readonly name: string;
  /** Size of the fixed header after nlmsghdr (ifinfomsg = 16). */
  readonly headerSize: number;
  /** Policy of the top-level attributes. */
  readonly policy: Policy;
  /** Decode payload buf[off, end) (after the nlmsghdr) into a typed object. */
  decode(buf: Buffer, off: number, end: number, msgType: number): T;
  /** Encode a (decoded or built) object as payload. */
  encode(w: Writer, obj: T): void;
}

// Decoded messages are plain attribute objects: every schema is stored under its record view.
const schemas = new Map<number, MessageSchema>();

/** Register a schema for message types. */
export function registerSchema<T extends object>(types: number[], schema: MessageSchema<T>): void {
  for (const t of types) schemas.set(t, schema as unknown as MessageSchema);
}

/** Schema for an RTM_* type, if known. */
export function schemaFor(type: number): MessageSchema | undefined {
  return schemas.get(type);
}

/** Decode a raw NETLINK_ROUTE message into its typed object (undefined for unknown types). */
export function decodeMessage(m: RawMessage): Record<string, unknown> | undefined {
  if (typeof m !== 'object' || m === null || !Buffer.isBuffer(m.buf)) throw new ArgumentError('message', 'expected a message from splitMessages()');
  const s = schemas.get(m.type);
  if (!s) return undefined;
  return s.decode(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len, m.type);
}

/** Turn an extended-ACK offset in a request into an attribute path. */
export function describeRequestOffset(request: Buffer, offset: number): string | undefined {
  if (request.length < NLMSG_HDRLEN) return undefined;
  const type = request.readUInt16LE(4);
  const s = schemas.get(type);
  if (!s) return undefined;
  const start = NLMSG_HDRLEN + s.headerSize;
  const end = Math.min(request.length, request.readUInt32LE(0));
  if (offset < start) return offset >= NLMSG_HDRLEN ? `${s.name} header` : 'nlmsghdr';
  return attrPathAt(request, start, end, s.policy, offset);
}

const SUMMARY_KEYS = ['name', 'index', 'kind', 'family', 'address', 'local', 'prefixLen', 'dst', 'dstLen', 'gateway', 'oif', 'table', 'lladdr', 'state', 'priority', 'master', 'mtu'];

/** Short "key=value" summary of a message for debug output. */
export function summarizeMessage(m: RawMessage): string | undefined {
  if (m.type < 16) return undefined;
  const o = decodeMessage(m);
  if (!o) return undefined;
  const parts: string[] = [];
  for (const k of SUMMARY_KEYS) {
    const v = o[k];
    if (v === undefined || v === null || v === '' || typeof v === 'object') continue;
    parts.push(`${k}=${String(v)}`);
  }
  return parts.join(' ');
}
