/**
 * The AF_NETLINK socket itself, through the `NetlinkTransport` syscalls (the
 * native addon or a scripted fake): opening it, in a network namespace if
 * asked, its options and buffer sizes, binding, multicast membership,
 * sending and receiving datagrams, the fd's lifetime, and the read loop
 * driven by libuv readiness (uv_poll; the JS thread never blocks).
 *
 * It knows nothing of messages, sequence numbers or requests: it hands each
 * datagram to its receiver (the request engine, src/netlink/engine.ts) and
 * asks it whether anything waits for data.
 * @module
 */
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
import { EAGAIN, EINVAL, ENOENT } from './errno.js';
import { ArgumentError, NetlinkError } from './errors.js';
import { isNsfs } from './nsfs.js';
import { POLL_READABLE, type NetlinkTransport, type PollHandle } from './native.js';
import type { SocketOptions } from './socket.js';

const dbg = tracer('rtnetlink:socket');

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

/** How to open a transport: the socket-level options of a NetlinkSocket (validated), with the protocol number and strict checking resolved. */
export type TransportOptions = Pick<SocketOptions, 'netns' | 'groups' | 'rcvbuf' | 'sndbuf' | 'extAck' | 'capAck' | 'noEnobufs' | 'listenAllNsid'> & {
  protocol: number;
  strictCheck: boolean;
};

/** Whom a transport hands what it reads, and whom it asks whether to read. */
export interface TransportReceiver {
  /** One datagram: the sender's port id, its multicast groups (0: unicast) and its namespace id (-1: none). */
  datagram(buf: Buffer, pid: number, groups: number, nsid: number): void;
  /** A socket error reported by a read (-errno), e.g. -ENOBUFS after an overrun. */
  readError(negErrno: number): void;
  /** Whether anything waits for data (answers, a multicast listener): poll for readability. */
  wantsData(): boolean;
  /** Whether to keep the process alive for this socket. */
  keepsAlive(): boolean;
  /** Datagrams to take in one read (1 lets a reader pace the kernel, e.g. during a dump). */
  readBatch(): number;
}

/**
 * One open AF_NETLINK socket: the fd, its poll handle and the read loop.
 * Reading stops while the receiver wants nothing, while it is paused
 * (backpressure from the receiver) and while it is held (by the owner).
 */
export class Transport {
  /** Our port id (nl_pid) as assigned by the kernel. */
  readonly portid: number;
  private fd: number;
  private readonly n: NetlinkTransport;
  private rx: TransportReceiver | undefined;
  private poll: PollHandle | undefined;
  private polling = false;
  /** Last value given to pollRef (undefined: never set). */
  private refed: boolean | undefined;
  private paused = false;
  private held = false;
  private draining = false;
  private closed = false;
  private readonly recvArr: Array<Buffer | number | null> = [];

  private constructor(fd: number, portid: number, n: NetlinkTransport) {
    this.fd = fd;
    this.portid = portid;
    this.n = n;
  }

