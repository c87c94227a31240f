// links.add() resolves to the link(s) it created, as the kernel reports them:
// from the kernel's NLM_F_ECHO answer where it gives one (6.3+), otherwise
// from one lookup. `ip -j link show` is the oracle for names and indexes.
import { release } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, NetlinkError, ArgumentError, unmodelledKind, type Link } from '../../src/index.js';
import { NLM_F_ECHO } from '../../src/netlink/constants.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { ktest, withNetns, ipJson } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending } from '../expect.js';
const { RTM_GETLINK, RTM_NEWLINK } = UAPI;

interface IpLink {
  ifindex: number;
  ifname: string;
  mtu: number;
  flags: string[];
  master?: string;
  /** the IFLA_LINK device's name when it is in the same namespace (null: no such device) */
  link?: string | null;
  /** IFLA_LINK as an index when it is in another namespace (with link_netnsid) */
  link_index?: number;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

/** The kernel answers RTM_NEWLINK with NLM_F_ECHO since 6.3 ("rtnetlink: Honour NLM_F_ECHO flag in rtnl_{new, set}link"). */
const [maj, min] = release().split('.').map((x) => parseInt(x, 10)) as [number, number];
const kernelEchoes = maj > 6 || (maj === 6 && min >= 3);

/** A handle whose requests are counted by type (and NEWLINK requests' flags kept). */
async function counted(ns: string): Promise<{ r: Rtnl; sent: { newlink: number[]; getlink: number; other: number } }> {
  const sent = { newlink: [] as number[], getlink: 0, other: 0 };
  const r = await Rtnl.open({
    netns: ns,
    tap: (dir, b) => {
      if (dir !== 'out') return;
      const type = b.readUInt16LE(4);
      if (type === RTM_NEWLINK) sent.newlink.push(b.readUInt16LE(6));
      else if (type === RTM_GETLINK) sent.getlink++;
      else sent.other++;
    },
  });
  return { r, sent };
}

function ipLinks(ns: string): IpLink[] {
  return ipJson<IpLink[]>(ns, '-d', 'link', 'show');
}

/** The library's link equals ip's view of the same ifindex (name, mtu, kind, peer index, master name). */
function sameAsIp(ns: string, l: Link, what: string): IpLink {
  const all = ipLinks(ns);
  const o = all.find((x) => x.ifindex === l.index);
  assert.ok(o, `${what}: ip knows ifindex ${l.index} in ${ns}`);
  assert.equal(l.name, o!.ifname, `${what}: name`);
  assert.equal(l.mtu, o!.mtu, `${what}: mtu`);
  assert.equal(l.kind, o!.linkinfo?.info_kind, `${what}: kind`);
  if (o!.link_netnsid !== undefined) assert.equal([l.link, l.linkNetnsId], [o!.link_index, o!.link_netnsid], `${what}: IFLA_LINK elsewhere`);
  // ip prints null for an IFLA_LINK naming no device (0: xfrm without a lower device)
  else assert.equal(l.link === undefined ? undefined : all.find((x) => x.ifindex === l.link)?.ifname, o!.link ?? undefined, `${what}: IFLA_LINK`);
  assert.equal(l.up, o!.flags.includes('UP'), `${what}: up`);
  const master = l.master === undefined ? undefined : all.find((x) => x.ifindex === l.master)?.ifname;
  assert.equal(master, o!.master, `${what}: master`);
  return o!;
}

ktest(test, 'veth without names: both ends with the names the kernel chose, as ip lists them', async () => {
  await withNetns(1, async (ns) => {
    const { r, sent } = await counted(ns);
    try {
      const pair = await r.links.add({ kind: 'veth' });
      const veths = ipLinks(ns).filter((o) => o.linkinfo?.info_kind === 'veth');
      assert.equal(veths.length, 2);
      sameAsIp(ns, pair.link, 'link');
      sameAsIp(ns, pair.peer, 'peer');
      assert.equal(pair.link.link, pair.peer.index);
      assert.equal(pair.peer.link, pair.link.index);
      assert.equal([pair.link.name, pair.peer.name].sort(), veths.map((o) => o.ifname).sort());
      assert.equal(sent.newlink.length, 1);
      assert.ok(sent.newlink[0]! & NLM_F_ECHO, 'asked for the echo');
      // the link from the echo (6.3+) or one lookup; the peer by index from IFLA_LINK: one lookup
      assert.equal(sent.getlink, kernelEchoes ? 1 : 2, `kernel ${release()}: ${kernelEchoes ? 'echo' : 'lookup'}`);
      // the next pair gets other names, and add() reports those
      const pair2 = await r.links.add({ kind: 'veth', mtu: 1400 });
      assert.not.equal(pair2.link.name, pair.link.name);
      assert.equal(sameAsIp(ns, pair2.link, 'second link').mtu, 1400);
      sameAsIp(ns, pair2.peer, 'second peer');
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'a bridge: the echo is the whole answer on 6.3+, one RTM_GETLINK before', async () => {
  await withNetns(1, async (ns) => {
    const { r, sent } = await counted(ns);
    try {
      const br = await r.links.add({ kind: 'bridge', name: 'br0', mtu: 1400, up: true });
      sameAsIp(ns, br, 'br0');
      assert.equal(br.name, 'br0');
      assert.equal(br.kind, 'bridge');
      assert.equal(sent.getlink, kernelEchoes ? 0 : 1, `kernel ${release()}`);
      // without a name: the kernel's bridgeN
      const b2 = await r.links.add({ kind: 'bridge' });
      assert.match(b2.name, /^bridge\d+$/);
      sameAsIp(ns, b2, 'unnamed bridge');
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'named veth enslaved and up: the result has master and up (read after the kernel applies IFLA_MASTER)', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      await r.links.add({ kind: 'bridge', name: 'br0' }, { returnLink: false });
      const { link, peer } = await r.links.add({ kind: 'veth', name: 'va', peer: { name: 'vb', mtu: 1450 }, master: 'br0', up: true });
      assert.equal([link.name, peer.name], ['va', 'vb']);
      assert.equal(sameAsIp(ns, link, 'va').master, 'br0');
      assert.equal(link.up, true);
      assert.equal(sameAsIp(ns, peer, 'vb').mtu, 1450);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'veth across namespaces: the peer read in peer.netns, the link read in netns', async () => {
  await withNetns(3, async (ns, ns2, ns3) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      // peer elsewhere, unnamed
      const a = await r.links.add({ kind: 'veth', name: 'a0', peer: { netns: ns2 } });
      sameAsIp(ns, a.link, 'a0');
      sameAsIp(ns2, a.peer, 'peer in ns2');
      assert.equal(a.link.linkNetnsId, ipLinks(ns).find((o) => o.ifname === 'a0')!.link_netnsid);
      // the link elsewhere, no peer option: the kernel creates the peer with the link's attributes, there too
      const b = await r.links.add({ kind: 'veth', netns: ns3 });
      sameAsIp(ns3, b.link, 'link in ns3');
      sameAsIp(ns3, b.peer, 'peer in ns3');
      // the link elsewhere, a peer given without netns: the peer stays in the requester's namespace
      const c = await r.links.add({ kind: 'veth', name: 'c0', netns: ns2, peer: 'c1' });
      sameAsIp(ns2, c.link, 'c0 in ns2');
      sameAsIp(ns, c.peer, 'c1 here');
      assert.equal([c.link.name, c.peer.name], ['c0', 'c1']);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'vxlan (its driver announces the link itself, no echo): found by name, and as the newest vxlan when unnamed', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      const v0 = await r.links.add({ kind: 'vxlan', name: 'vx0', vxlan: { id: 10, remote: '192.0.2.1', port: 4789 } });
      sameAsIp(ns, v0, 'vx0');
      const v1 = await r.links.add({ kind: 'vxlan', vxlan: { id: 11, remote: '192.0.2.1', port: 4790 } });
      assert.equal(sameAsIp(ns, v1, 'unnamed vxlan').linkinfo?.info_data?.id, 11);
    } finally {
      await r.close();
    }
  });
}, ['vxlan']);

ktest(test, 'tun/tap (made with ioctls): the result is the device, also in another namespace', async () => {
  await withNetns(2, async (ns, ns2) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      const tap = await r.links.add({ kind: 'tap', mtu: 1400 });
      assert.match(tap.name, /^tap\d+$/);
      assert.equal(sameAsIp(ns, tap, 'tap').mtu, 1400);
      const tun = await r.links.add({ kind: 'tun', name: 'tn0', netns: ns2 });
      sameAsIp(ns2, tun, 'tun in ns2');
    } finally {
      await r.close();
    }
  });
}, ['tun', 'tap']);

ktest(test, '{ returnLink: false }: resolves to undefined, no NLM_F_ECHO and no lookup', async () => {
  await withNetns(1, async (ns) => {
    const { r, sent } = await counted(ns);
    try {
      const res = await r.links.add({ kind: 'veth', name: 'v0', peer: 'v1' }, { returnLink: false });
      assert.equal(res, undefined);
      assert.equal(sent.newlink.length, 1);
      assert.equal(sent.newlink[0]! & NLM_F_ECHO, 0, 'no echo asked');
      assert.equal(sent.getlink, 0);
      assert.equal(r.socket.stats.datagramsIn, 1, 'only the ACK came back');
      assert.equal(ipLinks(ns).filter((o) => o.linkinfo?.info_kind === 'veth').length, 2);
      await rejectsEachBeforeSending(r.socket, [
        [() => r.links.add({ kind: 'bridge' }, { returnLink: 1 } as never), 'request.returnLink'],
        [() => r.links.add({ kind: 'bridge' }, { echo: false } as never), 'request.echo'],
        [() => r.links.add({ kind: 'bridge' }, 'no' as never), 'request'],
      ]);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'replace: changes an existing link (NLM_F_CREATE without NLM_F_EXCL) and resolves to it; creates a missing one', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      const created = await r.links.replace({ kind: 'bridge', name: 'br0', mtu: 1400 });
      assert.equal(sameAsIp(ns, created, 'created').mtu, 1400);
      const changed = await r.links.replace({ kind: 'bridge', name: 'br0', mtu: 1300, bridge: { stpState: 1 } });
      assert.equal(changed.index, created.index);
      assert.equal(sameAsIp(ns, changed, 'changed').mtu, 1300);
      assert.equal(ipLinks(ns).find((o) => o.ifname === 'br0')!.linkinfo?.info_data?.stp_state, 1);
      // another kind under that name: the kernel applies the common options to
      // the existing link without looking at the kind; the result is refused
      const e = await rejectsA(r.links.replace({ kind: 'veth', name: 'br0', mtu: 1200 }), NetlinkError, /br0 is a bridge, not a veth/);
      assert.equal(e.code, 'EEXIST');
      assert.equal(ipLinks(ns).find((o) => o.ifname === 'br0')!.mtu, 1200);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'an unmodelled kind through unmodelledKind() with raw IFLA_INFO_DATA (xfrm, as ip shows it)', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      // the kernel refuses an xfrm interface without IFLA_XFRM_IF_ID ("if_id must be non zero")
      await rejectsA(r.links.add({ kind: unmodelledKind('xfrm'), name: 'xf0' }), NetlinkError);
      // IFLA_XFRM_IF_ID (2): u32 0x2a
      const infoData = Buffer.from([8, 0, 2, 0, 0x2a, 0, 0, 0]);
      const l = await r.links.add({ kind: unmodelledKind('xfrm'), name: 'xf0', infoData });
      const o = sameAsIp(ns, l, 'xf0');
      assert.equal(o.linkinfo?.info_data?.if_id, '0x2a');
      assert.equal(l.kind, 'xfrm');
      await rejectsEachBeforeSending(r.socket, [
        [() => r.links.add({ kind: unmodelledKind('bridge'), infoData }), 'infoData'],
        [() => r.links.add({ kind: unmodelledKind('xfrm'), infoData: [1, 2] as never }), 'infoData'],
        [() => r.links.set('xf0', { infoData } as never), 'infoData'],
      ]);
      // uvu calls a function given as the expectation (no instanceof check): a class there throws
      assert.throws(() => unmodelledKind(''), (e: unknown) => e instanceof ArgumentError && e.field === 'kind');
    } finally {
      await r.close();
    }
  });
}, ['xfrm']);

test.run();
