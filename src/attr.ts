/**
 * The public `attr` namespace: the netlink core's table-driven attribute
 * codec (src/netlink/attr.ts) and the interface pieces src/rtnl adds to it
 * (interface name checks, the `ifname` codec, ifindex references and their
 * resolution).
 * @module
 */
export * from './netlink/attr.js';
export { checkIfName, checkIfRefName, checkNameBytes, resolveIfindexes, ifname, IFINDEX, IFINDEX_REF, isIfindexAttr } from './rtnl/ifname.js';
