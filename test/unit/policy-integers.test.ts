// Integer fields take only integers: in every registered policy (every
// message schema, every link kind's data and slave data, the AF_SPEC /
// PROTINFO families), a field whose codec accepts an integer must refuse
// `true` and `false` with an ArgumentError naming the field, rather than
// coerce them to 1 and 0 (`txQueueLen: true` used to set qlen 1, `vxlan: {
// id: true }` to create VNI 1). Fields that are booleans on the wire (flag,
// bool8, bool32...) keep the boolean as such.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../src/index.js'; // registers every schema and kind
import { ArgumentError } from '../../src/netlink/errors.js';
import type { Codec, NestedCodec, Policy } from '../../src/netlink/attr.js';
import { listKinds } from '../../src/rtnl/kinds/registry.js';
import { schemaFor } from '../../src/rtnl/schema.js';
import { afSpecPolicyFor, protinfoPolicyFor } from '../../src/rtnl/afspec.js';

function allPolicies(): Array<[string, Policy]> {
  const out = new Map<Policy, string>();
  const visit = (pol: Policy | undefined, where: string): void => {
    if (!pol || out.has(pol)) return;
    out.set(pol, where);
    for (const [k, spec] of pol.byName) {
      const sub = (spec.codec as Partial<NestedCodec>).policyFor;
      if (!sub) continue;
      try {
        visit(sub({}), `${where}.${k}`);
      } catch {
        /* a nest chosen by a sibling: reached through the kinds below */
      }
    }
  };
  for (let t = 0; t < 256; t++) {
    const s = schemaFor(t);
    if (s) visit(s.policy, s.name);
  }
  for (const k of listKinds()) {
    visit(k.data, `${k.kind} data`);
    visit(k.slaveData, `${k.kind} slave data`);
  }
  for (const f of [0, 2, 7, 10, 28, 45]) {
    visit(afSpecPolicyFor(f), `afSpec(${f})`);
    visit(protinfoPolicyFor(f), `protinfo(${f})`);
  }
  return [...out].map(([p, w]) => [w, p]);
}

/** The value a check returns, or the error it throws. */
function run(c: Codec<unknown>, v: unknown, f: string): { value?: unknown; error?: unknown } {
  try {
    return { value: c.check(v, f, {}) };
  } catch (error) {
    return { error };
  }
}

const isInt = (x: unknown): boolean => (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'bigint';

test('every integer field of every policy refuses true and false (ArgumentError naming the field); boolean fields keep booleans', () => {
  const pols = allPolicies();
  let intFields = 0;
  let structFields = 0;
  const coerced: string[] = [];
  for (const [where, pol] of pols) {
    for (const [k, spec] of pol.byName) {
      const f = `${where}.${k}`;
      const c = spec.codec as Codec<unknown>;
      // a scalar integer field: takes 1 (or a small range starting higher: try a few)
      const accepts = [1, 0, 2, 4, 64, 1500].some((n) => isInt(run(c, n, f).value));
      if (accepts) {
        intFields++;
        for (const b of [true, false]) {
          const r = run(c, b, f);
          if (r.error === undefined) {
            if (typeof r.value !== 'boolean') coerced.push(`${f}: ${b} -> ${String(r.value)}`);
            continue;
          }
          assert.ok(r.error instanceof ArgumentError, `${f}: ${b} gave ${String(r.error)}`);
          assert.equal((r.error as ArgumentError).field, f, `${f}: the error names the field`);
        }
        continue;
      }
      // arrays of integers
      if (isInt((run(c, [1], f).value as unknown[] | undefined)?.[0])) {
        intFields++;
        const r = run(c, [true], f);
        if (r.error === undefined && typeof (r.value as unknown[])[0] !== 'boolean') coerced.push(`${f}[0]: true -> ${String((r.value as unknown[])[0])}`);
        continue;
      }
      // fixed structs of integers: every field
      const st = run(c, {}, f).value;
      if (st && typeof st === 'object' && !Array.isArray(st) && Object.keys(st).length > 0 && Object.values(st).every(isInt)) {
        for (const sk of Object.keys(st)) {
          structFields++;
          const r = run(c, { [sk]: true }, f);
          if (r.error === undefined) coerced.push(`${f}.${sk}: true -> ${String((r.value as Record<string, unknown>)[sk])}`);
          else assert.ok(r.error instanceof ArgumentError && (r.error as ArgumentError).field === `${f}.${sk}`, `${f}.${sk}: ${String(r.error)}`);
        }
      }
    }
  }
  assert.equal(coerced, [], 'booleans taken as integers');
  // the walk reached the policies (links, kinds, addresses, routes, neighbours, rules, nsid...)
  assert.ok(pols.length >= 30, `${pols.length} policies`);
  assert.ok(intFields >= 300, `${intFields} integer fields`);
  assert.ok(structFields >= 50, `${structFields} struct fields`);
  console.log(`  ${pols.length} policies, ${intFields} integer fields, ${structFields} struct fields`);
});

test.run();
