#!/usr/bin/env node
// Bundle the CLI and the package entry (issue 16: start-up): dist/src/cli/main.js
// and dist/src/index.js and everything they import, from tsc's output, into a
// few ES modules under dist/bundle/: rtnl-dump.js (bin/rtnl-dump.js loads it)
// and index.js (the package's "exports" entry), sharing chunks. Node's ES
// module loader spends most of a short command's start-up resolving, reading
// and linking the ~50 modules of `rtnl-dump link` (~110 for the package);
// a bundle is an entry and a few chunks. See docs/design.md ("The bundle").
//
//   node scripts/bundle.mjs            write dist/bundle/ (and dist/bundle.json, not packed)
//   node scripts/bundle.mjs --check    build into a temporary directory and compare with dist/bundle/:
//                                          exit 1 when they differ (a stale bundle), 0 when equal
//   node scripts/bundle.mjs --outdir D write the bundle to D instead (nothing else)
//
// Run by `npm run build:ts`, `build`, `prepare` (hence `npm pack`) and
// scripts/test.sh after tsc. esbuild: a pinned devDependency.
//
// Code splitting, ESM output: the import() calls of src/cli/main.ts (the
// pcap/hex/nft and generic netlink commands) become chunks loaded when such a
// command runs. `debug` and `node-gyp-build` stay external (resolved from the
// package's node_modules at run time), and so does the native addon (loaded
// by path in src/netlink/native.ts, which finds the package root from
// import.meta.url: dist/bundle/ is two levels below it, as dist/src/netlink/ is
// three).
//
// Lazy loads. Some modules load others on first use, synchronously, with
// `const load = createRequire(import.meta.url)` (src/rtnl/kinds/table.ts: the
// link kinds; src/rtnl/rtnl.ts: Rtnl's families). esbuild cannot follow a
// require() made by such a function, and inside the bundle it would resolve
// against dist/bundle/ (or, worse, load dist/src's copy: a second instance of
// every class, `instanceof` broken). The rule (docs/design.md): such a module
// declares exactly that line, and every module it loads appears in it as a
// relative string literal ('./x.js', '../y/z.js': in the load() call or in a
// table). The modules so loaded become entry files of their own (lazy-*.js,
// one per loading module and directory: see lazyGroups()), and this script
// replaces the line by a static map from each such literal to its file and
// export, loaded by a real require() of that ES module file on first use;
// nothing of it is read or compiled before. A specifier not in the map throws. The build fails when a module calls createRequire in
// another way (unless listed in EXTERNAL_REQUIRE with what it loads), when a
// load() argument is computed from strings, or when the output still holds a
// require() esbuild could not resolve.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'dist', 'src');
const entry = join(srcDir, 'cli', 'main.js');
const outDir = join(root, 'dist', 'bundle');
const manifestFile = join(root, 'dist', 'bundle.json');
const EXTERNAL = ['debug', 'node-gyp-build'];
/** Modules that call createRequire for what is not bundled: the package's dependencies and the addon (by absolute path). */
const EXTERNAL_REQUIRE = new Map([
  ['netlink/debug.js', 'the `debug` package (a dependency, loaded only when DEBUG is set)'],
  ['netlink/native.js', 'node-gyp-build (a dependency) and the addon, by absolute path'],
]);
const LOAD_LINE = 'const load = createRequire(import.meta.url);';

function fail(msg) {
  console.error(`bundle: ${msg}`);
  process.exit(1);
}

let esbuild;
try {
  esbuild = await import('esbuild');
} catch (e) {
  fail(`esbuild (a devDependency) does not load: ${e.message.split('\n')[0]}\n  run \`npm install\`; bin/rtnl-dump.js falls back to dist/src/cli/main.js while dist/bundle/ is missing`);
}
if (!existsSync(entry)) fail(`${relative(root, entry)} is missing: run tsc first (npm run build:ts)`);

