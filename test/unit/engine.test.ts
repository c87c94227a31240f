// The request engine against a scripted fake of the native layer
// (test/fake-transport.ts): sequence matching, the window, overruns,
// NLM_F_DUMP_INTR, backpressure, timeouts, close, batches. No root, no kernel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants } from 'node:os';
import { FakeKernel } from '../fake-transport.js';
import { NetlinkSocket, type BatchOutcome } from '../../src/netlink/socket.js';
import { NetlinkError, TimeoutError, SocketClosedError, DumpInterruptedError, ArgumentError } from '../../src/netlink/errors.js';
import { NLM_F_ACK, NLM_F_ECHO, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST, NLMSG_ERROR, SOL_NETLINK, NETLINK_GET_STRICT_CHK } from '../../src/netlink/constants.js';
import type { RawMessage } from '../../src/netlink/message.js';
import { rawProtocol } from '../../src/netlink/protocol.js';
import { routeProtocol } from '../../src/rtnl/schema.js';
import { writeIfInfoMsg } from '../../src/rtnl/link.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { rejectsA } from '../expect.js';
const { IFLA_MTU, RTM_GETLINK, RTM_NEWLINK } = UAPI;

const { ENOBUFS, EINVAL, ENOENT, EPERM } = constants.errno;
const T = 0x20; // a message type of the raw protocol
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await tick();
  assert.ok(cond(), `timed out waiting for: ${what}`);
}
function open(k: FakeKernel, opts: Parameters<typeof NetlinkSocket.open>[0] = {}): NetlinkSocket {
  return NetlinkSocket.open({ protocol: rawProtocol(20), transport: k, ...opts });
}
/** The request messages the fake received, in order. */
const requests = (k: FakeKernel): RawMessage[] => k.messages;

test('answers are matched by sequence number, in any order, several in one datagram', async () => {
  const k = new FakeKernel();
  const s = open(k);
  const a = s.request(T, Buffer.from([1, 0, 0, 0]));
  const b = s.request(T, Buffer.from([2, 0, 0, 0]));
  const c = s.request(T, Buffer.from([3, 0, 0, 0]));
  const [ma, mb, mc] = requests(k);
  assert.equal([ma!.seq + 1, ma!.seq + 2], [mb!.seq, mc!.seq], 'consecutive sequence numbers');
  assert.ok((ma!.flags & (NLM_F_REQUEST | NLM_F_ACK)) === (NLM_F_REQUEST | NLM_F_ACK));
  // c's reply and ACK first, then a's ACK, then b's error: one datagram
  k.deliver([k.reply(mc!, T + 1, Buffer.from('cc')), k.ack(mc!), k.ack(ma!), k.ack(mb!, -EINVAL, { message: 'bad b' })]);
  const rc = await c;
  assert.is(rc.length, 1);
  assert.is(rc[0]!.type, T + 1);
  assert.equal(await a, []);
  const e = await rejectsA(b, NetlinkError);
  assert.is(e.code, 'EINVAL');
  assert.is(e.extack?.message, 'bad b');
  assert.is(e.request?.seq, mb!.seq);
  assert.is(s.stats.unmatched, 0);
  s.close();
});

test('only the kernel answers: other senders are dropped, wrong port ids unmatched, multicast never answers a request', async () => {
  const k = new FakeKernel();
  const s = open(k, { timeout: 200 });
  const mc: Array<[number, number]> = [];
  s.onMulticast((m, groups) => mc.push([m.seq, groups]));
  const p = s.request(T, undefined);
  const [m] = requests(k);
  k.deliver(k.ack(m!, -EPERM), { pid: 777 }); // forged by another process
  k.deliver(k.ack(m!, -EPERM), { groups: 1 }); // a notification carrying our seq
  const wrongPort = k.ack(m!, -EPERM);
  wrongPort.writeUInt32LE(k.portid + 1, 12);
  k.deliver(wrongPort);
  k.deliver(k.ack(m!)); // the real answer
  assert.equal(await p, []);
  assert.is(s.stats.foreignDropped, 1);
  assert.is(s.stats.unmatched, 1);
  assert.equal(mc, [[m!.seq, 1]]);
  s.close();
});

