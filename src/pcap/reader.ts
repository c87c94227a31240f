/**
 * Streaming reader for pcap and pcapng capture files.
 *
 * Packets come out of an async iterator one at a time; the file is read in
 * chunks (256 KiB by default), so a capture of any size decodes in bounded
 * memory. Supported:
 * - pcap: both byte orders, microsecond (0xa1b2c3d4) and nanosecond
 *   (0xa1b23c4d) timestamps;
 * - pcapng: sections of either byte order, several interfaces with their own
 *   link types and timestamp resolutions (if_tsresol, if_tsoffset), Enhanced,
 *   Simple and (obsolete) Packet Blocks; other blocks and options are skipped.
 *
 * The reader does not interpret packet bytes: see ./netlink.ts for
 * LINKTYPE_NETLINK.
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import { ArgumentError, DecodeError } from '../netlink/errors.js';

/** A capture file that cannot be read as pcap/pcapng (bad magic, truncated, absurd lengths). */
export class CaptureFormatError extends DecodeError {
  override name = 'CaptureFormatError';
}

/** The capture holds another link type than the one asked for (e.g. Ethernet instead of Linux netlink). */
export class LinkTypeError extends CaptureFormatError {
  override name = 'LinkTypeError';
  /** The link type found (LINKTYPE_*). */
  readonly linktype: number;
  /** The link type(s) expected. */
  readonly expected: number[];
  constructor(message: string, linktype: number, expected: number[], offset: number) {
    super(message, offset);
    this.linktype = linktype;
    this.expected = expected;
  }
}

/** A few LINKTYPE_* numbers, for messages. */
export const LINKTYPE_NAMES: Record<number, string> = {
  0: 'NULL (BSD loopback)',
  1: 'ETHERNET',
  101: 'RAW (IP)',
  105: 'IEEE802_11',
  113: 'LINUX_SLL',
  127: 'IEEE802_11_RADIOTAP',
  228: 'IPV4',
  229: 'IPV6',
  239: 'NFLOG',
  253: 'NETLINK',
  276: 'LINUX_SLL2',
};

/** Human name of a link type: "ETHERNET (1)". */
export function linktypeName(lt: number): string {
  return `${LINKTYPE_NAMES[lt] ?? 'LINKTYPE'} (${lt})`;
}

/** File format facts, known after the first header. */
export interface CaptureInfo {
  format: 'pcap' | 'pcapng';
  /** Byte order of the (first) file/section header. */
  byteOrder: 'le' | 'be';
  /** pcap: 'us' or 'ns'; pcapng: resolution of the first interface. */
  timestampResolution: 'us' | 'ns' | string;
  /** pcap: the single link type; pcapng: link type of each interface seen so far. */
  linktypes: number[];
  /** pcap: snaplen from the header. */
  snaplen?: number;
}

/** One captured packet. */
export interface CapturePacket {
  /** 1-based frame number (as tshark counts). */
  frame: number;
  /** pcapng interface id (0 for pcap). */
  interfaceId: number;
  /** LINKTYPE_* of the packet's interface. */
  linktype: number;
  /** Capture time in nanoseconds since the epoch (undefined for pcapng Simple Packet Blocks, which carry none). */
  timestampNs: bigint | undefined;
  /** Length on the wire (the packet may have been cut to `data.length` by the snaplen). */
  originalLength: number;
  /** Captured bytes (a copy: keeping it does not pin the reader's chunks). */
  data: Buffer;
  /** Byte offset of the record/block in the file. */
  fileOffset: number;
}

/**
 * Where to read a capture from: a path, an open FileHandle (not closed by
 * us), a stream of chunks (a Readable, any async or sync iterable of
 * Uint8Array), or the whole capture as one Uint8Array.
 */
export type CaptureSource = string | FileHandle | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;

