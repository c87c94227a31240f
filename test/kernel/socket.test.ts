// The request engine against the live kernel: concurrency, dumps, timeouts, close, foreign senders, hygiene.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, NetlinkSocket, NetlinkError, TimeoutError, SocketClosedError, ArgumentError, DumpInterruptedError } from '../../src/index.js';
import { native } from '../../src/netlink/native.js';
import { AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, NLMSG_ERROR, NLMSG_HDRLEN } from '../../src/netlink/constants.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { writeIfInfoMsg } from '../../src/rtnl/link.js';
import { Writer } from '../../src/netlink/writer.js';
import { ktest, withNetns, ipJson, threadNetnsInode, fdCount, fdList, madeLinks } from '../helpers.js';
import { rejectsA } from '../expect.js';
const { RTM_GETLINK } = UAPI;

ktest(test, '2,000 concurrent gets on one socket are all answered correctly', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      for (let i = 0; i < 20; i++) await r.links.add({ name: `v${i}`, kind: 'veth', peer: `p${i}` });
      const oracle = new Map(ipJson<Array<{ ifname: string; ifindex: number }>>(ns, 'link', 'show').map((l) => [l.ifname, l.ifindex]));
      const names = [...oracle.keys()];
      const reqs = Array.from({ length: 2000 }, (_, i) => names[i % names.length]!);
      const got = await Promise.all(reqs.map((n) => r.links.get(n)));
      got.forEach((l, i) => assert.equal(l.index, oracle.get(reqs[i]!), `answer ${i} matches its request`));
      assert.equal(r.socket.stats.unmatched, 0);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'dumps and requests interleave; a second dump waits for the first', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      for (let i = 0; i < 10; i++) await r.links.add({ name: `v${i}`, kind: 'veth', peer: `p${i}` });
      const [a, b, c] = await Promise.all([r.links.list(), r.links.get('v3'), r.links.list()]);
      assert.equal(madeLinks(a.map((l) => l.name)).length, 21);
      assert.equal(c.map((l) => l.name), a.map((l) => l.name));
      assert.equal(b.name, 'v3');
      let n = 0;
      const dumped: string[] = [];
      for await (const l of r.links.dump()) {
        n++;
        dumped.push(l.name);
        if (n === 3) {
          // a request in the middle of a streamed dump is answered
          assert.equal((await r.links.get('v5')).name, 'v5');
        }
        assert.ok(l.index > 0);
      }
      assert.equal(dumped, a.map((l) => l.name), 'the streamed dump lists what list() did');
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'breaking out of a dump drains it; the socket keeps working', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      for (let i = 0; i < 30; i++) await r.links.add({ name: `v${i}`, kind: 'veth', peer: `p${i}` });
      for await (const l of r.links.dump()) {
        assert.ok(l);
        break;
      }
      assert.equal(madeLinks((await r.links.list()).map((l) => l.name)).length, 61);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'per-request timeout: TimeoutError while reading is paused behind an unconsumed dump', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    for (let i = 0; i < 20; i++) await r.links.add({ name: `v${i}`, kind: 'veth', peer: `p${i}` });
    await r.close();
    const s = NetlinkSocket.open({ netns: ns });
    try {
      const body = (w: Writer): void => writeIfInfoMsg(w, {});
      const it = s.dump(RTM_GETLINK, body, { highWaterMark: 1 });
      await it.next(); // started; nothing more is consumed, so reading pauses
      await new Promise((res) => setTimeout(res, 50));
      const e = await rejectsA(s.request(RTM_GETLINK, (w) => writeIfInfoMsg(w, { index: 1 }), { timeout: 200, what: 'slow get' }), TimeoutError);
      assert.match(e.message, /slow get timed out after 200 ms/);
      await it.return!();
      // after the dump is abandoned and drained, requests work again
      const replies = await s.request(RTM_GETLINK, (w) => writeIfInfoMsg(w, { index: 1 }));
      assert.equal(replies.length, 1);
    } finally {
      s.close();
    }
  });
});

ktest(test, 'a timeout does not beat an answer already queued: the caller blocks the event loop past the timeout, the request still resolves', async () => {
  await withNetns(1, async (ns) => {
    const s = NetlinkSocket.open({ netns: ns, timeout: 100 });
    try {
      const req = s.request(RTM_GETLINK, (w) => writeIfInfoMsg(w, { index: 1 }), { what: 'get lo' });
      // the request is on the wire; block the loop (as encoding thousands of
      // requests under emulation does) well past the 100 ms timeout
      const until = Date.now() + 400;
      while (Date.now() < until) {
        /* busy */
      }
      const replies = await req;
      assert.equal(replies.length, 1, 'the kernel answered long before the timer ran: the answer wins');
      // (a request without an answer still times out: the test before this one)
    } finally {
      s.close();
    }
  });
});

