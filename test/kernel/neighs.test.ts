// Neighbours and FDB entries against the live kernel, with `ip -j neigh` and `bridge -j fdb` as oracles.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, NetlinkError, ArgumentError, neighStateNames, neighFlagNames, type Neighbour } from '../../src/index.js';
import { ktest, withNetns, ipJson, ip, sh } from '../helpers.js';
import { rejectsA } from '../expect.js';

interface IpNeigh {
  dst: string;
  dev: string;
  lladdr?: string;
  state?: string[];
  router?: null;
  proxy?: null;
}
interface BridgeFdb {
  mac: string;
  ifname: string;
  dst?: string;
  vni?: number;
  port?: number;
  vlan?: number;
  viaIf?: string;
  master?: string;
  flags: string[];
  state: string;
}

async function nameMap(r: Rtnl): Promise<Map<number, string>> {
  return new Map((await r.links.list()).map((l) => [l.index, l.name]));
}

/** The library's ARP/NDP entries must be exactly `ip -j neigh show nud all` (or `proxy`). */
async function compareNeighs(r: Rtnl, ns: string, all: Neighbour[], ...ipArgs: string[]): Promise<void> {
  const fam = ipArgs.filter((a) => a === '-4' || a === '-6');
  const rest = ipArgs.filter((a) => a !== '-4' && a !== '-6');
  // IPv6 multicast (ff00::/8) entries come and go with MLD reports: leave them out on both sides
  const mc = (d: string | undefined): boolean => d?.startsWith('ff') === true;
  const oracle = ipJson<IpNeigh[]>(ns, ...fam, 'neigh', 'show', ...rest).filter((o) => !mc(o.dst));
  const mine = all.filter((n) => !mc(n.dst));
  // `ip neigh show dev X` leaves out dev
  const devArg = rest.indexOf('dev');
  if (devArg >= 0) for (const o of oracle) o.dev ??= rest[devArg + 1]!;
  const names = await nameMap(r);
  assert.equal(mine.length, oracle.length, `same number of entries: library ${mine.map((n) => n.dst).join(' ')}`);
  for (const o of oracle) {
    const n = mine.find((x) => x.dst === o.dst && names.get(x.index) === o.dev);
    assert.ok(n, `library lists ${o.dst} dev ${o.dev}`);
    assert.equal(n!.lladdr, o.lladdr, `lladdr of ${o.dst}`);
    if (o.state) assert.equal(neighStateNames(Number(typeof n!.state === 'number' ? n!.state : stateBits(n!))).map((s) => s.toUpperCase()), o.state, `state of ${o.dst}`);
    assert.equal(neighFlagNames(n!.flags).includes('router'), 'router' in o, `router flag of ${o.dst}`);
    assert.equal(neighFlagNames(n!.flags).includes('proxy'), 'proxy' in o, `proxy flag of ${o.dst}`);
  }
}

const BITS: Record<string, number> = { none: 0, incomplete: 1, reachable: 2, stale: 4, delay: 8, probe: 0x10, failed: 0x20, noarp: 0x40, permanent: 0x80 };
function stateBits(n: Neighbour): number {
  return typeof n.state === 'number' ? n.state : BITS[n.state]!;
}

/** bridge prints permanent / static / stale / (nothing) from the NUD bits. */
function bridgeState(n: Neighbour): string {
  const s = stateBits(n);
  if (s & 0x80) return 'permanent';
  if (s & 0x40) return 'static';
  if (s & 0x04) return 'stale';
  return '';
}

