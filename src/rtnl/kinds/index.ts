/** Registers every built-in link kind. Import for side effects. */
import './veth.js';
import './bridge.js';
export * from './registry.js';
