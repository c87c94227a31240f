// Nft.open as a family: transactions (echoed handles, positions, replace,
// errors naming their message, generation id checks), lists (typed objects,
// set elements read back as values), deletes by handle, the monitor. `nft -j
// list ruleset` (and `nft` making changes from another process) is the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ktest, withNetns, sh, have, skip } from '../helpers.js';
import { Nft, NftTransactionError, nft } from '../../src/index.js';
import { ArgumentError, NetlinkError } from '../../src/netlink/errors.js';

const { match, tcp, accept, drop, counter, addTable, addChain, addRule } = nft;

const nftJson = (ns: string): Array<Record<string, any>> =>
  (JSON.parse(sh('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'ruleset'])) as { nftables: Array<Record<string, any>> }).nftables.filter((x) => !('metainfo' in x));
const nftCmd = (ns: string, ...args: string[]): string => sh('ip', ['netns', 'exec', ns, 'nft', ...args]);

if (!have('nft')) skip(test, 'Nft transport', 'nft is not installed (scripts/setup.sh installs nftables)');
else {
  ktest(test, 'commit: one transaction, echoed objects carry the handles nft lists; insert/position/replace place rules where nft shows them', async () => {
    await withNetns(1, async (ns) => {
      const h = await Nft.open({ netns: ns });
      try {
        const tx = h.transaction();
        tx.addTable({ family: 'inet', name: 'f' })
          .addChain({ family: 'inet', table: 'f', name: 'input', type: 'filter', hook: 'input', priority: 0, policy: 'accept' })
          .addChain({ family: 'inet', table: 'f', name: 'aux' })
          .addRule({ family: 'inet', table: 'f', chain: 'input', expr: [tcp.dport(22), accept()] })
          .addRule({ family: 'inet', table: 'f', chain: 'input', expr: [tcp.dport(80), counter(), accept()] });
        const res = await tx.commit();
        assert.is(res.objects.length, 5);
        const r22 = res.objects[3]![0] as nft.Rule;
        const r80 = res.objects[4]![0] as nft.Rule;
        const j = nftJson(ns);
        const handles = j.filter((x) => x.rule).map((x) => x.rule.handle);
        assert.equal([Number(r22.handle), Number(r80.handle)], handles, 'echoed handles = the handles nft lists');
        assert.is(Number((res.objects[1]![0] as nft.Chain).handle), j.find((x) => x.chain?.name === 'input')!.chain.handle);
        assert.type(res.genId, 'number');
        assert.is(res.genId, (await h.getGen()).id, 'the commit made the current generation');

        // positions: insert at the start, after a handle, before a handle; replace one by handle
        const first = await h.addRule({ family: 'inet', table: 'f', chain: 'input', insert: true, expr: [tcp.dport(1), drop()] });
        const after22 = await h.addRule({ family: 'inet', table: 'f', chain: 'input', position: r22.handle!, expr: [tcp.dport(2), drop()] });
        const before80 = await h.addRule({ family: 'inet', table: 'f', chain: 'input', insert: true, position: r80.handle!, expr: [tcp.dport(3), drop()] });
        await h.addRule({ family: 'inet', table: 'f', chain: 'input', replace: r80.handle!, expr: [tcp.dport(8080), accept()] });
        const order = nftJson(ns).filter((x) => x.rule).map((x) => x.rule.handle);
        assert.equal(order, [first!.handle, r22.handle, after22!.handle, before80!.handle, r80.handle].map(Number));
        const ours = await h.listRules({ family: 'inet', table: 'f', chain: 'input' });
        assert.equal(ours.map((r) => Number(r.handle)), order, 'listRules in chain order');
        assert.ok(JSON.stringify(nftJson(ns).find((x) => x.rule?.handle === Number(r80.handle))!.rule.expr).includes('8080'), 'replaced in place');

        // delete by handle; flush; delete the table by handle
        await h.delRule({ family: 'inet', table: 'f', chain: 'input', handle: first!.handle! });
        assert.not.ok(nftJson(ns).some((x) => x.rule?.handle === Number(first!.handle)));
        await h.flushChain({ family: 'inet', table: 'f', chain: 'input' });
        assert.equal(nftJson(ns).filter((x) => x.rule), []);
        const [t] = await h.listTables({ family: 'inet' });
        await h.delTable({ family: 'inet', handle: t!.handle! });
        assert.equal(nftJson(ns), []);
      } finally {
        await h.close();
      }
    }, 'nft');
  });

  ktest(test, 'commit: a refused message is named (index, what, errno, ext-ack path); nothing of the transaction is applied', async () => {
    await withNetns(1, async (ns) => {
      const h = await Nft.open({ netns: ns });
      try {
        const err = await h
          .commit([
            addTable({ family: 'ip', name: 't' }),
            addChain({ family: 'ip', table: 't', name: 'c', type: 'filter', hook: 'input', priority: 0 }),
            addRule({ family: 'ip', table: 't', chain: 'nosuch', expr: [accept()] }),
            addRule({ family: 'ip', table: 't', chain: 'c', expr: [accept()] }),
          ])
          .then(() => undefined, (e: unknown) => e);
        assert.instance(err, NftTransactionError);
        const e = err as NftTransactionError;
        assert.instance(e, NetlinkError);
        assert.is(e.index, 2);
        assert.is(e.what, 'add rule ip t nosuch');
        assert.is(e.code, 'ENOENT');
        assert.is(e.request?.typeName, 'NFT_MSG_NEWRULE');
        assert.is(e.extack.attributePath, 'NFTA_RULE_CHAIN');
        assert.equal(e.failures.map((f) => f.index), [2]);
        assert.match(e.message, /message 2 of 4 \(add rule ip t nosuch\).*ENOENT.*NFTA_RULE_CHAIN/);
        assert.equal(nftJson(ns), [], 'all or nothing');

      } finally {
        await h.close();
      }
    }, 'nft');
  });

  ktest(test, 'commit({ genId }): a stale generation (nft changed the ruleset meanwhile) refuses the batch as a whole with ERESTART; the current one applies', async () => {
    await withNetns(1, async (ns) => {
      const h = await Nft.open({ netns: ns });
      try {
        const g = await h.getGen();
        nftCmd(ns, 'add', 'table', 'ip', 'other'); // another process changes the ruleset
        const err = await h.commit([addTable({ family: 'ip', name: 'mine' })], { genId: g.id }).then(() => undefined, (e: unknown) => e);
        assert.instance(err, NftTransactionError);
        assert.is((err as NftTransactionError).code, 'ERESTART');
        assert.is((err as NftTransactionError).index, -1, 'the batch as a whole');
        assert.equal(nftJson(ns).map((x) => x.table?.name), ['other'], 'not applied');
        const g2 = await h.getGen();
        assert.ok(g2.id !== g.id);
        await h.commit([addTable({ family: 'ip', name: 'mine' })], { genId: g2.id });
        assert.equal(nftJson(ns).map((x) => x.table?.name).sort(), ['mine', 'other']);
      } finally {
        await h.close();
      }
    }, 'nft');
  });

  ktest(test, 'sets and maps: typed elements (addresses, prefixes, ranges, ports, verdict map) read back as given and as nft lists them', async () => {
    await withNetns(1, async (ns) => {
      const h = await Nft.open({ netns: ns });
      try {
        const tx = h.transaction();
        tx.addTable({ family: 'inet', name: 's' })
          .addChain({ family: 'inet', table: 's', name: 'allow' })
          .addSet({ family: 'inet', table: 's', name: 'nets', type: 'ipv4_addr', flags: ['interval'] })
          .addElements({ family: 'inet', table: 's', set: 'nets', type: 'ipv4_addr', interval: true, elements: ['10.0.0.0/8', '192.168.1.1', '172.16.0.5-172.16.0.9'] })
          .addSet({ family: 'inet', table: 's', name: 'ports', type: 'inet_service' })
          .addElements({ family: 'inet', table: 's', set: 'ports', type: 'inet_service', elements: [22, 443] })
          .addSet({ family: 'inet', table: 's', name: 'vm', type: 'inet_service', map: 'verdict' })
          .addElements({ family: 'inet', table: 's', set: 'vm', type: 'inet_service', map: 'verdict', elements: [{ key: 80, value: 'accept' }, { key: 8080, value: { jump: 'allow' } }] })
          .addSet({ family: 'inet', table: 's', name: 'fwd', type: 'ipv4_addr', map: 'inet_service' })
          .addElements({ family: 'inet', table: 's', set: 'fwd', type: 'ipv4_addr', map: 'inet_service', elements: [{ key: '172.18.0.2', value: 80 }] });
        await tx.commit();
        const nets = await h.listElements({ family: 'inet', table: 's', set: 'nets' });
        assert.equal(nets.map((e) => e.key), ['10.0.0.0/8', '172.16.0.5-172.16.0.9', '192.168.1.1']);
        assert.equal((await h.listElements({ family: 'inet', table: 's', set: 'ports' })).map((e) => e.key).sort(), [22, 443]);
        const vm = await h.listElements({ family: 'inet', table: 's', set: 'vm' });
        assert.equal(vm.map((e) => [e.key, e.value]).sort((a, b) => Number(a[0]) - Number(b[0])), [[80, 'accept'], [8080, { jump: 'allow' }]]);
        assert.equal((await h.listElements({ family: 'inet', table: 's', set: 'fwd' })).map((e) => [e.key, e.value]), [['172.18.0.2', 80]]);
        // nft's view of the same elements
        const j = nftJson(ns);
        const setJ = (name: string) => (j.find((x) => (x.set ?? x.map)?.name === name)!.set ?? j.find((x) => x.map?.name === name)!.map);
        const norm = (v: any): string => (typeof v === 'object' && v.prefix ? `${v.prefix.addr}/${v.prefix.len}` : typeof v === 'object' && v.range ? `${v.range[0]}-${v.range[1]}` : String(v));
        assert.equal(setJ('nets').elem.map(norm), nets.map((e) => String(e.key)));
        assert.equal(setJ('fwd').elem.map((e: any) => [e[0], e[1]]), [['172.18.0.2', 80]]);
        const rs = await h.ruleset();
        assert.equal(rs.sets.map((s) => [s.name, s.elements.length]).sort(), [['fwd', 1], ['nets', 3], ['ports', 2], ['vm', 2]]);
        // delete elements, flush a set, delete a set by handle
        await h.delElements({ family: 'inet', table: 's', set: 'ports', type: 'inet_service', elements: [22] });
        assert.equal((await h.listElements({ family: 'inet', table: 's', set: 'ports' })).map((e) => e.key), [443]);
        await h.flushSet({ family: 'inet', table: 's', set: 'nets' });
        assert.equal(await h.listElements({ family: 'inet', table: 's', set: 'nets' }), []);
        await h.delSet({ family: 'inet', table: 's', handle: rs.sets.find((s) => s.name === 'fwd')!.handle! });
        assert.not.ok(nftJson(ns).some((x) => x.map?.name === 'fwd'));
      } finally {
        await h.close();
      }
    }, 'nft');
  });

  ktest(test, 'monitor: changes made by nft (another process) arrive as typed events, each transaction ending with a gen event', async () => {
    await withNetns(1, async (ns) => {
      const h = await Nft.open({ netns: ns });
      const mon = h.monitor();
      try {
        sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: 'table ip m {\n chain c {\n  type filter hook input priority 0;\n  tcp dport 22 accept\n }\n}\n' });
        nftCmd(ns, 'delete', 'table', 'ip', 'm');
        const seen: string[] = [];
        for await (const ev of mon) {
          if (ev.type !== 'new' && ev.type !== 'del') continue;
          const o = ev.object as Record<string, unknown>;
          seen.push(`${ev.type} ${ev.kind} ${String(o.name ?? o.chain ?? o.id ?? '')}`);
          if (ev.type === 'del' && ev.kind === 'table') break;
        }
        assert.equal(seen.slice(0, 4), ['new table m', 'new chain c', 'new rule c', 'new gen ' + String(seen[3]?.split(' ')[2])]);
        assert.ok(seen.includes('del table m'), seen.join('\n'));
        const rule = seen.indexOf('new rule c');
        assert.ok(rule > 0);
      } finally {
        mon.close();
        await h.close();
      }
    }, 'nft');
  });
}

test('validation before I/O: ArgumentError naming the field, nothing sent', async () => {
  const h = await Nft.open();
  try {
    const sent = h.socket.stats.requests;
    const bad = async (f: () => Promise<unknown>, field: RegExp): Promise<void> => {
      const e = await f().then(() => undefined, (x: unknown) => x);
      assert.instance(e, ArgumentError);
      assert.match((e as ArgumentError).field, field);
    };
    await bad(() => h.commit([]), /^messages$/);
    await bad(() => h.commit([{ type: 5 } as never]), /^messages\[0\]\.type$/);
    await bad(() => h.commit([addTable({ family: 'ip', name: 'x' })], { genId: -1 }), /^genId$/);
    await bad(() => h.commit([addTable({ family: 'ip', name: 'x' })], { bogus: 1 } as never), /^bogus$/);
    await bad(async () => h.addRule({ family: 'ip', table: 't', chain: 'c', expr: [match.ip.saddr('10.0.0.0/33')] }), /ip\.saddr|expr/);
    await bad(async () => h.addChain({ family: 'ip', table: 't', name: 'c', type: 'nat', hook: 'forward', priority: 0 }), /^hook$/);
    await bad(() => h.listRules({ family: 'ipx' as never }), /^filter\.family$/);
    await bad(async () => h.monitor({ highWaterMark: 0 }), /^highWaterMark$/);
    await bad(() => Nft.open({ groups: [1] } as never), /^groups$/);
    assert.is(h.socket.stats.requests, sent, 'nothing was sent');
  } finally {
    await h.close();
  }
});

test.run();
