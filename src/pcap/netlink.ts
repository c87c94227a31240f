/**
 * LINKTYPE_NETLINK (253) captures, as written by tcpdump/dumpcap on an nlmon
 * device (and by ./writer.ts): each packet is a 16-byte cooked header
 * (struct sll_header: packet type, ARPHRD_NETLINK 824, address length and
 * address (unused), then the netlink family in the protocol field, all
 * big-endian), followed by one netlink datagram: one or more messages.
 *
 * Messages are named and decoded through the protocol registry (the same
 * codecs as the live socket): NETLINK_ROUTE, NETLINK_GENERIC (family ids
 * learned from the capture's own controller messages) and NETLINK_NETFILTER;
 * other families come out as raw messages with their headers. What a
 * protocol learns from the traffic is kept per capture (one decode context
 * per family), never process-wide.
 * @module
 */
import {
  NETLINK_FAMILY_NAMES,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLM_F_ACK,
  NLM_F_ACK_TLVS,
  NLM_F_APPEND,
  NLM_F_ATOMIC,
  NLM_F_BULK,
  NLM_F_CAPPED,
  NLM_F_CREATE,
  NLM_F_DUMP_FILTERED,
  NLM_F_DUMP_INTR,
  NLM_F_ECHO,
  NLM_F_EXCL,
  NLM_F_MATCH,
  NLM_F_MULTI,
  NLM_F_NONREC,
  NLM_F_REPLACE,
  NLM_F_REQUEST,
  NLM_F_ROOT,
} from '../netlink/constants.js';
import { DecodeError, type ExtAck } from '../netlink/errors.js';
import { errnoName } from '../netlink/errno.js';
import { parseDone, parseError, splitMessagesPartial, type NlMsgHeader, type RawMessage } from '../netlink/message.js';
import { createDecodeContext, describeOffsetWith, type DecodeContext, type MessageSchema, type DecodeOptions, type MessageRef } from '../netlink/protocol.js';
import { protocolFor } from '../protocols.js';
// Link kinds register their IFLA_INFO_DATA policies when their modules load: load them all.
import { registerBuiltinKinds } from '../rtnl/kinds/table.js';
import { readPackets, CaptureFormatError, type CapturePacket, type CaptureSource, type ReadOptions } from './reader.js';

import { ARPHRD_NETLINK, LINKTYPE_NETLINK, NETLINK_COOKED_HEADER_SIZE } from './constants.js';

// the built-in link kinds (veth, bridge, vxlan, ...) and tun/tap's creator, from their table
registerBuiltinKinds();

export * from './constants.js';

/** A netlink message found in a capture (or in hex given to the CLI). */
export interface CapturedMessage extends NlMsgHeader {
  /** RTM_NEWLINK, NFT_MSG_NEWRULE, nlctrl/CTRL_CMD_NEWFAMILY, NLMSG_DONE, ... or "type 0x1a" for families without a protocol entry. */
  typeName: string;
  /** NLM_F_* names of the flags set (unknown bits as hex). */
  flagNames: string[];
  /** Payload after the nlmsghdr (a view into the packet). */
  payload: Buffer;
  /** The message as the socket layer sees it (buffer and offset). */
  raw: RawMessage;
  /** The schema's object kind ('link', 'address', 'rule', 'nlctrl', ...), when the protocol has a schema for the message. */
  kind?: string;
  /** The decoded object (same codecs as the live socket). */
  object?: Record<string, unknown>;
  /** The schema the message has in its protocol (for printing the object by its policy). */
  schema?: MessageSchema;
  /** NLMSG_ERROR: the error code (0 = ACK), the request header it answers and the extended ACK. */
  error?: { error: number; code: string | undefined; request: NlMsgHeader & { typeName: string }; extack: ExtAck };
  /** NLMSG_DONE: its status (0 or -errno). */
  done?: { error: number; code: string | undefined };
  /** Why the payload could not be decoded (the header fields above are still right). */
  decodeError?: DecodeError;
}

