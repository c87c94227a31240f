/**
 * Pure codec throughput on real kernel bytes: a link dump captured with the
 * socket `tap` option in a namespace holding links of several kinds, then
 * decodeLink (datagram -> typed objects) and encodeLink (typed object ->
 * bytes, byte-exact) timed in-process. Reports MB/s, messages/s, bytes
 * allocated per message (heap growth with no collection in between, checked
 * in a child process with a young generation big enough that no collection
 * runs in between) and bytes retained per decoded link.
 *
 * Also compares the fixed headers (nlmsghdr + ifinfomsg) read by hand, as the
 * library does, with the `buffer-layout` package, when that is installed
 * (`npm install --no-save buffer-layout`; it is not a dependency).
 *
 *   node --expose-gc dist/bench/codec.js     (BENCH_LINKS=1000, BENCH_RUNS=5)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rtnl, splitMessages, decodeLink, encodeLink, Writer, type AnyLink } from '../src/index.js';
import { NLMSG_HDRLEN } from '../src/netlink/constants.js';
import { UAPI } from '../src/rtnl/uapi.js';
import { RUNS, dropNs, freshNs, gc, ipBatch, median, ratio, requireRoot, selfCpuMs, table, writeResult } from './lib/common.js';
const { RTM_NEWLINK } = UAPI;

if (process.env.RTNL_CODEC_ALLOC_CHILD) {
  // child mode: bytes allocated per operation, with no collection in between
  const dgs = (JSON.parse(readFileSync(process.env.RTNL_CODEC_ALLOC_CHILD, 'utf8')) as string[]).map((h) => Buffer.from(h, 'hex'));
  const ms = dgs.flatMap((d) => splitMessages(d)).filter((m) => m.type === RTM_NEWLINK);
  const links = ms.map((m) => decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len));
  const wr = new Writer(64 * 1024);
  const sinkc: unknown[] = [];
  const per = (fn: (i: number) => void, k: number): number => {
    for (let i = 0; i < 2000; i++) fn(i); // warm up (JIT-compile first: compilation allocates too)
    gc();
    const h0 = process.memoryUsage().heapUsed;
    for (let i = 0; i < k; i++) fn(i);
    return (process.memoryUsage().heapUsed - h0) / k;
  };
  const out = {
    decode: per((i) => {
      const m = ms[i % ms.length]!;
      sinkc[0] = decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
    }, 500),
    encode: per((i) => {
      wr.reset();
      encodeLink(wr, links[i % links.length]!);
    }, 500),
    split: per((i) => {
      sinkc[0] = splitMessages(dgs[i % dgs.length]!);
    }, 500),
  };
  console.log(JSON.stringify(out));
  process.exit(0);
}
requireRoot('codec');
const TOTAL = Number(process.env.BENCH_LINKS ?? 1000);

// ---- capture
const ns = freshNs('codec');
const datagrams: Buffer[] = [];
try {
  const unit = Math.floor(TOTAL / 10);
  const lines: string[] = [];
  for (let i = 0; i < 3 * unit; i++) lines.push(`link add v${i} type veth peer name p${i}`);
  for (let i = 0; i < unit; i++) lines.push(`link add br${i} type bridge`, `link set v${i} master br${i} up`);
  for (let i = 0; i < unit; i++) lines.push(`link add vx${i} type vxlan id ${i + 1} dstport 4789`);
  for (let i = 0; i < unit; i++) lines.push(`link add mv${i} link p${i} type macvlan mode bridge`);
  for (let i = 0; i < unit; i++) lines.push(`link add ifb${i} type ifb`);
  ipBatch(ns, lines);
  const rtnl = await Rtnl.open({ netns: ns, tap: (dir, d) => dir === 'in' && datagrams.push(Buffer.from(d)) });
  await rtnl.links.list();
  await rtnl.close();
} finally {
  dropNs(ns);
}
const msgs = datagrams.flatMap((d) => splitMessages(d)).filter((m) => m.type === RTM_NEWLINK);
const msgBytes = msgs.reduce((n, m) => n + m.len, 0);
const dgBytes = datagrams.reduce((n, d) => n + d.length, 0);
console.log(`codec: ${msgs.length} RTM_NEWLINK messages (${(msgBytes / 1024).toFixed(0)} KiB) in ${datagrams.length} datagrams captured from a link dump; ${RUNS} runs`);

// ---- decode / encode throughput
function decodeAll(): AnyLink[] {
  const out: AnyLink[] = [];
  for (const d of datagrams) {
    for (const m of splitMessages(d)) if (m.type === RTM_NEWLINK) out.push(decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len));
  }
  return out;
}
const decoded = decodeAll();
const w = new Writer(64 * 1024);
function encodeAll(links: AnyLink[]): number {
  let n = 0;
  for (const l of links) {
    w.reset();
    encodeLink(w, l);
    n += w.pos;
  }
  return n;
}
// byte-exact check (so the encoder timed is the lossless one)
for (let i = 0; i < msgs.length; i++) {
  const m = msgs[i]!;
  w.reset();
  encodeLink(w, decoded[i]!);
  if (!w.view().equals(m.buf.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.len))) throw new Error(`re-encoding ${decoded[i]!.name} is not byte-exact`);
}
const encBytes = encodeAll(decoded);

/**
 * Repeat fn for at least `minMs` of CPU time; return CPU ms per call (user +
 * system of this process: on a machine shared with other jobs, wall time
 * also counts the time other processes held the CPU).
 */
