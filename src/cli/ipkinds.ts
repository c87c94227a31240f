/**
 * Per-kind options as iproute2 6.1 prints them (its print_opt functions):
 * the kind line of `ip -d link` and "info_data" / "info_slave_data" of
 * `ip -j -d link`, from the kind's decoded IFLA_INFO_DATA (API names).
 *
 * The table is keyed by IFLA_INFO_KIND (ports by `<kind>_slave`); a kind
 * without an entry prints its name alone, as ip does for kinds without a
 * print_opt (veth, dummy, ifb, nlmon, vcan, vxcan, team, wireguard). To
 * cover a new kind, add an entry here: `(p, data, ctx) => { ... }` with the
 * keys and formats of ip's print_opt.
 * @module
 */
import type { IpContext } from './iplink.js';
import { ifName } from './iplink.js';
import { ipEthProtoName, unixGroupName, userName } from './ipnames.js';
import { sprintf, type IpPrinter } from './ipprint.js';

export type KindPrinter = (p: IpPrinter, d: Record<string, unknown>, ctx: IpContext) => void;

/** A number from a decoded value (booleans of bool8 attributes as 0/1). */
function n(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  return typeof v === 'number' ? v : 0;
}
const has = (d: Record<string, unknown>, k: string): boolean => d[k] !== undefined;
const truthy = (v: unknown): boolean => v !== undefined && v !== false && v !== 0;

/** A name from an enum value, or ip's fallback for numbers it has no name for. */
function enumName(v: unknown, names: Record<string, string> | undefined, unknown: (x: number) => string): string {
  if (typeof v === 'string') return names?.[v] ?? v;
  return unknown(n(v));
}

/** br_dump_bridge_id: "8000.2:42:ac:11:0:2" (ether_ntoa does not pad the bytes). */
function bridgeId(v: unknown): string {
  const s = String(v);
  const dot = s.indexOf('.');
  const addr = s.slice(dot + 1);
  const bytes: string[] = [];
  for (let i = 0; i + 2 <= addr.length; i += 2) bytes.push(parseInt(addr.slice(i, i + 2), 16).toString(16));
  return `${s.slice(0, dot)}.${bytes.join(':')}`;
}

/** Bridge timers (centiseconds): text "%4i.%.2i", JSON the same number unpadded. */
function timer(p: IpPrinter, key: string, v: unknown): void {
  const cs = typeof v === 'bigint' ? v : BigInt(n(v));
  const sec = cs / 100n;
  const frac = (cs % 100n).toString().padStart(2, '0');
  if (p.json) p.raw(key, `${sec}.${frac}`);
  else p.fpf('%s %4s.%s ', key, sec.toString(), frac);
}

/** print_on_off: JSON true/false, text on/off. */
function onOff(p: IpPrinter, key: string, fmt: string, v: unknown): void {
  p.onOff('any', key, fmt, truthy(v));
}

// ---------------------------------------------------------------- bridge

const bridge: KindPrinter = (p, d) => {
  const u = (k: string, key: string, fmt: string): void => {
    if (has(d, k)) p.uint('any', key, fmt, typeof d[k] === 'bigint' ? (d[k] as bigint) : n(d[k]));
  };
  u('forwardDelay', 'forward_delay', 'forward_delay %u ');
  u('helloTime', 'hello_time', 'hello_time %u ');
  u('maxAge', 'max_age', 'max_age %u ');
  u('ageingTime', 'ageing_time', 'ageing_time %u ');
  u('stpState', 'stp_state', 'stp_state %u ');
  u('priority', 'priority', 'priority %u ');
  u('vlanFiltering', 'vlan_filtering', 'vlan_filtering %u ');
  if (has(d, 'vlanProtocol')) p.string('any', 'vlan_protocol', 'vlan_protocol %s ', typeof d.vlanProtocol === 'string' ? d.vlanProtocol : ipEthProtoName(n(d.vlanProtocol)));
  if (has(d, 'bridgeId')) p.string('any', 'bridge_id', 'bridge_id %s ', bridgeId(d.bridgeId));
  // iproute2 6.1 prints IFLA_BR_BRIDGE_ID here by mistake (fixed in 6.2); we print IFLA_BR_ROOT_ID
  if (has(d, 'rootId')) p.string('any', 'root_id', 'designated_root %s ', bridgeId(d.rootId));
  u('rootPort', 'root_port', 'root_port %u ');
  u('rootPathCost', 'root_path_cost', 'root_path_cost %u ');
  u('topologyChange', 'topology_change', 'topology_change %u ');
  u('topologyChangeDetected', 'topology_change_detected', 'topology_change_detected %u ');
  if (has(d, 'helloTimer')) timer(p, 'hello_timer', d.helloTimer);
  if (has(d, 'tcnTimer')) timer(p, 'tcn_timer', d.tcnTimer);
  if (has(d, 'topologyChangeTimer')) timer(p, 'topology_change_timer', d.topologyChangeTimer);
  if (has(d, 'gcTimer')) timer(p, 'gc_timer', d.gcTimer);
  u('vlanDefaultPvid', 'vlan_default_pvid', 'vlan_default_pvid %u ');
  u('vlanStatsEnabled', 'vlan_stats_enabled', 'vlan_stats_enabled %u ');
  u('vlanStatsPerPort', 'vlan_stats_per_port', 'vlan_stats_per_port %u ');
  if (has(d, 'groupFwdMask')) p.hex0x('any', 'group_fwd_mask', 'group_fwd_mask %#x ', n(d.groupFwdMask));
  if (has(d, 'groupAddr')) p.string('any', 'group_addr', 'group_address %s ', String(d.groupAddr));
  u('mcastSnooping', 'mcast_snooping', 'mcast_snooping %u ');
  const bm = d.multiBoolopt as { optval?: number; optmask?: number } | undefined;
  if (bm) {
    const val = bm.optval ?? 0;
    const mask = bm.optmask ?? 0;
    if (mask & 1) p.uint('any', 'no_linklocal_learn', 'no_linklocal_learn %u ', val & 1 ? 1 : 0);
    if (mask & 2) p.uint('any', 'mcast_vlan_snooping', 'mcast_vlan_snooping %u ', val & 2 ? 1 : 0);
  }
  u('mcastRouter', 'mcast_router', 'mcast_router %u ');
  u('mcastQueryUseIfaddr', 'mcast_query_use_ifaddr', 'mcast_query_use_ifaddr %u ');
  u('mcastQuerier', 'mcast_querier', 'mcast_querier %u ');
  u('mcastHashElasticity', 'mcast_hash_elasticity', 'mcast_hash_elasticity %u ');
  u('mcastHashMax', 'mcast_hash_max', 'mcast_hash_max %u ');
  u('mcastLastMemberCnt', 'mcast_last_member_cnt', 'mcast_last_member_count %u ');
  u('mcastStartupQueryCnt', 'mcast_startup_query_cnt', 'mcast_startup_query_count %u ');
  u('mcastLastMemberIntvl', 'mcast_last_member_intvl', 'mcast_last_member_interval %u ');
  u('mcastMembershipIntvl', 'mcast_membership_intvl', 'mcast_membership_interval %u ');
  u('mcastQuerierIntvl', 'mcast_querier_intvl', 'mcast_querier_interval %u ');
  u('mcastQueryIntvl', 'mcast_query_intvl', 'mcast_query_interval %u ');
  u('mcastQueryResponseIntvl', 'mcast_query_response_intvl', 'mcast_query_response_interval %u ');
  u('mcastStartupQueryIntvl', 'mcast_startup_query_intvl', 'mcast_startup_query_interval %u ');
  u('mcastStatsEnabled', 'mcast_stats_enabled', 'mcast_stats_enabled %u ');
  u('mcastIgmpVersion', 'mcast_igmp_version', 'mcast_igmp_version %u ');
  u('mcastMldVersion', 'mcast_mld_version', 'mcast_mld_version %u ');
  u('nfCallIptables', 'nf_call_iptables', 'nf_call_iptables %u ');
  u('nfCallIp6tables', 'nf_call_ip6tables', 'nf_call_ip6tables %u ');
  u('nfCallArptables', 'nf_call_arptables', 'nf_call_arptables %u ');
};

