/**
 * The rtnetlink handle: one NETLINK_ROUTE socket (optionally inside another
 * network namespace) with the typed families on it.
 * @module
 */
import '../netlink/dispose.js';
import { NetlinkSocket, checkSocketOptions, type NetnsRef, type SocketOptions } from '../netlink/socket.js';
import { ArgumentError } from '../netlink/errors.js';
import { createRequire } from 'node:module';
import { Links } from './links.js';
import type { Addrs } from './addrs.js';
import type { Routes } from './routes.js';
import type { Neighs } from './neighs.js';
import type { Rules } from './rules.js';
import type { Monitor, MonitorGroupSpec, MonitorOptions } from './monitor.js';
import type { PcapWriter } from '../pcap/writer.js';
import type { NsIds } from './nsid.js';
import type { BridgeVlans } from './bridge-vlans.js';
import { routeProtocol } from './schema.js';

// The families other than links, monitor() and the pcap recorder are loaded
// on first use (issue 16: start-up; `rtnl-dump link` needs none of them),
// with require() of their ES modules: synchronous, so the properties stay
// plain typed getters, and the classes are the ones `import` gives (the
// package entry exports them), so `instanceof` holds.
const load = createRequire(import.meta.url);
const addrsModule = (): typeof import('./addrs.js') => load('./addrs.js') as typeof import('./addrs.js');
const routesModule = (): typeof import('./routes.js') => load('./routes.js') as typeof import('./routes.js');
const neighsModule = (): typeof import('./neighs.js') => load('./neighs.js') as typeof import('./neighs.js');
const rulesModule = (): typeof import('./rules.js') => load('./rules.js') as typeof import('./rules.js');
const nsidModule = (): typeof import('./nsid.js') => load('./nsid.js') as typeof import('./nsid.js');
const bridgeVlansModule = (): typeof import('./bridge-vlans.js') => load('./bridge-vlans.js') as typeof import('./bridge-vlans.js');
const monitorModule = (): typeof import('./monitor.js') => load('./monitor.js') as typeof import('./monitor.js');
const pcapWriterModule = (): typeof import('../pcap/writer.js') => load('../pcap/writer.js') as typeof import('../pcap/writer.js');

/** Options of Rtnl.open(). */
export interface RtnlOptions extends Omit<SocketOptions, 'protocol' | 'typeName' | 'describeOffset' | 'summarize' | 'groups'> {
  /** Work in this network namespace (name under /run/netns, path, { fd } or { pid }). */
  netns?: NetnsRef;
  /**
   * Record every datagram sent and received (also by monitor() sockets of
   * this handle) to a pcap file that Wireshark/tshark open as Linux netlink:
   * a path (created or truncated; closed by close()) or a PcapWriter (left open).
   * If writing fails (ENOSPC, EIO...), recording stops for every socket of
   * the handle, a file opened from a path is closed, `recordError` holds the
   * error, and the socket that hit it surfaces it like any exception of the
   * `tap` option (a CallbackError whose `code` is the errno name).
   */
  record?: string | PcapWriter;
}