export interface ReadOptions {
  /** Chunk size for file reads. Default 256 KiB. */
  chunkSize?: number;
  /** Largest packet accepted; a bigger length means a corrupt file. Default 64 MiB. */
  maxPacketSize?: number;
  /** Called once the file header is read. */
  onInfo?: (info: CaptureInfo) => void;
  /**
   * Check every interface's link type; throw LinkTypeError for others before
   * any of their packets is returned (pcap: right after the file header).
   */
  linktypes?: number[];
}

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;

/** Fills a buffer region with the next bytes; resolves the count (0 at the end). */
type Filler = (buf: Buffer, off: number, len: number) => Promise<number>;

/**
 * Buffered reader over a byte source. One store (a few chunks big, grown
 * only for packets larger than that) is reused for the whole file, so
 * reading produces no garbage besides the packet copies handed out.
 * Views returned by peek()/take() are valid until the next need()/skip().
 */
class ByteStream {
  private store: Buffer;
  private start = 0;
  private end = 0;
  /** File offset of the next unread byte. */
  offset = 0;
  private eof = false;
  constructor(
    private readonly fill: Filler,
    private readonly chunkSize: number,
  ) {
    this.store = Buffer.allocUnsafe(chunkSize * 2);
  }

  get available(): number {
    return this.end - this.start;
  }

  /**
   * Make at least n bytes available; false at EOF before that.
   * The store grows with the data actually read (at most doubling what it
   * holds), never with the length a header claims: a 100-byte file whose
   * record says 60 MiB costs one chunk, not 60 MiB.
   */
  async need(n: number): Promise<boolean> {
    while (this.available < n && !this.eof) {
      if (this.store.length - this.end < this.chunkSize / 4) {
        const avail = this.available;
        if (avail + this.chunkSize <= this.store.length) {
          this.store.copyWithin(0, this.start, this.end);
        } else {
          // a packet bigger than the store: grow by what is held, not by what is claimed
          const bigger = Buffer.allocUnsafe(Math.max(this.store.length * 2, avail + this.chunkSize));
          this.store.copy(bigger, 0, this.start, this.end);
          this.store = bigger;
        }
        this.start = 0;
        this.end = avail;
      }
      const got = await this.fill(this.store, this.end, Math.min(this.chunkSize, this.store.length - this.end));
      if (got === 0) this.eof = true;
      this.end += got;
    }
    return this.available >= n;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.need(1));
  }

  /** View of the next n bytes (must be available), without consuming. */
  peek(n: number): Buffer {
    return this.store.subarray(this.start, this.start + n);
  }

  /** Consume n available bytes, returning a view. */
  take(n: number): Buffer {
    const b = this.store.subarray(this.start, this.start + n);
    this.start += n;
    this.offset += n;
    return b;
  }

  /** Consume n bytes (possibly more than the store holds) without keeping them. */
  async skip(n: number): Promise<boolean> {
    while (n > 0) {
      if (this.available === 0 && !(await this.need(1))) return false;
      const k = Math.min(n, this.available);
      this.start += k;
      this.offset += k;
      n -= k;
    }
    return true;
  }
}

