// Hostile nfnetlink bytes through the text and JSON printers (rtnl-dump hex
// --family netfilter): every fixture message (batches nft sent, dumps the
// kernel answered) and byte-flipped mutants print, or fail as malformed bytes
// (exit 1, a DecodeError), never with an internal error. Main thread, default stack.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';

const f = JSON.parse(readFileSync(new URL('../../../test/fixtures/nft-batches.json', import.meta.url), 'utf8')) as { cases: Array<{ name: string; batch: string[]; dump: string[] }> };
const datagrams = f.cases.flatMap((c) => [c.batch.join(''), ...c.dump]).map((h) => Buffer.from(h, 'hex'));

let seed = 12345;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed % n;
};

async function run(hex: string, json: boolean): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(['hex', '--family', 'netfilter', ...(json ? ['--json'] : []), hex], { out: () => undefined, err: (l) => (err += `${l}\n`) });
  return { code, err };
}

test('fixture messages print as text and JSON', async () => {
  for (const d of datagrams) {
    for (const json of [false, true]) {
      const r = await run(d.toString('hex'), json);
      assert.is(r.code, 0, r.err);
    }
  }
});

test('3,000 byte-flipped mutants: printed, or refused as malformed bytes; no internal error', async () => {
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    const d = Buffer.from(datagrams[rnd(datagrams.length)]!);
    for (let k = 0, n = 1 + rnd(4); k < n; k++) d[rnd(d.length)] = rnd(256);
    const r = await run(d.toString('hex'), i % 2 === 1);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}`);
    if (r.code === 1) {
      refused++;
      assert.match(r.err, /malformed netlink bytes|DecodeError/, r.err);
    }
    assert.not.match(r.err, /TypeError|RangeError|ReferenceError|internal/, `mutant ${i}: ${d.toString('hex')}\n${r.err}`);
  }
  assert.ok(refused < 3000, 'most mutants still print');
});

test.run();
