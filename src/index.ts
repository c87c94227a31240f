/**
 * rtnetlink: Linux rtnetlink for Node.js, no child processes.
 *
 * ```ts
 * import { Rtnl, netns } from 'rtnetlink';
 * await netns.add('net0');
 * const rtnl = await Rtnl.open({ netns: 'net0' });
 * await rtnl.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
 * ```
 * @module
 */
// the rtnetlink part (also the package's `rtnetlink/rtnl` entry), then the other families
export * from './entries/rtnl.js';
export {
  PcapWriter,
  readNetlinkCapture,
  readPackets,
  decodeNetlinkFrame,
  decodeDatagram,
  CaptureFormatError,
  LinkTypeError,
  LINKTYPE_NETLINK,
  type PcapWriterOptions,
  type CapturePacket,
  type CaptureSource,
  type NetlinkPacket,
  type NetlinkFrame,
  type CapturedMessage,
} from './pcap/index.js';
export { Tun, TunQueue, PacketStream, packetPair, packet, type TunOpenOptions, type TunDeviceOptions, type TunMode, type TunOffload, type TunFeatures, type TunLinkOptions, type PacketStreamOptions, type PacketStats } from './tun/index.js';
export * as nft from './nft/index.js';
export { Genl, GenlMonitor, GenlFamilyIds, type GenlOptions, type GenlRequestOptions, type GenlMessage, type GenlFamily, type GenlOp, type GenlMcastGroup, type GenlMonitorEvent, type GenlMonitorOptions } from './genl/index.js';
export type { MacsecDevice, MacsecSa, MacsecRxSc, MacsecSecY, MacsecSaKey, MacsecSaUpdate, MacsecSciInput, TeamOption, TeamPort, TeamOptionChanges, TeamOptionItem, TeamOptionValue, TeamOptionType, WgDevice, WgPeer, WgDeviceConfig, WgPeerConfig, EthtoolFeature, EthtoolFeatureChange, EthtoolLinkInfo, EthtoolLinkModes, EthtoolLinkState, EthtoolRings, EthtoolRingsSet, EthtoolChannels, EthtoolChannelsSet, EthtoolDriverInfo } from './genl/index.js';
export * as genl from './genl/index.js';
export { Nft, NftTransaction, NftTransactionError, NftMonitor, type NftOptions, type CommitOptions, type CommitResult, type NftEvent, type Ruleset } from './nft/nft.js';
