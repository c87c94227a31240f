/**
 * bench/tun: packets per second through a TUN device, Node stream vs C, on
 * the same device, in the same run, under the same load.
 *
 * Setup (inside a namespace the bench creates and always deletes): a
 * persistent tun device bt0 (created with rtnl.links.add({ kind: 'tun' })),
 * 10.99.0.1/24, up.
 *
 * Reads: a C load generator (bench/c/udp_load.c `flood`, pinned to CPU 1)
 * sends UDP datagrams to 10.99.0.2, which the kernel routes into bt0; a
 * reader attached to bt0 (pinned to CPU 0) counts packets for a fixed
 * window. Readers: C blocking read() loop, C poll()+read()-until-EAGAIN loop
 * (bench/c/tun_reader.c), and the Node stream (tun.on('data')). The same
 * generator binary and arguments are used for every reader; the offered
 * load is reported next to each result.
 *
 * Writes: the writer writes one prebuilt IPv4/UDP packet (identical bytes
 * for Node and C: the bench writes it to a file the C writer reads) to
 * 10.99.0.1:9999, where a socket that never reads sits (the kernel drops the
 * datagrams at the socket, after the whole IP/UDP receive path). C: blocking
 * write() loop (bench/c/tun_writer.c). Node: tun.write() until it returns
 * false, then 'drain'.
 *
 * Each measurement runs RTNL_BENCH_ROUNDS times (default 3) for
 * RTNL_BENCH_SECONDS (default 2), interleaved; the median is reported.
 * Packet sizes: 64 and 1400 bytes (IP packet size). Results: a table, the
 * Node/C ratios (against the faster C loop), and JSON in bench/results/.
 *
 *   npm run bench -- tun        (root; needs cc, ip, taskset optional)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rtnl, Tun, netns, packet } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = join(here, '..', '..');
const SECONDS = Number(process.env.RTNL_BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.RTNL_BENCH_ROUNDS ?? 3);
const SIZES = (process.env.RTNL_BENCH_SIZES ?? '64,1400').split(',').map(Number);
const NS = `rtnl-bench-${process.pid}`;
const DEV = 'bt0';

interface Sample {
  pps: number;
  packets: number;
  seconds: number;
  /** CPU time (user+system) of the reader/writer per packet, in microseconds. */
  cpuUs: number;
  offeredPps?: number;
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

const haveTaskset = spawnSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' }).status === 0 && cpus().length >= 2;
const pin = (cpu: number, argv: string[]): string[] => (haveTaskset ? ['taskset', '-c', String(cpu), ...argv] : argv);

function compile(): Record<string, string> {
  const out = join(root, 'build', 'bench');
  mkdirSync(out, { recursive: true });
  const bins: Record<string, string> = {};
  for (const name of ['tun_reader', 'tun_writer', 'udp_load']) {
    const bin = join(out, name);
    sh('cc', ['-O2', '-Wall', '-o', bin, join(root, 'bench', 'c', `${name}.c`)]);
    bins[name] = bin;
  }
  return bins;
}