/** The netlink view of one captured packet. */
export interface NetlinkFrame {
  /** sll_pkttype: 4 (outgoing) in nlmon captures; the recorder writes 4 for sent and 0 for received datagrams. */
  pkttype: number;
  /** sll_hatype: 824 (ARPHRD_NETLINK). */
  hatype: number;
  /** Netlink family (socket protocol): 0 NETLINK_ROUTE, 4 NETLINK_SOCK_DIAG, 16 NETLINK_GENERIC, ... */
  family: number;
  familyName: string;
  /** The messages of the datagram, in order. */
  messages: CapturedMessage[];
  /** The datagram was cut by the snaplen: the last message may be missing. */
  truncated: boolean;
  /** Framing error in the datagram (messages before it are in `messages`). */
  error?: DecodeError;
  /**
   * Zero bytes after the last message, which the kernel skips (it stops at a
   * header with nlmsg_len below 16): iproute2 sends its address, route and
   * neighbour dump requests with 120-256 of them. Absent when there are none.
   */
  padding?: number;
}

export interface NetlinkPacket extends CapturePacket, NetlinkFrame {}

/** Name of a netlink family number: 'NETLINK_ROUTE'. */
export function netlinkFamilyName(family: number): string {
  return NETLINK_FAMILY_NAMES[family] ?? `NETLINK_${family}`;
}

/**
 * Message type name for a family, from its protocol's registry entry. With
 * a capture's decode context (and the message, which generic netlink names
 * by its command) names learned from the traffic are used.
 */
export function messageTypeName(type: number, family: number, ctx?: DecodeContext, msg?: MessageRef): string {
  return (ctx?.protocol ?? protocolFor(family)).messageName(type, ctx, msg);
}

/**
 * Decode contexts of one capture, one per netlink family: what a protocol
 * learns from the traffic (generic netlink family ids) stays within the
 * capture. `options`: decode options (e.g. rtnetlink's `inet6StatsLayout`).
 */
export function captureContexts(options: DecodeOptions = {}): (family: number) => DecodeContext {
  const byFamily = new Map<number, DecodeContext>();
  return (family) => {
    let c = byFamily.get(family);
    if (!c) {
      c = createDecodeContext(protocolFor(family), options);
      // families are 16-bit in the cooked header: bound the table anyway
      if (byFamily.size < 64) byFamily.set(family, c);
    }
    return c;
  };
}

const COMMON_FLAGS: Array<[number, string]> = [
  [NLM_F_REQUEST, 'REQUEST'],
  [NLM_F_MULTI, 'MULTI'],
  [NLM_F_ACK, 'ACK'],
  [NLM_F_ECHO, 'ECHO'],
  [NLM_F_DUMP_INTR, 'DUMP_INTR'],
  [NLM_F_DUMP_FILTERED, 'DUMP_FILTERED'],
];
const GET_FLAGS: Array<[number, string]> = [[NLM_F_ROOT, 'ROOT'], [NLM_F_MATCH, 'MATCH'], [NLM_F_ATOMIC, 'ATOMIC']];
const NEW_FLAGS: Array<[number, string]> = [[NLM_F_REPLACE, 'REPLACE'], [NLM_F_EXCL, 'EXCL'], [NLM_F_CREATE, 'CREATE'], [NLM_F_APPEND, 'APPEND']];
const DEL_FLAGS: Array<[number, string]> = [[NLM_F_NONREC, 'NONREC'], [NLM_F_BULK, 'BULK']];
const ACK_FLAGS: Array<[number, string]> = [[NLM_F_CAPPED, 'CAPPED'], [NLM_F_ACK_TLVS, 'ACK_TLVS']];

/**
 * NLM_F_* names of a message's flags. The meaning of bits 8-11 depends on the
 * request kind (GET/NEW/DEL), which the protocol knows for its types; where
 * it does not, they are shown as hex unless the message is a dump request.
 */
