// Routes against the live kernel, with `ip -j route` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, NetlinkError, ArgumentError, routeFlagNames, metricLockNames, type Route } from '../../src/index.js';
import { ktest, withNetns, ipJson, ip, sh } from '../helpers.js';
import { rejectsA } from '../expect.js';

interface IpRoute {
  type?: string;
  dst: string;
  from?: string;
  gateway?: string;
  via?: { family: string; host: string };
  dev?: string;
  protocol?: string;
  scope?: string;
  metric?: number;
  prefsrc?: string;
  table?: string;
  flags: string[];
  pref?: string;
  expires?: number;
  flow?: { to?: string; from?: string };
  metrics?: Array<Record<string, number | string>>;
  nexthops?: Array<{ gateway?: string; via?: { family: string; host: string }; dev?: string; weight: number; flags: string[] }>;
}

/** ip prints host routes without /32 and the default route as "default". */
function ipDst(d: string, family: number): string {
  if (d === 'default' || d.includes('/')) return d;
  return `${d}/${family === 10 ? 128 : 32}`;
}

const IP_METRIC_KEYS: Record<string, string> = { mtu: 'mtu', window: 'window', advmss: 'advmss', hoplimit: 'hoplimit', initcwnd: 'initcwnd', initrwnd: 'initrwnd', reordering: 'reordering', congestion: 'ccAlgo', quickack: 'quickack', ssthresh: 'ssthresh', cwnd: 'cwnd' };

/** The library's routes of a table must be exactly what `ip -j [-6] route show table N` shows. */
async function compareWithIp(r: Rtnl, ns: string, family: 'inet' | 'inet6', table: number | string, routes?: Route[]): Promise<Route[]> {
  const mine = routes ?? (await r.routes.list({ family, table: table as number }));
  const oracle = ipJson<IpRoute[]>(ns, family === 'inet6' ? '-6' : '-4', 'route', 'show', 'table', String(table));
  const names = new Map((await r.links.list()).map((l) => [l.index, l.name]));
  assert.equal(mine.length, oracle.length, `same number of routes in table ${table}: library ${mine.map((x) => x.dst).join(' ')}`);
  const af = family === 'inet6' ? 10 : 2;
  for (const o of oracle) {
    const dst = ipDst(o.dst, af);
    const type = o.type ?? 'unicast';
    const cands = mine.filter((m) => m.dst === dst && m.type === type && (o.metric === undefined || m.priority === o.metric));
    const x = cands.find((m) => m.gateway === o.gateway && (m.oif !== undefined ? names.get(m.oif) : undefined) === o.dev) ?? cands[0];
    assert.ok(x, `library lists ${type} ${dst} (metric ${o.metric})`);
    const m = x!;
    assert.equal(m.family, af);
    assert.equal(m.gateway, o.gateway, `gateway of ${dst}`);
    assert.equal(m.via ? { family: m.via.family === 10 ? 'inet6' : 'inet', host: m.via.address } : undefined, o.via, `via of ${dst}`);
    assert.equal(m.oif !== undefined ? names.get(m.oif) : undefined, o.dev, `dev of ${dst}`);
    // ip hides scope global and protocol boot
    assert.equal(String(m.scope), o.scope ?? 'global', `scope of ${dst}`);
    assert.equal(String(m.protocol), o.protocol ?? 'boot', `protocol of ${dst}`);
    assert.equal(m.prefsrc, o.prefsrc, `prefsrc of ${dst}`);
    if (family === 'inet6') assert.equal(m.pref, o.pref, `pref of ${dst}`);
    if (o.flow?.to !== undefined) assert.equal(m.flow! & 0xffff, Number(o.flow.to), `realm of ${dst}`);
    assert.equal(routeFlagNames(m.flags & 0xff).filter((f) => f !== 'offload' && f !== 'trap'), o.flags, `flags of ${dst}`);
    const om = o.metrics?.[0] ?? {};
    for (const [k, v] of Object.entries(om)) {
      const key = IP_METRIC_KEYS[k];
      if (!key) continue; // rtt/rttvar/rto_min are printed in converted units
      assert.equal((m.metrics as Record<string, unknown> | undefined)?.[key], v, `metric ${k} of ${dst}`);
    }
    if (o.expires !== undefined) {
      const left = Math.round(m.cacheInfo!.expires / 100);
      assert.ok(Math.abs(left - o.expires) <= 3, `expires of ${dst}: ${left} vs ${o.expires}`);
    }
    if (o.nexthops) {
      assert.ok(m.multipath, `${dst} is multipath`);
      assert.equal(m.multipath!.length, o.nexthops.length, `number of next hops of ${dst}`);
      o.nexthops.forEach((n, i) => {
        const h = m.multipath![i]!;
        assert.equal(h.gateway, n.gateway, `gateway of next hop ${i} of ${dst}`);
        assert.equal(names.get(h.ifindex), n.dev, `dev of next hop ${i} of ${dst}`);
        assert.equal(h.weight, n.weight, `weight of next hop ${i} of ${dst}`);
        assert.equal(routeFlagNames(h.flags).filter((f) => f !== 'offload' && f !== 'trap'), n.flags, `flags of next hop ${i} of ${dst}`);
      });
    } else assert.equal(m.multipath, undefined, `${dst} is not multipath`);
  }
  return mine;
}

