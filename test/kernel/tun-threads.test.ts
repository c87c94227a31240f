// TUN reads from several threads at once: each worker thread opens its own
// TUN device in its own network namespace (the setup docs/tun.md recommends
// for parallelism) and reads the kernel's answers to its own ICMP echo
// requests through the library's normal read path. The native layer must not
// share mutable state between threads: every packet a worker reads must be
// its own, intact (issue 12, item 1: a static scratch buffer shared by all
// threads handed ~6% of packets to the wrong namespace).
//
// With the default stream options the read buffer (MAX_PACKET_SIZE + 1 bytes)
// is larger than a slab (SLAB_SIZE), so every read takes the path that does
// not fit straight into the slab: the one that went through the static
// buffer.
//
// Oracles: the payload marker of every packet (worker tag and sequence number
// repeated through the whole payload, checked in the worker), and iproute2's
// counters of each device (`ip -s -j link show`): the kernel's tx_packets of
// a TUN device counts the packets read from its fd, rx_packets the packets
// written to it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MAX_PACKET_SIZE, SLAB_SIZE } from '../../src/tun/stream.js';
import { ktest, withNetns, ipJson, sh, lane, threadNetnsInode, madeLinks } from '../helpers.js';
import type { TunThreadJob, TunThreadMessage, TunThreadResult } from './tun-threads-worker.js';

const WORKERS = 2;
/** 2 x 300,000 on the host; 2 x 25,000 in the VM lane (QEMU under TCG, many times slower). */
const PER_WORKER = Number(process.env.RTNL_TUN_THREADS_PACKETS ?? (lane === 'vm' ? 25_000 : 300_000));
const WINDOW = 128;
const WORKER_TIMEOUT_MS = 300_000;
/** Workers per phase of the exit test (half end with process.exit, half are terminated). */
const EXIT_ROUNDS = lane === 'vm' ? 2 : 6;

interface IpLinkStats {
  ifname: string;
  stats64?: { rx: { packets: number }; tx: { packets: number; dropped: number } };
}

interface Running {
  worker: Worker;
  result: Promise<TunThreadResult>;
  closed: Promise<void>;
}

function start(job: TunThreadJob): Running {
  const worker = new Worker(new URL('./tun-threads-worker.js', import.meta.url), { workerData: job });
  let onResult!: (r: TunThreadResult) => void;
  let onClosed!: () => void;
  let fail!: (e: Error) => void;
  const result = new Promise<TunThreadResult>((res, rej) => {
    onResult = res;
    fail = rej;
  });
  const closed = new Promise<void>((res, rej) => {
    onClosed = res;
    worker.once('error', rej);
    worker.once('exit', (code) => (code === 0 ? res() : rej(new Error(`worker ${job.id} exited with ${code}`))));
  });
  closed.catch(() => undefined);
  const timer = setTimeout(() => {
    fail(new Error(`worker ${job.id}: no result after ${WORKER_TIMEOUT_MS} ms`));
    void worker.terminate();
  }, WORKER_TIMEOUT_MS);
  worker.on('message', (m: TunThreadMessage) => {
    if (m.type === 'done') {
      clearTimeout(timer);
      onResult(m.result);
    } else if (m.type === 'closed') onClosed();
    else {
      clearTimeout(timer);
      fail(new Error(`worker ${job.id}: ${m.error}`));
    }
  });
  worker.once('error', (e) => {
    clearTimeout(timer);
    fail(e);
  });
  worker.once('exit', (code) => {
    clearTimeout(timer);
    fail(new Error(`worker ${job.id} exited (${code}) before reporting`));
  });
  return { worker, result, closed };
}

