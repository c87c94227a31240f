// Decoded links narrow without casts: kindData() by kind, afSpec/protinfo by
// the message family; handles are AsyncDisposable. See link-add.ts for the rules.
import { Rtnl, Tun, kindData, slaveData, isEvent, type AnyLink, type Link, type BridgeLink } from 'rtnetlink';

declare const rtnl: Rtnl;
declare const any: AnyLink;

export async function narrowing(): Promise<void> {
  const l: Link = await rtnl.links.get('vx0');
  // kindData: the kind's decoded IFLA_INFO_DATA
  const vni: number | undefined = kindData(l, 'vxlan')?.id;
  const remote: string | undefined = kindData(l, 'vxlan')?.remote;
  const proto: '802.1Q' | '802.1ad' | number | undefined = kindData(l, 'vlan')?.protocol;
  // read back under the names written: vxlan local/group, geneve remote, bridge vlanProtocol by name
  const local: string | undefined = kindData(l, 'vxlan')?.local;
  const group: string | undefined = kindData(l, 'vxlan')?.group;
  const gremote: string | undefined = kindData(l, 'geneve')?.remote;
  const brProto: '802.1Q' | '802.1ad' | number | undefined = kindData(l, 'bridge')?.vlanProtocol;
  const cost: number | undefined = slaveData(l, 'bridge')?.cost;
  kindData(l, 'dummy');
  // @ts-expect-error -- expect: '"vxaln"' is not assignable
  kindData(l, 'vxaln');
  // @ts-expect-error -- expect: Property 'stpState' does not exist
  kindData(l, 'vxlan')?.stpState;

  // afSpec of an AF_UNSPEC link (list/get): LinkAfSpec, no cast
  const mode = l.afSpec?.inet6?.addrGenMode;
  const fwd: number | undefined = l.afSpec?.inet?.conf?.forwarding;
  // @ts-expect-error -- expect: Property 'vlanInfo' does not exist
  l.afSpec?.vlanInfo;

  // AF_BRIDGE dumps: BridgeLink, afSpec holds VLANs, protinfo IFLA_BRPORT_*
  const ports: BridgeLink[] = await rtnl.links.list({ family: 7 });
  const vids: number[] = ports.flatMap((p) => (p.afSpec?.vlanInfo ?? []).map((v) => v.vid));
  const portCost: number | undefined = ports[0]?.protinfo?.cost;

  // any family (decodeLink, monitor events): narrow on family
  if (any.family === 0) {
    const m = any.afSpec?.inet6?.addrGenMode;
    void m;
  } else if (any.family === 7) {
    const v = any.afSpec?.vlanInfo;
    void v;
  } else if (any.family === 10) {
    const a = any.protinfo?.addrGenMode;
    void a;
  }
  // @ts-expect-error -- expect: Property 'inet6' does not exist
  any.afSpec?.inet6;

  for await (const ev of rtnl.monitor(['link'])) {
    if (isEvent(ev, 'link') && ev.object.family === 0) void ev.object.afSpec?.inet?.conf;
    break;
  }
  void [vni, remote, proto, local, group, gremote, brProto, cost, mode, fwd, vids, portCost];
}

export async function disposal(names: string[]): Promise<void> {
  for (const ns of names) {
    await using r = await Rtnl.open({ netns: ns });
    await using mon = r.monitor(['link']);
    await using tun = await Tun.open({ netns: ns });
    void [mon, tun];
    await r.links.add({ kind: 'dummy' });
  }
  // @ts-expect-error -- expect: must be either an object with a '[Symbol.asyncDispose]()'
  await using notAHandle = { close: async () => {} };
  void notAHandle;
}
