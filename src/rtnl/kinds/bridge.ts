/**
 * bridge: IFLA_BR_* (IFLA_INFO_DATA of a bridge). Times are in USER_HZ
 * hundredths of a second, as the kernel and `ip -d` report them.
 * @module
 */
import { bool8, enumOf, flag, mac, policy, struct, u16, u32, u64, u8, binary, type Codec, moreConsts, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe } from '../../netlink/ip.js';
import { UAPI } from '../uapi.js';
import type { LinkKind } from './registry.js';
import { IFINDEX } from '../ifname.js';
import { vlanProtocol, type VlanProtocol } from './common.js';

/** Newer than the installed uapi headers (kernel 6.8+). */
export const IFLA_BR_FDB_N_LEARNED = 48;
export const IFLA_BR_FDB_MAX_LEARNED = 49;
/** IFLA_BRPORT_* newer than the installed uapi headers (upstream if_link.h; MAB 6.2, MCAST_*_GROUPS 6.3, NEIGH_VLAN_SUPPRESS 6.6, BACKUP_NHID 6.7). */
export const IFLA_BRPORT_MAB = 40;
export const IFLA_BRPORT_MCAST_N_GROUPS = 41;
export const IFLA_BRPORT_MCAST_MAX_GROUPS = 42;
export const IFLA_BRPORT_NEIGH_VLAN_SUPPRESS = 43;
export const IFLA_BRPORT_BACKUP_NHID = 44;

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
  /** IFLA_BR_VLAN_PROTOCOL (`vlan_protocol 802.1Q|802.1ad`): '802.1Q' (0x8100) or '802.1ad' (0x88a8), or another ethertype number */
  vlanProtocol?: VlanProtocol | number;
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
export const bridgePolicy: () => Policy = once(() => policy('IFLA_BR', moreConsts(UAPI, { IFLA_BR_FDB_N_LEARNED, IFLA_BR_FDB_MAX_LEARNED }), [
  ['IFLA_BR_FORWARD_DELAY', 'forwardDelay', u32],
  ['IFLA_BR_HELLO_TIME', 'helloTime', u32],
  ['IFLA_BR_MAX_AGE', 'maxAge', u32],
  ['IFLA_BR_AGEING_TIME', 'ageingTime', u32],
  ['IFLA_BR_STP_STATE', 'stpState', u32],
  ['IFLA_BR_PRIORITY', 'priority', u16],
  ['IFLA_BR_VLAN_FILTERING', 'vlanFiltering', bool8],
  ['IFLA_BR_VLAN_PROTOCOL', 'vlanProtocol', vlanProtocol],
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
]));

/** STP port states (BR_STATE_*), as `ip -d link` and `bridge link` name them. */
export type BridgePortState = 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking';
export const brportState = enumOf<BridgePortState>(u8, { 0: 'disabled', 1: 'listening', 2: 'learning', 3: 'forwarding', 4: 'blocking' });

/**
 * A bridge port (IFLA_BRPORT_*): IFLA_INFO_SLAVE_DATA of a device enslaved to
 * a bridge, and IFLA_PROTINFO of AF_BRIDGE link messages. Set with
 * `links.set(dev, { bridgePort: {...} })` (`ip link set DEV type bridge_slave ...`).
 * Times are in USER_HZ hundredths of a second.
 */
