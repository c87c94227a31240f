/**
 * rtnl.monitor(): rtnetlink multicast notifications as an async iterator of
 * typed events, like `ip monitor`.
 *
 * ```ts
 * for await (const ev of rtnl.monitor(['link', 'address'], { resync: true })) {
 *   if (ev.type === 'overrun') { ... }            // notifications were lost
 *   else if (isEvent(ev, 'link')) console.log(ev.type, ev.object.name);
 * }
 * ```
 *
 * - A dedicated NETLINK_ROUTE socket, opened in the namespace of the Rtnl
 *   handle, joins the groups; its receive buffer is 8 MiB by default
 *   (SO_RCVBUFFORCE, falling back to SO_RCVBUF without CAP_NET_ADMIN).
 * - Nothing is lost silently: when the kernel could not queue a notification
 *   (receive buffer full: ENOBUFS) the iterator yields `{ type: 'overrun' }`.
 *   With `resync: true` it then re-dumps the subscribed object kinds until it
 *   gets a consistent snapshot (a dump marked NLM_F_DUMP_INTR, or failing
 *   with EBUSY/ENOBUFS, is retried with a capped exponential backoff; a new
 *   overrun restarts the re-dump) and yields the current objects as events
 *   marked `resync: true`, then `{ type: 'resynced', kinds }` naming the
 *   kinds re-dumped; notifications that arrived during the re-dump follow
 *   after it, in order.
 * - Memory is bounded: at most `highWaterMark` events (default 4096) wait for
 *   the consumer. When the consumer is slower than the kernel, the monitor
 *   stops reading its socket; the kernel keeps queueing into the receive
 *   buffer and, once that is full, drops notifications and reports ENOBUFS,
 *   which becomes an `overrun` event when reading resumes.
 * - Leaving the loop (break, return, throw) or calling close() closes the
 *   socket.
 * @module
 */
import '../netlink/dispose.js';
import { tracer } from '../netlink/debug.js';
import {
  AF_BRIDGE,
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
} from '../netlink/constants.js';
import { ENOBUFS } from '../netlink/errno.js';
import { ArgumentError, CallbackError, DecodeError, NetlinkError, TimeoutError } from '../netlink/errors.js';
import type { RawMessage } from '../netlink/message.js';
import { NetlinkSocket } from '../netlink/socket.js';
import { describe } from '../netlink/ip.js';
import type { AnyLink } from './link.js';
import type { Address } from './addr.js';
import type { Route } from './route.js';
import type { NsId } from './nsid.js';
import type { Rtnl } from './rtnl.js';
import { RTM_NAMES, routeProtocol, rtmName, schemaFor } from './schema.js';
import { UAPI as U } from './uapi.js';

const dbg = tracer('rtnetlink:monitor');

/** RTNLGRP_* groups by the names iproute2 uses (lower case, '_' -> '-'). */
export const MONITOR_GROUPS = {
  link: U.RTNLGRP_LINK,
  notify: U.RTNLGRP_NOTIFY,
  neigh: U.RTNLGRP_NEIGH,
  tc: U.RTNLGRP_TC,
  'ipv4-ifaddr': U.RTNLGRP_IPV4_IFADDR,
  'ipv4-mroute': U.RTNLGRP_IPV4_MROUTE,
  'ipv4-route': U.RTNLGRP_IPV4_ROUTE,
  'ipv4-rule': U.RTNLGRP_IPV4_RULE,
  'ipv6-ifaddr': U.RTNLGRP_IPV6_IFADDR,
  'ipv6-mroute': U.RTNLGRP_IPV6_MROUTE,
  'ipv6-route': U.RTNLGRP_IPV6_ROUTE,
  'ipv6-ifinfo': U.RTNLGRP_IPV6_IFINFO,
  'ipv6-prefix': U.RTNLGRP_IPV6_PREFIX,
  'ipv6-rule': U.RTNLGRP_IPV6_RULE,
  'nd-useropt': U.RTNLGRP_ND_USEROPT,
  'phonet-ifaddr': U.RTNLGRP_PHONET_IFADDR,
  'phonet-route': U.RTNLGRP_PHONET_ROUTE,
  dcb: U.RTNLGRP_DCB,
  'ipv4-netconf': U.RTNLGRP_IPV4_NETCONF,
  'ipv6-netconf': U.RTNLGRP_IPV6_NETCONF,
  mdb: U.RTNLGRP_MDB,
  'mpls-route': U.RTNLGRP_MPLS_ROUTE,
  nsid: U.RTNLGRP_NSID,
  'mpls-netconf': U.RTNLGRP_MPLS_NETCONF,
  'ipv4-mroute-r': U.RTNLGRP_IPV4_MROUTE_R,
  'ipv6-mroute-r': U.RTNLGRP_IPV6_MROUTE_R,
  nexthop: U.RTNLGRP_NEXTHOP,
  brvlan: U.RTNLGRP_BRVLAN,
  'mctp-ifaddr': U.RTNLGRP_MCTP_IFADDR,
  tunnel: U.RTNLGRP_TUNNEL,
  stats: U.RTNLGRP_STATS,
} as const;

