/**
 * team: the team device (no IFLA_INFO_DATA), module team. Only creation and
 * enslaving (`master`) go over rtnetlink; the team's options (mode, active
 * port, ports' options) are the generic netlink "team" family:
 * `genl.team.setOptions()` (src/genl/team.ts, docs/genl.md).
 *
 *   ip link add team0 type team
 *   rtnl.links.add({ name: 'team0', kind: 'team' })
 * @module
 */
import type { LinkKind } from './registry.js';

declare module './registry.js' {
  interface KindAddOptions {
    /** No kind options. */
    team: {};
  }
  interface KindData {
    /** No IFLA_INFO_DATA. */
    team: NoKindData;
  }
}

/** The team kind (registered by kinds/table.ts). */
export const teamKind: LinkKind = { kind: 'team', ether: true, module: 'team' };
