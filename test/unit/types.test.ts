// Type tests: the fixtures in test/types/*.ts are compiled against the built
// declarations (dist/src/*.d.ts, imported through the package's own name).
// 1. `tsc -p test/types` must succeed: an unused `// @ts-expect-error` (an
//    expected error that is missing) and any unexpected error fail it.
// 2. With the directives blanked, the errors must be exactly on the lines
//    after them, each for its stated reason (`-- expect: TEXT` is a part of
//    the message), and nowhere else.
// 3. Completions: known kinds complete in `kind: '|'`, a kind's options
//    complete under its key, and only the chosen kind's keys are offered.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = join(root, 'test', 'types');
const require = createRequire(import.meta.url);
const built = existsSync(join(root, 'dist', 'src', 'index.d.ts'));

const DIRECTIVE = /^\/\/ @ts-expect-error(?: -- expect: (.*))?$/;

interface Expectation {
  file: string;
  line: number; // 0-based line the error must be on
  text?: string;
}

function fixtures(): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

function options(): ts.CompilerOptions {
  const cfg = ts.readConfigFile(join(dir, 'tsconfig.json'), ts.sys.readFile);
  if (cfg.error) throw new Error(ts.flattenDiagnosticMessageText(cfg.error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(cfg.config, ts.sys, dir).options;
}

test('the fixtures exist and the declarations are built', () => {
  assert.ok(built, 'dist/src/index.d.ts (run tsc -p tsconfig.json first)');
  const files = fixtures().map((f) => f.slice(dir.length + 1));
  assert.ok(files.includes('link-add.ts') && files.includes('narrowing.ts'), files.join(', '));
});

test('tsc -p test/types: every expected error is there, no other', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', cwd: root });
  assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'tsc printed nothing');
  assert.equal(r.status, 0);
});

test('each @ts-expect-error line fails for its stated reason; no other line fails', () => {
  const expected: Expectation[] = [];
  const blanked = new Map<string, string>();
  for (const f of fixtures()) {
    const lines = readFileSync(f, 'utf8').split('\n');
    lines.forEach((l, i) => {
      const m = DIRECTIVE.exec(l.trim());
      if (!m) return;
      expected.push({ file: f, line: i + 1, ...(m[1] ? { text: m[1] } : {}) });
      lines[i] = l.replace('@ts-expect-error', 'expected error:'); // same line count, no directive
    });
    blanked.set(f, lines.join('\n'));
  }
  assert.ok(expected.length >= 30, `${expected.length} expectations`);
  assert.ok(expected.every((e) => e.text), 'every directive states its reason');
  const opts = options();
  const host = ts.createCompilerHost(opts);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => blanked.get(name) ?? readFile(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError) => {
    const text = blanked.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, onError);
  };
  const program = ts.createProgram([...blanked.keys()], opts, host);
  const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  const byLine = new Map<string, string[]>();
  for (const d of diags) {
    assert.ok(d.file && blanked.has(d.file.fileName), `error outside the fixtures: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start!);
    const key = `${d.file!.fileName}:${line}`;
    byLine.set(key, [...(byLine.get(key) ?? []), `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`]);
  }
  const want = new Set(expected.map((e) => `${e.file}:${e.line}`));
  for (const [key, msgs] of byLine) {
    assert.ok(want.has(key), `unexpected error at ${key.slice(dir.length + 1)}:\n${msgs.join('\n')}`);
  }
  for (const e of expected) {
    const key = `${e.file}:${e.line}`;
    const msgs = byLine.get(key);
    const where = `${key.slice(dir.length + 1)} (line ${e.line + 1})`;
    assert.ok(msgs, `expected an error at ${where}: ${e.text}`);
    assert.ok(
      msgs!.some((m) => m.includes(e.text!)),
      `the error at ${where} is not for "${e.text}":\n${msgs!.join('\n')}`,
    );
  }
});

test('completions: known kinds in `kind`, the kind\'s options under its key, only the chosen kind\'s keys', () => {
  const src = readFileSync(join(dir, 'completions', 'completions.ts'), 'utf8');
  const markers = new Map<string, number>();
  let text = '';
  let last = 0;
  for (const m of src.matchAll(/\/\*\^(\w[\w-]*)\*\//g)) {
    text += src.slice(last, m.index);
    markers.set(m[1]!, text.length);
    last = m.index! + m[0].length;
  }
  text += src.slice(last);
  const file = join(dir, 'completions', 'completions.ts');
  const opts = options();
  const service = ts.createLanguageService({
    getCompilationSettings: () => opts,
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      if (name === file) return ts.ScriptSnapshot.fromString(text);
      return existsSync(name) ? ts.ScriptSnapshot.fromString(readFileSync(name, 'utf8')) : undefined;
    },
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
  const at = (marker: string): string[] => {
    const pos = markers.get(marker);
    assert.ok(pos !== undefined, `marker ${marker}`);
    return (service.getCompletionsAtPosition(file, pos!, {})?.entries ?? []).map((e) => e.name);
  };
  const kinds = at('kind');
  for (const k of ['veth', 'bridge', 'vxlan', 'vlan', 'macvlan', 'macvtap', 'ipvlan', 'ipvtap', 'bond', 'team', 'macsec', 'geneve', 'vrf', 'dummy', 'ifb', 'vcan', 'vxcan', 'nlmon', 'wireguard', 'gre', 'gretap', 'erspan', 'ip6gre', 'ip6gretap', 'ip6erspan', 'ipip', 'sit', 'ip6tnl', 'ipoib', 'tun', 'tap']) {
    assert.ok(kinds.includes(k), `kind '${k}' completes (got ${kinds.join(', ')})`);
  }
  const vx = at('vxlanOptions');
  for (const o of ['id', 'remote', 'group', 'local', 'collectMetadata', 'learning', 'ttl', 'df']) assert.ok(vx.includes(o), `vxlan.${o} completes (got ${vx.join(', ')})`);
  assert.not.ok(vx.includes('stpState'), 'no bridge options under vxlan');
  const vlanTop = at('vlanTop');
  for (const o of ['link', 'vlan', 'mtu', 'name', 'master', 'netns']) assert.ok(vlanTop.includes(o), `${o} completes beside kind 'vlan' (got ${vlanTop.join(', ')})`);
  for (const o of ['vxlan', 'bridge', 'peer', 'infoData']) assert.not.ok(vlanTop.includes(o), `${o} is not offered beside kind 'vlan'`);
  const kd = at('kindData');
  assert.ok(kd.includes('vxlan') && kd.includes('bridge'), `kindData kinds complete (got ${kd.join(', ')})`);
});

test.run();
