/**
 * The link kinds: the registry's API, with the built-in kinds registered
 * (importing this module calls registerBuiltinKinds(); src/index.ts, the CLI
 * and the capture decoder call it explicitly instead).
 * @module
 */
import { registerBuiltinKinds } from './table.js';

registerBuiltinKinds();
export * from './registry.js';
export { BUILTIN_KIND_NAMES, BUILTIN_CREATOR_KINDS, builtinKinds, builtinCreators, registerBuiltinKinds } from './table.js';
