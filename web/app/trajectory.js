// Trajectories: export an episode as JSONL (the format of inference.py
// --trajectories), import one back to replay it through the engine, and share
// an episode as a link (#play=<base64url JSON {v: env_version, t: task, s: seed,
// a: actions, p: scenario pack name (only for a pack's mission)}>). The URL
// follows the episode on screen (a new episode is a history entry, each step
// replaces it), so reload and Back restore it. A file or link from another
// environment version (or from before versions) says so plainly; the replay
// still goes ahead. A broken link, or one for a mission this page does not
// have, says so at the top of the page (and which pack to load).
import { $, byTestId, download, plural, setMessage } from './dom.js';
import { store } from './store.js';

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

export const shareHash = ({ version, task, seed, actions, pack = null }) =>
  `#play=${toBase64Url(JSON.stringify(pack ? { v: version, t: task, s: seed, a: actions, p: pack } : { v: version, t: task, s: seed, a: actions }))}`;

/** location.hash → {version, task, seed, actions, pack} (version null for links from before versions, pack null for built-in missions), null when it is no share link; throws when it is a broken one. */
export function readShareHash(hash) {
  if (!hash.startsWith('#play=')) return null;
  let data;
  try {
    data = JSON.parse(fromBase64Url(hash.slice('#play='.length)));
  } catch {
    throw new Error('the link is cut short or altered (it does not decode)');
  }
  if (typeof data?.t !== 'string' || !Array.isArray(data.a)) throw new Error('the link names no mission or actions');
  return {
    version: typeof data.v === 'string' && data.v ? data.v : null, task: data.t, seed: data.s ?? 0, actions: data.a,
    pack: typeof data.p === 'string' && data.p ? data.p : null,
  };
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

// ── The Trajectory panel, and the URL ─────────────────────────────────
export function initTrajectory({ spec, demo, player }) {
  const ui = byTestId(['export-trajectory', 'import-trajectory', 'copy-link', 'share-url', 'share-box',
    'trajectory-status', 'trajectory-error', 'version-notice', 'link-banner', 'link-banner-text', 'link-banner-close']);
  let noticeEpisode = null;  // the shared episode the notice is about (null: an imported file's)
  let restoring = false;     // an episode is being rebuilt from the URL: the URL is not rewritten meanwhile
  let written = location.hash;  // the hash this page last wrote (its own change is not a navigation)
  let pending = null;        // a link whose mission comes from a pack not loaded yet
  /** Shows (or, with null, hides) the version notice at the top of the demo. */
  const notice = (message, episodeId = null) => {
    setMessage(ui['version-notice'], message);
    noticeEpisode = episodeId;
  };
  /** The message at the very top of the page, where a visitor following a link lands. */
  const banner = (message) => {
    ui['link-banner-text'].textContent = message ?? '';
    ui['link-banner'].hidden = !message;
    if (message) ui['link-banner'].scrollIntoView({ block: 'start' });
  };
  ui['link-banner-close'].addEventListener('click', () => banner(null));
  const status = (message) => { ui['trajectory-status'].textContent = message; };
  const fail = (message) => setMessage(ui['trajectory-error'], message);

  const hashOf = (current) => shareHash({
    version: spec.env_version, task: current.task, seed: current.seed, actions: current.trajectory.map((l) => l.action), pack: current.pack,
  });

  /** The URL follows the episode: a new one is pushed, its steps replace it (Back returns to the previous episode). */
  function follow(current) {
    if (restoring) return;
    const base = location.href.split('#')[0];
    const hash = current ? hashOf(current) : '';
    if (hash === location.hash) return;
    written = hash;
    if (current?.kind === 'start' && location.hash.startsWith('#play=')) history.pushState(null, '', base + hash);
    else history.replaceState(null, '', base + hash);
  }

  function sync() {
    ui['export-trajectory'].disabled = demo.trajectory.length === 0;
    ui['copy-link'].disabled = !demo.episode;
  }
  store.on('episode', (current) => {
    sync();
    follow(current);
    if (current?.kind === 'step') return;
    ui['share-box'].hidden = true;
    // The notice stays with what it describes: the shared episode, or the imported file while it plays.
    const about = noticeEpisode !== null ? demo.episode?.id === noticeEpisode : player.replaying();
    if (!about) notice(null);
  });

  ui['export-trajectory'].addEventListener('click', () => {
    const lines = demo.trajectory;
    if (!lines.length) return;
    const { task, seed } = demo.episode;
    const name = `trajectory-${task}-${seed}.jsonl`;
    download(name, toJsonl(lines), 'application/x-ndjson');
    fail(null);
    status(`Exported ${plural(lines.length, 'step')} as ${name}.`);
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
    const url = `${location.href.split('#')[0]}${hashOf({ ...demo.episode, trajectory: demo.trajectory })}`;
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

  /** Rebuilds a shared episode through the engine, to the same step. */
  function open(shared, { scroll }) {
    const known = store.get('tasks').tasks.some((t) => t.id === shared.task);
    if (!known) {
      pending = shared.pack ? shared : null;
      banner(shared.pack
        ? `This link opens “${shared.task}”, a mission of the scenario pack “${shared.pack}”, which is not loaded. Load that pack in the Mission Library (Choose folder, or drop the folder there): the episode opens as soon as it is loaded.`
        : `This link names a mission this page does not have (“${shared.task}”). It may come from a scenario pack: load that pack in the Mission Library, then open the link again.`);
      return;
    }
    pending = null;
    banner(null);
    player.stop();
    notice(null);
    restoring = true;
    try {
      if (!demo.start(shared.task, shared.seed)) {
        banner('This share link names an episode the engine cannot start (see the message in the demo).');
        return;
      }
      notice(versionNotice('link', [shared.version], spec.env_version), demo.episode.id);
      const restore = player.actor();
      store.set('actor', { ...restore, label: 'Agent' });
      try {
        for (const action of shared.actions) if (!demo.observation.done) demo.apply(action);
        fail(null);
      } catch (error) {
        fail(`The shared episode stopped early: ${error.message}`);
      }
      store.set('actor', restore);
    } finally {
      restoring = false;
    }
    follow({ kind: 'step', ...demo.episode, trajectory: demo.trajectory });
    status(`Opened a shared episode: ${shared.task}, seed ${shared.seed}, at step ${demo.observation.step_count}.`);
    if (scroll) $('demo').scrollIntoView({ block: 'start' });
  }

  /** The URL changed (a link opened, reload, Back/Forward): the episode it names, unless this page just wrote it. */
  function fromUrl({ initial = false } = {}) {
    if (!initial && location.hash === written) return;
    written = location.hash;
    let shared;
    try {
      shared = readShareHash(location.hash);
    } catch (error) {
      banner(`This share link could not be opened: ${error.message}. Ask for the link again, or pick a mission below.`);
      return;
    }
    if (!shared) return;
    open(shared, { scroll: true });
  }
  addEventListener('hashchange', () => fromUrl());
  addEventListener('popstate', () => fromUrl());
  store.on('tasks', ({ tasks }) => {
    if (pending && tasks.some((t) => t.id === pending.task)) open(pending, { scroll: true });
  });
  fromUrl({ initial: true });
  sync();
}
