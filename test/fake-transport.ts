/**
 * A scripted fake of the native syscall layer (the `NetlinkTransport` a
 * NetlinkSocket takes), playing the kernel for one socket: it records every
 * datagram sent, answers through a script run inside sendNl (as the kernel
 * answers rtnetlink requests inside sendmsg), queues datagrams for recvNl,
 * injects socket errors (ENOBUFS) and foreign or multicast senders, and fires
 * the poll callback the way libuv would (asynchronously, only while polling
 * is started). It can model a receive buffer of limited size: datagrams past
 * it are dropped and the next read fails with ENOBUFS, as the kernel does.
 *
 * With it, the engine's sequence matching, window, overrun handling,
 * NLM_F_DUMP_INTR retries, backpressure and timeouts are tested without root
 * and without a kernel.
 */
import { constants } from 'node:os';
import type { NetlinkTransport, PollHandle } from '../src/netlink/native.js';
import { splitMessages, type RawMessage } from '../src/netlink/message.js';
import { Writer } from '../src/netlink/writer.js';
import { NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_MULTI, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS } from '../src/netlink/constants.js';

const EAGAIN = constants.errno.EAGAIN;

/** One datagram waiting to be read, or a socket error to report. */
type Queued = { buf: Buffer; pid: number; groups: number; nsid: number } | { errno: number };

/** Build one netlink message. */
export function message(type: number, flags: number, seq: number, pid: number, body?: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  const s = w.msgStart(type, flags, seq, pid);
  body?.(w);
  w.msgEnd(s);
  return w.toBuffer();
}

export interface FakeOptions {
  /** Port id getsockname reports. */
  portid?: number;
  /** Receive buffer in bytes: datagrams that do not fit are dropped and the next read reports ENOBUFS. Default unlimited. */
  rcvbuf?: number;
}

/** The kernel as a script: called for every message sent, in order, with the datagram it came in. */
export type Script = (m: RawMessage, k: FakeKernel, datagram: Buffer) => void;

export class FakeKernel implements NetlinkTransport {
  readonly portid: number;
  /** Every datagram sent, as sent. */
  readonly sent: Buffer[] = [];
  /** recvNl calls and how many datagrams each asked for. */
  readonly reads: number[] = [];
  /** Socket options set: "level/name" -> value. */
  readonly sockopts = new Map<string, number>();
  script: Script | undefined;
  /** Result of the next sendNl calls (e.g. -ENOBUFS), instead of the datagram's length. */
  sendErrors: number[] = [];
  fd = 100;
  closed = false;
  polling = false;
  refed: boolean | undefined;
  private queue: Queued[] = [];
  private queuedBytes = 0;
  private overflowed = false;
  private readonly rcvbuf: number;
  private cb: ((status: number, events: number) => void) | undefined;
  private scheduled = false;

  constructor(opts: FakeOptions = {}) {
    this.portid = opts.portid ?? 4242;
    this.rcvbuf = opts.rcvbuf ?? Infinity;
  }

  /** Messages sent so far, split. */
  get messages(): RawMessage[] {
    return this.sent.flatMap((d) => splitMessages(d));
  }

  /** Datagrams waiting to be read. */
  get queued(): number {
    return this.queue.length;
  }

  // ------------------------------------------------------------ scripting

  /** Queue one datagram holding `msgs` from the kernel (pid 0) or another sender. */
  deliver(msgs: Buffer | Buffer[], opts: { pid?: number; groups?: number; nsid?: number } = {}): void {
    const buf = Array.isArray(msgs) ? Buffer.concat(msgs) : msgs;
    if (this.queuedBytes + buf.length > this.rcvbuf) {
      // like the kernel: the datagram is dropped and the reader learns of it with ENOBUFS
      if (!this.overflowed) this.queue.push({ errno: constants.errno.ENOBUFS });
      this.overflowed = true;
      this.wake();
      return;
    }
    this.queue.push({ buf, pid: opts.pid ?? 0, groups: opts.groups ?? 0, nsid: opts.nsid ?? -1 });
    this.queuedBytes += buf.length;
    this.wake();
  }

  /** Queue a socket error for the next read (e.g. ENOBUFS). */
  fail(errno: number): void {
    this.queue.push({ errno });
    this.wake();
  }

