/**
 * Run a fuzz target in a child Node process, on its main thread with the
 * default stack size (as a library user's code runs: a worker thread's
 * 4 MB stack once hid a stack overflow), with a watchdog and a heap limit:
 *  - a case that makes no progress for WATCHDOG_MS is a hang: the child is
 *    killed and the case named (the child writes its case number into a
 *    progress file the parent polls);
 *  - the child's old generation is capped (--max-old-space-size), so a
 *    decoder that allocates without bound fails the run instead of the
 *    machine (V8 then aborts the child: reported as a crash with its case);
 *  - the heap after the run (after a full collection) must stay close to
 *    where it started.
 * RTNL_FUZZ_SEED (default below) and RTNL_FUZZ_CASES override the seed and
 * the number of cases; RTNL_FUZZ_CASE=i runs case i alone (to replay).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildJob, ChildResult } from './child.js';

export const DEFAULT_SEED = 0x5eed2025;
const WATCHDOG_MS = 20000;
export const HEAP_LIMIT_MB = 256;

export function fuzzSeed(): number {
  const s = process.env.RTNL_FUZZ_SEED;
  return s ? Number(s) >>> 0 : DEFAULT_SEED;
}

export function fuzzCases(dflt: number): { from: number; to: number } {
  const one = process.env.RTNL_FUZZ_CASE;
  if (one !== undefined) return { from: Number(one), to: Number(one) + 1 };
  return { from: 0, to: Number(process.env.RTNL_FUZZ_CASES ?? dflt) };
}

/** Frames of a small recursive function that fit on the calling thread's stack (a measure of its size). */
export function stackDepth(): number {
  let n = 0;
  const f = (): void => {
    n++;
    f();
  };
  try {
    f();
  } catch {
    /* RangeError: the stack is full */
  }
  return n;
}

export interface FuzzOutcome extends ChildResult {
  hung?: { caseIndex: number };
  crashed?: string;
}

export function runFuzz(target: string, cases: number): Promise<FuzzOutcome> {
  const { from, to } = fuzzCases(cases);
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-fuzz-'));
  const progressFile = join(dir, 'progress');
  const counter = Buffer.alloc(4);
  counter.writeUInt32LE(from, 0);
  writeFileSync(progressFile, counter);
  const job: ChildJob = { target, seed: fuzzSeed(), from, to, progressFile };
  const current = (): number => {
    try {
      return readFileSync(progressFile).readUInt32LE(0);
    } catch {
      return -1;
    }
  };
  // No --stack-size: the child runs with Node's default stack, on its main thread.
  const child = fork(fileURLToPath(new URL('./child.js', import.meta.url)), [], {
    execArgv: [`--max-old-space-size=${HEAP_LIMIT_MB}`, '--expose-gc'],
    env: { ...process.env, RTNL_FUZZ_JOB: JSON.stringify(job) },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  return new Promise((resolve) => {
    let last = -1;
    let lastChange = Date.now();
    let settled = false;
    let result: ChildResult | undefined;
    const empty = (): FuzzOutcome => ({ cases: 0, decodeErrors: 0, ok: 0, hostile: 0, failures: [], heapBefore: 0, heapAfter: 0, inputBytes: 0, peakRss: 0, stackDepth: 0 });
    const done = (r: FuzzOutcome): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve(r);
    };
    const timer = setInterval(() => {
      const cur = current();
      if (cur !== last) {
        last = cur;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > WATCHDOG_MS) {
        child.kill('SIGKILL');
        done({ ...empty(), hung: { caseIndex: cur } });
      }
    }, 200);
    child.on('message', (r: ChildResult) => {
      result = r;
    });
    child.on('error', (e) => done({ ...empty(), crashed: `${e.name}: ${e.message} (last case ${current()}, seed ${job.seed})` }));
    child.on('exit', (code, signal) => {
      if (result && code === 0) done(result);
      else done({ ...empty(), crashed: `fuzz child exited with ${signal ?? code} at case ${current()} (seed ${job.seed}; replay: RTNL_FUZZ_SEED=${job.seed} RTNL_FUZZ_CASE=${current()})\n${stderr.trim().split('\n').slice(-8).join('\n')}` });
    });
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
