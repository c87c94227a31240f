/**
 * nlmon captures: read pcap/pcapng files of Linux netlink traffic (streamed)
 * and write them (PcapWriter, Rtnl.open({ record })).
 * @module
 */
export * from './constants.js';
export { readPackets, linktypeName, CaptureFormatError, LinkTypeError, LINKTYPE_NAMES, type CapturePacket, type CaptureInfo, type CaptureSource, type ReadOptions } from './reader.js';
export {
  readNetlinkCapture,
  decodeNetlinkFrame,
  decodeDatagram,
  decodeCapturedMessage,
  captureContexts,
  flagNames,
  messageTypeName,
  netlinkFamilyName,
  type NetlinkFrame,
  type NetlinkPacket,
  type CapturedMessage,
} from './netlink.js';
export { PcapWriter, nowNs, type PcapWriterOptions, type TapDirection } from './writer.js';
