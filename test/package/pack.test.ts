/**
 * The package as a user gets it: `npm pack`, then installs of the tarball
 * into throw-away projects the way a new user's machine would do them, with
 * no compiler (cc, gcc, make, python3 removed from PATH), a fresh HOME, no
 * network (a new network namespace: only the local tarballs are there), and
 * install scripts ignored (npm --ignore-scripts, pnpm 10's default). The
 * native addon must come from prebuilds/ and work: `npx rtnl-dump link` and
 * `import { Rtnl } from 'rtnetlink'` both list links. Also: the prebuilt
 * binaries match the sources (scripts/prebuild.mjs --check) and the package
 * holds what it should (LICENSE, CHANGELOG, existing `files`, no @internal
 * in the .d.ts, source maps with their sources).
 *
 * Dependencies come from this repository's node_modules, packed as tarballs:
 * nothing is fetched. RTNL_NODE22 / RTNL_NODE24 (set by scripts/test.sh) name
 * the other Node lines' binaries for the require()/import checks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { skip } from '../helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  engines: { node: string };
};
const work = mkdtempSync(join(tmpdir(), 'rtnl-package-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? root, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeout ?? 300000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}
const out = (r: SpawnSyncReturns<string>): string => `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}\n${r.stdout}\n${r.stderr}`.trim();

// ---------------------------------------------------------------- prebuilds

{
  const r = run(process.execPath, ['scripts/prebuild.mjs', '--check', '--json']);
  let checks: Array<{ name: string; status: string; detail: string }>;
  try {
    checks = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    checks = [{ name: 'scripts/prebuild.mjs --check runs', status: 'failed', detail: out(r) }];
  }
  for (const c of checks) {
    if (c.status === 'skipped') skip(test, c.name, c.detail);
    else test(c.name, () => assert.ok(c.status === 'passed', c.detail));
  }
}

// ---------------------------------------------------------------- the tarball

interface PackResult {
  filename: string;
  files: Array<{ path: string; size: number }>;
}
let tarball = '';
let packed: string[] = [];
const unpacked = join(work, 'unpacked');

test('npm pack --dry-run lists prebuilds/linux-x64/... and prebuilds/linux-arm64/...; npm pack makes the tarball with the same files', () => {
  const dry = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
  assert.is(dry.status, 0, out(dry));
  const dryFiles = (JSON.parse(dry.stdout) as PackResult[])[0]!.files;
  for (const f of dryFiles.filter((x) => x.path.startsWith('prebuilds/'))) console.log(`  npm pack --dry-run: ${f.path} (${f.size} bytes)`);
  const r = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work]);
  assert.is(r.status, 0, out(r));
  const res = (JSON.parse(r.stdout) as PackResult[])[0]!;
  tarball = join(work, res.filename);
  packed = res.files.map((f) => f.path).sort();
  mkdirSync(unpacked);
  const x = run('tar', ['xzf', tarball, '-C', unpacked, '--strip-components=1']);
  assert.is(x.status, 0, out(x));
  assert.equal(packed, dryFiles.map((f) => f.path).sort());
  for (const p of ['prebuilds/linux-x64/rtnetlink.napi.glibc.node', 'prebuilds/linux-arm64/rtnetlink.napi.glibc.node']) {
    assert.ok(packed.includes(p), `${p} is in the package`);
  }
});

test('the packed binaries: an x86-64 and an aarch64 ELF shared object, the very files BUILDINFO.json records (the ones the host and arm64 lanes load)', () => {
  assert.ok(tarball, 'packed');
  const info = JSON.parse(readFileSync(join(root, 'prebuilds/BUILDINFO.json'), 'utf8')) as { builds: Array<{ file: string; sha256: string }> };
  for (const [dir, machine] of [['linux-x64', 62], ['linux-arm64', 183]] as const) {
    const file = `${dir}/rtnetlink.napi.glibc.node`;
    const bytes = readFileSync(join(unpacked, 'prebuilds', file));
    assert.is(bytes.readUInt32BE(0), 0x7f454c46, `${file}: ELF magic`);
    assert.is(bytes[4], 2, `${file}: 64-bit`);
    assert.is(bytes.readUInt16LE(16), 3, `${file}: ET_DYN (a shared object)`);
    assert.is(bytes.readUInt16LE(18), machine, `${file}: e_machine`);
    const rec = info.builds.find((b) => b.file === file);
    assert.ok(rec, `${file} recorded in BUILDINFO.json`);
    assert.is(createHash('sha256').update(bytes).digest('hex'), rec!.sha256, `${file}: sha256 as recorded`);
    assert.equal(readFileSync(join(root, 'prebuilds', file)), bytes, `${file}: the repository's file`);
  }
});

test('package hygiene: LICENSE, CHANGELOG.md; the CLI bundle; every "files" entry exists; bin without ./ and executable by node; nothing from test/, bench/, build/', () => {
  assert.ok(packed.length, 'packed');
  for (const f of ['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']) assert.ok(packed.includes(f), `${f} is in the package`);
  for (const f of pkg.files) {
    assert.ok(!/[*?[]/.test(f), `"files" entry ${f}: no globs, so its existence can be checked`);
    assert.ok(existsSync(join(root, f)), `"files" entry ${f} exists`);
    assert.ok(packed.some((p) => p === f || p.startsWith(`${f}/`)), `"files" entry ${f} contributes files`);
  }
  for (const [name, file] of Object.entries(pkg.bin)) {
    assert.ok(!file.startsWith('./'), `bin ${name}: written without ./ (${file})`);
    assert.ok(packed.includes(file), `bin ${name}: ${file} is in the package`);
    assert.ok(readFileSync(join(unpacked, file), 'utf8').startsWith('#!/usr/bin/env node\n'), `bin ${name}: node shebang`);
  }
  // the CLI bundle bin/rtnl-dump.js runs (scripts/bundle.mjs): exactly the files of dist/bundle/
  const bundle = packed.filter((p) => p.startsWith('dist/bundle/'));
  assert.ok(bundle.includes('dist/bundle/rtnl-dump.js'), 'the CLI bundle\'s entry is in the package');
  assert.equal(bundle, readdirSync(join(root, 'dist', 'bundle')).map((f) => `dist/bundle/${f}`).sort(), 'dist/bundle/ packed whole (the entry and every chunk)');
  const stray = packed.filter((p) => /^(dist\/(test|bench)|build|node_modules|test|bench|\.)/.test(p));
  assert.equal(stray, [], 'no tests, benchmarks, builds or dotfiles');
});

test('published .d.ts files have no @internal members (stripInternal)', () => {
  const dts = packed.filter((p) => p.endsWith('.d.ts'));
  assert.ok(dts.length > 10, `${dts.length} .d.ts files`);
  const offenders = dts.filter((p) => readFileSync(join(unpacked, p), 'utf8').includes('@internal'));
  assert.equal(offenders, []);
  // the members marked @internal in the sources are really gone
  assert.not.match(readFileSync(join(unpacked, 'dist/src/rtnl/neighs.d.ts'), 'utf8'), /\bsendDel\(/);
});

test('source maps ship their sources: every map names sources it contains (sourcesContent) or that are in the package; every sourceMappingURL resolves', () => {
  const maps = packed.filter((p) => p.endsWith('.map'));
  assert.ok(maps.length > 10, `${maps.length} maps`);
  for (const m of maps) {
    const map = JSON.parse(readFileSync(join(unpacked, m), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
    map.sources.forEach((s, i) => {
      const inline = typeof map.sourcesContent?.[i] === 'string';
      const file = relative(unpacked, join(unpacked, dirname(m), s));
      assert.ok(inline || packed.includes(file), `${m}: source ${s} neither inline nor packed`);
    });
  }
  for (const js of packed.filter((p) => p.endsWith('.js') && p.startsWith('dist/'))) {
    const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(unpacked, js), 'utf8'))?.[1];
    if (url) assert.ok(packed.includes(relative(unpacked, join(unpacked, dirname(js), url))), `${js}: its map ${url} is packed`);
  }
});

// ---------------------------------------------------------------- consumers

/** A PATH with everything of ours except compilers, make and python (node-gyp's needs). */
const NO_BUILD_TOOLS = /^(cc|c\+\+|c89|c99|cpp|gcc|g\+\+|clang|clang\+\+|tcc|make|gmake|python|python3|python2)([-.][0-9.]+)?$|-(gcc|g\+\+|cc|c\+\+|cpp)(-[0-9.]+)?$/;
function noBuildToolsPath(): string {
  const dir = join(work, 'bin');
  if (existsSync(dir)) return dir;
  mkdirSync(dir);
  const seen = new Set<string>();
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (!d || !existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (seen.has(name) || NO_BUILD_TOOLS.test(name)) continue;
      const p = join(d, name);
      try {
        if (!statSync(p).isFile()) continue;
      } catch {
        continue;
      }
      seen.add(name);
      symlinkSync(p, join(dir, name));
    }
  }
  // node itself: the one running the tests
  if (!seen.has('node')) symlinkSync(process.execPath, join(dir, 'node'));
  return dir;
}