const FWD_MASK_NAMES: Record<number, string> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };

const bridgeSlave: KindPrinter = (p, d, ctx) => {
  if (has(d, 'state')) {
    const names = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];
    const s = typeof d.state === 'string' ? d.state : names[n(d.state)];
    if (s !== undefined) p.string('any', 'state', 'state %s ', s);
    else p.int('any', 'state_index', 'state (%d) ', n(d.state));
  }
  if (has(d, 'priority')) p.int('any', 'priority', 'priority %d ', n(d.priority));
  if (has(d, 'cost')) p.int('any', 'cost', 'cost %d ', n(d.cost));
  const oo = (k: string, key: string, fmt: string): void => {
    if (has(d, k)) onOff(p, key, fmt, d[k]);
  };
  oo('hairpin', 'hairpin', 'hairpin %s ');
  oo('guard', 'guard', 'guard %s ');
  oo('protect', 'root_block', 'root_block %s ');
  oo('fastLeave', 'fastleave', 'fastleave %s ');
  oo('learning', 'learning', 'learning %s ');
  oo('unicastFlood', 'flood', 'flood %s ');
  if (has(d, 'id')) p.hex0x('any', 'id', 'port_id %#x ', n(d.id));
  if (has(d, 'no')) p.hex0x('any', 'no', 'port_no %#x ', n(d.no));
  if (has(d, 'designatedPort')) p.uint('any', 'designated_port', 'designated_port %u ', n(d.designatedPort));
  if (has(d, 'designatedCost')) p.uint('any', 'designated_cost', 'designated_cost %u ', n(d.designatedCost));
  if (has(d, 'bridgeId')) p.string('any', 'bridge_id', 'designated_bridge %s ', bridgeId(d.bridgeId));
  if (has(d, 'rootId')) p.string('any', 'root_id', 'designated_root %s ', bridgeId(d.rootId));
  if (has(d, 'holdTimer')) timer(p, 'hold_timer', d.holdTimer);
  if (has(d, 'messageAgeTimer')) timer(p, 'message_age_timer', d.messageAgeTimer);
  if (has(d, 'forwardDelayTimer')) timer(p, 'forward_delay_timer', d.forwardDelayTimer);
  if (has(d, 'topologyChangeAck')) p.uint('any', 'topology_change_ack', 'topology_change_ack %u ', n(d.topologyChangeAck));
  if (has(d, 'configPending')) p.uint('any', 'config_pending', 'config_pending %u ', n(d.configPending));
  oo('proxyarp', 'proxy_arp', 'proxy_arp %s ');
  oo('proxyarpWifi', 'proxy_arp_wifi', 'proxy_arp_wifi %s ');
  if (has(d, 'multicastRouter')) p.uint('any', 'multicast_router', 'mcast_router %u ', n(d.multicastRouter));
  if (has(d, 'fastLeave')) p.fpf('mcast_fast_leave %s ', truthy(d.fastLeave) ? 'on' : 'off');
  oo('mcastFlood', 'mcast_flood', 'mcast_flood %s ');
  oo('bcastFlood', 'bcast_flood', 'bcast_flood %s ');
  oo('mcastToUcast', 'mcast_to_unicast', 'mcast_to_unicast %s ');
  oo('neighSuppress', 'neigh_suppress', 'neigh_suppress %s ');
  if (has(d, 'groupFwdMask')) {
    const m = n(d.groupFwdMask) & 0xffff;
    p.hex0x('any', 'group_fwd_mask', 'group_fwd_mask %#x ', m);
    const parts: string[] = [];
    for (let i = 0; i < 16; i++) if (m & (1 << i)) parts.push(FWD_MASK_NAMES[i] ?? `0x${(1 << i).toString(16)}`);
    p.string('any', 'group_fwd_mask_str', 'group_fwd_mask_str %s ', parts.length ? parts.join(',') : '0x0');
  }
  oo('vlanTunnel', 'vlan_tunnel', 'vlan_tunnel %s ');
  oo('isolated', 'isolated', 'isolated %s ');
  oo('locked', 'locked', 'locked %s ');
  if (has(d, 'backupPort')) p.string('any', 'backup_port', 'backup_port %s ', ifName(ctx, n(d.backupPort)));
};

// ------------------------------------------------------------------ vxlan

const isMcast4 = (a: string): boolean => {
  const first = Number(a.split('.')[0]);
  return first >= 224 && first <= 239;
};
const isMcast6 = (a: string): boolean => /^ff/i.test(a);
const unspec6 = (a: string): boolean => a === '::';

