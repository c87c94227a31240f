// netns.add / netns.del killed mid-way (SIGKILL at random points) leave at
// worst an empty file under /run/netns with no namespace mounted on it. Then
// exists() and list() must not report it, Rtnl.open / Tun.open must say
// "stale namespace file" (ENOENT), add() must reclaim it and del() remove it,
// and nothing may be left behind. Oracles: /proc/self/mountinfo (is a
// namespace mounted on the file), the directory itself, `ip netns list`,
// `ip -n NAME link`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { Rtnl, Tun, netns, NetlinkError } from '../../src/index.js';
import { ktest, lane, sh, track, untrack, threadNetnsInode, fdCount, mountStackAt } from '../helpers.js';

/** 150 on the host; 40 in the VM lane (a node start-up takes seconds under TCG). */
const TRIES = lane === 'vm' ? 40 : 150;
const NETNS = new URL('../../src/rtnl/netns.js', import.meta.url).href;

/** The child: add and delete NAME in a loop until killed. */
const CHILD = `
import * as netns from ${JSON.stringify(NETNS)};
const name = process.env.RTNL_KILL_NS;
process.stdout.write('ready\\n');
for (;;) {
  await netns.add(name);
  await netns.del(name);
}
`;

const mountedAt = mountStackAt;

const ipNetnsList = (): string[] =>
  sh('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);

/**
 * Start the child, wait until it loops, kill it, wait until it is reaped.
 * `when`: a delay in ms (kills land anywhere in the add/del loop), or 'created':
 * the moment the namespace file appears (the parent spins on it), so the kill
 * lands inside add() between creating the file and mounting on it.
 */
async function runAndKill(name: string, when: number | 'created'): Promise<void> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: { ...process.env, RTNL_KILL_NS: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, sig) => resolve(sig ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.on('exit', () => reject(new Error(`child exited before it was ready: ${err}`)));
  });
  if (when === 'created') {
    const p = `/run/netns/${name}`;
    const until = Date.now() + 5000;
    while (!existsSync(p) && Date.now() < until) {
      /* spin: the window is a few milliseconds */
    }
  } else {
    await new Promise((r) => setTimeout(r, when));
  }
  child.kill('SIGKILL');
  const how = await exited; // reaped: its pid is gone
  assert.equal(how, 'SIGKILL', `the child was killed, not ended by itself (${err})`);
}

ktest(
  test,
  `netns.add/del SIGKILLed at random points (${TRIES} tries): exists/list/open see no namespace in a stale file, add reclaims it, del removes it, nothing is left`,
  async () => {
    const ino = threadNetnsInode();
    const fds = fdCount();
    const prefix = `rtnl-kill-${process.pid}-`;
    const outcome = { stale: 0, emptyStale: 0, namespace: 0, nothing: 0, reclaimedByAdd: 0, removedByDel: 0 };
    try {
      for (let i = 0; i < TRIES; i++) {
        const name = `${prefix}${i}`;
        const p = `/run/netns/${name}`;
        track(name);
        // half the kills at a random point of the add/del loop, half the moment add() has created the file
        await runAndKill(name, i % 4 < 2 ? Math.floor(Math.random() * 12) : 'created');
        const file = existsSync(p);
        const mounted = mountedAt(p) > 0;
        const stale = file && !mounted;
        if (stale && statSync(p).size === 0) outcome.emptyStale++; // killed before add() wrote its marker: reclaimed by age
        if (stale) outcome.stale++;
        else if (mounted) outcome.namespace++;
        else outcome.nothing++;
        const what = `try ${i} (${stale ? 'stale file' : mounted ? 'namespace' : 'nothing'})`;

        assert.equal(await netns.exists(name), mounted, `${what}: exists()`);
        assert.equal((await netns.list()).includes(name), mounted, `${what}: list()`);
        if (stale) {
          assert.equal(statSync(p).size <= 64, true, `${what}: the file is empty or holds the owner marker`);
          for (const [label, open] of [
            ['Rtnl.open', () => Rtnl.open({ netns: name })],
            ['Tun.open', () => Tun.open({ netns: name, name: 'kt0' })],
          ] as const) {
            let e: unknown;
            try {
              await open();
            } catch (x) {
              e = x;
            }
            assert.ok(e instanceof NetlinkError, `${what}: ${label} rejects with NetlinkError, got ${String(e)}`);
            assert.equal((e as NetlinkError).code, 'ENOENT', `${what}: ${label}`);
            assert.match((e as NetlinkError).message, /stale namespace file/, `${what}: ${label}`);
          }
        } else if (mounted) {
          const r = await Rtnl.open({ netns: name });
          assert.equal((await r.links.list())[0]?.name, 'lo', `${what}: a usable namespace`);
          await r.close();
        }

        if (i % 2 === 0) {
          // add: creates it (reclaiming a stale file) or says EEXIST for a real namespace
          if (mounted) {
            let e: unknown;
            try {
              await netns.add(name);
            } catch (x) {
              e = x;
            }
            assert.equal((e as NetlinkError)?.code, 'EEXIST', `${what}: add() of an existing namespace`);
          } else {
            await netns.add(name);
            if (stale) outcome.reclaimedByAdd++;
            assert.equal(mountedAt(p), 1, `${what}: add() mounted one namespace`);
            assert.equal(await netns.exists(name), true, `${what}: exists() after add()`);
            assert.ok(ipNetnsList().includes(name), `${what}: ip netns list after add()`);
            assert.match(sh('ip', ['-n', name, '-o', 'link', 'show']), /^1: lo:/, `${what}: ip -n ${name} link`);
            const r = await Rtnl.open({ netns: name });
            assert.equal((await r.links.list())[0]?.name, 'lo', `${what}: Rtnl.open after add()`);
            await r.close();
          }
          await netns.del(name);
        } else if (file) {
          await netns.del(name);
          if (stale) outcome.removedByDel++;
        } else {
          let e: unknown;
          try {
            await netns.del(name);
          } catch (x) {
            e = x;
          }
          assert.equal((e as NetlinkError)?.code, 'ENOENT', `${what}: del() of nothing`);
        }
        assert.not.ok(existsSync(p), `${what}: the file is gone`);
        assert.equal(mountedAt(p), 0, `${what}: nothing mounted`);
        untrack(name);
      }
    } finally {
      // whatever a failure left: ip netns del unmounts and removes (stale files too)
      for (const n of readdirSync('/run/netns').filter((x) => x.startsWith(prefix))) sh('ip', ['netns', 'del', n], { allowFail: true });
    }
    console.log(`  ${TRIES} kills: ${JSON.stringify(outcome)}`);
    assert.equal(readdirSync('/run/netns').filter((x) => x.startsWith(prefix)), [], 'no file left in /run/netns');
    assert.equal(ipNetnsList().filter((x) => x.startsWith(prefix)), [], 'ip netns list shows none');
    assert.not.ok(readFileSync('/proc/self/mountinfo', 'utf8').includes(prefix), 'no mount left');
    assert.equal(fdCount(), fds, 'no fd left open');
    assert.equal(threadNetnsInode(), ino, 'the thread is in its namespace');
    // the point of the test: kills landed mid-way and left stale files that add and del dealt with
    assert.ok(outcome.reclaimedByAdd >= 5, `add() reclaimed ${outcome.reclaimedByAdd} stale files (need >= 5: kills must land mid-way)`);
    assert.ok(outcome.removedByDel >= 5, `del() removed ${outcome.removedByDel} stale files (need >= 5)`);
  },
);

test.run();
