/**
 * Addresses, routes, neighbours and rules as iproute2 6.1 prints them
 * (print_addrinfo, print_route, print_neigh, print_rule): used for `-j`
 * (iproute2's JSON keys and value forms) and `-br addr`. Printed from the
 * decoded objects.
 * @module
 */
import { AF_BRIDGE, AF_INET, AF_INET6 } from '../netlink/constants.js';
import { INFINITY_LIFE_TIME, type Address } from '../rtnl/addr.js';
import { neighStateValue, type Neighbour } from '../rtnl/neigh.js';
import type { Route, Nexthop } from '../rtnl/route.js';
import { DERIVED, IP_PROTOS, PROTOCOLS, ROUTE_TYPES, SCOPES } from '../rtnl/rtcommon.js';
import { RULE_ACTIONS, type Rule } from '../rtnl/rule.js';
import { UAPI as U } from '../rtnl/uapi.js';
import { ifName, llAddr, type IpContext } from './iplink.js';
import { ipDsfieldName, ipGroupName, ipInetProtoName, ipProtoName, ipRealmName, ipRouteTypeName, ipScopeName, ipTableName } from './ipnames.js';
import type { IpPrinter } from './ipprint.js';

/** USER_HZ: the kernel reports cache times in clock ticks (ip divides by sysconf(_SC_CLK_TCK)). */
const HZ = 100;

const num = <T extends string>(v: T | number, table: { parse(v: unknown, f: string): number }): number => (typeof v === 'number' ? v : table.parse(v, 'value'));

/** family_name() */
function familyName(af: number): string {
  switch (af) {
    case AF_INET: return 'inet';
    case AF_INET6: return 'inet6';
    case 17: return 'link';
    case 28: return 'mpls';
    case AF_BRIDGE: return 'bridge';
    default: return '?';
  }
}

const hostLen = (af: number): number => (af === AF_INET6 ? 128 : af === AF_INET ? 32 : af === 28 ? 20 : -1);

function derived(o: object, key: string): boolean {
  return ((o as Record<symbol, unknown>)[DERIVED] as string[] | undefined)?.includes(key) ?? false;
}

// -------------------------------------------------------------- addresses

const IFA_FLAG_DATA: Array<[string, number]> = [
  ['secondary', U.IFA_F_SECONDARY], ['temporary', U.IFA_F_SECONDARY], ['nodad', U.IFA_F_NODAD], ['optimistic', U.IFA_F_OPTIMISTIC],
  ['dadfailed', U.IFA_F_DADFAILED], ['home', U.IFA_F_HOMEADDRESS], ['deprecated', U.IFA_F_DEPRECATED], ['tentative', U.IFA_F_TENTATIVE],
  ['permanent', U.IFA_F_PERMANENT], ['mngtmpaddr', U.IFA_F_MANAGETEMPADDR], ['noprefixroute', U.IFA_F_NOPREFIXROUTE],
  ['autojoin', U.IFA_F_MCAUTOJOIN], ['stable-privacy', U.IFA_F_STABLE_PRIVACY],
];

function printIfaFlags(p: IpPrinter, a: Address): void {
  let flags = a.flags >>> 0;
  for (const [name, mask] of IFA_FLAG_DATA) {
    if (mask === U.IFA_F_PERMANENT) {
      if (!(flags & mask)) p.bool('any', 'dynamic', 'dynamic ', true);
    } else if (flags & mask) {
      if (mask === U.IFA_F_SECONDARY && a.family === AF_INET6) p.bool('any', 'temporary', 'temporary ', true);
      else {
        p.fpf('%s ', name);
        p.bool('json', name, null, true);
      }
    }
    flags = (flags & ~mask) >>> 0;
  }
  if (flags) {
    const h = flags.toString(16).padStart(2, '0');
    if (p.json) p.string('json', 'ifa_flags', null, h);
    else p.fpf('flags %s ', h);
  }
}

