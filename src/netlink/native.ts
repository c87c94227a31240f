/**
 * Typed access to the native syscall layer (native/rtnl_native.c).
 * Every function returns >= 0 on success or -errno; see the C file.
 * @module
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PollHandle {
  readonly __poll: unique symbol;
}

export interface Native {
  socket(domain: number, type: number, protocol: number): number;
  socketIn(nsFd: number, domain: number, type: number, protocol: number): number;
  /** [fd0, fd1] or -errno (CLOEXEC|NONBLOCK). */
  socketpair(domain: number, type: number, protocol: number): [number, number] | number;
  openIn(nsFd: number, path: string, flags: number): number;
  bindNl(fd: number, pid: number, groups: number): number;
  getsocknameNl(fd: number): number;
  setsockoptInt(fd: number, level: number, name: number, value: number): number;
  getsockoptInt(fd: number, level: number, name: number): number;
  sendNl(fd: number, buf: Uint8Array, pid: number, groups: number): number;
  /** Pushes (Buffer, pid, groups, nsid) per datagram (nsid -1 when none came), or (null, -errno, 0, -1) for an error after data. */
  recvNl(fd: number, max: number, out: Array<Buffer | number | null>): number;
  close(fd: number): number;
  readBatch(fd: number, max: number, mtu: number, out: Buffer[]): number;
  /** Reads up to max packets packed into slab from offset; lens[i] = length (negative: the packet is the next Buffer in overflow). */
  readSlab(fd: number, max: number, bufSize: number, slab: Uint8Array, offset: number, lens: Int32Array, overflow: Buffer[]): number;
  writeBatch(fd: number, packets: Uint8Array[], start: number): number;
  ioctlIfreq(fd: number, request: number, name: string, flags: number): [ret: number, name: string, flags: number];
  ioctlInt(fd: number, request: number, value: number): number;
  ioctlGetInt(fd: number, request: number): number;
  ioctlSetIntPtr(fd: number, request: number, value: number): number;
  setns(fd: number, nstype: number): number;
  mount(source: string, target: string, fstype: string, flags: number): number;
  umount2(target: string, flags: number): number;
  netnsCreate(path: string): number;
  pollCreate(fd: number, cb: (status: number, events: number) => void): PollHandle;
  pollStart(h: PollHandle, events: number): number;
  pollStop(h: PollHandle): number;
  pollRef(h: PollHandle, on: boolean): number;
  pollClose(h: PollHandle): number;
}

export const POLL_READABLE = 1;
export const POLL_WRITABLE = 2;
export const CLONE_NEWNET = 0x40000000;

let cached: Native | undefined;

/** Load the addon (built by `npm install` with node-gyp). */
export function native(): Native {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.RTNETLINK_NATIVE,
    join(here, '../../../build/Release/rtnl_native.node'),
    join(here, '../../build/Release/rtnl_native.node'),
    join(here, '../../../build/Debug/rtnl_native.node'),
  ].filter((p): p is string => !!p);
  for (const p of candidates) {
    if (existsSync(p)) {
      cached = require(p) as Native;
      return cached;
    }
  }
  throw new Error(
    `rtnetlink: native addon not found (looked in ${candidates.join(', ')}). ` +
      'Run `npm install` (or `npx node-gyp rebuild`) in the package directory; it needs python3, make and a C compiler.',
  );
}
