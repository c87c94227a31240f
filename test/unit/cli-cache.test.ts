// bin/rtnl-dump.js runs the CLI script with a V8 code cache per command in
// $XDG_CACHE_HOME/rtnetlink (docs/design.md, "The CLI script"). A code cache
// is compiled code: only a regular file owned by the user, writable by no one
// else, with the header of this script, Node and architecture and the length
// of what follows is used; anything else is replaced, never followed
// (symlinks). NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../corpus.js';
import { skip } from '../helpers.js';

const bin = join(repoRoot, 'bin', 'rtnl-dump.js');
const HEX = '1400000003000200000000000000000000000000';
const scriptSha = (f: string): string => /^\/\/ rtnl-dump ([0-9a-f]{64}) /.exec(readFileSync(join(repoRoot, 'dist', 'bundle', f), 'latin1'))![1]!;
// `hex` runs in the script with every command (rtnl-dump.cli.js names it on its first line); `help` in rtnl-dump.cli.js
const sha = scriptSha('rtnl-dump-full.cli.js');
const rtnlSha = scriptSha('rtnl-dump.cli.js');
const header = `rtnl-dump code cache 1 ${sha} ${process.version} ${process.arch} `;

function run(xdg: string, env: Record<string, string> = {}): string {
  const e: Record<string, string | undefined> = { ...process.env, XDG_CACHE_HOME: xdg, ...env };
  if (!('NODE_DISABLE_COMPILE_CACHE' in env)) delete e.NODE_DISABLE_COMPILE_CACHE;
  const r = spawnSync(process.execPath, [bin, 'hex', HEX], { encoding: 'utf8', env: e });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  return r.stdout;
}

function withDir(f: (xdg: string, file: string) => void): void {
  const xdg = mkdtempSync(join(tmpdir(), 'rtnl-cache-'));
  try {
    f(xdg, join(xdg, 'rtnetlink', `rtnl-dump-${sha.slice(0, 16)}-${process.version}-${process.arch}-hex.bin`));
  } finally {
    rmSync(xdg, { recursive: true, force: true });
  }
}

 /** The file's header names the length of what follows it. */
function whole(file: string): boolean {
  const b = readFileSync(file);
  const nl = b.indexOf(10);
  return b.subarray(0, header.length).toString('latin1') === header && Number(b.subarray(header.length, nl).toString('latin1')) === b.length - nl - 1;
}

const WANT = 'NLMSG_DONE len=20 flags=MULTI seq=0 pid=0\n';

test('the first run writes the cache (0600, in a 0700 directory, with its header); the next uses it and leaves it as it is', () => {
  withDir((xdg, file) => {
    assert.is(run(xdg), WANT);
    const st = statSync(file);
    assert.is(st.mode & 0o777, 0o600);
    assert.is(statSync(join(xdg, 'rtnetlink')).mode & 0o777, 0o700);
    const bytes = readFileSync(file);
    assert.ok(whole(file), 'its header: this script, Node, architecture, and the length of what follows');
    assert.ok(bytes.length > header.length + 10000, `${bytes.length} bytes: V8's code cache follows the header`);
    assert.is(run(xdg), WANT);
    const again = statSync(file);
    assert.is(again.ino, st.ino, 'not written again: V8 took it');
    assert.is(again.mtimeMs, st.mtimeMs);
    assert.equal(readdirSync(join(xdg, 'rtnetlink')), [file.split('/').pop()], 'no temporary file left');
  });
});

test('a cache cut short, of another script (header) or writable by others is not used and is made again', () => {
  withDir((xdg, file) => {
    run(xdg);
    const good = readFileSync(file);
    // cut short (the header's length does not match): not used, made again
    const cut = good.subarray(0, good.length - 1000);
    writeFileSync(file, cut, { mode: 0o600 });
    assert.is(run(xdg), WANT);
    assert.not.ok(readFileSync(file).equals(cut), 'made again');
    assert.ok(whole(file));
    // another script's header: not used (made again, with this script's header)
    writeFileSync(file, Buffer.concat([Buffer.from(header.replace(sha, 'f'.repeat(64))), good.subarray(header.length)]), { mode: 0o600 });
    const ino = statSync(file).ino;
    assert.is(run(xdg), WANT);
    assert.is.not(statSync(file).ino, ino, 'replaced');
    assert.is(readFileSync(file).subarray(0, header.length).toString('latin1'), header);
    // writable by the group: not used, replaced by a 0600 file
    chmodSync(file, 0o620);
    const ino2 = statSync(file).ino;
    assert.is(run(xdg), WANT);
    assert.is.not(statSync(file).ino, ino2, 'replaced');
    assert.is(statSync(file).mode & 0o777, 0o600);
  });
});

/**
 * Why a file cannot be given to another owner here, or undefined when it can: that needs
 * root (CAP_CHOWN) and the other uid mapped in this user namespace (the arm64 lane runs
 * in `unshare --user --map-root-user`, which maps uid 0 only).
 */
function cannotChown(uid: number): string | undefined {
  if (process.geteuid?.() !== 0) return 'not root: no other owner can be given to a file (the root lanes run it)';
  try {
    const map = readFileSync('/proc/self/uid_map', 'utf8').trim();
    const mapped = map
      .split('\n')
      .some((l) => {
        const [inside, , count] = l.trim().split(/\s+/).map(Number);
        return uid >= inside! && uid < inside! + count!;
      });
    return mapped ? undefined : `uid ${uid} is not mapped in this user namespace (uid_map: ${map.replace(/\s+/g, ' ')}; the host and Node 22/24 lanes run it)`;
  } catch (e) {
    return `cannot read /proc/self/uid_map: ${(e as Error).message}`;
  }
}

