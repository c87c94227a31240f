/**
 * nlmsghdr framing: iterate the messages of a datagram, parse NLMSG_ERROR and
 * NLMSG_DONE (with extended ACK TLVs).
 * @module
 */
import {
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLMSGERR_ATTR_COOKIE,
  NLMSGERR_ATTR_MISS_NEST,
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSGERR_ATTR_POLICY,
} from './constants.js';
import { ArgumentError, DecodeError, type ExtAck } from './errors.js';
import { forEachAttr } from './attr.js';

/** struct nlmsghdr */
export interface NlMsgHeader {
  /** nlmsg_len: length including the header */
  len: number;
  /** nlmsg_type */
  type: number;
  /** nlmsg_flags */
  flags: number;
  /** nlmsg_seq */
  seq: number;
  /** nlmsg_pid: sender port id */
  pid: number;
}

/** One message inside a datagram: its header and where its payload is. */
export interface RawMessage extends NlMsgHeader {
  /** The datagram buffer. */
  buf: Buffer;
  /** Offset of the nlmsghdr within buf. */
  offset: number;
}

export function readHeader(buf: Buffer, off: number): NlMsgHeader {
  return {
    len: buf.readUInt32LE(off),
    type: buf.readUInt16LE(off + 4),
    flags: buf.readUInt16LE(off + 6),
    seq: buf.readUInt32LE(off + 8),
    pid: buf.readUInt32LE(off + 12),
  };
}

/** Options of {@link splitMessagesPartial}. */
export interface SplitOptions {
  /**
   * Stop, as the kernel does, where the remaining bytes are all zero, and
   * report them as `padding` instead of an error. The kernel's
   * netlink_rcv_skb (net/netlink/af_netlink.c) walks a datagram while at
   * least a header's worth (16 bytes) is left and stops without a word at a
   * header whose nlmsg_len is below 16, so zeros after the last message are
   * ignored: iproute2 sends its address, route and neighbour dump requests
   * as whole request buffers, with 120-256 zero bytes after the message.
   * Trailing bytes that are not all zero stay an error (a truncated header,
   * a length below the header). Default false: every byte must belong to a
   * message.
   */
  zeroPadding?: boolean;
}

/** What {@link splitMessagesPartial} found: the messages, and the framing error that stopped it. */
export interface SplitResult {
  /** The messages before the error (all of them when there is none). */
  messages: RawMessage[];
  /** Truncated header, or a length below the header or past the end. */
  error?: DecodeError;
  /** With `zeroPadding`: how many zero bytes follow the last message (absent when none). */
  padding?: number;
}

/**
 * Check the (buffer, start, end) arguments of a decoder: a Buffer and integer
 * offsets with 0 <= start <= end <= length. A bad range is the caller's
 * mistake (ArgumentError), not malformed bytes; without this check a decoder
 * would read past the end (RangeError) or decode stale bytes.
 */
export function checkRange(buf: unknown, start: number, end: number, names: [string, string, string] = ['buf', 'off', 'end']): void {
  if (buf instanceof Uint8Array && Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= buf.length) {
    if (!Buffer.isBuffer(buf)) throw new ArgumentError(names[0], 'expected a Buffer (use Buffer.from(view.buffer, view.byteOffset, view.length))');
    return;
  }
  if (!Buffer.isBuffer(buf)) throw new ArgumentError(names[0], `expected a Buffer, got ${buf === null ? 'null' : typeof buf}`);
  if (!Number.isInteger(start) || start < 0) throw new ArgumentError(names[1], `expected an offset >= 0, got ${String(start)}`);
  if (!Number.isInteger(end) || end > buf.length) throw new ArgumentError(names[2], `expected an end offset <= ${buf.length} (the buffer length), got ${String(end)}`);
  throw new ArgumentError(names[1], `start ${start} is past end ${end}`);
}

