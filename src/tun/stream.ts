/**
 * PacketStream: a Duplex stream over a non-blocking packet file descriptor
 * (a TUN/TAP queue, or any fd where one read()/write() is one packet).
 *
 * - One chunk is exactly one packet (a Buffer). The stream is in object mode,
 *   so high-water marks count packets.
 * - Reads are driven by fd readiness in the event loop (libuv uv_poll through
 *   the native layer): one wake-up drains up to `readBatch` packets per native
 *   call, several calls per wake-up while the consumer keeps up. Polling
 *   stops while the readable buffer is full, so the kernel queue (not our
 *   memory) absorbs bursts, exactly like a socket.
 * - Writes go out immediately; queued writes (writev) go out many per native
 *   call. EAGAIN parks the remaining packets and waits for POLLOUT: nothing is
 *   dropped, and write() returns false once `writableHighWaterMark` packets
 *   wait. A packet the kernel refuses (e.g. EINVAL for a malformed one)
 *   destroys the stream with the error, or with `writeErrors: 'emit'` is
 *   reported with a 'writeError' event and counted, and writing continues.
 * - Nothing runs on the libuv threadpool: there is no fs.read/fs.write.
 * @module
 */
import '../netlink/dispose.js';
import { Duplex } from 'node:stream';
import { constants } from 'node:os';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { native, POLL_READABLE, POLL_WRITABLE, type PollHandle } from '../netlink/native.js';

/** The largest packet a TUN/TAP fd can hand out: 64 KiB IP packet + Ethernet + VLAN + virtio-net header + tun_pi. */
export const MAX_PACKET_SIZE = 65535 + 14 + 4 + 12 + 4;

export interface PacketStreamOptions {
  /** Packets read per native call at most (default 64). */
  readBatch?: number;
  /**
   * Size of the read buffer: the largest packet accepted (default
   * MAX_PACKET_SIZE, enough for any TUN/TAP packet). A larger packet would be
   * truncated by the kernel; it is detected and reported as an error.
   */
  maxPacketSize?: number;
  /** Packets buffered for a slow reader before polling pauses (default 256). */
  readableHighWaterMark?: number;
  /** Packets buffered before write() returns false (default 256). */
  writableHighWaterMark?: number;
  /**
   * A packet the kernel refuses to take (EINVAL, EMSGSIZE, EFAULT...):
   * 'error' (default) destroys the stream with a NetlinkError naming the
   * errno; 'emit' emits ('writeError', error, packet), counts it in
   * stats.writeErrors and goes on with the next packet.
   */
  writeErrors?: 'error' | 'emit';
  /** Keep the event loop alive while reading or writing (default true, like a socket). */
  ref?: boolean;
}

/** Counters of one stream. */
export interface PacketStats {
  /** Packets and bytes read. */
  packetsIn: number;
  bytesIn: number;
  /** Packets and bytes the kernel accepted. */
  packetsOut: number;
  bytesOut: number;
  /** Poll wake-ups that read at least one packet. */
  readWakeups: number;
  /** Native read calls (each reads up to readBatch packets). */
  readCalls: number;
  /** Times a write hit EAGAIN and waited for POLLOUT. */
  writeWaits: number;
  /** Packets refused by the kernel and reported with 'writeError' (writeErrors: 'emit'). */
  writeErrors: number;
}

interface PendingWrite {
  packets: Uint8Array[];
  index: number;
  cb: (err?: Error | null) => void;
}

const EAGAIN = constants.errno.EAGAIN;
/**
 * Packets read are views into slabs of this size (one allocation per slab,
 * not per packet). A packet kept alive keeps its slab alive: copy packets you
 * hold on to for long (Buffer.from(packet)).
 */
export const SLAB_SIZE = 64 * 1024;
/** Start a new slab when less than this is left (larger packets get their own Buffer). */
const SLAB_MIN_ROOM = 2048;
const UV_EBADF = -9;
/** Linux EBADFD (77): what a TUN fd reads once its device is gone. Node's os.constants lacks it. */
const EBADFD = 77;

/** Errors that concern one packet rather than the fd. */
const PACKET_ERRNOS = new Set([constants.errno.EINVAL, constants.errno.EMSGSIZE, constants.errno.EFAULT, constants.errno.ENOMEM, constants.errno.ENOBUFS]);

