/**
 * The rtnetlink handle: one NETLINK_ROUTE socket (optionally inside another
 * network namespace) with the typed families on it.
 * @module
 */
import '../netlink/dispose.js';
import { NetlinkSocket, checkSocketOptions, type NetnsRef, type SocketOptions } from '../netlink/socket.js';
import { ArgumentError } from '../netlink/errors.js';
import { Links } from './links.js';
import { Addrs } from './addrs.js';
import { Routes } from './routes.js';
import { Neighs } from './neighs.js';
import { Rules } from './rules.js';
import { monitor, type Monitor, type MonitorGroupSpec, type MonitorOptions } from './monitor.js';
import { PcapWriter } from '../pcap/writer.js';
import { NsIds } from './nsid.js';
import { BridgeVlans } from './bridge-vlans.js';
import { routeProtocol } from './schema.js';

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
  /** IPv4/IPv6 addresses (RTM_*ADDR). */
  readonly addrs: Addrs;
  /** Routes (RTM_*ROUTE). */
  readonly routes: Routes;
  /** Neighbours: ARP/NDP and bridge/vxlan FDB (RTM_*NEIGH). */
  readonly neighs: Neighs;
  /** Policy routing rules (RTM_*RULE). */
  readonly rules: Rules;
  /** Ids of other network namespaces as seen from this one (RTM_*NSID). */
  readonly nsids: NsIds;
  /** Per-port VLANs of VLAN-filtering bridges (`bridge vlan`). */
  readonly bridgeVlans: BridgeVlans;
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
    this.addrs = new Addrs(sock, this.links);
    this.routes = new Routes(sock, this.links);
    this.neighs = new Neighs(sock, this.links);
    this.rules = new Rules(sock, this.links);
    this.nsids = new NsIds(sock);
    this.bridgeVlans = new BridgeVlans(sock, this.links);
  }

  /**
   * Subscribe to multicast groups ('link', 'ipv4-ifaddr', 'ipv4-route', ...)
   * on a dedicated socket in the same namespace; iterate the typed events.
   */
  monitor(groups: ReadonlyArray<MonitorGroupSpec>, opts: MonitorOptions = {}): Monitor {
    return monitor(this, groups, opts);
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
