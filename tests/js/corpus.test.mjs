// The grader on the labelled corpora of whole episodes (tests/corpus/): the
// confusion matrix is deterministic, so it is pinned exactly. Any change to
// grading moves these numbers and must be a deliberate, version-bumped change.
// Issue 9's bar: at least 98% of legitimate episodes succeed and at most 2%
// of adversarial ones do (README, "Grader accuracy").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the corpus runner on one file and checks its figures against `want` and the bar. */
function checkCorpus(file, want) {
  const out = execFileSync(process.execPath, [path.join(root, 'tests/corpus/run.mjs'), '--json', '--corpus',
    path.join(root, 'tests/corpus', file)], { cwd: root, encoding: 'utf8' });
  const r = JSON.parse(out);
  assert.equal(r.episodes, want.episodes);
  assert.deepEqual(r.broken_scaffolding, []);
  assert.deepEqual(r.overall.legit, want.legit);
  assert.deepEqual(r.overall.adversarial, want.adversarial);
  assert.ok(r.overall.legit_success_rate >= 0.98, `legit success ${r.overall.legit_success_rate}`);
  assert.ok(r.overall.adversarial_success_rate <= 0.02, `adversarial success ${r.overall.adversarial_success_rate}`);
  // Every process failure (wrong category, no KB, no question, wrong terminal) fails.
  assert.equal(r.overall.adversarial.succeeded, r.excluding_process_kinds.adversarial.succeeded);
}

test('grader on the corpus: >= 98% of legit and <= 2% of adversarial episodes succeed, exactly as measured', () => {
  checkCorpus('episodes.jsonl', { episodes: 468, legit: { succeeded: 232, failed: 2 }, adversarial: { succeeded: 3, failed: 231 } });
});

test('grader on the second corpus (holdout.jsonl, another author): the same bar, exactly as measured', () => {
  checkCorpus('holdout.jsonl', { episodes: 240, legit: { succeeded: 118, failed: 2 }, adversarial: { succeeded: 1, failed: 119 } });
});
