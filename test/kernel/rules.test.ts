// Policy routing rules against the live kernel, with `ip -j rule show` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, NetlinkError, ArgumentError, ruleFlagNames, type Rule } from '../../src/index.js';
import { ktest, withNetns, ipJson, ip } from '../helpers.js';
import { rejectsA } from '../expect.js';
import { release } from 'node:os';

type IpRule = Record<string, unknown> & { priority: number; src: string };

const TABLE_NAMES: Record<string, number> = { main: 254, local: 255, default: 253 };

/** The library's rules must be exactly `ip -j [-6] rule show`, field by field. */
function compare(ns: string, mine: Rule[], family: '-4' | '-6'): void {
  const oracle = ipJson<IpRule[]>(ns, family, 'rule', 'show');
  assert.equal(mine.length, oracle.length, `same number of rules: library ${mine.map((r) => r.priority).join(' ')}`);
  oracle.forEach((o, i) => {
    const r = mine[i]!;
    const at = `rule ${o.priority}`;
    assert.equal(r.priority ?? 0, o.priority, `priority (kernel order) of ${at}`);
    assert.equal(ruleFlagNames(r.flags).includes('not'), 'not' in o, `not of ${at}`);
    assert.equal(r.from ?? 'all', o.src === 'all' ? 'all' : `${o.src}/${o.srclen}`, `from of ${at}`);
    assert.equal(r.to, o.dst === undefined ? undefined : `${o.dst as string}/${o.dstlen as number}`, `to of ${at}`);
    assert.equal(r.tos ? `0x${r.tos.toString(16)}` : undefined, o.tos, `tos of ${at}`);
    if (o.fwmark !== undefined || r.fwmark !== undefined) assert.equal(`0x${(r.fwmark ?? 0).toString(16)}`, o.fwmark, `fwmark of ${at}`);
    if (o.fwmask !== undefined) assert.equal(`0x${r.fwmask!.toString(16)}`, o.fwmask, `fwmask of ${at}`);
    assert.equal(r.iif, o.iif, `iif of ${at}`);
    assert.equal(r.oif, o.oif, `oif of ${at}`);
    assert.equal(r.l3mdev === 1, 'l3mdev' in o, `l3mdev of ${at}`);
    assert.equal(r.uidRange?.start, o.uid_start, `uid start of ${at}`);
    assert.equal(r.uidRange?.end, o.uid_end, `uid end of ${at}`);
    assert.equal(r.ipProto, o.ipproto, `ipproto of ${at}`);
    const port = (k: 'sport' | 'dport'): unknown => {
      const p = r[`${k}Range`];
      if (!p) return undefined;
      return p.start === p.end ? { [k]: p.start } : { [`${k}_start`]: p.start, [`${k}_end`]: p.end };
    };
    for (const k of ['sport', 'dport'] as const) {
      const ipPort = o[k] !== undefined ? { [k]: o[k] } : o[`${k}_start`] !== undefined ? { [`${k}_start`]: o[`${k}_start`], [`${k}_end`]: o[`${k}_end`] } : undefined;
      assert.equal(port(k), ipPort, `${k} of ${at}`);
    }
    assert.equal(r.tunId !== undefined ? Number(r.tunId) : undefined, o.tun_id, `tun_id of ${at}`);
    assert.equal(r.suppressPrefixlen === -1 ? undefined : r.suppressPrefixlen, o.suppress_prefixlen, `suppress_prefixlen of ${at}`);
    assert.equal(r.goto, o.goto, `goto of ${at}`);
    if (o.flow_to !== undefined) assert.equal(r.flow, (Number(o.flow_from ?? 0) << 16) | Number(o.flow_to), `realms of ${at}`);
    const action = String(r.action);
    if (['blackhole', 'unreachable', 'prohibit'].includes(action)) assert.equal(action, o.action, `action of ${at}`);
    else assert.equal(o.action, undefined, `action of ${at}`);
    assert.equal(action === 'nop', 'nop' in o, `nop of ${at}`);
    if (action === 'lookup' && !r.l3mdev) {
      const t = o.table as string;
      assert.equal(r.table, TABLE_NAMES[t] ?? Number(t), `table of ${at}`);
    }
    const proto = r.protocol === undefined || r.protocol === 'unspec' || r.protocol === 'kernel' ? undefined : String(r.protocol);
    assert.equal(proto, o.protocol, `protocol of ${at}`);
  });
}