/** "no" + name for an off u8 option, like ip's `[no]udpcsum` (JSON: the boolean under `key`). */
function noFlag(p: IpPrinter, key: string, word: string, v: unknown): void {
  if (p.json) p.bool('json', key, null, truthy(v));
  else p.fp(`${truthy(v) ? '' : 'no'}${word} `);
}

/** ttl / tos / df / flowlabel, shared by vxlan and geneve. */
function tunnelTtlTos(p: IpPrinter, d: Record<string, unknown>, order: 'tos-ttl' | 'ttl-tos'): void {
  const tos = (): void => {
    const t = n(d.tos);
    if (t) {
      if (p.json || t !== 1) p.hex0x('any', 'tos', 'tos %#x ', t);
      else p.fpf('tos %s ', 'inherit');
    }
  };
  const ttl = (): void => {
    if (truthy(d.ttlInherit)) p.fpf('ttl %s ', 'inherit');
    else if (has(d, 'ttl')) {
      const t = n(d.ttl);
      if (p.json || t) p.uint('any', 'ttl', 'ttl %u ', t);
      else p.fpf('ttl %s ', 'auto');
    }
  };
  if (order === 'tos-ttl') {
    tos();
    ttl();
  } else {
    ttl();
    tos();
  }
  if (has(d, 'df')) {
    const df = typeof d.df === 'string' ? d.df : ['unset', 'set', 'inherit'][n(d.df)];
    if (df === 'unset') p.string('json', 'df', 'df %s ', 'unset');
    else if (df === 'set' || df === 'inherit') p.string('any', 'df', 'df %s ', df);
  }
  if (has(d, 'label') && n(d.label)) p.hex0x('any', 'label', 'flowlabel %#x ', n(d.label));
}

/**
 * The library reads IFLA_VXLAN_GROUP/GROUP6 back as `remote` (unicast) or
 * `group` (multicast) and LOCAL/LOCAL6 as `local`, whatever the family; ip
 * prints by attribute (GROUP before GROUP6, LOCAL before LOCAL6), so put the
 * values back under their attribute's key. (Hostile input whose renaming
 * would collide is left under the attribute keys by the decoder.)
 */
function vxlanWireKeys(d: Record<string, unknown>): Record<string, unknown> {
  const w: Record<string, unknown> = { ...d };
  for (const k of ['remote', 'group', 'local'] as const) delete w[k];
  const put = (v: unknown, v4: string, v6: string): void => {
    if (v !== undefined) w[typeof v === 'string' && v.includes(':') ? v6 : v4] = v;
  };
  put(d.group, 'group', 'group6');
  put(d.remote, 'group', 'group6');
  put(d.local, 'local', 'local6');
  return w;
}

const vxlan: KindPrinter = (p, view, ctx) => {
  const d = vxlanWireKeys(view);
  if (truthy(d.collectMetadata)) p.bool('any', 'external', 'external ', true);
  if (truthy(d.vnifilter)) p.bool('any', 'vnifilter', 'vnifilter', true);
  if (has(d, 'id')) p.uint('any', 'id', 'id %u ', n(d.id));
  if (has(d, 'group')) {
    const a = String(d.group);
    if (a !== '0.0.0.0') {
      if (isMcast4(a)) p.string('any', 'group', 'group %s ', a);
      else p.string('any', 'remote', 'remote %s ', a);
    }
  } else if (has(d, 'group6')) {
    const a = String(d.group6);
    if (!unspec6(a)) {
      if (isMcast6(a)) p.string('any', 'group6', 'group %s ', a);
      else p.string('any', 'remote6', 'remote %s ', a);
    }
  }
  if (has(d, 'local')) {
    const a = String(d.local);
    if (a !== '0.0.0.0') p.string('any', 'local', 'local %s ', a);
  } else if (has(d, 'local6')) {
    const a = String(d.local6);
    if (!unspec6(a)) p.string('any', 'local6', 'local %s ', a);
  }
  if (has(d, 'link') && n(d.link)) p.string('any', 'link', 'dev %s ', ifName(ctx, n(d.link)));
  const pr = d.portRange as { low?: number; high?: number } | undefined;
  if (pr) {
    if (p.json) {
      p.openObject('port_range');
      p.uint('json', 'low', null, pr.low ?? 0);
      p.uint('json', 'high', null, pr.high ?? 0);
      p.closeObject();
    } else p.fpf('srcport %u %u ', pr.low ?? 0, pr.high ?? 0);
  }
  if (has(d, 'port')) p.uint('any', 'port', 'dstport %u ', n(d.port));
  if (has(d, 'learning')) {
    p.bool('json', 'learning', null, truthy(d.learning));
    if (!truthy(d.learning)) p.bool('fp', null, 'nolearning ', true);
  }
  for (const [k, key] of [['proxy', 'proxy'], ['rsc', 'rsc'], ['l2miss', 'l2miss'], ['l3miss', 'l3miss']] as const) {
    if (truthy(d[k])) p.bool('any', key, `${key} `, true);
  }
  tunnelTtlTos(p, d, 'tos-ttl');
  if (has(d, 'ageing')) {
    const age = n(d.ageing);
    if (age === 0) p.uint('any', 'ageing', 'ageing none ', 0);
    else p.uint('any', 'ageing', 'ageing %u ', age);
  }
  if (has(d, 'limit') && n(d.limit)) p.uint('any', 'limit', 'maxaddr %u ', n(d.limit));
  if (has(d, 'udpCsum')) noFlag(p, 'udp_csum', 'udpcsum', d.udpCsum);
  if (has(d, 'udpZeroCsum6Tx')) noFlag(p, 'udp_zero_csum6_tx', 'udp6zerocsumtx', d.udpZeroCsum6Tx);
  if (has(d, 'udpZeroCsum6Rx')) noFlag(p, 'udp_zero_csum6_rx', 'udp6zerocsumrx', d.udpZeroCsum6Rx);
  if (truthy(d.remcsumTx)) p.bool('any', 'remcsum_tx', 'remcsumtx ', true);
  if (truthy(d.remcsumRx)) p.bool('any', 'remcsum_rx', 'remcsumrx ', true);
  if (has(d, 'gbp')) p.bool('any', 'gbp', 'gbp ', true);
  if (has(d, 'gpe')) p.bool('any', 'gpe', 'gpe ', true);
};

