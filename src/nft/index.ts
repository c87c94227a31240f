/**
 * nf_tables over NETLINK_NETFILTER: codec, typed objects, rule builders and
 * request messages, and `netfilterProtocol`, the core's protocol registry
 * entry: `NetlinkSocket.open({ protocol: nft.netfilterProtocol })` then
 * `socket.batch(nft.batchParts(msgs))` applies a transaction.
 * @module
 */
export * from './codecs.js';
export * from './expr.js';
export * from './objects.js';
export * from './message.js';
export * from './builders.js';
export * from './requests.js';
export * from './protocol.js';
export * as uapi from './uapi.js';
