/**
 * Dump ~4,000 links with all details into typed objects: the library
 * in-process (rtnl.links.list(), and the streamed rtnl.links.dump()) against
 * `ip -j -d link show` spawned (wall time, its JSON read from a pipe).
 * Fixture (untimed, made with `ip -batch`): veth pairs, bridges with veth
 * ports (IFLA_INFO_SLAVE_DATA), vxlan, macvlan and ifb devices.
 *
 *   node dist/bench/dump.js          (BENCH_LINKS=4000, BENCH_RUNS=5)
 */
import { Rtnl, type Link } from '../src/index.js';
import { RUNS, selfCpuMs, dropNs, fmtMs, freshNs, ipBatch, median, msSince, now, ratio, requireRoot, sh, spawnTimed, table, writeResult } from './lib/common.js';

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

console.log(`dump: ${TOTAL} links with details into typed objects, ${RUNS} runs, side by side`);
const ns = freshNs('dump');
try {
  const { lines, kinds } = fixture(TOTAL);
  const t0 = now();
  ipBatch(ns, lines);
  console.log(`  fixture: ${lines.length} ip -batch commands in ${fmtMs(msSince(t0))} (${Object.entries(kinds).map(([k, v]) => `${v} ${k}`).join(', ')})`);
  const ipCount = (JSON.parse(sh('ip', ['-n', ns, '-j', 'link', 'show'])) as unknown[]).length;
  const rtnl = await Rtnl.open({ netns: ns });
  try {
    // warm-up (untimed): JIT the decoders once, as a long-running program would have
    const warm = await rtnl.links.list();
    if (warm.length !== ipCount) throw new Error(`library sees ${warm.length} links, ip sees ${ipCount}`);
    const lib: number[] = [];
    const libOpen: number[] = [];
    const stream: number[] = [];
    const ipMs: number[] = [];
    const ratios: number[] = [];
    const libCpu: number[] = [];
    const ipCpu: number[] = [];
    const cpuRatios: number[] = [];
    let ipBytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const c0 = selfCpuMs();
      let t = now();
      const links = await rtnl.links.list();
      lib.push(msSince(t));
      libCpu.push(selfCpuMs() - c0);
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
      if (n !== ipCount || withDetails < TOTAL - kinds.ifb!) throw new Error(`dump(): ${n} links (${withDetails} with linkInfo)`);
      const ip = await spawnTimed('ip', ['-n', ns, '-j', '-d', 'link', 'show']);
      ipMs.push(ip.ms);
      ipBytes = ip.bytes;
      ipCpu.push(ip.cpuMs);
      ratios.push(ip.ms / lib[lib.length - 1]!);
      cpuRatios.push(ip.cpuMs / libCpu[libCpu.length - 1]!);
      console.log(
        `  run ${run + 1}/${RUNS}: list() ${fmtMs(lib[run]!)} (cpu ${fmtMs(libCpu[run]!)}), open+list+close ${fmtMs(libOpen[run]!)}, dump() stream ${fmtMs(stream[run]!)}, ip -j -d link show ${fmtMs(ip.ms)} (cpu ${fmtMs(ip.cpuMs)})`,
      );
    }
    table([
      ['method', 'median wall', 'median cpu'],
      ['library links.list()', fmtMs(median(lib)), fmtMs(median(libCpu))],
      ['library open + list() + close', fmtMs(median(libOpen)), ''],
      ['library for await links.dump()', fmtMs(median(stream)), ''],
      ['ip -j -d link show (spawned)', fmtMs(median(ipMs)), fmtMs(median(ipCpu))],
    ]);
    const r = ratio(median(ratios), 1);
    const rc = ratio(median(cpuRatios), 1);
    console.log(`  ratio (median of per-run ratios): ip -j -d link show / links.list() = ${r}x wall, ${rc}x cpu (goal: >= 1, no slower than iproute2)`);
    writeResult('dump', {
      links: ipCount,
      kinds,
      ipJsonBytes: ipBytes,
      medians: { listMs: median(lib), listCpuMs: median(libCpu), openListCloseMs: median(libOpen), dumpStreamMs: median(stream), ipJsonDetailsMs: median(ipMs), ipJsonDetailsCpuMs: median(ipCpu) },
      ratios: { ipVsList: r, ipVsListCpu: rc },
      samples: { listMs: lib, listCpuMs: libCpu, openListCloseMs: libOpen, dumpStreamMs: stream, ipJsonDetailsMs: ipMs, ipJsonDetailsCpuMs: ipCpu },
    });
  } finally {
    await rtnl.close();
  }
} finally {
  dropNs(ns);
}
