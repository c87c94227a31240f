/**
 * Persistent network namespaces, equivalent to `ip netns add/del/list`:
 * a namespace bind-mounted on /run/netns/NAME. No child process: the native
 * layer unshares a new namespace on the calling thread, bind-mounts it and
 * returns the thread to its original namespace in one step.
 * @module
 */
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, unlinkSync, writeSync, constants as fsc } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { constants } from 'node:os';
import { NetlinkError } from '../netlink/errors.js';
import { native } from '../netlink/native.js';
import { isNsfs } from '../netlink/nsfs.js';
import { checkNetnsName } from '../netlink/socket.js';

/** Where persistent namespaces live (NETNS_RUN_DIR of iproute2). */
export const NETNS_RUN_DIR = '/run/netns';

const MS_BIND = 4096;
const MS_REC = 16384;
const MS_SHARED = 1 << 20;
const MNT_DETACH = 2;

function fail(r: number, syscall: string, message: string): never {
  throw new NetlinkError(r, { syscall, message });
}

/** Make /run/netns a shared mount point so namespace mounts propagate (what iproute2 does). */
function prepareRunDir(): void {
  mkdirSync(NETNS_RUN_DIR, { recursive: true, mode: 0o755 });
  const n = native();
  let bound = false;
  for (;;) {
    const r = n.mount('none', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC);
    if (r === 0) return;
    if (-r === constants.errno.EINVAL && !bound) {
      // Not a mount point yet: bind it onto itself, then retry.
      const b = n.mount(NETNS_RUN_DIR, NETNS_RUN_DIR, 'none', MS_BIND | MS_REC);
      if (b < 0) fail(b, 'mount', `cannot bind-mount ${NETNS_RUN_DIR}`);
      bound = true;
      continue;
    }
    fail(r, 'mount', `cannot make ${NETNS_RUN_DIR} a shared mount`);
  }
}

/** Path of a named namespace. */
export function path(name: string): string {
  return `${NETNS_RUN_DIR}/${checkNetnsName(name, 'name')}`;
}

/**
 * A file under /run/netns with no namespace mounted on it is stale after this
 * long, even if we cannot tell that its creator is gone: `ip netns add`
 * creates the file, then unshares and mounts, which takes milliseconds
 * (seconds only when rtnl_lock is contended).
 */
export const STALE_AFTER_MS = 2000;

let marker: string | undefined;
/** Identity of this process as written into a namespace file while `add` creates it (computed once: the write follows the create at once). */
function ownerMarker(): string {
  marker ??= `rtnetlink netns.add pid=${process.pid} start=${procStart(process.pid) ?? '?'} pidns=${pidnsIno() ?? '?'}\n`;
  return marker;
}

/** Start time of a process (field 22 of /proc/PID/stat, clock ticks since boot): a pid reused later has another. */
function procStart(pid: number): string | undefined {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return st.slice(st.lastIndexOf(')') + 2).split(' ')[19]; // fields after "(comm)" start at field 3
  } catch {
    return undefined;
  }
}

function pidnsIno(): string | undefined {
  try {
    return String(statSync('/proc/self/ns/pid').ino);
  } catch {
    return undefined;
  }
}

/**
 * Whether the file's creator is known to be gone: the marker written by `add`
 * names a process of our pid namespace that no longer exists (or whose pid
 * now belongs to a process started later). An empty file (iproute2, or a kill
 * before the marker was written) or another pid namespace: unknown.
 */
function creatorGone(content: string): boolean {
  const m = /^rtnetlink netns\.add pid=(\d+) start=(\d+) pidns=(\d+)\n$/.exec(content);
  if (!m || m[3] !== pidnsIno()) return false;
  const pid = Number(m[1]);
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const start = procStart(pid);
  return start !== undefined && start !== m[2];
}

