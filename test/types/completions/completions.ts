// Completion fixture for test/unit/types.test.ts: each /*^name*/ marker is
// removed and completions are asked for at its place. Not compiled by
// test/types/tsconfig.json (it is incomplete code on purpose).
import { Rtnl, kindData, type Link } from 'rtnetlink';

declare const rtnl: Rtnl;
declare const l: Link;

void rtnl.links.add({ kind: '/*^kind*/' });
void rtnl.links.add({ kind: 'vxlan', vxlan: { port: 4789, /*^vxlanOptions*/ } });
void rtnl.links.add({ kind: 'vlan', /*^vlanTop*/ });
void kindData(l, '/*^kindData*/');
