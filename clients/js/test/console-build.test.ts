import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

it('consoleBuild_CommittedCopyInBatonApi_MatchesWhatTheSourcesBuild', () => {
  // Throws (with the differing files in its output) when the committed copy is stale.
  const output = execFileSync(process.execPath, [join(root, 'scripts/build-console.mjs'), '--check'], { encoding: 'utf8' });
  assert.match(output, /up to date/);
});
