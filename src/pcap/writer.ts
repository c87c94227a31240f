/**
 * Write netlink traffic as a pcap file with LINKTYPE_NETLINK (253), the
 * format of nlmon captures: Wireshark/tshark open it as "Linux netlink".
 *
 * ```ts
 * const rtnl = await Rtnl.open({ record: 'trace.pcap' });   // or:
 * const w = PcapWriter.open('trace.pcap');
 * const sock = NetlinkSocket.open({ tap: w.tap });
 * ```
 *
 * Each datagram becomes one packet: the 16-byte cooked header (packet type
 * 4 "outgoing" for datagrams we sent, 0 "host" for datagrams received,
 * ARPHRD_NETLINK, the netlink family in the protocol field) and the
 * datagram. Writes are synchronous (one write per packet), so the file is
 * complete up to the last datagram even if the process dies.
 * @module
 */
import '../netlink/dispose.js';
import { closeSync, openSync, writeSync } from 'node:fs';
import { ArgumentError } from '../netlink/errors.js';
import { ARPHRD_NETLINK, LINKTYPE_NETLINK, NETLINK_COOKED_HEADER_SIZE, PACKET_HOST, PACKET_OUTGOING } from './constants.js';

export interface PcapWriterOptions {
  /** Nanosecond timestamps (magic 0xa1b23c4d). Default false: microseconds, which every reader supports. */
  nanosecond?: boolean;
  /** snaplen in the file header. Default 262144. Datagrams are always written whole. */
  snaplen?: number;
}

/** Direction of a datagram, as the socket's tap reports it. */
export type TapDirection = 'in' | 'out';

const hr0 = process.hrtime.bigint();
const epoch0 = BigInt(Date.now()) * 1_000_000n;
/** Wall-clock time in ns, monotonic within the process. */
export function nowNs(): bigint {
  return epoch0 + (process.hrtime.bigint() - hr0);
}

/** Writes a LINKTYPE_NETLINK pcap stream to a sink (a file, or any function taking chunks). */
export class PcapWriter {
  /** Packets written so far. */
  packets = 0;
  private closed = false;
  private readonly ns: boolean;
  private readonly sink: (chunk: Buffer) => void;
  private readonly onClose: (() => void) | undefined;

  /** A writer over a custom sink (gets the file header at once, then one chunk per packet). */
  constructor(sink: (chunk: Buffer) => void, opts: PcapWriterOptions = {}, onClose?: () => void) {
    this.sink = sink;
    this.onClose = onClose;
    this.ns = opts.nanosecond ?? false;
    const snaplen = opts.snaplen ?? 262144;
    if (!Number.isInteger(snaplen) || snaplen <= 0) throw new ArgumentError('snaplen', 'expected a positive integer');
    const h = Buffer.alloc(24);
    h.writeUInt32LE(this.ns ? 0xa1b23c4d : 0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(snaplen, 16);
    h.writeUInt32LE(LINKTYPE_NETLINK, 20);
    this.sink(h);
  }

  /** Create (truncate) a pcap file and write its header. Synchronous. */
  static open(path: string, opts: PcapWriterOptions = {}): PcapWriter {
    if (typeof path !== 'string' || path.length === 0) throw new ArgumentError('record', 'expected a file path');
    const fd = openSync(path, 'w', 0o644);
    try {
      return new PcapWriter((chunk) => writeAll(fd, chunk), opts, () => closeSync(fd));
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /**
   * Record one datagram. `direction` 'out' = sent to the kernel (packet type
   * 4, outgoing), 'in' = received (0, host). `protocol` is the netlink family.
   */
  write(datagram: Uint8Array, direction: TapDirection, protocol: number, timestampNs: bigint = nowNs()): void {
    if (this.closed) return;
    const n = datagram.length;
    const rec = Buffer.allocUnsafe(16 + NETLINK_COOKED_HEADER_SIZE + n);
    const sec = timestampNs / 1_000_000_000n;
    const sub = timestampNs % 1_000_000_000n;
    rec.writeUInt32LE(Number(sec & 0xffffffffn), 0);
    rec.writeUInt32LE(Number(this.ns ? sub : sub / 1000n), 4);
    rec.writeUInt32LE(NETLINK_COOKED_HEADER_SIZE + n, 8);
    rec.writeUInt32LE(NETLINK_COOKED_HEADER_SIZE + n, 12);
    // struct sll_header, big-endian fields
    rec.writeUInt16BE(direction === 'out' ? PACKET_OUTGOING : PACKET_HOST, 16);
    rec.writeUInt16BE(ARPHRD_NETLINK, 18);
    rec.writeUInt16BE(0, 20); // sll_halen
    rec.fill(0, 22, 30); // sll_addr
    rec.writeUInt16BE(protocol & 0xffff, 30);
    rec.set(datagram, 32);
    this.sink(rec);
    this.packets++;
  }

  /** A SocketOptions.tap function recording into this writer. */
  readonly tap = (direction: TapDirection, datagram: Buffer, protocol: number): void => {
    this.write(datagram, direction, protocol);
  };

  get isClosed(): boolean {
    return this.closed;
  }

  /** `using w = PcapWriter.open(path)`: close() at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Close the file. Later writes are ignored. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.();
  }
}

function writeAll(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off);
}
