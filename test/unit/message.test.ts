import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { splitMessages, splitMessagesPartial, parseError, parseDone } from '../../src/netlink/message.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { Writer } from '../../src/netlink/writer.js';
import { NLMSG_ERROR, NLMSG_DONE, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS } from '../../src/netlink/constants.js';
import { throwsA } from '../expect.js';

function msg(type: number, flags: number, seq: number, body: (w: Writer) => void): Buffer {
  const w = new Writer();
  const s = w.msgStart(type, flags, seq, 0);
  body(w);
  w.msgEnd(s);
  return w.toBuffer();
}

test('splits several messages of one datagram', () => {
  const d = Buffer.concat([msg(16, 2, 1, (w) => w.u32(1)), msg(16, 2, 1, (w) => w.u32(2)), msg(NLMSG_DONE, 2, 1, (w) => w.s32(0))]);
  const m = splitMessages(d);
  assert.equal(m.map((x) => [x.type, x.len, x.offset]), [[16, 20, 0], [16, 20, 20], [3, 20, 40]]);
  assert.equal(parseDone(m[2]!).error, 0);
});

test('truncated header, short nlmsg_len, length past the end: DecodeError', () => {
  throwsA(() => splitMessages(Buffer.alloc(10)), DecodeError, /truncated nlmsghdr/);
  const short = msg(16, 0, 1, () => undefined);
  short.writeUInt32LE(8, 0);
  throwsA(() => splitMessages(short), DecodeError, /below the 16-byte header/);
  const long = msg(16, 0, 1, (w) => w.u32(0));
  long.writeUInt32LE(4096, 0);
  throwsA(() => splitMessages(long), DecodeError, /runs past the end/);
});

test('NLMSG_ERROR with capped request and extended ACK TLVs', () => {
  const d = msg(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 7, (w) => {
    w.s32(-22);
    // original header: len 40 type 16 flags 5 seq 7 pid 0
    w.u32(40);
    w.u16(16);
    w.u16(5);
    w.u32(7);
    w.u32(0);
    w.attrString(NLMSGERR_ATTR_MSG, 'bad thing');
    w.attrU32(NLMSGERR_ATTR_OFFS, 32);
  });
  const e = parseError(splitMessages(d)[0]!);
  assert.equal(e.error, -22);
  assert.equal(e.request.type, 16);
  assert.equal(e.request.seq, 7);
  assert.equal(e.extack.message, 'bad thing');
  assert.equal(e.extack.offset, 32);
  assert.equal(e.requestPayload, undefined);
});

test('NLMSG_ERROR too short: DecodeError', () => {
  const d = msg(NLMSG_ERROR, 0, 1, (w) => w.s32(-1));
  throwsA(() => parseError(splitMessages(d)[0]!), DecodeError);
});

test('random bytes never hang the splitter', () => {
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 2000; i++) {
    const b = Buffer.alloc(Math.floor(rnd() * 200));
    for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
    if (rnd() < 0.5 && b.length >= 4) b.writeUInt32LE(Math.min(b.length, 16 + Math.floor(rnd() * 64)), 0);
    try {
      splitMessages(b);
    } catch (e) {
      assert.ok(e instanceof DecodeError);
    }
  }
});

test('splitMessagesPartial: the messages before a framing error come back with the error; splitMessages throws the same error', () => {
  const good = Buffer.concat([msg(16, 2, 1, (w) => w.u32(1)), msg(17, 2, 2, (w) => w.u32(2))]);
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.concat([good, Buffer.from([0x40, 0, 0, 0, 3, 0])]), /truncated nlmsghdr \(6 bytes, need 16\)/],
    [Buffer.concat([good, Buffer.from([8, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])]), /nlmsg_len 8 is below the 16-byte header/],
    [Buffer.concat([good, Buffer.from([99, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])]), /nlmsg_len 99 runs past the end of the datagram \(16 bytes left\)/],
  ];
  for (const [b, re] of cases) {
    const r = splitMessagesPartial(b);
    assert.equal(r.messages.map((m) => [m.type, m.seq, m.offset]), [[16, 1, 0], [17, 2, 20]]);
    assert.ok(r.error instanceof DecodeError);
    assert.match(r.error!.message, re);
    assert.is(r.error!.offset, 40, 'offset of the bad header');
    throwsA(() => splitMessages(b), DecodeError, re);
  }
  assert.equal(splitMessagesPartial(good), { messages: splitMessages(good) });
  // a range inside a bigger buffer (a pcap frame after its 16-byte cooked header)
  const framed = Buffer.concat([Buffer.alloc(16, 0xee), good]);
  assert.equal(splitMessagesPartial(framed, 16).messages.map((m) => m.offset), [16, 36]);
});

test('splitMessagesPartial zeroPadding: trailing zero bytes are padding only when asked; nonzero bytes stay an error', () => {
  const good = msg(16, 2, 1, (w) => w.u32(1));
  const padded = Buffer.concat([good, Buffer.alloc(12)]);
  assert.match(splitMessagesPartial(padded).error!.message, /truncated nlmsghdr \(12 bytes/);
  throwsA(() => splitMessages(padded), DecodeError, /truncated nlmsghdr/);
  const r = splitMessagesPartial(padded, 0, padded.length, { zeroPadding: true });
  assert.is(r.error, undefined);
  assert.is(r.messages.length, 1);
  assert.is(r.padding, 12);
  const junk = Buffer.concat([good, Buffer.from([0, 0, 1, 0])]);
  assert.match(splitMessagesPartial(junk, 0, junk.length, { zeroPadding: true }).error!.message, /truncated nlmsghdr \(4 bytes/);
  // 16 zero bytes or more: a header with nlmsg_len 0, where the kernel's netlink_rcv_skb stops, so padding too
  // (unit/capture-iproute2 has iproute2's dump requests, which end in 120-256 of them)
  const zeros16 = Buffer.concat([good, Buffer.alloc(16)]);
  assert.is(splitMessagesPartial(zeros16, 0, zeros16.length, { zeroPadding: true }).padding, 16);
  assert.match(splitMessagesPartial(zeros16).error!.message, /nlmsg_len 0 is below/);
  throwsA(() => splitMessages(zeros16), DecodeError, /nlmsg_len 0 is below/);
});

test.run();