// ----------------------------------------------------------------- geneve

const geneve: KindPrinter = (p, d) => {
  if (has(d, 'collectMetadata')) p.bool('any', 'external', 'external ', true);
  if (has(d, 'id')) p.uint('any', 'id', 'id %u ', n(d.id));
  // the library reads IFLA_GENEVE_REMOTE6 back as `remote` too (remote6 only if both were sent)
  const r6 = has(d, 'remote6') ? d.remote6 : typeof d.remote === 'string' && d.remote.includes(':') ? d.remote : undefined;
  if (has(d, 'remote') && r6 !== d.remote) {
    const a = String(d.remote);
    if (a !== '0.0.0.0') p.string('any', 'remote', 'remote %s ', a);
  } else if (r6 !== undefined) {
    const a = String(r6);
    if (!unspec6(a) && !isMcast6(a)) p.string('any', 'remote6', 'remote %s ', a);
  }
  tunnelTtlTos(p, d, 'ttl-tos');
  if (has(d, 'port')) p.uint('any', 'port', 'dstport %u ', n(d.port));
  if (has(d, 'udpCsum')) noFlag(p, 'udp_csum', 'udpcsum', d.udpCsum);
  if (has(d, 'udpZeroCsum6Tx')) noFlag(p, 'udp_zero_csum6_tx', 'udp6zerocsumtx', d.udpZeroCsum6Tx);
  if (has(d, 'udpZeroCsum6Rx')) noFlag(p, 'udp_zero_csum6_rx', 'udp6zerocsumrx', d.udpZeroCsum6Rx);
  if (has(d, 'innerProtoInherit')) p.bool('any', 'inner_proto_inherit', 'innerprotoinherit ', true);
};

// ------------------------------------------------------- macvlan, macvtap

const MACVLAN_MODES: Record<number, string> = { 1: 'private', 2: 'vepa', 4: 'bridge', 8: 'passthru', 16: 'source' };

const macvlan: KindPrinter = (p, d) => {
  if (!has(d, 'mode')) return;
  const mode = enumName(d.mode, undefined, (x) => MACVLAN_MODES[x] ?? 'unknown');
  p.string('any', 'mode', 'mode %s ', mode);
  const flags = n(d.flags);
  if (flags & 1) p.bool('any', 'nopromisc', 'nopromisc ', true);
  if (flags & 2) p.bool('any', 'nodst', 'nodst ', true);
  if (has(d, 'bcQueueLen')) p.uint('any', 'bcqueuelen', 'bcqueuelen %u ', n(d.bcQueueLen));
  if (has(d, 'bcQueueLenUsed')) p.uint('any', 'usedbcqueuelen', 'usedbcqueuelen %u ', n(d.bcQueueLenUsed));
  if (mode !== 'source' || !has(d, 'macaddrCount')) return;
  p.int('any', 'macaddr_count', 'remotes (%d) ', n(d.macaddrCount));
  const list = d.macaddrData as string[] | undefined;
  if (!Array.isArray(list)) return;
  p.openArray('json', 'macaddr_data');
  for (const m of list) {
    if (p.json) p.string('json', null, null, m);
    else p.fpf('%s ', m);
  }
  p.closeArray('json', null);
};

// ------------------------------------------------------------------- bond

const UNKNOWN = (): string => 'UNKNOWN';

const bond: KindPrinter = (p, d, ctx) => {
  if (has(d, 'mode')) p.string('any', 'mode', 'mode %s ', enumName(d.mode, undefined, UNKNOWN));
  if (has(d, 'activeSlave') && n(d.activeSlave)) p.string('any', 'active_slave', 'active_slave %s ', ifName(ctx, n(d.activeSlave)));
  const u = (k: string, key: string, fmt: string): void => {
    if (has(d, k)) p.uint('any', key, fmt, n(d[k]));
  };
  u('miimon', 'miimon', 'miimon %u ');
  u('updelay', 'updelay', 'updelay %u ');
  u('downdelay', 'downdelay', 'downdelay %u ');
  u('peerNotifDelay', 'peer_notify_delay', 'peer_notify_delay %u ');
  u('useCarrier', 'use_carrier', 'use_carrier %u ');
  u('arpInterval', 'arp_interval', 'arp_interval %u ');
  u('missedMax', 'arp_missed_max', 'arp_missed_max %u ');
  for (const [k, key] of [['arpIpTarget', 'arp_ip_target'], ['nsIp6Target', 'ns_ip6_target']] as const) {
    const list = d[k] as string[] | undefined;
    if (!Array.isArray(list) || !list.length) continue;
    p.openArray('json', key);
    p.fpf('%s ', key);
    list.forEach((a, i) => {
      p.string('any', null, '%s', a);
      if (i < list.length - 1) p.fp(',');
    });
    p.fp(' ');
    p.closeArray('json', null);
  }
  if (has(d, 'arpValidate')) {
    const v = enumName(d.arpValidate, undefined, UNKNOWN);
    if ((d.arpValidate === 'none' || d.arpValidate === 0) && p.json) p.null('json', 'arp_validate', null, null);
    else p.string('any', 'arp_validate', 'arp_validate %s ', v);
  }
  if (has(d, 'arpAllTargets')) p.string('any', 'arp_all_targets', 'arp_all_targets %s ', enumName(d.arpAllTargets, undefined, UNKNOWN));
  if (has(d, 'primary') && n(d.primary)) p.string('any', 'primary', 'primary %s ', ifName(ctx, n(d.primary)));
  if (has(d, 'primaryReselect')) p.string('any', 'primary_reselect', 'primary_reselect %s ', enumName(d.primaryReselect, undefined, UNKNOWN));
  if (has(d, 'failOverMac')) p.string('any', 'fail_over_mac', 'fail_over_mac %s ', enumName(d.failOverMac, undefined, UNKNOWN));
  if (has(d, 'xmitHashPolicy')) p.string('any', 'xmit_hash_policy', 'xmit_hash_policy %s ', enumName(d.xmitHashPolicy, undefined, UNKNOWN));
  u('resendIgmp', 'resend_igmp', 'resend_igmp %u ');
  u('numPeerNotif', 'num_peer_notif', 'num_grat_arp %u ');
  u('allSlavesActive', 'all_slaves_active', 'all_slaves_active %u ');
  u('minLinks', 'min_links', 'min_links %u ');
  u('lpInterval', 'lp_interval', 'lp_interval %u ');
  u('packetsPerSlave', 'packets_per_slave', 'packets_per_slave %u ');
  if (has(d, 'adLacpActive')) p.string('any', 'ad_lacp_active', 'lacp_active %s ', enumName(d.adLacpActive, undefined, UNKNOWN));
  if (has(d, 'adLacpRate')) p.string('any', 'ad_lacp_rate', 'lacp_rate %s ', enumName(d.adLacpRate, undefined, UNKNOWN));
  if (has(d, 'adSelect')) p.string('any', 'ad_select', 'ad_select %s ', enumName(d.adSelect, undefined, UNKNOWN));
  const ad = d.adInfo as Record<string, unknown> | undefined;
  if (ad) {
    p.openObject('ad_info');
    if (has(ad, 'aggregator')) p.int('any', 'aggregator', 'ad_aggregator %d ', n(ad.aggregator));
    if (has(ad, 'numPorts')) p.int('any', 'num_ports', 'ad_num_ports %d ', n(ad.numPorts));
    if (has(ad, 'actorKey')) p.int('any', 'actor_key', 'ad_actor_key %d ', n(ad.actorKey));
    if (has(ad, 'partnerKey')) p.int('any', 'partner_key', 'ad_partner_key %d ', n(ad.partnerKey));
    if (has(ad, 'partnerMac')) p.string('any', 'partner_mac', 'ad_partner_mac %s ', String(ad.partnerMac));
    p.closeObject();
  }
  u('adActorSysPrio', 'ad_actor_sys_prio', 'ad_actor_sys_prio %u ');
  u('adUserPortKey', 'ad_user_port_key', 'ad_user_port_key %u ');
  if (has(d, 'adActorSystem')) p.string('any', 'ad_actor_system', 'ad_actor_system %s ', String(d.adActorSystem));
  u('tlbDynamicLb', 'tlb_dynamic_lb', 'tlb_dynamic_lb %u ');
};

