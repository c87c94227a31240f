// Persistent namespaces without child processes, checked with `ip netns`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, netns, NetlinkError, ArgumentError } from '../../src/index.js';
import { ktest, uniqueName, track, untrack, sh, ipJson, threadNetnsInode, fdCount } from '../helpers.js';
import { rejectsA } from '../expect.js';

const ipNetnsList = (): string[] =>
  sh('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);

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
    const links = ipJson<Array<{ ifname: string }>>(name, 'link', 'show');
    assert.equal(links.map((l) => l.ifname), ['lo'], 'a new namespace has only lo');
    // and it is not ours: our namespace has more than lo or a different inode
    const { statSync } = await import('node:fs');
    assert.not.equal(statSync(`/run/netns/${name}`).ino, ino);
    const r = await Rtnl.open({ netns: name });
    assert.equal((await r.links.list()).map((l) => l.name), ['lo']);
    await r.close();
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

test.run();
