/**
 * Shared benchmark helpers: repetitions and medians, namespaces made with
 * iproute2 (always removed), machine description, JSON results.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench/lib
export const root = join(here, '..', '..', '..');

/** Repetitions per measurement (BENCH_RUNS, default 5). */
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5);

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Milliseconds elapsed since `t0` (from now()). */
export function now(): bigint {
  return process.hrtime.bigint();
}
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

let clkTck: number | undefined;
/**
 * CPU time (user + system, ms) used so far by this process's children that
 * have exited (cutime + cstime of /proc/self/stat, in clock ticks of 10 ms
 * usually). Wall time on a shared machine is noisy; CPU time counts the work.
 */
export function childrenCpuMs(): number {
  clkTck ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields after ")": state(3) ... utime(14) stime(15) cutime(16) cstime(17); index = field - 3
  return ((Number(f[13]) + Number(f[14])) * 1000) / clkTck;
}

/** CPU time (user + system, ms) of this process so far. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}

/** Run `cmd args` and return stdout; throw with stderr on failure. */
export function sh(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 8).join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`);
  return r.stdout;
}

/**
 * Spawn `cmd args` asynchronously (the event loop keeps running), wait for it
 * to exit, and return its wall time in ms and its stdout size. Stdout is read
 * and discarded like a script piping it somewhere would.
 */
export function spawnTimed(cmd: string, args: string[], input?: string, opts: { keep?: boolean } = {}): Promise<{ ms: number; bytes: number; cpuMs: number; out?: Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const c0 = childrenCpuMs();
    const t0 = now();
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let bytes = 0;
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      bytes += d.length;
      if (opts.keep) chunks.push(d);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = msSince(t0);
      if (code !== 0) reject(new Error(`${cmd} ${args.slice(0, 8).join(' ')} exited ${code}: ${err.trim().slice(0, 500)}`));
      else resolve({ ms, bytes, cpuMs: childrenCpuMs() - c0, ...(opts.keep ? { out: Buffer.concat(chunks) } : {}) });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

const live = new Set<string>();
let counter = 0;
function cleanup(): void {
  for (const n of live) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
  live.clear();
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

/** A fresh namespace made with iproute2; removed by dropNs or at exit. */
export function freshNs(tag: string): string {
  const name = `rtnl-bench-${tag}-${process.pid}-${++counter}`;
  sh('ip', ['netns', 'add', name]);
  live.add(name);
  return name;
}
export function dropNs(name: string): void {
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  live.delete(name);
}

/** Load `lines` into a namespace with one `ip -batch` (fixture setup; not timed). */
export function ipBatch(ns: string, lines: string[]): void {
  sh('ip', ['-n', ns, '-batch', '-'], lines.join('\n') + '\n');
}

/** What the numbers were measured on. */
export function machine(): Record<string, unknown> {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1]!;
  } catch {
    /* ignore */
  }
  let iproute2 = 'unknown';
  try {
    iproute2 = sh('ip', ['-V']).trim();
  } catch {
    /* ignore */
  }
  return {
    cpu: model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    iproute2,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

/** Write bench/results/NAME.json and say where. */
export function writeResult(name: string, data: Record<string, unknown>): void {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({ bench: name, runs: RUNS, machine: machine(), ...data }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n',
  );
  console.log(`result: ${file}`);
}

export function requireRoot(name: string): void {
  if (process.getuid?.() !== 0) {
    console.log(`${name}: needs root (creates network namespaces); skipped`);
    process.exit(0);
  }
}

/** Force a full collection when node runs with --expose-gc (scripts/bench.sh passes it). */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/** Print a table of rows (arrays of cells), columns padded. */
export function table(rows: string[][]): void {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
}
