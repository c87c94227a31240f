/**
 * NETLINK_GENERIC as a protocol: everything the core's protocol registry
 * needs, as plain functions and one small class, so the engine, debug
 * tracing, monitors, the capture reader and the CLI can plug generic netlink
 * in with a few lines:
 *
 * - message naming: `genl <family> <CMD>` ({@link genlMessageName}); from the
 *   type alone (the socket's typeName hook) `genl <family>` ({@link genlTypeName})
 * - header size after nlmsghdr: {@link GENL_HDRLEN} (genlmsghdr: cmd u8,
 *   version u8, reserved u16) plus the family's own header (0 for every family here)
 * - schema lookup by family name + cmd + direction ({@link genlPolicy}):
 *   ethtool numbers its kernel-to-user messages apart from its requests
 * - ext-ack offset -> attribute path ({@link describeGenlOffset})
 * - one-line summaries ({@link summarizeGenl})
 * - family ids: per socket or per capture, never process-wide
 *   ({@link GenlFamilyIds}), learnt from CTRL_CMD_NEWFAMILY / DELFAMILY
 *   messages ({@link GenlFamilyIds.learn}) or given.
 *
 * Family modules (ctrl, macsec, team, wireguard, ethtool) describe their
 * messages with {@link registerGenlFamily}; that table is static (names,
 * commands, policies), only ids are per socket.
 * @module
 */
import { attrPathAt, decodeAttrs, encodeAttrs, forEachAttr, policy, type Policy } from '../netlink/attr.js';
import { NETLINK_GENERIC, NLMSG_HDRLEN, NLMSG_TYPE_NAMES, NLM_F_REQUEST } from '../netlink/constants.js';
import type { DecodeContext, MessageRef, MessageSchema, Protocol } from '../netlink/protocol.js';
import { ArgumentError, DecodeError } from '../netlink/errors.js';
import type { RawMessage } from '../netlink/message.js';
import type { Writer } from '../netlink/writer.js';
import { describe } from '../netlink/ip.js';
import { GENL_UAPI as G } from './uapi.js';

/** sizeof(struct genlmsghdr): cmd u8, version u8, reserved u16. */
export const GENL_HDRLEN = 4;
/** The controller's fixed id (GENL_ID_CTRL) and name. */
export const GENL_ID_CTRL = G.GENL_ID_CTRL;
export const GENL_CTRL_NAME = 'nlctrl';
/** Longest family name (GENL_NAMSIZ - 1 bytes). */
export const GENL_NAME_MAX = G.GENL_NAMSIZ - 1;

/** How the messages of one generic netlink family decode (static, registered by the family's module). */
export interface GenlFamilySpec {
  /** Name the kernel registers the family under ('wireguard'). */
  readonly name: string;
  /** genlmsghdr.version of our requests (the family's uapi *_GENL_VERSION). */
  readonly version: number;
  /** The family's fixed header after genlmsghdr, in bytes (0 for all families here). */
  readonly hdrSize?: number;
  /** Command names of requests (user -> kernel): { 1: 'WG_CMD_SET_DEVICE' }. */
  readonly commands: Readonly<Record<number, string>>;
  /** Command names of messages from the kernel, when the family numbers them apart (ethtool). */
  readonly replyCommands?: Readonly<Record<number, string>>;
  /** Top-level attribute policy of a message with this command and direction. */
  policy(cmd: number, fromKernel: boolean): Policy | undefined;
  /** Attribute names (API names) worth showing in a one-line summary, in order. */
  readonly summaryKeys?: readonly string[];
}

const families = new Map<string, GenlFamilySpec>();

/** Register a family's message table (done by each family module when it loads). */
export function registerGenlFamily(spec: GenlFamilySpec): void {
  families.set(spec.name, spec);
}

/** The registered table of a family name, if any. */
export function genlFamilySpec(name: string | undefined): GenlFamilySpec | undefined {
  return name === undefined ? undefined : families.get(name);
}

