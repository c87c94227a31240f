// Benchmark: add N routes to a table in a scratch namespace, then read them
// back with the streaming routes.dump() and with routes.list(); prints rates
// and the heap growth of each read. Run as root after `npx tsc`:
//   node dist/bench/routes-dump.js [N=100000]
import { Rtnl, netns } from '../src/index.js';

const N = Number(process.argv[2] ?? 100000);
const ns = `rtnl-bench-routes-${process.pid}`;
const mb = (n: number): string => (n / 1048576).toFixed(1);

await netns.add(ns);
const r = await Rtnl.open({ netns: ns });
try {
  await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
  await r.links.set('veth0', { up: true });
  await r.addrs.add('veth0', '10.0.0.1/24');
  const T = 1000;
  let t = performance.now();
  const batch = 5000;
  for (let i = 0; i < N; i += batch) {
    const ps: Promise<void>[] = [];
    for (let j = i; j < Math.min(N, i + batch); j++) {
      ps.push(r.routes.add({ dst: `${11 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}.0/24`, gateway: '10.0.0.2', table: T }));
    }
    await Promise.all(ps);
  }
  const addMs = performance.now() - t;
  console.log(`add:    ${N} routes in ${addMs.toFixed(0)} ms (${((N / addMs) * 1000).toFixed(0)} routes/s, up to 64 requests in flight)`);

  global.gc?.();
  let base = process.memoryUsage().heapUsed;
  let peak = base;
  let count = 0;
  t = performance.now();
  for await (const route of r.routes.dump({ family: 'inet', table: T })) {
    if (route.gateway) count++;
    if ((count & 1023) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  const dumpMs = performance.now() - t;
  console.log(`dump(): ${count} routes in ${dumpMs.toFixed(0)} ms (${((count / dumpMs) * 1000).toFixed(0)} routes/s), heap growth ≤ ${mb(peak - base)} MiB (streamed)`);

  global.gc?.();
  base = process.memoryUsage().heapUsed;
  t = performance.now();
  const all = await r.routes.list({ family: 'inet', table: T });
  const listMs = performance.now() - t;
  const held = process.memoryUsage().heapUsed - base;
  console.log(`list(): ${all.length} routes in ${listMs.toFixed(0)} ms (${((all.length / listMs) * 1000).toFixed(0)} routes/s), holding ${mb(held)} MiB`);
} finally {
  await r.close();
  await netns.del(ns);
}
