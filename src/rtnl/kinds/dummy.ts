/**
 * dummy: a device that drops everything (no IFLA_INFO_DATA), module dummy.
 *
 *   ip link add dummy0 type dummy
 *   rtnl.links.add({ name: 'dummy0', kind: 'dummy' })
 * @module
 */
import { registerKind } from './registry.js';

registerKind({ kind: 'dummy', module: 'dummy' });
