// links.add() options are a union discriminated on `kind`. Each
// `// @ts-expect-error -- expect: TEXT` line below must be a compile error whose
// message contains TEXT; every other line must compile (test/unit/types.test.ts).
import { Rtnl, unmodelledKind, type Link, type LinkPair, type LinkAddOptions, type KnownKind } from 'rtnetlink';

declare const rtnl: Rtnl;

export async function kinds(): Promise<void> {
  // ---- modelled kinds with their options compile
  const br: Link = await rtnl.links.add({ kind: 'bridge', name: 'br0', bridge: { stpState: 1, vlanFiltering: true } });
  const vx: Link = await rtnl.links.add({ kind: 'vxlan', name: 'vx0', vxlan: { id: 42, remote: '192.0.2.1', port: 4789 } });
  await rtnl.links.add({ kind: 'vxlan', vxlan: { collectMetadata: true } });
  await rtnl.links.add({ kind: 'vlan', link: 'eth0', vlan: { id: 10, protocol: '802.1ad' } });
  await rtnl.links.add({ kind: 'macvlan', link: 2, macvlan: { mode: 'bridge' } });
  await rtnl.links.add({ kind: 'macvtap', link: 'eth0' });
  await rtnl.links.add({ kind: 'ipvlan', link: 'eth0', ipvlan: { mode: 'l3' } });
  await rtnl.links.add({ kind: 'macsec', link: 'eth0', macsec: { encrypt: true } });
  await rtnl.links.add({ kind: 'ipoib', link: 'ib0', ipoib: { pkey: 0x8001 } });
  await rtnl.links.add({ kind: 'geneve', geneve: { id: 1, remote: '192.0.2.9' } });
  await rtnl.links.add({ kind: 'vrf', vrf: { table: 10 } });
  await rtnl.links.add({ kind: 'bridge', bridge: { vlanProtocol: '802.1ad' } });
  await rtnl.links.add({ kind: 'bond', bond: { mode: 'active-backup' } });
  await rtnl.links.add({ kind: 'gre', gre: { remote: '192.0.2.1', local: '192.0.2.2' } });
  await rtnl.links.add({ kind: 'ip6erspan', ip6erspan: { remote: '2001:db8::1' } });
  await rtnl.links.add({ kind: 'sit', sit: { remote: '192.0.2.1' } });
  await rtnl.links.add({ kind: 'tap', tun: { vnetHdr: true }, mtu: 9000 });
  await rtnl.links.add({ kind: 'dummy', mtu: 9000, up: true });
  const pair: LinkPair = await rtnl.links.add({ kind: 'veth' });
  const names: string[] = [pair.link.name, pair.peer.name];
  const can: LinkPair = await rtnl.links.add({ kind: 'vxcan', peer: { name: 'vxcan1' } });
  const none: void = await rtnl.links.add({ kind: 'veth', name: 'v0', peer: 'v1' }, { returnLink: false });
  void [br, vx, names, can, none];

  // ---- a typo of a known kind is an error (not an unmodelled kind)
  // @ts-expect-error -- expect: '"brigde"' is not assignable
  await rtnl.links.add({ kind: 'brigde' });
  // @ts-expect-error -- expect: '"vxaln"' is not assignable
  await rtnl.links.add({ kind: 'vxaln', vxlan: { id: 1 } });
  // a string that is not known to be a kind is an error too
  const someKind: string = 'bridge';
  // @ts-expect-error -- expect: 'string' is not assignable
  await rtnl.links.add({ kind: someKind });

  // ---- one kind's options under another kind's key are an error
  // @ts-expect-error -- expect: 'vxlan' does not exist in type
  await rtnl.links.add({ kind: 'bridge', vxlan: { id: 1 } });
  // @ts-expect-error -- expect: 'bridge' does not exist in type
  await rtnl.links.add({ kind: 'veth', bridge: { stpState: 1 } });
  // @ts-expect-error -- expect: 'peer' does not exist in type
  await rtnl.links.add({ kind: 'bridge', peer: 'x' });
  // @ts-expect-error -- expect: 'stpState' does not exist in type
  await rtnl.links.add({ kind: 'vxlan', vxlan: { id: 1, stpState: 1 } });
  // @ts-expect-error -- expect: 'infoData' does not exist in type
  await rtnl.links.add({ kind: 'bridge', infoData: new Uint8Array(4) });

  // ---- kinds that need a parent device are an error without `link`
  // @ts-expect-error -- expect: Property 'link' is missing
  await rtnl.links.add({ kind: 'vlan', vlan: { id: 10 } });
  // @ts-expect-error -- expect: Property 'link' is missing
  await rtnl.links.add({ kind: 'macvlan', macvlan: { mode: 'bridge' } });
  // @ts-expect-error -- expect: Property 'link' is missing
  await rtnl.links.add({ kind: 'macvtap' });
  // @ts-expect-error -- expect: Property 'link' is missing
  await rtnl.links.add({ kind: 'ipvlan' });
  // @ts-expect-error -- expect: Property 'link' is missing
  await rtnl.links.add({ kind: 'ipvtap', ipvtap: { mode: 'l2' } });
  // @ts-expect-error -- expect: Property 'link' is missing
  await rtnl.links.add({ kind: 'macsec', macsec: {} });
  // @ts-expect-error -- expect: Property 'link' is missing
  await rtnl.links.add({ kind: 'ipoib' });

  // ---- required kind options
  // @ts-expect-error -- expect: Property 'id' is missing
  await rtnl.links.add({ kind: 'vlan', link: 'eth0', vlan: {} });
  // @ts-expect-error -- expect: Property 'vlan' is missing
  await rtnl.links.add({ kind: 'vlan', link: 'eth0' });
  // @ts-expect-error -- expect: Property 'vxlan' is missing
  await rtnl.links.add({ kind: 'vxlan' });
  // @ts-expect-error -- expect: Property 'table' is missing
  await rtnl.links.add({ kind: 'vrf', vrf: {} });
  // @ts-expect-error -- expect: Type '{ id: number; }' is not assignable to type 'GeneveAddOptions'
  await rtnl.links.add({ kind: 'geneve', geneve: { id: 1 } });
  // @ts-expect-error -- expect: '"802.1x"' is not assignable
  await rtnl.links.add({ kind: 'vlan', link: 'eth0', vlan: { id: 1, protocol: '802.1x' } });
  // @ts-expect-error -- expect: '"802.1x"' is not assignable
  await rtnl.links.add({ kind: 'bridge', bridge: { vlanProtocol: '802.1x' } });
  // @ts-expect-error -- expect: 'numTxQueues' are incompatible
  await rtnl.links.add({ kind: 'tun', numTxQueues: 4 });

  // ---- unmodelled kinds: the documented route, unmodelledKind() and raw IFLA_INFO_DATA
  const xf: Link = await rtnl.links.add({ kind: unmodelledKind('xfrm'), name: 'xf0', infoData: new Uint8Array([8, 0, 2, 0, 42, 0, 0, 0]) });
  await rtnl.links.add({ kind: unmodelledKind('bareudp'), link: 'eth0', mtu: 1400 });
  // ...but not with another kind's options
  // @ts-expect-error -- expect: 'bridge' does not exist in type
  await rtnl.links.add({ kind: unmodelledKind('bareudp'), bridge: {} });
  void xf;

  // ---- results
  // @ts-expect-error -- expect: Property 'peer' does not exist
  (await rtnl.links.add({ kind: 'bridge' })).peer;
  // @ts-expect-error -- expect: Property 'name' does not exist
  (await rtnl.links.add({ kind: 'veth' })).name;
  // @ts-expect-error -- expect: 'echo' does not exist in type 'LinkAddRequestOptions
  await rtnl.links.add({ kind: 'bridge' }, { echo: false });

  // ---- options built elsewhere keep their arm
  const opts: LinkAddOptions = { kind: 'vlan', link: 'eth0', vlan: { id: 5 } };
  await rtnl.links.add(opts);
  const k: KnownKind = 'ip6gretap';
  // @ts-expect-error -- expect: '"ip6gretapp"' is not assignable
  const k2: KnownKind = 'ip6gretapp';
  void [k, k2];
}
