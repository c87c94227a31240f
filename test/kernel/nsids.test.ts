// Namespace ids against the live kernel, with `ip -j netns list-id` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { Rtnl, NetlinkError, ArgumentError } from '../../src/index.js';
import { ktest, withNetns, ipJson, createNs, destroyNs } from '../helpers.js';
import { rejectsA } from '../expect.js';

ktest(test, 'set / get / list namespace ids compare with ip netns list-id; veth peers report the same id', async () => {
  await withNetns(3, async (a, b, c) => {
    const r = await Rtnl.open({ netns: a });
    const d = createNs('nsid');
    try {
      assert.equal(await r.nsids.get(b), undefined, 'no id assigned yet');
      assert.equal(ipJson(a, 'netns', 'list-id'), []);
      assert.equal(await r.nsids.set(b, 5), 5);
      assert.equal(await r.nsids.get(b), 5);
      assert.equal(await r.nsids.get({ path: `/run/netns/${b}` }), 5);
      const auto = await r.nsids.set(c, 'auto');
      const oracle = ipJson<Array<{ nsid: number; name?: string }>>(a, 'netns', 'list-id');
      assert.equal(oracle.find((o) => o.name === b)?.nsid, 5);
      assert.equal(oracle.find((o) => o.name === c)?.nsid, auto);
      const mine = await r.nsids.list();
      assert.equal(mine.map((x) => x.nsid).sort(), oracle.map((o) => o.nsid).sort());
      // the kernel refuses a second id for b, and id 5 for another namespace
      const e1 = await rejectsA(r.nsids.set(b, 6), NetlinkError);
      assert.equal(e1.code, 'EEXIST');
      const e2 = await rejectsA(r.nsids.set(d, 5), NetlinkError);
      assert.equal(e2.code, 'EEXIST');
      assert.ok(e2.extack.message, 'with the kernel explanation');
      // NETNSA_PID: a process living in b
      const child = spawn('ip', ['netns', 'exec', b, 'sleep', '10'], { stdio: 'ignore' });
      try {
        // wait until the child has entered b (under emulation this takes a while):
        // `ip netns exec` execs sleep in place, so then the pid is the process in b
        const { statSync } = await import('node:fs');
        const want = statSync(`/run/netns/${b}`).ino;
        for (let i = 0; i < 500; i++) {
          try {
            if (statSync(`/proc/${child.pid}/ns/net`).ino === want) break;
          } catch {
            /* not started yet */
          }
          await new Promise((res) => setTimeout(res, 20));
        }
        assert.equal(await r.nsids.get({ pid: child.pid! }), 5);
      } finally {
        child.kill();
      }
      // a veth whose peer lives in b reports b's id as IFLA_LINK_NETNSID
      await r.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1', netns: b } });
      assert.equal((await r.links.get('v0')).linkNetnsId, 5);
      // and creating one towards d assigns d an id, which list() then shows
      await r.links.add({ name: 'v2', kind: 'veth', peer: { name: 'v3', netns: d } });
      const dId = await r.nsids.get(d);
      assert.ok(dId !== undefined && dId >= 0);
      assert.equal((await r.links.get('v2')).linkNetnsId, dId);
      assert.ok((await r.nsids.list()).some((x) => x.nsid === dId));
      assert.equal(ipJson<Array<{ nsid: number; name?: string }>>(a, 'netns', 'list-id').find((o) => o.name === d)?.nsid, dId);
    } finally {
      await r.close();
      destroyNs(d);
    }
  }, 'nsid');
});

ktest(test, 'bad input is ArgumentError; a missing namespace is NetlinkError ENOENT', async () => {
  await withNetns(2, async (a, b) => {
    const r = await Rtnl.open({ netns: a });
    try {
      const before = r.socket.stats.datagramsOut;
      assert.equal((await rejectsA(r.nsids.set(b, -3), ArgumentError)).field, 'nsid');
      assert.equal((await rejectsA(r.nsids.set(b, 'x' as 'auto'), ArgumentError)).field, 'nsid');
      assert.equal((await rejectsA(r.nsids.get(42 as never), ArgumentError)).field, 'netns');
      assert.equal((await rejectsA(r.nsids.get({ pid: -1 }), ArgumentError)).field, 'netns.pid');
      assert.equal((await rejectsA(r.nsids.list({ target: 1 } as never), ArgumentError)).field, 'options.target');
      assert.equal(r.socket.stats.datagramsOut, before);
      const e = await rejectsA(r.nsids.get('rtnl-no-such-namespace'), NetlinkError);
      assert.equal(e.code, 'ENOENT');
    } finally {
      await r.close();
    }
  }, 'nsid');
});

test.run();
