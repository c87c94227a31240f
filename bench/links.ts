/**
 * Create then delete N (default 1,000) veth pairs in a fresh namespace:
 *  - library: every links.add() fired at once on one socket (the engine keeps
 *    up to maxInFlight requests on the wire), then every links.del() likewise;
 *  - ip per command: one `ip -n NS link add ...` child process per pair, what
 *    shell scripts do today;
 *  - ip -batch: one iproute2 process reading all commands (the practical floor:
 *    almost only kernel time).
 * A second section deletes by interface group (one RTM_DELLINK with
 * IFLA_GROUP: `ip link del group G`), which lets the kernel tear all pairs
 * down in one batch.
 *
 *   node dist/bench/links.js          (BENCH_N=1000, BENCH_RUNS=5)
 */
import { spawnSync } from 'node:child_process';
import { Rtnl } from '../src/index.js';
import { RUNS, childrenCpuMs, selfCpuMs, dropNs, fmtMs, freshNs, median, msSince, now, ratio, requireRoot, sh, spawnTimed, table, writeResult } from './lib/common.js';

requireRoot('links');
const N = Number(process.env.BENCH_N ?? 1000);
const GROUP = 4242;

type Method = 'library' | 'ip-batch' | 'ip-per-command';
interface Sample {
  createMs: number;
  deleteMs: number;
  /** CPU (user + system) of whoever did the work: this process for the library (kernel work included, it runs in our sendmsg), the ip processes otherwise. */
  cpuMs: number;
}

function linkCount(ns: string): number {
  return (JSON.parse(sh('ip', ['-n', ns, '-j', 'link', 'show'])) as unknown[]).length;
}

function check(ns: string, want: number, what: string): void {
  const n = linkCount(ns);
  if (n !== want) throw new Error(`${what}: ${n} links in the namespace, expected ${want}`);
}

