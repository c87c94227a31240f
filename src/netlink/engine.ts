/**
 * The request engine of a netlink socket: sequence numbers, many requests in
 * flight matched by seq and port id, ACKs and extended-ACK errors, streamed
 * and collected multipart dumps (NLM_F_DUMP_INTR, backpressure), batches,
 * the send window, timeouts, ENOBUFS overruns, and multicast dispatch.
 *
 * It speaks to the kernel only through a Transport (src/netlink/transport.ts):
 * it hands it datagrams to send and receives the datagrams it reads.
 * NetlinkSocket (src/netlink/socket.ts) composes the two.
 * @module
 */
import { tracer } from './debug.js';
import {
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_ECHO,
  NLM_F_REQUEST,
} from './constants.js';
import { ENOBUFS } from './errno.js';
import {
  ArgumentError,
  CallbackError,
  DecodeError,
  DumpInterruptedError,
  NetlinkError,
  SocketClosedError,
  TimeoutError,
  type ExtAck,
  type RequestInfo,
} from './errors.js';
import { parseDone, parseError, splitMessages, type RawMessage } from './message.js';
import { describe } from './ip.js';
import { describeOffsetWith, type DecodeContext } from './protocol.js';
import type { SocketOptions } from './socket.js';
import type { Transport, TransportReceiver } from './transport.js';
import { Writer } from './writer.js';

const dbg = tracer('rtnetlink:socket');
const dbgMsg = tracer('rtnetlink:msg');

export function checkInt(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ArgumentError(field, `expected an integer ${min}..${max}, got ${describe(v)}`);
  return v;
}

function checkRequest(type: unknown, body: unknown, opts: unknown): RequestOptions {
  checkInt(type, 'type', 0, 0xffff);
  if (body !== undefined && typeof body !== 'function' && !(body instanceof Uint8Array)) throw new ArgumentError('body', `expected a function (w: Writer) => void, bytes or undefined, got ${describe(body)}`);
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new ArgumentError('options', `expected an options object, got ${describe(opts)}`);
  const o = opts as DumpOptions & { retries?: number };
  if (o.what !== undefined && typeof o.what !== 'string') throw new ArgumentError('what', `expected a string, got ${describe(o.what)}`);
  if (o.timeout !== undefined && (typeof o.timeout !== 'number' || Number.isNaN(o.timeout) || o.timeout < 0)) throw new ArgumentError('timeout', `expected a number of ms >= 0, got ${describe(o.timeout)}`);
  if (o.flags !== undefined) checkInt(o.flags, 'flags', 0, 0xffff);
  if (o.highWaterMark !== undefined && (typeof o.highWaterMark !== 'number' || !(o.highWaterMark >= 1))) throw new ArgumentError('highWaterMark', `expected a number >= 1, got ${describe(o.highWaterMark)}`);
  if (o.retries !== undefined && (typeof o.retries !== 'number' || !Number.isInteger(o.retries) || o.retries < 0)) throw new ArgumentError('retries', `expected an integer >= 0, got ${describe(o.retries)}`);
  return o;
}

export interface RequestOptions {
  /** Human description for errors: "links.add veth0". */
  what?: string;
  /** Timeout in ms for this request. */
  timeout?: number;
  /** Extra nlmsg flags (NLM_F_REQUEST and NLM_F_ACK are added). */
  flags?: number;
}

export interface DumpOptions extends RequestOptions {
  /** Stop reading the socket when this many messages are queued and not consumed. Default 4096. */
  highWaterMark?: number;
}

/** A message body: a function writing the payload after the nlmsghdr, or the payload bytes. */
export type Body = ((w: Writer) => void) | Uint8Array | undefined;

/** Socket counters. */
export interface SocketStats {
  requests: number;
  datagramsIn: number;
  datagramsOut: number;
  messagesIn: number;
  /** Datagrams dropped because the sender was not the kernel (nl_pid != 0). */
  foreignDropped: number;
  /** Unicast messages whose seq matched no pending request (e.g. after a timeout). */
  unmatched: number;
  /** ENOBUFS overruns reported by the kernel. */
  overruns: number;
  /** Exceptions thrown by user callbacks (tap, multicast and error handlers), caught and surfaced. */
  callbackErrors: number;
}

interface PendingBase {
  seq: number;
  /** Settled (finish() ran): a request settles once, whatever reports it again. */
  done: boolean;
  info: RequestInfo;
  /** The request as sent (for a batch part: its message inside the batch datagram). */
  bytes: Buffer;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
  /** The datagram (engine's count) in which the timer was last started or restarted; -1 when armed outside one. */
  armedIn?: number;
}

/** A request answered by an ACK or error (request(), and each message of a batch). */
interface AckPending extends PendingBase {
  kind: 'ack';
  /** Messages answered before the ACK. */
  replies: RawMessage[];
  resolve: (r: RawMessage[]) => void;
  reject: (e: Error) => void;
  /** The batch this message was sent in. */
  batch?: BatchState;
  /**
   * A batch message sent without NLM_F_ACK (NFNL_MSG_BATCH_BEGIN/END): not
   * counted in the window and not waited for, but an error answering it
   * fails the batch's messages still waiting.
   */
  silent?: boolean;
}