export interface BridgePortOptions {
  /** IFLA_BRPORT_STATE: STP state */
  state?: BridgePortState | number;
  /** IFLA_BRPORT_PRIORITY: STP port priority (0..63 accepted by the kernel) */
  priority?: number;
  /** IFLA_BRPORT_COST: STP path cost */
  cost?: number;
  /** IFLA_BRPORT_MODE: hairpin (reflective relay) mode */
  hairpin?: boolean | number;
  /** IFLA_BRPORT_GUARD: BPDU guard */
  guard?: boolean | number;
  /** IFLA_BRPORT_PROTECT: root port protection (`root_block`) */
  protect?: boolean | number;
  /** IFLA_BRPORT_FAST_LEAVE: multicast fast leave */
  fastLeave?: boolean | number;
  /** IFLA_BRPORT_LEARNING: learn source MAC addresses */
  learning?: boolean | number;
  /** IFLA_BRPORT_UNICAST_FLOOD: flood unknown unicast (`flood`) */
  unicastFlood?: boolean | number;
  /** IFLA_BRPORT_PROXYARP */
  proxyarp?: boolean | number;
  /** IFLA_BRPORT_LEARNING_SYNC */
  learningSync?: boolean | number;
  /** IFLA_BRPORT_PROXYARP_WIFI */
  proxyarpWifi?: boolean | number;
  /** IFLA_BRPORT_ROOT_ID (read-only): designated root */
  rootId?: string;
  /** IFLA_BRPORT_BRIDGE_ID (read-only): designated bridge */
  bridgeId?: string;
  /** IFLA_BRPORT_DESIGNATED_PORT (read-only) */
  designatedPort?: number;
  /** IFLA_BRPORT_DESIGNATED_COST (read-only) */
  designatedCost?: number;
  /** IFLA_BRPORT_ID (read-only) */
  id?: number;
  /** IFLA_BRPORT_NO (read-only) */
  no?: number;
  /** IFLA_BRPORT_TOPOLOGY_CHANGE_ACK (read-only) */
  topologyChangeAck?: number;
  /** IFLA_BRPORT_CONFIG_PENDING (read-only) */
  configPending?: number;
  /** IFLA_BRPORT_MESSAGE_AGE_TIMER (read-only, 1/100 s) */
  messageAgeTimer?: bigint;
  /** IFLA_BRPORT_FORWARD_DELAY_TIMER (read-only, 1/100 s) */
  forwardDelayTimer?: bigint;
  /** IFLA_BRPORT_HOLD_TIMER (read-only, 1/100 s) */
  holdTimer?: bigint;
  /** IFLA_BRPORT_FLUSH (write-only): flush the port's dynamic FDB entries */
  flush?: boolean;
  /** IFLA_BRPORT_MULTICAST_ROUTER: 0 disabled, 1 temp query (default), 2 permanent, 3 temp */
  multicastRouter?: number;
  /** IFLA_BRPORT_PAD */
  pad?: Uint8Array;
  /** IFLA_BRPORT_MCAST_FLOOD */
  mcastFlood?: boolean | number;
  /** IFLA_BRPORT_MCAST_TO_UCAST */
  mcastToUcast?: boolean | number;
  /** IFLA_BRPORT_VLAN_TUNNEL */
  vlanTunnel?: boolean | number;
  /** IFLA_BRPORT_BCAST_FLOOD */
  bcastFlood?: boolean | number;
  /** IFLA_BRPORT_GROUP_FWD_MASK */
  groupFwdMask?: number;
  /** IFLA_BRPORT_NEIGH_SUPPRESS */
  neighSuppress?: boolean | number;
  /** IFLA_BRPORT_ISOLATED */
  isolated?: boolean | number;
  /** IFLA_BRPORT_BACKUP_PORT: backup port (name or index; 0 removes) */
  backupPort?: number | string;
  /** IFLA_BRPORT_MRP_RING_OPEN (read-only) */
  mrpRingOpen?: boolean | number;
  /** IFLA_BRPORT_MRP_IN_OPEN (read-only) */
  mrpInOpen?: boolean | number;
  /** IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT */
  mcastEhtHostsLimit?: number;
  /** IFLA_BRPORT_MCAST_EHT_HOSTS_CNT (read-only) */
  mcastEhtHostsCnt?: number;
  /** IFLA_BRPORT_LOCKED */
  locked?: boolean | number;
  /** IFLA_BRPORT_MAB: MAC authentication bypass */
  mab?: boolean | number;
  /** IFLA_BRPORT_MCAST_N_GROUPS (read-only) */
  mcastNGroups?: number;
  /** IFLA_BRPORT_MCAST_MAX_GROUPS */
  mcastMaxGroups?: number;
  /** IFLA_BRPORT_NEIGH_VLAN_SUPPRESS */
  neighVlanSuppress?: boolean | number;
  /** IFLA_BRPORT_BACKUP_NHID */
  backupNhid?: number;
}