export function flagNames(type: number, flags: number, family = 0, ctx?: DecodeContext, msg?: MessageRef): string[] {
  const out: string[] = [];
  let rest = flags;
  const take = (list: Array<[number, string]>): void => {
    for (const [bit, name] of list) {
      if (rest & bit) {
        out.push(name);
        rest &= ~bit;
      }
    }
  };
  take(COMMON_FLAGS);
  const op = type === NLMSG_ERROR ? undefined : (ctx?.protocol ?? protocolFor(family)).operation?.(type, ctx, msg);
  if (type === NLMSG_ERROR) take(ACK_FLAGS);
  else if (op === 'get') take(GET_FLAGS);
  else if (op === 'new') take(NEW_FLAGS);
  else if (op === 'del') take(DEL_FLAGS);
  else if (op === undefined && flags & NLM_F_REQUEST && (flags & (NLM_F_ROOT | NLM_F_MATCH)) === (NLM_F_ROOT | NLM_F_MATCH)) {
    take(GET_FLAGS);
  }
  if (out.includes('ROOT') && out.includes('MATCH')) out.splice(out.indexOf('ROOT'), 2, 'DUMP');
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

/**
 * Decode one message of a datagram (never throws: payload problems land in
 * decodeError). `ctx`: the capture's decode context for the family (see
 * {@link captureContexts}); without one, a fresh context is used.
 */
export function decodeCapturedMessage(m: RawMessage, family: number, ctx: DecodeContext = createDecodeContext(protocolFor(family))): CapturedMessage {
  const payload = m.buf.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.len);
  try {
    ctx.protocol.observe?.(m, ctx);
  } catch {
    /* what the protocol cannot learn from, it decodes (or reports) below */
  }
  const typeName = messageTypeName(m.type, family, ctx, m);
  const out: CapturedMessage = {
    len: m.len,
    type: m.type,
    flags: m.flags,
    seq: m.seq,
    pid: m.pid,
    typeName,
    flagNames: flagNames(m.type, m.flags, family, ctx, m),
    payload,
    raw: m,
  };
  try {
    if (m.type === NLMSG_ERROR) {
      const e = parseError(m);
      if (e.error < 0 && e.extack.offset !== undefined) {
        const req = erroredRequest(m, e, ctx);
        const path = req && describeOffsetWith(ctx, req, e.extack.offset);
        if (path) e.extack.attributePath = path;
      }
      out.error = {
        error: e.error,
        code: e.error ? errnoName(-e.error) : undefined,
        request: { ...e.request, typeName: messageTypeName(e.request.type, family, ctx) },
        extack: e.extack,
      };
    } else if (m.type === NLMSG_DONE) {
      const d = parseDone(m);
      out.done = { error: d.error, code: d.error ? errnoName(-d.error) : undefined };
    } else {
      if (m.flags & NLM_F_REQUEST) rememberRequest(m, ctx);
      // A request may carry a shorter header than the schema's (e.g. a
      // GETLINK dump request with only rtgenmsg): only full ones decode.
      const s = ctx.protocol.schemaFor(m, ctx);
      if (s) {
        out.kind = s.name;
        out.schema = s;
        if (payload.length >= s.headerSize) out.object = s.decode(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len, m.type, ctx.options);
      }
    }
  } catch (e) {
    // malformed bytes are reported with the message; anything else is a bug and propagates as itself
    if (!(e instanceof DecodeError)) throw e;
    out.decodeError = e;
  }
  return out;
}

/** Requests seen in a capture, per decode context, by nlmsg_seq (the last {@link REQUESTS_KEPT}). */
const seenRequests = new WeakMap<DecodeContext, Map<number, Buffer>>();
const REQUESTS_KEPT = 256;

function rememberRequest(m: RawMessage, ctx: DecodeContext): void {
  let byseq = seenRequests.get(ctx);
  if (!byseq) seenRequests.set(ctx, (byseq = new Map()));
  byseq.delete(m.seq);
  byseq.set(m.seq, Buffer.from(m.buf.subarray(m.offset, m.offset + m.len))); // a copy: packet buffers may be reused
  if (byseq.size > REQUESTS_KEPT) byseq.delete(byseq.keys().next().value!);
}

/**
 * The request an error answers, whole: echoed in the error (no
 * NLM_F_CAPPED: the tools do not set NETLINK_CAP_ACK), or else the request
 * with its seq and type seen earlier in the same capture. Its extended-ACK
 * offset is then named by the protocol (an attribute path).
 */
