// `rtnl-dump -j` against `ip -j`, key by key: one namespace with a
// representative topology (veth pairs, a bridge with ports, vxlan, macvlan,
// macvtap, tap, ifb, a veth whose peer is in another namespace, an altname;
// IPv4/IPv6 addresses with peer, label, metric, deprecated lifetimes;
// routes in several tables with metrics, multipath, realms, IPv6 preference;
// neighbours permanent, router, proxy, bridge and vxlan FDB entries; rules of
// both families with marks, ports, uid ranges, actions). Every key ip prints
// must be in ours with the same value (or, for values that move between the
// two runs such as counters and timers, the same JSON type); keys we print
// that ip does not are listed per command below, with the reason (docs/cli.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { ktest, createNs, destroyNs, ip, sh } from '../helpers.js';
import { BIN, check, ours, sameText, theirs } from '../ipjson-compare.js';

/** Wait until the links stop changing (carrier and operstate settle after `up`; linkwatch runs up to a second later). */
async function settle(ns: string): Promise<void> {
  const snap = (): string => theirs(ns, '-j', 'link', 'show').replace(/"stats64":\{[^}]*\}/g, '');
  let prev = snap();
  let still = 0;
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const cur = snap();
    still = cur === prev ? still + 1 : 0;
    if (still >= 5) return;
    prev = cur;
  }
  throw new Error(`links of ${ns} kept changing`);
}

