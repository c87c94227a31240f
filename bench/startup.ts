/**
 * Start-up: the wall time (and CPU time) of `node -e 0`, of importing the
 * package, and of `rtnl-dump link` (in a namespace holding a veth pair and
 * lo, so that the kinds met are loaded), as ratios to `node -e 0` measured
 * in the same round (the three alternate; the ratio reported is the median
 * of the per-round ratios). For every Node binary found: this one, and the
 * test lanes' Node 22 and 24 when scripts/node-bin.mjs has them (or can
 * fetch them; BENCH_NODES=0 skips them).
 *
 * `rtnl-dump link` runs the CLI bundle (dist/bundle/, scripts/bundle.mjs);
 * row "rtnl-dump link, unbundled" runs the same command from the modules of
 * dist/src/ (what bin/rtnl-dump.js ran before the bundle, and runs without
 * dist/bundle/), with the same compile cache handling, for before/after in one run.
 *
 * rtnl-dump runs the CLI as one script with a V8 code cache of its own
 * (dist/bundle/rtnl-dump.cli.js, in ~/.cache/rtnetlink, every Node); the
 * unbundled row uses Node's compile cache (module.enableCompileCache, Node >=
 * 22.1). Their rows are measured with the cache warm (an untimed first start
 * fills it) and, for comparison, with NODE_DISABLE_COMPILE_CACHE=1, which
 * turns both off. A program importing the package can have Node's with
 * NODE_COMPILE_CACHE=DIR (row "import, NODE_COMPILE_CACHE").
 *
 *   node dist/bench/startup.js          (BENCH_RUNS=N rounds, default 21)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenCpuMs, dropNs, fmtMs, freshNs, ipBatch, median, msSince, now, ratio, requireRoot, root, table, writeResult } from './lib/common.js';

requireRoot('startup');
const ROUNDS = Math.max(3, Number(process.env.BENCH_RUNS ?? 21) || 21);
const pkgIndex = join(root, 'dist', 'bundle', 'index.js');
const srcIndex = join(root, 'dist', 'src', 'index.js');
/** The package's `rtnetlink/rtnl` entry (the rtnetlink part only). */
const rtnlEntry = join(root, 'dist', 'bundle', 'rtnl.js');
const bin = join(root, 'bin', 'rtnl-dump.js');
if (!existsSync(join(root, 'dist', 'bundle', 'rtnl-dump.cli.js'))) throw new Error('dist/bundle/ is missing: npm run build:ts builds the CLI script and bundle');

interface Variant {
  name: string;
  args: string[];
  env?: Record<string, string>;
}

function nodes(): Array<{ label: string; path: string }> {
  const out = [{ label: process.version, path: process.execPath }];
  if (process.env.BENCH_NODES === '0') return out;
  for (const which of ['node22', 'node24']) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'node-bin.mjs'), which], { encoding: 'utf8', timeout: 600000 });
    const path = r.stdout.trim();
    if (r.status !== 0 || !path) {
      console.log(`  ${which}: not available (${(r.stderr || '').trim().split('\n').pop()}); skipped`);
      continue;
    }
    const v = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim();
    out.push({ label: v, path });
  }
  return out;
}

function run(node: string, v: Variant): { ms: number; cpuMs: number } {
  const c0 = childrenCpuMs();
  const t = now();
  // rtnl-dump's code caches go to this run's directory (removed at the end), not to ~/.cache/rtnetlink
  const r = spawnSync(node, v.args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: cacheDir, ...v.env } });
  const ms = msSince(t);
  if (r.status !== 0) throw new Error(`${node} ${v.args.join(' ')} exited ${r.status}: ${r.stderr.toString().trim().slice(0, 500)}`);
  return { ms, cpuMs: childrenCpuMs() - c0 };
}

