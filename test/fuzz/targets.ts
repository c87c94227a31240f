/**
 * What each fuzz target does with one input. A target may throw DecodeError
 * (malformed bytes, the documented outcome) and nothing else; it returns
 * normally otherwise. Targets also check properties that must hold for any
 * input that decodes (framing stays within the datagram; a decoded message
 * re-encodes and decodes again).
 */
import '../../src/index.js'; // every family registers its schema
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN } from '../../src/netlink/constants.js';
import { parseDone, parseError, splitMessages, type RawMessage } from '../../src/netlink/message.js';
import { Writer } from '../../src/netlink/writer.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { decodeLink, encodeLink } from '../../src/rtnl/link.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { decodeMessage, describeRequestOffset, schemaFor, summarizeMessage } from '../../src/rtnl/schema.js';
import { registeredTypes } from './gen.js';
import { decodeDatagram, readNetlinkCapture, readPackets } from '../../src/pcap/index.js';
import { formatRouteMessage, toJson } from '../../src/cli/format.js';
import { NETLINK_ROUTE } from '../../src/netlink/constants.js';
const { RTM_DELLINK, RTM_NEWLINK } = UAPI;

export class PropertyError extends Error {
  override name = 'PropertyError';
}

function messagesOf(buf: Buffer): RawMessage[] {
  const msgs = splitMessages(buf);
  for (const m of msgs) {
    if (m.offset < 0 || m.len < NLMSG_HDRLEN || m.offset + m.len > buf.length) throw new PropertyError(`message at ${m.offset} len ${m.len} outside a ${buf.length}-byte datagram`);
  }
  return msgs;
}

/** Run fn; a DecodeError is an acceptable answer to bytes forced into a shape they may not have. */
function tolerate(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

/** Run fn, letting DecodeError through to the caller only at the end: every part is tried. */
function each(parts: Array<() => void>): void {
  let first: unknown;
  for (const p of parts) {
    try {
      p();
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      first ??= e;
    }
  }
  if (first) throw first;
}

const w = new Writer(64 * 1024);

/** encode(decode(bytes)) must give back `bytes` once they are an encoding of ours. */
function stable(first: Buffer, second: Buffer): void {
  if (first.equals(second)) return;
  let at = 0;
  while (at < first.length && first[at] === second[at]) at++;
  throw new PropertyError(`re-encoding is not stable: ${first.length} then ${second.length} bytes, first difference at byte ${at}`);
}

export const targets: Record<string, (buf: Buffer) => void | Promise<void>> = {
  /** nlmsghdr framing. */
  split(buf) {
    messagesOf(buf);
    // framing that starts and ends inside the buffer
    if (buf.length > 4) tolerate(() => void splitMessages(buf, 4, buf.length - (buf.length & 3)));
  },

  /** NLMSG_ERROR / NLMSG_DONE parsing (with extended ACK TLVs), on every message whatever its type. */
  errorDone(buf) {
    const msgs = messagesOf(buf);
    const parts: Array<() => void> = [];
    for (const m of msgs) {
      // as what the type says, with the NLM_F_CAPPED / NLM_F_ACK_TLVS flags as received and flipped
      for (const flags of [m.flags, m.flags ^ 0x100, m.flags ^ 0x200]) {
        if (m.type === NLMSG_ERROR) parts.push(() => void parseError({ ...m, flags }));
        else if (m.type === NLMSG_DONE) parts.push(() => void parseDone({ ...m, flags }));
        else {
          // any other message read as ERROR / DONE: only DecodeError may come out
          tolerate(() => void parseError({ ...m, flags }));
          tolerate(() => void parseDone({ ...m, flags }));
        }
      }
    }
    each(parts);
  },

  /**
   * decodeLink on every message payload; what decodes re-encodes, and the
   * re-encoding is a fixed point: decoding and encoding it again gives the
   * same bytes (repeated attributes, raw ones, odd strings all kept).
   */
  link(buf) {
    const msgs = messagesOf(buf);
    const one = (m: RawMessage) => (): void => {
      const l = decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
      w.reset();
      encodeLink(w, l);
      const again = w.toBuffer();
      const l2 = decodeLink(again, 0, again.length);
      w.reset();
      encodeLink(w, l2);
      stable(again, w.view());
    };
    // link messages must decode; any other message decoded as a link may only give DecodeError
    each(msgs.filter((m) => m.type === RTM_NEWLINK || m.type === RTM_DELLINK).map(one));
    for (const m of msgs) if (m.type !== RTM_NEWLINK && m.type !== RTM_DELLINK) tolerate(one(m));
  },

  /** Every registered message schema (links, and every family that registered) on every message, plus debug summaries and extended-ACK offset naming. */
  schemas(buf) {
    const msgs = messagesOf(buf);
    const types = registeredTypes();
    const parts: Array<() => void> = [];
    for (const m of msgs) {
      for (const t of [m.type, ...types]) {
        const run = (): void => {
          const mm = { ...m, type: t };
          const schema = schemaFor(t);
          const o = decodeMessage(mm);
          if (schema && o === undefined) throw new PropertyError(`schema for type ${t} decoded to undefined`);
          if (schema && o) {
            w.reset();
            schema.encode(w, o);
            const again = w.toBuffer();
            const o2 = schema.decode(again, 0, again.length, t);
            w.reset();
            schema.encode(w, o2);
            stable(again, w.view());
          }
        };
        // as its own type it must decode; as another family's message only DecodeError may come out
        if (t === m.type) parts.push(run);
        else tolerate(run);
      }
      parts.push(() => void summarizeMessage(m));
      const req = m.buf.subarray(m.offset, m.offset + m.len);
      parts.push(() => {
        for (const off of [0, 16, 20, 32, m.len >> 1, m.len - 1, m.len + 8]) describeRequestOffset(req, off);
      });
    }
    each(parts);
  },

  /**
   * What `rtnl-dump hex -d` and `--json` do with each message: the capture
   * decoder (DecodeError reported per message), the ip-like summary with
   * every attribute (or the salvage of what decodes, and the raw tree), and
   * the JSON text.
   */
  format(buf) {
    const { messages, error } = decodeDatagram(buf, NETLINK_ROUTE);
    const o = { details: true, attrs: true, stats: 2, names: new Map<number, string>() }; // hex -d: ip's details and every attribute
    for (const m of messages) {
      formatRouteMessage(m.raw, m.object, o);
      toJson(m.object ?? m.payload.toString('hex'));
    }
    if (error) throw error;
  },

  /** The capture reader (pcap and pcapng), streamed, with every netlink message decoded. */
  async pcap(buf) {
    let n = 0;
    for await (const p of readNetlinkCapture(buf)) {
      for (const m of p.messages) if (m.raw.offset < 0 || m.raw.offset + m.len > m.raw.buf.length) throw new PropertyError('message outside its packet');
      if (++n > 100000) throw new PropertyError('more packets than the input could hold');
    }
    // any link type, too
    for await (const p of readPackets(buf)) if (p.data.length > buf.length) throw new PropertyError(`a ${p.data.length}-byte packet from a ${buf.length}-byte file`);
  },
};