/** Relative module specifiers written as string literals, other than those of import/export statements and import() calls. */
function lazySpecifiers(src) {
  const specs = new Set();
  for (const m of src.matchAll(/(\bfrom\s*|\bimport\s*\(?\s*)?(['"])(\.\.?\/[^'"\n]+\.js)\2/g)) if (!m[1]) specs.add(m[3]);
  return [...specs];
}

/**
 * The lazily loaded modules (dist/src-relative) of every module declaring
 * LOAD_LINE, grouped by that module: each group is one entry file
 * (lazy-<module>.js, e.g. lazy-rtnl-kinds-table.js) exporting each of its
 * modules' namespaces, loaded on the first load() of any of them. One file
 * per group, not per module: the ~25 small kind modules as entries of their
 * own made esbuild split the shared code into ~35 chunks, and `rtnl-dump link`
 * then read 21 files; Node's loader costs more per file than per byte here.
 */
function lazyGroups() {
  const groups = new Map(); // group file -> { file, loader, members: Map(target -> export name) }
  const byTarget = new Map(); // loader + target -> group
  for (const f of walk(srcDir)) {
    const src = readFileSync(f, 'utf8');
    if (!src.includes(LOAD_LINE)) continue;
    const loader = relative(srcDir, f).split('\\').join('/');
    for (const s of lazySpecifiers(src)) {
      const rel = relative(srcDir, join(dirname(f), s)).split('\\').join('/');
      if (rel.startsWith('..') || !existsSync(join(srcDir, rel))) continue;
      // one group per loader and directory: a module from elsewhere (tun/kind.js
      // for kinds/table.js, pcap/writer.js for rtnl.js) does not come with the rest
      const dir = dirname(rel) === dirname(loader) ? '' : `-${dirname(rel)}`;
      const file = `lazy-${(loader.replace(/\.js$/, '') + dir).replace(/[^A-Za-z0-9]+/g, '-')}.js`;
      const g = groups.get(file) ?? { file, loader, members: new Map() };
      g.members.set(rel, rel.replace(/\.js$/, '').replace(/[^A-Za-z0-9]+/g, '_'));
      groups.set(file, g);
      byTarget.set(`${loader}\0${rel}`, g);
    }
  }
  return { groups, byTarget };
}

const rewritten = new Map();
const lazyLoads = {
  name: 'lazy-loads',
  setup(b) {
    b.onLoad({ filter: /\.js$/, namespace: 'file' }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!src.includes('createRequire')) return undefined;
      const rel = relative(srcDir, args.path).split('\\').join('/');
      if (EXTERNAL_REQUIRE.has(rel)) return undefined;
      const at = src.indexOf(LOAD_LINE);
      if (at < 0 || src.indexOf(LOAD_LINE, at + 1) >= 0 || src.split('createRequire(').length !== 2) {
        throw new Error(`${rel}: calls createRequire(), but not as exactly one \`${LOAD_LINE}\` (the form this script rewrites; docs/design.md). A module loading dependencies or files by path belongs in EXTERNAL_REQUIRE.`);
      }
      const computed = [...src.matchAll(/\bload\(([^)]*)\)/g)].map((m) => m[1].trim()).filter((a) => /[`+]/.test(a));
      if (computed.length) throw new Error(`${rel}: load(${computed[0]}): a specifier computed from strings cannot be bundled; write each module as a string literal (docs/design.md)`);
      const specs = lazySpecifiers(src);
      if (!specs.length) throw new Error(`${rel}: \`${LOAD_LINE}\` but no relative module specifier literal to bundle`);
      const names = specs.map((s) => {
        const target = relative(srcDir, join(dirname(args.path), s)).split('\\').join('/');
        const g = LAZY.byTarget.get(`${rel}\0${target}`);
        if (!g) throw new Error(`${rel}: '${s}' (a lazily loaded module) does not exist in dist/src/`);
        return [s, g.file, g.members.get(target)];
      });
      rewritten.set(rel, specs);
      const map = names.map(([s, file, name]) => `  ${JSON.stringify(s)}: [${JSON.stringify('./' + file)}, ${JSON.stringify(name)}],`).join('\n');
      // every file of the bundle is in one directory: a chunk's import.meta.url resolves the entry files beside it
      const load =
        `const __lazy = {\n${map}\n};\n` +
        `const __load = createRequire(import.meta.url);\n` +
        `const load = (s) => { const k = Object.hasOwn(__lazy, s) ? __lazy[s] : undefined; if (k === undefined) throw new Error(\`rtnetlink bundle: \${s} (loaded by ${rel}) is not in the bundle\`); return __load(k[0])[k[1]]; };`;
      return { contents: src.slice(0, at) + load + src.slice(at + LOAD_LINE.length), loader: 'js' };
    });
  },
};

// Node's built-in modules, from process.getBuiltinModule() (Node >= 20.16 / 22.3)
// instead of an ES module import: an `import ... from 'node:fs'` makes Node
// build fs's ES module facade, which reads every export, and so runs fs's lazy
// getters (ReadStream, ...), which load the streams implementation: ~8-12 ms of
// every start-up in a profile (issue 16). Each built-in becomes a small ES
// module exporting exactly the names dist/src imports from it (`export const
// x = m.x`). The rule: a built-in is imported only as `import { a, b as c }
// from 'node:x'`; another form (namespace, default, re-export, import()), a
// name the built-in lacks, or a lazy getter (fs.promises: use node:fs/promises)
// fails the build.
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.js') ? [join(dir, d.name)] : []));
}
function builtinImports() {
  const names = new Map();
  for (const f of walk(srcDir)) {
    const src = readFileSync(f, 'utf8');
    const rel = relative(srcDir, f);
    for (const m of src.matchAll(/\b(import|export)\b([^;'"]*?)\bfrom\s*['"](node:[^'"]+)['"]|\bimport\s*\(\s*['"](node:[^'"]+)['"]/g)) {
      if (m[4]) throw new Error(`${rel}: import('${m[4]}'): import a built-in as \`import { name } from '${m[4]}'\` (scripts/bundle.mjs: builtins)`);
      const clause = m[2].trim();
      if (/^type\b/.test(clause)) continue;
      const braces = /^\{([^}]*)\}$/.exec(clause);
      if (m[1] !== 'import' || !braces) throw new Error(`${rel}: \`${m[0].replace(/\s+/g, ' ')}\`: import a built-in only as \`import { name } from '${m[3]}'\` (scripts/bundle.mjs: builtins)`);
      const set = names.get(m[3]) ?? new Set();
      for (const part of braces[1].split(',').map((x) => x.trim()).filter(Boolean)) if (!/^type\s/.test(part)) set.add(part.split(/\s+as\s+/)[0].trim());
      names.set(m[3], set);
    }
  }
  return names;
}
const builtinNames = builtinImports();
const LAZY = lazyGroups();
const lazyGroupEntries = {
  name: 'lazy-groups',
  setup(b) {
    b.onResolve({ filter: /^lazy-group:/ }, (args) => ({ path: args.path.slice('lazy-group:'.length), namespace: 'lazy-group' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-group' }, (args) => {
      const g = LAZY.groups.get(args.path);
      return { contents: [...g.members].map(([rel, name]) => `export * as ${name} from ${JSON.stringify(join(srcDir, rel))};`).join('\n') + '\n', loader: 'js', resolveDir: srcDir };
    });
  },
};
const builtins = {
  name: 'builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => {
      const mod = process.getBuiltinModule(args.path);
      if (!mod) throw new Error(`${args.path}: not a Node built-in module`);
      const names = [...(builtinNames.get(args.path) ?? [])].sort();
      for (const k of names) {
        const d = Object.getOwnPropertyDescriptor(mod, k);
        if (!d) throw new Error(`${args.path} has no export ${k}`);
        if (d.get) throw new Error(`${args.path}.${k} is a lazy getter: reading it at start-up is what this avoids (import it from its own module)`);
      }
      const lines = [`const m = process.getBuiltinModule(${JSON.stringify(args.path)});`, ...names.map((k) => `export const ${k} = m.${k};`)];
      return { contents: lines.join('\n') + '\n', loader: 'js' };
    });
  },
};

