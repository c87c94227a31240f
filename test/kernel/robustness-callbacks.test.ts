// User callbacks on the receive and send paths must not take the process
// down: a `tap` that throws, a capture (`record`) whose file system is full,
// a multicast or error handler that throws. Each exception is surfaced (a
// rejection of the request, an `error` event of a monitor, the socket's error
// handler or a process warning) and the sockets keep working, checked
// against `ip -j link show`. Any uncaught exception or unhandled rejection
// during a test fails it (the old code died of them).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmdirSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallbackError, NetlinkSocket, Rtnl, isEvent, type Monitor, type MonitorEvent } from '../../src/index.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { ktest, withNetns, ip, ipJson, sh, fdCount, fdList, madeLinks } from '../helpers.js';
const { RTNLGRP_LINK } = UAPI;

/** Resolve `p`, or fail after `ms` (the old code left requests hanging after a callback threw). */
async function within<T>(p: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: nothing within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Run `fn` recording uncaught exceptions, unhandled rejections and warnings; fail on the first two. */
async function guarded(fn: (warnings: Error[]) => Promise<void>): Promise<void> {
  const uncaught: unknown[] = [];
  const warnings: Error[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  process.on('warning', onWarning);
  try {
    await fn(warnings);
  } finally {
    await new Promise((res) => setTimeout(res, 50)); // let late rejections and warnings surface
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    process.off('warning', onWarning);
  }
  assert.equal(uncaught.map((e) => String(e)), [], 'no uncaught exception, no unhandled rejection');
}

/** veth pairs made while recording into 4 KiB: enough to fill it from the request socket alone (about 200 bytes a pair). */
const PAIRS = 40;

const links = (ns: string): string[] => madeLinks(ipJson<Array<{ ifname: string }>>(ns, 'link', 'show').map((l) => l.ifname)).sort();

async function nextEvent(mon: Monitor, ms = 5000): Promise<MonitorEvent> {
  const r = await within(mon.next(), 'monitor event', ms);
  if (r.done) throw new Error('monitor ended');
  return r.value;
}

ktest(test, 'a tap that throws: on a sent datagram the request rejects (not sent), on a received one it is processed and the error reported; the tap is detached, the socket keeps working', async () => {
  await withNetns(1, async (ns) => {
    await guarded(async (warnings) => {
      // 'in': the tap throws on the first datagram received (the ACK of links.add)
      let calls = 0;
      const r = await Rtnl.open({ netns: ns, tap: (dir) => {
        calls++;
        if (dir === 'in') throw new Error('tap boom in');
      } });
      try {
        await within(r.links.add({ name: 'ta0', kind: 'veth', peer: 'ta1' }), 'links.add with a tap throwing on the answer');
        assert.instance(r.socket.tapError, CallbackError);
        assert.is(r.socket.tapError!.direction, 'in');
        assert.is((r.socket.tapError!.cause as Error).message, 'tap boom in');
        // no error handler on a request socket: a process warning carries it
        await new Promise((res) => setImmediate(res));
        assert.ok(warnings.some((w) => w === r.socket.tapError), `a warning surfaced it (${warnings.map((w) => w.message).join('; ')})`);
        assert.equal(links(ns), ['lo', 'ta0', 'ta1'], 'the request was made');
        const before = calls;
        assert.is((await within(r.links.get('ta0'), 'links.get after')).name, 'ta0');
        assert.is(calls, before, 'the tap was detached');
        assert.is(r.socket.stats.callbackErrors, 1);
      } finally {
        await r.close();
      }
      // 'out': the tap throws on the first request: it is not sent and rejects
      let thrown = false;
      const r2 = await Rtnl.open({ netns: ns, tap: (dir) => {
        if (dir === 'out' && !thrown) {
          thrown = true;
          throw new Error('tap boom out');
        }
      } });
      try {
        const e = await within(r2.links.add({ name: 'tb0', kind: 'veth', peer: 'tb1' }).then(() => undefined, (x: unknown) => x), 'links.add with a tap throwing on the request');
        assert.instance(e, CallbackError);
        assert.is((e as CallbackError).direction, 'out');
        assert.match((e as CallbackError).message, /tap callback \(sent datagram\) threw: tap boom out/);
        assert.equal(links(ns), ['lo', 'ta0', 'ta1'], 'the request that failed in the tap was not sent');
        await within(r2.links.add({ name: 'tb0', kind: 'veth', peer: 'tb1' }), 'links.add after');
        assert.equal(links(ns), ['lo', 'ta0', 'ta1', 'tb0', 'tb1']);
      } finally {
        await r2.close();
      }
    });
  });
});

ktest(test, 'a monitor whose tap throws yields an error event and goes on; a multicast handler that throws is reported to onError and keeps receiving; an error handler that throws becomes a warning', async () => {
  await withNetns(1, async (ns) => {
    await guarded(async (warnings) => {
      const fds = fdCount();
      let thrown = 0;
      const r = await Rtnl.open({ netns: ns, tap: (dir) => {
        if (dir === 'in' && thrown++ === 0) throw new Error('monitor tap boom');
      } });
      const mon = r.monitor(['link']);
      const sock = NetlinkSocket.open({ netns: ns, groups: [RTNLGRP_LINK] });
      const handled: string[] = [];
      const reported: Error[] = [];
      sock.onMulticast((m) => {
        handled.push(String(m.type));
        throw new Error('handler boom');
      });
      sock.onError((e) => {
        reported.push(e);
        if (reported.length === 1) throw new Error('error handler boom');
      });
      try {
        ip(ns, 'link', 'add', 'mc0', 'type', 'veth', 'peer', 'name', 'mc1');
        const seen: MonitorEvent[] = [];
        const has = (n: string): boolean => seen.some((e) => isEvent(e, 'link') && e.object.name === n);
        while (!has('mc0') || !has('mc1') || !seen.some((e) => e.type === 'error')) seen.push(await nextEvent(mon));
        const err = seen.find((e) => e.type === 'error');
        assert.ok(err && err.type === 'error', `an error event (${seen.map((e) => e.type).join(', ')})`);
        assert.instance(err.error, CallbackError);
        assert.is((err.error as CallbackError).callback, 'tap');
        assert.ok(seen.some((e) => isEvent(e, 'link') && e.object.name === 'mc0'), 'the datagram the tap failed on was still delivered');
        // the plain socket: every message reached the handler, each throw was reported
        ip(ns, 'link', 'add', 'mc2', 'type', 'veth', 'peer', 'name', 'mc3');
        for (let i = 0; i < 100 && handled.length < 4; i++) await new Promise((res) => setTimeout(res, 20));
        assert.ok(handled.length >= 4, `the handler kept receiving (${handled.length} calls)`);
        assert.is(reported.length, handled.length, 'one error per throw');
        assert.ok(reported.every((e) => e instanceof CallbackError && e.callback === 'multicast' && (e.cause as Error).message === 'handler boom'));
        assert.ok(warnings.some((w) => w instanceof CallbackError && w.callback === 'error'), 'the throwing error handler became a warning');
        assert.equal(links(ns), ['lo', 'mc0', 'mc1', 'mc2', 'mc3']);
      } finally {
        sock.close();
        mon.close();
        await r.close();
      }
      assert.is(fdCount(), fds, `no fd left: ${fdList().join(', ')}`);
    });
  });
});

ktest(test, 'record to a full file system (4 KiB tmpfs): ENOSPC is surfaced, recording stops and its file is closed, no crash; the handle and its monitor keep working', async () => {
  const dir = mkdtempSync(join(tmpdir(), `rtnl-enospc-${process.pid}-`));
  sh('mount', ['-t', 'tmpfs', '-o', 'size=4k,mode=0700', 'tmpfs', dir]);
  try {
    // with a monitor (its socket shares the recording) and without (only the request socket records)
    for (const withMonitor of [true, false]) {
      await withNetns(1, async (ns) => {
        await guarded(async (warnings) => {
          const fds = fdCount();
          const file = join(dir, `trace-${withMonitor ? 'mon' : 'req'}.pcap`);
          const r = await Rtnl.open({ netns: ns, record: file });
          const mon = withMonitor ? r.monitor(['link']) : undefined;
          const surfaced: Array<{ where: string; error: Error }> = [];
          const made: string[] = [];
          try {
            for (let i = 0; i < PAIRS; i++) {
              try {
                await within(r.links.add({ name: `e${i}`, kind: 'veth', peer: `f${i}` }), `links.add e${i}`);
                made.push(`e${i}`, `f${i}`);
              } catch (e) {
                surfaced.push({ where: `links.add e${i}`, error: e as Error });
              }
            }
            if (mon) {
              // the monitor heard every link made (it reads while we await), and reports what its tap hit
              const names = new Set<string>();
              while (!made.every((n) => names.has(n))) {
                const ev = await nextEvent(mon);
                if (ev.type === 'error') surfaced.push({ where: 'monitor', error: ev.error });
                else if (isEvent(ev, 'link') && ev.type === 'newlink') names.add(ev.object.name);
              }
            }
            await new Promise((res) => setImmediate(res));
            for (const w of warnings) if (w instanceof CallbackError) surfaced.push({ where: 'warning', error: w });
            // exactly one failure surfaced, ENOSPC, wherever the write failed
            assert.is(surfaced.length, 1, `one failure surfaced: ${surfaced.map((x) => `${x.where}: ${x.error.message}`).join('; ')}`);
            const s = surfaced[0]!;
            console.log(`  ${withMonitor ? 'with' : 'without'} a monitor: ENOSPC surfaced by ${s.where}: ${s.error.message}; ${made.length / 2} pairs made`);
            assert.instance(s.error, CallbackError);
            assert.is((s.error as CallbackError).code, 'ENOSPC', s.error.message);
            assert.is((r.recordError as NodeJS.ErrnoException | undefined)?.code, 'ENOSPC', 'rtnl.recordError');
            // recording stopped and its file is closed, while the handle is still open
            const open = readdirSync('/proc/self/fd').filter((fd) => {
              try {
                return readlinkSync(`/proc/self/fd/${fd}`) === file;
              } catch {
                return false;
              }
            });
            assert.equal(open, [], 'the capture file is closed');
            // only a request the tap refused is missing; everything else happened, as ip sees it
            assert.equal(links(ns), ['lo', ...made].sort());
            assert.ok(made.length >= 2 * PAIRS - 2, `the handle kept working (${made.length / 2} pairs made)`);
          } finally {
            mon?.close();
            await r.close();
          }
          assert.is(fdCount(), fds, `no fd left: ${fdList().join(', ')}`);
        });
      });
      sh('rm', ['-f', join(dir, `trace-${withMonitor ? 'mon' : 'req'}.pcap`)]);
    }
  } finally {
    sh('umount', [dir], { allowFail: true });
    rmdirSync(dir);
  }
});

test.run();