/** print_addrinfo (one address; `oneline` adds the index and device like `ip -o`). */
export function printAddr(p: IpPrinter, a: Address, ctx: IpContext): void {
  const local = a.local ?? a.address;
  const address = a.address ?? a.local;
  if (!ctx.brief) {
    const name = familyName(a.family);
    if (name !== '?') p.string('any', 'family', '    %s ', name);
    else p.int('any', 'family_index', '    family %d ', a.family);
  }
  if (local !== undefined) {
    p.string('any', 'local', '%s', local);
    if (address !== undefined && address !== local) {
      p.fpf(' %s ', 'peer');
      p.string('any', 'address', '%s', address);
    }
    p.int('any', 'prefixlen', '/%d ', a.prefixLen);
    if (a.metric !== undefined) p.uint('any', 'metric', 'metric %u ', a.metric);
  }
  if (ctx.brief) return;
  if (a.broadcast !== undefined) {
    p.fpf('%s ', 'brd');
    p.string('any', 'broadcast', '%s ', a.broadcast);
  }
  if (a.anycast !== undefined) {
    p.fpf('%s ', 'any');
    p.string('any', 'anycast', '%s ', a.anycast);
  }
  p.string('any', 'scope', 'scope %s ', ipScopeName(num(a.scope, SCOPES)));
  printIfaFlags(p, a);
  if (a.label !== undefined) p.string('any', 'label', '%s', a.label);
  const ci = a.cacheInfo;
  // a short IFA_CACHEINFO (hostile or truncated bytes) decodes to a partial
  // struct: leave the lifetimes out rather than print undefined (-dd shows the bytes)
  if (ci && ci.valid !== undefined && ci.preferred !== undefined) {
    p.nl();
    p.fp('       valid_lft ');
    if (ci.valid === INFINITY_LIFE_TIME) {
      p.uint('json', 'valid_life_time', null, INFINITY_LIFE_TIME);
      p.fp('forever');
    } else p.uint('any', 'valid_life_time', '%usec', ci.valid);
    p.fp(' preferred_lft ');
    if (ci.preferred === INFINITY_LIFE_TIME) {
      p.uint('json', 'preferred_life_time', null, INFINITY_LIFE_TIME);
      p.fp('forever');
    } else if (a.flags & U.IFA_F_DEPRECATED) p.int('any', 'preferred_life_time', '%dsec', ci.preferred | 0);
    else p.uint('any', 'preferred_life_time', '%usec', ci.preferred);
  }
  p.fp('\n');
}

// ------------------------------------------------------------------ routes

const RT_FLAGS: Array<[number, string]> = [
  [U.RTNH_F_DEAD, 'dead'], [U.RTNH_F_ONLINK, 'onlink'], [U.RTNH_F_PERVASIVE, 'pervasive'], [U.RTNH_F_OFFLOAD, 'offload'],
  [U.RTNH_F_TRAP, 'trap'], [U.RTM_F_NOTIFY, 'notify'], [U.RTNH_F_LINKDOWN, 'linkdown'], [U.RTNH_F_UNRESOLVED, 'unresolved'],
  [U.RTM_F_OFFLOAD, 'rt_offload'], [U.RTM_F_TRAP, 'rt_trap'], [U.RTM_F_OFFLOAD_FAILED, 'rt_offload_failed'],
];

function printRtFlags(p: IpPrinter, flags: number): void {
  p.openArray('json', p.json ? 'flags' : '');
  for (const [bit, name] of RT_FLAGS) if (flags & bit) p.string('any', null, '%s ', name);
  p.closeArray('json', null);
}

function printFlow(p: IpPrinter, flow: number): void {
  const from = flow >>> 16;
  const to = flow & 0xffff;
  if (p.json) {
    p.openObject('flow');
    if (from) p.string('json', 'from', null, ipRealmName(from));
    p.string('json', 'to', null, ipRealmName(to));
    p.closeObject();
  } else {
    p.fpf('realm%s ', from ? 's' : '');
    if (from) p.fpf('%s/', ipRealmName(from));
    p.fpf('%s ', ipRealmName(to));
  }
}

function printVia(p: IpPrinter, via: { family: number; address: string }): void {
  const fam = familyName(via.family) === '?' ? String(via.family) : familyName(via.family);
  if (p.json) {
    p.openObject('via');
    p.string('json', 'family', null, fam);
    p.string('json', 'host', null, via.address);
    p.closeObject();
  } else p.fpf('via %s %s ', fam, via.address);
}