/** How to run a command with no network: a new, empty network namespace. */
const netless: string[] | null = (() => {
  for (const pre of [['unshare', '--net'], ['unshare', '--user', '--map-root-user', '--net']]) {
    if (spawnSync(pre[0]!, [...pre.slice(1), 'true'], { stdio: 'ignore' }).status === 0) return pre;
  }
  return null;
})();

/** Dependencies (transitive, from package.json) packed from node_modules into tarballs: name -> path. */
let depTarballs: Map<string, string> | undefined;
function deps(): Map<string, string> {
  if (depTarballs) return depTarballs;
  const dir = join(work, 'deps');
  mkdirSync(dir, { recursive: true });
  const found = new Map<string, string>();
  const queue = Object.keys(pkg.dependencies);
  while (queue.length) {
    const name = queue.shift()!;
    if (found.has(name)) continue;
    const src = join(root, 'node_modules', name);
    const r = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir, src]);
    if (r.status !== 0) throw new Error(`npm pack ${src}: ${out(r)}`);
    found.set(name, join(dir, (JSON.parse(r.stdout) as PackResult[])[0]!.filename));
    const p = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    queue.push(...Object.keys(p.dependencies ?? {}));
  }
  return (depTarballs = found);
}

interface Consumer {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Run a command in the consumer project: no network, no build tools, fresh HOME. */
  exec(cmd: string, args: string[]): SpawnSyncReturns<string>;
}
function consumer(name: string, extra: Record<string, unknown> = {}): Consumer {
  const dir = join(work, name);
  const home = join(work, `${name}-home`);
  mkdirSync(dir);
  mkdirSync(home);
  mkdirSync(join(work, 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true, type: 'module', ...extra }, null, 1));
  const env: NodeJS.ProcessEnv = { PATH: noBuildToolsPath(), HOME: home, TMPDIR: join(work, 'tmp'), LANG: 'C.UTF-8' };
  return { dir, env, exec: (cmd, args) => run(netless![0]!, [...netless!.slice(1), cmd, ...args], { cwd: dir, env }) };
}

