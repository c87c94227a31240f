// once(): the shared "built on first use" helper (src/netlink/once.ts) that
// import-time tables (devconf names, /etc/iproute2 tables) are built with.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from '../../src/netlink/once.js';

test('nothing is built before the first call; the first value is kept and returned after', () => {
  let built = 0;
  const get = once(() => {
    built++;
    return { n: built };
  });
  assert.is(built, 0);
  const a = get();
  assert.is(built, 1);
  assert.is(get(), a);
  assert.is(get(), a);
  assert.is(built, 1);
  assert.equal(a, { n: 1 });
});

test('a build that throws is not kept: the next call builds again', () => {
  let calls = 0;
  const get = once(() => {
    calls++;
    if (calls === 1) throw new Error('first');
    return 'ok';
  });
  assert.throws(() => get(), /first/);
  assert.is(get(), 'ok');
  assert.is(get(), 'ok');
  assert.is(calls, 2);
});

test.run();
