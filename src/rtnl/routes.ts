/**
 * rtnl.routes: routes (RTM_*ROUTE), like `ip route`.
 *
 * ```ts
 * await rtnl.routes.add({ dst: 'default', gateway: '172.27.0.1' });
 * await rtnl.routes.add({ dst: '10.2.0.0/16', dev: 'eth0', table: 100, metric: 10, metrics: { mtu: 1400, lock: ['mtu'] } });
 * await rtnl.routes.add({ dst: '10.3.0.0/16', multipath: [{ gateway: '10.0.0.2', weight: 2 }, { gateway: '10.0.0.3' }] });
 * await rtnl.routes.add({ dst: '192.0.2.0/24', type: 'blackhole' });
 * for await (const r of rtnl.routes.dump({ table: 100 })) { ... }   // streamed
 * const r = await rtnl.routes.get('8.8.8.8');                        // ip route get
 * ```
 * @module
 */
import { checkAttrs } from '../netlink/attr.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  NLM_F_APPEND,
  NLM_F_CREATE,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  NLMSG_HDRLEN,
} from '../netlink/constants.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe, formatPrefix, hasHostBits, networkOf, parseIP, parsePrefix, type Prefix } from '../netlink/ip.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import type { Writer } from '../netlink/writer.js';
import { encodeAttrs } from '../netlink/attr.js';
import type { Links } from './links.js';
import {
  ENCAP_TYPES,
  metricsPolicy,
  decodeRoute,
  ROUTE_PREFS,
  routePolicy,
  writeRtMsg,
  type EncapTypeName,
  type MetricName,
  type Nexthop,
  type Route,
  type RouteMetrics,
  type RoutePrefName,
} from './route.js';
import {
  checkBool,
  checkIfRef,
  checkInt,
  checkKeys,
  checkObject,
  IP_PROTOS,
  parseFamily,
  parseTable,
  PROTOCOLS,
  ROUTE_TYPES,
  SCOPES,
  type FamilyRef,
  type IfRef,
  type IpProtoName,
  type ProtocolName,
  type RouteTypeName,
  type ScopeName,
  type TableRef,
} from './rtcommon.js';
import { UAPI as U } from './uapi.js';
import { constants } from 'node:os';

/** RTA_METRICS as options: numbers per metric, `lock` as metric names or a bitmask. */
export type RouteMetricsOptions = { [K in Exclude<MetricName, 'ccAlgo'>]?: number } & {
  /** RTAX_CC_ALGO */
  ccAlgo?: string;
  /** RTAX_LOCK: metrics the kernel must not change, e.g. ['mtu'] (`ip route ... mtu lock 1400`). */
  lock?: Array<Exclude<MetricName, 'features' | 'ccAlgo'>> | number;
};

/** One next hop of a multipath route. */
export interface NexthopSpec {
  /** Gateway (RTA_GATEWAY; RTA_VIA when of the other family). */
  gateway?: string;
  /** Output interface (rtnh_ifindex), name or index. */
  dev?: IfRef;
  /** 1..256 (rtnh_hops + 1). Default 1. */
  weight?: number;
  /** RTNH_F_ONLINK: the gateway is on-link even without a matching prefix. */
  onlink?: boolean;
  /** RTA_FLOW: realm. */
  flow?: number;
}

