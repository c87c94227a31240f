/**
 * LINKTYPE_NETLINK (253) captures, as written by tcpdump/dumpcap on an nlmon
 * device (and by ./writer.ts): each packet is a 16-byte cooked header
 * (struct sll_header: packet type, ARPHRD_NETLINK 824, address length and
 * address (unused), then the netlink family in the protocol field, all
 * big-endian), followed by one netlink datagram: one or more messages.
 *
 * NETLINK_ROUTE messages are decoded with the schema registry (the same
 * codecs as the live socket); other families come out as raw messages with
 * their headers.
 * @module
 */
import {
  NETLINK_FAMILY_NAMES,
  NETLINK_ROUTE,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSG_TYPE_NAMES,
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
import { RTM_NAMES, rtmName, schemaFor } from '../rtnl/schema.js';
// Every family's schema registers itself when its module loads: load them all.
import '../rtnl/rtnl.js';
import '../rtnl/kinds/index.js';
import { readPackets, CaptureFormatError, type CapturePacket, type CaptureSource, type ReadOptions } from './reader.js';

import { ARPHRD_NETLINK, LINKTYPE_NETLINK, NETLINK_COOKED_HEADER_SIZE } from './constants.js';

export * from './constants.js';

/** A netlink message found in a capture (or in hex given to the CLI). */
export interface CapturedMessage extends NlMsgHeader {
  /** RTM_NEWLINK, NLMSG_DONE, ... (NETLINK_ROUTE), or "type 0x1a" for other families. */
  typeName: string;
  /** NLM_F_* names of the flags set (unknown bits as hex). */
  flagNames: string[];
  /** Payload after the nlmsghdr (a view into the packet). */
  payload: Buffer;
  /** The message as the socket layer sees it (buffer and offset). */
  raw: RawMessage;
  /** NETLINK_ROUTE: the schema's object kind ('link', 'address', ...). */
  kind?: string;
  /** NETLINK_ROUTE: the decoded object (same codecs as the live socket). */
  object?: Record<string, unknown>;
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

/** Message type name for a family. */
export function messageTypeName(type: number, family: number): string {
  if (type < 16) return NLMSG_TYPE_NAMES[type] ?? `NLMSG_type_${type}`;
  if (family === NETLINK_ROUTE) return rtmName(type);
  return `type 0x${type.toString(16)}`;
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
 * request kind (GET/NEW/DEL), which is known for NETLINK_ROUTE types; for
 * other families they are shown as hex unless the message is a dump request.
 */
export function flagNames(type: number, flags: number, family = NETLINK_ROUTE): string[] {
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
  if (type === NLMSG_ERROR) take(ACK_FLAGS);
  else if (family === NETLINK_ROUTE && type >= 16) {
    const name = RTM_NAMES[type] ?? '';
    if (name.startsWith('RTM_GET')) take(GET_FLAGS);
    else if (name.startsWith('RTM_NEW')) take(NEW_FLAGS);
    else if (name.startsWith('RTM_DEL')) take(DEL_FLAGS);
  } else if (flags & NLM_F_REQUEST && (flags & (NLM_F_ROOT | NLM_F_MATCH)) === (NLM_F_ROOT | NLM_F_MATCH)) {
    take(GET_FLAGS);
  }
  if (out.includes('ROOT') && out.includes('MATCH')) out.splice(out.indexOf('ROOT'), 2, 'DUMP');
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

/** Decode one message of a datagram (never throws: payload problems land in decodeError). */
export function decodeCapturedMessage(m: RawMessage, family: number): CapturedMessage {
  const payload = m.buf.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.len);
  const out: CapturedMessage = {
    len: m.len,
    type: m.type,
    flags: m.flags,
    seq: m.seq,
    pid: m.pid,
    typeName: messageTypeName(m.type, family),
    flagNames: flagNames(m.type, m.flags, family),
    payload,
    raw: m,
  };
  try {
    if (m.type === NLMSG_ERROR) {
      const e = parseError(m);
      out.error = {
        error: e.error,
        code: e.error ? errnoName(-e.error) : undefined,
        request: { ...e.request, typeName: messageTypeName(e.request.type, family) },
        extack: e.extack,
      };
    } else if (m.type === NLMSG_DONE) {
      const d = parseDone(m);
      out.done = { error: d.error, code: d.error ? errnoName(-d.error) : undefined };
    } else if (family === NETLINK_ROUTE && m.type >= 16) {
      const s = schemaFor(m.type);
      if (s) {
        out.kind = s.name;
        // A request may carry a shorter header than the schema's (e.g. a
        // GETLINK dump request with only rtgenmsg): decode only full ones.
        if (payload.length >= s.headerSize) out.object = s.decode(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len, m.type);
      }
    }
  } catch (e) {
    // malformed bytes are reported with the message; anything else is a bug and propagates as itself
    if (!(e instanceof DecodeError)) throw e;
    out.decodeError = e;
  }
  return out;
}

/**
 * Split a netlink datagram into decoded messages, reading it as the kernel
 * does: trailing zero bytes after the last message are `padding`, not an
 * error. A framing error stops the split: the messages before it are
 * returned with the error.
 */
export function decodeDatagram(buf: Buffer, family: number, start = 0, end = buf.length): { messages: CapturedMessage[]; error?: DecodeError; padding?: number } {
  const { messages, error, padding } = splitMessagesPartial(buf, start, end, { zeroPadding: true });
  const out: { messages: CapturedMessage[]; error?: DecodeError; padding?: number } = { messages: messages.map((m) => decodeCapturedMessage(m, family)) };
  if (error) out.error = error;
  if (padding) out.padding = padding;
  return out;
}

/**
 * Decode the bytes of one LINKTYPE_NETLINK packet (cooked header + datagram).
 * Throws CaptureFormatError when the cooked header is missing or is not
 * ARPHRD_NETLINK; framing errors in the datagram are reported in `error`.
 */
export function decodeNetlinkFrame(data: Buffer, originalLength = data.length): NetlinkFrame {
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
  const { messages, error, padding } = decodeDatagram(data, family, NETLINK_COOKED_HEADER_SIZE);
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
export async function* readNetlinkCapture(src: CaptureSource, opts: Omit<ReadOptions, 'linktypes'> = {}): AsyncGenerator<NetlinkPacket, void, undefined> {
  for await (const p of readPackets(src, { ...opts, linktypes: [LINKTYPE_NETLINK] })) {
    let f: NetlinkFrame;
    try {
      f = decodeNetlinkFrame(p.data, p.originalLength);
    } catch (e) {
      if (e instanceof CaptureFormatError) {
        f = { pkttype: -1, hatype: -1, family: -1, familyName: 'unknown', messages: [], truncated: false, error: e };
      } else throw e;
    }
    yield { ...p, ...f };
  }
}