function byteSource(src: CaptureSource): { fill: Filler; close: () => Promise<void> } {
  const fromChunks = (next: () => Promise<Uint8Array | null>, close: () => Promise<void>): { fill: Filler; close: () => Promise<void> } => {
    let pending: Uint8Array | undefined;
    let done = false;
    return {
      fill: async (buf, off, len) => {
        while (!pending || pending.length === 0) {
          if (done) return 0;
          const c = await next();
          if (c === null) {
            done = true;
            return 0;
          }
          pending = c;
        }
        const k = Math.min(len, pending.length);
        buf.set(pending.subarray(0, k), off);
        pending = pending.subarray(k);
        return k;
      },
      close,
    };
  };
  if (src instanceof Uint8Array) {
    let given = false;
    return fromChunks(
      async () => {
        if (given) return null;
        given = true;
        return src;
      },
      async () => undefined,
    );
  }
  const iterable = typeof src === 'object' && src !== null && (Symbol.asyncIterator in src || Symbol.iterator in src);
  if (!iterable) {
    let fh: FileHandle | undefined = typeof src === 'string' ? undefined : (src as FileHandle);
    const owned = typeof src === 'string';
    let closed = false;
    return {
      fill: async (buf, off, len) => {
        if (closed) return 0;
        // node:fs/promises on first use: importing it loads ~3 ms of Node's own modules at every start-up
        fh ??= await process.getBuiltinModule('node:fs/promises').open(src as string, 'r');
        const { bytesRead } = await fh.read(buf, off, len, null);
        return bytesRead;
      },
      close: async () => {
        closed = true;
        if (owned && fh) await fh.close();
        fh = undefined;
      },
    };
  }
  const it: AsyncIterator<Uint8Array> | Iterator<Uint8Array> =
    Symbol.asyncIterator in (src as object) ? (src as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]() : (src as Iterable<Uint8Array>)[Symbol.iterator]();
  return fromChunks(
    async () => {
      const r = await it.next();
      return r.done ? null : r.value;
    },
    async () => {
      await it.return?.();
    },
  );
}

/**
 * Read the packets of a pcap or pcapng capture, streamed.
 * Throws CaptureFormatError for files that are not captures or are corrupt
 * (after yielding the packets before the damage), LinkTypeError when
 * `opts.linktypes` is given and an interface has another link type, and the
 * system error (ENOENT, EACCES, EISDIR...) when the file cannot be read.
 */
export async function* readPackets(src: CaptureSource, opts: ReadOptions = {}): AsyncGenerator<CapturePacket, void, undefined> {
  const chunkSize = opts.chunkSize ?? 256 * 1024;
  const maxPacket = opts.maxPacketSize ?? 64 * 1024 * 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < 4096) throw new ArgumentError('chunkSize', 'expected an integer of at least 4096');
  const source = byteSource(src);
  const s = new ByteStream(source.fill, chunkSize);
  try {
    if (!(await s.need(4))) {
      throw new CaptureFormatError(s.available === 0 ? 'empty file: not a pcap or pcapng capture' : 'file too short for a pcap or pcapng header', 0);
    }
    const head = s.peek(4);
    const le = head.readUInt32LE(0);
    const be = head.readUInt32BE(0);
    if (le === PCAPNG_SHB) {
      yield* readPcapng(s, opts, maxPacket);
    } else if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS || be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS) {
      yield* readPcap(s, opts, maxPacket);
    } else {
      throw new CaptureFormatError(`not a pcap or pcapng capture (magic 0x${head.toString('hex')})`, 0);
    }
  } finally {
    await source.close();
  }
}

function checkLinktype(opts: ReadOptions, lt: number, offset: number, where: string): void {
  if (opts.linktypes && !opts.linktypes.includes(lt)) {
    throw new LinkTypeError(
      `${where} has link type ${linktypeName(lt)}; expected ${opts.linktypes.map(linktypeName).join(' or ')}`,
      lt,
      opts.linktypes,
      offset,
    );
  }
}