/** A multicast group name (RTNLGRP_*). */
export type MonitorGroup = keyof typeof MONITOR_GROUPS;

/** Object names of `ip monitor`, each standing for several groups. */
export const MONITOR_ALIASES = {
  address: ['ipv4-ifaddr', 'ipv6-ifaddr'],
  route: ['ipv4-route', 'ipv6-route'],
  mroute: ['ipv4-mroute', 'ipv6-mroute'],
  rule: ['ipv4-rule', 'ipv6-rule'],
  netconf: ['ipv4-netconf', 'ipv6-netconf'],
  prefix: ['ipv6-prefix'],
  /** What `ip monitor all` listens to. */
  all: ['link', 'ipv4-ifaddr', 'ipv6-ifaddr', 'ipv4-route', 'ipv6-route', 'ipv4-mroute', 'ipv6-mroute', 'ipv6-prefix', 'neigh', 'ipv4-netconf', 'ipv6-netconf', 'ipv4-rule', 'ipv6-rule', 'nsid', 'nexthop'],
} as const satisfies Record<string, readonly MonitorGroup[]>;

export type MonitorAlias = keyof typeof MONITOR_ALIASES;

/** What monitor() accepts: a group or alias name, or an RTNLGRP_* number (other strings are rejected at run time). */
export type MonitorGroupSpec = MonitorGroup | MonitorAlias | number | (string & {});

/** Resolve group names, aliases or RTNLGRP_* numbers; ArgumentError for unknown ones. */
export function resolveGroups(groups: ReadonlyArray<MonitorGroupSpec>, field = 'groups'): { names: string[]; numbers: number[] } {
  if (!Array.isArray(groups)) throw new ArgumentError(field, `expected an array of group names, got ${describe(groups)}`);
  if (groups.length === 0) throw new ArgumentError(field, 'no group given (e.g. "link", "address", "route", "all")');
  const names: string[] = [];
  const numbers: number[] = [];
  const add = (name: string, n: number): void => {
    if (!numbers.includes(n)) {
      numbers.push(n);
      names.push(name);
    }
  };
  groups.forEach((g, i) => {
    if (typeof g === 'number') {
      if (!Number.isInteger(g) || g < 1 || g > 1023) throw new ArgumentError(`${field}[${i}]`, `invalid multicast group number ${g}`);
      const name = Object.entries(MONITOR_GROUPS).find(([, v]) => v === g)?.[0] ?? `group-${g}`;
      add(name, g);
    } else if (typeof g === 'string' && g in MONITOR_GROUPS) {
      add(g, MONITOR_GROUPS[g as MonitorGroup]);
    } else if (typeof g === 'string' && g in MONITOR_ALIASES) {
      for (const n of MONITOR_ALIASES[g as MonitorAlias]) add(n, MONITOR_GROUPS[n]);
    } else {
      throw new ArgumentError(
        `${field}[${i}]`,
        `unknown group ${describe(g)} (known: ${[...Object.keys(MONITOR_ALIASES), ...Object.keys(MONITOR_GROUPS)].join(', ')})`,
      );
    }
  });
  return { names, numbers };
}

