// Docs that run: every ```ts block of README.md, docs/**/*.md and examples/*.md is
// type-checked against the package (`import ... from 'rtnetlink'` resolves to this
// package through node_modules, as for a user) and run in a throwaway environment:
// a child process in a fresh network namespace and a private mount namespace with
// its own tmpfs /run/netns (unshare(1)), with a timeout. Afterwards the program must
// have cleaned up after itself: no namespace under its /run/netns, no link besides
// `lo`, no fd or handle left open. Markers in the Markdown (test/doc-blocks.ts,
// docs/testing.md) keep a block from running or join it to the previous one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { MarkerError, programName, programSource, programsOf, readDocBlocks, type DocBlock, type DocProgram } from '../doc-blocks.js';
import { isRoot, ktest, lane, skip } from '../helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// The documents come from the repository (README.md, docs/**, examples/**: a new document is picked
// up without a change here), or from RTNL_DOCS_ROOT: the harness self-test below points it at a
// fixture tree to check that a bad block fails this test by name.
const docsRoot = process.env.RTNL_DOCS_ROOT ?? root;
const selfTest = process.env.RTNL_DOCS_ROOT === undefined;
const childScript = join(root, 'dist', 'test', 'doc-env-child.js');
const TIMEOUT_MS = Number(process.env.RTNL_DOC_TIMEOUT ?? (lane === 'vm' ? 300 : 60)) * 1000;

let programs: DocProgram[] = [];
let skipped: DocBlock[] = [];
let markerError: string | undefined;
try {
  ({ programs, skipped } = programsOf(readDocBlocks(docsRoot)));
} catch (e) {
  if (!(e instanceof MarkerError)) throw e;
  markerError = e.message;
}

// ---- the programs as files of a throwaway package that depends on this one
const work = mkdtempSync(join(tmpdir(), 'rtnl-docs-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
mkdirSync(join(work, 'node_modules'));
symlinkSync(root, join(work, 'node_modules', 'rtnetlink'), 'dir');
writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'rtnetlink-doc-blocks', private: true, type: 'module' }));

interface Built {
  program: DocProgram;
  ts: string;
  js: string;
  map: (line: number) => string;
  errors: string[];
}
const built: Built[] = programs.map((p) => {
  const slug = `${p.doc.replace(/[^\w.-]+/g, '_')}-L${p.line}`;
  const { source, map } = programSource(p);
  const file = join(work, `${slug}.ts`);
  writeFileSync(file, source);
  return { program: p, ts: file, js: join(work, `${slug}.js`), map, errors: [] };
});

function typeCheck(): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    esModuleInterop: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
    inlineSourceMap: true,
    inlineSources: true,
    outDir: work,
    rootDir: work,
  };
  const prog = ts.createProgram(built.map((b) => b.ts), options);
  const emitted = prog.emit();
  const diags = [...ts.getPreEmitDiagnostics(prog), ...emitted.diagnostics];
  const general: string[] = [];
  for (const d of diags) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const b = d.file && built.find((x) => x.ts === d.file!.fileName);
    if (!b || d.start === undefined) {
      general.push(text);
      continue;
    }
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
    b.errors.push(`${b.map(line + 1)}: TS${d.code}: ${text}`);
  }
  return general;
}

test('the marker comments of the docs parse', () => {
  assert.not.ok(markerError, markerError);
  assert.ok(programs.length > 0, 'found TypeScript blocks in the docs');
});

let checked = false;
test('every TypeScript block of the docs type-checks against the package', () => {
  const general = typeCheck();
  checked = true;
  const all = [...general, ...built.flatMap((b) => b.errors)];
  assert.equal(all, [], `type errors:\n${all.join('\n')}`);
});

for (const b of skipped) skip(test, `${b.doc}:${b.line}`, `not run: ${b.reason}`);

/** Replace positions in the temp files by doc:line in a stack or message. */
function mapPositions(text: string): string {
  let out = text;
  for (const b of built) {
    for (const f of [b.ts, b.js]) {
      const esc = f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      out = out.replace(new RegExp(`(?:file://)?${esc}:(\\d+)(?::\\d+)?`, 'g'), (_, l: string) => b.map(Number(l)));
    }
  }
  return out;
}