async function withSetup(fn: (r: Rtnl, ns: string) => Promise<void>): Promise<void> {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
      await r.links.set('veth0', { up: true });
      await r.links.set('veth1', { up: true });
      await r.links.set('lo', { up: true });
      await r.addrs.add('veth0', '10.0.1.1/24');
      await r.addrs.add('veth1', '10.0.9.1/24');
      await r.addrs.add('veth0', '2001:db8::1/64', { flags: ['nodad'] });
      await fn(r, ns);
    } finally {
      await r.close();
    }
  }, 'route');
}

ktest(test, 'IPv4: every route type and attribute in table 100 equals ip -j route show table 100', async () => {
  await withSetup(async (r, ns) => {
    const T = 100;
    await r.routes.add({ dst: '10.2.0.0/16', dev: 'veth0', table: T, metric: 10, metrics: { mtu: 1400, lock: ['mtu'], advmss: 1360, initcwnd: 10, window: 1000, hoplimit: 5, ccAlgo: 'reno' } });
    await r.routes.add({ dst: '10.3.0.0/16', table: T, multipath: [{ gateway: '10.0.1.2', weight: 2 }, { gateway: '10.0.9.3', dev: 'veth1', onlink: true }] });
    await r.routes.add({ dst: '10.4.0.0/16', gateway: 'fe80::1', dev: 'veth0', table: T });
    await r.routes.add({ dst: '10.5.0.0/24', gateway: '10.0.1.9', prefsrc: '10.0.1.1', protocol: 'static', flow: 5, table: T });
    await r.routes.add({ dst: '10.6.0.1', type: 'local', dev: 'veth0', table: T });
    await r.routes.add({ dst: '10.7.0.0/16', type: 'throw', table: T });
    await r.routes.add({ dst: '10.8.0.0/16', type: 'prohibit', table: T });
    await r.routes.add({ dst: '10.9.0.255', type: 'broadcast', dev: 'veth0', table: T });
    await r.routes.add({ dst: '192.0.2.0/24', type: 'blackhole', table: T });
    await r.routes.add({ dst: '192.0.3.0/24', type: 'unreachable', table: T, metric: 7 });
    await r.routes.add({ dst: '10.10.0.0/16', gateway: '10.0.1.5', onlink: true, dev: 'veth0', table: T, protocol: 'bgp', scope: 'global' });
    await r.routes.add({ dst: 'default', gateway: '10.0.1.254', table: T });
    const mine = await compareWithIp(r, ns, 'inet', T);
    assert.equal(mine.length, 12);
    const mtu = mine.find((x) => x.dst === '10.2.0.0/16')!;
    assert.equal(metricLockNames(mtu.metrics!.lock!), ['mtu']);
    assert.match(ip(ns, 'route', 'show', 'table', String(T), '10.2.0.0/16'), /mtu lock 1400/, 'ip sees the lock');
    assert.ok(mine.every((x) => x.table === T && x.rtmTable === T));
    assert.equal(mine.find((x) => x.dst === 'default')!.gateway, '10.0.1.254');
  });
});