test('the window: at most maxInFlight requests on the wire, the rest sent as answers come', async () => {
  const k = new FakeKernel();
  const s = open(k, { maxInFlight: 3 });
  const ps = Array.from({ length: 7 }, (_, i) => s.request(T, Buffer.from([i, 0, 0, 0])));
  assert.is(k.sent.length, 3);
  assert.is(s.pendingCount, 7);
  k.deliver(k.ack(requests(k)[1]!));
  await until(() => k.sent.length === 4, 'one more request after one answer');
  assert.is(requests(k)[3]!.buf[requests(k)[3]!.offset + 16], 3, 'first in, first out');
  k.script = (m, kk) => kk.deliver(kk.ack(m));
  for (const m of requests(k)) if (m.seq !== requests(k)[1]!.seq) k.deliver(k.ack(m));
  await Promise.all(ps);
  assert.is(k.sent.length, 7);
  assert.is(s.pendingCount, 0);
  s.close();
});

test('the window keeps the answers within the receive buffer; past it, ENOBUFS fails every request in flight and nothing hangs', async () => {
  // each answer is ~100 bytes; the buffer holds 10 of them
  const answer = (m: RawMessage, kk: FakeKernel): void => kk.deliver([kk.reply(m, T + 1, Buffer.alloc(44)), kk.ack(m)]);
  {
    const k = new FakeKernel({ rcvbuf: 1000 });
    k.script = answer;
    const s = open(k, { maxInFlight: 8 });
    const rs = await Promise.all(Array.from({ length: 50 }, () => s.request(T, undefined)));
    assert.is(rs.length, 50);
    assert.is(s.stats.overruns, 0, 'a window of 8 never overflows a buffer of 10 answers');
    s.close();
  }
  {
    const k = new FakeKernel({ rcvbuf: 1000 });
    k.script = answer;
    const s = open(k, { maxInFlight: 64 });
    const errors: Error[] = [];
    s.onError((e) => errors.push(e));
    const rs = await Promise.allSettled(Array.from({ length: 50 }, () => s.request(T, undefined)));
    const failed = rs.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as NetlinkError);
    assert.ok(failed.length > 0, 'some answers were lost');
    for (const e of failed) {
      assert.instance(e, NetlinkError);
      assert.is(e.code, 'ENOBUFS');
    }
    assert.is(s.stats.overruns, 1);
    assert.is(errors.length, 1);
    assert.is(s.pendingCount, 0, 'nothing left hanging');
    // the socket goes on working
    assert.equal((await s.request(T, undefined)).length, 1);
    s.close();
  }
});

test('ENOBUFS fails the requests in flight and reaches onError; the socket keeps working', async () => {
  const k = new FakeKernel();
  const s = open(k);
  const errs: Error[] = [];
  s.onError((e) => errs.push(e));
  const a = s.request(T, undefined);
  const b = s.request(T, undefined);
  k.fail(ENOBUFS);
  const ea = await rejectsA(a, NetlinkError);
  const eb = await rejectsA(b, NetlinkError);
  assert.is(ea.code, 'ENOBUFS');
  assert.is(eb.code, 'ENOBUFS');
  assert.match(ea.message, /answer may be lost/);
  assert.is(errs.length, 1);
  assert.is(s.stats.overruns, 1);
  k.script = (m, kk) => kk.deliver(kk.ack(m));
  assert.equal(await s.request(T, undefined), []);
  s.close();
});

test('NLM_F_DUMP_INTR: collect() retries and returns the clean run; after 3 retries DumpInterruptedError; dump() delivers everything, then throws', async () => {
  const k = new FakeKernel();
  let run = 0;
  let intrRuns = 2;
  k.script = (m, kk) => {
    if (!(m.flags & NLM_F_DUMP)) return;
    run++;
    const intr = run <= intrRuns ? NLM_F_DUMP_INTR : 0;
    kk.deliver([kk.multi(m, T + 1, Buffer.from([run, 0, 0, 0]), intr), kk.multi(m, T + 1, Buffer.from([run, 1, 0, 0]))]);
    kk.deliver(kk.done(m, intr));
  };
  const s = open(k);
  const got = await s.collect(T, undefined, (m) => `${m.buf[m.offset + 16]}.${m.buf[m.offset + 17]}`);
  assert.equal(got, ['3.0', '3.1'], 'the third run, the first clean one');
  assert.is(run, 3);
  run = 0;
  intrRuns = 99;
  await rejectsA(s.dumpAll(T, undefined), DumpInterruptedError);
  assert.is(run, 4, 'one run and 3 retries');
  run = 0;
  const seen: number[] = [];
  const it = s.dump(T, undefined);
  const e = await rejectsA(
    (async () => {
      for await (const m of it) seen.push(m.buf[m.offset + 17]!);
    })(),
    DumpInterruptedError,
  );
  assert.ok(e);
  assert.equal(seen, [0, 1], 'every message was delivered before the error');
  s.close();
});