/** The library's FDB entries must be exactly `bridge -j fdb show ...`. */
async function compareFdb(r: Rtnl, ns: string, mine: Neighbour[], ...args: string[]): Promise<void> {
  // multicast MACs (the device's uc/mc lists, shown as "self") change with MLD/IGMP joins: leave them out on both sides
  const mc = (mac: string | undefined): boolean => mac !== undefined && (parseInt(mac.slice(0, 2), 16) & 1) === 1;
  const oracle = (JSON.parse(sh('bridge', ['-n', ns, '-j', 'fdb', 'show', ...args]) || '[]') as BridgeFdb[]).filter((o) => !mc(o.mac));
  mine = mine.filter((n) => !mc(n.lladdr));
  // `bridge fdb show dev X` leaves out ifname
  const devArg = args.indexOf('dev');
  if (devArg >= 0) for (const o of oracle) o.ifname ??= args[devArg + 1]!;
  const names = await nameMap(r);
  assert.equal(mine.length, oracle.length, `same number of FDB entries: library ${mine.map((n) => `${n.lladdr}@${names.get(n.index)}${n.dst ? '>' + n.dst : ''}`).join(' ')}`);
  for (const o of oracle) {
    const n = mine.find((x) => x.lladdr === o.mac && names.get(x.index) === o.ifname && x.dst === o.dst && x.vni === o.vni && x.port === o.port && x.vlan === o.vlan);
    assert.ok(n, `library lists ${o.mac} dev ${o.ifname} dst ${o.dst}`);
    assert.equal(n!.family, 7);
    assert.equal(n!.master !== undefined ? names.get(n!.master) : undefined, o.master, `master of ${o.mac}`);
    assert.equal(n!.via !== undefined ? names.get(n!.via) : undefined, o.viaIf, `via of ${o.mac}`);
    assert.equal(bridgeState(n!), o.state, `state of ${o.mac}`);
    const shown = neighFlagNames(n!.flags).filter((f) => ['self', 'router', 'extern_learn', 'offloaded', 'sticky'].includes(f)).map((f) => (f === 'offloaded' ? 'offload' : f));
    assert.equal(shown, o.flags, `flags of ${o.mac} dev ${o.ifname}`);
  }
}

async function withSetup(fn: (r: Rtnl, ns: string) => Promise<void>): Promise<void> {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
      await r.links.set('veth0', { up: true });
      await r.links.set('veth1', { up: true });
      await r.addrs.add('veth0', '10.0.1.1/24');
      await r.addrs.add('veth0', '2001:db8::1/64', { flags: ['nodad'] });
      await fn(r, ns);
    } finally {
      await r.close();
    }
  }, 'neigh');
}

