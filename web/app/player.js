// Who plays the demo: you, the engine's reference or random agent, an LLM, or
// an imported trajectory. Agents only choose actions (env.act, a model, a
// recording); every action goes through demo.apply → env.step, so the panels
// show exactly what the engine returns. Play / Pause / Step at a chosen speed.
import { byTestId, setMessage } from './dom.js';
import { loadSettings, settingsProblem, updateSettings } from './llm.js';
import { builtInAgent, llmAgent, playEpisode, replayAgent } from './agent-loop.js';
import { store } from './store.js';

const SPEEDS = [
  { ms: 2000, label: '2 s / step' },
  { ms: 1000, label: '1 s / step' },
  { ms: 500, label: '0.5 s / step' },
  { ms: 150, label: '0.15 s / step' },
  { ms: 0, label: 'Max' },
];

const WHO = {
  you: { label: 'You (agent)', text: '' },
  reference: {
    label: 'Reference agent',
    text: 'The engine’s built-in agent. It reads only the observation, like an LLM would: cue words for the category, the customer’s own words as the search, the article’s fix in the reply.',
  },
  random: {
    label: 'Random agent',
    text: 'A random action every step, seeded by the episode’s seed: the floor any agent should beat.',
  },
  llm: {
    label: 'LLM agent',
    text: 'Any OpenAI-compatible Chat Completions endpoint. Each turn it gets the ticket as text (what a support agent sees: the conversation, the article found, the steps used, its own errors; no rewards unless you tick the box below) and answers with one JSON action.',
  },
  replay: {
    label: 'Replay',
    text: 'The imported trajectory, replayed through the engine one step at a time. A recorded reward that differs from the engine’s is flagged.',
  },
};

