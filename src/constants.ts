/**
 * The public `constants` namespace: the netlink constants (src/netlink/constants.ts)
 * and, as before the uapi split, rtnetlink's multicast-routing families.
 * @module
 */
export * from './netlink/constants.js';
import { UAPI } from './rtnl/uapi.js';
export const RTNL_FAMILY_IPMR = UAPI.RTNL_FAMILY_IPMR;
export const RTNL_FAMILY_IP6MR = UAPI.RTNL_FAMILY_IP6MR;
