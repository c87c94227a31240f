/** Registers every built-in link kind. Import for side effects. */
import './veth.js';
import './bridge.js';
// tun/tap: created with ioctls, not RTM_NEWLINK (links.add dispatches to this creator)
import '../../tun/kind.js';
export * from './registry.js';