async function* readPcap(s: ByteStream, opts: ReadOptions, maxPacket: number): AsyncGenerator<CapturePacket> {
  if (!(await s.need(24))) throw new CaptureFormatError('truncated pcap file header (need 24 bytes)', 0);
  const h = s.take(24);
  const le = h.readUInt32LE(0) === PCAP_MAGIC_US || h.readUInt32LE(0) === PCAP_MAGIC_NS;
  const magic = le ? h.readUInt32LE(0) : h.readUInt32BE(0);
  const ns = magic === PCAP_MAGIC_NS;
  const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const major = le ? h.readUInt16LE(4) : h.readUInt16BE(4);
  if (major !== 2) throw new CaptureFormatError(`unsupported pcap version ${major}`, 4);
  const snaplen = u32(h, 16);
  // The link-layer header type is the low 16 bits; the upper bits may carry FCS information.
  const linktype = u32(h, 20) & 0xffff;
  opts.onInfo?.({ format: 'pcap', byteOrder: le ? 'le' : 'be', timestampResolution: ns ? 'ns' : 'us', linktypes: [linktype], snaplen });
  checkLinktype(opts, linktype, 20, 'the capture');
  let frame = 0;
  for (;;) {
    const off = s.offset;
    if (await s.atEnd()) return;
    if (!(await s.need(16))) throw new CaptureFormatError(`truncated pcap record header after frame ${frame} (${s.available} of 16 bytes)`, off);
    const r = s.take(16);
    const sec = u32(r, 0);
    const frac = u32(r, 4);
    const incl = u32(r, 8);
    const orig = u32(r, 12);
    if (incl > maxPacket) throw new CaptureFormatError(`frame ${frame + 1}: captured length ${incl} exceeds the limit of ${maxPacket} bytes (corrupt file?)`, off);
    if (!(await s.need(incl))) throw new CaptureFormatError(`frame ${frame + 1} is truncated: ${s.available} of ${incl} bytes`, off);
    const data = Buffer.from(s.take(incl));
    frame++;
    yield {
      frame,
      interfaceId: 0,
      linktype,
      timestampNs: BigInt(sec) * 1_000_000_000n + BigInt(frac) * (ns ? 1n : 1000n),
      originalLength: orig,
      data,
      fileOffset: off,
    };
  }
}

interface Iface {
  linktype: number;
  snaplen: number;
  /** Timestamp units per second. */
  unitsPerSec: bigint;
  /** if_tsoffset in seconds. */
  offsetSec: bigint;
}

/** Walk pcapng options (code u16, length u16, value padded to 4); calls fn for each. */
function forEachOption(b: Buffer, off: number, end: number, le: boolean, fn: (code: number, off: number, len: number) => void): void {
  while (end - off >= 4) {
    const code = le ? b.readUInt16LE(off) : b.readUInt16BE(off);
    const len = le ? b.readUInt16LE(off + 2) : b.readUInt16BE(off + 2);
    if (code === 0) return; // opt_endofopt
    if (off + 4 + len > end) return; // malformed options are ignored, not fatal
    fn(code, off + 4, len);
    off += 4 + ((len + 3) & ~3);
  }
}

