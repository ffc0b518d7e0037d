// The interactive demo: a thin view over the engine. It sends what the user
// (or an agent, a replay, a share link: see player.js) chose to env.reset /
// env.step and shows exactly what the engine returns (observation, reward,
// reason, the terminal checklist, errors); no rule, reward or outcome is
// computed here. The page only refuses, before the engine sees them and
// without costing a step, the mistakes it can see for itself: an empty
// search, an empty message, text over the byte limit (precheck below).
// Every step is kept as a trajectory line ({env_version, task, seed, step,
// action, observation, reward, reason, done}, as inference.py --trajectories
// writes them) and announced through the store ('episode').
import { $, h, icon, breakable, byTestId, fmtReward, fmtScore, humanize, plural, prefersReducedMotion, setMessage, utf8Bytes } from './dom.js';
import { difficultyBadge, pad2 } from './sections.js';
import { store } from './store.js';

const HINTS = {
  classify_issue: 'Tag the ticket type. You can reclassify; the latest one is graded.',
  search_kb: 'Search the policy knowledge base. The best-ranked article shows above and stays at hand for your reply.',
  ask_clarifying_question: 'Ask the customer a question in words. They reply, but their patience is limited.',
  resolve_ticket: 'Terminal: close the ticket with the final solution. State the fix; stay within policy.',
  escalate_to_human: 'Terminal: hand the ticket to a human specialist. A handoff note is optional.',
};
const MESSAGE_LABELS = {
  ask_clarifying_question: 'Question for the customer',
  resolve_ticket: 'Final solution for the customer',
  escalate_to_human: 'Handoff note (optional)',
};
const SENTIMENT_ICONS = { Happy: 'i-happy', Neutral: 'i-neutral', Upset: 'i-upset', Angry: 'i-angry' };

// ── Pure helpers (unit-tested in tests/js/page.test.mjs) ─────────────────
/**
 * The mistakes the page catches before the engine does (no step is spent):
 * a blank search, a blank message where one is required, text over the
 * engine's byte limit. → the problem in words, or null (send it).
 */
export function precheck(action, spec) {
  const meta = spec.actions.find((a) => a.action_type === action.action_type);
  if (!meta || meta.field === 'category_guess') return null;
  const value = String(action[meta.field] ?? '');
  const bytes = utf8Bytes(value);
  if (bytes > spec.max_text_bytes) {
    return `Not sent, no step used: the ${meta.field === 'search_query' ? 'search query' : 'message'} is ${bytes.toLocaleString('en-US')} bytes and the limit is ${spec.max_text_bytes.toLocaleString('en-US')}. Shorten it.`;
  }
  if (value.trim()) return null;
  if (meta.field === 'search_query') return 'Not sent, no step used: type what to search the knowledge base for.';
  if (meta.optional) return null;
  return `Not sent, no step used: write the ${action.action_type === 'ask_clarifying_question' ? 'question' : 'message'} to the customer first.`;
}

/**
 * The end banner's headline for a finished episode, from the engine's outcome,
 * success and checklist (checks[0] is "the terminal action is the one this
 * ticket's policy calls for").
 */
export function outcomeHeadline(obs, checks) {
  if (obs.success) return obs.outcome === 'escalated' ? 'Escalated to a human' : 'Ticket resolved';
  if (obs.outcome === 'customer_left') return 'Customer left';
  if (obs.outcome === 'step_limit') return 'Step limit reached';
  if (checks?.[0] && checks[0].met === false) return obs.outcome === 'escalated' ? 'Wrong action: escalated' : 'Wrong action: resolved';
  return 'Requirement unmet';
}

