/**
 * Test runner: runs every uvu test file in its own process (isolation, and a
 * crash or hang counts as a failure instead of taking the run down), collects
 * uvu's counts and the named skips, and ends with the line
 * `N passed, N failed[, N skipped]`.
 *
 *   node dist/test/run.js [--lane host|vm|package] [--label NAME] [--timeout S] [--json FILE] [--list] [FILTER...]
 *
 * FILTER: substrings of test file paths (e.g. `unit/attr` or `kernel/links`).
 * Lane host runs the unit and kernel tests, lane vm (inside test/vm/run) only
 * the kernel tests, lane package the packaging tests (test/package). --label
 * names the run in the summary (e.g. `node22`, `arm64`, `non-root`; default:
 * the lane); the tests themselves see only the lane (RTNL_TEST_LANE).
 * The first lines name the Node binary and the native addon file it loads.
 * --list prints the files that would run, and runs nothing.
 * Exit code: 0 when nothing failed, 1 otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  skips: string[];
  failures: string[];
  /** Per-test durations printed by ktest() under RTNL_TEST_TIMES=1. */
  times: Array<[number, string]>;
  ms: number;
  crashed?: string;
}

const here = dirname(fileURLToPath(import.meta.url)); // dist/test
const root = join(here, '..', '..');

function parseArgs(argv: string[]): { lane: string; label?: string; timeout: number; json?: string; list: boolean; filters: string[] } {
  const out = { lane: process.env.RTNL_VM ? 'vm' : 'host', label: undefined as string | undefined, timeout: 600, json: undefined as string | undefined, list: false, filters: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lane') out.lane = argv[++i] ?? 'host';
    else if (a === '--label') out.label = argv[++i];
    else if (a === '--timeout') out.timeout = Number(argv[++i]);
    else if (a === '--json') out.json = argv[++i];
    else if (a === '--list') out.list = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node dist/test/run.js [--lane host|vm|package] [--label NAME] [--timeout SECONDS] [--json FILE] [--list] [FILTER...]');
      process.exit(0);
    } else out.filters.push(a.replace(/^test\//, '').replace(/\.ts$/, '').replace(/\.js$/, ''));
  }
  // Under emulation (the VM lane runs on TCG) every process start costs
  // seconds: a file gets twice the time unless --timeout says otherwise.
  if (out.lane === 'vm' && !argv.includes('--timeout')) out.timeout = 1200;
  return out;
}

function findTests(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (e.endsWith('.test.js')) out.push(p);
  }
  return out;
}

function runFile(file: string, timeoutS: number, lane: string): Promise<FileResult> {
  const rel = relative(here, file);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', RTNL_TEST_LANE: lane },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d: Buffer): void => {
      const s = d.toString();
      out += s;
      process.stdout.write(s.replace(/^/gm, ''));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const num = (label: string): number | undefined => {
        const m = new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(out);
        return m ? Number(m[1]) : undefined;
      };
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped') ?? 0;
      const skips = [...out.matchAll(/^SKIP: (.*)$/gm)].map((m) => `${rel} › ${m[1]}`);
      const failures = [...out.matchAll(/^\s+FAIL\s+(.*?)\s*$/gm)].map((m) => `${rel} › ${m[1]!.replace(/\s+/g, " ")}`);
      const times = [...out.matchAll(/TIME: (\d+) ms: (.*)$/gm)].map((m): [number, string] => [Number(m[1]), `${rel} › ${m[2]}`]);
      const r: FileResult = { file: rel, passed: passed ?? 0, failed: 0, skipped, skips, failures, times, ms: Date.now() - started };
      if (total === undefined || passed === undefined) {
        r.failed = 1;
        r.crashed = timedOut ? `timed out after ${timeoutS}s` : `exited with ${signal ?? code} before reporting`;
      } else {
        r.failed = total - passed;
        if (code !== 0 && r.failed === 0) {
          r.failed = 1;
          r.crashed = `exited with ${signal ?? code} after reporting`;
        }
      }
      if (r.skipped !== skips.length) {
        // every skip must be named: uvu counted a skip we were not told about
        r.skips.push(...new Array(Math.max(0, r.skipped - skips.length)).fill(`${rel} › (unnamed skip)`));
      }
      resolve(r);
    });
  });
}

/** Which native addon file this Node loads (the loader's choice), or why none loads. */
async function addonFile(): Promise<string> {
  try {
    const m = await import('../src/netlink/native.js');
    m.native();
    return m.nativePath() ?? '?';
  } catch (e) {
    return `none loads: ${(e as Error).message.split('\n').join(' | ')}`;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // The VM lane is for the kernel tests: unit tests decode bytes and do not
  // depend on the kernel, so they run (and are counted) once, in the host lane.
  let files =
    args.lane === 'package'
      ? findTests(join(here, 'package'))
      : [...(args.lane === 'vm' ? [] : findTests(join(here, 'unit'))), ...findTests(join(here, 'kernel'))];
  if (args.filters.length) files = files.filter((f) => args.filters.some((flt) => relative(here, f).includes(flt)));
  if (args.list) {
    for (const f of files) console.log(relative(here, f));
    return;
  }
  // rtnl-dump keeps a code cache per command under $XDG_CACHE_HOME (bin/rtnl-dump.js): the
  // tests' runs keep theirs in a directory of this run, removed at the end, not in the home
  // directory of whoever runs the tests
  const cacheHome = mkdtempSync(join(tmpdir(), 'rtnl-test-cache-'));
  process.env.XDG_CACHE_HOME = cacheHome;
  try {
    await runAll(args, files);
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
  }
}

async function runAll(args: ReturnType<typeof parseArgs>, files: string[]): Promise<void> {
  const results: FileResult[] = [];
  const label = args.label ?? args.lane;
  console.log(`rtnetlink tests: ${label === args.lane ? `lane ${label}` : `${label} (lane ${args.lane})`}, kernel ${process.platform} ${(await import('node:os')).release()}, ${files.length} files`);
  console.log(`node ${process.version} ${process.arch} (${process.execPath}), addon: ${await addonFile()}`);
  for (const f of files) {
    console.log(`\n=== ${relative(here, f)}`);
    results.push(await runFile(f, args.timeout, args.lane));
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  console.log(`\n--- summary (${label})`);
  for (const r of results) {
    console.log(`${r.failed ? 'FAIL' : 'ok  '} ${r.file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${(r.ms / 1000).toFixed(1)}s)${r.crashed ? ` [${r.crashed}]` : ''}`);
  }
  const times = results.flatMap((r) => r.times).sort((a, b) => b[0] - a[0]);
  if (times.length) {
    console.log(`\nslowest tests (RTNL_TEST_TIMES):`);
    for (const [ms, name] of times.slice(0, 15)) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)}s ${name}`);
  }
  const skips = results.flatMap((r) => r.skips);
  if (skips.length) {
    console.log(`\nskipped (${skips.length}):`);
    for (const s of skips) console.log(`  SKIPPED ${s}`);
  }
  const fails = results.flatMap((r) => (r.crashed ? [`${r.file}: ${r.crashed}`] : r.failures));
  if (fails.length) {
    console.log(`\nfailed:`);
    for (const s of fails) console.log(`  FAILED ${s}`);
  }
  const summary = { lane: label, passed, failed, skipped, skips, failures: fails };
  if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2));
  console.log(`RTNL-SUMMARY ${JSON.stringify(summary)}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = failed ? 1 : 0;
}

void main();