ktest(
  test,
  `TUN reads in ${WORKERS} worker threads, each its own device in its own namespace: ${WORKERS} x ${PER_WORKER} echo replies, every packet its own (0 foreign)`,
  async () => {
    assert.ok(MAX_PACKET_SIZE + 1 > SLAB_SIZE, 'precondition: default reads do not fit a fresh slab, so they take the non-direct path');
    const ino = threadNetnsInode();
    await withNetns(
      WORKERS,
      async (...names) => {
        // No IPv6 on the devices: every packet a device hands out must then be
        // an answer to one of its worker's requests, and is checked as such.
        for (const ns of names) sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
        const runs = names.map((ns, i) => start({ id: i + 1, ns, packets: PER_WORKER, window: WINDOW }));
        let results: TunThreadResult[];
        try {
          results = await Promise.all(runs.map((r) => r.result));
          // The kernel's own counters, while every device is still open.
          results.forEach((r, i) => {
            const [link] = ipJson<IpLinkStats[]>(names[i], '-s', 'link', 'show', 'dev', r.device);
            assert.ok(link?.stats64, `ip -s link show ${r.device} has counters`);
            assert.is(link!.stats64!.tx.packets, r.packetsIn, `worker ${r.id}: the kernel handed out (tx_packets) exactly the packets the stream read`);
            assert.is(link!.stats64!.rx.packets, r.sent, `worker ${r.id}: the kernel took (rx_packets) every request written`);
          });
        } finally {
          for (const r of runs) r.worker.postMessage('close');
          await Promise.allSettled(runs.map((r) => r.closed));
          for (const r of runs) await r.worker.terminate();
        }
        const total = results.reduce((a, r) => a + r.packetsIn, 0);
        const foreign = results.reduce((a, r) => a + r.foreign, 0);
        const whole = results.reduce((a, r) => a + r.wholeForeign, 0);
        const corrupt = results.reduce((a, r) => a + r.corrupt, 0);
        const lost = results.reduce((a, r) => a + r.lost, 0);
        for (const r of results) {
          console.log(
            `tun-threads: worker ${r.id} (${r.device}): sent ${r.sent}, read ${r.packetsIn} in ${r.readCalls} read calls / ${r.readWakeups} wake-ups: ` +
              `${r.ok} ok, ${r.foreign} foreign (${r.wholeForeign} whole packets), ${r.corrupt} corrupt, ${r.lost} lost`,
          );
          for (const b of r.bad) console.log(`tun-threads:   worker ${r.id}: ${b}`);
        }
        console.log(`tun-threads: ${WORKERS} workers, ${total} packets checked, ${foreign} foreign (${whole} whole packets), ${corrupt} corrupt, ${lost} lost`);
        for (const r of results) {
          assert.is(r.nsInoAfter, r.nsInoBefore, `worker ${r.id}: its thread is back in its namespace`);
          assert.is(r.ok + r.foreign + r.corrupt, r.packetsIn, `worker ${r.id}: every packet read was classified`);
        }
        assert.is(foreign, 0, `packets holding another namespace's bytes: ${foreign} of ${total} (${whole} whole foreign packets)`);
        assert.is(corrupt, 0, `packets neither ours intact nor holding another worker's bytes: ${corrupt} of ${total}`);
        // The figure the test stands for: enough packets checked (losses are allowed, not many).
        assert.ok(total >= WORKERS * PER_WORKER * 0.9, `checked ${total} packets of ${WORKERS * PER_WORKER} sent`);
        assert.is(threadNetnsInode(), ino, 'the main thread is in its namespace');
      },
      'tunthr',
    );
  },
  ['tun'],
);

ktest(
  test,
  'worker threads ending (process.exit, terminate) with TUN queues and a netlink socket open: no crash, their fds closed, devices gone',
  async () => {
    // In a child process, so that whether its main thread has loaded the
    // addon is known: first not (the addon is unloaded with the last
    // worker), then yes. See tun-threads-exit.ts.
    await withNetns(
      1,
      async (ns) => {
        const child = fileURLToPath(new URL('./tun-threads-exit.js', import.meta.url));
        const r = spawnSync(process.execPath, [child, ns, String(EXIT_ROUNDS)], { encoding: 'utf8', timeout: 300_000 });
        assert.is(r.signal, null, `the child process was killed by ${r.signal}: ${r.stderr}`);
        assert.is(r.status, 0, `child exit status: ${r.stderr}`);
        const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { fdsBefore: number; fdsAfter1: number; fdsAfter2: number; linksAfter1: string[]; linksAfter2: string[]; rounds: number };
        assert.is(out.rounds, 2 * EXIT_ROUNDS);
        assert.is(out.fdsAfter1, out.fdsBefore, 'no fd left by the workers (addon loaded by the workers only)');
        assert.equal(madeLinks(out.linksAfter1), ['lo'], 'every TUN device is gone while the process runs (its fds were closed)');
        assert.is(out.fdsAfter2, out.fdsBefore, 'no fd left by the workers (addon loaded by the main thread too)');
        assert.equal(madeLinks(out.linksAfter2), ['lo'], 'every TUN device is gone while the process runs (addon loaded by the main thread too)');
      },
      'tunexit',
    );
  },
  ['tun'],
);

test.run();
