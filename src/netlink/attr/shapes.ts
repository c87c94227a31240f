/**
 * The decoder's shape caches: per policy, a trie of the attribute layouts
 * seen, each node with a constructor generated once for its key list, so
 * every decoded object of one layout is built by one object literal (one
 * fast V8 shape) and shares its frozen wire layout. Pure functions of the
 * input, bounded (MAX_SHAPES nodes per policy, MAX_MAKERS constructors in
 * all): process-wide as a cache, never as state that changes a result.
 * @module
 */
import { WIRE, type Policy, type UnknownAttr } from './policy.js';
import { GENERATE_AFTER, plainMaker } from './internal.js';

/** A node of a policy's shape trie: one per distinct sequence of wire entries (attribute layout). */
export interface ShapeNode {
  next: Map<number, ShapeNode>;
  /** The transition (wire entry) taken last, checked before `next`. */
  lastEntry?: number;
  lastNode?: ShapeNode;
  make?: (vals: unknown[], wire: number[], unknown: UnknownAttr[] | undefined) => Record<string, unknown>;
  /** The wire layout every object of this node has (the trie path is the layout), shared by them. */
  wire?: readonly number[];
}


/**
 * Bounds on the shape caches, so odd or hostile input cannot grow memory:
 * trie nodes per policy, and generated constructors in all. Real dumps use a
 * few dozen shapes; past the bounds objects are built generically (correct,
 * slower).
 */
const MAX_SHAPES = 1024;
const MAX_MAKERS = 256;
let makers = 0;

export function shapeStep(pol: Policy, node: ShapeNode, entry: number): ShapeNode | undefined {
  // Most nodes have one successor (a kernel sends attributes in a fixed
  // order): the last transition taken is checked before the map.
  if (node.lastEntry === entry) return node.lastNode;
  let n = node.next.get(entry);
  if (n === undefined) {
    if (pol.shapeCount >= MAX_SHAPES) return undefined;
    pol.shapeCount++;
    n = { next: new Map(), lastEntry: -1, lastNode: undefined };
    node.next.set(entry, n);
  }
  node.lastEntry = entry;
  node.lastNode = n;
  return n;
}

/** Makers by key list: trie nodes that differ only in layout (a repeated or a raw-kept attribute) share one. */
const makerCache = new Map<string, NonNullable<ShapeNode['make']>>();
export function makerFor(keys: string[], n: number): ShapeNode['make'] {
  const ks = keys.slice(0, n);
  const id = ks.join('\0');
  let m = makerCache.get(id);
  if (m === undefined) {
    if (makers >= MAX_MAKERS) return undefined;
    makers++;
    m = makeShape(ks);
    makerCache.set(id, m);
  }
  return m;
}

function makeShape(keys: string[]): NonNullable<ShapeNode['make']> {
  const fields = keys.map((k, i): [string, string] => [k, `v[${i}]`]);
  // generated after GENERATE_AFTER objects of this key list (a short program
  // meets each layout a few times); until then built by a loop, into the same
  // own properties in the same order: the keys, `unknown`, the WIRE layout
  type Plain = (v: unknown[], w: readonly number[]) => Record<string, unknown>;
  let plain: Plain | undefined;
  let built = 0;
  // the form with `unknown` is compiled when a set of this key list first has unknown attributes (most never do)
  let withUnknown: ((v: unknown[], w: readonly number[], u: UnknownAttr[]) => Record<string, unknown>) | undefined;
  return (v, w, u) => {
    if (u === undefined) {
      if (plain !== undefined) return plain(v, w);
      if (++built > GENERATE_AFTER) return (plain = plainMaker<Plain>(['v', 'w'], [...fields, ['[WIRE]', 'w']], { WIRE }))(v, w);
      return buildPlain(keys, v, w, u);
    }
    return (withUnknown ??= plainMaker<NonNullable<typeof withUnknown>>(['v', 'w', 'u'], [...fields, ['unknown', 'u'], ['[WIRE]', 'w']], { WIRE }))(v, w, u);
  };
}

/** What a generated shape constructor builds (see makeShape), by a loop. */
function buildPlain(keys: readonly string[], v: unknown[], w: readonly number[], u: UnknownAttr[] | undefined): Record<string, unknown> {
  const o: Record<string | symbol, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === '__proto__') Object.defineProperty(o, k, { value: v[i], writable: true, enumerable: true, configurable: true });
    else o[k] = v[i];
  }
  if (u !== undefined) o.unknown = u;
  o[WIRE] = w;
  return o;
}