test('backpressure: a streamed dump stops reading at highWaterMark unconsumed messages and resumes as they are consumed', async () => {
  const k = new FakeKernel();
  k.script = (m, kk) => {
    for (let i = 0; i < 10; i++) kk.deliver(kk.multi(m, T + 1, Buffer.from([i, 0, 0, 0])));
    kk.deliver(kk.done(m));
  };
  const s = open(k);
  const it = s.dump(T, undefined, { highWaterMark: 2 });
  const first = await it.next();
  assert.is(first.value!.buf[first.value!.offset + 16], 0);
  await until(() => !k.polling, 'reading paused');
  for (let i = 0; i < 5; i++) await tick();
  assert.ok(k.queued >= 7, `the kernel side keeps the rest (${k.queued} datagrams queued)`);
  assert.ok(k.reads.every((n) => n === 1), 'one datagram per read while a dump runs');
  const rest: number[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value.buf[r.value.offset + 16]!);
  assert.equal(rest, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.is(k.queued, 0);
  s.close();
});

test('timeouts: TimeoutError, and the late answer is counted as unmatched', async () => {
  const k = new FakeKernel();
  const s = open(k);
  const p = s.request(T, undefined, { timeout: 20, what: 'slow thing' });
  const e = await rejectsA(p, TimeoutError);
  assert.match(e.message, /slow thing timed out after 20 ms/);
  k.deliver(k.ack(requests(k)[0]!));
  // nothing is pending, so nothing reads: the late answer is taken in with the next request's
  const next = s.request(T, undefined);
  k.deliver(k.ack(requests(k)[1]!));
  assert.equal(await next, []);
  assert.is(s.stats.unmatched, 1);
  assert.is(s.pendingCount, 0);
  s.close();
});

test('a dump times out only without progress', async () => {
  const k = new FakeKernel();
  // generous margins (a loaded machine fires timers late): 6 parts 120 ms apart, a 400 ms timeout
  const s = open(k, { timeout: 400 });
  const p = s.dumpAll(T, undefined);
  const settled = p.then((v) => v, (e: unknown) => e); // a timeout is a failed assertion below, not an unhandled rejection
  const [m] = requests(k);
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 120));
    k.deliver(k.multi(m!, T + 1));
  }
  k.deliver(k.done(m!));
  const r = await settled;
  assert.ok(Array.isArray(r), `dump failed: ${String(r)}`);
  assert.is((r as unknown[]).length, 6, 'alive for ~720 ms with a 400 ms timeout, since each part came in time');
  s.close();
});

test('a dump restarts its timeout once per datagram, not once per message (the same deadline: the loop time does not move within one)', async () => {
  // count Timeout#refresh calls: Node's Timeout class is not exported, take it from a timer
  const probe = setTimeout(() => {}, 1);
  const proto = Object.getPrototypeOf(probe) as { refresh: (this: NodeJS.Timeout) => NodeJS.Timeout };
  clearTimeout(probe);
  const original = proto.refresh;
  let refreshes = 0;
  proto.refresh = function (this: NodeJS.Timeout) {
    refreshes++;
    return original.call(this);
  };
  try {
    const k = new FakeKernel();
    const s = open(k, { timeout: 5000 });
    const p = s.dumpAll(T, undefined);
    const [m] = requests(k);
    k.deliver(Array.from({ length: 20 }, () => k.multi(m!, T + 1)));
    await tick();
    assert.is(refreshes, 1, 'one restart for a datagram of 20 messages');
    k.deliver([...Array.from({ length: 20 }, () => k.multi(m!, T + 1)), k.done(m!)]);
    const r = await p;
    assert.is(r.length, 40);
    assert.is(refreshes, 2, 'one more for the second datagram');
    s.close();
  } finally {
    proto.refresh = original;
  }
});

test('close(): requests sent and queued reject with SocketClosedError; the fd and the poll handle are released; idle sockets do not hold the process', async () => {
  const k = new FakeKernel();
  const s = open(k, { maxInFlight: 1 });
  k.script = (m, kk) => kk.deliver(kk.ack(m));
  await s.request(T, undefined);
  assert.is(k.refed, false, 'idle after an answer: unref');
  assert.not.ok(k.polling, 'and not polling');
  k.script = undefined;
  const a = s.request(T, undefined);
  const b = s.request(T, undefined);
  const d = s.dumpAll(T, undefined);
  assert.is(k.refed, true, 'pending: ref');
  s.close();
  await rejectsA(a, SocketClosedError);
  await rejectsA(b, SocketClosedError);
  await rejectsA(d, SocketClosedError);
  assert.ok(k.closed);
  assert.not.ok(k.polling);
  await rejectsA(s.request(T, undefined), SocketClosedError);
});