/** A prefix "a/len" as ip prints it: the bare address when len is the host length. */
function prefixText(pfx: string, af: number): string {
  const slash = pfx.lastIndexOf('/');
  if (slash < 0) return pfx;
  return Number(pfx.slice(slash + 1)) === hostLen(af) ? pfx.slice(0, slash) : pfx;
}

const MX_NAMES: Array<[string, string]> = [
  ['mtu', 'mtu'], ['window', 'window'], ['rtt', 'rtt'], ['rttvar', 'rttvar'], ['ssthresh', 'ssthresh'], ['cwnd', 'cwnd'], ['advmss', 'advmss'],
  ['reordering', 'reordering'], ['hoplimit', 'hoplimit'], ['initcwnd', 'initcwnd'], ['features', 'features'], ['rtoMin', 'rto_min'],
  ['initrwnd', 'initrwnd'], ['quickack', 'quickack'], ['ccAlgo', 'congctl'], ['fastopenNoCookie', 'fastopen_no_cookie'],
];

function printMetrics(p: IpPrinter, m: Record<string, unknown>): void {
  p.openArray('json', 'metrics');
  p.openObject();
  const lock = (m.lock as number | undefined) ?? 0;
  MX_NAMES.forEach(([k, name], idx) => {
    const i = idx + 2; // RTAX_MTU is 2
    const v = m[k];
    const locked = (lock & (1 << i)) !== 0;
    if (v === undefined && !locked) return;
    let val = typeof v === 'number' ? v >>> 0 : 0;
    if (k === 'hoplimit' && val === 0xffffffff) return;
    if (!p.json) {
      p.fpf('%s ', name);
      if (locked) p.fp('lock ');
    }
    if (k === 'features') {
      let f = val;
      if (f & 1) {
        p.null('any', 'ecn', 'ecn ', null);
        f &= ~1;
      }
      if (f) p.hex0x('any', 'features', '%#x ', val);
    } else if (k === 'rtt' || k === 'rttvar' || k === 'rtoMin') {
      if (k === 'rtt') val = Math.floor(val / 8);
      else if (k === 'rttvar') val = Math.floor(val / 4);
      if (p.json) p.uint('json', name, null, val);
      else if (val >= 1000) p.fpf('%gs ', val / 1e3);
      else p.fpf('%ums ', val);
    } else if (k === 'ccAlgo') p.string('any', 'congestion', '%s ', String(v ?? ''));
    else p.uint('any', name, '%u ', val);
  });
  p.closeObject();
  p.closeArray('json', null);
}

function printCacheinfo(p: IpPrinter, ci: { expires: number; error: number; clntref: number; used: number; lastuse: number; id: number; ts: number; tsage: number }, stats: number): void {
  if (ci.expires) p.int('any', 'expires', 'expires %dsec ', Math.trunc((ci.expires | 0) / HZ));
  if (ci.error) p.uint('any', 'error', 'error %u ', ci.error);
  if (stats) {
    if (ci.clntref) p.uint('any', 'users', 'users %u ', ci.clntref);
    if (ci.used) p.uint('any', 'used', 'used %u ', ci.used);
    if (ci.lastuse) p.uint('any', 'age', 'age %usec ', Math.floor(ci.lastuse / HZ));
  }
  if (ci.id) p.hex0x('any', 'ipid', 'ipid 0x%04x ', ci.id);
  if (ci.ts || ci.tsage) {
    p.hex0x('any', 'ts', 'ts 0x%x', ci.ts);
    p.uint('any', 'tsage', 'tsage %usec ', ci.tsage);
  }
}

function printNexthops(p: IpPrinter, r: Route, hops: Nexthop[], ctx: IpContext): void {
  p.openArray('json', 'nexthops');
  for (const nh of hops) {
    p.openObject();
    p.fp('\n\tnexthop ');
    if (nh.gateway !== undefined) {
      if (p.json) p.string('json', 'gateway', null, nh.gateway);
      else p.fpf('via %s ', nh.gateway);
    }
    if (nh.via) printVia(p, nh.via);
    if (nh.flow !== undefined) printFlow(p, nh.flow);
    p.string('any', 'dev', 'dev %s ', ifName(ctx, nh.ifindex));
    if (r.family !== 28) p.int('any', 'weight', 'weight %d ', nh.hops + 1);
    printRtFlags(p, nh.flags);
    p.closeObject();
  }
  p.closeArray('json', null);
}

