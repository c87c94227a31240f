// The process's open file descriptors (fd -> what it points to), for exact
// before/after leak comparisons in tests.
import { readdirSync, readlinkSync } from 'node:fs';

/** fd -> target of /proc/self/fd, read now. */
export function openFds(): Map<string, string> {
  const m = new Map<string, string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      m.set(fd, readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      /* the fd of the readdir itself, closed by now */
    }
  }
  return m;
}
