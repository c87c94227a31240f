/**
 * Tracing through the `debug` package (`DEBUG=rtnetlink:* node app.js`),
 * loaded only when the DEBUG environment variable is set when the module is
 * first imported: without it, tracing costs neither the package's loading nor
 * a call per message.
 * @module
 */
import { createRequire } from 'node:module';

/** A `debug` logger (printf-style formatting), or a no-op when tracing is off. */
export interface Tracer {
  (format: string, ...args: unknown[]): void;
  readonly enabled: boolean;
}

type CreateDebug = (namespace: string) => Tracer;

let createDebug: CreateDebug | undefined;
const off: Tracer = Object.assign(() => {}, { enabled: false as const });

/** A tracer for `namespace` (e.g. 'rtnetlink:socket'). */
export function tracer(namespace: string): Tracer {
  if (!process.env.DEBUG) return off;
  createDebug ??= createRequire(import.meta.url)('debug') as CreateDebug;
  return createDebug(namespace);
}