ktest(test, 'ARP/NDP entries with states and flags equal ip -j neigh show nud all; get, replace, del', async () => {
  await withSetup(async (r, ns) => {
    await r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', lladdr: '02:00:00:00:00:07' });
    await r.neighs.add({ dev: 'veth0', dst: '10.0.1.8', lladdr: '02:00:00:00:00:08', state: 'stale', flags: ['router'] });
    await r.neighs.add({ dev: 'veth0', dst: '10.0.1.9', lladdr: '02:00:00:00:00:09', state: 'noarp' });
    await r.neighs.add({ dev: 'veth0', dst: '2001:db8::7', lladdr: '02:00:00:00:00:17', state: 'stale', flags: ['router'] });
    await r.neighs.add({ dev: 'veth0', dst: '2001:db8::8', lladdr: '02:00:00:00:00:18', family: 'inet6' });
    await r.neighs.add({ dev: 'veth0', dst: '10.0.1.10', flags: ['proxy'] });
    await compareNeighs(r, ns, await r.neighs.list(), 'nud', 'all');
    await compareNeighs(r, ns, await r.neighs.list({ family: 'inet' }), '-4', 'nud', 'all');
    await compareNeighs(r, ns, await r.neighs.list({ dev: 'veth0' }), 'nud', 'all', 'dev', 'veth0');
    const proxies = await r.neighs.list({ proxy: true });
    await compareNeighs(r, ns, proxies, 'proxy');
    assert.equal(proxies.map((p) => p.dst), ['10.0.1.10']);
    const all = await r.neighs.list();
    assert.equal(all.find((n) => n.dst === '10.0.1.7')!.state, 'permanent');
    assert.equal(all.find((n) => n.dst === '10.0.1.8')!.state, 'stale');
    const g = await r.neighs.get('veth0', '10.0.1.8');
    // iproute2 6.1 prints `neigh get` as text even with -j: "10.0.1.8 dev veth0 lladdr 02:.. router STALE"
    const og = ip(ns, 'neigh', 'get', '10.0.1.8', 'dev', 'veth0').trim().split(/\s+/);
    assert.equal(g.lladdr, og[og.indexOf('lladdr') + 1]);
    assert.equal(neighFlagNames(g.flags).includes('router'), og.includes('router'));
    assert.equal(neighStateNames(stateBits(g)).map((s) => s.toUpperCase()), [og[og.length - 1]]);
    await r.neighs.replace({ dev: 'veth0', dst: '10.0.1.8', lladdr: '02:00:00:00:00:88', state: 'reachable' });
    const g2 = await r.neighs.get('veth0', '10.0.1.8');
    assert.equal(g2.lladdr, '02:00:00:00:00:88');
    assert.equal(g2.state, 'reachable');
    const e1 = await rejectsA(r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', lladdr: '02:00:00:00:00:77' }), NetlinkError);
    assert.equal(e1.code, 'EEXIST');
    await r.neighs.del({ dev: 'veth0', dst: '10.0.1.7' });
    await r.neighs.del(all.find((n) => n.dst === '2001:db8::7')!);
    await r.neighs.del({ dev: 'veth0', dst: '10.0.1.10', flags: ['proxy'] });
    const e2 = await rejectsA(r.neighs.del({ dev: 'veth0', dst: '10.0.1.7' }), NetlinkError);
    assert.equal(e2.code, 'ENOENT');
    const e3 = await rejectsA(r.neighs.get('veth0', '10.0.1.99'), NetlinkError);
    assert.equal(e3.code, 'ENOENT');
    await compareNeighs(r, ns, await r.neighs.list(), 'nud', 'all');
    assert.equal(await r.neighs.list({ proxy: true }), []);
  });
});

ktest(test, 'ARP entries learned from traffic (ping) appear as ip shows them', async () => {
  await withSetup(async (r, ns) => {
    await r.links.add({ name: 'veth2', kind: 'veth', peer: 'veth3' });
    await r.links.set('veth2', { up: true });
    await r.links.set('veth3', { up: true });
    await r.addrs.add('veth2', '10.0.7.1/24');
    // veth3 answers ARP only if it owns the address: put it in the same namespace with an address
    await r.addrs.add('veth3', '10.0.7.2/24');
    sh('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '2', '-I', 'veth2', '10.0.7.2'], { allowFail: true });
    // The ARP exchange also teaches the other side an entry, a moment later:
    // wait until the table stops changing (checked with ip) before comparing.
    let prev = '';
    for (let i = 0; i < 50; i++) {
      const now = JSON.stringify(ipJson(ns, '-4', 'neigh', 'show', 'nud', 'all').map((n: { dst: string; dev: string }) => `${n.dev} ${n.dst}`).sort());
      if (now === prev) break;
      prev = now;
      await new Promise((res) => setTimeout(res, 200));
    }
    // The table can still change between our dump and ip's (an entry learned
    // late on a loaded machine): compare two snapshots taken close together,
    // again a few times, and fail only if they never agree.
    for (let attempt = 1; ; attempt++) {
      try {
        await compareNeighs(r, ns, await r.neighs.list({ family: 'inet' }), '-4', 'nud', 'all');
        break;
      } catch (e) {
        if (attempt >= 10) throw e;
        await new Promise((res) => setTimeout(res, 300));
      }
    }
  });
});

ktest(test, 'vxlan FDB: head-end replication entries (fdb append) and a unicast entry equal bridge -j fdb show', async () => {
  await withSetup(async (r, ns) => {
    // the vxlan kind module is another piece of work: create the device with iproute2 (test setup only)
    ip(ns, 'link', 'add', 'vxlan0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.0.1.1');
    // bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 192.168.1.2 (the brief's example, spelled out)
    await r.neighs.append({ dev: 'vxlan0', lladdr: '00:00:00:00:00:00', dst: '192.168.1.2', family: 'bridge', flags: ['self'], state: 'permanent' });
    await r.neighs.fdb.append({ dev: 'vxlan0', lladdr: '00:00:00:00:00:00', dst: '192.168.1.3', vni: 100, port: 4790 });
    await r.neighs.fdb.append({ dev: 'vxlan0', lladdr: '00:00:00:00:00:00', dst: '192.168.1.5', via: 'veth0' });
    await r.neighs.fdb.add({ dev: 'vxlan0', lladdr: '02:00:00:00:00:aa', dst: '192.168.1.4', state: ['noarp', 'reachable'] }); // bridge's "static"
    await compareFdb(r, ns, await r.neighs.fdb.list({ dev: 'vxlan0' }), 'dev', 'vxlan0');
    const e = await rejectsA(r.neighs.fdb.add({ dev: 'vxlan0', lladdr: '02:00:00:00:00:aa', dst: '192.168.1.4' }), NetlinkError);
    assert.equal(e.code, 'EEXIST');
    await r.neighs.fdb.del({ dev: 'vxlan0', lladdr: '00:00:00:00:00:00', dst: '192.168.1.3', vni: 100, port: 4790 });
    await r.neighs.fdb.replace({ dev: 'vxlan0', lladdr: '02:00:00:00:00:aa', dst: '192.168.1.9' });
    const left = await r.neighs.fdb.list({ dev: 'vxlan0' });
    await compareFdb(r, ns, left, 'dev', 'vxlan0');
    assert.equal(left.filter((n) => n.lladdr === '00:00:00:00:00:00').map((n) => n.dst).sort(), ['192.168.1.2', '192.168.1.5']);
    assert.equal(left.find((n) => n.lladdr === '02:00:00:00:00:aa')!.dst, '192.168.1.9');
    for (const n of left) await r.neighs.fdb.del(n);
    assert.equal(await r.neighs.fdb.list({ dev: 'vxlan0' }), []);
  });
}, ['vxlan']);

ktest(test, 'bridge FDB: static and local entries on a port (master) equal bridge -j fdb show', async () => {
  await withSetup(async (r, ns) => {
    await r.links.add({ name: 'br0', kind: 'bridge' });
    await r.links.set('veth1', { master: 'br0' });
    // no learning: entries learned from veth0's own traffic would appear between our read and bridge's
    sh('bridge', ['-n', ns, 'link', 'set', 'dev', 'veth1', 'learning', 'off']);
    await r.links.set('br0', { up: true });
    await r.neighs.fdb.add({ dev: 'veth1', lladdr: '02:00:00:00:00:bb', flags: ['master'], state: 'noarp' }); // bridge fdb add ... master static
    await r.neighs.fdb.add({ dev: 'veth1', lladdr: '02:00:00:00:00:cc', flags: ['master'] }); // default: local (permanent)
    await r.neighs.fdb.add({ dev: 'veth1', lladdr: '02:00:00:00:00:dd', flags: ['master'], state: 'reachable' }); // dynamic
    await compareFdb(r, ns, await r.neighs.fdb.list({ dev: 'veth1' }), 'dev', 'veth1');
    await compareFdb(r, ns, await r.neighs.fdb.list({ master: 'br0' }), 'br', 'br0');
    await compareFdb(r, ns, await r.neighs.fdb.list());
    const mine = await r.neighs.fdb.list({ master: 'br0' });
    assert.equal(mine.find((n) => n.lladdr === '02:00:00:00:00:bb')!.state, 'noarp');
    await r.neighs.fdb.del({ dev: 'veth1', lladdr: '02:00:00:00:00:bb', flags: ['master'] });
    await compareFdb(r, ns, await r.neighs.fdb.list({ dev: 'veth1' }), 'dev', 'veth1');
    assert.ok(!(await r.neighs.fdb.list({ dev: 'veth1' })).some((n) => n.lladdr === '02:00:00:00:00:bb'));
  });
}, ['bridge']);

ktest(test, 'bridge FDB with NDA_VLAN on a vlan-filtering bridge equals bridge -j fdb show', async () => {
  await withSetup(async (r, ns) => {
    await r.links.add({ name: 'br0', kind: 'bridge', bridge: { vlanFiltering: true } });
    await r.links.set('veth1', { master: 'br0' });
    sh('bridge', ['-n', ns, 'link', 'set', 'dev', 'veth1', 'learning', 'off']);
    sh('bridge', ['-n', ns, 'vlan', 'add', 'vid', '5', 'dev', 'veth1']);
    await r.links.set('br0', { up: true });
    await r.neighs.fdb.add({ dev: 'veth1', lladdr: '02:00:00:00:00:bb', flags: ['master'], state: 'noarp', vlan: 5 });
    await r.neighs.fdb.add({ dev: 'veth1', lladdr: '02:00:00:00:00:bb', flags: ['master'], state: 'noarp', vlan: 1 });
    const mine = await r.neighs.fdb.list({ dev: 'veth1' });
    await compareFdb(r, ns, mine, 'dev', 'veth1');
    assert.equal(mine.filter((n) => n.lladdr === '02:00:00:00:00:bb').map((n) => n.vlan).sort(), [1, 5]);
    await r.neighs.fdb.del({ dev: 'veth1', lladdr: '02:00:00:00:00:bb', flags: ['master'], vlan: 5 });
    const left = await r.neighs.fdb.list({ dev: 'veth1' });
    await compareFdb(r, ns, left, 'dev', 'veth1');
    assert.equal(left.filter((n) => n.lladdr === '02:00:00:00:00:bb').map((n) => n.vlan), [1]);
  });
}, ['bridge-vlan-filtering']);

ktest(test, 'bad input is ArgumentError naming the field, with nothing sent', async () => {
  await withSetup(async (r) => {
    const before = r.socket.stats.datagramsOut;
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', lladdr: '02:00:00:00:00' as string + ':zz' }), 'lladdr'],
      [() => r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', lladdr: '02:00:00:00:00:07:08:09:0a' }), 'lladdr'],
      [() => r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', state: 'sleepy' as 'stale' }), 'state[0]'],
      [() => r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', flags: ['loud' as 'router'] }), 'flags[0]'],
      [() => r.neighs.add({ dev: 'veth0', dst: '10.0.1.777' }), 'dst'],
      [() => r.neighs.add({ dev: 'veth0', lladdr: '02:00:00:00:00:07' }), 'dst'],
      [() => r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', vlan: 5 }), 'vlan'],
      [() => r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', family: 'inet6' }), 'dst'],
      [() => r.neighs.add({ dst: '10.0.1.7' } as never), 'dev'],
      [() => r.neighs.add({ dev: 'veth0', dst: '10.0.1.7', colour: 1 } as never), 'colour'],
      [() => r.neighs.fdb.add({ dev: 'veth0', dst: '10.0.1.7' }), 'lladdr'],
      [() => r.neighs.fdb.add({ dev: 'veth0', lladdr: '02:00:00:00:00:07:00:00' }), 'lladdr'],
      [() => r.neighs.fdb.add({ dev: 'veth0', lladdr: '02:00:00:00:00:07', vni: 1 << 24 }), 'vni'],
      [() => r.neighs.fdb.add({ dev: 'veth0', lladdr: '02:00:00:00:00:07', vlan: 4095 }), 'vlan'],
      [() => r.neighs.fdb.add({ dev: 'veth0', lladdr: '02:00:00:00:00:07', port: 0 }), 'port'],
      [() => r.neighs.get('veth0', 'nope'), 'dst'],
      [() => r.neighs.list({ family: 'mpls' }), 'filter.family'],
      [() => r.neighs.fdb.list({ proxy: true } as never), 'filter.proxy'],
    ];
    for (const [i, [fn, field]] of cases.entries()) {
      const e = await rejectsA(fn, ArgumentError).catch((x: Error) => {
        throw new Error(`case ${i} (${field}): ${x.message}`);
      });
      assert.equal(e.field, field, `case ${i}: ${e.message}`);
    }
    assert.equal(r.socket.stats.datagramsOut, before, 'no datagram was sent for bad input');
  });
});

test.run();