/** The topology, built with iproute2 (and sysctl, bridge) in ns; ns2 holds the other end of one veth. */
function build(ns: string, ns2: string): void {
  // no duplicate address detection: addresses and neighbours stay as configured between the two dumps
  for (const k of ['all', 'default']) sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${k}.accept_dad=0`]);
  const cmds = [
    'link add v0 type veth peer name v1',
    'link add p0 type veth peer name p1',
    'link add br0 type bridge forward_delay 800 ageing_time 20000',
    'link set v0 master br0',
    'link set p0 master br0',
    'link add vx0 type vxlan id 42 remote 192.0.2.1 local 10.9.0.1 dev v1 dstport 4789 nolearning ttl 10 ageing 120',
    'link add mv0 link v1 type macvlan mode bridge',
    'link add mt0 link p1 type macvtap mode vepa',
    'link add ifb0 type ifb',
    'tuntap add tap0 mode tap',
    `link add x0 type veth peer name x1 netns ${ns2}`,
    'link property add dev v1 altname veth-one-alt',
    'link set dev v1 alias uplink',
    'link set v0 up', 'link set v1 up', 'link set p0 up', 'link set p1 up', 'link set br0 up', 'link set vx0 up', 'link set lo up',
    'addr add 10.9.0.1/24 dev br0',
    'addr add 2001:db8::1/64 dev br0',
    'addr add 10.10.0.1 peer 10.10.0.2/32 dev v1',
    'addr add 10.11.0.1/24 brd + dev v1 label v1:x',
    'addr add 10.12.0.1/24 dev v1 metric 77',
    'addr add 2001:db8:1::1/64 dev v1 valid_lft 3000 preferred_lft 0',
    'route add 10.8.0.0/16 via 10.9.0.2 metric 50',
    'route add blackhole 10.66.0.0/16 table 100',
    'route add unreachable 10.67.0.0/16',
    'route add prohibit 10.68.0.0/16 table 100 metric 3',
    'route add 10.70.0.0/16 nexthop via 10.9.0.2 weight 2 nexthop via 10.11.0.2 dev v1 weight 1',
    'route add 10.71.0.0/16 via 10.9.0.3 mtu lock 1400 rto_min 300ms initcwnd 10 advmss 1300',
    'route add 10.72.0.0/16 dev br0 realm 5 src 10.9.0.1 proto static',
    'route add 10.73.0.0/16 via 10.99.0.1 dev br0 onlink table 200',
    '-6 route add 2001:db8:9::/48 via 2001:db8::2 metric 5 pref high',
    '-6 route add 2001:db8:a::/48 dev br0 table 300',
    'neigh add 10.9.0.5 lladdr 02:00:00:00:00:05 dev br0',
    'neigh add 10.9.0.6 lladdr 02:00:00:00:00:06 dev br0 nud reachable',
    '-6 neigh add 2001:db8::5 lladdr 02:00:00:00:00:07 dev br0 router',
    'neigh add proxy 10.9.0.99 dev br0',
    'rule add from 10.1.0.0/16 table 100 pref 1000',
    'rule add not to 10.2.0.0/16 fwmark 0x10/0xff iif v1 lookup 100 pref 1001',
    'rule add ipproto tcp dport 80-90 sport 22 lookup 100 pref 1002',
    'rule add uidrange 100-200 lookup 200 pref 1003',
    'rule add prohibit pref 1004',
    'rule add tos 0x10 table 100 suppress_prefixlength 0 protocol static pref 1005',
    'rule add from 10.3.0.0/16 goto 1000 pref 900',
    'rule add oif br0 nop pref 1006',
    'rule add fwmark 7 realms 3/4 table 100 pref 1007',
    '-6 rule add from 2001:db8::/32 table 200 pref 500',
    '-6 rule add to 2001:db8:5::/48 unreachable pref 501',
  ];
  for (const c of cmds) ip(ns, ...c.split(' '));
  sh('bridge', ['-n', ns, 'fdb', 'add', '02:00:00:00:01:01', 'dev', 'v0', 'master', 'static']);
  sh('bridge', ['-n', ns, 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '192.0.2.9']);
  ip(ns2, 'link', 'set', 'x1', 'up');
  ip(ns, 'link', 'set', 'x0', 'up');
}

/**
 * About 40 CLI runs: 5 minutes under emulation, 1 on the host. The kinds the
 * host lacks are compared with ip by kernel/cli-kinds in the VM lane.
 */
const HOST_ONLY = { lanes: ['host'] as const, reason: 'heavy under emulation (about 40 rtnl-dump runs; kernel/cli-kinds compares the kinds the host lacks in this lane)' };

/** The topology is built once, by the first test that needs it, and removed after the last (also on failure). */
let topo: Promise<[string, string]> | undefined;
function topology(): Promise<[string, string]> {
  topo ??= (async () => {
    const ns = createNs('ipj');
    const ns2 = createNs('ipj');
    build(ns, ns2);
    await settle(ns);
    return [ns, ns2] as [string, string];
  })();
  return topo;
}
test.after(async () => {
  if (!topo) return;
  const [ns, ns2] = await topo.catch(() => ['', ''] as [string, string]);
  if (ns) destroyNs(ns);
  if (ns2) destroyNs(ns2);
});

ktest(
  test,
  '-j matches ip -j key by key: links (plain, -d, -s, -s -s, dev), addresses (all, -4, -6, dev, -s), routes (-4, -6, -d, dev), neighbours (all, -s, dev), rules (-4, -6, -d)',
  async () => {
    {
      const [ns] = await topology();
      let n = 0;
      // links
      n += check(ns, ['link', '-j'], ['link', 'show']);
      n += check(ns, ['link', '-j', '-d'], ['-d', 'link', 'show']);
      n += check(ns, ['link', '-j', '-s'], ['-s', 'link', 'show']);
      n += check(ns, ['link', '-j', '-ss'], ['-s', '-s', 'link', 'show']);
      n += check(ns, ['link', '-j', '-d', 'dev', 'vx0'], ['-d', 'link', 'show', 'dev', 'vx0']);
      n += check(ns, ['link', '-j', 'veth-one-alt'], ['link', 'show', 'veth-one-alt']);
      // the kinds and keys the topology was built to show are really in ip's output
      const ipd = JSON.parse(theirs(ns, '-j', '-d', 'link', 'show')) as Array<{ ifname: string; link_netnsid?: number; altnames?: string[]; ifalias?: string; linkinfo?: { info_kind?: string; info_slave_kind?: string } }>;
      for (const k of ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'ifb', 'tun']) assert.ok(ipd.some((l) => l.linkinfo?.info_kind === k), `topology has ${k}`);
      assert.ok(ipd.some((l) => l.linkinfo?.info_slave_kind === 'bridge'), 'a bridge port');
      assert.ok(ipd.some((l) => l.link_netnsid !== undefined), 'a peer in another namespace');
      assert.ok(ipd.some((l) => l.altnames?.length && l.ifalias), 'an altname and an alias');
      // addresses: `ip -6 addr` asks the kernel's IPv6 link dump, which has no qdisc, master, group or altnames, and no
      // IFLA_LINK_NETNSID: ip then takes the peer's index in the other namespace for one of ours ("link"); we print
      // "link_index" and "link_netnsid" from the full link dump
      n += check(ns, ['addr', '-j', '-6'], ['-6', 'addr', 'show'], ['[].qdisc', '[].master', '[].group', '[].altnames', '[].link_index', '[].link_netnsid'], ['[].link']);
      n += check(ns, ['addr', '-j', 'dev', 'v1'], ['addr', 'show', 'dev', 'v1']);
      n += check(ns, ['addr', '-j', '-s', '-d'], ['-s', '-d', 'addr', 'show']);
      // routes (ip shows one family at a time)
      n += check(ns, ['route', '-j', '-4'], ['-4', 'route', 'show', 'table', 'all']);
      n += check(ns, ['route', '-j', '-6'], ['-6', 'route', 'show', 'table', 'all']);
      n += check(ns, ['route', '-j', '-4', '-d'], ['-4', '-d', 'route', 'show', 'table', 'all']);
      n += check(ns, ['route', '-j', '-6', '-s'], ['-6', '-s', 'route', 'show', 'table', 'all']);
      // neighbours (with the bridge and vxlan FDB entries an AF_UNSPEC dump brings)
      n += check(ns, ['neigh', '-j'], ['neigh', 'show', 'nud', 'all']);
      n += check(ns, ['neigh', '-j', '-s'], ['-s', 'neigh', 'show', 'nud', 'all']);
      n += check(ns, ['neigh', '-j', '-4'], ['-4', 'neigh', 'show', 'nud', 'all']);
      // ip leaves out "dev" when filtering by it; we keep it
      n += check(ns, ['neigh', '-j', 'dev', 'br0'], ['neigh', 'show', 'nud', 'all', 'dev', 'br0'], ['[].dev']);
      // rules
      n += check(ns, ['rule', '-j', '-4'], ['-4', 'rule', 'show']);
      n += check(ns, ['rule', '-j', '-6'], ['-6', 'rule', 'show']);
      n += check(ns, ['rule', '-j', '-4', '-d'], ['-4', '-d', 'rule', 'show']);
      assert.ok(n > 1500, `values compared: ${n}`);
    }
  },
  ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'ifb', 'tap'],
  HOST_ONLY,
);

ktest(
  test,
  'route dev NAME: every route ip shows for the device, plus multipath routes with a next hop on it',
  async () => {
    {
      const [ns] = await topology();
      const mine = JSON.parse(ours(ns, 'route', '-4', '-j', 'dev', 'v1')) as Array<{ dst: string; nexthops?: Array<{ dev: string }>; dev?: string }>;
      const t = JSON.parse(theirs(ns, '-4', '-j', 'route', 'show', 'table', 'all', 'dev', 'v1')) as Array<{ dst: string }>;
      const single = mine.filter((r) => !r.nexthops);
      assert.equal(single.map((r) => r.dst), t.map((r) => r.dst));
      assert.ok(single.every((r) => r.dev === 'v1'));
      const multi = mine.filter((r) => r.nexthops);
      assert.equal(multi.map((r) => r.dst), ['10.70.0.0/16']);
      assert.ok(multi[0]!.nexthops!.some((h) => h.dev === 'v1'));
      const r = spawnSync(process.execPath, [BIN, 'route', 'dev', 'nosuchdev0', '--netns', ns], { encoding: 'utf8' });
      assert.is(r.status, 1);
      assert.match(r.stderr, /Device "nosuchdev0" does not exist\./);
    }
  },
  ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'ifb', 'tap'],
  HOST_ONLY,
);

ktest(
  test,
  'text: link, -d, -s, -br and addr -br print the lines ip prints (white space normalised, running timers and counters masked)',
  async () => {
    {
      const [ns, ns2] = await topology();
      sameText(ns, ['link'], ['link', 'show']);
      sameText(ns, ['link', '-d'], ['-d', 'link', 'show']);
      sameText(ns, ['link', '-s'], ['-s', 'link', 'show'], true);
      sameText(ns, ['link', '-ss', 'dev', 'br0'], ['-s', '-s', 'link', 'show', 'dev', 'br0'], true);
      sameText(ns, ['link', '-br'], ['-br', 'link', 'show']);
      sameText(ns, ['addr', '-br'], ['-br', 'addr', 'show']);
      sameText(ns, ['addr', '-br', '-4', 'dev', 'v1'], ['-br', '-4', 'addr', 'show', 'dev', 'v1']);
      // the peer in the other namespace by its name (ip: link-netns NAME)
      assert.match(ours(ns, 'link', 'dev', 'x0'), new RegExp(`link-netns ${ns2}$`, 'm'));
    }
  },
  ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'ifb', 'tap'],
  HOST_ONLY,
);

ktest(
  test,
  '--json: <field>Name beside every interface index agrees with the names ip prints (link/master, address device, route dev/nexthops, neighbour dev)',
  async () => {
    const [ns] = await topology();
    const jl = JSON.parse(ours(ns, 'link', '--json')) as Array<{ index: number; name: string; master?: number; masterName?: string; link?: number; linkName?: string; linkNetnsId?: number; linkInfo?: { data?: Record<string, unknown> } }>;
    const il = JSON.parse(theirs(ns, '-j', '-d', 'link', 'show')) as Array<{ ifindex: number; ifname: string; master?: string; link?: string; link_index?: number; linkinfo?: { info_data?: { link?: string } } }>;
    let n = 0;
    for (const t of il) {
      const o = jl.find((x) => x.index === t.ifindex)!;
      assert.is(o.masterName, t.master, `${t.ifname} masterName`);
      if (t.link_index !== undefined) assert.is(o.linkName, undefined, `${t.ifname}: IFLA_LINK is another namespace's index`);
      else assert.is(o.linkName, t.link ?? undefined, `${t.ifname} linkName`);
      if (t.linkinfo?.info_data?.link) assert.is(o.linkInfo?.data?.linkName, t.linkinfo.info_data.link, `${t.ifname} kind link`);
      n += Number(t.master !== undefined) + Number(t.link !== undefined) + Number(t.linkinfo?.info_data?.link !== undefined);
    }
    assert.ok(n >= 6, `names compared: ${n}`);
    const ja = JSON.parse(ours(ns, 'addr', '--json')) as Array<{ index: number; indexName: string; local?: string; address?: string }>;
    for (const t of JSON.parse(theirs(ns, '-j', 'addr', 'show')) as Array<{ ifname: string; addr_info: Array<{ local: string }> }>) {
      for (const a of t.addr_info) assert.ok(ja.some((x) => x.indexName === t.ifname && (x.local ?? x.address) === a.local), `${a.local} on ${t.ifname}`);
    }
    const jr = JSON.parse(ours(ns, 'route', '-4', '--json')) as Array<{ oifName?: string; multipath?: Array<{ ifindexName?: string }> }>;
    const ir = JSON.parse(theirs(ns, '-4', '-j', 'route', 'show', 'table', 'all')) as Array<{ dev?: string; nexthops?: Array<{ dev: string }> }>;
    assert.equal(jr.map((r) => r.oifName), ir.map((r) => r.dev));
    assert.equal(jr.map((r) => r.multipath?.map((h) => h.ifindexName)), ir.map((r) => r.nexthops?.map((h) => h.dev)));
    const jn = JSON.parse(ours(ns, 'neigh', '--json')) as Array<{ indexName?: string }>;
    const inn = JSON.parse(theirs(ns, '-j', 'neigh', 'show', 'nud', 'all')) as Array<{ dev?: string }>;
    assert.equal(jn.map((x) => x.indexName), inn.map((x) => x.dev));
  },
  ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'ifb', 'tap'],
  HOST_ONLY,
);

test.run();
