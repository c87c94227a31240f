/**
 * Many concurrent requests on one socket: 10,000 links.get() in flight at once
 * (the engine windows them, maxInFlight at a time, matching answers by seq),
 * every answer checked against iproute2's view, against the same requests
 * awaited one at a time.
 *
 *   node dist/bench/concurrent.js     (BENCH_REQUESTS=10000, BENCH_RUNS=5)
 */
import { Rtnl } from '../src/index.js';
import { RUNS, selfCpuMs, dropNs, fmtMs, freshNs, ipBatch, median, msSince, now, ratio, requireRoot, sh, table, writeResult } from './lib/common.js';

requireRoot('concurrent');
const REQ = Number(process.env.BENCH_REQUESTS ?? 10000);

console.log(`concurrent: ${REQ.toLocaleString('en')} links.get() on one socket, all in flight vs awaited one by one; ${RUNS} runs`);
const ns = freshNs('conc');
try {
  ipBatch(ns, Array.from({ length: 100 }, (_, i) => `link add v${i} type veth peer name p${i}`));
  const oracle = new Map((JSON.parse(sh('ip', ['-n', ns, '-j', 'link', 'show'])) as Array<{ ifname: string; ifindex: number }>).map((l) => [l.ifname, l.ifindex]));
  const names = [...oracle.keys()];
  // half by name, half by index
  const reqs: Array<string | number> = Array.from({ length: REQ }, (_, i) => (i % 2 ? names[i % names.length]! : oracle.get(names[(i * 7) % names.length]!)!));
  const expectIndex = (r: string | number): number => (typeof r === 'number' ? r : oracle.get(r)!);
  const variants = [
    { label: 'all in flight (maxInFlight 64, default)', maxInFlight: 64, concurrent: true },
    { label: 'all in flight (maxInFlight 512)', maxInFlight: 512, concurrent: true },
    { label: 'sequential await-each loop', maxInFlight: 64, concurrent: false },
  ];
  const sockets = await Promise.all(variants.map((v) => Rtnl.open({ netns: ns, maxInFlight: v.maxInFlight })));
  try {
    const times: number[][] = variants.map(() => []);
    const cpu: number[][] = variants.map(() => []);
    const ratios: number[] = [];
    // warm-up (untimed)
    for (const s of sockets) await Promise.all(reqs.slice(0, 500).map((r) => s.links.get(r)));
    for (let run = 0; run < RUNS; run++) {
      for (let v = 0; v < variants.length; v++) {
        const s = sockets[v]!;
        const unmatched0 = s.socket.stats.unmatched;
        const c0 = selfCpuMs();
        const t0 = now();
        let got;
        if (variants[v]!.concurrent) got = await Promise.all(reqs.map((r) => s.links.get(r)));
        else {
          got = [];
          for (const r of reqs) got.push(await s.links.get(r));
        }
        times[v]!.push(msSince(t0));
        cpu[v]!.push(selfCpuMs() - c0);
        got.forEach((l, i) => {
          if (l.index !== expectIndex(reqs[i]!)) throw new Error(`answer ${i} is ${l.name}/${l.index}, asked for ${reqs[i]}`);
        });
        if (s.socket.stats.unmatched !== unmatched0) throw new Error('unmatched answers');
      }
      ratios.push(times[2]![run]! / times[0]![run]!);
      console.log(`  run ${run + 1}/${RUNS}: ` + variants.map((v, i) => `${v.label.split(' (')[0]} ${fmtMs(times[i]![run]!)}`).join(', '));
    }
    const rows = [['variant', 'median wall', 'requests/s', 'median cpu', 'requests/cpu-s']];
    const out: Record<string, unknown> = {};
    variants.forEach((v, i) => {
      const m = median(times[i]!);
      const c = median(cpu[i]!);
      rows.push([v.label, fmtMs(m), Math.round(REQ / (m / 1000)).toLocaleString('en'), fmtMs(c), Math.round(REQ / (c / 1000)).toLocaleString('en')]);
      out[v.label] = { medianMs: m, requestsPerS: Math.round(REQ / (m / 1000)), medianCpuMs: c, requestsPerCpuS: Math.round(REQ / (c / 1000)), samples: times[i], cpuSamples: cpu[i] };
    });
    table(rows);
    const r = ratio(median(ratios), 1);
    console.log(`  every answer matched its request; ratio sequential / concurrent (default window) = ${r}x`);
    writeResult('concurrent', { requests: REQ, links: names.length, variants: out, ratios: { sequentialVsConcurrent: r } });
  } finally {
    for (const s of sockets) await s.close();
  }
} finally {
  dropNs(ns);
}
