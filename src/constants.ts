/**
 * The public `constants` namespace: the netlink constants (src/netlink/constants.ts)
 * and, as before the uapi split, rtnetlink's multicast-routing families.
 * @module
 */
export * from './netlink/constants.js';
export { RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR } from './rtnl/uapi.js';