/** A route to add, replace, append or delete. */
export interface RouteSpec {
  /** 'default' (the default) or a prefix "10.0.0.0/24" / "2001:db8::/64"; a bare address means /32 or /128. */
  dst?: string;
  /** 'inet' or 'inet6': needed only when neither dst nor a gateway tells (e.g. `{ dst: 'default', dev: 'eth0', family: 'inet6' }`). */
  family?: FamilyRef;
  /** RTA_GATEWAY; an IPv6 gateway for an IPv4 route is sent as RTA_VIA. */
  gateway?: string;
  /** Output interface (RTA_OIF), name or index. */
  dev?: IfRef;
  /** RTA_PREFSRC: preferred source address (`ip route ... src A`). */
  prefsrc?: string;
  /** RTA_SRC: source prefix (`ip route ... from P`, IPv6 source-specific routes). */
  from?: string;
  /** 'main' (default), 'local', 'default' or 1..2^32-1 (RTA_TABLE). */
  table?: TableRef;
  /** rtm_protocol: default 'boot' (like ip) for new routes, any for deletion. */
  protocol?: ProtocolName | number;
  /** rtm_scope: default like ip ('link' for routes without gateway, 'host' for local, 'global' otherwise). */
  scope?: ScopeName | 'universe' | number;
  /** rtm_type: 'unicast' (default), 'local', 'broadcast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'multicast', 'anycast', 'nat'. */
  type?: RouteTypeName | number;
  /** RTA_PRIORITY (the route metric). */
  priority?: number;
  /** Same as priority (`ip route ... metric N`). */
  metric?: number;
  /** rtm_tos */
  tos?: number;
  /** RTA_METRICS: mtu, advmss, window, rtt, rttvar, hoplimit, initcwnd, initrwnd, ... with lock. */
  metrics?: RouteMetricsOptions;
  /** RTA_MULTIPATH: next hops (ECMP / weighted). */
  multipath?: NexthopSpec[];
  /** RTNH_F_ONLINK */
  onlink?: boolean;
  /** RTA_PREF (IPv6): 'low', 'medium', 'high'. */
  pref?: RoutePrefName;
  /** RTA_EXPIRES (IPv6): lifetime in seconds. */
  expires?: number;
  /** RTA_FLOW: realm(s). */
  flow?: number;
  /** RTA_NH_ID: use a nexthop object. */
  nhId?: number;
  /** RTA_ENCAP_TYPE + RTA_ENCAP as raw LWTUNNEL_* attribute bytes. */
  encap?: { type: EncapTypeName | number; data: Uint8Array };
  /** RTA_TTL_PROPAGATE (MPLS) */
  ttlPropagate?: boolean;
}

/** Filter of routes.list() / dump(): applied by the kernel. */
export interface RouteListFilter {
  /** 'inet', 'inet6' (default: every family the kernel dumps). */
  family?: FamilyRef;
  /** Only this table ('main', 'local', id). A table that does not exist lists as empty. */
  table?: TableRef;
  /** Only routes of this protocol. */
  protocol?: ProtocolName | number;
  /** Only routes of this type. */
  type?: RouteTypeName | number;
  /** Only routes through this output interface. */
  dev?: IfRef;
  /** Dump the route cache / exceptions (RTM_F_CLONED) instead of the FIB. */
  cloned?: boolean;
}

/** Options of routes.get() (`ip route get`). */
export interface RouteGetOptions {
  /** RTA_SRC: source address */
  from?: string;
  /** RTA_IIF: input interface (simulates a forwarded packet) */
  iif?: IfRef;
  /** RTA_OIF: output interface */
  oif?: IfRef;
  /** RTA_MARK */
  mark?: number;
  /** RTA_UID */
  uid?: number;
  /** rtm_tos */
  tos?: number;
  /** RTA_IP_PROTO: 'tcp', 'udp', 'icmp', ... or a number */
  ipProto?: IpProtoName | number;
  /** RTA_SPORT */
  sport?: number;
  /** RTA_DPORT */
  dport?: number;
  /** RTA_FLOWLABEL (IPv6) */
  flowlabel?: number;
  /** RTM_F_FIB_MATCH: return the matching FIB entry rather than the resolved route (`ip route get fibmatch`). */
  fibmatch?: boolean;
}

const SPEC_KEYS = [
  'dst', 'family', 'gateway', 'dev', 'prefsrc', 'from', 'table', 'protocol', 'scope', 'type', 'priority', 'metric', 'tos',
  'metrics', 'multipath', 'onlink', 'pref', 'expires', 'flow', 'nhId', 'encap', 'ttlPropagate',
] as const;

