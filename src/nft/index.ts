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
/** The nf_tables constants by name (`uapi.NFTA_RULE_EXPRESSIONS`): one frozen table; C enums by name in NFT_ENUMS. */
export { NFT_UAPI as uapi, NFT_ENUMS, type NftUapi } from './uapi.js';