/** print_route for `ip route show table all` (every table, so table names print except main). */
export function printRoute(p: IpPrinter, r: Route, ctx: IpContext): void {
  p.openObject();
  const type = num(r.type, ROUTE_TYPES);
  if (type !== U.RTN_UNICAST || ctx.details) p.string('any', 'type', '%s ', ipRouteTypeName(type));
  const hl = hostLen(r.family);
  let dst: string;
  if (!derived(r, 'dst')) dst = r.dstLen !== hl ? r.dst : r.dst.slice(0, r.dst.lastIndexOf('/'));
  else if (r.dstLen) dst = `0/${r.dstLen} `;
  else dst = 'default';
  p.string('any', 'dst', '%s ', dst);
  if (r.from !== undefined) p.string('any', 'from', 'from %s ', r.srcLen !== hl ? r.from : r.from.slice(0, r.from.lastIndexOf('/')));
  else if (r.srcLen) p.string('any', 'src', 'from %s ', `0/${r.srcLen}`);
  if (r.nhId !== undefined) p.uint('any', 'nhid', 'nhid %u ', r.nhId);
  if (r.tos) p.string('any', 'tos', 'tos %s ', ipDsfieldName(r.tos));
  if (r.gateway !== undefined) {
    if (p.json) p.string('json', 'gateway', null, r.gateway);
    else p.fpf('via %s ', r.gateway);
  }
  if (r.via) printVia(p, r.via);
  if (r.oif !== undefined) {
    if (p.json) p.string('json', 'dev', null, ifName(ctx, r.oif));
    else p.fpf('dev %s ', ifName(ctx, r.oif));
  }
  if (r.table && (r.table !== U.RT_TABLE_MAIN || ctx.details)) p.string('any', 'table', 'table %s ', ipTableName(r.table));
  if (!(r.flags & U.RTM_F_CLONED)) {
    const proto = num(r.protocol, PROTOCOLS);
    if (proto !== U.RTPROT_BOOT || ctx.details) p.string('any', 'protocol', 'proto %s ', ipProtoName(proto));
    const scope = num(r.scope, SCOPES);
    if (scope !== U.RT_SCOPE_UNIVERSE || ctx.details) p.string('any', 'scope', 'scope %s ', ipScopeName(scope));
  }
  if (r.prefsrc !== undefined) {
    if (p.json) p.string('json', 'prefsrc', null, r.prefsrc);
    else p.fpf('src %s ', r.prefsrc);
  }
  if (r.priority !== undefined) p.uint('any', 'metric', 'metric %u ', r.priority);
  printRtFlags(p, r.flags);
  if (r.mark) {
    if (p.json) p.uint('json', 'mark', null, r.mark);
    else if (r.mark >= 16) p.fpf('mark 0x%x ', r.mark);
    else p.fpf('mark %u ', r.mark);
  }
  if (r.flow !== undefined) printFlow(p, r.flow);
  if (r.uid !== undefined) p.uint('any', 'uid', 'uid %u ', r.uid);
  if ((r.family === AF_INET || r.family === AF_INET6) && r.cacheInfo) printCacheinfo(p, r.cacheInfo, ctx.stats);
  if (r.metrics) printMetrics(p, r.metrics as unknown as Record<string, unknown>);
  if (r.iif !== undefined) {
    if (p.json) p.string('json', 'iif', null, ifName(ctx, r.iif));
    else p.fpf('iif %s ', ifName(ctx, r.iif));
  }
  if (r.pref !== undefined) {
    const pref = r.pref === 'low' || r.pref === 'medium' || r.pref === 'high' ? r.pref : undefined;
    if (pref) p.string('any', 'pref', 'pref %s', pref);
    else p.uint('any', 'pref', '%u', typeof r.pref === 'number' ? r.pref : 2);
  }
  if (r.ttlPropagate !== undefined) {
    if (p.json) p.bool('json', 'ttl-propogate', null, r.ttlPropagate !== 0);
    else p.fpf('ttl-propogate %s', r.ttlPropagate ? 'enabled' : 'disabled');
  }
  if (r.multipath) printNexthops(p, r, r.multipath, ctx);
  p.fp('\n');
  p.closeObject();
}