/** A dump streamed by dump(): messages queue for the consumer. */
interface StreamPending extends PendingBase {
  kind: 'stream';
  queue: RawMessage[];
  /** Index of the next unread message in `queue` (shift() is O(n) on long queues). */
  qhead: number;
  waiter?: { resolve: (r: IteratorResult<RawMessage>) => void; reject: (e: Error) => void };
  error?: Error;
  intr: boolean;
  /** The consumer left: drain the rest without keeping it. */
  discard: boolean;
  highWater: number;
}

/** A dump run by collect(): each message goes to the sink as it arrives. */
interface CollectPending extends PendingBase {
  kind: 'collect';
  sink: (m: RawMessage) => void;
  /** Called once when the dump ends. */
  settle?: (err?: Error) => void;
  intr: boolean;
}

type DumpPending = StreamPending | CollectPending;
type Pending = AckPending | DumpPending;

/** A request sent with NLM_F_ECHO: its answer comes with the notification's multicast group set. */
function isEcho(p: Pending): p is AckPending {
  return p.kind === 'ack' && (p.info.flags & NLM_F_ECHO) !== 0;
}

/** Several messages sent in one datagram; each acked message settles on its own. */
interface BatchState {
  kind: 'batch';
  /** The datagram. */
  bytes: Buffer;
  parts: AckPending[];
  /** Acked parts not yet settled. */
  open: number;
  what: string | undefined;
}

/** What waits to be sent: a request, a dump, or a batch. */
type Sendable = AckPending | DumpPending | BatchState;

/** One message of a {@link NetlinkSocket.batch}. */
export interface BatchPart {
  /** nlmsg_type */
  type: number;
  /** The payload after the nlmsghdr. */
  body?: Body;
  /** Flags besides NLM_F_REQUEST (always set) and NLM_F_ACK (set unless `ack` is false). */
  flags?: number;
  /**
   * Wait for this message's answer (NLM_F_ACK is added). Default true.
   * `false` for framing messages such as NFNL_MSG_BATCH_BEGIN/END: sent as
   * given and not waited for; if the kernel answers one with an error (a
   * batch it refuses as a whole), every message of the batch still waiting
   * fails with that error.
   */
  ack?: boolean;
  /** Description for errors: "nft add rule ip nat postrouting". */
  what?: string;
}

/** How one message of a batch ended: the messages answered before its ACK, or its error. */
export type BatchOutcome = { ok: true; replies: RawMessage[] } | { ok: false; error: Error };

/** Options of {@link NetlinkSocket.batch}. */
export interface BatchOptions {
  /** Description for errors (each part's own `what` wins). */
  what?: string;
  /** Timeout in ms for each acked message. */
  timeout?: number;
}

/**
 * Receives multicast notifications. `nsid` is the id, in this socket's
 * namespace, of the namespace the notification comes from: only with
 * `listenAllNsid`, and only for other namespaces (undefined for our own).
 */
export type MulticastHandler = (msg: RawMessage, groups: number, nsid: number | undefined) => void;

let nextSeqBase = (Date.now() & 0x7fffffff) >>> 0;

/** Append one message (nlmsghdr + body, pid 0) to `w`; returns its offset. */
function writeMessage(w: Writer, type: number, flags: number, body: Body, seq: number): number {
  const start = w.msgStart(type, flags, seq, 0);
  if (typeof body === 'function') body(w);
  else if (body) w.bytes(body);
  w.msgEnd(start);
  return start;
}

/** process.emitWarning, which must not throw either (e.g. a 'warning' listener that throws is the user's). */
function emitWarning(e: Error): void {
  try {
    process.emitWarning(e);
  } catch {
    /* nowhere left to report */
  }
}

/** FIFO with O(1) push and shift (Array#splice/shift at the head of a long queue is O(n)). */
class Fifo<T> {
  private items: Array<T | undefined> = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
  /** Remove and return everything. */
  drain(): T[] {
    const out = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return out;
  }
}


/** What the engine takes of a NetlinkSocket's options. */
export type EngineOptions = Pick<SocketOptions, 'timeout' | 'maxInFlight' | 'typeName' | 'tap' | 'summarize' | 'describeOffset'>;

/**
 * Requests and their answers over one Transport. The public face is
 * NetlinkSocket, which documents each operation.
 */
