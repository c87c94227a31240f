/**
 * Dump ~4,000 links with all details into typed objects: the library
 * in-process (rtnl.links.list(), and the streamed rtnl.links.dump()) against
 * `ip -j -d link show` spawned (wall time, its JSON read from a pipe).
 * Two fixtures (untimed, made with `ip -batch`), each in its own namespace:
 * - mixed: veth pairs, bridges with veth ports (IFLA_INFO_SLAVE_DATA), vxlan,
 *   macvlan and ifb devices;
 * - veth: BENCH_LINKS/2 veth pairs only (4,001 links with lo).
 * Also reported: CPU time per link of list(), and the bytes a list() result
 * retains per link (heap + array buffers after a full collection, with
 * --expose-gc, which scripts/bench.sh passes); for each list() call, the
 * garbage collector's pauses inside it (v8.GCProfiler), its system CPU time
 * and the minor page faults it took (the heap growing), and the median of
 * the calls with no collection in them: where the time of a call goes.
 *
 *   node --expose-gc dist/bench/dump.js   (BENCH_LINKS=4000, BENCH_RUNS=5, BENCH_FIXTURES=mixed,veth)
 */
import { GCProfiler } from 'node:v8';
import { Rtnl, type Link } from '../src/index.js';
import { RUNS, gc, selfCpuMs, dropNs, fmtMs, freshNs, ipBatch, median, msSince, now, ratio, requireRoot, sh, spawnTimed, table, writeResult } from './lib/common.js';

requireRoot('dump');
const TOTAL = Number(process.env.BENCH_LINKS ?? 4000);

/** Fixture lines giving exactly `total` links besides lo. */
function fixture(total: number): { lines: string[]; kinds: Record<string, number> } {
  const unit = Math.floor(total / 10); // 6 parts veth (3 pairs-worth), 1 bridge, 1 vxlan, 1 macvlan, 1 ifb
  const pairs = 3 * unit;
  const lines: string[] = [];
  const kinds: Record<string, number> = { veth: 2 * pairs, bridge: unit, vxlan: unit, macvlan: unit, ifb: 0 };
  for (let i = 0; i < pairs; i++) lines.push(`link add v${i} type veth peer name p${i}`);
  for (let i = 0; i < unit; i++) lines.push(`link add br${i} type bridge stp_state 0 forward_delay 400`);
  for (let i = 0; i < unit; i++) lines.push(`link set v${i} master br${i} up`);
  for (let i = 0; i < unit; i++) lines.push(`link add vx${i} type vxlan id ${i + 1} dstport 4789 nolearning`);
  for (let i = 0; i < unit; i++) lines.push(`link add mv${i} link p${i} type macvlan mode bridge`);
  const rest = total - 2 * pairs - 3 * unit;
  for (let i = 0; i < rest; i++) lines.push(`link add ifb${i} type ifb`);
  kinds.ifb = rest;
  return { lines, kinds };
}

/** Only veth pairs: `total / 2` of them. */
function vethFixture(total: number): { lines: string[]; kinds: Record<string, number> } {
  const pairs = Math.floor(total / 2);
  const lines: string[] = [];
  for (let i = 0; i < pairs; i++) lines.push(`link add v${i} type veth peer name p${i}`);
  return { lines, kinds: { veth: 2 * pairs, ifb: 0 } };
}

/** Bytes a list() result retains per link: heap + array buffers after full collections, result held vs dropped. */
async function retainedPerLink(rtnl: Rtnl): Promise<number | undefined> {
  if (!(globalThis as { gc?: unknown }).gc) return undefined;
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  // array buffers are freed after the collection that found them dead: let that happen before reading
  const settle = async (): Promise<void> => {
    gc();
    await new Promise((r) => setTimeout(r, 100));
    gc();
  };
  await settle();
  const before = used();
  let links: Link[] | undefined = await rtnl.links.list();
  await settle();
  const held = used();
  const n = links.length;
  links = undefined;
  return n ? (held - before) / n : undefined;
}

const FIXTURES = (process.env.BENCH_FIXTURES ?? 'mixed,veth').split(',').filter(Boolean);
const all: Record<string, unknown> = {};
for (const name of FIXTURES) {
  if (name !== 'mixed' && name !== 'veth') throw new Error(`BENCH_FIXTURES: unknown fixture ${name} (mixed, veth)`);
  all[name] = await runFixture(name);
}
writeResult('dump', { fixtures: all });