interface BuiltRoute {
  header: { family: number; dstLen: number; srcLen: number; tos: number; rtmTable: number; protocol: number; scope: number; type: number; flags: number };
  attrs: Record<string, unknown>;
  /** Interface references to resolve: [attrs key or multipath index, ref, field]. */
  devs: Array<[target: 'oif' | number, ref: IfRef, field: string]>;
  what: string;
}

const afOf = (f: 4 | 6): number => (f === 4 ? AF_INET : AF_INET6);
const ipFam = (af: number): 4 | 6 | undefined => (af === AF_INET ? 4 : af === AF_INET6 ? 6 : undefined);

function parseAddr(v: unknown, field: string): { address: string; family: 4 | 6 } {
  const r = typeof v === 'string' ? parseIP(v) : undefined;
  if (!r) throw new ArgumentError(field, `expected an IPv4 or IPv6 address, got ${describe(v)}`);
  return { address: parsePrefix(v as string, field).address, family: r.family };
}

function parseRoutePrefix(v: unknown, field: string): Prefix | undefined {
  if (v === undefined || v === 'default') return undefined;
  const p = parsePrefix(v as string, field);
  if (hasHostBits(p)) throw new ArgumentError(field, `"${String(v)}" has host bits set; did you mean "${networkOf(p)}/${p.prefixLen}"?`);
  return p;
}