  /** The ACK (error 0) or error answering request `m`, with extended ACK TLVs. */
  ack(m: RawMessage, error = 0, extack: { message?: string; offset?: number } = {}): Buffer {
    const tlvs = extack.message !== undefined || extack.offset !== undefined;
    return message(NLMSG_ERROR, NLM_F_CAPPED | (tlvs ? NLM_F_ACK_TLVS : 0), m.seq, this.portid, (w) => {
      w.s32(error);
      w.u32(m.len);
      w.u16(m.type);
      w.u16(m.flags);
      w.u32(m.seq);
      w.u32(m.pid);
      if (extack.message !== undefined) w.attrString(NLMSGERR_ATTR_MSG, extack.message);
      if (extack.offset !== undefined) w.attrU32(NLMSGERR_ATTR_OFFS, extack.offset);
    });
  }

  /** A reply message to request `m` (same seq, our port id). */
  reply(m: RawMessage, type: number, payload: Buffer = Buffer.alloc(0), flags = 0): Buffer {
    return message(type, flags, m.seq, this.portid, (w) => w.bytes(payload));
  }

  /** A dump part: NLM_F_MULTI plus `flags` (e.g. NLM_F_DUMP_INTR). */
  multi(m: RawMessage, type: number, payload: Buffer = Buffer.alloc(0), flags = 0): Buffer {
    return this.reply(m, type, payload, NLM_F_MULTI | flags);
  }

  /** NLMSG_DONE ending dump `m`. */
  done(m: RawMessage, flags = 0, error = 0): Buffer {
    return message(NLMSG_DONE, NLM_F_MULTI | flags, m.seq, this.portid, (w) => w.s32(error));
  }

  private wake(): void {
    if (!this.polling || this.scheduled || !this.cb || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.polling && this.cb && this.queue.length > 0 && !this.closed) this.cb(0, 1);
      // level-triggered like uv_poll: while data is left and polling, call again
      if (this.polling && this.queue.length > 0) this.wake();
    });
  }

  // ------------------------------------------------------------ the syscalls

  socket(): number {
    return this.fd;
  }
  socketIn(): number {
    return this.fd;
  }
  bindNl(): number {
    return 0;
  }
  getsocknameNl(): number {
    return this.portid;
  }
  setsockoptInt(_fd: number, level: number, name: number, value: number): number {
    this.sockopts.set(`${level}/${name}`, value);
    return 0;
  }
  getsockoptInt(_fd: number, level: number, name: number): number {
    return this.sockopts.get(`${level}/${name}`) ?? 0;
  }
  sendNl(_fd: number, buf: Uint8Array): number {
    const err = this.sendErrors.shift();
    if (err !== undefined) return err;
    const d = Buffer.from(buf); // the engine may reuse its writer's memory
    this.sent.push(d);
    if (this.script) for (const m of splitMessages(d)) this.script(m, this, d);
    return d.length;
  }
  recvNl(_fd: number, max: number, out: Array<Buffer | number | null>): number {
    this.reads.push(max);
    let count = 0;
    while (count < max && this.queue.length > 0) {
      const q = this.queue[0]!;
      if ('errno' in q) {
        this.queue.shift();
        this.overflowed = false;
        if (count === 0) return -q.errno;
        out.push(null, -q.errno, 0, -1);
        count++;
        break;
      }
      this.queue.shift();
      this.queuedBytes -= q.buf.length;
      out.push(q.buf, q.pid, q.groups, q.nsid);
      count++;
    }
    return count === 0 && this.queue.length === 0 ? 0 : count;
  }
  close(): number {
    this.closed = true;
    return 0;
  }
  ioctlInt(): number {
    return -EAGAIN;
  }
  pollCreate(_fd: number, cb: (status: number, events: number) => void): PollHandle {
    this.cb = cb;
    return {} as PollHandle;
  }
  pollStart(): number {
    this.polling = true;
    this.wake();
    return 0;
  }
  pollStop(): number {
    this.polling = false;
    return 0;
  }
  pollRef(_h: PollHandle, on: boolean): number {
    this.refed = on;
    return 0;
  }
  pollClose(): number {
    this.polling = false;
    this.cb = undefined;
    return 0;
  }
}