/**
 * Typed objects per event kind. Families extend it by declaration merging
 * (`declare module './monitor.js' { interface MonitorObjectMap { address: Address } }`).
 */
export interface MonitorObjectMap {
  link: AnyLink;
  address: Address;
  route: Route;
  nsid: NsId;
}

/** Header of the notification an event came from. */
export interface MonitorMessageInfo {
  /** nlmsg_type, e.g. 16 */
  type: number;
  /** 'RTM_NEWLINK' */
  typeName: string;
  /** nlmsg_flags */
  flags: number;
  /** nlmsg_seq (the seq of the request that caused it, or 0) */
  seq: number;
  /** nlmsg_pid (the port id of the requester, or 0) */
  pid: number;
  /** nlmsg_len */
  len: number;
}

/** 'newlink', 'dellink', 'newaddr', ... (the RTM_* name, lower case, without the prefix). */
export type ChangeType = `new${string}` | `del${string}` | `get${string}` | `set${string}` | `type${number}`;

/** A notification: an object was created/changed ('new...') or deleted ('del...'). */
export interface ObjectEvent<K extends string = string, T = object | undefined> {
  type: ChangeType;
  /** 'link', 'address', 'route', 'neigh', 'rule', 'nsid', ... */
  kind: K;
  /** The decoded message (same codecs as dumps); undefined when no schema is registered for its type or it failed to decode. */
  object: T;
  message: MonitorMessageInfo;
  /** The message bytes (a view into the received datagram), for raw access and printing. */
  raw: RawMessage;
  /** Reception time, ms since the epoch. */
  timestamp: number;
  /** The event comes from the re-dump after an overrun, not from a notification. */
  resync?: true;
  /**
   * With `allNsid`: the id (in the monitor's namespace) of the namespace the
   * notification comes from; absent for the monitor's own namespace. Indexes
   * in the object (ifindex, master, ...) are that namespace's.
   */
  nsid?: number;
  /** Why the message could not be decoded. */
  decodeError?: DecodeError;
}

/** The kernel dropped notifications (ENOBUFS): the view built from events is stale. */
export interface OverrunEvent {
  type: 'overrun';
  timestamp: number;
  /** Whether a re-dump follows (resync option). */
  resync: boolean;
}

/**
 * End of the re-dump that follows an overrun (resync option): for each kind
 * in `kinds`, objects not re-listed (as `resync` events) since the last
 * overrun event are gone. Kinds not in `kinds` were not re-dumped.
 */
export interface ResyncedEvent {
  type: 'resynced';
  timestamp: number;
  /** Object kinds re-dumped consistently ('link', 'address', 'route', ...): every dump of the kind completed without NLM_F_DUMP_INTR. */
  kinds: string[];
  /** Groups whose dump this covers ('link', 'ipv4-ifaddr', 'ipv6-ifaddr', ...). */
  groups: string[];
  /** Kinds the monitor gave up on (after `resync.attempts`, or a non-retryable error): an `error` event with a ResyncError came before. */
  failed: string[];
  /** Re-dump attempts this resync took (1 when the first snapshot was consistent). */
  attempts: number;
}

/** A problem that did not stop the monitor (a failed re-dump, a malformed datagram). */
export interface MonitorErrorEvent {
  type: 'error';
  timestamp: number;
  error: Error;
}

export type MonitorEvent = ObjectEvent | OverrunEvent | ResyncedEvent | MonitorErrorEvent;

/** Narrow an event to a kind with its typed object. */
export function isEvent<K extends keyof MonitorObjectMap>(ev: MonitorEvent, kind: K): ev is ObjectEvent<K, MonitorObjectMap[K]> {
  return 'kind' in ev && ev.kind === kind && ev.object !== undefined;
}

