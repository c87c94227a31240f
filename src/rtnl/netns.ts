/**
 * Persistent network namespaces, equivalent to `ip netns add/del/list`:
 * a namespace bind-mounted on /run/netns/NAME. No child process: the native
 * layer unshares a new namespace on the calling thread, bind-mounts it and
 * returns the thread to its original namespace in one step.
 * @module
 */
import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, constants as fsc } from 'node:fs';
import { constants } from 'node:os';
import { NetlinkError } from '../netlink/errors.js';
import { native } from '../netlink/native.js';
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

/** Create a persistent namespace NAME (`ip netns add NAME`). Rejects with EEXIST if it exists. */
export async function add(name: string): Promise<void> {
  const p = path(name);
  prepareRunDir();
  let fd: number;
  try {
    fd = openSync(p, fsc.O_RDONLY | fsc.O_CREAT | fsc.O_EXCL, 0);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail(-(err.errno ?? 17), 'open', `cannot create namespace "${name}" (${p})${err.code === 'EEXIST' ? ': it already exists' : ''}`);
  }
  closeSync(fd);
  const r = native().netnsCreate(p);
  if (r < 0) {
    try {
      unlinkSync(p);
    } catch {
      /* ignore */
    }
    fail(r, 'unshare/mount', `cannot create namespace "${name}"`);
  }
}

/** Delete a persistent namespace (`ip netns del NAME`). Processes still inside keep it alive. */
export async function del(name: string): Promise<void> {
  const p = path(name);
  const r = native().umount2(p, MNT_DETACH);
  if (r < 0 && -r !== constants.errno.EINVAL) {
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

/** Names of the persistent namespaces (`ip netns list`), sorted. */
export async function list(): Promise<string[]> {
  try {
    return readdirSync(NETNS_RUN_DIR).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Whether NAME exists. */
export async function exists(name: string): Promise<boolean> {
  const p = path(name); // a bad name is an ArgumentError, not "does not exist"
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

// Network sysctls inside a namespace (no child process): see sysctl.ts.
export { sysctl, sysctlPath, parseSysctlValue, SysctlError, type SysctlValue } from './sysctl.js';
