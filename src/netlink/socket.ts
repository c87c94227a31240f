/**
 * AF_NETLINK socket and request engine: sequence numbers, many requests in
 * flight matched by seq, ACKs, streamed multipart dumps, extended ACK errors,
 * timeouts, multicast subscriptions. Readiness comes from libuv (uv_poll);
 * the JS thread never blocks.
 * @module
 */
import './dispose.js';
import { tracer } from './debug.js';
import { closeSync, openSync, constants as fsc } from 'node:fs';
import {
  NETLINK_ADD_MEMBERSHIP,
  NETLINK_CAP_ACK,
  NETLINK_DROP_MEMBERSHIP,
  NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK,
  NETLINK_LISTEN_ALL_NSID,
  NETLINK_NO_ENOBUFS,
  NETLINK_ROUTE,
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
  AF_NETLINK,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SO_SNDBUF,
  SO_SNDBUFFORCE,
  SIOCGSKNS,
} from './constants.js';
import { EAGAIN, EINVAL, ENOBUFS, ENOENT } from './errno.js';
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
import { isNsfs } from './nsfs.js';
import { native, POLL_READABLE, type NetlinkTransport, type PollHandle } from './native.js';
import { createDecodeContext, describeOffsetWith, protocolFor, type DecodeContext, type DecodeOptions, type Protocol } from './protocol.js';
import { Writer } from './writer.js';

const dbg = tracer('rtnetlink:socket');
const dbgMsg = tracer('rtnetlink:msg');

/**
 * A network namespace: a name under /run/netns, an absolute path (e.g.
 * /proc/1234/ns/net), an open fd, or a process id.
 */
export type NetnsRef = string | { name: string } | { path: string } | { fd: number } | { pid: number };

/** Resolve a NetnsRef to a filesystem path (or undefined for an fd). */
export function netnsPath(ref: NetnsRef, field = 'netns'): string | undefined {
  if (typeof ref === 'string') {
    if (ref.startsWith('/')) return ref;
    return `/run/netns/${checkNetnsName(ref, field)}`;
  }
  if (ref && typeof ref === 'object') {
    if ('name' in ref) return `/run/netns/${checkNetnsName(ref.name, field)}`;
    if ('path' in ref) {
      if (typeof ref.path !== 'string' || !ref.path.startsWith('/')) throw new ArgumentError(field, 'path must be absolute');
      return ref.path;
    }
    if ('pid' in ref) {
      if (!Number.isInteger(ref.pid) || ref.pid <= 0) throw new ArgumentError(`${field}.pid`, 'expected a positive integer');
      return `/proc/${ref.pid}/ns/net`;
    }
    if ('fd' in ref) {
      if (!Number.isInteger(ref.fd) || ref.fd < 0) throw new ArgumentError(`${field}.fd`, 'expected a file descriptor');
      return undefined;
    }
  }
  throw new ArgumentError(field, 'expected a namespace name, an absolute path, { fd }, { pid } or { path }');
}

/** Validate a persistent namespace name (a file name under /run/netns). */
export function checkNetnsName(name: unknown, field = 'netns'): string {
  if (typeof name !== 'string' || name.length === 0) throw new ArgumentError(field, 'expected a non-empty namespace name');
  if (name.includes('/') || name === '.' || name === '..' || name.includes('\0')) {
    throw new ArgumentError(field, `"${name}" is not a valid namespace name (no '/', not '.' or '..')`);
  }
  if (Buffer.byteLength(name) > 255) throw new ArgumentError(field, 'namespace name longer than 255 bytes');
  return name;
}

/**
 * Open a NetnsRef as an fd; returns [fd, owned] where owned means the caller
 * must close it. Throws NetlinkError(ENOENT) with a clear message when the
 * namespace does not exist, and also when the file is a stale namespace file
 * (a file under /run/netns with no namespace mounted on it, left by an
 * interrupted `netns.add` / `ip netns add`): the namespace does not exist,
 * as `netns.exists()` says. Any other file that is not a namespace is EINVAL
 * (what setns() would answer).
 */