ktest(test, 'IPv6: gateway with pref/expires, multipath, unreachable/blackhole, metric equal ip -j -6 route show', async () => {
  await withSetup(async (r, ns) => {
    const T = 100;
    await r.routes.add({ dst: '2001:db8:5::/64', gateway: '2001:db8::2', pref: 'high', expires: 300, table: T });
    await r.routes.add({ dst: '2001:db8:6::/64', table: T, multipath: [{ gateway: '2001:db8::3' }, { gateway: '2001:db8::4', weight: 3 }] });
    await r.routes.add({ dst: '2001:db8:7::/64', type: 'unreachable', table: T });
    await r.routes.add({ dst: '2001:db8:8::/64', type: 'blackhole', table: T, metric: 5 });
    await r.routes.add({ dst: '2001:db8:9::/64', dev: 'veth0', table: T, metric: 20, metrics: { mtu: 1300, hoplimit: 9 } });
    await r.routes.add({ dst: 'default', gateway: 'fe80::1', dev: 'veth0', table: T, pref: 'low' });
    const mine = await compareWithIp(r, ns, 'inet6', T);
    assert.equal(mine.length, 6);
    assert.ok(mine.every((x) => x.family === 10 && x.table === T));
    // the main table, with the kernel's own routes, compares too
    await compareWithIp(r, ns, 'inet6', 'main');
    await compareWithIp(r, ns, 'inet', 'main');
    await compareWithIp(r, ns, 'inet', 'local');
  });
});

ktest(test, 'routes created by ip decode as ip describes them (raw metric units, locks, realms, RTA_VIA)', async () => {
  await withSetup(async (r, ns) => {
    ip(ns, 'route', 'add', '10.20.0.0/16', 'dev', 'veth0', 'table', '200', 'rtt', '30', 'rttvar', '10', 'rto_min', '200ms', 'mtu', 'lock', '1280', 'window', 'lock', '5000', 'realm', '3/4', 'features', 'ecn', 'quickack', '1');
    ip(ns, 'route', 'add', '10.21.0.0/16', 'via', 'inet6', 'fe80::9', 'dev', 'veth0', 'table', '200', 'proto', 'static', 'metric', '99');
    ip(ns, '-6', 'route', 'add', '2001:db8:21::/64', 'from', '2001:db8:99::/64', 'via', '2001:db8::9', 'table', '200');
    const [a, b] = [await r.routes.list({ family: 'inet', table: 200 }), await r.routes.list({ family: 'inet6', table: 200 })];
    const x = a.find((y) => y.dst === '10.20.0.0/16')!;
    const om = ipJson<IpRoute[]>(ns, 'route', 'show', 'table', '200', '10.20.0.0/16')[0]!.metrics![0]!;
    // ip prints RTAX_RTT / 8 and RTAX_RTTVAR / 4 (legacy units); the library gives the raw kernel values
    assert.equal(Math.floor(x.metrics!.rtt! / 8), om.rtt);
    assert.equal(Math.floor(x.metrics!.rttvar! / 4), om.rttvar);
    assert.equal(x.metrics!.rtoMin, om.rto_min);
    assert.equal(x.metrics!.quickack, om.quickack);
    assert.equal(x.metrics!.features, 1, 'RTAX_FEATURE_ECN');
    const text = ip(ns, 'route', 'show', 'table', '200', '10.20.0.0/16');
    const ipLocks = [...text.matchAll(/(\w+) lock/g)].map((m) => m[1]!.replace('rto_min', 'rtoMin')).sort();
    assert.ok(ipLocks.length >= 2, text);
    assert.equal(metricLockNames(x.metrics!.lock!).sort(), ipLocks);
    const realms = /realms (\d+)\/(\d+)/.exec(text)!;
    assert.equal(x.flow, (Number(realms[1]) << 16) | Number(realms[2]), 'realm from/to in RTA_FLOW');
    const v = a.find((y) => y.dst === '10.21.0.0/16')!;
    assert.equal(v.via, { family: 10, address: 'fe80::9' });
    assert.equal(v.protocol, 'static');
    assert.equal(v.priority, 99);
    const s = b.find((y) => y.dst === '2001:db8:21::/64')!;
    assert.equal(s.from, '2001:db8:99::/64');
    assert.equal(s.srcLen, 64);
    await compareWithIp(r, ns, 'inet', 200, a);
  });
});

