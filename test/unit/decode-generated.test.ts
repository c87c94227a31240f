// The decoders generate a builder per layout (shape constructors, full
// structs, devconf arrays: plainMaker, new Function) only after
// GENERATE_AFTER objects of that layout; until then a loop builds them
// (start-up, issue 16: a short command no longer compiles code for the few
// links it prints). Both must build the same object. Checked in a fresh
// process (the builders are process-wide caches): decoding a captured dump
// of four links generates nothing, and after GENERATE_AFTER passes over all
// the captured dumps
// (generated builders in use) every message decodes to an object with the
// same own keys in the same order, the same values, the same prototypes and
// the same (frozen, shared) wire layouts as the first time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

const dist = new URL('../../src/', import.meta.url).href;
const fixtures = new URL('../../../test/fixtures/', import.meta.url).href;

test('first decodes build by loops, later ones by generated code, and the objects are the same', () => {
  const code = `
    import { readFileSync } from 'node:fs';
    const dist = ${JSON.stringify(dist)};
    const fixtures = ${JSON.stringify(fixtures)};
    let generated = 0;
    const F = globalThis.Function;
    globalThis.Function = new Proxy(F, { construct(t, a) { generated++; return Reflect.construct(t, a); } });
    await import(dist + 'rtnl/kinds/index.js');
    const { GENERATE_AFTER } = await import(dist + 'netlink/attr/internal.js');
    const { splitMessages } = await import(dist + 'netlink/message.js');
    const { decodeMessage } = await import(dist + 'rtnl/schema.js');
    const msgs = [];
    let linkMsgs = 0;
    for (const f of ['link-dump.json', 'addr-dump.json', 'route-dump.json', 'neigh-dump.json', 'rule-dump.json', 'kinds-host.json', 'kinds-tunnels.json']) {
      const j = JSON.parse(readFileSync(new URL(f, fixtures), 'utf8'));
      for (const fr of j.frames ?? []) if (fr.dir === 'in') msgs.push(...splitMessages(Buffer.from(fr.hex, 'hex')));
      for (const c of j.captures ?? []) for (const hex of c.frames) msgs.push(...splitMessages(Buffer.from(hex, 'hex')));
      if (f === 'link-dump.json') linkMsgs = msgs.length;
    }
    const decodeAll = () => msgs.map((m) => { try { return decodeMessage(m); } catch (e) { return 'error: ' + e.message; } });
    // what rtnl-dump link does: decode a few links once (link-dump.json: lo, a veth pair, a bridge)
    const links = msgs.slice(0, linkMsgs).map((m) => decodeMessage(m)).filter((o) => o !== undefined).length;
    const atFirst = generated;
    const first = decodeAll();
    let last;
    for (let i = 0; i < GENERATE_AFTER + 2; i++) last = decodeAll();
    const afterAll = generated;
    // a strict comparison: own keys (strings and symbols) in order, descriptors' values, prototypes, frozenness
    const diffs = [];
    const seen = new Map();
    function same(a, b, path) {
      if (diffs.length > 5) return;
      if (typeof a !== typeof b) return diffs.push(path + ': ' + typeof a + ' vs ' + typeof b);
      if (typeof a !== 'object' || a === null || b === null) { if (!Object.is(a, b)) diffs.push(path + ': ' + String(a) + ' vs ' + String(b)); return; }
      if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return diffs.push(path + ': prototype');
      if (Object.isFrozen(a) !== Object.isFrozen(b)) return diffs.push(path + ': frozen');
      if (ArrayBuffer.isView(a)) { if (!Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))) diffs.push(path + ': bytes'); return; }
      const ka = Reflect.ownKeys(a), kb = Reflect.ownKeys(b);
      if (ka.map(String).join() !== kb.map(String).join()) return diffs.push(path + ': keys ' + ka.map(String).join() + ' vs ' + kb.map(String).join());
      for (const k of ka) {
        const da = Object.getOwnPropertyDescriptor(a, k), db = Object.getOwnPropertyDescriptor(b, k);
        if (da.enumerable !== db.enumerable || da.writable !== db.writable || da.configurable !== db.configurable) diffs.push(path + '.' + String(k) + ': descriptor');
        same(da.value, db.value, path + '.' + String(k));
      }
    }
    let objects = 0;
    first.forEach((o, i) => { if (o !== undefined) objects++; same(o, last[i], '#' + i); });
    console.log(JSON.stringify({ messages: msgs.length, objects, links, atFirst, afterAll, diffs }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as { messages: number; objects: number; links: number; atFirst: number; afterAll: number; diffs: string[] };
  assert.ok(o.objects > 40, `${o.objects} decoded objects of ${o.messages} messages`);
  assert.is(o.links, 4);
  assert.is(o.atFirst, 0, 'decoding a few links (each layout met a few times) generates no code');
  assert.ok(o.afterAll > 10, `later decodes use generated builders (${o.afterAll} generated): the comparison below compares the two`);
  assert.equal(o.diffs, [], 'the objects built by loops and by generated code are the same');
});

test.run();