/** Names of the families this library decodes. */
export function genlFamilyNames(): string[] {
  return [...families.keys()];
}

/** Whether a message was sent by the kernel (requests always carry NLM_F_REQUEST, the kernel's messages never do). */
export function isFromKernel(flags: number): boolean {
  return (flags & NLM_F_REQUEST) === 0;
}

/** Name of a command of a family ('WG_CMD_GET_DEVICE'), or 'cmd N'. */
export function genlCommandName(family: string | undefined, cmd: number, fromKernel: boolean): string {
  const spec = genlFamilySpec(family);
  const table = fromKernel ? (spec?.replyCommands ?? spec?.commands) : spec?.commands;
  return table?.[cmd] ?? `cmd ${cmd}`;
}

/** Attribute policy of a message: by family name, command and direction. */
export function genlPolicy(family: string | undefined, cmd: number, fromKernel: boolean): Policy | undefined {
  return genlFamilySpec(family)?.policy(cmd, fromKernel);
}

/**
 * Generic netlink family ids as one socket (or one capture) knows them. Ids
 * are the kernel's choice at module load time, so they are learnt, never
 * assumed: from the controller's answers and notifications (CTRL_CMD_NEWFAMILY
 * adds, CTRL_CMD_DELFAMILY removes), or given (`--genl-family ID=NAME`).
 * GENL_ID_CTRL (16) is always 'nlctrl'. Bounded as the kernel's ids are: 16..GENL_MAX_ID (1023).
 */
export class GenlFamilyIds {
  /** Most ids kept (the kernel's ids are below GENL_MAX_ID, 1023). */
  static readonly MAX = 4096;
  private readonly byId = new Map<number, string>();
  private readonly byName = new Map<string, number>();
  /** Called after an id was added or removed (e.g. to drop a cached family). */
  onChange: ((id: number, name: string, present: boolean) => void) | undefined;

  constructor(initial: Iterable<readonly [number, string]> = []) {
    this.set(GENL_ID_CTRL, GENL_CTRL_NAME);
    for (const [id, name] of initial) this.set(id, name);
  }

  /** Family name of an id. */
  name(id: number): string | undefined {
    return this.byId.get(id);
  }
  /** Id of a family name, when known. */
  id(name: string): number | undefined {
    return this.byName.get(name);
  }
  /** Known (id, name) pairs. */
  entries(): Array<[number, string]> {
    return [...this.byId.entries()];
  }
  get size(): number {
    return this.byId.size;
  }

  /** Record that `id` is family `name`. Throws ArgumentError for an id outside 16..1023 (the kernel's GENL_MIN_ID..GENL_MAX_ID) or a bad name. */
  set(id: number, name: string): void {
    if (!Number.isInteger(id) || id < G.GENL_MIN_ID || id > G.GENL_MAX_ID) throw new ArgumentError('id', `expected a generic netlink family id ${G.GENL_MIN_ID}..${G.GENL_MAX_ID}, got ${describe(id)}`);
    checkFamilyName(name, 'name');
    if (id === GENL_ID_CTRL && name !== GENL_CTRL_NAME) throw new ArgumentError('id', `id ${GENL_ID_CTRL} is always ${GENL_CTRL_NAME}`);
    if (name === GENL_CTRL_NAME && id !== GENL_ID_CTRL) throw new ArgumentError('name', `${GENL_CTRL_NAME} is always id ${GENL_ID_CTRL}`);
    const old = this.byId.get(id);
    if (old === name) return;
    if (old !== undefined) this.byName.delete(old);
    const oldId = this.byName.get(name);
    if (oldId !== undefined) this.byId.delete(oldId);
    if (this.byId.size >= GenlFamilyIds.MAX) return; // hostile captures cannot grow the table without bound
    this.byId.set(id, name);
    this.byName.set(name, id);
    this.onChange?.(id, name, true);
  }