export class Engine implements TransportReceiver {
  readonly stats: SocketStats = { requests: 0, datagramsIn: 0, datagramsOut: 0, messagesIn: 0, foreignDropped: 0, unmatched: 0, overruns: 0, callbackErrors: 0 };
  /** Datagrams handled so far: which datagram a request's timer was last restarted in (armTimer). */
  private datagramsHandled = 0;
  /** The exception of the `tap` option, if it threw (it is detached then). */
  tapError: CallbackError | undefined;
  private readonly t: Transport;
  private readonly protocol: number;
  private readonly context: DecodeContext;
  private readonly portid: number;
  private seq: number;
  /** Requests in flight sent with NLM_F_ECHO (their answers come with a multicast group set). */
  private echoPending = 0;
  private readonly pending = new Map<number, Pending>();
  /** Not yet sent: requests and batches, and dumps (which go one at a time). */
  private readonly waiting = new Fifo<AckPending | BatchState>();
  private readonly waitingDumps = new Fifo<DumpPending>();
  /** Acked requests and dumps on the wire (silent batch parts not counted). */
  private inFlight = 0;
  private activeDump: DumpPending | undefined;
  private closed = false;
  private readonly maxInFlight: number;
  private readonly defaultTimeout: number;
  private readonly typeNameOpt: EngineOptions['typeName'];
  private tap: EngineOptions['tap'];
  private readonly describeOffset: (request: Buffer, offset: number) => string | undefined;
  private readonly summarize: ((msg: RawMessage) => string | undefined) | undefined;
  /** The protocol learns from received messages (generic netlink family ids). */
  private readonly observe: ((m: RawMessage) => void) | undefined;
  private multicast: MulticastHandler | undefined;
  private errorHandler: ((e: Error) => void) | undefined;
  private readonly writer = new Writer(1024);

  constructor(t: Transport, ctx: DecodeContext, opts: EngineOptions) {
    this.t = t;
    this.portid = t.portid;
    const proto = ctx.protocol;
    this.protocol = proto.family;
    this.context = ctx;
    this.seq = nextSeqBase;
    nextSeqBase = (nextSeqBase + 0x10000) >>> 0;
    this.maxInFlight = opts.maxInFlight ?? 64;
    this.defaultTimeout = opts.timeout ?? 15000;
    this.typeNameOpt = opts.typeName;
    this.tap = opts.tap;
    this.describeOffset = opts.describeOffset ?? ((req, off) => describeOffsetWith(ctx, req, off));
    const summarize = proto.summarize;
    this.summarize = opts.summarize ?? (summarize && ((m) => summarize(m, ctx)));
    const observe = proto.observe;
    this.observe = observe && ((m) => observe(m, ctx));
  }

  /** True once close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Requests sent or queued and not yet answered. */
  get pendingCount(): number {
    return this.pending.size + this.waiting.length + this.waitingDumps.length;
  }

  /** Set (or remove) the multicast handler. */
  onMulticast(handler: MulticastHandler | undefined): void {
    this.multicast = handler;
    this.t.update();
  }

  /** Set (or remove) the handler of errors that belong to no request. */
  onError(handler: ((e: Error) => void) | undefined): void {
    this.errorHandler = handler;
  }

  // ------------------------------------------------------------ TransportReceiver

  wantsData(): boolean {
    return this.pending.size > 0 || this.multicast !== undefined;
  }

  /** Answers awaited, requests waiting, or a listener set. */
  keepsAlive(): boolean {
    return this.pending.size > 0 || this.waiting.length > 0 || this.waitingDumps.length > 0 || this.multicast !== undefined;
  }

  /** During a dump one datagram at a time, so a slow consumer pauses the kernel (dumps only progress as we read) instead of us buffering. */
  readBatch(): number {
    return this.activeDump ? 1 : 32;
  }

  // ------------------------------------------------------------ requests

  /** Name of a message type (the request's bytes, when given, let the protocol name its command). Never throws. */
  private typeName(type: number, bytes?: Buffer): string {
    const userName = this.typeNameOpt;
    if (userName) {
      // A user-supplied namer runs on the receive path (debug output): it must not throw there.
      try {
        const n = userName(type);
        if (typeof n === 'string') return n;
      } catch {
        /* the protocol's name instead */
      }
    }
    const proto = this.context.protocol;
    return bytes && bytes.length >= NLMSG_HDRLEN
      ? proto.messageName(type, this.context, { type, buf: bytes, offset: 0, len: bytes.length })
      : proto.messageName(type, this.context);
  }

  private summary(m: RawMessage): string {
    if (!this.summarize) return '';
    try {
      const s = this.summarize(m);
      return s ? ` {${s}}` : '';
    } catch (e) {
      return ` {undecodable: ${(e as Error).message}}`;
    }
  }

  /** Open a socket (synchronously: only non-blocking syscalls are made). */

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    while (this.pending.has(this.seq)) this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  /** The first of `n` consecutive sequence numbers, none 0 and none in use (a batch's messages number consecutively). */
  private nextSeqs(n: number): number {
    for (;;) {
      let first = (this.seq + 1) >>> 0;
      if (first === 0 || first + n - 1 > 0xffffffff) first = 1;
      let free = true;
      for (let i = 0; i < n; i++) {
        if (this.pending.has(first + i)) {
          free = false;
          this.seq = first + i; // continue after the one in use
          break;
        }
      }
      if (free) {
        this.seq = first + n - 1;
        return first;
      }
    }
  }

