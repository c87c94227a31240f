/**
 * `using` / `await using` support: Symbol.dispose and Symbol.asyncDispose,
 * defined here when the runtime lacks them, the way Node itself defines them
 * (`Symbol.for('nodejs.dispose')`, `Symbol.for('nodejs.asyncDispose')`, Node
 * >= 18.18 / 20.4), so that the handles' dispose methods and TypeScript's
 * down-levelled `await using` agree on the symbols. Imported for its side
 * effect by every module that defines a dispose method, before its classes.
 * @module
 */
const S = Symbol as unknown as { dispose?: symbol; asyncDispose?: symbol };
if (typeof S.dispose !== 'symbol') Object.defineProperty(Symbol, 'dispose', { value: Symbol.for('nodejs.dispose'), configurable: false, writable: false });
if (typeof S.asyncDispose !== 'symbol') Object.defineProperty(Symbol, 'asyncDispose', { value: Symbol.for('nodejs.asyncDispose'), configurable: false, writable: false });

export {};