export function initPlayer({ env, spec, demo }) {
  const ui = byTestId(['player-select', 'agent-panel', 'agent-name', 'agent-step', 'agent-desc', 'llm-settings',
    'llm-base', 'llm-model', 'llm-token', 'llm-remember', 'llm-feedback', 'replay-settings', 'replay-episode', 'speed-input', 'speed-value',
    'play-pause', 'step-once', 'agent-status', 'agent-error', 'agent-last', 'agent-action', 'replay-warning']);
  const replayOption = ui['player-select'].querySelector('option[value="replay"]');

  let who = 'you';
  let playing = false;
  let busy = false;        // an action is being chosen or applied
  let controller = null;   // aborts the model request and the wait between steps
  let ownStart = false;    // the episode event comes from this module
  let agent = null;        // {agent, episode id, who}: the agent playing the demo's episode
  let replay = null;       // {file, episodes, index, episodeId, warnings}
  let note = null;         // a status line that outlives the next update (end of a recording)

  // ── Settings ─────────────────────────────────────────────────────────
  const saved = loadSettings();
  ui['llm-base'].value = saved.base;
  ui['llm-model'].value = saved.model;
  ui['llm-token'].value = saved.token;
  ui['llm-remember'].checked = saved.remember;
  ui['llm-feedback'].checked = saved.feedback;
  for (const key of ['base', 'model', 'token']) {
    ui[`llm-${key}`].addEventListener('input', () => updateSettings({ [key]: ui[`llm-${key}`].value }));
  }
  ui['llm-remember'].addEventListener('change', () => updateSettings({ remember: ui['llm-remember'].checked }));
  // From the next episode: an episode keeps its mode.
  ui['llm-feedback'].addEventListener('change', () => updateSettings({ feedback: ui['llm-feedback'].checked }));

  const speed = () => SPEEDS[Number(ui['speed-input'].value)] ?? SPEEDS[2];
  function syncSpeed() {
    ui['speed-value'].textContent = speed().label;
    ui['speed-input'].setAttribute('aria-valuetext', speed().label);
  }
  ui['speed-input'].addEventListener('input', syncSpeed);

  // ── Choosing who plays ───────────────────────────────────────────────
  function choose(next) {
    stop();
    who = next;
    ui['player-select'].value = next;
    store.set('actor', { who: next, label: WHO[next].label, manual: next === 'you' });
    ui['agent-panel'].hidden = next === 'you';
    ui['llm-settings'].hidden = next !== 'llm';
    ui['replay-settings'].hidden = next !== 'replay';
    ui['agent-name'].textContent = WHO[next].label;
    ui['agent-desc'].textContent = WHO[next].text;
    showError(null);
    update();
  }
  ui['player-select'].addEventListener('change', () => choose(ui['player-select'].value));

  // ── Agents (agent-loop.js): one per episode ──────────────────────────
  /** The agent for the demo's current episode, made when the episode or the player changes. */
  function currentAgent() {
    if (agent?.episode === demo.episode.id && agent.who === who) return agent.agent;
    let made;
    if (who === 'reference' || who === 'random') made = builtInAgent(env, who);
    else if (who === 'replay') made = replayAgent(replay.episodes[replay.index].steps);
    else {
      const problem = settingsProblem();
      if (problem) throw new Error(problem);
      // The endpoint is read at each request (edits apply at once); the feedback mode stays the episode's.
      const inner = llmAgent(spec, { settings: () => store.get('llm'), feedback: store.get('llm').feedback, onRetry: (message) => { ui['agent-status'].textContent = message; } });
      made = {
        feedback: inner.feedback,
        next(obs, options) {
          const problem = settingsProblem();
          if (problem) throw new Error(problem);
          ui['agent-status'].textContent = `Waiting for ${store.get('llm').model.trim()}…`;
          return inner.next(obs, options);
        },
        observe: inner.observe,
      };
    }
    agent = { agent: made, episode: demo.episode.id, who };
    return made;
  }

  /** The episode to play: the current one, or a fresh one (the form's, or the recording's). */
  function ensureEpisode() {
    const obs = demo.observation;
    const replayOff = who === 'replay' && demo.episode?.id !== replay.episodeId;
    if (obs && !obs.done && !replayOff) return true;
    ownStart = true;
    let started;
    if (who === 'replay') {
      const { task, seed } = replay.episodes[replay.index];
      started = demo.start(task, seed);
      if (started) {
        replay.episodeId = demo.episode.id;
        replay.warnings = [];
        showWarnings();
      }
    } else {
      started = demo.newEpisode();
    }
    ownStart = false;
    return started ? 'started' : false;
  }

  /** Plays up to maxActions actions (Infinity: to the end) through the shared episode loop, at the chosen speed. */
  async function run(signal, maxActions) {
    note = null;
    try {
      const playing_ = currentAgent();
      const { ended } = await playEpisode({
        agent: {
          next: async (obs, options) => {
            busy = true;
            update();
            return playing_.next(obs, options);
          },
          observe: (result) => playing_.observe?.(result),
        },
        obs: demo.observation,
        signal,
        maxActions,
        between: (s) => wait(speed().ms, s),
        // Recorded with the trajectory: was the agent shown rewards? (The built-in agents never are.)
        step: (action) => demo.apply(action, { feedback: who === 'llm' ? playing_.feedback : who === 'replay' ? undefined : false }),
        onStep: (result, { action, problem, recorded }) => {
          busy = false;
          ui['agent-action'].textContent = JSON.stringify(action, null, 2);
          ui['agent-last'].hidden = false;
          const error = result.observation.last_action_error;
          showError(problem ? `The model’s reply could not be used: ${problem}. Sent to the engine as an invalid step${error ? `: ${error}` : '.'}`
            : error ? `Invalid action (the step still counts): ${error}` : null);
          if (recorded != null && Math.abs(recorded - result.reward) > 1e-9) {
            replay.warnings.push(`Step ${result.observation.step_count}: the file records +${recorded.toFixed(2)}, the engine gives +${result.reward.toFixed(2)}.`);
            showWarnings();
          }
          update();
        },
      });
      if (ended) {
        const n = demo.observation.step_count;
        note = `End of the recording: ${n} step${n === 1 ? '' : 's'} replayed. Switch “Who plays” to take over from here.`;
      }
    } catch (error) {
      if (!signal.aborted) showError(error.message);
    } finally {
      busy = false;
      update();
    }
  }

  const wait = (ms, signal) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

  async function play() {
    if (playing || busy || who === 'you') return;
    controller = new AbortController();
    const { signal } = controller;
    playing = true;
    showError(null);
    update();
    const started = ensureEpisode();
    if (started === 'started') await wait(speed().ms, signal);
    if (started && !signal.aborted) await run(signal, Infinity);
    if (!signal.aborted) playing = false;
    update();
  }

  async function stepOnce() {
    if (busy || who === 'you') return;
    stop();
    if (!ensureEpisode()) return;
    controller = new AbortController();
    await run(controller.signal, 1);
  }

  /** Pauses: stops the loop and any model request in flight. */
  function stop() {
    controller?.abort();
    controller = null;
    playing = false;
    update();
  }

  ui['play-pause'].addEventListener('click', () => (playing ? stop() : play()));
  ui['step-once'].addEventListener('click', stepOnce);
  store.on('episode', (current) => {
    if (current?.kind === 'step') {
      update();
      return;
    }
    ui['agent-last'].hidden = true;
    note = null;
    if (ownStart) return;
    stop();
    showError(null);
    if (replay) {
      replay.warnings = [];
      showWarnings();
    }
  });

  // ── Replays of imported trajectories ─────────────────────────────────
  ui['replay-episode'].addEventListener('change', () => {
    replay.index = Number(ui['replay-episode'].value);
    replay.episodeId = null;
    stop();
    ensureEpisode();
    update();
  });

  function showWarnings() {
    const list = replay?.warnings ?? [];
    ui['replay-warning'].hidden = list.length === 0;
    ui['replay-warning'].textContent = list.length ? `The engine disagrees with the recording. ${list.join(' ')}` : '';
  }

  // ── Rendering ────────────────────────────────────────────────────────
  const showError = (message) => setMessage(ui['agent-error'], message);

  function update() {
    const obs = demo.observation;
    const active = Boolean(obs) && !obs.done;
    const label = ui['play-pause'].querySelector('span');
    label.textContent = playing ? 'Pause' : 'Play';
    ui['play-pause'].querySelector('use').setAttribute('href', playing ? '#i-pause' : '#i-play');
    ui['play-pause'].dataset.playing = String(playing);
    ui['step-once'].disabled = busy;
    ui['agent-step'].textContent = obs ? `${obs.ticket_id}${obs.done ? ' · over' : ''}` : 'No episode';
    if (who === 'you' || busy) return;
    const name = WHO[who].label.toLowerCase();
    ui['agent-status'].textContent = note ?? (playing ? `Playing: the ${name} acts ${speed().ms ? `every ${speed().label.replace(' / step', '')}` : 'at full speed'}.`
      : active ? `Paused at step ${obs.step_count}. Play to continue, or Step one action at a time.`
        : obs?.done ? `Episode over (${obs.success ? 'success' : 'failure'}, ${obs.cumulative_reward.toFixed(2)}). Play starts a new one.`
          : `Press Play: the ${name} starts the episode chosen above and plays it.`);
  }

  syncSpeed();
  ui['player-select'].disabled = false;
  choose(ui['player-select'].value);

  return {
    /** Replays imported episodes, the first one at once, at the chosen speed. */
    replay(file, episodes) {
      replay = { file, episodes, index: 0, episodeId: null, warnings: [] };
      replayOption.disabled = false;
      replayOption.textContent = `Replay: ${file}`;
      ui['replay-episode'].replaceChildren(...episodes.map((e, i) =>
        Object.assign(document.createElement('option'), { value: String(i), textContent: `${i + 1}. ${e.task} · seed ${e.seed} · ${e.steps.length} step${e.steps.length === 1 ? '' : 's'}` })));
      ui['replay-episode'].disabled = episodes.length < 2;
      choose('replay');
      play();
    },
    stop,
    actor: () => ({ who, label: WHO[who].label, manual: who === 'you' }),
    /** True while an imported trajectory is the one playing. */
    replaying: () => who === 'replay',
    /** Shows the LLM settings (the Evaluation Lab's "set up" link). */
    configureLlm() {
      if (who !== 'llm') choose('llm');
      ui['agent-panel'].scrollIntoView({ block: 'center' });
      (settingsProblem()?.includes('model') ? ui['llm-model'] : ui['llm-base']).focus({ preventScroll: true });
    },
  };
}