ktest(test, 'NLM_F_DUMP_INTR: a link added in the middle of a streamed dump surfaces DumpInterruptedError at the end', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    const other = await Rtnl.open({ netns: ns });
    try {
      for (let i = 0; i < 40; i++) await r.links.add({ name: `v${i}`, kind: 'veth', peer: `p${i}` });
      const it = r.socket.dump(RTM_GETLINK, (w) => writeIfInfoMsg(w, {}), { highWaterMark: 1 });
      let n = 0;
      const first = await it.next();
      assert.not.ok(first.done);
      n++;
      // the kernel has produced one datagram; change the link set before it produces the next
      await other.links.add({ name: 'late0', kind: 'veth', peer: 'late1' });
      let err: unknown;
      try {
        for (;;) {
          const x = await it.next();
          if (x.done) break;
          n++;
        }
      } catch (e) {
        err = e;
      }
      assert.ok(n > 1, 'the dump went on after the change');
      assert.ok(err instanceof DumpInterruptedError, `expected DumpInterruptedError, got ${String(err)}`);
      // list() retries and returns a consistent result
      const all = await r.links.list();
      assert.equal(all.length, ipJson<unknown[]>(ns, 'link', 'show').length);
    } finally {
      await other.close();
      await r.close();
    }
  });
});

ktest(test, 'close() rejects pending requests; requests after close reject', async () => {
  const r = await Rtnl.open();
  const pending = Array.from({ length: 200 }, () => r.links.get('lo'));
  await r.close();
  const results = await Promise.allSettled(pending);
  for (const x of results) {
    if (x.status === 'rejected') assert.ok(x.reason instanceof SocketClosedError, String(x.reason));
  }
  assert.ok(results.some((x) => x.status === 'rejected'), 'at least the queued ones were rejected');
  await rejectsA(r.links.get('lo'), SocketClosedError);
  await r.close(); // idempotent
});

ktest(test, 'datagrams from a user-space sender are dropped and counted, never taken as answers', async () => {
  const s = NetlinkSocket.open();
  const n = native();
  const fd = n.socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
  assert.ok(fd >= 0);
  try {
    assert.equal(n.bindNl(fd, 0, 0), 0);
    // Forge an "ACK" for the next sequence numbers and fire it at our socket before the real request.
    const forged: Buffer[] = [];
    const p = s.request(RTM_GETLINK, (w) => writeIfInfoMsg(w, { index: 1 }));
    // (the request went out synchronously; its seq is the last one used)
    const seq = (s as unknown as { engine: { seq: number } }).engine.seq;
    const w = new Writer();
    const st = w.msgStart(NLMSG_ERROR, 0, seq, s.portid);
    w.s32(-1); // EPERM, a lie
    w.u32(NLMSG_HDRLEN);
    w.zero(12);
    w.msgEnd(st);
    forged.push(w.toBuffer());
    for (const b of forged) assert.ok(n.sendNl(fd, b, s.portid, 0) > 0);
    const replies = await p;
    assert.equal(replies.length, 1, 'the kernel answer won');
    await new Promise((res) => setTimeout(res, 50));
    // the forged datagram may arrive before or after the answer; either way it is dropped
    await s.request(RTM_GETLINK, (w2) => writeIfInfoMsg(w2, { index: 1 }));
    assert.ok(s.stats.foreignDropped >= 1, `foreignDropped=${s.stats.foreignDropped}`);
  } finally {
    n.close(fd);
    s.close();
  }
});

ktest(test, 'socket() errors are NetlinkError; bad options are ArgumentError', async () => {
  const e = (() => {
    try {
      NetlinkSocket.open({ protocol: 31 });
    } catch (x) {
      return x as Error;
    }
    return undefined;
  })();
  assert.ok(e instanceof NetlinkError, String(e));
  assert.equal((e as NetlinkError).code, 'EPROTONOSUPPORT');
  assert.throws(() => NetlinkSocket.open({ protocol: 99 }), (x: unknown) => x instanceof ArgumentError);
  assert.throws(() => NetlinkSocket.open({ maxInFlight: 0 }), (x: unknown) => x instanceof ArgumentError);
});

ktest(test, '2,000 open/close cycles, in and out of namespaces and with errors, leak nothing', async () => {
  await withNetns(1, async (ns) => {
    const ino = threadNetnsInode();
    const before = fdCount();
    for (let i = 0; i < 2000; i++) {
      const r = await Rtnl.open(i % 2 ? { netns: ns } : {});
      if (i % 3 === 0) await rejectsA(r.links.get('nope0'), NetlinkError);
      else if (i % 3 === 1) await r.links.get('lo');
      await r.close();
      if (i % 100 === 0) await rejectsA(Rtnl.open({ netns: `${ns}-missing` }), NetlinkError);
    }
    await new Promise((res) => setImmediate(res));
    const after = fdCount();
    assert.equal(after, before, `fds: ${fdList().join(', ')}`);
    assert.equal(threadNetnsInode(), ino);
  });
});

test.run();
