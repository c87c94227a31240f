/**
 * Fuzz worker: runs cases [from, to) of one target, reporting progress in a
 * shared counter (the parent's watchdog terminates us if a case hangs) and
 * every input that throws anything but DecodeError, shrunk to a small
 * reproducer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Rng, caseSeed, mutate, randomDatagram, registeredTypes, seedCaptures, seedDatagrams } from './gen.js';
import { targets } from './targets.js';
import { DecodeError } from '../../src/netlink/errors.js';

export interface WorkerJob {
  target: string;
  seed: number;
  from: number;
  to: number;
  progress: SharedArrayBuffer;
}
export interface Failure {
  target: string;
  seed: number;
  caseIndex: number;
  error: string;
  hex: string;
  shrunkHex: string;
}
export interface WorkerResult {
  cases: number;
  decodeErrors: number;
  ok: number;
  failures: Failure[];
  heapBefore: number;
  heapAfter: number;
  inputBytes: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const job = workerData as WorkerJob;
const progress = new Int32Array(job.progress);
const fn = targets[job.target];
if (!fn) throw new Error(`no fuzz target ${job.target}`);
const isCapture = job.target === 'pcap';
const seeds = isCapture ? seedCaptures() : seedDatagrams();
/** External memory (Buffers) a case may hold; beyond it the decoder allocates from lengths it read. */
const EXTERNAL_LIMIT = 256 * 1024 * 1024;
const types = registeredTypes();

/** The input of case i: a mutated seed (60%), a structure-aware random datagram (30%), or raw random bytes (10%). */
export function input(i: number): Buffer {
  const rng = new Rng(caseSeed(job.seed, job.target, i));
  const r = rng.int(10);
  if (r < 6 || (isCapture && r < 9)) return mutate(rng, rng.pick(seeds), rng.pick(seeds));
  if (r < 9) {
    const d = randomDatagram(rng, types);
    return rng.chance(0.5) ? mutate(rng, d, rng.pick(seeds)) : d;
  }
  return rng.bytes(rng.int(600));
}

/** null when fn accepts buf or throws DecodeError; the error otherwise. */
async function bad(buf: Buffer): Promise<Error | null> {
  try {
    await fn!(buf);
    return null;
  } catch (e) {
    if (e instanceof DecodeError) return null;
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** What makes two failures the same bug: the error class and where it was thrown. */
function signature(e: Error): string {
  const at = (e.stack ?? '').split('\n').find((l) => l.trim().startsWith('at ')) ?? '';
  return `${e.name} ${at.trim()}`;
}

/** Shrink an input that fails with `sig`: drop chunks, then truncate, while it still fails the same way. */
async function shrink(buf: Buffer, sig: string): Promise<Buffer> {
  const same = async (b: Buffer): Promise<boolean> => {
    const e = await bad(b);
    return e !== null && signature(e) === sig;
  };
  let cur = buf;
  // bounded: a few seconds at most (the watchdog sees no progress meanwhile)
  const deadline = Date.now() + 3000;
  for (let chunk = cur.length >> 1; chunk >= 1 && Date.now() < deadline; chunk >>= 1) {
    for (let at = 0; at + chunk <= cur.length && Date.now() < deadline; ) {
      const cand = Buffer.concat([cur.subarray(0, at), cur.subarray(at + chunk)]);
      if (cand.length >= 4 && (await same(cand))) cur = cand;
      else at += chunk;
    }
  }
  return cur;
}

gc();
const heapBefore = process.memoryUsage().heapUsed;
const res: WorkerResult = { cases: 0, decodeErrors: 0, ok: 0, failures: [], heapBefore, heapAfter: 0, inputBytes: 0 };
const seen = new Set<string>();
for (let i = job.from; i < job.to; i++) {
  Atomics.store(progress, 0, i);
  const buf = input(i);
  res.cases++;
  res.inputBytes += buf.length;
  let err: unknown;
  try {
    await fn(buf);
    res.ok++;
  } catch (e) {
    err = e;
  }
  if (process.memoryUsage().arrayBuffers > EXTERNAL_LIMIT) err = new Error(`unbounded allocation: ${process.memoryUsage().arrayBuffers} bytes of buffers held after the case`);
  if (err === undefined) continue;
  if (err instanceof DecodeError) {
    res.decodeErrors++;
    continue;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const sig = signature(e);
  if (seen.has(sig) || res.failures.length >= 20) continue;
  seen.add(sig);
  res.failures.push({
    target: job.target,
    seed: job.seed,
    caseIndex: i,
    error: (e.stack ?? String(e)).split('\n').slice(0, 6).join('\n'),
    hex: buf.toString('hex'),
    shrunkHex: (await shrink(buf, sig)).toString('hex'),
  });
}
gc();
res.heapAfter = process.memoryUsage().heapUsed;
Atomics.store(progress, 0, job.to);
parentPort!.postMessage(res);