const args = process.argv.slice(2);
const check = args.includes('--check');
const outArg = args.indexOf('--outdir');
const target = outArg >= 0 ? args[outArg + 1] : undefined;
if (outArg >= 0 && !target) fail('--outdir needs a directory');

// beside its destination (rename() is atomic); --check: under the system temp dir (dist/ may be read-only)
const tmp = mkdtempSync(join(target ? dirname(target) : check ? tmpdir() : join(root, 'dist'), '.cli-bundle-'));
let result;
try {
  result = await esbuild.build({
    // the lazily loaded modules are entries of their own (lazy-*.js), which
    // the rewritten load() requires on first use (require() of an ES module):
    // nothing of them is read or compiled before; code they share with the
    // entries is in the shared chunks (one instance of every class)
    entryPoints: {
      'rtnl-dump': entry,
      index: join(srcDir, 'index.js'),
      // the package's `rtnetlink/rtnl` entry: the rtnetlink part only (shares every chunk with index.js)
      rtnl: join(srcDir, 'entries', 'rtnl.js'),
      ...Object.fromEntries([...LAZY.groups.values()].map((g) => [g.file.replace(/\.js$/, ''), `lazy-group:${g.file}`])),
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    absWorkingDir: root,
    outdir: tmp,
    external: EXTERNAL,
    plugins: [lazyLoads, lazyGroupEntries, builtins],
    metafile: true,
    // no source maps: they would add ~0.8 MB to the package; stack traces name
    // the chunk's lines, whose code is tsc's output with its names (not minified)
    sourcemap: false,
    legalComments: 'none',
    // ASCII output (non-ASCII characters in strings escaped): a file with one
    // non-ASCII byte is decoded as UTF-8 into a two-byte string before V8 reads
    // it, which cost ~10-20 ms for the 0.5 MB link-path chunk (one U+FFFD literal)
    charset: 'ascii',
    logLevel: 'silent',
    banner: { js: '// rtnl-dump, bundled by scripts/bundle.mjs from dist/src/ (the sources: src/)' },
  });
} catch (e) {
  rmSync(tmp, { recursive: true, force: true });
  if (!target && !check) rmSync(outDir, { recursive: true, force: true }); // no stale bundle beside a new dist/src
  fail(e.errors?.length ? e.errors.map((x) => `${x.location && !x.pluginName ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`).join('\n  ') : e.message);
}

// The CLI as one script (dist/bundle/rtnl-dump.cli.js), which bin/rtnl-dump.js
// runs with vm.Script and a V8 code cache of its own, made after a run
// (issue 16: start-up; docs/design.md, "The CLI script"). The ES module
// loader resolves, reads, compiles and links each chunk of the ESM bundle
// (~20 ms of `rtnl-dump link` in a profile), and Node's compile cache is made
// right after a module is compiled, so every function a run calls is compiled
// again at every start; a code cache made after the run holds them. Same
// sources and the same lazy loads: the modules load() names are bundled
// into the script as lazily initialised modules (required on first use: their
// top level runs then, as before), the import() of the capture and generic
// netlink commands likewise; import.meta.url is the script's URL (the
// package root and package.json are found from it, as from dist/bundle/*.js).
const SCRIPT = 'rtnl-dump.cli.js';
// Two scripts (issue 16: start-up). rtnl-dump.cli.js runs the rtnetlink commands
// (link, addr, route, neigh, rule, monitor, help): it leaves out the modules that
// cli/main.js loads with import() for the generic netlink and capture commands
// (generic netlink, nf_tables, pcap, capture, hex: ~40% of the code), which
// every start read from disk into a string (~2-8 ms of `rtnl-dump link` in an
// A/B on this machine, where touching fresh memory costs ~3 ms per MB).
// rtnl-dump-full.cli.js holds every command. The first line of rtnl-dump.cli.js
// names the commands it does not hold and the full script's sha256, so that
// bin/rtnl-dump.js runs those in the full script after reading only that line;
// the full script's first line names the other's sha256 (each sha256 is of its
// own script after its first line), so that writing a code cache keeps both
// scripts' caches and removes those of other builds.
const FULL_SCRIPT = 'rtnl-dump-full.cli.js';
const META_URL = '__rtnl_import_meta_url';
/** The modules cli/main.js loads with import() only for the commands the full script runs. */
const FULL_ONLY = ['./genl.js', './capture.js'];
/** Those commands: generic netlink's (cli/genl-help.js), and the cases of main() that import cli/capture.js. */
async function fullOnlyCommands() {
  const { GENL_COMMANDS } = await import(pathToFileURL(join(srcDir, 'cli', 'genl-help.js')).href);
  const main = readFileSync(entry, 'utf8');
  const capture = [...main.matchAll(/case '([a-z][a-z0-9-]*)':\s*return await \(await import\('\.\/capture\.js'\)\)/g)].map((m) => m[1]);
  const imports = main.split("import('./capture.js')").length - 1;
  if (!capture.length || capture.length !== imports) throw new Error(`cli/main.js: ${imports} import('./capture.js') but ${capture.length} \`case 'x': return await (await import('./capture.js'))...\` (the form this script reads the capture commands from)`);
  const genlImports = main.split("import('./genl.js')").length - 1;
  if (genlImports !== 1 || !/if \(GENL_COMMANDS\.includes\(argv\[0\]\)\)\s*return \(await import\('\.\/genl\.js'\)\)/.test(main)) throw new Error("cli/main.js: import('./genl.js') is expected once, for GENL_COMMANDS (the form this script reads)");
  const all = [...GENL_COMMANDS, ...capture];
  if (all.some((c) => !/^[a-z][a-z0-9-]*$/.test(c))) throw new Error(`command names: ${all.join(' ')}`);
  return all;
}
const lazyLoadsScript = {
  name: 'lazy-loads-script',
  setup(b) {
    b.onLoad({ filter: /\.js$/, namespace: 'file' }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const at = src.indexOf(LOAD_LINE);
      if (at < 0) return undefined; // the ESM build checked every createRequire use
      const map = lazySpecifiers(src).map((s) => `  ${JSON.stringify(s)}: () => require(${JSON.stringify(s)}),`).join('\n');
      const rel = relative(srcDir, args.path).split('\\').join('/');
      const load =
        `const __lazy = {\n${map}\n};\n` +
        `const load = (s) => { const k = Object.hasOwn(__lazy, s) ? __lazy[s] : undefined; if (k === undefined) throw new Error(\`rtnetlink bundle: \${s} (loaded by ${rel}) is not in the bundle\`); return k(); };`;
      return { contents: src.slice(0, at) + load + src.slice(at + LOAD_LINE.length), loader: 'js' };
    });
  },
};
/** rtnl-dump.cli.js: cli/main.js's import() of the full script's modules gives a module that throws (bin/rtnl-dump.js never lets it run there). */
const leaveOutFullOnly = {
  name: 'leave-out-full-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/(genl|capture)\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || args.importer !== entry || !FULL_ONLY.includes(args.path)) return undefined;
      return { path: args.path, namespace: 'full-only' };
    });
    b.onLoad({ filter: /.*/, namespace: 'full-only' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`internal error: cli/${args.path.slice(2)} is in ${FULL_SCRIPT} only (bin/rtnl-dump.js runs the commands named on the first line of ${SCRIPT} there)`)});\n`,
      loader: 'js',
    }));
  },
};
async function buildScript(plugins) {
  return esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    globalName: '__rtnlCli',
    platform: 'node',
    target: 'node20.19',
    absWorkingDir: root,
    write: false,
    outfile: join(tmp, SCRIPT),
    external: EXTERNAL,
    plugins: [lazyLoadsScript, builtins, ...plugins],
    metafile: true,
    sourcemap: false,
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'silent',
    define: { 'import.meta.url': META_URL },
    // whitespace and syntax only (names stay: stack traces and error messages name the
    // functions): ~960 -> ~655 KB, which rtnl-dump reads into a string at every start
    // (~2.6 ms of `rtnl-dump link` on Node 22 in an A/B of the helper's; the ES module
    // bundle of the package is not minified)
    minifyWhitespace: true,
    minifySyntax: true,
  });
}
let scriptResult;
let fullScriptResult;
let fullOnly;
try {
  fullOnly = await fullOnlyCommands();
  fullScriptResult = await buildScript([]);
  scriptResult = await buildScript([leaveOutFullOnly]);
} catch (e) {
  rmSync(tmp, { recursive: true, force: true });
  if (!target && !check) rmSync(outDir, { recursive: true, force: true });
  fail(e.errors?.length ? e.errors.map((x) => `${x.location && !x.pluginName ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`).join('\n  ') : e.message);
}
{
  // a function expression (the script's completion value), called by bin/rtnl-dump.js with
  // require (for the package's dependencies) and the script's URL; its first line names the
  // sha256 of the rest, the key of the code cache (V8 checks only a cached script's length)
  const body = (r) => `(function (require, ${META_URL}) {\n${r.outputFiles[0].text}return __rtnlCli;\n})\n`;
  const bodies = [body(scriptResult), body(fullScriptResult)];
  const [sha, fullSha] = bodies.map((b) => createHash('sha256').update(b).digest('hex'));
  writeFileSync(join(tmp, SCRIPT), `// rtnl-dump ${sha} full ${fullSha} ${fullOnly.join(',')} (scripts/bundle.mjs: the CLI as one script, run by bin/rtnl-dump.js; the commands named run in ${FULL_SCRIPT})\n${bodies[0]}`);
  writeFileSync(join(tmp, FULL_SCRIPT), `// rtnl-dump ${fullSha} rtnl ${sha} (scripts/bundle.mjs: the CLI as one script with every command, run by bin/rtnl-dump.js)\n${bodies[1]}`);
}