/**
 * The re-dump gave up on some kinds: every attempt was interrupted
 * (NLM_F_DUMP_INTR, EBUSY, ENOBUFS) `attempts` times in a row, or failed with
 * an error that retrying cannot cure. The view of these kinds is stale.
 */
export class ResyncError extends Error {
  override name = 'ResyncError';
  /** Kinds not re-dumped ('link', 'address', ...). */
  readonly kinds: string[];
  /** Attempts made. */
  readonly attempts: number;
  /** The last error of the failed dump. */
  override readonly cause: Error;
  constructor(kinds: string[], attempts: number, cause: Error) {
    super(`monitor resync gave up on ${kinds.join(', ')} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${cause.message}`);
    this.kinds = kinds;
    this.attempts = attempts;
    this.cause = cause;
  }
}

/** How a monitor re-dumps after an overrun (`resync: true` takes the defaults). */
export interface ResyncOptions {
  /**
   * Most re-dump attempts in a row that are interrupted (NLM_F_DUMP_INTR,
   * EBUSY, ENOBUFS, timeout) before the monitor gives up on the kinds
   * concerned (ResyncError, `resynced.failed`). Default Infinity: retry
   * until the storm is over. A new overrun restarts the count.
   */
  attempts?: number;
  /** Backoff before the 2nd attempt, doubling for each further one. Default 20 ms. */
  minDelay?: number;
  /** Cap of the backoff. Default 1000 ms. */
  maxDelay?: number;
}

/** Options of Rtnl.monitor(). */
export interface MonitorOptions {
  /** Receive buffer in bytes (SO_RCVBUFFORCE, falling back to SO_RCVBUF). Default 8 MiB. */
  rcvbuf?: number;
  /**
   * After an overrun, re-dump the subscribed kinds until consistent and yield
   * them as events (resync: true), then `resynced`. `true` or ResyncOptions.
   * Default false.
   */
  resync?: boolean | ResyncOptions;
  /** Most events waiting for the consumer before the monitor stops reading. Default 4096. */
  highWaterMark?: number;
  /**
   * Also receive the notifications of every namespace that has an id in this
   * one (NETLINK_LISTEN_ALL_NSID, `ip monitor all-nsid`); their events carry
   * `nsid`. A resync re-dumps the monitor's own namespace only. Default false.
   */
  allNsid?: boolean;
}

/** Dump used to resync a group: request type, family, header size. */
const RESYNC_DUMPS: Partial<Record<MonitorGroup, { type: number; family: number; header: number }>> = {
  link: { type: U.RTM_GETLINK, family: AF_UNSPEC, header: 16 },
  'ipv4-ifaddr': { type: U.RTM_GETADDR, family: AF_INET, header: 8 },
  'ipv6-ifaddr': { type: U.RTM_GETADDR, family: AF_INET6, header: 8 },
  'ipv4-route': { type: U.RTM_GETROUTE, family: AF_INET, header: 12 },
  'ipv6-route': { type: U.RTM_GETROUTE, family: AF_INET6, header: 12 },
  'ipv4-mroute': { type: U.RTM_GETROUTE, family: U.RTNL_FAMILY_IPMR, header: 12 },
  'ipv6-mroute': { type: U.RTM_GETROUTE, family: U.RTNL_FAMILY_IP6MR, header: 12 },
  neigh: { type: U.RTM_GETNEIGH, family: AF_UNSPEC, header: 12 },
  'ipv4-rule': { type: U.RTM_GETRULE, family: AF_INET, header: 12 },
  'ipv6-rule': { type: U.RTM_GETRULE, family: AF_INET6, header: 12 },
  nsid: { type: U.RTM_GETNSID, family: AF_UNSPEC, header: 4 },
  'ipv4-netconf': { type: U.RTM_GETNETCONF, family: AF_INET, header: 4 },
  'ipv6-netconf': { type: U.RTM_GETNETCONF, family: AF_INET6, header: 4 },
  nexthop: { type: U.RTM_GETNEXTHOP, family: AF_UNSPEC, header: 8 },
  mdb: { type: U.RTM_GETMDB, family: AF_BRIDGE, header: 8 },
};