/** Validate a route spec (no I/O). */
function buildRoute(input: unknown, mode: 'new' | 'del', what: string): BuiltRoute {
  const s = checkObject(input, 'route', 'a route');
  checkKeys(s, SPEC_KEYS, '', `routes.${what}`);
  const dst = parseRoutePrefix(s.dst, 'dst');
  const from = s.from !== undefined ? parsePrefix(s.from as string, 'from') : undefined;
  const gw = s.gateway !== undefined ? parseAddr(s.gateway, 'gateway') : undefined;
  const prefsrc = s.prefsrc !== undefined ? parseAddr(s.prefsrc, 'prefsrc') : undefined;
  // family: explicit, else from dst, gateway, prefsrc, source prefix, first multipath gateway; else IPv4
  let family: number;
  if (s.family !== undefined) family = parseFamily(s.family, 'family', [AF_INET, AF_INET6]);
  else {
    const mpGw = Array.isArray(s.multipath) ? (s.multipath as NexthopSpec[]).find((n) => n && typeof n.gateway === 'string')?.gateway : undefined;
    const hint = dst?.family ?? gw?.family ?? prefsrc?.family ?? from?.family ?? (mpGw ? parseIP(mpGw)?.family : undefined) ?? 4;
    family = afOf(hint);
  }
  const fam = ipFam(family)!;
  if (dst && dst.family !== fam) throw new ArgumentError('dst', `"${String(s.dst)}" is not an IPv${fam} prefix (family is ${fam === 4 ? 'inet' : 'inet6'})`);
  if (from && from.family !== fam) throw new ArgumentError('from', `"${String(s.from)}" is not an IPv${fam} prefix`);
  if (prefsrc && prefsrc.family !== fam) throw new ArgumentError('prefsrc', `"${String(s.prefsrc)}" is not an IPv${fam} address`);

  const attrs: Record<string, unknown> = {};
  const devs: BuiltRoute['devs'] = [];
  const header = { family, dstLen: dst?.prefixLen ?? 0, srcLen: from?.prefixLen ?? 0, tos: 0, rtmTable: 0, protocol: 0, scope: 0, type: 0, flags: 0 };
  if (dst && dst.prefixLen > 0) attrs.dst = dst.address;
  if (from) attrs.from = from.address;

  const nextHop = (g: { address: string; family: 4 | 6 }, field: string, into: Record<string, unknown>): void => {
    if (g.family === fam) into.gateway = g.address;
    else if (fam === 4) into.via = { family: AF_INET6, address: g.address }; // RFC 5549: IPv4 over an IPv6 next hop
    else throw new ArgumentError(field, `an IPv4 gateway cannot serve an IPv6 route`);
  };
  if (gw) nextHop(gw, 'gateway', attrs);
  if (s.dev !== undefined) devs.push(['oif', checkIfRef(s.dev, 'dev'), 'dev']);
  if (prefsrc) attrs.prefsrc = prefsrc.address;

  const tableId = s.table !== undefined ? parseTable(s.table, 'table') : U.RT_TABLE_MAIN;
  header.rtmTable = tableId < 256 ? tableId : U.RT_TABLE_UNSPEC;
  attrs.table = tableId;

  if (s.type !== undefined) header.type = ROUTE_TYPES.parse(s.type, 'type');
  else if (mode === 'new') header.type = U.RTN_UNICAST;
  if (s.protocol !== undefined) header.protocol = PROTOCOLS.parse(s.protocol, 'protocol');
  else if (mode === 'new') header.protocol = U.RTPROT_BOOT;
  if (s.tos !== undefined) header.tos = checkInt(s.tos, 'tos', 0, 255);

  if (s.priority !== undefined && s.metric !== undefined && s.priority !== s.metric) {
    throw new ArgumentError('metric', 'metric and priority are the same attribute (RTA_PRIORITY); give one');
  }
  const prio = s.priority ?? s.metric;
  if (prio !== undefined) attrs.priority = checkInt(prio, s.priority !== undefined ? 'priority' : 'metric', 0, 0xffffffff);

  if (s.metrics !== undefined) {
    const m = checkAttrs(metricsPolicy, s.metrics, 'metrics');
    if (Object.keys(m).length > 0) attrs.metrics = m as RouteMetrics;
  }
  if (s.onlink !== undefined && checkBool(s.onlink, 'onlink')) header.flags |= U.RTNH_F_ONLINK;

  if (s.multipath !== undefined) {
    if (!Array.isArray(s.multipath) || s.multipath.length === 0) throw new ArgumentError('multipath', `expected a non-empty array of next hops, got ${describe(s.multipath)}`);
    if (gw) throw new ArgumentError('gateway', 'give the gateways inside multipath, not both');
    attrs.multipath = s.multipath.map((raw, i) => {
      const f = `multipath[${i}]`;
      const n = checkObject(raw, f, 'a next hop');
      checkKeys(n, ['gateway', 'dev', 'weight', 'onlink', 'flow'], f, 'a next hop');
      const nh: Record<string, unknown> = { flags: 0, hops: 0, ifindex: 0 };
      if (n.gateway !== undefined) nextHop(parseAddr(n.gateway, `${f}.gateway`), `${f}.gateway`, nh);
      if (n.dev !== undefined) devs.push([i, checkIfRef(n.dev, `${f}.dev`), `${f}.dev`]);
      if (n.gateway === undefined && n.dev === undefined) throw new ArgumentError(f, 'a next hop needs a gateway or a dev');
      if (n.weight !== undefined) nh.hops = checkInt(n.weight, `${f}.weight`, 1, 256) - 1;
      if (n.onlink !== undefined && checkBool(n.onlink, `${f}.onlink`)) nh.flags = U.RTNH_F_ONLINK;
      if (n.flow !== undefined) nh.flow = checkInt(n.flow, `${f}.flow`, 0, 0xffffffff);
      return nh;
    });
  }
  if (s.pref !== undefined) {
    if (fam !== 6) throw new ArgumentError('pref', 'the router preference applies to IPv6 routes only');
    attrs.pref = ROUTE_PREFS.parse(s.pref, 'pref');
  }
  if (s.expires !== undefined) {
    if (fam !== 6) throw new ArgumentError('expires', 'expires applies to IPv6 routes only');
    attrs.expires = checkInt(s.expires, 'expires', 0, 0xffffffff);
  }
  if (s.flow !== undefined) attrs.flow = checkInt(s.flow, 'flow', 0, 0xffffffff);
  if (s.nhId !== undefined) attrs.nhId = checkInt(s.nhId, 'nhId', 1, 0xffffffff);
  if (s.encap !== undefined) {
    const e = checkObject(s.encap, 'encap', '{ type, data }');
    checkKeys(e, ['type', 'data'], 'encap', 'encap');
    attrs.encapType = ENCAP_TYPES.parse(e.type, 'encap.type');
    if (!(e.data instanceof Uint8Array)) throw new ArgumentError('encap.data', 'expected the raw LWTUNNEL_* attributes as a Buffer');
    attrs.encap = e.data;
  }
  if (s.ttlPropagate !== undefined) attrs.ttlPropagate = checkBool(s.ttlPropagate, 'ttlPropagate') ? 1 : 0;

  if (s.scope !== undefined) header.scope = SCOPES.parse(s.scope, 'scope');
  else if (mode === 'del') header.scope = U.RT_SCOPE_NOWHERE;
  else if (fam === 6) header.scope = U.RT_SCOPE_UNIVERSE;
  else if (header.type === U.RTN_LOCAL || header.type === U.RTN_NAT) header.scope = U.RT_SCOPE_HOST;
  else if (header.type === U.RTN_BROADCAST || header.type === U.RTN_MULTICAST || header.type === U.RTN_ANYCAST) header.scope = U.RT_SCOPE_LINK;
  else if (header.type === U.RTN_UNICAST || header.type === U.RTN_UNSPEC) {
    const hasNextHop = attrs.gateway !== undefined || attrs.via !== undefined || attrs.multipath !== undefined || attrs.nhId !== undefined;
    header.scope = hasNextHop ? U.RT_SCOPE_UNIVERSE : U.RT_SCOPE_LINK;
  }
  const dstText = dst ? formatPrefix(dst) : 'default';
  return { header, attrs, devs, what: `routes.${what} ${dstText}${s.table !== undefined ? ` table ${String(s.table)}` : ''}` };
}