// also loads a link kind (the bundle's lazily required kinds file) and Rtnl's addrs family (its lazily required families file)
const LIST_LINKS_ESM = (entry: string): string => `import { Rtnl, getKind } from '${entry}';
import { readFileSync } from 'node:fs';
const r = await Rtnl.open();
const names = (await r.links.list()).map((l) => l.name);
const addrs = (await r.addrs.list()).length;
await r.close();
const vxlan = getKind('vxlan')?.kind === 'vxlan';
const addon = readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/).pop()).find((f) => f.endsWith('.node'));
console.log(JSON.stringify({ names, addon, addrs, vxlan }));`;
const LIST_LINKS_CJS = `const { Rtnl, getKind } = require('rtnetlink');
Rtnl.open().then(async (r) => {
  const names = (await r.links.list()).map((l) => l.name);
  const addrs = (await r.addrs.list()).length;
  await r.close();
  const vxlan = getKind('vxlan')?.kind === 'vxlan';
  const addon = require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/).pop()).find((f) => f.endsWith('.node'));
  console.log(JSON.stringify({ names, addon, addrs, vxlan }));
});`;

/** Lists links through the installed package; checks it used the prebuild and built nothing. */
function checkUse(c: Consumer, modDir: string, how: 'cjs' | 'esm' | 'esm-rtnl', node = 'node'): void {
  const r = how === 'cjs' ? c.exec(node, ['-e', LIST_LINKS_CJS]) : c.exec(node, ['--input-type=module', '-e', LIST_LINKS_ESM(how === 'esm-rtnl' ? 'rtnetlink/rtnl' : 'rtnetlink')]);
  assert.is(r.status, 0, `${how} with ${node}: ${out(r)}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { names: string[]; addon: string; addrs: number; vxlan: boolean };
  assert.ok(res.names.includes('lo'), `${how}: links listed: ${res.names.join(', ')}`);
  assert.ok(res.addrs >= 0 && res.vxlan, `${how}: Rtnl's addrs family and the vxlan kind load (lazily, by require() of the bundle's files)`);
  assert.ok(res.addon?.endsWith('/prebuilds/linux-x64/rtnetlink.napi.glibc.node'), `${how}: the addon loaded is the prebuild (${res.addon})`);
  assert.not.ok(existsSync(join(modDir, 'build')), 'nothing was compiled (no build/ in the installed package)');
}

function checkCli(c: Consumer, cmd: string, args: string[]): void {
  const r = c.exec(cmd, args);
  assert.is(r.status, 0, out(r));
  assert.match(r.stdout, /^1: lo: </m, `rtnl-dump link lists lo: ${r.stdout}`);
}

function consumerTest(name: string, fn: () => void): void {
  if (!netless) return skip(test, name, 'no network namespace can be made here (unshare --net, as root or in a user namespace), so "no network" cannot be guaranteed');
  test(name, () => {
    assert.ok(tarball, 'packed');
    const bin = noBuildToolsPath();
    const tools = spawnSync('sh', ['-c', 'command -v cc gcc c++ g++ make python3 python clang'], { env: { PATH: bin }, encoding: 'utf8' });
    assert.is(tools.stdout.trim(), '', 'no compiler, make or python on the consumer PATH');
    fn();
  });
}

let npmConsumer: Consumer | undefined;
consumerTest('npm install --ignore-scripts of the tarball (no compiler, fresh HOME, no network): npx rtnl-dump link (the bundle alone, also without dist/src) and import { Rtnl } list links through the prebuild', () => {
  const c = consumer('npm-ignore-scripts');
  const r = c.exec('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball, ...deps().values()]);
  assert.is(r.status, 0, out(r));
  checkCli(c, 'npx', ['--offline', 'rtnl-dump', 'link']);
  // rtnl-dump runs the bundle, which needs nothing of dist/src/: it finds the package root (prebuilds/),
  // its version (package.json) and its dependencies (debug, node-gyp-build) from dist/bundle/
  const src = join(c.dir, 'node_modules/rtnetlink/dist/src');
  renameSync(src, `${src}.away`);
  try {
    checkCli(c, 'npx', ['--offline', 'rtnl-dump', 'link']);
    const v = c.exec('npx', ['--offline', 'rtnl-dump', '--version']);
    assert.is(v.stdout.trim(), `rtnl-dump ${pkg.version} (rtnetlink)`, out(v));
    const d = c.exec('sh', ['-c', 'DEBUG=rtnetlink:* npx --offline rtnl-dump link']);
    assert.is(d.status, 0, out(d));
    assert.match(d.stderr, /rtnetlink:/, 'DEBUG loads `debug` (external to the bundle) and traces');
    // a capture and a generic netlink command run from the other script (dist/bundle/rtnl-dump-full.cli.js)
    const h = c.exec('npx', ['--offline', 'rtnl-dump', 'hex', '1400000003000200000000000000000000000000']);
    assert.is(h.status, 0, out(h));
    assert.is(h.stdout, 'NLMSG_DONE len=20 flags=MULTI seq=0 pid=0\n', out(h));
    const g = c.exec('npx', ['--offline', 'rtnl-dump', 'genl', '--json']);
    assert.is(g.status, 0, out(g));
    assert.ok((JSON.parse(g.stdout) as Array<{ name: string }>).some((f) => f.name === 'nlctrl'), out(g));
  } finally {
    renameSync(`${src}.away`, src);
  }
  checkUse(c, join(c.dir, 'node_modules/rtnetlink'), 'esm');
  npmConsumer = c;
});

consumerTest('npm install with install scripts (the same conditions): the install script finds the prebuild and compiles nothing', () => {
  const c = consumer('npm-scripts');
  const r = c.exec('npm', ['install', '--offline', '--foreground-scripts', '--no-audit', '--no-fund', tarball, ...deps().values()]);
  assert.is(r.status, 0, out(r));
  assert.match(r.stdout + r.stderr, /node-gyp-build/, 'the install script ran');
  checkCli(c, 'npx', ['--offline', 'rtnl-dump', 'link']);
  checkUse(c, join(c.dir, 'node_modules/rtnetlink'), 'esm');
});

const pnpm = join(root, 'node_modules/pnpm/bin/pnpm.cjs');
if (!existsSync(pnpm)) skip(test, 'pnpm 10 install with its defaults (build scripts ignored)', 'pnpm is not installed (a devDependency: npm install)');
else
  consumerTest('pnpm 10 install with its defaults (build scripts of dependencies ignored; the same conditions): rtnl-dump and import list links through the prebuild', () => {
    const overrides = Object.fromEntries([...deps()].map(([n, p]) => [n, `file:${p}`]));
    const c = consumer('pnpm', { dependencies: { [pkg.name]: `file:${tarball}` }, pnpm: { overrides } });
    const r = c.exec(process.execPath, [pnpm, 'install', '--offline', '--config.confirmModulesPurge=false']);
    assert.is(r.status, 0, out(r));
    assert.match(r.stdout + r.stderr, /Ignored build scripts: rtnetlink/, "pnpm's default left our install script out");
    checkCli(c, process.execPath, [pnpm, 'exec', 'rtnl-dump', 'link']);
    checkUse(c, join(c.dir, 'node_modules/rtnetlink'), 'esm');
  });

const lines: Array<[string, string | undefined]> = [
  [`this machine's Node ${process.version}`, process.execPath],
  ['Node 22', process.env.RTNL_NODE22],
  ['Node 24', process.env.RTNL_NODE24],
];
for (const [label, node] of lines) {
  const name = `require('rtnetlink') (CommonJS), import of 'rtnetlink' and of 'rtnetlink/rtnl' on ${label}: each lists links through the prebuild`;
  if (!node) skip(test, name, `no binary for ${label} (RTNL_NODE22/RTNL_NODE24 are set by npm test)`);
  else
    consumerTest(name, () => {
      assert.ok(npmConsumer, 'the npm --ignore-scripts consumer was installed');
      const c = npmConsumer!;
      const v = c.exec(node, ['--version']);
      console.log(`  ${label}: ${v.stdout.trim()}`);
      checkUse(c, join(c.dir, 'node_modules/rtnetlink'), 'cjs', node);
      checkUse(c, join(c.dir, 'node_modules/rtnetlink'), 'esm', node);
      checkUse(c, join(c.dir, 'node_modules/rtnetlink'), 'esm-rtnl', node);
    });
}

consumerTest('no binary fits: the error names every path tried and how to build from source', () => {
  assert.ok(npmConsumer, 'the npm --ignore-scripts consumer was installed');
  const c = npmConsumer!;
  const pre = join(c.dir, 'node_modules/rtnetlink/prebuilds');
  renameSync(pre, `${pre}.away`);
  try {
    const r = c.exec('npx', ['--offline', 'rtnl-dump', 'link']);
    assert.is(r.status, 1, out(r));
    assert.match(r.stderr, /cannot load the native addon for linux-x64/);
    assert.match(r.stderr, /build\/Release\/rtnl_native\.node: not found/);
    assert.match(r.stderr, /no prebuilt binary in \S+\/prebuilds fits linux-x64/);
    assert.match(r.stderr, /npx node-gyp rebuild/);
    assert.match(r.stderr, /RTNETLINK_NATIVE/);
  } finally {
    renameSync(`${pre}.away`, pre);
  }
});

test.run();
