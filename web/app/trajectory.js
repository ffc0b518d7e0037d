// Trajectories: export an episode as JSONL (the format of inference.py
// --trajectories), import one back to replay it through the engine, and share
// an episode as a link (#play=<base64url JSON {v: env_version, t: task, s: seed,
// a: actions}>). A file or link from another environment version (or from
// before versions) says so plainly; the replay still goes ahead.
import { $, download } from './dom.js';

// ── Formats (pure) ────────────────────────────────────────────────────
/** Trajectory lines → JSONL text, one step per line, keys in the schema's order. */
export const toJsonl = (lines) => lines.map(({ env_version, task, seed, step, action, observation, reward, reason, done, feedback }) =>
  JSON.stringify({ env_version, task, seed, step, action, observation, reward, reason, done, feedback })).join('\n') + '\n';  // feedback: agents only

/**
 * JSONL text → episodes [{version, task, seed, steps: [{action, reward}]}]
 * (version: the lines' env_version, null when they carry none). A new episode
 * starts when version, task or seed change or the step number goes back. Throws an
 * Error naming the line for anything that cannot be replayed.
 */
export function parseJsonl(text) {
  const episodes = [];
  let last = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    const where = `line ${i + 1}`;
    let line;
    try {
      line = JSON.parse(raw);
    } catch {
      throw new Error(`${where}: not JSON (a trajectory has one JSON object per line)`);
    }
    if (!line || typeof line !== 'object' || Array.isArray(line)) throw new Error(`${where}: expected a JSON object`);
    if (typeof line.task !== 'string' || !line.task) throw new Error(`${where}: "task" must be a mission id`);
    if (!Number.isSafeInteger(line.seed) || line.seed < 0) throw new Error(`${where}: "seed" must be an integer ≥ 0`);
    if (!('action' in line)) throw new Error(`${where}: missing "action"`);
    const step = Number.isInteger(line.step) ? line.step : null;
    const version = typeof line.env_version === 'string' && line.env_version ? line.env_version : null;
    if (!last || last.version !== version || last.task !== line.task || last.seed !== line.seed || (step !== null && step <= last.steps.length)) {
      last = { version, task: line.task, seed: line.seed, steps: [] };
      episodes.push(last);
    }
    last.steps.push({ action: line.action, reward: typeof line.reward === 'number' ? line.reward : null });
  });
  if (!episodes.length) throw new Error('the file holds no steps');
  return episodes;
}