  private build(type: number, flags: number, body: Body, seq: number): Buffer {
    const w = this.writer;
    w.reset();
    writeMessage(w, type, flags, body, seq);
    return w.toBuffer();
  }

  /** The request's description; its type name is filled in once the bytes exist (a protocol may name it by its payload). */
  private info(type: number, flags: number, seq: number, what: string | undefined): RequestInfo {
    return { type, typeName: '', flags, seq, ...(what ? { what } : {}) };
  }

  private named(info: RequestInfo, bytes: Buffer): void {
    info.typeName = this.typeName(info.type, bytes);
    info.bytes = bytes;
  }

  /** Number one request, and build it (in `info.bytes`) unless the socket is closed. */
  private prepare(type: number, flags: number, body: Body, what: string | undefined): RequestInfo {
    const seq = this.nextSeq();
    const info = this.info(type, flags, seq, what);
    if (this.closed) info.typeName = this.typeName(type);
    else this.named(info, this.build(type, flags, body, seq));
    return info;
  }

  /**
   * Send a request with NLM_F_ACK and resolve with the messages the kernel
   * answered before its ACK (empty for plain commands). Rejects with
   * NetlinkError on an error ACK.
   */
  request(type: number, body: Body, opts: RequestOptions = {}): Promise<RawMessage[]> {
    try {
      checkRequest(type, body, opts);
    } catch (e) {
      return Promise.reject(e);
    }
    const flags = NLM_F_REQUEST | NLM_F_ACK | (opts.flags ?? 0);
    const info = this.prepare(type, flags, body, opts.what);
    const seq = info.seq;
    const bytes = info.bytes as Buffer | undefined;
    if (!bytes) return Promise.reject(new SocketClosedError(info));
    return new Promise<RawMessage[]>((resolve, reject) => {
      this.enqueue({ kind: 'ack', seq, done: false, info, bytes, timeoutMs: opts.timeout ?? this.defaultTimeout, replies: [], resolve, reject });
    });
  }