test('a failed sendto fails the request (NetlinkError naming the syscall)', async () => {
  const k = new FakeKernel();
  k.sendErrors.push(-EPERM);
  const s = open(k);
  const e = await rejectsA(s.request(T, undefined), NetlinkError);
  assert.is(e.code, 'EPERM');
  assert.is(e.syscall, 'sendto');
  s.close();
});

test('the protocol names requests and maps extended-ACK offsets onto them (NETLINK_ROUTE: IFLA path); strict checking is its default', async () => {
  const k = new FakeKernel();
  const s = NetlinkSocket.open({ protocol: routeProtocol, transport: k });
  assert.is(k.sockopts.get(`${SOL_NETLINK}/${NETLINK_GET_STRICT_CHK}`), 1);
  const p = s.request(RTM_NEWLINK, (w) => {
    writeIfInfoMsg(w, {});
    w.attrU32(IFLA_MTU, 70000);
  });
  const [m] = requests(k);
  k.deliver(k.ack(m!, -EINVAL, { message: 'MTU too big', offset: 16 + 16 }));
  const e = await rejectsA(p, NetlinkError);
  assert.is(e.request?.typeName, 'RTM_NEWLINK');
  assert.is(e.extack?.attributePath, 'IFLA_MTU');
  assert.match(e.message, /MTU too big/);
  s.close();
  const k2 = new FakeKernel();
  NetlinkSocket.open({ protocol: rawProtocol(20), transport: k2 }).close();
  assert.is(k2.sockopts.get(`${SOL_NETLINK}/${NETLINK_GET_STRICT_CHK}`), undefined, 'not for protocols that do not ask for it');
});

// ------------------------------------------------------------------ batches

const BEGIN = 0x10;
const END = 0x11;
const batchParts = (n: number) => [
  { type: BEGIN, body: Buffer.from([0, 0, 0, 10]), ack: false },
  ...Array.from({ length: n }, (_, i) => ({ type: 0x0a00 + i, body: Buffer.from([2, 0, 0, 0, 8, 0, 1, 0, i, 0, 0, 0]) })),
  { type: END, body: Buffer.from([0, 0, 0, 10]), ack: false },
];

test('batch: one datagram, consecutive seqs, NLM_F_ACK only on the messages waited for; one outcome per message, errors matched to their message', async () => {
  const k = new FakeKernel();
  k.script = (m, kk) => {
    if (m.type === 0x0a01) kk.deliver(kk.ack(m, -ENOENT, { message: 'no such chain', offset: 20 }));
    else if (m.flags & NLM_F_ACK) kk.deliver(kk.ack(m));
  };
  const s = open(k);
  const out = await s.batch(batchParts(3), { what: 'tx' });
  assert.is(k.sent.length, 1, 'one datagram');
  const ms = requests(k);
  assert.equal(ms.map((m) => m.type), [BEGIN, 0x0a00, 0x0a01, 0x0a02, END]);
  assert.equal(ms.map((m) => m.seq - ms[0]!.seq), [0, 1, 2, 3, 4]);
  assert.equal(ms.map((m) => (m.flags & NLM_F_ACK) !== 0), [false, true, true, true, false]);
  assert.equal(out.map((o) => o.ok), [true, true, false, true, true]);
  const err = (out[2] as Extract<BatchOutcome, { ok: false }>).error as NetlinkError;
  assert.instance(err, NetlinkError);
  assert.is(err.code, 'ENOENT');
  assert.is(err.request?.seq, ms[2]!.seq);
  assert.is(err.request?.bytes?.length, ms[2]!.len, "the error carries its own message's bytes");
  assert.is(err.extack?.message, 'no such chain');
  assert.is(s.pendingCount, 0, 'silent messages forgotten once the batch is answered');
  s.close();
});

test('batch: an error answering an unacked message (the kernel refusing the batch) fails every message still waiting', async () => {
  const k = new FakeKernel();
  k.script = (m, kk) => {
    if (m.type === BEGIN) kk.deliver(kk.ack(m, -EPERM));
  };
  const s = open(k);
  const out = await s.batch(batchParts(2));
  // the refused BEGIN is an outcome too (how a caller tells "the batch as a whole", e.g. nf_tables' ERESTART for a stale genId)
  assert.equal(out.map((o) => o.ok), [false, false, false, true]);
  for (const o of out.slice(0, 3)) assert.is(((o as { error: Error }).error as NetlinkError).code, 'EPERM');
  assert.is(s.pendingCount, 0);
  s.close();
});

