/**
 * bridge: IFLA_BR_* (IFLA_INFO_DATA of a bridge). Times are in USER_HZ
 * hundredths of a second, as the kernel and `ip -d` report them.
 * @module
 */
import { be16, bool8, flag, mac, policy, struct, u16, u32, u64, u8, binary, type Codec } from '../../netlink/attr.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe } from '../../netlink/ip.js';
import { UAPI } from '../uapi.js';
import { registerKind } from './registry.js';

/** Newer than the installed uapi headers (kernel 6.8+). */
export const IFLA_BR_FDB_N_LEARNED = 48;
export const IFLA_BR_FDB_MAX_LEARNED = 49;

/** struct ifla_bridge_id printed like iproute2: "8000.0242ac110002". */
export const bridgeId: Codec<string> = {
  name: 'ifla_bridge_id',
  size: 8,
  decode: (b, o) => `${b.toString('hex', o, o + 2)}.${b.toString('hex', o + 2, o + 8)}`,
  encode: (w, v) => w.bytes(Buffer.from(v.replace('.', ''), 'hex')),
  check: (v, f) => {
    if (typeof v !== 'string' || !/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{12}$/.test(v)) {
      throw new ArgumentError(f, `expected a bridge id like "8000.0242ac110002", got ${describe(v)}`);
    }
    return v.toLowerCase();
  },
};

/** struct br_boolopt_multi */
export interface BridgeBoolOptMulti {
  optval: number;
  optmask: number;
}
const boolOptMulti = struct<BridgeBoolOptMulti>('br_boolopt_multi', [
  ['optval', 'u32'],
  ['optmask', 'u32'],
]);