  /** Forget an id (the family went away). */
  delete(id: number): void {
    if (id === GENL_ID_CTRL) return;
    const name = this.byId.get(id);
    if (name === undefined) return;
    this.byId.delete(id);
    if (this.byName.get(name) === id) this.byName.delete(name);
    this.onChange?.(id, name, false);
  }

  /**
   * Learn from a message: a controller message from the kernel with
   * CTRL_CMD_NEWFAMILY (an answer to GETFAMILY, a dump entry, or the
   * notification of a new family) maps its CTRL_ATTR_FAMILY_ID to its
   * CTRL_ATTR_FAMILY_NAME; CTRL_CMD_DELFAMILY forgets it. Returns whether the
   * message was one of those. Malformed messages are ignored (never throws).
   */
  learn(m: Pick<RawMessage, 'type' | 'flags' | 'buf' | 'offset' | 'len'>): boolean {
    if (m.type !== GENL_ID_CTRL || !isFromKernel(m.flags) || m.len < NLMSG_HDRLEN + GENL_HDRLEN) return false;
    const start = m.offset + NLMSG_HDRLEN;
    const end = m.offset + m.len;
    if (end > m.buf.length) return false;
    const cmd = m.buf[start]!;
    if (cmd !== G.CTRL_CMD_NEWFAMILY && cmd !== G.CTRL_CMD_DELFAMILY) return false;
    let id: number | undefined;
    let name: string | undefined;
    try {
      forEachAttr(m.buf, start + GENL_HDRLEN, end, (type, _flags, off, len) => {
        if (type === G.CTRL_ATTR_FAMILY_ID && len === 2) id = m.buf.readUInt16LE(off);
        else if (type === G.CTRL_ATTR_FAMILY_NAME && len >= 1) {
          const nul = m.buf.indexOf(0, off);
          name = m.buf.toString('utf8', off, nul >= off && nul < off + len ? nul : off + len);
        }
      });
    } catch {
      return false;
    }
    if (id === undefined || name === undefined) return false;
    try {
      if (cmd === G.CTRL_CMD_NEWFAMILY) this.set(id, name);
      else if (this.byId.get(id) === name) this.delete(id);
    } catch {
      return false; // an impossible id or name: not learnt
    }
    return true;
  }
}

/** Validate a family name: 1..15 bytes, no NUL. */
export function checkFamilyName(name: unknown, field = 'family'): string {
  if (typeof name !== 'string' || name.length === 0) throw new ArgumentError(field, `expected a generic netlink family name, got ${describe(name)}`);
  if (name.includes('\0')) throw new ArgumentError(field, 'family name contains a NUL byte');
  if (Buffer.byteLength(name) > GENL_NAME_MAX) throw new ArgumentError(field, `family name "${name}" is longer than ${GENL_NAME_MAX} bytes (GENL_NAMSIZ)`);
  return name;
}

/** struct genlmsghdr */
export interface GenlHeader {
  cmd: number;
  version: number;
  reserved: number;
}

/** Read the genlmsghdr at buf[off]; DecodeError when fewer than 4 bytes are left before `end`. */
export function readGenlHeader(buf: Buffer, off: number, end: number): GenlHeader {
  if (end - off < GENL_HDRLEN) throw new DecodeError(`generic netlink message payload of ${Math.max(0, end - off)} bytes is shorter than genlmsghdr (4)`, off, 'genlmsghdr');
  return { cmd: buf[off]!, version: buf[off + 1]!, reserved: buf.readUInt16LE(off + 2) };
}