// dist/bundle/package.json, {"type":"module"}: Node looks for the package
// scope of every file it loads (the nearest package.json); without one here
// each lookup walked up to the package root again (for a require() of an ES
// module too): 90 package.json probes for `rtnl-dump link`, 13 with it
writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');

// Nothing must be left for Node's require() at run time: esbuild's __require
// shim for an unresolved require() throws "Dynamic require of ... is not supported".
for (const f of readdirSync(tmp).filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(join(tmp, f), 'utf8');
  if (/[^\x00-\x7f]/.test(text)) {
    rmSync(tmp, { recursive: true, force: true });
    fail(`${f}: holds a non-ASCII character (Node then decodes the whole file as UTF-8 into a two-byte string: slower start)`);
  }
  if (text.includes('Dynamic require of')) {
    rmSync(tmp, { recursive: true, force: true });
    fail(`${f}: a require() was left unresolved (esbuild's __require shim): every lazily loaded module must be bundled`);
  }
}
for (const rel of ['rtnl/kinds/table.js', 'rtnl/rtnl.js']) {
  if (!rewritten.has(rel)) {
    rmSync(tmp, { recursive: true, force: true });
    fail(`${rel}: its lazy loads were not rewritten (did its createRequire line change?)`);
  }
}

function sameDir(a, b) {
  if (!existsSync(b)) return false;
  const fa = readdirSync(a).sort();
  const fb = readdirSync(b).sort();
  return fa.join('\n') === fb.join('\n') && fa.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

if (check) {
  const same = sameDir(tmp, outDir);
  rmSync(tmp, { recursive: true, force: true });
  if (!same) fail(`${relative(root, outDir)}/ differs from a bundle of the current dist/src/: stale (npm run build:ts rebuilds it)`);
  console.log(`bundle: ${relative(root, outDir)}/ is up to date`);
  process.exit(0);
}
if (target) {
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
  process.exit(0);
}

rmSync(outDir, { recursive: true, force: true });
renameSync(tmp, outDir);
// What the bundle was made from and what each file holds (tests: staleness, which chunk is which).
const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');
const inputs = Object.fromEntries(
  Object.keys(result.metafile.inputs)
    .filter((p) => !/^(node-builtin|lazy-group):/.test(p))
    .map((p) => relative(srcDir, join(root, p)).split('\\').join('/'))
    .sort()
    .map((p) => [p, sha(join(srcDir, p))]),
);
const outputs = Object.fromEntries(
  Object.entries(result.metafile.outputs)
    .filter(([p]) => p.endsWith('.js'))
    .map(([p, o]) => [
      p.split('/').pop(),
      {
        entry: o.entryPoint ? relative(srcDir, join(root, o.entryPoint)).split('\\').join('/') : undefined,
        inputs: Object.keys(o.inputs).filter((i) => !/^(node-builtin|lazy-group):/.test(i)).map((i) => relative(srcDir, join(root, i)).split('\\').join('/')).sort(),
        imports: o.imports.filter((i) => !i.external).map((i) => ({ file: i.path.split('/').pop(), kind: i.kind })),
      },
    ]),
);
for (const [file, r] of [[SCRIPT, scriptResult], [FULL_SCRIPT, fullScriptResult]]) {
  outputs[file] = {
    entry: 'cli/main.js',
    inputs: Object.keys(r.metafile.inputs).filter((i) => !/^(node-builtin|lazy-group|full-only):/.test(i)).map((i) => relative(srcDir, join(root, i)).split('\\').join('/')).sort(),
    imports: [],
  };
}
writeFileSync(manifestFile, JSON.stringify({ esbuild: esbuild.version, lazy: Object.fromEntries(rewritten), inputs, outputs }, null, 1) + '\n');
const size = readdirSync(outDir).filter((f) => f.endsWith('.js')).map((f) => `${f} ${(readFileSync(join(outDir, f)).length / 1024).toFixed(0)} KiB`);
console.log(`bundle: ${relative(root, outDir)}/: ${size.join(', ')}`);