/** IFLA_INFO_DATA of a bridge. */
export interface BridgeOptions {
  /** IFLA_BR_FORWARD_DELAY (1/100 s) */
  forwardDelay?: number;
  /** IFLA_BR_HELLO_TIME (1/100 s) */
  helloTime?: number;
  /** IFLA_BR_MAX_AGE (1/100 s) */
  maxAge?: number;
  /** IFLA_BR_AGEING_TIME (1/100 s) */
  ageingTime?: number;
  /** IFLA_BR_STP_STATE: 0 off, 1 kernel STP */
  stpState?: number;
  /** IFLA_BR_PRIORITY */
  priority?: number;
  /** IFLA_BR_VLAN_FILTERING */
  vlanFiltering?: boolean | number;
  /** IFLA_BR_VLAN_PROTOCOL: 0x8100 (802.1Q) or 0x88a8 (802.1ad) */
  vlanProtocol?: number;
  /** IFLA_BR_GROUP_FWD_MASK */
  groupFwdMask?: number;
  /** IFLA_BR_ROOT_ID (read-only) */
  rootId?: string;
  /** IFLA_BR_BRIDGE_ID (read-only) */
  bridgeId?: string;
  /** IFLA_BR_ROOT_PORT (read-only) */
  rootPort?: number;
  /** IFLA_BR_ROOT_PATH_COST (read-only) */
  rootPathCost?: number;
  /** IFLA_BR_TOPOLOGY_CHANGE (read-only) */
  topologyChange?: number;
  /** IFLA_BR_TOPOLOGY_CHANGE_DETECTED (read-only) */
  topologyChangeDetected?: number;
  /** IFLA_BR_HELLO_TIMER (read-only) */
  helloTimer?: bigint;
  /** IFLA_BR_TCN_TIMER (read-only) */
  tcnTimer?: bigint;
  /** IFLA_BR_TOPOLOGY_CHANGE_TIMER (read-only) */
  topologyChangeTimer?: bigint;
  /** IFLA_BR_GC_TIMER (read-only) */
  gcTimer?: bigint;
  /** IFLA_BR_GROUP_ADDR */
  groupAddr?: string;
  /** IFLA_BR_FDB_FLUSH (write-only flag) */
  fdbFlush?: boolean;
  /** IFLA_BR_MCAST_ROUTER */
  mcastRouter?: number;
  /** IFLA_BR_MCAST_SNOOPING */
  mcastSnooping?: boolean | number;
  /** IFLA_BR_MCAST_QUERY_USE_IFADDR */
  mcastQueryUseIfaddr?: boolean | number;
  /** IFLA_BR_MCAST_QUERIER */
  mcastQuerier?: boolean | number;
  /** IFLA_BR_MCAST_HASH_ELASTICITY */
  mcastHashElasticity?: number;
  /** IFLA_BR_MCAST_HASH_MAX */
  mcastHashMax?: number;
  /** IFLA_BR_MCAST_LAST_MEMBER_CNT */
  mcastLastMemberCnt?: number;
  /** IFLA_BR_MCAST_STARTUP_QUERY_CNT */
  mcastStartupQueryCnt?: number;
  /** IFLA_BR_MCAST_LAST_MEMBER_INTVL (1/100 s) */
  mcastLastMemberIntvl?: bigint;
  /** IFLA_BR_MCAST_MEMBERSHIP_INTVL (1/100 s) */
  mcastMembershipIntvl?: bigint;
  /** IFLA_BR_MCAST_QUERIER_INTVL (1/100 s) */
  mcastQuerierIntvl?: bigint;
  /** IFLA_BR_MCAST_QUERY_INTVL (1/100 s) */
  mcastQueryIntvl?: bigint;
  /** IFLA_BR_MCAST_QUERY_RESPONSE_INTVL (1/100 s) */
  mcastQueryResponseIntvl?: bigint;
  /** IFLA_BR_MCAST_STARTUP_QUERY_INTVL (1/100 s) */
  mcastStartupQueryIntvl?: bigint;
  /** IFLA_BR_NF_CALL_IPTABLES */
  nfCallIptables?: boolean | number;
  /** IFLA_BR_NF_CALL_IP6TABLES */
  nfCallIp6tables?: boolean | number;
  /** IFLA_BR_NF_CALL_ARPTABLES */
  nfCallArptables?: boolean | number;
  /** IFLA_BR_VLAN_DEFAULT_PVID */
  vlanDefaultPvid?: number;
  /** IFLA_BR_PAD */
  pad?: Uint8Array;
  /** IFLA_BR_VLAN_STATS_ENABLED */
  vlanStatsEnabled?: boolean | number;
  /** IFLA_BR_MCAST_STATS_ENABLED */
  mcastStatsEnabled?: boolean | number;
  /** IFLA_BR_MCAST_IGMP_VERSION */
  mcastIgmpVersion?: number;
  /** IFLA_BR_MCAST_MLD_VERSION */
  mcastMldVersion?: number;
  /** IFLA_BR_VLAN_STATS_PER_PORT */
  vlanStatsPerPort?: boolean | number;
  /** IFLA_BR_MULTI_BOOLOPT */
  multiBoolopt?: BridgeBoolOptMulti;
  /** IFLA_BR_MCAST_QUERIER_STATE (read-only, raw) */
  mcastQuerierState?: Uint8Array;
  /** IFLA_BR_FDB_N_LEARNED (read-only) */
  fdbNLearned?: number;
  /** IFLA_BR_FDB_MAX_LEARNED */
  fdbMaxLearned?: number;
}

