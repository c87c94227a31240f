/**
 * Child process of test/kernel/tun-threads.test.ts: worker threads that end
 * (process.exit() inside the worker, or worker.terminate() from outside)
 * while they hold an open TUN device (2 queues, reading and writing) and an
 * open rtnetlink socket. Run as its own process so that its main thread
 * decides when the addon is loaded there: in phase 1 only the workers load
 * it (when the last worker is gone, Node unloads it), in phase 2 the main
 * thread has loaded it too.
 *
 *   node tun-threads-exit.js NAMESPACE ROUNDS [PHASES]
 *
 * PHASES (default "12") selects the phases to run, e.g. "2" alone to see
 * what phase 2 does on code that crashes in phase 1.
 * Prints one JSON line: { fdsBefore, fdsAfter1, fdsAfter2, linksAfter1,
 * linksAfter2, rounds } (fd counts of this process, interfaces left in the
 * namespace after each phase); exits 0.
 * A crash (e.g. a libuv close callback run after the addon was unloaded)
 * shows as a signal or a non-zero exit status.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

interface ExitJob {
  ns: string;
  name: string;
  mode: 'exit' | 'terminate';
}

const fdCount = (): number => readdirSync('/proc/self/fd').length;
/** Interfaces in the namespace, by iproute2 (while this process, which held the fds, still runs). */
const links = (ns: string): string[] => (JSON.parse(execFileSync('ip', ['-j', '-n', ns, 'link', 'show'], { encoding: 'utf8' })) as Array<{ ifname: string }>).map((l) => l.ifname);

async function workerBody(job: ExitJob): Promise<void> {
  const { Tun, Rtnl, packet } = await import('../../src/index.js');
  const tun = await Tun.open({ name: job.name, netns: job.ns, up: true, queues: 2 });
  const rtnl = await Rtnl.open({ netns: job.ns });
  await rtnl.addrs.add(job.name, '10.79.0.1/24');
  for (const q of tun.queues) q.on('data', () => undefined);
  let seq = 0;
  setInterval(() => tun.write(packet.buildIcmp4Echo({ src: '10.79.0.2', dst: '10.79.0.1', id: 1, seq: seq++ & 0xffff })), 1);
  void rtnl.links.list().catch(() => undefined); // a request in flight
  parentPort!.postMessage('open');
  if (job.mode === 'exit') setTimeout(() => process.exit(0), 20);
}

async function runWorker(url: URL, job: ExitJob): Promise<void> {
  const w = new Worker(url, { workerData: job });
  await new Promise<void>((resolve, reject) => {
    w.once('message', () => resolve());
    w.once('error', reject);
    w.once('exit', (c) => reject(new Error(`worker exited (${c}) before it opened its devices`)));
  });
  if (job.mode === 'terminate') {
    await new Promise((r) => setTimeout(r, 20));
    await w.terminate();
  } else {
    await new Promise((r) => w.once('exit', r));
  }
}

async function main(): Promise<void> {
  const [ns, roundsArg, phases = '12'] = process.argv.slice(2);
  if (!ns) throw new Error('usage: tun-threads-exit.js NAMESPACE ROUNDS');
  const rounds = Number(roundsArg ?? 10);
  const url = new URL(import.meta.url);
  // A worker that loads nothing of ours first: whatever Node opens once for workers is then open.
  await new Promise<void>((resolve) => new Worker('0', { eval: true }).once('exit', () => resolve()));
  const fdsBefore = fdCount();
  let n = 0;
  if (phases.includes('1')) for (let i = 0; i < rounds; i++) await runWorker(url, { ns, name: `ex${n++}`, mode: i % 2 ? 'exit' : 'terminate' });
  const fdsAfter1 = fdCount();
  const linksAfter1 = links(ns);
  // Phase 2: the main thread holds the addon loaded too.
  const { native } = await import('../../src/netlink/native.js');
  native();
  const fdsBase2 = fdCount();
  if (phases.includes('2')) for (let i = 0; i < rounds; i++) await runWorker(url, { ns, name: `ex${n++}`, mode: i % 2 ? 'exit' : 'terminate' });
  const fdsAfter2 = fdCount() - fdsBase2 + fdsBefore;
  const linksAfter2 = links(ns);
  console.log(JSON.stringify({ fdsBefore, fdsAfter1, fdsAfter2, linksAfter1, linksAfter2, rounds: n }));
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  void workerBody(workerData as ExitJob);
}