const KIND_BY_SUFFIX: Record<string, string> = { ADDR: 'address' };

/** Object kind of an RTM type: the schema's name, else derived from the RTM_* name. */
export function kindOf(type: number): string {
  const s = schemaFor(type);
  if (s) return s.name;
  const n = RTM_NAMES[type];
  const m = n ? /^RTM_(?:NEW|DEL|GET|SET)(.+)$/.exec(n) : null;
  if (!m) return 'unknown';
  return KIND_BY_SUFFIX[m[1]!] ?? m[1]!.toLowerCase();
}

/** Event type of an RTM type: 'newlink'. */
export function changeType(type: number): ChangeType {
  const n = RTM_NAMES[type];
  return (n ? n.slice(4).toLowerCase() : `type${type}`) as ChangeType;
}

/** Build an event from a received message. Malformed bytes give `decodeError`; any other exception (a bug) is thrown. */
export function eventFromMessage(m: RawMessage, timestamp = Date.now()): ObjectEvent {
  const ev: ObjectEvent = {
    type: changeType(m.type),
    kind: kindOf(m.type),
    object: undefined,
    message: { type: m.type, typeName: rtmName(m.type), flags: m.flags, seq: m.seq, pid: m.pid, len: m.len },
    raw: m,
    timestamp,
  };
  const s = schemaFor(m.type);
  if (s) {
    try {
      ev.object = s.decode(m.buf, m.offset + 16, m.offset + m.len, m.type);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      ev.decodeError = e;
    }
  }
  return ev;
}

const UNSUPPORTED = new Set(['EOPNOTSUPP', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'ENOENT']);
/** Dump failures a later attempt may not meet: the object set changed under the dump, or memory/buffer pressure. */
const RETRYABLE = new Set(['EINTR', 'EBUSY', 'ENOBUFS', 'EAGAIN', 'ENOMEM']);

function retryable(e: unknown): boolean {
  // A tap (record) that threw on the dump request is detached on that socket: the next attempt's socket may record.
  return (e instanceof NetlinkError && RETRYABLE.has(e.code)) || e instanceof TimeoutError || e instanceof CallbackError;
}

function checkResyncOptions(v: unknown): Required<ResyncOptions> | undefined {
  if (v === undefined || v === false) return undefined;
  const d = { attempts: Infinity, minDelay: 20, maxDelay: 1000 };
  if (v === true) return d;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError('resync', `expected true, false or { attempts, minDelay, maxDelay }, got ${describe(v)}`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(k in d)) throw new ArgumentError(`resync.${k}`, `unknown option (known: ${Object.keys(d).join(', ')})`);
  const num = (k: keyof typeof d, min: number, int: boolean): number => {
    const x = o[k];
    if (x === undefined) return d[k];
    if (typeof x !== 'number' || Number.isNaN(x) || x < min || (int && x !== Infinity && !Number.isInteger(x))) {
      throw new ArgumentError(`resync.${k}`, `expected ${int ? 'an integer' : 'a number of ms'} >= ${min}${int ? ' (or Infinity)' : ''}, got ${describe(x)}`);
    }
    return x;
  };
  const r = { attempts: num('attempts', 1, true), minDelay: num('minDelay', 0, false), maxDelay: num('maxDelay', 0, false) };
  if (!Number.isFinite(r.minDelay) || !Number.isFinite(r.maxDelay)) throw new ArgumentError('resync.maxDelay', 'expected finite delays');
  if (r.maxDelay < r.minDelay) throw new ArgumentError('resync.maxDelay', `less than minDelay (${r.minDelay})`);
  return r;
}

/** One dump of a resync: the group, the kind it fills, the messages (or why not). */
interface GroupDump {
  group: string;
  kind: string;
  msgs?: RawMessage[];
  error?: Error;
}