const OWNED_BY_OTHER = 'a cache owned by another user is not used: replaced by a file of this user';
const noChown = cannotChown(65534);
if (noChown) skip(test, OWNED_BY_OTHER, noChown);
else
  test(OWNED_BY_OTHER, () => {
    withDir((xdg, file) => {
      run(xdg);
      chownSync(file, 65534, 65534);
      const ino = statSync(file).ino;
      assert.is(run(xdg), WANT);
      assert.is.not(statSync(file).ino, ino, 'replaced');
      assert.is(statSync(file).uid, process.geteuid!());
    });
  });

const IN_OTHERS_DIR = "no cache in another user's directory (sudo keeping HOME): nothing written there";
if (noChown) skip(test, IN_OTHERS_DIR, noChown);
else
  test(IN_OTHERS_DIR, () => {
    withDir((xdg) => {
      chownSync(xdg, 65534, 65534);
      assert.is(run(xdg), WANT);
      assert.equal(readdirSync(xdg), [], 'no rtnetlink/ made in a directory of uid 65534');
      // the directory made by that user: not used, nothing written into it
      mkdirSync(join(xdg, 'rtnetlink'), { mode: 0o700 });
      chownSync(join(xdg, 'rtnetlink'), 65534, 65534);
      assert.is(run(xdg), WANT);
      assert.equal(readdirSync(join(xdg, 'rtnetlink')), []);
      // and in this user's directory a cache is written (the check above could see one)
      chownSync(xdg, process.geteuid!(), process.getegid!());
      chownSync(join(xdg, 'rtnetlink'), process.geteuid!(), process.getegid!());
      assert.is(run(xdg), WANT);
      assert.is(readdirSync(join(xdg, 'rtnetlink')).length, 1);
    });
  });

test('a symlink in the place of a cache is replaced by a file, its target left alone', () => {
  withDir((xdg, file) => {
    run(xdg);
    const target = join(xdg, 'target');
    writeFileSync(target, readFileSync(file), { mode: 0o600 });
    const before = readFileSync(target);
    rmSync(file);
    symlinkSync(target, file);
    assert.is(run(xdg), WANT);
    assert.ok(!lstatSync(file).isSymbolicLink(), 'the link was replaced by a file');
    assert.ok(readFileSync(target).equals(before), 'the target was not written');
  });
});

test('writing a cache removes the caches of other builds of the scripts, and nothing else: both scripts of this build keep theirs', () => {
  withDir((xdg, file) => {
    const dir = join(xdg, 'rtnetlink');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const other = sha.slice(0, 15) + (sha[15] === '0' ? '1' : '0'); // another build's key, differing in the last hex digit
    const stale = [`rtnl-dump-${other}-${process.version}-${process.arch}-hex.bin`, `rtnl-dump-${other}-v18.0.0-x64-link.bin`];
    // this build's files of either script (any Node), and unrelated files
    const kept = ['notes.txt', `rtnl-dump-${sha.slice(0, 16)}-v18.0.0-x64-link.bin`, `rtnl-dump-${rtnlSha.slice(0, 16)}-v18.0.0-x64-link.bin`, 'rtnl-dump-nothex-x.bin'];
    for (const f of [...stale, ...kept]) writeFileSync(join(dir, f), 'x', { mode: 0o600 });
    assert.is(run(xdg), WANT);
    assert.equal(readdirSync(dir).sort(), [...kept, file.split('/').pop()!].sort(), "the other build's files went; this build's (either script, any Node) and unrelated files stayed");
    // the other script (`help` runs in rtnl-dump.cli.js): its cache is written under its own sha256, and keeps the full script's
    writeFileSync(join(dir, stale[0]!), 'x', { mode: 0o600 });
    const r = spawnSync(process.execPath, [bin, 'help'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg, NODE_DISABLE_COMPILE_CACHE: '' } });
    assert.is(r.status, 0, r.stderr);
    const help = `rtnl-dump-${rtnlSha.slice(0, 16)}-${process.version}-${process.arch}-help.bin`;
    assert.equal(readdirSync(dir).sort(), [...kept, file.split('/').pop()!, help].sort());
    const b = readFileSync(join(dir, help));
    assert.is(b.subarray(0, b.indexOf(10)).toString('latin1').split(' ').slice(0, 7).join(' '), `rtnl-dump code cache 1 ${rtnlSha} ${process.version} ${process.arch}`);
  });
});

test('bad usage (exit code 2: an unknown command) writes no cache', () => {
  withDir((xdg) => {
    const r = spawnSync(process.execPath, [bin, 'nosuchcommand'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg, NODE_DISABLE_COMPILE_CACHE: '' } });
    assert.is(r.status, 2);
    assert.not.ok(existsSync(join(xdg, 'rtnetlink')));
  });
});

test('NODE_DISABLE_COMPILE_CACHE=1: no cache read or written', () => {
  withDir((xdg) => {
    assert.is(run(xdg, { NODE_DISABLE_COMPILE_CACHE: '1' }), WANT);
    assert.not.ok(existsSync(join(xdg, 'rtnetlink')));
  });
});

test.run();