async function runFixture(fixtureName: 'mixed' | 'veth'): Promise<Record<string, unknown>> {
console.log(`dump (${fixtureName} fixture): ${TOTAL} links with details into typed objects, ${RUNS} runs, side by side`);
const ns = freshNs('dump');
try {
  const { lines, kinds } = fixtureName === 'veth' ? vethFixture(TOTAL) : fixture(TOTAL);
  const t0 = now();
  ipBatch(ns, lines);
  console.log(`  fixture: ${lines.length} ip -batch commands in ${fmtMs(msSince(t0))} (${Object.entries(kinds).map(([k, v]) => `${v} ${k}`).join(', ')})`);
  const ipCount = (JSON.parse(sh('ip', ['-n', ns, '-j', 'link', 'show'])) as unknown[]).length;
  const rtnl = await Rtnl.open({ netns: ns });
  try {
    // warm-up (untimed): JIT the decoders once, as a long-running program would have
    const warm = await rtnl.links.list();
    if (warm.length !== ipCount) throw new Error(`library sees ${warm.length} links, ip sees ${ipCount}`);
    // list() asks what `ip -d link show` asks (RTEXT_FILTER_SKIP_STATS: no per-link IPv6 counters); list({ stats: true }) what `ip -s` asks
    if (warm.some((l) => l.afSpec !== undefined && 'inet6' in l.afSpec && l.afSpec.inet6?.stats !== undefined)) throw new Error('list() returned the per-link IPv6 counters');
    const warmStats = await rtnl.links.list({ stats: true });
    if (warmStats.length !== ipCount || !warmStats.some((l) => l.afSpec !== undefined && 'inet6' in l.afSpec && l.afSpec.inet6?.stats !== undefined)) throw new Error('list({ stats: true }) returned no counters or a wrong count');
    const lib: number[] = [];
    const libGc: number[] = []; // GC pauses inside each list() call, ms
    const libSys: number[] = []; // system CPU of each list() call, ms
    const libFaults: number[] = []; // minor page faults of each list() call
    const libOpen: number[] = [];
    const stream: number[] = [];
    const ipMs: number[] = [];
    const ipParseMs: number[] = [];
    const parseRatios: number[] = [];
    const ratios: number[] = [];
    const libCpu: number[] = [];
    const ipCpu: number[] = [];
    const cpuRatios: number[] = [];
    // list({ stats: true }) (with the per-link IPv6 counters) against ip -s,
    // which asks the kernel for them too (and prints the link counters).
    const libStats: number[] = [];
    const ipStatsMs: number[] = [];
    const statsRatios: number[] = [];
    const ipVsStatsRatios: number[] = []; // ip -j -d / list({ stats: true }): what list() measured before it left the counters out
    let ipBytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const gcp = new GCProfiler();
      gcp.start();
      const ru0 = process.resourceUsage();
      const c0 = selfCpuMs();
      let t = now();
      const links = await rtnl.links.list();
      lib.push(msSince(t));
      libCpu.push(selfCpuMs() - c0);
      const ru1 = process.resourceUsage();
      const gcs = gcp.stop();
      libGc.push(gcs.statistics.reduce((sum, g) => sum + g.cost, 0) / 1000);
      libSys.push((ru1.systemCPUTime - ru0.systemCPUTime) / 1000);
      libFaults.push(ru1.minorPageFault - ru0.minorPageFault);
      if (links.length !== ipCount) throw new Error(`list(): ${links.length} links, expected ${ipCount}`);
      t = now();
      const r2 = await Rtnl.open({ netns: ns });
      const again = await r2.links.list();
      await r2.close();
      libOpen.push(msSince(t));
      if (again.length !== ipCount) throw new Error('open+list: wrong count');
      t = now();
      let n = 0;
      let withDetails = 0;
      for await (const l of rtnl.links.dump()) {
        n++;
        if ((l as Link).linkInfo) withDetails++;
      }
      stream.push(msSince(t));
      if (n !== ipCount || withDetails < ipCount - 1 - kinds.ifb!) throw new Error(`dump(): ${n} links (${withDetails} with linkInfo)`);
      const ip = await spawnTimed('ip', ['-n', ns, '-j', '-d', 'link', 'show'], undefined, { keep: true });
      ipMs.push(ip.ms);
      // What a Node program that spawns ip must add to get objects: parse its JSON.
      t = now();
      const parsed = JSON.parse(ip.out!.toString('utf8')) as unknown[];
      ipParseMs.push(ip.ms + msSince(t));
      if (parsed.length !== ipCount) throw new Error(`ip printed ${parsed.length} links, expected ${ipCount}`);
      parseRatios.push(ipParseMs[ipParseMs.length - 1]! / lib[lib.length - 1]!);
      t = now();
      const withStats = await rtnl.links.list({ stats: true });
      libStats.push(msSince(t));
      if (withStats.length !== ipCount) throw new Error('list({ stats: true }): wrong count');
      const ipS = await spawnTimed('ip', ['-n', ns, '-s', '-j', '-d', 'link', 'show']);
      ipStatsMs.push(ipS.ms);
      statsRatios.push(ipS.ms / libStats[libStats.length - 1]!);
      ipVsStatsRatios.push(ip.ms / libStats[libStats.length - 1]!);
      ipBytes = ip.bytes;
      ipCpu.push(ip.cpuMs);
      ratios.push(ip.ms / lib[lib.length - 1]!);
      cpuRatios.push(ip.cpuMs / libCpu[libCpu.length - 1]!);
      console.log(
        `  run ${run + 1}/${RUNS}: list() ${fmtMs(lib[run]!)} (cpu ${fmtMs(libCpu[run]!)}, of it system ${fmtMs(libSys[run]!)}; GC pauses ${fmtMs(libGc[run]!)}; ${libFaults[run]} page faults), open+list+close ${fmtMs(libOpen[run]!)}, dump() stream ${fmtMs(stream[run]!)}, ip -j -d link show ${fmtMs(ip.ms)} (cpu ${fmtMs(ip.cpuMs)}), + JSON.parse ${fmtMs(ipParseMs[run]!)}; list({ stats: true }) ${fmtMs(libStats[run]!)}, ip -s -j -d link show ${fmtMs(ipStatsMs[run]!)}`,
      );
    }
    table([
      ['method', 'median wall', 'median cpu'],
      ['library links.list()', fmtMs(median(lib)), fmtMs(median(libCpu))],
      ['library open + list() + close', fmtMs(median(libOpen)), ''],
      ['library for await links.dump()', fmtMs(median(stream)), ''],
      ['ip -j -d link show (spawned)', fmtMs(median(ipMs)), fmtMs(median(ipCpu))],
      ['ip -j -d link show + JSON.parse in Node', fmtMs(median(ipParseMs)), ''],
      ['library links.list({ stats: true })', fmtMs(median(libStats)), ''],
      ['ip -s -j -d link show (spawned)', fmtMs(median(ipStatsMs)), ''],
    ]);
    const r = ratio(median(ratios), 1);
    const rc = ratio(median(cpuRatios), 1);
    const rp = ratio(median(parseRatios), 1);
    console.log(`  ratio (median of per-run ratios): ip -j -d link show / links.list() = ${r}x wall, ${rc}x cpu (goal: >= 1.5)`);
    console.log(`  ratio with the JSON parsed into objects as a Node program must: (ip + JSON.parse) / links.list() = ${rp}x wall`);
    const rs = ratio(median(statsRatios), 1);
    const rws = ratio(median(ipVsStatsRatios), 1);
    console.log(`  with the per-link IPv6 counters: ip -s -j -d link show / list({ stats: true }) = ${rs}x wall; ip -j -d link show / list({ stats: true }) = ${rws}x (the default before 4 December)`);
    // Where list()'s time goes: the calls a collection fell into against those it did not
    const noGc = lib.filter((_, i) => libGc[i]! === 0);
    console.log(
      `  list(): GC pauses inside the call median ${fmtMs(median(libGc))} (max ${fmtMs(Math.max(...libGc))}), system CPU median ${fmtMs(median(libSys))}, minor page faults median ${median(libFaults)}; ` +
        (noGc.length ? `the ${noGc.length} of ${RUNS} calls with no collection in them: median ${fmtMs(median(noGc))}` : 'a collection fell into every call'),
    );
    const retained = await retainedPerLink(rtnl);
    const cpuPerLinkUs = (median(libCpu) * 1000) / ipCount;
    console.log(`  list(): ${cpuPerLinkUs.toFixed(1)} µs CPU per link; ${retained === undefined ? 'retained bytes: run with --expose-gc' : `${Math.round(retained)} bytes retained per link`}`);
    return {
      links: ipCount,
      cpuPerLinkUs,
      retainedBytesPerLink: retained,
      kinds,
      ipJsonBytes: ipBytes,
      medians: { listMs: median(lib), listCpuMs: median(libCpu), listGcPauseMs: median(libGc), listSystemCpuMs: median(libSys), listPageFaults: median(libFaults), listNoGcMs: noGc.length ? median(noGc) : undefined, openListCloseMs: median(libOpen), dumpStreamMs: median(stream), ipJsonDetailsMs: median(ipMs), ipJsonDetailsCpuMs: median(ipCpu), ipJsonDetailsParsedMs: median(ipParseMs), listStatsMs: median(libStats), ipStatsJsonDetailsMs: median(ipStatsMs) },
      ratios: { ipVsList: r, ipVsListCpu: rc, ipParsedVsList: rp, ipStatsVsListStats: rs, ipVsListStats: rws },
      samples: { listMs: lib, listCpuMs: libCpu, listGcPauseMs: libGc, listSystemCpuMs: libSys, listPageFaults: libFaults, openListCloseMs: libOpen, dumpStreamMs: stream, ipJsonDetailsMs: ipMs, ipJsonDetailsCpuMs: ipCpu, ipJsonDetailsParsedMs: ipParseMs, listStatsMs: libStats, ipStatsJsonDetailsMs: ipStatsMs },
    };
  } finally {
    await rtnl.close();
  }
} finally {
  dropNs(ns);
}
}
