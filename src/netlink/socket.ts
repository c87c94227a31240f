/**
 * NetlinkSocket: an AF_NETLINK socket with a request engine, the public face
 * of two modules with one job each: the transport (src/netlink/transport.ts:
 * the socket, its options, namespace, datagrams and read loop) and the
 * engine (src/netlink/engine.ts: sequence numbers, requests in flight
 * matched by seq, ACKs, streamed multipart dumps, extended ACK errors,
 * timeouts, multicast dispatch). Readiness comes from libuv (uv_poll); the
 * JS thread never blocks.
 * @module
 */
import './dispose.js';
import { tracer } from './debug.js';
import { NETLINK_ROUTE } from './constants.js';
import { ArgumentError, SocketClosedError, type CallbackError, type RequestInfo } from './errors.js';
import type { RawMessage } from './message.js';
import { describe } from './ip.js';
import { native, type NetlinkTransport } from './native.js';
import { createDecodeContext, protocolFor, type DecodeContext, type DecodeOptions, type Protocol } from './protocol.js';
import { Transport, netnsPath, type NetnsRef } from './transport.js';
import {
  Engine,
  checkInt,
  type BatchOptions,
  type BatchOutcome,
  type BatchPart,
  type Body,
  type DumpOptions,
  type MulticastHandler,
  type RequestOptions,
  type SocketStats,
} from './engine.js';

export { checkNetnsName, netnsPath, openNetns, type NetnsRef } from './transport.js';
export type { BatchOptions, BatchOutcome, BatchPart, Body, DumpOptions, MulticastHandler, RequestOptions, SocketStats } from './engine.js';

const dbg = tracer('rtnetlink:socket');

export interface SocketOptions {
  /**
   * Netlink protocol: its number (default NETLINK_ROUTE, 0), looked up in
   * the protocol registry (src/netlink/protocol.ts), or the registry entry
   * itself (e.g. `routeProtocol`), which names messages, finds their schemas
   * and maps extended-ACK offsets for this socket.
   */
  protocol?: number | Protocol;
  /** Decode options of this socket's decode context (e.g. rtnetlink's `inet6StatsLayout`). */
  decodeOptions?: DecodeOptions;
  /**
   * The system calls the socket makes (default: the native addon). Tests
   * pass a scripted fake (test/fake-transport.ts) to drive the engine
   * without root or a kernel.
   */
  transport?: NetlinkTransport;
  /** Open the socket inside this network namespace. */
  netns?: NetnsRef;
  /** Multicast groups (numbers, 1-based) to join. */
  groups?: number[];
  /** Receive buffer size in bytes (SO_RCVBUFFORCE, falling back to SO_RCVBUF). Default 4 MiB. */
  rcvbuf?: number;
  /** Send buffer size in bytes. Default: kernel default. */
  sndbuf?: number;
  /** Ask for extended ACK messages (NETLINK_EXT_ACK). Default true. */
  extAck?: boolean;
  /** Strict checking of dump requests (NETLINK_GET_STRICT_CHK). Default: the protocol's (true for NETLINK_ROUTE). */
  strictCheck?: boolean;
  /** Do not echo the request payload in error messages (NETLINK_CAP_ACK). Default true. */
  capAck?: boolean;
  /** Do not report ENOBUFS on overrun (NETLINK_NO_ENOBUFS). Default false. */
  noEnobufs?: boolean;
  /**
   * NETLINK_LISTEN_ALL_NSID: also receive the notifications of every other
   * namespace that has an id in this one (`ip netns set NAME ID`, or one the
   * kernel assigned), each with that id. Default false. Needs CAP_NET_BROADCAST.
   */
  listenAllNsid?: boolean;
  /** Default per-request timeout in ms (for dumps: time without progress). Default 15000. */
  timeout?: number;
  /** Most requests on the wire at once; further ones queue. Default 64. */
  maxInFlight?: number;
  /** Name a message type for errors and debug output (default: the protocol's names). */
  typeName?: (type: number) => string;
  /**
   * Called for every datagram sent ('out') and received ('in'), e.g. to
   * record a pcap. If it throws it is detached (never called again) and the
   * exception is surfaced as a CallbackError: for 'out', the request is not
   * sent and rejects with it; for 'in', the datagram is processed as usual
   * and the error goes to the onError handler (a monitor yields it as an
   * `error` event), or, without one, becomes a process warning. Either way
   * it is kept in `socket.tapError`.
   */
  tap?: (direction: 'in' | 'out', datagram: Buffer, protocol: number) => void;
  /** One-line summary of a message for `rtnetlink:msg` debug output (default: the protocol's; only called when that namespace is enabled). */
  summarize?: (msg: RawMessage) => string | undefined;
  /** Name the attribute at an extended-ACK offset of a request (default: the protocol's). */
  describeOffset?: (request: Buffer, offset: number) => string | undefined;
}