/** The first bytes of a file (a marker is ~70 bytes; whatever else is there is not read whole). */
function readHead(p: string): string {
  const fd = openSync(p, fsc.O_RDONLY | fsc.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(128);
    return buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

type FileState = 'namespace' | 'gone' | 'stale';

/**
 * What the existing file at `p` is: a namespace (nsfs mounted), gone
 * (removed meanwhile), or stale. A file that is neither mounted nor stale yet
 * (its creator may be between creating and mounting) is watched until one of
 * the three holds: at most STALE_AFTER_MS after it was created.
 */
async function settle(p: string): Promise<FileState> {
  const deadline = Date.now() + STALE_AFTER_MS; // also bounds the wait if the clock went back
  for (;;) {
    let ctimeMs: number;
    try {
      ctimeMs = statSync(p).ctimeMs;
    } catch {
      return 'gone';
    }
    if (isNsfs(p)) return 'namespace';
    let content = '';
    try {
      content = readHead(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      // mounted meanwhile (reading an nsfs inode fails): look again
    }
    if (isNsfs(p)) return 'namespace';
    const now = Date.now();
    if (creatorGone(content) || now - ctimeMs >= STALE_AFTER_MS || now >= deadline) return 'stale';
    await sleep(10);
  }
}

/**
 * Create a persistent namespace NAME (`ip netns add NAME`). Rejects with
 * EEXIST if it exists.
 *
 * A stale file of that name (no namespace mounted on it: `add` or `ip netns
 * add` killed between creating the file and mounting, `del` killed between
 * unmounting and unlinking) is reclaimed: removed and created again. While it
 * is created the file holds a marker naming this process, so a file left by
 * a dead `add` is reclaimed at once; an empty file (iproute2) or one whose
 * creator is alive is taken as stale only STALE_AFTER_MS after its creation,
 * and becomes EEXIST if a namespace is mounted on it meanwhile. The namespace
 * is mounted through our open fd of the file we created (/proc/self/fd/N),
 * never through the name: if another process reclaimed the name meanwhile,
 * our file is unlinked, the mount fails and we start again, so two racing
 * `add`s never both succeed.
 */
export async function add(name: string): Promise<void> {
  const p = path(name);
  prepareRunDir();
  const mark = ownerMarker();
  for (let attempt = 1; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(p, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'EEXIST' || attempt > 8) {
        fail(-(err.errno ?? 17), 'open', `cannot create namespace "${name}" (${p})${err.code === 'EEXIST' ? ': it already exists' : ''}`);
      }
      const state = await settle(p);
      if (state === 'namespace') fail(-constants.errno.EEXIST, 'open', `cannot create namespace "${name}" (${p}): it already exists`);
      if (state === 'stale') {
        try {
          unlinkSync(p); // EBUSY if a namespace was mounted on it meanwhile: then it exists
        } catch (e2) {
          const err2 = e2 as NodeJS.ErrnoException;
          if (err2.code === 'EBUSY') fail(-constants.errno.EEXIST, 'open', `cannot create namespace "${name}" (${p}): it already exists`);
          if (err2.code !== 'ENOENT') fail(-(err2.errno ?? 1), 'unlink', `cannot remove the stale namespace file ${p}`);
        }
      }
      continue;
    }
    let r = -constants.errno.EIO;
    let thrown: unknown;
    try {
      writeSync(fd, mark);
      r = native().netnsCreate(`/proc/self/fd/${fd}`);
    } catch (e) {
      thrown = e;
    }
    let ours = false; // the name still refers to the file we created
    try {
      const a = fstatSync(fd);
      const b = statSync(p);
      ours = a.ino === b.ino && a.dev === b.dev;
    } catch {
      /* gone */
    }
    closeSync(fd);
    if (r === 0 && thrown === undefined) return;
    if (ours) {
      try {
        unlinkSync(p);
      } catch {
        /* ignore */
      }
    }
    if (thrown !== undefined) throw thrown;
    // our file was unlinked by another process reclaiming the name (the mount on it failed): start again
    if (!ours && -r === constants.errno.ENOENT && attempt <= 8) continue;
    fail(r, 'unshare/mount', `cannot create namespace "${name}"`);
  }
}

/**
 * Delete a persistent namespace (`ip netns del NAME`). Processes still inside
 * keep it alive. A stale file (no namespace mounted on it) is removed too.
 */
export async function del(name: string): Promise<void> {
  const p = path(name);
  // unmount until nothing is mounted there (two racing creators may have stacked mounts)
  for (let i = 0; ; i++) {
    const r = native().umount2(p, MNT_DETACH);
    if (r === 0 && i < 16) continue;
    if (r === 0 || -r === constants.errno.EINVAL) break;
    if (-r === constants.errno.ENOENT) fail(r, 'umount2', `namespace "${name}" does not exist`);
    fail(r, 'umount2', `cannot unmount namespace "${name}"`);
  }
  try {
    unlinkSync(p);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail(-(err.errno ?? 2), 'unlink', `cannot remove namespace "${name}"${err.code === 'ENOENT' ? ': it does not exist' : ''}`);
  }
}

/**
 * Names of the persistent namespaces (`ip netns list`), sorted. Only files
 * with a namespace mounted on them count: a stale file is not listed (`ip
 * netns list` shows it).
 */
export async function list(): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(NETNS_RUN_DIR);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.filter((n) => isNsfs(`${NETNS_RUN_DIR}/${n}`)).sort();
}

/** Whether NAME exists: a namespace is mounted on /run/netns/NAME (a stale file does not count). */
export async function exists(name: string): Promise<boolean> {
  const p = path(name); // a bad name is an ArgumentError, not "does not exist"
  return isNsfs(p);
}

// Network sysctls inside a namespace (no child process): see sysctl.ts.
export { sysctl, sysctlPath, parseSysctlValue, SysctlError, type SysctlValue } from './sysctl.js';
