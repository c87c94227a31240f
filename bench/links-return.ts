/**
 * What links.add() returning the created link costs on bulk creation: N
 * (default 1,000) veth pairs created at once on one socket (like bench/links),
 * create phase only, with
 *  - `default`: links.add(opts): NLM_F_ECHO, the echoed link decoded, and the
 *    peer read with one RTM_GETLINK (a veth resolves to both ends);
 *  - `noreturn`: links.add(opts, { returnLink: false }): no echo, no lookup;
 *  - `baseline` (when BENCH_BASELINE names another build's dist/src/index.js,
 *    e.g. main's): links.add(opts) of that build.
 * Each sample runs in its own child process (so two builds never share one),
 * in a fresh namespace, the variants in rotating order per run; the pairs are
 * removed with one group delete, untimed.
 *
 *   BENCH_BASELINE=/path/to/main/dist/src/index.js node dist/bench/links-return.js
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RUNS, dropNs, fmtMs, freshNs, median, msSince, now, requireRoot, selfCpuMs, sh, table, writeResult } from './lib/common.js';

const N = Number(process.env.BENCH_N ?? 1000);
const GROUP = 4243;
type Variant = 'baseline' | 'default' | 'noreturn';
interface Sample {
  createMs: number;
  cpuMs: number;
}

interface Lib {
  Rtnl: {
    open(o: { netns: string }): Promise<{
      links: { add(o: Record<string, unknown>, r?: { returnLink: boolean }): Promise<unknown>; delGroup(g: number): Promise<void> };
      close(): Promise<void>;
    }>;
  };
}

async function child(variant: Variant, libPath: string): Promise<void> {
  const lib = (await import(libPath)) as Lib;
  const ns = freshNs('linkret');
  try {
    const rtnl = await lib.Rtnl.open({ netns: ns });
    try {
      const c0 = selfCpuMs();
      const t0 = now();
      const opts = (i: number): Record<string, unknown> => ({ name: `v${i}`, kind: 'veth', peer: `p${i}`, group: GROUP });
      const made = await Promise.all(
        Array.from({ length: N }, (_, i) => (variant === 'noreturn' ? rtnl.links.add(opts(i), { returnLink: false }) : rtnl.links.add(opts(i)))),
      );
      const createMs = msSince(t0);
      const cpuMs = selfCpuMs() - c0;
      const n = (JSON.parse(sh('ip', ['-n', ns, '-j', 'link', 'show'])) as unknown[]).length;
      if (n !== 2 * N + 1) throw new Error(`${variant}: ${n} links, expected ${2 * N + 1}`);
      // the variant did what it says: pairs back (default), nothing (noreturn)
      const returned = made.filter((m) => m !== undefined).length;
      if (variant === 'default' && returned !== N) throw new Error(`default: ${returned} results`);
      if (variant === 'noreturn' && returned !== 0) throw new Error(`noreturn: ${returned} results`);
      await rtnl.links.delGroup(GROUP);
      process.stdout.write(JSON.stringify({ createMs, cpuMs, returned }) + '\n');
    } finally {
      await rtnl.close();
    }
  } finally {
    dropNs(ns);
  }
}

async function parent(): Promise<void> {
  requireRoot('links-return');
  const own = fileURLToPath(new URL('../src/index.js', import.meta.url));
  const baseline = process.env.BENCH_BASELINE;
  const variants: Variant[] = baseline ? ['baseline', 'default', 'noreturn'] : ['default', 'noreturn'];
  const libOf = (v: Variant): string => (v === 'baseline' ? baseline! : own);
  const samples: Record<Variant, Sample[]> = { baseline: [], default: [], noreturn: [] };
  const ratios = { noreturnVsBaseline: [] as number[], defaultVsBaseline: [] as number[], defaultVsNoreturn: [] as number[] };
  const cpuRatios = { noreturnVsBaseline: [] as number[], defaultVsBaseline: [] as number[], defaultVsNoreturn: [] as number[] };
  console.log(`links-return: create ${N} veth pairs at once, ${RUNS} runs; variants ${variants.join(', ')}${baseline ? ` (baseline ${baseline})` : ''}`);
  for (let run = 0; run < RUNS; run++) {
    const order = variants.map((_, i) => variants[(i + run) % variants.length]!);
    const got: Partial<Record<Variant, Sample>> = {};
    for (const v of order) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'child', v, libOf(v)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (r.status !== 0) throw new Error(`${v}: child exited ${r.status}`);
      got[v] = JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
      samples[v].push(got[v]!);
    }
    for (const [to, k] of [[ratios, 'createMs'], [cpuRatios, 'cpuMs']] as const) {
      if (baseline) {
        to.noreturnVsBaseline.push(got.noreturn![k] / got.baseline![k]);
        to.defaultVsBaseline.push(got.default![k] / got.baseline![k]);
      }
      to.defaultVsNoreturn.push(got.default![k] / got.noreturn![k]);
    }
    console.log(`  run ${run + 1}/${RUNS}: ` + variants.map((v) => `${v} ${fmtMs(got[v]!.createMs)} (cpu ${fmtMs(got[v]!.cpuMs)})`).join(', '));
  }
  const rows = [['variant', 'create (median)', 'cpu (median)']];
  for (const v of variants) rows.push([v, fmtMs(median(samples[v].map((s) => s.createMs))), fmtMs(median(samples[v].map((s) => s.cpuMs)))]);
  table(rows);
  const summary = (from: typeof ratios): Record<string, number> => {
    const r: Record<string, number> = { defaultVsNoreturn: median(from.defaultVsNoreturn) };
    if (baseline) {
      r.noreturnVsBaseline = median(from.noreturnVsBaseline);
      r.defaultVsBaseline = median(from.defaultVsBaseline);
    }
    return r;
  };
  const r = summary(ratios);
  const c = summary(cpuRatios);
  const show = (x: Record<string, number>): string => Object.entries(x).map(([k, v]) => `${k} ${v.toFixed(3)}x`).join(', ');
  console.log(`  ratios (median of per-run ratios): wall ${show(r)}; cpu ${show(c)}`);
  writeResult('links-return', { n: N, baseline: baseline ?? null, ratios: r, cpuRatios: c, ratioSamples: ratios, cpuRatioSamples: cpuRatios, samples });
}

if (process.argv[2] === 'child') await child(process.argv[3] as Variant, process.argv[4]!);
else await parent();
