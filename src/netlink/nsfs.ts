/**
 * Telling a real namespace file from a stale one, without native code.
 *
 * A persistent namespace is an nsfs inode bind-mounted on a file under
 * /run/netns. `ip netns add` (and our `netns.add`) first creates an empty file,
 * then mounts the namespace on it; a process killed in between, or `ip netns
 * del` killed between unmount and unlink, leaves the empty file behind. statfs
 * tells them apart: a mounted namespace reports NSFS_MAGIC, the file under it
 * reports the file system of /run (tmpfs, ext4...).
 * @module
 */
import { statfsSync } from 'node:fs';

/** NSFS_MAGIC (include/uapi/linux/magic.h): the file system of namespace inodes. */
export const NSFS_MAGIC = 0x6e736673;

/**
 * Whether `path` (followed through symlinks and /proc magic links, e.g.
 * `/proc/self/fd/N`) is a namespace inode. False when it does not exist.
 */
export function isNsfs(path: string): boolean {
  try {
    return statfsSync(path).type === NSFS_MAGIC;
  } catch {
    return false;
  }
}
