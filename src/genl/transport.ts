/**
 * What a typed family (macsec, team, wireguard, ethtool) needs from the Genl
 * handle: requests and dumps by family name, and interface lookups in the
 * handle's namespace. Kept apart so family modules do not import the handle.
 * @module
 */
import type { Policy } from '../netlink/attr.js';
import type { Link } from '../rtnl/link.js';
import type { GenlMessage } from './protocol.js';

/** Options of one generic netlink request. */
export interface GenlCallOptions {
  /** Human description for errors: "macsec.addTxSa macsec0". */
  what?: string;
  /** Timeout in ms. */
  timeout?: number;
  /** Extra nlmsg flags (NLM_F_REQUEST and NLM_F_ACK are always set). */
  flags?: number;
  /** genlmsghdr.version (default: the family's). */
  version?: number;
  /** Policy to encode `attrs` with (default: the family's policy for the command). */
  policy?: Policy;
}

/** An interface given by name or index. */
export type DevRef = string | number;

export interface GenlTransport {
  /** Send one request and collect its answers (decoded). */
  call(family: string, cmd: number, attrs: Record<string, unknown> | undefined, opts?: GenlCallOptions): Promise<GenlMessage[]>;
  /** Run a dump to completion (decoded messages). */
  dumpAll(family: string, cmd: number, attrs: Record<string, unknown> | undefined, opts?: GenlCallOptions): Promise<GenlMessage[]>;
  /** The link of a name or index in the handle's namespace (NetlinkError ENODEV when absent, naming `field`). */
  link(ref: DevRef, field: string): Promise<Link>;
  /** Index of a name (numbers pass through unchecked). */
  ifindex(ref: DevRef, field: string): Promise<number>;
  /** Name of an index, when the interface exists. */
  ifname(index: number): Promise<string | undefined>;
  /**
   * Run `fn` while the handle's socket is a member of one of the family's
   * multicast groups (joined and left around it; counted, so overlapping
   * calls share it).
   */
  withMulticastGroup<T>(family: string, group: string, fn: () => Promise<T>): Promise<T>;
}