interface RunResult {
  code: number | null;
  signal: string | null;
  out: string;
  timedOut: boolean;
}

function runInThrowawayEnv(js: string): Promise<RunResult> {
  const setup = 'mkdir -p /run/netns && mount -t tmpfs -o mode=0755,size=1m rtnl-doc-netns /run/netns && exec "$@"';
  return new Promise((resolve) => {
    const child = spawn(
      'unshare',
      ['--net', '--mount', '--propagation', 'private', '--', 'sh', '-c', setup, 'sh', process.execPath, '--enable-source-maps', childScript, js],
      { cwd: work, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL'); // the program and whatever it started
      } catch {
        // gone already
      }
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, timedOut });
    });
  });
}

const unshareMissing = spawnSync('unshare', ['--version'], { encoding: 'utf8' }).status !== 0;

// The check itself: a program that leaves a namespace, a link, an open fd and a timer behind
// must be reported with each of them, and one that throws with its error; a clean one with nothing.
const probes = {
  leaky: `import { netns, Rtnl } from 'rtnetlink';
import { openSync } from 'node:fs';
await netns.add('left0');
const r = await Rtnl.open();
await r.links.add({ name: 'left-br', kind: 'bridge' });
await r.close();
openSync('/proc/self/status', 'r');
setInterval(() => undefined, 1000);
`,
  throws: `import { Rtnl } from 'rtnetlink';
const r = await Rtnl.open();
try { await r.links.get('no-such-link'); } finally { await r.close(); }
`,
  clean: `import { netns, Rtnl } from 'rtnetlink';
await netns.add('net0');
const r = await Rtnl.open({ netns: 'net0' });
await r.links.add({ name: 'br0', kind: 'bridge' });
await r.close();
await netns.del('net0');
`,
};
for (const [name, code] of Object.entries(probes)) writeFileSync(join(work, `probe-${name}.js`), code);

ktest(test, 'the throwaway environment reports what a program left behind, and what it threw', async () => {
  const result = async (name: string): Promise<{ error?: string; left: Record<string, string[]> }> => {
    const r = await runInThrowawayEnv(join(work, `probe-${name}.js`));
    const line = /^DOC-RESULT (.*)$/m.exec(r.out);
    assert.ok(line, r.out);
    return JSON.parse(line![1]!);
  };
  const leaky = await result('leaky');
  assert.equal(leaky.error, undefined);
  assert.equal(leaky.left.namespaces, ['left0']);
  assert.equal(leaky.left.links, ['left-br']);
  assert.ok(leaky.left.fds?.some((f) => f.endsWith('/status')), JSON.stringify(leaky.left));
  assert.ok(leaky.left.handles?.some((h) => h.startsWith('Timeout')), JSON.stringify(leaky.left));
  const thrown = await result('throws');
  assert.match(thrown.error ?? '', /ENODEV/);
  assert.equal(thrown.left, {});
  const clean = await result('clean');
  assert.equal(clean, { left: {} });
  // and the host saw none of it: the namespaces lived in the environment's own /run/netns
  const hostNs = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  assert.not.match(hostNs, /\bleft0\b/);
});