const LACP_STATE: Array<[number, string]> = [
  [0x1, 'active'], [0x2, 'short_timeout'], [0x4, 'aggregating'], [0x8, 'in_sync'],
  [0x10, 'collecting'], [0x20, 'distributing'], [0x40, 'defaulted'], [0x80, 'expired'],
];

function lacpState(p: IpPrinter, name: string, state: number): void {
  let s = state;
  p.openArray('any', name);
  p.fp(' <');
  for (const [bit, word] of LACP_STATE) {
    if (s & bit) {
      s &= ~bit;
      p.string('any', null, s ? '%s,' : '%s', word);
    }
  }
  p.closeArray('any', '> ');
}

const bondSlave: KindPrinter = (p, d) => {
  if (has(d, 'state')) {
    const s = d.state === 'active' ? 'ACTIVE' : d.state === 'backup' ? 'BACKUP' : undefined;
    if (s) p.string('any', 'state', 'state %s ', s);
    else p.int('any', 'state_index', 'state %d ', n(d.state));
  }
  if (has(d, 'miiStatus')) {
    const s = ({ up: 'UP', fail: 'GOING_DOWN', down: 'DOWN', back: 'GOING_BACK' } as Record<string, string>)[String(d.miiStatus)];
    if (s) p.string('any', 'mii_status', 'mii_status %s ', s);
    else p.int('any', 'mii_status_index', 'mii_status %d ', n(d.miiStatus));
  }
  if (has(d, 'linkFailureCount')) p.int('any', 'link_failure_count', 'link_failure_count %d ', n(d.linkFailureCount));
  if (has(d, 'permHwaddr')) p.string('any', 'perm_hwaddr', 'perm_hwaddr %s ', String(d.permHwaddr));
  if (has(d, 'queueId')) p.int('any', 'queue_id', 'queue_id %d ', n(d.queueId));
  if (has(d, 'prio')) p.int('any', 'prio', 'prio %d ', n(d.prio));
  if (has(d, 'adAggregatorId')) p.int('any', 'ad_aggregator_id', 'ad_aggregator_id %d ', n(d.adAggregatorId));
  if (has(d, 'adActorOperPortState')) {
    const s = n(d.adActorOperPortState) & 0xff;
    p.int('any', 'ad_actor_oper_port_state', 'ad_actor_oper_port_state %d ', s);
    lacpState(p, 'ad_actor_oper_port_state_str', s);
  }
  if (has(d, 'adPartnerOperPortState')) {
    const s = n(d.adPartnerOperPortState) & 0xff;
    p.int('any', 'ad_partner_oper_port_state', 'ad_partner_oper_port_state %d ', s);
    lacpState(p, 'ad_partner_oper_port_state_str', s);
  }
};

// ------------------------------------------------------------------- vlan

const VLAN_FLAGS: Array<[number, string]> = [[0x1, 'REORDER_HDR'], [0x2, 'GVRP'], [0x8, 'MVRP'], [0x4, 'LOOSE_BINDING'], [0x10, 'BRIDGE_BINDING']];

const vlan: KindPrinter = (p, d) => {
  if (!has(d, 'id')) return;
  if (has(d, 'protocol')) p.string('any', 'protocol', 'protocol %s ', typeof d.protocol === 'string' ? d.protocol : ipEthProtoName(n(d.protocol)));
  else p.string('any', 'protocol', 'protocol %s ', '802.1q');
  p.uint('any', 'id', 'id %u ', n(d.id));
  const fl = d.flags as { flags?: number } | undefined;
  if (fl) {
    let f = (fl.flags ?? 0) >>> 0;
    p.openArray('any', p.json ? 'flags' : '<');
    for (const [bit, name] of VLAN_FLAGS) {
      if (f & bit) {
        f &= ~bit;
        p.string('any', null, f ? '%s,' : '%s', name);
      }
    }
    if (f) p.hex('any', null, '%x', f);
    p.closeArray('any', '> ');
  }
  for (const [k, jk, tk] of [['ingressQos', 'ingress_qos', 'ingress-qos-map'], ['egressQos', 'egress_qos', 'egress-qos-map']] as const) {
    const m = d[k] as Array<{ from: number; to: number }> | undefined;
    if (!Array.isArray(m)) continue;
    p.openArray('json', jk);
    p.nl();
    p.fpf('      %s { ', tk);
    for (const x of m) {
      if (p.json) {
        p.openObject();
        p.uint('json', 'from', null, x.from);
        p.uint('json', 'to', null, x.to);
        p.closeObject();
      } else p.fpf('%u:%u ', x.from, x.to);
    }
    p.closeArray('json', null);
    p.fpf('%s ', '}');
  }
};

