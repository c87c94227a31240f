// Persistent namespaces without child processes, checked with `ip netns`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { native } from '../../src/netlink/native.js';
import { Rtnl, Tun, netns, NetlinkError, ArgumentError } from '../../src/index.js';
import { ktest, uniqueName, track, untrack, sh, ipJson, threadNetnsInode, fdCount, createNs, destroyNs, mountStackAt } from '../helpers.js';
import { rejectsA } from '../expect.js';

const ipNetnsList = (): string[] =>
  sh('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);

/**
 * The devices of a brand-new namespace, made by iproute2 now: lo, plus the
 * fallback devices of tunnel modules already loaded (gre0, tunl0, sit0...
 * once a test has created such a tunnel).
 */
function freshNamespaceLinks(): string[] {
  const tmp = createNs('fresh');
  try {
    return ipJson<Array<{ ifname: string }>>(tmp, 'link', 'show').map((l) => l.ifname);
  } finally {
    destroyNs(tmp);
  }
}

/** Names of the links in namespace `name`, by iproute2 and by the library (which must agree). */
async function linkNames(name: string): Promise<string[]> {
  const byIp = ipJson<Array<{ ifname: string }>>(name, 'link', 'show').map((l) => l.ifname);
  const r = await Rtnl.open({ netns: name });
  try {
    assert.equal((await r.links.list()).map((l) => l.name), byIp, 'the library lists what ip lists');
  } finally {
    await r.close();
  }
  return byIp;
}

ktest(test, 'add: ip netns list shows it, it is a real fresh namespace, del removes it', async () => {
  const name = uniqueName('ns');
  track(name);
  const ino = threadNetnsInode();
  await netns.add(name);
  try {
    assert.equal(threadNetnsInode(), ino, 'the calling thread is back in its namespace');
    assert.ok(ipNetnsList().includes(name), 'ip netns list shows it');
    assert.ok((await netns.list()).includes(name));
    assert.equal(await netns.exists(name), true);
    // a new namespace has only lo (and the fallback devices of loaded tunnel modules, as one ip makes)
    assert.equal(await linkNames(name), freshNamespaceLinks(), 'the devices of a new namespace');
    // and it is not ours: a different inode
    assert.not.equal(statSync(`/run/netns/${name}`).ino, ino);
  } finally {
    await netns.del(name);
    untrack(name);
  }
  assert.not.ok(ipNetnsList().includes(name), 'gone from ip netns list');
  assert.equal(await netns.exists(name), false);
  assert.equal(threadNetnsInode(), ino);
});

ktest(test, 'a namespace made by ip is listed and deletable by the library, and vice versa', async () => {
  const a = uniqueName('ns');
  track(a);
  sh('ip', ['netns', 'add', a]);
  assert.ok((await netns.list()).includes(a));
  await netns.del(a);
  untrack(a);
  assert.not.ok(ipNetnsList().includes(a));
  const b = uniqueName('ns');
  track(b);
  await netns.add(b);
  sh('ip', ['netns', 'del', b]);
  untrack(b);
  assert.not.ok((await netns.list()).includes(b));
});

ktest(test, 'errors: EEXIST on add twice, ENOENT on del of a missing one, bad names', async () => {
  const name = uniqueName('ns');
  track(name);
  await netns.add(name);
  try {
    const e = await rejectsA(netns.add(name), NetlinkError);
    assert.equal(e.code, 'EEXIST');
  } finally {
    await netns.del(name);
    untrack(name);
  }
  const e2 = await rejectsA(netns.del(name), NetlinkError);
  assert.equal(e2.code, 'ENOENT');
  for (const bad of ['', '.', '..', 'a/b', 'x'.repeat(256)]) {
    await rejectsA(netns.add(bad), ArgumentError);
  }
});

ktest(test, '200 add/open/close/del cycles leak no fd and keep the thread namespace', async () => {
  const ino = threadNetnsInode();
  const fds = fdCount();
  for (let i = 0; i < 200; i++) {
    const name = uniqueName('cyc');
    track(name);
    await netns.add(name);
    const r = await Rtnl.open({ netns: name });
    await r.links.get('lo');
    await r.close();
    await netns.del(name);
    untrack(name);
  }
  assert.equal(fdCount(), fds, 'no fd leaked');
  assert.equal(threadNetnsInode(), ino, 'thread namespace restored');
});

const MS_BIND = 4096;
const MNT_DETACH = 2;
/** Mounts stacked on a path (propagated copies count once). */
const mountsAt = mountStackAt;

/** Cleanup that also copes with stacked mounts (which a broken add() could leave): unmount all, unlink. */
function forceRemove(name: string): void {
  const p = `/run/netns/${name}`;
  for (let i = 0; i < 8 && mountsAt(p) > 0; i++) native().umount2(p, MNT_DETACH);
  try {
    unlinkSync(p);
  } catch {
    /* not there */
  }
  untrack(name);
}

/** A marker as netns.add writes it, naming a process that is gone (reaped). */
function deadOwnerMarker(): string {
  const pid = spawnSync('true').pid!;
  return `rtnetlink netns.add pid=${pid} start=1 pidns=${statSync('/proc/self/ns/pid').ino}\n`;
}

ktest(test, 'a stale file (no namespace mounted): exists/list say no, open says "stale namespace file", add reclaims it, del removes it', async () => {
  for (const content of ['', deadOwnerMarker()]) {
    const name = uniqueName('stale');
    const p = `/run/netns/${name}`;
    track(name);
    writeFileSync(p, content); // what `ip netns add` or netns.add killed before mounting leaves
    try {
      assert.equal(await netns.exists(name), false, 'exists()');
      assert.not.ok((await netns.list()).includes(name), 'list()');
      assert.ok(ipNetnsList().includes(name), 'ip netns list does show the file (it lists the directory)');
      for (const open of [() => Rtnl.open({ netns: name }), () => Rtnl.open({ netns: { path: p } }), () => Tun.open({ netns: name, name: 'st0' })]) {
        const e = await rejectsA(open, NetlinkError, /stale namespace file/);
        assert.equal(e.code, 'ENOENT');
      }
      await netns.add(name); // reclaimed: the dead owner at once, an empty file once it is STALE_AFTER_MS old
      assert.equal(await netns.exists(name), true);
      assert.equal(mountsAt(p), 1, 'one namespace mounted');
      assert.equal(await linkNames(name), freshNamespaceLinks(), 'a new namespace');
      await netns.del(name);
      writeFileSync(p, content);
      await netns.del(name); // removes a stale file too
      assert.not.ok(existsSync(p));
    } finally {
      forceRemove(name);
    }
  }
  // any other file that is not a namespace: EINVAL, named as such
  const e = await rejectsA(Rtnl.open({ netns: { path: '/proc/self/status' } }), NetlinkError, /not a namespace file/);
  assert.equal(e.code, 'EINVAL');
});

ktest(test, 'a file still being created (empty, young) is not taken over: add waits, and says EEXIST once a namespace is mounted on it', async () => {
  const other = createNs('src');
  const name = uniqueName('young');
  const p = `/run/netns/${name}`;
  track(name);
  try {
    writeFileSync(p, ''); // like ip netns add between creating the file and mounting
    const adding = netns.add(name).then(
      () => 'added',
      (e: NetlinkError) => e.code,
    );
    await new Promise((r) => setTimeout(r, 300));
    sh('mount', ['--bind', `/run/netns/${other}`, p]); // ... which now mounts its namespace
    assert.equal(await adding, 'EEXIST');
    assert.equal(mountsAt(p), 1, 'only the other creator\'s mount');
  } finally {
    forceRemove(name);
    destroyNs(other);
  }
});

/** netns.add in a child process, started on "go"; prints ok or the error code. */
const ADDER = `
import * as netns from ${JSON.stringify(new URL('../../src/rtnl/netns.js', import.meta.url).href)};
process.stdout.write('ready\\n');
process.stdin.once('data', () => netns.add(process.env.NS).then(() => console.log('ok'), (e) => console.log(e.code)).finally(() => process.stdin.destroy()));
`;

ktest(test, 'processes racing to add one name over a stale file: exactly one succeeds, the others get EEXIST, one namespace is mounted', async () => {
  for (let round = 0; round < 4; round++) {
    const name = uniqueName('race');
    const p = `/run/netns/${name}`;
    track(name);
    try {
      if (round > 0) writeFileSync(p, round === 1 ? '' : deadOwnerMarker()); // round 0: no file at all
      const kids = Array.from({ length: 4 }, () => spawn(process.execPath, ['--input-type=module', '-e', ADDER], { env: { ...process.env, NS: name }, stdio: ['pipe', 'pipe', 'inherit'] }));
      const outs = kids.map((k) => {
        let out = '';
        k.stdout.on('data', (d: Buffer) => (out += d.toString()));
        return new Promise<string>((resolve) => k.on('exit', () => resolve(out.replace('ready\n', '').trim())));
      });
      await Promise.all(kids.map((k) => new Promise((r) => k.stdout.once('data', r))));
      for (const k of kids) k.stdin.write('go\n');
      const results = (await Promise.all(outs)).sort();
      assert.equal(results, ['EEXIST', 'EEXIST', 'EEXIST', 'ok'], `round ${round}`);
      assert.equal(mountsAt(p), 1, `round ${round}: one namespace mounted`);
      assert.ok((await linkNames(name)).includes('lo'), `round ${round}: a usable namespace`);
      await netns.del(name);
      assert.not.ok(existsSync(p));
    } finally {
      forceRemove(name);
    }
  }
});

ktest(test, 'a name taken over while add() is between creating its file and mounting: add() does not stack its namespace on the other one', async () => {
  // The other creator (this test) unlinks add()'s file, creates its own and mounts a namespace on it,
  // all within add()'s unshare(). add() mounts through its own fd, so its mount fails on the unlinked
  // file; it starts again, finds a namespace and says EEXIST. Mounting by name would stack a second one.
  const other = createNs('src');
  const otherIno = statSync(`/run/netns/${other}`).ino;
  const n = native();
  let takenOver = 0;
  let rounds = 0;
  try {
    // The window is a few system calls wide: on a loaded machine it can take
    // more than 20 rounds to land once, so go on (up to 300 rounds or 120 s)
    // until it has landed at least once, and stop at three.
    const deadline = Date.now() + 120_000;
    for (let round = 0; takenOver < 3 && (round < 20 || (takenOver === 0 && round < 300 && Date.now() < deadline)); round++) {
      rounds = round + 1;
      const name = uniqueName('take');
      const p = `/run/netns/${name}`;
      track(name);
      try {
        const kid = spawn(process.execPath, ['--input-type=module', '-e', ADDER], { env: { ...process.env, NS: name }, stdio: ['pipe', 'pipe', 'inherit'] });
        let out = '';
        kid.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const done = new Promise<string>((resolve) => kid.on('exit', () => resolve(out.replace('ready\n', '').trim())));
        await new Promise((r) => kid.stdout.once('data', r));
        kid.stdin.write('go\n');
        const until = Date.now() + 5000;
        while (!existsSync(p) && Date.now() < until) {
          /* spin until add() has created its file */
        }
        let took = false;
        try {
          unlinkSync(p); // EBUSY if add() has already mounted: too late this round
          writeFileSync(p, '');
          took = n.mount(`/run/netns/${other}`, p, 'none', MS_BIND) === 0;
        } catch {
          /* too late */
        }
        const result = await done;
        if (took) {
          takenOver++;
          assert.equal(result, 'EEXIST', `round ${round}: add() after the takeover`);
          assert.equal(mountsAt(p), 1, `round ${round}: no namespace stacked on the other creator's`);
          assert.equal(statSync(p).ino, otherIno, `round ${round}: the other creator's namespace is the one mounted`);
        } else {
          assert.equal(result, 'ok', `round ${round}: add() that was not disturbed`);
        }
      } finally {
        forceRemove(name);
      }
    }
  } finally {
    destroyNs(other);
  }
  console.log(`  takeover inside add() in ${takenOver} of ${rounds} rounds`);
  assert.ok(takenOver >= 1, `the takeover landed inside add() in ${takenOver} of ${rounds} rounds`);
});

test.run();
