/**
 * rtnl.routes: routes (RTM_*ROUTE). Placeholder: filled in by the addresses/routes work.
 * @module
 */
import type { NetlinkSocket } from '../netlink/socket.js';
import type { Links } from './links.js';

export class Routes {
  constructor(
    protected readonly sock: NetlinkSocket,
    protected readonly links: Links,
  ) {}
}