export function openNetns(ref: NetnsRef, field = 'netns'): { fd: number; owned: boolean } {
  const path = netnsPath(ref, field);
  if (path === undefined) return { fd: (ref as { fd: number }).fd, owned: false };
  const label = `network namespace ${typeof ref === 'string' ? `"${ref}"` : path} (${path})`;
  let fd: number;
  try {
    fd = openSync(path, fsc.O_RDONLY);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new NetlinkError(-(err.errno ?? 2), { message: `cannot open ${label}`, syscall: 'open' });
  }
  // the opened inode itself (through the fd's magic link): no window between the check and the use
  if (!isNsfs(`/proc/self/fd/${fd}`)) {
    closeSync(fd);
    if (path.startsWith('/run/netns/')) {
      throw new NetlinkError(-ENOENT, {
        syscall: 'open',
        message: `cannot open ${label}: stale namespace file (no namespace is mounted on it: left by an interrupted netns.add / ip netns add or del, or still being created; netns.add() reclaims it, netns.del() removes it)`,
      });
    }
    throw new NetlinkError(-EINVAL, { syscall: 'open', message: `cannot open ${label}: not a namespace file (not on nsfs)` });
  }
  return { fd, owned: true };
}

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

function checkInt(v: unknown, field: string, min: number, max: number): number {
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

/** An AF_NETLINK socket with a request engine. */
export class NetlinkSocket {
  /** The netlink protocol number (NETLINK_ROUTE = 0, ...). */
  readonly protocol: number;
  /** This socket's decoding context: its protocol registry entry, decode options, and what the protocol learned (generic netlink family ids). */
  readonly context: DecodeContext;
  /** Our port id (nl_pid) as assigned by the kernel. */
  readonly portid: number;
  readonly stats: SocketStats = { requests: 0, datagramsIn: 0, datagramsOut: 0, messagesIn: 0, foreignDropped: 0, unmatched: 0, overruns: 0, callbackErrors: 0 };
  /** The exception of the `tap` option, if it threw (it is detached then). */
  tapError: CallbackError | undefined;
  private fd: number;
  private poll: PollHandle | undefined;
  private polling = false;
  private seq: number;
  /** Requests in flight sent with NLM_F_ECHO (their answers come with a multicast group set). */
  private echoPending = 0;
  private readonly pending = new Map<number, Pending>();
  /** Not yet sent: requests and batches, and dumps (which go one at a time). */
  private readonly waiting = new Fifo<AckPending | BatchState>();
  private readonly waitingDumps = new Fifo<DumpPending>();
  /** Last value given to pollRef (undefined: never set). */
  private refed: boolean | undefined;
  /** Acked requests and dumps on the wire (silent batch parts not counted). */
  private inFlight = 0;
  private activeDump: DumpPending | undefined;
  private paused = false;
  /** Reading stopped by the owner (pauseReading()), e.g. a slow multicast consumer. */
  private held = false;
  private draining = false;
  private closed = false;
  private readonly maxInFlight: number;
  private readonly defaultTimeout: number;
  private readonly n: NetlinkTransport;
  private readonly typeNameOpt: SocketOptions['typeName'];
  private tap: SocketOptions['tap'];
  private readonly describeOffset: (request: Buffer, offset: number) => string | undefined;
  private readonly summarize: ((msg: RawMessage) => string | undefined) | undefined;
  /** The protocol learns from received messages (generic netlink family ids). */
  private readonly observe: ((m: RawMessage) => void) | undefined;
  private multicast: MulticastHandler | undefined;
  private errorHandler: ((e: Error) => void) | undefined;
  private readonly recvArr: Array<Buffer | number | null> = [];
  private readonly writer = new Writer(1024);

  private constructor(fd: number, portid: number, opts: SocketOptions, proto: Protocol, n: NetlinkTransport) {
    this.fd = fd;
    this.portid = portid;
    this.n = n;
    this.protocol = proto.family;
    const ctx = createDecodeContext(proto, opts.decodeOptions ?? {});
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
  static open(opts: SocketOptions = {}): NetlinkSocket {
    checkSocketOptions(opts);
    const proto = typeof opts.protocol === 'object' ? opts.protocol : protocolFor(opts.protocol ?? NETLINK_ROUTE);
    const protocol = proto.family;
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 31) throw new ArgumentError('protocol', 'expected a netlink protocol number 0..31');
    const n = opts.transport ?? native();
    if (opts.maxInFlight !== undefined && (!Number.isInteger(opts.maxInFlight) || opts.maxInFlight < 1)) {
      throw new ArgumentError('maxInFlight', 'expected a positive integer');
    }
    let fd: number;
    if (opts.netns !== undefined) {
      const ns = openNetns(opts.netns);
      try {
        fd = n.socketIn(ns.fd, AF_NETLINK, SOCK_RAW, protocol);
      } finally {
        if (ns.owned) closeSync(ns.fd);
      }
      if (fd < 0) throw new NetlinkError(fd, { syscall: 'setns/socket', message: `cannot open a netlink socket in namespace ${JSON.stringify(opts.netns)}` });
    } else {
      fd = n.socket(AF_NETLINK, SOCK_RAW, protocol);
      if (fd < 0) throw new NetlinkError(fd, { syscall: 'socket' });
    }
    try {
      const sopt = (level: number, name: number, value: number, what: string, optional = false): void => {
        const r = n.setsockoptInt(fd, level, name, value);
        if (r < 0 && !optional) throw new NetlinkError(r, { syscall: `setsockopt(${what})` });
      };
      const rcv = opts.rcvbuf ?? 4 * 1024 * 1024;
      if (n.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, rcv) < 0) sopt(SOL_SOCKET, SO_RCVBUF, rcv, 'SO_RCVBUF');
      if (opts.sndbuf !== undefined && n.setsockoptInt(fd, SOL_SOCKET, SO_SNDBUFFORCE, opts.sndbuf) < 0) {
        sopt(SOL_SOCKET, SO_SNDBUF, opts.sndbuf, 'SO_SNDBUF');
      }
      if (opts.extAck ?? true) sopt(SOL_NETLINK, NETLINK_EXT_ACK, 1, 'NETLINK_EXT_ACK', true);
      if (opts.capAck ?? true) sopt(SOL_NETLINK, NETLINK_CAP_ACK, 1, 'NETLINK_CAP_ACK', true);
      if (opts.strictCheck ?? proto.strictCheck ?? false) sopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1, 'NETLINK_GET_STRICT_CHK', true);
      if (opts.noEnobufs) sopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1, 'NETLINK_NO_ENOBUFS');
      if (opts.listenAllNsid) sopt(SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1, 'NETLINK_LISTEN_ALL_NSID');
      const b = n.bindNl(fd, 0, 0);
      if (b < 0) throw new NetlinkError(b, { syscall: 'bind' });
      const portid = n.getsocknameNl(fd);
      if (portid < 0) throw new NetlinkError(portid, { syscall: 'getsockname' });
      for (const g of opts.groups ?? []) {
        if (!Number.isInteger(g) || g < 1) throw new ArgumentError('groups', `invalid multicast group ${String(g)}`);
        sopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g, `NETLINK_ADD_MEMBERSHIP ${g}`);
      }
      const s = new NetlinkSocket(fd, portid, opts, proto, n);
      s.poll = n.pollCreate(fd, (status) => s.onReadable(status));
      dbg('open fd=%d protocol=%d portid=%d netns=%o', fd, protocol, portid, opts.netns);
      return s;
    } catch (e) {
      n.close(fd);
      throw e;
    }
  }

  /** True once close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Requests sent or queued and not yet answered. */
  get pendingCount(): number {
    return this.pending.size + this.waiting.length + this.waitingDumps.length;
  }

  /** Handle multicast notifications (datagrams sent to a group). */
  onMulticast(handler: MulticastHandler | undefined): void {
    if (handler !== undefined && typeof handler !== 'function') throw new ArgumentError('handler', `expected a function or undefined, got ${describe(handler)}`);
    this.multicast = handler;
    this.updatePolling();
  }

  /** Called for socket-level errors that belong to no request (e.g. ENOBUFS on a listening socket). */
  onError(handler: ((e: Error) => void) | undefined): void {
    if (handler !== undefined && typeof handler !== 'function') throw new ArgumentError('handler', `expected a function or undefined, got ${describe(handler)}`);
    this.errorHandler = handler;
  }

  /** Join a multicast group. */
  addMembership(group: number): void {
    checkInt(group, 'group', 1, 0xffffffff);
    this.ensureOpen();
    const r = this.n.setsockoptInt(this.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
    if (r < 0) throw new NetlinkError(r, { syscall: `setsockopt(NETLINK_ADD_MEMBERSHIP ${group})` });
  }

  /** Leave a multicast group. */
  dropMembership(group: number): void {
    checkInt(group, 'group', 1, 0xffffffff);
    this.ensureOpen();
    const r = this.n.setsockoptInt(this.fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group);
    if (r < 0) throw new NetlinkError(r, { syscall: `setsockopt(NETLINK_DROP_MEMBERSHIP ${group})` });
  }

  /** Set an integer socket option at SOL_NETLINK or SOL_SOCKET. */
  setOption(level: number, name: number, value: number): void {
    checkInt(level, 'level', 0, 0x7fffffff);
    checkInt(name, 'name', 0, 0x7fffffff);
    checkInt(value, 'value', -0x80000000, 0x7fffffff);
    this.ensureOpen();
    const r = this.n.setsockoptInt(this.fd, level, name, value);
    if (r < 0) throw new NetlinkError(r, { syscall: `setsockopt(${level}, ${name})` });
  }

  /** Read an integer socket option. */
  getOption(level: number, name: number): number {
    checkInt(level, 'level', 0, 0x7fffffff);
    checkInt(name, 'name', 0, 0x7fffffff);
    this.ensureOpen();
    const r = this.n.getsockoptInt(this.fd, level, name);
    if (r < 0) throw new NetlinkError(r, { syscall: `getsockopt(${level}, ${name})` });
    return r;
  }

  /**
   * A new fd (O_CLOEXEC) referring to the network namespace this socket
   * lives in (ioctl SIOCGSKNS); the caller closes it.
   */
  openNetnsFd(): number {
    this.ensureOpen();
    const r = this.n.ioctlInt(this.fd, SIOCGSKNS, 0);
    if (r < 0) throw new NetlinkError(r, { syscall: 'ioctl(SIOCGSKNS)', message: 'cannot get the namespace of a netlink socket' });
    return r;
  }

  private ensureOpen(info?: RequestInfo): void {
    if (this.closed) throw new SocketClosedError(info);
  }

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
    const seq = this.nextSeq();
    const info = this.info(type, flags, seq, opts.what);
    if (this.closed) {
      info.typeName = this.typeName(type);
      return Promise.reject(new SocketClosedError(info));
    }
    const bytes = this.build(type, flags, body, seq);
    this.named(info, bytes);
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
          if (this.paused && queue.length - head < q.highWater / 2) this.resume();
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
        if (this.paused) this.resume();
        return new Promise((resolve, reject) => {
          q.waiter = { resolve, reject };
        });
      },
      return: () => {
        if (p && !p.done) {
          p.discard = true;
          p.queue.length = 0;
          p.qhead = 0;
          if (this.paused) this.resume();
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
    const seq = this.nextSeq();
    const info = this.info(type, flags, seq, opts.what);
    if (this.closed) {
      info.typeName = this.typeName(type);
      return Promise.reject(new SocketClosedError(info));
    }
    const bytes = this.build(type, flags, body, seq);
    this.named(info, bytes);
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
    this.updatePolling();
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
    const r = this.n.sendNl(this.fd, bytes, 0, 0);
    this.stats.datagramsOut++;
    if (r < 0) {
      for (const p of carried) if (!(p.kind === 'ack' && p.silent)) this.finish(p, new NetlinkError(r, { request: p.info, syscall: 'sendto' }));
    }
  }

  private armTimer(p: Pending): void {
    if (!Number.isFinite(p.timeoutMs) || p.timeoutMs <= 0) return;
    if (p.timer) {
      p.timer.refresh();
      return;
    }
    p.timer = setTimeout(() => {
      if (this.pending.get(p.seq) !== p) return;
      // Timers run before libuv polls for I/O: when the caller kept the event
      // loop busy for longer than the timeout, the answer may be sitting in
      // the socket already. Take in what is queued (as the poll would) first.
      this.onReadable(0);
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

  private updatePolling(): void {
    if (this.closed || !this.poll) return;
    const n = this.n;
    const want = !this.paused && !this.held && (this.pending.size > 0 || this.multicast !== undefined);
    if (want && !this.polling) {
      n.pollStart(this.poll, POLL_READABLE);
      this.polling = true;
    } else if (!want && this.polling) {
      n.pollStop(this.poll);
      this.polling = false;
    }
    // Keep the process alive while answers are awaited or a listener is set.
    const ref = this.pending.size > 0 || this.waiting.length > 0 || this.waitingDumps.length > 0 || this.multicast !== undefined;
    if (ref !== this.refed) {
      n.pollRef(this.poll, ref);
      this.refed = ref;
    }
  }

  /**
   * Stop reading the socket until resumeReading(), e.g. while a multicast
   * consumer is behind. The kernel keeps queueing into the receive buffer;
   * when it is full, the kernel drops notifications and the next read
   * reports ENOBUFS (to onError). Requests in flight wait as well.
   */
  holdReading(): void {
    if (this.held || this.closed) return;
    this.held = true;
    dbg('hold reading');
    this.updatePolling();
  }

  /** Undo holdReading() and drain what the kernel queued meanwhile. */
  releaseReading(): void {
    if (!this.held) return;
    this.held = false;
    dbg('release reading');
    if (this.closed) return;
    this.updatePolling();
    setImmediate(() => this.onReadable(0));
  }

  /**
   * Read, synchronously, every datagram the kernel has queued right now
   * (even while reading is held), dispatching them as usual. Used after an
   * overrun to take in what was queued before the loss.
   */
  drain(): void {
    if (this.closed || this.draining) return;
    this.draining = true;
    try {
      this.onReadable(0);
    } finally {
      this.draining = false;
    }
  }

  /** Whether holdReading() is in effect. */
  get readingHeld(): boolean {
    return this.held;
  }

  private pauseReading(): void {
    if (this.paused) return;
    this.paused = true;
    dbg('pause reading (dump consumer is behind)');
    this.updatePolling();
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    dbg('resume reading');
    this.updatePolling();
    // Data may already be waiting: drain now rather than wait for the next edge.
    setImmediate(() => this.onReadable(0));
  }

  private onReadable(status: number): void {
    if (this.closed) return;
    if (status < 0) {
      // libuv stops a poll handle when it reports an error (EPOLLERR: e.g.
      // sk_err = ENOBUFS after an overrun). Restart it; the read below
      // consumes the pending socket error.
      dbg('poll error %d', status);
      this.polling = false;
      this.updatePolling();
    }
    const n = this.n;
    const arr = this.recvArr;
    for (;;) {
      if (this.paused || (this.held && !this.draining) || this.closed) return;
      arr.length = 0;
      // During a dump read one datagram at a time, so a slow consumer pauses
      // the kernel (dumps only progress as we read) instead of us buffering.
      const batch = this.activeDump ? 1 : 32;
      const r = n.recvNl(this.fd, batch, arr);
      if (r < 0) {
        if (-r === EAGAIN) return;
        this.onSocketError(r);
        return;
      }
      for (let i = 0; i < arr.length; i += 4) {
        const buf = arr[i] as Buffer | null;
        if (buf === null) {
          this.onSocketError(arr[i + 1] as number);
          continue;
        }
        this.onDatagram(buf, arr[i + 1] as number, arr[i + 2] as number, arr[i + 3] as number);
        if (this.closed) return;
      }
      if (r < batch) return;
    }
  }

  private onSocketError(negErrno: number): void {
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

  private onDatagram(buf: Buffer, pid: number, groups: number, nsid = -1): void {
    this.stats.datagramsIn++;
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
    this.armTimer(p);
  }

  private onDumpMessage(p: DumpPending, m: RawMessage): void {
    this.armTimer(p);
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
    if (p.queue.length - p.qhead >= p.highWater) this.pauseReading();
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
    if (this.closed) return;
    this.closed = true;
    const n = this.n;
    if (this.poll) {
      n.pollClose(this.poll);
      this.poll = undefined;
    }
    n.close(this.fd);
    dbg('close fd=%d', this.fd);
    this.fd = -1;
    const all: Pending[] = [...this.pending.values(), ...this.waitingDumps.drain()];
    for (const x of this.waiting.drain()) {
      if (x.kind === 'batch') all.push(...x.parts.filter((q) => !q.silent));
      else all.push(x);
    }
    for (const p of all) this.finish(p, new SocketClosedError(p.info));
    this.multicast = undefined;
  }
}
