/**
 * nf_tables over NETLINK_NETFILTER: codec, typed objects, rule builders and
 * request messages. The transport (Nft.open, transactions, list, monitor)
 * plugs these into the core request engine.
 * @module
 */
export * from './codecs.js';
export * from './expr.js';
export * from './objects.js';
export * from './message.js';
export * from './builders.js';
export * from './requests.js';
export * as uapi from './uapi.js';