function erroredRequest(m: RawMessage, e: ReturnType<typeof parseError>, ctx: DecodeContext): Buffer | undefined {
  if (e.requestPayload && e.requestPayload.length + NLMSG_HDRLEN >= e.request.len) {
    const at = m.offset + NLMSG_HDRLEN + 4;
    return m.buf.subarray(at, at + NLMSG_HDRLEN + e.requestPayload.length);
  }
  const req = seenRequests.get(ctx)?.get(e.request.seq);
  return req && req.readUInt16LE(4) === e.request.type ? req : undefined;
}

/**
 * Split a netlink datagram into decoded messages, reading it as the kernel
 * does: trailing zero bytes after the last message are `padding`, not an
 * error. A framing error stops the split: the messages before it are
 * returned with the error.
 */
export function decodeDatagram(
  buf: Buffer,
  family: number,
  start = 0,
  end = buf.length,
  ctx: DecodeContext = createDecodeContext(protocolFor(family)),
): { messages: CapturedMessage[]; error?: DecodeError; padding?: number } {
  const { messages, error, padding } = splitMessagesPartial(buf, start, end, { zeroPadding: true });
  const out: { messages: CapturedMessage[]; error?: DecodeError; padding?: number } = { messages: messages.map((m) => decodeCapturedMessage(m, family, ctx)) };
  if (error) out.error = error;
  if (padding) out.padding = padding;
  return out;
}

/**
 * Decode the bytes of one LINKTYPE_NETLINK packet (cooked header + datagram).
 * Throws CaptureFormatError when the cooked header is missing or is not
 * ARPHRD_NETLINK; framing errors in the datagram are reported in `error`.
 */
export function decodeNetlinkFrame(data: Buffer, originalLength = data.length, contexts: (family: number) => DecodeContext = captureContexts()): NetlinkFrame {
  if (data.length < NETLINK_COOKED_HEADER_SIZE) {
    throw new CaptureFormatError(`packet of ${data.length} bytes is shorter than the 16-byte netlink cooked header`, 0);
  }
  const pkttype = data.readUInt16BE(0);
  const hatype = data.readUInt16BE(2);
  const family = data.readUInt16BE(14);
  if (hatype !== ARPHRD_NETLINK) {
    throw new CaptureFormatError(`cooked header has hardware type ${hatype}, not ARPHRD_NETLINK (824)`, 2);
  }
  const truncated = originalLength > data.length;
  const { messages, error, padding } = decodeDatagram(data, family, NETLINK_COOKED_HEADER_SIZE, data.length, contexts(family));
  const frame: NetlinkFrame = { pkttype, hatype, family, familyName: netlinkFamilyName(family), messages, truncated };
  // A cut-off last message is expected in a truncated packet; report it all the same.
  if (error) frame.error = error;
  if (padding) frame.padding = padding;
  return frame;
}

/**
 * Read a netlink capture (pcap or pcapng), streamed: one NetlinkPacket per
 * frame, with every message decoded. Throws LinkTypeError (a
 * CaptureFormatError) for captures of another link type, e.g. Ethernet,
 * before returning any packet of it.
 */
export async function* readNetlinkCapture(
  src: CaptureSource,
  opts: Omit<ReadOptions, 'linktypes'> & {
    decodeOptions?: DecodeOptions;
    /**
     * The capture's decode contexts (from {@link captureContexts}), e.g. with
     * generic netlink family ids given up front (`rtnl-dump pcap
     * --genl-family 33=macsec`); default: fresh ones for this capture.
     */
    contexts?: (family: number) => DecodeContext;
  } = {},
): AsyncGenerator<NetlinkPacket, void, undefined> {
  const { decodeOptions, contexts: given, ...readOpts } = opts;
  const contexts = given ?? captureContexts(decodeOptions);
  for await (const p of readPackets(src, { ...readOpts, linktypes: [LINKTYPE_NETLINK] })) {
    let f: NetlinkFrame;
    try {
      f = decodeNetlinkFrame(p.data, p.originalLength, contexts);
    } catch (e) {
      if (e instanceof CaptureFormatError) {
        f = { pkttype: -1, hatype: -1, family: -1, familyName: 'unknown', messages: [], truncated: false, error: e };
      } else throw e;
    }
    yield { ...p, ...f };
  }
}
