/**
 * `rtnetlink/rtnl`: the rtnetlink part of the package, for programs that
 * want a shorter start-up: everything `rtnetlink` exports except the
 * generic netlink (`Genl`, `genl`), nf_tables (`Nft`, `nft`), capture
 * (`PcapWriter`, `readNetlinkCapture`, ...) and TUN/TAP stream (`Tun`, ...)
 * APIs. The same classes as the package's main entry (one instance of each:
 * `instanceof` holds across both), so a program can import from both.
 *
 * ```ts
 * import { Rtnl, netns } from 'rtnetlink/rtnl';
 * ```
 * @module
 */
import { registerBuiltinKinds } from '../rtnl/kinds/table.js';
// bare, so that rtnl.d.ts (and index.d.ts) reach table.d.ts and with it every kind's typed options
import '../rtnl/kinds/table.js';

export { Rtnl, type RtnlOptions } from '../rtnl/rtnl.js';
export * as netns from '../rtnl/netns.js';
export { Addrs, type AddrOptions, type AddrSpec, type AddrListFilter, type AddrFlagName } from '../rtnl/addrs.js';
export {
  type Address,
  type AddressAttrs,
  type IfAddrMsg,
  type AddrCacheInfo,
  type AddrProtoName,
  addrFlagNames,
  addrPolicy,
  decodeAddress,
  encodeAddress,
  INFINITY_LIFE_TIME,
} from '../rtnl/addr.js';
export {
  type IfRef,
  type FamilyName,
  type FamilyRef,
  type ScopeName,
  type ProtocolName,
  type RouteTypeName,
  type TableName,
  type TableRef,
  familyName,
  tableName,
} from '../rtnl/rtcommon.js';
export { Routes, type RouteSpec, type NexthopSpec, type RouteListFilter, type RouteGetOptions, type RouteMetricsOptions } from '../rtnl/routes.js';
export {
  type Route,
  type RouteAttrs,
  type RtMsg,
  type Nexthop,
  type NexthopAttrs,
  type RtVia,
  type RouteMetrics,
  type RouteCacheInfo,
  type MetricName,
  type RoutePrefName,
  type EncapTypeName,
  type MfcStats,
  routeFlagNames,
  metricLockNames,
  routePolicy,
  metricsPolicy,
  decodeRoute,
  encodeRoute,
  RTA_FLOWLABEL,
} from '../rtnl/route.js';
export { Neighs, Fdb, type NeighSpec, type NeighListFilter } from '../rtnl/neighs.js';
export {
  type Neighbour,
  type NeighbourAttrs,
  type NdMsg,
  type NeighCacheInfo,
  type FdbExtAttrs,
  type NeighStateName,
  type NeighFlagName,
  type NeighExtFlagName,
  neighStateName,
  neighStateNames,
  neighFlagNames,
  neighPolicy,
  decodeNeighbour,
  encodeNeighbour,
  NTF_EXT_LOCKED,
  NTF_EXT_EXT_VALIDATED,
} from '../rtnl/neigh.js';
export { Rules, type RuleSpec, type RuleListFilter, type PortRangeSpec } from '../rtnl/rules.js';
export {
  type Rule,
  type RuleAttrs,
  type FibRuleHdr,
  type RuleActionName,
  type UidRange,
  type PortRange,
  ruleFlagNames,
  rulePolicy,
  decodeRule,
  encodeRule,
  FRA_DSCP,
  FRA_FLOWLABEL,
  FRA_FLOWLABEL_MASK,
  FRA_SPORT_MASK,
  FRA_DPORT_MASK,
  FRA_DSCP_MASK,
} from '../rtnl/rule.js';
export {
  Monitor,
  ResyncError,
  isEvent,
  resolveGroups,
  MONITOR_GROUPS,
  MONITOR_ALIASES,
  type MonitorOptions,
  type ResyncOptions,
  type MonitorEvent,
  type ObjectEvent,
  type OverrunEvent,
  type ResyncedEvent,
  type MonitorErrorEvent,
  type MonitorObjectMap,
  type MonitorGroup,
  type MonitorAlias,
  type MonitorGroupSpec,
  type MonitorMessageInfo,
  type ChangeType,
} from '../rtnl/monitor.js';
export { NsIds, type NsId, type NsIdAttrs, nsidPolicy, decodeNsId, encodeNsId, NETNSA_NSID_NOT_ASSIGNED } from '../rtnl/nsid.js';
export {
  Links,
  type LinkRef,
  type LinkAddOptions,
  type LinkAddOptionsOf,
  type LinkAddCommonOptions,
  type ModelledLinkAddOptions,
  type UnmodelledLinkAddOptions,
  type PeerKind,
  type PeerLinkAddOptions,
  type LinkPair,
  type LinkAddRequestOptions,
  type LinkSetOptions,
  type LinkCommonOptions,
  type LinkListFilter,
} from '../rtnl/links.js';
export {
  type Link,
  type AnyLink,
  type BridgeLink,
  type Inet6Link,
  type OtherFamilyLink,
  type LinkFields,
  type LinkAttrs,
  type LinkInfo,
  type IfInfoMsg,
  type LinkStats64,
  type LinkStats,
  type OperState,
  linkFlagNames,
  linkPolicy,
  linkInfoPolicy,
  decodeLink,
  encodeLink,
} from '../rtnl/link.js';

