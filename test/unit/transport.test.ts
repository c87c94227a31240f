// The transport alone (src/netlink/transport.ts), over the scripted fake of
// the native layer, with a recording receiver in place of the engine: what
// open() sets on the socket, the read loop and its gates (the receiver's
// demand, pause, hold, drain), read errors, keeping the process alive, and
// close. No engine, no root, no kernel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants } from 'node:os';
import { FakeKernel, message } from '../fake-transport.js';
import { Transport, type TransportReceiver } from '../../src/netlink/transport.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import {
  NETLINK_ADD_MEMBERSHIP,
  NETLINK_CAP_ACK,
  NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK,
  SOL_NETLINK,
  SOL_SOCKET,
  SO_RCVBUFFORCE,
} from '../../src/netlink/constants.js';

const { ENOBUFS } = constants.errno;
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await tick();
  assert.ok(cond(), `timed out waiting for: ${what}`);
}

/** A receiver that records what it is handed, with a demand the test sets. */
class Recorder implements TransportReceiver {
  got: Array<{ seq: number; pid: number; groups: number; nsid: number }> = [];
  errors: number[] = [];
  want = true;
  alive = true;
  batch = 32;
  onDatagram: (() => void) | undefined;
  datagram(buf: Buffer, pid: number, groups: number, nsid: number): void {
    this.got.push({ seq: buf.readUInt32LE(8), pid, groups, nsid });
    this.onDatagram?.();
  }
  readError(negErrno: number): void {
    this.errors.push(negErrno);
  }
  wantsData(): boolean {
    return this.want;
  }
  keepsAlive(): boolean {
    return this.alive;
  }
  readBatch(): number {
    return this.batch;
  }
}

const dgram = (seq: number): Buffer => message(0x20, 0, seq, 0);

function openT(k: FakeKernel, rx: Recorder, extra: Partial<Parameters<typeof Transport.open>[0]> = {}): Transport {
  const t = Transport.open({ protocol: 20, strictCheck: false, ...extra }, k);
  t.start(rx);
  t.update();
  return t;
}

test('open() sets the buffer and ack options, joins groups, and takes the port id from getsockname', () => {
  const k = new FakeKernel({ portid: 777 });
  const t = Transport.open({ protocol: 20, strictCheck: true, groups: [3, 5], rcvbuf: 1 << 20 }, k);
  assert.is(t.portid, 777);
  assert.is(k.sockopts.get(`${SOL_SOCKET}/${SO_RCVBUFFORCE}`), 1 << 20);
  assert.is(k.sockopts.get(`${SOL_NETLINK}/${NETLINK_EXT_ACK}`), 1);
  assert.is(k.sockopts.get(`${SOL_NETLINK}/${NETLINK_CAP_ACK}`), 1);
  assert.is(k.sockopts.get(`${SOL_NETLINK}/${NETLINK_GET_STRICT_CHK}`), 1);
  assert.is(k.sockopts.get(`${SOL_NETLINK}/${NETLINK_ADD_MEMBERSHIP}`), 5, 'the last group joined');
  const k2 = new FakeKernel();
  Transport.open({ protocol: 20, strictCheck: false, extAck: false, capAck: false }, k2);
  assert.not.ok(k2.sockopts.has(`${SOL_NETLINK}/${NETLINK_EXT_ACK}`));
  assert.not.ok(k2.sockopts.has(`${SOL_NETLINK}/${NETLINK_GET_STRICT_CHK}`));
  t.close();
});

test('a failing bind closes the fd and throws NetlinkError', () => {
  const k = new FakeKernel();
  k.bindNl = (): number => -constants.errno.EPERM;
  assert.throws(() => Transport.open({ protocol: 20, strictCheck: false }, k), (e: unknown) => e instanceof NetlinkError && e.code === 'EPERM');
  assert.ok(k.closed, 'fd closed');
});

test('datagrams go to the receiver with sender, groups and nsid; the read size is the receiver’s', async () => {
  const k = new FakeKernel();
  const rx = new Recorder();
  const t = openT(k, rx);
  assert.ok(k.polling, 'polling while the receiver wants data');
  rx.batch = 1;
  k.deliver(dgram(1));
  k.deliver(dgram(2), { pid: 99, groups: 4, nsid: 7 });
  await until(() => rx.got.length === 2, 'two datagrams');
  assert.equal(rx.got, [
    { seq: 1, pid: 0, groups: 0, nsid: -1 },
    { seq: 2, pid: 99, groups: 4, nsid: 7 },
  ]);
  assert.ok(k.reads.length > 0 && k.reads.every((n) => n === 1), `reads of one datagram each: ${k.reads}`);
  t.close();
});

test('no demand, no polling; keepsAlive drives the poll handle’s ref', () => {
  const k = new FakeKernel();
  const rx = new Recorder();
  rx.want = false;
  rx.alive = false;
  const t = openT(k, rx);
  assert.not.ok(k.polling);
  assert.is(k.refed, false);
  rx.want = true;
  rx.alive = true;
  t.update();
  assert.ok(k.polling);
  assert.is(k.refed, true);
  t.close();
});

test('hold stops reading until release, which reads what came meanwhile; drain reads while held', async () => {
  const k = new FakeKernel();
  const rx = new Recorder();
  const t = openT(k, rx);
  t.hold();
  assert.ok(t.isHeld);
  assert.not.ok(k.polling, 'held: no polling');
  k.deliver(dgram(1));
  for (let i = 0; i < 5; i++) await tick();
  assert.is(rx.got.length, 0, 'nothing read while held');
  t.drain();
  assert.is(rx.got.length, 1, 'drain read it synchronously');
  k.deliver(dgram(2));
  t.release();
  assert.not.ok(t.isHeld);
  await until(() => rx.got.length === 2, 'read after release');
  t.close();
});

test('pause from inside the receiver stops the loop at once; resume reads the rest', async () => {
  const k = new FakeKernel();
  const rx = new Recorder();
  const t = openT(k, rx);
  rx.onDatagram = (): void => {
    if (rx.got.length === 1) t.pause();
  };
  rx.batch = 1;
  k.deliver(dgram(1));
  k.deliver(dgram(2));
  k.deliver(dgram(3));
  await until(() => rx.got.length >= 1, 'first datagram');
  for (let i = 0; i < 5; i++) await tick();
  assert.is(rx.got.length, 1, 'paused after the first');
  assert.ok(t.isPaused);
  t.resume();
  await until(() => rx.got.length === 3, 'the rest after resume');
  t.close();
});

test('read errors go to the receiver, alone or after data', async () => {
  const k = new FakeKernel();
  const rx = new Recorder();
  const t = openT(k, rx);
  k.fail(ENOBUFS);
  await until(() => rx.errors.length === 1, 'an error');
  k.deliver(dgram(1));
  k.fail(ENOBUFS);
  await until(() => rx.errors.length === 2 && rx.got.length === 1, 'data then error');
  assert.equal(rx.errors, [-ENOBUFS, -ENOBUFS]);
  t.close();
});

test('close closes the fd once and stops reading', async () => {
  const k = new FakeKernel();
  const rx = new Recorder();
  const t = openT(k, rx);
  t.close();
  assert.ok(k.closed);
  assert.is(t.fdNumber, -1);
  k.closed = false;
  t.close();
  assert.not.ok(k.closed, 'idempotent');
  k.deliver(dgram(1));
  for (let i = 0; i < 5; i++) await tick();
  assert.is(rx.got.length, 0);
});

test.run();
