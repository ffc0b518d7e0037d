// Scenario packs: files chosen (files or a folder) or dropped on the Mission
// Library go to the engine as env.loadScenarios([{name, text}]). The engine
// validates everything; a broken pack is refused with its
// "<file>: <JSON path>: problem", shown verbatim, and the missions stay as they were.
import { byTestId, plural, setMessage } from './dom.js';
import { store } from './store.js';

/**
 * The engine's name for a file: a path through missions/, kb/ or lexicon/
 * keeps that folder; a loose file is a KB file when it has "articles", a
 * lexicon when it has "concepts", "grammar" or "commitments", else a mission.
 */
export function engineName(path, text) {
  const parts = path.replace(/\\/g, '/').split('/').filter(Boolean);
  const base = parts.at(-1);
  const folder = parts.slice(0, -1).findLast((p) => p === 'missions' || p === 'kb' || p === 'lexicon');
  if (folder) return `${folder}/${base}`;
  let kind = 'missions';
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object') {
      if ('articles' in value) kind = 'kb';
      else if ('concepts' in value || 'grammar' in value || 'commitments' in value) kind = 'lexicon';
    }
  } catch { /* not JSON: the engine names the problem */ }
  return `${kind}/${base}`;
}

/** Files (and files inside folders) from a drop, each with its path. */
async function droppedFiles(dataTransfer) {
  const entries = [...dataTransfer.items].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.length) return [...dataTransfer.files].map((file) => ({ file, path: file.name }));
  const out = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      out.push({ file: await new Promise((resolve, reject) => entry.file(resolve, reject)), path: entry.fullPath });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (let batch; (batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject))).length;) {
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}

/** The pack's display name: the folder that holds missions/ and kb/, if there is one. */
function packName(paths) {
  for (const path of paths) {
    const parts = path.split('/').filter(Boolean);
    const i = parts.findIndex((p) => p === 'missions' || p === 'kb' || p === 'lexicon');
    if (i > 0) return parts[i - 1];
  }
  return paths.length === 1 ? paths[0].split('/').at(-1) : `${paths.length} files`;
}

/** A switch of missions is announced through the store: tasks = {tasks, pack: {name, files: [{name, text}]} | null}. */
export function initPacks({ env }) {
  const ui = byTestId(['pack-drop', 'pack-files', 'pack-folder', 'pack-active', 'pack-status', 'pack-reset',
    'pack-error', 'pack-busy']);
  const fail = (message) => setMessage(ui['pack-error'], message);

  async function load(chosen) {
    const json = chosen.filter(({ path }) => path.toLowerCase().endsWith('.json'));
    if (!json.length) {
      fail('No .json files there. A scenario pack is missions/*.json and kb/*.json (see examples/packs/ in the repository).');
      return;
    }
    ui['pack-busy'].textContent = `Loading ${json.length} file${json.length === 1 ? '' : 's'}…`;
    let result;
    let files;
    try {
      files = await Promise.all(json.map(async ({ file, path }) => {
        const text = await file.text();
        return { name: engineName(path, text), text };
      }));
      result = env.loadScenarios(files);
    } catch (error) {
      ui['pack-busy'].textContent = '';
      fail(`The pack was not loaded: ${error.message}`);
      return;
    }
    fail(null);
    ui['pack-busy'].textContent = '';
    const name = packName(json.map((f) => f.path));
    ui['pack-status'].textContent = `Playing pack: ${name} (${plural(result.tasks.length, 'mission')})`;
    ui['pack-active'].hidden = false;
    store.set('tasks', { tasks: result.tasks, pack: { name, files } });
  }

  for (const input of [ui['pack-files'], ui['pack-folder']]) {
    input.addEventListener('change', () => {
      const files = [...input.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
      input.value = '';
      if (files.length) load(files);
    });
    input.disabled = false;
  }

  const zone = ui['pack-drop'];
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('is-over');
  });
  zone.addEventListener('dragleave', (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove('is-over');
  });
  zone.addEventListener('drop', async (event) => {
    event.preventDefault();
    zone.classList.remove('is-over');
    try {
      load(await droppedFiles(event.dataTransfer));
    } catch (error) {
      fail(`The dropped files could not be read: ${error.message}`);
    }
  });

  ui['pack-reset'].addEventListener('click', () => {
    const { tasks } = env.useBuiltInScenarios();
    ui['pack-active'].hidden = true;
    fail(null);
    store.set('tasks', { tasks, pack: null });
    ui['pack-files'].focus();
  });
}