// the built-in link kinds (veth, bridge, vxlan, ...) and tun/tap's creator, from their table
registerBuiltinKinds();
export {
  registerKind,
  getKind,
  listKinds,
  kindData,
  slaveData,
  unmodelledKind,
  type LinkKind,
  type KindAddOptions,
  type KnownKind,
  type UnmodelledKind,
  type KindOptions,
  type SlaveOptions,
  type KindData,
  type NoKindData,
  type SlaveData,
} from '../rtnl/kinds/registry.js';
export type { BridgeOptions, BridgePortOptions, BridgePortState } from '../rtnl/kinds/bridge.js';
export type { PeerOptions, VethData } from '../rtnl/kinds/veth.js';
export type { VlanOptions, VlanData, VlanFlags, VlanFlagNames, VlanQosMapping, VlanProtocol } from '../rtnl/kinds/vlan.js';
export type { VxlanOptions, VxlanAddOptions, VxlanData, VxlanPortRange, VxlanDf, VxlanLabelPolicy } from '../rtnl/kinds/vxlan.js';
export type { GeneveOptions, GeneveAddOptions, GenevePortRange, GeneveDf } from '../rtnl/kinds/geneve.js';
export type { MacvlanOptions, MacvlanMode, MacvlanMacaddrMode } from '../rtnl/kinds/macvlan.js';
export type { IpvlanOptions, IpvlanMode, IpvlanFlags } from '../rtnl/kinds/ipvlan.js';
export type { BondOptions, BondSlaveOptions, BondAdInfo, BondMode } from '../rtnl/kinds/bond.js';
export type { MacsecOptions, MacsecData, MacsecCipherSuite, MacsecValidation, MacsecOffload } from '../rtnl/kinds/macsec.js';
export type { VrfOptions, VrfPortData } from '../rtnl/kinds/vrf.js';
export type { TunData } from '../rtnl/kinds/tun.js';
export type { VxcanData } from '../rtnl/kinds/vxcan.js';
export type { GreCommonOptions, GreOptions, ErspanGreOptions, ErspanOptions, Ip6GreOptions, Ip6ErspanOptions, GreData, ErspanDir } from '../rtnl/kinds/gre.js';
export type { IptunCommonOptions, IpipOptions, SitOptions, Ip6tnlOptions, IptunData, IpipMode, SitMode, Ip6tnlMode, SitFlags } from '../rtnl/kinds/iptun.js';
export type { IpoibOptions, IpoibMode } from '../rtnl/kinds/ipoib.js';
export type { FlagBits, GreFlags, Ip6TnlFlags, FlowInfo, TunnelEncapType, TunnelEncapFlags, TunnelEncapOptions } from '../rtnl/kinds/tunnel.js';
export type { LinkAfSpec, LinkAfSpecOptions, Inet6Info, Inet6CacheInfo, AddrGenMode, BridgeAfSpec, BridgeVlanInfo, Ipv4Devconf, Ipv6Devconf } from '../rtnl/afspec.js';
export { setInet6StatsLayout, getInet6StatsLayout, kernelInet6StatsLayout, IPV6_STATS_NAMES, IPV6_STATS_NAMES_6_15, type Inet6StatsLayout } from '../rtnl/afspec.js';
export { BridgeVlans, type BridgeVlanEntry, type BridgeVlanSpec, type BridgeVlanListFilter } from '../rtnl/bridge-vlans.js';
export { decodeMessage, rtmName, schemaFor, registerSchema, type MessageSchema } from '../rtnl/schema.js';
export { NetlinkSocket, type SocketOptions, type NetnsRef, type RequestOptions, type DumpOptions, type SocketStats } from '../netlink/socket.js';
export { NetlinkError, DecodeError, ArgumentError, TimeoutError, SocketClosedError, DumpInterruptedError, CallbackError, type ExtAck, type RequestInfo } from '../netlink/errors.js';
export { Writer } from '../netlink/writer.js';
export { splitMessages, splitMessagesPartial, parseError, parseDone, type RawMessage, type NlMsgHeader, type SplitOptions, type SplitResult } from '../netlink/message.js';
export * as attr from '../attr.js';
export * as ip from '../netlink/ip.js';
export * as constants from '../constants.js';
/** The rtnetlink constants of the pinned uapi headers by name (`uapi.IFLA_MTU`): one frozen table, typed {@link RtnlUapi}. */
export { UAPI as uapi, type RtnlUapi } from '../rtnl/uapi.js';
export { errnoName } from '../netlink/errno.js';
