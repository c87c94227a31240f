/**
 * Run a fuzz target in a worker thread with a watchdog and a heap limit:
 *  - a case that makes no progress for WATCHDOG_MS is a hang: the worker is
 *    terminated and the case named;
 *  - the worker's old generation is capped (resourceLimits), so a decoder that
 *    allocates without bound fails the run instead of the machine;
 *  - the heap after the run (after a full collection) must stay close to
 *    where it started.
 * RTNL_FUZZ_SEED (default below) and RTNL_FUZZ_CASES override the seed and
 * the number of cases; RTNL_FUZZ_CASE=i runs case i alone (to replay).
 */
import { Worker } from 'node:worker_threads';
import type { WorkerJob, WorkerResult } from './worker.js';

export const DEFAULT_SEED = 0x5eed2025;
const WATCHDOG_MS = 20000;
const HEAP_LIMIT_MB = 256;

export function fuzzSeed(): number {
  const s = process.env.RTNL_FUZZ_SEED;
  return s ? Number(s) >>> 0 : DEFAULT_SEED;
}

export function fuzzCases(dflt: number): { from: number; to: number } {
  const one = process.env.RTNL_FUZZ_CASE;
  if (one !== undefined) return { from: Number(one), to: Number(one) + 1 };
  return { from: 0, to: Number(process.env.RTNL_FUZZ_CASES ?? dflt) };
}

export interface FuzzOutcome extends WorkerResult {
  hung?: { caseIndex: number };
  crashed?: string;
}

export function runFuzz(target: string, cases: number): Promise<FuzzOutcome> {
  const { from, to } = fuzzCases(cases);
  const progress = new SharedArrayBuffer(4);
  const job: WorkerJob = { target, seed: fuzzSeed(), from, to, progress };
  const counter = new Int32Array(progress);
  Atomics.store(counter, 0, from);
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: job, resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB } });
  return new Promise((resolve) => {
    let last = -1;
    let lastChange = Date.now();
    let settled = false;
    const empty = (): FuzzOutcome => ({ cases: 0, decodeErrors: 0, ok: 0, failures: [], heapBefore: 0, heapAfter: 0, inputBytes: 0 });
    const done = (r: FuzzOutcome): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      resolve(r);
    };
    const timer = setInterval(() => {
      const cur = Atomics.load(counter, 0);
      if (cur !== last) {
        last = cur;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > WATCHDOG_MS) {
        void worker.terminate();
        done({ ...empty(), hung: { caseIndex: cur } });
      }
    }, 200);
    worker.on('message', (r: WorkerResult) => done(r));
    worker.on('error', (e) => done({ ...empty(), crashed: `${e.name}: ${e.message} (last case ${Atomics.load(counter, 0)}, seed ${job.seed})` }));
    worker.on('exit', (code) => done({ ...empty(), crashed: `worker exited with ${code} (last case ${Atomics.load(counter, 0)}, seed ${job.seed})` }));
  });
}

/** Human summary of failures, with how to replay each. */
export function describeFailures(o: FuzzOutcome): string {
  if (o.hung) return `case ${o.hung.caseIndex} hung (no progress for ${WATCHDOG_MS} ms); replay: RTNL_FUZZ_SEED=${fuzzSeed()} RTNL_FUZZ_CASE=${o.hung.caseIndex}`;
  if (o.crashed) return o.crashed;
  return o.failures
    .map((f) => `case ${f.caseIndex} (replay: RTNL_FUZZ_SEED=${f.seed} RTNL_FUZZ_CASE=${f.caseIndex}): ${f.error}\n  input ${f.hex.length / 2} bytes; shrunk to ${f.shrunkHex.length / 2}: ${f.shrunkHex}`)
    .join('\n');
}