  /** Send raw bytes as a request (the header's seq and pid are overwritten). Resolves like request(). */
  requestRaw(message: Uint8Array, opts: RequestOptions = {}): Promise<RawMessage[]> {
    if (!(message instanceof Uint8Array)) return Promise.reject(new ArgumentError('message', `expected the bytes of a netlink message, got ${describe(message)}`));
    if (message.length < NLMSG_HDRLEN) return Promise.reject(new ArgumentError('message', 'shorter than a netlink header'));
    const b = Buffer.from(message);
    const type = b.readUInt16LE(4);
    return this.request(type, b.subarray(NLMSG_HDRLEN, b.readUInt32LE(0)), { ...opts, flags: (opts.flags ?? 0) | b.readUInt16LE(6) });
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
    let layout: Array<{ type: number; flags: number; body: Body; ack: boolean; what: string | undefined }>;
    try {
      if (!Array.isArray(parts) || parts.length === 0) throw new ArgumentError('parts', 'expected a non-empty array of { type, body, flags, ack }');
      if (typeof opts !== 'object' || opts === null) throw new ArgumentError('options', `expected an options object, got ${describe(opts)}`);
      checkRequest(0, undefined, opts);
      layout = parts.map((part, i) => {
        if (typeof part !== 'object' || part === null) throw new ArgumentError(`parts[${i}]`, `expected { type, body, flags, ack }, got ${describe(part)}`);
        checkInt(part.type, `parts[${i}].type`, 0, 0xffff);
        if (part.flags !== undefined) checkInt(part.flags, `parts[${i}].flags`, 0, 0xffff);
        if (part.ack !== undefined && typeof part.ack !== 'boolean') throw new ArgumentError(`parts[${i}].ack`, `expected true or false, got ${describe(part.ack)}`);
        if (part.what !== undefined && typeof part.what !== 'string') throw new ArgumentError(`parts[${i}].what`, `expected a string, got ${describe(part.what)}`);
        const b = part.body;
        if (b !== undefined && typeof b !== 'function' && !(b instanceof Uint8Array)) throw new ArgumentError(`parts[${i}].body`, `expected a function (w: Writer) => void, bytes or undefined, got ${describe(b)}`);
        const ack = part.ack ?? true;
        return { type: part.type, flags: NLM_F_REQUEST | (ack ? NLM_F_ACK : 0) | (part.flags ?? 0), body: b, ack, what: part.what ?? opts.what };
      });
      if (!layout.some((x) => x.ack)) throw new ArgumentError('parts', 'no message waits for an answer (every part has ack: false)');
    } catch (e) {
      return Promise.reject(e);
    }
    const first = this.nextSeqs(layout.length);
    if (this.closed) {
      const info = this.info(layout[0]!.type, layout[0]!.flags, first, opts.what);
      info.typeName = this.typeName(info.type);
      return Promise.reject(new SocketClosedError(info));
    }
    const w = this.writer;
    w.reset();
    const offsets = layout.map((x, i) => writeMessage(w, x.type, x.flags, x.body, (first + i) >>> 0));
    const bytes = w.toBuffer();
    return new Promise<BatchOutcome[]>((resolve) => {
      const outcomes: BatchOutcome[] = new Array(layout.length);
      const batch: BatchState = { kind: 'batch', bytes, parts: [], open: 0, what: opts.what };
      layout.forEach((x, i) => {
        const seq = (first + i) >>> 0;
        const end = i + 1 < offsets.length ? offsets[i + 1]! : bytes.length;
        const msg = bytes.subarray(offsets[i], end);
        const info = this.info(x.type, x.flags, seq, x.what);
        this.named(info, msg);
        const settle = (o: BatchOutcome): void => {
          outcomes[i] = o;
          if (!x.ack) return;
          if (--batch.open === 0) {
            // every acked message is answered: forget the silent ones, and resolve
            for (const q of batch.parts) if (q.silent && this.pending.get(q.seq) === q) this.pending.delete(q.seq);
            for (let k = 0; k < outcomes.length; k++) outcomes[k] ??= { ok: true, replies: [] };
            resolve(outcomes);
          }
        };
        const p: AckPending = {
          kind: 'ack', seq, done: false, info, bytes: msg, timeoutMs: x.ack ? (opts.timeout ?? this.defaultTimeout) : 0, replies: [], batch,
          resolve: (replies) => settle({ ok: true, replies }),
          reject: (error) => settle({ ok: false, error }),
        };
        if (!x.ack) p.silent = true;
        else batch.open++;
        batch.parts.push(p);
      });
      this.stats.requests++;
      this.waiting.push(batch);
      this.pump();
    });
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
    checkRequest(type, body, opts);
    const flags = NLM_F_REQUEST | NLM_F_DUMP | (opts.flags ?? 0);
    let p: StreamPending | undefined;
    const start = (): StreamPending => {
      const seq = this.nextSeq();
      const info = this.info(type, flags, seq, opts.what);
      const bytes = this.closed ? Buffer.alloc(0) : this.build(type, flags, body, seq);
      this.named(info, bytes);
      const q: StreamPending = {
        kind: 'stream', seq, done: false, info, bytes, timeoutMs: opts.timeout ?? this.defaultTimeout,
        queue: [], qhead: 0, intr: false, discard: false, highWater: opts.highWaterMark ?? 4096,
      };
      if (this.closed) {
        q.done = true;
        q.error = new SocketClosedError(info);
      } else this.enqueue(q);
      return q;
    };
    const it: AsyncIterableIterator<RawMessage> = {
      [Symbol.asyncIterator]: () => it,
      next: () => {
        p ??= start();
        const q = p;
        const queue = q.queue;
        let head = q.qhead;
        if (queue.length > head) {
          const m = queue[head]!;
          (queue as Array<RawMessage | undefined>)[head++] = undefined;
          if (head === queue.length) {
            queue.length = 0;
            head = 0;
          } else if (head >= 1024 && head * 2 >= queue.length) {
            queue.splice(0, head);
            head = 0;
          }
          q.qhead = head;
          if (this.t.isPaused && queue.length - head < q.highWater / 2) this.t.resume();
          return Promise.resolve({ value: m, done: false });
        }
        if (q.done) {
          if (q.error) {
            const e = q.error;
            q.error = undefined;
            return Promise.reject(e);
          }
          return Promise.resolve({ value: undefined, done: true });
        }
        if (this.t.isPaused) this.t.resume();
        return new Promise((resolve, reject) => {
          q.waiter = { resolve, reject };
        });
      },
      return: () => {
        if (p && !p.done) {
          p.discard = true;
          p.queue.length = 0;
          p.qhead = 0;
          if (this.t.isPaused) this.t.resume();
        }
        if (p) p.error = undefined;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    return it;
  }

  /**
   * Run a dump to completion and return every message. If the kernel marks
   * it interrupted (NLM_F_DUMP_INTR), retry up to `retries` times (default 3),
   * then throw DumpInterruptedError.
   */
  async dumpAll(type: number, body: Body, opts: DumpOptions & { retries?: number } = {}): Promise<RawMessage[]> {
    return this.collect(type, body, (m) => m, opts);
  }

  /**
   * Run a dump to completion, turning each message into a value with `map`
   * as it arrives (undefined results are dropped), and return the values.
   * Nothing but the values is kept: no message queue, no promise per
   * message, so this is the fast way to list everything. NLM_F_DUMP_INTR is
   * retried like dumpAll(); an exception from `map` ends the dump with it.
   */
  async collect<T>(type: number, body: Body, map: (m: RawMessage) => T | undefined, opts: DumpOptions & { retries?: number } = {}): Promise<T[]> {
    checkRequest(type, body, opts);
    if (typeof map !== 'function') throw new ArgumentError('map', 'expected a function');
    const retries = opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.collectOnce(type, body, map, opts);
      } catch (e) {
        if (e instanceof DumpInterruptedError && attempt < retries) {
          dbg('dump %s interrupted, retrying (%d)', this.typeName(type), attempt + 1);
          continue;
        }
        throw e;
      }
    }
  }