/** The async iterator returned by Rtnl.monitor(); also closable directly. */
export class Monitor implements AsyncIterableIterator<MonitorEvent> {
  /** Group names subscribed to (aliases expanded). */
  readonly groups: string[];
  /** The notification socket (for stats: stats.overruns, ...). */
  readonly socket: NetlinkSocket;
  /**
   * Counters: notifications turned into events, ENOBUFS reports, resyncs
   * completed (`resynced` events), re-dump attempts made, most events queued.
   */
  readonly stats = { events: 0, overruns: 0, resyncs: 0, resyncAttempts: 0, highWater: 0 };
  private readonly rtnl: Rtnl;
  private readonly resyncOpts: Required<ResyncOptions> | undefined;
  private readonly hwm: number;
  private ready: MonitorEvent[] = [];
  private held: MonitorEvent[] = [];
  private waiter: ((r: IteratorResult<MonitorEvent>) => void) | undefined;
  private resyncing = false;
  /** An overrun came while a resync was under way: its snapshot is void, start over. */
  private restart = false;
  /** Live notifications go to `held` (a re-dump attempt is under way). */
  private holding = false;
  private overrunPending = false;
  private resyncSock: NetlinkSocket | undefined;
  private backoff: { timer: NodeJS.Timeout; done: () => void } | undefined;
  private closed = false;