/** A generic netlink message, decoded. */
export interface GenlMessage extends GenlHeader {
  /** nlmsg_type: the family id. */
  familyId: number;
  /** Family name, when the id is known to the socket or capture. */
  family: string | undefined;
  /** Command name ('WG_CMD_GET_DEVICE'), or 'cmd N'. */
  cmdName: string;
  /** The kernel sent it (no NLM_F_REQUEST). */
  fromKernel: boolean;
  /** The attributes decoded with the family's policy (absent when the family or command is not known: see `payload`). */
  attrs?: Record<string, unknown>;
  /** The policy `attrs` was decoded with. */
  policy?: Policy;
  /** The family's own fixed header, when it has one. */
  familyHeader?: Buffer;
  /** The attribute bytes, when they were not decoded. */
  payload?: Buffer;
}

/**
 * Name of a message type for a socket or capture: NLMSG_* below 16,
 * otherwise `genl <family>` (or `genl 0x1a` for an id not learnt).
 */
export function genlTypeName(type: number, ids: GenlFamilyIds): string {
  if (type < G.GENL_MIN_ID) return NLMSG_TYPE_NAMES[type] ?? `NLMSG_type_${type}`;
  const name = ids.name(type);
  return name !== undefined ? `genl ${name}` : `genl 0x${type.toString(16)}`;
}

/** `genl <family> <CMD>` for a message (NLMSG_* names for control messages). */
export function genlMessageName(m: Pick<RawMessage, 'type' | 'flags' | 'buf' | 'offset' | 'len'>, ids: GenlFamilyIds): string {
  const t = genlTypeName(m.type, ids);
  if (m.type < G.GENL_MIN_ID || m.len < NLMSG_HDRLEN + 1 || m.offset + NLMSG_HDRLEN >= m.buf.length) return t;
  return `${t} ${genlCommandName(ids.name(m.type), m.buf[m.offset + NLMSG_HDRLEN]!, isFromKernel(m.flags))}`;
}

/**
 * Decode a generic netlink message (type >= 16). Throws DecodeError for a
 * payload shorter than genlmsghdr or malformed attributes; unknown families
 * and commands come back with their raw `payload`.
 */
export function decodeGenlMessage(m: Pick<RawMessage, 'type' | 'flags' | 'buf' | 'offset' | 'len'>, ids: GenlFamilyIds): GenlMessage {
  const start = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  const h = readGenlHeader(m.buf, start, end);
  const family = ids.name(m.type);
  const fromKernel = isFromKernel(m.flags);
  const out: GenlMessage = { familyId: m.type, family, ...h, cmdName: genlCommandName(family, h.cmd, fromKernel), fromKernel };
  const spec = genlFamilySpec(family);
  let at = start + GENL_HDRLEN;
  const hdr = spec?.hdrSize ?? 0;
  if (hdr) {
    if (end - at < hdr) throw new DecodeError(`${family} message shorter than its ${hdr}-byte family header`, at, family ?? '');
    out.familyHeader = m.buf.subarray(at, at + hdr);
    at += hdr;
  }
  const pol = spec?.policy(h.cmd, fromKernel);
  if (pol) {
    out.policy = pol;
    out.attrs = decodeAttrs(m.buf, at, end, pol, pol.name);
  } else out.payload = m.buf.subarray(at, end);
  return out;
}

/** Write a decoded (or built) message's payload: genlmsghdr, family header, attributes. The inverse of decodeGenlMessage. */
export function encodeGenlPayload(w: Writer, msg: Pick<GenlMessage, 'cmd' | 'version' | 'reserved' | 'attrs' | 'policy' | 'familyHeader' | 'payload'>): void {
  w.u8(msg.cmd);
  w.u8(msg.version);
  w.u16(msg.reserved ?? 0);
  if (msg.familyHeader) w.bytes(msg.familyHeader);
  if (msg.attrs && msg.policy) encodeAttrs(w, msg.policy, msg.attrs);
  else if (msg.payload) w.bytes(msg.payload);
}

/**
 * Turn an extended-ACK offset in one of our requests into an attribute path
 * ("WGDEVICE_A_PEERS/[0]/WGPEER_A_PUBLIC_KEY"), using the family the
 * request's id has on this socket.
 */
