/**
 * A growable little-endian byte writer for netlink messages and attributes.
 * @module
 */
import { NLA_F_NESTED, NLMSG_HDRLEN } from './constants.js';
import { stringByteLength, writeString } from './strings.js';

export class Writer {
  buf: Buffer;
  pos = 0;

  constructor(size = 512) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Make room for n more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }
  // Fixed-size stores are byte stores after ensure(): Buffer#write* validate
  // value and offset on every call.
  u16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    this.pos = p + 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.put32(v >>> 0);
  }
  private put32(v: number): void {
    const b = this.buf;
    const p = this.pos;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    b[p + 2] = (v >>> 16) & 0xff;
    b[p + 3] = (v >>> 24) & 0xff;
    this.pos = p + 4;
  }
  s8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }
  s16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16LE(v, this.pos);
    this.pos += 2;
  }
  s32(v: number): void {
    this.ensure(4);
    this.put32(v | 0);
  }
  u64(v: bigint | number): void {
    this.ensure(8);
    // Counters are mostly zero or below 2^32: written as two u32 words, without
    // the bigint arithmetic (and garbage) of writeBigUInt64LE.
    if (typeof v === 'bigint' ? v >= 0n && v <= 0xffffffffn : Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
      this.put32(Number(v));
      this.put32(0);
    } else {
      this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)), this.pos);
      this.pos += 8;
    }
  }
  s64(v: bigint | number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(v)), this.pos);
    this.pos += 8;
  }
  be16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }
  be32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  zero(n: number): void {
    this.ensure(n);
    if (n <= 16) {
      // padding (1..3 bytes) is the common case: a loop beats Buffer#fill's call
      const b = this.buf;
      for (let i = this.pos, e = this.pos + n; i < e; i++) b[i] = 0;
    } else this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }
  /** Pad with zeros to a 4-byte boundary. */
  align4(): void {
    const pad = (4 - (this.pos & 3)) & 3;
    if (pad) this.zero(pad);
  }

  /** Start an attribute; returns its offset for attrEnd(). `type` may include NLA_F_* bits. */
  attrStart(type: number): number {
    this.align4();
    const start = this.pos;
    this.ensure(4);
    const b = this.buf;
    b[start] = 0;
    b[start + 1] = 0;
    b[start + 2] = type & 0xff;
    b[start + 3] = (type >>> 8) & 0xff;
    this.pos = start + 4;
    return start;
  }
  /** Finish an attribute: write its unpadded length, then pad. */
  attrEnd(start: number): void {
    const len = this.pos - start;
    if (len > 0xffff) throw new RangeError(`netlink attribute too large (${len} bytes, max 65535)`);
    this.buf[start] = len & 0xff;
    this.buf[start + 1] = len >>> 8;
    this.align4();
  }
  nestStart(type: number, nestedFlag = true): number {
    return this.attrStart(nestedFlag ? type | NLA_F_NESTED : type);
  }

  attrU8(type: number, v: number): void {
    const s = this.attrStart(type);
    this.u8(v);
    this.attrEnd(s);
  }
  attrU16(type: number, v: number): void {
    const s = this.attrStart(type);
    this.u16(v);
    this.attrEnd(s);
  }
  attrU32(type: number, v: number): void {
    const s = this.attrStart(type);
    this.u32(v);
    this.attrEnd(s);
  }
  attrS32(type: number, v: number): void {
    const s = this.attrStart(type);
    this.s32(v);
    this.attrEnd(s);
  }
  attrU64(type: number, v: bigint | number): void {
    const s = this.attrStart(type);
    this.u64(v);
    this.attrEnd(s);
  }
  attrBytes(type: number, b: Uint8Array): void {
    const s = this.attrStart(type);
    this.bytes(b);
    this.attrEnd(s);
  }
  /** NUL-terminated string attribute (bytes escaped by the decoder, U+DC80..U+DCFF, are written back as those bytes). */
  attrString(type: number, v: string): void {
    const s = this.attrStart(type);
    this.str(v);
    this.u8(0);
    this.attrEnd(s);
  }
  /** The bytes of a string, without a terminator (see ./strings.ts: lossless for decoded strings). */
  str(v: string): void {
    const n = Buffer.byteLength(v, 'utf8');
    if (n === v.length) {
      // ASCII (the usual name or kind): no escaped bytes possible
      this.ensure(n);
      this.pos += this.buf.write(v, this.pos, n, 'latin1');
      return;
    }
    this.ensure(stringByteLength(v));
    this.pos += writeString(this.buf, this.pos, v);
  }
  attrFlag(type: number): void {
    const s = this.attrStart(type);
    this.attrEnd(s);
  }

  /** Start a netlink message (nlmsghdr); returns its offset for msgEnd(). */
  msgStart(type: number, flags: number, seq: number, pid: number): number {
    this.align4();
    const start = this.pos;
    this.ensure(NLMSG_HDRLEN);
    this.buf.writeUInt32LE(0, start);
    this.buf.writeUInt16LE(type, start + 4);
    this.buf.writeUInt16LE(flags, start + 6);
    this.buf.writeUInt32LE(seq >>> 0, start + 8);
    this.buf.writeUInt32LE(pid >>> 0, start + 12);
    this.pos += NLMSG_HDRLEN;
    return start;
  }
  /** Finish a message: pad and write nlmsg_len. */
  msgEnd(start: number): void {
    this.align4();
    this.buf.writeUInt32LE(this.pos - start, start);
  }

  /** A copy of what was written. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
  /** A view of what was written (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
  reset(): void {
    this.pos = 0;
  }
}
