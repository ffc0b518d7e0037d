// The grader on the labelled corpus of whole episodes (tests/corpus/): the
// confusion matrix is deterministic, so it is pinned exactly. Any change to
// grading moves these numbers and must be a deliberate, version-bumped change.
// Issue 9's goal is legit >= 98% and adversarial <= 2%; today's figures fall
// short of it (README, "Grader accuracy"), and this test records where they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('grader on the corpus: the confusion matrix as measured, no broken scaffolding', () => {
  const out = execFileSync(process.execPath, [path.join(root, 'tests/corpus/run.mjs'), '--json'], { cwd: root, encoding: 'utf8' });
  const r = JSON.parse(out);
  assert.equal(r.episodes, 468);
  assert.deepEqual(r.broken_scaffolding, []);
  assert.deepEqual(r.overall.legit, { succeeded: 219, failed: 15 });
  assert.deepEqual(r.overall.adversarial, { succeeded: 14, failed: 220 });
  // Every process failure (wrong category, no KB, no question, wrong terminal) fails.
  assert.equal(r.overall.adversarial.succeeded, r.excluding_process_kinds.adversarial.succeeded);
});
