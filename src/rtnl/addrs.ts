/**
 * rtnl.addrs: IPv4/IPv6 addresses (RTM_*ADDR). Placeholder: filled in by the addresses/routes work.
 * @module
 */
import type { NetlinkSocket } from '../netlink/socket.js';
import type { Links } from './links.js';

export class Addrs {
  constructor(
    protected readonly sock: NetlinkSocket,
    protected readonly links: Links,
  ) {}
}
