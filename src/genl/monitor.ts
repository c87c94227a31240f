/**
 * genl.monitor(): multicast notifications of a generic netlink family as an
 * async iterator of decoded messages (ethtool's "monitor" group: `ethtool
 * --monitor`; team's "change_event"; nlctrl's "notify": `genl monitor`).
 *
 * - A dedicated socket in the handle's namespace joins the groups.
 * - Nothing is lost silently: when the kernel could not queue a
 *   notification (receive buffer full) the iterator yields `{ type: 'overrun' }`.
 * - At most `highWaterMark` events (default 4096) wait for the consumer;
 *   beyond that the socket is not read (the kernel queues, then drops and
 *   reports the overrun).
 * - Leaving the loop or close() closes the socket.
 * @module
 */
import { ENOBUFS } from '../netlink/errno.js';
import { ArgumentError, NetlinkError, DecodeError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import type { RawMessage } from '../netlink/message.js';
import { NetlinkSocket, type SocketOptions } from '../netlink/socket.js';
import { decodeGenlMessage, genlProtocolSharing, type GenlFamilyIds, type GenlMessage } from './protocol.js';

export interface GenlMonitorOptions {
  /** Receive buffer in bytes (default 4 MiB). */
  rcvbuf?: number;
  /** Most events waiting for the consumer before the socket stops being read (default 4096). */
  highWaterMark?: number;
}

/** A notification, decoded (or with the reason it could not be). */
export interface GenlNotification {
  type: 'message';
  /** The decoded message; absent when its bytes are malformed (see decodeError). */
  message?: GenlMessage;
  raw: RawMessage;
  decodeError?: DecodeError;
  timestamp: number;
}
export type GenlMonitorEvent = GenlNotification | { type: 'overrun'; timestamp: number } | { type: 'error'; error: Error; timestamp: number };

export class GenlMonitor implements AsyncIterableIterator<GenlMonitorEvent> {
  /** Group names joined. */
  readonly groups: string[];
  readonly socket: NetlinkSocket;
  private readonly ready: GenlMonitorEvent[] = [];
  private waiter: ((r: IteratorResult<GenlMonitorEvent>) => void) | undefined;
  private readonly hwm: number;
  private closed = false;

  /** @internal use genl.monitor() */
  constructor(base: Readonly<SocketOptions & { record?: unknown; watchFamilies?: unknown }>, ids: GenlFamilyIds, numbers: number[], names: string[], opts: GenlMonitorOptions = {}) {
    if (typeof opts !== 'object' || opts === null) throw new ArgumentError('options', `expected an object, got ${describe(opts)}`);
    const hwm = opts.highWaterMark ?? 4096;
    if (!Number.isInteger(hwm) || hwm < 1) throw new ArgumentError('highWaterMark', `expected a positive integer, got ${describe(hwm)}`);
    const rcvbuf = opts.rcvbuf ?? 4 * 1024 * 1024;
    if (!Number.isInteger(rcvbuf) || rcvbuf < 1) throw new ArgumentError('rcvbuf', `expected a positive number of bytes, got ${describe(rcvbuf)}`);
    this.hwm = hwm;
    this.groups = names;
    const { record: _r, watchFamilies: _w, ...so } = base;
    // the handle's protocol state: ids learnt here serve the handle and the other way round
    this.socket = NetlinkSocket.open({ ...so, protocol: genlProtocolSharing(ids), rcvbuf, groups: numbers });
    this.socket.onError((e) => {
      if (this.closed) return;
      if (e instanceof NetlinkError && e.errno === ENOBUFS) this.push({ type: 'overrun', timestamp: Date.now() });
      else this.push({ type: 'error', error: e, timestamp: Date.now() });
    });
    this.socket.onMulticast((m) => {
      let message: GenlMessage | undefined;
      let decodeError: DecodeError | undefined;
      try {
        message = decodeGenlMessage(m, ids);
      } catch (e) {
        decodeError = e instanceof DecodeError ? e : new DecodeError((e as Error).message, m.offset, 'genl');
      }
      this.push({ type: 'message', ...(message ? { message } : {}), raw: m, ...(decodeError ? { decodeError } : {}), timestamp: Date.now() });
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private push(ev: GenlMonitorEvent): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: ev, done: false });
      return;
    }
    this.ready.push(ev);
    if (this.ready.length >= this.hwm && !this.socket.readingHeld) this.socket.holdReading();
  }

  next(): Promise<IteratorResult<GenlMonitorEvent>> {
    const ev = this.ready.shift();
    if (ev) {
      if (this.socket.readingHeld && this.ready.length < this.hwm / 2) this.socket.releaseReading();
      return Promise.resolve({ value: ev, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  async return(): Promise<IteratorResult<GenlMonitorEvent>> {
    this.close();
    return { value: undefined, done: true };
  }

  /** Stop listening and close the socket. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ready.length = 0;
    this.socket.close();
    const w = this.waiter;
    this.waiter = undefined;
    w?.({ value: undefined, done: true });
  }
}