ktest(test, 'routes.get answers like ip -j route get (and fibmatch, from, iif, mark, errors)', async () => {
  await withSetup(async (r, ns) => {
    await r.routes.add({ dst: 'default', gateway: '10.0.1.254' });
    await r.routes.add({ dst: '10.30.0.0/16', gateway: '10.0.9.7', metric: 5 });
    await r.routes.add({ dst: '2001:db8:30::/48', gateway: '2001:db8::7' });
    const check = async (dst: string, ...args: string[]): Promise<Route> => {
      const g = await r.routes.get(dst, args.includes('mark') ? { mark: Number(args[args.indexOf('mark') + 1]) } : {});
      const o = ipJson<IpRoute[]>(ns, 'route', 'get', dst, ...args)[0]!;
      assert.equal(g.dst, ipDst(o.dst, g.family), `dst of get ${dst}`);
      assert.equal(g.gateway, o.gateway, `gateway of get ${dst}`);
      assert.equal(g.prefsrc, o.prefsrc, `prefsrc of get ${dst}`);
      const dev = (await r.links.get(g.oif!)).name;
      assert.equal(dev, o.dev, `dev of get ${dst}`);
      if (g.family === 2) assert.ok(routeFlagNames(g.flags).includes('cloned'), 'a resolved IPv4 route is RTM_F_CLONED');
      return g;
    };
    const g1 = await check('8.8.8.8');
    assert.equal(g1.table, 254, 'RTM_F_LOOKUP_TABLE reports the table the route came from');
    await check('10.30.1.2');
    await check('10.0.1.77');
    await check('10.30.1.2', 'mark', '7');
    const g6 = await check('2001:db8:30::1');
    assert.equal(g6.family, 10);
    const fm = await r.routes.get('10.30.1.2', { fibmatch: true });
    const ofm = ipJson<IpRoute[]>(ns, 'route', 'get', 'fibmatch', '10.30.1.2')[0]!;
    assert.equal(fm.dst, ofm.dst);
    assert.equal(fm.priority, ofm.metric);
    assert.equal(fm.gateway, ofm.gateway);
    const fromOk = await r.routes.get('10.30.1.2', { from: '10.0.1.1' });
    assert.equal(fromOk.from, '10.0.1.1/32');
    // a forwarded packet: not routable while forwarding is off (like ip says), then via the gateway
    const e0 = await rejectsA(r.routes.get('10.30.1.2', { from: '10.0.1.50', iif: 'veth0' }), NetlinkError);
    assert.equal(e0.code, 'EHOSTUNREACH');
    assert.ok(sh('ip', ['-n', ns, 'route', 'get', '10.30.1.2', 'from', '10.0.1.50', 'iif', 'veth0'], { allowFail: true }) === '');
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    const viaIif = await r.routes.get('10.30.1.2', { from: '10.0.1.50', iif: 'veth0' });
    const oIif = ipJson<Array<IpRoute & { iif: string }>>(ns, 'route', 'get', '10.30.1.2', 'from', '10.0.1.50', 'iif', 'veth0')[0]!;
    assert.equal(viaIif.iif, (await r.links.get('veth0')).index);
    assert.equal('veth0', oIif.iif);
    assert.equal(viaIif.gateway, oIif.gateway);
    assert.equal((await r.links.get(viaIif.oif!)).name, oIif.dev);
    await r.routes.del({ dst: 'default' });
    const e = await rejectsA(r.routes.get('8.8.8.8'), NetlinkError);
    assert.equal(e.code, 'ENETUNREACH');
    assert.equal(e.request?.typeName, 'RTM_GETROUTE');
  });
});

