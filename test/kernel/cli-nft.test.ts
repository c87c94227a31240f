// `rtnl-dump nft` against `nft list ruleset` (the oracle): every fixture
// script (test/fixtures/nft-batches.json) applied by nft, then both listings
// compared line by line (white space and element order/wrapping inside
// `elements = { ... }` aside: nft wraps long lists and keeps its own order).
// --json against `nft -j`; nfnetlink in hex decoded to nft statements.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ktest, withNetns, sh, have, skip } from '../helpers.js';

const bin = fileURLToPath(new URL('../../../bin/rtnl-dump.js', import.meta.url));
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/nft-batches.json', import.meta.url), 'utf8')) as { cases: Array<{ name: string; script: string; batch: string[] }> };

/** Lines without indentation; an `elements = { ... }` block as one line with its elements sorted. */
function normalize(text: string): string[] {
  const out: string[] = [];
  let pending: string | undefined;
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (!l) continue;
    if (pending !== undefined) pending += ` ${l}`;
    else if (l.startsWith('elements = {')) pending = l;
    else {
      out.push(l);
      continue;
    }
    if (pending.endsWith('}')) {
      const items = pending.slice('elements = {'.length, -1).split(',').map((x) => x.trim()).filter(Boolean).sort();
      out.push(`elements = { ${items.join(', ')} }`);
      pending = undefined;
    }
  }
  return out;
}

if (!have('nft')) skip(test, 'rtnl-dump nft', 'nft is not installed (scripts/setup.sh installs nftables)');
else {
  for (const c of fixture.cases) {
    ktest(test, `rtnl-dump nft = nft list ruleset: ${c.name}`, async () => {
      await withNetns(1, async (ns) => {
        const dir = mkdtempSync(join(tmpdir(), 'nftcli-'));
        try {
          writeFileSync(join(dir, 'r.nft'), c.script);
          sh('ip', ['netns', 'exec', ns, 'nft', '-f', join(dir, 'r.nft')]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        const theirs = normalize(sh('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset']));
        const ours = normalize(sh(process.execPath, [bin, 'nft', '--netns', ns]));
        assert.equal(ours, theirs);
        // -d adds the handles nft -a prints
        const withHandles = normalize(sh(process.execPath, [bin, 'nft', '--netns', ns, '-d'])).filter((l) => l.includes('# handle'));
        const nftA = normalize(sh('ip', ['netns', 'exec', ns, 'nft', '-a', 'list', 'ruleset'])).filter((l) => l.includes('# handle'));
        assert.equal(withHandles.map((l) => l.replace(/.*# handle /, '')), nftA.map((l) => l.replace(/.*# handle /, '')));
        // --json: the library's objects, one generation; names and handles as nft -j has them
        const j = JSON.parse(sh(process.execPath, [bin, 'nft', '--netns', ns, '--json'])) as { genId: number; rules: Array<{ chain: string; handle: number }> };
        const nj = (JSON.parse(sh('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'ruleset'])) as { nftables: Array<Record<string, any>> }).nftables;
        assert.equal(j.rules.map((r) => [r.chain, r.handle]), nj.filter((x) => x.rule).map((x) => [x.rule.chain, x.rule.handle]));
        assert.ok(Number.isInteger(j.genId) && j.genId > 0, `genId ${j.genId}`);
      }, 'nft');
    });
  }
}

test('rtnl-dump hex --family netfilter: a batch reads as nft statements', () => {
  const c = fixture.cases.find((x) => x.name === 'seed001-nat')!;
  const out = sh(process.execPath, [bin, 'hex', '--family', 'netfilter', c.batch.join('')]);
  assert.match(out, /NFT_MSG_NEWRULE .*\n  rule ip nat postrouting: ip saddr 172\.18\.0\.0\/16 oifname != "docker0" masquerade/);
  assert.match(out, /rule ip nat prerouting: tcp dport 8080 dnat to 172\.18\.0\.2:80/);
  assert.match(out, /chain ip nat postrouting \{ type nat hook postrouting priority srcnat; policy accept; \}/);
  // -d: every attribute by its uapi name instead
  assert.match(sh(process.execPath, [bin, 'hex', '--family', 'netfilter', '-d', c.batch.join('')]), /NFTA_RULE_EXPRESSIONS|expr/);
});

test.run();
