/**
 * Typed access to the native syscall layer (native/rtnl_native.c).
 * Every function returns >= 0 on success or -errno; see the C file.
 * @module
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
  /** struct ifreq with ifr_data pointing at `buf` (SIOCETHTOOL); the kernel fills `buf` in place. */
  ioctlIfreqData(fd: number, request: number, name: string, buf: Uint8Array): number;
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

/**
 * The system calls a NetlinkSocket makes: the addon itself, or a scripted
 * fake that plays the kernel in tests (test/fake-transport.ts). Same
 * contract as the addon: numbers >= 0 on success, -errno on failure.
 */
export type NetlinkTransport = Pick<
  Native,
  | 'socket'
  | 'socketIn'
  | 'bindNl'
  | 'getsocknameNl'
  | 'setsockoptInt'
  | 'getsockoptInt'
  | 'sendNl'
  | 'recvNl'
  | 'close'
  | 'ioctlInt'
  | 'pollCreate'
  | 'pollStart'
  | 'pollStop'
  | 'pollRef'
  | 'pollClose'
>;

export const POLL_READABLE = 1;
export const POLL_WRITABLE = 2;
export const CLONE_NEWNET = 0x40000000;

let cached: Native | undefined;
let cachedPath: string | undefined;

/** The parts of node-gyp-build (a CommonJS package without types) the loader uses. */
interface PrebuildTags {
  file: string;
}
interface PrebuildTuple {
  name: string;
}
interface NodeGypBuild {
  parseTuple(name: string): PrebuildTuple | undefined;
  matchTuple(platform: string, arch: string): (t: PrebuildTuple | undefined) => boolean;
  compareTuples(a: PrebuildTuple, b: PrebuildTuple): number;
  parseTags(file: string): PrebuildTags | undefined;
  matchTags(runtime: string, abi: string): (t: PrebuildTags | undefined) => boolean;
  compareTags(runtime: string): (a: PrebuildTags, b: PrebuildTags) => number;
}

/**
 * The package's root directory: the nearest one above this file holding
 * package.json and native/ (this file is dist/src/netlink/native.js, or part
 * of the CLI bundle in dist/bundle/, scripts/bundle.mjs).
 */
function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = resolve(here, up);
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native'))) return dir;
  }
  return resolve(here, '../../..');
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * The prebuilt binaries under prebuilds/ that fit this process, best first,
 * chosen by node-gyp-build's rules (directory `linux-<arch>`, file tags such
 * as `napi` and `glibc`/`musl`); the `PREBUILDS` of the error message when
 * none fits.
 */
function prebuildCandidates(root: string, require: ReturnType<typeof createRequire>): { files: string[]; note?: string } {
  let ngb: NodeGypBuild;
  try {
    ngb = require('node-gyp-build') as NodeGypBuild;
  } catch (e) {
    return { files: [], note: `node-gyp-build (a dependency) could not be loaded: ${(e as Error).message}` };
  }
  const base = join(root, 'prebuilds');
  const tuples = listDir(base)
    .map((n) => ngb.parseTuple(n))
    .filter(ngb.matchTuple(process.platform, process.arch))
    .sort((a, b) => ngb.compareTuples(a!, b!)) as PrebuildTuple[];
  const files: string[] = [];
  for (const t of tuples) {
    const dir = join(base, t.name);
    const tags = listDir(dir)
      .map((f) => ngb.parseTags(f))
      .filter(ngb.matchTags('node', process.versions.modules)) as PrebuildTags[];
    for (const tag of tags.sort(ngb.compareTags('node'))) files.push(join(dir, tag.file));
  }
  if (!files.length) {
    const have = listDir(base).flatMap((d) => listDir(join(base, d)).map((f) => `${d}/${f}`));
    return { files, note: `no prebuilt binary in ${base} fits linux-${process.arch} (${have.length ? `there are: ${have.join(', ')}` : 'the directory is empty or missing'})` };
  }
  return { files };
}

/**
 * Load the addon. Tried in order, the first that loads wins:
 * 1. `RTNETLINK_NATIVE` (an explicit path: only that one is tried);
 * 2. `build/Release/rtnl_native.node`, `build/Debug/...`: a build from
 *    source (`npx node-gyp rebuild`: a developer's build, or the install
 *    script's fallback on a platform without a prebuilt binary);
 * 3. the prebuilt binary for this platform in `prebuilds/` (linux-x64 and
 *    linux-arm64, glibc; N-API, so one binary serves every Node line): first
 *    by its known name, then, if that does not load, every prebuild that
 *    fits by node-gyp-build's rules.
 * A candidate that exists but does not load (another architecture, a libc
 * too old) is reported and the next one tried. When none loads, the error
 * lists every path tried and why, and how to build from source.
 */
export function native(): Native {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const root = packageRoot();
  const tried: string[] = [];
  const seen = new Set<string>();
  const attempt = (p: string): boolean => {
    if (seen.has(p)) return false;
    seen.add(p);
    if (!existsSync(p)) {
      tried.push(`${p}: not found`);
      return false;
    }
    try {
      // process.dlopen is what require() does for a .node file, without the
      // CommonJS loader's resolution and module record (~1 ms of a start)
      const m = { exports: {} as Native };
      process.dlopen(m, p);
      cached = m.exports;
      cachedPath = p;
      return true;
    } catch (e) {
      tried.push(`${p}: ${(e as Error).message.split('\n')[0]}`);
      return false;
    }
  };
  const explicit = process.env.RTNETLINK_NATIVE;
  if (explicit) {
    if (attempt(resolve(explicit))) return cached!;
    throw new Error(`rtnetlink: the native addon named by RTNETLINK_NATIVE does not load: ${tried[0]}`);
  }
  for (const p of [join(root, 'build/Release/rtnl_native.node'), join(root, 'build/Debug/rtnl_native.node')]) {
    if (attempt(p)) return cached!;
  }
  // The binary the package ships for this machine, by its known name, before
  // asking node-gyp-build (loading it and scanning prebuilds/ cost ~2-3 ms of
  // every start): where it does not load (musl, another libc), node-gyp-build's
  // rules choose among what is there, as before.
  if (process.platform === 'linux' && attempt(join(root, 'prebuilds', `linux-${process.arch}`, 'rtnetlink.napi.glibc.node'))) return cached!;
  const pre = prebuildCandidates(root, require);
  for (const p of pre.files) if (attempt(p)) return cached!;
  if (pre.note) tried.push(pre.note);
  throw new Error(
    `rtnetlink: cannot load the native addon for ${process.platform}-${process.arch}, Node ${process.version}. Tried:\n  ` +
      tried.join('\n  ') +
      `\nThe package ships prebuilt binaries for linux-x64 and linux-arm64 (glibc). ` +
      `Elsewhere build it from source: \`cd ${root} && npx node-gyp rebuild\` (needs python3, make and a C compiler), ` +
      'or point RTNETLINK_NATIVE at a built rtnl_native.node.',
  );
}

/** The file the addon was loaded from (after native() succeeded), for diagnostics and tests. */
export function nativePath(): string | undefined {
  return cachedPath;
}
