// Fuzzing the decoders with mutated real kernel datagrams, structure-aware
// random messages, hostile messages (depth bombs, floods, repeated
// attributes, names that are not UTF-8) and raw random bytes, each target in
// a child process on its main thread with Node's default stack: only
// DecodeError may escape, no case may hang, the heap stays bounded. Seeded: a
// failure names the case to replay
// (RTNL_FUZZ_SEED=S RTNL_FUZZ_CASE=i node dist/test/unit/fuzz-decoders.test.js).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import '../../src/rtnl/kinds/index.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { LinkTypeError } from '../../src/pcap/index.js';
import { splitMessages } from '../../src/netlink/message.js';
import { registeredTypes, seedCaptures, seedDatagrams } from '../fuzz/gen.js';
import { targets } from '../fuzz/targets.js';
import { describeFailures, fuzzSeed, runFuzz, stackDepth } from '../fuzz/run.js';

const CASES: Record<string, number> = { split: 20000, errorDone: 20000, link: 30000, schemas: 15000, format: 10000, pcap: 10000 };
const HEAP_GROWTH_LIMIT = 16 * 1024 * 1024;
/** This test process is a main thread with the default stack: the children must have the same. */
const MAIN_STACK = stackDepth();

test('the seeds are real kernel datagrams of several families, and all decode cleanly', async () => {
  const seeds = seedDatagrams();
  assert.ok(seeds.length >= 100, `${seeds.length} seed datagrams`);
  const types = new Set(seeds.flatMap((s) => splitMessages(s).map((m) => m.type)));
  for (const t of [2, 3, 16, 17, 20, 24, 28, 32]) assert.ok(types.has(t), `seeds hold message type ${t}`);
  assert.ok(registeredTypes().includes(16), 'RTM_NEWLINK has a schema');
  // unmutated seeds must pass every target without even a DecodeError
  for (const [name, fn] of Object.entries(targets)) if (name !== 'pcap') for (const s of seeds) fn(s);
  // the corpus's Ethernet captures (negative/) must be refused with LinkTypeError; every other capture reads cleanly
  for (const c of seedCaptures()) {
    try {
      await targets.pcap!(c);
    } catch (e) {
      assert.ok(e instanceof LinkTypeError, String(e));
    }
  }
});

for (const [name, dflt] of Object.entries(CASES)) {
  // RTNL_FUZZ_CASES overrides the count (the arm64 lane, under emulation, runs fewer)
  const cases = Number(process.env.RTNL_FUZZ_CASES ?? dflt);
  test(`fuzz ${name}: ${cases.toLocaleString('en')} cases (seed ${fuzzSeed()}) in a child process's main thread, only DecodeError escapes, no hang, bounded heap`, async () => {
    const o = await runFuzz(name, cases);
    assert.ok(!o.hung && !o.crashed && o.failures.length === 0, `fuzz ${name} failed:\n${describeFailures(o)}`);
    // the cases ran on a stack the size of a main thread's (a worker's 4 MB default holds 4x more frames)
    assert.ok(Math.abs(o.stackDepth - MAIN_STACK) <= MAIN_STACK * 0.1, `fuzz child stack: ${o.stackDepth} frames, main thread: ${MAIN_STACK}`);
    assert.equal(o.cases, Number(process.env.RTNL_FUZZ_CASE !== undefined ? 1 : (process.env.RTNL_FUZZ_CASES ?? cases)));
    // the inputs were not all rejected at the door: a good share decodes fully
    if (o.cases >= 1000) assert.ok(o.ok > o.cases * 0.1 && o.decodeErrors > o.cases * 0.05, `${o.ok} decoded, ${o.decodeErrors} DecodeError of ${o.cases}`);
    const growth = o.heapAfter - o.heapBefore;
    assert.ok(growth < HEAP_GROWTH_LIMIT, `heap grew by ${(growth / 1048576).toFixed(1)} MiB over ${o.cases} cases`);
    console.log(`  fuzz ${name}: ${o.cases} cases (${o.hostile} hostile) on a main thread with the default stack (${o.stackDepth} frames deep), ${o.ok} decoded, ${o.decodeErrors} DecodeError, 0 other exceptions, ${(o.inputBytes / 1048576).toFixed(1)} MiB of input, heap ${((o.heapAfter - o.heapBefore) / 1024).toFixed(0)} KiB growth, peak RSS ${(o.peakRss / 1048576).toFixed(0)} MiB`);
  });
}

// Inputs the fuzzer once found to crash a decoder (shrunk), kept as regression vectors.
const regressions = JSON.parse(readFileSync(new URL('../../../test/fixtures/fuzz-regressions.json', import.meta.url), 'utf8')) as {
  vectors: Array<{ target: string; hex: string; what: string }>;
};
test('fuzz regression vectors: each gives DecodeError or decodes, never another exception', async () => {
  for (const v of regressions.vectors) {
    const fn = targets[v.target];
    assert.ok(fn, `target ${v.target}`);
    try {
      await fn!(Buffer.from(v.hex, 'hex'));
    } catch (e) {
      assert.ok(e instanceof DecodeError, `${v.what}: ${(e as Error).stack}`);
    }
  }
});

test.run();
