import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsA } from '../expect.js';
import {
  attrPathAt,
  bool8,
  checkAttrs,
  decodeAttrs,
  encodeAttrs,
  enumOf,
  flag,
  ipv4,
  ipv6,
  lladdr,
  nested,
  policy,
  string,
  struct,
  u16,
  u32,
  u64,
  u8,
  be16,
  WIRE,
  binary,
} from '../../src/netlink/attr.js';
import { ArgumentError, DecodeError } from '../../src/netlink/errors.js';
import { Writer } from '../../src/netlink/writer.js';

const C = { A_U8: 1, A_U16: 2, A_U32: 3, A_U64: 4, A_STR: 5, A_FLAG: 6, A_NEST: 7, A_MAC: 8, A_IP4: 9, A_IP6: 10, A_BE16: 11, A_ENUM: 12, A_MULTI: 13, A_BOOL: 14, A_STRUCT: 15, N_X: 1, N_Y: 2 };
const inner = policy('N', C, [
  ['N_X', 'x', u32],
  ['N_Y', 'y', string],
]);
const pol = policy('A', C, [
  ['A_U8', 'a8', u8],
  ['A_U16', 'a16', u16],
  ['A_U32', 'a32', u32],
  ['A_U64', 'a64', u64],
  ['A_STR', 'str', string],
  ['A_FLAG', 'flag', flag],
  ['A_NEST', 'nest', nested(inner)],
  ['A_MAC', 'mac', lladdr],
  ['A_IP4', 'ip4', ipv4],
  ['A_IP6', 'ip6', ipv6],
  ['A_BE16', 'port', be16],
  ['A_ENUM', 'mode', enumOf(u8, { 1: 'one', 2: 'two' })],
  ['A_MULTI', 'items', u16, { multi: true }],
  ['A_BOOL', 'on', bool8],
  ['A_STRUCT', 'pair', struct('pair', [['lo', 'u16'], ['hi', 'u16']])],
]);

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const enc = (obj: Record<string, unknown>): Buffer => {
  const w = new Writer(8);
  encodeAttrs(w, pol, obj);
  return w.toBuffer();
};

test('u32 attribute encodes to the documented TLV bytes', () => {
  // len=8, type=3, value 1500 little-endian
  assert.equal(enc({ a32: 1500 }).toString('hex'), '08000300dc050000');
});

test('u8/u16 are padded to 4 bytes, length excludes padding', () => {
  assert.equal(enc({ a8: 7 }).toString('hex'), '0500010007000000');
  assert.equal(enc({ a16: 0x1234 }).toString('hex'), '0600020034120000');
});

test('string is NUL-terminated and padded; flag is a bare header', () => {
  assert.equal(enc({ str: 'eth0' }).toString('hex'), '0900050065746830' + '00000000');
  assert.equal(enc({ flag: true }).toString('hex'), '04000600');
  assert.equal(enc({ flag: false }).length, 0);
});

test('be16 and addresses use network order / raw bytes', () => {
  assert.equal(enc({ port: 4789 }).toString('hex'), '06000b0012b50000');
  assert.equal(enc({ ip4: '10.0.1.2' }).toString('hex'), '080009000a000102');
  assert.equal(enc({ mac: '02:00:00:00:00:07' }).toString('hex'), '0a000800020000000007' + '0000');
});

test('decode gives typed values; u64 as bigint', () => {
  const b = enc({ a8: 1, a16: 2, a32: 3, a64: 2n ** 60n, str: 'hello', flag: true, ip6: '2001:db8::1', port: 80, mode: 'two', on: true });
  const d = decodeAttrs<Record<string, unknown>>(b, 0, b.length, pol);
  assert.equal(d.a8, 1);
  assert.equal(d.a16, 2);
  assert.equal(d.a32, 3);
  assert.equal(d.a64, 2n ** 60n);
  assert.equal(d.str, 'hello');
  assert.equal(d.flag, true);
  assert.equal(d.ip6, '2001:db8::1');
  assert.equal(d.port, 80);
  assert.equal(d.mode, 'two');
  assert.equal(d.on, true);
});

test('enum keeps unknown numbers as numbers', () => {
  const b = enc({ mode: 9 });
  assert.equal(decodeAttrs<Record<string, unknown>>(b, 0, b.length, pol).mode, 9);
});

test('nested attributes round-trip', () => {
  const b = enc({ nest: { x: 5, y: 'in' } });
  const d = decodeAttrs<Record<string, any>>(b, 0, b.length, pol);
  assert.equal(d.nest.x, 5);
  assert.equal(d.nest.y, 'in');
  assert.equal(enc(d).toString('hex'), b.toString('hex'));
});

test('unknown attributes are kept raw and re-encoded in place', () => {
  // a32, then unknown type 99 with 3 bytes, then a8
  const raw = hex('08000300 01000000  07006300 aabbcc00  05000100 09000000');
  const d = decodeAttrs<Record<string, any>>(raw, 0, raw.length, pol);
  assert.equal(d.a32, 1);
  assert.equal(d.a8, 9);
  assert.equal(d.unknown.length, 1);
  assert.equal(d.unknown[0].type, 99);
  assert.equal(Buffer.from(d.unknown[0].data).toString('hex'), 'aabbcc');
  assert.equal(enc(d).toString('hex'), raw.toString('hex'));
});