export function describeGenlOffset(request: Buffer, offset: number, ids: GenlFamilyIds): string | undefined {
  if (request.length < NLMSG_HDRLEN) return undefined;
  const type = request.readUInt16LE(4);
  if (offset < NLMSG_HDRLEN) return 'nlmsghdr';
  const end = Math.min(request.length, request.readUInt32LE(0));
  if (offset < NLMSG_HDRLEN + GENL_HDRLEN) return 'genlmsghdr';
  if (type < G.GENL_MIN_ID || end < NLMSG_HDRLEN + GENL_HDRLEN) return undefined;
  const family = ids.name(type);
  const spec = genlFamilySpec(family);
  const start = NLMSG_HDRLEN + GENL_HDRLEN + (spec?.hdrSize ?? 0);
  if (offset < start) return `${family} header`;
  const pol = spec?.policy(request[NLMSG_HDRLEN]!, isFromKernel(request.readUInt16LE(6)));
  return arrayAwarePath(request, start, end, pol, offset);
}

/** attrPathAt, descending into nested arrays (".../[2]/..."). */
function arrayAwarePath(buf: Buffer, off: number, end: number, pol: Policy | undefined, offset: number): string | undefined {
  const direct = attrPathAt(buf, off, end, pol, offset);
  if (!direct || !pol) return direct;
  // attrPathAt stops at attributes whose codec has no policyFor (our arrays): walk those ourselves.
  let p = off;
  while (end - p >= 4) {
    const len = buf.readUInt16LE(p);
    if (len < 4 || p + len > end) return direct;
    if (offset >= p && offset < p + len) {
      const spec = pol.byType[buf.readUInt16LE(p + 2) & 0x3fff];
      const elem = (spec?.codec as { elementPolicy?: Policy } | undefined)?.elementPolicy;
      const sub = (spec?.codec as { policyFor?: (p: Record<string, unknown>) => Policy | undefined } | undefined)?.policyFor?.({});
      if (!spec || offset < p + 4) return direct;
      if (elem) {
        let q = p + 4;
        let i = 0;
        while (p + len - q >= 4) {
          const el = buf.readUInt16LE(q);
          if (el < 4 || q + el > p + len) return direct;
          if (offset >= q && offset < q + el) {
            if (offset < q + 4) return `${spec.uapi}/[${i}]`;
            const inner = arrayAwarePath(buf, q + 4, q + el, elem, offset);
            return inner ? `${spec.uapi}/[${i}]/${inner}` : `${spec.uapi}/[${i}]`;
          }
          q += (el + 3) & ~3;
          i++;
        }
        return direct;
      }
      if (sub) {
        const inner = arrayAwarePath(buf, p + 4, p + len, sub, offset);
        return inner ? `${spec.uapi}/${inner}` : spec.uapi;
      }
      return direct;
    }
    p += (len + 3) & ~3;
  }
  return direct;
}

/** Short "key=value" summary of a message for debug output. */
export function summarizeGenl(m: RawMessage, ids: GenlFamilyIds): string | undefined {
  if (m.type < G.GENL_MIN_ID) return undefined;
  const g = decodeGenlMessage(m, ids);
  const keys = genlFamilySpec(g.family)?.summaryKeys ?? [];
  const parts = [g.cmdName];
  if (g.attrs) {
    for (const k of keys) {
      const v = g.attrs[k];
      if (v === undefined || v === null || typeof v === 'object') continue;
      parts.push(`${k}=${String(v)}`);
    }
  }
  return parts.join(' ');
}

// ------------------------------------------------------------------ the registry entry

/** The family ids a decode context has learnt (its protocol state), or a fresh empty table. */
export function genlIds(ctx: DecodeContext | undefined): GenlFamilyIds {
  const s = ctx?.state;
  return s instanceof GenlFamilyIds ? s : new GenlFamilyIds();
}

