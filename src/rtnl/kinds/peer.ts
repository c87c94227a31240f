/**
 * Shared by veth and vxcan: turn `peer` options into the nested ifinfomsg + IFLA_* the kernel expects.
 * @module
 */
import { checkAttrs } from '../../netlink/attr.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe } from '../../netlink/ip.js';
import { checkEtherDeviceAddress, linkPolicy, type Link } from '../link.js';
import type { KindContext } from './registry.js';
import type { NetnsRef } from '../../netlink/socket.js';
import { checkIfName } from '../ifname.js';

/** The other end of a veth (or vxcan) pair. */
export interface PeerOptions {
  /** Peer interface name (the kernel picks vethN when omitted). */
  name?: string;
  /** Create the peer directly in this network namespace. */
  netns?: NetnsRef;
  /** Peer MAC address. */
  address?: string;
  mtu?: number;
  txQueueLen?: number;
  numTxQueues?: number;
  numRxQueues?: number;
  /** Any other IFLA_* option by API name (alias, group, ...). */
  [attr: string]: unknown;
}

/** `etherKind`: the peer is an Ethernet device of this kind (veth), so its address must be a unicast MAC. */
export async function preparePeer(peer: unknown, field: string, ctx: KindContext, etherKind?: string): Promise<Partial<Link>> {
  if (typeof peer === 'string') peer = { name: peer };
  if (typeof peer !== 'object' || peer === null || Array.isArray(peer)) {
    throw new ArgumentError(field, `expected a peer name or { name, netns, ... }, got ${describe(peer)}`);
  }
  const { netns, up, ...rest } = peer as Record<string, unknown>;
  if (rest.name !== undefined) checkIfName(rest.name, `${field}.name`);
  const attrs = checkAttrs(linkPolicy, rest, field) as Partial<Link>;
  if (etherKind !== undefined && attrs.address !== undefined) checkEtherDeviceAddress(attrs.address, `${field}.address`, etherKind);
  const out: Partial<Link> = { family: 0, type: 0, index: 0, flags: 0, change: 0, ...attrs };
  if (up !== undefined) {
    if (typeof up !== 'boolean') throw new ArgumentError(`${field}.up`, 'expected true or false');
    out.flags = up ? 1 : 0;
    out.change = 1;
  }
  if (netns !== undefined) out.netnsFd = ctx.netnsFd(netns, `${field}.netns`);
  return out;
}