console.log(`startup: node -e 0 vs import of the package vs rtnl-dump link (bundled and not), ${ROUNDS} alternating rounds per Node`);
const ns = freshNs('startup');
const cacheDir = mkdtempSync(join(tmpdir(), 'rtnl-bench-cc-'));
const tmp = mkdtempSync(join(tmpdir(), 'rtnl-bench-startup-'));
// bin/rtnl-dump.js as it was before the bundle: compile cache, then dist/src/cli/main.js
const unbundledBin = join(tmp, 'rtnl-dump-unbundled.mjs');
writeFileSync(
  unbundledBin,
  `import module from 'node:module';
try { module.enableCompileCache?.(); } catch {}
import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'src', 'cli', 'main.js')).href)}).then((m) => m.main(process.argv.slice(2))).then((code) => { process.exitCode = code; });
`,
);
const results: Record<string, unknown> = {};
try {
  ipBatch(ns, ['link add v0 type veth peer name v1', 'link add br0 type bridge', 'link set v0 master br0']);
  for (const { label, path } of nodes()) {
    const major = Number(/^v(\d+)/.exec(label)?.[1] ?? 0);
    const cache = major >= 22;
    const variants: Variant[] = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: 'import the package', args: ['--input-type=module', '-e', `await import(${JSON.stringify(pkgIndex)})`], env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
      { name: 'rtnl-dump link', args: [bin, 'link', '--netns', ns] },
      { name: 'rtnl-dump link, unbundled', args: [unbundledBin, 'link', '--netns', ns] },
      { name: 'import dist/src (unbundled)', args: ['--input-type=module', '-e', `await import(${JSON.stringify(srcIndex)})`], env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
      { name: 'import rtnetlink/rtnl', args: ['--input-type=module', '-e', `await import(${JSON.stringify(rtnlEntry)})`], env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
    ];
    // the CLI's own code cache works on every Node
    variants.push({ name: 'rtnl-dump link, no compile cache', args: variants[2]!.args, env: { NODE_DISABLE_COMPILE_CACHE: '1' } });
    if (cache) {
      variants.push({ name: 'import, NODE_COMPILE_CACHE', args: variants[1]!.args, env: { NODE_COMPILE_CACHE: cacheDir } });
      variants.push({ name: 'rtnl-dump link, unbundled, no compile cache', args: variants[3]!.args, env: { NODE_DISABLE_COMPILE_CACHE: '1' } });
    }
    for (const v of variants) run(path, v); // untimed: fills the compile caches and the page cache
    const wall = variants.map(() => [] as number[]);
    const cpu = variants.map(() => [] as number[]);
    const ratios = variants.map(() => [] as number[]);
    const cpuRatios = variants.map(() => [] as number[]);
    for (let r = 0; r < ROUNDS; r++) {
      // rotate the order so that no variant always follows another
      const order = variants.map((_, i) => (i + r) % variants.length);
      const got: Array<{ ms: number; cpuMs: number }> = [];
      for (const i of order) got[i] = run(path, variants[i]!);
      for (let i = 0; i < variants.length; i++) {
        wall[i]!.push(got[i]!.ms);
        cpu[i]!.push(got[i]!.cpuMs);
        ratios[i]!.push(got[i]!.ms / got[0]!.ms);
        if (got[0]!.cpuMs > 0) cpuRatios[i]!.push(got[i]!.cpuMs / got[0]!.cpuMs);
      }
    }
    console.log(`  ${label} (${path})`);
    table([
      ['what', 'median wall', 'ratio (wall)', 'median cpu', 'ratio (cpu)'],
      ...variants.map((v, i) => [v.name, fmtMs(median(wall[i]!)), `${ratio(median(ratios[i]!), 1)}x`, fmtMs(median(cpu[i]!)), cpuRatios[i]!.length ? `${ratio(median(cpuRatios[i]!), 1)}x` : '']),
    ]);
    results[label] = Object.fromEntries(
      variants.map((v, i) => [v.name, { wallMs: median(wall[i]!), cpuMs: median(cpu[i]!), ratio: ratio(median(ratios[i]!), 1), cpuRatio: cpuRatios[i]!.length ? ratio(median(cpuRatios[i]!), 1) : null, samples: wall[i] }]),
    );
    // bundle vs modules, same round: the per-round ratio of the two rows
    const b = variants.findIndex((v) => v.name === 'rtnl-dump link');
    const u = variants.findIndex((v) => v.name === 'rtnl-dump link, unbundled');
    const perRound = (xs: number[][]): number => ratio(median(xs[b]!.map((x, r) => x / xs[u]![r]!)), 1);
    console.log(`  rtnl-dump link, bundled / unbundled (median of per-round ratios): wall ${perRound(wall)}x, cpu ${perRound(cpu)}x`);
    (results[label] as Record<string, unknown>)['bundled/unbundled'] = { wall: perRound(wall), cpu: perRound(cpu) };
  }
  console.log('  goal: import <= 1.3x and rtnl-dump link <= 1.6x the wall time of node -e 0 (median of per-round ratios)');
  writeResult('startup', { rounds: ROUNDS, results });
} finally {
  dropNs(ns);
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
}
