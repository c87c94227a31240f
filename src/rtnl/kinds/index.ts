/** Registers every built-in link kind (and the IFLA_AF_SPEC / IFLA_PROTINFO policies). Import for side effects. */
import './veth.js';
import './bridge.js';
// tun/tap: created with ioctls, not RTM_NEWLINK (links.add dispatches to this creator)
import '../../tun/kind.js';
import './vlan.js';
import './vxlan.js';
import './geneve.js';
import './macvlan.js';
import './ipvlan.js';
import './bond.js';
import './team.js';
import './macsec.js';
import './vcan.js';
import './vxcan.js';
import './nlmon.js';
import './dummy.js';
import './ifb.js';
import './vrf.js';
import './wireguard.js';
import './gre.js';
import './iptun.js';
import './ipoib.js';
import './tun.js';
import '../afspec.js';
export * from './registry.js';
