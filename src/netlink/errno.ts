import { constants } from 'node:os';

const byNumber = new Map<number, string>([
  // Linux aliases: prefer the name the kernel sources use.
  [95, 'EOPNOTSUPP'],
  [11, 'EAGAIN'],
  [35, 'EDEADLK'],
]);
for (const [name, value] of Object.entries(constants.errno)) {
  // Keep the first (canonical) name for aliases such as EWOULDBLOCK/EAGAIN.
  if (!byNumber.has(value)) byNumber.set(value, name);
}
// Linux specifics Node does not list.
const extra: Record<number, string> = { 95: 'EOPNOTSUPP', 85: 'ERESTART', 524: 'ENOTSUPP', 132: 'ERFKILL', 133: 'EHWPOISON', 77: 'EBADFD' };
for (const [n, name] of Object.entries(extra)) if (!byNumber.has(Number(n))) byNumber.set(Number(n), name);

/** errno number -> name ('EEXIST'); 'E<n>' when unknown. */
export function errnoName(errno: number): string {
  const n = Math.abs(errno);
  return byNumber.get(n) ?? `E${n}`;
}

/** errno name -> number, or undefined. */
export function errnoNumber(name: string): number | undefined {
  return (constants.errno as Record<string, number>)[name];
}

export const EAGAIN = constants.errno.EAGAIN;
export const EINTR = constants.errno.EINTR;
export const ENOBUFS = constants.errno.ENOBUFS;
export const EBUSY = constants.errno.EBUSY;
export const ENOENT = constants.errno.ENOENT;
export const EEXIST = constants.errno.EEXIST;
export const ENODEV = constants.errno.ENODEV;
export const EINVAL = constants.errno.EINVAL;