const SOCKET_OPTION_TYPES: Record<keyof SocketOptions, 'int' | 'ms' | 'bool' | 'fn' | 'netns' | 'groups' | 'protocol' | 'object'> = {
  protocol: 'protocol', decodeOptions: 'object', transport: 'object', netns: 'netns', groups: 'groups', rcvbuf: 'int', sndbuf: 'int', extAck: 'bool',
  strictCheck: 'bool', capAck: 'bool', noEnobufs: 'bool', listenAllNsid: 'bool', timeout: 'ms', maxInFlight: 'int', typeName: 'fn', tap: 'fn',
  summarize: 'fn', describeOffset: 'fn',
};

/** Validate socket options before any syscall; throws ArgumentError naming the option. */
export function checkSocketOptions(opts: unknown): SocketOptions {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new ArgumentError('options', `expected an options object, got ${describe(opts)}`);
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    const t = SOCKET_OPTION_TYPES[k as keyof SocketOptions];
    if (t === undefined) throw new ArgumentError(k, `unknown option "${k}" (known: ${Object.keys(SOCKET_OPTION_TYPES).join(', ')})`);
    if (t === 'int' && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw new ArgumentError(k, `expected an integer >= 0, got ${describe(v)}`);
    if (t === 'ms' && (typeof v !== 'number' || Number.isNaN(v) || v < 0)) throw new ArgumentError(k, `expected a number of ms >= 0 (0 or Infinity: none), got ${describe(v)}`);
    if (t === 'bool' && typeof v !== 'boolean') throw new ArgumentError(k, `expected true or false, got ${describe(v)}`);
    if (t === 'fn' && typeof v !== 'function') throw new ArgumentError(k, `expected a function, got ${describe(v)}`);
    if (t === 'netns') netnsPath(v as NetnsRef, k);
    if (t === 'object' && (typeof v !== 'object' || v === null || Array.isArray(v))) throw new ArgumentError(k, `expected an object, got ${describe(v)}`);
    if (t === 'protocol' && !(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 31) && !isProtocol(v)) {
      throw new ArgumentError(k, `expected a netlink protocol number 0..31 or a protocol registry entry, got ${describe(v)}`);
    }
    if (t === 'groups' && !Array.isArray(v)) throw new ArgumentError(k, `expected an array of group numbers, got ${describe(v)}`);
  }
  return opts as SocketOptions;
}

function isProtocol(v: unknown): v is Protocol {
  const p = v as Partial<Protocol> | null;
  return typeof p === 'object' && p !== null && typeof p.family === 'number' && typeof p.messageName === 'function' && typeof p.schemaFor === 'function';
}

/** An AF_NETLINK socket with a request engine. */
export class NetlinkSocket {
  /** The netlink protocol number (NETLINK_ROUTE = 0, ...). */
  readonly protocol: number;
  /** This socket's decoding context: its protocol registry entry, decode options, and what the protocol learned (generic netlink family ids). */
  readonly context: DecodeContext;
  /** Our port id (nl_pid) as assigned by the kernel. */
  readonly portid: number;
  readonly stats: SocketStats;
  private readonly transport: Transport;
  private readonly engine: Engine;

  private constructor(t: Transport, ctx: DecodeContext, opts: SocketOptions) {
    this.transport = t;
    this.portid = t.portid;
    this.protocol = ctx.protocol.family;
    this.context = ctx;
    this.engine = new Engine(t, ctx, opts);
    this.stats = this.engine.stats;
  }

