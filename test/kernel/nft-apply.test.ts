// The builders' batches applied to the kernel: for each fixture case, nft
// applies its script in one namespace and the library its own batch (built
// with the builders, sent by the test transport prototype) in another; the
// rulesets `nft -j list ruleset` prints must be equal, and the library's own
// dump decodes to the objects nft lists. Errors inside a batch name the
// message that caused them. The batches go through the core engine
// (NetlinkSocket.batch, test/nft-socket.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ktest, withNetns, sh, have, skip } from '../helpers.js';
import { NFT_CASES } from '../nft-cases.js';
import { applyBatch, listRuleset } from '../nft-socket.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import { addChain, addRule, addTable, accept, tcp } from '../../src/nft/index.js';

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/nft-batches.json', import.meta.url), 'utf8')) as { cases: Array<{ name: string; script: string }> };
const nftJson = (ns: string) => {
  const j = JSON.parse(sh('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'ruleset'])) as { nftables: Array<Record<string, unknown>> };
  // A table's handle comes from one counter for the whole kernel before Linux
  // 6.4 (per namespace since): two namespaces' tables differ only by it.
  return j.nftables.filter((x) => !('metainfo' in x)).map((x) => (x.table ? { table: { ...(x.table as object), handle: 'per-kernel before 6.4' } } : x));
};

if (!have('nft')) skip(test, 'nf_tables batches', 'nft is not installed (scripts/setup.sh installs nftables)');
else {
  for (const c of fixture.cases) {
    ktest(test, `${c.name}: the library's batch gives the ruleset nft's script gives (nft -j list ruleset)`, async () => {
      await withNetns(2, async (a, b) => {
        const dir = mkdtempSync(join(tmpdir(), 'nftk-'));
        try {
          writeFileSync(join(dir, 'r.nft'), c.script);
          sh('ip', ['netns', 'exec', a, 'nft', '-f', join(dir, 'r.nft')]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        const out = await applyBatch(b, NFT_CASES[c.name]!.messages());
        assert.equal(out.filter((x) => !x.ok).map((x) => (x as { error: Error }).error.message), [], 'no errors');
        assert.equal(nftJson(b), nftJson(a));
        // and our own dump decodes to what nft lists
        const ours = await listRuleset(b);
        const theirs = nftJson(b);
        assert.equal(ours.tables.map((t) => [t.family, t.name]), theirs.filter((x) => x.table).map((x) => [(x.table as any).family, (x.table as any).name]));
        assert.equal(ours.chains.map((t) => [t.table, t.name, Number(t.handle)]), theirs.filter((x) => x.chain).map((x) => [(x.chain as any).table, (x.chain as any).name, (x.chain as any).handle]));
        assert.equal(ours.rules.map((t) => [t.chain, Number(t.handle), (t.expr as unknown[]).length > 0]), theirs.filter((x) => x.rule).map((x) => [(x.rule as any).chain, (x.rule as any).handle, true]));
        assert.equal(ours.sets.map((t) => t.name).sort(), theirs.filter((x) => x.set || x.map).map((x) => ((x.set ?? x.map) as any).name).sort());
      }, 'nft');
    });
  }

  ktest(test, 'a kernel error inside a batch names the offending message; nothing of the batch is applied', async () => {
    await withNetns(1, async (ns) => {
      const msgs = [
        addTable({ family: 'ip', name: 'e' }),
        addChain({ family: 'ip', table: 'e', name: 'c', type: 'filter', hook: 'input', priority: 0 }),
        addRule({ family: 'ip', table: 'e', chain: 'nosuchchain', expr: [tcp.dport(22), accept()] }),
        addRule({ family: 'ip', table: 'e', chain: 'c', expr: [accept()] }),
      ];
      const out = await applyBatch(ns, msgs);
      assert.equal(out.map((x) => x.ok), [true, true, false, true], 'only the third message (the rule in a missing chain) failed; each message has its own answer');
      const e = (out[2] as { error: Error }).error;
      assert.instance(e, NetlinkError);
      const ne = e as NetlinkError;
      assert.is(ne.code, 'ENOENT');
      assert.is(ne.request?.typeName, 'NFT_MSG_NEWRULE');
      if (ne.extack?.offset !== undefined) assert.is(ne.extack.attributePath, 'NFTA_RULE_CHAIN', 'the ext-ack offset mapped onto the failing message');
      assert.equal(nftJson(ns), [], 'the batch was aborted as a whole');
    }, 'nft');
  });
}

test.run();
