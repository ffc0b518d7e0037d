// Entry point: load the engine once, fill the page from it, make the demo
// playable, then load the extras (agents, trajectories, packs, Evaluation Lab)
// and register the service worker (offline play).
import createSupportEnv from '../support-env.mjs';
import { $, h } from './dom.js';
import { renderSections, initCopyButtons, initNav, initTicker } from './sections.js';
import { initDemo } from './demo.js';
import { store } from './store.js';

initTicker();
initNav();
initCopyButtons();

try {
  const started = performance.now();
  const env = await createSupportEnv();
  const { spec } = env.spec();
  store.set('tasks', { tasks: env.tasks().tasks, pack: null });
  const demo = initDemo({ env, spec });
  renderSections({ spec, onChoose: (id) => demo.choose(id) });
  const ms = Math.round(performance.now() - started);
  $('engine-status').textContent = 'Engine ready';
  $('footer-engine').textContent = `Engine: WebAssembly, ready in ${ms} ms, running in this tab.`;
  document.documentElement.dataset.ready = 'true';
  performance.mark('playable');
  initExtras({ env, spec, demo }).catch((error) => {
    const message = $('episode-error');
    message.textContent = `The agents, trajectories, packs and Evaluation Lab could not load: ${error.message}`;
    message.hidden = false;
  });
} catch (error) {
  $('engine-status').textContent = 'Engine unavailable';
  const message = $('episode-error');
  message.textContent = `The engine could not load in this browser: ${error.message}`;
  message.hidden = false;
  $('footer-engine').textContent = 'Engine: unavailable in this browser.';
  for (const id of ['mission-list', 'action-list']) {
    const list = $(id);
    list.removeAttribute('aria-busy');
    list.replaceChildren(h('li', { class: 'load-failed' }, 'This section is filled by the engine, which could not load here.'));
  }
}

/** After the demo is playable: who plays, trajectories, scenario packs and the Evaluation Lab. */
async function initExtras({ env, spec, demo }) {
  const [{ initPlayer }, { initTrajectory }, { initPacks }, { initLab }] = await Promise.all(
    ['./player.js', './trajectory.js', './packs.js', './lab.js'].map((module) => import(module)));
  const player = initPlayer({ env, spec, demo });
  initLab({ spec, player, createEnv: createSupportEnv });
  initPacks({ env });
  initTrajectory({ spec, demo, player });
  document.documentElement.dataset.extras = 'ready';
}

if ('serviceWorker' in navigator) {
  const register = () => navigator.serviceWorker.register('./sw.js').catch(() => {});
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
}
