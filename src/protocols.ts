/**
 * The built-in netlink protocols: NETLINK_ROUTE, NETLINK_GENERIC (with the
 * generic netlink families of src/genl) and NETLINK_NETFILTER, put in the core's protocol registry
 * (src/netlink/protocol.ts) here, in one place. The capture decoder and the
 * CLI look protocols up through this module; a number nothing is registered
 * for decodes as raw messages with their headers.
 * @module
 */
import { protocolFor, registerProtocol, type Protocol } from './netlink/protocol.js';
import { routeProtocol } from './rtnl/schema.js';
import { netfilterProtocol } from './nft/protocol.js';
import { genlProtocol } from './genl/protocol.js';
// The generic netlink families register their message tables when they load.
import './genl/families.js';

/** The protocols this library knows. */
export const BUILTIN_PROTOCOLS: readonly Protocol[] = [routeProtocol, genlProtocol, netfilterProtocol];
for (const p of BUILTIN_PROTOCOLS) registerProtocol(p);

export { protocolFor, registerProtocol };