const toBase64Url = (text) => {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromBase64Url = (text) => {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
};

export const shareHash = ({ version, task, seed, actions }) =>
  `#play=${toBase64Url(JSON.stringify({ v: version, t: task, s: seed, a: actions }))}`;

/** location.hash → {version, task, seed, actions} (version null for links from before versions), null when it is no share link; throws when it is a broken one. */
export function readShareHash(hash) {
  if (!hash.startsWith('#play=')) return null;
  let data;
  try {
    data = JSON.parse(fromBase64Url(hash.slice('#play='.length)));
  } catch {
    throw new Error('the link is cut short or altered (it does not decode)');
  }
  if (typeof data?.t !== 'string' || !Array.isArray(data.a)) throw new Error('the link names no mission or actions');
  return { version: typeof data.v === 'string' && data.v ? data.v : null, task: data.t, seed: data.s ?? 0, actions: data.a };
}

/**
 * The notice for a link or file made with another environment version than
 * `current`, or null when they match. `what` is 'link' or 'trajectory';
 * `versions` lists the versions it carries (null: one from before versions).
 */
export function versionNotice(what, versions, current) {
  const distinct = [...new Set(versions)];
  if (distinct.length === 1 && distinct[0] === current) return null;
  const page = `this page runs ${current}. Rewards may differ.`;
  const thing = what === 'link' ? 'This link' : 'This trajectory';
  if (distinct.length === 1 && distinct[0] === null) {
    return `${thing} predates environment versions (it names none); ${page}`;
  }
  if (distinct.length === 1) {
    return `${thing} was ${what === 'link' ? 'made' : 'recorded'} with environment version ${distinct[0]}; ${page}`;
  }
  const named = distinct.map((v) => v ?? 'none (before versions)').join(', ');
  return `${thing} holds episodes recorded with environment versions ${named}; ${page}`;
}

// ── The Trajectory panel ──────────────────────────────────────────────
export function initTrajectory({ spec, demo, player }) {
  const ui = Object.fromEntries(['export-trajectory', 'import-trajectory', 'copy-link', 'share-url', 'share-box',
    'trajectory-status', 'trajectory-error', 'version-notice'].map((id) => [id, $(id)]));
  let noticeEpisode = null;  // the shared episode the notice is about (null: an imported file's)
  /** Shows (or, with null, hides) the version notice at the top of the demo. */
  const notice = (message, episodeId = null) => {
    ui['version-notice'].textContent = message ?? '';
    ui['version-notice'].hidden = !message;
    noticeEpisode = episodeId;
  };
  const status = (message) => { ui['trajectory-status'].textContent = message; };
  const fail = (message) => {
    ui['trajectory-error'].textContent = message ?? '';
    ui['trajectory-error'].hidden = !message;
  };

  function sync() {
    ui['export-trajectory'].disabled = demo.trajectory.length === 0;
    ui['copy-link'].disabled = !demo.episode;
  }
  demo.events.addEventListener('episode', () => {
    sync();
    ui['share-box'].hidden = true;
    // The notice stays with what it describes: the shared episode, or the imported file while it plays.
    const about = noticeEpisode !== null ? demo.episode?.id === noticeEpisode : player.replaying();
    if (!about) notice(null);
  });
  demo.events.addEventListener('step', sync);

  ui['export-trajectory'].addEventListener('click', () => {
    const lines = demo.trajectory;
    if (!lines.length) return;
    const { task, seed } = demo.episode;
    const name = `trajectory-${task}-${seed}.jsonl`;
    download(name, toJsonl(lines), 'application/x-ndjson');
    fail(null);
    status(`Exported ${lines.length} step${lines.length === 1 ? '' : 's'} as ${name}.`);
  });

  ui['import-trajectory'].addEventListener('change', async () => {
    const file = ui['import-trajectory'].files[0];
    ui['import-trajectory'].value = '';
    if (!file) return;
    let episodes;
    try {
      episodes = parseJsonl(await file.text());
    } catch (error) {
      fail(`${file.name}: ${error.message}`);
      return;
    }
    fail(null);
    status(`Imported ${file.name}: ${episodes.length === 1 ? 'one episode' : `${episodes.length} episodes`}. Replaying through the engine.`);
    player.replay(file.name, episodes);
    notice(versionNotice('trajectory', episodes.map((e) => e.version), spec.env_version));
  });

  ui['copy-link'].addEventListener('click', async () => {
    const { task, seed } = demo.episode;
    const url = `${location.href.split('#')[0]}${shareHash({ version: spec.env_version, task, seed, actions: demo.trajectory.map((l) => l.action) })}`;
    ui['share-url'].value = url;
    ui['share-box'].hidden = false;
    const steps = demo.trajectory.length;
    try {
      await navigator.clipboard.writeText(url);
      status(`Link copied: it reopens ${task}, seed ${seed}, at step ${steps}.`);
    } catch {
      ui['share-url'].select();
      status(`Copy the link below: it reopens ${task}, seed ${seed}, at step ${steps}.`);
    }
  });
  ui['share-url'].addEventListener('focus', () => ui['share-url'].select());

  /** Opens #play=… : the same episode, replayed through the engine to the same step. */
  function openShared() {
    let shared;
    try {
      shared = readShareHash(location.hash);
    } catch (error) {
      fail(`This share link could not be opened: ${error.message}.`);
      return;
    }
    if (!shared) return;
    player.stop();
    notice(null);
    if (!demo.start(shared.task, shared.seed)) {
      fail('This share link names an episode the engine cannot start (see the message above).');
      return;
    }
    notice(versionNotice('link', [shared.version], spec.env_version), demo.episode.id);
    const restore = player.actor();
    demo.setActor({ ...restore, label: 'Agent' });
    try {
      for (const action of shared.actions) if (!demo.observation.done) demo.apply(action);
      fail(null);
    } catch (error) {
      fail(`The shared episode stopped early: ${error.message}`);
    }
    demo.setActor(restore);
    status(`Opened a shared episode: ${shared.task}, seed ${shared.seed}, at step ${demo.observation.step_count}.`);
    $('demo').scrollIntoView({ block: 'start' });
  }
  addEventListener('hashchange', openShared);
  openShared();
  sync();
}