// -------------------------------------------------------------- neighbours

const NUD_ORDER: Array<[number, string]> = [
  [U.NUD_INCOMPLETE, 'INCOMPLETE'], [U.NUD_REACHABLE, 'REACHABLE'], [U.NUD_STALE, 'STALE'], [U.NUD_DELAY, 'DELAY'],
  [U.NUD_PROBE, 'PROBE'], [U.NUD_FAILED, 'FAILED'], [U.NUD_NOARP, 'NOARP'], [U.NUD_PERMANENT, 'PERMANENT'],
];

/** print_neigh (`ip neigh show nud all`; `-s` adds the cache times and probes). */
export function printNeigh(p: IpPrinter, n: Neighbour, ctx: IpContext): void {
  p.openObject();
  if (n.dst !== undefined) p.string('any', 'dst', '%s ', n.dst);
  if (n.index) {
    p.fp('dev ');
    p.string('any', 'dev', '%s ', ifName(ctx, n.index));
  }
  if (n.lladdr !== undefined) {
    p.fp('lladdr ');
    p.string('any', 'lladdr', '%s ', llAddr(n.lladdr, ctx.types?.get(n.index)));
  }
  if (n.flags & U.NTF_ROUTER) p.null('any', 'router', '%s ', 'router');
  if (n.flags & U.NTF_PROXY) p.null('any', 'proxy', '%s ', 'proxy');
  if ((n.flagsExt ?? 0) & U.NTF_EXT_MANAGED) p.null('any', 'managed', '%s ', 'managed');
  if (n.flags & U.NTF_EXT_LEARNED) p.null('any', 'extern_learn', '%s ', 'extern_learn');
  if (n.flags & U.NTF_OFFLOADED) p.null('any', 'offload', '%s ', 'offload');
  if (ctx.stats) {
    const ci = n.cacheInfo;
    if (ci && ci.used !== undefined && ci.confirmed !== undefined && ci.updated !== undefined) {
      if (ci.refcnt) p.uint('any', 'refcnt', ' ref %u', ci.refcnt);
      p.uint('any', 'used', ' used %u', Math.floor(ci.used / HZ));
      p.uint('any', 'confirmed', '/%u', Math.floor(ci.confirmed / HZ));
      p.uint('any', 'updated', '/%u', Math.floor(ci.updated / HZ));
    }
    if (n.probes !== undefined) p.uint('any', 'probes', 'probes %u ', n.probes);
  }
  const state = neighStateValue(n.state);
  if (state) {
    p.openArray('json', p.json ? 'state' : '');
    for (const [bit, name] of NUD_ORDER) if (state & bit) p.string('any', null, '%s ', name);
    p.closeArray('json', null);
  }
  if (n.protocol !== undefined) {
    const proto = num(n.protocol, PROTOCOLS);
    if (proto) p.string('any', 'protocol', 'proto %s ', ipProtoName(proto));
  }
  p.fp('\n');
  p.closeObject();
}

// ------------------------------------------------------------------- rules

function splitPrefix(pfx: string): string {
  const i = pfx.lastIndexOf('/');
  return i < 0 ? pfx : pfx.slice(0, i);
}