function run(argv: string[]): ChildProcess & { done: Promise<string> } {
  const c = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & { done: Promise<string> };
  let out = '';
  let err = '';
  c.stdout!.on('data', (d) => (out += d));
  c.stderr!.on('data', (d) => (err += d));
  c.done = new Promise((resolve, reject) => {
    c.on('close', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} exited ${code ?? signal}: ${err}`))));
  });
  c.done.catch(() => undefined); // awaited where it matters; a killed sink is expected
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function nodeReader(seconds: number): Promise<Sample> {
  const tun = await Tun.open({ name: DEV, netns: NS });
  try {
    let count = 0;
    tun.on('data', () => {
      count++;
    });
    // Like the C reader: wait for the first packet, then measure a window.
    const deadline = Date.now() + 10000;
    while (count === 0) {
      if (Date.now() > deadline) throw new Error('no packets');
      await sleep(1);
    }
    const c0 = count;
    const t0 = performance.now();
    const u0 = process.cpuUsage();
    await sleep(seconds * 1000);
    const packets = count - c0;
    const u = process.cpuUsage(u0);
    const dt = (performance.now() - t0) / 1000;
    return { pps: packets / dt, packets, seconds: dt, cpuUs: (u.user + u.system) / packets };
  } finally {
    await tun.close();
  }
}

async function nodeWriter(seconds: number, pkt: Buffer): Promise<Sample> {
  const tun = await Tun.open({ name: DEV, netns: NS });
  try {
    const t0 = performance.now();
    const u0 = process.cpuUsage();
    const end = t0 + seconds * 1000;
    await new Promise<void>((resolve, reject) => {
      tun.once('error', reject);
      const pump = (): void => {
        for (let i = 0; i < 1024; i++) {
          if (!tun.write(pkt)) {
            tun.once('drain', pump);
            return;
          }
        }
        if (performance.now() >= end) resolve();
        else setImmediate(pump);
      };
      pump();
    });
    const u = process.cpuUsage(u0);
    const dt = (performance.now() - t0) / 1000;
    const packets = tun.stats.packetsOut;
    return { pps: packets / dt, packets, seconds: dt, cpuUs: (u.user + u.system) / packets };
  } finally {
    await tun.close();
  }
}

function median(xs: Sample[]): Sample {
  const s = [...xs].sort((a, b) => a.pps - b.pps);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('bench/tun: needs root (creates a namespace and a tun device); skipped');
    return;
  }
  const bins = compile();
  if (haveTaskset) spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  await netns.add(NS);
  const children: ChildProcess[] = [];
  const results: Record<string, Record<string, Record<string, Sample & { samples: number[] }>>> = { read: {}, write: {} };
  try {
    const rtnl = await Rtnl.open({ netns: NS });
    try {
      await rtnl.links.add({ kind: 'tun', name: DEV, up: true });
      await rtnl.links.set('lo', { up: true });
      await rtnl.addrs.add(DEV, '10.99.0.1/24');
    } finally {
      await rtnl.close();
    }

    // ---------------------------------------------------------------- reads
    for (const size of SIZES) {
      const per: Record<string, Sample[]> = { 'c-block': [], 'c-poll': [], node: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const impl of Object.keys(per)) {
          // Runs until stopped (SIGINT) once the reader is done; the offered rate is over its whole run.
          const flood = run(pin(1, ['ip', 'netns', 'exec', NS, bins.udp_load!, 'flood', '10.99.0.2', '9999', String(size), String(SECONDS + 60)]));
          children.push(flood);
          await sleep(200);
          let s: Sample;
          if (impl === 'node') s = await nodeReader(SECONDS);
          else {
            const out = await run(pin(0, ['ip', 'netns', 'exec', NS, bins.tun_reader!, DEV, String(SECONDS), 'tun', impl === 'c-poll' ? 'poll' : 'block'])).done;
            const j = JSON.parse(out) as { packets: number; seconds: number; cpu: number };
            s = { pps: j.packets / j.seconds, packets: j.packets, seconds: j.seconds, cpuUs: (j.cpu * 1e6) / j.packets };
          }
          flood.kill('SIGINT');
          const f = JSON.parse(await flood.done) as { sent: number; seconds: number };
          s.offeredPps = f.sent / f.seconds;
          per[impl]!.push(s);
        }
      }
      for (const [impl, xs] of Object.entries(per)) {
        (results.read![String(size)] ??= {})[impl] = { ...median(xs), samples: xs.map((x) => Math.round(x.pps)) };
      }
    }

    // --------------------------------------------------------------- writes
    const sink = run(['ip', 'netns', 'exec', NS, bins.udp_load!, 'sink', '10.99.0.1', '9999', '3600']);
    children.push(sink);
    await sleep(200);
    const tmp = join(tmpdir(), `rtnl-bench-${process.pid}`);
    mkdirSync(tmp, { recursive: true });
    for (const size of SIZES) {
      const pkt = packet.buildUdp4({ src: '10.99.0.2', dst: '10.99.0.1', srcPort: 40000, dstPort: 9999, payload: size - 28 });
      const file = join(tmp, `packet-${size}.bin`);
      writeFileSync(file, pkt);
      const per: Record<string, Sample[]> = { 'c-block': [], node: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const out = await run(pin(0, ['ip', 'netns', 'exec', NS, bins.tun_writer!, DEV, String(SECONDS), file, 'tun'])).done;
        const j = JSON.parse(out) as { packets: number; seconds: number; cpu: number; errors: number };
        if (j.errors) throw new Error(`C writer: ${j.errors} write errors`);
        per['c-block']!.push({ pps: j.packets / j.seconds, packets: j.packets, seconds: j.seconds, cpuUs: (j.cpu * 1e6) / j.packets });
        per.node!.push(await nodeWriter(SECONDS, pkt));
      }
      for (const [impl, xs] of Object.entries(per)) {
        (results.write![String(size)] ??= {})[impl] = { ...median(xs), samples: xs.map((x) => Math.round(x.pps)) };
      }
    }
    sink.kill();
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
    await netns.del(NS).catch(() => undefined);
  }

  // --------------------------------------------------------------- report
  const k = (n: number) => `${(n / 1000).toFixed(0)}k`;
  const ratios: Record<string, { throughput: number; cpuPerPacket: number }> = {};
  const lines: string[] = [];
  lines.push(`TUN packets/s (median of ${ROUNDS} x ${SECONDS}s; Node ${process.version}; ${cpus().length} CPUs${haveTaskset ? '; reader/writer on CPU 0, load generator on CPU 1' : ''})`);
  lines.push('dir    size  impl         pps  cpu us/pkt  samples (pps)            offered pps');
  for (const dir of ['read', 'write'] as const) {
    for (const [size, impls] of Object.entries(results[dir]!)) {
      for (const [impl, s] of Object.entries(impls)) {
        lines.push(`${dir.padEnd(6)} ${size.padStart(5)}  ${impl.padEnd(8)} ${k(s.pps).padStart(7)}  ${s.cpuUs.toFixed(2).padStart(10)}  ${s.samples.map(k).join(' ').padEnd(24)} ${s.offeredPps ? k(s.offeredPps) : ''}`);
      }
      const cs = Object.entries(impls).filter(([i]) => i.startsWith('c-')).map(([, s]) => s);
      const node = impls.node!;
      ratios[`${dir}-${size}`] = {
        throughput: node.pps / Math.max(...cs.map((s) => s.pps)),
        cpuPerPacket: Math.min(...cs.map((s) => s.cpuUs)) / node.cpuUs,
      };
    }
  }
  lines.push('');
  lines.push('Node vs the best C loop (1.00 = as good as C; goal: >= 0.50, i.e. within 2x):');
  lines.push('              throughput   CPU efficiency (C cpu/pkt / Node cpu/pkt)');
  for (const [key, r] of Object.entries(ratios)) lines.push(`  ${key.padEnd(12)} ${r.throughput.toFixed(2).padStart(8)}   ${r.cpuPerPacket.toFixed(2).padStart(8)}`);
  console.log(lines.join('\n'));
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `tun-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify({ bench: 'tun', date: new Date().toISOString(), node: process.version, kernel: sh('uname', ['-r']).trim(), cpus: cpus().length, pinned: haveTaskset, seconds: SECONDS, rounds: ROUNDS, results, ratios }, null, 2) + '\n',
  );
  console.log(`\nresults: ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
