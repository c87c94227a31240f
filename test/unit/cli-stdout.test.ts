// The CLI writes its stdout with writeSync on fd 1 (src/cli/main.ts,
// fdLineWriter), not through process.stdout, whose creation loads Node's
// stream modules (start-up, issue 16). What process.stdout did must still
// hold: every byte in order also when the descriptor is non-blocking and full
// (EAGAIN: the rest goes through the fallback stream, which waits for the
// reader), EPIPE (`rtnl-dump ... | head`) ends the program with its exit code
// and no message, other errors are thrown. That `rtnl-dump link` loads no
// stream module: test/unit/startup-lazy.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fdLineWriter } from '../../src/cli/main.js';
import { repoRoot } from '../corpus.js';

const bin = join(repoRoot, 'bin', 'rtnl-dump.js');

/** The descriptor of the parent's end of a child's stdin (a non-blocking socket: libuv's). */
function stdinFd(c: ChildProcess): number {
  const fd = (c.stdin as unknown as { _handle?: { fd?: number } })._handle?.fd;
  assert.type(fd, 'number');
  return fd!;
}

function exited(c: ChildProcess): Promise<void> {
  return new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', () => r())));
}

test('a full non-blocking descriptor (EAGAIN): the rest goes through the fallback, every byte in order', async () => {
  // the reader starts reading after 300 ms: the socket's buffer (~200 KiB) fills long before
  const reader = spawn(
    process.execPath,
    ['-e', `setTimeout(() => { const h = require('crypto').createHash('sha256'); let n = 0; process.stdin.on('data', (d) => { n += d.length; h.update(d); }); process.stdin.on('end', () => process.stdout.write(JSON.stringify({ n, sha: h.digest('hex') }))); }, 300);`],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  reader.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  let fallbacks = 0;
  const write = fdLineWriter(
    stdinFd(reader),
    () => {
      fallbacks++;
      return reader.stdin!;
    },
    () => assert.unreachable('no EPIPE'),
  );
  const want = createHash('sha256');
  let n = 0;
  for (let i = 0; i < 40000; i++) {
    // lines of varying length, some not ASCII (byte count != string length)
    const line = `${i}: ${'x'.repeat(i % 97)}${i % 7 === 0 ? ' \u00e9\u4e2d' : ''}`;
    write(line);
    const b = Buffer.from(line + '\n');
    want.update(b);
    n += b.length;
  }
  assert.is(fallbacks, 1, 'the descriptor refused a write (EAGAIN), once: the check below saw the fallback path');
  reader.stdin!.end();
  await exited(reader);
  assert.equal(JSON.parse(out), { n, sha: want.digest('hex') }, 'every byte, in order');
});

test('EPIPE (the reader went away) calls onEpipe; other errors are thrown', async () => {
  // the reader closes its end and says so, then stays alive (Node closes the writer's end when the child exits)
  const gone = spawn(process.execPath, ['-e', `require('fs').closeSync(0); process.stdout.write('closed'); setTimeout(() => {}, 5000);`], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((r) => gone.stdout!.once('data', r));
  let epipe = 0;
  const write = fdLineWriter(stdinFd(gone), (): never => assert.unreachable('no fallback for EPIPE') as never, () => void epipe++);
  write('hello');
  assert.is(epipe, 1);
  gone.kill();
  await exited(gone);
  const bad = fdLineWriter(987654, (): never => assert.unreachable('no fallback for EBADF') as never, () => assert.unreachable('not EPIPE'));
  try {
    bad('x');
    assert.unreachable('EBADF thrown');
  } catch (e) {
    assert.is((e as NodeJS.ErrnoException).code, 'EBADF');
  }
});

test('rtnl-dump | a reader that closed its end: exit code 0, nothing on stderr (as with process.stdout)', () => {
  // the reader closes its stdin before rtnl-dump writes: EPIPE for certain
  const r = spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} --version 2>"$1" | (exec 0<&-; sleep 0.5); echo "\${PIPESTATUS[0]}"; cat "$1"`, 'sh', join(repoRoot, 'dist', `.cli-stdout-err-${process.pid}`)], { encoding: 'utf8' });
  spawnSync('rm', ['-f', join(repoRoot, 'dist', `.cli-stdout-err-${process.pid}`)]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '0\n', 'exit code 0 and an empty stderr');
});

test.run();
