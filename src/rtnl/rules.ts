/**
 * rtnl.rules: policy routing rules (RTM_*RULE). Placeholder: filled in by the addresses/routes work.
 * @module
 */
import type { NetlinkSocket } from '../netlink/socket.js';
import type { Links } from './links.js';

export class Rules {
  constructor(
    protected readonly sock: NetlinkSocket,
    protected readonly links: Links,
  ) {}
}
