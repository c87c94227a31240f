// Layering: src/netlink is the family-agnostic core and imports nothing
// above it (src/rtnl, src/genl, src/nft, src/cli, src/tun, src/pcap, nor the
// modules at src/ that tie them together). The scanner reads every import,
// re-export and dynamic import() of every file under src/netlink; its own
// rules are checked on planted lines first, so the test cannot pass by
// finding nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const core = join(repo, 'src', 'netlink');

/** Module specifiers of a TypeScript source: static imports, re-exports, dynamic import(), import type. */
function specifiers(src: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of src.matchAll(re)) out.push((m[1] ?? m[2])!);
  return out;
}

/** Where a specifier of a file under src/netlink leads that the core must not go: a path relative to src/, or undefined when it stays inside. */
function outside(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined; // node: builtins and packages (debug)
  const target = resolve(dirname(file), spec);
  const rel = relative(core, target);
  if (!rel.startsWith('..')) return undefined;
  return relative(join(repo, 'src'), target);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('the scanner sees every form of import and resolves them against src/netlink', () => {
  const planted = [
    "import { a } from '../rtnl/link.js';",
    "import type { B } from '../../genl/x.js';",
    "export { c } from '../nft/index.js';",
    "export * from '../cli/main.js';",
    "import '../tun/index.js';",
    "const m = await import('../pcap/netlink.js');",
    "import {\n  d,\n  e,\n} from '../protocols.js';",
    "import { f } from './attr.js';",
    "import createDebug from 'debug';",
  ].join('\n');
  const specs = specifiers(planted);
  assert.equal(specs, ['../rtnl/link.js', '../../genl/x.js', '../nft/index.js', '../cli/main.js', '../tun/index.js', '../pcap/netlink.js', '../protocols.js', './attr.js', 'debug']);
  const inCore = join(core, 'socket.ts');
  const inAttr = join(core, 'attr', 'decode.ts');
  assert.is(outside(inCore, '../rtnl/link.js'), join('rtnl', 'link.js'));
  assert.is(outside(inCore, '../protocols.js'), 'protocols.js');
  assert.is(outside(inCore, './attr.js'), undefined);
  assert.is(outside(inAttr, '../errors.js'), undefined);
  assert.is(outside(inAttr, '../../rtnl/ifname.js'), join('rtnl', 'ifname.js'));
  assert.is(outside(inCore, 'debug'), undefined);
});

test('src/netlink imports nothing above it', () => {
  const files = sources(core);
  assert.ok(files.length >= 20, `found ${files.length} files under src/netlink`);
  const bad: string[] = [];
  let n = 0;
  for (const f of files) {
    for (const s of specifiers(readFileSync(f, 'utf8'))) {
      n++;
      const o = outside(f, s);
      if (o !== undefined) bad.push(`${relative(repo, f)} imports ${s} (src/${o})`);
    }
  }
  assert.ok(n >= 50, `found ${n} imports`);
  assert.equal(bad, []);
});

test.run();