// The verdict, end to end: this very test file, run on a fixture tree (RTNL_DOCS_ROOT), must fail
// the block that leaks a namespace, the one that throws, the one that leaves a link and the one that
// does not type-check, each by doc:line, and pass the clean block of a document it was never told
// about (docs/new-topic.md: new documents are found by walking the tree).
const fixtureDoc = {
  'README.md': [
    '# Fixture', //                                                     1
    '```ts', //                                                         2
    "import { netns, Rtnl } from 'rtnetlink';", //                      3
    "await netns.add('leaked0');", //                                   4
    '```', //                                                           5
    '```ts', //                                                         6
    'const r = await Rtnl.open();', //                                  7
    "try { await r.links.get('no-such-link'); } finally { await r.close(); }", // 8
    '```', //                                                           9
    '```ts', //                                                        10
    'const h = await Rtnl.open();', //                                 11
    "await h.links.add({ name: 'left-br0', kind: 'bridge' });", //     12
    'await h.close();', //                                             13
    '```', //                                                          14
    '```ts', //                                                        15
    "const n: number = 'not a number';", //                            16
    'console.log(n);', //                                              17
    '```', //                                                          18
    '',
  ].join('\n'),
  'docs/new-topic.md': ['# New', '```ts', "import { netns } from 'rtnetlink';", "await netns.add('tidy0');", "await netns.del('tidy0');", '```', ''].join('\n'),
};
const SELF_TEST = 'harness self-test: a doc block that leaks, throws or does not type-check fails this test by name';
// The self-test checks the harness, not the kernel: under emulation (VM lane) its
// second type-check and runs cost minutes, so it runs in the host lanes only.
if (selfTest && lane === 'vm') skip(test, SELF_TEST, 'host lanes only: it tests the harness (same on every kernel) and under TCG costs a second type-check');
else if (selfTest) {
  ktest(test, SELF_TEST, async () => {
    const fx = join(work, 'fixture');
    mkdirSync(join(fx, 'docs'), { recursive: true });
    for (const [f, text] of Object.entries(fixtureDoc)) writeFileSync(join(fx, f), text);
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      cwd: root,
      env: { ...process.env, RTNL_DOCS_ROOT: fx, RTNL_TEST_TIMES: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
    assert.not.equal(code, 0, `the doc test passed a fixture with bad blocks:\n${plain}`);
    const failed = [...plain.matchAll(/FAIL\s+"([^"]+)"/g)].map((m) => m[1]!);
    const has = (needle: string): boolean => failed.some((f) => f.startsWith(needle));
    assert.ok(has('README.md:2'), `the leaking block fails:\n${plain}`);
    assert.match(plain, /README\.md:2 did not clean up after itself, left behind:\s+namespaces: leaked0/);
    assert.ok(has('README.md:6'), `the throwing block fails:\n${plain}`);
    assert.match(plain, /README\.md:6 threw:[\s\S]*ENODEV/);
    assert.ok(has('README.md:10'), `the block leaving a link fails:\n${plain}`);
    assert.match(plain, /links: left-br0/);
    assert.ok(has('README.md:15'), `the block that does not type-check fails:\n${plain}`);
    assert.match(plain, /README\.md:16: TS2322/);
    assert.not.ok(has('docs/new-topic.md:2'), `the clean block of the new document passes:\n${plain}`);
    assert.match(plain, /TIME: \d+ ms: docs\/new-topic\.md:2/, 'the new document was found and run');
    // nothing of it reached this namespace or /run/netns
    assert.not.match(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout, /\bleaked0\b/);
  });
}

for (const b of built) {
  const name = programName(b.program);
  if (b.program.mode === 'compile') {
    skip(test, name, `compile only (type-checked, not run): ${b.program.blocks[0]!.reason}`);
    continue;
  }
  if (isRoot && unshareMissing) {
    skip(test, name, 'unshare(1) (util-linux) is missing: cannot make a throwaway environment');
    continue;
  }
  ktest(
    test,
    name,
    async () => {
      assert.ok(checked, 'type-check ran first');
      assert.equal(b.errors, [], `does not type-check:\n${b.errors.join('\n')}`);
      const r = await runInThrowawayEnv(b.js);
      const output = mapPositions(r.out.replace(/^DOC-RESULT .*$\n?/m, ''));
      const tail = output.length > 4000 ? `...${output.slice(-4000)}` : output;
      if (r.timedOut) assert.unreachable(`${name} did not finish within ${TIMEOUT_MS / 1000} s (killed). Output:\n${tail}`);
      const line = /^DOC-RESULT (.*)$/m.exec(r.out);
      if (!line) assert.unreachable(`${name}: the environment exited with ${r.signal ?? r.code} before reporting. Output:\n${tail}`);
      const res = JSON.parse(line![1]!) as { error?: string; left: Record<string, string[]> };
      if (res.error) assert.unreachable(`${name} threw:\n${mapPositions(res.error)}\nOutput:\n${tail}`);
      const left = Object.entries(res.left).map(([what, items]) => `${what}: ${items.join(', ')}`);
      assert.equal(left, [], `${name} did not clean up after itself, left behind:\n  ${left.join('\n  ')}`);
      assert.equal(r.code, 0, `exit code. Output:\n${tail}`);
    },
    b.program.needs,
  );
}

test.run();