export function initDemo({ env, spec }) {
  let tasks = store.get('tasks').tasks;
  const console_ = $('demo');
  const ui = byTestId([
    'episode-form', 'mission-select', 'seed-input', 'new-episode', 'episode-error', 'engine-status',
    'ticket-id', 'status-badge', 'ticket-mission', 'ticket-customer', 'ticket-tier', 'ticket-category',
    'ticket-steps', 'terminal-score', 'progress', 'sentiments', 'sentiment-text', 'sentiment-last',
    'kb-id', 'kb-title', 'kb-text', 'outcome', 'outcome-kicker', 'outcome-title', 'outcome-score',
    'outcome-reason', 'outcome-checks', 'outcome-checks-wrap', 'play-again', 'action-form', 'action-fieldset', 'action-select', 'category-select',
    'query-input', 'message-input', 'message-label', 'action-desc', 'action-hint', 'action-error', 'form-check', 'byte-count',
    'form-article', 'form-article-title', 'form-article-text',
    'turn-panel', 'turn-meta', 'turn-ticket', 'turn-latest', 'turn-step', 'turn-reward', 'turn-reason', 'turn-reply',
    'turn-article', 'turn-article-id', 'turn-article-title', 'turn-article-text',
    'limits', 'steps-left', 'questions-left', 'limit-notice',
    'conversation', 'chat-subject', 'empty-state', 'reward-log', 'reward-log-scroll', 'reward-log-empty', 'reward-total', 'step-announcer',
    'confirm-dialog', 'confirm-text', 'confirm-switch', 'confirm-stay', 'action-panel',
  ]);
  const fieldOf = new Map(spec.actions.map((a) => [a.action_type, a.field]));
  let taskIndex = new Map(tasks.map((t, i) => [t.id, i]));
  const progressFill = ui.progress.querySelector('.progress-fill');
  const messages = h('ol', { class: 'messages' });

  let obs = null;      // the engine's latest observation
  let log = [];        // {step, action, actionType, reward, reason, valid, checks, response} per step, as the engine answered
  let trajectory = []; // trajectory lines of this episode
  let episode = null;  // {task, seed, id, pack}
  let episodes = 0;
  let shownMessages = 0;
  let shownLog = 0;
  let actor = store.get('actor');

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

  const activeInput = () => ({ search_query: ui['query-input'], message_to_customer: ui['message-input'] })[fieldOf.get(ui['action-select'].value)] ?? null;

  function syncFields() {
    const type = ui['action-select'].value;
    const field = fieldOf.get(type);
    for (const box of ui['action-form'].querySelectorAll('[data-field]')) box.hidden = box.dataset.field !== field;
    ui['message-label'].textContent = MESSAGE_LABELS[type] ?? 'Message to the customer';
    ui['action-desc'].textContent = HINTS[type] ?? '';
    const kb = obs?.knowledge_base_result;
    ui['form-article'].hidden = !(kb && field === 'message_to_customer');
    syncBytes();
  }

  /** The byte counter of the visible text field, against the engine's limit. */
  function syncBytes() {
    const input = activeInput();
    ui['byte-count'].hidden = !input;
    if (!input) return;
    const bytes = utf8Bytes(input.value);
    const over = bytes > spec.max_text_bytes;
    ui['byte-count'].textContent = `${bytes.toLocaleString('en-US')} / ${spec.max_text_bytes.toLocaleString('en-US')} bytes${over ? ': over the limit, shorten it' : ''}`;
    ui['byte-count'].classList.toggle('is-over', over);
  }

  // ── Episodes ─────────────────────────────────────────────────────────
  /** Unsent text or steps taken in an unfinished episode: what a switch would throw away. */
  function unsaved() {
    if (!obs || obs.done) return null;
    const text = (ui['query-input'].value.trim() || ui['message-input'].value.trim()) && actor.manual;
    if (!obs.step_count && !text) return null;
    const parts = [obs.step_count ? `${plural(obs.step_count, 'step')} taken` : null, text ? 'text you have not sent' : null].filter(Boolean);
    return `This episode (${obs.ticket_id}) is not over: ${parts.join(' and ')}. Start a new one anyway?`;
  }

  /** Asks before throwing away an unfinished episode; resolves true to go ahead. */
  function confirmLeave() {
    const question = unsaved();
    if (!question) return Promise.resolve(true);
    const dialog = ui['confirm-dialog'];
    ui['confirm-text'].textContent = question;
    return new Promise((resolve) => {
      const done = (answer) => {
        dialog.removeEventListener('close', onClose);
        resolve(answer);
      };
      const onClose = () => done(dialog.returnValue === 'switch');
      dialog.addEventListener('close', onClose);
      dialog.returnValue = '';
      dialog.showModal();
      ui['confirm-stay'].focus();
    });
  }
  for (const id of ['confirm-switch', 'confirm-stay']) ui[id].addEventListener('click', () => ui['confirm-dialog'].close(ui[id].value));

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
      setMessage(ui['episode-error'], `Could not start the episode: ${error.message}`);
      return false;
    }
    setMessage(ui['episode-error'], null);
    setMessage(ui['form-check'], null);
    obs = result.observation;
    episode = { task, seed, id: ++episodes, pack: store.get('tasks').pack?.name ?? null };
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
    for (const card of document.querySelectorAll('.mission-card[data-task]')) {
      const current = card.dataset.task === obs.task_id;
      card.classList.toggle('is-current', current);
      const button = card.querySelector('.card-button');
      if (current) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
    render();
    syncFields();
    publish('start');
    return true;
  }

  function publish(kind, result = null) {
    store.set('episode', episode && { kind, ...episode, obs, trajectory, result });
  }

  /**
   * Sends one action (any JSON value: the engine judges it) and shows the result; throws if the engine refuses the request.
   * feedback: whether the agent that chose it is shown rewards (recorded in the trajectory line; undefined = not recorded).
   */
  function apply(action, { feedback } = {}) {
    const result = env.step(action);
    obs = result.observation;
    const type = typeof action?.action_type === 'string' ? action.action_type : 'invalid action';
    log.push({
      step: obs.step_count, action, actionType: type, reward: result.reward, reason: result.info.reason, valid: result.info.valid,
      checks: Array.isArray(result.info.checks) ? result.info.checks : null, response: result,
    });
    trajectory.push({
      env_version: obs.env_version, task: episode.task, seed: episode.seed, step: obs.step_count, action, observation: obs,
      reward: result.reward, reason: result.info.reason, done: result.done, feedback,
    });
    render();
    syncFields();
    publish('step', result);
    ui['step-announcer'].textContent = `Step ${obs.step_count}, ${type}: ${fmtReward(result.reward)}. ${result.info.reason} Total ${fmtReward(obs.cumulative_reward)}.`;
    return result;
  }

  /** Brings the turn panel (ticket, latest reply, article, reward) into view when it is not. */
  function revealTurn() {
    const box = ui['turn-panel'].getBoundingClientRect();
    if (box.top < 0 || box.top > innerHeight * 0.5) {
      ui['turn-panel'].scrollIntoView({ behavior: prefersReducedMotion() ? 'auto' : 'smooth', block: 'start' });
    }
  }

  function submitAction() {
    if (!obs || obs.done) return;
    const type = ui['action-select'].value;
    const field = fieldOf.get(type);
    const input = { category_guess: ui['category-select'], search_query: ui['query-input'], message_to_customer: ui['message-input'] }[field];
    const action = { action_type: type };
    if (field) action[field] = input ? input.value : '';
    const problem = precheck(action, spec);
    setMessage(ui['form-check'], problem);
    if (problem) {
      input?.focus();
      return;
    }
    let result;
    try {
      result = apply(action);
    } catch (error) {
      setMessage(ui['action-error'], error.message);
      return;
    }
    if (result.info.valid && field !== 'category_guess' && input) input.value = '';
    syncBytes();
    if (obs.done) {
      ui.outcome.focus({ preventScroll: true });
      ui.outcome.scrollIntoView({ behavior: prefersReducedMotion() ? 'auto' : 'smooth', block: 'start' });
    } else revealTurn();
  }

  /** The missions changed (a scenario pack, or back to the built-in ones): the engine dropped the episode. */
  store.on('tasks', ({ tasks: next }) => {
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
    setMessage(ui['episode-error'], null);
    render();
    syncFields();
    store.set('episode', null);
  });

  store.on('actor', (next) => {
    actor = next;
    render();
  });

  // ── Rendering: the observation, as the engine returned it ─────────────
  function render() {
    const active = Boolean(obs);
    const done = active && obs.done;
    const max = active ? obs.max_steps : spec.max_steps;
    const state = !active ? 'idle' : done ? 'done' : 'active';
    console_.dataset.state = state;
    const last = log[log.length - 1];

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
    const terminal = done && (obs.outcome === 'resolved' || obs.outcome === 'escalated');
    ui['terminal-score'].textContent = !done
      ? `Use a terminal action within ${max} steps to reach ${fmtScore(spec.target_score)}.`
      : terminal ? `${fmtReward(last?.reward)} for the terminal action · final ${fmtScore(obs.cumulative_reward)}`
        : `No terminal action · final ${fmtScore(obs.cumulative_reward)}`;

    renderLimits(active, done, max);
    renderTurn(active, last);

    // Sentiment: the engine's; after the end, the customer's last words beside it
    ui['sentiment-text'].textContent = active ? obs.sentiment : 'No customer yet';
    for (const pill of ui.sentiments.children) {
      if (active && pill.dataset.sentiment === obs.sentiment) pill.setAttribute('aria-current', 'true');
      else pill.removeAttribute('aria-current');
    }
    const lastWords = done ? obs.conversation_history.findLast((line) => line.role === 'customer') : null;
    ui['sentiment-last'].hidden = !lastWords;
    if (lastWords) ui['sentiment-last'].replaceChildren(h('span', { class: 'sentiment-last-label' }, 'Last words: '), `“${lastWords.text}”`);

    // Knowledge base: the last article the engine returned
    const kb = active ? obs.knowledge_base_result : null;
    ui['kb-id'].hidden = !kb;
    ui['kb-title'].hidden = !kb;
    ui['kb-id'].textContent = kb ? kb.id : '';
    ui['kb-title'].textContent = kb ? kb.title : '';
    if (kb) ui['kb-text'].textContent = kb.text;
    else ui['kb-text'].replaceChildren('Use ', h('code', {}, 'search_kb'), ' to pull policy.');
    ui['form-article-title'].textContent = kb ? `${kb.id} · ${kb.title}` : '';
    ui['form-article-text'].textContent = kb ? kb.text : '';

    // Conversation: append what is new so the live region announces only that
    ui['chat-subject'].textContent = active ? `${obs.customer_name} · “${obs.subject ?? obs.ticket_id}”` : '';
    if (active) {
      const history = obs.conversation_history;
      for (; shownMessages < history.length; shownMessages++) messages.append(messageItem(history[shownMessages], shownMessages));
      ui.conversation.scrollTop = ui.conversation.scrollHeight;
    }

    // Reward log: bounded, scrolled to the newest step
    for (; shownLog < log.length; shownLog++) ui['reward-log'].append(logItem(log[shownLog]));
    ui['reward-log-empty'].hidden = log.length > 0;
    ui['reward-log-scroll'].hidden = log.length === 0;
    ui['reward-log-scroll'].scrollTop = ui['reward-log-scroll'].scrollHeight;
    ui['reward-total'].textContent = fmtReward(active ? obs.cumulative_reward : 0);

    // Invalid action: the engine's message, verbatim
    setMessage(ui['action-error'], active && obs.last_action_error ? `Invalid action (the step still counts): ${obs.last_action_error}` : null);

    // Outcome: the headline states what happened; the checklist is the engine's
    ui.outcome.hidden = !done;
    if (done) {
      const checks = terminal ? last?.checks : null;
      ui.outcome.dataset.outcome = obs.outcome;
      ui.outcome.dataset.success = String(obs.success);
      ui.outcome.className = `outcome ${obs.success ? 'outcome-success' : 'outcome-failure'}`;
      ui['outcome-kicker'].replaceChildren(icon(obs.success ? 'i-check' : 'i-siren'), obs.success ? 'Success' : 'Failure');
      ui['outcome-title'].textContent = outcomeHeadline(obs, checks);
      ui['outcome-score'].replaceChildren('Final score ', h('strong', {}, fmtScore(obs.cumulative_reward)),
        ` · target ${fmtScore(spec.target_score)}+ · ${obs.step_count} of ${max} steps`);
      ui['outcome-reason'].textContent = last ? last.reason : '';
      ui['outcome-checks-wrap'].hidden = !checks?.length;
      ui['outcome-checks'].replaceChildren(...(checks ?? []).map((c) => h('li', { class: `check-item ${c.met ? 'is-met' : 'is-missed'}`, 'data-met': String(c.met) },
        h('span', { class: 'check-mark', 'aria-hidden': 'true' }, c.met ? '✓' : '✗'),
        h('span', { class: 'visually-hidden' }, c.met ? 'Met: ' : 'Missed: '), c.requirement)));
    }

    // Action form (shown when a person plays)
    ui['action-panel'].hidden = !actor.manual;
    ui['action-fieldset'].disabled = !active || done;
    ui['action-hint'].textContent = !active ? 'Start an episode first' : done ? 'Episode over: start a new one' : `Step ${obs.step_count + 1} is next`;
  }

  /** Steps and questions left, and the notices that go with them. */
  function renderLimits(active, done, max) {
    const steps = active ? obs.step_count : 0;
    ui['ticket-steps'].textContent = `${steps} / ${max}`;
    ui.progress.setAttribute('aria-valuemax', String(max));
    ui.progress.setAttribute('aria-valuenow', String(steps));
    ui.progress.setAttribute('aria-valuetext', `${steps} of ${max} steps used`);
    progressFill.style.width = `${Math.round((steps / max) * 100)}%`;
    const left = max - steps;
    const [stepsNum, stepsLabel] = ui['steps-left'].children;
    stepsNum.textContent = active ? String(left) : '–';
    stepsLabel.textContent = left === 1 ? 'step left' : 'steps left';
    const [qNum, qLabel] = ui['questions-left'].children;
    // The engine's count (observation.questions_left); an observation from an older version has none.
    const qLeft = active && Number.isInteger(obs?.questions_left) ? obs.questions_left : null;
    qNum.textContent = qLeft == null ? '–' : String(qLeft);
    qLabel.textContent = qLeft === 1 ? 'question left' : 'questions left';
    ui['steps-left'].classList.toggle('is-low', active && !done && left <= 1);
    ui['questions-left'].classList.toggle('is-low', active && !done && qLeft === 0);
    let notice = '';
    if (active && !done) {
      if (left === 1) notice = `Last step: step ${max} of ${max}. Only resolve_ticket or escalate_to_human can still end this ticket well; anything else ends it at the step limit.`;
      else if (qLeft === 0) notice = 'No questions left: one more and the customer leaves.';
    }
    ui['limit-notice'].textContent = notice;
    ui['limit-notice'].hidden = !notice;
  }

  /** The turn panel: the ticket, then what the last step brought (reward and reason, reply, article). */
  function renderTurn(active, last) {
    ui['turn-meta'].textContent = active ? `${obs.ticket_id} · ${obs.customer_name} · ${obs.customer_tier}` : '';
    if (!active) {
      ui['turn-ticket'].replaceChildren(h('p', { class: 'turn-empty' }, 'Choose a mission above (or a card in the Mission Library): the customer’s ticket shows here.'));
      ui['turn-latest'].hidden = true;
      return;
    }
    const ticket = obs.conversation_history[0];
    ui['turn-ticket'].replaceChildren(
      h('p', { class: 'turn-subject' }, obs.subject ?? obs.ticket_id),
      h('p', { class: 'turn-ticket-text', 'data-testid': 'turn-ticket-text' }, ticket?.text ?? ''));
    ui['turn-ticket'].classList.toggle('is-compact', log.length > 0);
    ui['turn-latest'].hidden = !last;
    if (!last) return;
    ui['turn-step'].replaceChildren(`Step ${last.step} · `, h('code', {}, breakable(last.actionType)), last.valid ? '' : ' (invalid)');
    ui['turn-reward'].textContent = fmtReward(last.reward);
    ui['turn-reward'].className = `log-reward${last.reward > 0 ? '' : ' log-zero'}`;
    ui['turn-reason'].textContent = last.reason;
    // What the customer said in reply to this step (lines added after the agent's own)
    const previous = log.length > 1 ? log[log.length - 2].response.observation.conversation_history.length : 1;
    const added = obs.conversation_history.slice(previous).filter((line) => line.role === 'customer');
    ui['turn-reply'].hidden = added.length === 0;
    ui['turn-reply'].replaceChildren(...added.map((line) => h('p', { class: `turn-line turn-line-${line.role}` },
      h('span', { class: 'turn-who' }, `${obs.customer_name}: `), line.text)));
    const kb = last.actionType === 'search_kb' && last.valid ? obs.knowledge_base_result : null;
    ui['turn-article'].hidden = !kb;
    if (kb) {
      ui['turn-article-id'].textContent = kb.id;
      ui['turn-article-title'].textContent = kb.title;
      ui['turn-article-text'].textContent = kb.text;
    }
  }

  function messageItem(line, index) {
    const who = line.role === 'customer' ? obs.customer_name : line.role === 'agent' ? actor.label : 'System';
    return h('li', { class: `msg msg-${line.role}`, 'data-role': line.role },
      h('p', { class: 'msg-who' }, who, index === 0 ? h('span', { class: 'msg-tag' }, `Ticket ${obs.ticket_id}`) : null),
      h('p', { class: 'msg-text' }, line.text));
  }

  function logItem(entry) {
    const raw = h('pre', { class: 'log-json-text', tabindex: '0', 'aria-label': `Step ${entry.step} as JSON` });
    const details = h('details', { class: 'log-json', 'data-testid': `log-json-${entry.step}` },
      h('summary', {}, 'Raw JSON', h('span', { class: 'visually-hidden' }, ` of step ${entry.step}`)), raw);
    details.addEventListener('toggle', () => {
      if (details.open && !raw.textContent) raw.textContent = JSON.stringify({ action: entry.action, response: entry.response }, null, 2);
    });
    return h('li', { class: `log-item${entry.valid ? '' : ' log-invalid'}`, 'data-reward': entry.reward },
      h('span', { class: 'log-step' }, h('span', { class: 'visually-hidden' }, 'Step '), String(entry.step)),
      h('span', { class: 'log-head' },
        h('code', { class: 'log-action' }, breakable(entry.actionType)),
        entry.valid ? null : h('span', { class: 'tag tag-warn' }, 'Invalid')),
      h('span', { class: `log-reward${entry.reward > 0 ? '' : ' log-zero'}` }, fmtReward(entry.reward)),
      h('span', { class: 'log-reason' }, entry.reason),
      details);
  }

  // ── Wiring ───────────────────────────────────────────────────────────
  ui['episode-form'].addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await confirmLeave()) newEpisode();
  });
  ui['action-form'].addEventListener('submit', (event) => {
    event.preventDefault();
    submitAction();
  });
  ui['action-select'].addEventListener('change', () => {
    setMessage(ui['form-check'], null);
    syncFields();
  });
  for (const input of [ui['query-input'], ui['message-input']]) input.addEventListener('input', syncBytes);
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
    start,
    newEpisode,
    apply,
    confirmLeave,
    get observation() { return obs; },
    /** {task, seed, id, pack} of the episode on screen (id changes with every reset), or null. */
    get episode() { return episode; },
    /** The episode's steps as trajectory lines. */
    get trajectory() { return trajectory; },
    /** A mission card was chosen: (after asking, if an episode would be lost) play it and bring the ticket into view. */
    async choose(taskId) {
      if (!(await confirmLeave())) return;
      ui['mission-select'].value = taskId;
      const started = newEpisode();
      const behavior = prefersReducedMotion() ? 'auto' : 'smooth';
      const narrow = innerWidth < 1000;
      (started && narrow ? ui['turn-panel'] : console_).scrollIntoView({ behavior, block: 'start' });
      const next = !started ? ui['seed-input'] : actor.manual ? ui['action-select'] : $('play-pause');
      next.focus({ preventScroll: true });
    },
  };
}