function perCommand(ns: string, lines: string[][]): number {
  const t0 = now();
  for (const args of lines) {
    const r = spawnSync('ip', ['-n', ns, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.toString().trim()}`);
  }
  return msSince(t0);
}

async function runOne(method: Method, byGroup: boolean): Promise<Sample> {
  const ns = freshNs('links');
  try {
    const idx = Array.from({ length: N }, (_, i) => i);
    const addArgs = (i: number): string[] =>
      byGroup ? ['link', 'add', `v${i}`, 'group', String(GROUP), 'type', 'veth', 'peer', 'name', `p${i}`] : ['link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', `p${i}`];
    const delArgs: string[][] = byGroup ? [['link', 'del', 'group', String(GROUP)]] : idx.map((i) => ['link', 'del', `v${i}`]);
    let createMs: number;
    let deleteMs: number;
    let cpuMs = 0;
    if (method === 'library') {
      const c0 = selfCpuMs();
      let t0 = now();
      const rtnl = await Rtnl.open({ netns: ns });
      try {
        // bulk creation: no result wanted, so no NLM_F_ECHO and no lookup (bench/links-return measures the difference)
        await Promise.all(idx.map((i) => rtnl.links.add({ name: `v${i}`, kind: 'veth', peer: `p${i}`, ...(byGroup ? { group: GROUP } : {}) }, { returnLink: false })));
        createMs = msSince(t0);
        check(ns, 2 * N + 1, 'library create');
        t0 = now();
        if (byGroup) {
          await rtnl.links.delGroup(GROUP);
        } else {
          await Promise.all(idx.map((i) => rtnl.links.del(`v${i}`)));
        }
      } finally {
        await rtnl.close();
      }
      deleteMs = msSince(t0);
      cpuMs = selfCpuMs() - c0; // includes the check() above: a few ms
    } else if (method === 'ip-batch') {
      const a = await spawnTimed('ip', ['-n', ns, '-batch', '-'], idx.map((i) => addArgs(i).join(' ')).join('\n') + '\n');
      createMs = a.ms;
      check(ns, 2 * N + 1, 'ip -batch create');
      const d = await spawnTimed('ip', ['-n', ns, '-batch', '-'], delArgs.map((x) => x.join(' ')).join('\n') + '\n');
      deleteMs = d.ms;
      cpuMs = a.cpuMs + d.cpuMs;
    } else {
      const c0 = childrenCpuMs();
      createMs = perCommand(ns, idx.map(addArgs));
      const c1 = childrenCpuMs();
      check(ns, 2 * N + 1, 'ip per command create');
      const c2 = childrenCpuMs();
      deleteMs = perCommand(ns, delArgs);
      cpuMs = c1 - c0 + (childrenCpuMs() - c2);
    }
    check(ns, 1, `${method} delete`);
    return { createMs, deleteMs, cpuMs };
  } finally {
    dropNs(ns);
  }
}

async function section(byGroup: boolean): Promise<Record<string, unknown>> {
  const methods: Method[] = ['library', 'ip-batch', 'ip-per-command'];
  const samples: Record<Method, Sample[]> = { library: [], 'ip-batch': [], 'ip-per-command': [] };
  const ratios = { vsBatch: [] as number[], vsPerCommand: [] as number[], createVsBatch: [] as number[], createVsPerCommand: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    // rotate the order so no method always runs first (or after the others warmed the kernel)
    const order = methods.map((_, i) => methods[(i + run) % methods.length]!);
    const got: Partial<Record<Method, Sample>> = {};
    for (const m of order) got[m] = await runOne(m, byGroup);
    for (const m of methods) samples[m].push(got[m]!);
    const tot = (s: Sample): number => s.createMs + s.deleteMs;
    ratios.vsBatch.push(tot(got.library!) / tot(got['ip-batch']!));
    ratios.vsPerCommand.push(tot(got['ip-per-command']!) / tot(got.library!));
    ratios.createVsBatch.push(got.library!.createMs / got['ip-batch']!.createMs);
    ratios.createVsPerCommand.push(got['ip-per-command']!.createMs / got.library!.createMs);
    console.log(
      `  run ${run + 1}/${RUNS}: ` +
        methods.map((m) => `${m} ${fmtMs(got[m]!.createMs)} + ${fmtMs(got[m]!.deleteMs)} (cpu ${fmtMs(got[m]!.cpuMs)})`).join(', '),
    );
  }
  const med = (m: Method, k: keyof Sample | 'total'): number => median(samples[m].map((s) => (k === 'total' ? s.createMs + s.deleteMs : s[k])));
  const rows = [['method', 'create', 'delete', 'total', 'cpu']];
  for (const m of methods) rows.push([m, fmtMs(med(m, 'createMs')), fmtMs(med(m, 'deleteMs')), fmtMs(med(m, 'total')), fmtMs(med(m, 'cpuMs'))]);
  table(rows);
  const r = {
    libraryVsIpBatch: ratio(median(ratios.vsBatch), 1),
    ipPerCommandVsLibrary: ratio(median(ratios.vsPerCommand), 1),
    createLibraryVsIpBatch: ratio(median(ratios.createVsBatch), 1),
    createIpPerCommandVsLibrary: ratio(median(ratios.createVsPerCommand), 1),
  };
  console.log(
    `  ratios (median of per-run ratios): library / ip -batch = ${r.libraryVsIpBatch}x (create only ${r.createLibraryVsIpBatch}x); ` +
      `ip per command / library = ${r.ipPerCommandVsLibrary}x (create only ${r.createIpPerCommandVsLibrary}x)`,
  );
  const medians: Record<string, Record<string, number>> = {};
  for (const m of methods) medians[m] = { createMs: med(m, 'createMs'), deleteMs: med(m, 'deleteMs'), totalMs: med(m, 'total'), cpuMs: med(m, 'cpuMs') };
  return { medians, ratios: r, samples };
}

console.log(`links: create then delete ${N} veth pairs in a fresh namespace, ${RUNS} runs, side by side`);
{
  // Warm-up (untimed): load and JIT-compile the library's request path once, as a long-running program would have.
  const ns = freshNs('warm');
  const rtnl = await Rtnl.open({ netns: ns });
  await Promise.all(Array.from({ length: 100 }, (_, i) => rtnl.links.add({ name: `w${i}`, kind: 'veth', peer: `q${i}` })));
  await rtnl.close();
  dropNs(ns);
}
console.log('-- delete one pair per request (links.del / ip link del NAME)');
const perLink = await section(false);
console.log(`-- delete all pairs with one request by interface group (IFLA_GROUP ${GROUP} / ip link del group ${GROUP})`);
const byGroup = await section(true);
writeResult('links', {
  n: N,
  goals: { libraryVsIpBatch: '<= 1.2', ipPerCommandVsLibrary: '>= 10' },
  perLinkDelete: perLink,
  groupDelete: byGroup,
});