function positiveInt(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ArgumentError(field, `expected an integer ${min}..${max}, got ${describe(v)}`);
  }
  return v;
}

/** Validate stream options (shared by Tun.open). */
export function checkStreamOptions(o: PacketStreamOptions, prefix = ''): void {
  if (o.readBatch !== undefined) positiveInt(o.readBatch, `${prefix}readBatch`, 1, 4096);
  if (o.maxPacketSize !== undefined) positiveInt(o.maxPacketSize, `${prefix}maxPacketSize`, 64, 262143);
  if (o.readableHighWaterMark !== undefined) positiveInt(o.readableHighWaterMark, `${prefix}readableHighWaterMark`, 1, 1 << 24);
  if (o.writableHighWaterMark !== undefined) positiveInt(o.writableHighWaterMark, `${prefix}writableHighWaterMark`, 1, 1 << 24);
  if (o.writeErrors !== undefined && o.writeErrors !== 'error' && o.writeErrors !== 'emit') {
    throw new ArgumentError(`${prefix}writeErrors`, `expected 'error' or 'emit', got ${describe(o.writeErrors)}`);
  }
  if (o.ref !== undefined && typeof o.ref !== 'boolean') throw new ArgumentError(`${prefix}ref`, `expected true or false, got ${describe(o.ref)}`);
}

export interface PacketStream {
  on(event: 'writeError', listener: (err: NetlinkError, packet: Uint8Array) => void): this;
  on(event: 'data', listener: (packet: Buffer) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'writeError', listener: (err: NetlinkError, packet: Uint8Array) => void): this;
  once(event: 'data', listener: (packet: Buffer) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
  read(size?: number): Buffer | null;
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer>;
}

/** A Duplex stream of packets over a non-blocking fd it owns (closed on destroy). */
export class PacketStream extends Duplex {
  /** Counters (live). */
  readonly stats: PacketStats = { packetsIn: 0, bytesIn: 0, packetsOut: 0, bytesOut: 0, readWakeups: 0, readCalls: 0, writeWaits: 0, writeErrors: 0 };
  /** A short name for messages, e.g. "tun0 queue 1". */
  protected label: string;
  private fdNum: number;
  private poll: PollHandle | undefined;
  private events = 0;
  private wantRead = false;
  private suspended = false;
  private writeBlocked = false;
  private pending: PendingWrite | undefined;
  private readonly batch: number;
  private readonly bufSize: number;
  private readonly maxPacket: number;
  private readonly emitWriteErrors: boolean;
  private readonly readArr: Buffer[] = [];
  private readonly lens: Int32Array;
  private slab: Buffer = Buffer.alloc(0);
  private slabOff = 0;
  private refed: boolean;

  constructor(fd: number, opts: PacketStreamOptions = {}, label = `fd ${fd}`) {
    checkStreamOptions(opts);
    super({
      objectMode: true,
      readableHighWaterMark: opts.readableHighWaterMark ?? 256,
      writableHighWaterMark: opts.writableHighWaterMark ?? 256,
      allowHalfOpen: true,
      emitClose: true,
      autoDestroy: true,
    });
    this.fdNum = fd;
    this.label = label;
    this.batch = opts.readBatch ?? 64;
    this.lens = new Int32Array(this.batch);
    this.maxPacket = opts.maxPacketSize ?? MAX_PACKET_SIZE;
    // One byte more than the largest accepted packet: a read that fills the
    // whole buffer was truncated by the kernel.
    this.bufSize = this.maxPacket + 1;
    this.emitWriteErrors = opts.writeErrors === 'emit';
    this.refed = opts.ref ?? true;
    this.poll = native().pollCreate(fd, (status, events) => this.onPoll(status, events));
    if (this.refed) native().pollRef(this.poll, true);
  }

  /** The file descriptor (-1 once closed). */
  get fd(): number {
    return this.fdNum;
  }

  /** Let the event loop exit even while this stream waits for packets (like socket.unref()). */
  unref(): this {
    this.refed = false;
    if (this.poll) native().pollRef(this.poll, false);
    return this;
  }

  /** Undo unref(). */
  ref(): this {
    this.refed = true;
    if (this.poll) native().pollRef(this.poll, true);
    return this;
  }

