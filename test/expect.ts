/** Small assertions uvu lacks: typed throws/rejects. */
import * as assert from 'uvu/assert';

type Ctor<T> = abstract new (...args: any[]) => T;

/** fn() must throw an instance of Cls whose message matches re (if given); returns the error. */
export function throwsA<T extends Error>(fn: () => unknown, Cls: Ctor<T>, re?: RegExp): T {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof Cls)) assert.unreachable(`expected ${Cls.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    if (re && !re.test((e as Error).message)) assert.unreachable(`message "${(e as Error).message}" does not match ${re}`);
    return e as T;
  }
  return assert.unreachable(`expected ${Cls.name} to be thrown`) as never;
}

/** p must reject with an instance of Cls (message matching re); returns the error. */
export async function rejectsA<T extends Error>(p: Promise<unknown> | (() => Promise<unknown>), Cls: Ctor<T>, re?: RegExp): Promise<T> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (!(e instanceof Cls)) assert.unreachable(`expected ${Cls.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    if (re && !re.test((e as Error).message)) assert.unreachable(`message "${(e as Error).message}" does not match ${re}`);
    return e as T;
  }
  return assert.unreachable(`expected a rejection with ${Cls.name}`) as never;
}

/** A call that must fail validation, and the field its ArgumentError must name. */
export type BadCall = [call: () => Promise<unknown>, field: string];

/**
 * Every call must reject with an ArgumentError naming its field, and the
 * socket must have sent nothing meanwhile (validation happens before I/O).
 */
export async function rejectsEachBeforeSending(socket: { stats: { datagramsOut: number } }, calls: BadCall[]): Promise<void> {
  const { ArgumentError } = await import('../src/netlink/errors.js');
  const before = socket.stats.datagramsOut;
  for (const [call, field] of calls) {
    const e = await rejectsA(call(), ArgumentError);
    assert.equal(e.field, field, e.message);
  }
  assert.equal(socket.stats.datagramsOut, before, 'nothing was sent');
}
