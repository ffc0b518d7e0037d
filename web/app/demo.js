// The interactive demo: a thin view over the engine. It sends what the user
// (or an agent, a replay, a share link: see player.js) chose to env.reset /
// env.step and shows exactly what the engine returns (observation, reward,
// reason, errors); no rule, reward or outcome is computed here. Every step is
// kept as a trajectory line ({env_version, task, seed, step, action,
// observation, reward, reason, done}, as inference.py --trajectories writes them).
import { $, h, icon, breakable, fmtReward, fmtScore, humanize, prefersReducedMotion } from './dom.js';
import { difficultyBadge, pad2 } from './sections.js';

const HINTS = {
  classify_issue: 'Tag the ticket type. You can reclassify; the latest one is graded.',
  search_kb: 'Search the policy knowledge base. The best-ranked article shows in the Knowledge Base panel.',
  ask_clarifying_question: 'Ask the customer a question. They reply, but their patience is limited.',
  resolve_ticket: 'Terminal: close the ticket with the final solution. State the fix; stay within policy.',
  escalate_to_human: 'Terminal: hand the ticket to a human specialist. A handoff note is optional.',
};
const MESSAGE_LABELS = {
  ask_clarifying_question: 'Question for the customer',
  resolve_ticket: 'Final solution for the customer',
  escalate_to_human: 'Handoff note (optional)',
};
const OUTCOMES = {
  resolved: 'Ticket resolved',
  escalated: 'Escalated to a human',
  customer_left: 'Customer left',
  step_limit: 'Step limit reached',
};
const SENTIMENT_ICONS = { Happy: 'i-happy', Neutral: 'i-neutral', Upset: 'i-upset', Angry: 'i-angry' };