const ro = { readOnly: true } as const;
export const bridgePolicy = policy('IFLA_BR', { ...UAPI, IFLA_BR_FDB_N_LEARNED, IFLA_BR_FDB_MAX_LEARNED }, [
  ['IFLA_BR_FORWARD_DELAY', 'forwardDelay', u32],
  ['IFLA_BR_HELLO_TIME', 'helloTime', u32],
  ['IFLA_BR_MAX_AGE', 'maxAge', u32],
  ['IFLA_BR_AGEING_TIME', 'ageingTime', u32],
  ['IFLA_BR_STP_STATE', 'stpState', u32],
  ['IFLA_BR_PRIORITY', 'priority', u16],
  ['IFLA_BR_VLAN_FILTERING', 'vlanFiltering', bool8],
  ['IFLA_BR_VLAN_PROTOCOL', 'vlanProtocol', be16],
  ['IFLA_BR_GROUP_FWD_MASK', 'groupFwdMask', u16],
  ['IFLA_BR_ROOT_ID', 'rootId', bridgeId, ro],
  ['IFLA_BR_BRIDGE_ID', 'bridgeId', bridgeId, ro],
  ['IFLA_BR_ROOT_PORT', 'rootPort', u16, ro],
  ['IFLA_BR_ROOT_PATH_COST', 'rootPathCost', u32, ro],
  ['IFLA_BR_TOPOLOGY_CHANGE', 'topologyChange', u8, ro],
  ['IFLA_BR_TOPOLOGY_CHANGE_DETECTED', 'topologyChangeDetected', u8, ro],
  ['IFLA_BR_HELLO_TIMER', 'helloTimer', u64, ro],
  ['IFLA_BR_TCN_TIMER', 'tcnTimer', u64, ro],
  ['IFLA_BR_TOPOLOGY_CHANGE_TIMER', 'topologyChangeTimer', u64, ro],
  ['IFLA_BR_GC_TIMER', 'gcTimer', u64, ro],
  ['IFLA_BR_GROUP_ADDR', 'groupAddr', mac],
  ['IFLA_BR_FDB_FLUSH', 'fdbFlush', flag],
  ['IFLA_BR_MCAST_ROUTER', 'mcastRouter', u8],
  ['IFLA_BR_MCAST_SNOOPING', 'mcastSnooping', bool8],
  ['IFLA_BR_MCAST_QUERY_USE_IFADDR', 'mcastQueryUseIfaddr', bool8],
  ['IFLA_BR_MCAST_QUERIER', 'mcastQuerier', bool8],
  ['IFLA_BR_MCAST_HASH_ELASTICITY', 'mcastHashElasticity', u32],
  ['IFLA_BR_MCAST_HASH_MAX', 'mcastHashMax', u32],
  ['IFLA_BR_MCAST_LAST_MEMBER_CNT', 'mcastLastMemberCnt', u32],
  ['IFLA_BR_MCAST_STARTUP_QUERY_CNT', 'mcastStartupQueryCnt', u32],
  ['IFLA_BR_MCAST_LAST_MEMBER_INTVL', 'mcastLastMemberIntvl', u64],
  ['IFLA_BR_MCAST_MEMBERSHIP_INTVL', 'mcastMembershipIntvl', u64],
  ['IFLA_BR_MCAST_QUERIER_INTVL', 'mcastQuerierIntvl', u64],
  ['IFLA_BR_MCAST_QUERY_INTVL', 'mcastQueryIntvl', u64],
  ['IFLA_BR_MCAST_QUERY_RESPONSE_INTVL', 'mcastQueryResponseIntvl', u64],
  ['IFLA_BR_MCAST_STARTUP_QUERY_INTVL', 'mcastStartupQueryIntvl', u64],
  ['IFLA_BR_NF_CALL_IPTABLES', 'nfCallIptables', bool8],
  ['IFLA_BR_NF_CALL_IP6TABLES', 'nfCallIp6tables', bool8],
  ['IFLA_BR_NF_CALL_ARPTABLES', 'nfCallArptables', bool8],
  ['IFLA_BR_VLAN_DEFAULT_PVID', 'vlanDefaultPvid', u16],
  ['IFLA_BR_PAD', 'pad', binary, ro],
  ['IFLA_BR_VLAN_STATS_ENABLED', 'vlanStatsEnabled', bool8],
  ['IFLA_BR_MCAST_STATS_ENABLED', 'mcastStatsEnabled', bool8],
  ['IFLA_BR_MCAST_IGMP_VERSION', 'mcastIgmpVersion', u8],
  ['IFLA_BR_MCAST_MLD_VERSION', 'mcastMldVersion', u8],
  ['IFLA_BR_VLAN_STATS_PER_PORT', 'vlanStatsPerPort', bool8],
  ['IFLA_BR_MULTI_BOOLOPT', 'multiBoolopt', boolOptMulti],
  ['IFLA_BR_MCAST_QUERIER_STATE', 'mcastQuerierState', binary, ro],
  ['IFLA_BR_FDB_N_LEARNED', 'fdbNLearned', u32, ro],
  ['IFLA_BR_FDB_MAX_LEARNED', 'fdbMaxLearned', u32],
]);


declare module './registry.js' {
  interface KindOptions {
    bridge: BridgeOptions;
  }
}

registerKind({ kind: 'bridge', data: bridgePolicy, module: 'bridge' });