export const bridgePortPolicy: () => Policy = once(() => policy(
  'IFLA_BRPORT',
  moreConsts(UAPI, { IFLA_BRPORT_MAB, IFLA_BRPORT_MCAST_N_GROUPS, IFLA_BRPORT_MCAST_MAX_GROUPS, IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, IFLA_BRPORT_BACKUP_NHID }),
  [
    ['IFLA_BRPORT_STATE', 'state', brportState],
    ['IFLA_BRPORT_PRIORITY', 'priority', u16],
    ['IFLA_BRPORT_COST', 'cost', u32],
    ['IFLA_BRPORT_MODE', 'hairpin', bool8],
    ['IFLA_BRPORT_GUARD', 'guard', bool8],
    ['IFLA_BRPORT_PROTECT', 'protect', bool8],
    ['IFLA_BRPORT_FAST_LEAVE', 'fastLeave', bool8],
    ['IFLA_BRPORT_LEARNING', 'learning', bool8],
    ['IFLA_BRPORT_UNICAST_FLOOD', 'unicastFlood', bool8],
    ['IFLA_BRPORT_PROXYARP', 'proxyarp', bool8],
    ['IFLA_BRPORT_LEARNING_SYNC', 'learningSync', bool8],
    ['IFLA_BRPORT_PROXYARP_WIFI', 'proxyarpWifi', bool8],
    ['IFLA_BRPORT_ROOT_ID', 'rootId', bridgeId, ro],
    ['IFLA_BRPORT_BRIDGE_ID', 'bridgeId', bridgeId, ro],
    ['IFLA_BRPORT_DESIGNATED_PORT', 'designatedPort', u16, ro],
    ['IFLA_BRPORT_DESIGNATED_COST', 'designatedCost', u16, ro],
    ['IFLA_BRPORT_ID', 'id', u16, ro],
    ['IFLA_BRPORT_NO', 'no', u16, ro],
    ['IFLA_BRPORT_TOPOLOGY_CHANGE_ACK', 'topologyChangeAck', u8, ro],
    ['IFLA_BRPORT_CONFIG_PENDING', 'configPending', u8, ro],
    ['IFLA_BRPORT_MESSAGE_AGE_TIMER', 'messageAgeTimer', u64, ro],
    ['IFLA_BRPORT_FORWARD_DELAY_TIMER', 'forwardDelayTimer', u64, ro],
    ['IFLA_BRPORT_HOLD_TIMER', 'holdTimer', u64, ro],
    ['IFLA_BRPORT_FLUSH', 'flush', flag],
    ['IFLA_BRPORT_MULTICAST_ROUTER', 'multicastRouter', u8],
    ['IFLA_BRPORT_PAD', 'pad', binary, ro],
    ['IFLA_BRPORT_MCAST_FLOOD', 'mcastFlood', bool8],
    ['IFLA_BRPORT_MCAST_TO_UCAST', 'mcastToUcast', bool8],
    ['IFLA_BRPORT_VLAN_TUNNEL', 'vlanTunnel', bool8],
    ['IFLA_BRPORT_BCAST_FLOOD', 'bcastFlood', bool8],
    ['IFLA_BRPORT_GROUP_FWD_MASK', 'groupFwdMask', u16],
    ['IFLA_BRPORT_NEIGH_SUPPRESS', 'neighSuppress', bool8],
    ['IFLA_BRPORT_ISOLATED', 'isolated', bool8],
    ['IFLA_BRPORT_BACKUP_PORT', 'backupPort', u32, IFINDEX],
    ['IFLA_BRPORT_MRP_RING_OPEN', 'mrpRingOpen', bool8, ro],
    ['IFLA_BRPORT_MRP_IN_OPEN', 'mrpInOpen', bool8, ro],
    ['IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT', 'mcastEhtHostsLimit', u32],
    ['IFLA_BRPORT_MCAST_EHT_HOSTS_CNT', 'mcastEhtHostsCnt', u32, ro],
    ['IFLA_BRPORT_LOCKED', 'locked', bool8],
    ['IFLA_BRPORT_MAB', 'mab', bool8],
    ['IFLA_BRPORT_MCAST_N_GROUPS', 'mcastNGroups', u32, ro],
    ['IFLA_BRPORT_MCAST_MAX_GROUPS', 'mcastMaxGroups', u32],
    ['IFLA_BRPORT_NEIGH_VLAN_SUPPRESS', 'neighVlanSuppress', bool8],
    ['IFLA_BRPORT_BACKUP_NHID', 'backupNhid', u32],
  ],
));

declare module './registry.js' {
  interface KindAddOptions {
    bridge: { bridge?: BridgeOptions };
  }
  interface KindOptions {
    bridge: BridgeOptions;
  }
  interface SlaveOptions {
    /** IFLA_INFO_SLAVE_DATA for a bridge port (IFLA_BRPORT_*). */
    bridgePort: BridgePortOptions;
  }
  interface KindData {
    bridge: BridgeOptions;
  }
  interface SlaveData {
    bridge: BridgePortOptions;
  }
}

/** The bridge kind (registered by kinds/table.ts). */
export const bridgeKind: LinkKind = { kind: 'bridge', ether: true, get data() { return bridgePolicy(); }, get slaveData() { return bridgePortPolicy(); }, slaveOptionsKey: 'bridgePort', module: 'bridge' };
