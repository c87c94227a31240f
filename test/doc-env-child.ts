/**
 * Runs one documentation program (compiled to JS) and reports what it left
 * behind. Started by test/kernel/docs-examples.test.ts through
 * `unshare --net --mount`: a fresh network namespace (only `lo`) and a
 * private mount namespace with its own tmpfs on /run/netns, so the program's
 * `netns.add('net0')` cannot meet the host's or another test's net0.
 *
 *   node dist/test/doc-env-child.js PROGRAM.js
 *
 * Prints one line `DOC-RESULT {json}`: `error` (the stack, if the program
 * threw) and `left` (namespaces under /run/netns, links that were not there
 * before, fds opened and not closed, active handles, the thread's network
 * namespace if it changed). The parent maps lines back to the Markdown.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import '../src/index.js'; // the library and its native addon load before the baseline
import { openFds } from './fds.js';

interface Snapshot {
  fds: Map<string, string>;
  links: string[];
  netns: string[];
  handles: Map<string, number>;
  threadNs: number;
}

const fds = openFds;

function links(): string[] {
  const r = spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip -j link show: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Array<{ ifname: string }>).map((l) => l.ifname).sort();
}

function netnsDir(): string[] {
  try {
    return readdirSync('/run/netns').sort();
  } catch {
    return [];
  }
}

function handles(): Map<string, number> {
  const m = new Map<string, number>();
  for (const h of process.getActiveResourcesInfo()) m.set(h, (m.get(h) ?? 0) + 1);
  return m;
}

function snapshot(): Snapshot {
  const f = fds(); // first: the others open fds of their own for a moment
  return { fds: f, handles: handles(), threadNs: statSync('/proc/thread-self/ns/net').ino, links: links(), netns: netnsDir() };
}

const file = process.argv[2];
if (!file) {
  console.error('usage: doc-env-child.js PROGRAM.js');
  process.exit(2);
}

// stdout/stderr handles are made on first use: make them now, not during the program
process.stdout.write('');
process.stderr.write('');
const before = snapshot();
let error: string | undefined;
try {
  await import(pathToFileURL(file).href);
} catch (e) {
  error = e instanceof Error ? (e.stack ?? String(e)) : `thrown: ${String(e)}`;
}
// let close callbacks and stream teardown of the program run
for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
await new Promise((r) => setTimeout(r, 20));
const after = snapshot();

const left: Record<string, string[]> = {};
const ns = after.netns;
if (ns.length) left.namespaces = ns;
// Fallback devices a tunnel module creates in every namespace when it loads (gre0, sit0, ...):
// not the program's, and not removable.
const FALLBACK = new Set(['gre0', 'gretap0', 'erspan0', 'ip6gre0', 'ip6tnl0', 'sit0', 'tunl0', 'ip_vti0', 'ip6_vti0']);
const newLinks = after.links.filter((l) => !before.links.includes(l) && !FALLBACK.has(l));
const goneLinks = before.links.filter((l) => !after.links.includes(l));
if (newLinks.length) left.links = newLinks;
if (goneLinks.length) left['links removed'] = goneLinks;
const newFds = [...after.fds].filter(([fd, t]) => before.fds.get(fd) !== t).map(([fd, t]) => `${fd} -> ${t}`);
if (newFds.length) left.fds = newFds;
const newHandles: string[] = [];
for (const [h, n] of after.handles) {
  const extra = n - (before.handles.get(h) ?? 0);
  if (extra > 0) newHandles.push(`${h} x${extra}`);
}
if (newHandles.length) left.handles = newHandles;
if (after.threadNs !== before.threadNs) left['thread network namespace'] = [`changed from ${before.threadNs} to ${after.threadNs}`];

console.log(`DOC-RESULT ${JSON.stringify({ error, left })}`);
process.exit(0);
