/**
 * The generic netlink families this library decodes (controller, macsec,
 * team, wireguard, ethtool): loading this module registers their message
 * tables with src/genl/protocol.ts, without loading the Genl handle.
 * @module
 */
import './ctrl.js';
import './macsec.js';
import './team.js';
import './wireguard.js';
import './ethtool.js';