ktest(test, 'replace, change, append, prepend, del (by spec and by listed route), flush; EEXIST / ESRCH', async () => {
  await withSetup(async (r, ns) => {
    const T = 300;
    await r.routes.add({ dst: '10.40.0.0/16', gateway: '10.0.1.2', table: T });
    const e1 = await rejectsA(r.routes.add({ dst: '10.40.0.0/16', gateway: '10.0.1.3', table: T }), NetlinkError);
    assert.equal(e1.code, 'EEXIST');
    await r.routes.replace({ dst: '10.40.0.0/16', gateway: '10.0.1.3', table: T, metrics: { mtu: 1300 } });
    let l = await compareWithIp(r, ns, 'inet', T);
    assert.equal(l.map((x) => [x.dst, x.gateway, x.metrics?.mtu]), [['10.40.0.0/16', '10.0.1.3', 1300]]);
    await r.routes.change({ dst: '10.40.0.0/16', gateway: '10.0.1.4', table: T });
    await r.routes.append({ dst: '10.40.0.0/16', gateway: '10.0.1.5', table: T, tos: 0, metric: 0, protocol: 'static' });
    await r.routes.prepend({ dst: '10.41.0.0/16', dev: 'veth1', table: T });
    l = await compareWithIp(r, ns, 'inet', T);
    assert.equal(l.length, 3);
    await r.routes.del({ dst: '10.40.0.0/16', gateway: '10.0.1.5', table: T });
    const e2 = await rejectsA(r.routes.del({ dst: '10.40.0.0/16', gateway: '10.0.1.99', table: T }), NetlinkError);
    assert.equal(e2.code, 'ESRCH');
    const left = await r.routes.list({ table: T });
    await r.routes.del(left.find((x) => x.dst === '10.41.0.0/16')!);
    l = await compareWithIp(r, ns, 'inet', T);
    assert.equal(l.map((x) => [x.dst, x.gateway]), [['10.40.0.0/16', '10.0.1.4']]);
    await r.routes.add({ dst: '2001:db8:40::/64', gateway: '2001:db8::2', table: T });
    await r.routes.append({ dst: '2001:db8:40::/64', gateway: '2001:db8::3', table: T });
    const v6 = await compareWithIp(r, ns, 'inet6', T);
    assert.equal(v6[0]!.multipath?.length, 2, 'IPv6 append adds a next hop');
    assert.equal(await r.routes.flush({ table: T }), 2);
    assert.equal(await r.routes.list({ table: T }), []);
    assert.equal(ipJson(ns, 'route', 'show', 'table', String(T)), []);
    assert.equal(await r.routes.list({ table: 4242 }), [], 'a table that does not exist lists empty');
  });
});

