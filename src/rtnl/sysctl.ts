/**
 * Network sysctls of another namespace without a child process
 * (`ip netns exec NS sysctl -w net.ipv4.ip_forward=1`): /proc/sys/net shows
 * the namespace of the thread that opens a file there, so the file is opened
 * by the native composite openIn (setns into the namespace, open, setns back,
 * in one C call: no JavaScript runs in the wrong namespace) and then read or
 * written from JavaScript. The fd stays bound to the namespace it was opened
 * in.
 * @module
 */
import { closeSync, fstatSync, readSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { native } from '../netlink/native.js';
import { openNetns, type NetnsRef } from '../netlink/socket.js';

/** A sysctl value as the kernel prints it: one number, several numbers (tcp_rmem), or text. */
export type SysctlValue = number | number[] | string;

/** A sysctl read or write failed (no such key, permission, invalid value): errno, code and the key. */
export class SysctlError extends NetlinkError {
  override name = 'SysctlError';
  /** The key in dotted form, e.g. "net.ipv4.ip_forward". */
  readonly key: string;
  constructor(errno: number, key: string, message: string, syscall: string) {
    super(errno, { message, syscall });
    this.key = key;
  }
}

const O_RDONLY = 0;
const O_WRONLY = 1;
const O_NOFOLLOW = 0o400000;
const MAX_VALUE = 1 << 20; // /proc/sys files are small; bound reads

/**
 * Validate a key: dotted (`net.ipv4.ip_forward`) or slash form
 * (`net/ipv4/conf/eth0.1/forwarding`, where dots are literal as in sysctl(8)).
 * Only the per-namespace `net` tree; letters, digits, `_ - .` and `/`; no
 * empty, `.` or `..` segments. Returns the path under /proc/sys and the dotted name.
 */
export function sysctlPath(key: unknown, field = 'key'): { path: string; name: string } {
  if (typeof key !== 'string' || key.length === 0) throw new ArgumentError(field, `expected a sysctl key such as "net.ipv4.ip_forward", got ${describe(key)}`);
  if (key.length > 512) throw new ArgumentError(field, 'sysctl key longer than 512 characters');
  if (!/^[A-Za-z0-9_.\-/]+$/.test(key)) throw new ArgumentError(field, `"${key}" has characters a sysctl key cannot have (letters, digits, _ - . /)`);
  const segs = key.includes('/') ? key.split('/') : key.split('.');
  for (const s of segs) {
    if (s === '' || s === '.' || s === '..') throw new ArgumentError(field, `"${key}" has an empty, "." or ".." component`);
  }
  if (segs[0] !== 'net') throw new ArgumentError(field, `"${key}" is not a network sysctl (net.*): only those belong to a network namespace`);
  return { path: `/proc/sys/${segs.join('/')}`, name: segs.join('.') };
}

function checkValue(v: unknown, field: string): string {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new ArgumentError(field, `expected an integer, got ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) {
    if (v.length === 0) throw new ArgumentError(field, 'empty array');
    return v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isSafeInteger(x)) throw new ArgumentError(`${field}[${i}]`, `expected an integer, got ${describe(x)}`);
      return String(x);
    }).join('\t');
  }
  if (typeof v === 'string') {
    if (/[\0\n]/.test(v)) throw new ArgumentError(field, 'value contains a NUL or a newline');
    if (Buffer.byteLength(v) > 4096) throw new ArgumentError(field, 'value longer than 4096 bytes');
    return v;
  }
  throw new ArgumentError(field, `expected a number, an array of numbers, a boolean or a string, got ${describe(v)}`);
}

/** Parse what the kernel prints: "1" -> 1, "4096\t131072\t6291456" -> [4096, 131072, 6291456], else the text. */
export function parseSysctlValue(text: string): SysctlValue {
  const t = text.replace(/\n$/, '');
  if (/^-?\d+$/.test(t)) {
    const n = Number(t);
    if (Number.isSafeInteger(n)) return n;
  }
  if (/^-?\d+([ \t]+-?\d+)+$/.test(t)) {
    const parts = t.split(/[ \t]+/).map(Number);
    if (parts.every((n) => Number.isSafeInteger(n))) return parts;
  }
  return t;
}

function openInNs(ns: NetnsRef, path: string, name: string, flags: number, field: string): number {
  const h = openNetns(ns, field);
  let fd: number;
  try {
    fd = native().openIn(h.fd, path, flags | O_NOFOLLOW);
  } finally {
    if (h.owned) closeSync(h.fd);
  }
  if (fd < 0) {
    const e = -fd;
    const why = e === constants.errno.ENOENT ? ': no such sysctl in that namespace' : e === constants.errno.EACCES || e === constants.errno.EPERM ? ': permission denied' : '';
    throw new SysctlError(e, name, `sysctl ${name}${why}`, 'open');
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new SysctlError(constants.errno.EISDIR, name, `sysctl ${name} is a directory, not a value`, 'open');
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}

/**
 * Read (`sysctl(ns, key)`) or write (`sysctl(ns, key, value)`) a network
 * sysctl inside namespace `ns` (a name under /run/netns, a path, { fd } or
 * { pid }). Reading returns the value as the kernel prints it (number,
 * number[] or string); writing returns the value read back after the write.
 * Bad keys and values: ArgumentError before anything is opened. Kernel
 * refusals: SysctlError with errno/code (ENOENT no such key, EINVAL bad
 * value, EACCES/EPERM permission).
 */
export async function sysctl(ns: NetnsRef, key: string, value?: SysctlValue | boolean): Promise<SysctlValue> {
  const { path, name } = sysctlPath(key);
  const text = value === undefined ? undefined : checkValue(value, 'value');
  if (text !== undefined) {
    const fd = openInNs(ns, path, name, O_WRONLY, 'netns');
    try {
      const b = Buffer.from(text + '\n');
      let off = 0;
      while (off < b.length) {
        let n: number;
        try {
          n = writeSync(fd, b, off, b.length - off, null);
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw new SysctlError(err.errno ? Math.abs(err.errno) : constants.errno.EIO, name, `sysctl ${name} = ${JSON.stringify(text)} was refused`, 'write');
        }
        if (n <= 0) break;
        off += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  const fd = openInNs(ns, path, name, O_RDONLY, 'netns');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const b = Buffer.allocUnsafe(4096);
      let n: number;
      try {
        n = readSync(fd, b, 0, b.length, null);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new SysctlError(err.errno ? Math.abs(err.errno) : constants.errno.EIO, name, `sysctl ${name} cannot be read`, 'read');
      }
      if (n <= 0) break;
      chunks.push(b.subarray(0, n));
      total += n;
      if (total > MAX_VALUE) throw new SysctlError(constants.errno.EFBIG, name, `sysctl ${name} is larger than ${MAX_VALUE} bytes`, 'read');
    }
    return parseSysctlValue(Buffer.concat(chunks).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}