export class Rtnl {
  /** The underlying socket (for raw requests and statistics). */
  readonly socket: NetlinkSocket;
  /** Network interfaces (RTM_*LINK). */
  readonly links: Links;
  #addrs: Addrs | undefined;
  #routes: Routes | undefined;
  #neighs: Neighs | undefined;
  #rules: Rules | undefined;
  #nsids: NsIds | undefined;
  #bridgeVlans: BridgeVlans | undefined;
  /** IPv4/IPv6 addresses (RTM_*ADDR). */
  get addrs(): Addrs {
    return (this.#addrs ??= new (addrsModule().Addrs)(this.socket, this.links));
  }
  /** Routes (RTM_*ROUTE). */
  get routes(): Routes {
    return (this.#routes ??= new (routesModule().Routes)(this.socket, this.links));
  }
  /** Neighbours: ARP/NDP and bridge/vxlan FDB (RTM_*NEIGH). */
  get neighs(): Neighs {
    return (this.#neighs ??= new (neighsModule().Neighs)(this.socket, this.links));
  }
  /** Policy routing rules (RTM_*RULE). */
  get rules(): Rules {
    return (this.#rules ??= new (rulesModule().Rules)(this.socket, this.links));
  }
  /** Ids of other network namespaces as seen from this one (RTM_*NSID). */
  get nsids(): NsIds {
    return (this.#nsids ??= new (nsidModule().NsIds)(this.socket));
  }
  /** Per-port VLANs of VLAN-filtering bridges (`bridge vlan`). */
  get bridgeVlans(): BridgeVlans {
    return (this.#bridgeVlans ??= new (bridgeVlansModule().BridgeVlans)(this.socket, this.links));
  }
  /** The namespace this handle works in (undefined: the caller's). */
  readonly netns: NetnsRef | undefined;
  private readonly options: RtnlOptions;
  private ownedRecorder: PcapWriter | undefined;
  private recordFailure: { error?: Error } | undefined;

  private constructor(sock: NetlinkSocket, opts: RtnlOptions) {
    this.socket = sock;
    this.netns = opts.netns;
    this.options = opts;
    this.links = new Links(sock);
  }

  /**
   * Subscribe to multicast groups ('link', 'ipv4-ifaddr', 'ipv4-route', ...)
   * on a dedicated socket in the same namespace; iterate the typed events.
   */
  monitor(groups: ReadonlyArray<MonitorGroupSpec>, opts: MonitorOptions = {}): Monitor {
    return monitorModule().monitor(this, groups, opts);
  }

  /** Open a handle in the current network namespace, or in `opts.netns`. */
  static async open(opts: RtnlOptions = {}): Promise<Rtnl> {
    if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new ArgumentError('options', 'expected an options object');
    {
      const { record: _record, ...socketOpts } = opts;
      checkSocketOptions(socketOpts); // before any file or socket is opened
    }
    let recorder: PcapWriter | undefined;
    let owned = false;
    let failure: { error?: Error } | undefined;
    let o: RtnlOptions = opts;
    if (opts.record !== undefined) {
      const { PcapWriter } = pcapWriterModule();
      if (typeof opts.record === 'string') {
        recorder = PcapWriter.open(opts.record);
        owned = true;
      } else if (opts.record instanceof PcapWriter) recorder = opts.record;
      else throw new ArgumentError('record', 'expected a file path or a PcapWriter');
      const rec = recorder;
      const userTap = opts.tap;
      const closeOnFailure = owned;
      failure = {};
      const state = failure;
      // A failed write stops the recording for every socket of the handle (the monitors share this tap).
      const recTap = (d: 'in' | 'out', b: Buffer, p: number): void => {
        if (state.error) return;
        try {
          rec.tap(d, b, p);
        } catch (e) {
          state.error = e instanceof Error ? e : new Error(String(e));
          if (closeOnFailure) {
            try {
              rec.close();
            } catch {
              /* the write error is the one to report */
            }
          }
          throw e;
        }
      };
      // Sibling sockets (monitor) get the combined tap, not the path (which would truncate the file).
      o = {
        ...opts,
        record: undefined,
        tap: userTap
          ? (d, b, p) => {
              let err: unknown;
              try {
                userTap(d, b, p);
              } catch (e) {
                err = e;
              }
              try {
                recTap(d, b, p);
              } catch (e) {
                err ??= e;
              }
              if (err !== undefined) throw err;
            }
          : recTap,
      };
    }
    let sock: NetlinkSocket;
    try {
      sock = NetlinkSocket.open({ ...o, protocol: routeProtocol });
    } catch (e) {
      if (owned) recorder?.close();
      throw e;
    }
    const r = new Rtnl(sock, o);
    if (owned) r.ownedRecorder = recorder;
    r.recordFailure = failure;
    return r;
  }

  /** With `record`: why recording stopped (a write to the capture failed), else undefined. */
  get recordError(): Error | undefined {
    return this.recordFailure?.error;
  }

  /** Socket options this handle was opened with (to open sibling sockets, e.g. for monitoring). */
  get openOptions(): Readonly<RtnlOptions> {
    return this.options;
  }

  /**
   * `await using rtnl = await Rtnl.open({ netns })`: close() when the scope
   * ends, also on an exception (no try/finally needed).
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Close the socket; pending requests reject with SocketClosedError. */
  async close(): Promise<void> {
    this.socket.close();
    this.ownedRecorder?.close();
  }
}
