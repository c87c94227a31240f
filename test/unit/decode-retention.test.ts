// Decoded objects do not keep the receive datagram alive: short binary
// payloads, unknown attributes and the extra bytes of a longer-than-known
// struct are copies (a link dump used to keep every ~32 KiB datagram through
// the empty IFLA_DEVLINK_PORT / IFLA_DPLL_PIN nests of each link); empty
// payloads share one frozen empty Buffer. Values and byte-exact re-encoding
// are unchanged (lossless).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { binary, decodeAttrs, encodeAttrs, policy, struct, u32, STRUCT_EXTRA } from '../../src/netlink/attr.js';
import { Writer } from '../../src/netlink/writer.js';
import { decodeLink, encodeLink } from '../../src/rtnl/link.js';
import '../../src/rtnl/kinds/index.js';

const C = { A_BIN: 1, A_EMPTY: 2, A_STRUCT: 3, A_U32: 4 };
const pol = policy('R', C, [
  ['A_BIN', 'bin', binary],
  ['A_EMPTY', 'empty', binary],
  ['A_STRUCT', 'st', struct('two', [['x', 'u32'], ['y', 'u32']])],
  ['A_U32', 'n', u32],
]);

/** The attributes at offset 1000 of a 32 KiB buffer, as in a receive datagram. */
function datagram(): { buf: Buffer; off: number; end: number; attrs: Buffer } {
  const w = new Writer();
  w.attrBytes(C.A_BIN, Buffer.from('a1b2c3d4e5', 'hex'));
  w.attrBytes(C.A_EMPTY, Buffer.alloc(0));
  w.attrBytes(C.A_STRUCT, Buffer.from('01000000020000000300000004000000', 'hex')); // 8 known + 8 extra bytes
  w.attrBytes(99, Buffer.from('ffee', 'hex')); // unknown
  w.attrU32(C.A_U32, 7);
  const attrs = w.toBuffer();
  const buf = Buffer.alloc(32768);
  attrs.copy(buf, 1000);
  return { buf, off: 1000, end: 1000 + attrs.length, attrs };
}

test('binary, unknown and struct-extra bytes are copies, not views of the datagram', () => {
  const { buf, off, end, attrs } = datagram();
  const d = decodeAttrs<Record<string, any>>(buf, off, end, pol);
  const views = (x: Uint8Array): boolean => x.buffer === buf.buffer;
  assert.equal(Buffer.from(d.bin).toString('hex'), 'a1b2c3d4e5');
  assert.not.ok(views(d.bin), 'bin is a view of the datagram');
  assert.is(d.empty.length, 0);
  assert.not.ok(views(d.empty), 'empty is a view of the datagram');
  assert.ok(Object.isFrozen(d.empty), 'the shared empty Buffer is frozen');
  assert.equal(d.st.x, 1);
  assert.equal(Buffer.from(d.st[STRUCT_EXTRA]).toString('hex'), '0300000004000000');
  assert.not.ok(views(d.st[STRUCT_EXTRA]), 'struct extra is a view of the datagram');
  assert.is(d.unknown.length, 1);
  assert.equal(Buffer.from(d.unknown[0].data).toString('hex'), 'ffee');
  assert.not.ok(views(d.unknown[0].data), 'unknown data is a view of the datagram');
  // the datagram may be reused: the decoded values do not change
  buf.fill(0);
  assert.equal(Buffer.from(d.bin).toString('hex'), 'a1b2c3d4e5');
  assert.equal(Buffer.from(d.unknown[0].data).toString('hex'), 'ffee');
  const w = new Writer();
  encodeAttrs(w, pol, d);
  assert.equal(w.toBuffer().toString('hex'), attrs.toString('hex'), 'byte-exact re-encoding');
});

test('a link with empty IFLA_DEVLINK_PORT / IFLA_DPLL_PIN nests does not hold its datagram', () => {
  const w = new Writer();
  w.u8(0); w.u8(0); w.u16(1); w.s32(5); w.u32(0x1003); w.u32(0); // ifinfomsg
  w.attrBytes(3, Buffer.from('v5\0')); // IFLA_IFNAME
  const dp = w.nestStart(62, true); // IFLA_DEVLINK_PORT, empty
  w.attrEnd(dp);
  const pin = w.nestStart(65, true); // IFLA_DPLL_PIN, empty
  w.attrEnd(pin);
  const body = w.toBuffer();
  const buf = Buffer.alloc(32768);
  body.copy(buf, 4000);
  const link = decodeLink(buf, 4000, 4000 + body.length);
  assert.is(link.name, 'v5');
  assert.ok(link.devlinkPort && link.dpllPin, 'both kept');
  assert.is(link.devlinkPort!.length, 0);
  assert.ok(link.devlinkPort!.buffer !== buf.buffer && link.dpllPin!.buffer !== buf.buffer, 'a view of the datagram');
  const out = new Writer();
  encodeLink(out, link);
  assert.equal(out.toBuffer().toString('hex'), body.toString('hex'), 'byte-exact re-encoding');
});

test.run();