  /**
   * Open, configure and bind a socket (synchronously: only non-blocking
   * syscalls are made). Reading starts with start().
   */
  static open(opts: TransportOptions, n: NetlinkTransport): Transport {
    const protocol = opts.protocol;
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
      if (opts.strictCheck) sopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1, 'NETLINK_GET_STRICT_CHK', true);
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
      return new Transport(fd, portid, n);
    } catch (e) {
      n.close(fd);
      throw e;
    }
  }

  /** The fd number (-1 once closed), for debug output. */
  get fdNumber(): number {
    return this.fd;
  }

  /** Create the poll handle: from now on readiness reads into `rx` (polling itself follows update()). */
  start(rx: TransportReceiver): void {
    this.rx = rx;
    this.poll = this.n.pollCreate(this.fd, (status) => this.onReadable(status));
  }

  /** Send one datagram to the kernel; the byte count or -errno. */
  send(bytes: Buffer): number {
    return this.n.sendNl(this.fd, bytes, 0, 0);
  }

  /** Join a multicast group. */
  addMembership(group: number): void {
    const r = this.n.setsockoptInt(this.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
    if (r < 0) throw new NetlinkError(r, { syscall: `setsockopt(NETLINK_ADD_MEMBERSHIP ${group})` });
  }

  /** Leave a multicast group. */
  dropMembership(group: number): void {
    const r = this.n.setsockoptInt(this.fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group);
    if (r < 0) throw new NetlinkError(r, { syscall: `setsockopt(NETLINK_DROP_MEMBERSHIP ${group})` });
  }

  /** Set an integer socket option. */
  setOption(level: number, name: number, value: number): void {
    const r = this.n.setsockoptInt(this.fd, level, name, value);
    if (r < 0) throw new NetlinkError(r, { syscall: `setsockopt(${level}, ${name})` });
  }

  /** Read an integer socket option. */
  getOption(level: number, name: number): number {
    const r = this.n.getsockoptInt(this.fd, level, name);
    if (r < 0) throw new NetlinkError(r, { syscall: `getsockopt(${level}, ${name})` });
    return r;
  }

  /** A new fd (O_CLOEXEC) for the socket's network namespace (ioctl SIOCGSKNS). */
  openNetnsFd(): number {
    const r = this.n.ioctlInt(this.fd, SIOCGSKNS, 0);
    if (r < 0) throw new NetlinkError(r, { syscall: 'ioctl(SIOCGSKNS)', message: 'cannot get the namespace of a netlink socket' });
    return r;
  }

  /** Poll (or not) and keep the process alive (or not) as the receiver, pause and hold say. */
  update(): void {
    const rx = this.rx;
    if (this.closed || !this.poll || !rx) return;
    const n = this.n;
    const want = !this.paused && !this.held && rx.wantsData();
    if (want && !this.polling) {
      n.pollStart(this.poll, POLL_READABLE);
      this.polling = true;
    } else if (!want && this.polling) {
      n.pollStop(this.poll);
      this.polling = false;
    }
    const ref = rx.keepsAlive();
    if (ref !== this.refed) {
      n.pollRef(this.poll, ref);
      this.refed = ref;
    }
  }

  /** Whether the receiver paused reading (pause()). */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Stop reading until resume(): the receiver's consumer is behind (the kernel waits, or drops). */
  pause(): void {
    this.gate('paused', true, 'pause reading (dump consumer is behind)');
  }

  /** Undo pause() and read what is waiting (rather than wait for the next edge). */
  resume(): void {
    this.gate('paused', false, 'resume reading');
  }

  /** Whether hold() is in effect. */
  get isHeld(): boolean {
    return this.held;
  }

  /** Stop reading until release(), whatever the receiver wants (the owner's decision). */
  hold(): void {
    if (!this.closed) this.gate('held', true, 'hold reading');
  }

  /** Undo hold() and read what the kernel queued meanwhile. */
  release(): void {
    this.gate('held', false, 'release reading');
  }

  /** Close or open one of the two gates of the read loop; opening one reads now what came meanwhile (readiness may not fire again for it). */
  private gate(which: 'paused' | 'held', closed: boolean, why: string): void {
    if (this[which] === closed) return;
    this[which] = closed;
    dbg(why);
    if (!closed && this.closed) return;
    this.update();
    if (!closed) setImmediate(() => this.onReadable(0));
  }

  /** Read, synchronously, everything queued now, even while held (not while paused). */
  drain(): void {
    if (this.closed || this.draining) return;
    this.draining = true;
    try {
      this.onReadable(0);
    } finally {
      this.draining = false;
    }
  }

  /** Read what is queued now, as a poll event would (e.g. before a timer gives up on an answer). */
  readNow(): void {
    this.onReadable(0);
  }

  private onReadable(status: number): void {
    const rx = this.rx;
    if (this.closed || !rx) return;
    if (status < 0) {
      // libuv stops a poll handle when it reports an error (EPOLLERR: e.g.
      // sk_err = ENOBUFS after an overrun). Restart it; the read below
      // consumes the pending socket error.
      dbg('poll error %d', status);
      this.polling = false;
      this.update();
    }
    const n = this.n;
    const arr = this.recvArr;
    for (;;) {
      if (this.paused || (this.held && !this.draining) || this.closed) return;
      arr.length = 0;
      const batch = rx.readBatch();
      const r = n.recvNl(this.fd, batch, arr);
      if (r < 0) {
        if (-r === EAGAIN) return;
        rx.readError(r);
        return;
      }
      for (let i = 0; i < arr.length; i += 4) {
        const buf = arr[i] as Buffer | null;
        if (buf === null) {
          rx.readError(arr[i + 1] as number);
          continue;
        }
        rx.datagram(buf, arr[i + 1] as number, arr[i + 2] as number, arr[i + 3] as number);
        if (this.closed) return;
      }
      if (r < batch) return;
    }
  }

  /** Close the poll handle and the fd. Idempotent. */
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
  }
}