test('wire order, NLA_F_NESTED and repeated attributes survive decode -> encode', () => {
  const w = new Writer();
  w.attrU16(C.A_MULTI, 1);
  w.attrU32(C.A_U32, 7);
  w.attrU16(C.A_MULTI, 2);
  const s = w.nestStart(C.A_NEST, true); // with NLA_F_NESTED
  w.attrU32(1, 3);
  w.attrEnd(s);
  w.attrU16(C.A_MULTI, 3);
  const raw = w.toBuffer();
  const d = decodeAttrs<Record<string, any>>(raw, 0, raw.length, pol);
  assert.equal(d.items, [1, 2, 3]);
  assert.equal(enc(d).toString('hex'), raw.toString('hex'));
  assert.ok(Array.isArray((d as any)[WIRE]));
  assert.equal(Object.keys(d).includes(String(WIRE)), false, 'bookkeeping is not enumerable');
});

test('a fixed-size attribute with an unexpected size is kept raw, not misread', () => {
  const raw = hex('0a000300 0102030405060000'); // A_U32 with 6 bytes
  const d = decodeAttrs<Record<string, any>>(raw, 0, raw.length, pol);
  assert.equal(d.a32, undefined);
  assert.equal(d.unknown[0].type, 3);
  assert.equal(enc(d).toString('hex'), raw.toString('hex'));
});

test('string without NUL terminator decodes and re-encodes identically', () => {
  const raw = hex('08000500 61626364'); // "abcd" no NUL
  const d = decodeAttrs<Record<string, any>>(raw, 0, raw.length, pol);
  assert.equal(d.str, 'abcd');
  assert.equal(enc(d).toString('hex'), raw.toString('hex'));
});

test('struct decodes fields and keeps extra bytes', () => {
  const raw = hex('0c000f00 01000200 ffff0000'); // lo=1 hi=2 + 2 extra bytes... (len 12 -> 8 payload)
  const d = decodeAttrs<Record<string, any>>(raw, 0, raw.length, pol);
  assert.equal(d.pair.lo, 1);
  assert.equal(d.pair.hi, 2);
  assert.equal(enc(d).toString('hex'), raw.toString('hex'));
});

test('malformed: attribute length below header', () => {
  const raw = hex('02000300 00000000');
  assert.throws(() => decodeAttrs(raw, 0, raw.length, pol), (e: unknown) => e instanceof DecodeError && /below the 4-byte header/.test((e as Error).message));
});

test('malformed: zero-length attribute does not loop forever', () => {
  const raw = hex('00000000 00000000');
  throwsA(() => decodeAttrs(raw, 0, raw.length, pol), DecodeError);
});

test('malformed: attribute length past the end', () => {
  const raw = hex('10000300 dc050000');
  assert.throws(() => decodeAttrs(raw, 0, raw.length, pol), (e: unknown) => e instanceof DecodeError && /runs past the end/.test((e as Error).message));
});

test('malformed: trailing bytes that do not form an attribute', () => {
  const raw = hex('08000300 dc050000 0102');
  throwsA(() => decodeAttrs(raw, 0, raw.length, pol), DecodeError);
});

test('malformed: nested garbage is a DecodeError with the path', () => {
  const raw = hex('0c000700 ffff0100 00000000'); // nest containing a length-65535 attr
  assert.throws(
    () => decodeAttrs(raw, 0, raw.length, pol),
    (e: unknown) => e instanceof DecodeError && (e as DecodeError).path.includes('A_NEST'),
  );
});

test('checkAttrs: unknown option is an ArgumentError naming the field', () => {
  assert.throws(() => checkAttrs(pol, { bogus: 1 }, 'opts'), (e: unknown) => e instanceof ArgumentError && (e as ArgumentError).field === 'opts.bogus');
});

test('checkAttrs: ranges and types', () => {
  assert.throws(() => checkAttrs(pol, { a8: 256 }, 'o'), /out of range/);
  assert.throws(() => checkAttrs(pol, { a32: -1 }, 'o'), /out of range/);
  assert.throws(() => checkAttrs(pol, { a32: 1.5 }, 'o'), /integer/);
  assert.throws(() => checkAttrs(pol, { ip4: '10.0.0.256' }, 'o'), /IPv4/);
  assert.throws(() => checkAttrs(pol, { ip6: '10.0.0.1' }, 'o'), /IPv6/);
  assert.throws(() => checkAttrs(pol, { mac: '01:02:zz' }, 'o'), /MAC/);
  assert.throws(() => checkAttrs(pol, { mode: 'three' }, 'o'), /one, two/);
  assert.throws(() => checkAttrs(pol, { nest: { z: 1 } }, 'o'), (e: unknown) => (e as ArgumentError).field === 'o.nest.z');
  assert.equal(checkAttrs(pol, { a64: 5 }, 'o').a64, 5n);
  assert.equal(checkAttrs(pol, { mac: 'AA:BB:CC:DD:EE:FF' }, 'o').mac, 'aa:bb:cc:dd:ee:ff');
});

test('attrPathAt names nested attributes at an offset', () => {
  const b = enc({ a32: 1, nest: { x: 5, y: 'in' } });
  // a32 occupies 0..8; nest header at 8; x at 12 (payload at 16)
  assert.equal(attrPathAt(b, 0, b.length, pol, 0), 'A_U32');
  assert.equal(attrPathAt(b, 0, b.length, pol, 8), 'A_NEST');
  assert.equal(attrPathAt(b, 0, b.length, pol, 12), 'A_NEST/N_X');
  assert.equal(attrPathAt(b, 0, b.length, pol, 20), 'A_NEST/N_Y');
});

test('binary accepts hex and buffers', () => {
  assert.equal(Buffer.from(binary.check('0aff', 'f', {})).toString('hex'), '0aff');
  throwsA(() => binary.check('xyz', 'f', {}), ArgumentError);
});

test.run();
