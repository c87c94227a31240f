/**
 * rtnl.neighs: neighbours and FDB entries (RTM_*NEIGH). Placeholder: filled in by the addresses/routes work.
 * @module
 */
import type { NetlinkSocket } from '../netlink/socket.js';
import type { Links } from './links.js';

export class Neighs {
  constructor(
    protected readonly sock: NetlinkSocket,
    protected readonly links: Links,
  ) {}
}