async function withRtnl(fn: (r: Rtnl, ns: string) => Promise<void>): Promise<void> {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
      await fn(r, ns);
    } finally {
      await r.close();
    }
  }, 'rule');
}

ktest(test, 'IPv4 rules with every selector and action equal ip -j rule show', async () => {
  await withRtnl(async (r, ns) => {
    await r.rules.add({ priority: 100, from: '10.0.0.0/8', to: '192.168.0.0/16', table: 100 });
    await r.rules.add({ priority: 200, not: true, fwmark: 0x10, fwmask: 0xff, iif: 'veth0', oif: 'veth1', table: 100000, protocol: 'static' });
    await r.rules.add({ priority: 300, goto: 400 });
    await r.rules.add({ priority: 400, action: 'blackhole' });
    await r.rules.add({ priority: 410, action: 'unreachable', to: '198.51.100.0/24' });
    await r.rules.add({ priority: 420, action: 'prohibit' });
    await r.rules.add({ priority: 430, action: 'nop' });
    await r.rules.add({ priority: 500, table: 'main', suppressPrefixlen: 0 });
    await r.rules.add({ priority: 600, uidRange: [1000, 2000], ipProto: 'tcp', sport: [1000, 2000], dport: 80, table: 5 });
    await r.rules.add({ priority: 700, tos: 0x10, table: 6, flow: (3 << 16) | 4 });
    await r.rules.add({ priority: 720, l3mdev: true });
    await r.rules.add({ priority: 730, tunId: 55n, table: 8 });
    await r.rules.add({ priority: 740, fwmark: 7, table: 'default' });
    await r.rules.add({ priority: 750, iif: 'not-there-yet', table: 9 }); // names need not exist
    const mine = await r.rules.list({ family: 'inet' });
    compare(ns, mine, '-4');
    assert.equal(mine.length, 17, '14 added and the 3 defaults (local, main, default)');
    const goto = mine.find((x) => x.priority === 300)!;
    assert.equal(goto.action, 'goto');
    assert.ok(ruleFlagNames(goto.flags).includes('unresolved') === false, 'the goto target exists');
    assert.equal(mine.find((x) => x.priority === 200)!.table, 100000);
    assert.equal((await r.rules.list({ family: 'inet', table: 100 })).map((x) => x.priority), [100]);
    assert.equal((await r.rules.list({ priority: 430 })).map((x) => x.action), ['nop']);
    const streamed: Rule[] = [];
    for await (const x of r.rules.dump({ family: 'inet' })) streamed.push(x);
    compare(ns, streamed, '-4');
  });
}, ['mapped-ids']);

ktest(test, 'IPv6 rules equal ip -j -6 rule show; del by spec and by listed rule; EEXIST / ENOENT', async () => {
  await withRtnl(async (r, ns) => {
    await r.rules.add({ priority: 50, from: '2001:db8::/32', table: 9 });
    await r.rules.add({ priority: 60, to: '2001:db8:1::/48', action: 'prohibit' });
    await r.rules.add({ priority: 70, fwmark: 1, table: 10, family: 'inet6' });
    compare(ns, await r.rules.list({ family: 'inet6' }), '-6');
    const e1 = await rejectsA(r.rules.add({ priority: 50, from: '2001:db8::/32', table: 9 }), NetlinkError);
    assert.equal(e1.code, 'EEXIST');
    await r.rules.del({ priority: 60, family: 'inet6' });
    const seventy = (await r.rules.list({ family: 'inet6', priority: 70 }))[0]!;
    await r.rules.del(seventy);
    const e2 = await rejectsA(r.rules.del({ priority: 60, family: 'inet6' }), NetlinkError);
    assert.equal(e2.code, 'ENOENT');
    const left = await r.rules.list({ family: 'inet6' });
    compare(ns, left, '-6');
    assert.equal(left.map((x) => x.priority), [0, 50, 32766]);
    assert.match(ip(ns, '-6', 'rule', 'show'), /50:\s+from 2001:db8::\/32 lookup 9/);
  });
});