  constructor(rtnl: Rtnl, groups: ReadonlyArray<MonitorGroupSpec>, opts: MonitorOptions = {}) {
    const { names, numbers } = resolveGroups(groups);
    const hwm = opts.highWaterMark ?? 4096;
    if (!Number.isInteger(hwm) || hwm < 1) throw new ArgumentError('highWaterMark', 'expected a positive integer');
    if (opts.allNsid !== undefined && typeof opts.allNsid !== 'boolean') throw new ArgumentError('allNsid', `expected a boolean, got ${describe(opts.allNsid)}`);
    const rcvbuf = opts.rcvbuf ?? 8 * 1024 * 1024;
    if (!Number.isInteger(rcvbuf) || rcvbuf < 1) throw new ArgumentError('rcvbuf', 'expected a positive number of bytes');
    this.resyncOpts = checkResyncOptions(opts.resync);
    this.rtnl = rtnl;
    this.hwm = hwm;
    this.groups = names;
    this.socket = NetlinkSocket.open({
      ...rtnl.openOptions,
      protocol: routeProtocol,
      rcvbuf,
      groups: numbers,
      listenAllNsid: opts.allNsid ?? false,
    });
    dbg('monitor %o on portid %d', names, this.socket.portid);
    this.socket.onError((e) => this.onSocketError(e));
    this.socket.onMulticast((m, _groups, nsid) => this.onMessage(m, nsid));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private queued(): number {
    return this.ready.length + this.held.length;
  }

  private push(ev: MonitorEvent, live: boolean): void {
    if (this.closed) return;
    if (live && this.holding) this.held.push(ev);
    else if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: ev, done: false });
      return;
    } else this.ready.push(ev);
    const q = this.queued();
    if (q > this.stats.highWater) this.stats.highWater = q;
    if (q >= this.hwm && !this.socket.readingHeld) {
      dbg('consumer behind (%d events queued): stop reading', q);
      this.socket.holdReading();
    }
  }

  private onMessage(m: RawMessage, nsid: number | undefined): void {
    this.stats.events++;
    let ev: ObjectEvent;
    try {
      ev = eventFromMessage(m);
    } catch (e) {
      // not malformed bytes (those give ev.decodeError) but a failure of ours: an error event, as itself
      this.push({ type: 'error', timestamp: Date.now(), error: e as Error }, true);
      return;
    }
    if (nsid !== undefined) ev.nsid = nsid;
    this.push(ev, true);
  }

  private onSocketError(e: Error): void {
    if (this.closed) return;
    if (e instanceof NetlinkError && e.errno === ENOBUFS) {
      this.stats.overruns++;
      if (!this.overrunPending) {
        this.overrunPending = true;
        // The kernel reports ENOBUFS before the notifications still queued
        // from before the loss: take those in first, so the overrun event
        // sits after them and a re-dump is newer than every event before it.
        queueMicrotask(() => this.afterOverrun());
      }
      return;
    }
    this.push({ type: 'error', timestamp: Date.now(), error: e }, true);
  }

  private afterOverrun(): void {
    if (this.closed) return;
    this.socket.drain();
    this.overrunPending = false;
    const resync = this.resyncOpts !== undefined;
    dbg('overrun (ENOBUFS)%s', resync ? ', resyncing' : '');
    this.push({ type: 'overrun', timestamp: Date.now(), resync }, true);
    if (resync) this.startResync();
  }

  private startResync(): void {
    if (this.resyncing) {
      // Notifications were lost again: a snapshot taken so far may miss their
      // effect. Abort the attempt under way; the loop starts a new one.
      this.restart = true;
      this.resyncSock?.close();
      return;
    }
    this.resyncing = true;
    this.resyncLoop().catch((e: unknown) => {
      if (!this.closed) this.push({ type: 'error', timestamp: Date.now(), error: e instanceof Error ? e : new Error(String(e)) }, false);
    });
  }

  /** Hand the notifications held during an attempt to the consumer, in order. */
  private release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const ev of held) this.push(ev, true);
  }

  /** Wait before the next attempt; close() cuts it short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.backoff = undefined;
        resolve();
      };
      this.backoff = { timer: setTimeout(done, ms), done };
    });
  }

  /**
   * Re-dump until one attempt gives a consistent snapshot of every kind (or
   * the attempts run out), then deliver it. Each attempt holds the live
   * notifications back until its snapshot is delivered; between attempts
   * they flow (they are older than the next snapshot, which supersedes them).
   */
  private async resyncLoop(): Promise<void> {
    const o = this.resyncOpts!;
    let attempt = 0;
    /** Consecutive interrupted attempts since the last overrun. */
    let failures = 0;
    try {
      for (;;) {
        if (attempt > 0) await this.sleep(Math.min(o.maxDelay, o.minDelay * 2 ** Math.min(attempt - 1, 30)));
        if (this.closed) return;
        attempt++;
        if (this.restart) failures = 0;
        this.restart = false;
        this.stats.resyncAttempts++;
        const last = failures + 1 >= o.attempts;
        const dumps = await this.snapshot(attempt, last);
        if (this.closed) return;
        if (this.restart) {
          dbg('resync attempt %d: overrun meanwhile, starting over', attempt);
          this.release();
          continue;
        }
        if (!last && dumps.some((d) => d.error && retryable(d.error))) {
          failures++;
          dbg('resync attempt %d interrupted (%s), retrying', attempt, dumps.find((d) => d.error)!.error!.message);
          this.release();
          continue;
        }
        this.deliver(dumps, attempt);
        this.release();
        return;
      }
    } finally {
      this.resyncing = false;
      if (!this.closed && this.holding) this.release();
    }
  }

  /** One attempt: dump every subscribed group that has a dump, on a temporary socket. */
  private async snapshot(attempt: number, last: boolean): Promise<GroupDump[]> {
    const out: GroupDump[] = [];
    let sock: NetlinkSocket;
    try {
      sock = NetlinkSocket.open({ ...this.rtnl.openOptions, protocol: routeProtocol });
    } catch (e) {
      // e.g. EMFILE: nothing dumped; a later attempt may succeed
      for (const g of this.groups) if (RESYNC_DUMPS[g as MonitorGroup]) out.push({ group: g, kind: kindOf(RESYNC_DUMPS[g as MonitorGroup]!.type), error: e as Error });
      return out;
    }
    this.resyncSock = sock;
    // A tap (record) that throws on this socket is the user's to know, like on the monitor's own socket.
    sock.onError((e) => {
      if (e instanceof CallbackError && !this.closed) this.push({ type: 'error', timestamp: Date.now(), error: e }, false);
    });
    // From now on, notifications may be newer than the snapshot: hold them until it is delivered.
    this.holding = true;
    try {
      const seen = new Set<string>();
      for (const g of this.groups) {
        const d = RESYNC_DUMPS[g as MonitorGroup];
        if (!d) continue;
        const key = `${d.type}/${d.family}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const body = Buffer.alloc(d.header);
        body[0] = d.family;
        const kind = kindOf(d.type);
        try {
          out.push({ group: g, kind, msgs: await sock.dumpAll(d.type, body, { what: `monitor resync ${g} (attempt ${attempt})`, retries: 0 }) });
        } catch (e) {
          if (this.closed || this.restart) return out;
          if (e instanceof NetlinkError && UNSUPPORTED.has(e.code)) {
            dbg('resync %s: %s (nothing to dump)', g, e.code);
            out.push({ group: g, kind, msgs: [] });
            continue;
          }
          if (e instanceof CallbackError) this.push({ type: 'error', timestamp: Date.now(), error: e }, false);
          out.push({ group: g, kind, error: e as Error });
          // the attempt is void anyway: do not spend dumps on the other groups
          if (!last && retryable(e)) return out;
        }
      }
      return out;
    } finally {
      sock.close();
      if (this.resyncSock === sock) this.resyncSock = undefined;
    }
  }

  /** Yield a snapshot: the objects of every kind whose dumps all completed, errors for the others, then `resynced`. */
  private deliver(dumps: GroupDump[], attempts: number): void {
    const failed = new Map<string, Error>();
    for (const d of dumps) if (d.error && !failed.has(d.kind)) failed.set(d.kind, d.error);
    const kinds: string[] = [];
    const groups: string[] = [];
    const ts = Date.now();
    for (const d of dumps) {
      if (failed.has(d.kind)) continue;
      if (!kinds.includes(d.kind)) kinds.push(d.kind);
      groups.push(d.group);
      for (const m of d.msgs!) {
        const ev = eventFromMessage(m, ts);
        ev.resync = true;
        this.push(ev, false);
      }
    }
    for (const [kind, e] of failed) {
      dbg('resync gave up on %s: %s', kind, e.message);
      this.push({ type: 'error', timestamp: Date.now(), error: new ResyncError([kind], attempts, e) }, false);
    }
    this.stats.resyncs++;
    this.push({ type: 'resynced', timestamp: Date.now(), kinds, groups, failed: [...failed.keys()], attempts }, false);
  }

  next(): Promise<IteratorResult<MonitorEvent>> {
    if (this.ready.length > 0) {
      const ev = this.ready.shift()!;
      if (this.socket.readingHeld && this.queued() <= this.hwm / 2) {
        dbg('consumer caught up: read again');
        this.socket.releaseReading();
      }
      return Promise.resolve({ value: ev, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    if (this.socket.readingHeld) this.socket.releaseReading();
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Stop: close the socket; a pending next() resolves done. */
  return(): Promise<IteratorResult<MonitorEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** `using mon = rtnl.monitor([...])`: close() at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using mon = rtnl.monitor([...])`: close() at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** Close the socket and drop queued events. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ready = [];
    this.held = [];
    this.socket.onMulticast(undefined);
    this.socket.onError(undefined);
    this.socket.close();
    this.resyncSock?.close();
    if (this.backoff) {
      clearTimeout(this.backoff.timer);
      this.backoff.done();
    }
    const w = this.waiter;
    this.waiter = undefined;
    w?.({ value: undefined, done: true });
    dbg('monitor closed');
  }

  /** Whether close() was called (or the loop was left). */
  get isClosed(): boolean {
    return this.closed;
  }
}

/** Subscribe to rtnetlink groups on a dedicated socket in the handle's namespace. */
export function monitor(rtnl: Rtnl, groups: ReadonlyArray<MonitorGroupSpec>, opts: MonitorOptions = {}): Monitor {
  return new Monitor(rtnl, groups, opts);
}