  /** Validate a packet before it is queued: a Buffer/Uint8Array of 1..maxPacketSize bytes. */
  override write(packet: Uint8Array, cb?: (err?: Error | null) => void): boolean;
  override write(packet: Uint8Array, encoding: BufferEncoding, cb?: (err?: Error | null) => void): boolean;
  override write(packet: unknown, a?: unknown, b?: unknown): boolean {
    if (!(packet instanceof Uint8Array)) throw new ArgumentError('packet', `expected a Buffer or Uint8Array holding one packet, got ${describe(packet)}`);
    if (packet.length === 0 || packet.length > this.maxPacket) {
      throw new ArgumentError('packet', `a packet must be 1..${this.maxPacket} bytes, got ${packet.length}`);
    }
    return super.write(packet, a as BufferEncoding, b as (err?: Error | null) => void);
  }

  /**
   * `await using tun = await Tun.open(...)`: close() at the end of the
   * scope. (Node's own Duplex dispose destroys the stream with an AbortError,
   * which a stream without an 'error' listener would throw.)
   */
  override [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Destroy the stream and resolve once the fd is closed. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('close', () => resolve());
      this.destroy();
    });
  }

  /**
   * Stop touching the fd (no reads, no write attempts) until resume(); used
   * while a TUN queue is detached (its fd then reports errors). Writes made
   * meanwhile wait in the stream's buffer.
   */
  protected suspendIo(): void {
    this.suspended = true;
    this.updatePoll();
  }

  protected resumeIo(): void {
    this.suspended = false;
    if (this.pending && !this.writeBlocked) this.flush();
    this.updatePoll();
  }

  override _read(): void {
    this.wantRead = true;
    this.updatePoll();
  }

  override _write(chunk: Uint8Array, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.pending = { packets: [chunk], index: 0, cb };
    if (!this.suspended) this.flush();
  }

  override _writev(chunks: Array<{ chunk: Uint8Array; encoding: BufferEncoding }>, cb: (err?: Error | null) => void): void {
    const packets = new Array<Uint8Array>(chunks.length);
    for (let i = 0; i < chunks.length; i++) packets[i] = chunks[i]!.chunk;
    this.pending = { packets, index: 0, cb };
    if (!this.suspended) this.flush();
  }

  override _final(cb: (err?: Error | null) => void): void {
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const pw = this.pending;
    this.pending = undefined;
    // Packets still waiting (EAGAIN, detached queue) were not written: say so to their write callbacks.
    if (pw) pw.cb(err ?? new NetlinkError(-constants.errno.EBADF, { syscall: 'write', message: `${this.label}: closed with ${pw.packets.length - pw.index} packet(s) not written` }));
    this.wantRead = false;
    const n = native();
    if (this.poll) {
      n.pollClose(this.poll);
      this.poll = undefined;
    }
    let closeErr: Error | null = null;
    if (this.fdNum >= 0) {
      const r = this.closeFd(this.fdNum);
      this.fdNum = -1;
      if (r < 0) closeErr = new NetlinkError(r, { syscall: 'close', message: `${this.label}: close failed` });
    }
    cb(err ?? closeErr);
  }

  /** Close the fd (overridable: a TUN device closes its other queues too). */
  protected closeFd(fd: number): number {
    return native().close(fd);
  }

  private updatePoll(): void {
    const poll = this.poll;
    if (!poll) return;
    const want = this.suspended ? 0 : (this.wantRead ? POLL_READABLE : 0) | (this.writeBlocked ? POLL_WRITABLE : 0);
    if (want === this.events) return;
    this.events = want;
    const r = want === 0 ? native().pollStop(poll) : native().pollStart(poll, want);
    if (r < 0) this.destroy(new NetlinkError(-r, { syscall: 'uv_poll_start', message: `${this.label}: cannot poll the fd` }));
  }

  private onPoll(status: number, events: number): void {
    if (this.destroyed) return;
    if (status < 0) {
      // libuv stopped the handle (POLLERR): find out why with a read.
      this.events = 0;
      if (this.suspended) return;
      const r = native().readBatch(this.fdNum, 1, this.bufSize, this.readArr);
      const errno = r < 0 ? -r : status === UV_EBADF ? constants.errno.EBADF : -status;
      this.readArr.length = 0;
      const why = errno === EBADFD ? ' (the device was deleted, or the queue detached elsewhere)' : '';
      this.destroy(new NetlinkError(errno, { syscall: 'poll', message: `${this.label}: the fd reports an error${why}` }));
      return;
    }
    if (events & POLL_READABLE && this.wantRead) this.drain();
    if (events & POLL_WRITABLE && this.writeBlocked) {
      this.writeBlocked = false;
      if (this.pending) this.flush();
    }
    this.updatePoll();
  }

  /**
   * Read what is waiting, up to a few batches, while the consumer keeps up.
   * Packets are copied packed into a shared slab (SLAB_SIZE bytes) and handed
   * out as views of it: no allocation per packet.
   */
  private drain(): void {
    const n = native();
    const lens = this.lens;
    const overflow = this.readArr;
    const stats = this.stats;
    let got = false;
    for (let round = 0; round < 8 && this.wantRead && !this.destroyed; round++) {
      if (this.slab.length - this.slabOff < SLAB_MIN_ROOM) {
        this.slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
        this.slabOff = 0;
      }
      const slab = this.slab;
      let off = this.slabOff;
      const count = n.readSlab(this.fdNum, this.batch, this.bufSize, slab, off, lens, overflow);
      stats.readCalls++;
      if (count < 0) {
        overflow.length = 0;
        if (-count === EAGAIN) break;
        const why = -count === EBADFD ? ' (the device was deleted, or the queue detached elsewhere)' : '';
        this.destroy(new NetlinkError(-count, { syscall: 'read', message: `${this.label}: read failed${why}` }));
        return;
      }
      if (count > 0) got = true;
      let ov = 0;
      for (let i = 0; i < count; i++) {
        let len = lens[i]!;
        let p: Buffer;
        if (len >= 0) {
          p = slab.subarray(off, off + len);
          off += len;
        } else {
          p = overflow[ov++]!;
          len = -len;
        }
        if (len > this.maxPacket) {
          overflow.length = 0;
          this.destroy(new NetlinkError(constants.errno.EMSGSIZE, { syscall: 'read', message: `${this.label}: a packet larger than maxPacketSize (${this.maxPacket}) was truncated` }));
          return;
        }
        stats.packetsIn++;
        stats.bytesIn += len;
        if (!this.push(p)) this.wantRead = false;
      }
      this.slabOff = off;
      overflow.length = 0;
      if (count < this.batch) break;
    }
    if (got) stats.readWakeups++;
  }

  /** Write pending packets until done, EAGAIN (wait for POLLOUT) or an error. */
  private flush(): void {
    const pw = this.pending;
    if (!pw || this.destroyed) return;
    const n = native();
    const stats = this.stats;
    while (pw.index < pw.packets.length) {
      const r = n.writeBatch(this.fdNum, pw.packets, pw.index);
      if (r > 0) {
        for (let i = pw.index, end = pw.index + r; i < end; i++) stats.bytesOut += pw.packets[i]!.length;
        stats.packetsOut += r;
        pw.index += r;
        continue;
      }
      if (r === 0) {
        stats.writeWaits++;
        this.writeBlocked = true;
        this.updatePoll();
        return;
      }
      const err = new NetlinkError(-r, { syscall: 'write', message: `${this.label}: the kernel refused a packet of ${pw.packets[pw.index]!.length} bytes` });
      if (this.emitWriteErrors && PACKET_ERRNOS.has(-r)) {
        stats.writeErrors++;
        const bad = pw.packets[pw.index]!;
        pw.index++;
        this.emit('writeError', err, bad);
        if (this.pending !== pw) return;
        continue;
      }
      this.pending = undefined;
      pw.cb(err);
      return;
    }
    this.pending = undefined;
    this.updatePoll();
    pw.cb();
  }
}

/** A datagram socketpair wrapped as two PacketStreams (tests and examples: a packet fd with real backpressure). */
export function packetPair(opts: PacketStreamOptions = {}): [PacketStream, PacketStream] {
  const AF_UNIX = 1;
  const SOCK_DGRAM = 2;
  const r = native().socketpair(AF_UNIX, SOCK_DGRAM, 0);
  if (typeof r === 'number') throw new NetlinkError(r, { syscall: 'socketpair' });
  return [new PacketStream(r[0], opts, `pair fd ${r[0]}`), new PacketStream(r[1], opts, `pair fd ${r[1]}`)];
}