async function* readPcapng(s: ByteStream, opts: ReadOptions, maxPacket: number): AsyncGenerator<CapturePacket> {
  let le = true;
  let ifaces: Iface[] = [];
  let frame = 0;
  let first = true;
  for (;;) {
    const off = s.offset;
    if (await s.atEnd()) return;
    if (!(await s.need(12))) throw new CaptureFormatError(`truncated pcapng block header (${s.available} bytes)`, off);
    const hdr = s.peek(12);
    let type = le ? hdr.readUInt32LE(0) : hdr.readUInt32BE(0);
    if (hdr.readUInt32LE(0) === PCAPNG_SHB) {
      // A new section: its byte-order magic decides the endianness of everything up to the next SHB.
      const bom = hdr.readUInt32LE(8);
      if (bom === PCAPNG_BOM) le = true;
      else if (hdr.readUInt32BE(8) === PCAPNG_BOM) le = false;
      else throw new CaptureFormatError(`pcapng section header with a bad byte-order magic 0x${hdr.subarray(8, 12).toString('hex')}`, off + 8);
      type = PCAPNG_SHB;
    } else if (first) {
      throw new CaptureFormatError('pcapng file does not start with a section header block', off);
    }
    const total = le ? hdr.readUInt32LE(4) : hdr.readUInt32BE(4);
    if (total < 12 || total % 4 !== 0) throw new CaptureFormatError(`pcapng block length ${total} is invalid (block type 0x${type.toString(16)})`, off + 4);
    if (total > maxPacket + 4096) throw new CaptureFormatError(`pcapng block length ${total} exceeds the limit (corrupt file?)`, off + 4);
    const isPacket = type === 6 || type === 3 || type === 2;
    const interesting = isPacket || type === PCAPNG_SHB || type === 1;
    if (!interesting) {
      if (!(await s.skip(total))) throw new CaptureFormatError(`truncated pcapng block (type 0x${type.toString(16)}, ${total} bytes)`, off);
      continue;
    }
    if (!(await s.need(total))) throw new CaptureFormatError(`truncated pcapng block (type 0x${type.toString(16)}): ${s.available} of ${total} bytes`, off);
    const b = s.take(total);
    const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u16 = (o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const trailer = u32(total - 4);
    if (trailer !== total) throw new CaptureFormatError(`pcapng block lengths disagree (${total} at the start, ${trailer} at the end)`, off);
    const bodyEnd = total - 4;
    switch (type) {
      case PCAPNG_SHB: {
        if (total < 28) throw new CaptureFormatError('pcapng section header block too short', off);
        const major = u16(12);
        if (major !== 1) throw new CaptureFormatError(`unsupported pcapng version ${major}`, off + 12);
        ifaces = [];
        if (first) {
          opts.onInfo?.({ format: 'pcapng', byteOrder: le ? 'le' : 'be', timestampResolution: 'us', linktypes: [] });
          first = false;
        }
        break;
      }
      case 1: {
        if (total < 20) throw new CaptureFormatError('pcapng interface description block too short', off);
        const iface: Iface = { linktype: u16(8), snaplen: u32(12), unitsPerSec: 1_000_000n, offsetSec: 0n };
        forEachOption(b, 16, bodyEnd, le, (code, o, len) => {
          if (code === 9 && len >= 1) {
            // if_tsresol: bit 7 clear: 10^-n, set: 2^-n
            const v = b[o]!;
            iface.unitsPerSec = v & 0x80 ? 1n << BigInt(v & 0x7f) : 10n ** BigInt(v & 0x7f);
          } else if (code === 14 && len >= 8) {
            iface.offsetSec = le ? b.readBigInt64LE(o) : b.readBigInt64BE(o);
          }
        });
        checkLinktype(opts, iface.linktype, off + 8, `pcapng interface ${ifaces.length}`);
        ifaces.push(iface);
        break;
      }
      default: {
        let ifId = 0;
        let ts: bigint | undefined;
        let caplen: number;
        let origLen: number;
        let dataOff: number;
        if (type === 6 || type === 2) {
          if (total < 32) throw new CaptureFormatError('pcapng packet block too short', off);
          ifId = type === 6 ? u32(8) : u16(8);
          const raw = (BigInt(u32(12)) << 32n) | BigInt(u32(16));
          caplen = u32(20);
          origLen = u32(24);
          dataOff = 28;
          const iface = ifaces[ifId];
          if (iface) ts = iface.offsetSec * 1_000_000_000n + (raw * 1_000_000_000n) / iface.unitsPerSec;
        } else {
          // Simple Packet Block: interface 0, no timestamp, captured length implied by the block.
          origLen = u32(8);
          dataOff = 12;
          const snap = ifaces[0]?.snaplen || Infinity;
          caplen = Math.min(origLen, snap, bodyEnd - dataOff);
        }
        const iface = ifaces[ifId];
        if (!iface) throw new CaptureFormatError(`packet of frame ${frame + 1} refers to interface ${ifId}, which was not described`, off);
        if (dataOff + caplen > bodyEnd) throw new CaptureFormatError(`frame ${frame + 1}: captured length ${caplen} runs past its block`, off);
        frame++;
        yield {
          frame,
          interfaceId: ifId,
          linktype: iface.linktype,
          timestampNs: ts,
          originalLength: origLen,
          data: Buffer.from(b.subarray(dataOff, dataOff + caplen)),
          fileOffset: off,
        };
      }
    }
  }
}
