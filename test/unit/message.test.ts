import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { splitMessages, parseError, parseDone } from '../../src/netlink/message.js';
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

test.run();
