/**
 * nf_tables over NETLINK_NETFILTER: `Nft.open({ netns })` (transactions,
 * lists, monitor), the codec, typed objects, rule builders and request
 * messages, and `netfilterProtocol`, the core's protocol registry entry.
 * @module
 */
export * from './codecs.js';
export * from './expr.js';
export * from './objects.js';
export * from './message.js';
export * from './builders.js';
export * from './requests.js';
export * from './protocol.js';
export * from './elements.js';
export * from './nft.js';
export * from './print.js';
export * as uapi from './uapi.js';
