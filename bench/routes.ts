/**
 * Dump 100,000 routes of one table into typed objects, streamed
 * (`for await (const r of rtnl.routes.dump({ table }))`) and as a list
 * (rtnl.routes.list({ table })), against `ip -j route show table N` spawned.
 * Also reports memory: peak heap and RSS growth during the streamed dump
 * (should stay bounded: the engine pauses reading while the consumer is
 * behind) versus list(), which holds every route.
 * Fixture (untimed): a veth in a fresh namespace and the routes loaded with
 * `ip -batch`.
 *
 *   node --expose-gc dist/bench/routes.js   (BENCH_ROUTES=100000, BENCH_RUNS=5)
 *
 * Needs the routes API (src/rtnl/routes.ts); with the placeholder it says so
 * and measures only iproute2.
 */
import { Rtnl } from '../src/index.js';
import { RUNS, selfCpuMs, dropNs, fmtMs, freshNs, gc, ipBatch, median, msSince, now, ratio, requireRoot, spawnTimed, table, writeResult } from './lib/common.js';

requireRoot('routes');
const N = Number(process.env.BENCH_ROUTES ?? 100000);
const TABLE = 100;

type RoutesApi = {
  dump?: (filter?: Record<string, unknown>) => AsyncIterable<Record<string, unknown>>;
  list?: (filter?: Record<string, unknown>) => Promise<Array<Record<string, unknown>>>;
};

console.log(`routes: ${N.toLocaleString('en')} routes in table ${TABLE} into typed objects, ${RUNS} runs, side by side`);
const ns = freshNs('routes');
try {
  const lines = ['link add v0 type veth peer name v1', 'link set v0 up', 'link set v1 up'];
  for (let i = 0; i < N; i++) lines.push(`route add 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 dev v0 table ${TABLE}`);
  const t0 = now();
  ipBatch(ns, lines);
  console.log(`  fixture: ${N} routes loaded with ip -batch in ${fmtMs(msSince(t0))}`);
  const rtnl = await Rtnl.open({ netns: ns });
  const api = rtnl.routes as unknown as RoutesApi;
  const haveApi = typeof api.dump === 'function' && typeof api.list === 'function';
  if (!haveApi) console.log('  the routes API is not implemented in this build (src/rtnl/routes.ts is a placeholder): measuring iproute2 only');
  try {
    const filter = { table: TABLE, family: 'inet' };
    const stream: number[] = [];
    const list: number[] = [];
    const ipMs: number[] = [];
    const ratiosStream: number[] = [];
    const ratiosList: number[] = [];
    const streamCpu: number[] = [];
    const ipCpu: number[] = [];
    const cpuRatios: number[] = [];
    const mem = { streamPeakHeapGrowth: [] as number[], streamPeakRssGrowth: [] as number[], listPeakHeapGrowth: [] as number[], listPeakRssGrowth: [] as number[] };
    if (haveApi) {
      // warm-up (untimed), and check the count
      let n = 0;
      for await (const r of api.dump!(filter)) if (r) n++;
      if (n < N) throw new Error(`routes.dump({ table: ${TABLE} }) gave ${n} routes, expected at least ${N}`);
    }
    for (let run = 0; run < RUNS; run++) {
      let msg = `  run ${run + 1}/${RUNS}:`;
      if (haveApi) {
        gc();
        const h0 = process.memoryUsage();
        let peakHeap = h0.heapUsed;
        let peakRss = h0.rss;
        const c0 = selfCpuMs();
        let t = now();
        let n = 0;
        for await (const r of api.dump!(filter)) {
          if (r && ++n % 5000 === 0) {
            const m = process.memoryUsage();
            peakHeap = Math.max(peakHeap, m.heapUsed);
            peakRss = Math.max(peakRss, m.rss);
          }
        }
        stream.push(msSince(t));
        streamCpu.push(selfCpuMs() - c0);
        mem.streamPeakHeapGrowth.push(peakHeap - h0.heapUsed);
        mem.streamPeakRssGrowth.push(peakRss - h0.rss);
        gc();
        const l0 = process.memoryUsage();
        t = now();
        const all = await api.list!(filter);
        list.push(msSince(t));
        const l1 = process.memoryUsage();
        mem.listPeakHeapGrowth.push(l1.heapUsed - l0.heapUsed);
        mem.listPeakRssGrowth.push(l1.rss - l0.rss);
        if (all.length < N) throw new Error(`routes.list() gave ${all.length}`);
        msg += ` dump() stream ${fmtMs(stream[run]!)} (cpu ${fmtMs(streamCpu[run]!)}), list() ${fmtMs(list[run]!)},`;
      }
      const ip = await spawnTimed('ip', ['-n', ns, '-j', 'route', 'show', 'table', String(TABLE)]);
      ipMs.push(ip.ms);
      ipCpu.push(ip.cpuMs);
      if (haveApi) {
        cpuRatios.push(ip.cpuMs / streamCpu[run]!);
        ratiosStream.push(ip.ms / stream[run]!);
        ratiosList.push(ip.ms / list[run]!);
      }
      console.log(`${msg} ip -j route show table ${TABLE} ${fmtMs(ip.ms)} (cpu ${fmtMs(ip.cpuMs)})`);
    }
    const MiB = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;
    const rows = [['method', 'median wall', 'median cpu']];
    if (haveApi) rows.push(['library for await routes.dump()', fmtMs(median(stream)), fmtMs(median(streamCpu))], ['library routes.list()', fmtMs(median(list)), '']);
    rows.push(['ip -j route show table N (spawned)', fmtMs(median(ipMs)), fmtMs(median(ipCpu))]);
    table(rows);
    const result: Record<string, unknown> = { routes: N, table: TABLE, routesApi: haveApi, medians: { ipJsonMs: median(ipMs) }, samples: { ipJsonMs: ipMs } };
    if (haveApi) {
      const r = { ipVsStream: ratio(median(ratiosStream), 1), ipVsList: ratio(median(ratiosList), 1), ipVsStreamCpu: ratio(median(cpuRatios), 1) };
      console.log(`  ratios (median of per-run ratios): ip / dump() stream = ${r.ipVsStream}x wall, ${r.ipVsStreamCpu}x cpu; ip / list() = ${r.ipVsList}x wall (goal >= 1)`);
      console.log(
        `  memory: streamed dump peak heap +${MiB(median(mem.streamPeakHeapGrowth))}, RSS +${MiB(median(mem.streamPeakRssGrowth))}; ` +
          `list() heap +${MiB(median(mem.listPeakHeapGrowth))}, RSS +${MiB(median(mem.listPeakRssGrowth))}`,
      );
      Object.assign(result, {
        medians: { dumpStreamMs: median(stream), dumpStreamCpuMs: median(streamCpu), listMs: median(list), ipJsonMs: median(ipMs), ipJsonCpuMs: median(ipCpu) },
        ratios: r,
        memory: Object.fromEntries(Object.entries(mem).map(([k, v]) => [k, median(v)])),
        samples: { dumpStreamMs: stream, listMs: list, ipJsonMs: ipMs },
      });
    }
    writeResult('routes', result);
  } finally {
    await rtnl.close();
  }
} finally {
  dropNs(ns);
}