export function initDemo({ env, spec, tasks: initialTasks }) {
  let tasks = initialTasks;
  const console_ = $('demo');
  const ui = Object.fromEntries([
    'episode-form', 'mission-select', 'seed-input', 'new-episode', 'episode-error', 'engine-status',
    'ticket-id', 'status-badge', 'ticket-mission', 'ticket-customer', 'ticket-tier', 'ticket-category',
    'ticket-steps', 'terminal-score', 'progress', 'progress-text', 'sentiments', 'sentiment-text',
    'kb-id', 'kb-title', 'kb-text', 'outcome', 'outcome-kicker', 'outcome-title', 'outcome-score',
    'outcome-reason', 'play-again', 'action-form', 'action-fieldset', 'action-select', 'category-select',
    'query-input', 'message-input', 'message-label', 'action-desc', 'action-hint', 'action-error',
    'conversation', 'chat-subject', 'empty-state', 'reward-log', 'reward-log-empty', 'reward-total', 'step-announcer',
  ].map((id) => [id, $(id)]));
  const fieldOf = new Map(spec.actions.map((a) => [a.action_type, a.field]));
  let taskIndex = new Map(tasks.map((t, i) => [t.id, i]));
  const progressFill = ui.progress.querySelector('.progress-fill');
  const messages = h('ol', { class: 'messages' });

  const actionPanel = $('action-panel');
  const events = new EventTarget();  // 'episode': a new episode started, or the missions changed; 'step': an action was applied

  let obs = null;      // the engine's latest observation
  let log = [];        // {step, action, reward, reason, valid} per step, as the engine answered
  let trajectory = []; // trajectory lines of this episode
  let episode = null;  // {task, seed, id}
  let episodes = 0;
  let shownMessages = 0;
  let shownLog = 0;
  let actor = { label: 'You (agent)', manual: true };

  // ── Controls from the engine's spec ──────────────────────────────────
  function setMissionOptions() {
    ui['mission-select'].replaceChildren(h('option', { value: '' }, 'Random'),
      ...tasks.map((t, i) => h('option', { value: t.id }, `${pad2(i + 1)} · ${t.title}`)));
  }
  setMissionOptions();
  ui['action-select'].append(...spec.actions.map((a) => h('option', { value: a.action_type }, a.action_type)));
  ui['category-select'].append(...spec.categories.map((c) => h('option', { value: c }, c)));
  ui.sentiments.append(...spec.sentiments.map((s) =>
    h('li', { class: `pill pill-${s.toLowerCase()}`, 'data-sentiment': s, 'data-testid': `sentiment-${s}` },
      icon(SENTIMENT_ICONS[s] ?? 'i-neutral'), h('span', {}, s))));
  ui['action-select'].setAttribute('aria-describedby', 'action-desc');

  function syncFields() {
    const type = ui['action-select'].value;
    const field = fieldOf.get(type);
    for (const box of ui['action-form'].querySelectorAll('[data-field]')) box.hidden = box.dataset.field !== field;
    ui['message-label'].textContent = MESSAGE_LABELS[type] ?? 'Message to the customer';
    ui['action-desc'].textContent = HINTS[type] ?? '';
  }

  // ── Episodes ─────────────────────────────────────────────────────────
  /** Starts the episode the form describes (mission "" = a random one). */
  function newEpisode() {
    const task = ui['mission-select'].value || tasks[Math.floor(Math.random() * tasks.length)].id;
    const raw = ui['seed-input'].value.trim();
    return start(task, raw === '' ? 0 : Number.isNaN(Number(raw)) ? raw : Number(raw));
  }

  /** reset(task, seed) in the engine and fresh panels; false (and the engine's message shown) if refused. */
  function start(task, seed) {
    let result;
    try {
      result = env.reset({ task, seed });
    } catch (error) {
      showError(ui['episode-error'], `Could not start the episode: ${error.message}`);
      return false;
    }
    showError(ui['episode-error'], null);
    obs = result.observation;
    episode = { task, seed, id: ++episodes };
    trajectory = [];
    if ([...ui['mission-select'].options].some((o) => o.value === task)) ui['mission-select'].value = task;
    ui['seed-input'].value = String(seed);
    ui['step-announcer'].textContent = `New episode: ${obs.ticket_id}, ${obs.customer_name}, sentiment ${obs.sentiment}.`;
    log = [];
    shownMessages = 0;
    shownLog = 0;
    messages.replaceChildren();
    ui.conversation.replaceChildren(messages);
    ui['reward-log'].replaceChildren();
    ui['query-input'].value = '';
    ui['message-input'].value = '';
    ui['action-select'].selectedIndex = 0;
    ui['category-select'].selectedIndex = 0;
    syncFields();
    for (const card of document.querySelectorAll('.mission-card[data-task]')) {
      const current = card.dataset.task === obs.task_id;
      card.classList.toggle('is-current', current);
      const button = card.querySelector('.card-button');
      if (current) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
    render();
    events.dispatchEvent(new Event('episode'));
    return true;
  }

  /**
   * Sends one action (any JSON value: the engine judges it) and shows the result; throws if the engine refuses the request.
   * feedback: whether the agent that chose it is shown rewards (recorded in the trajectory line; undefined = not recorded).
   */
  function apply(action, { feedback } = {}) {
    const result = env.step(action);
    obs = result.observation;
    const type = typeof action?.action_type === 'string' ? action.action_type : 'invalid action';
    log.push({ step: obs.step_count, action: type, reward: result.reward, reason: result.info.reason, valid: result.info.valid });
    trajectory.push({
      env_version: obs.env_version, task: episode.task, seed: episode.seed, step: obs.step_count, action, observation: obs,
      reward: result.reward, reason: result.info.reason, done: result.done, feedback,
    });
    render();
    events.dispatchEvent(new Event('step'));
    ui['step-announcer'].textContent = `Step ${obs.step_count}, ${type}: ${fmtReward(result.reward)}. ${result.info.reason} Total ${fmtReward(obs.cumulative_reward)}.`;
    return result;
  }

  function submitAction() {
    if (!obs || obs.done) return;
    const type = ui['action-select'].value;
    const field = fieldOf.get(type);
    const input = { category_guess: ui['category-select'], search_query: ui['query-input'], message_to_customer: ui['message-input'] }[field];
    const action = { action_type: type };
    if (field) action[field] = input ? input.value : '';
    let result;
    try {
      result = apply(action);
    } catch (error) {
      showError(ui['action-error'], error.message);
      return;
    }
    if (result.info.valid && field !== 'category_guess' && input) input.value = '';
    if (obs.done) ui.outcome.focus();
  }

  /** The missions changed (a scenario pack, or back to the built-in ones): the engine dropped the episode. */
  function setTasks(next) {
    tasks = next;
    taskIndex = new Map(tasks.map((t, i) => [t.id, i]));
    setMissionOptions();
    obs = null;
    episode = null;
    log = [];
    trajectory = [];
    shownLog = 0;
    ui.conversation.replaceChildren(ui['empty-state']);
    ui['reward-log'].replaceChildren();
    ui['ticket-mission'].textContent = 'Choose a mission to begin.';
    showError(ui['episode-error'], null);
    render();
    events.dispatchEvent(new Event('episode'));
  }

  // ── Rendering: the observation, as the engine returned it ─────────────
  function showError(target, message) {
    target.hidden = !message;
    target.textContent = message ?? '';
  }

  function render() {
    const active = Boolean(obs);
    const done = active && obs.done;
    const max = active ? obs.max_steps : spec.max_steps;
    const state = !active ? 'idle' : done ? 'done' : 'active';
    console_.dataset.state = state;

    // Ticket status
    ui['ticket-id'].textContent = active ? obs.ticket_id : 'No ticket';
    ui['status-badge'].textContent = state.toUpperCase();
    ui['status-badge'].className = `badge badge-${state}`;
    if (active) {
      const i = taskIndex.get(obs.task_id) ?? 0;
      ui['ticket-mission'].replaceChildren(
        h('span', { class: 'ticket-mission-num' }, pad2(i + 1)), ' ',
        tasks[i]?.title ?? obs.task_id, ' ', difficultyBadge(obs.difficulty));
    }
    ui['ticket-customer'].textContent = active ? obs.customer_name : '–';
    ui['ticket-tier'].textContent = active ? obs.customer_tier : '–';
    ui['ticket-category'].textContent = active && obs.issue_category ? obs.issue_category : 'Not classified';
    ui['ticket-steps'].textContent = `${active ? obs.step_count : 0} / ${max}`;
    const steps = active ? obs.step_count : 0;
    const pct = Math.round((steps / max) * 100);
    ui.progress.setAttribute('aria-valuemax', String(max));
    ui.progress.setAttribute('aria-valuenow', String(steps));
    ui.progress.setAttribute('aria-valuetext', `${steps} of ${max} steps used`);
    ui['progress-text'].textContent = `${pct}%`;
    progressFill.style.width = `${pct}%`;
    const last = log[log.length - 1];
    const terminal = done && (obs.outcome === 'resolved' || obs.outcome === 'escalated');
    ui['terminal-score'].textContent = !done
      ? `Use a terminal action within ${max} steps to reach ${fmtScore(spec.target_score)}.`
      : terminal ? `${fmtReward(last?.reward)} for the terminal action · final ${fmtScore(obs.cumulative_reward)}`
        : `No terminal action · final ${fmtScore(obs.cumulative_reward)}`;

    // Sentiment
    ui['sentiment-text'].textContent = active ? obs.sentiment : 'No customer yet';
    for (const pill of ui.sentiments.children) {
      if (active && pill.dataset.sentiment === obs.sentiment) pill.setAttribute('aria-current', 'true');
      else pill.removeAttribute('aria-current');
    }

    // Knowledge base: the last article the engine returned
    const kb = active ? obs.knowledge_base_result : null;
    ui['kb-id'].hidden = !kb;
    ui['kb-title'].hidden = !kb;
    ui['kb-id'].textContent = kb ? kb.id : '';
    ui['kb-title'].textContent = kb ? kb.title : '';
    if (kb) ui['kb-text'].textContent = kb.text;
    else ui['kb-text'].replaceChildren('Use ', h('code', {}, 'search_kb'), ' to pull policy.');

    // Conversation: append what is new so the live region announces only that
    ui['chat-subject'].textContent = active ? `${obs.customer_name} · “${obs.subject ?? obs.ticket_id}”` : '';
    if (active) {
      const history = obs.conversation_history;
      for (; shownMessages < history.length; shownMessages++) messages.append(messageItem(history[shownMessages], shownMessages));
      ui.conversation.scrollTop = ui.conversation.scrollHeight;
    }

    // Reward log
    for (; shownLog < log.length; shownLog++) ui['reward-log'].append(logItem(log[shownLog]));
    ui['reward-log-empty'].hidden = log.length > 0;
    ui['reward-total'].textContent = fmtReward(active ? obs.cumulative_reward : 0);

    // Invalid action: the engine's message, verbatim
    showError(ui['action-error'], active && obs.last_action_error ? `Invalid action (the step still counts): ${obs.last_action_error}` : null);

    // Outcome
    ui.outcome.hidden = !done;
    if (done) {
      ui.outcome.dataset.outcome = obs.outcome;
      ui.outcome.dataset.success = String(obs.success);
      ui.outcome.className = `outcome ${obs.success ? 'outcome-success' : 'outcome-failure'}`;
      ui['outcome-kicker'].replaceChildren(icon(obs.success ? 'i-check' : 'i-siren'), obs.success ? 'Success' : 'Failure');
      ui['outcome-title'].textContent = OUTCOMES[obs.outcome] ?? humanize(obs.outcome);
      ui['outcome-score'].replaceChildren('Final score ', h('strong', {}, fmtScore(obs.cumulative_reward)),
        ` · target ${fmtScore(spec.target_score)}+ · ${obs.step_count} of ${max} steps`);
      ui['outcome-reason'].textContent = last ? last.reason : '';
    }

    // Action form (shown when a person plays)
    actionPanel.hidden = !actor.manual;
    ui['action-fieldset'].disabled = !active || done;
    ui['action-hint'].textContent = !active ? 'Start an episode first' : done ? 'Episode over: start a new one' : `Step ${obs.step_count + 1} of ${max}`;
  }

  function messageItem(line, index) {
    const who = line.role === 'customer' ? obs.customer_name : line.role === 'agent' ? actor.label : 'System';
    const item = h('li', { class: `msg msg-${line.role}`, 'data-role': line.role },
      h('p', { class: 'msg-who' }, who, index === 0 ? h('span', { class: 'msg-tag' }, `Ticket ${obs.ticket_id}`) : null),
      h('p', { class: 'msg-text' }, line.text));
    return item;
  }

  function logItem(entry) {
    return h('li', { class: `log-item${entry.valid ? '' : ' log-invalid'}`, 'data-reward': entry.reward },
      h('span', { class: 'log-step' }, h('span', { class: 'visually-hidden' }, 'Step '), String(entry.step)),
      h('span', { class: 'log-head' },
        h('code', { class: 'log-action' }, breakable(entry.action)),
        entry.valid ? null : h('span', { class: 'tag tag-warn' }, 'Invalid')),
      h('span', { class: `log-reward${entry.reward > 0 ? '' : ' log-zero'}` }, fmtReward(entry.reward)),
      h('span', { class: 'log-reason' }, entry.reason));
  }

  // ── Wiring ───────────────────────────────────────────────────────────
  ui['episode-form'].addEventListener('submit', (event) => {
    event.preventDefault();
    newEpisode();
  });
  ui['action-form'].addEventListener('submit', (event) => {
    event.preventDefault();
    submitAction();
  });
  ui['action-select'].addEventListener('change', syncFields);
  ui['message-input'].addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ui['action-form'].requestSubmit();
    }
  });
  ui['play-again'].addEventListener('click', () => {
    if (newEpisode()) ui['action-select'].focus();
  });
  ui['new-episode'].disabled = false;
  syncFields();
  render();

  return {
    events,
    start,
    newEpisode,
    apply,
    setTasks,
    get observation() { return obs; },
    /** {task, seed, id} of the episode on screen (id changes with every reset), or null. */
    get episode() { return episode; },
    /** The episode's steps as trajectory lines. */
    get trajectory() { return trajectory; },
    /** Who acts now: the label their messages get, and whether the action form is theirs. */
    setActor(next) {
      actor = next;
      render();
    },
    /** A mission card was chosen: play it in the demo and bring the demo into view. */
    choose(taskId) {
      ui['mission-select'].value = taskId;
      const started = newEpisode();
      console_.scrollIntoView({ behavior: prefersReducedMotion() ? 'auto' : 'smooth', block: 'start' });
      const next = !started ? ui['seed-input'] : actor.manual ? ui['action-select'] : $('play-pause');
      next.focus({ preventScroll: true });
    },
  };
}