  /** The exception of the `tap` option, if it threw (it is detached then). */
  get tapError(): CallbackError | undefined {
    return this.engine.tapError;
  }

  set tapError(e: CallbackError | undefined) {
    this.engine.tapError = e;
  }

  /** Open a socket (synchronously: only non-blocking syscalls are made). */
  static open(opts: SocketOptions = {}): NetlinkSocket {
    checkSocketOptions(opts);
    const proto = typeof opts.protocol === 'object' ? opts.protocol : protocolFor(opts.protocol ?? NETLINK_ROUTE);
    const protocol = proto.family;
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 31) throw new ArgumentError('protocol', 'expected a netlink protocol number 0..31');
    const n = opts.transport ?? native();
    if (opts.maxInFlight !== undefined && (!Number.isInteger(opts.maxInFlight) || opts.maxInFlight < 1)) {
      throw new ArgumentError('maxInFlight', 'expected a positive integer');
    }
    const t = Transport.open({ ...opts, protocol, strictCheck: opts.strictCheck ?? proto.strictCheck ?? false }, n);
    try {
      const s = new NetlinkSocket(t, createDecodeContext(proto, opts.decodeOptions ?? {}), opts);
      t.start(s.engine);
      dbg('open fd=%d protocol=%d portid=%d netns=%o', t.fdNumber, protocol, s.portid, opts.netns);
      return s;
    } catch (e) {
      t.close();
      throw e;
    }
  }

  /** True once close() was called. */
  get isClosed(): boolean {
    return this.engine.isClosed;
  }

  /** Requests sent or queued and not yet answered. */
  get pendingCount(): number {
    return this.engine.pendingCount;
  }

  /** Handle multicast notifications (datagrams sent to a group). */
  onMulticast(handler: MulticastHandler | undefined): void {
    if (handler !== undefined && typeof handler !== 'function') throw new ArgumentError('handler', `expected a function or undefined, got ${describe(handler)}`);
    this.engine.onMulticast(handler);
  }

  /** Called for socket-level errors that belong to no request (e.g. ENOBUFS on a listening socket). */
  onError(handler: ((e: Error) => void) | undefined): void {
    if (handler !== undefined && typeof handler !== 'function') throw new ArgumentError('handler', `expected a function or undefined, got ${describe(handler)}`);
    this.engine.onError(handler);
  }

  /** Join a multicast group. */
  addMembership(group: number): void {
    checkInt(group, 'group', 1, 0xffffffff);
    this.ensureOpen();
    this.transport.addMembership(group);
  }

  /** Leave a multicast group. */
  dropMembership(group: number): void {
    checkInt(group, 'group', 1, 0xffffffff);
    this.ensureOpen();
    this.transport.dropMembership(group);
  }

  /** Set an integer socket option at SOL_NETLINK or SOL_SOCKET. */
  setOption(level: number, name: number, value: number): void {
    checkInt(level, 'level', 0, 0x7fffffff);
    checkInt(name, 'name', 0, 0x7fffffff);
    checkInt(value, 'value', -0x80000000, 0x7fffffff);
    this.ensureOpen();
    this.transport.setOption(level, name, value);
  }

  /** Read an integer socket option. */
  getOption(level: number, name: number): number {
    checkInt(level, 'level', 0, 0x7fffffff);
    checkInt(name, 'name', 0, 0x7fffffff);
    this.ensureOpen();
    return this.transport.getOption(level, name);
  }

  /**
   * A new fd (O_CLOEXEC) referring to the network namespace this socket
   * lives in (ioctl SIOCGSKNS); the caller closes it.
   */
  openNetnsFd(): number {
    this.ensureOpen();
    return this.transport.openNetnsFd();
  }

  private ensureOpen(info?: RequestInfo): void {
    if (this.engine.isClosed) throw new SocketClosedError(info);
  }

  /**
   * Send a request with NLM_F_ACK and resolve with the messages the kernel
   * answered before its ACK (empty for plain commands). Rejects with
   * NetlinkError on an error ACK.
   */
  request(type: number, body: Body, opts: RequestOptions = {}): Promise<RawMessage[]> {
    return this.engine.request(type, body, opts);
  }

  /** Send raw bytes as a request (the header's seq and pid are overwritten). Resolves like request(). */
  requestRaw(message: Uint8Array, opts: RequestOptions = {}): Promise<RawMessage[]> {
    return this.engine.requestRaw(message, opts);
  }

  /**
   * Send several messages in one datagram (e.g. an nf_tables transaction:
   * NFNL_MSG_BATCH_BEGIN, the changes, NFNL_MSG_BATCH_END). They get
   * consecutive sequence numbers; each acked message is matched to its own
   * answer, and the batch resolves, once every acked message is answered,
   * with one outcome per message (in order): its replies, or its error
   * (NetlinkError with the extended ACK mapped onto that message). The
   * kernel reports every failing message of a batch, so several outcomes
   * may be errors. Only the socket closing, a send failure or a bad
   * argument rejects the promise itself.
   *
   * The batch waits for the window like a request; once sent it counts as
   * its number of acked messages (it may go past `maxInFlight`: a batch is
   * not split).
   */
  batch(parts: ReadonlyArray<BatchPart>, opts: BatchOptions = {}): Promise<BatchOutcome[]> {
    return this.engine.batch(parts, opts);
  }

  /**
   * Start a dump (NLM_F_DUMP) and stream its messages. Only one dump runs on
   * a socket at a time (a kernel rule); further dumps wait their turn.
   * Reading stops while `highWaterMark` messages wait unconsumed, so memory
   * stays bounded; note this also delays answers to other requests on the
   * same socket until the consumer catches up.
   * At the end, NLM_F_DUMP_INTR raises DumpInterruptedError (after every
   * message was delivered). Breaking out of the loop drains the rest of the
   * dump in the background.
   */
  dump(type: number, body: Body, opts: DumpOptions = {}): AsyncIterableIterator<RawMessage> {
    return this.engine.dump(type, body, opts);
  }

  /**
   * Run a dump to completion and return every message. If the kernel marks
   * it interrupted (NLM_F_DUMP_INTR), retry up to `retries` times (default 3),
   * then throw DumpInterruptedError.
   */
  dumpAll(type: number, body: Body, opts: DumpOptions & { retries?: number } = {}): Promise<RawMessage[]> {
    return this.engine.dumpAll(type, body, opts);
  }

  /**
   * Run a dump to completion, turning each message into a value with `map`
   * as it arrives (undefined results are dropped), and return the values.
   * Nothing but the values is kept: no message queue, no promise per
   * message, so this is the fast way to list everything. NLM_F_DUMP_INTR is
   * retried like dumpAll(); an exception from `map` ends the dump with it.
   */
  collect<T>(type: number, body: Body, map: (m: RawMessage) => T | undefined, opts: DumpOptions & { retries?: number } = {}): Promise<T[]> {
    return this.engine.collect(type, body, map, opts);
  }

  /**
   * Stop reading the socket until resumeReading(), e.g. while a multicast
   * consumer is behind. The kernel keeps queueing into the receive buffer;
   * when it is full, the kernel drops notifications and the next read
   * reports ENOBUFS (to onError). Requests in flight wait as well.
   */
  holdReading(): void {
    this.transport.hold();
  }

  /** Undo holdReading() and drain what the kernel queued meanwhile. */
  releaseReading(): void {
    this.transport.release();
  }

  /**
   * Read, synchronously, every datagram the kernel has queued right now
   * (even while reading is held), dispatching them as usual. Used after an
   * overrun to take in what was queued before the loss.
   */
  drain(): void {
    this.transport.drain();
  }

  /** Whether holdReading() is in effect. */
  get readingHeld(): boolean {
    return this.transport.isHeld;
  }

  /** `using sock = NetlinkSocket.open(...)`: close() at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using`: close() at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /**
   * Close the socket. Pending and queued requests reject with
   * SocketClosedError. Idempotent.
   */
  close(): void {
    this.engine.close();
  }
}
