/**
 * rtnl.monitor(): multicast subscriptions as an async iterator of typed
 * events. Placeholder: filled in by the CLI/monitor work.
 * @module
 */
import type { Rtnl } from './rtnl.js';

/** Options of Rtnl.monitor(). */
export interface MonitorOptions {
  /** Receive buffer in bytes. */
  rcvbuf?: number;
}

export function monitor(_rtnl: Rtnl, _groups: string[], _opts: MonitorOptions = {}): AsyncIterableIterator<unknown> {
  throw new Error('monitor: not implemented yet');
}