/** print_rule */
export function printRule(p: IpPrinter, r: Rule, ctx: IpContext): void {
  p.openObject();
  const hl = hostLen(r.family);
  p.uint('any', 'priority', '%u:\t', r.priority);
  if (r.flags & U.FIB_RULE_INVERT) p.null('any', 'not', 'not ', null);
  if (r.from !== undefined) {
    p.fp('from ');
    p.string('any', 'src', '%s', splitPrefix(r.from));
    if (r.srcLen !== hl) p.uint('any', 'srclen', '/%u', r.srcLen);
  } else if (r.srcLen) {
    p.string('any', 'src', 'from %s', '0');
    p.uint('any', 'srclen', '/%u', r.srcLen);
  } else p.string('any', 'src', 'from %s', 'all');
  if (r.to !== undefined) {
    p.fp(' to ');
    p.string('any', 'dst', '%s', splitPrefix(r.to));
    if (r.dstLen !== hl) p.uint('any', 'dstlen', '/%u', r.dstLen);
  } else if (r.dstLen) {
    p.string('any', 'dst', ' to %s', '0');
    p.uint('any', 'dstlen', '/%u', r.dstLen);
  }
  if (r.tos) p.string('any', 'tos', ' tos %s', ipDsfieldName(r.tos));
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    const mark = r.fwmark ?? 0;
    p.hex0x('any', 'fwmark', ' fwmark %#x', mark);
    if (r.fwmask !== undefined && r.fwmask >>> 0 !== 0xffffffff) p.hex0x('any', 'fwmask', '/%#x', r.fwmask >>> 0);
  }
  if (r.iif !== undefined) {
    p.fp(' iif ');
    p.string('any', 'iif', '%s', r.iif);
    if (r.flags & U.FIB_RULE_IIF_DETACHED) p.null('any', 'iif_detached', ' [detached]', null);
  }
  if (r.oif !== undefined) {
    p.fp(' oif ');
    p.string('any', 'oif', '%s', r.oif);
    if (r.flags & U.FIB_RULE_OIF_DETACHED) p.null('any', 'oif_detached', ' [detached]', null);
  }
  if (r.l3mdev) p.null('any', 'l3mdev', ' lookup [l3mdev-table]', null);
  if (r.uidRange) {
    p.uint('any', 'uid_start', ' uidrange %u', r.uidRange.start);
    p.uint('any', 'uid_end', '-%u', r.uidRange.end);
  }
  if (r.ipProto !== undefined) p.string('any', 'ipproto', ' ipproto %s', ipInetProtoName(num(r.ipProto, IP_PROTOS)));
  for (const [range, key] of [[r.sportRange, 'sport'], [r.dportRange, 'dport']] as const) {
    if (!range) continue;
    if (range.start === range.end) p.uint('any', key, ` ${key} %u`, range.start);
    else {
      p.uint('any', `${key}_start`, ` ${key} %u`, range.start);
      p.uint('any', `${key}_end`, '-%u', range.end);
    }
  }
  if (r.tunId !== undefined) p.uint('any', 'tun_id', ' tun_id %u', r.tunId);
  if (r.table) {
    p.string('any', 'table', ' lookup %s', ipTableName(r.table));
    if (r.suppressPrefixlen !== undefined && r.suppressPrefixlen !== -1) p.int('any', 'suppress_prefixlen', ' suppress_prefixlength %d', r.suppressPrefixlen);
    if (r.suppressIfgroup !== undefined && r.suppressIfgroup !== -1) p.string('any', 'suppress_ifgroup', ' suppress_ifgroup %s', ipGroupName(r.suppressIfgroup >>> 0));
  }
  if (r.flow !== undefined) {
    const from = r.flow >>> 16;
    if (from) p.string('any', 'flow_from', ' realms %s/', ipRealmName(from));
    else p.fp(' realms ');
    p.string('any', 'flow_to', '%s', ipRealmName(r.flow & 0xffff));
  }
  const action = num(r.action, RULE_ACTIONS);
  if (action === U.RTN_NAT) p.null('any', 'masquerade', ' masquerade', null);
  else if (action === U.FR_ACT_GOTO) {
    if (r.goto !== undefined) p.uint('any', 'goto', ' goto %u', r.goto);
    else p.string('any', 'goto', ' goto %s', 'none');
    if (r.flags & U.FIB_RULE_UNRESOLVED) p.null('any', 'unresolved', ' [unresolved]', null);
  } else if (action === U.FR_ACT_NOP) p.null('any', 'nop', ' nop', null);
  else if (action !== U.FR_ACT_TO_TBL) p.string('any', 'action', ' %s', ipRouteTypeName(action));
  if (r.protocol !== undefined) {
    const proto = num(r.protocol, PROTOCOLS);
    if ((proto && proto !== U.RTPROT_KERNEL) || ctx.details) p.string('any', 'protocol', ' proto %s', ipProtoName(proto));
  }
  p.fp('\n');
  p.closeObject();
}

/** Route dst without the host length, for text printers that want ip's form. */
export { prefixText };
