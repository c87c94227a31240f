/**
 * vxcan: virtual CAN tunnel pairs, like veth for CAN (VXCAN_INFO_PEER carries
 * the peer's ifinfomsg + IFLA_*), module vxcan.
 *
 *   ip link add vxcan0 type vxcan peer name vxcan1 netns ns1
 *   rtnl.links.add({ name: 'vxcan0', kind: 'vxcan', peer: { name: 'vxcan1', netns: 'ns1' } })
 * @module
 */
import { policy, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { peerCodec, type AnyLink } from '../link.js';
import { UAPI } from '../uapi.js';
import type { LinkKind, KindContext } from './registry.js';
import { preparePeer, type PeerOptions } from './peer.js';
const { VXCAN_INFO_PEER } = UAPI;

/** VXCAN_INFO_PEER (linux/can/vxcan.h). */
export { VXCAN_INFO_PEER };

/** IFLA_INFO_DATA of a vxcan link as the kernel reports it (the peer is not dumped). */
export interface VxcanData {
  /** VXCAN_INFO_PEER */
  peer?: Partial<AnyLink>;
}

export const vxcanPolicy: () => Policy = once(() => policy('VXCAN_INFO', UAPI, [['VXCAN_INFO_PEER', 'peer', peerCodec]]));

declare module './registry.js' {
  interface KindAddOptions {
    /** The peer end: a name or options. links.add() resolves to both ends. */
    vxcan: { peer?: string | PeerOptions; vxcan?: { peer?: string | PeerOptions } };
  }
  interface KindOptions {
    /** Only for symmetry: vxcan options are given as the top-level `peer`. */
    vxcan: { peer?: string | PeerOptions };
  }
  interface KindData {
    vxcan: VxcanData;
  }
}

/** The vxcan kind (registered by kinds/table.ts). */
export const vxcanKind: LinkKind = {
  kind: 'vxcan',
  get data() { return vxcanPolicy(); },
  extraKeys: ['peer'],
  module: 'vxcan',
  async prepare(options, all, ctx: KindContext) {
    const peer = all.peer ?? options?.peer;
    if (options) for (const k of Object.keys(options)) if (k !== 'peer') throw new ArgumentError(`vxcan.${k}`, `unknown option "${k}" for vxcan (known: peer)`);
    if (peer === undefined) return undefined;
    return { peer: await preparePeer(peer, 'peer', ctx) };
  },
};
