/**
 * TUN/TAP devices as Node streams, packet helpers, and the tun/tap creator
 * behind rtnl.links.add({ kind: 'tun' | 'tap' }).
 * @module
 */
import './kind.js';

export { Tun, TunQueue, type TunOpenOptions, type TunDeviceOptions, type TunMode, type TunOffload, type TunFeatures, MAX_TAP_QUEUES } from './tun.js';
export { PacketStream, packetPair, MAX_PACKET_SIZE, type PacketStreamOptions, type PacketStats } from './stream.js';
export type { TunLinkOptions } from './kind.js';
export * as packet from './packet.js';