  private collectOnce<T>(type: number, body: Body, map: (m: RawMessage) => T | undefined, opts: DumpOptions): Promise<T[]> {
    const flags = NLM_F_REQUEST | NLM_F_DUMP | (opts.flags ?? 0);
    const info = this.prepare(type, flags, body, opts.what);
    const seq = info.seq;
    const bytes = info.bytes as Buffer | undefined;
    if (!bytes) return Promise.reject(new SocketClosedError(info));
    return new Promise<T[]>((resolve, reject) => {
      const out: T[] = [];
      let failure: Error | undefined;
      this.enqueue({
        kind: 'collect', seq, done: false, info, bytes, timeoutMs: opts.timeout ?? this.defaultTimeout, intr: false,
        sink: (m) => {
          if (failure) return;
          try {
            const v = map(m);
            if (v !== undefined) out.push(v);
          } catch (e) {
            failure = e as Error;
          }
        },
        settle: (err) => {
          const e = failure ?? err;
          if (e) reject(e);
          else resolve(out);
        },
      });
    });
  }

  private enqueue(p: Pending): void {
    this.stats.requests++;
    if (p.kind === 'ack') this.waiting.push(p);
    else this.waitingDumps.push(p);
    this.pump();
  }

  /**
   * Send waiting requests while the window allows. Dumps go one at a time (a
   * kernel rule) and before plain requests when one may start; plain requests
   * queued behind a waiting dump are not held up by it. Each queue is first
   * in, first out.
   */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && !this.closed) {
      let p: Sendable | undefined;
      const d = this.waitingDumps.peek();
      const r = this.waiting.peek();
      if (d && !this.activeDump) p = this.waitingDumps.shift();
      else if (r) p = this.waiting.shift();
      else break;
      if (p!.kind === 'batch') this.sendBatch(p as BatchState);
      else this.send(p as Pending);
    }
    this.t.update();
  }

  private send(p: Pending): void {
    this.pending.set(p.seq, p);
    this.inFlight++;
    if (isEcho(p)) this.echoPending++;
    if (p.kind !== 'ack') this.activeDump = p;
    this.armTimer(p);
    if (dbgMsg.enabled) this.traceOut(p.bytes, p.info);
    this.transmit(p.bytes, [p]);
  }

  private sendBatch(b: BatchState): void {
    for (const p of b.parts) {
      this.pending.set(p.seq, p);
      if (isEcho(p)) this.echoPending++;
      if (!p.silent) {
        this.inFlight++;
        this.armTimer(p);
      }
    }
    if (dbgMsg.enabled) {
      dbgMsg('-> batch of %d messages len=%d%s', b.parts.length, b.bytes.length, b.what ? ` (${b.what})` : '');
      for (const p of b.parts) this.traceOut(p.bytes, p.info);
    }
    this.transmit(b.bytes, b.parts);
  }

  private traceOut(bytes: Buffer, info: RequestInfo): void {
    const m = splitMessages(bytes)[0]!;
    dbgMsg('-> %s seq=%d flags=0x%s len=%d%s%s', info.typeName, info.seq, info.flags.toString(16), m.len, info.what ? ` (${info.what})` : '', this.summary(m));
  }

  /** One datagram out; a failed sendto (or a tap that throws) fails every request it carried. */
  private transmit(bytes: Buffer, carried: Pending[]): void {
    const tapErr = this.callTap('out', bytes);
    if (tapErr) {
      // Nothing was sent: the requests fail with the tap's exception.
      for (const p of carried) if (!(p.kind === 'ack' && p.silent)) this.finish(p, tapErr);
      return;
    }
    const r = this.t.send(bytes);
    this.stats.datagramsOut++;
    if (r < 0) {
      for (const p of carried) if (!(p.kind === 'ack' && p.silent)) this.finish(p, new NetlinkError(r, { request: p.info, syscall: 'sendto' }));
    }
  }

  /**
   * (Re)start a request's timeout. `inDatagram`: called for a message of the
   * datagram being handled. A timer's refresh() restarts it from the event
   * loop's cached time, which does not change while one datagram is handled,
   * so one restart per datagram is the same timeout as one per message; a dump
   * datagram carries ~15 links, and each refresh() unlinks and relinks the
   * timer in Node's timer lists (and allocates when its list empties).
   */
  private armTimer(p: Pending, inDatagram = false): void {
    if (!Number.isFinite(p.timeoutMs) || p.timeoutMs <= 0) return;
    const armedIn = inDatagram ? this.datagramsHandled : -1;
    if (p.timer) {
      if (inDatagram && p.armedIn === armedIn) return;
      p.armedIn = armedIn;
      p.timer.refresh();
      return;
    }
    p.armedIn = armedIn;
    p.timer = setTimeout(() => {
      if (this.pending.get(p.seq) !== p) return;
      // Timers run before libuv polls for I/O: when the caller kept the event
      // loop busy for longer than the timeout, the answer may be sitting in
      // the socket already. Take in what is queued (as the poll would) first.
      this.t.readNow();
      if (this.pending.get(p.seq) !== p) return;
      dbg('timeout %s seq=%d', p.info.typeName, p.seq);
      this.finish(p, new TimeoutError(p.timeoutMs, p.info));
    }, p.timeoutMs);
  }

  /** Complete a pending request with an error or (for dumps) normally. Once per request. */
  private finish(p: Pending, err?: Error): void {
    if (p.done) return;
    p.done = true;
    if (p.timer) clearTimeout(p.timer);
    p.timer = undefined;
    if (this.pending.get(p.seq) === p) {
      this.pending.delete(p.seq);
      if (p.kind !== 'ack' || !p.silent) this.inFlight--;
      if (isEcho(p)) this.echoPending--;
    }
    if (this.activeDump === p) this.activeDump = undefined;
    switch (p.kind) {
      case 'ack':
        if (p.silent) {
          // An error answering a framing message: the kernel refused the batch as a whole.
          // Its own outcome first (the batch resolves once the last acked part settles).
          if (err) p.reject(err);
          if (err && p.batch) for (const q of p.batch.parts) if (q !== p && !q.silent && this.pending.get(q.seq) === q) this.finish(q, err);
        } else if (err) p.reject(err);
        else p.resolve(p.replies);
        break;
      case 'collect': {
        const settle = p.settle;
        p.settle = undefined;
        settle?.(err);
        break;
      }
      case 'stream': {
        if (err && !p.discard) p.error = err;
        if (p.discard) {
          p.queue.length = 0;
          p.qhead = 0;
        }
        const w = p.waiter;
        p.waiter = undefined;
        if (w) {
          if (p.error) {
            const e = p.error;
            p.error = undefined;
            w.reject(e);
          } else w.resolve({ value: undefined, done: true });
        }
        break;
      }
    }
    if (!this.closed) this.pump();
  }


  /** A socket error from a read: the requests in flight fail (their answers may be lost), and onError hears of it. */
  readError(negErrno: number): void {
    const err = new NetlinkError(negErrno, { syscall: 'recvmsg' });
    if (-negErrno === ENOBUFS) {
      this.stats.overruns++;
      dbg('ENOBUFS: receive buffer overrun');
      // Replies to requests in flight may be lost: fail them rather than hang.
      for (const p of [...this.pending.values()]) {
        this.finish(p, new NetlinkError(negErrno, { request: p.info, message: `${p.info.what ?? p.info.typeName}: receive buffer overrun, the answer may be lost` }));
      }
    } else {
      for (const p of [...this.pending.values()]) this.finish(p, new NetlinkError(negErrno, { request: p.info, syscall: 'recvmsg' }));
    }
    this.reportError(err);
  }

  /** Call the tap; if it throws, detach it and return the error (never throws). */
  private callTap(direction: 'in' | 'out', buf: Buffer): CallbackError | undefined {
    const tap = this.tap;
    if (!tap) return undefined;
    try {
      tap(direction, buf, this.protocol);
      return undefined;
    } catch (e) {
      this.tap = undefined;
      this.stats.callbackErrors++;
      const err = new CallbackError('tap', e, direction);
      this.tapError ??= err;
      dbg('tap threw (%s), detached: %s', direction, err.message);
      return err;
    }
  }

  /**
   * Hand an error that belongs to no request to the onError handler. Errors
   * from user callbacks (CallbackError) are never lost: without a handler, or
   * when the handler throws, they become process warnings. Never throws.
   */
  private reportError(err: Error): void {
    const h = this.errorHandler;
    if (h) {
      try {
        h(err);
        return;
      } catch (e) {
        // The handler got `err`; its own exception must not escape either.
        this.stats.callbackErrors++;
        emitWarning(new CallbackError('error', e));
        return;
      }
    }
    if (err instanceof CallbackError) emitWarning(err);
  }

  /** A datagram read: only the kernel (nl_pid 0) is heard; answers go to their requests, notifications to the multicast handler. */
  datagram(buf: Buffer, pid: number, groups: number, nsid: number): void {
    this.stats.datagramsIn++;
    this.datagramsHandled++;
    if (pid !== 0) {
      // Only the kernel may answer us; anything else is spoofing or noise.
      this.stats.foreignDropped++;
      dbg('dropped datagram from nl_pid %d (not the kernel)', pid);
      return;
    }
    // The datagram is processed whatever the tap does; its error is reported after.
    const tapErr = this.callTap('in', buf);
    try {
      this.dispatch(buf, groups, nsid);
    } finally {
      if (tapErr) this.reportError(tapErr);
    }
  }

  private dispatch(buf: Buffer, groups: number, nsid: number): void {
    let msgs: RawMessage[];
    try {
      msgs = splitMessages(buf);
    } catch (e) {
      dbg('malformed datagram: %s', (e as Error).message);
      const err = e as DecodeError;
      if (groups === 0) {
        // We cannot tell which request it answered; fail them all rather than hang.
        for (const p of [...this.pending.values()]) this.finish(p, err);
      }
      this.reportError(err);
      return;
    }
    this.stats.messagesIn += msgs.length;
    if (this.observe) {
      for (const m of msgs) {
        try {
          this.observe(m);
        } catch {
          /* a protocol learns what it can; hostile bytes are the decoder's to report */
        }
      }
    }
    if (groups !== 0) {
      const from = nsid >= 0 ? nsid : undefined;
      for (const m of msgs) {
        if (this.echoPending > 0) {
          // NLM_F_ECHO: the kernel unicasts the notification it makes for our
          // request to us, but the datagram still carries the notification's
          // group (nlmsg_notify reuses the multicast skb); it is an answer to
          // that request, not an event.
          const p = this.pending.get(m.seq);
          if (p && p.kind === 'ack' && m.pid === this.portid && isEcho(p)) {
            if (dbgMsg.enabled) dbgMsg('<- echo %s seq=%d len=%d%s', this.typeName(m.type), m.seq, m.len, this.summary(m));
            this.onReply(p, m);
            continue;
          }
        }
        const h = this.multicast;
        if (!h || this.closed) continue;
        try {
          h(m, groups, from);
        } catch (e) {
          // The handler stays: one bad message must not end a subscription.
          this.stats.callbackErrors++;
          this.reportError(new CallbackError('multicast', e));
        }
      }
      return;
    }
    for (const m of msgs) {
      const p = this.pending.get(m.seq);
      if (!p || m.pid !== this.portid) {
        if (m.type !== NLMSG_NOOP) {
          this.stats.unmatched++;
          if (dbgMsg.enabled) dbgMsg('<- unmatched %s seq=%d pid=%d', this.typeName(m.type), m.seq, m.pid);
        }
        continue;
      }
      if (dbgMsg.enabled) dbgMsg('<- %s seq=%d flags=0x%s len=%d%s', this.typeName(m.type), m.seq, m.flags.toString(16), m.len, this.summary(m));
      if (p.kind === 'ack') this.onReply(p, m);
      else this.onDumpMessage(p, m);
    }
  }

  private errorFrom(p: Pending, code: number, extack: ExtAck): NetlinkError {
    if (extack.offset !== undefined && this.describeOffset) {
      try {
        const path = this.describeOffset(p.bytes, extack.offset);
        if (path) extack.attributePath = path;
      } catch {
        /* best effort */
      }
    }
    return new NetlinkError(code, { request: p.info, extack });
  }

  private onReply(p: AckPending, m: RawMessage): void {
    if (m.type === NLMSG_ERROR) {
      const e = parseError(m);
      if (e.error === 0) {
        if (e.extack.message) dbg('%s: kernel warning: %s', p.info.typeName, e.extack.message);
        this.finish(p);
      } else {
        this.finish(p, this.errorFrom(p, e.error, e.extack));
      }
      return;
    }
    if (m.type === NLMSG_DONE || m.type === NLMSG_NOOP || m.type === NLMSG_OVERRUN) return;
    p.replies.push(m);
    this.armTimer(p, true);
  }

  private onDumpMessage(p: DumpPending, m: RawMessage): void {
    this.armTimer(p, true);
    if (m.flags & NLM_F_DUMP_INTR) p.intr = true;
    if (m.type === NLMSG_DONE) {
      const d = parseDone(m);
      if (d.error < 0) this.finish(p, this.errorFrom(p, d.error, d.extack));
      else if (p.intr) this.finish(p, new DumpInterruptedError(p.info));
      else this.finish(p);
      return;
    }
    if (m.type === NLMSG_ERROR) {
      const e = parseError(m);
      this.finish(p, e.error < 0 ? this.errorFrom(p, e.error, e.extack) : undefined);
      return;
    }
    if (m.type === NLMSG_NOOP || m.type === NLMSG_OVERRUN) return;
    if (p.kind === 'collect') {
      p.sink(m);
      return;
    }
    if (p.discard) return;
    if (p.waiter) {
      const w = p.waiter;
      p.waiter = undefined;
      w.resolve({ value: m, done: false });
      return;
    }
    p.queue.push(m);
    if (p.queue.length - p.qhead >= p.highWater) this.t.pause();
  }

  /** `using sock = NetlinkSocket.open(...)`: close() at the end of the scope. */

  /** Close the transport; pending and queued requests reject with SocketClosedError. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.t.close();
    const all: Pending[] = [...this.pending.values(), ...this.waitingDumps.drain()];
    for (const x of this.waiting.drain()) {
      if (x.kind === 'batch') all.push(...x.parts.filter((q) => !q.silent));
      else all.push(x);
    }
    for (const p of all) this.finish(p, new SocketClosedError(p.info));
    this.multicast = undefined;
  }
}