/** A message's nlmsg_flags when its header is in the bytes (MessageRef does not carry them). */
function refFlags(m: MessageRef): number {
  return m.len >= NLMSG_HDRLEN && m.offset + NLMSG_HDRLEN <= m.buf.length ? m.buf.readUInt16LE(m.offset + 6) : 0;
}

/** A policy with no attributes: a known family's command this library has no table for keeps its attributes raw (lossless). */
const RAW_POLICY: Policy = policy('GENL_RAW', {}, []);

const schemaCache = new WeakMap<GenlFamilySpec, Map<number, MessageSchema<GenlMessage>>>();

/**
 * The schema of one (family, command, direction): decodes to a
 * {@link GenlMessage} (header fields, names and `attrs`; no `policy`, the
 * schema has it) and encodes one back byte for byte.
 */
function genlSchema(spec: GenlFamilySpec, cmd: number, fromKernel: boolean): MessageSchema<GenlMessage> | undefined {
  if (spec.hdrSize) return undefined; // no family here has its own header: such a family decodes raw
  let byKey = schemaCache.get(spec);
  if (!byKey) schemaCache.set(spec, (byKey = new Map()));
  const key = cmd * 2 + (fromKernel ? 1 : 0);
  let s = byKey.get(key);
  if (!s) {
    const pol = spec.policy(cmd, fromKernel) ?? RAW_POLICY;
    const cmdName = genlCommandName(spec.name, cmd, fromKernel);
    s = {
      name: spec.name,
      headerSize: GENL_HDRLEN,
      policy: pol,
      decode: (buf, off, end, type) => {
        const h = readGenlHeader(buf, off, end);
        return { familyId: type, family: spec.name, ...h, cmdName: h.cmd === cmd ? cmdName : genlCommandName(spec.name, h.cmd, fromKernel), fromKernel, attrs: decodeAttrs(buf, off + GENL_HDRLEN, end, pol, pol.name) };
      },
      encode: (w, obj) => encodeGenlPayload(w, { ...obj, policy: pol }),
    };
    byKey.set(key, s);
  }
  return s;
}

/**
 * NETLINK_GENERIC in the core's protocol registry. Its per-context state is
 * a {@link GenlFamilyIds} (one per socket, one per capture), learnt from the
 * controller's CTRL_CMD_NEWFAMILY/DELFAMILY messages the context sees
 * (`observe`). Messages are named `genl <family> <CMD>`, decoded by (family
 * name, command, direction) into a {@link GenlMessage}, their ext-ack
 * offsets mapped into nested arrays too.
 */
export const genlProtocol: Protocol = {
  family: NETLINK_GENERIC,
  name: 'NETLINK_GENERIC',
  messageName(type, ctx, msg) {
    const ids = genlIds(ctx);
    return msg ? genlMessageName({ type, flags: refFlags(msg), buf: msg.buf, offset: msg.offset, len: msg.len }, ids) : genlTypeName(type, ids);
  },
  schemaFor(m, ctx) {
    if (m.type < G.GENL_MIN_ID || m.len < NLMSG_HDRLEN + 1 || m.offset + NLMSG_HDRLEN >= m.buf.length) return undefined;
    const spec = genlFamilySpec(genlIds(ctx).name(m.type));
    if (!spec) return undefined;
    return genlSchema(spec, m.buf[m.offset + NLMSG_HDRLEN]!, isFromKernel(refFlags(m))) as MessageSchema | undefined;
  },
  describeOffset: (request, offset, ctx) => describeGenlOffset(request, offset, genlIds(ctx)),
  summarize: (m, ctx) => summarizeGenl(m, genlIds(ctx)),
  createState: () => new GenlFamilyIds(),
  observe: (m, ctx) => void genlIds(ctx).learn(m),
};

/** genlProtocol whose contexts share one id table (a monitor socket learning with its handle). */
export function genlProtocolSharing(ids: GenlFamilyIds): Protocol {
  return { ...genlProtocol, createState: () => ids };
}
