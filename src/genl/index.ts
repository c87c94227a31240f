/**
 * Generic netlink (NETLINK_GENERIC): the Genl handle, the controller, the
 * typed families (macsec, team, wireguard, ethtool) and the protocol
 * functions the capture decoder and the CLI use.
 * @module
 */
export { Genl, type GenlOptions, type GenlRequestOptions } from './genl.js';
export { GenlMonitor, type GenlMonitorOptions, type GenlMonitorEvent, type GenlNotification } from './monitor.js';
export * from './protocol.js';
export * from './ctrl.js';
export * from './codecs.js';
export * from './macsec.js';
export * from './team.js';
export * from './wireguard.js';
export * from './ethtool.js';
export type { DevRef, GenlCallOptions, GenlTransport } from './transport.js';
/** The generic netlink constants by name (`uapi.WGDEVICE_A_IFNAME`): one frozen table. */
export { GENL_UAPI as uapi, type GenlUapi } from './uapi.js';
