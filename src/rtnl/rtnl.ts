/**
 * The rtnetlink handle: one NETLINK_ROUTE socket (optionally inside another
 * network namespace) with the typed families on it.
 * @module
 */
import { NETLINK_ROUTE } from '../netlink/constants.js';
import { NetlinkSocket, type NetnsRef, type SocketOptions } from '../netlink/socket.js';
import { Links } from './links.js';
import { Addrs } from './addrs.js';
import { Routes } from './routes.js';
import { Neighs } from './neighs.js';
import { Rules } from './rules.js';
import { monitor, type MonitorOptions } from './monitor.js';
import { describeRequestOffset, rtmName, summarizeMessage } from './schema.js';

/** Options of Rtnl.open(). */
export interface RtnlOptions extends Omit<SocketOptions, 'protocol' | 'typeName' | 'describeOffset' | 'summarize' | 'groups'> {
  /** Work in this network namespace (name under /run/netns, path, { fd } or { pid }). */
  netns?: NetnsRef;
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
  /** The namespace this handle works in (undefined: the caller's). */
  readonly netns: NetnsRef | undefined;
  private readonly options: RtnlOptions;

  private constructor(sock: NetlinkSocket, opts: RtnlOptions) {
    this.socket = sock;
    this.netns = opts.netns;
    this.options = opts;
    this.links = new Links(sock);
    this.addrs = new Addrs(sock, this.links);
    this.routes = new Routes(sock, this.links);
    this.neighs = new Neighs(sock, this.links);
    this.rules = new Rules(sock, this.links);
  }

  /**
   * Subscribe to multicast groups ('link', 'ipv4-ifaddr', 'ipv4-route', ...)
   * on a dedicated socket in the same namespace; iterate the typed events.
   */
  monitor(groups: string[], opts: MonitorOptions = {}): ReturnType<typeof monitor> {
    return monitor(this, groups, opts);
  }

  /** Open a handle in the current network namespace, or in `opts.netns`. */
  static async open(opts: RtnlOptions = {}): Promise<Rtnl> {
    const sock = NetlinkSocket.open({ ...opts, protocol: NETLINK_ROUTE, typeName: rtmName, describeOffset: describeRequestOffset, summarize: summarizeMessage });
    return new Rtnl(sock, opts);
  }

  /** Socket options this handle was opened with (to open sibling sockets, e.g. for monitoring). */
  get openOptions(): Readonly<RtnlOptions> {
    return this.options;
  }

  /** Close the socket; pending requests reject with SocketClosedError. */
  async close(): Promise<void> {
    this.socket.close();
  }
}
