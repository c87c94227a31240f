/**
 * A growable little-endian byte writer for netlink messages and attributes.
 * @module
 */
import { NLA_F_NESTED, NLMSG_HDRLEN } from './constants.js';

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
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v & 0xffff, this.pos);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
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
    this.buf.writeInt32LE(v | 0, this.pos);
    this.pos += 4;
  }
  u64(v: bigint | number): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)), this.pos);
    this.pos += 8;
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
    this.buf.fill(0, this.pos, this.pos + n);
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
    this.buf.writeUInt16LE(0, this.pos);
    this.buf.writeUInt16LE(type & 0xffff, this.pos + 2);
    this.pos += 4;
    return start;
  }
  /** Finish an attribute: write its unpadded length, then pad. */
  attrEnd(start: number): void {
    const len = this.pos - start;
    if (len > 0xffff) throw new RangeError(`netlink attribute too large (${len} bytes, max 65535)`);
    this.buf.writeUInt16LE(len, start);
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
  /** NUL-terminated string attribute. */
  attrString(type: number, v: string): void {
    const s = this.attrStart(type);
    const n = Buffer.byteLength(v);
    this.ensure(n + 1);
    this.buf.write(v, this.pos, 'utf8');
    this.pos += n;
    this.buf[this.pos++] = 0;
    this.attrEnd(s);
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
