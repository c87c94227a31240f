// The Markdown side of "docs that run" (test/doc-blocks.ts): which fenced blocks are programs,
// the markers, imports carried from earlier blocks, and line mapping back to the document.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractBlocks, MarkerError, programSource, programsOf } from '../doc-blocks.js';

const doc = [
  '# Title', //                                              1
  '```ts', //                                                2
  "import { Rtnl, netns } from 'rtnetlink';", //             3
  "import { readFileSync as rf } from 'node:fs';", //        4
  '```', //                                                  5
  '```sh', //                                                6
  'ip link', //                                              7
  '```ts', //                                                8  (inside a sh block: not a fence)
  '```', //                                                  9
  '<!-- not run: a shape -->', //                           10
  '```typescript', //                                       11
  '{ a: 1, ... }', //                                       12
  '```', //                                                 13
  '', //                                                    14
  '<!-- needs: vlan, bond -->', //                          15
  '', //                                                    16
  '```ts title', //                                         17
  "await netns.add('x');", //                               18
  'const r = await Rtnl.open();', //                        19
  '```', //                                                 20
  '<!-- not run: between -->', //                           21
  '```ts', //                                               22
  'shape', //                                               23
  '```', //                                                 24
  '<!-- run with previous -->', //                          25
  '```ts', //                                               26
  'await r.close(); rf;', //                                27
  '```', //                                                 28
  '- a list item:', //                                      29
  '  <!-- compile only: forever -->', //                    30
  '  ```ts', //                                             31
  '  for (;;) await Rtnl.open();', //                       32
  '  ```', //                                               33
].join('\n');

test('blocks, modes and markers', () => {
  const blocks = extractBlocks('d.md', doc);
  assert.equal(blocks.map((b) => [b.line, b.mode, b.withPrevious, b.needs, b.reason ?? null]), [
    [2, 'run', false, [], null],
    [11, 'skip', false, [], 'a shape'],
    [17, 'run', false, ['vlan', 'bond'], null],
    [22, 'skip', false, [], 'between'],
    [26, 'run', true, [], null],
    [31, 'compile', false, [], 'forever'],
  ]);
  assert.is(blocks[5]!.code, 'for (;;) await Rtnl.open();', 'list indentation removed');
});

test('programs: continuations join across not-run blocks; imports of earlier blocks are carried when used', () => {
  const { programs, skipped } = programsOf(extractBlocks('d.md', doc));
  assert.equal(skipped.map((b) => b.line), [11, 22]);
  assert.equal(programs.map((p) => [p.line, p.mode, p.blocks.map((b) => b.line), p.needs]), [
    [2, 'run', [2], []],
    [17, 'run', [17, 26], ['vlan', 'bond']],
    [31, 'compile', [31], []],
  ]);
  assert.equal(programs[0]!.carried, []);
  assert.equal(programs[1]!.carried.sort(), ["import { Rtnl, netns } from 'rtnetlink';", "import { readFileSync as rf } from 'node:fs';"].sort());
  assert.equal(programs[2]!.carried, ["import { Rtnl } from 'rtnetlink';"], 'only the names the block uses');
});

test('programSource maps lines back to the document', () => {
  const { programs } = programsOf(extractBlocks('d.md', doc));
  const { source, map } = programSource(programs[1]!);
  const lines = source.split('\n');
  const at = (text: string): number => lines.findIndex((l) => l.includes(text)) + 1;
  assert.is(map(at("netns.add('x')")), 'd.md:18');
  assert.is(map(at('Rtnl.open()')), 'd.md:19');
  assert.is(map(at('r.close()')), 'd.md:27');
  assert.ok(source.trimEnd().endsWith('export {};'), 'a module: top-level await');
});

test('bad markers are errors, not ignored comments', () => {
  for (const [text, re] of [
    ['<!-- not run -->\n```ts\nx\n```', /not understood/],
    ['<!-- compile only:   -->\n```ts\nx\n```', /not understood/],
    ['<!-- needs -->\n```ts\nx\n```', /not understood/],
    ['<!-- run with previous -->\n```ts\nx\n```', /first block/],
    ['```ts\nx\n', /never closed/],
  ] as const) {
    assert.throws(() => programsOf(extractBlocks('bad.md', text)), (e: unknown) => e instanceof MarkerError && re.test(e.message), text);
  }
  // an ordinary comment is fine
  assert.is(extractBlocks('ok.md', '<!-- see below -->\n```ts\nx\n```')[0]!.mode, 'run');
});

test.run();
