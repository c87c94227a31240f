// ktest(..., needs, { lanes }) keeps a test out of a lane, reported as a named
// skip with the reason (docs/vm-lane.md). Checked with a stand-in for uvu's
// `test` that records what gets registered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Test } from 'uvu';
import { ktest, lane, isRoot } from '../helpers.js';

interface Registered {
  how: 'test' | 'skip';
  name: string;
}

function recorder(): { t: Test; got: Registered[] } {
  const got: Registered[] = [];
  const t = ((name: string) => void got.push({ how: 'test', name })) as unknown as Test;
  (t as unknown as { skip: (name: string) => void }).skip = (name: string) => void got.push({ how: 'skip', name });
  return { t, got };
}

/** ktest() with console.log captured. */
function register(opts: Parameters<typeof ktest>[4]): { got: Registered[]; printed: string[] } {
  const { t, got } = recorder();
  const printed: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void printed.push(a.join(' '));
  try {
    ktest(t, 'the test', () => undefined, [], opts);
  } finally {
    console.log = log;
  }
  return { got, printed };
}

const other = lane === 'host' ? 'vm' : 'host';

test('a test limited to another lane is a named skip with the reason', () => {
  const { got, printed } = register({ lanes: [other], reason: 'heavy under emulation' });
  assert.equal(got, [{ how: 'skip', name: 'the test' }]);
  assert.equal(printed, [`SKIP: the test: ${other}-only: heavy under emulation`]);
});

test('a test limited to this lane (or to both) registers as without the option', () => {
  const plain = register(undefined);
  for (const lanes of [[lane], ['host', 'vm']] as Array<Array<'host' | 'vm'>>) {
    const r = register({ lanes, reason: 'x' });
    assert.equal(r.got, plain.got, `lanes ${lanes.join(',')}`);
    assert.equal(r.printed, plain.printed);
  }
  // and that is: run as root, skipped by name otherwise
  assert.equal(plain.got, [{ how: isRoot ? 'test' : 'skip', name: 'the test' }]);
});

test.run();
