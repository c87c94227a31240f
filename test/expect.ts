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