ktest(test, 'bad input is ArgumentError naming the field, with nothing sent', async () => {
  await withSetup(async (r) => {
    const before = r.socket.stats.datagramsOut;
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => r.routes.add({ dst: '10.0.0.1/24', dev: 'veth0' }), 'dst'],
      [() => r.routes.add({ dst: '10.0.0.0/40', dev: 'veth0' }), 'dst'],
      [() => r.routes.add({ dst: 'nowhere' }), 'dst'],
      [() => r.routes.add({ dst: '10.1.0.0/16', gateway: '10.0.1.999' }), 'gateway'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'veth0', table: 2 ** 32 }), 'table'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'veth0', table: -1 }), 'table'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'veth0', table: 'mian' as 'main' }), 'table'],
      [() => r.routes.add({ dst: '10.1.0.0/16', type: 'blackhol' as 'blackhole' }), 'type'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'veth0', scope: 'galaxy' as 'link' }), 'scope'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'veth0', protocol: 'carrier-pigeon' as 'static' }), 'protocol'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'veth0', metrics: { mtux: 1 } as never }), 'metrics.mtux'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'veth0', metrics: { mtu: -5 } }), 'metrics.mtu'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'veth0', metrics: { lock: ['mtu', 'bogus' as 'mtu'] } }), 'metrics.lock[1]'],
      [() => r.routes.add({ dst: '10.1.0.0/16', multipath: [] }), 'multipath'],
      [() => r.routes.add({ dst: '10.1.0.0/16', multipath: [{ gateway: '10.0.1.2', weight: 0 }] }), 'multipath[0].weight'],
      [() => r.routes.add({ dst: '10.1.0.0/16', multipath: [{ weight: 2 }] }), 'multipath[0]'],
      [() => r.routes.add({ dst: '10.1.0.0/16', gateway: '10.0.1.2', pref: 'high' }), 'pref'],
      [() => r.routes.add({ dst: '2001:db8:1::/64', gateway: '10.0.1.2' }), 'gateway'],
      [() => r.routes.add({ dst: '10.1.0.0/16', family: 'inet6', dev: 'veth0' }), 'dst'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'veth0', metric: 1, priority: 2 }), 'metric'],
      [() => r.routes.add({ dst: '10.1.0.0/16', device: 'veth0' } as never), 'device'],
      [() => r.routes.add({ dst: '10.1.0.0/16', dev: 'no/such' }), 'dev'],
      [() => r.routes.get('10.0.0.0/24'), 'dst'],
      [() => r.routes.get('10.0.0.1', { iff: 'veth0' } as never), 'options.iff'],
      [() => r.routes.list({ table: 1.5 }), 'filter.table'],
      [() => r.routes.list({ family: 4 as never }), 'filter.family'],
      [() => r.routes.del({ dst: '10.1.0.0/16', table: 'x' as 'main' }), 'table'],
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

ktest(test, '10,000 routes: add concurrently, stream them back, count and sample equal ip -j route show table', async () => {
  await withSetup(async (r, ns) => {
    const T = 1000;
    const N = 10000;
    const dsts: string[] = [];
    for (let i = 0; i < N; i++) dsts.push(`10.${100 + (i >> 8)}.${i & 255}.0/24`);
    await Promise.all(dsts.map((dst, i) => r.routes.add({ dst, gateway: '10.0.1.2', table: T, metric: i % 7, protocol: 'static' })));
    let count = 0;
    const sample = new Map<string, Route>();
    const step = 997;
    const base = r.socket.stats.messagesIn;
    let maxAhead = 0;
    for await (const route of r.routes.dump({ family: 'inet', table: T })) {
      count++;
      const i = dsts.indexOf(route.dst);
      if (i % step === 0) sample.set(route.dst, route);
      if (count % 2500 === 0) {
        // a slow consumer: the socket must stop reading instead of buffering the whole dump
        await new Promise((res) => setTimeout(res, 50));
        maxAhead = Math.max(maxAhead, r.socket.stats.messagesIn - base - count);
      }
    }
    assert.equal(count, N);
    assert.ok(maxAhead < N - 2500, `received at most the high-water mark ahead of the consumer (max ${maxAhead} ahead)`);
    assert.ok(maxAhead <= 4096 + 1024, `bounded by highWaterMark + one datagram, got ${maxAhead}`);
    const oracle = ipJson<IpRoute[]>(ns, 'route', 'show', 'table', String(T));
    assert.equal(oracle.length, N, 'ip sees the same count');
    assert.equal(sample.size, Math.ceil(N / step));
    for (const [dst, route] of sample) {
      const o = oracle.find((x) => x.dst === dst)!;
      assert.ok(o, `ip shows ${dst}`);
      assert.equal(route.gateway, o.gateway);
      assert.equal(route.priority ?? 0, o.metric ?? 0);
      assert.equal(route.protocol, o.protocol);
    }
    assert.equal(await r.routes.flush({ family: 'inet', table: T }), N);
  });
});

test.run();