// ------------------------------------------------------- ipvlan, ipvtap

const ipvlan: KindPrinter = (p, d) => {
  if (has(d, 'mode')) {
    const m = typeof d.mode === 'string' ? d.mode : (['l2', 'l3', 'l3s'][n(d.mode)] ?? 'unknown');
    p.string('any', 'mode', ' mode %s ', m);
  }
  if (has(d, 'flags')) {
    const f = typeof d.flags === 'string' ? ({ bridge: 0, private: 1, vepa: 2 } as Record<string, number>)[d.flags] ?? 0 : n(d.flags);
    if (f & 1) p.bool('any', 'private', 'private ', true);
    else if (f & 2) p.bool('any', 'vepa', 'vepa ', true);
    else p.bool('any', 'bridge', 'bridge ', true);
  }
};

// ----------------------------------------------------------------- macsec

const CIPHERS: Record<string, string> = { 'gcm-aes-128': 'GCM-AES-128', 'gcm-aes-256': 'GCM-AES-256', 'gcm-aes-xpn-128': 'GCM-AES-XPN-128', 'gcm-aes-xpn-256': 'GCM-AES-XPN-256' };

const macsec: KindPrinter = (p, d) => {
  const flag = (k: string, key: string): void => {
    if (!has(d, k)) return;
    if (p.json) p.bool('json', key, null, truthy(d[k]));
    else p.fpf('%s %s ', key, truthy(d[k]) ? 'on' : 'off');
  };
  if (has(d, 'sci')) {
    const s = String(d.sci).padStart(16, '0');
    if (p.json) p.string('json', 'sci', null, s);
    else p.fpf('sci %s ', s);
  }
  flag('protect', 'protect');
  if (has(d, 'cipherSuite')) p.string('any', 'cipher_suite', 'cipher %s ', typeof d.cipherSuite === 'string' ? (CIPHERS[d.cipherSuite] ?? d.cipherSuite) : '(unknown)');
  if (has(d, 'icvLen')) {
    if (p.json) p.uint('json', 'icv_len', null, n(d.icvLen));
    else p.fpf('icvlen %u ', n(d.icvLen));
  }
  if (has(d, 'encodingSa')) {
    if (p.json) p.uint('json', 'encoding_sa', null, n(d.encodingSa));
    else p.fpf('encodingsa %u ', n(d.encodingSa));
  }
  if (has(d, 'validation')) p.string('any', 'validation', 'validate %s ', typeof d.validation === 'string' ? d.validation : '(unknown)');
  if (has(d, 'offload')) p.string('any', 'offload', 'offload %s ', typeof d.offload === 'string' ? d.offload : '(unknown)');
  flag('encrypt', 'encrypt');
  flag('incSci', p.json ? 'inc_sci' : 'send_sci');
  flag('es', p.json ? 'es' : 'end_station');
  flag('scb', 'scb');
  flag('replayProtect', p.json ? 'replay_protect' : 'replay');
  if (has(d, 'window')) p.int('any', 'window', 'window %d ', n(d.window));
};

// -------------------------------------------------------------- vrf, tun

const vrf: KindPrinter = (p, d) => {
  if (has(d, 'table')) p.uint('any', 'table', 'table %u ', n(d.table));
};

const tun: KindPrinter = (p, d) => {
  if (has(d, 'type')) {
    const t = d.type === 'tun' || d.type === 'tap' ? d.type : `UNKNOWN:${n(d.type)}`;
    p.string('any', 'type', 'type %s ', t);
  }
  if (has(d, 'pi')) onOff(p, 'pi', 'pi %s ', d.pi);
  if (has(d, 'vnetHdr')) onOff(p, 'vnet_hdr', 'vnet_hdr %s ', d.vnetHdr);
  if (!truthy(d.multiQueue)) p.bool('json', 'multi_queue', null, false);
  else {
    p.bool('any', 'multi_queue', 'multi_queue ', true);
    if (has(d, 'numQueues')) p.uint('any', 'numqueues', 'numqueues %u ', n(d.numQueues));
    if (has(d, 'numDisabledQueues')) p.uint('any', 'numdisabled', 'numdisabled %u ', n(d.numDisabledQueues));
  }
  if (has(d, 'persist')) onOff(p, 'persist', 'persist %s ', d.persist);
  if (has(d, 'owner')) {
    const name = userName(n(d.owner));
    if (name !== undefined) p.string('any', 'user', 'user %s ', name);
    else p.uint('any', 'user', 'user %u ', n(d.owner));
  }
  if (has(d, 'group')) {
    const name = unixGroupName(n(d.group));
    if (name !== undefined) p.string('any', 'group', 'group %s ', name);
    else p.uint('any', 'group', 'group %u ', n(d.group));
  }
};

// ------------------------------------------------- IP tunnels, ipoib

/** tnl_print_endpoint: the address, or "any" when absent or unspecified. */
function endpoint(p: IpPrinter, name: string, v: unknown): void {
  const s = v === undefined || v === '0.0.0.0' || v === '::' ? 'any' : String(v);
  p.string('any', name, `${name} %s`, s);
  p.fp(' ');
}

/** A flag of a decoded bit set ({ csum: true, ... }) or of a number. */
function bit(v: unknown, name: string, mask: number): boolean {
  if (typeof v === 'number') return (v & mask) !== 0;
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[name] === true;
}

/** inet_ntop of a be32 GRE key: "0.0.0.42". */
const dotted = (k: number): string => [k >>> 24, (k >>> 16) & 0xff, (k >>> 8) & 0xff, k & 0xff].join('.');

function tunnelTtl(p: IpPrinter, d: Record<string, unknown>, word: string): void {
  const ttl = d.ttl === 'inherit' ? 0 : n(d.ttl);
  if (p.json || ttl) p.uint('any', 'ttl', `${word} %u `, ttl);
  else p.fpf(`${word} %s `, 'inherit');
}