function isDecodedRoute(v: unknown): v is Route {
  const r = v as Route;
  return typeof r === 'object' && r !== null && typeof r.family === 'number' && typeof r.dstLen === 'number' && typeof r.rtmTable === 'number';
}

export class Routes {
  constructor(
    protected readonly sock: NetlinkSocket,
    protected readonly links: Links,
  ) {}

  /**
   * Stream routes as they arrive: the socket stops reading while the
   * consumer is behind, so a dump of any size holds a bounded number of
   * messages. `ip route show table all` with the filter applied by the kernel.
   */
  async *dump(filter: RouteListFilter = {}): AsyncGenerator<Route> {
    const { body, table } = await this.dumpBody(filter);
    try {
      for await (const m of this.sock.dump(U.RTM_GETROUTE, body, { what: 'routes.list' })) {
        if (m.type === U.RTM_NEWROUTE) yield decodeRoute(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
      }
    } catch (e) {
      // a table that does not exist (yet) has no routes
      if (table !== undefined && e instanceof NetlinkError && e.code === 'ENOENT') return;
      throw e;
    }
  }

  /** All routes matching the filter (retried if the kernel reports the dump interrupted). */
  async list(filter: RouteListFilter = {}): Promise<Route[]> {
    const { body, table } = await this.dumpBody(filter);
    try {
      return await this.sock.collect(U.RTM_GETROUTE, body, (m) => (m.type === U.RTM_NEWROUTE ? decodeRoute(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len) : undefined), { what: 'routes.list' });
    } catch (e) {
      if (table !== undefined && e instanceof NetlinkError && e.code === 'ENOENT') return [];
      throw e;
    }
  }

  private async dumpBody(filter: RouteListFilter): Promise<{ body: (w: Writer) => void; table: number | undefined }> {
    const f = checkObject(filter, 'filter', 'a filter');
    checkKeys(f, ['family', 'table', 'protocol', 'type', 'dev', 'cloned'], 'filter', 'routes.list');
    const family = f.family === undefined ? AF_UNSPEC : parseFamily(f.family, 'filter.family');
    const table = f.table === undefined ? undefined : parseTable(f.table, 'filter.table');
    const protocol = f.protocol === undefined ? 0 : PROTOCOLS.parse(f.protocol, 'filter.protocol');
    const type = f.type === undefined ? 0 : ROUTE_TYPES.parse(f.type, 'filter.type');
    const cloned = f.cloned === undefined ? false : checkBool(f.cloned, 'filter.cloned');
    const dev = f.dev === undefined ? undefined : checkIfRef(f.dev, 'filter.dev');
    const oif = dev === undefined ? undefined : await this.links.index(dev, 'filter.dev');
    const body = (w: Writer): void => {
      writeRtMsg(w, { family, rtmTable: table !== undefined && table < 256 ? table : 0, protocol, type, flags: cloned ? U.RTM_F_CLONED : 0 });
      if (table !== undefined && table >= 256) w.attrU32(U.RTA_TABLE, table);
      if (oif !== undefined) w.attrU32(U.RTA_OIF, oif);
    };
    return { body, table: table || undefined };
  }

  /** Add a route (`ip route add`): NetlinkError EEXIST if it exists. */
  async add(route: RouteSpec): Promise<void> {
    await this.send(buildRoute(route, 'new', 'add'), NLM_F_CREATE | NLM_F_EXCL);
  }

  /** Add or replace a route (`ip route replace`). */
  async replace(route: RouteSpec): Promise<void> {
    await this.send(buildRoute(route, 'new', 'replace'), NLM_F_CREATE | NLM_F_REPLACE);
  }

  /** Change an existing route (`ip route change`): ESRCH/ENOENT if absent. */
  async change(route: RouteSpec): Promise<void> {
    await this.send(buildRoute(route, 'new', 'change'), NLM_F_REPLACE);
  }

  /** Append a route after existing ones of the same prefix (`ip route append`; IPv6: adds a next hop). */
  async append(route: RouteSpec): Promise<void> {
    await this.send(buildRoute(route, 'new', 'append'), NLM_F_CREATE | NLM_F_APPEND);
  }

  /** Prepend a route before existing ones of the same prefix (`ip route prepend`). */
  async prepend(route: RouteSpec): Promise<void> {
    await this.send(buildRoute(route, 'new', 'prepend'), NLM_F_CREATE);
  }

  /**
   * Delete a route (`ip route del`): give the fields that identify it
   * (at least dst; table defaults to main; unspecified protocol, type and
   * scope match any), or pass a {@link Route} from list().
   */
  async del(route: RouteSpec | Route): Promise<void> {
    if (isDecodedRoute(route)) {
      const r = route;
      const attrs: Record<string, unknown> = {
        dst: r.dstLen > 0 ? r.dst : undefined,
        from: r.from,
        table: r.table,
        priority: r.priority,
        oif: r.oif,
        gateway: r.gateway,
        via: r.via,
        multipath: r.multipath,
        nhId: r.nhId,
      };
      await this.sock.request(
        U.RTM_DELROUTE,
        (w) => {
          writeRtMsg(w, { family: r.family, dstLen: r.dstLen, srcLen: r.srcLen, tos: r.tos, rtmTable: r.rtmTable, protocol: r.protocol, scope: r.scope, type: r.type, flags: 0 });
          encodeAttrs(w, routePolicy, attrs);
        },
        { what: `routes.del ${r.dst} table ${r.table}` },
      );
      return;
    }
    await this.send(buildRoute(route, 'del', 'del'), 0, U.RTM_DELROUTE);
  }

  /**
   * Delete every route matching the filter (`ip route flush ...`); returns
   * how many were deleted. Routes that vanish meanwhile are not errors.
   */
  async flush(filter: RouteListFilter = {}): Promise<number> {
    const list = await this.list(filter);
    let n = 0;
    for (const r of list) {
      try {
        await this.del(r);
        n++;
      } catch (e) {
        if (e instanceof NetlinkError && (e.code === 'ESRCH' || e.code === 'ENOENT')) continue;
        throw e;
      }
    }
    return n;
  }

  private async send(b: BuiltRoute, flags: number, type: number = U.RTM_NEWROUTE): Promise<void> {
    for (const [target, ref, field] of b.devs) {
      const index = await this.links.index(ref, field);
      if (target === 'oif') b.attrs.oif = index;
      else (b.attrs.multipath as Nexthop[])[target]!.ifindex = index;
    }
    await this.sock.request(
      type,
      (w) => {
        writeRtMsg(w, b.header);
        encodeAttrs(w, routePolicy, b.attrs);
      },
      { what: b.what, flags },
    );
  }

  /**
   * Ask the kernel which route a packet would take (`ip route get`): the
   * answer is the resolved route (dst is the full address, oif, gateway,
   * prefsrc, table with RTM_F_LOOKUP_TABLE for IPv4), or with `fibmatch`
   * the FIB entry that matched. NetlinkError ENETUNREACH etc. when none.
   */
  async get(dst: string, opts: RouteGetOptions = {}): Promise<Route> {
    const o = checkObject(opts, 'options', 'route get options');
    checkKeys(o, ['from', 'iif', 'oif', 'mark', 'uid', 'tos', 'ipProto', 'sport', 'dport', 'flowlabel', 'fibmatch'], 'options', 'routes.get');
    const d = parsePrefix(dst, 'dst');
    const full = d.family === 4 ? 32 : 128;
    if (d.prefixLen !== full) throw new ArgumentError('dst', `route get takes an address (or /${full}), got "${dst}"`);
    const family = afOf(d.family);
    const attrs: Record<string, unknown> = { dst: d.address };
    let srcLen = 0;
    if (o.from !== undefined) {
      const f = parseAddr(o.from, 'from');
      if (f.family !== d.family) throw new ArgumentError('from', `"${String(o.from)}" is not an IPv${d.family} address`);
      attrs.from = f.address;
      srcLen = full;
    }
    const iif = o.iif !== undefined ? checkIfRef(o.iif, 'iif') : undefined;
    const oif = o.oif !== undefined ? checkIfRef(o.oif, 'oif') : undefined;
    if (o.mark !== undefined) attrs.mark = checkInt(o.mark, 'mark', 0, 0xffffffff);
    if (o.uid !== undefined) attrs.uid = checkInt(o.uid, 'uid', 0, 0xffffffff);
    const tos = o.tos !== undefined ? checkInt(o.tos, 'tos', 0, 255) : 0;
    if (o.ipProto !== undefined) attrs.ipProto = IP_PROTOS.parse(o.ipProto, 'ipProto');
    if (o.sport !== undefined) attrs.sport = checkInt(o.sport, 'sport', 0, 0xffff);
    if (o.dport !== undefined) attrs.dport = checkInt(o.dport, 'dport', 0, 0xffff);
    if (o.flowlabel !== undefined) {
      if (d.family !== 6) throw new ArgumentError('flowlabel', 'the flow label applies to IPv6 only');
      attrs.flowlabel = checkInt(o.flowlabel, 'flowlabel', 0, 0xfffff);
    }
    let flags = family === AF_INET ? U.RTM_F_LOOKUP_TABLE : 0;
    if (o.fibmatch !== undefined && checkBool(o.fibmatch, 'fibmatch')) flags |= U.RTM_F_FIB_MATCH;
    if (iif !== undefined) attrs.iif = await this.links.index(iif, 'iif');
    if (oif !== undefined) attrs.oif = await this.links.index(oif, 'oif');
    const replies = await this.sock.request(
      U.RTM_GETROUTE,
      (w) => {
        writeRtMsg(w, { family, dstLen: full, srcLen, tos, flags });
        encodeAttrs(w, routePolicy, attrs);
      },
      { what: `routes.get ${dst}` },
    );
    const m = replies.find((x) => x.type === U.RTM_NEWROUTE);
    if (!m) throw new NetlinkError(-constants.errno.EPROTO, { message: `routes.get ${dst}: the kernel answered without a route` });
    return decodeRoute(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
  }
}

export type { Route };
