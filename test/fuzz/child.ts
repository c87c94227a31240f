/**
 * Fuzz child: runs cases [from, to) of one target on the main thread of its
 * own Node process, with the default stack (the stack a library user has:
 * a worker's 4 MB stack once hid a stack overflow) and the heap capped by the
 * parent (--max-old-space-size). Writes the case number it is on into the
 * progress file (the parent's watchdog names the case if it stops moving),
 * counts every exception that is not a DecodeError as a failure, shrinks it
 * to a small reproducer, and sends the result to the parent over IPC.
 */
import { openSync, writeSync } from 'node:fs';
import { Rng, caseSeed, hostileDatagram, mutate, randomDatagram, registeredTypes, seedCaptures, seedDatagrams } from './gen.js';
import { PcapWriter } from '../../src/pcap/index.js';
import { targets } from './targets.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { stackDepth } from './run.js';

export interface ChildJob {
  target: string;
  seed: number;
  from: number;
  to: number;
  /** File the child writes its current case number into (4 bytes, little-endian). */
  progressFile: string;
}
export interface Failure {
  target: string;
  seed: number;
  caseIndex: number;
  error: string;
  hex: string;
  shrunkHex: string;
}
export interface ChildResult {
  cases: number;
  decodeErrors: number;
  ok: number;
  /** Cases from the hostile generator (depth bombs, floods, repeats, names that are not UTF-8). */
  hostile: number;
  failures: Failure[];
  heapBefore: number;
  heapAfter: number;
  inputBytes: number;
  /** Largest RSS seen after a case (bytes). */
  peakRss: number;
  /** How deep a plain recursion gets on this thread's stack (see stackDepth()): the stack the cases ran on. */
  stackDepth: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('the fuzz child needs --expose-gc');

const job = JSON.parse(process.env.RTNL_FUZZ_JOB ?? '{}') as ChildJob;
const fn = targets[job.target];
if (!fn) throw new Error(`no fuzz target ${job.target}`);
const isCapture = job.target === 'pcap';
const seeds = isCapture ? seedCaptures() : seedDatagrams();
/** External memory (Buffers) a case may hold; beyond it the decoder allocates from lengths it read. */
const EXTERNAL_LIMIT = 256 * 1024 * 1024;
const types = registeredTypes();

/** A datagram as a one-packet capture file. */
function asCapture(d: Buffer): Buffer {
  const chunks: Buffer[] = [];
  const w = new PcapWriter((c) => chunks.push(c), { snaplen: 0x40000000 });
  w.write(d, 'in', 0, 1_700_000_000_000_000_000n);
  return Buffer.concat(chunks);
}

/**
 * The input of case i: a mutated seed (55%), a structure-aware random
 * datagram (30%), a hostile datagram (5%), raw random bytes (10%).
 */
function input(i: number): { buf: Buffer; hostile: boolean } {
  const rng = new Rng(caseSeed(job.seed, job.target, i));
  const r = rng.int(20);
  if (r === 0) {
    const d = hostileDatagram(rng);
    return { buf: isCapture ? asCapture(d) : d, hostile: true };
  }
  if (r < 12 || (isCapture && r < 18)) return { buf: mutate(rng, rng.pick(seeds), rng.pick(seeds)), hostile: false };
  if (r < 18) {
    const d = randomDatagram(rng, types);
    return { buf: rng.chance(0.5) ? mutate(rng, d, rng.pick(seeds)) : d, hostile: false };
  }
  return { buf: rng.bytes(rng.int(600)), hostile: false };
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

/** Shrink an input that fails with `sig`: drop chunks while it still fails the same way. */
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

const progressFd = openSync(job.progressFile, 'r+');
const counter = Buffer.alloc(4);
function report(i: number): void {
  counter.writeUInt32LE(i >>> 0, 0);
  writeSync(progressFd, counter, 0, 4, 0);
}

gc();
const heapBefore = process.memoryUsage().heapUsed;
const res: ChildResult = { cases: 0, decodeErrors: 0, ok: 0, hostile: 0, failures: [], heapBefore, heapAfter: 0, inputBytes: 0, peakRss: 0, stackDepth: stackDepth() };
const seen = new Set<string>();
for (let i = job.from; i < job.to; i++) {
  report(i);
  const { buf, hostile } = input(i);
  res.cases++;
  if (hostile) res.hostile++;
  res.inputBytes += buf.length;
  let err: unknown;
  try {
    await fn(buf);
    res.ok++;
  } catch (e) {
    err = e;
  }
  const mem = process.memoryUsage();
  if (mem.rss > res.peakRss) res.peakRss = mem.rss;
  if (mem.arrayBuffers > EXTERNAL_LIMIT) err = new Error(`unbounded allocation: ${mem.arrayBuffers} bytes of buffers held after the case`);
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
report(job.to);
process.send!(res, () => process.exit(0));