ktest(test, 'selectors iproute2 6.1 cannot show (dscp, flow label) go through the kernel and back', async () => {
  await withRtnl(async (r) => {
    // iproute2 6.1 predates FRA_DSCP (kernel 6.13) and FRA_FLOWLABEL (6.14): the kernel is the only
    // reference. Older kernels parse rule requests leniently and drop attributes they do not know.
    const [major, minor] = release().split('.').map(Number) as [number, number];
    const since = (ma: number, mi: number): boolean => major > ma || (major === ma && minor >= mi);
    await r.rules.add({ priority: 800, dscp: 10, table: 11 });
    const x = (await r.rules.list({ priority: 800 }))[0]!;
    assert.equal(x.dscp, since(6, 13) ? 10 : undefined, `FRA_DSCP on kernel ${release()}`);
    assert.equal(x.table, 11);
    await r.rules.add({ priority: 810, family: 'inet6', flowlabel: 0x1234, flowlabelMask: 0xfffff, table: 12 });
    const y = (await r.rules.list({ family: 'inet6', priority: 810 }))[0]!;
    assert.equal([y.flowlabel, y.flowlabelMask], since(6, 14) ? [0x1234, 0xfffff] : [undefined, undefined], `FRA_FLOWLABEL on kernel ${release()}`);
  });
});

ktest(test, 'bad input is ArgumentError naming the field, with nothing sent', async () => {
  await withRtnl(async (r) => {
    const before = r.socket.stats.datagramsOut;
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => r.rules.add({ priority: 1, from: '10.0.0.0/33', table: 1 }), 'from'],
      [() => r.rules.add({ priority: 1, from: '10.0.0.0/8', to: '2001:db8::/32', table: 1 }), 'to'],
      [() => r.rules.add({ priority: 1, table: 2 ** 32 }), 'table'],
      [() => r.rules.add({ priority: -1, table: 1 }), 'priority'],
      [() => r.rules.add({ priority: 1, action: 'jump' as 'goto' }), 'action'],
      [() => r.rules.add({ priority: 1 }), 'table'],
      [() => r.rules.add({ priority: 1, action: 'nop', goto: 5 }), 'goto'],
      [() => r.rules.add({ priority: 1, table: 1, sport: [2000, 1000] }), 'sport'],
      [() => r.rules.add({ priority: 1, table: 1, dport: 70000 }), 'dport'],
      [() => r.rules.add({ priority: 1, table: 1, uidRange: [1] as never }), 'uidRange'],
      [() => r.rules.add({ priority: 1, table: 1, ipProto: 'tcpp' as 'tcp' }), 'ipProto'],
      [() => r.rules.add({ priority: 1, table: 1, iif: 'a/b' }), 'iif'],
      [() => r.rules.add({ priority: 1, table: 1, flowlabel: 1 }), 'flowlabel'],
      [() => r.rules.add({ priority: 1, table: 1, dscp: 64 }), 'dscp'],
      [() => r.rules.add({ priority: 1, table: 1, tunId: -1 }), 'tunId'],
      [() => r.rules.add({ priority: 1, table: 1, lookup: 5 } as never), 'lookup'],
      [() => r.rules.list({ table: 'nope' as 'main' }), 'filter.table'],
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