function tunnelTos(p: IpPrinter, d: Record<string, unknown>): void {
  const tos = d.tos === 'inherit' ? 1 : n(d.tos);
  if (!tos) return;
  if (p.json || tos !== 1) p.hex0x('any', 'tos', 'tos %#x ', tos);
  else p.fpf('tos %s ', 'inherit');
}

function greKeysFlags(p: IpPrinter, d: Record<string, unknown>): void {
  const ik = bit(d.iflags, 'key', 0x2000);
  const ok = bit(d.oflags, 'key', 0x2000);
  if (ik && has(d, 'ikey')) p.string('any', 'ikey', 'ikey %s ', dotted(n(d.ikey)));
  if (ok && has(d, 'okey')) p.string('any', 'okey', 'okey %s ', dotted(n(d.okey)));
  if (bit(d.iflags, 'seq', 0x1000)) p.bool('any', 'iseq', 'iseq ', true);
  if (bit(d.oflags, 'seq', 0x1000)) p.bool('any', 'oseq', 'oseq ', true);
  if (bit(d.iflags, 'csum', 0x8000)) p.bool('any', 'icsum', 'icsum ', true);
  if (bit(d.oflags, 'csum', 0x8000)) p.bool('any', 'ocsum', 'ocsum ', true);
}

function erspan(p: IpPrinter, d: Record<string, unknown>): void {
  if (has(d, 'erspanIndex')) p.uint('any', 'erspan_index', 'erspan_index %u ', n(d.erspanIndex));
  if (has(d, 'erspanVer')) p.uint('any', 'erspan_ver', 'erspan_ver %u ', n(d.erspanVer));
  if (has(d, 'erspanDir')) p.string('any', 'erspan_dir', 'erspan_dir %s ', d.erspanDir === 'ingress' || d.erspanDir === 0 ? 'ingress' : 'egress');
  if (has(d, 'erspanHwid')) p.hex0x('any', 'erspan_hwid', 'erspan_hwid %#x ', n(d.erspanHwid));
}

/** tnl_print_encap: FOU/GUE encapsulation. */
function tunnelEncap(p: IpPrinter, d: Record<string, unknown>): void {
  if (!has(d, 'encapType') || d.encapType === 'none' || d.encapType === 0) return;
  const sport = d.encapSport === 'auto' ? 0 : n(d.encapSport);
  const dport = n(d.encapDport);
  const f = d.encapFlags;
  p.openObject('encap');
  p.fp('encap ');
  if (d.encapType === 'fou' || d.encapType === 'gue') p.string('any', 'type', '%s ', d.encapType);
  else p.null('any', 'type', '%s ', 'unknown');
  if (p.json) {
    p.uint('json', 'sport', null, sport);
    p.uint('json', 'dport', null, dport);
    p.bool('json', 'csum', null, bit(f, 'csum', 1));
    p.bool('json', 'csum6', null, bit(f, 'csum6', 2));
    p.bool('json', 'remcsum', null, bit(f, 'remcsum', 4));
    p.closeObject();
  } else {
    p.fp(`encap-sport ${sport ? `${sport} ` : 'auto '}`);
    p.fp(`encap-dport ${dport} `);
    p.fp(`${bit(f, 'csum', 1) ? '' : 'no'}encap-csum `);
    p.fp(`${bit(f, 'csum6', 2) ? '' : 'no'}encap-csum6 `);
    p.fp(`${bit(f, 'remcsum', 4) ? '' : 'no'}encap-remcsum `);
  }
}

function fwmark(p: IpPrinter, d: Record<string, unknown>): void {
  if (has(d, 'fwmark') && n(d.fwmark)) p.hex0x('any', 'fwmark', 'fwmark %#x ', n(d.fwmark) >>> 0);
}

/** IP6_TNL_F_* words of ip6gre and ip6tnl: encaplimit, tclass, flowlabel, dscp. */
function ip6TnlCommon(p: IpPrinter, d: Record<string, unknown>): void {
  const fl = d.flags;
  if (bit(fl, 'ignEncapLimit', 0x1)) p.bool('any', 'ip6_tnl_f_ign_encap_limit', 'encaplimit none ', true);
  else if (has(d, 'encapLimit')) p.uint('any', 'encap_limit', 'encaplimit %u ', n(d.encapLimit));
  const fi = d.flowinfo as { tclass?: number; flowlabel?: number } | undefined;
  if (bit(fl, 'useOrigTclass', 0x2)) p.bool('any', 'ip6_tnl_f_use_orig_tclass', 'tclass inherit ', true);
  else if (fi) p.string('any', 'tclass', 'tclass %s ', `0x${(fi.tclass ?? 0).toString(16).padStart(2, '0')}`);
  if (bit(fl, 'useOrigFlowlabel', 0x4)) p.bool('any', 'ip6_tnl_f_use_orig_flowlabel', 'flowlabel inherit ', true);
  else if (fi) p.string('any', 'flowlabel', 'flowlabel %s ', `0x${(fi.flowlabel ?? 0).toString(16).padStart(5, '0')}`);
  if (bit(fl, 'rcvDscpCopy', 0x10)) p.bool('any', 'ip6_tnl_f_rcv_dscp_copy', 'dscp inherit ', true);
}

function ip6TnlFwmark(p: IpPrinter, d: Record<string, unknown>): void {
  if (bit(d.flags, 'useOrigFwmark', 0x20)) p.bool('any', 'ip6_tnl_f_use_orig_fwmark', 'fwmark inherit ', true);
  else fwmark(p, d);
}

/** link_gre.c: gre, gretap, erspan. */
const gre: KindPrinter = (p, d, ctx) => {
  if (has(d, 'collectMetadata')) p.bool('any', 'external', 'external ', true);
  endpoint(p, 'remote', d.remote);
  endpoint(p, 'local', d.local);
  if (has(d, 'link') && n(d.link)) p.string('any', 'link', 'dev %s ', ifName(ctx, n(d.link)));
  tunnelTtl(p, d, 'ttl');
  tunnelTos(p, d);
  if (has(d, 'pmtudisc')) {
    if (!truthy(d.pmtudisc)) p.bool('any', 'pmtudisc', 'nopmtudisc ', false);
    else p.bool('json', 'pmtudisc', null, true);
  }
  if (truthy(d.ignoreDf)) p.bool('any', 'ignore_df', 'ignore-df ', true);
  greKeysFlags(p, d);
  fwmark(p, d);
  erspan(p, d);
  tunnelEncap(p, d);
};