function timeIt(fn: () => unknown, minMs = 400): number {
  for (let i = 0; i < 3; i++) fn(); // warm up
  let iters = 0;
  const c0 = selfCpuMs();
  let el = 0;
  do {
    fn();
    iters++;
    el = selfCpuMs() - c0;
  } while (el < minMs);
  return el / iters;
}

const dec: number[] = [];
const enc: number[] = [];
for (let r = 0; r < RUNS; r++) {
  dec.push(timeIt(decodeAll));
  enc.push(timeIt(() => encodeAll(decoded)));
}
const decMs = median(dec);
const encMs = median(enc);
const mbps = (bytes: number, ms: number): number => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10;

// ---- allocation per message
// Measured in a child process whose young generation is large enough (128 MiB
// semi-spaces) that no collection runs while a few hundred messages are
// decoded: the heap growth is then what was allocated.
async function allocations(): Promise<{ decode?: number; encode?: number; split?: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-codec-'));
  try {
    const file = join(dir, 'datagrams.json');
    writeFileSync(file, JSON.stringify(datagrams.map((d) => d.toString('hex'))));
    const r = spawnSync(process.execPath, ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128', fileURLToPath(import.meta.url)], {
      env: { ...process.env, RTNL_CODEC_ALLOC_CHILD: file },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`allocation child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { decode?: number; encode?: number; split?: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const alloc = await allocations();
const decAlloc = alloc.decode;
const encAlloc = alloc.encode;
const splitAlloc = alloc.split;
// retained: what a decoded link costs while the program keeps it
gc();
const r0 = process.memoryUsage().heapUsed;
const kept = decodeAll();
gc();
const retained = (process.memoryUsage().heapUsed - r0) / kept.length;

// ---- fixed headers: hand-written reads vs buffer-layout
let layout: Record<string, unknown> | undefined;
try {
  const BL = (await import('buffer-layout' as string)) as { struct: Function; u32: Function; u16: Function; u8: Function; s32: Function };
  const hdr = BL.struct([BL.u32('len'), BL.u16('type'), BL.u16('flags'), BL.u32('seq'), BL.u32('pid'), BL.u8('family'), BL.u8('pad'), BL.u16('ifType'), BL.s32('index'), BL.u32('ifFlags'), BL.u32('change')]) as {
    decode(b: Buffer, off: number): Record<string, number>;
  };
  const hand = (b: Buffer, o: number): Record<string, number> => ({
    len: b.readUInt32LE(o),
    type: b.readUInt16LE(o + 4),
    flags: b.readUInt16LE(o + 6),
    seq: b.readUInt32LE(o + 8),
    pid: b.readUInt32LE(o + 12),
    family: b[o + 16]!,
    pad: b[o + 17]!,
    ifType: b.readUInt16LE(o + 18),
    index: b.readInt32LE(o + 20),
    ifFlags: b.readUInt32LE(o + 24),
    change: b.readUInt32LE(o + 28),
  });
  for (const m of msgs) {
    const a = hand(m.buf, m.offset);
    const b = hdr.decode(m.buf, m.offset);
    for (const k of Object.keys(a)) if (a[k] !== b[k]) throw new Error(`buffer-layout disagrees on ${k}`);
  }
  let s = 0;
  const loop = (f: (b: Buffer, o: number) => Record<string, number>) => () => {
    for (const m of msgs) s += f(m.buf, m.offset).index!;
  };
  const hs: number[] = [];
  const ls: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    hs.push(timeIt(loop(hand), 200));
    ls.push(timeIt(loop((b, o) => hdr.decode(b, o)), 200));
  }
  const nsPer = (ms: number): number => Math.round(((ms * 1e6) / msgs.length) * 10) / 10;
  layout = { handNsPerHeader: nsPer(median(hs)), bufferLayoutNsPerHeader: nsPer(median(ls)), bufferLayoutVsHand: ratio(median(ls), median(hs)), checksum: s };
} catch (e) {
  if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
  layout = undefined;
}

const rows = [
  ['operation', 'cpu ms per pass', 'MB/s', 'messages/s', 'bytes allocated/msg'],
  ['decode (split + decodeLink)', decMs.toFixed(2), String(mbps(dgBytes, decMs)), Math.round(msgs.length / (decMs / 1000)).toLocaleString('en'), decAlloc === undefined ? '?' : decAlloc.toFixed(0)],
  ['encode (encodeLink)', encMs.toFixed(2), String(mbps(encBytes, encMs)), Math.round(msgs.length / (encMs / 1000)).toLocaleString('en'), encAlloc === undefined ? '?' : encAlloc.toFixed(0)],
];
table(rows);
console.log(`  splitMessages alone allocates ${splitAlloc?.toFixed(0) ?? '?'} bytes per datagram; a decoded link retains ${retained.toFixed(0)} bytes of heap (wire message ${(msgBytes / msgs.length).toFixed(0)} bytes)`);
if (layout) {
  console.log(`  fixed headers (nlmsghdr + ifinfomsg, 11 fields): hand-written reads ${layout.handNsPerHeader} ns, buffer-layout ${layout.bufferLayoutNsPerHeader} ns per header (buffer-layout / hand = ${layout.bufferLayoutVsHand}x)`);
} else {
  console.log('  buffer-layout not installed: header comparison skipped (npm install --no-save buffer-layout to include it)');
}
writeResult('codec', {
  messages: msgs.length,
  datagrams: datagrams.length,
  messageBytes: msgBytes,
  datagramBytes: dgBytes,
  decode: { msPerPass: decMs, mbPerS: mbps(dgBytes, decMs), messagesPerS: Math.round(msgs.length / (decMs / 1000)), bytesAllocatedPerMessage: decAlloc, bytesRetainedPerLink: retained },
  encode: { msPerPass: encMs, mbPerS: mbps(encBytes, encMs), messagesPerS: Math.round(msgs.length / (encMs / 1000)), bytesAllocatedPerMessage: encAlloc },
  splitMessagesBytesAllocatedPerDatagram: splitAlloc,
  fixedHeaders: layout ?? 'buffer-layout not installed',
  samples: { decodeMs: dec, encodeMs: enc },
});