function allZero(buf: Buffer, off: number, end: number): boolean {
  for (let i = off; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Split buf[start, end) into messages without throwing: a framing error
 * stops the split and is returned with the messages before it. Never loops
 * forever: every step advances by at least the header size.
 */
export function splitMessagesPartial(buf: Buffer, start = 0, end = buf?.length, opts: SplitOptions = {}): SplitResult {
  checkRange(buf, start, end, ['buf', 'start', 'end']);
  const messages: RawMessage[] = [];
  let off = start;
  while (off < end) {
    // Where netlink_rcv_skb stops silently (less than a header left, or
    // nlmsg_len below the header): zeros there are padding when asked.
    const left = end - off;
    const len = left >= NLMSG_HDRLEN ? buf.readUInt32LE(off) : 0;
    if (len < NLMSG_HDRLEN) {
      if (opts.zeroPadding && allZero(buf, off, end)) return { messages, padding: left };
      if (left < NLMSG_HDRLEN) return { messages, error: new DecodeError(`truncated nlmsghdr (${left} bytes, need 16)`, off) };
      return { messages, error: new DecodeError(`nlmsg_len ${len} is below the 16-byte header`, off) };
    }
    if (len > end - off) return { messages, error: new DecodeError(`nlmsg_len ${len} runs past the end of the datagram (${end - off} bytes left)`, off) };
    messages.push({
      len,
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      pid: buf.readUInt32LE(off + 12),
      buf,
      offset: off,
    });
    off += (len + 3) & ~3;
  }
  return { messages };
}

/**
 * Split a datagram into messages. Throws DecodeError if a header is truncated
 * or a length runs past the datagram (see {@link splitMessagesPartial} for
 * the messages before such an error).
 */
export function splitMessages(buf: Buffer, start = 0, end = buf?.length): RawMessage[] {
  const r = splitMessagesPartial(buf, start, end);
  if (r.error) throw r.error;
  return r.messages;
}

/** Parsed NLMSG_ERROR payload (struct nlmsgerr + extended ACK TLVs). */
export interface NlError {
  /** 0 for an ACK, negative errno for an error. */
  error: number;
  /** Header of the request the error answers. */
  request: NlMsgHeader;
  /** Request payload echoed back (absent when the kernel capped it). */
  requestPayload?: Buffer;
  extack: ExtAck;
}

function parseExtAck(buf: Buffer, off: number, end: number): ExtAck {
  const ext: ExtAck = {};
  forEachAttr(buf, off, end, (type, _f, o, len) => {
    switch (type) {
      case NLMSGERR_ATTR_MSG: {
        let e = o + len;
        const nul = buf.indexOf(0, o);
        if (nul >= 0 && nul < e) e = nul;
        ext.message = buf.toString('utf8', o, e);
        break;
      }
      case NLMSGERR_ATTR_OFFS:
        if (len >= 4) ext.offset = buf.readUInt32LE(o);
        break;
      case NLMSGERR_ATTR_MISS_TYPE:
        if (len >= 4) ext.missingType = buf.readUInt32LE(o);
        break;
      case NLMSGERR_ATTR_MISS_NEST:
        if (len >= 4) ext.missingNest = buf.readUInt32LE(o);
        break;
      case NLMSGERR_ATTR_COOKIE:
        ext.cookie = buf.subarray(o, o + len);
        break;
      case NLMSGERR_ATTR_POLICY:
        ext.policy = buf.subarray(o, o + len);
        break;
      default:
        break;
    }
  }, 'NLMSGERR_ATTR');
  return ext;
}

/** Parse an NLMSG_ERROR message. */
export function parseError(m: RawMessage): NlError {
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  if (end - p < 4 + NLMSG_HDRLEN) throw new DecodeError(`NLMSG_ERROR too short (${end - p} bytes)`, p, 'NLMSG_ERROR');
  const error = m.buf.readInt32LE(p);
  const request = readHeader(m.buf, p + 4);
  let tlv = p + 4 + NLMSG_HDRLEN;
  let requestPayload: Buffer | undefined;
  if (!(m.flags & NLM_F_CAPPED)) {
    const rl = request.len > NLMSG_HDRLEN ? request.len - NLMSG_HDRLEN : 0;
    const avail = end - tlv;
    const take = Math.min(rl, avail);
    requestPayload = m.buf.subarray(tlv, tlv + take);
    tlv += (take + 3) & ~3;
  }
  let extack: ExtAck = {};
  if (m.flags & NLM_F_ACK_TLVS && tlv < end) extack = parseExtAck(m.buf, tlv, end);
  return requestPayload ? { error, request, requestPayload, extack } : { error, request, extack };
}

/** Parse NLMSG_DONE: an int (0 or -errno), optionally followed by extended ACK TLVs. */
export function parseDone(m: RawMessage): { error: number; extack: ExtAck } {
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  if (end - p < 4) return { error: 0, extack: {} };
  const error = m.buf.readInt32LE(p);
  const extack = m.flags & NLM_F_ACK_TLVS && end - p > 4 ? parseExtAck(m.buf, p + 4, end) : {};
  return { error, extack };
}

export function isError(m: RawMessage): boolean {
  return m.type === NLMSG_ERROR;
}
export function isDone(m: RawMessage): boolean {
  return m.type === NLMSG_DONE;
}
