/**
 * The corpus of real netlink captures (../shared/corpus beside the repo, see
 * its SOURCES.md). CI runs a clean clone with ../shared next to it; when it is
 * absent, tests that need it are skipped by name. RTNL_CORPUS overrides the path.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/...). */
export const repoRoot = (() => {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'package.json'))) return d;
    d = dirname(d);
  }
  throw new Error('repository root not found');
})();

export const corpusDir = process.env.RTNL_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus');

/** Path of a corpus file, or undefined when the corpus is absent. */
export function corpusFile(rel: string): string | undefined {
  const p = join(corpusDir, rel);
  return existsSync(p) ? p : undefined;
}

export const corpusMissing = existsSync(join(corpusDir, 'SOURCES.md')) ? undefined : `corpus not found at ${corpusDir} (expected ../shared/corpus beside the repository)`;
