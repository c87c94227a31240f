/**
 * bond: link aggregation (IFLA_BOND_*), module bonding; enslaved devices
 * report IFLA_BOND_SLAVE_* and take some of them as options (`bondSlave`).
 *
 *   ip link add bond0 type bond mode 802.3ad miimon 100 lacp_rate fast \
 *      xmit_hash_policy layer3+4 ad_actor_system 02:00:00:00:00:01
 *   rtnl.links.add({ name: 'bond0', kind: 'bond', bond: { mode: '802.3ad', miimon: 100,
 *      adLacpRate: 'fast', xmitHashPolicy: 'layer3+4', adActorSystem: '02:00:00:00:00:01' } })
 *   ip link set eth0 type bond_slave queue_id 2 prio 10
 *   rtnl.links.set('eth0', { bondSlave: { queueId: 2, prio: 10 } })
 * @module
 */
import { enumOf, ipv4, ipv6, lladdr, mac, nested, policy, s32, u16, u32, u8, moreConsts, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { UAPI } from '../uapi.js';
import { checkData, indexedArray, optionsObject } from './common.js';
import type { LinkKind } from './registry.js';
import { IFINDEX } from '../ifname.js';

/** Newer than the installed uapi headers (upstream if_link.h). */
export const IFLA_BOND_BROADCAST_NEIGH = 33;

export type BondMode = 'balance-rr' | 'active-backup' | 'balance-xor' | 'broadcast' | '802.3ad' | 'balance-tlb' | 'balance-alb';
export type BondArpValidate = 'none' | 'active' | 'backup' | 'all' | 'filter' | 'filter_active' | 'filter_backup';
export type BondArpAllTargets = 'any' | 'all';
export type BondPrimaryReselect = 'always' | 'better' | 'failure';
export type BondFailOverMac = 'none' | 'active' | 'follow';
export type BondXmitHashPolicy = 'layer2' | 'layer3+4' | 'layer2+3' | 'encap2+3' | 'encap3+4' | 'vlan+srcmac';
export type BondLacpRate = 'slow' | 'fast';
export type BondAdSelect = 'stable' | 'bandwidth' | 'count';
export type BondLacpActive = 'off' | 'on';

/** IFLA_BOND_AD_INFO (read-only, 802.3ad mode). */
export interface BondAdInfo {
  /** IFLA_BOND_AD_INFO_AGGREGATOR */
  aggregator?: number;
  /** IFLA_BOND_AD_INFO_NUM_PORTS */
  numPorts?: number;
  /** IFLA_BOND_AD_INFO_ACTOR_KEY */
  actorKey?: number;
  /** IFLA_BOND_AD_INFO_PARTNER_KEY */
  partnerKey?: number;
  /** IFLA_BOND_AD_INFO_PARTNER_MAC */
  partnerMac?: string;
}

/** IFLA_INFO_DATA of a bond link (the `ip link ... type bond` options). Times in ms. */
export interface BondOptions {
  /** IFLA_BOND_MODE (`mode`; default balance-rr) */
  mode?: BondMode | number;
  /** IFLA_BOND_ACTIVE_SLAVE: active slave (`active_slave`), name or index */
  activeSlave?: number | string;
  /** IFLA_BOND_MIIMON: MII link monitoring interval, ms (`miimon`) */
  miimon?: number;
  /** IFLA_BOND_UPDELAY: ms (`updelay`) */
  updelay?: number;
  /** IFLA_BOND_DOWNDELAY: ms (`downdelay`) */
  downdelay?: number;
  /** IFLA_BOND_USE_CARRIER (`use_carrier`) */
  useCarrier?: number;
  /** IFLA_BOND_ARP_INTERVAL: ms (`arp_interval`) */
  arpInterval?: number;
  /** IFLA_BOND_ARP_IP_TARGET: up to 16 IPv4 targets (`arp_ip_target A,B`) */
  arpIpTarget?: string[];
  /** IFLA_BOND_ARP_VALIDATE (`arp_validate`) */
  arpValidate?: BondArpValidate | number;
  /** IFLA_BOND_ARP_ALL_TARGETS (`arp_all_targets`) */
  arpAllTargets?: BondArpAllTargets | number;
  /** IFLA_BOND_PRIMARY: primary slave (`primary`), name or index */
  primary?: number | string;
  /** IFLA_BOND_PRIMARY_RESELECT (`primary_reselect`) */
  primaryReselect?: BondPrimaryReselect | number;
  /** IFLA_BOND_FAIL_OVER_MAC (`fail_over_mac`) */
  failOverMac?: BondFailOverMac | number;
  /** IFLA_BOND_XMIT_HASH_POLICY (`xmit_hash_policy`) */
  xmitHashPolicy?: BondXmitHashPolicy | number;
  /** IFLA_BOND_RESEND_IGMP (`resend_igmp`) */
  resendIgmp?: number;
  /** IFLA_BOND_NUM_PEER_NOTIF (`num_grat_arp` / `num_unsol_na`) */
  numPeerNotif?: number;
  /** IFLA_BOND_ALL_SLAVES_ACTIVE (`all_slaves_active`) */
  allSlavesActive?: number;
  /** IFLA_BOND_MIN_LINKS (`min_links`) */
  minLinks?: number;
  /** IFLA_BOND_LP_INTERVAL: s (`lp_interval`) */
  lpInterval?: number;
  /** IFLA_BOND_PACKETS_PER_SLAVE (`packets_per_slave`) */
  packetsPerSlave?: number;
  /** IFLA_BOND_AD_LACP_RATE (`lacp_rate`) */
  adLacpRate?: BondLacpRate | number;
  /** IFLA_BOND_AD_SELECT (`ad_select`) */
  adSelect?: BondAdSelect | number;
  /** IFLA_BOND_AD_INFO (read-only) */
  adInfo?: BondAdInfo;
  /** IFLA_BOND_AD_ACTOR_SYS_PRIO (`ad_actor_sys_prio`) */
  adActorSysPrio?: number;
  /** IFLA_BOND_AD_USER_PORT_KEY (`ad_user_port_key`) */
  adUserPortKey?: number;
  /** IFLA_BOND_AD_ACTOR_SYSTEM: MAC (`ad_actor_system`) */
  adActorSystem?: string;
  /** IFLA_BOND_TLB_DYNAMIC_LB (`tlb_dynamic_lb`) */
  tlbDynamicLb?: number;
  /** IFLA_BOND_PEER_NOTIF_DELAY: ms (`peer_notify_delay`) */
  peerNotifDelay?: number;
  /** IFLA_BOND_AD_LACP_ACTIVE (`lacp_active`) */
  adLacpActive?: BondLacpActive | number;
  /** IFLA_BOND_MISSED_MAX (`arp_missed_max`) */
  missedMax?: number;
  /** IFLA_BOND_NS_IP6_TARGET: up to 16 IPv6 targets (`ns_ip6_target`) */
  nsIp6Target?: string[];
  /** IFLA_BOND_COUPLED_CONTROL (`coupled_control`, kernel 6.9) */
  coupledControl?: number;
  /** IFLA_BOND_BROADCAST_NEIGH (`broadcast_neighbor`, newest kernels) */
  broadcastNeigh?: number;
}

/** IFLA_INFO_SLAVE_DATA of a bond port (IFLA_BOND_SLAVE_*). */
export interface BondSlaveOptions {
  /** IFLA_BOND_SLAVE_STATE (read-only): BOND_STATE_ACTIVE 0 / BACKUP 1 */
  state?: 'active' | 'backup' | number;
  /** IFLA_BOND_SLAVE_MII_STATUS (read-only): BOND_LINK_* */
  miiStatus?: 'up' | 'fail' | 'down' | 'back' | number;
  /** IFLA_BOND_SLAVE_LINK_FAILURE_COUNT (read-only) */
  linkFailureCount?: number;
  /** IFLA_BOND_SLAVE_PERM_HWADDR (read-only) */
  permHwaddr?: string;
  /** IFLA_BOND_SLAVE_QUEUE_ID (`queue_id`) */
  queueId?: number;
  /** IFLA_BOND_SLAVE_AD_AGGREGATOR_ID (read-only) */
  adAggregatorId?: number;
  /** IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE (read-only) */
  adActorOperPortState?: number;
  /** IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE (read-only) */
  adPartnerOperPortState?: number;
  /** IFLA_BOND_SLAVE_PRIO (`prio`, kernel 6.0) */
  prio?: number;
  /** IFLA_BOND_SLAVE_ACTOR_PORT_PRIO (`actor_port_prio`) */
  actorPortPrio?: number;
  /** IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE (read-only) */
  adChurnActorState?: number;
  /** IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE (read-only) */
  adChurnPartnerState?: number;
}

export const bondAdInfoPolicy: () => Policy = once(() => policy('IFLA_BOND_AD_INFO', UAPI, [
  ['IFLA_BOND_AD_INFO_AGGREGATOR', 'aggregator', u16],
  ['IFLA_BOND_AD_INFO_NUM_PORTS', 'numPorts', u16],
  ['IFLA_BOND_AD_INFO_ACTOR_KEY', 'actorKey', u16],
  ['IFLA_BOND_AD_INFO_PARTNER_KEY', 'partnerKey', u16],
  ['IFLA_BOND_AD_INFO_PARTNER_MAC', 'partnerMac', mac],
]));

export const bondPolicy: () => Policy = once(() => policy('IFLA_BOND', moreConsts(UAPI, { IFLA_BOND_BROADCAST_NEIGH }), [
  ['IFLA_BOND_MODE', 'mode', enumOf<BondMode>(u8, { 0: 'balance-rr', 1: 'active-backup', 2: 'balance-xor', 3: 'broadcast', 4: '802.3ad', 5: 'balance-tlb', 6: 'balance-alb' })],
  ['IFLA_BOND_ACTIVE_SLAVE', 'activeSlave', u32, IFINDEX],
  ['IFLA_BOND_MIIMON', 'miimon', u32],
  ['IFLA_BOND_UPDELAY', 'updelay', u32],
  ['IFLA_BOND_DOWNDELAY', 'downdelay', u32],
  ['IFLA_BOND_USE_CARRIER', 'useCarrier', u8],
  ['IFLA_BOND_ARP_INTERVAL', 'arpInterval', u32],
  ['IFLA_BOND_ARP_IP_TARGET', 'arpIpTarget', indexedArray(ipv4, 'IPv4 addresses')],
  ['IFLA_BOND_ARP_VALIDATE', 'arpValidate', enumOf<BondArpValidate>(u32, { 0: 'none', 1: 'active', 2: 'backup', 3: 'all', 4: 'filter', 5: 'filter_active', 6: 'filter_backup' })],
  ['IFLA_BOND_ARP_ALL_TARGETS', 'arpAllTargets', enumOf<BondArpAllTargets>(u32, { 0: 'any', 1: 'all' })],
  ['IFLA_BOND_PRIMARY', 'primary', u32, IFINDEX],
  ['IFLA_BOND_PRIMARY_RESELECT', 'primaryReselect', enumOf<BondPrimaryReselect>(u8, { 0: 'always', 1: 'better', 2: 'failure' })],
  ['IFLA_BOND_FAIL_OVER_MAC', 'failOverMac', enumOf<BondFailOverMac>(u8, { 0: 'none', 1: 'active', 2: 'follow' })],
  ['IFLA_BOND_XMIT_HASH_POLICY', 'xmitHashPolicy', enumOf<BondXmitHashPolicy>(u8, { 0: 'layer2', 1: 'layer3+4', 2: 'layer2+3', 3: 'encap2+3', 4: 'encap3+4', 5: 'vlan+srcmac' })],
  ['IFLA_BOND_RESEND_IGMP', 'resendIgmp', u32],
  ['IFLA_BOND_NUM_PEER_NOTIF', 'numPeerNotif', u8],
  ['IFLA_BOND_ALL_SLAVES_ACTIVE', 'allSlavesActive', u8],
  ['IFLA_BOND_MIN_LINKS', 'minLinks', u32],
  ['IFLA_BOND_LP_INTERVAL', 'lpInterval', u32],
  ['IFLA_BOND_PACKETS_PER_SLAVE', 'packetsPerSlave', u32],
  ['IFLA_BOND_AD_LACP_RATE', 'adLacpRate', enumOf<BondLacpRate>(u8, { 0: 'slow', 1: 'fast' })],
  ['IFLA_BOND_AD_SELECT', 'adSelect', enumOf<BondAdSelect>(u8, { 0: 'stable', 1: 'bandwidth', 2: 'count' })],
  ['IFLA_BOND_AD_INFO', 'adInfo', nested(bondAdInfoPolicy()), { readOnly: true }],
  ['IFLA_BOND_AD_ACTOR_SYS_PRIO', 'adActorSysPrio', u16],
  ['IFLA_BOND_AD_USER_PORT_KEY', 'adUserPortKey', u16],
  ['IFLA_BOND_AD_ACTOR_SYSTEM', 'adActorSystem', mac],
  ['IFLA_BOND_TLB_DYNAMIC_LB', 'tlbDynamicLb', u8],
  ['IFLA_BOND_PEER_NOTIF_DELAY', 'peerNotifDelay', u32],
  ['IFLA_BOND_AD_LACP_ACTIVE', 'adLacpActive', enumOf<BondLacpActive>(u8, { 0: 'off', 1: 'on' })],
  ['IFLA_BOND_MISSED_MAX', 'missedMax', u8],
  ['IFLA_BOND_NS_IP6_TARGET', 'nsIp6Target', indexedArray(ipv6, 'IPv6 addresses')],
  ['IFLA_BOND_COUPLED_CONTROL', 'coupledControl', u8],
  ['IFLA_BOND_BROADCAST_NEIGH', 'broadcastNeigh', u8],
]));

const ro = { readOnly: true } as const;
export const bondSlavePolicy: () => Policy = once(() => policy('IFLA_BOND_SLAVE', UAPI, [
  ['IFLA_BOND_SLAVE_STATE', 'state', enumOf<'active' | 'backup'>(u8, { 0: 'active', 1: 'backup' }), ro],
  ['IFLA_BOND_SLAVE_MII_STATUS', 'miiStatus', enumOf<'up' | 'fail' | 'down' | 'back'>(u8, { 0: 'up', 1: 'fail', 2: 'down', 3: 'back' }), ro],
  ['IFLA_BOND_SLAVE_LINK_FAILURE_COUNT', 'linkFailureCount', u32, ro],
  ['IFLA_BOND_SLAVE_PERM_HWADDR', 'permHwaddr', lladdr, ro],
  ['IFLA_BOND_SLAVE_QUEUE_ID', 'queueId', u16],
  ['IFLA_BOND_SLAVE_AD_AGGREGATOR_ID', 'adAggregatorId', u16, ro],
  ['IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE', 'adActorOperPortState', u8, ro],
  ['IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE', 'adPartnerOperPortState', u16, ro],
  ['IFLA_BOND_SLAVE_PRIO', 'prio', s32],
  ['IFLA_BOND_SLAVE_ACTOR_PORT_PRIO', 'actorPortPrio', u16],
  ['IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE', 'adChurnActorState', u8, ro],
  ['IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE', 'adChurnPartnerState', u8, ro],
]));

declare module './registry.js' {
  interface KindAddOptions {
    bond: { bond?: BondOptions };
  }
  interface KindOptions {
    bond: BondOptions;
  }
  interface SlaveOptions {
    /** IFLA_INFO_SLAVE_DATA for a bond port (IFLA_BOND_SLAVE_*). */
    bondSlave: BondSlaveOptions;
  }
  interface KindData {
    bond: BondOptions;
  }
  interface SlaveData {
    bond: BondSlaveOptions;
  }
}

/** The bond kind (registered by kinds/table.ts). */
export const bondKind: LinkKind = {
  ether: true,
  kind: 'bond',
  get data() { return bondPolicy(); },
  get slaveData() { return bondSlavePolicy(); },
  slaveOptionsKey: 'bondSlave',
  module: 'bonding',
  check: (options) => checkData(bondPolicy(), optionsObject(options, 'bond', 'bond'), 'bond'),
};
