/**
 * A value computed on first use and kept: `once(() => build())` returns a
 * function that builds the value the first time it is called and returns
 * the same value after. Import-time tables (name scans of the UAPI table,
 * files under /etc/iproute2) are built this way so that loading a module
 * costs nothing until the table is needed. `make` must not return undefined
 * (that would be built again on every call), and a `make` that throws is
 * called again next time. Module state: each thread (a
 * worker has its own module instances) builds its own value.
 * @module
 */
export function once<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= make());
}