/** link_gre6.c: ip6gre, ip6gretap, ip6erspan. */
const gre6: KindPrinter = (p, d, ctx) => {
  if (has(d, 'collectMetadata')) p.bool('any', 'external', 'external ', true);
  endpoint(p, 'remote', d.remote);
  endpoint(p, 'local', d.local);
  if (has(d, 'link') && n(d.link)) p.string('any', 'link', 'dev %s ', ifName(ctx, n(d.link)));
  tunnelTtl(p, d, 'hoplimit');
  ip6TnlCommon(p, d);
  greKeysFlags(p, d);
  if (bit(d.flags, 'allowLocalRemote', 0x40)) p.bool('any', 'ip6_tnl_f_allow_local_remote', 'allow-localremote ', true);
  ip6TnlFwmark(p, d);
  erspan(p, d);
  tunnelEncap(p, d);
};

const IPTUN_PROTO: Record<number, string> = { 4: 'ipip', 41: 'ip6ip', 137: 'mplsip', 0: 'any' };
const IP6TNL_PROTO: Record<number, string> = { 4: 'ipip6', 41: 'ip6ip6', 0: 'any' };

/** link_iptnl.c: ipip, sit. */
const iptun: KindPrinter = (p, d, ctx) => {
  if (has(d, 'collectMetadata')) p.bool('any', 'external', 'external ', true);
  if (has(d, 'mode')) {
    const m = typeof d.mode === 'string' ? d.mode : IPTUN_PROTO[n(d.mode)];
    if (m !== undefined) p.string('any', 'proto', '%s ', m);
  }
  endpoint(p, 'remote', d.remote);
  endpoint(p, 'local', d.local);
  if (has(d, 'link') && n(d.link)) p.string('any', 'link', 'dev %s ', ifName(ctx, n(d.link)));
  tunnelTtl(p, d, 'ttl');
  tunnelTos(p, d);
  if (truthy(d.pmtudisc)) p.bool('any', 'pmtudisc', 'pmtudisc ', true);
  else p.bool('any', 'pmtudisc', 'nopmtudisc ', false);
  if (has(d, 'flags') && bit(d.flags, 'isatap', 0x1)) p.bool('any', 'isatap', 'isatap ', true);
  const plen = n(d.ip6rdPrefixLen);
  if (plen) {
    const prefix = String(d.ip6rdPrefix ?? '::');
    const relay = d.ip6rdRelayPrefix === undefined || d.ip6rdRelayPrefix === '0.0.0.0' ? undefined : String(d.ip6rdRelayPrefix);
    const rlen = n(d.ip6rdRelayPrefixLen);
    if (p.json) {
      p.string('json', 'prefix', null, prefix);
      p.int('json', 'prefixlen', null, plen);
      if (relay) {
        p.string('json', 'relay_prefix', null, relay);
        p.int('json', 'relay_prefixlen', null, rlen);
      }
    } else {
      p.fpf('6rd-prefix %s/%u ', prefix, plen);
      if (relay) p.fpf('6rd-relay_prefix %s/%u ', relay, rlen);
    }
  }
  fwmark(p, d);
  tunnelEncap(p, d);
};

/** link_ip6tnl.c: ip6tnl. */
const ip6tnl: KindPrinter = (p, d, ctx) => {
  if (has(d, 'collectMetadata')) p.bool('any', 'external', 'external ', true);
  if (has(d, 'mode')) {
    const m = typeof d.mode === 'string' ? d.mode : IP6TNL_PROTO[n(d.mode)];
    if (m !== undefined) p.string('any', 'proto', '%s ', m);
  }
  endpoint(p, 'remote', d.remote);
  endpoint(p, 'local', d.local);
  if (has(d, 'link') && n(d.link)) p.string('any', 'link', 'dev %s ', ifName(ctx, n(d.link)));
  tunnelTtl(p, d, 'hoplimit');
  ip6TnlCommon(p, d);
  if (bit(d.flags, 'mip6Dev', 0x8)) p.bool('any', 'ip6_tnl_f_mip6_dev', 'mip6 ', true);
  if (bit(d.flags, 'allowLocalRemote', 0x40)) p.bool('any', 'ip6_tnl_f_allow_local_remote', 'allow-localremote ', true);
  ip6TnlFwmark(p, d);
  tunnelEncap(p, d);
};

/** iplink_ipoib.c */
const ipoib: KindPrinter = (p, d) => {
  if (!has(d, 'pkey')) return;
  const pkey = n(d.pkey);
  if (p.json) p.string('json', 'key', null, sprintf('%#.4x', pkey));
  else p.fpf('pkey %#.4x ', pkey);
  if (!has(d, 'mode')) return;
  p.string('any', 'mode', 'mode %s ', d.mode === 'datagram' || d.mode === 'connected' ? d.mode : 'unknown');
  if (!has(d, 'umcast')) return;
  if (p.json) p.string('json', 'umcast', null, sprintf('%.4x', n(d.umcast)));
  else p.fpf('umcast %.4x ', n(d.umcast));
};

/** iproute2's link_util table: kinds with a print_opt. */
const PRINTERS: Record<string, KindPrinter> = {
  bridge,
  bridge_slave: bridgeSlave,
  vxlan,
  geneve,
  macvlan,
  macvtap: macvlan,
  bond,
  bond_slave: bondSlave,
  vlan,
  ipvlan,
  ipvtap: ipvlan,
  macsec,
  vrf,
  vrf_slave: vrf,
  tun,
  gre,
  gretap: gre,
  erspan: gre,
  ip6gre: gre6,
  ip6gretap: gre6,
  ip6erspan: gre6,
  ipip: iptun,
  sit: iptun,
  ip6tnl,
  ipoib,
};

/** The printer of a kind (`bridge`) or of its ports (`bridge_slave`); undefined: ip prints the name alone. */
export function kindPrinter(kind: string): KindPrinter | undefined {
  return Object.prototype.hasOwnProperty.call(PRINTERS, kind) ? PRINTERS[kind] : undefined;
}

/** Register a printer for a kind the table does not have yet (e.g. from a kind module). */
export function registerKindPrinter(kind: string, pr: KindPrinter): void {
  PRINTERS[kind] = pr;
}