test('NLM_F_ECHO: the kernel unicasts the echo with the group set in the source address; it answers its request (before the ACK), others stay multicast', async () => {
  const k = new FakeKernel();
  k.script = (m, kk) => {
    if (!(m.flags & NLM_F_ACK)) return;
    // nlmsg_notify: the echo goes to the requester with NETLINK_CB(skb).dst_group = the group
    if (m.flags & NLM_F_ECHO) kk.deliver(kk.reply(m, 0x0a06, Buffer.from([2, 0, 0, 1])), { groups: 7 });
    kk.deliver(kk.ack(m));
  };
  const s = open(k);
  const seen: number[] = [];
  s.onMulticast((m) => seen.push(m.type));
  const out = await s.batch([
    { type: BEGIN, body: Buffer.from([0, 0, 0, 10]), ack: false },
    { type: 0x0a06, body: Buffer.from([2, 0, 0, 0]), flags: NLM_F_ECHO },
    { type: 0x0a06, body: Buffer.from([2, 0, 0, 0]) },
    { type: END, body: Buffer.from([0, 0, 0, 10]), ack: false },
  ]);
  assert.equal(out.map((o) => (o.ok ? o.replies.map((r) => r.type) : 'error')), [[], [0x0a06], [], []]);
  // a group message with our port id but answering a request sent without NLM_F_ECHO is a notification
  const r = s.request(T, undefined);
  const [req] = requests(k).slice(-1);
  k.deliver(k.reply(req!, 0x0a00), { groups: 7 });
  assert.equal(await r, []);
  assert.equal(seen, [0x0a00]);
  s.close();
});

test('batch: waits for the window, then goes out whole; later requests queue behind it', async () => {
  const k = new FakeKernel();
  const s = open(k, { maxInFlight: 2 });
  const r1 = s.request(T, undefined);
  const r2 = s.request(T, undefined);
  const b = s.batch(batchParts(4));
  const r3 = s.request(T, undefined);
  assert.is(k.sent.length, 2, 'window full');
  k.script = (m, kk) => {
    if (m.flags & NLM_F_ACK) kk.deliver(kk.ack(m));
  };
  for (const m of requests(k)) k.deliver(k.ack(m));
  const out = await b;
  assert.is(out.length, 6);
  assert.ok(out.every((o) => o.ok));
  await Promise.all([r1, r2, r3]);
  assert.equal(k.sent.map((d) => d.length > 16 + 4 * 16 ? 'batch' : 'req'), ['req', 'req', 'batch', 'req']);
  s.close();
});

test('batch: timeouts and close settle every message; bad parts are ArgumentErrors before anything is sent', async () => {
  const k = new FakeKernel();
  const s = open(k);
  const t = await s.batch(batchParts(2), { timeout: 20 });
  assert.ok(t.slice(1, 3).every((o) => !o.ok && o.error instanceof TimeoutError));
  const c = s.batch(batchParts(2));
  s.close();
  const closed = await c;
  assert.ok(closed.slice(1, 3).every((x) => !x.ok && x.error instanceof SocketClosedError), 'the waiting messages end with SocketClosedError');
  const s2 = open(new FakeKernel());
  await rejectsA(s2.batch([]), ArgumentError);
  await rejectsA(s2.batch([{ type: 70000 }]), ArgumentError, /parts\[0\]\.type/);
  await rejectsA(s2.batch([{ type: BEGIN, ack: false }]), ArgumentError, /no message waits/);
  await rejectsA(s2.batch([{ type: T, body: 5 as unknown as Buffer }]), ArgumentError, /parts\[0\]\.body/);
  s2.close();
});

test('batch: sequence numbers never wrap through 0 inside a batch', async () => {
  const k = new FakeKernel();
  k.script = (m, kk) => {
    if (m.flags & NLM_F_ACK) kk.deliver(kk.ack(m));
  };
  const s = open(k);
  (s as unknown as { engine: { seq: number } }).engine.seq = 0xfffffffd;
  await s.batch(batchParts(3));
  const seqs = requests(k).map((m) => m.seq);
  assert.equal(seqs, [1, 2, 3, 4, 5]);
  s.close();
});

test('requests answered before anything else pending: NLMSG_ERROR is what ends a request', async () => {
  const k = new FakeKernel();
  k.script = (m, kk) => kk.deliver([kk.reply(m, RTM_NEWLINK), kk.reply(m, RTM_NEWLINK), kk.ack(m)]);
  const s = NetlinkSocket.open({ protocol: routeProtocol, transport: k });
  const r = await s.request(RTM_GETLINK, (w) => writeIfInfoMsg(w, {}));
  assert.equal(r.map((m) => m.type), [RTM_NEWLINK, RTM_NEWLINK]);
  assert.not.ok(r.some((m) => m.type === NLMSG_ERROR));
  s.close();
});

test.run();
