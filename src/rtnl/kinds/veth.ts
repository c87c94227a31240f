/**
 * veth: virtual Ethernet pairs (VETH_INFO_PEER carries the peer's ifinfomsg + IFLA_*).
 * @module
 */
import { policy, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { peerCodec, type AnyLink } from '../link.js';
import { UAPI } from '../uapi.js';
import type { LinkKind, KindContext } from './registry.js';
import { preparePeer, type PeerOptions } from './peer.js';

export type { PeerOptions };

/** IFLA_INFO_DATA of a veth as the kernel reports it (usually empty: the kernel does not dump the peer). */
export interface VethData {
  /** VETH_INFO_PEER */
  peer?: Partial<AnyLink>;
}

export const vethPolicy: () => Policy = once(() => policy('VETH_INFO', UAPI, [['VETH_INFO_PEER', 'peer', peerCodec]]));

declare module './registry.js' {
  interface KindAddOptions {
    /** The peer end: a name or options; the kernel names it when omitted. links.add() resolves to both ends. */
    veth: { peer?: string | PeerOptions; veth?: { peer?: string | PeerOptions } };
  }
  interface KindOptions {
    /** Only for symmetry: veth options are given as the top-level `peer`. */
    veth: { peer?: string | PeerOptions };
  }
  interface KindData {
    veth: VethData;
  }
}

/** The veth kind (registered by kinds/table.ts). */
export const vethKind: LinkKind = {
  ether: true,
  kind: 'veth',
  get data() { return vethPolicy(); },
  extraKeys: ['peer'],
  module: 'veth',
  async prepare(options, all, ctx: KindContext) {
    const peer = all.peer ?? options?.peer;
    if (options) for (const k of Object.keys(options)) if (k !== 'peer') throw new ArgumentError(`veth.${k}`, `unknown option "${k}" for veth (known: peer)`);
    if (peer === undefined) return undefined;
    return { peer: await preparePeer(peer, 'peer', ctx, 'veth') };
  },
};
